"""The briefing packs as PDFs, checked with poppler and qpdf: each pack's
metadata, every word inside the area the page design gives it, clean LaTeX
logs, no blank page, no heading at the foot of a page, notes beside their
paragraphs, and every reader's script typeset (a character that no font has
fails the build and names itself and its source line). Stated over whatever
packs ``packs.toml`` defines."""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import tomllib
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from annotated_reader.config import DEFAULT_KINDS
from annotated_reader.text import squash
from conftest import PROJECT, compile_pdfs

CONF = runpy.run_path(str(PROJECT / "conf.py"))
KINDS = CONF.get("reader_note_kinds", DEFAULT_KINDS)
EDITORS = CONF.get("reader_editors") or [CONF["author"]]
PACKS = tomllib.loads((PROJECT / "packs.toml").read_text(encoding="utf-8"))["packs"]
BP = 72 / 72.27  # one TeX point in PDF points


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float  # from the top of the page, as pdftotext gives it
    x1: float
    y1: float
    text: str


def pdf_words(pdf: Path) -> list[Word]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for number, page in enumerate(out.split("<page ")[1:], 1):
        for found in re.finditer(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page
        ):
            x0, y0, x1, y1 = (float(v) for v in found.groups()[:4])
            words.append(Word(number, x0, y0, x1, y1, found.group(5)))
    return words


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


@dataclass(frozen=True)
class Layout:
    """The page's areas in PDF points, as annotatedreader.sty logs them."""

    width: float
    height: float
    text_left: float
    text_right: float
    text_top: float
    text_bottom: float
    notes_right: float  # the outer edge of the note column
    footer: float  # the footer's baseline

    @classmethod
    def of(cls, log: Path) -> Layout:
        text = log.read_text(encoding="utf-8", errors="replace")
        start = text.index("annotatedreader layout:")
        # TeX wraps log lines at 79 characters, wherever they fall.
        line = text[start : start + 800].replace("\n", "")
        size = {k: float(v) * BP for k, v in re.findall(r"(\w+)=([\d.]+)pt", line)}
        text_right = size["textleft"] + size["textwidth"]
        bottom = size["texttop"] + size["textheight"]
        return cls(
            width=size["paperwidth"],
            height=size["paperheight"],
            text_left=size["textleft"],
            text_right=text_right,
            text_top=size["texttop"],
            text_bottom=bottom,
            notes_right=text_right + size["marginparsep"] + size["marginparwidth"],
            footer=bottom + size["footskip"],
        )


@pytest.fixture(scope="session")
def layouts(book, pdfs) -> dict[str, Layout]:
    return {slug: Layout.of(book.latex / f"{slug}.log") for slug in pdfs}


@pytest.fixture(scope="session")
def words(pdfs) -> dict[str, list[Word]]:
    return {slug: pdf_words(pdf) for slug, pdf in pdfs.items()}


# -- the packs ----------------------------------------------------------------------


def test_every_pack_has_a_pdf(pdfs):
    assert set(pdfs) == set(PACKS)


@pytest.mark.parametrize("slug", PACKS)
def test_each_pack_contains_the_titles_of_its_pages(book, pdfs, slug):
    text = subprocess.run(
        ["pdftotext", str(pdfs[slug]), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = squash(text.replace("-\n", "-"))
    for docname in PACKS[slug]["contents"]:
        title = book.page(docname).select_one("article h1").get_text().rstrip("#").strip()
        assert squash(title)[:40] in text, docname


@pytest.mark.parametrize("slug", PACKS)
def test_each_pack_names_its_title_editors_subject_keywords_and_language(pdfs, slug):
    info = subprocess.run(["pdfinfo", str(pdfs[slug])], capture_output=True, text=True, check=True)
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", info.stdout, re.MULTILINE))
    pack = PACKS[slug]
    keywords = dict.fromkeys([*CONF.get("reader_keywords", []), *pack.get("keywords", [])])
    assert fields["Title"] == pack["title"]
    assert fields["Author"] == ", ".join(EDITORS)
    assert fields["Subject"] == pack["subtitle"]
    assert fields["Keywords"] == ", ".join(keywords)
    assert catalog(pdfs[slug])["/Lang"] == "u:" + CONF.get("language", "en").replace("_", "-")


def catalog(pdf: Path) -> dict:
    """The PDF's document catalog, as qpdf reads it."""
    if shutil.which("qpdf") is None:
        pytest.fail("qpdf is missing: run `make system-deps`")
    out = subprocess.run(
        ["qpdf", "--json", "--json-key=qpdf", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    objects = json.loads(out)["qpdf"][1]
    trailer = objects["trailer"]["value"]
    return objects[f"obj:{trailer['/Root']}"]["value"]


# -- where the words are ------------------------------------------------------------


@pytest.mark.parametrize("slug", PACKS)
def test_every_word_lies_inside_its_area(layouts, words, slug):
    """Text stays in the text block; only notes (and, on a page without
    notes, a table too wide for the text block) use the note column; nothing
    comes within 10 mm of the paper's edge, and below the text block there
    is only the footer."""
    area, mm = layouts[slug], 72 / 25.4
    heads = {w.page for w in words[slug] if w.text in {k.upper() for k in KINDS.values()}}
    wide = {w.page for w in words[slug] if w.page not in heads and w.x0 > area.text_right + 1}
    for w in words[slug]:
        where = f"page {w.page}: {w.text!r} at x {w.x0:.0f}–{w.x1:.0f}, y {w.y0:.0f}–{w.y1:.0f}"
        assert 10 * mm <= w.x0 and w.x1 <= area.width - 10 * mm, where
        if w.x0 < area.text_right:
            limit = area.notes_right if w.page in wide else area.text_right
            assert w.x1 <= limit + 1, where
        else:
            assert w.x1 <= area.notes_right + 1, where
        if (
            w.y1 > area.text_bottom + 5
        ):  # below the last baseline (and its descenders): the footer only
            assert area.footer - 12 <= w.y1 <= area.footer + 4, where


@pytest.mark.parametrize("slug", PACKS)
def test_no_page_is_blank(layouts, words, pdfs, slug):
    area = layouts[slug]
    pages = {
        w.page for w in words[slug] if area.text_top - 2 <= w.y0 and w.y1 <= area.text_bottom + 3
    }
    blank = set(range(1, page_count(pdfs[slug]) + 1)) - pages
    assert not blank, f"pages without text: {sorted(blank)}"


@pytest.mark.parametrize("slug", PACKS)
def test_no_heading_ends_a_page(pdfs, slug):
    """A numbered heading ("5.3 Title") is followed on its page by text."""
    heading = re.compile(r"^\d+(\.\d+)+ \S")  # the footer's mark reads "5.3. Title"
    for page in range(2, page_count(pdfs[slug]) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdfs[slug]), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = lines[1:-2]  # without the header, the footer's mark and page number
        assert not (body and heading.match(body[-1])), f"page {page} ends with {body[-1]!r}"


@pytest.mark.parametrize("slug", PACKS)
def test_notes_sit_in_the_outer_margin_and_none_is_lost(book, layouts, words, slug):
    """Each note starts with its number and kind, in the note column."""
    labels = {label.upper() for label in KINDS.values()}
    heads = [w for w in words[slug] if w.text in labels and w.page > 1]  # page 1: the key
    assert all(w.x0 > layouts[slug].text_right for w in heads), heads[:5]
    contents = set(PACKS[slug]["contents"])
    notes = [n for n in book.domain()["notes"] if n.docname in contents]
    assert len(heads) == len(notes)


@pytest.mark.parametrize("slug", PACKS)
def test_each_note_sits_beside_its_paragraph(layouts, words, slug):
    """A note stands beside its own paragraph, never beside the one before or
    after it: the text makes room for tall notes."""
    area, labels = layouts[slug], {label.upper() for label in KINDS.values()}
    by_page: dict[int, list[Word]] = {}
    for w in words[slug]:
        by_page.setdefault(w.page, []).append(w)
    checked = 0
    for page, found in by_page.items():
        heads = {
            int(w.text): w
            for w, label in pairwise(found)
            if w.text.isdigit() and label.text in labels and w.x0 > area.text_right
        }
        # Anchor numbers are raised and small, in the text column; paragraph
        # numbers stand in the left margin.
        anchors = {
            int(w.text): w
            for w in found
            if w.text.isdigit() and area.text_left < w.x0 < area.text_right and w.y1 - w.y0 < 8.5
        }
        paragraphs = sorted(w.y0 for w in found if w.text.isdigit() and w.x1 < area.text_left)
        text = [w for w in found if area.text_left - 1 <= w.x0 < area.text_right]
        for number, head in heads.items():
            anchor = anchors.get(number)
            if anchor is None:
                continue  # a note on the whole paragraph, or its anchor is on the page before
            start = max((y for y in paragraphs if y <= anchor.y1), default=area.text_top)
            before = [w.y1 for w in text if w.y1 < start]  # the lines of earlier paragraphs
            later = [y for y in paragraphs if y > anchor.y1]
            where = f"page {page}: note {number}"
            assert head.y0 >= max(before, default=0) - 2, f"{where} is beside an earlier paragraph"
            assert not later or head.y0 <= later[0] + 2, f"{where} is beside a later paragraph"
            checked += 1
    assert checked


@pytest.mark.parametrize("slug", PACKS)
def test_no_space_between_a_note_number_and_the_punctuation_after_it(layouts, words, slug):
    """The raised number after an anchored phrase is followed directly by a
    comma or full stop (TeX's \\textsuperscript would leave a gap)."""
    area = layouts[slug]
    for number, after in pairwise(words[slug]):
        anchor = number.text.isdigit() and number.y1 - number.y0 < 8.5
        in_text = area.text_left < number.x0 < area.text_right
        same_line = after.page == number.page and abs(after.y1 - number.y1) < 8
        if anchor and in_text and same_line and after.text[:1] in ",.;:)":
            assert after.x0 - number.x1 <= 0.2, f"page {number.page}: {number.text}{after.text}"


def test_latex_logs_are_clean(book, pdfs):
    """No line wider than the text block by more than 5pt, no character
    without a glyph, no lost note, no unresolved reference, and a layout that
    settled (no rerun asked for)."""
    for log in book.latex.glob("*.log"):
        content = log.read_text(encoding="utf-8", errors="replace")
        boxes = re.findall(r"^Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)", content, re.M)
        assert all(float(size) <= 5 for size in boxes), (log.name, boxes)
        for problem in (
            "Missing character",
            "Float(s) lost",
            "Marginpar on page",
            "There were undefined references",
            "Label(s) may have changed",
            "Rerun to get",
        ):
            assert problem not in content, (log.name, problem)


# -- every reader's script ------------------------------------------------------------

# What the test root's source page says, in each script, with the
# punctuation around it (a switch of font must not swallow a character).
SCRIPTS = {
    "Japanese": "called 日本国憲法",
    "Korean": "capital of 대한민국, and",
    "Chinese": "the 中华人民共和国外交部.",
    "Cyrillic": "city is Москва",
    "Greek": "Athens is Αθήνα.",
    "Vietnamese": "written Tiếng Việt, with",
}


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@pytest.mark.sphinx("latex", testroot="scripts", freshenv=True)
def test_every_script_is_typeset(app):
    app.build()
    # Another application earlier in this process may have registered Sphinx's
    # own nodes and directives with docutils; that is the harness, not the page.
    warnings = [
        w for w in app.warning.getvalue().splitlines() if "while setting up extension " not in w
    ]
    assert warnings == []
    result = compile_pdfs(app.outdir, app.srcdir)
    assert result.returncode == 0, result.stderr
    assert re.search(r"scripts\.pdf\s+\d+ pages\s+\d+ s", result.stdout), result.stdout
    pdf = app.outdir / "scripts.pdf"
    text = no_space(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    for script, sample in SCRIPTS.items():
        assert no_space(sample) in text, script
    # The notes, one of them on an anchored Japanese phrase.
    assert no_space("Japan (日本国憲法), in force since 1947.") in text
    assert no_space("the Ministry of Foreign Affairs of China (外交部).") in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Title:           Every Reader's Script & Its Fonts" in info
    # A path longer than a line breaks after its punctuation, within the text.
    assert no_space("C:/Users/student/Documents/course-readings/annotated-reader") in text
    log = (app.outdir / "scripts.log").read_text(encoding="utf-8", errors="replace")
    boxes = re.findall(r"^Overfull \\hbox \(([\d.]+)pt too wide", log, re.M)
    assert all(float(size) <= 5 for size in boxes), boxes


def test_a_character_that_no_font_has_fails_the_pdf_and_names_its_line(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "scripts"
    shutil.copytree(rootdir / "test-scripts", srcdir)
    paragraph = "Linear B wrote 𐀀 for the syllable a."
    for name in ("sources/mixed.md", "sources/raw/mixed.txt"):
        with (srcdir / name).open("a", encoding="utf-8") as f:
            f.write(f"\n{paragraph}\n")
    line = (srcdir / "sources/mixed.md").read_text(encoding="utf-8").splitlines().index(paragraph)
    app = make_app("latex", srcdir=srcdir, freshenv=True)
    app.build()
    result = compile_pdfs(app.outdir, srcdir)
    assert result.returncode != 0
    assert "U+10000 LINEAR B SYLLABLE B008 A" in result.stderr, result.stderr
    assert f"sources/mixed.md:{line + 1}:" in result.stderr, result.stderr
    assert not (app.outdir / "scripts.pdf").exists()
