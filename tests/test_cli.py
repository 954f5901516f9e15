"""The `annotated-reader` command as an instructor uses it: `new` makes a
reader that builds and passes its own tests; `add-source` imports a saved web
page and a text capture (each with navigation, a pull-quote, an author box,
teasers and a `<script>` line in the body) so that the page builds strictly,
the body is verbatim, markup shows as text and no page can run code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from annotated_reader.cli import main
from annotated_reader.testing import Edition, EditionBuild, strict_build
from annotated_reader.testing import invariants as check
from conftest import PROJECT

DATA = Path(__file__).parent / "data"

HTML_BODY = [
    "Small harbours are older than the states that now run them. The first breakwaters on "
    "this coast were built by fishing villages, not by governments, and the rules of the quay "
    "were written by the people who used it.",
    'Security researchers like to show the line <script>alert("harbour")</script> when they '
    "explain how a web page can be tricked into running code; the port authority's own site "
    "was defaced this way in 2019, at a cost of $4,000 and a week of work.",
    "## Fees, pilots and *new* rules",
    "1. The first rule is simple: ships pay by the tonne. Words such as {sic}`fee` and [^1], "
    "or $x$ and <img src=x onerror=alert(1)>, mean nothing to a harbour master.",
    "- A second rule, set down as a dash in the harbour book, says that pilots must be local. "
    "# It is not a heading. > Nor is it a quotation.",
    "Nobody, in the end, owns the sea, and the harbour is where that fact becomes a problem "
    "of paperwork.",
]
TEXT_BODY = [
    "A harbour runs on a timetable written by the moon. Twice a day the water rises and "
    "falls, and every boat that uses the quay plans its day around it.",
    "Harbour masters post the tide table at the gate. Some still copy it by hand, line by "
    "line, from the almanac.",
    "## When the table is wrong",
    "Last winter a reader sent us a screenshot of a harbour website that showed, instead of "
    "the tide table, a single line of code:",
    '<script>alert("the tide is out")</script>',
    "1. The table is not wrong often. {cite}`almanac` and $high$ tide * are not markup here, "
    "and neither is [^2] or <img src=x onerror=alert(2)>.",
    "# A hash at the start is a character, not a heading, when the block has two lines > "
    "and so is a quotation mark.",
    "When it is, the boats stay in.",
]
TEXT_FLAGS = [
    "--start",
    "A harbour runs on",
    "--end",
    "the boats stay in.",
    "--title",
    "Tides, Timetables and Trust",
    "--author",
    "Lena Park",
    "--date",
    "2023-03-02",
    "--url",
    "https://tides.example/2023/tides-timetables-trust",
    "--site",
    "The Tide Table",
]


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "_build" not in p.parts
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Edition, EditionBuild]:
    """A new reader with both texts imported, built strictly."""
    root = tmp_path_factory.mktemp("import") / "reader"
    assert main(["new", str(root), "--title", "Harbours"]) == 0
    before = files(root)
    html_args = [str(DATA / "saved-page.html"), "--key", "quist2024", "--root", str(root)]
    assert main(["add-source", *html_args]) == 0
    text_args = [str(DATA / "capture.txt"), "--key", "park2023", "--root", str(root)]
    assert main(["add-source", *text_args, *TEXT_FLAGS]) == 0
    after = files(root)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {
        "index.md",
        "references.bib",
        "sources/quist2024.md",
        "sources/raw/quist2024.txt",
        "sources/captures/quist2024.html",
        "sources/park2023.md",
        "sources/raw/park2023.txt",
        "sources/captures/park2023.txt",
    }
    pack = root / "packs.toml"  # the complete pack must name them: the author's step
    pack.write_text(
        pack.read_text().replace(
            '"sources/sample2026",',
            '"sources/sample2026",\n  "sources/quist2024",\n  "sources/park2023",',
        )
    )
    out = tmp_path_factory.mktemp("import-build")
    log = strict_build(root, "html", out / "html", out / "doctrees")
    return Edition(root), EditionBuild(out / "html", out / "doctrees", log)


def test_imported_bodies_are_verbatim_and_build_strictly(imported):
    edition, build = imported
    assert edition.raw_blocks("quist2024") == HTML_BODY
    assert edition.raw_blocks("park2023") == TEXT_BODY
    check.test_strict_build_emits_no_warnings(build)
    for key in ("quist2024", "park2023"):
        check.test_source_page_equals_its_raw_text(edition, build, key)
        check.test_raw_text_is_in_its_capture(edition, key, ())
        check.test_source_page_says_where_its_text_comes_from(edition, build, key)
    check.test_every_source_of_the_bibliography_has_a_page_and_back(edition)
    check.test_every_page_is_in_a_toctree(build)


def test_markup_in_the_text_shows_as_text_and_no_page_can_run_code(imported):
    _, build = imported
    check.test_no_page_content_can_run_code(build)
    quist = build.page("sources/quist2024").select_one("article")
    assert 'the line <script>alert("harbour")</script> when' in quist.get_text()
    assert "<img src=x onerror=alert(1)>" in quist.get_text()
    park = build.page("sources/park2023").select_one("article")
    shown = [p.get_text() for p in park.select("div.ar-text > p")]
    assert '<script>alert("the tide is out")</script>' in shown

    # Every <script> of every page is one the theme or the extension wrote;
    # the page's JSON-LD is data, not code, and holds no markup.
    def scripts(page, docname):
        code = set()
        for script in page.select("script"):
            if script.get("type") == "application/ld+json":
                assert "<" not in script.string, script.string
                json.loads(script.string)
            else:
                code.add(str(script).replace(docname, "sources/sample2026"))
        return code

    theirs = scripts(build.page("sources/sample2026"), "sources/sample2026")
    for docname in ("sources/quist2024", "sources/park2023"):
        ours = scripts(build.page(docname), docname)
        assert ours <= theirs, ours - theirs


def test_site_furniture_is_left_out_and_listed(imported):
    edition, _ = imported
    raw = (edition.root / "sources/raw/quist2024.txt").read_text()
    about = (edition.root / "sources/quist2024.md").read_text().split(":::")[1]
    for furniture in (
        "About us",  # navigation
        "She lives in Lisbon",  # author box
        "Ten ferries you should know about",  # teaser
        "All rights reserved",  # footer
        "trackReader",  # a script inside the article
    ):
        assert furniture not in raw
    assert raw.count("Small harbours are older") == 1  # the pull-quote is left out
    assert "pull-quote" in about and "She lives in Lisbon" in about
    assert "- 4 script and style elements (code, not text)" in about
    text_raw = (edition.root / "sources/raw/park2023.txt").read_text()
    for furniture in ("Shipping", "Pull-quote", "About the author", "Read next", "By Lena Park"):
        assert furniture not in text_raw


def test_bibliography_entries_come_from_the_metadata(imported):
    edition, build = imported
    bib = (edition.root / "references.bib").read_text()
    quist = bib[bib.index("@misc{quist2024") :]
    for line in (
        "author       = {Quist, Mara}",
        "title        = {The Quiet Harbour: Why Small Ports Survive}",
        "year         = {2024}",
        "month        = {may}",
        "day          = {14}",
        "url          = {https://coastline.example/2024/05/the-quiet-harbour}",
        "container    = {Coastline Review}",
        "language     = {en}",
        "keywords     = {source}",
    ):
        assert line in quist
    card = build.page("sources/park2023").select_one(".ar-source-info").get_text(" ")
    assert "Lena Park" in card and "2 March 2023" in card


def test_missing_metadata_is_marked_todo_and_fails_the_build(tmp_path, capsys):
    root = tmp_path / "reader"
    assert main(["new", str(root), "--title", "Todo"]) == 0
    capture = str(DATA / "capture.txt")
    assert main(["add-source", capture, "--key", "park2023", "--root", str(root)]) == 0
    output = capsys.readouterr().out
    assert "marked todo in references.bib" in output and "author, title, year, url" in output
    # A second import under the same key is refused, and changes nothing.
    before = files(root)
    assert main(["add-source", capture, "--key", "park2023", "--root", str(root)]) == 1
    assert "already used" in capsys.readouterr().err
    assert files(root) == before

    result = subprocess.run(
        [sys.executable, "-m", "annotated_reader.cli", "build", "html", "--source", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    bib_lines = (root / "references.bib").read_text().splitlines()
    todo = [i for i, line in enumerate(bib_lines, start=1) if "{todo}" in line]
    warnings = re.findall(r"references\.bib:(\d+): WARNING: field '(\w+)'", result.stderr)
    assert sorted(int(line) for line, _ in warnings) == todo
    assert {name for _, name in warnings} == {"author", "title", "year", "url", "container"}
    assert "packs.toml:" in result.stderr and 'lacks "sources/park2023"' in result.stderr
    assert not (root / "_build" / "html").exists()


def test_new_reader_builds_and_passes_its_tests_with_make(tmp_path):
    """`new`, then the reader's own `make html` and `make test`, with the
    engine installed from this checkout into the reader's environment by its
    own Makefile (READER_ENGINE; an instructor gets the released package)."""
    root = tmp_path / "reader"
    assert main(["new", str(root), "--title", "Lighthouses: A Reader"]) == 0
    # The engine's dependencies come from this checkout's environment (a .pth
    # file), to spare the download; the engine itself is installed by make.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    site = next((root / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "engine-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # A copy of the engine's sources: pip builds in the directory it is given.
    engine = tmp_path / "engine"
    shutil.copytree(PROJECT / "src", engine / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, engine / name)
    env = {
        **os.environ,
        "READER_ENGINE": f"{engine}[import,testing]",
        "PYTHON": shutil.which("python3") or sys.executable,
    }
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        ["make", "html", "test"], cwd=root, capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
    assert (root / "_build" / "html" / "sources" / "sample2026.html").is_file()
    engine = subprocess.run(
        [
            str(root / ".venv/bin/python"),
            "-c",
            "import annotated_reader; print(annotated_reader.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(root / ".venv") in engine, engine  # installed into the reader's venv


def test_this_books_authoring_guide_is_the_generic_one_plus_its_own_rules():
    generic = (PROJECT / "src/annotated_reader/scaffold/template/AUTHORING.md").read_text()
    assert (PROJECT / "AUTHORING.md").read_text().startswith(generic)
