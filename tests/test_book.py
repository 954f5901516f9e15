"""The real book: this edition's editorial rules (AUTHORING.md, "This
edition's rules"), stated over whatever sources, chapters and packs exist (no
test changes when a source is added). The checks every edition keeps are in
test_edition.py; the briefing-pack PDFs in test_pdf.py."""

from __future__ import annotations

import runpy
import tomllib
from collections import Counter

import pytest
from pybtex.database import parse_file

from annotated_reader.config import DEFAULT_KINDS
from conftest import PROJECT, SOURCES, THEMES

CONF = runpy.run_path(str(PROJECT / "conf.py"))
METHOD = CONF.get("reader_method_chapter", "")
KINDS = CONF.get("reader_note_kinds", DEFAULT_KINDS)
CHAPTERS = {slug: doc for slug, doc in THEMES.items() if slug != METHOD}


def test_latex_build_emits_no_warnings(book):
    assert "WARNING" not in book.latex_log


@pytest.mark.parametrize("key", SOURCES)
def test_each_source_page_has_notes_and_a_reading_guide_of_150_to_300_words(book, key):
    data = book.domain()
    assert any(n.key == key for n in data["notes"]), "a source page needs at least one note"
    page = book.page(SOURCES[key])
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
    # The editors' prose: in-text citations (their length depends on the
    # citation style) do not count.
    for extra in article.select(
        ".ar-preview-src, .ar-citation, ul.ar-discussed, table, .rubric, a.headerlink"
    ):
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
        assert len(link.find_next_sibling(class_="ar-preview-src").get_text()) > 20


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
