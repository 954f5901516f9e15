"""Correct under Sphinx's build modes: a parallel build writes the same pages
as a serial one, and an incremental build after editing one chapter updates
the backlinks and the concordance on every page that shows them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

from bs4 import Tag
from sphinx.testing.util import SphinxTestApp

from conftest import soup, sphinx_build

PAGES = ["sources/doe2020.html", "sources/roe2019.html", "themes/ports.html", "concordance.html"]


def build(src: Path, out: Path, **kwargs) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=out, warning=StringIO(), **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == ""
    return app


def article(path: Path) -> Tag:
    """The page's body, whatever the theme (alabaster has no <article>)."""
    body = soup(path).select_one("article, div.body")
    assert body is not None, path
    return body


def test_parallel_build_equals_serial_build(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    serial = build(src, tmp_path / "serial", freshenv=True, parallel=1)
    parallel = build(src, tmp_path / "parallel", freshenv=True, parallel=2)
    for page in PAGES:
        assert str(article(parallel.outdir / page)) == str(article(serial.outdir / page)), page


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


GUIDE = """# Guide

This book has {count}`sources` sources and {count}`chapters` chapter.

## How to cite

```{how-to-cite}
```
"""
TERMS = """# Terms

:::{glossary}
harbour
   A sheltered port; see {passage}`doe2020:1`.
:::
"""


def test_adding_a_source_leaves_no_stale_page(rootdir, tmp_path):
    """After a source is added, an incremental build writes every page as a
    clean build does: counts, the citation guide, the concordance, the
    navigation, pack pages, glossary previews."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "guide.md").write_text(GUIDE, encoding="utf-8")
    (src / "terms.md").write_text(TERMS, encoding="utf-8")
    ports = src / "themes" / "ports.md"
    ports.write_text(ports.read_text() + "\nA {term}`harbour` is a port.\n", encoding="utf-8")
    index = src / "index.md"
    index.write_text(
        index.read_text().replace("biblio\n", "biblio\nguide\nterms\n"), encoding="utf-8"
    )
    out = tmp_path / "out"
    first = build(src, out, freshenv=True)
    assert "two sources" in soup(first.outdir / "guide.html").get_text()

    # A third source, as `annotated-reader add-source` adds one.
    (src / "sources" / "raw" / "poe2021.txt").write_text("Harbours silt up.\n")
    (src / "sources" / "poe2021.md").write_text(
        "---\nsource: poe2021\nraw: raw/poe2021.txt\n---\n\n# Silt\n\n"
        "```{source-info}\n```\n\nHarbours silt up.\n\n"
        ":::{annotation} gloss\n:anchor: silt\n:themes: ports\nFine sediment.\n:::\n"
    )
    with (src / "refs.bib").open("a") as bib:
        bib.write(
            "@misc{poe2021,\n  author = {Poe, Ada},\n  title = {Silt},\n  year = {2021},\n"
            "  keywords = {source},\n}\n"
        )
    index.write_text(
        index.read_text().replace("sources/roe2019\n", "sources/roe2019\nsources/poe2021\n")
    )
    # As AUTHORING.md says, once the text is right (a process of its own, like the command).
    subprocess.run([sys.executable, "-m", "annotated_reader.lock", str(src)], check=True)
    incremental = build(src, out)
    assert "three sources" in soup(incremental.outdir / "guide.html").get_text()
    same_as_clean_build(src, out, tmp_path / "clean")

    # Data that pages show without being re-read: a glossary definition (its
    # previews) and a bibliography entry (labels, cards, the citation guide).
    terms = src / "terms.md"
    terms.write_text(terms.read_text().replace("A sheltered port", "A sheltered port of call"))
    bib = src / "refs.bib"
    bib.write_text(bib.read_text().replace("Doe, Jane", "Dodd, Jane"))
    incremental = build(src, out)
    chapter = article(incremental.outdir / "themes/ports.html")
    labels = [a.get_text() for a in chapter.select('a[href*="doe2020"]')]
    assert any("Dodd" in label for label in labels), labels
    assert not any("Doe" in label for label in labels), labels
    same_as_clean_build(src, out, tmp_path / "clean-2")


def same_as_clean_build(src: Path, out: Path, elsewhere: Path) -> None:
    clean = build(src, elsewhere, freshenv=True)
    pages = sorted(
        p.relative_to(clean.outdir)
        for p in clean.outdir.rglob("*.html")
        if "_static" not in p.relative_to(clean.outdir).parts  # copied, not built
    )
    assert len(pages) > 8
    for page in pages:
        assert str(article(out / "html" / page)) == str(article(clean.outdir / page)), page
        assert soup(out / "html" / page).select_one(".sphinxsidebar") == soup(
            clean.outdir / page
        ).select_one(".sphinxsidebar"), page


def test_editing_the_packs_file_updates_the_pack_page(rootdir, tmp_path):
    """A page removed from a pack in packs.toml leaves its start page at the
    next incremental build."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    first = build(src, out, freshenv=True)
    listed = [li.get_text() for li in soup(first.outdir / "packs/harbours.html").select("li")]
    assert any("Ports and their fate" in item for item in listed)

    packs = src / "packs.toml"
    packs.write_text(packs.read_text().replace('"themes/ports", ', ""))
    second = build(src, out)
    listed = [li.get_text() for li in soup(second.outdir / "packs/harbours.html").select("li")]
    assert not any("Ports and their fate" in item for item in listed)


def test_exports_are_written_only_when_they_change(rootdir, tmp_path):
    """A rebuild leaves the download files of unchanged entries untouched;
    an edited entry rewrites its own files and the whole-bibliography ones."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    first = build(src, out, freshenv=True)
    cite = first.outdir / "cite"

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in sorted(cite.iterdir())}

    before = stamps()
    assert {"doe2020.bib", "roe2019.ris", "references.json"} <= set(before)
    build(src, out)
    assert stamps() == before

    bib = src / "refs.bib"
    bib.write_text(bib.read_text().replace("Ships and Ports", "Ships and Harbours"))
    build(src, out)
    after = stamps()
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {f"{stem}.{ext}" for stem in ("roe2019", "references") for ext in EXPORTS}
    assert "Ships and Harbours" in (cite / "roe2019.ris").read_text(encoding="utf-8")


EXPORTS = ("bib", "ris", "json")


def test_citations_are_remembered_between_builds_unless_the_code_changed(rootdir, tmp_path):
    """Formatted citations are kept in the doctree directory and used by the
    next build (that is what makes a no-op build of a large edition fast),
    but not when they come from other formatting code, and a damaged file is
    ignored."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    doctrees = tmp_path / "doctrees"
    sphinx_build("html", tmp_path / "first", doctrees, src)
    memory = doctrees / "reader-citations.json"
    stored = json.loads(memory.read_text(encoding="utf-8"))
    assert stored["strings"]

    def build_with(text: str, name: str) -> str:
        memory.write_text(text, encoding="utf-8")
        sphinx_build("html", tmp_path / name, doctrees, src, "-E")
        return (tmp_path / name / "sources/doe2020.html").read_text(encoding="utf-8")

    first = (tmp_path / "first/sources/doe2020.html").read_text(encoding="utf-8")
    forged = {key: "FORGED" for key in stored["strings"]}
    assert build_with(json.dumps({"version": "other code", "strings": forged}), "stale") == first
    assert build_with("{", "damaged") == first
    assert "FORGED" in build_with(json.dumps({**stored, "strings": forged}), "remembered")
