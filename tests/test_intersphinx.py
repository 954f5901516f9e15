"""Paragraphs are Sphinx objects: objects.inv lists each one with its display
name ("Doe 2020, ¶ 1"), and another project links to it through intersphinx."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from annotated_reader.cite.works import load_works
from annotated_reader.domain import passage_label
from conftest import PROJECT, THEMES, soup

READER_URL = "https://reader.example.org/"


def build(src: Path, out: Path, **overrides) -> SphinxTestApp:
    app = SphinxTestApp(
        "html", srcdir=src, builddir=out, freshenv=True, warning=StringIO(), confoverrides=overrides
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == ""
    return app


def inventory(path: Path, base: str) -> dict:
    """``{type: {name: (uri, display name)}}`` of an objects.inv file."""
    with path.open("rb") as stream:
        data = InventoryFile.load(stream, base, lambda a, b: a + b)
    return {
        typ: {name: (item.uri, item.display_name) for name, item in items.items()}
        for typ, items in data.items()
    }


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> Path:
    """examples/minimal, built: the reader that the other project links to."""
    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(PROJECT / "examples" / "minimal", root / "src")
    app = build(root / "src", root / "out")
    return Path(app.outdir)


def test_another_project_links_to_a_paragraph(reader, rootdir, tmp_path):
    shutil.copytree(rootdir / "test-intersphinx", tmp_path / "src")
    mapping = {"reader": (READER_URL, str(reader / "objects.inv"))}
    app = build(tmp_path / "src", tmp_path / "out", intersphinx_mapping=mapping, nitpicky=True)
    links = {a.get_text(): a["href"] for a in soup(app.outdir / "index.html").select("a.reference")}
    expected = {
        "Marlow, 2024, para. 1": READER_URL + "sources/marlow2024.html#p1",
        "Marlow, 2024, para. 3": READER_URL + "sources/marlow2024.html#p3",
        "What a library is for": READER_URL + "themes/libraries.html",
    }
    assert {text: links.get(text) for text in expected} == expected
    # {quote} prints the words around the linked locator, as in the reader itself.
    assert "“in the early evening” (Marlow, 2024, para. 3)" in soup(app.outdir / "index.html").text


def test_an_unknown_external_paragraph_is_reported(reader, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-intersphinx", src)
    (src / "index.md").write_text(
        "# Notes\n\nSee {external+reader:reader:passage}`marlow2024:99`.\n", encoding="utf-8"
    )
    mapping = {"reader": (READER_URL, str(reader / "objects.inv"))}
    app = SphinxTestApp(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        freshenv=True,
        warning=StringIO(),
        confoverrides={"intersphinx_mapping": mapping, "nitpicky": True},
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert "marlow2024:99" in app.warning.getvalue()


@pytest.mark.book
def test_objects_inv_lists_every_paragraph_with_its_display_name(book):
    """Over whatever sources the book has: each paragraph the domain recorded
    is in objects.inv under its key:N name, with its label and anchor."""
    listed = inventory(book.html / "objects.inv", "")["reader:paragraph"]
    domain = book.domain()
    works = load_works([PROJECT / "references.bib"])
    style = book.environment().config.reader_citation_style
    expected = {}
    for page in domain["sources"].values():
        for paragraph in page.paragraphs:
            n = paragraph.number
            label = passage_label(works[page.key], page.key, n, n, style)
            expected[f"{page.key}:{n}"] = (f"{page.docname}.html#p{n}", label)
    assert expected and listed == expected
    # The display name is the label readers see on the book's own links to it.
    label_of = {uri: label for uri, label in listed.values()}
    seen = 0
    for docname in THEMES.values():
        for link in book.page(docname).select("a.ar-passage"):
            uri = link["href"].removeprefix("../")
            if uri in label_of and "¶¶" not in link.get_text():
                assert link.select_one(".ar-label").get_text() == label_of[uri], uri
                seen += 1
    assert seen
