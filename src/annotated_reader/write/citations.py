"""In-text citations of passages, in the edition's citation style
(``reader_citation_style``), for every builder.

A ``{passage}`` prints the citation without its brackets ("Lee, 2017,
para. 4"), because the author writes them. Passages side by side, separated
only by ``;`` or ``,``, are one citation: one item per work, its paragraphs
merged, works in the style's order: "(Lee, 2017, paras. 2, 4; Sharma, ca.
2025, para. 3)". citeproc-py formats the whole citation; each paragraph
number in it stays a link to its paragraph, because this transform runs
before Sphinx resolves references (priority 10) and leaves one ``passage``
reference per number."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes

from ..cite.csl import cited_item, format_citation, to_nodes, unbracketed
from .content import ReaderTransform

SEPARATOR = re.compile(r"^\s*[;,]\s*$")
# citeproc leaves private-use characters alone: each locator number is marked
# with the index of its work, so it can be found again after the style has
# ordered the works.
OPEN, CLOSE = 0xE010, "\ue001"
MARKED = re.compile(f"([{chr(OPEN)}-{chr(OPEN + 0xEF)}])(.*?){CLOSE}")


def is_passage(node: nodes.Node) -> bool:
    return (
        isinstance(node, addnodes.pending_xref)
        and node.get("refdomain") == "reader"
        and node.get("reftype") == "passage"
        and not node.get("intersphinx")
        and not node.get("refexplicit")
    )


def clusters(parent: nodes.Element) -> list[list[nodes.Node]]:
    """Runs of passage references in ``parent`` with only a ``;`` or ``,``
    between them (the separators included)."""
    found: list[list[nodes.Node]] = []
    children = parent.children
    i = 0
    while i < len(children):
        if not is_passage(children[i]):
            i += 1
            continue
        run = [children[i]]
        while (
            i + 2 < len(children)
            and isinstance(children[i + 1], nodes.Text)
            and SEPARATOR.match(str(children[i + 1]))
            and is_passage(children[i + 2])
        ):
            run += children[i + 1 : i + 3]
            i += 2
        found.append(run)
        i += 1
    return found


def locator(spans: list[tuple[int, int]], mark: str) -> str:
    """ "3, 7" or "4–6", each part between the work's marks."""
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in sorted(set(spans))]
    return ", ".join(f"{mark}{part}{CLOSE}" for part in parts)


class InTextCitations(ReaderTransform):
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        parents = {id(n.parent): n.parent for n in self.document.findall(is_passage)}
        for parent in parents.values():
            for run in clusters(parent):
                refs = [n for n in run if isinstance(n, addnodes.pending_xref)]
                if all(r["key"] in self.works for r in refs):
                    self.replace(run, refs)

    def replace(self, run: list[nodes.Node], refs: list[addnodes.pending_xref]) -> None:
        cited: dict[str, list[tuple[int, int]]] = {}
        for ref in refs:
            cited.setdefault(ref["key"], []).append((ref["start"], ref["end"]))
        style = self.config.reader_citation_style
        items = [
            (cited_item(self.works[key], 1), locator(spans, chr(OPEN + n)))
            for n, (key, spans) in enumerate(cited.items())
        ]
        parts = MARKED.split(unbracketed(format_citation(items, style), style))
        keys = list(cited)
        seen: dict[str, int] = {}
        citation = nodes.inline(classes=["ar-citation"])
        for n in range(0, len(parts), 3):
            citation += to_nodes(parts[n])
            if n + 2 < len(parts):
                key = keys[ord(parts[n + 1]) - OPEN]
                index = seen[key] = seen.get(key, -1) + 1
                start, end = sorted(set(cited[key]))[index]
                citation += self.number(refs, key, start, end, parts[n + 2])
        parent = run[0].parent
        parent.insert(parent.index(run[0]), citation)
        for node in run:
            parent.remove(node)

    def number(
        self, refs: list[addnodes.pending_xref], key: str, start: int, end: int, text: str
    ) -> addnodes.pending_xref:
        """A reference to the paragraphs whose number is ``text``."""
        model = next(r for r in refs if (r["key"], r["start"], r["end"]) == (key, start, end))
        attributes = {
            k: v for k, v in model.attributes.items() if k not in nodes.Element.list_attributes
        }
        xref = addnodes.pending_xref("", nodes.inline("", text), **attributes)
        xref["refexplicit"] = True  # the number is the link's text
        xref.source, xref.line = model.source, model.line
        return xref
