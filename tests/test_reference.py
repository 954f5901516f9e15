"""docs/reference.md cannot drift from the extension: every directive,
directive option, role, configuration value, bibliography style, object type
and warning subtype that the extension registers is documented there, with a
sentence and an example, and everything documented there exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
import sphinxcontrib.bibtex.plugin
from docutils.parsers.rst import directives, roles
from pybtex.plugin import find_plugin
from sphinx.testing.util import SphinxTestApp

from annotated_reader.cite.csl import STYLES
from annotated_reader.cite.style import PREFIX
from annotated_reader.config import OPTIONS
from annotated_reader.diagnostics import Warn
from conftest import PROJECT

REFERENCE = PROJECT / "docs" / "reference.md"
COLLECT = PROJECT / "src" / "annotated_reader" / "read" / "collect.py"


@dataclass
class Entry:
    name: str
    body: str

    @property
    def examples(self) -> list[str]:
        return re.findall(r"^(`{3,})[^\n]*\n(.*?)^\1$", self.body, re.MULTILINE | re.DOTALL)

    @property
    def options(self) -> set[str]:
        return set(re.findall(r"^- `:([\w-]+):`", self.body, re.MULTILINE))


def documented() -> dict[str, dict[str, Entry]]:
    """``{section: {name: entry}}`` from the ``## Section`` and ``### `name` ``
    headings of the reference (code fences skipped)."""
    sections: dict[str, dict[str, Entry]] = {}
    section = entry = None
    fence = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        marker = re.match(r"^(`{3,})", line)
        if marker and (not fence or marker.group(1) == fence):
            fence = "" if fence else marker.group(1)
        elif not fence and line.startswith("## "):
            section, entry = line[3:].strip(), None
            sections[section] = {}
            continue
        elif not fence and line.startswith("### "):
            name = re.fullmatch(r"### `\{?([^`{}]+)\}?`", line)
            assert name and section, f"write the heading as ### `name`: {line!r}"
            entry = Entry(name.group(1), "")
            sections[section][entry.name] = entry
            continue
        if entry is not None:
            entry.body += line + "\n"
    return sections


DOCS = documented()


@dataclass
class Registered:
    directives: dict[str, type]
    roles: set[str]
    config: set[str]
    domains: dict


def registered(root: Path, extensions: list[str]) -> Registered:
    """What a Sphinx application with ``extensions`` has registered."""
    root.mkdir()
    (root / "conf.py").write_text(
        f"extensions = {extensions!r}\nbibtex_bibfiles = ['refs.bib']\n", encoding="utf-8"
    )
    (root / "refs.bib").write_text("", encoding="utf-8")
    (root / "index.md").write_text("# Index\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=root, status=StringIO(), warning=StringIO())
    try:
        return Registered(
            dict(directives._directives),  # type: ignore[attr-defined]
            set(roles._roles),  # type: ignore[attr-defined]
            {value.name for value in app.config},
            {name: app.env.domains[name] for name in ("reader",) if name in app.env.domains},
        )
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Registered:
    """What annotated_reader adds to the two extensions it loads itself."""
    root = tmp_path_factory.mktemp("registry")
    base = registered(root / "base", ["myst_parser", "sphinxcontrib.bibtex"])
    full = registered(root / "full", ["annotated_reader"])
    return Registered(
        {n: d for n, d in full.directives.items() if n not in base.directives},
        full.roles - base.roles,
        full.config - base.config,
        full.domains,
    )


def test_the_reference_has_every_section():
    assert set(DOCS) >= {
        "Page fields",
        "Directives",
        "Roles",
        "Configuration values",
        "Bibliography styles",
        "Objects",
        "Warnings",
    }


def test_every_entry_has_a_sentence_and_an_example():
    for section, entries in DOCS.items():
        for name, entry in entries.items():
            prose = [
                line
                for line in re.sub(r"^(`{3,}).*?^\1$", "", entry.body, flags=re.M | re.S).split(
                    "\n"
                )
                if line.strip()
            ]
            assert prose, f"{section} {name}: say what it is"
            assert entry.examples, f"{section} {name}: give an example"


def test_directives(ours):
    assert set(DOCS["Directives"]) == set(ours.directives)


def test_directive_options(ours):
    for name, directive in ours.directives.items():
        options = set(getattr(directive, "option_spec", None) or {})
        assert DOCS["Directives"][name].options == options, name


def test_roles_and_their_reader_domain_twins(ours):
    assert set(DOCS["Roles"]) == ours.roles
    assert set(ours.domains["reader"].roles) == ours.roles


def test_configuration_values_with_their_one_line_docs(ours):
    assert set(DOCS["Configuration values"]) == ours.config == {o.name for o in OPTIONS}
    for option in OPTIONS:
        assert option.doc in DOCS["Configuration values"][option.name].body, option.name


def test_bibliography_styles():
    names = {PREFIX + style for style in STYLES}
    assert set(DOCS["Bibliography styles"]) == names
    for name in names:
        assert find_plugin("pybtex.style.formatting", name)
        assert sphinxcontrib.bibtex.plugin.find_plugin(
            "sphinxcontrib.bibtex.style.referencing", name
        )


def test_objects_of_the_reader_domain(ours):
    types = {f"reader:{name}" for name in ours.domains["reader"].object_types}
    assert set(DOCS["Objects"]) == types


def test_warning_subtypes_with_an_example_of_each():
    assert set(DOCS["Warnings"]) == {w.value for w in Warn}
    for subtype, entry in DOCS["Warnings"].items():
        (_fence, example), *_ = entry.examples
        assert re.match(r"^[\w/.-]+:\d+: WARNING: ", example), subtype
        assert example.rstrip().endswith(f"[annotated_reader.{subtype}]"), subtype


def test_page_fields_are_those_the_read_phase_reads():
    read = set(re.findall(r"""meta(?:\.get\(|\[)["'](\w+)["']""", COLLECT.read_text("utf-8")))
    assert set(DOCS["Page fields"]) == read
