"""Roles of the chapters: ``{passage}``, ``{quote}`` and ``{theme}``. Each
becomes a ``reader`` cross-reference that Sphinx resolves once every page is
read (``ReaderDomain.resolve_xref``), so a broken one is reported like any
other broken link."""

from __future__ import annotations

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx import addnodes
from sphinx.util.docutils import SphinxRole

from ..diagnostics import Warn, warn
from ..text import PARTIAL, parse_target


def passage_xref(target: str, key: str, start: int, end: int) -> addnodes.pending_xref:
    """A reference to paragraphs ``start``-``end`` of source ``key``."""
    return addnodes.pending_xref(
        "",
        nodes.inline("", target),
        refdomain="reader",
        reftype="passage",
        reftarget=f"{key}:{start}" + (f"-{end}" if end != start else ""),
        refexplicit=False,
        refwarn=True,
        key=key,
        start=start,
        end=end,
        quote="",
    )


class PassageRole(SphinxRole):
    """``{passage}`key:N``` and, with ``quoting``, ``{quote}`key:N|words```."""

    def __init__(self, quoting: bool) -> None:
        super().__init__()
        self.quoting = quoting

    def run(self) -> tuple[list[Node], list[system_message]]:
        target, _, quote = self.text.partition("|")
        parsed = parse_target(target)
        if parsed is None or (self.quoting and not quote.strip()):
            form = "key:N|exact words" if self.quoting else "key:N or key:N-M"
            warn(Warn.BAD_PASSAGE, f"cannot read {self.text!r}; write {form}", self.get_location())
            return [nodes.inline(self.rawtext, self.text)], []
        key, start, end = parsed
        if start > end:
            warn(
                Warn.BAD_PASSAGE, f"the range in {self.text!r} runs backwards", self.get_location()
            )
            return [nodes.inline(self.rawtext, self.text)], []
        xref = passage_xref(target.strip(), key, start, end)
        xref["refdoc"] = self.env.docname
        self.set_source_info(xref)
        if not self.quoting:
            return [xref], []
        xref["quote"] = quote.strip()
        # The reference stays a top-level node: intersphinx marks only those as
        # external when the role is used as {external+name:reader:quote}.
        words = f"“{quote.strip().removeprefix(PARTIAL).strip()}”"
        quoted = nodes.inline(self.rawtext, words, classes=["ar-quote"])
        return [quoted, nodes.Text(" ("), xref, nodes.Text(")")], []


class ThemeRole(SphinxRole):
    """``{theme}`slug```: a link to a chapter, showing its title."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        slug = self.text.strip()
        xref = addnodes.pending_xref(
            self.rawtext,
            nodes.inline("", slug),
            refdomain="reader",
            reftype="theme",
            reftarget=slug,
            refexplicit=False,
            refwarn=True,
            refdoc=self.env.docname,
        )
        self.set_source_info(xref)
        return [xref], []
