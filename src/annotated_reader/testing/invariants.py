"""The checks every edition keeps, written once for all editions: import
them into a test module (``from annotated_reader.testing.invariants import *``)
with the plugin loaded (see ``annotated_reader.testing``). Each rule is
stated in AUTHORING.md."""

from __future__ import annotations

import re
from typing import Any

from ..text import squash
from . import Edition, EditionBuild, capture_text

__all__ = [
    "test_every_page_is_built",
    "test_every_page_is_in_a_toctree",
    "test_every_quotation_is_verified_against_its_paragraph",
    "test_every_source_of_the_bibliography_has_a_page_and_back",
    "test_no_page_content_can_run_code",
    "test_raw_text_is_in_its_capture",
    "test_source_page_equals_its_raw_text",
    "test_source_page_says_where_its_text_comes_from",
    "test_strict_build_emits_no_warnings",
]

# What a page's content may never hold: our pages' scripts come from the
# theme and the extension, outside the article.
ACTIVE_ELEMENTS = "script, iframe, object, embed, style, base, form, meta, link"
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def test_strict_build_emits_no_warnings(edition_build: EditionBuild) -> None:
    assert "WARNING" not in edition_build.log, edition_build.log


def test_every_page_is_built(edition: Edition, edition_build: EditionBuild) -> None:
    found = edition_build.environment().found_docs
    assert set(edition.pages) <= found
    for name in found:
        assert (edition_build.html / f"{name}.html").is_file(), name


def test_every_page_is_in_a_toctree(edition_build: EditionBuild) -> None:
    env = edition_build.environment()
    included = {doc for children in env.toctree_includes.values() for doc in children}
    orphans = {doc for doc, meta in env.metadata.items() if "orphan" in meta}
    assert env.found_docs - included - orphans == {env.config.root_doc}


def test_every_source_of_the_bibliography_has_a_page_and_back(edition: Edition) -> None:
    assert set(edition.sources) == edition.bib_sources()


def _shown_text(edition_build: EditionBuild, docname: str) -> list[str]:
    """The author's text as a student sees it: paragraphs and headings of the
    page, without our numbers, notes, buttons and backlinks."""
    page = edition_build.page(docname)
    for extra in page.select(".ar-hl-num, .ar-notes, .ar-backlinks, a.headerlink, a.ar-pnum"):
        extra.decompose()
    shown = []
    for node in page.select(
        "article div.ar-text > p, article section section > h2, article section section > h3"
    ):
        shown.append(("## " if node.name.startswith("h") else "") + squash(node.get_text()))
    return shown


def test_source_page_equals_its_raw_text(
    edition: Edition, edition_build: EditionBuild, source_key: str
) -> None:
    expected = [
        ("## " + squash(b[3:])) if b.startswith("## ") else squash(b)
        for b in edition.raw_blocks(source_key)
    ]
    assert _shown_text(edition_build, edition.sources[source_key]) == expected


def test_raw_text_is_in_its_capture(
    edition: Edition, source_key: str, capture_normalisations: tuple[tuple[str, str], ...]
) -> None:
    """Each raw block appears, in order, in the original capture, once the
    normalisations its "About this text" records are undone."""
    capture = edition.capture(source_key)
    assert capture is not None, f"no sources/captures/{source_key}.* kept for provenance"
    text = capture_text(capture)
    for artefact, plain in capture_normalisations:
        text = text.replace(artefact, plain)
    text = squash(text)
    position = 0
    for block in edition.raw_blocks(source_key):
        wanted = squash(block.removeprefix("## "))
        found = text.find(wanted, position)
        assert found >= 0, f"not in the capture after position {position}: {wanted[:80]}"
        position = found + len(wanted)


def test_source_page_says_where_its_text_comes_from(
    edition: Edition, edition_build: EditionBuild, source_key: str
) -> None:
    page = edition_build.page(edition.sources[source_key])
    titles = [t.get_text() for t in page.select(".ar-editorial .admonition-title")]
    assert titles[:1] == ["About this text"]


def test_every_quotation_is_verified_against_its_paragraph(edition_build: EditionBuild) -> None:
    data = edition_build.domain()
    sources = {page.key: page for page in data["sources"].values()}
    for ref in (r for r in data["refs"] if r.quote):
        text = sources[ref.key].span_text(ref.start, ref.end)
        assert squash(ref.quote) in text, (ref.docname, ref.quote)


def _active(element: Any) -> str | None:
    """Why an element of a page's content could run code, or None."""
    for name, value in element.attrs.items():
        if name.lower().startswith("on"):
            return f"{element.name} with {name}"
        if name.lower() in ("href", "src", "action", "formaction") and SCRIPT_URL.match(str(value)):
            return f"{element.name} with {name}={value}"
    return None


def _pack_builder(element: Any) -> bool:
    """The form that ``{pack-builder}`` writes: the extension's own, and it
    only sends the student's choices to the print view in ``_static``."""
    return (
        element.name == "form"
        and "ar-pack-builder" in element.get("class", [])
        and element.get("method", "").lower() == "get"
        and element.get("action", "").endswith("_static/annotated-reader-pack.html")
    )


def test_no_page_content_can_run_code(edition_build: EditionBuild) -> None:
    """Source text is text: whatever an article or a note contains, no page's
    content holds a script, an event handler or a script URL."""
    for docname in sorted(edition_build.environment().found_docs):
        article = edition_build.page(docname).select_one("article")
        if article is None:
            continue
        active = [e for e in article.select(ACTIVE_ELEMENTS) if not _pack_builder(e)]
        assert not active, (docname, active)
        problems = [p for p in map(_active, article.find_all(True)) if p]
        assert not problems, (docname, problems)
