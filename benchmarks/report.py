"""Turning the measurements (``results-detail.json``) into ``results.json``,
``RESULTS.md`` and the table printed in the terminal."""

from __future__ import annotations

from typing import Any

from .measure import median

COLD = {
    "cold_s": "ours",
    "stock_cold_s": "stock",
    "engine_off_cold_s": "engine_off",
    "cold_j2_s": "ours_j2",
    "cold_nav_off_s": "ours_nav_off",
}
INCREMENTAL = {
    "noop_s": "noop",
    "edit_note_s": "edit_note",
    "edit_chapter_s": "edit_chapter",
    "edit_bib_s": "edit_bib",
}
LABELS = {
    "cold_s": "cold, ours",
    "stock_cold_s": "cold, stock (Jupyter Book 1)",
    "engine_off_cold_s": "cold, engine off",
    "cold_j2_s": "cold, ours, -j 2",
    "cold_nav_off_s": "cold, ours, navigation cache off",
    "noop_s": "no-op rebuild",
    "edit_note_s": "one note edited",
    "edit_chapter_s": "one chapter edited",
    "edit_bib_s": "one bibliography entry edited",
}
SHORT = {
    "cold_s": "ours",
    "stock_cold_s": "stock",
    "engine_off_cold_s": "engine off",
    "cold_j2_s": "ours -j2",
    "cold_nav_off_s": "ours, nav. cache off",
    "noop_s": "no-op",
    "edit_note_s": "note",
    "edit_chapter_s": "chapter",
    "edit_bib_s": "bib",
}


def runs_of(record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    if key in COLD:
        return list(record["cold"].get(COLD[key], []))
    return list(record["incremental"].get(INCREMENTAL[key], []))


def value(runs: list[dict[str, Any]]) -> tuple[float | None, str | None]:
    """The median of the runs, or None and why (one failed run makes it None)."""
    if not runs:
        return None, "not run"
    failed = [r for r in runs if r["seconds"] is None]
    if failed:
        return None, failed[0]["error"] or "failed"
    return median([r["seconds"] for r in runs]), None


def peak_rss(record: dict[str, Any], variant: str = "ours") -> float | None:
    runs = record["cold"].get(variant, [])
    if not runs or any(r["seconds"] is None for r in runs):
        return None
    values = [r["peak_rss_mb"] for r in runs if r["peak_rss_mb"]]
    return max(values) if values else None


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def corpus_summary(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": record["n"]}
    for key in (*COLD, *INCREMENTAL):
        out[key] = _round(value(runs_of(record, key))[0])
    out["peak_rss_mb"] = _round(peak_rss(record), 1)
    return out


def book_summary(book: dict[str, Any] | None) -> dict[str, Any]:
    if not book:
        return {"cold_html_s": None, "pdf_s": None, "serve_edit_s": None}
    cold = book.get("cold_html") or {}
    return {
        "cold_html_s": _round(cold.get("seconds")),
        "pdf_s": _round(book.get("pdf_s")),
        "serve_edit_s": _round(book.get("serve_edit_s")),
    }


def results_json(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": detail.get("machine", {}),
        "corpora": [corpus_summary(r) for r in detail.get("corpora", [])],
        "book": book_summary(detail.get("book")),
    }


# -- Markdown --------------------------------------------------------------------


def _s(x: float | None) -> str:
    if x is None:
        return "null"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def _ratio(x: float | None, base: float | None) -> str:
    if x is None or not base:
        return "–"
    return f"{x / base:.2f}×"


def _pages(runs: list[dict[str, Any]]) -> str:
    ok = [r for r in runs if r["seconds"] is not None]
    if not ok:
        return "–"
    counts = sorted({len(r["pages"]) for r in ok})
    pages = ok[0]["pages"]
    shown = ", ".join(p.removesuffix(".html") for p in pages[:6])
    if len(pages) > 6:
        shown += f", … ({len(pages) - 6} more)"
    count = "/".join(str(c) for c in counts)
    return f"{count}: {shown}" if pages else "0"


def _others(runs: list[dict[str, Any]]) -> str:
    ok = [r for r in runs if r["seconds"] is not None]
    if not ok or not ok[0]["other_files"]:
        return "–"
    return ", ".join(f"{folder} {count}" for folder, count in sorted(ok[0]["other_files"].items()))


def size_table(record: dict[str, Any]) -> list[str]:
    stock = value(runs_of(record, "stock_cold_s"))[0]
    ours = value(runs_of(record, "cold_s"))[0]
    lines = [
        f"### N = {record['n']}",
        "",
        f"{record['n']} sources, {record['chapters']} chapters, {record['notes']} notes; "
        f"{record['date']}; cold builds ×{record['repeats']}, incremental ×{record['edit_repeats']}; "
        f"load average before {record.get('load_before')} and after {record.get('load_after')}.",
        "",
        "| build | median (s) | runs (s) | CPU (s) | × stock cold | × ours cold | peak RSS (MiB) | cores busy before (%) | HTML pages written | other files written |",
        "|---|---:|---|---:|---:|---:|---:|---|---|---|",
    ]
    notes = []
    for key, label in LABELS.items():
        runs = runs_of(record, key)
        seconds, error = value(runs)
        if error:
            notes.append(f"- {label}: null, {error}")
        times = ", ".join(_s(r["seconds"]) for r in runs)
        cpu = median([r["cpu_s"] for r in runs if r["seconds"] is not None])
        rss = [r["peak_rss_mb"] for r in runs if r["peak_rss_mb"]]
        is_cold = key in COLD
        busy = ", ".join(
            f"{100 * r['busy_before']:.0f}" for r in runs if r.get("busy_before") is not None
        )
        lines.append(
            f"| {label} | {_s(seconds)} | {times} | {_s(cpu)} | {_ratio(seconds, stock)} | "
            f"{_ratio(seconds, ours)} | {f'{max(rss):.0f}' if rss else '–'} | {busy} | "
            f"{'all' if is_cold else _pages(runs)} | {'–' if is_cold else _others(runs)} |"
        )
    edited = record.get("edited", {})
    lines += [
        "",
        "Edited: note on `{}`, chapter `{}`, bibliography entry `{}`. Pages written are "
        "counted from output modification times (first run; `a/b` when the runs differ)."
        "".format(
            edited.get("edit_note", "–"),
            edited.get("edit_chapter", "–"),
            edited.get("edit_bib", "–"),
        ),
    ]
    if notes:
        lines += ["", "Failures:", "", *notes]
    return [*lines, ""]


def summary_table(corpora: list[dict[str, Any]]) -> list[str]:
    keys = [*COLD, *INCREMENTAL]
    header = "| N | " + " | ".join(SHORT[k] for k in keys) + " | peak RSS (MiB) |"
    lines = [header, "|---:|" + "---:|" * (len(keys) + 1)]
    for record in corpora:
        stock = value(runs_of(record, "stock_cold_s"))[0]
        cells = []
        for key in keys:
            seconds = value(runs_of(record, key))[0]
            ratio = "" if key == "stock_cold_s" else f" ({_ratio(seconds, stock)})"
            cells.append(_s(seconds) + (ratio if seconds is not None else ""))
        rss = peak_rss(record)
        stock_rss = peak_rss(record, "stock")
        rss_cell = f"{rss:.0f} ({_ratio(rss, stock_rss)})" if rss else "null"
        lines.append(f"| {record['n']} | " + " | ".join(cells) + f" | {rss_cell} |")
    return lines


def cpu_table(corpora: list[dict[str, Any]]) -> list[str]:
    """CPU seconds of the serial builds: less disturbed by other load than wall time."""
    keys = ["cold_s", "stock_cold_s", "engine_off_cold_s", *INCREMENTAL]
    lines = [
        "| N | " + " | ".join(SHORT[k] for k in keys) + " |",
        "|---:|" + "---:|" * len(keys),
    ]
    for record in corpora:
        stock = median([r["cpu_s"] for r in runs_of(record, "stock_cold_s") if r["seconds"]])
        cells = []
        for key in keys:
            ok = [r["cpu_s"] for r in runs_of(record, key) if r["seconds"] is not None]
            cpu = median(ok)
            ratio = "" if key == "stock_cold_s" or cpu is None else f" ({_ratio(cpu, stock)})"
            cells.append(_s(cpu) + ratio)
        lines.append(f"| {record['n']} | " + " | ".join(cells) + " |")
    return lines


def targets(detail: dict[str, Any]) -> list[str]:
    by_n = {r["n"]: r for r in detail.get("corpora", [])}

    def get(n: int, key: str) -> float | None:
        return value(runs_of(by_n[n], key))[0] if n in by_n else None

    def cpu(n: int, key: str) -> float | None:
        if n not in by_n or get(n, key) is None:
            return None
        return median([r["cpu_s"] for r in runs_of(by_n[n], key)])

    rows = []

    def row(target: str, measured: str, ok: bool | None, info: bool = False) -> None:
        verdict = "not measured" if ok is None else ("met" if ok else "**missed**")
        verdict = "(for reference)" if info else verdict
        rows.append(f"| {target} | {measured} | {verdict} |")

    ours, stock = get(500, "cold_s"), get(500, "stock_cold_s")
    if ours and stock:
        c_ours, c_stock = cpu(500, "cold_s"), cpu(500, "stock_cold_s")
        row(
            "N = 500: ours ≥ 3× faster than stock",
            f"stock/ours = {stock / ours:.2f} (CPU: {(c_stock or 0) / (c_ours or 1):.2f})",
            stock / ours >= 3,
        )
    else:
        row("N = 500: ours ≥ 3× faster than stock", "–", None)
    parallel = get(500, "cold_j2_s")
    if parallel and stock:
        row(
            "N = 500: ours with -j 2 (`make html` uses every core) vs stock",
            f"stock/ours = {stock / parallel:.2f}",
            None,
            info=True,
        )
    a, b = get(50, "cold_s"), get(500, "cold_s")
    ca, cb = cpu(50, "cold_s"), cpu(500, "cold_s")
    row(
        "growth: cold(500)/cold(50) ≤ 11",
        f"{b / a:.1f} (CPU: {(cb or 0) / (ca or 1):.1f})" if a and b else "–",
        (b / a <= 11) if a and b else None,
    )
    a, b = get(50, "cold_s"), get(200, "cold_s")
    ca, cb = cpu(50, "cold_s"), cpu(200, "cold_s")
    if a and b:
        row(
            "growth: cold(200)/cold(50) (content grows 4×)",
            f"{b / a:.1f} (CPU: {(cb or 0) / (ca or 1):.1f})",
            None,
            info=True,
        )
    cold = get(200, "cold_s")
    for key, label in (("noop_s", "no-op"), ("edit_note_s", "one-note edit")):
        x = get(200, key)
        cx, ccold = cpu(200, key), cpu(200, "cold_s")
        row(
            f"N = 200: {label} ≤ 10 % of cold",
            f"{100 * x / cold:.0f} % (CPU: {100 * (cx or 0) / (ccold or 1):.0f} %)"
            if x and cold
            else "–",
            (x / cold <= 0.10) if x and cold else None,
        )
    if 200 in by_n:
        runs = [r for r in by_n[200]["incremental"]["edit_note"] if r["seconds"] is not None]
        edited = by_n[200].get("edited", {}).get("edit_note", "")
        # Sphinx itself always rewrites genindex and search, and the page whose
        # toctree lists the edited page (index); no page shows a note's backlinks.
        allowed = {f"{edited}.html", "index.html", "genindex.html", "search.html"}
        pages = runs[0]["pages"] if runs else None
        row(
            "N = 200: a note edit rewrites only its page (and its backlink pages)",
            f"{len(pages)} pages written: {', '.join(pages[:6])}" if pages is not None else "–",
            None if pages is None else set(pages) <= allowed,
        )
    else:
        row("N = 200: a note edit rewrites only its page (and its backlink pages)", "–", None)
    overheads = []
    for n in sorted(by_n):
        x, off = get(n, "cold_s"), get(n, "engine_off_cold_s")
        cx, coff = cpu(n, "cold_s"), cpu(n, "engine_off_cold_s")
        if x and off:
            overheads.append((n, x / off - 1, (cx or 0) / (coff or 1) - 1))
    if overheads:
        worst = max(o for _n, o, _c in overheads)
        text = ", ".join(f"N={n}: {100 * o:+.0f} % (CPU {100 * c:+.0f} %)" for n, o, c in overheads)
        row("engine overhead (ours vs engine off) ≤ 20 %", text, worst <= 0.20)
    else:
        row("engine overhead (ours vs engine off) ≤ 20 %", "–", None)
    # The navigation cache is part of the engine and saves more than the rest
    # costs; without it, what the annotations themselves cost.
    own = [
        (n, get(n, "cold_nav_off_s") / get(n, "engine_off_cold_s") - 1)
        for n in sorted(by_n)
        if get(n, "cold_nav_off_s") and get(n, "engine_off_cold_s")
    ]
    if own:
        row(
            "ours with the navigation cache off vs engine off",
            ", ".join(f"N={n}: {100 * o:+.0f} %" for n, o in own),
            None,
            info=True,
        )
    rss = peak_rss(by_n[500]) if 500 in by_n else None
    row(
        "N = 500: peak memory < 1 GiB",
        f"{rss:.0f} MiB" if rss else "–",
        (rss < 1024) if rss else None,
    )
    book = book_summary(detail.get("book"))
    pdf, serve = book["pdf_s"], book["serve_edit_s"]
    raw_book = detail.get("book") or {}
    pdf_cpu = sum((raw_book.get(k) or {}).get("cpu_s", 0.0) for k in ("latex", "latexmk"))
    row(
        "complete-reader PDF < 60 s",
        f"{pdf:.1f} s (CPU {pdf_cpu:.1f} s)" if pdf else "–",
        (pdf < 60) if pdf else None,
    )
    row(
        "make serve: edit to screen ≤ 2 s",
        f"{serve:.2f} s" if serve else "–",
        (serve <= 2) if serve else None,
    )
    return [
        "Verdicts use wall time, as the issue states its targets; CPU figures in brackets.",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *rows,
    ]


def book_section(book: dict[str, Any] | None) -> list[str]:
    if not book:
        return ["Not measured in any run yet (`--no-book`)."]
    summary = book_summary(book)
    cold = book.get("cold_html") or {}
    edit = book.get("edit_note") or {}
    latex = book.get("latex") or {}
    latexmk = book.get("latexmk") or {}

    def reason(run: dict[str, Any]) -> str:
        return f" ({run.get('error')})" if run and run.get("error") else ""

    serve_runs = ", ".join(_s(x) for x in book.get("serve_edits", []))
    pages = book.get("pdf_pages")
    lines = [
        f"Measured {book.get('date')}, each step on a temporary copy of the project.",
        "",
        "| measurement | seconds | notes |",
        "|---|---:|---|",
        f"| cold HTML (`sphinx-build -b html`, strict) | {_s(summary['cold_html_s'])} | "
        f"CPU {_s(cold.get('cpu_s'))} s, peak RSS {_s(cold.get('peak_rss_mb'))} MiB{reason(cold)} |",
        f"| one note edited, HTML incremental | {_s(edit.get('seconds'))} | "
        f"{len(edit.get('pages', []))} pages written: "
        f"{', '.join(p.removesuffix('.html') for p in edit.get('pages', [])[:8])}{reason(edit)} |",
        f"| complete-reader PDF (latex build + latexmk) | {_s(summary['pdf_s'])} | "
        f"latex build {_s(latex.get('seconds'))} s, latexmk {_s(latexmk.get('seconds'))} s"
        f"{f', {pages} pages' if pages else ''}{' (' + book['pdf_error'] + ')' if book.get('pdf_error') else ''} |",
        f"| `make serve`: note edited → new text served over HTTP | {_s(summary['serve_edit_s'])} | "
        f"median of {serve_runs or 'no runs'}"
        f"{' (' + book['serve_error'] + ')' if book.get('serve_error') else ''} |",
        "",
        f"`make serve` command line used: `{' '.join(book.get('serve_command', '').split())}`",
    ]
    return lines


def _pstats_lines(result: dict[str, Any], label: str) -> list[str]:
    total = result.get("total_s") or 1
    lines = [
        f"{label}: top 25 by cumulative time:",
        "",
        "```",
        result["cumulative"],
        "```",
        "",
        "Own time summed by package (a compiled Jinja template counts as jinja2 or "
        "as the theme it comes from):",
        "",
        "| package | own time (s) | share |",
        "|---|---:|---:|",
    ]
    for name, seconds in result.get("by_package", []):
        lines.append(f"| {name} | {seconds:.1f} | {100 * seconds / total:.0f} % |")
    return [*lines, "", "Top 15 by own time:", "", "```", result.get("tottime", ""), "```", ""]


def profile_section(profile: dict[str, Any] | None) -> list[str]:
    if not profile:
        return ["No profile yet: `make bench N= PROFILE=200`."]
    n = profile["n"]
    lines: list[str] = []
    sampled = profile.get("sampling") or {}
    if sampled.get("stages"):
        total = sampled.get("total_s") or 1
        lines += [
            f"Our cold serial build at N = {n} under pyinstrument (sampling every "
            f"{1000 * sampled.get('interval', 0.002):.0f} ms): "
            f"{_s(sampled.get('seconds'))} s wall, {_s(total)} s sampled.",
            "",
            "**Where the time goes.** Each sample counts once, for the innermost stage on "
            "its stack, so the stages add up to the whole build: citeproc called from the "
            "engine counts as citeproc, the rest of the engine's own code as "
            "annotated_reader, what the theme's navigation code calls as navigation.",
            "",
            "| stage | seconds | share |",
            "|---|---:|---:|",
        ]
        for name, seconds in sampled["stages"]:
            lines.append(f"| {name} | {seconds:.1f} | {100 * seconds / total:.0f} % |")
        lines.append("")
        if sampled.get("cumulative"):
            lines += _pstats_lines(
                sampled,
                "The same samples as pstats (a sampling profiler knows no call counts, "
                "shown as -1; recursive functions count their time once per level)",
            )
    elif sampled.get("error"):
        lines += [f"Sampling profile failed: {sampled['error']}", ""]
    cprof = profile.get("cprofile") or {}
    if cprof.get("cumulative"):
        lines += _pstats_lines(
            cprof,
            f"**cProfile** of the same build ({_s(cprof.get('seconds'))} s wall under the "
            "profiler; its per-call cost inflates call-heavy code such as citeproc and "
            "docutils tree walks)",
        )
    elif cprof.get("error"):
        lines += [f"The cProfile build failed: {cprof['error']}", ""]
    return lines


def machine_lines(machine: dict[str, Any]) -> list[str]:
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items() if v)
    return [
        f"{machine.get('cpu')}, {machine.get('cores')} cores, {machine.get('memory_gib')} GiB, "
        f"{machine.get('os')}, Python {machine.get('python')}; project commit "
        f"{machine.get('commit')}.",
        "",
        f"Packages: {packages}.",
    ]


INTRO = """# Benchmark results

`make bench` (`python -m benchmarks.run`) generates synthetic corpora and
times them against two baselines built from the same texts in the same run,
then times the real book. Figures are medians of repeated runs; the "runs"
column shows each run and the load average is recorded, because other builds
may share this 2-core machine. A build that fails or warns is reported as
null with the reason. Every build is strict (`-W --keep-going -n`), so each
figure is also a check that the corpus builds with zero warnings.

**The corpus** (`benchmarks/corpus.py`): N sources × 20 paragraphs (with a
`##` heading of the original) equal to `sources/raw/<key>.txt`, 22 notes a
source (all six kinds, 80 % anchored on a phrase that occurs once), N/5
chapters (at least one) of 30 `{passage}`/`{quote}` references (a quarter
are quotes, some ranges) reaching into every source, a glossary of 20 + N/10
terms used from notes and chapters, a timeline, a concordance, how to cite,
a bibliography (one `keywords = {source}` entry a source plus 8 + N/50 other
works cited with `{cite:p}`), one briefing pack of everything, and the real
book's `conf.py`.

**Variants**, from the same texts:

- **ours**: the reader's syntax, the book's `conf.py`.
- **stock**: what a Jupyter Book 1 user gets: plain MyST, notes as
  `{margin}`, passage links as `{ref}` to `(label)=` targets, `{doc}` links,
  stock sphinx-book-theme with `sphinx_book_theme` in `extensions`,
  sphinxcontrib-bibtex with the stock `alpha` style (`plain` numbers each of
  the two bibliography lists from 1 and then warns about duplicate labels)
  and `author_year` citations; no annotated_reader. The concordance, how to
  cite, timeline and pack pages are written out by hand (as static Markdown).
- **engine off**: our configuration and theme without the engine. We chose to
  keep `annotated_reader` **out of `extensions`**, with every other setting
  of the book's `conf.py` kept and the extension's CSS, JavaScript and
  citeproc bibliography style added from `conf.py`, because loading the
  extension would still run its per-page hooks and its export writing (the
  BibTeX/RIS/CSL-JSON files of every entry) on pages that use none of its
  directives: that is engine cost, which this variant must not contain. The
  pages are the stock pages with notes as plain paragraphs instead of
  `{margin}`.
- **ours, navigation cache off**: ours with `reader_navigation_cache =
  False`. The engine renders the navigation tree once per folder instead of
  once per page (the same bytes, tested), which engine off and stock do not;
  this build shows what the rest of the engine costs.

**Incremental builds** run on ours after its last cold build: a no-op
rebuild, then one note's text edited (a note on the middle source), one
sentence of prose in the first chapter edited, one source's title in
`references.bib` edited; each repeated with a new edit. "Pages written"
compares the output files' modification times before and after.

**Peak RSS** is the largest sum of the resident memory of the build's
process tree, sampled every 50 ms from `/proc` (for `-j 2` the forked
workers share pages, so the sum overstates).
"""


def render_markdown(detail: dict[str, Any]) -> str:
    corpora = detail.get("corpora", [])
    lines = [INTRO, "## Machine", "", *machine_lines(detail.get("machine", {})), ""]
    lines += [
        "## Summary",
        "",
        "Seconds (median); in brackets the ratio to the stock cold build of the same run.",
        "",
        *summary_table(corpora),
        "",
        "CPU seconds of the serial builds (user + system of the process tree), which "
        "other load on the machine disturbs less than wall time; in brackets the ratio "
        "to stock:",
        "",
        *cpu_table(corpora),
        "",
        "## Targets of issue 13",
        "",
        *targets(detail),
        "",
        "## By corpus size",
        "",
    ]
    for record in corpora:
        lines += size_table(record)
    lines += ["## The real book", "", *book_section(detail.get("book")), ""]
    lines += ["## Profile", "", *profile_section(detail.get("profile")), ""]
    return "\n".join(lines)


def render_terminal(detail: dict[str, Any]) -> str:
    out = ["", *summary_table(detail.get("corpora", [])), ""]
    book = book_summary(detail.get("book"))
    out.append(
        f"book: cold HTML {_s(book['cold_html_s'])} s, complete-reader PDF {_s(book['pdf_s'])} s, "
        f"make serve edit to screen {_s(book['serve_edit_s'])} s"
    )
    out += ["", *targets(detail), "", "Written: benchmarks/RESULTS.md, benchmarks/results.json"]
    return "\n".join(out)
