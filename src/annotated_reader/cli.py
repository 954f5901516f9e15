"""The ``annotated-reader`` command: ``new`` (a reader that builds and passes
its tests at once), ``add-source`` (import one text) and ``build`` (the
staged, locked builds behind ``make html``, ``make pdf`` and ``make epub``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build

    try:
        published = build(
            args.target,
            Path(args.source),
            Path(args.out),
            jobs=args.jobs,
            pack=args.pack or None,
            notes=Path(args.notes) if args.notes else None,
        )
    except BuildError as error:
        print(f"annotated-reader build: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "annotated-reader build: interrupted; nothing was published, and the next "
            "build starts afresh",
            file=sys.stderr,
        )
        return 130
    for path in published:
        print(f"published {path}")
    return 0


def cmd_add_source(args: argparse.Namespace) -> int:
    from .importer import ImportError_, add_source

    overrides = {
        name: getattr(args, name) or "" for name in ("title", "author", "date", "url", "site")
    }
    root = Path(args.root).resolve()
    try:
        done = add_source(
            root, Path(args.input), args.key, args.start or "", args.end or "", overrides
        )
    except ImportError_ as error:
        print(f"annotated-reader add-source: {error}", file=sys.stderr)
        return 1
    key = done.key
    print(
        f"Imported {key}: {done.paragraphs} paragraph{'s' * (done.paragraphs != 1)}"
        + (f", {done.headings} heading{'s' * (done.headings != 1)}" if done.headings else "")
        + "."
    )
    for path in done.written:
        print(
            f"  {'updated' if path.name in ('references.bib', 'index.md') else 'wrote'} "
            f"{path.relative_to(root)}"
        )
    steps = []
    if done.missing:
        print(
            f"Not found in the capture, marked todo in references.bib (entry at line "
            f"{done.bib_line}): {', '.join(done.missing)}."
        )
        steps.append(
            f"Fill in the todo fields of @misc{{{key}}} in references.bib (line {done.bib_line}) "
            "from the original; the build fails until you do. Delete a field the original "
            "does not give."
        )
    steps += [
        f"Read sources/{key}.md against the original: the body must be the author's text, "
        "word for word. If it holds too much, delete the three files written above, the "
        "entry and the index line, and import again with --start and --end.",
        f'Complete "About this text" in sources/{key}.md with what you know of the author, '
        "date and licence.",
        'Write notes after the paragraphs they annotate (AUTHORING.md, "A source page").',
        "Add the page to any pack in packs.toml that should contain it (a pack with "
        "complete = true must).",
        "If the edition pins its paragraphs (sources/paragraphs.lock), run "
        "`annotated-reader lock` to pin the new text's.",
        f"make html, then open _build/html/sources/{key}.html.",
    ]
    print("Next:")
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from .lock import main as lock

    return lock([args.srcdir])


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, create

    try:
        target = create(Path(args.dir), args.title)
    except ScaffoldError as error:
        print(f"annotated-reader new: {error}", file=sys.stderr)
        return 1
    print(f"Created the reader {args.title!r} in {target}.")
    print("Next:")
    print(f"  cd {target}")
    print("  make          # the site in _build/html and the briefing packs in _build/pdf")
    print("  make test     # the checks every edition must pass")
    print("  annotated-reader add-source page.html --key smith2024   # import your first text")
    print("Then read AUTHORING.md: it opens with a ten-minute walkthrough.")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="annotated-reader",
        description="Annotated editions of source texts: create a reader, import texts, build.",
    )
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main.add_subparsers(dest="command", required=True)

    new = commands.add_parser("new", help="create a new reader in DIR")
    new.add_argument("dir", help="the directory to create (must not exist or be empty)")
    new.add_argument("--title", required=True, help="the reader's title")
    new.set_defaults(run=cmd_new)

    add = commands.add_parser(
        "add-source",
        help="import a text from a saved web page (.html) or a text capture (.txt)",
    )
    add.add_argument("input", help="the saved page (.html) or text capture (.txt)")
    add.add_argument("--key", required=True, help="the source's key, e.g. smith2024")
    add.add_argument("--start", help="the first words of the body (cut what comes before)")
    add.add_argument("--end", help="the last words of the body (cut what comes after)")
    for name in ("title", "author", "date", "url", "site"):
        add.add_argument(f"--{name}", help=f"the {name} (overrides what was extracted)")
    add.add_argument("--root", default=".", help="the reader's directory (default: here)")
    add.set_defaults(run=cmd_add_source)

    lock = commands.add_parser(
        "lock",
        help="pin the paragraphs of every source (publish a new edition deliberately)",
    )
    lock.add_argument("srcdir", nargs="?", default=".", help="the book (where conf.py is)")
    lock.set_defaults(run=cmd_lock)

    build = commands.add_parser(
        "build",
        help="a strict build, published only if it succeeds (html, latex, pdf, epub ...)",
    )
    build.add_argument("target", help="html, pdf, epub, latex or another Sphinx builder")
    build.add_argument("--source", default=".", help="the reader's directory (default: here)")
    build.add_argument("--out", default="_build", help="the build directory (default: _build)")
    build.add_argument(
        "-j",
        "--jobs",
        default="auto",
        help="parallel processes: a number, or auto (the default: one per core)",
    )
    build.add_argument("--pack", default="", help="pdf: only this pack, into my-packs/")
    build.add_argument(
        "--notes",
        default="",
        help="pdf: a student's notes exported from “My notes” (JSON-LD), in the margin; "
        "the PDFs go to my-packs/",
    )
    build.set_defaults(run=cmd_build)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
