"""The benchmark's corpus generator cannot rot: a tiny corpus builds strictly
(zero warnings) in all three variants, and its texts obey the authoring rules
the benchmark relies on. No timing here; ``make bench`` measures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks import corpus as gen  # noqa: E402

N = 3


@pytest.fixture(scope="module")
def texts() -> gen.Corpus:
    return gen.make_corpus(N)


def test_texts_follow_the_authoring_rules(texts):
    assert len(texts.sources) == N
    assert len(texts.chapters) == 1
    for src in texts.sources:
        assert len(src.paragraphs) == gen.PARAGRAPHS
        assert {note.kind for note in src.notes} == set(gen.KINDS)
        for note in src.notes:
            if note.anchor:
                words = r"\s+".join(re.escape(w) for w in note.anchor.split())
                assert len(re.findall(words, src.paragraphs[note.paragraph - 1])) == 1
    refs = [
        part
        for chapter in texts.chapters
        for _title, paras in chapter.sections
        for para in paras
        for part in para
        if isinstance(part, gen.Passage | gen.Quote)
    ]
    assert len(refs) == gen.REFS_PER_CHAPTER
    assert {ref.key for ref in refs} == {src.key for src in texts.sources}
    for ref in refs:
        if isinstance(ref, gen.Quote):
            assert ref.words in texts.source(ref.key).paragraphs[ref.number - 1]


def build(src: Path, out: Path, ok: bool = True) -> str:
    """A strict HTML build into ``out`` (incremental if ``out`` holds one);
    its warnings."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-d",
            str(out / "doctrees"),
            str(src),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stderr
        assert "WARNING" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("variant", gen.VARIANTS)
def test_corpus_builds_strictly(texts, variant, tmp_path):
    src = gen.write_corpus(texts, tmp_path / "src", variant)
    build(src, tmp_path)
    first = texts.sources[0].key
    page = (tmp_path / "html" / "sources" / f"{first}.html").read_text(encoding="utf-8")
    assert texts.sources[0].paragraphs[0].split(".")[0] in page
    if variant == "ours":
        assert 'id="p20"' in page
        assert (tmp_path / "html" / "cite" / f"{first}.bib").is_file()
    else:
        assert f'id="{first}-p20"' in page
        assert "annotated-reader.css" in page or variant == "stock"


def test_incremental_build_after_edits_equals_clean_build(texts, tmp_path):
    """After editing a note, a chapter, a bibliography entry and a timeline
    event, every page an incremental build leaves is byte for byte the page
    a clean build writes (the benchmark's incremental figures mean something)."""
    src = gen.write_corpus(texts, tmp_path / "src", "ours")
    build(src, tmp_path / "incremental")
    gen.edit_note(src, texts, 0)
    gen.edit_chapter(src, texts, 0)
    gen.edit_bib(src, texts, 0)
    timeline = src / "back" / "timeline.toml"
    event = texts.events[0].title
    timeline.write_text(timeline.read_text().replace(event, f"{event}, revised"))
    build(src, tmp_path / "incremental")
    build(src, tmp_path / "clean")
    clean = tmp_path / "clean" / "html"
    pages = sorted(p.relative_to(clean) for p in clean.rglob("*.html"))
    assert len(pages) > 8
    assert f"{event}, revised" in (clean / "back" / "timeline.html").read_text(encoding="utf-8")
    for page in pages:
        incremental = (tmp_path / "incremental" / "html" / page).read_text(encoding="utf-8")
        assert incremental == (clean / page).read_text(encoding="utf-8"), page


def test_deleting_a_cited_paragraph_fails_as_a_clean_build_does(texts, tmp_path):
    """A paragraph that a chapter cites, deleted from its page and its raw
    text: the incremental build reports what a clean build reports."""
    src = gen.write_corpus(texts, tmp_path / "src", "ours")
    build(src, tmp_path / "incremental")
    cited = next(
        part
        for _title, paras in texts.chapters[0].sections
        for para in paras
        for part in para
        if isinstance(part, gen.Passage) and part.start == part.end
    )
    paragraph = texts.source(cited.key).paragraphs[cited.start - 1]
    for path in (src / "sources" / f"{cited.key}.md", src / "sources" / "raw" / f"{cited.key}.txt"):
        text = path.read_text(encoding="utf-8")
        assert text.count(paragraph + "\n") == 1, path
        path.write_text(text.replace(paragraph + "\n\n", "", 1), encoding="utf-8")
    incremental = build(src, tmp_path / "incremental", ok=False)
    clean = build(src, tmp_path / "clean", ok=False)
    assert "WARNING" in clean
    assert sorted(incremental.splitlines()) == sorted(clean.splitlines())
