"""LaTeX output: one document per briefing pack (``latex_documents`` comes
from the packs file), notes as ``\\marginpar`` at their anchor (``marginfix``
keeps them from overlapping), paragraph numbers in the inner margin, and a
pack bibliography that lists only what the pack contains. Macros live in
``latex/annotatedreader.sty``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import texescape
from sphinx.util.texescape import escape as tex_escape

from .. import nodes as ar
from ..config import DEFAULT_KINDS, note_kinds
from ..read.packs import packs_of
from .content import ReaderTransform

PACKAGE = Path(__file__).parent.parent

# -- visitors ----------------------------------------------------------------------


def visit_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    self.body.append("\n" + self.hypertarget_to(node))


def depart_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    pass


def visit_annotation(self: Any, node: ar.annotation) -> None:
    label = tex_escape(note_kinds(self.config)[node["kind"]], self.config.latex_engine)
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


def configure_latex(app: Sphinx, config: Config) -> None:
    """One LaTeX document per pack (the packs file is the single definition),
    the package of macros, colours for kinds of note the edition adds."""
    texescape.init()  # the LaTeX builder does it later; tex_escape is a no-op until then
    packs = packs_of(app.srcdir, config)
    if packs:
        # Sphinx writes these as LaTeX: data from the packs file is escaped here.
        config.latex_documents = [
            (
                pack.start,
                f"{slug}.tex",
                tex_escape(pack.title, config.latex_engine),
                tex_escape(pack.subtitle or config.author, config.latex_engine),
                "manual",
                True,
            )
            for slug, pack in packs.items()
        ]
    config.latex_additional_files.append(str(PACKAGE / "latex" / "annotatedreader.sty"))
    extra = [kind for kind in note_kinds(config) if kind not in DEFAULT_KINDS]
    preamble = "".join(f"\\colorlet{{ar-{kind}}}{{ar-muted}}\n" for kind in extra)
    preamble += f"\\renewcommand{{\\arreadername}}{{{tex_escape(config.reader_title, config.latex_engine)}}}\n"
    config.latex_elements["preamble"] = preamble + config.latex_elements.get("preamble", "")


def setup_latex(app: Sphinx) -> None:
    for transform in (LatexNoteLayout, PackBibliography, LatexReferenceList):
        app.add_post_transform(transform)
    app.connect("config-inited", configure_latex, priority=800)
    app.add_latex_package("annotatedreader")
