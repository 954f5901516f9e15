"""The annotation engine on a small book (tests/roots/test-basic): numbered
paragraphs, notes, anchors, passage references, backlinks, concordance,
source card and citation box, in HTML and LaTeX."""

from __future__ import annotations

import re
import shutil

import pytest
from sphinx.errors import ConfigError

from conftest import soup

pytestmark = pytest.mark.sphinx("html", testroot="basic", freshenv=True)


@pytest.fixture
def built(app):
    app.build()
    assert app.warning.getvalue() == ""
    return app


def test_source_paragraphs_are_numbered_with_stable_ids(built):
    page = soup(built.outdir / "sources/doe2020.html")
    paras = page.select("div.ar-para")
    assert [p["id"] for p in paras] == ["p1", "p2", "p3"]
    assert [p.select_one("a.ar-pnum").get_text() for p in paras] == ["1", "2", "3"]
    assert paras[0].select_one("a.ar-pnum")["href"] == "#p1"
    # The editorial block and the title are ours, not the author's: not numbered.
    editorial = page.select_one(".ar-editorial")
    assert "not numbered" in editorial.get_text()
    assert editorial.find_parent("div", class_="ar-para") is None


def test_notes_are_typed_numbered_and_beside_their_paragraph(built):
    page = soup(built.outdir / "sources/doe2020.html")
    notes = page.select("aside.ar-note")
    assert [n["id"] for n in notes] == ["note-1", "note-2", "note-3", "note-4"]
    assert [n["data-kind"] for n in notes] == ["gloss", "question", "sic", "claim"]
    assert [n.select_one(".ar-note-kind").get_text() for n in notes] == [
        "Gloss",
        "Question",
        "Sic",
        "Claim",
    ]
    first = page.select_one("#p1")
    assert [n["id"] for n in first.select("aside.ar-note")] == ["note-1", "note-2"]
    # The text, then its note column: the order a screen reader follows.
    assert [c["class"] for c in first.find_all("div", recursive=False)] == [
        ["ar-text"],
        ["ar-notes"],
    ]
    assert notes[0]["role"] == "note"
    assert notes[0]["aria-label"] == "Note 1, gloss"


def test_anchor_becomes_a_highlighted_link_to_its_note(built):
    page = soup(built.outdir / "sources/doe2020.html")
    link = page.select_one("a#hl-1")
    assert link.select_one(".ar-hl-text").get_text() == "harbour at Portsmouth"
    assert link["href"] == "#note-1"
    assert "ar-kind-gloss" in link["class"]
    # The note number follows the phrase, inside the link: one control.
    assert link.select_one("sup.ar-hl-num").get_text() == "note 1"
    # Anchors match across a line break in the Markdown.
    assert page.select_one("#hl-3 .ar-hl-text").get_text() == "had to dredge"
    # The number follows the full stop that closes the phrase: no gap before it.
    third = page.select_one("#hl-3")
    assert third.select_one(".ar-hl-text").next_sibling == "."
    assert third.select_one("sup.ar-hl-num").get_text() == "note 3"
    # A note without an anchor belongs to the whole paragraph: no highlight.
    assert page.select_one("#hl-2") is None
    assert page.select_one("#note-2")["data-anchored"] == "false"


def citations(page) -> list[str]:
    """The in-text citations of a page, without the link previews."""
    for preview in page.select(".ar-preview-src"):
        preview.decompose()
    return [c.get_text() for c in page.select(".ar-citation")]


def test_passages_are_cited_in_the_edition_style_each_number_a_link(built):
    page = soup(built.outdir / "themes/ports.html")
    links = page.select("a.ar-passage")
    single = next(a for a in links if a["href"] == "../sources/doe2020.html#p1")
    assert single.select_one(".ar-label").get_text() == "1"
    assert single["title"] == "Doe, ca. 2020, para. 1"
    # The preview follows the link, outside it: it is no part of the link's name.
    assert single.select_one(".ar-preview-src") is None
    assert "busy in 1900" in single.find_next_sibling(class_="ar-preview-src").get_text()
    ranged = next(a for a in links if a["href"] == "../sources/doe2020.html#p2")
    assert ranged.select_one(".ar-label").get_text() == "2–3"
    assert citations(page) == [
        "Doe, ca. 2020, para. 1",
        "Doe, ca. 2020, para. 3",
        "Doe, ca. 2020, paras. 2–3",
        "Roe, 2019, para. 1",
    ]
    quote = page.select_one(".ar-quote")
    assert quote.get_text() == "“Some ports failed”"
    assert quote.next_sibling == " ("  # the reference stays top-level (intersphinx)
    assert quote.find_next(class_="ar-citation").get_text() == "Doe, ca. 2020, para. 3"


def test_adjacent_passages_are_one_citation_per_work(built):
    """({passage}`doe2020:3`; {passage}`roe2019:1`, {passage}`doe2020:1`): one
    item per work with its paragraphs merged, works in APA's order."""
    page = soup(built.outdir / "sources/roe2019.html")
    note = page.select_one("aside.ar-note")
    hrefs = [a["href"] for a in note.select(".ar-citation a.ar-passage")]
    assert citations(page) == ["Doe, ca. 2020, paras. 1, 3; Roe, 2019, para. 1"]
    assert note.get_text().count("(Doe, ca. 2020, paras. 1, 3; Roe, 2019, para. 1)") == 1
    assert hrefs == ["doe2020.html#p1", "doe2020.html#p3", "#p1"]


def test_theme_role_links_the_chapter_by_title(built):
    page = soup(built.outdir / "themes/ports.html")
    assert any(a.get_text() == "Ports and their fate" for a in page.select("a.reference"))


def test_each_paragraph_lists_the_sections_that_discuss_it(built):
    page = soup(built.outdir / "sources/doe2020.html")
    # Grouped by chapter: the chapter, then its sections in brackets.
    first = page.select("#p1 .ar-backlinks a")
    assert [a["href"] for a in first] == ["../themes/ports.html"]
    third = page.select("#p3 .ar-backlinks a")
    # Two references from one section count once.
    assert [a.get_text() for a in third] == ["Ports and their fate", "Decline"]
    assert third[1]["href"] == "../themes/ports.html#decline"
    # Notes on other pages and the back matter are not "discussion".
    assert page.select_one("#p2 .ar-backlinks-list").get_text() == "Ports and their fate (Decline)"
    # The list opens from a count, so that it does not push the text apart.
    assert page.select_one("#p2 details.ar-backlinks > summary").get_text() == (
        "Discussed in 1 chapter"
    )


def test_chapter_ends_with_the_passages_it_discusses(built):
    page = soup(built.outdir / "themes/ports.html")
    rubric = next(r for r in page.select("p.rubric") if "Passages discussed" in r.get_text())
    items = rubric.find_next("ul", class_="ar-discussed").select("li")
    labels = [li.select_one("strong").get_text() for li in items]
    assert labels == [
        "Doe, ca. 2020, para. 1",
        "Doe, ca. 2020, paras. 2–3",
        "Doe, ca. 2020, para. 3",
        "Roe, 2019, para. 1",
    ]


def test_concordance_counts_notes_and_references(built):
    page = soup(built.outdir / "concordance.html")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("td")]
        for tr in page.select("table tbody tr")
    ]
    assert rows == [["Doe (ca. 2020)", "2 notes, 3 refs"], ["Roe (2019)", "0 notes, 1 ref"]]


def test_source_card_comes_from_the_bibliography(built):
    page = soup(built.outdir / "sources/doe2020.html")
    card = page.select_one(".ar-source-info")
    fields = {
        dt.get_text(strip=True).rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    assert fields["Author"] == "Jane Doe"
    assert fields["Date"] == (
        "About 2020 (inferred; citations mark the year as approximate). "
        "Undated. Inferred from the events it mentions."
    )
    assert fields["Licence"] == "CC BY 4.0"
    assert fields["Original"] == "https://example.org/harbours"
    assert fields["This edition"] == "3 numbered paragraphs, 4 notes"


def test_cite_box_offers_three_styles_copy_buttons_and_downloads(built):
    page = soup(built.outdir / "sources/doe2020.html")
    box = page.select_one("details.ar-cite")
    styles = {s["data-style"]: s for s in box.select(".ar-cite-style")}
    assert set(styles) == {"apa", "chicago-author-date", "modern-language-association"}
    assert styles["apa"].select_one(".ar-cite-text").get_text() == (
        "Doe, J. (ca. 2020). A short essay on harbours. Harbour Review. https://example.org/harbours"
    )
    # Templates for the paragraph the reader chooses: the edition is cited.
    apa, mla = styles["apa"], styles["modern-language-association"]
    assert apa.select_one("template.ar-cite-para").get_text() == "(Doe, ca. 2020, para. 8888)"
    assert apa.select_one("template.ar-cite-para-ref").get_text() == (
        "Doe, J. (ca. 2020). A short essay on harbours (A. Editor & Harbour Society, Eds.). "
        "Harbours: A Test Reader. "
        "https://reader.example.org/sources/doe2020.html#p8888"
    )
    assert mla.select_one("template.ar-cite-para").get_text() == "(Doe, par. 8888)"
    assert len(box.select("button.ar-copy")) == 3
    for link in box.select(".ar-cite-downloads a"):
        assert (built.outdir / "sources" / link["href"]).resolve().is_file()


def test_ris_download_keeps_the_original_address(built):
    # rispy before 0.8 dropped the URL with only a Python warning.
    ris = (built.outdir / "cite/doe2020.ris").read_text(encoding="utf-8")
    assert "UR  - https://example.org/harbours" in ris.splitlines()


def test_meta_tags_describe_the_original_for_reference_managers(built):
    page = soup(built.outdir / "sources/doe2020.html")
    meta = {
        m["name"]: m["content"]
        for m in page.select("meta[name]")
        if m["name"].startswith(("citation_", "DC."))
    }
    assert meta["citation_title"] == "A short essay on harbours"
    assert meta["citation_author"] == "Doe, Jane"
    assert "citation_publication_date" not in meta  # the date is inferred, not printed
    assert meta["citation_public_url"] == "https://example.org/harbours"
    assert meta["DC.rights"] == "CC BY 4.0"
    # The edition names itself as canonical; the original is citation_public_url.
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical == "https://reader.example.org/sources/doe2020.html"
    assert page.select_one('meta[property="og:url"]')["content"] == canonical


@pytest.mark.sphinx("latex", testroot="basic", freshenv=True)
def test_latex_puts_notes_in_the_margin_at_their_anchor(app):
    app.build()
    assert app.warning.getvalue() == ""
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\usepackage{annotatedreader}" in tex
    assert r"\arparnum{1}\arnote{question}{Question}{2}{" in tex
    assert r"\arhl{gloss}{harbour at Portsmouth}\arhlnum{gloss}{1}\arnote{gloss}{Gloss}{1}{" in tex
    assert r"\label{\detokenize{sources/doe2020:p1}}" in tex
    assert r"\hyperref[\detokenize{sources/doe2020:p1}]" in tex
    assert "Discussed in" in tex
    assert "ar-preview" not in tex and "para. 1: Harbours" not in tex


@pytest.mark.sphinx("latex", testroot="basic", freshenv=True)
def test_a_pack_bibliography_lists_only_what_the_pack_contains(app):
    """Roe's page is not in the 'harbours' pack: its entry is left out, while
    Doe (a page of the pack) and the work a note cites stay."""
    app.build()
    tex = (app.outdir / "harbours.tex").read_text(encoding="utf-8")
    # The list stays on its page, once, with targets for the citation links.
    assert r"\begin{sphinxthebibliography}" not in tex
    bibliography = tex[tex.index(r"\label{\detokenize{biblio::doc}}") :]
    assert bibliography.count("Doe, J. (ca. 2020)") == 1
    assert "Port Authority" in bibliography
    assert "Roe, R." not in bibliography
    for target in re.findall(r"\\hyperlink\{(cite\.[^}]+)\}", tex):
        assert rf"\hypertarget{{{target}}}" in tex


@pytest.mark.sphinx(
    "html",
    testroot="basic",
    freshenv=True,
    confoverrides={"reader_citation_style": "modern-language-association"},
)
def test_the_edition_style_governs_citations_and_bibliography(app):
    """An edition in MLA: passages, {cite:p} and the bibliography follow it."""
    app.build()
    assert app.warning.getvalue() == ""
    chapter = soup(app.outdir / "themes/ports.html")
    assert citations(chapter) == ["Doe, par. 1", "Doe, par. 3", "Doe, pars. 2–3", "Roe, par. 1"]
    note = soup(app.outdir / "sources/doe2020.html").select_one("aside.ar-kind-claim")
    assert "(Port Authority)" in note.get_text()
    entries = [p.get_text() for p in soup(app.outdir / "biblio.html").select(".citation p")]
    assert "Doe, Jane. “A Short Essay on Harbours.” Harbour Review, circa 2020, " in entries[0]


def test_an_unknown_citation_style_is_a_configuration_error(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    with pytest.raises(ConfigError, match="reader_citation_style must be one of 'apa'"):
        make_app("html", srcdir=src, confoverrides={"reader_citation_style": "harvard"})
