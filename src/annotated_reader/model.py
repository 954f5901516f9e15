"""What the read phase records about each page: plain data, shared by the
domain (storage), the resolver and the writers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    number: int
    text: str
    lineno: int


@dataclass
class SourcePage:
    key: str
    docname: str
    title: str
    lineno: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    def span_text(self, start: int, end: int) -> str:
        return " ".join(p.text for p in self.paragraphs[start - 1 : end])


@dataclass
class Note:
    docname: str
    key: str
    number: int
    kind: str
    para: int
    anchor: str
    themes: list[str]
    lineno: int


@dataclass
class PassageRef:
    """A ``{passage}`` or ``{quote}`` in a page (or a timeline event)."""

    docname: str
    lineno: int
    key: str
    start: int
    end: int
    quote: str
    section_id: str
    section_title: str
    data_file: str = ""  # a timeline's TOML file, where ``lineno`` is

    @property
    def location(self) -> tuple[str, int] | str:
        """Where a warning about it points: the page, or the data file."""
        return f"{self.data_file}:{self.lineno}" if self.data_file else (self.docname, self.lineno)


@dataclass
class ThemePage:
    slug: str
    docname: str
    title: str
    lineno: int


@dataclass
class ThemeLink:
    slug: str
    docname: str
    lineno: int


@dataclass
class Backlink:
    docname: str
    section_id: str
    section_title: str
    chapter_title: str
