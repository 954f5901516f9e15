"""LaTeX visitors. Notes become ``\\marginpar`` in running text (``marginfix``
keeps them from overlapping) and ``\\marginnote`` inside boxes, tables and
footnotes, where floats are lost. Macros live in ``annotatedreader.sty``."""

from __future__ import annotations

from typing import Any

from docutils import nodes

from . import nodes as ar

# Inside these, \marginpar raises "Float(s) lost".
BOXES = (
    nodes.table,
    nodes.Admonition,
    nodes.admonition,
    nodes.footnote,
    nodes.sidebar,
    nodes.topic,
)


def _in_box(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, BOXES):
            return True
        parent = parent.parent
    return False


def visit_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    self.body.append("\n" + self.hypertarget_to(node))


def depart_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    pass


def visit_annotation(self: Any, node: ar.annotation) -> None:
    macro = "arnotebox" if _in_box(node) else "arnote"
    label = ar.KINDS[node["kind"]]
    self.body.append(f"\\{macro}{{{node['kind']}}}{{{label}}}{{{node['number']}}}{{")


def depart_annotation(self: Any, node: ar.annotation) -> None:
    self.body.append("}")


def visit_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f"\\arhl{{{node['kind']}}}{{")


def depart_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f"}}\\arhlnum{{{node['kind']}}}{{{node['number']}}}")
