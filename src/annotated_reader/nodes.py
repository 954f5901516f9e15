"""Builder-neutral nodes. Pending nodes (``source_info``, ``concordance``,
``citation_guide``) never reach a writer: post-transforms replace them with
standard docutils nodes. The nodes that do reach writers have visitors for
every format (``write/``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes


class numbered_paragraph(nodes.General, nodes.Element):
    """A paragraph of the source text: ``key``, ``number``; id ``p<number>``."""


class annotation(nodes.General, nodes.Element):
    """A typed note: ``kind``, ``number``, ``anchor`` (may be empty), ``themes``."""


class anchor_highlight(nodes.Inline, nodes.TextElement):
    """The anchored phrase of a note: ``kind``, ``number``, ``note_id``."""


class note_legend(nodes.General, nodes.Element):
    """The key to the kinds of note, above a source's first paragraph."""


class bibliography_downloads(nodes.General, nodes.Element):
    """Links to the whole bibliography as BibTeX, RIS and CSL-JSON (HTML only)."""


class source_info(nodes.General, nodes.Element):
    """Placeholder for the header card of a source page."""


class concordance(nodes.General, nodes.Element):
    """Placeholder for the sources x themes table."""


class citation_guide(nodes.General, nodes.Element):
    """Placeholder for "how to cite" each source in the output, in three styles."""


def ancestors(node: nodes.Node) -> list[nodes.Element]:
    """The node's parents, nearest first."""
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def make_table(
    header: Sequence[nodes.Node | str],
    rows: list[list[Any]],
    classes: list[str],
    widths: Sequence[int] = (),
) -> nodes.table:
    """A docutils table from cells that are text or inline nodes; ``widths``
    (relative) also fix the column widths of the PDF."""
    table = nodes.table(classes=[*classes, "colwidths-given"] if widths else classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (widths or [1] * len(header)))

    def row(cells: Sequence[Any]) -> nodes.row:
        line = nodes.row()
        for cell in cells:
            para = nodes.paragraph()
            para += nodes.Text(cell) if isinstance(cell, str) else cell
            line += nodes.entry("", para)
        return line

    group += nodes.thead("", row(header))
    group += nodes.tbody("", *[row(r) for r in rows])
    return table


class student_notes(nodes.General, nodes.Element):
    """Placeholder for the "My notes" page: the data its script needs."""


class pack_builder(nodes.General, nodes.Element):
    """Placeholder for the pack builder: the pages a pack can hold, the shipped packs."""
