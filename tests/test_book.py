"""The real book: strict builds, verbatim sources, the thresholds of the
edition (notes, chapters, timeline, glossary) and the briefing-pack PDFs."""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections import Counter

import pytest

from annotated_reader.nodes import KINDS
from annotated_reader.text import squash
from conftest import PROJECT

SOURCES = ["lee2017", "sadozai2019", "walia2025", "sharma2025", "cavarape2025"]
THEMES = [
    "trade",
    "burden-sharing",
    "trilateral",
    "north-korea-china",
    "hedging",
    "first-second-term",
]
# The [sic] flags of the research notes that each page must mark.
SIC_FLAGS = {"walia2025": 3, "sharma2025": 1, "sadozai2019": 4, "cavarape2025": 1, "lee2017": 5}


def raw_blocks(key: str) -> list[str]:
    text = (PROJECT / "sources" / "raw" / f"{key}.txt").read_text(encoding="utf-8")
    return [block for block in text.split("\n\n") if block.strip()]


def test_strict_builds_emit_no_warnings(book):
    assert "WARNING" not in book.html_log
    assert "WARNING" not in book.latex_log


def test_every_page_is_built(book):
    names = [f"sources/{k}" for k in SOURCES] + [
        f"themes/{t}" for t in [*THEMES, "reading-sources"]
    ]
    names += [
        "index",
        "back/glossary",
        "back/timeline",
        "back/concordance",
        "back/how-to-cite",
        "back/bibliography",
    ]
    for name in names:
        assert (book.html / f"{name}.html").is_file(), name


@pytest.mark.parametrize("key", SOURCES)
def test_source_page_equals_its_raw_text(book, key):
    page = book.page(f"sources/{key}")
    for extra in page.select("button.ar-hl-btn, .ar-notes, .ar-backlinks, a.headerlink, a.ar-pnum"):
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
    recorded normalisations are undone: tags, escapes, Markdown marks, and
    paragraphs the capture split (whitespace)."""
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
def test_each_source_meets_the_edition_thresholds(book, key):
    data = book.domain()
    source = data["sources"][key]
    notes = [n for n in data["notes"] if n.key == key]
    kinds = Counter(n.kind for n in notes)
    assert len(notes) >= 25
    assert len(notes) >= len(source.paragraphs), "fewer notes than paragraphs"
    assert set(kinds) == set(KINDS), f"kinds used: {dict(kinds)}"
    assert kinds["sic"] >= SIC_FLAGS[key]
    assert sum(1 for n in notes if n.themes) >= len(notes) // 3
    page = book.page(f"sources/{key}")
    titles = [t.get_text() for t in page.select(".ar-editorial .admonition-title")]
    assert titles == ["About this text", "Reading this source"]
    reading = page.select(".ar-editorial")[1]
    for link in reading.select("a"):  # chapter titles and references are not our prose
        link.decompose()
    words = len(reading.get_text(" ", strip=True).split()) - 3  # less the block's title
    assert 150 <= words <= 300, words


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


@pytest.mark.parametrize("slug", THEMES)
def test_each_chapter_meets_the_synthesis_thresholds(book, slug):
    data = book.domain()
    docname = f"themes/{slug}"
    refs = [r for r in data["refs"] if r.docname == docname]
    assert len(refs) >= 15
    assert len({r.key for r in refs}) >= 3
    assert sum(1 for r in refs if r.quote) >= 3
    page = book.page(docname)
    assert 1500 <= chapter_text_words(book.page(docname)) <= 3000
    table = section(page, "Where the sources agree and disagree").select_one("table")
    for cell in table.select("tbody td")[0:]:
        if cell.find_previous_sibling("td") is None:
            continue  # the first column names the point at issue
        assert cell.select("a.ar-passage"), f"cell without a reference: {cell.get_text()[:60]}"
    assert section(page, "Then and now").select_one("p")
    assert len(section(page, "Discussion questions").select("ol > li")) == 4
    assert section(page, "Further reading").select("li")


def test_every_quotation_is_verified_against_its_paragraph(book):
    data = book.domain()
    quotes = [r for r in data["refs"] if r.quote]
    assert len(quotes) >= 18
    for ref in quotes:
        text = data["sources"][ref.key].span_text(ref.start, ref.end)
        assert squash(ref.quote) in text, (ref.docname, ref.quote)


def test_timeline_has_dated_linked_events(book):
    events = tomllib.loads((PROJECT / "back" / "timeline.toml").read_text(encoding="utf-8"))[
        "event"
    ]
    assert len(events) >= 35
    years = [int(e["date"][:4]) for e in events]
    assert min(years) <= 1947 and max(years) == 2025
    rows = book.page("back/timeline").select("table.ar-timeline tbody tr")
    assert len(rows) == len(events)
    for row in rows:
        evidence = row.select("td")[2]
        assert evidence.select("a.ar-passage") or evidence.get_text(strip=True), row.get_text()[:80]
    inferred = [e for e in events if e["status"] == "inferred"]
    assert all(e.get("note") for e in inferred)


def test_glossary_terms_are_defined_and_linked(book):
    terms = book.page("back/glossary").select("dl.glossary > dt")
    assert len(terms) >= 50
    links = 0
    for name in [f"sources/{k}" for k in SOURCES] + [f"themes/{t}" for t in THEMES]:
        links += len(book.page(name).select('a[href*="glossary.html#term-"]'))
    assert links >= 60
    preview = book.page("themes/trade").select_one('a[href*="#term-"] .ar-preview')
    assert preview is not None and len(preview.get_text()) > 20


def test_bibliography_separates_the_five_sources(book):
    page = book.page("back/bibliography")
    sources = section(page, "The five sources").select('[role="doc-biblioentry"], .citation, li')
    text = section(page, "The five sources").get_text(" ")
    for name in ["Lee, K.", "Sadozai, S. H. K.", "Walia, S.", "Sharma, A.", "Cavarape, C."]:
        assert name in text
    assert sources
    others = section(page, "Other works cited").get_text(" ")
    assert "Lee, K." not in others and "Chatham House" in others


def test_concordance_maps_every_source_to_the_themes(book):
    rows = book.page("back/concordance").select("table.ar-concordance tbody tr")
    assert len(rows) == len(SOURCES)
    header = book.page("back/concordance").select("table.ar-concordance thead th")
    assert len(header) == 1 + len(THEMES)


# -- PDF ----------------------------------------------------------------------


def pdf_words(pdf) -> list[tuple[float, float, str]]:
    """Words with their horizontal extent, from page 2 on (page 1 is the title
    page, whose reading key names the kinds of note)."""
    out = subprocess.run(
        ["pdftotext", "-f", "2", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(m.group(1)), float(m.group(2)), m.group(3))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out
        )
    ]


def test_every_pack_has_a_pdf(pdfs):
    packs = tomllib.loads((PROJECT / "packs.toml").read_text(encoding="utf-8"))["packs"]
    assert set(pdfs) == set(packs)


def test_complete_pack_contains_every_source_title(pdfs):
    text = subprocess.run(
        ["pdftotext", str(pdfs["complete-reader"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = squash(text.replace("-\n", "-"))
    for start in [
        "Prospects for US-Japan Relations",
        "The Changing Dynamics",
        "MP-IDSA, Research Analyst",
        "All’s Not Well Between",
        "Asian Allies on Edge",
    ]:
        assert start in text, start


def test_no_margin_note_is_lost(book, pdfs):
    for log in book.latex.glob("*.log"):
        content = log.read_text(encoding="latin-1")
        assert "Float(s) lost" not in content, log.name
        assert "Marginpar on page" not in content, log.name


def test_notes_sit_in_the_outer_margin_and_none_is_lost(book, pdfs):
    # A4 is 595.3 pt wide; the right margin is 70 mm (198.4 pt), so the text
    # block ends at 396.9 pt. Each note starts with its kind in capitals.
    labels = {label.upper() for label in KINDS.values()}
    words = pdf_words(pdfs["complete-reader"])
    heads = [(x0, w) for x0, _x1, w in words if w in labels]
    assert heads, "no note labels found in the PDF"
    assert all(x0 > 400 for x0, _ in heads), [h for h in heads if h[0] <= 400][:5]
    total = len(book.domain()["notes"])
    assert len(heads) == total
    body = [x1 for _x0, x1, w in words if w.startswith("Abenomics")]
    assert body and min(body) < 397
