"""Builder-neutral nodes. Pending nodes (``passage_ref``, ``theme_ref``,
``source_info``, ``concordance``, ``note_legend``) never reach a
writer: post-transforms replace them with standard docutils nodes. The three
nodes that do reach writers have visitors for every format."""

from __future__ import annotations

from docutils import nodes

KINDS: dict[str, str] = {
    "gloss": "Gloss",
    "context": "Context",
    "claim": "Claim",
    "sic": "Sic",
    "question": "Question",
    "link": "Link",
}


class numbered_paragraph(nodes.General, nodes.Element):
    """A paragraph of the source text: ``key``, ``number``; id ``p<number>``."""


class annotation(nodes.General, nodes.Element):
    """A typed note: ``kind``, ``number``, ``anchor`` (may be empty), ``themes``."""


class anchor_highlight(nodes.Inline, nodes.TextElement):
    """The anchored phrase of a note: ``kind``, ``number``, ``note_id``."""


class passage_ref(nodes.Inline, nodes.TextElement):
    """``{passage}``/``{quote}``: ``key``, ``start``, ``end``, ``quote``, ``docname``."""


class theme_ref(nodes.Inline, nodes.TextElement):
    """``{theme}``: ``slug``."""


class source_info(nodes.General, nodes.Element):
    """Placeholder for the header card of a source page."""


class note_legend(nodes.General, nodes.Element):
    """Placeholder for the legend and filters of note kinds."""


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
