"""Citing: real CSL styles give the strings the manuals prescribe; exports
round-trip through real parsers; meta tags match the bibliography."""

from __future__ import annotations

import json

import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_file

from annotated_reader.cite.csl import _style, in_text, plain_text, reference
from annotated_reader.cite.works import load_works
from conftest import PROJECT, SOURCES


@pytest.fixture(scope="module")
def works():
    return load_works([PROJECT / "references.bib"])


# Written out by hand from the manuals, not copied from the output:
# APA 7 §10.4 (report with a number, publisher = institution, year only) and
# §10.16 (web page: author, year, italic title); Chicago 18 author-date
# (full given names; report title italic with series and number; no place of
# publication; a web page title in quotation marks, period inside).
EXPECTED = {
    ("lee2017", "apa"): (
        "Lee, K. (2017). Prospects for US-Japan Relations in the Trump Era and Implications on "
        "the Korean Peninsula (Online Series CO 17-05). Korea Institute for National Unification (KINU)."
    ),
    ("lee2017", "chicago-author-date"): (
        "Lee, Kitae. 2017. Prospects for US-Japan Relations in the Trump Era and Implications on "
        "the Korean Peninsula. Online Series CO 17-05. Korea Institute for National Unification (KINU)."
    ),
    (
        "sadozai2019",
        "apa",
    ): "Sadozai, S. H. K. (2019). The Changing Dynamics of the USA-Japan Relationship.",
    ("sadozai2019", "chicago-author-date"): (
        "Sadozai, Sardar Hamdan Khan. 2019. “The Changing Dynamics of the USA-Japan Relationship.”"
    ),
}


@pytest.mark.parametrize(("key", "style"), list(EXPECTED))
def test_references_follow_the_manuals(works, key, style):
    assert plain_text(reference(works[key], style)) == EXPECTED[key, style]


def test_titles_are_italic_where_the_style_says(works):
    assert "<i>Prospects for US-Japan Relations" in reference(works["lee2017"], "apa")
    assert "<i>" not in reference(works["sadozai2019"], "chicago-author-date")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "(Walia, 2025, para. 7)"),
        ("chicago-author-date", "(Walia 2025, para. 7)"),
        ("modern-language-association", "(Walia, par. 7)"),
    ],
)
def test_paragraph_locators_per_style(works, style, expected):
    assert in_text(works["walia2025"], style, 7) == expected


def test_quoted_title_inside_quotes_takes_single_quotes(works):
    chicago = plain_text(reference(works["walia2025"], "chicago-author-date"))
    assert (
        "“MP-IDSA, Research Analyst Simran Walia: ‘The U.S.-Japan-South Korea Partnership"
        in chicago
    )
    assert "Regional Stability.’”" in chicago


def test_bibtex_export_round_trips_every_field(book, works):
    original = parse_file(str(PROJECT / "references.bib"))
    exported = parse_file(str(book.html / "cite" / "references.bib"))
    assert set(exported.entries) == set(original.entries)
    for key, entry in original.entries.items():
        again = exported.entries[key]
        assert dict(again.fields) == dict(entry.fields), key
        assert [str(p) for p in again.persons["author"]] == [
            str(p) for p in entry.persons["author"]
        ]
    single = parse_file(str(book.html / "cite" / "lee2017.bib"))
    assert list(single.entries) == ["lee2017"]


def test_ris_export_round_trips_the_sources(book, works):
    records = {
        r["id"]: r
        for r in rispy.loads((book.html / "cite" / "references.ris").read_text(encoding="utf-8"))
    }
    for key in SOURCES:
        work, record = works[key], records[key]
        assert record["title"] == work.title
        assert record["authors"] == [f"{f}, {g}" for g, f in work.authors]
        assert record["year"] == work.year
        assert record.get("urls", [""])[0] == work.get("url")
    assert records["lee2017"]["type_of_reference"] == "RPRT"
    assert records["lee2017"]["date"] == "2017/02/15"


def test_csl_json_export_formats_like_the_pages(book, works):
    items = json.loads((book.html / "cite" / "references.json").read_text(encoding="utf-8"))
    source = CiteProcJSON(items)
    for key in SOURCES:
        bibliography = CitationStylesBibliography(_style("apa"), source, formatter.html)
        bibliography.register(Citation([CitationItem(key)]))
        rendered = str(bibliography.bibliography()[0])
        assert (
            plain_text(rendered).split(" ")[0:2]
            == plain_text(reference(works[key], "apa")).split(" ")[0:2]
        )
        assert works[key].title.split(":")[0] in plain_text(rendered)


@pytest.mark.parametrize("key", SOURCES)
def test_meta_tags_match_the_bibliography(book, works, key):
    page = book.page(SOURCES[key])
    meta: dict[str, list[str]] = {}
    for tag in page.select("meta[name]"):
        meta.setdefault(tag["name"], []).append(tag["content"])
    work = works[key]
    assert meta["citation_title"] == [work.title]
    assert meta["citation_author"] == [f"{f}, {g}" for g, f in work.authors]
    assert meta["citation_publication_date"][0].startswith(work.year)
    assert meta["DC.title"] == [work.title]
    if work.get("url"):
        assert meta["citation_public_url"] == [work.get("url")]
    assert meta["citation_language"] == ["en"]


@pytest.mark.parametrize("key", SOURCES)
def test_cite_box_on_every_source_page(book, works, key):
    box = book.page(SOURCES[key]).select_one("details.ar-cite")
    for style in ("apa", "chicago-author-date", "modern-language-association"):
        text = box.select_one(f"#cite-{style}").get_text()
        assert text == plain_text(reference(works[key], style))
    hrefs = [a["href"] for a in box.select(".ar-cite-downloads a")]
    assert hrefs == [f"../cite/{key}.bib", f"../cite/{key}.ris", f"../cite/{key}.json"]
