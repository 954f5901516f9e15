"""``make bench``: build synthetic corpora of N sources in three variants
(ours, stock Jupyter Book, engine off) and the real book, and write
``benchmarks/RESULTS.md``, ``benchmarks/results.json`` and
``benchmarks/results-detail.json``.

    python -m benchmarks.run --sizes 5 50 200 500
    python -m benchmarks.run --sizes 5 --no-book          # a quick try
    python -m benchmarks.run --sizes --profile 200        # only the profile

Results of sizes not measured in this run are kept from the previous
``results-detail.json`` (``--fresh`` starts over), so a long size can be run
on its own. Corpora and build output go to ``benchmarks/_corpus/`` (ignored
by git); the project's own sources are only ever read, and the real book is
built from a temporary copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from . import corpus as gen
from .book import measure_book, serve_edit_s
from .measure import QUIET, Run, sphinx_html
from .profiling import profile
from .report import render_markdown, render_terminal, results_json

HERE = Path(__file__).resolve().parent
WORK = HERE / "_corpus"
DETAIL = HERE / "results-detail.json"
PACKAGES = (
    "sphinx",
    "docutils",
    "myst-parser",
    "sphinx-book-theme",
    "pydata-sphinx-theme",
    "sphinx-design",
    "sphinxcontrib-bibtex",
    "pybtex",
    "citeproc-py",
    "jinja2",
    "watchfiles",
    "annotated-reader",
)
EDITS = {
    "edit_note": gen.edit_note,
    "edit_chapter": gen.edit_chapter,
    "edit_bib": gen.edit_bib,
}


def machine() -> dict[str, Any]:
    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":" if ":" in line else "=", 1)[1].strip().strip('"')
        except OSError:
            pass
        return ""

    mem_kb = first("/proc/meminfo", "MemTotal").split()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem_kb[0]) / 2**20, 1) if mem_kb else None,
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "os": first("/etc/os-release", "PRETTY_NAME") or platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "commit": commit,
    }


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def fresh_build(src: Path, base: Path, tag: str, jobs: int = 1, *options: str) -> Run:
    out, doctrees = base / "out" / tag, base / "doctrees" / tag
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(doctrees, ignore_errors=True)
    return sphinx_html(src, out, doctrees, jobs, *options)


def show(label: str, run: Run) -> None:
    if run.ok:
        extra = f", {len(run.pages)} pages written" if run.pages else ""
        rss = f", {run.peak_rss_mb:.0f} MiB" if run.peak_rss_mb else ""
        print(f"    {label}: {run.seconds:.1f} s (CPU {run.cpu_s:.1f} s{rss}{extra})", flush=True)
    else:
        print(f"    {label}: FAILED: {run.error}", flush=True)


def warm_up() -> None:
    """One untimed build first, so that no variant pays for cold file caches."""
    base = WORK / "warm-up"
    src = gen.write_corpus(gen.make_corpus(3), base / "ours", "ours")
    print("Warm-up build (untimed)", flush=True)
    fresh_build(src, base, "ours")


def bench_size(n: int, repeats: int, edit_repeats: int) -> dict[str, Any]:
    base = WORK / f"n{n}"
    texts = gen.make_corpus(n)
    srcs = {v: gen.write_corpus(texts, base / v, v) for v in gen.VARIANTS}
    notes = sum(len(s.notes) for s in texts.sources)
    print(f"N = {n}: {n} sources, {len(texts.chapters)} chapters, {notes} notes", flush=True)
    record: dict[str, Any] = {
        "n": n,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "chapters": len(texts.chapters),
        "notes": notes,
        "repeats": repeats,
        "edit_repeats": edit_repeats,
        "load_before": loadavg(),
        "cold": {"ours": [], "stock": [], "engine_off": [], "ours_j2": [], "ours_nav_off": []},
        "incremental": {name: [] for name in ("noop", *EDITS)},
        "edited": {},
    }
    cold = record["cold"]
    # The variants take turns, in a rotating order, so that a burst of load
    # from elsewhere does not always hit the same one. Each has its own output.
    # "ours_nav_off" is ours with reader_navigation_cache = False.
    order = ["stock", "engine_off", "ours_j2", "ours_nav_off", "ours"]
    for r in range(repeats):
        for tag in order[r % len(order) :] + order[: r % len(order)]:
            variant = "ours" if tag.startswith("ours") else tag
            options = ("-D", "reader_navigation_cache=0") if tag == "ours_nav_off" else ()
            run = fresh_build(srcs[variant], base, tag, 2 if tag == "ours_j2" else 1, *options)
            cold[tag].append(asdict(run))
            show(f"cold {tag} #{r + 1}", run)
    # Incremental builds of ours, on the output of its last cold build.
    if cold["ours"][-1]["seconds"] is not None:
        out, doctrees = base / "out" / "ours", base / "doctrees" / "ours"
        for k in range(edit_repeats):
            run = sphinx_html(srcs["ours"], out, doctrees)
            record["incremental"]["noop"].append(asdict(run))
            show(f"no-op #{k + 1}", run)
        for name, edit in EDITS.items():
            for k in range(edit_repeats):
                try:
                    record["edited"][name] = edit(srcs["ours"], texts, k)
                except RuntimeError as error:
                    run = Run(None, error=f"could not edit: {error}")
                else:
                    run = sphinx_html(srcs["ours"], out, doctrees)
                record["incremental"][name].append(asdict(run))
                show(f"{name} #{k + 1}", run)
    else:
        for runs in record["incremental"].values():
            runs.append(asdict(Run(None, error="not run: our cold build failed")))
    record["load_after"] = loadavg()
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=[5, 50, 200, 500])
    parser.add_argument(
        "--repeats", type=int, default=None, help="cold builds per variant (default 3 if N <= 50)"
    )
    parser.add_argument("--edit-repeats", type=int, default=3, help="incremental builds per edit")
    parser.add_argument("--no-book", action="store_true", help="skip the real book")
    parser.add_argument("--profile", type=int, metavar="N", help="profile our cold build at N")
    parser.add_argument("--cprofile", action="store_true", help="with --profile, cProfile too")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite RESULTS.md from results-detail.json"
    )
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="before each build, wait up to this many seconds for other load to drop",
    )
    args = parser.parse_args(argv)
    QUIET["max_wait"] = args.quiet_wait

    detail: dict[str, Any] = {}
    if DETAIL.exists() and not args.fresh:
        detail = json.loads(DETAIL.read_text(encoding="utf-8"))
    if args.render:
        save(detail)
        print(render_terminal(detail))
        return 0
    detail["machine"] = machine()
    corpora = {c["n"]: c for c in detail.get("corpora", [])}
    WORK.mkdir(exist_ok=True)
    if args.sizes:
        warm_up()
    for n in args.sizes:
        repeats = args.repeats if args.repeats is not None else (3 if n <= 50 else 1)
        corpora[n] = bench_size(n, max(1, repeats), max(1, args.edit_repeats))
        detail["corpora"] = [corpora[k] for k in sorted(corpora)]
        save(detail)
    detail["corpora"] = [corpora[k] for k in sorted(corpora)]
    if not args.no_book:
        print("The real book", flush=True)
        book = measure_book(WORK / "book")
        detail["book"] = {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "cold_html": asdict(book.cold_html) if book.cold_html else None,
            "edit_note": asdict(book.edit_note) if book.edit_note else None,
            "latex": asdict(book.latex) if book.latex else None,
            "latexmk": asdict(book.latexmk) if book.latexmk else None,
            "pdf_s": book.pdf_s,
            "pdf_error": book.pdf_error,
            "pdf_pages": book.pdf_pages,
            "serve_edits": book.serve_edits,
            "serve_edit_s": serve_edit_s(book),
            "serve_error": book.serve_error,
            "serve_command": book.serve_command,
        }
        save(detail)
    if args.profile:
        detail["profile"] = profile(args.profile, WORK, with_cprofile=args.cprofile)
        save(detail)
    print(render_terminal(detail))
    return 0


def save(detail: dict[str, Any]) -> None:
    DETAIL.write_text(json.dumps(detail, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "results.json").write_text(
        json.dumps(results_json(detail), indent=2) + "\n", encoding="utf-8"
    )
    (HERE / "RESULTS.md").write_text(render_markdown(detail), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
