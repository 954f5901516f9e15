"""Accessibility and markup of the whole built book, judged by independent
tools: axe-core finds no violation of impact serious or critical on any page
(at desktop and phone widths, in light and dark mode, with notes beside the
text, closed and opened), and the Nu HTML Checker finds no error anywhere in
the output."""

from __future__ import annotations

import subprocess

import pytest

from conftest import PROJECT
from layout import DESKTOP, PHONE

AXE = PROJECT / "node_modules/axe-core/axe.min.js"
VNU = PROJECT / "node_modules/vnu-jar/build/dist/vnu.jar"
SERIOUS = ("serious", "critical")

# (viewport, colour scheme, open the notes?) Source pages get every state that
# changes what is shown; other pages one state at each width.
SOURCE_STATES = [
    ("desktop", "light", False),
    ("desktop", "dark", False),
    ("phone", "light", True),
    ("phone", "dark", False),
]
OTHER_STATES = [("desktop", "light", False), ("phone", "dark", False)]


@pytest.fixture(scope="module")
def tabs(browser):
    """One page per width and colour scheme, reused across the site."""
    found = {}
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            found[width, scheme] = context.new_page()
    yield found
    for page in found.values():
        page.context.close()


def serious_violations(page) -> list[str]:
    # Colours change through CSS transitions when the theme switches to dark
    # mode; axe must judge the colours a reader ends up with.
    page.evaluate(
        """Promise.all(document.getAnimations()
             .filter((a) => a.effect?.getTiming().iterations !== Infinity)
             .map((a) => a.finished.catch(() => null)))"""
    )
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")["violations"]
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary']}"
        for v in violations
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]


@pytest.mark.browser
def test_axe_finds_no_serious_violation_on_any_page(book, site, tabs):
    names = sorted(
        str(path.relative_to(book.html).with_suffix(""))
        for path in book.html.rglob("*.html")
        if "_static" not in path.parts
    )
    problems = []
    for name in names:
        source = name.startswith("sources/")
        for width, scheme, opened in SOURCE_STATES if source else OTHER_STATES:
            page = tabs[width, scheme]
            page.goto(f"{site}/{name}.html")
            theme = page.evaluate("document.documentElement.dataset.theme")
            assert theme == scheme, f"{name}: the page is not in {scheme} mode"
            if opened:
                page.evaluate(
                    """document.querySelectorAll('a.ar-hl[role="button"]')
                         .forEach((control) => control.click())"""
                )
                assert page.locator(".ar-note.ar-open").count() > 0
            state = f"{name} at {width} width, {scheme}{', notes open' if opened else ''}"
            problems += [f"{state}: {problem}" for problem in serious_violations(page)]
    assert problems == []


def test_nu_html_checker_finds_no_error(book):
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(book.html)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
