"""The package reads as its data flow: modules import each other without a
cycle, nothing outside ``write/`` imports a writer, and nothing about this
edition (its title, source keys, theme or pack slugs) is written into it."""

from __future__ import annotations

import ast
import re
import runpy
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from pybtex.database import parse_file

from conftest import PROJECT, THEMES

PACKAGE = PROJECT / "src" / "annotated_reader"
NAME = PACKAGE.name


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    # The new reader's files (conf.py with @TITLE@ slots) are templates, not modules.
    if not path.is_relative_to(PACKAGE / "scaffold" / "template")
}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(module: str) -> set[str]:
    """Every module the module imports when it is imported: module-level
    statements, including those inside ``try``/``if``, but not those under
    ``if TYPE_CHECKING:`` or inside functions."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from .. import nodes`` imports the submodule ``nodes``, not
                # the names of the package's ``__init__``.
                submodules = {f"{base}.{a.name}" for a in node.names} & MODULES.keys()
                found.update(submodules)
                if len(submodules) < len(node.names):
                    found.add(base)
            elif isinstance(node, ast.If) and is_type_checking(node):
                visit(node.orelse)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for block in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, block, []):
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def internal_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports. Python also initialises
    the parent packages of whatever it imports; those implicit edges are left
    out, as every module would otherwise depend on ``__init__`` (``setup``)."""
    return {
        module: {name for name in runtime_imports(module) if name in MODULES and name != module}
        for module in MODULES
    }


def test_the_import_graph_has_no_cycle():
    graph = internal_graph()
    assert len(graph) > 10 and any(graph.values())  # the parser found the package's imports
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    assert set(order) == set(MODULES)


def test_the_cycle_check_sees_a_cycle():
    """The checker itself: a cycle made of the real graph plus one edge back."""
    graph = internal_graph()
    graph[f"{NAME}.text"] = graph[f"{NAME}.text"] | {f"{NAME}.domain"}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError:
        return
    raise AssertionError("a cycle domain -> text -> domain went unnoticed")


def test_nothing_outside_write_depends_on_a_builder():
    """read/, domain, resolve and cite/ are builder-neutral: no writer of
    this package or of Sphinx, and no particular builder."""
    builder_specific = re.compile(
        rf"^({NAME}\.write(\.|$)|sphinx\.writers\.|sphinx\.builders\.(?!$)\w)"
    )
    setup_module = NAME  # __init__.setup registers the writers' visitors
    offending = {
        module: sorted(name for name in runtime_imports(module) if builder_specific.match(name))
        for module in MODULES
        if module != setup_module and not module.startswith(f"{NAME}.write")
    }
    assert {m: names for m, names in offending.items() if names} == {}


def edition_facts() -> dict[str, str]:
    """What belongs to this edition only: {text: where it comes from}."""
    conf = runpy.run_path(str(PROJECT / "conf.py"))
    facts = {conf["project"]: "conf.py project", conf["html_title"]: "conf.py html_title"}
    facts[conf["reader_title"]] = "conf.py reader_title"
    for key in parse_file(str(PROJECT / "references.bib"), bib_format="bibtex").entries:
        facts[key] = "references.bib"
    for slug in THEMES:
        facts[slug] = "themes/ front matter"
    packs = tomllib.loads((PROJECT / "packs.toml").read_text(encoding="utf-8"))["packs"]
    for slug, pack in packs.items():
        facts[slug] = "packs.toml"
        facts[pack["title"]] = "packs.toml title"
    return facts


def test_the_extension_knows_nothing_of_this_edition():
    facts = edition_facts()
    assert facts
    files = [
        p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".css", ".js", ".sty"}
    ]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for fact, origin in facts.items():
            # Whole words: a slug like "trade" may be an ordinary word in a comment.
            pattern = re.escape(fact) if " " in fact else rf"(?<![\w-]){re.escape(fact)}(?![\w-])"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(PROJECT)}:{line}: {fact!r} ({origin})")
    assert found == []
