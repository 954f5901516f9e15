"""The "My notes" page: for every source page of this output, its address and
the citation of one of its paragraphs in each style, as templates the script
fills in (the same templates as the page's "Cite this" box). Formats other
than HTML say where the notes are: in the student's browser, not the book."""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes

from .. import nodes as ar
from ..cite.csl import STYLES, Edition, in_text, paragraph_reference
from .content import ReaderTransform
from .html import SLOT, URL_SLOT


class StudentNotes(ReaderTransform):
    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(ar.student_notes)):
            if self.builder.format == "html":
                node.replace_self(nodes.raw("", self.html(), format="html"))
            else:
                node.replace_self(
                    nodes.paragraph(
                        "", "The student's notes are kept in the browser and listed on the site."
                    )
                )

    def html(self) -> str:
        edition = Edition.of(self.config)
        root = "../" * self.env.docname.count("/")
        styles = "".join(
            f'<option value="{escape(style)}">{escape(label)}</option>'
            for style, label in STYLES.items()
        )
        sources = []
        pages = [p for p in self.domain.sources.values() if self.in_output(p.docname)]
        for page in sorted(pages, key=lambda p: p.docname):
            work = self.works.get(page.key)
            if work is None:
                continue
            url = edition.page_url(page.docname) or URL_SLOT
            templates = "".join(
                f'<template data-style="{escape(style)}" data-part="in-text">'
                f"{in_text(work, style, SLOT)}</template>"
                f'<template data-style="{escape(style)}" data-part="reference">'
                f"{paragraph_reference(work, style, edition, f'{url}#p{SLOT}')}</template>"
                for style in STYLES
            )
            href = f"{root}{page.docname}.html"
            sources.append(
                f'<div class="ar-my-source" data-page="{escape(page.docname)}" '
                f'data-href="{escape(href)}" data-title="{escape(work.title)}">{templates}</div>'
            )
        return (
            f'<div class="ar-my-notes" data-slot="{SLOT}" data-url-slot="{URL_SLOT}">'
            '<p class="ar-my-lead">Your notes and highlights stay in this browser: nothing is '
            "sent anywhere. Select words on a source page to add one, or choose a paragraph "
            "number and then “Add a note”.</p>"
            '<div class="ar-my-controls">'
            '<label>Citation style <select class="ar-my-style">' + styles + "</select></label>"
            '<button type="button" class="ar-my-export" data-format="md">Export as Markdown</button>'
            '<button type="button" class="ar-my-export" data-format="jsonld">'
            "Export as Web Annotation (JSON-LD)</button>"
            '<label class="ar-my-import">Import notes (JSON-LD) '
            '<input type="file" accept=".json,.jsonld,application/ld+json,application/json">'
            "</label>"
            '<button type="button" class="ar-my-clear">Delete all notes…</button>'
            "</div>"
            '<p class="ar-my-status" role="status"></p>'
            '<div class="ar-my-list"><p>Your notes appear here (this page needs JavaScript).</p></div>'
            '<div class="ar-my-data" hidden>' + "".join(sources) + "</div></div>"
        )
