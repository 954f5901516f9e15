"""The lock command publishes a new edition deliberately: it lists what
changed and every passage reference whose target text changed, writes the
lock, after which the build passes; it refuses while a page does not hold
its raw text. (What the build reports is in the catalogue, test_errors.py.)"""

from __future__ import annotations

import re
import shutil
from io import StringIO

from sphinx.testing.util import SphinxTestApp

from annotated_reader.lock import main


def remove_first_paragraph(src):
    page = src / "sources/doe2020.md"
    page.write_text(re.sub(r"Harbours are old\..*?(?=## Trade)", "", page.read_text(), flags=re.S))
    raw = src / "sources/raw/doe2020.txt"
    raw.write_text(raw.read_text().split("\n\n", 1)[1])


def warnings_of(src, out):
    app = SphinxTestApp("html", srcdir=src, builddir=out, freshenv=True, warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return [w for w in app.warning.getvalue().splitlines() if "annotated_reader." in w]


def test_a_new_edition_is_published_with_the_references_to_check(rootdir, tmp_path, capsys):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    lock = src / "sources/paragraphs.lock"
    before = lock.read_text()
    remove_first_paragraph(src)
    # The chapter's and a note's references still point at the old numbers:
    # fix those now out of range, so only the lock is left to do.
    chapter = src / "themes/ports.md"
    chapter.write_text(
        chapter.read_text().replace("doe2020:3|", "doe2020:2|").replace("2-3", "1-2")
    )
    note = src / "sources/roe2019.md"
    note.write_text(note.read_text().replace("{passage}`doe2020:3`", "{passage}`doe2020:2`"))

    assert main([str(src)]) == 0
    report = capsys.readouterr().out
    assert "doe2020: published ¶ 1 (which began 'Harbours are old." in report
    assert "doe2020: ¶¶ 1–2 were ¶¶ 2–3 of the published edition" in report
    assert "check themes/ports.md:7: doe2020:1 now reads 'Trade grew after the war." in report
    assert lock.read_text() != before
    assert "[doe2020]\n1 = " in lock.read_text() and "\n3 = " not in lock.read_text()

    assert warnings_of(src, tmp_path / "out") == []
    assert main([str(src)]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_a_page_that_is_not_its_raw_text_is_not_locked(rootdir, tmp_path, capsys):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    lock = src / "sources/paragraphs.lock"
    before = lock.read_text()
    page = src / "sources/roe2019.md"
    page.write_text(page.read_text().replace("Ships need ports.", "Ships need harbours."))
    assert main([str(src)]) == 1
    assert "raw_mismatch" in capsys.readouterr().err
    assert lock.read_text() == before
