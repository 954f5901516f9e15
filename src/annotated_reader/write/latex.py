"""LaTeX output: one document per briefing pack (``latex_documents`` comes
from the packs file), notes as ``\\marginpar`` at their anchor (``marginfix``
keeps them from overlapping), paragraph numbers in the inner margin, tables
that break across pages, the pack's PDF metadata, and a pack bibliography
that lists only what the pack contains. Macros live in
``latex/annotatedreader.sty``."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import texescape
from sphinx.writers.latex import LaTeXTranslator

from .. import nodes as ar
from ..config import DEFAULT_KINDS, note_kinds
from ..read.packs import Pack, packs_of
from ..student_notes import StudentNote, read_notes
from .content import ReaderTransform

PACKAGE = Path(__file__).parent.parent

# What the default kinds of note do, for the reading key on each title page.
KIND_KEYS = {
    "gloss": "a definition",
    "context": "background",
    "claim": "an assertion weighed against evidence",
    "sic": "an error in the original, corrected",
    "question": "for discussion",
    "link": "a pointer to a chapter or source",
}

# -- visitors ----------------------------------------------------------------------


def visit_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    # A new page first if the paragraph's notes would not fit on this one.
    self.body.append("\n\\arparstart" + self.hypertarget_to(node))


def depart_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    # After the text and its "Discussed in": room for notes taller than both.
    self.body.append("\n\\arparend\n")


def visit_annotation(self: Any, node: ar.annotation) -> None:
    label = self.escape(note_kinds(self.config)[node["kind"]])
    self.body.append(f"\\arnote{{{node['kind']}}}{{{label}}}{{{node['number']}}}{{")


def depart_annotation(self: Any, node: ar.annotation) -> None:
    self.body.append("}")


def visit_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f"\\arhl{{{node['kind']}}}{{")


def depart_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f"}}\\arhlnum{{{node['kind']}}}{{{node['number']}}}")


def visit_bibliography_downloads(self: Any, node: ar.bibliography_downloads) -> None:
    # The files are downloads of the site; a PDF has nothing to link.
    raise nodes.SkipNode


def visit_note_legend(self: Any, node: ar.note_legend) -> None:
    # The title page of every pack explains the kinds of note.
    raise nodes.SkipNode


class PackTranslator(LaTeXTranslator):
    """Sphinx gives every LaTeX document the same preamble; a pack's PDF
    also names its own title, subject and keywords."""

    def __init__(self, document: nodes.document, builder: Any, theme: Any) -> None:
        super().__init__(document, builder, theme)
        pack = next(
            (
                p
                for p in packs_of(builder.srcdir, self.config).values()
                if p.start == document.get("docname")
            ),
            None,
        )
        if pack is not None:
            self.elements["preamble"] += pdf_metadata(pack, self.config)


def pdf_metadata(pack: Pack, config: Config) -> str:
    """hyperref's document information for a pack: title, editors, subtitle,
    keywords (the edition's, then the pack's) and language (BCP 47)."""
    keywords = list(dict.fromkeys([*config.reader_keywords, *pack.keywords]))
    fields = {
        "pdftitle": pack.title,
        "pdfauthor": ", ".join(config.reader_editors),
        "pdfsubject": pack.subtitle,
        "pdfkeywords": ", ".join(keywords),
        "pdflang": (config.language or "en").replace("_", "-"),
    }
    setup = ",\n  ".join(f"{key}={{{pdf_text(config, value)}}}" for key, value in fields.items())
    return f"\\hypersetup{{\n  {setup}}}\n"


# -- post-transforms -----------------------------------------------------------------


class LatexNoteLayout(ReaderTransform):
    """Each note goes into the text at its anchor (or the start of its
    paragraph), where ``\\marginpar`` sets it level with the words it
    explains; the paragraph number goes at the start of the paragraph."""

    formats = ("latex",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        for para in self.document.findall(ar.numbered_paragraph):
            text = para[0]
            notes = [child for child in para.children if isinstance(child, ar.annotation)]
            for note in notes:
                para.remove(note)
                mark = next(
                    (m for m in text.findall(ar.anchor_highlight) if m["number"] == note["number"]),
                    None,
                )
                if mark is None:
                    text.insert(0, note)
                else:
                    mark.parent.insert(mark.parent.index(mark) + 1, note)
            text.insert(0, nodes.raw("", f"\\arparnum{{{para['number']}}}", format="latex"))


class LatexStudentNotes(ReaderTransform):
    """A student's notes (``reader_student_notes``, written by ``make pdf
    NOTES=…``) in the margin, in their own style: at the quoted words, which
    are underlined, where they are in one run of the paragraph's text; at the
    start of the paragraph otherwise; marked orphaned, with their quote,
    where the paragraph no longer has those words. A chapter's notes (no
    paragraph number) are the browser-built pack's only."""

    formats = ("latex",)
    default_priority = 8  # after LatexNoteLayout: the editors' notes are in the text

    def run(self, **kwargs: Any) -> None:
        if not self.config.reader_student_notes:
            return
        notes = read_notes(Path(self.env.srcdir, self.config.reader_student_notes))
        docnames = set(self.env.found_docs)
        wanted: dict[tuple[str, int], list[StudentNote]] = {}
        for note in notes:
            docname = note.page_of(docnames)
            if docname is not None:
                wanted.setdefault((docname, note.para), []).append(note)
        pages = {key: page.docname for key, page in self.domain.sources.items()}
        for para in self.document.findall(ar.numbered_paragraph):
            for note in wanted.get((pages.get(para["key"], ""), para["number"]), []):
                self.attach(para[0], note)

    def attach(self, text: nodes.Element, note: StudentNote) -> None:
        label = "My note" if note.text else "My highlight"
        words = re.compile(r"\s+".join(re.escape(w) for w in note.exact.split()))
        for run in text.children:
            found = words.search(str(run)) if isinstance(run, nodes.Text) else None
            if found:
                body = escape(self.config, note.text or f"“{note.exact}”")
                marked = escape(self.config, found.group())
                text.replace(
                    run,
                    [
                        nodes.Text(str(run)[: found.start()]),
                        nodes.raw("", f"\\armyhl{{{marked}}}", format="latex"),
                        nodes.raw("", f"\\armynote{{{label}}}{{{body}}}", format="latex"),
                        nodes.Text(str(run)[found.end() :]),
                    ],
                )
                return
        quote = escape(self.config, f"“{note.exact}”")
        if words.search(text.astext()):  # across markup: beside the paragraph
            body = escape(self.config, note.text) or quote
        else:
            label = f"{label} (orphaned)"
            body = f"{quote}{' ' if note.text else ''}{escape(self.config, note.text)}"
        # After the paragraph number, which LatexNoteLayout put first.
        text.insert(1, nodes.raw("", f"\\armynote{{{label}}}{{{body}}}", format="latex"))


class LatexPilcrows(ReaderTransform):
    """A pilcrow never ends a line apart from its number ("¶ 7", "¶¶ 8–9")."""

    formats = ("latex",)
    default_priority = 20  # after references are resolved: their labels too

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if "¶ " in text and not isinstance(text.parent, nodes.FixedTextElement | nodes.literal):
                text.parent.replace(text, nodes.Text(str(text).replace("¶ ", "¶\u00a0")))


class LatexLongWords(ReaderTransform):
    """A long run of characters without a space (markup shown as text, a
    path, a formula in prose) may break after its punctuation, as a URL
    does, instead of running into the margin: the text stays the same."""

    formats = ("latex",)
    default_priority = 20
    LONG = re.compile(r"\S{16,}")
    AFTER = re.compile(r"(?<=[/<>\"()=.,;:_\-])(?=\S)")
    SKIP = (nodes.literal, nodes.FixedTextElement, nodes.title, nodes.raw, ar.anchor_highlight)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if any(isinstance(a, self.SKIP) for a in ar.ancestors(text)):
                continue
            parts = self.split(str(text))
            if len(parts) > 1:
                breaks: list[nodes.Node] = []
                for part in parts:
                    breaks += [nodes.Text(part), nodes.raw("", "\\allowbreak{}", format="latex")]
                index = text.parent.index(text)
                text.parent[index : index + 1] = breaks[:-1]

    def split(self, value: str) -> list[str]:
        parts, start = [], 0
        for long in self.LONG.finditer(value):
            for place in self.AFTER.finditer(long.group()):
                parts.append(value[start : long.start() + place.start()])
                start = long.start() + place.start()
        return [*parts, value[start:]]


class LatexTables(ReaderTransform):
    """Every table becomes a longtable, which breaks between rows instead of
    running into the footer. Its columns share the line by weight (the
    square root of a cell's average length, so that long prose does not
    starve short columns), none narrower than its widest word that cannot be
    hyphenated; LaTeX measures those words and does the sums
    (``\\artablecolumns`` in annotatedreader.sty)."""

    formats = ("latex",)
    default_priority = 20  # after references are resolved: their labels count

    def run(self, **kwargs: Any) -> None:
        # Each page of a pack is a start_of_file node (whose children do not
        # know it as their parent); only a page without margin notes lends
        # its note column to a wide table. Inner pages first.
        pages = [*reversed(list(self.document.findall(addnodes.start_of_file))), self.document]
        done: set[int] = set()
        for page in pages:
            spreads = not any(True for _ in page.findall(ar.annotation))
            for table in list(page.findall(nodes.table)):
                if id(table) not in done:
                    done.add(id(table))
                    self.layout(table, spreads)

    def layout(self, table: nodes.table, spreads: bool) -> None:
        if any(isinstance(a, nodes.table) for a in ar.ancestors(table)):
            return  # a nested table keeps Sphinx's layout
        if isinstance(table.previous_sibling(), addnodes.tabular_col_spec):
            return  # the author chose the columns
        columns = self.columns(table)
        if not columns:
            return
        setup = [f"\\par\\begingroup\\artablesize{{{len(columns)}}}"]
        setup += [f"\\artablecolumn{{{weight}}}{{{word}}}" for weight, word in columns]
        setup.append(f"\\artablecolumns{{{int(spreads)}}}")
        spec = "".join(
            f">{{\\RaggedRight}}p{{\\arcolumn{{{i}}}}}" for i in range(1, len(columns) + 1)
        )
        table["classes"].append("longtable")
        parent, index = table.parent, table.parent.index(table)
        parent.insert(index + 1, nodes.raw("", "\\endgroup\n", format="latex"))
        parent.insert(index, addnodes.tabular_col_spec(spec=spec))
        parent.insert(index, nodes.raw("", "\n".join(setup) + "\n", format="latex"))

    def columns(self, table: nodes.table) -> list[tuple[int, str]]:
        """(weight, widest unbreakable word as LaTeX) of each column."""
        tgroup = next(iter(table.findall(nodes.tgroup)), None)
        if tgroup is None:
            return []
        count = int(tgroup["cols"])
        lengths: list[list[int]] = [[] for _ in range(count)]
        widest: list[tuple[float, str]] = [(0.0, "")] * count
        for row in tgroup.findall(nodes.row):
            column = 0
            for entry in row.children:
                span = int(entry.get("morecols", 0)) + 1
                if span == 1 and column < count:
                    lengths[column].append(len(entry.astext()))
                    widest[column] = max(widest[column], self.widest_word(entry))
                column += span
        return [
            (round(1000 * math.sqrt(sum(c) / len(c))) if c else 1000, word)
            for c, (_, word) in zip(lengths, widest, strict=True)
        ]

    def widest_word(self, entry: nodes.Element) -> tuple[float, str]:
        """The word that needs the widest column (estimated in letters), as
        LaTeX: code, capitals, digits and brackets do not hyphenate; of a word
        of letters, only a few must fit before a hyphen."""
        found: tuple[float, str] = (0.0, "")
        for text in entry.findall(nodes.Text):
            code = any(isinstance(a, nodes.literal) for a in ar.ancestors(text))
            for word in str(text).split():
                latex = escape(self.config, word)
                if code:
                    found = max(
                        found, (1.3 * len(word), f"\\sphinxcode{{\\sphinxupquote{{{latex}}}}}")
                    )
                elif word.isalpha() and not word.isupper():
                    found = max(found, (min(len(word), 6.0), escape(self.config, word[:6]) + "-"))
                else:
                    found = max(found, (sum(1.4 if c.isupper() else 1 for c in word), latex))
        return found


class PackBibliography(ReaderTransform):
    """A pack's bibliography lists the sources it contains and the works its
    pages cite, not the whole book's."""

    formats = ("latex",)
    default_priority = 8  # after sphinxcontrib-bibtex builds the lists (5)

    def run(self, **kwargs: Any) -> None:
        included = set(self.builder.docnames)
        cite: Any = self.env.domains["cite"]  # sphinxcontrib-bibtex's BibtexDomain
        keep = {p.key for p in self.domain.pages.values() if p.docname in included}
        for ref in cite.citation_refs:
            if ref.docname in included:
                keep |= {target.key for target in ref.targets}
        key_of = {c.citation_id: c.key for c in cite.citations}
        for node in list(self.document.findall(nodes.Element)):
            key = next((key_of[i] for i in node.get("ids", ()) if i in key_of), None)
            if key is not None and key not in keep:
                node.parent.remove(node)


class LatexReferenceList(ReaderTransform):
    """Reference-list entries stay where the page puts them (Sphinx would
    gather every citation into one list at the end of the PDF), as APA
    paragraphs without a label, each still a link target."""

    formats = ("latex",)
    default_priority = 700  # before Sphinx's own gathering at 750

    def run(self, **kwargs: Any) -> None:
        for citation in list(self.document.findall(nodes.citation)):
            # sphinxcontrib-bibtex fills one stored node per entry, once per
            # pack built in the run: the last paragraph is this pack's.
            text = [c for c in citation.children if isinstance(c, nodes.paragraph)][-1]
            docname = next(
                (a["docname"] for a in ar.ancestors(citation) if a.get("docname")), self.env.docname
            )
            entry = nodes.paragraph(classes=["ar-reference"])
            entry += nodes.target(ids=citation["ids"])
            for target in citation["ids"]:
                # Citation links point at "cite.<doc>:<id>" (Sphinx's \bibitem names).
                entry += nodes.raw(
                    "", f"\\hypertarget{{cite.{docname}:{target}}}{{}}", format="latex"
                )
            entry += text.deepcopy().children
            citation.replace_self(entry)


# -- configuration -------------------------------------------------------------------


def escape(config: Config, text: str) -> str:
    """Text from the data as LaTeX, for the engine in use. (Sphinx fills its
    tables of escapes when the LaTeX builder starts, after config-inited.)"""
    texescape.init()
    return texescape.escape(text, config.latex_engine)


def pdf_text(config: Config, text: str) -> str:
    """Text for a PDF string (hyperref's metadata): no hyphen to protect
    from ligatures there, and Sphinx's \\sphinxhyphen would vanish."""
    return escape(config, text).replace(r"\sphinxhyphen{}", "-")


def kind_key(config: Config) -> str:
    """The kinds of note in their colours, with what the default ones do."""
    parts = []
    for kind, label in note_kinds(config).items():
        part = f"{{\\sffamily\\bfseries\\color{{ar-{kind}}}\\MakeUppercase{{{escape(config, label)}}}}}"
        if kind in KIND_KEYS:
            part += f" {KIND_KEYS[kind]}"
        parts.append(part)
    return "; ".join(parts)


def configure_latex(app: Sphinx, config: Config) -> None:
    """One LaTeX document per pack (the packs file is the single definition),
    the package of macros, colours for kinds of note the edition adds."""
    texescape.init()  # the LaTeX builder does it later; tex_escape is a no-op until then
    packs = packs_of(app.srcdir, config)
    if packs:
        # Sphinx inserts title and "author" (here the subtitle) as LaTeX.
        config.latex_documents = [
            (
                pack.start,
                f"{slug}.tex",
                escape(config, pack.title),
                escape(config, pack.subtitle or config.author),
                "manual",
                True,
            )
            for slug, pack in packs.items()
        ]
    config.latex_additional_files.append(str(PACKAGE / "latex" / "annotatedreader.sty"))
    # Notes stand in the right margin of every page, and a chapter starts on
    # the next page, never after a blank one.
    config.latex_elements.setdefault("extraclassoptions", "oneside,openany")
    extra = [kind for kind in note_kinds(config) if kind not in DEFAULT_KINDS]
    preamble = "".join(f"\\colorlet{{ar-{kind}}}{{ar-muted}}\n" for kind in extra)
    preamble += f"\\renewcommand{{\\arreadername}}{{{escape(config, config.reader_title)}}}\n"
    preamble += f"\\renewcommand{{\\arkindkey}}{{{kind_key(config)}}}\n"
    config.latex_elements["preamble"] = preamble + config.latex_elements.get("preamble", "")


def use_pack_translator(app: Sphinx) -> None:
    if app.builder.name == "latex":
        app.set_translator("latex", PackTranslator, override=True)


def setup_latex(app: Sphinx) -> None:
    for transform in (
        LatexNoteLayout,
        LatexStudentNotes,
        LatexPilcrows,
        LatexLongWords,
        LatexTables,
        PackBibliography,
        LatexReferenceList,
    ):
        app.add_post_transform(transform)
    # Registered only when the LaTeX builder runs: pydata-sphinx-theme (under
    # sphinx-book-theme) adds its accessible HTML translator only when no
    # translator is registered at all.
    app.connect("builder-inited", use_pack_translator)
    app.connect("config-inited", configure_latex, priority=800)
    app.add_latex_package("annotatedreader")
