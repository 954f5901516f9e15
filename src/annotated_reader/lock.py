"""``annotated-reader lock [SRCDIR]``: publish a new edition of the
paragraphs deliberately. It reads the book as a build does, reports what
changed since the last lock and every passage reference whose target text
changed, and writes the lock file (see ``pinning``)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from io import StringIO
from pathlib import Path

from sphinx.application import Sphinx

from .domain import ReaderDomain
from .pinning import COMMAND, affected_refs, changed_numbers, compare, read_lock, render_lock

# Problems that mean a page does not hold the author's text: it is not pinned.
_TEXT_PROBLEMS = ("raw_mismatch", "raw_missing", "raw_html", "not_utf8")


def read_book(srcdir: Path) -> tuple[Sphinx, str]:
    """Read every page as a build does (output in a temporary directory);
    returns the application and its warnings, less those about the lock
    (which this command is about to rewrite)."""
    warnings = StringIO()
    with tempfile.TemporaryDirectory() as out:
        app = Sphinx(
            str(srcdir),
            str(srcdir),
            str(Path(out, "out")),
            str(Path(out, "doctrees")),
            "dummy",
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    lines = warnings.getvalue().splitlines(keepends=True)
    return app, "".join(w for w in lines if "[annotated_reader.paragraph_" not in w)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Pin the paragraphs of every source (publish a new edition deliberately).",
    )
    parser.add_argument("srcdir", nargs="?", default=".", help="the book (where conf.py is)")
    args = parser.parse_args(argv)
    srcdir = Path(args.srcdir).resolve()
    app, warnings = read_book(srcdir)
    path = Path(srcdir, app.config.reader_paragraph_lock or "sources/paragraphs.lock")
    old = read_lock(path) if path.is_file() else {}
    if warnings:
        print(warnings, end="", file=sys.stderr)
    blocking = [w for w in warnings.splitlines() if any(p in w for p in _TEXT_PROBLEMS)]
    if blocking:
        print(
            "Not locked: the warnings above show pages that do not hold their text.",
            file=sys.stderr,
        )
        return 1
    domain = app.env.domains["reader"]
    assert isinstance(domain, ReaderDomain)
    report = []
    for key, page in sorted(domain.sources.items()):
        pinned = old.get(key)
        if pinned is None:
            count = len(page.paragraphs)
            report.append(f"{key}: {count} paragraph{'s' * (count != 1)} pinned for the first time")
            continue
        report += [f"{key}: {c.describe(pinned)}" for c in compare(pinned, page)]
        for ref in affected_refs(domain.refs, key, changed_numbers(pinned, page)):
            source = Path(ref.data_file or app.env.doc2path(ref.docname)).relative_to(srcdir)
            target = f"{ref.key}:{ref.start}" + (f"-{ref.end}" if ref.end != ref.start else "")
            now = page.span_text(ref.start, ref.end)[:70]
            report.append(f"  check {source}:{ref.lineno}: {target} now reads '{now}…'")
    report += [f"{key}: removed from the edition" for key in sorted(set(old) - set(domain.sources))]
    text = render_lock(list(domain.sources.values()))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        print(f"{path.relative_to(srcdir)} is up to date.")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print("\n".join(report) if report else "Paragraphs unchanged.")
    count = sum(len(p.paragraphs) for p in domain.sources.values())
    print(
        f"Wrote {path.relative_to(srcdir)}: {len(domain.sources)} sources, {count} paragraphs. "
        "Commit it with the pages."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
