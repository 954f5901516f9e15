"""The student's own copy: ``{my-notes}`` marks the page that lists the notes a
student keeps in the browser. The page's content is the script's; the build
only gives it what it cannot know: each source page's citations."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import nodes as ar


class MyNotes(SphinxDirective):
    """``{my-notes}``: the student's notes, listed, cited, exported, imported."""

    def run(self) -> list[nodes.Node]:
        node = ar.student_notes(docname=self.env.docname)
        self.set_source_info(node)
        return [node]
