"""The extension as another project installs it. pyproject.toml declares
ranges whose lower bounds constraints-oldest.txt pins, and the book's exact
versions (constraints.txt) fall within them. A wheel built from the sources
goes into fresh virtual environments, never as an editable install: with the
newest releases that the ranges allow (plain pip resolution from PyPI) it
builds examples/minimal strictly with alabaster and with furo; with the
oldest it builds the example and passes the extension's own tests.

The environment tests need PyPI and take minutes: `pytest -m "not install"`
leaves them out locally; `make test` (CI) runs them. pip's cache is reused."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import annotated_reader
from conftest import PROJECT, soup

PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PYPROJECT["version"]
RUNTIME = [Requirement(r) for r in PYPROJECT["dependencies"]]
EXTRAS = {
    extra: [Requirement(r) for r in reqs]
    for extra, reqs in PYPROJECT["optional-dependencies"].items()
}
OLDEST = PROJECT / "constraints-oldest.txt"
LOCKED = PROJECT / "constraints.txt"
# The extension's own tests, run against the oldest releases.
OWN_TESTS = [
    "tests/test_engine.py",
    "tests/test_errors.py",
    "tests/test_build_modes.py",
    "tests/test_intersphinx.py",
    "tests/test_reference.py",
]
EXAMPLE = PROJECT / "examples" / "minimal"
THEME_STYLESHEETS = {"alabaster": "_static/alabaster.css", "furo": "_static/styles/furo.css"}


def pins(path: Path) -> dict[str, Version]:
    """``name==version`` lines of a pip constraints file, by canonical name."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            found[canonicalize_name(name)] = Version(version)
    return found


def lower_bound(requirement: Requirement) -> Version | None:
    bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return bounds[0] if len(bounds) == 1 else None


# -- the declared ranges ------------------------------------------------------------


def test_dependencies_are_ranges_with_their_lower_bounds_pinned_in_constraints_oldest():
    oldest = pins(OLDEST)
    for requirement in RUNTIME:
        assert lower_bound(requirement), f"{requirement}: give the oldest release tested as >="
    for requirement in [r for reqs in [RUNTIME, *EXTRAS.values()] for r in reqs]:
        assert not any(s.operator in ("==", "===", "~=") for s in requirement.specifier), (
            f"{requirement}: a range, not a pin (exact versions go in constraints.txt)"
        )
    # What the oldest-releases test installs: the engine and its testing extra.
    # (The book's own tools in `dev` run at constraints.txt's versions only.)
    tested = [r for r in [*RUNTIME, *EXTRAS["testing"]] if r.specifier]
    for requirement in tested:
        name = canonicalize_name(requirement.name)
        assert oldest.get(name) == lower_bound(requirement), f"{name} in {OLDEST.name}"
    assert set(oldest) == {canonicalize_name(r.name) for r in tested}


def test_the_book_versions_fall_within_the_ranges():
    locked = pins(LOCKED)
    for requirement in [*RUNTIME, *(r for reqs in EXTRAS.values() for r in reqs)]:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is missing from constraints.txt: run make constraints"
        assert requirement.specifier.contains(locked[name], prereleases=True), requirement


def test_the_version_is_written_once():
    """pyproject.toml holds the version; the package reads it from the
    installed metadata, and no other file writes it."""
    assert annotated_reader.__version__ == VERSION
    written = [
        str(path.relative_to(PROJECT))
        for path in [*PROJECT.glob("src/**/*.py"), PROJECT / "conf.py"]
        if re.search(rf"""["']{re.escape(VERSION)}["']""", path.read_text(encoding="utf-8"))
    ]
    assert written == []


# -- fresh environments from a wheel -------------------------------------------------


def run(command: list, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run outside this test's own environment (no virtualenv or path leaks)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of what it is made of, so that setuptools'
    work files stay out of the work tree."""
    root = tmp_path_factory.mktemp("wheel")
    tree = root / "tree"
    shutil.copytree(
        PROJECT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, tree / name)
    ok(run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root, tree], root))
    return next(root.glob("annotated_reader-*.whl"))


def pip(python: Path, *arguments: str | Path) -> list:
    """This environment's pip, working on another environment."""
    return [sys.executable, "-m", "pip", "--python", python, *arguments]


def environment(path: Path, *install: str | Path) -> Path:
    """A new virtual environment with ``install`` (pip arguments); its python."""
    ok(run([sys.executable, "-m", "venv", "--without-pip", path], path.parent))
    python = path / "bin" / "python"
    ok(run(pip(python, "install", "-q", *install), path.parent))
    return python


def installed_versions(python: Path) -> dict[str, Version]:
    listing = json.loads(ok(run(pip(python, "list", "--format=json"), python.parent)))
    return {canonicalize_name(p["name"]): Version(p["version"]) for p in listing}


def assert_installed_from_the_wheel(python: Path, env: Path) -> None:
    probe = (
        "import annotated_reader, importlib.metadata as m, json; "
        "print(json.dumps([annotated_reader.__file__, annotated_reader.__version__, "
        "m.distribution('annotated-reader').read_text('direct_url.json')]))"
    )
    where, version, direct_url = json.loads(ok(run([python, "-c", probe], env.parent)))
    assert Path(where).is_relative_to(env) and "site-packages" in where
    assert version == VERSION
    origin = json.loads(direct_url)
    assert origin["url"].endswith(".whl") and not origin.get("dir_info", {}).get("editable")


def build_example(python: Path, root: Path, theme: str) -> Path:
    """A strict build of a copy of examples/minimal with ``theme``."""
    src, out = root / f"example-{theme}", root / f"html-{theme}"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("_build"))
    command = [python, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q"]
    ok(run([*command, "-D", f"html_theme={theme}", src, out], root))
    page = soup(out / "sources" / "marlow2024.html")
    assert len(page.select("div.ar-para")) == 3
    assert page.select_one("aside.ar-note[data-kind=gloss]")
    assert "3 numbered paragraphs, 1 note" in page.select_one(".ar-source-info").get_text()
    assert page.select_one(f'link[href*="{THEME_STYLESHEETS[theme]}"]'), theme
    chapter = soup(out / "themes" / "libraries.html")
    assert [a["href"] for a in chapter.select("a.ar-passage")] == [
        f"../sources/marlow2024.html#p{n}" for n in (1, 2, 3)
    ]
    return out


@pytest.mark.install
def test_newest_releases_build_the_example_with_alabaster_and_furo(wheel, tmp_path):
    python = environment(tmp_path / "env", wheel, "furo")
    assert_installed_from_the_wheel(python, tmp_path / "env")
    ok(run(pip(python, "check"), tmp_path))
    # Plain resolution takes releases at least as new as the book's.
    installed, locked = installed_versions(python), pins(LOCKED)
    for requirement in RUNTIME:
        name = canonicalize_name(requirement.name)
        assert installed[name] >= locked[name], name
    for theme in ("alabaster", "furo"):
        build_example(python, tmp_path, theme)


@pytest.mark.install
def test_oldest_releases_build_the_example_and_pass_the_extension_tests(wheel, tmp_path):
    python = environment(tmp_path / "env", "-c", OLDEST, wheel, "pytest", "beautifulsoup4")
    assert_installed_from_the_wheel(python, tmp_path / "env")
    ok(run(pip(python, "check"), tmp_path))
    installed, oldest = installed_versions(python), pins(OLDEST)
    assert {name: installed.get(name) for name in oldest} == oldest
    build_example(python, tmp_path, "alabaster")
    tests = run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not book",
            f"--basetemp={tmp_path / 'pytest'}",
            *OWN_TESTS,
        ],
        PROJECT,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
