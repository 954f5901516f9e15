"""EPUB 3 output: the ``reader-epub`` builder writes every page once as an
XHTML content document, then packages one e-book per briefing pack
(``epub_package``). It is an HTML builder (the same translator, so every
extension's HTML visitors apply) with its own page shell: no theme, no
scripts, one stylesheet. Its own visitors make each note an EPUB footnote
(``<aside epub:type="footnote">``) right after its paragraph, referenced
from its phrase by a note reference that reading systems open as a pop-up.

Sphinx's own ``epub3`` builder is not used: it makes one book per project,
links the HTML builder's assets and puts footnotes at the end."""

from __future__ import annotations

import re
import time
from html import escape
from pathlib import Path
from types import MethodType
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .. import nodes as ar
from ..cite.csl import STYLES, Edition, in_text, paragraph_reference, reference, to_nodes
from ..config import note_kinds
from ..diagnostics import Warn, warn
from ..read.packs import packs_of
from ..read.raw_markup import VOID
from .content import EXAMPLE_PARAGRAPH, ReaderTransform
from .epub_package import EBook, Page, write_epub
from .html import number_after_punctuation

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).parent.parent
STYLESHEET = PACKAGE / "static" / "annotated-reader-epub.css"

PAGE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}">
<head>
<meta charset="utf-8"/>
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}"/>
</head>
<body>
{body}
</body>
</html>
"""


class ReaderEpubBuilder(StandaloneHTMLBuilder):
    """One EPUB 3 per pack of ``packs.toml`` from one write of every page."""

    name = "reader-epub"
    epilog = "The e-books are in %(outdir)s."
    ebook = True  # the site's HTML-only transforms skip this builder
    out_suffix = ".xhtml"
    link_suffix = ".xhtml"
    search = False
    copysource = False
    add_permalinks = False
    allow_sharp_as_current_path = False
    supported_image_types: ClassVar[list[str]] = [
        "image/svg+xml",
        "image/png",
        "image/gif",
        "image/jpeg",
    ]
    supported_remote_images = False

    def init(self) -> None:
        super().init()
        self.out_suffix = self.link_suffix = ".xhtml"
        self.use_index = False

    def get_theme_config(self) -> tuple[str, dict[str, str | int | bool]]:
        # No theme's assets reach the book; the pages have a shell of their own.
        return "basic", {}

    def create_translator(self, *args: Any) -> Any:
        """The HTML translator with the e-book's visitors for the reader's nodes
        (the registry sets the HTML ones on the instance; these replace them)."""
        translator = super().create_translator(*args)
        for name, (visit, depart) in VISITORS.items():
            setattr(translator, f"visit_{name}", MethodType(visit, translator))
            if depart is not None:
                setattr(translator, f"depart_{name}", MethodType(depart, translator))
        return translator

    def copy_assets(self) -> None:
        """The pages link one stylesheet, which the package adds; no theme files."""

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        doctree.settings = self.docsettings
        self.secnumbers = self.env.toc_secnumbers.get(docname, {})
        self.fignumbers = self.env.toc_fignumbers.get(docname, {})
        self.imgpath = relative_uri(self.get_target_uri(docname), self.imagedir)
        self.dlpath = relative_uri(self.get_target_uri(docname), "_downloads")
        self.current_docname = docname
        visitor = self.create_translator(doctree, self)
        doctree.walkabout(visitor)
        title = self.env.titles.get(docname)
        page = PAGE.format(
            lang=escape(self.config.language or "en"),
            title=escape(title.astext() if title else docname),
            css="../" * docname.count("/") + STYLESHEET.name,
            body="".join(visitor.fragment),
        )
        path = self.get_outfilename(docname)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")

    def finish(self) -> None:
        self.copy_image_files()
        self.write_buildinfo()
        packs = packs_of(self.srcdir, self.config)
        edition = Edition.of(self.config)
        for slug, pack in packs.items():
            start = time.monotonic()
            docnames = [*pack.contents, *self.config.reader_back_matter]
            pages = [Page(d, self.plain_title(d), Path(self.get_outfilename(d))) for d in docnames]
            book = EBook(
                slug=slug,
                title=pack.title,
                subtitle=pack.subtitle,
                edition_title=self.config.reader_title,
                editors=tuple(self.config.reader_editors),
                language=self.config.language or "en",
                rights=str(self.config.copyright or ""),
                keywords=(*self.config.reader_keywords, *pack.keywords),
                base_url=edition.base_url,
                kinds=note_kinds(self.config),
            )
            path = write_epub(book, pages, Path(self.outdir), STYLESHEET)
            logger.info("%-40s %3d pages %5.1f s", path.name, len(pages), time.monotonic() - start)

    def plain_title(self, docname: str) -> str:
        title = self.env.titles.get(docname)
        return title.astext() if title else docname


# -- visitors ----------------------------------------------------------------------


def visit_numbered_paragraph(self: Any, node: ar.numbered_paragraph) -> None:
    number = node["number"]
    self.body.append(self.starttag(node, "div", CLASS="ar-para"))
    self.body.append(f'<span class="ar-pnum"><span class="ar-vh">Paragraph </span>{number}</span>')


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
            **{"epub:type": "footnote", "role": "doc-footnote"},
        )
    )
    self.body.append(
        f'<p class="ar-note-head"><a class="ar-note-num" href="#hl-{number}" '
        f'role="doc-backlink" aria-label="Note {number}: back to the text">{number}</a> '
        f'<span class="ar-note-kind">{escape(label)}</span></p>'
    )


def depart_annotation(self: Any, node: ar.annotation) -> None:
    self.body.append("</aside>\n")


def visit_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f'<span class="ar-hl ar-kind-{node["kind"]}">')


def depart_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(f"</span>{escape(node.get('trail', ''))}")
    self.body.append(note_reference(node["number"], node["note_id"], node["kind"], self.config))


def note_reference(number: int, note_id: str, kind: str, config: Any) -> str:
    """The superscript number in the text that opens note ``number``."""
    label = note_kinds(config)[kind].lower()
    return (
        f'<a class="ar-hl-num" id="hl-{number}" href="#{note_id}" epub:type="noteref" '
        f'role="doc-noteref" aria-label="Note {number}, {escape(label)}"><sup>{number}</sup></a>'
    )


def visit_note_legend(self: Any, node: ar.note_legend) -> None:
    kinds = ", ".join(escape(label.lower()) for label in note_kinds(self.config).values())
    self.body.append(
        '<p class="ar-legend">The numbered notes follow the paragraphs they annotate; '
        f"each names its kind: {kinds}.</p>\n"
    )
    raise nodes.SkipNode


def visit_bibliography_downloads(self: Any, node: ar.bibliography_downloads) -> None:
    raise nodes.SkipNode  # downloads of the web site; an e-book has nothing to link


VISITORS: dict[str, tuple[Any, Any]] = {
    "numbered_paragraph": (visit_numbered_paragraph, depart_numbered_paragraph),
    "annotation": (visit_annotation, depart_annotation),
    "anchor_highlight": (visit_anchor_highlight, depart_anchor_highlight),
    "note_legend": (visit_note_legend, None),
    "bibliography_downloads": (visit_bibliography_downloads, None),
}


# -- post-transforms -----------------------------------------------------------------


class EbookTransform(ReaderTransform):
    formats = ("html",)

    def is_supported(self) -> bool:
        return super().is_supported() and getattr(self.builder, "ebook", False)


class EbookNoteLayout(EbookTransform):
    """Each note moves out of its paragraph to right after it, in order, and
    "Discussed in" after the notes (reading systems that show notes as pop-ups
    hide them, and the text reads on); a note without an anchor gets its
    reference at the end of its paragraph's text."""

    default_priority = 7  # after Backlinks (6), as the site's layout

    def run(self, **kwargs: Any) -> None:
        for mark in self.document.findall(ar.anchor_highlight):
            number_after_punctuation(mark)
        for para in list(self.document.findall(ar.numbered_paragraph)):
            notes = [child for child in para.children if isinstance(child, ar.annotation)]
            after = [
                c
                for c in para.children
                if isinstance(c, nodes.Element) and "ar-backlinks" in c["classes"]
            ]
            text = next((c for c in para.children if isinstance(c, nodes.paragraph)), None)
            for note in notes:
                para.remove(note)
                if not note["anchor"] and text is not None and note["ids"]:
                    ref = note_reference(note["number"], note["ids"][0], note["kind"], self.config)
                    text += nodes.raw("", ref, format="html")
            for box in after:
                para.remove(box)
            parent = para.parent
            parent[parent.index(para) + 1 : parent.index(para) + 1] = [*notes, *after]


class EbookCiteBox(EbookTransform):
    """ "Cite this" under each source card, in the edition's style: the
    original, and a paragraph of this edition with its reference."""

    def run(self, **kwargs: Any) -> None:
        style = self.config.reader_citation_style
        edition = Edition.of(self.config)
        for card in self.document.findall(nodes.container):
            key = card.get("reader_key")
            if not key or key not in self.works:
                continue
            work = self.works[key]
            page = self.domain.sources.get(key)
            count = len(page.paragraphs) if page else 0
            number = min(EXAMPLE_PARAGRAPH, count) or 1
            url = edition.page_url(self.env.docname)
            box = nodes.container(classes=["ar-cite"])
            box += nodes.rubric("", f"Cite this source ({STYLES[style]})")
            original = nodes.paragraph()
            original += to_nodes(reference(work, style))
            original += nodes.Text(" In text: ")
            original += to_nodes(in_text(work, style))
            para = nodes.paragraph()
            para += nodes.Text(f"A paragraph of this edition, such as paragraph {number}: ")
            para += to_nodes(in_text(work, style, number))
            para += nodes.Text(", with the reference: ")
            para += to_nodes(
                paragraph_reference(work, style, edition, f"{url}#p{number}" if url else "")
            )
            box += [original, para]
            card += box


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")


class UnclosedMarkup(EbookTransform):
    """An e-book's page is XML: HTML written in the text (the tags
    ``reader_allowed_html`` lets through) must close, in the same paragraph,
    every tag it opens. A browser forgives ``<b>bold`` without ``</b>``; a
    reading system refuses the page. Such markup is shown as text."""

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        parents = {id(n.parent): n.parent for n in self.document.findall(nodes.raw)}
        for parent in parents.values():
            raws = [
                c
                for c in parent.children
                if isinstance(c, nodes.raw) and "html" in c.get("format", "").split()
            ]
            problem = self.unbalanced(raws)
            if problem is None:
                continue
            message, where = problem
            warn(Warn.RAW_HTML, message, where)
            for raw in raws:
                text = raw.astext()
                if isinstance(parent, nodes.TextElement):
                    raw.replace_self(nodes.Text(text))
                else:
                    raw.replace_self(nodes.paragraph("", text))

    @staticmethod
    def unbalanced(raws: list[nodes.raw]) -> tuple[str, nodes.raw] | None:
        """What is wrong with the tags of these sibling raw nodes, and where."""
        opened: list[tuple[str, nodes.raw]] = []
        for raw in raws:
            for closing, tag, empty in _TAG.findall(raw.astext()):
                tag = tag.lower()
                if tag in VOID or empty:
                    continue
                if not closing:
                    opened.append((tag, raw))
                elif opened and opened[-1][0] == tag:
                    opened.pop()
                else:
                    return (
                        f"</{tag}> closes a tag that is not open here; the e-book "
                        "shows this HTML as text (its pages are XML): open and close "
                        "each tag in the same paragraph",
                        raw,
                    )
        if opened:
            tag, raw = opened[-1]
            return (
                f"<{tag}> is not closed in its paragraph; the e-book shows this HTML as "
                f"text (its pages are XML): write <{tag}>...</{tag}> in one paragraph",
                raw,
            )
        return None


def setup_epub(app: Sphinx) -> None:
    app.add_builder(ReaderEpubBuilder)
    app.add_post_transform(EbookNoteLayout)
    app.add_post_transform(EbookCiteBox)
    app.add_post_transform(UnclosedMarkup)
