"""The reader on every theme it supports, built from the test roots: the small
book (test-basic) and a generated page of short paragraphs with many notes
(test-dense). At desktop width the notes sit level with their anchors (and,
without the script, stack inside their paragraph); at phone width the phrase
opens its note; paragraph numbers and the cite box work everywhere."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import serve, sphinx_build
from layout import DESKTOP, GEOMETRY, PHONE, assert_notes_level

pytestmark = pytest.mark.browser
THEMES = ["sphinx_book_theme", "alabaster", "furo"]
PAGES = ["basic/sources/doe2020", "basic/sources/roe2019", "dense/sources/dense2024"]
KINDS = ["gloss", "context", "claim", "sic", "question", "link"]


def pseudo_words(count: int, rng: random.Random) -> list[str]:
    """Distinct words of six letters: no word holds another, so any two
    neighbours make a phrase that occurs once in its paragraph."""
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(rng.choice("bdfgklmnprstv") + rng.choice("aeiou") for _ in range(3)))
    return sorted(found)


def write_dense_page(src: Path, paragraphs: int = 14, seed: int = 2024) -> None:
    """Short paragraphs (one to four lines) with one to five notes each, of
    very different lengths, anchored anywhere or to the whole paragraph."""
    rng = random.Random(seed)
    vocabulary = pseudo_words(400, rng)
    page = ["---", "source: dense2024", "raw: raw/dense2024.txt", "---", ""]
    page += ["# Short Paragraphs, Many Notes", "", "```{source-info}", "```", ""]
    raw = []
    number = 0
    for _ in range(paragraphs):
        words = rng.sample(vocabulary, rng.randint(6, 45))
        words[0] = words[0].capitalize()
        words[-1] += "."
        text = " ".join(words)
        raw.append(text)
        page += [text, ""]
        places = range(0, len(words) - 1, 2)  # two-word anchors that never overlap
        starts = sorted(rng.sample(places, min(len(places), rng.randint(1, 5))))
        for start in starts:
            number += 1
            kind = KINDS[number % len(KINDS)]
            body = " ".join(rng.choices(vocabulary, k=rng.choice([6, 15, 40, 80])))
            anchor = (
                [] if rng.random() < 0.2 else [f":anchor: {' '.join(words[start : start + 2])}"]
            )
            page += [f":::{{annotation}} {kind}", *anchor, f"Note {number}: {body}.", ":::", ""]
    (src / "sources" / "raw").mkdir(parents=True)
    (src / "sources" / "raw" / "dense2024.txt").write_text("\n\n".join(raw) + "\n", "utf-8")
    (src / "sources" / "dense2024.md").write_text("\n".join(page), "utf-8")


@pytest.fixture(scope="module", params=THEMES)
def themed(request, rootdir, tmp_path_factory):
    """Both test roots built strictly with one theme, on a loopback server."""
    root = tmp_path_factory.mktemp(request.param)
    for name in ("basic", "dense"):
        src = root / "src" / name
        shutil.copytree(rootdir / f"test-{name}", src)
        if name == "dense":
            write_dense_page(src)
        options = ("-D", f"html_theme={request.param}")
        sphinx_build("html", root / "site" / name, root / "doctrees" / name, src, *options)
    with serve(root / "site") as url:
        yield url


def test_desktop_notes_are_level_with_their_anchors(browser, themed):
    page = browser.new_page(viewport=DESKTOP)
    for name in PAGES:
        page.goto(f"{themed}/{name}.html")
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        assert assert_notes_level(page, name) == page.locator("aside.ar-note").count()
        # Numbers in the gutter, left of the text.
        for para in page.locator(".ar-para").all()[:3]:
            number = para.locator("a.ar-pnum").bounding_box()
            text = para.locator(".ar-text").bounding_box()
            assert number["x"] >= 0 and number["x"] + number["width"] <= text["x"] + 1
    page.close()


def test_without_the_script_notes_stack_inside_their_paragraph(browser, themed):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{themed}/{PAGES[-1]}.html")
    for para in page.evaluate(GEOMETRY):
        assert len(para["notes"]) == para["total"]
        for note in para["notes"]:
            assert note["left"] >= para["text"]["right"] - 1
            assert para["top"] - 1 <= note["top"] and note["bottom"] <= para["bottom"] + 1
    context.close()


def test_phone_opens_notes_from_their_phrase_and_cites_a_paragraph(browser, themed):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{themed}/{PAGES[0]}.html")
    control = page.locator("a.ar-hl").first
    note = page.locator(f"#{control.get_attribute('href')[1:]}")
    expect(note).to_be_hidden()
    control.click()
    expect(note).to_be_visible()
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1
    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    # Unanchored notes stay in view under their paragraph.
    expect(page.locator('aside.ar-note[data-anchored="false"]').first).to_be_visible()
    assert page.locator("details.ar-cite").count() == 1
    number = page.locator("#p1 a.ar-pnum")
    assert number.bounding_box()["x"] >= 0
    number.click()
    expect(page.locator("dialog.ar-para-cite")).to_contain_text("(Doe, ca. 2020, para. 1)")
    context.close()
