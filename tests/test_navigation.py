"""The navigation tree rendered once per folder (``reader_navigation_cache``)
gives the very HTML that each theme renders page by page: whole sites are
built both ways and compared byte for byte, with every theme the reader
supports, on a tree with parts, nested pages, captions, a hidden toctree, a
page listed twice and an orphan page; and on the real book."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import PROJECT, sphinx_build

THEMES = ["sphinx_book_theme", "alabaster", "furo"]

PAGES = {
    "index.md": """# Test book

```{toctree}
sources/doe2020
sources/roe2019
themes/ports
concordance
packs/harbours
biblio
```

```{toctree}
:caption: Further reading
more/part
more/deep/leaf-b
```

```{toctree}
:hidden:
more/hidden
```
""",
    "more/part.md": """# A part

A page with pages under it.

```{toctree}
deep/leaf-a
deep/leaf-b
../sources/roe2019
```

## A section of the part

Text.
""",
    "more/deep/leaf-a.md": "# Leaf A\n\nText.\n\n## Its section\n\nText.\n",
    "more/deep/leaf-b.md": "# Leaf B\n\nText.\n",
    "more/hidden.md": "# Hidden\n\nListed in a hidden toctree.\n",
    "more/orphan.md": "---\norphan: true\n---\n\n# Orphan\n\nIn no toctree.\n",
}


def html_files(site: Path) -> list[Path]:
    return sorted(p.relative_to(site) for p in site.rglob("*.html"))


def assert_same_site(cached: Path, uncached: Path) -> None:
    files = html_files(cached)
    assert files == html_files(uncached)
    _, mismatch, errors = filecmp.cmpfiles(cached, uncached, files, shallow=False)
    assert mismatch == [] and errors == []


@pytest.fixture(scope="module")
def tree_root(rootdir, tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("navigation") / "src"
    shutil.copytree(rootdir / "test-basic", src)
    for name, text in PAGES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.mark.parametrize("theme", THEMES)
def test_cached_navigation_is_the_themes_own(tree_root, tmp_path, theme):
    sites = {}
    for cache in ("1", "0"):
        sites[cache] = tmp_path / f"site-{cache}"
        options = ("-D", f"html_theme={theme}", "-D", f"reader_navigation_cache={cache}")
        sphinx_build("html", sites[cache], tmp_path / f"doctrees-{cache}", tree_root, *options)
    assert_same_site(sites["1"], sites["0"])
    # And the marks are where a reader expects them: in the sidebar of a page
    # listed twice, both of its entries are current, with their ancestors.
    page = BeautifulSoup((sites["1"] / "sources/roe2019.html").read_text("utf-8"), "html.parser")
    nav = page.select_one("nav.bd-docs-nav, .sidebar-tree, div.sphinxsidebar")
    assert nav is not None
    current = nav.select('a.current[href="#"]')
    assert [a.get_text(" ", strip=True) for a in current] == [
        current[0].get_text(" ", strip=True)
    ] * 2
    assert nav.select_one('li.current > a[href="../more/part.html"]') is not None


def test_the_books_cached_navigation_is_the_themes_own(book, tmp_path):
    uncached = tmp_path / "html"
    options = ("-D", "reader_navigation_cache=0")
    sphinx_build("html", uncached, tmp_path / "doctrees", PROJECT, *options)
    assert_same_site(book.html, uncached)
