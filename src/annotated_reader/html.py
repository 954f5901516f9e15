"""HTML visitors and assets. Notes are ``<aside>`` elements; highlights are
real buttons that reveal their note on narrow screens (see the JS)."""

from __future__ import annotations

from html import escape
from typing import Any

from . import nodes as ar


def visit_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    number = node["number"]
    self.body.append(self.starttag(node, "div", CLASS="ar-para", **{"data-para": str(number)}))
    self.body.append(
        f'<a class="ar-pnum" href="#p{number}" title="Paragraph {number}: link and citation" '
        f'aria-label="Paragraph {number}">{number}</a>'
    )


def depart_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    self.body.append("</div>\n")


def visit_annotation(self: Any, node: ar.annotation) -> None:
    kind, number = node["kind"], node["number"]
    label = ar.KINDS[kind]
    self.body.append(
        self.starttag(
            node,
            "aside",
            CLASS=f"ar-note ar-kind-{kind}",
            **{
                "data-kind": kind,
                "data-anchored": "true" if node["anchor"] else "false",
                "aria-label": f"Note {number}, {label.lower()}",
            },
        )
    )
    target = f"#hl-{number}" if node["anchor"] else f"#p{node.parent.parent['number']}"
    self.body.append(
        f'<p class="ar-note-head"><a class="ar-note-num" href="{target}">{number}</a>'
        f'<span class="ar-note-kind">{escape(label)}</span></p>'
    )


def depart_annotation(self: Any, node: ar.annotation) -> None:
    self.body.append("</aside>\n")


def visit_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    kind, number = node["kind"], node["number"]
    self.body.append(
        f'<mark class="ar-hl ar-kind-{kind}" id="hl-{number}" data-kind="{kind}" '
        f'data-note="{node["note_id"]}">'
    )


def depart_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    # The phrase wraps like text; the toggle is the small number after it
    # (a button cannot break across lines).
    kind, number = node["kind"], node["number"]
    self.body.append(
        f'</mark><button type="button" class="ar-hl-btn ar-kind-{kind}" '
        f'aria-controls="{node["note_id"]}" aria-expanded="true" '
        f'aria-label="Note {number}, {ar.KINDS[kind].lower()}">{number}</button>'
    )
