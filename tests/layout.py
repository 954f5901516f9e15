"""What the browser tests measure on a page: where each note sits against its
paragraph and its anchor (in page coordinates), and the checks that every
theme and every page must pass."""

from __future__ import annotations

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
NOTE_GAP = 16  # px: the most space between a note and the one before it, when pushed

GEOMETRY = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right };
  };
  return [...document.querySelectorAll(".ar-para")].map((para) => {
    const text = para.querySelector(":scope > .ar-text");
    const notes = [...para.querySelectorAll(".ar-note")];
    return {
      id: para.id, ...box(para), text: box(text), total: notes.length,
      notes: notes.filter((n) => n.getClientRects().length).map((note) => {
        const anchor = document.querySelector(`a.ar-hl[href="#${note.id}"]`);
        const line = anchor ? anchor.getClientRects()[0].top + scrollY : box(text).top;
        return { id: note.id, ...box(note), anchor: line };
      }),
    };
  });
}"""


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def assert_notes_level(page, where: str = "") -> int:
    """Every note is shown beside its paragraph's text, inside its paragraph's
    box (so that later paragraphs start after it), level with its anchor's
    line or right below the note before it; no two notes overlap. Returns the
    number of notes checked."""
    width = page.viewport_size["width"]
    shown = []
    for para in page.evaluate(GEOMETRY):
        assert len(para["notes"]) == para["total"], f"{where}#{para['id']}: a note is hidden"
        before = None
        for note in para["notes"]:
            at = f"{where}#{note['id']}"
            assert note["left"] >= para["text"]["right"] - 1, f"{at} covers the text"
            assert note["right"] <= width, f"{at} runs off the page"
            assert note["top"] >= para["top"] - 1, f"{at} starts above its paragraph"
            assert note["bottom"] <= para["bottom"] + 1, f"{at} runs into the next paragraph"
            assert note["top"] >= note["anchor"] - 4, f"{at} starts above its anchor's line"
            earliest = max(note["anchor"], before["bottom"] if before else note["anchor"])
            assert note["top"] <= earliest + NOTE_GAP, f"{at} starts lower than it needs to"
            if before is None:
                assert note["top"] <= para["text"]["bottom"], f"{at} starts below its text"
            before = note
            shown.append(note)
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            assert not overlap(a, b), f"{where}: {a['id']} and {b['id']} overlap"
    return len(shown)
