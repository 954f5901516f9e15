"""Shared fixtures: Sphinx's testing fixtures for the extension's test roots,
and helpers to parse what a build wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest_plugins = ["sphinx.testing.fixtures"]

TESTS = Path(__file__).parent
PROJECT = TESTS.parent


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return TESTS / "roots"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
