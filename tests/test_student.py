"""The student's own copy, in Chromium: notes added, edited and deleted with
the mouse and with the keyboard, kept across reloads, re-attached after a
rebuild and orphaned when their words change; a note on a chapter (no
numbered paragraphs: anchored by section and quote); the "My notes" page's exports
(Markdown citations equal to the "Cite this" box's; Web Annotation JSON-LD
with the model's required fields), import and clear. A small test root is
built (twice for the rebuild), not the real book."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from annotated_reader.student_notes import read_notes
from conftest import SOURCES, TESTS, THEMES, sphinx_build
from layout import DESKTOP, PHONE

pytestmark = pytest.mark.browser
SCHEMA = json.loads((TESTS / "data/web-annotation.schema.json").read_text())
STORE = "() => JSON.parse(Object.entries(localStorage).find(([k]) => k.includes('my-notes'))?.[1] || '[]')"


def harbours(tmp: Path) -> Path:
    """The basic test root with a "My notes" page, unlocked (a draft), so
    that a test may change a paragraph; built into ``tmp/html``."""
    src = tmp / "src"
    shutil.copytree(TESTS / "roots/test-basic", src)
    (src / "sources/paragraphs.lock").unlink()
    (src / "my-notes.md").write_text("# My notes\n\n```{my-notes}\n```\n")
    index = src / "index.md"
    index.write_text(index.read_text().replace("biblio\n", "biblio\nmy-notes\n"))
    rebuild(tmp)
    return src


def rebuild(tmp: Path) -> None:
    sphinx_build("html", tmp / "html", tmp / "doctrees", tmp / "src")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("student")
    harbours(tmp)
    return tmp


@pytest.fixture
def served(built):
    from browser import serve

    with serve(built / "html") as url:
        yield url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.requests = requests
    yield context
    # No request leaves 127.0.0.1 (downloads are blob: URLs of the page itself).
    outside = [
        u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith("blob:")
    ]
    assert outside == []
    context.close()


def word_box(page, para: int, words: str) -> dict:
    """Where ``words`` are on screen in paragraph ``para``."""
    return page.evaluate(
        """([para, words]) => {
          const box = document.querySelector(`#p${para} .ar-text > p`);
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.nodeValue.indexOf(words);
            if (i < 0) continue;
            const range = document.createRange();
            range.setStart(n, i);
            range.setEnd(n, i + words.length);
            const rects = range.getClientRects();
            const [first, last] = [rects[0], rects[rects.length - 1]];
            return { x: first.left, y: first.top + first.height / 2, right: last.right,
                     bottom: last.top + last.height / 2 };
          }
          return null;
        }""",
        [para, words],
    )


def select(page, para: int, words: str) -> None:
    """Select ``words`` with the mouse: press before them, drag to their end."""
    page.evaluate(
        "(n) => document.getElementById(`p${n}`).scrollIntoView({ block: 'center' })", para
    )
    settled(page)  # notes placed, so the words are where they stay
    box = word_box(page, para, words)
    assert box, words
    page.mouse.move(box["x"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["bottom"], steps=4)
    page.mouse.up()
    page.wait_for_selector(".ar-my-toolbar:not([hidden])")


def add_with_mouse(page, para: int, words: str, text: str) -> None:
    select(page, para, words)
    if text:
        page.click(".ar-my-toolbar .ar-my-add")
        page.fill("#ar-my-textarea", text)
        page.click("dialog.ar-my-editor .ar-my-save")
    else:
        page.click(".ar-my-toolbar .ar-my-highlight")
    page.wait_for_selector(f"#p{para} mark.ar-my-hl")


def settled(page) -> None:
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def marks(page) -> list[str]:
    return page.evaluate(
        """[...document.querySelectorAll('.ar-notes > aside.ar-my-note')].map((aside) =>
             [...document.querySelectorAll(`mark[data-note="${aside.id}"]`)]
               .map((m) => m.textContent).join(''))"""
    )


def texts(page) -> list[str]:
    return page.locator("aside.ar-my-note .ar-my-text").all_text_contents()


def press_until_focused(page, selector: str, limit: int = 20) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_add_edit_delete_with_mouse_and_keyboard_and_reload(context, served):
    page = context.new_page()
    page.goto(f"{served}/sources/doe2020.html")

    # Mouse: select words, add a note; it is highlighted and in the margin,
    # level with its words, and looks unlike the editors' notes.
    add_with_mouse(page, 1, "harbour at Dover", "Dover was busier: by what measure?")
    assert marks(page) == ["harbour at Dover"]
    assert texts(page) == ["Dover was busier: by what measure?"]
    mark = page.locator("mark.ar-my-hl").first.bounding_box()
    aside = page.locator("aside.ar-my-note").bounding_box()
    assert aside["x"] > mark["x"] + mark["width"], "the note is not in the margin"
    editors = page.locator("aside.ar-note:not(.ar-my-note)").first
    style = "(e) => [getComputedStyle(e).borderLeftStyle, getComputedStyle(e).backgroundColor]"
    assert editors.evaluate(style) != page.locator("aside.ar-my-note").evaluate(style)

    # Mouse: edit it, then reload: it is still there, changed.
    page.click("aside.ar-my-note .ar-my-edit")
    page.fill("#ar-my-textarea", "Busier in tonnage or in ships?")
    page.click("dialog.ar-my-editor .ar-my-save")
    page.reload()
    assert marks(page) == ["harbour at Dover"]
    assert texts(page) == ["Busier in tonnage or in ships?"]

    # The "My notes" filter hides and shows them, like a kind of note.
    page.click(".ar-filter.ar-kind-mine")
    assert not page.locator("aside.ar-my-note").is_visible()
    page.reload()
    assert not page.locator("aside.ar-my-note").is_visible()
    page.click(".ar-filter.ar-kind-mine")
    assert page.locator("aside.ar-my-note").is_visible()

    # Keyboard: the paragraph number opens "cite this paragraph", which
    # offers "Add a note"; the words to attach it to are typed.
    page.focus("#p3 .ar-pnum")
    page.keyboard.press("Enter")
    press_until_focused(page, ".ar-my-add-para")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ar-my-words"
    page.keyboard.press("Control+A")
    page.keyboard.type("to larger ports")
    page.keyboard.press("Tab")
    page.keyboard.type("Which ports? The text does not say.")
    press_until_focused(page, "dialog.ar-my-editor .ar-my-save")
    page.keyboard.press("Enter")
    page.wait_for_selector("#p3 mark.ar-my-hl")
    assert sorted(marks(page)) == ["harbour at Dover", "to larger ports"]

    # Keyboard: edit it, then delete it.
    page.focus("#p3 aside.ar-my-note .ar-my-edit")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("Larger: Southampton?")
    press_until_focused(page, "dialog.ar-my-editor .ar-my-save")
    page.keyboard.press("Enter")
    assert "Larger: Southampton?" in texts(page)
    assert focused_on(page, "#p3 aside.ar-my-note .ar-my-edit")
    page.keyboard.press("Enter")
    press_until_focused(page, "dialog.ar-my-editor .ar-my-delete")
    page.keyboard.press("Enter")
    assert marks(page) == ["harbour at Dover"]

    # Mouse: delete the first; after a reload nothing is left.
    page.click("aside.ar-my-note .ar-my-edit")
    page.click("dialog.ar-my-editor .ar-my-delete")
    page.reload()
    assert marks(page) == [] and page.evaluate(STORE) == []


def focused_on(page, selector: str) -> bool:
    """Focus returns from a dialog in its `close` event, a task after the key."""
    try:
        page.wait_for_function(
            "(s) => document.activeElement?.matches(s) ?? false", arg=selector, timeout=2000
        )
    except PlaywrightTimeout:
        return False
    return True


def test_phone_selection_offers_the_buttons_in_view(browser, served):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(f"{served}/sources/roe2019.html")
    page.evaluate(
        """() => {
          const p = document.querySelector('#p1 .ar-text > p');
          const text = p.firstChild;
          const range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, 8);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    toolbar = page.locator(".ar-my-toolbar")
    toolbar.wait_for()
    box = toolbar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    page.tap(".ar-my-toolbar .ar-my-highlight")
    assert page.locator("aside.ar-my-note").is_visible()  # under its paragraph
    context.close()


def cite_box(page, para: int) -> list[tuple[str, str]]:
    """The "cite this paragraph" dialog's in-text citation and reference, per style."""
    page.click(f"#p{para} .ar-pnum")
    found = page.evaluate(
        """() => [...document.querySelectorAll('[id^="ar-para-cite-"]')]
             .filter((c) => /^ar-para-cite-\\d+$/.test(c.id)).map((c) => [c.textContent, document.getElementById(c.id.replace('cite', 'ref')).textContent])"""
    )
    page.keyboard.press("Escape")
    return found


def test_export_clear_import_and_citations(context, served):
    page = context.new_page()
    page.goto(f"{served}/sources/doe2020.html")
    add_with_mouse(page, 2, "Ships grew too", "Bigger ships, deeper harbours.")
    add_with_mouse(page, 3, "Their trade went elsewhere", "")
    boxes = {2: cite_box(page, 2), 3: cite_box(page, 3)}

    page.goto(f"{served}/my-notes.html")
    styles = page.eval_on_selector_all(".ar-my-style option", "(os) => os.map((o) => o.value)")
    assert len(styles) == len(boxes[2]) == 3
    for index, style in enumerate(styles):
        page.select_option(".ar-my-style", style)
        with page.expect_download() as download:
            page.click(".ar-my-export[data-format=md]")
        markdown = Path(download.value.path()).read_text()
        cited = re.findall(
            r"^### Paragraph (\d+)\n\n> (.+)\n\n(?:(.+)\n\n)?Citation: (.+)\n\n"
            r"Reference: (.+)\n\nLink: <(.+)>",
            markdown,
            re.M,
        )
        assert [(int(c[0]), c[1], c[2]) for c in cited] == [
            (2, "Ships grew too", "Bigger ships, deeper harbours."),
            (3, "Their trade went elsewhere", ""),
        ]
        for para, _, _, in_text, reference, link in cited:
            assert [in_text, reference.replace("*", "")] == boxes[int(para)][index]
            assert link.endswith(f"/sources/doe2020.html#p{para}")
        # The page shows the same citations in the chosen style.
        shown = page.locator(".ar-my-intext").all_text_contents()
        assert shown == [boxes[2][index][0], boxes[3][index][0]]

    with page.expect_download() as download:
        page.click(".ar-my-export[data-format=jsonld]")
    exported_file = Path(download.value.path())
    exported = json.loads(exported_file.read_text())
    jsonschema.validate(exported, SCHEMA)
    items = exported["first"]["items"]
    assert [i["motivation"] for i in items] == ["commenting", "highlighting"]
    assert [i["target"]["selector"]["refinedBy"]["exact"] for i in items] == [
        "Ships grew too",
        "Their trade went elsewhere",
    ]
    before = page.evaluate(STORE)

    # Clear asks first: declined, nothing goes; accepted, everything does.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(".ar-my-clear")
    assert page.evaluate(STORE) == before
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".ar-my-clear")
    assert page.evaluate(STORE) == []
    assert page.locator(".ar-my-item").count() == 0

    page.set_input_files(".ar-my-import input", str(exported_file))
    page.wait_for_selector(".ar-my-status:has-text('Imported 2 notes')")  # read asynchronously
    fields = ("id", "page", "para", "exact", "prefix", "suffix", "text", "created", "modified")
    after = page.evaluate(STORE)
    assert [{f: n[f] for f in fields} for n in after] == [{f: n[f] for f in fields} for n in before]
    assert page.locator(".ar-my-item").count() == 2
    page.goto(f"{served}/sources/doe2020.html")
    assert sorted(marks(page)) == ["Ships grew too", "Their trade went elsewhere"]


CHAPTER_MARKS = """() => [...document.querySelectorAll('aside.ar-my-note')].map((aside) =>
  [...document.querySelectorAll(`mark[data-note="${aside.id}"]`)].map((m) => m.textContent).join(''))"""


def test_chapter_note_with_keyboard_reload_my_notes_export_import(context, served):
    """A chapter has no numbered paragraphs: its notes are anchored by its
    section and the quoted words, shown under their paragraph."""
    page = context.new_page()
    page.goto(f"{served}/themes/ports.html")

    # Keyboard: "Add a note to this chapter", the words to attach it to, the note.
    press_until_focused(page, ".ar-my-add-chapter", limit=40)
    page.keyboard.press("Enter")
    assert focused_on(page, "#ar-my-words")
    page.keyboard.press("Control+A")
    page.keyboard.type("trade moved")
    page.keyboard.press("Tab")
    page.keyboard.type("Moved where? Compare Roe.")
    press_until_focused(page, "dialog.ar-my-editor .ar-my-save")
    page.keyboard.press("Enter")
    page.wait_for_selector("section.ar-chapter mark.ar-my-hl")
    # A selection in the chapter's first paragraph, highlighted (the toolbar).
    page.evaluate(
        """() => {
          const p = document.querySelector('section.ar-chapter > p:not(.ar-my-bar)');
          const text = p.firstChild;
          const at = text.nodeValue.indexOf('busy harbours');
          const range = document.createRange();
          range.setStart(text, at);
          range.setEnd(text, at + 'busy harbours'.length);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    page.click(".ar-my-toolbar .ar-my-highlight")
    page.reload()
    assert sorted(page.evaluate(CHAPTER_MARKS)) == ["busy harbours", "trade moved"]
    stored = {n["exact"]: n for n in page.evaluate(STORE)}
    assert stored["trade moved"]["section"] == "decline" and "para" not in stored["trade moved"]
    assert stored["busy harbours"]["section"] == "ports-and-their-fate"
    # Under the paragraph that holds its words (a chapter page has no margin).
    under = page.evaluate(
        """() => { const p = [...document.querySelectorAll('mark.ar-my-hl')]
               .find((m) => m.textContent === 'trade moved').closest('p');
             return [p.nextElementSibling.matches('.ar-my-under'),
                     p.nextElementSibling.textContent, p.getBoundingClientRect().bottom,
                     p.nextElementSibling.getBoundingClientRect().top]; }"""
    )
    assert under[0] and "Moved where? Compare Roe." in under[1] and under[3] >= under[2]

    # "My notes": under the chapter's title, with the section and its link.
    page.goto(f"{served}/my-notes.html")
    assert "Ports and their fate" in page.locator("h2.ar-my-page").all_text_contents()
    where = page.locator(".ar-my-where", has_text="Decline")
    assert where.text_content() == "Section “Decline”"
    assert where.get_attribute("href").endswith("/themes/ports.html#decline")
    with page.expect_download() as download:
        page.click(".ar-my-export[data-format=md]")
    markdown = Path(download.value.path()).read_text()
    assert re.search(
        r"^## Ports and their fate\n\n### Section “Decline”\n\n> trade moved\n\n"
        r"Moved where\? Compare Roe\.\n\nChapter: Ports and their fate\n\n"
        r"Link: <http://127\.0\.0\.1:\d+/themes/ports\.html#decline>$",
        markdown,
        re.M,
    ), markdown

    with page.expect_download() as download:
        page.click(".ar-my-export[data-format=jsonld]")
    exported_file = Path(download.value.path())
    exported = json.loads(exported_file.read_text())
    jsonschema.validate(exported, SCHEMA)
    target = next(
        i["target"]
        for i in exported["first"]["items"]
        if i["target"]["selector"]["refinedBy"]["exact"] == "trade moved"
    )
    assert target["source"].endswith("/themes/ports.html")
    assert target["selector"]["type"] == "FragmentSelector"
    assert target["selector"]["value"] == "decline"
    assert target["selector"]["refinedBy"]["type"] == "TextQuoteSelector"
    # `make pdf NOTES=…` reads such a file (its LaTeX pack sets notes on paragraphs only).
    assert {(n.para, n.exact) for n in read_notes(exported_file)} == {
        (0, "trade moved"),
        (0, "busy harbours"),
    }
    before = page.evaluate(STORE)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".ar-my-clear")
    assert page.evaluate(STORE) == []
    page.set_input_files(".ar-my-import input", str(exported_file))
    page.wait_for_selector(".ar-my-status:has-text('Imported 2 notes')")
    fields = ("id", "page", "section", "exact", "prefix", "suffix", "text", "created", "modified")
    after = page.evaluate(STORE)
    assert [{f: n[f] for f in fields} for n in after] == [{f: n[f] for f in fields} for n in before]
    page.goto(f"{served}/themes/ports.html")
    assert sorted(page.evaluate(CHAPTER_MARKS)) == ["busy harbours", "trade moved"]

    # Words no longer in the chapter: orphaned, with its quote, above the text.
    page.evaluate(
        """() => { const key = Object.keys(localStorage).find((k) => k.includes('my-notes'));
             const notes = JSON.parse(localStorage.getItem(key));
             notes.push({ ...notes[0], id: 'gone', exact: 'ports thrived', text: 'Lost?' });
             localStorage.setItem(key, JSON.stringify(notes)); }"""
    )
    page.reload()
    orphans = page.locator("section.ar-my-orphans")
    expect(orphans).to_be_visible()
    assert orphans.locator(".ar-my-quote").all_text_contents() == ["ports thrived"]
    assert sorted(page.evaluate(CHAPTER_MARKS)) == ["", "busy harbours", "trade moved"]
    assert [n["id"] for n in page.evaluate(STORE) if n.get("orphaned")] == ["gone"]


def test_rebuilt_edition_reattaches_or_orphans(browser, tmp_path):
    from browser import serve

    src = harbours(tmp_path)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    with serve(tmp_path / "html") as url:
        page.goto(f"{url}/sources/doe2020.html")
        add_with_mouse(page, 1, "harbour at Dover", "Dover.")
        add_with_mouse(page, 3, "to larger ports", "Which?")

        # An unrelated edit (the editorial note; a paragraph added to the
        # chapter) and a rebuild: the notes attach again.
        page_md = src / "sources/doe2020.md"
        page_md.write_text(
            page_md.read_text().replace("An editorial note", "A longer editorial note")
        )
        chapter = src / "themes/ports.md"
        chapter.write_text(chapter.read_text() + "\nA new closing paragraph.\n")
        rebuild(tmp_path)
        page.reload()
        assert sorted(marks(page)) == ["harbour at Dover", "to larger ports"]
        assert page.locator(".ar-my-orphans").is_hidden()

        # The quoted words change: that note is orphaned, shown with its
        # quote, and stays in the store; the other still attaches.
        for path in (page_md, src / "sources/raw/doe2020.txt"):
            path.write_text(path.read_text().replace("harbour at Dover", "harbour at Calais"))
        rebuild(tmp_path)
        page.reload()
        assert marks(page) == ["to larger ports"]
        orphans = page.locator(".ar-my-orphans")
        assert orphans.is_visible()
        assert orphans.locator(".ar-my-quote").all_text_contents() == ["harbour at Dover"]
        assert orphans.locator(".ar-my-text").all_text_contents() == ["Dover."]
        assert len(page.evaluate(STORE)) == 2
        page.goto(f"{url}/my-notes.html")
        assert page.locator(".ar-my-item.ar-my-orphan .ar-my-quote").all_text_contents() == [
            "harbour at Dover"
        ]
    context.close()


# -- The pack builder, on the real book (the session's build) ------------------------


def words_of(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (xMin, yMin, xMax, yMax), by pdftotext -bbox."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        pages.append(
            [
                (float(a), float(b), float(c), float(d), unescape(w))
                for a, b, c, d, w in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                    r"(.*?)</word>",
                    page,
                )
            ]
        )
    return pages


def phrase_at(words, phrase: str) -> tuple[float, float, float, float] | None:
    """The box of the first word of ``phrase`` where its words follow each other."""
    wanted = phrase.split()
    texts = [w[4] for w in words]
    for i in range(len(texts) - len(wanted) + 1):
        if texts[i : i + len(wanted)] == wanted:
            return words[i][:4]
    return None


def title_of(book, name: str) -> str:
    heading = book.page(name).select_one("section > h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    return heading.get_text().strip()


def test_pack_builder_prints_the_chosen_pages_with_a_note_beside_its_paragraph(
    browser, site, book, tmp_path
):
    chosen = ["themes/trade", "sources/lee2017"]
    titles = {name: title_of(book, name) for name in chosen}
    others = {title_of(book, n) for n in (*SOURCES.values(), *THEMES.values()) if n not in chosen}
    paragraph = book.page("sources/lee2017").select_one("#p3 .ar-text > p").get_text(" ")
    words = " ".join(paragraph.split()[:3])

    context = browser.new_context(viewport=DESKTOP)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(f"{site}/sources/lee2017.html")
    add_with_mouse(page, 3, paragraph.split()[2], "Mine: check this against the 2017 record.")

    page.goto(f"{site}/student/make-a-pack.html")
    # Starting from a shipped pack ticks its pages; then the student's choice.
    page.select_option("#ar-pack-start", index=1)
    assert page.locator('input[name="page"]:checked').count() > 2
    page.locator('input[name="page"]:checked').evaluate_all(
        "(bs) => bs.forEach((b) => (b.checked = false))"
    )
    for name in chosen:
        page.check(f'input[name="page"][value="{name}"]')
    page.fill("#ar-pack-title", "A pack of my own")
    page.click(".ar-pack-make")
    page.wait_for_selector("body[data-ready=true]", timeout=120_000)
    pdf = tmp_path / "pack.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    context.close()
    assert [u for u in requests if urlparse(u).hostname != "127.0.0.1"] == []

    pages = words_of(pdf)
    height = 841.92  # A4
    heads: list[str] = []
    numbers: list[list[str]] = []
    for index, found in enumerate(pages, start=1):
        heads.append(" ".join(w[4] for w in found if w[3] < 50))
        numbers.append([w[4] for w in found if w[1] > height - 50])
        if index > 2:  # the title page and the contents have no head or foot
            assert numbers[-1] == ["A", "pack", "of", "my", "own", str(index)], (index, numbers[-1])
    assert numbers[:2] == [[], []] and heads[:2] == ["", ""]
    # Exactly the chosen pages: their titles head the pages, in order, and no other's does.
    running = heads[2:]
    assert list(dict.fromkeys(running)) == [titles[n] for n in chosen]
    assert not any(other in running for other in others)
    # The contents give each title's first page.
    contents = " ".join(w[4] for w in pages[1])
    for name in chosen:
        first = running.index(titles[name]) + 3
        assert f"{titles[name]} {first}" in contents, (titles[name], first, contents)

    # The note is in the margin, level with its paragraph's first line.
    (number,) = [i for i, found in enumerate(pages) if phrase_at(found, "check this against")]
    line = phrase_at(pages[number], words)
    note = phrase_at(pages[number], "Mine: check this")
    assert line and note
    text_right = max(w[2] for w in pages[number] if abs(w[1] - line[1]) < 2 and w[0] < note[0] - 20)
    assert note[0] > text_right + 10, "the note is not in the margin"
    gutter = [
        w for w in pages[number] if w[4] == "3" and w[2] < line[0] and abs(w[1] - line[1]) < 4
    ]
    assert gutter, "no paragraph number beside the paragraph"
    head = phrase_at(pages[number], "MY NOTE")
    assert head and abs(head[1] - line[1]) < 8, (head, line)
    assert line[1] <= note[1] < line[1] + 40


# -- make pdf PACK=… NOTES=… ----------------------------------------------------------


def exported(*notes: tuple[str, int, str, str]) -> dict:
    """Notes as "My notes" exports them: (page address, paragraph, quote, note)."""
    items = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
            "type": "Annotation",
            "motivation": "commenting",
            "created": "2026-12-06T10:00:00.000Z",
            "modified": "2026-12-06T10:00:00.000Z",
            "body": {"type": "TextualBody", "value": text, "format": "text/plain"},
            "target": {
                "source": source,
                "selector": {
                    "type": "FragmentSelector",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                    "value": f"p{para}",
                    "refinedBy": {
                        "type": "TextQuoteSelector",
                        "exact": exact,
                        "prefix": "",
                        "suffix": "",
                    },
                },
            },
        }
        for n, (source, para, exact, text) in enumerate(notes)
    ]
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": "My notes",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }
    jsonschema.validate(data, SCHEMA)
    return data


def test_make_pdf_puts_the_students_notes_in_the_margin(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(TESTS / "roots/test-scripts", src)
    notes = tmp_path / "my-notes.jsonld"
    page = "http://127.0.0.1:8000/sources/mixed.html"
    notes.write_text(
        json.dumps(
            exported(
                (page, 3, "in Greek, Athens", "Mine: check the transliteration & 50% of_it."),
                (page, 1, "words that are gone", "Mine: an orphan."),
            )
        )
    )
    # The Makefile passes PACK and NOTES to the build driver.
    dry = subprocess.run(
        ["make", "-n", "pdf", "PACK=scripts", f"NOTES={notes}"],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"annotated-reader build pdf --pack scripts --notes {notes}" in dry
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotated_reader.cli",
            "build",
            "pdf",
            "--source",
            str(src),
            "--out",
            str(tmp_path / "_build"),
            "--pack",
            "scripts",
            "--notes",
            str(notes),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = tmp_path / "_build/my-packs/scripts.pdf"
    assert not (tmp_path / "_build/pdf").exists()  # the edition's packs are left alone
    pages = words_of(pdf)
    (number,) = [
        i for i, found in enumerate(pages) if phrase_at(found, "check the transliteration")
    ]
    found = pages[number]
    line = phrase_at(found, "In Russian the city")
    note = phrase_at(found, "Mine: check the transliteration")
    assert line and note
    text_right = max(w[2] for w in found if abs(w[1] - line[1]) < 2 and w[0] < note[0] - 20)
    assert note[0] > text_right + 10, "the note is not in the margin"
    assert line[1] - 2 <= note[1] < line[1] + 40, (line, note)
    assert phrase_at(found, "My note")  # labelled as the student's, not the editors'
    text = " ".join(w[4] for p in pages for w in p)
    assert "& 50% of_it." in text  # escaped once, printed as written
    assert "My note (orphaned) “words that are gone” Mine: an orphan." in text
