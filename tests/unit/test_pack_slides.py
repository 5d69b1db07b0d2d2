"""The PowerPoint's boxes have room for what they hold (issue 17), measured with python-pptx.

A slide's boxes do not grow with their text, so every box and table row must be placed with
the height its text takes: the cover's title and subtitle, "Continued on the next slide" under
the table (not over its last row), a chart's two-line title above the picture (not over its
legend), and chart axis labels printed at a size the room can read. Text heights here are a
test's own estimate (half an em a character, 1.15 lines), a little kinder than the pack's.
"""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from outcomes.outputs import pack
from outcomes.outputs.pack import chromium as drawing
from outcomes.workflows import meetings
from tests.actors import acting
from tests.copies import in_memory_copy
from tests.unit.conftest import board_business
from tests.unit.test_pack import TODAY

LONG = (
    "The data-sharing agreement with the health trust is still not signed, so the figures for "
    "the last two quarters are estimates from the police system alone; the board is asked to "
    "write to the trust's chief executive before the next meeting."
)
NAME = "Safer Plymouth and the Three Towns Community Safety Partnership Board (statutory)"


def _inches(emu: int) -> float:
    return Emu(emu).inches


def _needed(text: str, width_in: float, pt: float) -> float:
    """Inches ``text`` needs in a box ``width_in`` wide at ``pt``."""
    per_line = width_in * 72 / (pt * 0.5)
    lines = sum(max(1, math.ceil(len(p) / per_line)) for p in text.split("\n"))
    return lines * pt * 1.15 / 72


def _size(shape) -> float:
    sizes = [r.font.size.pt for p in shape.text_frame.paragraphs for r in p.runs if r.font.size]
    return max(sizes) if sizes else 18.0


@pytest.fixture(scope="module")
def deck(tmp_path_factory, demo_built):
    """A heavy meeting's deck: a long name, two blockages and twelve overdue actions typed at
    length; the charts are stand-ins of the size asked for, and what was asked is kept."""
    store = in_memory_copy(demo_built)
    cur = store.cursor()
    board_business(cur)
    cur.execute("UPDATE partnership SET name = ?", [NAME])
    meetings.record_meeting(cur, "2025-02-10", by=acting("clerk"))
    clerk = acting("clerk")
    for code in ("DA02", "DA03"):
        meetings.add_commentary(
            cur, code, "2024/25 Q4", by=clerk, narrative=LONG, blockage=True, blockage_detail=LONG
        )
    for n in range(12):
        meetings.add_action(
            cur, by=clerk, text=LONG, owner=LONG[:60], due_date=f"2025-03-{n + 1:02d}"
        )
    asked: list[dict] = []

    def chart(snap, drawer, code, width, height, fmt="png", **kw):
        asked.append({"width": width, "height": height, **kw})
        out = io.BytesIO()
        Image.new("RGB", (width, height), "white").save(out, "PNG")
        return out.getvalue()

    mp = pytest.MonkeyPatch()
    mp.setattr(drawing, "trend_chart", chart)
    try:
        out = io.BytesIO()
        pack.build_pack(cur, "pptx", out, today=TODAY)
    finally:
        mp.undo()
        store.close()
    return Presentation(io.BytesIO(out.getvalue())), asked


def test_the_cover_places_the_name_and_board_pack_in_full_one_above_the_other(deck):
    prs, _ = deck
    cover = prs.slides[0]
    title, sub = cover.shapes.title, cover.placeholders[1]
    assert title.text_frame.text == NAME and sub.text_frame.text.startswith("Board pack")
    for box in (title, sub):
        assert box.top >= Inches(0.2) and box.height > 0
        assert box.top + box.height <= prs.slide_height
        width = _inches(box.width) - 0.2
        assert _inches(box.height) >= _needed(box.text_frame.text, width, _size(box)), box.name
    assert title.top + title.height <= sub.top  # the name does not run into "Board pack"


def test_continued_goes_under_the_table_and_every_row_has_room_for_its_text(deck):
    prs, _ = deck
    since = [s for s in prs.slides if s.shapes.title.text.startswith("Since the last meeting")]
    assert len(since) >= 2
    for slide in since[:-1]:
        table = next(sh for sh in slide.shapes if sh.has_table)
        widths = [_inches(c.width) for c in table.table.columns]
        bottom = _inches(table.top)
        for row in table.table.rows:
            need = max(
                _needed(c.text, w - 0.2, 12) + 0.1 for c, w in zip(row.cells, widths, strict=True)
            )
            assert _inches(row.height) >= need, [c.text[:30] for c in row.cells]
            bottom += _inches(row.height)
        note = next(sh for sh in slide.shapes if sh.has_text_frame and "Continued" in sh.text)
        assert _inches(note.top) >= bottom  # not over the table's last row
        assert note.top + note.height <= prs.slide_height


def test_a_chart_title_sits_above_its_picture_and_the_axis_labels_print_large(deck):
    prs, asked = deck
    pictures = 0
    for slide in prs.slides:
        picture = next((sh for sh in slide.shapes if sh.shape_type == 13), None)
        if picture is None:
            continue
        pictures += 1
        title = next(
            sh for sh in slide.shapes if sh.has_text_frame and sh.text.startswith("Trend:")
        )
        width = _inches(title.width) - 0.2
        # a text box's own insets (0.05 inch above and below) come on top of its lines
        need = _needed(title.text, width, _size(title)) + 0.1
        assert picture.top >= title.top + Inches(need), title.text
        assert picture.top + picture.height <= prs.slide_height
    assert pictures == len(asked) >= 5
    for a in asked:  # the chart's type, scaled to the picture's printed width, in points
        printed = a["font_size"] * Inches(5.6) / Pt(1) / a["width"]
        assert printed >= 11, a
