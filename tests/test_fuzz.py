"""Crash-proof: random Unicode, markup and broken structures in notes,
anchors, passage references, a bibliography title and the timeline and packs
files. Whatever an author writes, the build finishes: it succeeds or warns,
and every warning of the extension names a file and a line. Never a
traceback. (Derandomised, so that CI runs the same examples every time.)"""

from __future__ import annotations

import json
import re
import tempfile
from io import StringIO
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

PARAGRAPH = "The harbour at Dover was busier than Portsmouth in 1900, and trade grew."

# What authors type by mistake, and what breaks parsers.
FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "{passage}`doe2020:1`",
    "{quote}`doe2020:1|harbour`",
    "{theme}`nosuch`",
    "{cite:p}`nokey`",
    "`",
    "``",
    "|",
    "\\",
    "~",
    ":::",
    "```",
    "```{raw} html\n<b>x</b>\n```",
    "[^1]",
    "$x$",
    "{",
    "}",
    "\\%",
    "{\\'e}",
    "\n\n",
    "\n- item\n",
    "\n> quote\n",
    "# Heading",
    "[link](javascript:alert(3))",
    "<!--",
    "-->",
    "\u00a0",
    "\u200b",
    "日本語",
    "\u202e",
]
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
snippet = st.lists(st.one_of(text, st.sampled_from(FRAGMENTS)), max_size=5).map("".join)
target = st.one_of(
    st.builds(
        "{}:{}{}".format,
        st.sampled_from(["doe2020", "nokey", "", "Doe2020", "doe2020 "]),
        st.integers(-2, 5),
        st.one_of(st.just(""), st.integers(-2, 5).map("-{}".format)),
    ),
    snippet,
)
toml_value = st.one_of(
    text.map(json.dumps),
    st.integers(-10, 3000).map(str),
    st.sampled_from(["true", "1946-02-30", "1946-02-03", "[]", "{}", '"1946-13-01"']),
    st.lists(st.one_of(target, text), max_size=3).map(json.dumps),
    st.sampled_from(['["doe2020:1"]', '["doe2020"]', '["sources/doe2020", "chapter"]']),
    snippet,
)
toml_line = st.one_of(
    st.builds(
        "{} = {}".format,
        st.sampled_from(["date", "title", "status", "note", "passages", "cite", "contents"]),
        toml_value,
    ),
    st.sampled_from(["[[event]]", "[packs.one]", '[packs."../x"]', "[packs]", "[[packs]]"]),
    st.builds("[packs.{}]".format, text),
    snippet,
)
garbage_toml = st.lists(toml_line, max_size=8).map("\n".join)


def table(header: str, keys: list[str]) -> st.SearchStrategy[str]:
    fields = st.dictionaries(st.sampled_from(keys), toml_value, max_size=len(keys))
    return fields.map(lambda d: header + "\n" + "".join(f"{k} = {v}\n" for k, v in d.items()))


events = st.lists(
    table("[[event]]", ["date", "title", "status", "note", "passages", "cite"]), max_size=4
).map("\n".join)
packs_tables = st.lists(
    st.builds(
        lambda slug, body: body.replace("HEADER", f"[packs.{json.dumps(slug)}]"),
        st.one_of(st.sampled_from(["one", "two", "../x", "One"]), text),
        table("HEADER", ["title", "subtitle", "contents"]),
    ),
    max_size=3,
).map("\n".join)


def write_book(root: Path, note: str, anchor: str, ref: str, title: str, timeline: str, packs: str):
    files = {
        "conf.py": (
            'extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]\n'
            'myst_enable_extensions = ["colon_fence"]\nbibtex_bibfiles = ["refs.bib"]\n'
            'bibtex_default_style = "reader-apa"\nexclude_patterns = ["sources/raw"]\n'
            "reader_back_matter = []\n"
        ),
        "index.md": "# Book\n\n```{toctree}\nsources/doe2020\nchapter\ntimeline\npacks/one\n```\n",
        "refs.bib": (
            "@misc{doe2020,\n  author = {Doe, Jane},\n  title = {"
            + title
            + "},\n  year = {2020},\n  keywords = {source},\n}\n"
        ),
        "sources/raw/doe2020.txt": PARAGRAPH + "\n",
        "sources/doe2020.md": (
            "---\nsource: doe2020\nraw: raw/doe2020.txt\n---\n\n# Doe\n\n```{source-info}\n```\n\n"
            f"{PARAGRAPH}\n\n:::{{annotation}} gloss\n:anchor: {anchor}\n{note}\n:::\n"
        ),
        "chapter.md": f"---\ntheme: t\n---\n\n# Chapter\n\nSee {{passage}}`{ref}` and {{quote}}`{ref}|{anchor}`.\n",
        "timeline.md": "# Timeline\n\n```{timeline}\n:file: timeline.toml\n```\n",
        "timeline.toml": timeline,
        "packs.toml": packs,
        "packs/one.md": "# One\n\n```{briefing-pack}\n```\n",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    note=snippet,
    anchor=st.one_of(snippet, st.sampled_from(["harbour", "~arbou", "Dover", " ", "1900,"])),
    ref=target,
    title=snippet,
    timeline=st.one_of(events, garbage_toml),
    packs=st.one_of(packs_tables, garbage_toml),
)
def test_any_input_gives_a_build_or_warnings_never_a_traceback(
    note, anchor, ref, title, timeline, packs
):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "src")
        write_book(
            src, note, anchor.replace("\n", " "), ref.replace("\n", " "), title, timeline, packs
        )
        app = SphinxTestApp("html", srcdir=src, freshenv=True, warning=StringIO())
        try:
            app.build()  # an exception here is the failure this test looks for
        finally:
            app.cleanup()
        for line in app.warning.getvalue().splitlines():
            if "[annotated_reader." in line:
                assert re.match(r"^\S.*:\d+: WARNING: ", line), line


# -- the same rules, function by function: thousands of inputs in a second ----------

from datetime import date  # noqa: E402

from annotated_reader.cite.works import decode_latex, read_bibliography  # noqa: E402
from annotated_reader.read.raw_markup import check_html  # noqa: E402
from annotated_reader.read.timeline import event_problems, format_date  # noqa: E402
from annotated_reader.text import find_phrase, parse_target, safe_url  # noqa: E402

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
toml_scalar = st.one_of(
    text,
    st.integers(),
    st.booleans(),
    st.dates(),
    st.sampled_from(["1946-00-03", "1946-02-30", "1946-13-03", "0000-01-01", "1946-02"]),
)
event_dict = st.dictionaries(
    st.sampled_from(["date", "title", "status", "note", "passages", "cite"]),
    st.one_of(toml_scalar, st.lists(toml_scalar, max_size=3), st.dictionaries(text, text)),
)


@FAST
@given(event=st.one_of(event_dict, toml_scalar))
def test_a_timeline_event_is_checked_or_printed_never_both_wrong(event):
    problems = event_problems(event, {"doe2020"})
    if not problems:
        printed = format_date(str(event["date"]))
        year, _, rest = str(event["date"]).partition("-")
        month, _, day = rest.partition("-")
        date(int(year), int(month or 1), int(day or 1))  # a real date
        assert printed.endswith(year)


@FAST
@given(phrase=snippet, text=snippet)
def test_phrases_are_found_whole_or_not_at_all(phrase, text):
    for start, end in find_phrase(phrase, text):
        assert 0 <= start < end <= len(text)
        assert not (start and text[start - 1].isalnum() and text[start].isalnum())


@FAST
@given(value=snippet)
def test_bibtex_text_decodes_without_error_or_backslash_commands(value):
    assert not re.search(r"\\[A-Za-z]", decode_latex(value))


@FAST
@given(markup=snippet)
def test_html_rebuilt_from_an_allowed_snippet_holds_only_allowed_tags(markup):
    parsed = check_html(markup, frozenset({"b", "sup"}))
    if not parsed.problems:
        assert set(re.findall(r"</?([a-zA-Z][^\s/>]*)", parsed.clean)) <= {"b", "sup"}


@FAST
@given(url=snippet)
def test_no_script_address_is_safe(url):
    if safe_url(url):
        assert not re.sub(r"[\x00-\x20\x7f]", "", url).lower().startswith("javascript:")


@FAST
@given(target=target)
def test_a_passage_target_is_read_or_refused(target):
    parsed = parse_target(target)
    assert parsed is None or (parsed[1] >= 0 and parsed[2] >= 0)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    body=st.lists(
        st.one_of(snippet, st.sampled_from(["@misc{", "@misc{k,", "}", "{", ","])), max_size=6
    )
)
def test_any_bib_file_is_read_with_problems_not_exceptions(body):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "refs.bib")
        path.write_text("\n".join(body), encoding="utf-8")
        bibliography = read_bibliography(path)
        assert all(problem.line >= 1 for problem in bibliography.problems)
