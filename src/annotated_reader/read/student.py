"""The student's own copy: ``{my-notes}`` marks the page that lists the notes a
student keeps in the browser, ``{pack-builder}`` the page where a student
makes a briefing pack of their own. The pages' content is the scripts'; the
build only gives them what it cannot know (write/student.py)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import nodes as ar


class MyNotes(SphinxDirective):
    """``{my-notes}``: the student's notes, listed, cited, exported, imported."""

    def run(self) -> list[nodes.Node]:
        node = ar.student_notes(docname=self.env.docname)
        self.set_source_info(node)
        return [node]


class PackBuilder(SphinxDirective):
    """``{pack-builder}``: a briefing pack chosen, titled and printed in the browser."""

    def run(self) -> list[nodes.Node]:
        # The form offers the packs of the packs file: reread it when that changes.
        self.env.note_dependency(str(Path(self.env.srcdir, self.config.reader_packs)))
        node = ar.pack_builder(docname=self.env.docname)
        self.set_source_info(node)
        return [node]
