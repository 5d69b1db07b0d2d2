"""Every board pack format is made whatever the database holds (issue 9).

The states are tests/states.py's; each is built in memory through the product's own writes and
the pack is made as PDF (A4 and A3), PowerPoint and workbook. A pack passes when it is made
(no exception, not even a PackError) and each priority's status reads as its word in it.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from unittest import mock

import openpyxl
import pytest
from hypothesis import example, given
from pptx import Presentation
from pypdf import PdfReader

from outcomes.outputs import pack
from outcomes.outputs.pack import chromium as drawing
from outcomes.queries import board
from outcomes.rules import status
from outcomes.storage.store import open_store
from tests.pages.test_states import (
    CONTROL_CHARACTERS,
    LONG_AND_EMPTY,
    NO_PRIORITIES,
    NOTHING_YET,
    TWO_BLOCKAGES,
)
from tests.states import State, build, examples, states


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def pptx_text(data: bytes) -> str:
    parts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


# A newline typed into the partnership's name gave the slides' cover two paragraphs and one size.
NEWLINE_IN_NAME = replace(
    NOTHING_YET,
    doc={**NOTHING_YET.doc, "partnership": {**NOTHING_YET.doc["partnership"], "name": "A\nB"}},
)

READ = {"pdf": pdf_text, "pptx": pptx_text, "xlsx": xlsx_text}
FORMATS = (("pdf", "A4"), ("pdf", "A3"), ("pptx", "A4"), ("xlsx", "A4"))


def make_every_pack(state: State, formats=FORMATS) -> None:
    store = open_store(":memory:")
    try:
        cur = store.cursor()
        build(cur, state)
        words = Counter(status.style(s).word for s in board.priority_summary(cur)["status"])
        for fmt, paper in formats:
            out = io.BytesIO()
            pack.build_pack(cur, fmt, out, paper=paper)
            text = READ[fmt](out.getvalue())
            for word, count in words.items():
                assert text.count(word) >= count, f"{fmt} {paper}: {word} fewer than {count}"
    finally:
        store.close()


@pytest.mark.parametrize("state", [TWO_BLOCKAGES, LONG_AND_EMPTY], ids=["blockages", "long"])
def test_the_pdf_with_its_charts_is_made_for_the_hard_states(state, chromium):
    make_every_pack(state, formats=[("pdf", "A4")])


@examples(3)
@example(TWO_BLOCKAGES)
@example(LONG_AND_EMPTY)
@example(NOTHING_YET)
@example(NO_PRIORITIES)
@example(CONTROL_CHARACTERS)
@example(NEWLINE_IN_NAME)
@given(states())
def test_every_pack_format_is_made_whatever_the_database_holds(state):
    # Drawing a chart takes Chromium seconds; the figures charted are built by the same code
    # on every page of tests/pages/test_states.py, and the charts drawn in the test above.
    with mock.patch.object(drawing, "trend_chart", lambda *a, **k: None):
        make_every_pack(state)
