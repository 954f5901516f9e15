"""What a student does in the browser, at desktop (1400 px) and phone (390 px)
widths: notes beside the text without overlap, notes that open from their
highlight, filters that persist, citations to copy, previews, no external
requests."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()


def boxes(page, selector):
    return [b for b in (e.bounding_box() for e in page.query_selector_all(selector)) if b]


def overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("key", ["lee2017", "walia2025"])
def test_desktop_notes_sit_in_the_margin_without_overlap(page, site, key):
    page.goto(f"{site}/sources/{key}.html")
    notes = boxes(page, "aside.ar-note")
    assert len(notes) >= 25
    text_right = max(b["x"] + b["width"] for b in boxes(page, "div.ar-para > p"))
    for note in notes:
        assert note["x"] >= text_right, "a note covers the text"
        assert note["x"] + note["width"] <= DESKTOP["width"], "a note runs off the page"
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert not overlap(a, b), "two notes overlap"
    sidebar = page.query_selector(".bd-sidebar-primary")
    if sidebar and sidebar.is_visible():
        nav = sidebar.bounding_box()
        assert all(not overlap(nav, note) for note in notes)


def test_phone_highlight_opens_its_note(browser, site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site}/sources/lee2017.html")
    button = page.locator("button.ar-hl-btn").first
    note = page.locator(f"#{button.get_attribute('aria-controls')}")
    assert button.get_attribute("aria-expanded") == "false"
    assert not note.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert note.is_visible()
    page.keyboard.press("Enter")
    assert not note.is_visible()
    # Paragraph numbers stay on screen.
    number = page.locator("a.ar-pnum").first.bounding_box()
    assert number["x"] >= 0
    context.close()


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


def test_paragraph_number_gives_its_citation_and_copy_works(page, site):
    page.goto(f"{site}/sources/lee2017.html")
    page.locator("#p3 a.ar-pnum").click()
    panel = page.locator("#p3 .ar-para-cite")
    assert "(Lee, 2017, para. 3)" in panel.inner_text()
    assert "(Lee, par. 3)" in panel.inner_text()
    assert "#p3" in panel.inner_text()
    copy = panel.locator("button.ar-copy").first
    copy.click()
    page.wait_for_function(
        "document.querySelector('#p3 .ar-para-cite .ar-copy').textContent === 'Copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == "(Lee, 2017, para. 3)"
    page.keyboard.press("Escape")
    assert page.locator(".ar-para-cite").count() == 0


def test_passage_reference_previews_its_paragraph(page, site):
    page.goto(f"{site}/themes/trade.html")
    link = page.locator('a.ar-passage[href*="sources/"]').first
    preview = link.locator(".ar-preview")
    assert not preview.is_visible()
    link.hover()
    assert preview.is_visible()
    # The preview names the passage as the edition's style cites it.
    assert preview.inner_text().startswith(link.get_attribute("title") + ": ")


def test_pages_make_no_external_requests(page, site):
    for name in ["index", "sources/cavarape2025", "themes/trilateral", "back/glossary"]:
        page.goto(f"{site}/{name}.html")
        page.wait_for_load_state("networkidle")
    hosts = {urlparse(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}


def test_glossary_term_previews_its_definition_with_passages(page, site):
    page.goto(f"{site}/themes/trade.html")
    link = page.locator('a[href*="glossary.html#term-"]').first
    link.hover()
    preview = link.locator(".ar-preview")
    assert preview.is_visible()
    assert re.search(r"\bpara?s?\. \d", preview.inner_text())  # a passage's label
    assert "; ;" not in preview.inner_text()
