"""Screenshots of the built site at desktop and phone widths (a phone view
with a note opened from its phrase, a page as Chromium prints it), and PNG
pages of the briefing packs, for looking at what the build made
(make screenshots)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from browser import CHROMIUM_ARGS, chromium_path, serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
HTML, PDF, OUT = ROOT / "_build/html", ROOT / "_build/pdf", ROOT / "_build/screenshots"
PAGES = ["index", "sources/lee2017", "sources/walia2025", "themes/trade", "back/timeline"]
WIDTHS = {"desktop": (1400, 900), "phone": (390, 844)}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with serve(HTML) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for label, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name in PAGES:
                page.goto(f"{base}/{name}.html")
                page.screenshot(path=OUT / f"{name.replace('/', '-')}-{label}.png")
            page.goto(f"{base}/sources/lee2017.html#p5")
            page.screenshot(path=OUT / f"lee2017-p5-{label}.png")
            if label == "phone":  # the third note, opened from its phrase by keyboard
                control = page.locator("a.ar-hl").nth(2)
                control.focus()
                page.keyboard.press("Enter")
                page.screenshot(path=OUT / "lee2017-note-open-phone.png")
            else:
                page.pdf(path=OUT / "lee2017-printed.pdf", format="A4")
            page.close()
        browser.close()
    png = ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "12"]
    subprocess.run(
        [*png, str(OUT / "lee2017-printed.pdf"), str(OUT / "lee2017-printed")], check=True
    )
    for pdf in sorted(PDF.glob("*.pdf")):
        subprocess.run([*png, str(pdf), str(OUT / pdf.stem)], check=True)
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
