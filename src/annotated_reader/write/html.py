"""HTML output: visitors for the reader's nodes (notes are ``<aside>``; the
highlighted phrase links to its note and, on narrow screens, opens it: see the
script), and the HTML-only post-transforms: each paragraph split into its text
and its note column, compact "Discussed in", previews of passages and
glossary terms, the "Cite this" box and the meta tags of each source page.
Data is escaped here, once, for the context it enters."""

from __future__ import annotations

import json
import re
from html import escape, unescape
from pathlib import Path
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
                # A note, not a landmark: a page has dozens.
                "role": "note",
                "aria-label": f"Note {number}, {label.lower()}",
                "tabindex": "-1",  # the script moves focus into an opened note
            },
        )
    )
    target = f"#hl-{number}" if node["anchor"] else f"#p{node['para']}"
    self.body.append(
        f'<p class="ar-note-head"><a class="ar-note-num" href="{target}" '
        f'aria-label="Note {number}: back to the text">{number}</a>'
        f'<span class="ar-note-kind">{escape(label)}</span></p>'
    )


def depart_annotation(self: Any, node: ar.annotation) -> None:
    self.body.append("</aside>\n")


def visit_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    # The phrase itself is the control: a link to its note, which wraps like
    # text (a <button> cannot break across lines); on narrow screens the
    # script makes it a disclosure button that opens the note under its line.
    kind, number = node["kind"], node["number"]
    self.body.append(
        f'<a class="ar-hl ar-kind-{kind}" id="hl-{number}" href="#{node["note_id"]}" '
        f'data-kind="{kind}"><span class="ar-hl-text">'
    )


def depart_anchor_highlight(self: Any, node: ar.anchor_highlight) -> None:
    self.body.append(
        f'</span>{escape(node.get("trail", ""))}<sup class="ar-hl-num">'
        f'<span class="ar-vh">note </span>{node["number"]}</sup></a>'
    )


def visit_citation(self: Any, node: nodes.citation) -> None:
    """A reference-list entry is a list item: docutils marks it
    ``doc-biblioentry``, a role ARIA has deprecated, and the list it opens
    then has no items for assistive technology."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


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


def visit_bibliography_downloads(self: Any, node: ar.bibliography_downloads) -> None:
    base = "../" * node["docname"].count("/") + f"{EXPORT_DIR}/references"
    self.body.append(
        '<p class="ar-cite-downloads">Download the whole bibliography for a reference manager: '
        f'<a href="{base}.bib" download>BibTeX</a> · '
        f'<a href="{base}.ris" download>RIS</a> (Zotero, EndNote, Mendeley) · '
        f'<a href="{base}.json" download>CSL-JSON</a>. '
        "Each source page offers its own entry in the same three formats.</p>\n"
    )
    raise nodes.SkipNode


# -- post-transforms -----------------------------------------------------------------


class SiteTransform(ReaderTransform):
    """For the web site only: the e-book's builder writes HTML too (its pages
    have no scripts, no margins and no hidden text)."""

    formats = ("html",)

    def is_supported(self) -> bool:
        return super().is_supported() and not getattr(self.builder, "ebook", False)


class HtmlNoteLayout(SiteTransform):
    """Each paragraph becomes its text (with "Discussed in" folded into a
    count) followed by its note column: the stylesheet sets the column beside
    the text where the paragraph is wide enough and below it elsewhere, and
    the order stays the text's for screen readers."""

    default_priority = 7  # after Backlinks (6)

    def run(self, **kwargs: Any) -> None:
        for mark in self.document.findall(ar.anchor_highlight):
            number_after_punctuation(mark)
        for para in self.document.findall(ar.numbered_paragraph):
            text: list[nodes.Node] = []
            notes: list[nodes.Node] = []
            for child in list(para.children):
                para.remove(child)
                if isinstance(child, ar.annotation):
                    notes.append(child)
                elif "ar-backlinks" in child["classes"]:
                    text.extend(compact_backlinks(child))
                else:
                    text.append(child)
            para.extend(wrap("ar-text", text))
            if notes:
                para.extend(wrap("ar-notes", notes))


def wrap(name: str, children: list[nodes.Node]) -> list[nodes.Node]:
    """Children in a ``<div class="name">`` of our own (a docutils container
    would carry the class ``container``, which themes style)."""
    return [
        nodes.raw("", f'<div class="{name}">', format="html"),
        *children,
        nodes.raw("", "</div>", format="html"),
    ]


def compact_backlinks(box: nodes.Element) -> list[nodes.Node]:
    """ "Discussed in: …" as a count that opens the list on demand."""
    chapters = box.get("chapters", 0)
    if isinstance(box.children[0], nodes.emphasis):  # the "Discussed in: " lead
        box.remove(box.children[0])
    box["classes"] = ["ar-backlinks-list"]
    summary = f"Discussed in {chapters} chapter{'s' * (chapters != 1)}"
    return [
        nodes.raw("", f'<details class="ar-backlinks"><summary>{summary}</summary>', format="html"),
        box,
        nodes.raw("", "</details>", format="html"),
    ]


def number_after_punctuation(mark: ar.anchor_highlight) -> None:
    """A note number follows the punctuation that closes its phrase
    ("principle,²"), as reference marks do in print: no gap before a comma."""
    following = mark.next_node(descend=False, siblings=True)
    if not isinstance(following, nodes.Text):
        return
    trail = CLOSING.match(str(following))
    if trail:
        mark["trail"] = trail.group()
        rest = str(following)[trail.end() :]
        if rest:
            following.parent.replace(following, nodes.Text(rest))
        else:
            following.parent.remove(following)


CLOSING = re.compile(r"^[,.;:!?)\]”’\"']+")


class Previews(SiteTransform):
    """A passage link previews its paragraphs, a term link its glossary
    definition, on hover and keyboard focus. The text sits, hidden, right
    after the link (not inside it, so it is not part of the link's name);
    the script shows it in one popup that describes the link."""

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
            ref.parent.insert(
                ref.parent.index(ref) + 1, nodes.inline("", preview, classes=["ar-preview-src"])
            )

    def passage(self, key: str, start: int, end: int) -> str:
        style = self.config.reader_citation_style
        return passage_label(self.works.get(key), key, start, end, style)

    def label(self, match: re.Match[str]) -> str:
        return self.passage(match.group(1), int(match.group(2)), int(match.group(3)))


class CiteBox(SiteTransform):
    """The "Cite this" box under each source card."""

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


def remove_theme_templates(app: Sphinx, exception: Exception | None) -> None:
    """Some themes (pydata, sphinx-book-theme) keep Jinja macro files among
    their static files, so Sphinx copies them into ``_static`` as if they were
    pages; no page uses the copies."""
    theme = getattr(app.builder, "theme", None)
    if exception is not None or theme is None:
        return
    static = Path(app.outdir) / "_static"
    ours = {p.name for d in app.config.html_static_path for p in (app.confdir / d).glob("*.html")}
    for theme_dir in theme.get_theme_dirs():
        for template in (Path(theme_dir) / "static").glob("*.html"):
            if template.name not in ours:
                (static / template.name).unlink(missing_ok=True)


# -- Content-Security-Policy "script-src 'self'" ---------------------------------------

# What themes write as inline scripts: one page option each (pydata's page
# name and search setting). Anything else stays inline, and the browser test
# that serves the site under the policy fails on it.
_INLINE_OPTION = re.compile(
    r"^\s*DOCUMENTATION_OPTIONS\.(\w+) = (?:'([^'\\]*)'|(true|false|-?\d+));\s*$"
)


def scripts_as_files(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Move the theme's inline page options into data attributes of one script
    file; tell the templates (``templates/``) whether the pydata theme's inline
    scripts are to be replaced too."""
    theme = getattr(app.builder, "theme", None)
    dirs = theme.get_theme_dirs() if theme else []
    context["reader_pydata_theme"] = any(Path(d).name == "pydata_sphinx_theme" for d in dirs)
    scripts = context.get("script_files", [])
    options: dict[str, Any] = {}
    for script in list(scripts):
        match = _INLINE_OPTION.match(getattr(script, "attributes", {}).get("body") or "")
        if match and not getattr(script, "filename", None):
            name, text, literal = match.groups()
            options[f"data-{name}"] = json.dumps(text) if literal is None else literal
            scripts.remove(script)
    if options:
        app.add_js_file("annotated-reader-options.js", **options)


def setup_html(app: Sphinx) -> None:
    for transform in (HtmlNoteLayout, Previews, CiteBox):
        app.add_post_transform(transform)
    app.add_node(nodes.citation, override=True, html=(visit_citation, None))
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", remove_theme_templates)
    app.connect("html-page-context", scripts_as_files, priority=900)  # after the theme's
    app.add_css_file("annotated-reader.css")
    app.add_js_file("annotated-reader.js", defer="defer")  # it reads the page it is on
    # The student's own notes, kept in the browser (after the notes' layout script).
    app.add_css_file("annotated-reader-student.css")
    app.add_js_file("annotated-reader-student.js", defer="defer")
