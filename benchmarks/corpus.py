"""Synthetic corpora for the benchmark, in three variants built from the same texts.

* ``ours``: the reader's syntax (AUTHORING.md): N source pages of 20 numbered
  paragraphs checked against ``sources/raw/<key>.txt``, about one typed note per
  paragraph (all six kinds, anchors that occur exactly once), N/5 chapters of
  30 ``{passage}``/``{quote}`` references reaching into every source, a
  glossary, a timeline, a concordance, how to cite, a bibliography with one
  entry per source plus other works cited with ``{cite:p}``, one briefing pack,
  and the real book's ``conf.py``.
* ``stock``: what a Jupyter Book 1 user writes: plain MyST, notes as
  ``{margin}``, passage links as ``{ref}`` to ``(label)=`` targets, glossary
  and citations as stock Sphinx, stock sphinx-book-theme
  (``sphinx_book_theme`` in ``extensions``), sphinxcontrib-bibtex with a stock
  style, no annotated_reader.
* ``engine_off``: the real book's ``conf.py`` with ``annotated_reader``
  removed from ``extensions`` and every other setting kept (the extension's
  CSS and JavaScript and its citeproc bibliography style are still added, so
  the theme and the bibliography are ours); our directives and roles become
  plain paragraphs and ``{ref}`` links.

Everything is deterministic: the same N gives the same texts.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VARIANTS = ("ours", "stock", "engine_off")
PARAGRAPHS = 20
HEADING_BEFORE = 11  # a "## " heading of the original stands before this paragraph
REFS_PER_CHAPTER = 30
KINDS = ("gloss", "context", "claim", "sic", "question", "link")
PACK = "complete-reader"


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    """
alliance allies ambassador analysts argument army balance bargain bases border budget
cabinet campaign capital ceasefire coalition coast commerce compromise concern conference
conflict consensus constitution council crisis currency debate decade defence deficit
delegation democracy deterrence diplomacy dispute doctrine economy election embassy
empire energy envoy exchange exports faction finance fleet forces frontier growth
guarantee harbour history identity imports industry influence institutions interests
investment island justice labour leaders legacy legislature market memory minister
mission navy negotiation neighbours network office order parliament partners patrol
pledge policy politics port power pressure principle promise prosperity protest
province reform region relations reserve resources rivalry route rules sanctions
security settlement shipping sovereignty speech stability strategy summit supply
surplus tariff taxes territory threat trade treaty troops union value visit voters
war wealth weapons workers
"""
)
VERBS = _words(
    """
affects alters announces assumes blocks builds changes claims confirms defends delays
describes divides doubts drives expands explains favours follows frames hardens holds
ignores implies improves limits links mirrors narrows notes opens outlines prepares
questions raises reduces reflects rejects repeats restores reveals shapes signals
slows softens strains strengthens supports sustains tests threatens weakens widens
"""
)
ADJECTIVES = _words(
    """
bilateral careful central coastal cautious costly direct distant domestic early
fragile formal gradual harsh indirect informal lasting local maritime modest narrow
national northern open partial political public quiet rapid regional rigid shared
sharp slow southern steady strategic strong sudden uneven urgent vague western wider
"""
)
SYLLABLES = _words(
    """
ba ko ri de ma su lo ne ta vi ga ho mi za pe ru sa fo ki le
"""
)
GIVEN = _words(
    """
Ada Ben Chiara Dev Elif Femi Goro Hana Ines Jun Kavya Lars Mei Nia Omar Priya Quinn
Rosa Sami Tomas
"""
)


# -- Inline text: a list of parts, each rendered per variant -------------------


@dataclass(frozen=True)
class Passage:
    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    key: str
    number: int
    words: str


@dataclass(frozen=True)
class Term:
    name: str


@dataclass(frozen=True)
class Cite:
    key: str


@dataclass(frozen=True)
class ThemeLink:
    slug: str


Part = str | Passage | Quote | Term | Cite | ThemeLink


@dataclass
class Note:
    paragraph: int  # 1-based
    kind: str
    anchor: str | None
    body: list[Part]
    themes: list[str] = field(default_factory=list)


@dataclass
class Source:
    key: str
    family: str
    given: str
    year: int
    title: str
    organisation: str
    paragraphs: list[str]
    heading: str
    notes: list[Note] = field(default_factory=list)
    about: list[Part] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.family} {self.year}"


@dataclass
class Chapter:
    slug: str
    title: str
    intro: list[Part]
    sections: list[tuple[str, list[list[Part]]]]


@dataclass
class OtherWork:
    key: str
    bibtex: str


@dataclass
class Event:
    date: str
    title: str
    status: str
    passages: list[str]
    cite: list[str]


@dataclass
class Corpus:
    n: int
    sources: list[Source]
    chapters: list[Chapter]
    terms: list[tuple[str, list[Part]]]
    others: list[OtherWork]
    events: list[Event]

    def source(self, key: str) -> Source:
        return self._by_key[key]

    def __post_init__(self) -> None:
        self._by_key = {s.key: s for s in self.sources}


# -- The texts -----------------------------------------------------------------


def _sentence(rng: random.Random, words: int) -> str:
    out = []
    for i in range(words):
        pool = (WORDS, VERBS, ADJECTIVES)[i % 3] if i else WORDS
        out.append(rng.choice(pool))
    if rng.random() < 0.3:
        out.insert(rng.randrange(1, len(out)), f"in {rng.randrange(1890, 2025)}")
    out[0] = out[0].capitalize()
    if len(out) > 7 and rng.random() < 0.4:
        out[len(out) // 2] += ","
    return " ".join(out) + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randrange(9, 17)) for _ in range(rng.randrange(5, 8)))


def _family(i: int) -> str:
    n = len(SYLLABLES)
    return (SYLLABLES[i % n] + SYLLABLES[(i // n) % n] + SYLLABLES[(i // n // n) % n]).capitalize()


def _occurrences(phrase: str, text: str) -> int:
    words = [re.escape(w) for w in phrase.split()]
    return len(re.findall(r"\s+".join(words), text))


def _unique_phrase(rng: random.Random, text: str, length: int) -> str:
    """Consecutive words of ``text`` that occur exactly once in it."""
    words = text.split()
    for _ in range(200):
        start = rng.randrange(0, max(1, len(words) - length))
        phrase = " ".join(words[start : start + length]).rstrip(",.")
        if len(phrase.split()) == length and _occurrences(phrase, text) == 1:
            return phrase
        length += 1 if length < 8 else 0
    raise ValueError("no unique phrase")  # pragma: no cover - 80+ random words


def _words_of(rng: random.Random, text: str, length: int) -> str:
    words = text.split()
    start = rng.randrange(0, max(1, len(words) - length))
    return " ".join(words[start : start + length]).rstrip(",.")


def make_corpus(n: int, seed: int = 13) -> Corpus:
    """The texts of a corpus of ``n`` sources (the same for every variant)."""
    rng = random.Random(f"{seed}-{n}")
    n_chapters = max(1, n // 5)
    n_terms = 20 + n // 10
    n_others = 8 + n // 50

    terms_names: list[str] = []
    while len(terms_names) < n_terms:
        name = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(WORDS)}"
        if name not in terms_names:
            terms_names.append(name)

    others = []
    for k in range(n_others):
        family = _family(7999 - k)
        key = f"{family.lower()}{1990 + k}"
        title = _sentence(rng, 6).rstrip(".")
        kind = k % 3
        if kind == 0:
            bib = (
                f"@book{{{key},\n  author = {{{family}, {GIVEN[k % len(GIVEN)]}}},\n"
                f"  title = {{{title}}},\n  publisher = {{University Press}},\n"
                f"  address = {{Oxford}},\n  year = {{{1990 + k}}},\n}}"
            )
        elif kind == 1:
            bib = (
                f"@article{{{key},\n  author = {{{family}, {GIVEN[k % len(GIVEN)]}}},\n"
                f"  title = {{{title}}},\n  journal = {{Journal of Regional Studies}},\n"
                f"  volume = {{{k + 3}}},\n  pages = {{{k + 10}--{k + 30}}},\n  year = {{{1990 + k}}},\n}}"
            )
        else:
            bib = (
                f"@techreport{{{key},\n  author = {{{family}, {GIVEN[k % len(GIVEN)]}}},\n"
                f"  title = {{{title}}},\n  institution = {{Policy Institute}},\n"
                f"  number = {{{k}}},\n  year = {{{1990 + k}}},\n}}"
            )
        others.append(OtherWork(key, bib))

    sources = []
    for i in range(n):
        family = _family(i)
        year = 2000 + i % 25
        paragraphs = [_paragraph(rng) for _ in range(PARAGRAPHS)]
        sources.append(
            Source(
                key=f"{family.lower()}{year}",
                family=family,
                given=GIVEN[i % len(GIVEN)],
                year=year,
                title=_sentence(rng, 7).rstrip("."),
                organisation=f"{rng.choice(ADJECTIVES).capitalize()} Policy Forum",
                paragraphs=paragraphs,
                heading=_sentence(rng, 5).rstrip("."),
            )
        )

    chapters = [
        Chapter(f"theme-{t:03d}", f"Theme {t}: {_sentence(rng, 4).rstrip('.')}", [], [])
        for t in range(n_chapters)
    ]
    # Chapter t reaches into the 30 sources from 5t on (wrapping round), so
    # every source is referenced by some chapter.
    themes_of: dict[str, list[str]] = {s.key: [] for s in sources}
    for t, chapter in enumerate(chapters):
        refs: list[Part] = []
        for r in range(REFS_PER_CHAPTER):
            src = sources[(t * 5 + r) % n]
            number = (t * 7 + r * 3) % PARAGRAPHS + 1
            if chapter.slug not in themes_of[src.key]:
                themes_of[src.key].append(chapter.slug)
            if r % 4 == 1:
                words = _words_of(rng, src.paragraphs[number - 1], 3 + r % 4)
                refs.append(Quote(src.key, number, words))
            elif r % 10 == 7 and number < PARAGRAPHS:
                refs.append(Passage(src.key, number, number + 1))
            else:
                refs.append(Passage(src.key, number, number))
        chapter.intro = [
            _sentence(rng, 14),
            " It reads its sources side by side, as ",
            Cite(others[t % n_others].key),
            " suggests; compare ",
            ThemeLink(chapters[(t + 1) % n_chapters].slug),
            ". ",
            _sentence(rng, 12),
        ]
        per_section = REFS_PER_CHAPTER // 3
        for s in range(3):
            section_refs = refs[s * per_section : (s + 1) * per_section]
            paras: list[list[Part]] = []
            for p in range(2):
                para: list[Part] = [_sentence(rng, 12), " "]
                for ref in section_refs[p * 5 : (p + 1) * 5]:
                    label = f"{_sentence(rng, 8)[:-1]} "
                    if isinstance(ref, Quote):
                        para += [label, "in the words ", ref, ". "]
                    else:
                        para += [label, "(", ref, "). "]
                para += [
                    "The term ",
                    Term(terms_names[(t * 6 + s * 2 + p) % n_terms]),
                    " matters here. ",
                    _sentence(rng, 10),
                ]
                paras.append(para)
            chapter.sections.append((_sentence(rng, 4).rstrip("."), paras))

    for i, src in enumerate(sources):
        other = sources[(i + 1) % n]
        src.about = [
            f"This text by {src.given} {src.family} was captured from the web and is "
            "reproduced verbatim; see ",
            Term(terms_names[i % n_terms]),
            " and ",
            Cite(others[i % n_others].key),
            ". ",
            _sentence(rng, 12),
        ]
        count = 0
        for p in range(1, PARAGRAPHS + 1):
            text = src.paragraphs[p - 1]
            kinds_here = [KINDS[count % len(KINDS)]]
            if p % 7 == 0:  # now and then a second note, on the whole paragraph
                kinds_here.append(KINDS[(count + 3) % len(KINDS)])
            used: list[str] = []
            for extra, kind in enumerate(kinds_here):
                count += 1
                anchor = None
                if not extra and count % 5:
                    anchor = _unique_phrase(rng, text, 4)
                    used.append(anchor)
                body: list[Part] = [_sentence(rng, rng.randrange(10, 20)), " "]
                if kind == "gloss":
                    body += ["See ", Term(terms_names[(i * 3 + p) % n_terms]), "."]
                elif kind == "context":
                    body += ["Compare ", Cite(others[(i + p) % n_others].key), "."]
                elif kind == "claim":
                    body += ["The same point recurs in ", Passage(other.key, p, p), "."]
                elif kind == "sic":
                    body += ["Read it as written; the text is not corrected."]
                elif kind == "question":
                    body += ["Why would the author say so here?"]
                else:
                    body += ["Discussed in ", ThemeLink(themes_of[src.key][0]), "."]
                themes = [themes_of[src.key][count % len(themes_of[src.key])]] if count % 3 else []
                src.notes.append(Note(p, kind, anchor, body, themes))

    terms = []
    for k, name in enumerate(terms_names):
        src = sources[k % n]
        terms.append(
            (name, [_sentence(rng, 14), " See ", Passage(src.key, k % PARAGRAPHS + 1, k % 20 + 1)])
        )

    events = [
        Event(
            date=f"{2000 + k}-{k % 12 + 1:02d}",
            title=_sentence(rng, 8).rstrip("."),
            status="cited" if k % 2 else "source",
            passages=[f"{sources[(k * 3) % n].key}:{k + 1}"],
            cite=[others[k % n_others].key] if k % 2 else [],
        )
        for k in range(8)
    ]
    return Corpus(n, sources, chapters, terms, others, events)


# -- Rendering -----------------------------------------------------------------


def _ref_label(corpus: Corpus, key: str, start: int, end: int) -> str:
    src = corpus.source(key)
    if start == end:
        return f"{src.label}, ¶ {start}"
    return f"{src.label}, ¶¶ {start}–{end}"


def render(parts: list[Part], variant: str, corpus: Corpus) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Passage):
            if variant == "ours":
                target = f"{part.key}:{part.start}" + (
                    f"-{part.end}" if part.end != part.start else ""
                )
                out.append(f"{{passage}}`{target}`")
            else:
                label = _ref_label(corpus, part.key, part.start, part.end)
                out.append(f"{{ref}}`{label} <{part.key}-p{part.start}>`")
        elif isinstance(part, Quote):
            if variant == "ours":
                out.append(f"{{quote}}`{part.key}:{part.number}|{part.words}`")
            else:
                label = _ref_label(corpus, part.key, part.number, part.number)
                out.append(f"“{part.words}” ({{ref}}`{label} <{part.key}-p{part.number}>`)")
        elif isinstance(part, Term):
            out.append(f"{{term}}`{part.name}`")
        elif isinstance(part, Cite):
            out.append(f"{{cite:p}}`{part.key}`")
        elif isinstance(part, ThemeLink):
            out.append(
                f"{{theme}}`{part.slug}`" if variant == "ours" else f"{{doc}}`/themes/{part.slug}`"
            )
    return "".join(out)


def raw_text(src: Source) -> str:
    blocks = []
    for p, text in enumerate(src.paragraphs, start=1):
        if p == HEADING_BEFORE:
            blocks.append(f"## {src.heading}")
        blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def source_page(src: Source, variant: str, corpus: Corpus) -> str:
    ours = variant == "ours"
    lines = ["---", f"source: {src.key}", f"raw: raw/{src.key}.txt", "---", ""] if ours else []
    if not ours:
        lines += [f"({src.key})=", ""]
    lines += [f"# {src.title}", ""]
    about = render(src.about, variant, corpus)
    if ours:
        lines += ["```{source-info}", "```", "", ":::{editorial} About this text", about, ":::", ""]
    else:
        card = (
            f"**{src.family}, {src.given}** ({src.year}). *{src.title}*. {src.organisation}. "
            f"<https://example.org/{src.key}>"
        )
        lines += [card, ""]
        if variant == "stock":
            lines += [":::{admonition} About this text", about, ":::", ""]
        else:
            lines += ["**About this text.**", "", about, ""]
    notes_by_para: dict[int, list[Note]] = {}
    for note in src.notes:
        notes_by_para.setdefault(note.paragraph, []).append(note)
    number = 0
    for p, text in enumerate(src.paragraphs, start=1):
        if p == HEADING_BEFORE:
            lines += [f"## {src.heading}", ""]
        if ours:
            lines += [text, ""]
        else:
            lines += [f"({src.key}-p{p})=", text, ""]
        for note in notes_by_para.get(p, []):
            number += 1
            body = render(note.body, variant, corpus)
            if ours:
                lines.append(f":::{{annotation}} {note.kind}")
                if note.anchor:
                    lines.append(f":anchor: {note.anchor}")
                if note.themes:
                    lines.append(f":themes: {', '.join(note.themes)}")
                lines += [body, ":::", ""]
            elif variant == "stock":
                lines += [":::{margin}", f"**{note.kind.capitalize()}.** {body}", ":::", ""]
            else:
                lines += [f"*Note {number} ({note.kind}).* {body}", ""]
    return "\n".join(lines)


def chapter_page(chapter: Chapter, variant: str, corpus: Corpus) -> str:
    lines = ["---", f"theme: {chapter.slug}", "---", ""] if variant == "ours" else []
    lines += [f"# {chapter.title}", "", render(chapter.intro, variant, corpus), ""]
    for title, paras in chapter.sections:
        lines += [f"## {title}", ""]
        for para in paras:
            lines += [render(para, variant, corpus), ""]
    return "\n".join(lines)


def glossary_page(corpus: Corpus, variant: str) -> str:
    lines = ["# Glossary", "", "Terms used in the notes and the chapters.", "", ":::{glossary}"]
    for name, definition in corpus.terms:
        lines += [name, f"   {render(definition, variant, corpus)}", ""]
    return "\n".join([*lines[:-1], ":::", ""])


def bibliography_page(variant: str) -> str:
    return "\n".join(
        [
            "# Bibliography",
            "",
            "## The sources",
            "",
            "```{bibliography}",
            ':filter: keywords % "source"',
            "```",
            "",
            "## Other works cited",
            "",
            "```{bibliography}",
            ':filter: cited and not keywords % "source"',
            "```",
            "",
        ]
    )


def concordance_counts(corpus: Corpus) -> dict[tuple[str, str], tuple[int, int]]:
    counts: dict[tuple[str, str], list[int]] = {}
    for src in corpus.sources:
        for note in src.notes:
            for slug in note.themes:
                counts.setdefault((src.key, slug), [0, 0])[0] += 1
    for chapter in corpus.chapters:
        parts = [p for _title, paras in chapter.sections for para in paras for p in para]
        for part in parts:
            if isinstance(part, Passage | Quote):
                counts.setdefault((part.key, chapter.slug), [0, 0])[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def concordance_page(corpus: Corpus, variant: str) -> str:
    lines = ["# Concordance", "", "Which source speaks to which theme.", ""]
    if variant == "ours":
        return "\n".join([*lines, "```{concordance}", "```", ""])
    counts = concordance_counts(corpus)
    chapters = sorted(corpus.chapters, key=lambda c: c.slug)
    header = ["Source"] + [f"{{doc}}`/themes/{c.slug}`" for c in chapters]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for src in sorted(corpus.sources, key=lambda s: s.key):
        row = [f"{{doc}}`{src.family} ({src.year}) </sources/{src.key}>`"]
        for c in chapters:
            notes, refs = counts.get((src.key, c.slug), (0, 0))
            if not notes and not refs:
                row.append("–")
            else:
                text = f"{notes} note{'s' * (notes != 1)}, {refs} ref{'s' * (refs != 1)}"
                row.append(f"{{doc}}`{text} </themes/{c.slug}>`")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join([*lines, ""])


def how_to_cite_page(corpus: Corpus, variant: str) -> str:
    lines = ["# How to cite", "", "Cite the original with the paragraph number.", ""]
    if variant == "ours":
        return "\n".join([*lines, "```{how-to-cite}", "```", ""])
    for src in sorted(corpus.sources, key=lambda s: (s.year, s.key)):
        lines += [
            f"**{{doc}}`{src.family} ({src.year}) </sources/{src.key}>`**",
            "",
            f"- APA 7: {src.family}, {src.given[0]}. ({src.year}). *{src.title}*. "
            f"{src.organisation}. In text, paragraph 3: ({src.family}, {src.year}, para. 3)",
            f'- Chicago: {src.family}, {src.given}. {src.year}. "{src.title}." '
            f"{src.organisation}. In text, paragraph 3: ({src.family} {src.year}, para. 3)",
            f'- MLA 9: {src.family}, {src.given}. "{src.title}." {src.organisation}, '
            f"{src.year}. In text, paragraph 3: ({src.family}, par. 3)",
            "",
        ]
    return "\n".join(lines)


def timeline_toml(corpus: Corpus) -> str:
    out = []
    for event in corpus.events:
        out += ["[[event]]", f'date = "{event.date}"', f'title = "{event.title}"']
        out.append(f'status = "{event.status}"')
        out.append("passages = [" + ", ".join(f'"{p}"' for p in event.passages) + "]")
        if event.cite:
            out.append("cite = [" + ", ".join(f'"{c}"' for c in event.cite) + "]")
        out.append("")
    return "\n".join(out)


def timeline_page(corpus: Corpus, variant: str) -> str:
    lines = ["# Timeline", "", "Dated events the sources mention.", ""]
    if variant == "ours":
        return "\n".join([*lines, "```{timeline}", ":file: timeline.toml", "```", ""])
    for event in corpus.events:
        links = []
        for target in event.passages:
            key, number = target.split(":")
            links.append(render([Passage(key, int(number), int(number))], variant, corpus))
        links += [f"{{cite:p}}`{key}`" for key in event.cite]
        lines.append(f"- **{event.date}** {event.title} ({event.status}): {'; '.join(links)}")
    return "\n".join([*lines, ""])


def pack_page(corpus: Corpus, variant: str) -> str:
    lines = ["# The complete reader", ""]
    if variant == "ours":
        return "\n".join([*lines, "```{briefing-pack}", "```", ""])
    lines += ["The PDF of this pack holds these pages:", ""]
    lines += [f"- {{doc}}`/{doc}`" for doc in pack_contents(corpus)]
    return "\n".join([*lines, ""])


def pack_contents(corpus: Corpus) -> list[str]:
    return [f"themes/{c.slug}" for c in corpus.chapters] + [
        f"sources/{s.key}" for s in corpus.sources
    ]


def index_page(corpus: Corpus) -> str:
    def toc(caption: str, docs: list[str]) -> list[str]:
        return ["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *docs, "```", ""]

    lines = [
        f"# A synthetic reader of {corpus.n} sources",
        "",
        "A generated corpus for the benchmark: each source is reproduced with numbered "
        "paragraphs and margin notes, and chapters read them side by side.",
        "",
    ]
    lines += toc("Chapters", [f"themes/{c.slug}" for c in corpus.chapters])
    lines += toc("Sources", [f"sources/{s.key}" for s in corpus.sources])
    lines += toc(
        "Reference",
        [
            "back/glossary",
            "back/timeline",
            "back/concordance",
            "back/how-to-cite",
            "back/bibliography",
        ],
    )
    lines += toc("Briefing packs", [f"packs/{PACK}"])
    return "\n".join(lines)


def bibtex(corpus: Corpus) -> str:
    entries = []
    for src in corpus.sources:
        entries.append(
            f"@misc{{{src.key},\n"
            f"  author       = {{{src.family}, {src.given}}},\n"
            f"  title        = {{{src.title}}},\n"
            f"  howpublished = {{Commentary}},\n"
            f"  organization = {{{src.organisation}}},\n"
            f"  address      = {{Geneva}},\n"
            f"  year         = {{{src.year}}},\n"
            f"  month        = {{mar}},\n"
            f"  url          = {{https://example.org/{src.key}}},\n"
            f"  csltype      = {{webpage}},\n"
            f"  container    = {{{src.organisation}}},\n"
            f"  language     = {{en}},\n"
            f"  keywords     = {{source}},\n"
            "}"
        )
    entries += [w.bibtex for w in corpus.others]
    return "\n\n".join(entries) + "\n"


STOCK_CONF = '''"""Stock Jupyter Book 1 setup: plain MyST, sphinx-book-theme, sphinxcontrib-bibtex."""

project = "A synthetic reader (stock)"
author = "Benchmark"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "sphinx_book_theme"]
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "substitution", "tasklist"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "sources/raw"]
bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "alpha"
# From about 500 sources, generated names share alpha labels ("Nel02"); a
# stock user would silence that, as here, rather than change style.
suppress_warnings = ["bibtex.duplicate_label"]
html_theme = "sphinx_book_theme"
html_title = "A synthetic reader"
'''

ENGINE_OFF_CONF = """

# -- Benchmark variant "engine off" ---------------------------------------------
# The book's configuration without the annotated_reader extension: its
# directives and roles are replaced in the pages by plain paragraphs and links.
# The extension's CSS and JavaScript and its citeproc bibliography style are
# still added, so the theme and the bibliography look as ours do.
from pathlib import Path as _Path  # noqa: E402

import annotated_reader as _reader  # noqa: E402
from annotated_reader.cite.style import register as _register_styles  # noqa: E402

_register_styles()
extensions = [e for e in extensions if e != "annotated_reader"]
html_static_path = [*html_static_path, str(_Path(_reader.__file__).parent / "static")]
html_css_files = ["annotated-reader.css"]
html_js_files = [("annotated-reader.js", {"defer": "defer"})]
# As for stock: generated names share bibliography labels from about N = 500.
suppress_warnings = ["bibtex.duplicate_label"]
"""


def conf_py(variant: str) -> str:
    """``ours`` and ``engine_off`` start from the real book's conf.py."""
    if variant == "stock":
        return STOCK_CONF
    book = (PROJECT / "conf.py").read_text(encoding="utf-8")
    book += '\nproject = "A synthetic reader"\nhtml_title = "A synthetic reader"\n'
    return book + ENGINE_OFF_CONF if variant == "engine_off" else book


def write_corpus(corpus: Corpus, root: Path, variant: str) -> Path:
    """Write one variant of ``corpus`` into ``root`` (emptied first)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("sources/raw", "themes", "back", "packs"):
        (root / folder).mkdir(parents=True)

    def write(path: str, text: str) -> None:
        (root / path).write_text(text, encoding="utf-8")

    write("conf.py", conf_py(variant))
    write("index.md", index_page(corpus))
    write("references.bib", bibtex(corpus))
    for src in corpus.sources:
        write(f"sources/{src.key}.md", source_page(src, variant, corpus))
        write(f"sources/raw/{src.key}.txt", raw_text(src))
    for chapter in corpus.chapters:
        write(f"themes/{chapter.slug}.md", chapter_page(chapter, variant, corpus))
    write("back/glossary.md", glossary_page(corpus, variant))
    write("back/bibliography.md", bibliography_page(variant))
    write("back/concordance.md", concordance_page(corpus, variant))
    write("back/how-to-cite.md", how_to_cite_page(corpus, variant))
    write("back/timeline.md", timeline_page(corpus, variant))
    write(f"packs/{PACK}.md", pack_page(corpus, variant))
    if variant == "ours":
        write("back/timeline.toml", timeline_toml(corpus))
        contents = ", ".join(f'"{doc}"' for doc in pack_contents(corpus))
        write(
            "packs.toml",
            f'[packs.{PACK}]\ntitle = "The complete reader"\n'
            f'subtitle = "Every chapter and every source"\ncontents = [{contents}]\n',
        )
    return root


# -- Edits for the incremental builds (ours) ------------------------------------


def edit_note(root: Path, corpus: Corpus, round_: int) -> str:
    """Change the text of one note on the middle source; return its docname."""
    src = corpus.sources[len(corpus.sources) // 2]
    path = root / "sources" / f"{src.key}.md"
    text = path.read_text(encoding="utf-8")
    note = next(n for n in src.notes if n.paragraph == 10)
    base = render(note.body, "ours", corpus)
    old = base if not round_ else f"{base} Edited {round_ - 1}."
    if old not in text:
        raise RuntimeError(f"note text not found in {path}")
    path.write_text(text.replace(old, f"{base} Edited {round_}.", 1), encoding="utf-8")
    return f"sources/{src.key}"


def edit_chapter(root: Path, corpus: Corpus, round_: int) -> str:
    """Reword one sentence of prose in the first chapter; return its docname."""
    chapter = corpus.chapters[0]
    path = root / "themes" / f"{chapter.slug}.md"
    text = path.read_text(encoding="utf-8")
    sentence = str(chapter.intro[0])
    old = sentence if not round_ else sentence.replace(".", f" (revised {round_ - 1}).", 1)
    new = sentence.replace(".", f" (revised {round_}).", 1)
    if old not in text:
        raise RuntimeError(f"chapter sentence not found in {path}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"themes/{chapter.slug}"


def edit_bib(root: Path, corpus: Corpus, round_: int) -> str:
    """Change the title of one source's bibliography entry; return the key."""
    src = corpus.sources[1 % len(corpus.sources)]
    path = root / "references.bib"
    text = path.read_text(encoding="utf-8")
    old = src.title if not round_ else f"{src.title}, revised {round_ - 1}"
    new = f"{src.title}, revised {round_}"
    line = f"title        = {{{old}}}"
    if line not in text:
        raise RuntimeError(f"title of {src.key} not found in {path}")
    path.write_text(text.replace(line, f"title        = {{{new}}}", 1), encoding="utf-8")
    return src.key
