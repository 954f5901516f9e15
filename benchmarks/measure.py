"""Timing one Sphinx build: wall time, CPU time of the process tree, peak RSS
of the process tree (sampled from /proc), warnings, and which output files
the build wrote (compared by modification time)."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STRICT = ("-W", "--keep-going", "-n", "-q")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    """One timed command. ``seconds`` is None when it failed; ``error`` says why."""

    seconds: float | None
    cpu_s: float = 0.0
    peak_rss_mb: float | None = None
    error: str | None = None
    busy_before: float | None = None  # share of all cores busy just before it started
    pages: list[str] = field(default_factory=list)  # .html files written
    other_files: dict[str, int] = field(default_factory=dict)  # other files written, by folder

    @property
    def ok(self) -> bool:
        return self.seconds is not None


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (shared pages count once per process)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        stack += _children(pid)
    return total


class RssSampler(threading.Thread):
    """Samples the RSS of a process tree every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.available = Path(f"/proc/{pid}/statm").exists()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values), idle


def busy_share(interval: float = 0.5) -> float | None:
    """The share of all cores busy over ``interval`` seconds (None off Linux)."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(interval)
        total1, idle1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


# Set by run.py: how long to wait for other work on the machine to calm down.
QUIET = {"max_wait": 30.0, "busy": 0.35}


def wait_quiet() -> float | None:
    """Wait (at most ``QUIET["max_wait"]`` s) until under ``QUIET["busy"]`` of
    the cores are busy; return the last share seen."""
    end = time.monotonic() + QUIET["max_wait"]
    share = busy_share()
    while share is not None and share > QUIET["busy"] and time.monotonic() < end:
        share = busy_share(1.0)
    return share


def snapshot(folder: Path) -> dict[str, int]:
    """Modification times (ns) of every file under ``folder``."""
    times: dict[str, int] = {}
    if not folder.is_dir():
        return times
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                times[os.path.relpath(path, folder)] = os.stat(path).st_mtime_ns
    return times


def _written(before: dict[str, int], after: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    changed = sorted(p for p, t in after.items() if before.get(p) != t)
    pages = [p for p in changed if p.endswith(".html") and not p.startswith("_")]
    others: dict[str, int] = {}
    for p in changed:
        if p in pages:
            continue
        top = p.split(os.sep, 1)[0] + ("/" if os.sep in p else "")
        others[top] = others.get(top, 0) + 1
    return pages, others


def _summarise(stderr: str, returncode: int) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    warnings = [line for line in lines if "WARNING" in line or "ERROR" in line]
    shown = (warnings or lines)[:3]
    count = f"{len(warnings)} warning(s)/error(s); " if warnings else ""
    return f"exit {returncode}: {count}" + " | ".join(s[-300:] for s in shown)


def timed(
    cmd: list[str],
    cwd: Path | None = None,
    watch: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``cmd``; time it, sample its tree's RSS, and list what it wrote under ``watch``."""
    before = snapshot(watch) if watch else {}
    busy = wait_quiet()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile(mode="w+") as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, text=True, env=env
            )
        except OSError as error:
            return Run(None, error=f"could not start {cmd[0]}: {error}", busy_before=busy)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            sampler.stop()
            return Run(None, error=f"timed out after {timeout:.0f} s", busy_before=busy)
        elapsed = time.perf_counter() - start
        sampler.stop()
        err.seek(0)
        stderr = err.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    rss = sampler.peak / 2**20 if sampler.available and sampler.peak else None
    pages, others = _written(before, snapshot(watch)) if watch else ([], {})
    if returncode != 0:
        return Run(None, cpu, rss, _summarise(stderr, returncode), busy, pages, others)
    return Run(elapsed, cpu, rss, None, busy, pages, others)


def sphinx_html(src: Path, out: Path, doctrees: Path, jobs: int = 1, *options: str) -> Run:
    """A strict HTML build, as ``make html`` runs it (zero warnings or it fails)."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", *STRICT, *options]
    if jobs != 1:
        cmd += ["-j", str(jobs)]
    cmd += ["-d", str(doctrees), str(src), str(out)]
    return timed(cmd, watch=out)


def median(values: list[float]) -> float | None:
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
