"""The build driver (`annotated-reader build`, behind `make html`): a failed
strict build publishes nothing, an interrupted build does not falsify the
next one, and two builds at once in one tree are serialised."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The test root, slowed down while it writes pages, so that a test can act
# in the middle of the writing phase; "writing" appears when it starts.
SLOW_WRITER = """

import os as _os
import pathlib as _pathlib
import time as _time


def setup(app):
    def _slowly(app, pagename, templatename, context, doctree):
        _pathlib.Path(app.srcdir, "writing").touch()
        _time.sleep(0.25)

    if _os.environ.get("SLOW_WRITER"):
        app.connect("html-page-context", _slowly)
"""


@pytest.fixture
def reader(rootdir, tmp_path) -> Path:
    src = tmp_path / "reader"
    shutil.copytree(rootdir / "test-basic", src)
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(SLOW_WRITER)
    return src


def command(src: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "annotated_reader.cli",
        "build",
        "html",
        "--source",
        str(src),
        "--out",
        str(out),
    ]


ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def run(src: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(src, out), capture_output=True, text=True, env=ENV, check=False)


def start(src: Path, out: Path) -> subprocess.Popen[str]:
    (src / "writing").unlink(missing_ok=True)
    process = subprocess.Popen(
        command(src, out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**ENV, "SLOW_WRITER": "1"},
        # Ctrl-C must reach it even when the tests run as a background job,
        # which starts with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not (src / "writing").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)
    return process


def files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_a_failed_build_leaves_the_published_site_untouched(reader, tmp_path):
    out = tmp_path / "_build"
    assert run(reader, out).returncode == 0
    before = files(out / "html")
    assert "sources/doe2020.html" in before

    page = reader / "sources" / "doe2020.md"
    good = page.read_text(encoding="utf-8")
    page.write_text(good.replace("busy in 1900", "busy in 1901"), encoding="utf-8")
    failed = run(reader, out)
    assert failed.returncode != 0
    assert "raw_mismatch" in failed.stderr
    assert "nothing was published" in failed.stderr
    assert files(out / "html") == before

    # The next build reports the warnings again: it does not reuse the
    # failed build's pages.
    again = run(reader, out)
    assert again.returncode != 0 and "raw_mismatch" in again.stderr
    assert files(out / "html") == before

    page.write_text(good, encoding="utf-8")
    assert run(reader, out).returncode == 0
    clean = tmp_path / "clean"
    assert run(reader, clean).returncode == 0
    assert files(out / "html") == files(clean / "html")


def test_an_interrupted_build_does_not_falsify_the_next_one(reader, tmp_path):
    out = tmp_path / "_build"
    process = start(reader, out)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0, stderr
    assert not (out / "html").exists(), "an interrupted build published pages"

    assert run(reader, out).returncode == 0
    clean = tmp_path / "clean"
    assert run(reader, clean).returncode == 0
    assert files(out / "html") == files(clean / "html")


def test_a_second_build_in_the_same_tree_waits_for_the_first(reader, tmp_path):
    out = tmp_path / "_build"
    first = start(reader, out)
    second = run(reader, out)  # started while the first is writing
    assert "another build is running in this tree" in second.stderr
    assert "waiting for it to finish" in second.stderr
    assert first.poll() is not None, "the second build did not wait for the first"
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert second.returncode == 0, second.stderr
    clean = tmp_path / "clean"
    assert run(reader, clean).returncode == 0
    assert files(out / "html") == files(clean / "html")
