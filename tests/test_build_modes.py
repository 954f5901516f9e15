"""Correct under Sphinx's build modes: a parallel build writes the same pages
as a serial one, and an incremental build after editing one chapter updates
the backlinks and the concordance on every page that shows them."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from conftest import soup

PAGES = ["sources/doe2020.html", "sources/roe2019.html", "themes/ports.html", "concordance.html"]


def build(src: Path, out: Path, **kwargs) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=out, warning=StringIO(), **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == ""
    return app


def article(path: Path) -> str:
    return str(soup(path).select_one("article"))


def test_parallel_build_equals_serial_build(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    serial = build(src, tmp_path / "serial", freshenv=True, parallel=1)
    parallel = build(src, tmp_path / "parallel", freshenv=True, parallel=2)
    for page in PAGES:
        assert article(parallel.outdir / page) == article(serial.outdir / page), page


def test_editing_a_chapter_updates_backlinks_incrementally(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    first = build(src, out, freshenv=True)
    assert soup(first.outdir / "sources/doe2020.html").select_one("#p1 .ar-backlinks")

    chapter = src / "themes/ports.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace(
        "Doe dates busy harbours to 1900 ({passage}`doe2020:1`).", "Doe dates busy harbours."
    )
    text += "\n## Ships\n\nSee {passage}`roe2019:1` again.\n"
    chapter.write_text(text, encoding="utf-8")

    second = build(src, out)
    doe = soup(second.outdir / "sources/doe2020.html")
    assert doe.select_one("#p1 .ar-backlinks") is None
    roe = soup(second.outdir / "sources/roe2019.html")
    sections = [a.get_text() for a in roe.select("#p1 .ar-backlinks a")]
    assert sections == ["Ports and their fate", "Decline", "Ships"]
    rows = soup(second.outdir / "concordance.html").select("table tbody tr")
    assert [td.get_text(" ", strip=True) for td in rows[0].select("td")] == [
        "Doe (ca. 2020)",
        "2 notes, 2 refs",
    ]
    assert [td.get_text(" ", strip=True) for td in rows[1].select("td")] == [
        "Roe (2019)",
        "0 notes, 2 refs",
    ]


def test_a_new_chapter_updates_pages_that_link_to_it(rootdir, tmp_path):
    """A {theme} link written before its chapter existed is rewritten once the
    chapter appears, without rereading the page that holds it."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "themes" / "ports.md").write_text(
        (src / "themes" / "ports.md").read_text(encoding="utf-8") + "\nSee also {theme}`ships`.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    app = SphinxTestApp("html", srcdir=src, builddir=out, warning=StringIO(), freshenv=True)
    app.build()
    app.cleanup()
    assert "unknown theme 'ships'" in app.warning.getvalue()

    (src / "themes" / "ships.md").write_text("---\ntheme: ships\n---\n\n# Ships at sea\n\nText.\n")
    index = src / "index.md"
    index.write_text(index.read_text().replace("themes/ports\n", "themes/ports\nthemes/ships\n"))
    second = build(src, out)
    links = [a.get_text() for a in soup(second.outdir / "themes/ports.html").select("a.reference")]
    assert "Ships at sea" in links
