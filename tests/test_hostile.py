"""Hostile data in the browser. tests/roots/test-hostile holds markup where
only text belongs: ``{Lee<svg onload=alert(3)>}`` as an author, ``</script>``
and quotes in titles, ``<img onerror>`` in a note, a timeline and a pack
title. Every page of it, and every page of the book, is loaded in Chromium
from a server that sends ``Content-Security-Policy: script-src 'self'``; the
test fails on any dialog, any script that is not one of the site's files and
any policy violation."""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from browser import serve
from sphinx.testing.util import SphinxTestApp

from conftest import soup

pytestmark = pytest.mark.browser

CSP = {"Content-Security-Policy": "script-src 'self'; object-src 'none'; base-uri 'none'"}

# Runs before the page's own scripts (and outside the page's policy): records
# policy violations and every string a script gives to innerHTML.
WATCH = """
window.__reader = {violations: [], innerHTML: []};
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reader.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
const inner = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML");
Object.defineProperty(Element.prototype, "innerHTML", {
  configurable: true,
  get() { return inner.get.call(this); },
  set(value) { window.__reader.innerHTML.push(String(value)); inner.set.call(this, value); },
});
"""

SITE_SCRIPT = re.compile(r"^(?:\.\./)*(?:_static/[^?]+\.js|searchindex\.js)(?:\?.*)?$")


@pytest.fixture(scope="session")
def hostile(rootdir, tmp_path_factory) -> Path:
    """The hostile root built as a site (it warns about the note's <img>)."""
    src = tmp_path_factory.mktemp("hostile") / "src"
    shutil.copytree(rootdir / "test-hostile", src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True, warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = [w for w in app.warning.getvalue().splitlines() if "WARNING" in w]
    assert len(warnings) == 1 and "[annotated_reader.raw_html]" in warnings[0], warnings
    return Path(app.outdir)


def pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts
    )


def visit_every_page(browser, directory: Path) -> dict[str, list[str]]:
    """Load each page under the policy, open the paragraph citation panel and
    the previews; what went wrong, by kind."""
    found: dict[str, list[str]] = {"dialogs": [], "violations": [], "errors": [], "innerHTML": []}
    with serve(directory, CSP) as url:
        context = browser.new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        page.on("dialog", lambda d: (found["dialogs"].append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: found["errors"].append(str(e)))
        page.on(
            "console",
            lambda m: (
                found["violations"].append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        for name in pages(directory):
            page.goto(f"{url}/{name}")
            page.wait_for_load_state("load")
            for number in page.locator("a.ar-pnum").all()[:2]:
                number.click()
                page.keyboard.press("Escape")  # the cite box would cover the next number
            for link in page.locator("a.ar-has-preview").all()[:3]:
                link.hover()
            watched = page.evaluate("window.__reader")
            found["violations"] += [f"{name}: {v}" for v in watched["violations"]]
            found["innerHTML"] += [f"{name}: {v}" for v in watched["innerHTML"]]
        context.close()
    return found


@pytest.fixture(scope="session")
def hostile_visit(browser, hostile):
    return visit_every_page(browser, hostile)


def test_hostile_data_never_runs(hostile_visit):
    assert hostile_visit["dialogs"] == []
    assert hostile_visit["errors"] == []


def test_hostile_pages_work_under_the_policy(hostile_visit):
    assert hostile_visit["violations"] == []


@pytest.mark.parametrize("site", ["hostile", "book"])
def test_every_script_is_a_file_of_the_site(request, site):
    """No inline script and no script from elsewhere: the theme's inline
    scripts are files (annotated_reader/templates), page options are data
    attributes. JSON-LD, if any, is data that parses whole."""
    directory = request.getfixturevalue(site)
    directory = directory if isinstance(directory, Path) else directory.html
    for name in pages(directory):
        for script in soup(directory / name).select("script"):
            if script.get("type") == "application/ld+json":  # data, not code
                json.loads(script.get_text())  # whole: no "</script>" broke out of it
                continue
            assert SITE_SCRIPT.match(script.get("src", "")), (name, str(script)[:120])
            assert not script.get_text(strip=True), (name, str(script)[:120])
        for tag in soup(directory / name).find_all(True):
            handlers = [a for a in tag.attrs if a.startswith("on")]
            assert not handlers, (name, str(tag)[:120])


def test_hostile_text_is_shown_as_text(hostile):
    page = soup(hostile / "sources/doe2020.html")
    assert "Lee<svg onload=alert(3)>" in page.select_one("#cite-apa").get_text()
    assert not page.select("svg, img[onerror]")
    note = page.select_one("#note-2").get_text()
    assert "<img src=x onerror=alert(1)>" in note
    assert soup(hostile / "timeline.html").select_one("table.ar-timeline td:nth-of-type(2)")
    meta = page.select_one('meta[name="citation_title"]')["content"]
    assert meta.startswith('Harbours </script><script>alert(4)</script> "quoted" &')


def test_the_book_works_under_the_policy(browser, book):
    visit = visit_every_page(browser, book.html)
    assert visit["dialogs"] == []
    assert visit["violations"] == []
    assert visit["errors"] == []


def test_scripts_never_give_data_to_innerHTML(hostile_visit):
    assert [v[:200] for v in hostile_visit["innerHTML"] if "Lee" in v] == []
