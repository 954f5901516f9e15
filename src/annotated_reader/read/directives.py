"""Directives of source pages and back matter. They only create nodes and
check what can be checked locally; cross-document work happens later."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import nodes as ar
from ..config import note_kinds
from ..diagnostics import Warn, warn


class SourceInfo(SphinxDirective):
    """``{source-info}``: the header card, filled from the bibliography."""

    def run(self) -> list[nodes.Node]:
        node = ar.source_info()
        self.set_source_info(node)
        node["docname"] = self.env.docname
        return [node]


class Editorial(SphinxDirective):
    """``{editorial} Title``: our own text on a source page, never numbered."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        box = nodes.admonition(classes=["ar-editorial"], reader_editorial=True)
        self.set_source_info(box)
        title_text = self.arguments[0]
        textnodes, messages = self.parse_inline(title_text, lineno=self.lineno)
        title = nodes.title(title_text, "", *textnodes)
        self.set_source_info(title)
        box += title
        box += messages
        box += self.parse_content_to_nodes(allow_section_headings=False)
        return [box]


def _themes(argument: str | None) -> list[str]:
    return [slug.strip() for slug in (argument or "").split(",") if slug.strip()]


class Annotation(SphinxDirective):
    """``{annotation} kind``: a note on the paragraph above it."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar = {
        "anchor": directives.unchanged_required,
        "themes": _themes,
    }

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0].strip().lower()
        node = ar.annotation(
            kind=kind,
            anchor=self.options.get("anchor", "").strip(),
            themes=self.options.get("themes", []),
            docname=self.env.docname,
        )
        self.set_source_info(node)
        kinds = note_kinds(self.config)
        if kind not in kinds:
            warn(
                Warn.UNKNOWN_KIND,
                f"unknown annotation kind {kind!r}; use one of: {', '.join(kinds)}",
                node,
            )
            return []
        if not self.content:
            warn(Warn.ORPHAN_ANNOTATION, "the annotation is empty; write the note", node)
            return []
        node += self.parse_content_to_nodes(allow_section_headings=False)
        return [node]


class Concordance(SphinxDirective):
    """``{concordance}``: the sources x themes table."""

    def run(self) -> list[nodes.Node]:
        node = ar.concordance(docname=self.env.docname)
        self.set_source_info(node)
        return [node]


class BibliographyDownloads(SphinxDirective):
    """``{bibliography-downloads}``: the whole bibliography for reference managers."""

    def run(self) -> list[nodes.Node]:
        node = ar.bibliography_downloads(docname=self.env.docname)
        self.set_source_info(node)
        return [node]


class CitationGuide(SphinxDirective):
    """``{how-to-cite}``: each source's reference and in-text citation in three styles."""

    def run(self) -> list[nodes.Node]:
        node = ar.citation_guide(docname=self.env.docname)
        self.set_source_info(node)
        return [node]
