"""``annotated-reader new``: a reader that builds with ``make`` and passes
``make test`` at once. The files are in ``template/``: a sample source with
its capture, raw text and notes of several kinds, a chapter citing it, the
back matter, a complete briefing pack, the Makefile, the tests every edition
keeps, README and AUTHORING."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .. import __version__
from ..escape import escape_block

TEMPLATE = Path(__file__).parent / "template"
RENAMED = {"gitignore": ".gitignore"}  # package data leaves out dot files


class ScaffoldError(Exception):
    """The reader cannot be created; the message says why."""


def engine_requirement() -> str:
    """What a new reader's Makefile installs: this version of the engine."""
    pin = f"=={__version__}" if "unknown" not in __version__ else ""
    return f"annotated-reader[import,testing]{pin}"


def create(target: Path, title: str) -> Path:
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError('give the reader a title: --title "..."')
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} exists and is not empty; choose a new directory")
    values = {
        "@TITLE_PY@": json.dumps(title, ensure_ascii=False),  # a valid Python string
        "@TITLE_TOML@": json.dumps(title, ensure_ascii=False),  # a valid TOML string
        "@TITLE_MD@": escape_block(title),
        "@ENGINE@": engine_requirement(),
    }
    shutil.copytree(
        TEMPLATE, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    for path in sorted(target.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            path.write_text(text, encoding="utf-8")
    for old, new in RENAMED.items():
        (target / old).rename(target / new)
    (target / "scripts" / "install-system-deps.sh").chmod(0o755)
    return target
