"""The student's pages. "My notes": for every source page of this output, its
address and the citation of one of its paragraphs in each style, as templates
the script fills in (the same templates as the page's "Cite this" box); for
every chapter, its address and title (a chapter has no citation of its own).
On a chapter page, its text is marked (``section.ar-chapter``) for the notes
the student adds there, anchored by the section and the quoted words. The
pack builder: a form of the pages a pack can hold and the shipped packs,
submitted to the print view (``static/annotated-reader-pack.html``), which
Paged.js paginates; Paged.js is copied from ``node_modules`` into
``_static``. Formats other than HTML say where these pages work: on the site."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .. import nodes as ar
from ..cite.csl import STYLES, Edition, in_text, paragraph_reference
from ..diagnostics import Warn, warn
from ..read.packs import packs_of
from .content import ReaderTransform
from .html import SLOT, URL_SLOT, SiteTransform

PAGED_JS = Path("pagedjs", "dist", "paged.min.js")  # inside node_modules
PRINT_VIEW = "annotated-reader-pack.html"  # in _static


def paged_js(srcdir: str | Path) -> Path | None:
    """Paged.js in ``node_modules`` of the project or a folder above it, as
    Node itself looks for packages."""
    for folder in (Path(srcdir).resolve(), *Path(srcdir).resolve().parents):
        candidate = folder / "node_modules" / PAGED_JS
        if candidate.is_file():
            return candidate
    return None


class StudentPages(ReaderTransform):
    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(ar.student_notes)):
            node.replace_self(self.output(self.my_notes))
        for node in list(self.document.findall(ar.pack_builder)):
            if self.site and paged_js(self.env.srcdir) is None:
                warn(
                    Warn.PAGED_JS_MISSING,
                    "Paged.js, which paginates the pack builder's print view, is not in "
                    "node_modules: run `npm ci` (or `make`) in the project",
                    node,
                )
            node.replace_self(self.output(self.pack_builder))

    @property
    def site(self) -> bool:
        """The HTML site (an e-book has no scripts, so no student pages)."""
        return self.builder.format == "html" and not getattr(self.builder, "ebook", False)

    def output(self, html: Any) -> nodes.Node:
        if self.site:
            return nodes.raw("", html(), format="html")
        return nodes.paragraph("", "This page works on the site, in the reader's browser.")

    @property
    def root(self) -> str:
        return "../" * self.env.docname.count("/")

    def my_notes(self) -> str:
        edition = Edition.of(self.config)
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
            href = f"{self.root}{page.docname}.html"
            sources.append(
                f'<div class="ar-my-source" data-page="{escape(page.docname)}" '
                f'data-href="{escape(href)}" data-title="{escape(self.title(page.docname))}">{templates}</div>'
            )
        chapters = [t.docname for t in self.domain.themes.values() if self.in_output(t.docname)]
        for docname in sorted(chapters):
            sources.append(
                f'<div class="ar-my-source" data-kind="chapter" data-page="{escape(docname)}" '
                f'data-href="{escape(self.root)}{escape(docname)}.html" '
                f'data-title="{escape(self.title(docname))}"></div>'
            )
        return (
            f'<div class="ar-my-notes" data-slot="{SLOT}" data-url-slot="{URL_SLOT}">'
            '<p class="ar-my-lead">To add a note, select words on a source or chapter page, or '
            "choose a paragraph number and then “Add a note to this paragraph” (on a chapter: "
            "“Add a note to this chapter”).</p>"
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

    def pack_builder(self) -> str:
        """A form that opens the print view with the chosen pages (``page``,
        in reading order), a ``title`` and whether to add the student's notes."""
        order = reading_order(self.env, self.config.root_doc)
        chapters = {t.docname for t in self.domain.themes.values()}
        sources = {p.docname for p in self.domain.sources.values()}
        back = [d for d in self.config.reader_back_matter if d in self.env.found_docs]
        groups = (
            ("Chapters", [d for d in order if d in chapters]),
            ("Sources", [d for d in order if d in sources]),
            ("Back matter", back),
        )
        fieldsets = []
        for legend, docnames in groups:
            boxes = "".join(
                f'<li><label><input type="checkbox" name="page" value="{escape(doc)}"> '
                f"{escape(self.title(doc))}</label></li>"
                for doc in docnames
                if self.in_output(doc)
            )
            if boxes:
                fieldsets.append(
                    f'<fieldset class="ar-pack-group"><legend>{escape(legend)}</legend>'
                    f"<ul>{boxes}</ul></fieldset>"
                )
        packs = packs_of(self.env.srcdir, self.config)
        options = "".join(
            f'<option value="{escape(slug)}" data-title="{escape(pack.title)}" '
            f'data-pages="{escape(" ".join([*pack.contents, *back]))}">'
            f"{escape(pack.title)}</option>"
            for slug, pack in packs.items()
        )
        start = (
            '<p class="ar-pack-start"><label for="ar-pack-start">Start from a pack of this '
            'edition</label> <select id="ar-pack-start"><option value="">(none: choose the '
            f"pages)</option>{options}</select></p>"
            if options
            else ""
        )
        title = escape(self.config.reader_title or self.config.project)
        return (
            f'<form class="ar-pack-builder" method="get" action="{self.root}_static/{PRINT_VIEW}">'
            + start
            + "".join(fieldsets)
            + f'<input type="hidden" name="edition" value="{title}">'
            '<p class="ar-pack-field"><label for="ar-pack-title">Title of your pack</label> '
            f'<input id="ar-pack-title" name="title" value="{title}" required></p>'
            '<p class="ar-pack-field"><label><input type="checkbox" name="notes" value="1" '
            "checked> Include my own notes (kept in this browser) beside their paragraphs"
            "</label></p>"
            '<p class="ar-pack-problem" role="alert"></p>'
            '<p><button type="submit" class="ar-pack-make">Make the print view</button></p>'
            '<p class="ar-pack-hint">The print view lays the pages out as a book: title page, '
            "contents, running heads, page and paragraph numbers, the editors' notes and yours "
            "in the margin. Print it, or save it as PDF, from the browser.</p>"
            "</form>"
        )

    def title(self, docname: str) -> str:
        title = self.env.titles.get(docname)
        return title.astext() if title is not None else docname


class ChapterText(SiteTransform):
    """A chapter's text, the section its title opens, carries ``ar-chapter``:
    there the student's notes script lets the student add notes."""

    def run(self, **kwargs: Any) -> None:
        if self.env.docname not in {t.docname for t in self.domain.themes.values()}:
            return
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is not None:
            section["classes"].append("ar-chapter")


def reading_order(env: BuildEnvironment, root: str) -> list[str]:
    """The pages in the order of the toctrees, from the root document."""
    seen: list[str] = []

    def walk(docname: str) -> None:
        for child in env.toctree_includes.get(docname, []):
            if child not in seen:
                seen.append(child)
                walk(child)

    walk(root)
    return seen


def copy_paged_js(app: Sphinx, exception: Exception | None) -> None:
    """Paged.js served from ``_static``, so the print view works offline."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    found = paged_js(app.srcdir)
    if found is not None and static.is_dir() and not getattr(app.builder, "ebook", False):
        shutil.copyfile(found, static / "paged.min.js")
