"""The real book: strict builds, verbatim sources and the editorial rules of
AUTHORING.md, stated over whatever sources, chapters and packs exist (no test
changes when a source is added). The briefing-pack PDFs: test_pdf.py."""

from __future__ import annotations

import runpy
import tomllib
from collections import Counter

import pytest
from pybtex.database import parse_file

from annotated_reader.config import DEFAULT_KINDS
from annotated_reader.text import squash
from conftest import PROJECT, SOURCES, THEMES

CONF = runpy.run_path(str(PROJECT / "conf.py"))
METHOD = CONF.get("reader_method_chapter", "")
KINDS = CONF.get("reader_note_kinds", DEFAULT_KINDS)
CHAPTERS = {slug: doc for slug, doc in THEMES.items() if slug != METHOD}


def raw_blocks(key: str) -> list[str]:
    text = (PROJECT / "sources" / "raw" / f"{key}.txt").read_text(encoding="utf-8")
    return [block for block in text.split("\n\n") if block.strip()]


def bib_sources() -> set[str]:
    entries = parse_file(str(PROJECT / "references.bib"), bib_format="bibtex").entries
    return {
        key
        for key, entry in entries.items()
        if "source" in [k.strip() for k in entry.fields.get("keywords", "").split(",")]
    }


def test_strict_builds_emit_no_warnings(book):
    assert "WARNING" not in book.html_log
    assert "WARNING" not in book.latex_log


def test_every_page_is_built(book):
    found = book.environment().found_docs
    assert {*SOURCES.values(), *THEMES.values(), "index"} <= found
    for name in found:
        assert (book.html / f"{name}.html").is_file(), name


def test_every_source_of_the_bibliography_has_a_page_and_back():
    assert set(SOURCES) == bib_sources()


@pytest.mark.parametrize("key", SOURCES)
def test_source_page_equals_its_raw_text(book, key):
    page = book.page(SOURCES[key])
    for extra in page.select(
        "button.ar-hl-btn, .ar-notes, .ar-backlinks, a.headerlink, a.ar-pnum, .ar-para-tools"
    ):
        extra.decompose()
    shown = []
    for node in page.select(
        "article div.ar-para > p, article section section > h2, article section section > h3"
    ):
        shown.append(("## " if node.name.startswith("h") else "") + squash(node.get_text()))
    expected = [
        ("## " + squash(b[3:])) if b.startswith("## ") else squash(b) for b in raw_blocks(key)
    ]
    assert shown == expected


@pytest.mark.parametrize("key", SOURCES)
def test_raw_text_is_the_capture_with_only_recorded_changes(key):
    """Each raw block appears, in order, in the original capture once the
    normalisations that About this text records are undone: tags, escapes,
    Markdown marks, and paragraphs the capture split (whitespace)."""
    capture = (PROJECT / "sources" / "captures" / f"{key}.txt").read_text(encoding="utf-8")
    for artefact, plain in (("<sup>", ""), ("</sup>", ""), ("\\$", "$"), ("**", "")):
        capture = capture.replace(artefact, plain)
    capture = squash(capture)
    position = 0
    for block in raw_blocks(key):
        text = squash(block.removeprefix("## "))
        found = capture.find(text, position)
        assert found >= 0, f"not in the capture after position {position}: {text[:80]}"
        position = found + len(text)


@pytest.mark.parametrize("key", SOURCES)
def test_each_source_page_has_notes_and_says_where_its_text_comes_from(book, key):
    data = book.domain()
    assert any(n.key == key for n in data["notes"]), "a source page needs at least one note"
    page = book.page(SOURCES[key])
    titles = [t.get_text() for t in page.select(".ar-editorial .admonition-title")]
    assert titles[:1] == ["About this text"]
    for block in page.select(".ar-editorial"):
        if block.select_one(".admonition-title").get_text() != "Reading this source":
            continue
        for link in block.select("a"):  # chapter titles and references are not our prose
            link.decompose()
        words = len(block.get_text(" ", strip=True).split()) - 3  # less the block's title
        assert 150 <= words <= 300, words


def test_the_edition_annotates_every_paragraph_on_average_with_every_kind(book):
    data = book.domain()
    notes = data["notes"]
    paragraphs = sum(len(page.paragraphs) for page in data["sources"].values())
    assert len(notes) >= paragraphs
    assert set(Counter(n.kind for n in notes)) == set(KINDS)
    assert sum(1 for n in notes if n.themes) >= len(notes) // 3


def chapter_text_words(page) -> int:
    article = page.select_one("article")
    for extra in article.select(".ar-preview, ul.ar-discussed, table, .rubric, a.headerlink"):
        extra.decompose()
    return len(article.get_text(" ", strip=True).split())


def section(page, title: str):
    heading = next(
        (h for h in page.select("article h2") if h.get_text().rstrip("#").strip() == title), None
    )
    assert heading is not None, f"no section {title!r}"
    return heading.find_parent("section")


@pytest.mark.parametrize("slug", CHAPTERS)
def test_each_chapter_meets_the_synthesis_rules(book, slug):
    data = book.domain()
    docname = CHAPTERS[slug]
    refs = [r for r in data["refs"] if r.docname == docname]
    assert len(refs) >= 15
    assert len({r.key for r in refs}) >= min(3, len(SOURCES))
    assert sum(1 for r in refs if r.quote) >= 3
    page = book.page(docname)
    assert 1500 <= chapter_text_words(book.page(docname)) <= 3000
    table = section(page, "Where the sources agree and disagree").select_one("table")
    for cell in table.select("tbody td"):
        if cell.find_previous_sibling("td") is None:
            continue  # the first column names the point at issue
        assert cell.select("a.ar-passage"), f"cell without a reference: {cell.get_text()[:60]}"
    assert section(page, "Then and now").select_one("p")
    assert len(section(page, "Discussion questions").select("ol > li")) == 4
    assert section(page, "Further reading").select("li")


def test_every_quotation_is_verified_against_its_paragraph(book):
    data = book.domain()
    sources = {page.key: page for page in data["sources"].values()}
    for ref in (r for r in data["refs"] if r.quote):
        text = sources[ref.key].span_text(ref.start, ref.end)
        assert squash(ref.quote) in text, (ref.docname, ref.quote)


def test_timeline_events_are_dated_and_linked(book):
    events = tomllib.loads((PROJECT / "back" / "timeline.toml").read_text(encoding="utf-8"))
    events = events["event"]
    rows = book.page("back/timeline").select("table.ar-timeline tbody tr")
    assert len(rows) == len(events)
    for row in rows:
        evidence = row.select("td")[2]
        assert evidence.select("a.ar-passage") or evidence.get_text(strip=True), row.get_text()[:80]
    assert all(e.get("note") for e in events if e["status"] == "inferred")


def test_glossary_terms_are_defined_linked_and_previewed(book):
    terms = book.page("back/glossary").select("dl.glossary > dt")
    assert terms
    for definition in book.page("back/glossary").select("dl.glossary > dd"):
        assert len(definition.get_text(strip=True)) > 20
    used = [
        link
        for name in [*SOURCES.values(), *THEMES.values()]
        for link in book.page(name).select('a[href*="glossary.html#term-"]')
    ]
    assert used, "no page links a glossary term"
    for link in used:
        assert len(link.select_one(".ar-preview").get_text()) > 20


def test_bibliography_lists_the_sources_apart_from_other_works(book):
    page = book.page("back/bibliography")
    lists = page.select(".ar-references")
    families = {
        key: entry.persons["author"][0].last_names[0]
        for key, entry in parse_file(str(PROJECT / "references.bib")).entries.items()
        if key in SOURCES
    }
    first, rest = lists[0].get_text(" "), " ".join(x.get_text(" ") for x in lists[1:])
    for family in families.values():
        assert f"{family}," in first
    assert lists[1:] and not any(f"{family}, " in rest for family in families.values())


def test_concordance_maps_every_source_to_the_themes(book):
    table = book.page("back/concordance").select_one("table.ar-concordance")
    assert len(table.select("tbody tr")) == len(SOURCES)
    assert len(table.select("thead th")) == 1 + len(CHAPTERS)
