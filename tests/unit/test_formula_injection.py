"""Typed text that looks like a formula leaves every export as text and comes back unchanged.

OWASP's CSV-injection guidance: a cell beginning ``=``, ``+``, ``-`` or ``@`` must not reach a
spreadsheet program as a formula. Every workbook the product writes (board pack, actions log,
framework, return template) and the history CSV is checked for live formulas, and the ones that
import back (actions, framework, return) must give back exactly what was typed.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from loaders.returns import read_return
from outcomes.outputs.pack import build_pack
from outcomes.rules import spreadsheets
from outcomes.workflows import framework, meetings
from outcomes.workflows.template import write_template
from tests.actors import acting

TYPED = ["=1+1", "+1", "-2+3", "@SUM(1)", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")']


def formulas_in(data: bytes) -> list[str]:
    """Every cell a spreadsheet program would run: openpyxl marks them data type 'f'."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        f"{ws.title}!{c.coordinate}={c.value!r}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def texts_in(data: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}


def test_the_actions_log_round_trips_formula_like_text(demo_store, tmp_path):
    cur = demo_store.cursor()
    for n, text in enumerate(TYPED, start=1):
        meetings.save_action(
            cur,
            by=acting("analyst"),
            reference=f"F{n}",
            text=text,
            owner=TYPED[-n],
            due_date="2026-12-31",
        )
    out = tmp_path / "actions.xlsx"
    meetings.export_actions(cur, out)
    data = out.read_bytes()
    assert formulas_in(data) == []
    assert set(TYPED) <= texts_in(data)

    counts = meetings.import_actions(cur, out, by=acting("analyst"))
    assert counts["added"] == 0 and counts["changed"] == 0, counts
    log = meetings.actions(cur).set_index("reference")
    for n, text in enumerate(TYPED, start=1):
        assert (log.at[f"F{n}", "text"], log.at[f"F{n}", "owner"]) == (text, TYPED[-n])


def test_the_framework_round_trips_formula_like_text(demo_framework, tmp_path):
    fw = framework.Framework({k: v.copy() for k, v in demo_framework.tables.items()})
    fw["priority"].loc[0, "title"] = TYPED[4]
    fw["priority"].loc[1, "aim"] = TYPED[3]
    fw["indicator"].loc[0, "name"] = TYPED[2]
    fw["indicator"].loc[1, "definition"] = TYPED[5]
    out = tmp_path / "plan.xlsx"
    framework.to_xlsx(fw, out)
    assert formulas_in(out.read_bytes()) == []
    back = framework.from_xlsx(out)
    assert back["priority"].loc[0, "title"] == TYPED[4]
    assert back["priority"].loc[1, "aim"] == TYPED[3]
    assert back["indicator"].loc[0, "name"] == TYPED[2]
    assert back["indicator"].loc[1, "definition"] == TYPED[5]


def test_the_return_template_writes_names_as_text_and_reads_them_back(demo_store):
    cur = demo_store.cursor()
    cur.execute("UPDATE indicator SET name = ? WHERE code = 'VV01'", [TYPED[0]])
    buffer = io.BytesIO()
    write_template(cur, buffer, "2024/25 Q4", priority_id="vulnerable-victims")
    data = buffer.getvalue()
    assert formulas_in(data) == []
    read = read_return(io.BytesIO(data), file_name="return.xlsx")
    names = dict(zip(read.rows["indicator_code"], read.rows["indicator_name"], strict=True))
    assert names["VV01"] == TYPED[0]


def test_the_board_pack_workbook_holds_no_formula(demo_store):
    cur = demo_store.cursor()
    for text in TYPED:
        meetings.add_commentary(cur, "VV01", "2024/25 Q4", by=acting("lead"), narrative=text)
    meetings.save_action(cur, by=acting("analyst"), reference="F1", text=TYPED[4], owner=TYPED[1])
    buffer = io.BytesIO()
    build_pack(cur, "xlsx", buffer, today=date(2025, 5, 1))
    data = buffer.getvalue()
    assert formulas_in(data) == []
    cells = texts_in(data)
    assert {TYPED[4], TYPED[1]} <= cells
    assert any(TYPED[-1] in str(c) for c in cells)  # the latest commentary


@pytest.mark.parametrize("text", [*TYPED, "'quoted", "\tTab", "plain text", ""])
def test_csv_cells_are_neutralised_and_read_back_exactly(text):
    frame = pd.DataFrame({"note": [text], "value": [-3.5]})
    csv_text = spreadsheets.frame_to_csv(frame)
    cell = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)["note"][0]
    assert not spreadsheets.looks_like_formula(cell)
    assert spreadsheets.from_csv(cell) == text
    assert "-3.5" in csv_text  # numbers are numbers, not text
