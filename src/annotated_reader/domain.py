"""Cross-document data. Pages register what they contain while they are read
(in parallel, if asked); ``resolve`` checks and links everything once all pages
are read, on every build, and names the pages whose cross-document content
changed so that incremental builds rewrite them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from .diagnostics import Warn, warn
from .text import phrase_pattern, squash


@dataclass
class Paragraph:
    number: int
    text: str
    lineno: int


@dataclass
class SourcePage:
    key: str
    docname: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    def span_text(self, start: int, end: int) -> str:
        return " ".join(p.text for p in self.paragraphs[start - 1 : end])


@dataclass
class Note:
    docname: str
    key: str
    number: int
    kind: str
    para: int
    anchor: str
    themes: list[str]
    lineno: int


@dataclass
class PassageRef:
    docname: str
    lineno: int
    key: str
    start: int
    end: int
    quote: str
    section_id: str
    section_title: str


@dataclass
class ThemePage:
    slug: str
    docname: str
    title: str
    lineno: int


@dataclass
class Location:
    docname: str
    lineno: int


@dataclass
class Backlink:
    docname: str
    section_id: str
    section_title: str
    chapter_title: str


class ReaderDomain(Domain):
    name = "reader"
    label = "Annotated reader"
    initial_data: ClassVar[dict[str, Any]] = {
        "sources": {},  # key -> SourcePage
        "notes": [],  # Note
        "refs": [],  # PassageRef
        "themes": {},  # slug -> ThemePage
        "theme_refs": [],  # (slug, Location)
        "concordances": set(),  # docnames showing the concordance
        "terms": {},  # glossary term id -> definition text (for previews)
        "term_docs": {},  # glossary term id -> docname
        "shown": {},  # docname -> fingerprint of the cross-document content it shows
    }

    # -- reading ---------------------------------------------------------------

    @property
    def sources(self) -> dict[str, SourcePage]:
        return self.data["sources"]

    @property
    def notes(self) -> list[Note]:
        return self.data["notes"]

    @property
    def refs(self) -> list[PassageRef]:
        return self.data["refs"]

    @property
    def themes(self) -> dict[str, ThemePage]:
        return self.data["themes"]

    def clear_doc(self, docname: str) -> None:
        self.data["sources"] = {k: s for k, s in self.sources.items() if s.docname != docname}
        self.data["themes"] = {k: t for k, t in self.themes.items() if t.docname != docname}
        self.data["notes"] = [n for n in self.notes if n.docname != docname]
        self.data["refs"] = [r for r in self.refs if r.docname != docname]
        self.data["theme_refs"] = [t for t in self.data["theme_refs"] if t[1].docname != docname]
        self.data["concordances"].discard(docname)
        for term in [t for t, d in self.data["term_docs"].items() if d == docname]:
            del self.data["terms"][term], self.data["term_docs"][term]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, source in otherdata["sources"].items():
            if source.docname in docnames:
                self.sources[key] = source
        for slug, theme in otherdata["themes"].items():
            if theme.docname in docnames:
                self.themes[slug] = theme
        self.notes.extend(n for n in otherdata["notes"] if n.docname in docnames)
        self.refs.extend(r for r in otherdata["refs"] if r.docname in docnames)
        self.data["theme_refs"].extend(
            t for t in otherdata["theme_refs"] if t[1].docname in docnames
        )
        self.data["concordances"] |= otherdata["concordances"] & set(docnames)
        for term, doc in otherdata["term_docs"].items():
            if doc in docnames:
                self.data["term_docs"][term] = doc
                self.data["terms"][term] = otherdata["terms"][term]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []  # passage references are resolved by post-transforms, not by xref

    # -- the global picture ----------------------------------------------------

    def passage_error(self, key: str, start: int, end: int) -> str | None:
        """Why ``key:start-end`` cannot be resolved, or None."""
        source = self.sources.get(key)
        if source is None:
            known = ", ".join(sorted(self.sources)) or "none yet"
            return f"unknown source {key!r}; source pages define: {known}"
        count = len(source.paragraphs)
        if not 1 <= start <= end <= count:
            return (
                f"{key} has paragraphs 1-{count}; {start}-{end} is out of range"
                if start != end
                else f"{key} has paragraphs 1-{count}; {start} is out of range"
            )
        return None

    def backlinks(self) -> dict[str, dict[int, list[Backlink]]]:
        """For every source paragraph, the chapter sections that reference it,
        in the order of the chapters' references."""
        links: dict[str, dict[int, list[Backlink]]] = defaultdict(lambda: defaultdict(list))
        titles = {t.docname: t.title for t in self.themes.values()}
        for ref in self.refs:
            if ref.docname not in titles or self.passage_error(ref.key, ref.start, ref.end):
                continue  # only chapters: notes and back matter link in their own way
            chapter = titles.get(ref.docname, "")
            for number in range(ref.start, ref.end + 1):
                link = Backlink(ref.docname, ref.section_id, ref.section_title, chapter)
                if link not in links[ref.key][number]:
                    links[ref.key][number].append(link)
        return links

    def concordance_counts(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(source key, theme slug) -> (notes tagged with the theme, chapter references)."""
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for note in self.notes:
            for slug in note.themes:
                counts[note.key, slug][0] += 1
        slug_of = {t.docname: t.slug for t in self.themes.values()}
        for ref in self.refs:
            if ref.docname in slug_of:
                counts[ref.key, slug_of[ref.docname]][1] += 1
        return {k: (v[0], v[1]) for k, v in counts.items()}

    def check(self) -> None:
        """Warn about every reference, quotation and theme that does not resolve."""
        for ref in self.refs:
            location = (ref.docname, ref.lineno)
            error = self.passage_error(ref.key, ref.start, ref.end)
            if error:
                warn(Warn.BAD_PASSAGE, f"{error}. Write key:N or key:N-M.", location)
                continue
            if ref.quote:
                text = self.sources[ref.key].span_text(ref.start, ref.end)
                if not phrase_pattern(ref.quote).search(text):
                    warn(
                        Warn.QUOTE_NOT_FOUND,
                        f"the quotation {squash(ref.quote)!r} is not in "
                        f"{ref.key} ¶ {ref.start}"
                        + (f"-{ref.end}" if ref.end != ref.start else "")
                        + ". Copy the words exactly from that paragraph, or cite the right one.",
                        location,
                    )
        known = ", ".join(sorted(self.themes)) or "none"
        for note in self.notes:
            for slug in note.themes:
                if slug not in self.themes:
                    warn(
                        Warn.UNKNOWN_THEME,
                        f"unknown theme {slug!r} in :themes:; chapters declare: {known}",
                        (note.docname, note.lineno),
                    )
        for slug, loc in self.data["theme_refs"]:
            if slug not in self.themes:
                warn(
                    Warn.UNKNOWN_THEME,
                    f"unknown theme {slug!r}; chapters declare: {known}",
                    (loc.docname, loc.lineno),
                )

    def changed_pages(self) -> list[str]:
        """Pages whose cross-document content differs from what was last written."""
        links = self.backlinks()
        shown: dict[str, str] = {}
        for source in self.sources.values():
            shown[source.docname] = _digest(
                sorted((n, repr(v)) for n, v in links[source.key].items())
            )
        # What each page shows of other pages: paragraph previews, chapter titles.
        quoted: dict[str, list[str]] = defaultdict(list)
        for ref in self.refs:
            cited = self.sources.get(ref.key)
            preview = cited.span_text(ref.start, ref.end) if cited else ""
            quoted[ref.docname].append(f"{ref.key}:{ref.start}-{ref.end}:{preview}")
        for slug, loc in self.data["theme_refs"]:
            theme = self.themes.get(slug)
            quoted[loc.docname].append(f"{slug}:{theme.docname}:{theme.title}" if theme else slug)
        for docname, items in quoted.items():
            shown[docname] = shown.get(docname, "") + _digest(items)
        table = _digest(sorted(self.concordance_counts().items())) + _digest(
            sorted((s.key, s.docname) for s in self.sources.values())
        )
        for docname in self.data["concordances"]:
            shown[docname] = shown.get(docname, "") + table
        previous = self.data["shown"]
        changed = [d for d, fp in shown.items() if previous.get(d) != fp]
        self.data["shown"] = shown
        return changed


def _digest(items: Any) -> str:
    return hashlib.sha1(repr(items).encode()).hexdigest()


def get_domain(env: BuildEnvironment) -> ReaderDomain:
    domain = env.domains["reader"]
    assert isinstance(domain, ReaderDomain)
    return domain


def on_env_updated(app: Any, env: BuildEnvironment) -> list[str]:
    domain = get_domain(env)
    domain.check()
    return domain.changed_pages()
