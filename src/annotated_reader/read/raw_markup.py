"""Raw markup is refused. Source text is text and the rest is the editors'
prose: markup typed into a page (an HTML block or inline tag that MyST passes
through, a ``{raw}`` directive, a ``javascript:`` link) is never written to
the output. Each is a warning at its line; HTML typed in the text is shown as
text instead. An edition may allow a few harmless tags
(``reader_allowed_html``); those are rebuilt from what was parsed, so what is
written is exactly what was checked."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from ..diagnostics import Warn, warn
from ..text import safe_url

# Tags that run code, load other documents or change how the page is read:
# never allowed, whatever the configuration says.
FORBIDDEN_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "link",
        "meta",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "option",
        "template",
        "noscript",
        "svg",
        "math",
        "portal",
        "dialog",
    ]
)
# Attributes an allowed tag may carry; anything else (event handlers such as
# ``onerror``, ``style``, ``srcdoc``...) makes the markup refused.
ALLOWED_ATTRIBUTES = frozenset(
    [
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "href",
        "src",
        "alt",
        "width",
        "height",
        "colspan",
        "rowspan",
    ]
)


VOID = frozenset(["area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"])


class _Checker(HTMLParser):
    """Parses a raw snippet; ``problems`` says what is refused, ``clean`` is the
    snippet rebuilt from what was parsed (comments dropped)."""

    def __init__(self, allowed: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.problems: list[str] = []
        self.parts: list[str] = []
        self.tags = 0
        self.opened: list[str] = []  # start tags, in order
        self.closed: list[str] = []  # end tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        self.opened.append(tag)
        refused = tag in FORBIDDEN_TAGS or tag not in self.allowed
        if refused:
            self.problems.append(f"<{tag}>")
        rebuilt = []
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"the attribute {name!r} of <{tag}>")
            elif name in ("href", "src") and not safe_url(value or ""):
                self.problems.append(f"the address {value!r}")
            else:
                rebuilt.append(f' {name}="{escape(value or "", quote=True)}"')
        if not refused:
            # Void elements closed as XHTML writes them (the e-book's pages are XML).
            self.parts.append(f"<{tag}{''.join(rebuilt)}{' /' if tag in VOID else ''}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        self.closed.append(tag)
        if tag in FORBIDDEN_TAGS or tag not in self.allowed:
            self.problems.append(f"</{tag}>")
        else:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}]>")

    @property
    def clean(self) -> str:
        return "".join(self.parts)


def check_html(text: str, allowed: frozenset[str]) -> _Checker:
    """The parsed snippet: what is refused (``problems``), the rebuilt snippet
    (``clean``), the tags it opens and closes."""
    checker = _Checker(allowed)
    checker.feed(text)
    checker.close()
    return checker


class RawDirective(SphinxDirective):
    """``{raw}`` in place of docutils' own: it never reads files or addresses,
    and what it holds is checked like any raw HTML (and refused by default)."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar = {
        "file": directives.path,
        "url": directives.uri,
        "encoding": directives.encoding,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        node = nodes.raw("", "\n".join(self.content), format=self.arguments[0].lower())
        self.set_source_info(node)
        node["reader_directive"] = True
        if "file" in self.options or "url" in self.options:
            node["reader_external"] = True
        return [node]


def _refusal(node: nodes.raw, problems: list[str], allowable: bool) -> str:
    what = ", ".join(dict.fromkeys(problems)) or "markup"
    if node.get("reader_directive"):
        return (
            f"the {{raw}} directive ({node['format']}) is not allowed: pages hold text and "
            "directives, and the build writes the markup. Use a directive (for download "
            "links, {bibliography-downloads}), or a code block to show markup"
        )
    tag = next((p.strip("</>") for p in problems if re.fullmatch(r"</?[a-z][a-z0-9-]*>", p)), "")
    example = f"<{tag}>" if tag else "<"
    fix = (
        f"To show it as text, escape the `<` (`\\{example}`) or put it in a code span"
        f" (`` `{example}` ``)"
    )
    if allowable:
        fix += "; to use these tags, add them to reader_allowed_html in conf.py"
    return f"raw HTML ({what}) is not allowed in pages and is shown as text. {fix}"


class RefuseRawMarkup(SphinxTransform):
    """Runs while each page is read, before Sphinx collects titles and text,
    so that nothing refused reaches a title, the search index or a writer."""

    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        allowed = frozenset(self.config.reader_allowed_html)
        # Inline HTML comes one tag at a time: the end tag of a refused start
        # tag is shown as text with it (the start tag's warning covers both).
        refused_in: dict[int, set[str]] = {}
        for node in list(self.document.findall(nodes.raw)):
            refused = refused_in.setdefault(id(node.parent), set())
            self.check_raw(node, allowed, refused)
        for ref in list(self.document.findall(nodes.reference)):
            if ref.get("refuri") and not safe_url(ref["refuri"]):
                warn(
                    Warn.UNSAFE_LINK,
                    f"link to {ref['refuri']!r} refused: links go to http(s), mailto or "
                    "relative addresses; write the address as text if it must be shown",
                    ref,
                )
                ref.replace_self(nodes.inline("", "", *ref.children))
        for image in list(self.document.findall(nodes.image)):
            if not safe_url(image.get("uri", "")):
                warn(
                    Warn.UNSAFE_LINK,
                    f"image address {image['uri']!r} refused: use a file of the project "
                    "or an http(s) address",
                    image,
                )
                image.parent.remove(image)

    def check_raw(self, node: nodes.raw, allowed: frozenset[str], refused: set[str]) -> None:
        formats = set(node.get("format", "").split())
        text = node.astext()
        parsed = check_html(text, allowed)
        problems = parsed.problems
        if formats != {"html"}:
            problems = [f"{' '.join(sorted(formats))} markup"]
        if node.get("reader_external"):
            problems = ["content read from a file or address"]
        if not problems and not parsed.tags and not parsed.clean.strip():
            node.parent.remove(node)  # only HTML comments: nothing to show
            return
        if not problems and refused.isdisjoint(parsed.closed):
            safe = nodes.raw("", parsed.clean, format="html")
            safe.source, safe.line = node.source, node.line
            node.replace_self(safe)
            return
        if problems:
            refused.update(parsed.opened)
            allowable = all(
                re.fullmatch(r"</?([a-z][a-z0-9-]*)>", p) and p.strip("</>") not in FORBIDDEN_TAGS
                for p in problems
            )
            warn(Warn.RAW_HTML, _refusal(node, problems, allowable), node)
        if node.get("reader_directive"):
            node.parent.remove(node)
        elif isinstance(node.parent, nodes.TextElement):
            node.replace_self(nodes.Text(text))
        else:
            shown = nodes.paragraph("", text.strip("\n"))
            shown.source, shown.line = node.source, node.line
            node.replace_self(shown)
