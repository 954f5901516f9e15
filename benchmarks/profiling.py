"""Profiles of our cold serial build. By default a sampling profile
(pyinstrument): its time split into the stages of a build, each sample going
to the innermost stage on its stack, and the top 25 lines by cumulative time.
Optionally cProfile too (``--cprofile``), whose per-call overhead inflates
call-heavy code such as citeproc and docutils' tree walks."""

from __future__ import annotations

import pstats
import re
import shutil
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

from . import corpus as gen
from .measure import STRICT, timed

# (stage, test on (file path, function)); the innermost matching frame wins.
STAGES: list[tuple[str, Any]] = [
    ("citeproc: CSL formatting", lambda p, f: "/citeproc/" in p),
    ("exports: cite/*.bib, .ris, .json", lambda p, f: f == "write_exports"),
    (
        "navigation: toctree rendering (theme and Sphinx)",
        lambda p, f: (
            "pydata_sphinx_theme/toctree.py" in p
            or "sphinx/environment/adapters/toctree.py" in p
            or (f.startswith("_get_local_toctree") or f in ("_get_toctree", "toctree"))
        ),
    ),
    ("bibliography: pybtex, sphinxcontrib-bibtex", lambda p, f: "pybtex" in p or "bibtex" in p),
    ("search index", lambda p, f: "sphinx/search/" in p or "snowballstemmer" in p),
    ("annotated_reader (own code)", lambda p, f: "annotated_reader" in p),
    ("reading: MyST and docutils parsing", lambda p, f: f == "read_doc"),
    (
        "post-transforms: reference resolution (Sphinx, bibtex)",
        lambda p, f: f == "apply_post_transforms",
    ),
    ("HTML: docutils translator", lambda p, f: f == "write_doc"),
    ("HTML: page templates (Jinja, other than navigation)", lambda p, f: f == "handle_page"),
    (
        "environment: pickling",
        lambda p, f: (
            "pickle" in f or (("pickle" in p or p == "<built-in>") and f in ("dump", "load"))
        ),
    ),
    (
        "plugins: importlib.metadata entry-point look-ups",
        lambda p, f: "importlib/metadata" in p,
    ),
    ("HTML: Jinja template loading and compiling", lambda p, f: "jinja2/loaders.py" in p),
]
OTHER = "other: start-up, imports, Sphinx core, I/O"
INTERVAL = 0.01  # seconds between samples (2 ms gave a 1.3 GB session at N = 200)


def _build_command(src: Path, out: Path, doctrees: Path) -> list[str]:
    return ["-m", "sphinx", "-b", "html", *STRICT, "-d", str(doctrees), str(src), str(out)]


def _fresh(base: Path) -> tuple[Path, Path]:
    out, doctrees = base / "out", base / "doctrees"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(doctrees, ignore_errors=True)
    return out, doctrees


def _short(text: str) -> str:
    text = re.sub(r"\S*/site-packages/", "", text)
    return re.sub(r"\S*/lib/python3\.\d+/", "stdlib/", text).rstrip()


def _package(filename: str) -> str:
    parts = Path(filename).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else filename
    if "annotated_reader" in parts:
        return "annotated_reader"
    if filename.startswith(("~", "<")):
        return "builtins (C)"
    for index, part in enumerate(parts):
        if re.fullmatch(r"python3\.\d+", part) and index + 1 < len(parts):
            return f"stdlib {parts[index + 1].removesuffix('.py')}"
    return filename


def summarise_pstats(stats_file: Path) -> dict[str, Any]:
    """Top 25 by cumulative time, top 15 by own time, own time by package."""
    stats = pstats.Stats(str(stats_file))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    result: dict[str, Any] = {"total_s": max((v[3] for v in raw.values()), default=0.0)}
    for key, count in (("cumulative", 25), ("tottime", 15)):
        buffer = StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.sort_stats(key).print_stats(count)
        text = buffer.getvalue()
        start = text.find("   ncalls")
        result[key] = _short(text[start:] if start >= 0 else text)
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in raw.items():
        totals[_package(filename)] = totals.get(_package(filename), 0.0) + tt
    result["by_package"] = sorted(totals.items(), key=lambda kv: -kv[1])[:15]
    return result


def cprofile(n: int, base: Path) -> dict[str, Any]:
    src = gen.write_corpus(gen.make_corpus(n), base / "ours", "ours")
    out, doctrees = _fresh(base)
    stats_file = base / "build.prof"
    stats_file.unlink(missing_ok=True)
    run = timed(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(stats_file),
            *_build_command(src, out, doctrees),
        ]
    )
    result: dict[str, Any] = {"seconds": run.seconds, "error": run.error}
    if not stats_file.exists():
        return result
    return {**result, **summarise_pstats(stats_file)}


def _walk(frame: Any, stage: str) -> Iterator[tuple[str, float]]:
    path, function = frame.file_path or "", frame.function or ""
    for name, test in STAGES:
        if test(path, function):
            stage = name
            break
    children = list(frame.children)
    yield stage, frame.time - sum(child.time for child in children)
    for child in children:
        yield from _walk(child, stage)


def sampling(n: int, base: Path) -> dict[str, Any]:
    try:
        from pyinstrument.renderers import PstatsRenderer
        from pyinstrument.session import Session
    except ImportError:
        return {"error": "pyinstrument is not installed (make .venv/.installed)"}
    src = gen.write_corpus(gen.make_corpus(n), base / "ours", "ours")
    out, doctrees = _fresh(base)
    session_file = base / "build.pyisession"
    session_file.unlink(missing_ok=True)
    run = timed(
        [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "pyisession",
            "-o",
            str(session_file),
            "-i",
            str(INTERVAL),
            *_build_command(src, out, doctrees),
        ]
    )
    result: dict[str, Any] = {"seconds": run.seconds, "error": run.error, "interval": INTERVAL}
    if not session_file.exists():
        return result
    session = Session.load(str(session_file))
    root = session.root_frame()
    if root is None:
        return {**result, "error": "empty profile"}
    stages: dict[str, float] = {}
    for stage, seconds in _walk(root, OTHER):
        stages[stage] = stages.get(stage, 0.0) + seconds
    result["stages"] = sorted(stages.items(), key=lambda kv: -kv[1])
    stats_file = base / "sampled.pstats"
    rendered = PstatsRenderer().render(session)  # marshal bytes, decoded with surrogateescape
    stats_file.write_bytes(rendered.encode("utf-8", errors="surrogateescape"))
    return {**result, **summarise_pstats(stats_file), "total_s": root.time}


def profile(n: int, work: Path, with_cprofile: bool = False) -> dict[str, Any]:
    """The sampling profile (and optionally cProfile) of our cold serial build at ``n``."""
    base = work / f"profile-n{n}"
    print(f"Profile: our cold build at N = {n} under pyinstrument", flush=True)
    result: dict[str, Any] = {"n": n, "sampling": sampling(n, base)}
    if with_cprofile:
        print(f"Profile: our cold build at N = {n} under cProfile", flush=True)
        result["cprofile"] = cprofile(n, base)
    return result
