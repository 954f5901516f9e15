"""Screenshots of the built site at desktop and phone widths, and PNG pages of
the briefing packs, for looking at what the build made (make screenshots)."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
HTML, PDF, OUT = ROOT / "_build/html", ROOT / "_build/pdf", ROOT / "_build/screenshots"
PAGES = ["index", "sources/lee2017", "sources/walia2025", "themes/trade", "back/timeline"]
WIDTHS = {"desktop": (1400, 900), "phone": (390, 844)}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(HTML))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for label, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name in PAGES:
                page.goto(f"{base}/{name}.html")
                page.screenshot(path=OUT / f"{name.replace('/', '-')}-{label}.png", full_page=False)
            page.goto(f"{base}/sources/lee2017.html#p5")
            page.screenshot(path=OUT / f"lee2017-p5-{label}.png")
        browser.close()
    server.shutdown()
    for pdf in sorted(PDF.glob("*.pdf")):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "12", str(pdf), str(OUT / pdf.stem)],
            check=True,
        )
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
