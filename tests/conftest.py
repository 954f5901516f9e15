"""Shared fixtures: Sphinx's testing fixtures for the extension's test roots,
and helpers to parse what a build wrote."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

# Sphinx's fixtures for the extension's test roots; the edition checks that
# every reader runs (tests/test_edition.py), with pytest's assertion messages.
pytest.register_assert_rewrite("annotated_reader.testing")
pytest_plugins = ["sphinx.testing.fixtures", "annotated_reader.testing"]

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
sys.path.insert(0, str(PROJECT / "scripts"))

from browser import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

from annotated_reader.testing import EditionBuild  # noqa: E402


def front_matter(path: Path) -> dict[str, str]:
    """The ``key: value`` lines of a page's front matter."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "---":
        return {}
    found = {}
    for line in lines[1 : lines.index("---", 1)]:
        name, _, value = line.partition(":")
        found[name.strip()] = value.split("#")[0].strip()
    return found


def pages_declaring(field: str) -> dict[str, str]:
    """``{value: docname}`` of the book's pages whose front matter sets ``field``
    (``source`` for source pages, ``theme`` for chapters)."""
    found = {}
    for path in sorted(PROJECT.glob("*/*.md")):
        value = front_matter(path).get(field)
        if value:
            found[value] = str(path.relative_to(PROJECT).with_suffix(""))
    return found


SOURCES = pages_declaring("source")  # key -> docname
THEMES = pages_declaring("theme")  # slug -> docname


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return TESTS / "roots"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@dataclass
class Book:
    html: Path
    latex: Path
    doctrees: Path
    html_log: str
    latex_log: str

    def page(self, name: str) -> BeautifulSoup:
        return soup(self.html / f"{name}.html")

    def environment(self):
        """The build environment the HTML build stored."""
        with (self.doctrees / "html" / "environment.pickle").open("rb") as f:
            return pickle.load(f)

    def domain(self) -> dict:
        """The reader's domain data as the HTML build stored it."""
        return self.environment().domaindata["reader"]


def sphinx_build(
    builder: str, out: Path, doctrees: Path, src: Path = PROJECT, *options: str
) -> str:
    """A strict build, as the Makefile runs it (of the real book by default)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-W",
            "--keep-going",
            "-n",
            "-q",
            *options,
            "-d",
            str(doctrees),
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Book:
    root = tmp_path_factory.mktemp("book")
    html_log = sphinx_build("html", root / "html", root / "doctrees" / "html")
    latex_log = sphinx_build("latex", root / "latex", root / "doctrees" / "latex")
    return Book(root / "html", root / "latex", root / "doctrees", html_log, latex_log)


@pytest.fixture(scope="session")
def edition_build(book) -> EditionBuild:
    """The edition checks read the book's HTML build rather than build again."""
    return EditionBuild(book.html, book.doctrees / "html", book.html_log)


@pytest.fixture(scope="session")
def capture_normalisations() -> tuple[tuple[str, str], ...]:
    """What the "About this text" blocks record as normalised in the captures:
    HTML tags around ordinals, an escaped dollar sign, Markdown bold marks."""
    return (("<sup>", ""), ("</sup>", ""), ("\\$", "$"), ("**", ""))


@pytest.fixture(scope="session")
def pdfs(book) -> dict[str, Path]:
    """Every pack compiled as `make pdf` does (latexmk and xelatex)."""
    if shutil.which("latexmk") is None:
        pytest.fail("latexmk is missing: run `make system-deps`")
    result = compile_pdfs(book.latex, PROJECT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {p.stem: p for p in book.latex.glob("*.pdf")}


def compile_pdfs(latex: Path, srcdir: Path) -> subprocess.CompletedProcess[str]:
    """The PDF step of `make pdf` on a LaTeX build's output."""
    return subprocess.run(
        [sys.executable, "-m", "annotated_reader.pdf", str(latex), "--srcdir", str(srcdir)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def site(book):
    """The built site on a loopback HTTP server."""
    with serve(book.html) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(chromium_path()).exists():
        pytest.fail("chromium is missing: run `make system-deps`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
