"""Roles of the chapters: ``{passage}``, ``{quote}`` and ``{theme}``."""

from __future__ import annotations

import re

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.util.docutils import SphinxRole

from . import nodes as ar
from .diagnostics import Warn, warn

TARGET = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$")


def parse_target(text: str) -> tuple[str, int, int] | None:
    """``key:N`` or ``key:N-M`` -> (key, N, M)."""
    match = TARGET.match(text)
    if not match:
        return None
    key, start, end = match.group(1), int(match.group(2)), match.group(3)
    return key, start, int(end) if end else start


class PassageRole(SphinxRole):
    """``{passage}`key:N``` and, with ``quoting``, ``{quote}`key:N|words```."""

    def __init__(self, quoting: bool) -> None:
        super().__init__()
        self.quoting = quoting

    def run(self) -> tuple[list[Node], list[system_message]]:
        target, _, quote = self.text.partition("|")
        node = ar.passage_ref(self.rawtext, docname=self.env.docname)
        self.set_source_info(node)
        parsed = parse_target(target)
        if parsed is None or (self.quoting and not quote.strip()):
            form = "key:N|exact words" if self.quoting else "key:N or key:N-M"
            warn(Warn.BAD_PASSAGE, f"cannot read {self.text!r}; write {form}", node)
            return [nodes.inline(self.rawtext, self.text)], []
        node["key"], node["start"], node["end"] = parsed
        node["quote"] = quote.strip() if self.quoting else ""
        if parsed[1] > parsed[2]:
            warn(Warn.BAD_PASSAGE, f"the range in {self.text!r} runs backwards", node)
            return [nodes.inline(self.rawtext, self.text)], []
        return [node], []


class ThemeRole(SphinxRole):
    """``{theme}`slug```: a link to a chapter, showing its title."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        node = ar.theme_ref(self.rawtext, slug=self.text.strip(), docname=self.env.docname)
        self.set_source_info(node)
        return [node], []
