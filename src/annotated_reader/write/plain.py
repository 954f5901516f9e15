"""Text, manual-page and Texinfo output: formats without margins show a
note's text where it stands and the legend not at all."""

from __future__ import annotations

from typing import Any

from docutils import nodes


def _keep(self: Any, node: nodes.Node) -> None:
    pass


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


VISITORS = {
    "numbered_paragraph": (_keep, _keep),
    "annotation": (_keep, _keep),
    "anchor_highlight": (_keep, _keep),
    "note_legend": (_skip, None),
    "bibliography_downloads": (_skip, None),
}
