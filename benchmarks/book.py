"""The real book, always from a temporary copy of the project: cold HTML, the
complete-reader PDF, and edit-to-screen time under ``make serve``."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from annotated_reader.pdf import LATEXMK

from .measure import STRICT, Run, median, sphinx_html, timed

PROJECT = Path(__file__).resolve().parent.parent
PACK = "complete-reader"


@dataclass
class BookResult:
    cold_html: Run | None = None
    edit_note: Run | None = None
    latex: Run | None = None
    latexmk: Run | None = None
    pdf_pages: int | None = None
    serve_edits: list[float] = field(default_factory=list)
    serve_error: str | None = None
    serve_command: str = ""

    @property
    def pdf_s(self) -> float | None:
        if self.latex and self.latexmk and self.latex.ok and self.latexmk.ok:
            return (self.latex.seconds or 0) + (self.latexmk.seconds or 0)
        return None

    @property
    def pdf_error(self) -> str | None:
        for step, run in (("latex build", self.latex), ("latexmk", self.latexmk)):
            if run is None:
                return f"{step} not run"
            if not run.ok:
                return f"{step}: {run.error}"
        return None


def copy_project(dest: Path) -> Path:
    """Copy the project's files (tracked and untracked, not ignored) into ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    shutil.rmtree(dest, ignore_errors=True)
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if not source.is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    if (PROJECT / "node_modules").is_dir():  # as installed by `make`: Paged.js, for a clean build
        (dest / "node_modules").symlink_to(PROJECT / "node_modules")
    return dest


def first_note(copy: Path) -> tuple[Path, int]:
    """The first source page with a note, and the line of that note's first text line."""
    for page in sorted((copy / "sources").glob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.startswith(":::{annotation}"):
                j = i + 1
                while j < len(lines) and re.match(r"^:\w+:", lines[j]):
                    j += 1
                if j < len(lines) and lines[j].strip() and lines[j] != ":::":
                    return page, j
    raise RuntimeError("no annotation found in sources/*.md")


def edit_line(page: Path, line: int, suffix: str) -> None:
    """Append ``suffix`` to one line of ``page`` (replacing an earlier benchmark suffix)."""
    lines = page.read_text(encoding="utf-8").split("\n")
    lines[line] = re.sub(r" Benchmark edit \w+\.$", "", lines[line]) + suffix
    page.write_text("\n".join(lines), encoding="utf-8")


def pdf_pages(pdf: Path) -> int | None:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if match:
            return int(match.group(1))
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(copy: Path, port: int) -> str:
    """The command ``make serve`` runs, on ``port`` instead of its own."""
    venv = Path(sys.executable).parent.parent
    made = subprocess.run(
        ["make", "-n", "-s", "-o", f"{venv}/.installed", "serve", f"VENV={venv}"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    command, count = re.subn(r"--port[= ]\d+", f"--port {port}", made)
    if not count:
        raise RuntimeError(f"no --port in the command of make serve: {made!r}")
    return command


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return None  # not served yet, or rewritten while being read


def _tree_cpu_ticks(root: int) -> int:
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def wait_idle(pid: int, timeout: float = 120) -> None:
    """Wait until the server's process tree has used < 5 % CPU for a second."""
    hz = os.sysconf("SC_CLK_TCK")
    end = time.monotonic() + timeout
    last = _tree_cpu_ticks(pid)
    while time.monotonic() < end:
        time.sleep(1)
        now = _tree_cpu_ticks(pid)
        if (now - last) / hz < 0.05:
            return
        last = now


def measure_serve(copy: Path, result: BookResult, edits: int, log: Path) -> None:
    port = free_port()
    try:
        command = serve_command(copy, port)
        page, line = first_note(copy)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        result.serve_error = f"could not prepare make serve: {error}"
        return
    result.serve_command = " ".join(command.replace("\\\n", " ").split())
    url = f"http://127.0.0.1:{port}/{page.relative_to(copy).with_suffix('.html').as_posix()}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=copy,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 900
        while fetch(url) is None:
            if proc.poll() is not None:
                result.serve_error = f"make serve exited ({proc.returncode}); see {log}"
                return
            if time.monotonic() > deadline:
                result.serve_error = "the first page was not served within 900 s"
                return
            time.sleep(0.5)
        wait_idle(proc.pid)
        for round_ in range(edits):
            marker = f"zq{os.getpid()}x{round_}"
            edit_line(page, line, f" Benchmark edit {marker}.")
            start = time.perf_counter()
            while True:
                body = fetch(url)
                if body and marker in body:
                    result.serve_edits.append(time.perf_counter() - start)
                    break
                if time.perf_counter() - start > 120:
                    result.serve_error = f"edit {round_ + 1} not on the page after 120 s"
                    return
                time.sleep(0.05)
            wait_idle(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def measure_book(work: Path, serve_edits: int = 5) -> BookResult:
    result = BookResult()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = copy_project(work / "html-src")

    print("  book: cold HTML", flush=True)
    result.cold_html = sphinx_html(copy, work / "html", work / "doctrees" / "html")
    if result.cold_html.ok:
        page, line = first_note(copy)
        edit_line(page, line, " Benchmark edit zqhtml.")
        print("  book: one note edited (HTML, incremental)", flush=True)
        result.edit_note = sphinx_html(copy, work / "html", work / "doctrees" / "html")

    print(f"  book: {PACK} PDF", flush=True)
    copy = copy_project(work / "pdf-src")
    packs = tomllib.loads((copy / "packs.toml").read_text(encoding="utf-8")).get("packs", {})
    if PACK not in packs:
        result.latex = Run(None, error=f"no pack {PACK!r} in packs.toml")
    else:
        latex = work / "latex"
        result.latex = timed(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                "latex",
                *STRICT,
                "-d",
                str(work / "doctrees" / "latex"),
                str(copy),
                str(latex),
            ]
        )
        if result.latex.ok:
            # latexmk as `make pdf` runs it (annotated_reader.pdf): Sphinx's
            # own Makefile reruns until the notes' position file stops
            # changing, which it never does.
            result.latexmk = timed([*LATEXMK, f"{PACK}.tex"], cwd=latex)
            if result.latexmk.ok:
                result.pdf_pages = pdf_pages(latex / f"{PACK}.pdf")

    print("  book: edit to screen under make serve", flush=True)
    copy = copy_project(work / "serve-src")
    try:
        measure_serve(copy, result, serve_edits, work / "serve.log")
    except Exception as error:  # reported, never silent
        result.serve_error = f"{type(error).__name__}: {error}"
    return result


def serve_edit_s(result: BookResult) -> float | None:
    return median(result.serve_edits) if result.serve_edits and not result.serve_error else None
