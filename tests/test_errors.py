"""Every authoring mistake is a warning with file:line, a subtype and what to
change (tests/roots/test-errors holds one of each)."""

from __future__ import annotations

import re
import shutil
from io import StringIO

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences
from sphinx.util.parallel import make_chunks

EXPECTED = [
    ("sources/bad2020.md:8", "orphan_annotation", "must follow the paragraph"),
    ("sources/bad2020.md:14", "anchor_missing", "'a dog' is not in ¶ 1"),
    (
        "sources/bad2020.md:19",
        "anchor_ambiguous",
        "'a cat' occurs 2 times in ¶ 1; quote more words",
    ),
    ("sources/bad2020.md:29", "anchor_overlap", "overlaps the anchor of another note"),
    (
        "sources/bad2020.md:34",
        "unknown_kind",
        "'rumour'; use one of: gloss, context, claim, sic, question, link",
    ),
    ("sources/bad2020.md:38", "unknown_theme", "'nosuchtheme'"),
    ("sources/bad2020.md:43", "raw_mismatch", "¶ 2 differs from raw/bad2020.txt"),
    ("sources/nokey.md:1", "unknown_source", "'nokey1999', which is not a key of references.bib"),
    ("chapter.md:7", "bad_passage", "bad2020 has paragraphs 1-3; 9 is out of range"),
    ("chapter.md:9", "bad_passage", "unknown source 'nobody2000'"),
    ("chapter.md:11", "bad_passage", "cannot read 'bad2020-one'"),
    ("chapter.md:13", "quote_not_found", "'words that are not there' is not in bad2020 ¶ 2"),
    ("chapter.md:15", "unknown_theme", "'nosuch'"),
    ("chapter.md:17", "orphan_annotation", "annotations belong on source pages"),
    ("chapter.md:21", "bad_passage", "role was not read"),
    ("timeline.toml:7", "bad_timeline", "date 'Feb 2017' is not YYYY"),
    ("timeline.toml:7", "bad_timeline", "status 'rumour' is not one of"),
    ("timeline.toml:7", "bad_timeline", "link the event to a passage"),
    ("packs.toml:1", "bad_pack", "names 'nosuchpage', which is not a page"),
    ("packs.toml:5", "bad_pack", 'is complete = true but lacks "sources/bad2020"'),
    ("refs.bib:7", "unknown_source", "has keywords = {source} but no page declares"),
    ("sources/plain.md:1", "unknown_source", "lacks keywords = {source}; add it"),
    ("refs.bib:16", "bib_todo", "field 'year' of 'plain2002' is still todo"),
    ("chapter.md:25", "bad_count", "cannot count 'nothing'; write one of: sources"),
]


@pytest.fixture(scope="module")
def warnings(rootdir, tmp_path_factory):
    src = tmp_path_factory.mktemp("errors") / "src"
    shutil.copytree(rootdir / "test-errors", src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True, warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    text = strip_escape_sequences(app.warning.getvalue())
    return [line.replace(str(src) + "/", "") for line in text.splitlines() if "WARNING" in line]


@pytest.mark.parametrize(
    ("where", "subtype", "words"), EXPECTED, ids=[f"{e[1]}@{e[0]}" for e in EXPECTED]
)
def test_mistake_is_reported_where_it_is(warnings, where, subtype, words):
    matching = [
        w for w in warnings if w.startswith(where + ":") and f"[annotated_reader.{subtype}]" in w
    ]
    assert any(words in w for w in matching), f"no {subtype} warning at {where}:\n" + "\n".join(
        warnings
    )


def test_every_warning_names_a_file_and_line(warnings):
    for warning in warnings:
        assert re.match(r"^[\w/.-]+:\d+: WARNING: ", warning), warning


def test_raw_mismatch_shows_both_texts(warnings):
    mismatch = next(w for w in warnings if "raw_mismatch" in w)
    assert "'…The second paragraph was changed.…'" in mismatch
    assert "'…The second paragraph is here.…'" in mismatch


def test_the_build_never_writes_into_the_sources(rootdir, make_app, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    app = make_app("html", srcdir=src, builddir=tmp_path / "out", freshenv=True)
    app.build()
    after = {p: p.read_bytes() for p in src.rglob("*") if p.is_file() and "out" not in p.parts}
    assert after == before


@pytest.mark.parametrize("parallel", [1, 2])
def test_a_duplicate_source_key_names_both_pages(rootdir, tmp_path, parallel):
    """Two pages declaring one source key: a warning on the second that names
    the first. With parallel=2 the two pages are read by different processes
    (``a-copy`` sorts into the first batch, ``sources/doe2020`` into the
    second), so the warning also shows that the merge keeps both."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    page = (src / "sources" / "doe2020.md").read_text(encoding="utf-8")
    (src / "a-copy.md").write_text(page.replace("raw/doe2020", "sources/raw/doe2020"), "utf-8")
    index = (src / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(index.replace("biblio\n", "biblio\na-copy\n"), "utf-8")
    app = SphinxTestApp("html", srcdir=src, freshenv=True, warning=StringIO(), parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    if parallel > 1:
        chunks = make_chunks(sorted(app.env.found_docs), parallel)
        assert not any({"a-copy", "sources/doe2020"} <= set(chunk) for chunk in chunks)
    warnings = strip_escape_sequences(app.warning.getvalue()).replace(str(src) + "/", "")
    duplicates = [w for w in warnings.splitlines() if "[annotated_reader.duplicate_key]" in w]
    assert duplicates == [
        "sources/doe2020.md:6: WARNING: source 'doe2020' is also declared by a-copy.md; "
        "each source needs its own key [annotated_reader.duplicate_key]"
    ]
