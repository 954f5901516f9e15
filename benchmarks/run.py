"""Benchmark: build time of synthetic corpora of N sources (each 20 paragraphs
and 20 anchored notes) and N/5 chapters (each 30 passage references), with
the book theme, full and incremental (one chapter edited). Prints a Markdown
table with the machine it ran on; results are recorded in RESULTS.md."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "_corpus"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10 50 100").split()]
WORDS = [
    "harbour",
    "trade",
    "ship",
    "port",
    "tariff",
    "alliance",
    "treaty",
    "summit",
    "market",
    "defence",
]

CONF = """
extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "reader-apa"
exclude_patterns = ["_build", "sources/raw"]
html_theme = "sphinx_book_theme"
"""


def sentence(i: int, j: int) -> str:
    words = [WORDS[(i * 7 + j * 3 + k) % len(WORDS)] for k in range(12)]
    return f"Paragraph {j} of source {i} says {' '.join(words)} and mark{i}x{j} here."


def make_corpus(root: Path, sources: int) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "sources" / "raw").mkdir(parents=True)
    (root / "themes").mkdir()
    (root / "conf.py").write_text(CONF)
    bib, toc = [], []
    for i in range(sources):
        key = f"src{i:04d}"
        bib.append(
            f"@misc{{{key}, author = {{Author{i}, A.}}, title = {{Source {i}}}, year = {{2020}}, keywords = {{source}}}}"
        )
        paras = [sentence(i, j) for j in range(1, 21)]
        (root / "sources" / "raw" / f"{key}.txt").write_text("\n\n".join(paras) + "\n")
        body = []
        for j, para in enumerate(paras, start=1):
            body.append(para)
            body.append(
                f":::{{annotation}} gloss\n:anchor: mark{i}x{j}\n:themes: t{i % max(1, sources // 5)}\nA note.\n:::"
            )
        page = f"---\nsource: {key}\nraw: raw/{key}.txt\n---\n\n# Source {i}\n\n```{{source-info}}\n```\n\n"
        (root / "sources" / f"{key}.md").write_text(page + "\n\n".join(body) + "\n")
        toc.append(f"sources/{key}")
    for t in range(max(1, sources // 5)):
        refs = "\n\n".join(
            f"See {{passage}}`src{(t * 5 + r) % sources:04d}:{r % 20 + 1}`." for r in range(30)
        )
        (root / "themes" / f"t{t}.md").write_text(
            f"---\ntheme: t{t}\n---\n\n# Theme {t}\n\n{refs}\n"
        )
        toc.append(f"themes/t{t}")
    (root / "refs.bib").write_text("\n".join(bib) + "\n")
    (root / "index.md").write_text("# Bench\n\n```{toctree}\n" + "\n".join(toc) + "\n```\n")


def timed_build(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(root), str(root / "_build")],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    print("\n| sources | chapters | notes | full build (s) | incremental, one chapter edited (s) |")
    print("|---:|---:|---:|---:|---:|")
    for n in SIZES:
        root = CORPUS / f"n{n}"
        make_corpus(root, n)
        full = timed_build(root)
        chapter = root / "themes" / "t0.md"
        chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
        incremental = timed_build(root)
        print(f"| {n} | {max(1, n // 5)} | {n * 20} | {full:.1f} | {incremental:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
