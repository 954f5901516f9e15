"""HTML output: visitors for the reader's nodes (notes are ``<aside>``,
highlights toggle their note on narrow screens, see the script), and the
HTML-only post-transforms: notes laid out beside their paragraph, previews of
passages and glossary terms, the "Cite this" box and the meta tags of each
source page. Data is escaped here, once, for the context it enters."""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .. import nodes as ar
from ..cite.csl import STYLES, Edition, in_text, paragraph_reference, reference
from ..cite.exports import EXPORT_DIR
from ..cite.meta import json_ld, meta_tags, open_graph
from ..cite.works import Work
from ..config import note_kinds
from ..domain import get_domain, passage_label
from .content import ReaderTransform

# A locator no text contains, replaced in the browser by the chosen paragraph,
# and the page's address where the build does not know it (no base URL).
SLOT = "8888"
URL_SLOT = "https://address.invalid/page"
PASSAGE_SLOT = re.compile(r"\{([A-Za-z][\w-]*):(\d+)-(\d+)\}")


# -- visitors ----------------------------------------------------------------------


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
    label = note_kinds(self.config)[kind]
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
    target = f"#hl-{number}" if node["anchor"] else f"#p{node['para']}"
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
    label = note_kinds(self.config)[kind]
    self.body.append(
        f'</mark><button type="button" class="ar-hl-btn ar-kind-{kind}" '
        f'aria-controls="{node["note_id"]}" aria-expanded="true" '
        f'aria-label="Note {number}, {escape(label.lower())}">{number}</button>'
    )


def visit_note_legend(self: Any, node: ar.note_legend) -> None:
    buttons = "".join(
        f'<button type="button" class="ar-filter ar-kind-{kind}" data-kind="{kind}" '
        f'aria-pressed="true"><span class="ar-swatch" aria-hidden="true"></span>'
        f"{escape(label)}</button>"
        for kind, label in note_kinds(self.config).items()
    )
    self.body.append(
        '<div class="ar-legend" role="group" aria-label="Show or hide notes by kind">'
        f'<span class="ar-legend-title">Notes:</span>{buttons}</div>'
    )
    raise nodes.SkipNode


# -- post-transforms -----------------------------------------------------------------


class HtmlNoteLayout(ReaderTransform):
    """A paragraph's notes go in one block before it, which CSS floats into
    the margin on wide screens and shows after the text on narrow ones."""

    formats = ("html",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        for para in self.document.findall(ar.numbered_paragraph):
            notes = [child for child in para.children if isinstance(child, ar.annotation)]
            if not notes:
                continue
            block = nodes.container(classes=["ar-notes"])
            for note in notes:
                para.remove(note)
                block += note
            para.insert(0, block)


class Previews(ReaderTransform):
    """A passage link previews its paragraphs, a term link its glossary
    definition, on hover and keyboard focus."""

    formats = ("html",)
    default_priority = 20  # after Sphinx resolves references (10)

    def run(self, **kwargs: Any) -> None:
        terms = self.domain.data["terms"]
        for ref in self.document.findall(nodes.reference):
            if "reader_passage" in ref:
                key, start, end = ref["reader_passage"]
                text = self.domain.sources[key].span_text(start, end)
                text = text if len(text) < 600 else text[:600].rsplit(" ", 1)[0] + " …"
                preview = f"{self.passage(key, start, end)}: {text}"
            else:
                target = ref.get("refuri", "").rpartition("#")[2] or ref.get("refid", "")
                if not target.startswith("term-") or target not in terms:
                    continue
                preview = PASSAGE_SLOT.sub(self.label, terms[target][1])
            ref["classes"].append("ar-has-preview")
            ref += nodes.inline("", preview, classes=["ar-preview"])

    def passage(self, key: str, start: int, end: int) -> str:
        style = self.config.reader_citation_style
        return passage_label(self.works.get(key), key, start, end, style)

    def label(self, match: re.Match[str]) -> str:
        return self.passage(match.group(1), int(match.group(2)), int(match.group(3)))


class CiteBox(ReaderTransform):
    """The "Cite this" box under each source card."""

    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for card in self.document.findall(nodes.container):
            key = card.get("reader_key")
            if key and key in self.works:
                root = "../" * self.env.docname.count("/")
                edition = Edition.of(self.config)
                url = edition.page_url(self.env.docname) or URL_SLOT
                html = cite_box_html(self.works[key], root, edition, url)
                card += nodes.raw("", html, format="html")


def cite_box_html(work: Work, relative_root: str, edition: Edition, page_url: str) -> str:
    """In each style, the reference to the original work with its in-text
    citation, and the citation of a paragraph of this edition with its
    reference (templates the script fills in when a number is chosen);
    downloads."""
    rows = []
    for style, label in STYLES.items():
        para_url = f"{page_url}#p{SLOT}"
        rows.append(
            f'<div class="ar-cite-style" data-style="{style}">'
            f'<p class="ar-cite-label">{escape(label)}</p>'
            f'<p class="ar-cite-text" id="cite-{style}">{reference(work, style)}</p>'
            f'<button type="button" class="ar-copy" data-copy="cite-{style}">Copy</button>'
            f'<p class="ar-cite-intext">In text: {in_text(work, style)}</p>'
            f'<template class="ar-cite-para">{in_text(work, style, SLOT)}</template>'
            f'<template class="ar-cite-para-ref">'
            f"{paragraph_reference(work, style, edition, para_url)}</template>"
            '<p class="ar-cite-chosen-para" hidden></p>'
            "</div>"
        )
    base = f"{relative_root}{EXPORT_DIR}/{escape(work.key)}"
    downloads = " · ".join(
        f'<a href="{base}.{ext}" download>{name}</a>'
        for ext, name in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))
    )
    return (
        f'<details class="ar-cite" id="cite-this" data-slot="{SLOT}" data-url-slot="{URL_SLOT}">'
        '<summary id="cite-heading">Cite this source: APA, Chicago, MLA; BibTeX, RIS, CSL-JSON</summary>'
        '<p class="ar-cite-hint">These references cite the original. To cite one paragraph, '
        "choose its number in the margin: the paragraph numbers are this edition's, so that "
        "citation and its reference name this edition and the paragraph's address.</p>"
        '<p class="ar-cite-chosen" hidden></p>'
        + "".join(rows)
        + f'<p class="ar-cite-downloads">Download this entry: {downloads}</p>'
        "</details>"
    )


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Reference managers read a source page's ``<meta>`` tags as the original's."""
    page = get_domain(app.env).pages.get(pagename)
    work = get_domain(app.env).works.get(page.key) if page else None
    if work is None:
        return
    edition = Edition.of(app.config)
    url = context.get("pageurl") or edition.page_url(pagename)
    title = unescape(re.sub(r"<[^>]+>", "", context.get("title", "")))
    html = "".join(f'<meta name="{escape(n)}" content="{escape(v)}">\n' for n, v in meta_tags(work))
    html += "".join(
        f'<meta property="{escape(p)}" content="{escape(v)}">\n'
        for p, v in open_graph(title, url, edition)
    )
    html += f'<script type="application/ld+json">{json_ld(work, title, url, edition)}</script>\n'
    context["metatags"] = context.get("metatags", "") + html


def setup_html(app: Sphinx) -> None:
    for transform in (HtmlNoteLayout, Previews, CiteBox):
        app.add_post_transform(transform)
    app.connect("html-page-context", on_html_page_context)
    app.add_css_file("annotated-reader.css")
    app.add_js_file("annotated-reader.js", defer="defer")  # it reads the page it is on
