"""A pytest plugin for any edition: the checks every annotated reader must
pass, whatever its sources, chapters and packs.

An edition's ``tests/conftest.py`` loads it and its test module imports the
checks::

    pytest_plugins = ["annotated_reader.testing"]          # tests/conftest.py
    from annotated_reader.testing.invariants import *     # tests/test_edition.py

The edition is the directory pytest runs in (its ``rootdir``). The fixture
``edition_build`` builds the site strictly once per session; an edition that
already builds it for its own tests can override the fixture. Tests taking
``source_key`` run once per source page. ``capture_normalisations`` lists the
``(in capture, in raw text)`` replacements an edition's "About this text"
blocks record (for example ``("<sup>", "")``)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from ..read.census import front_matter


@dataclass
class Edition:
    """The edition's files, read as an author wrote them."""

    root: Path

    @cached_property
    def pages(self) -> dict[str, dict[str, str]]:
        """docname -> front matter, for every Markdown page that Sphinx reads:
        the edition's own ``exclude_patterns`` decide, as in the build."""
        from sphinx.config import Config
        from sphinx.util.matching import Matcher
        from sphinx.util.tags import Tags

        config = Config.read(self.root, overrides={}, tags=Tags())
        excluded = Matcher(list(config.exclude_patterns))
        found = {}
        for path in sorted(self.root.rglob("*.md")):
            relative = path.relative_to(self.root).as_posix()
            parts = relative.split("/")
            # Sphinx prunes an excluded folder, so a pattern may match any ancestor.
            ancestors = ["/".join(parts[: n + 1]) for n in range(len(parts))]
            if any(map(excluded, ancestors)) or any(p.startswith(".") for p in parts):
                continue
            found[relative.removesuffix(".md")] = front_matter(path)
        return found

    @cached_property
    def sources(self) -> dict[str, str]:
        """key -> docname of each source page."""
        return {m["source"]: d for d, m in self.pages.items() if m.get("source")}

    @cached_property
    def themes(self) -> dict[str, str]:
        """slug -> docname of each chapter."""
        return {m["theme"]: d for d, m in self.pages.items() if m.get("theme")}

    def bib_sources(self) -> set[str]:
        """Keys of the entries marked ``keywords = {source}``."""
        from pybtex.database import parse_file

        keys: set[str] = set()
        for path in self.root.glob("*.bib"):
            for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
                marks = [k.strip().lower() for k in entry.fields.get("keywords", "").split(",")]
                if "source" in marks:
                    keys.add(key)
        return keys

    def raw_path(self, key: str) -> Path:
        docname = self.sources[key]
        raw = self.pages[docname].get("raw", "")
        return (self.root / docname).parent / raw

    def raw_blocks(self, key: str) -> list[str]:
        text = self.raw_path(key).read_text(encoding="utf-8")
        return [block.strip() for block in text.split("\n\n") if block.strip()]

    def capture(self, key: str) -> Path | None:
        found = sorted((self.raw_path(key).parent.parent / "captures").glob(f"{key}.*"))
        return found[0] if found else None


def capture_text(path: Path) -> str:
    """The text of a capture as a reader of it sees it: a saved web page
    without its markup, scripts and styles; a text file as it is."""
    if path.suffix.lower() in (".html", ".htm"):
        from lxml import html as lxml_html

        root = lxml_html.fromstring(path.read_bytes())
        for element in list(root.iter("script", "style", "noscript", "template", "head")):
            element.drop_tree()
        return str(root.text_content())
    return path.read_text(encoding="utf-8")


@dataclass
class EditionBuild:
    """A strict HTML build of the edition."""

    html: Path
    doctrees: Path  # holds environment.pickle
    log: str
    _environment: Any = field(default=None, repr=False)

    def page(self, docname: str) -> Any:
        from bs4 import BeautifulSoup

        path = self.html / f"{docname}.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def environment(self) -> Any:
        if self._environment is None:
            with (self.doctrees / "environment.pickle").open("rb") as handle:
                self._environment = pickle.load(handle)
        return self._environment

    def domain(self) -> dict[str, Any]:
        """The reader's domain data as the build stored it."""
        data: dict[str, Any] = self.environment().domaindata["reader"]
        return data


def strict_build(root: Path, builder: str, out: Path, doctrees: Path) -> str:
    """A strict Sphinx build, as ``make`` runs it; fails the test on a warning."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-n", "-q"]
    result = subprocess.run(
        [*command, "-d", str(doctrees), str(root), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.fixture(scope="session")
def edition(request: pytest.FixtureRequest) -> Edition:
    return Edition(Path(request.config.rootpath))


@pytest.fixture(scope="session")
def edition_build(edition: Edition, tmp_path_factory: pytest.TempPathFactory) -> EditionBuild:
    out = tmp_path_factory.mktemp("edition")
    log = strict_build(edition.root, "html", out / "html", out / "doctrees")
    return EditionBuild(out / "html", out / "doctrees", log)


@pytest.fixture(scope="session")
def capture_normalisations() -> tuple[tuple[str, str], ...]:
    return ()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "source_key" in metafunc.fixturenames:
        keys = sorted(Edition(Path(metafunc.config.rootpath)).sources)
        metafunc.parametrize("source_key", keys)
