"""``make serve`` (annotated_reader.serve), end to end on a copy of a small
test root: served over HTTP, rebuilt on an edit by the same application, the
reload script only in responses, a mistake keeping the last good page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import annotated_reader

ROOT = Path(__file__).parent / "roots" / "test-basic"
PAGE = "sources/doe2020.html"
NOTE = "A gloss on Portsmouth."
ANCHOR = ":anchor: harbour at Portsmouth"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def poll(check: Callable[[], object], what: str, timeout: float = 60) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s")


def reload_state(base: str) -> dict:
    """The first event of the reload channel: the state the browser is told."""
    with urllib.request.urlopen(f"{base}/__reload", timeout=5) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        lines = []
        while (line := response.readline().decode().strip()) or not lines:
            lines.append(line)
    assert lines[0] == "event: state"
    return json.loads(lines[1].removeprefix("data: "))


class Server:
    def __init__(self, tmp: Path) -> None:
        self.src = tmp / "src"
        shutil.copytree(ROOT, self.src)
        # The book's theme: its inline page options become one script per page
        # (write/html.py), an asset a kept-alive application must not carry over.
        with (self.src / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write('html_theme = "sphinx_book_theme"\n')
        self.out = tmp / "out"
        self.log = tmp / "console.log"
        self.base = f"http://127.0.0.1:{free_port()}"
        # The package under test, wherever pytest imported it from.
        package_dir = str(Path(annotated_reader.__file__).resolve().parents[1])
        path = os.environ.get("PYTHONPATH")
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_dir, path]))}
        with self.log.open("w") as console:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "annotated_reader.serve",
                    str(self.src),
                    "--outdir",
                    str(self.out),
                    "--port",
                    self.base.rsplit(":", 1)[1],
                ],
                stdout=console,
                stderr=subprocess.STDOUT,
                env=self.env,
            )

    def console(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def page(self) -> str | None:
        assert self.proc.poll() is None, f"the server exited:\n{self.console()}"
        return fetch(f"{self.base}/{PAGE}")

    def edit(self, old: str, new: str) -> None:
        path = self.src / "sources" / "doe2020.md"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    try:
        yield running
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait()


def test_serve_edit_reload_and_mistake(server: Server, tmp_path: Path) -> None:
    first = poll(server.page, "the page is served")
    assert NOTE in first
    assert 'new EventSource("/__reload")' in first  # added to the response...
    on_disk = (server.out / PAGE).read_text(encoding="utf-8")
    assert "__reload" not in on_disk and "EventSource" not in on_disk  # ...never to the file
    assert reload_state(server.base) == {"generation": 1, "failed": ""}

    # An edited note reaches the served page, by the application kept alive.
    server.edit(NOTE, "A gloss on Portsmouth, edited zqone.")
    poll(lambda: "zqone" in (server.page() or ""), "the edited note is served")
    assert "__reload" not in (server.out / PAGE).read_text(encoding="utf-8")
    assert reload_state(server.base)["generation"] == 2
    assert "rebuilt in" in server.console()

    # ...and equals what a fresh strict build of the edited copy writes.
    fresh = tmp_path / "fresh"
    strict = ["-b", "html", "-W", "-n", "-q", "-E", "-d", str(tmp_path / "fresh-doctrees")]
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", *strict, str(server.src), str(fresh)],
        capture_output=True,
        text=True,
        env=server.env,
    )
    assert built.returncode == 0, built.stderr
    pages = sorted(fresh.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        name = page.relative_to(fresh)
        assert (server.out / name).read_text(encoding="utf-8") == page.read_text(
            encoding="utf-8"
        ), f"{name} differs from a fresh build"

    # A mistake: the console names file:line, the last good page stays served.
    server.edit(ANCHOR, ":anchor: words not in the paragraph")
    server.edit("edited zqone.", "edited zqtwo.")
    poll(lambda: "still serving the last good output" in server.console(), "the failure reported")
    console = server.console()
    assert f"{server.src / 'sources' / 'doe2020.md'}:17: WARNING: anchor" in console
    page = server.page() or ""
    assert "zqone" in page and "zqtwo" not in page
    assert "zqone" in (server.out / PAGE).read_text(encoding="utf-8")
    assert reload_state(server.base) == {
        "generation": 2,
        "failed": "The last build has warnings (see the console); this is the last good page.",
    }

    # An edit elsewhere does not hide the mistake: its page is read again.
    other = server.src / "sources" / "roe2019.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    poll(lambda: server.console().count(":17: WARNING: anchor") == 2, "the warning repeated")
    assert "zqtwo" not in (server.page() or "")

    # Fixed: served again. Then a clean stop on SIGTERM.
    server.edit(":anchor: words not in the paragraph", ANCHOR)
    poll(lambda: "zqtwo" in (server.page() or ""), "the fixed page is served")
    assert reload_state(server.base) == {"generation": 3, "failed": ""}
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=20) == 0
    assert server.console().rstrip().endswith("serve: stopped")
