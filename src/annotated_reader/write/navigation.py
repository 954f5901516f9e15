"""The navigation tree on every HTML page, rendered once per folder.

Sphinx renders the whole navigation tree again for each page, and themes
parse and rework it per page, so a book's build grows with the square of its
pages: at 200 sources this was a third of the build. Yet within one folder
the tree differs from page to page only in the marks of the current page: its
link (``href="#"``, class ``current``) and its ancestors (class ``current``;
``active`` and an open ``<details>`` in themes built on pydata-sphinx-theme).
So the tree is rendered once per folder for a page that is in no toctree,
and each page's marks are put into that text.

Two layers, each used only where its result is the same as the uncached one
(the tests compare whole sites built both ways, byte for byte):

- Sphinx's ``toctree()`` template function, for every theme, when it is asked
  for an uncollapsed tree (a collapsed one differs from page to page);
- pydata-sphinx-theme's ``generate_toctree_html`` (sphinx-book-theme's
  sidebar), for the sidebar of the whole tree (``startdepth=0``).

``reader_navigation_cache = False`` turns both off."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import escape
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

Match = re.Match[str]

# A page name that no project has: the page that is in no toctree.
NEUTRAL = "_reader_navigation_"

_TAGS = re.compile(r"<(/?)(ul|li|details|a)\b([^>]*)>")
_LINK = re.compile(r'<a class="reference internal" href="([^"#]*)(#[^"]*)?">')
_LEVEL = re.compile(r'(class="toctree-l\d+)')


class Tree:
    """A navigation tree as rendered for a page in no toctree, and where the
    marks of each page it links to go: read once per folder, so that marking
    a page costs the length of its branch, not of the tree."""

    def __init__(self, html: str) -> None:
        self.html = html
        # href -> (its link, the link's open ancestors, its own subtree's <details>)
        self.links: dict[str, list[tuple[Match, list[Match], Match | None]]] = {}
        self.sections: dict[str, list[Match]] = {}  # href -> links to its sections
        stack: list[Match] = []
        tags = list(_TAGS.finditer(html))
        for index, tag in enumerate(tags):
            closing, name = tag.group(1), tag.group(2)
            if name != "a":
                if not closing:
                    stack.append(tag)
                else:
                    while stack and stack.pop().group(2) != name:
                        pass
                continue
            link = _LINK.fullmatch(tag.group())
            if closing or link is None:
                continue
            href, section = link.groups()
            if section:
                self.sections.setdefault(href, []).append(tag)
                continue
            after = next((t for t in tags[index + 1 :] if t.group() != "</a>"), None)
            details = after if after is not None and after.group() == "<details>" else None
            self.links.setdefault(href, []).append((tag, list(stack), details))

    def marked(self, href: str, pydata: bool) -> str:
        """The tree with the marks Sphinx (and pydata-sphinx-theme, if
        ``pydata``) give the current page, whose link in the tree is ``href``."""
        href = escape(href)
        edits: dict[int, tuple[int, str]] = {}  # start -> (end, replacement)
        for tag in self.sections.get(href, []):  # a section of the current page: "#id"
            edits[tag.start()] = (tag.end(), tag.group().replace(f'href="{href}#', 'href="#'))
        for tag, ancestors, details in self.links.get(href, []):
            edits[tag.start()] = (tag.end(), '<a class="current reference internal" href="#">')
            for ancestor in ancestors:
                edits[ancestor.start()] = (ancestor.end(), _marked(ancestor, pydata))
            if pydata and details is not None:  # the page's own subtree opens too
                edits[details.start()] = (details.end(), '<details open="open">')
        parts, position = [], 0
        for start in sorted(edits):
            end, replacement = edits[start]
            parts += [self.html[position:start], replacement]
            position = end
        return "".join([*parts, self.html[position:]])


def _marked(tag: Match, pydata: bool) -> str:
    name, text = tag.group(2), tag.group()
    if name == "li":
        return _LEVEL.sub(r"\1 current active" if pydata else r"\1 current", text, count=1)
    if name == "ul":
        if 'class="' in text:
            return text.replace('class="', 'class="current ', 1)
        return text[:-1] + ' class="current">'
    return '<details open="open">' if pydata else text


class FolderCache:
    """Navigation trees rendered for the neutral page of each folder, for
    one build (a live preview builds many times with one application)."""

    def __init__(self) -> None:
        self.trees: dict[tuple[Any, ...], Tree] = {}

    def tree(self, key: tuple[Any, ...], render: Callable[[], str]) -> Tree:
        if key not in self.trees:
            self.trees[key] = Tree(render())
        return self.trees[key]


def _key(folder: str, kind: str, **kwargs: Any) -> tuple[Any, ...]:
    return (folder, kind, *sorted((k, repr(v)) for k, v in kwargs.items()))


def cache_sphinx_toctree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Before the theme's handlers: ``toctree()`` from the folder's tree."""
    if not _applies(app) or "toctree" not in context:
        return
    builder: Any = app.builder
    cache = _cache(app)
    folder, neutral, href = _place(app, pagename)
    original = context["toctree"]

    def toctree(**kwargs: Any) -> str:
        if kwargs.get("collapse", True) is not False:
            return str(original(**kwargs))

        def render() -> str:
            return str(builder._get_local_toctree(neutral, **kwargs))

        return cache.tree(_key(folder, "toctree", **kwargs), render).marked(href, False)

    context["toctree"] = toctree


def cache_theme_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Right after pydata-sphinx-theme's handler: its sidebar from the folder's tree."""
    original = context.get("generate_toctree_html")
    if not _applies(app) or original is None:
        return
    uncached = getattr(original, "__wrapped__", original)  # the theme memoises per page
    builder: Any = app.builder
    cache = _cache(app)
    folder, neutral, href = _place(app, pagename)

    def neutral_toctree(**kwargs: Any) -> str:
        return str(builder._get_local_toctree(neutral, **kwargs))

    def generate_toctree_html(
        kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs: Any
    ) -> Any:
        cacheable = (
            kind == "sidebar"
            and startdepth == 0
            and int(show_nav_level) >= 1
            and kwargs.get("collapse", True) is False
        )
        if not cacheable:
            return original(kind, startdepth, show_nav_level, **kwargs)

        def render() -> str:
            page_toctree = context["toctree"]
            context["toctree"] = neutral_toctree
            try:
                return str(uncached(kind, startdepth, show_nav_level, **kwargs))
            finally:
                context["toctree"] = page_toctree

        key = _key(folder, "pydata", startdepth=startdepth, show=show_nav_level, **kwargs)
        return cache.tree(key, render).marked(href, True)

    context["generate_toctree_html"] = generate_toctree_html


def _applies(app: Sphinx) -> bool:
    # Pages of the plain HTML builder share their folder's relative links
    # (dirhtml gives each page a folder of its own; EPUB and single-page
    # builders have their own navigation).
    return (
        bool(app.config.reader_navigation_cache)
        and app.builder.name == "html"
        and hasattr(app.builder, "_get_local_toctree")  # what toctree() calls in Sphinx 8-9
    )


def _place(app: Sphinx, pagename: str) -> tuple[str, str, str]:
    """The page's folder, the neutral page in it, and the page's link from there."""
    folder = posixpath.dirname(pagename)
    neutral = posixpath.join(folder, NEUTRAL)
    return folder, neutral, app.builder.get_relative_uri(neutral, pagename)


def _cache(app: Sphinx) -> FolderCache:
    cache: FolderCache | None = getattr(app, "_reader_navigation", None)
    if cache is None:
        cache = FolderCache()
        app._reader_navigation = cache  # type: ignore[attr-defined]
    return cache


def forget(app: Sphinx, env: BuildEnvironment) -> None:
    """Titles and toctrees may have changed since the last build."""
    app._reader_navigation = FolderCache()  # type: ignore[attr-defined]


def hook_theme_sidebar(app: Sphinx) -> None:
    """pydata-sphinx-theme adds ``generate_toctree_html`` to a page's context
    and, in its next handler, renders the sidebar once to see whether it is
    empty: the folder's tree must serve that rendering too. So the theme's
    handler is replaced by one that runs it and then puts the cache in place."""
    for listener in list(app.events.listeners.get("html-page-context", [])):
        handler = listener.handler
        if (handler.__module__, handler.__name__) != THEME_HANDLER:
            continue

        def add_then_cache(
            app: Sphinx,
            pagename: str,
            templatename: str,
            context: dict[str, Any],
            doctree: Any,
            theme_handler: Any = handler,
        ) -> None:
            theme_handler(app, pagename, templatename, context, doctree)
            cache_theme_sidebar(app, pagename, templatename, context, doctree)

        app.disconnect(listener.id)
        app.connect("html-page-context", add_then_cache, priority=listener.priority - 1)


THEME_HANDLER = ("pydata_sphinx_theme.toctree", "add_toctree_functions")


def setup_navigation(app: Sphinx) -> None:
    app.connect("env-updated", forget)
    app.connect("html-page-context", cache_sphinx_toctree, priority=400)  # before the theme's
    app.connect("builder-inited", hook_theme_sidebar)
