"""Reproducible output: two clean HTML builds with SOURCE_DATE_EPOCH set are
byte-identical (the site uses the book's theme; the exports, the search index
and every page included)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def clean_build(src: Path, out: Path) -> dict[str, bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-E",
            "-q",
            "-d",
            str(out / ".doctrees"),
            "-D",
            "html_theme=sphinx_book_theme",
            str(src),
            str(out / "html"),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return {
        str(p.relative_to(out / "html")): p.read_bytes()
        for p in sorted((out / "html").rglob("*"))
        if p.is_file()
    }


def test_two_clean_builds_are_byte_identical(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    first = clean_build(src, tmp_path / "one")
    second = clean_build(src, tmp_path / "two")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert "cite/references.bib" in first and "searchindex.js" in first
