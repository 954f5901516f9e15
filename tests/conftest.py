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

pytest_plugins = ["sphinx.testing.fixtures"]

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
sys.path.insert(0, str(PROJECT / "scripts"))

from browser import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402


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

    def domain(self) -> dict:
        """The reader's domain data as the HTML build stored it."""
        with (self.doctrees / "html" / "environment.pickle").open("rb") as f:
            env = pickle.load(f)
        return env.domaindata["reader"]


def sphinx_build(builder: str, out: Path, doctrees: Path) -> str:
    """A strict build of the real book, as the Makefile runs it."""
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
            "-d",
            str(doctrees),
            str(PROJECT),
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
def pdfs(book) -> dict[str, Path]:
    """Every pack compiled with latexmk and xelatex."""
    if shutil.which("latexmk") is None:
        pytest.fail("latexmk is missing: run `make system-deps`")
    result = subprocess.run(
        [
            "make",
            "-C",
            str(book.latex),
            "all-pdf",
            "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -silent",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {p.stem: p for p in book.latex.glob("*.pdf")}


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
