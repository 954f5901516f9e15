"""The briefing packs' PDFs from the LaTeX build: latexmk (xelatex) on each
``.tex`` file, one line per pack with its page count and time. When a pack
fails, the message says what went wrong and which source page it came from:
a character that no font has names the character and the lines of the
source files that contain it.

    python -m annotated_reader.pdf _build/latex [--srcdir .]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

LATEXMK = [
    "latexmk",
    *("-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-silent"),
    # annotatedreader.sty keeps the positions of notes and paragraphs in
    # <job>.arpos, which changes on every run; only the decisions it writes
    # to the .aux file should make latexmk run again.
    "-e",
    "$hash_calc_ignore_pattern{'arpos'} = '^';",
]
# Where the text of a page can come from, besides the page itself (glossary
# terms, bibliography fields, pack titles).
TEXT_FILES = ("*.md", "*.rst", "*.bib", "*.toml")
SKIP_DIRS = {"_build", ".venv", "node_modules", ".git"}


@dataclass
class Built:
    pdf: Path
    pages: int
    seconds: float


class PackFailed(Exception):
    """A pack did not compile; the message says where and what to change."""


def build_pdf(tex: Path, srcdir: Path) -> Built:
    """Compile one pack; raise ``PackFailed`` with an explanation."""
    start = time.monotonic()
    result = subprocess.run(
        [*LATEXMK, tex.name],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LATEXOPTS": os.environ.get("LATEXOPTS", "")},
    )
    log_path = tex.with_suffix(".log")
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    if result.returncode != 0:
        tex.with_suffix(".pdf").unlink(missing_ok=True)  # never leave a half-made pack
        raise PackFailed(explain(tex, log, srcdir) or f"{tex.name}: {result.stdout[-2000:]}")
    pages = re.search(r"Output written on .*?\((\d+) pages?", log)
    return Built(
        tex.with_suffix(".pdf"), int(pages.group(1)) if pages else 0, time.monotonic() - start
    )


def explain(tex: Path, log: str, srcdir: Path) -> str:
    """The first error of a LaTeX log, located in the .tex file and the sources."""
    error = re.search(r"^! (.*?)$(.*?)^l\.(\d+)", log, re.MULTILINE | re.DOTALL)
    if error is None:
        return ""
    message, line = error.group(1), int(error.group(3))
    where = f"{tex.name}:{line}"
    docname = page_at(tex, line)
    lost = re.search(r"There is no (.) \(U\+([0-9A-F]+)\) in font ([^!/]+)", log)
    if message.startswith("Missing character") and lost:
        char, font = chr(int(lost.group(2), 16)), lost.group(3).strip()
        name = unicodedata.name(char, "unnamed")
        found = find_char(char, srcdir, docname)
        places = ", ".join(found) if found else f"page {docname or '?'}"
        return (
            f"{places}: error: no font has the character {char!r} (U+{lost.group(2)} {name}; "
            f"looked in {font}), set in {where}. Write it another way, or give its "
            "script a font with \\arscriptfonts (see AUTHORING.md, 'Fonts')."
        )
    return f"{where}: LaTeX error: {message.strip()} (in page {docname or '?'}; see {tex.with_suffix('.log')})"


def page_at(tex: Path, line: int) -> str:
    """The page a line of a pack's .tex file was written from: Sphinx labels
    the start of each page ``\\label{\\detokenize{<docname>::doc}}``."""
    docname = ""
    with tex.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if number > line:
                break
            for found in re.findall(r"\\label\{\\detokenize\{([^}]+)::doc\}\}", text):
                docname = found
    return docname


def find_char(char: str, srcdir: Path, docname: str) -> list[str]:
    """``file:line`` of each line that contains ``char``, in the page first,
    else in any text file of the edition."""
    candidates = sorted(srcdir.glob(f"{docname}.*")) if docname else []
    for pattern in () if candidates else TEXT_FILES:
        candidates += [
            p
            for p in sorted(srcdir.rglob(pattern))
            if not SKIP_DIRS & set(p.relative_to(srcdir).parts)
        ]
    found = []
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if char in line:
                found.append(f"{path.relative_to(srcdir)}:{number}")
    return found


def compile_all(latex_dir: Path, srcdir: Path, only: str | None = None) -> list[str]:
    """Compile every pack (or the pack ``only``), printing one line each; the
    packs that failed (each explained on stderr)."""
    failed = []
    for tex in sorted(latex_dir.glob("*.tex")):
        if only is not None and tex.stem != only:
            continue
        try:
            built = build_pdf(tex, srcdir.resolve())
        except PackFailed as error:
            print(error, file=sys.stderr)
            failed.append(tex.stem)
            continue
        print(f"{built.pdf.name:<32} {built.pages:>4} pages {built.seconds:>5.0f} s", flush=True)
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("latexdir", type=Path, help="the LaTeX builder's output directory")
    parser.add_argument("--srcdir", type=Path, default=Path("."), help="the edition's sources")
    args = parser.parse_args(argv)
    if not any(args.latexdir.glob("*.tex")):
        print(
            f"error: no .tex files in {args.latexdir}; run the LaTeX build first", file=sys.stderr
        )
        return 1
    return 1 if compile_all(args.latexdir, args.srcdir) else 0


if __name__ == "__main__":
    sys.exit(main())
