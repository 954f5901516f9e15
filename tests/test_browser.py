"""What a student does in the browser, on every source page of the book: at
desktop width (1400 px) the notes sit level with their anchors; on a phone
(390 px) the highlighted phrase opens its note under its line, with focus
moved in and returned; printing keeps every note; previews stay in view and
give way to Escape; the "cite this paragraph" dialog keeps focus; filters
persist; no page asks another host for anything."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from conftest import SOURCES, THEMES
from layout import DESKTOP, PHONE, assert_notes_level

pytestmark = pytest.mark.browser
SOURCE_PAGES = sorted(SOURCES.values())
CHAPTER_PAGES = sorted(THEMES.values())
# A paragraph locator in any of the styles: "para. 3", "paras. 3–4", "par. 3", "¶ 3".
PARAGRAPH = re.compile(r"\b(paras?|pars?)\. \d|¶ ?\d")


def settled(page) -> None:
    """After the script's layout pass (it runs in an animation frame)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def focused(page, selector: str = "*") -> bool:
    return page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector)


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", SOURCE_PAGES)
def test_desktop_notes_are_level_with_their_anchors(page, site, name):
    page.goto(f"{site}/{name}.html")
    settled(page)
    assert assert_notes_level(page, name) == page.locator("aside.ar-note").count()


def test_desktop_text_keeps_a_readable_measure_beside_a_wide_note_column(page, site):
    """About 65-75 characters a line, and the notes get the rest of the width."""
    for name in SOURCE_PAGES:
        page.goto(f"{site}/{name}.html")
        measure = page.evaluate(
            """() => {
              const ps = [...document.querySelectorAll(".ar-text > p")];
              const p = ps.sort((a, b) => b.textContent.length - a.textContent.length)[0];
              const lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
              const column = document.querySelector(".ar-notes").getBoundingClientRect();
              return { perLine: p.textContent.length / lines, column: column.width };
            }"""
        )
        assert 60 <= measure["perLine"] <= 80, (name, measure)
        assert measure["column"] >= 320, (name, measure)


def test_phone_keyboard_reaches_opens_and_closes_a_note(phone, site):
    for name in SOURCE_PAGES:
        phone.goto(f"{site}/{name}.html")
        phone.keyboard.press("Tab")
        assert phone.evaluate("document.activeElement.textContent") == "Skip to the text"
        phone.keyboard.press("Enter")
        presses = 2
        while not focused(phone, "a.ar-hl") and presses < 10:
            phone.keyboard.press("Tab")
            presses += 1
        assert presses <= 6, f"{name}: {presses} keys to the first note"
        control = phone.locator(f"#{phone.evaluate('document.activeElement.id')}")
        note = phone.locator(f"#{control.get_attribute('aria-controls')}")
        assert control.get_attribute("role") == "button"
        assert control.get_attribute("aria-expanded") == "false"
        assert not note.is_visible()

        phone.keyboard.press("Enter")
        assert control.get_attribute("aria-expanded") == "true"
        assert focused(phone, f"#{note.get_attribute('id')}")
        box, line = note.bounding_box(), control.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1, "note out of view"
        assert line["y"] + line["height"] - 2 <= box["y"] <= line["y"] + line["height"] + 40
        phone.keyboard.press("Escape")
        assert not note.is_visible()
        assert focused(phone, "a.ar-hl") and control.get_attribute("aria-expanded") == "false"

        phone.keyboard.press(" ")  # a button opens with Space as well
        assert note.is_visible()
        while not focused(phone, ".ar-note-close") and presses < 30:
            phone.keyboard.press("Tab")
            presses += 1
        phone.keyboard.press("Enter")
        assert not note.is_visible()
        assert focused(phone, "a.ar-hl")


@pytest.mark.parametrize("name", SOURCE_PAGES)
def test_phone_note_controls_are_large_enough(phone, site, name):
    phone.goto(f"{site}/{name}.html")
    sizes = phone.evaluate(
        """[...document.querySelectorAll("a.ar-hl")].map((a) => {
             const r = a.getBoundingClientRect();
             return [a.id, Math.round(r.width), Math.round(r.height)];
           })"""
    )
    assert sizes
    assert [s for s in sizes if s[1] < 24 or s[2] < 24] == []
    # Paragraph numbers stay on screen.
    assert phone.locator("a.ar-pnum").first.bounding_box()["x"] >= 0


@pytest.mark.parametrize("name", SOURCE_PAGES)
def test_printed_page_keeps_every_note(page, site, name, tmp_path):
    page.goto(f"{site}/{name}.html")
    notes = page.evaluate(
        """[...document.querySelectorAll(".ar-note")].map((note) => {
             const body = note.cloneNode(true);
             body.querySelectorAll(".ar-note-head, .ar-preview-src").forEach((e) => e.remove());
             return [
               note.querySelector(".ar-note-num").textContent,
               note.querySelector(".ar-note-kind").textContent,
               body.textContent,
             ];
           })"""
    )
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=pdf, format="A4")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squeeze(text)
    for number, kind, body in notes:
        assert squeeze(body) in flat, f"note {number} is not printed"
        assert f"{number}{kind.upper()}" in flat, f"note {number} lost its number"
    for control in ("Skip to the text", "Copy", "Show or hide"):
        assert control not in text


def squeeze(text: str) -> str:
    """Text without spaces or hyphens: lines break anywhere in print, and
    pdftotext joins a word hyphenated at a line's end."""
    return re.sub(r"[\s-]", "", text)


def preview_checks(page) -> list[str]:
    """Focus each shown previewing link in turn (scrolled into view): its preview
    must lie inside the viewport, describe the link, and go on Escape."""
    return page.evaluate(
        """() => {
          const problems = [];
          const popup = () => document.getElementById("ar-preview");
          for (const link of document.querySelectorAll("a.ar-has-preview")) {
            if (!link.getClientRects().length) continue; // in a closed note
            link.scrollIntoView({ block: "center" });
            link.focus();
            const p = popup();
            if (!p || p.hidden) { problems.push(`${link.href}: no preview`); continue; }
            const r = p.getBoundingClientRect();
            const w = document.documentElement.clientWidth, h = innerHeight;
            if (r.left < 0 || r.top < 0 || r.right > w || r.bottom > h)
              problems.push(`${link.href}: preview out of view ${JSON.stringify(r)}`);
            if (link.getAttribute("aria-describedby") !== p.id)
              problems.push(`${link.href}: preview does not describe the link`);
            if (link.contains(p) || link.textContent.includes(p.textContent))
              problems.push(`${link.href}: preview inside the link`);
            link.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
            if (!p.hidden || document.activeElement !== link)
              problems.push(`${link.href}: Escape did not dismiss it, or moved focus`);
          }
          return problems;
        }"""
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_preview_stays_in_view_and_gives_way_to_escape(browser, site, viewport):
    page = browser.new_page(viewport=viewport)
    checked = 0
    for name in [*CHAPTER_PAGES, *SOURCE_PAGES, "back/glossary", "back/timeline"]:
        page.goto(f"{site}/{name}.html")
        assert preview_checks(page) == [], name
        checked += page.locator("a.ar-has-preview").count()
    page.close()
    assert checked > 100


def test_preview_shows_on_hover_and_is_not_the_links_name(page, site):
    page.goto(f"{site}/themes/trade.html")
    link = page.locator('a.ar-passage[href*="sources/"]').first
    preview = page.locator("#ar-preview")
    expect(link).to_have_accessible_name(link.inner_text())
    link.hover()
    expect(preview).to_be_visible()
    assert PARAGRAPH.search(preview.inner_text()), preview.inner_text()
    expect(link).to_have_accessible_description(preview.inner_text())
    # Hoverable: the pointer may move onto the preview without losing it.
    box = preview.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.wait_for_timeout(400)
    expect(preview).to_be_visible()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()


def test_glossary_term_previews_its_definition_with_passages(page, site):
    page.goto(f"{site}/themes/trade.html")
    link = page.locator('a[href*="glossary.html#term-"]').first
    link.focus()
    preview = page.locator("#ar-preview")
    expect(preview).to_be_visible()
    assert PARAGRAPH.search(preview.inner_text()), preview.inner_text()
    assert "; ;" not in preview.inner_text()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    assert focused(page, 'a[href*="glossary.html#term-"]')


def test_paragraph_number_opens_a_dialog_that_keeps_focus(page, site):
    page.goto(f"{site}/sources/lee2017.html")
    page.locator("#p3 a.ar-pnum").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.ar-para-cite")
    expect(dialog).to_be_visible()
    assert "(Lee, 2017, para. 3)" in dialog.inner_text()
    assert "(Lee, par. 3)" in dialog.inner_text()
    assert "#p3" in dialog.inner_text()
    for _ in range(12):
        assert focused(page, "dialog.ar-para-cite *"), "focus left the dialog"
        page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert focused(page, "#p3 a.ar-pnum")
    # The close button returns focus too.
    page.keyboard.press("Enter")
    page.locator(".ar-para-cite-close").click()
    expect(dialog).to_have_count(0)
    assert focused(page, "#p3 a.ar-pnum")


def test_paragraph_citation_copies(page, site):
    page.goto(f"{site}/sources/lee2017.html")
    page.locator("#p3 a.ar-pnum").click()
    copy = page.locator(".ar-para-cite button.ar-copy").first
    copy.click()
    page.wait_for_function(
        "document.querySelector('.ar-para-cite .ar-copy').textContent === 'Copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == "(Lee, 2017, para. 3)"
    chosen = page.locator(".ar-cite-chosen")
    assert "#p3" in chosen.text_content()  # in the "Cite this" box, closed


def test_filters_hide_a_kind_and_are_remembered(page, site):
    page.goto(f"{site}/sources/lee2017.html")
    gloss = page.locator('.ar-filter[data-kind="gloss"]')
    gloss.click()
    assert gloss.get_attribute("aria-pressed") == "false"
    assert not page.locator("aside.ar-kind-gloss").first.is_visible()
    assert page.locator("aside.ar-kind-context").first.is_visible()
    page.goto(f"{site}/sources/walia2025.html")
    assert page.locator('.ar-filter[data-kind="gloss"]').get_attribute("aria-pressed") == "false"
    assert not page.locator("aside.ar-kind-gloss").first.is_visible()


def test_pages_make_no_external_requests(page, site):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for name in ["index", SOURCE_PAGES[0], CHAPTER_PAGES[0], "back/glossary"]:
        page.goto(f"{site}/{name}.html", wait_until="load")
    hosts = {urlparse(url).hostname for url in requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}
