"""The build driver behind ``make html``, ``make pdf`` and ``make epub``: strict Sphinx builds
that never publish anything wrong.

- Each build writes into a staging tree (``_build/.staging/``) and replaces
  the published directory (``_build/html``, ``_build/latex``, ``_build/pdf``,
  ``_build/epub``)
  only when it succeeds: a failed strict build leaves the previous output
  untouched.
- A marker file stays in the staging tree while a build runs. If a build
  fails or is interrupted (Ctrl-C, a crash), the marker is still there when
  the next build starts, which then throws the staging tree away and builds
  from scratch: pages written by a failed build are never published without
  their warnings being reported again, and a half-written search index never
  reaches the next build.
- One build at a time per tree: a second one says so and waits for the first
  to finish (an ``fcntl`` lock, released by the system whatever way the
  holder ends), so ``make -j`` and two terminals are serialised.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STRICT = ["-W", "--keep-going", "-n"]


def quiet() -> list[str]:
    """Sphinx shows its progress (reading and writing, N of M) in a terminal
    and keeps quiet in logs (CI)."""
    return [] if sys.stderr.isatty() else ["-q"]


class BuildError(Exception):
    """A build that cannot run or did not succeed; the message says why."""


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold the tree's build lock, waiting (and saying so) while another build holds it."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / ".lock"
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            print(
                f"annotated-reader build: another build is running in this tree (process "
                f"{holder}); waiting for it to finish (Ctrl-C to stop waiting)",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


class Stage:
    """The staging area of one builder: its output and doctrees, kept between
    builds so that a build after a successful one is incremental."""

    def __init__(self, build_dir: Path, name: str) -> None:
        self.root = build_dir / ".staging"
        self.out = self.root / name
        self.doctrees = self.root / "doctrees" / name
        self.marker = self.root / f"{name}.building"

    def begin(self) -> bool:
        """Mark the build as running; start afresh if the last one did not
        finish. Returns whether the build must be a fresh one."""
        fresh = self.marker.exists() or not self.doctrees.exists()
        if fresh:
            shutil.rmtree(self.out, ignore_errors=True)
            shutil.rmtree(self.doctrees, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("a build started here and has not finished\n", encoding="utf-8")
        return fresh

    def succeeded(self) -> None:
        self.marker.unlink()


def publish(staged: Path, published: Path, keep: tuple[str, ...] = ()) -> None:
    """Replace ``published`` by a copy of ``staged``. The copy is made beside
    it first and swapped in by renames, so a reader of ``published`` sees the
    old or the new tree. Entries named in ``keep`` are carried over from the
    old tree (the PDFs inside the site)."""
    incoming = published.with_name(f".{published.name}.incoming")
    outgoing = published.with_name(f".{published.name}.outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(staged, incoming, ignore=shutil.ignore_patterns(".buildinfo.bak"))
    for name in keep:
        if (published / name).exists() and not (incoming / name).exists():
            shutil.copytree(published / name, incoming / name)
    if published.exists():
        published.rename(outgoing)
    incoming.rename(published)
    shutil.rmtree(outgoing, ignore_errors=True)


def sphinx(
    builder: str, srcdir: Path, stage: Stage, fresh: bool, jobs: str, options: tuple[str, ...] = ()
) -> int:
    from sphinx.cmd.build import build_main

    args = ["-b", builder, *STRICT, *quiet(), *options, "-d", str(stage.doctrees), "-j", jobs]
    if fresh:
        args.append("-E")
    return build_main([*args, str(srcdir), str(stage.out)])


# Targets that are not Sphinx builder names: the builder behind each.
BUILDERS = {"pdf": "latex", "epub": "reader-epub"}


def build(
    target: str,
    srcdir: Path,
    build_dir: Path,
    jobs: str = "1",
    pack: str | None = None,
    notes: Path | None = None,
) -> list[Path]:
    """Build ``target`` (a Sphinx builder name, ``pdf`` or ``epub``) and
    publish it. Returns the published directories; raises BuildError on
    failure. A ``pdf`` of one ``pack`` or with a student's ``notes`` is the
    student's own: it goes to ``my-packs/``, leaving the edition's packs as
    they are."""
    srcdir, build_dir = srcdir.resolve(), build_dir.resolve()
    if not (srcdir / "conf.py").is_file():
        raise BuildError(f"no conf.py in {srcdir}: run the build in the reader's directory")
    if pack or notes:
        if target != "pdf":
            raise BuildError("a pack and notes (PACK=, NOTES=) go with `pdf` only")
        return build_own_pack(srcdir, build_dir, jobs, pack, notes)
    builder = BUILDERS.get(target, target)
    with build_lock(build_dir):
        stage = Stage(build_dir, builder)
        fresh = stage.begin()
        if sphinx(builder, srcdir, stage, fresh, jobs) != 0:
            raise BuildError(
                f"the {builder} build failed (warnings above); nothing was published, "
                f"{build_dir.name}/{target} is unchanged"
            )
        if target == "pdf":
            compile_pdfs(stage.out, srcdir)
        stage.succeeded()
        if target == "epub":  # the e-books only, not the pages they are made from
            return [publish_files(stage.out, "epub", build_dir)]
        published = [build_dir / builder]
        publish(stage.out, build_dir / builder, keep=("pdf", "epub") if builder == "html" else ())
        if target == "pdf":
            published.append(publish_files(stage.out, "pdf", build_dir))
        return published


def publish_files(staged: Path, suffix: str, build_dir: Path) -> Path:
    """Publish the ``*.<suffix>`` files of a build as ``_build/<suffix>/``,
    and copy them into the site, which links them."""
    files = build_dir / ".staging" / suffix
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir()
    for path in sorted(staged.glob(f"*.{suffix}")):
        shutil.copy2(path, files / path.name)
    publish(files, build_dir / suffix)
    site = build_dir / "html"
    if site.is_dir():
        shutil.copytree(files, site / suffix, dirs_exist_ok=True)
    return build_dir / suffix


def build_own_pack(
    srcdir: Path, build_dir: Path, jobs: str, pack: str | None, notes: Path | None
) -> list[Path]:
    """``make pdf PACK=… NOTES=…``: the pack (or every pack) with the notes a
    student exported from "My notes" in the margin, into ``my-packs/``."""
    options: tuple[str, ...] = ()
    if notes is not None:
        notes = notes.resolve()
        if not notes.is_file():
            raise BuildError(f"{notes} does not exist: export your notes from “My notes”")
        options = ("-D", f"reader_student_notes={notes}")
    with build_lock(build_dir):
        stage = Stage(build_dir, "latex-own")
        fresh = stage.begin()
        if sphinx("latex", srcdir, stage, fresh, jobs, options) != 0:
            raise BuildError("the latex build failed (warnings above); nothing was published")
        if pack is not None and not (stage.out / f"{pack}.tex").is_file():
            known = ", ".join(sorted(p.stem for p in stage.out.glob("*.tex")))
            raise BuildError(f"no pack {pack!r}; the packs are: {known}")
        compile_pdfs(stage.out, srcdir, only=pack)
        stage.succeeded()
        pdfs = build_dir / ".staging" / "my-packs"
        shutil.rmtree(pdfs, ignore_errors=True)
        pdfs.mkdir()
        for pdf in sorted(stage.out.glob("*.pdf")):
            if pack is None or pdf.stem == pack:
                shutil.copy2(pdf, pdfs / pdf.name)
        publish(pdfs, build_dir / "my-packs")
        return [build_dir / "my-packs"]


def compile_pdfs(latex_dir: Path, srcdir: Path, only: str | None = None) -> None:
    """Compile every pack (latexmk, xelatex), or the pack ``only``, one line
    each with its page count and time; a pack that fails says why and where
    its text came from."""
    from .pdf import compile_all

    if shutil.which("latexmk") is None:
        raise BuildError("latexmk is not installed: run `make system-deps` (TeX Live, xelatex)")
    failed = compile_all(latex_dir, srcdir, only)
    if failed:
        raise BuildError(f"{', '.join(failed)} failed; nothing was published.")
