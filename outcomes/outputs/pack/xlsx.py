"""The pack as a workbook (openpyxl): priorities, indicators, exceptions, actions and a key.
No charts, so no browser."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from outcomes.outputs.pack.wording import (
    HEADER_FILL,
    counts,
    exception_items,
    lead,
    period_label,
    shorten,
)
from outcomes.outputs.snapshot import Snapshot, clean
from outcomes.queries import board
from outcomes.rules import spreadsheets, status

CELL_LIMIT = 32_000  # Excel's limit is 32,767 characters; room for "continued in the PDF pack"
_THIN = Side(style="thin", color="9AA0A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet(wb: Workbook, title: str, columns: dict[str, int], rows: list[list[Any]]):
    """A sheet of ``rows`` under ``columns`` (heading: width), styled, frozen and filtered."""
    ws = wb.active if wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = title
    ws.append(list(columns))
    for row in rows:
        ws.append([spreadsheets.cell_text(_fits(v)) for v in row])
    for j, width in enumerate(columns.values(), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL.lstrip("#"))
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.border = _BORDER
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = _BORDER
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    return ws


def _fits(value: Any) -> Any:
    """A cell's value within what Excel holds (32,767 characters a cell); missing is empty."""
    value = clean(value)
    if isinstance(value, str):
        return shorten(value, CELL_LIMIT) if len(value) > CELL_LIMIT else value
    return value


def _paint(ws, col: int, states: list[str | None], row0: int = 2) -> None:
    """A status cell on its colour, in bold, in the colour's own text colour."""
    for i, state in enumerate(states):
        if not state:
            continue
        st = status.style(state)
        cell = ws.cell(row=row0 + i, column=col)
        cell.fill = PatternFill("solid", fgColor=st.colour.lstrip("#"))
        cell.font = Font(bold=True, color=st.text_colour.lstrip("#"))


def _word(s: str | None) -> str | None:
    return status.style(s).word if s else None


def _symbol(s: str | None) -> str | None:
    return status.style(s).symbol if s else None


_PRIORITY_COLUMNS = {  # heading: width
    "Tier": 14, "Priority": 48, "Lead": 40, "Symbol": 8, "Status": 11, "Indicators": 11,
    "Green": 8, "Amber": 8, "Red": 8, "Not rated": 10,
}  # fmt: skip
_EXCEPTION_COLUMNS = {
    "Exception": 18, "Code or ref": 11, "Indicator or action": 48, "Priority": 34,
    "Detail": 50, "Was": 11, "Now": 11,
}  # fmt: skip
_ACTION_COLUMNS = {
    "Reference": 12, "Action": 60, "Owner": 30, "Due": 12, "Status": 9, "Overdue": 11,
    "Priority": 40,
}  # fmt: skip


def _priorities(wb: Workbook, snap: Snapshot) -> None:
    rows = [
        [
            p["tier"],
            p["title"],
            lead(p),
            _symbol(p["status"]),
            _word(p["status"]),
            p["indicators"],
            *counts(p).values(),
        ]
        for p in snap.priorities
    ]
    columns = {
        (snap.status_heading if h == "Status" else h): n for h, n in _PRIORITY_COLUMNS.items()
    }
    ws = _sheet(wb, "Priorities", columns, rows)
    for col in (4, 5):
        _paint(ws, col, [p["status"] for p in snap.priorities])


_INDICATOR_COLUMNS = {
    "Priority": 34, "Code": 8, "Indicator": 48, "Period": 26, "Value": 10, "Target": 10,
    "Unit": 12, "Computed status": 15, "Override": 12, "Override reason": 30, "Symbol": 8,
    "Effective status": 15, "Why": 32, "Signal or noise (SPC)": 40, "Direction": 14,
    "Baseline": 10, "Commentary": 50,
}  # fmt: skip


def _indicators(wb: Workbook, snap: Snapshot) -> None:
    titles = snap.titles
    rows = [
        [
            titles.get(r["priority_id"], r["priority_id"]),
            r["code"],
            r["name"],
            period_label(r["period"]) if clean(r["period"]) else None,
            r["value"],
            r["target"],
            board.UNIT_LABELS.get(r["unit"], r["unit"]),
            _word(r["computed"]),
            _word(r["override"]),
            r["override_reason"],
            _symbol(r["effective"]),
            _word(r["effective"]),
            r["reason"],
            r.get("spc") or None,
            r["direction"],
            r["baseline"],
            r["commentary"],
        ]
        for r in snap.indicators
    ]
    ws = _sheet(wb, "Indicators", _INDICATOR_COLUMNS, rows)
    _paint(ws, 8, [r["computed"] for r in snap.indicators])
    _paint(ws, 9, [r["override"] for r in snap.indicators])
    _paint(ws, 11, [r["effective"] for r in snap.indicators])
    _paint(ws, 12, [r["effective"] for r in snap.indicators])
    for i, r in enumerate(snap.indicators, start=2):
        number = "#,##0" + ("." + "0" * r["decimals"] if r["decimals"] else "")
        for col in (5, 6, 16):
            ws.cell(row=i, column=col).number_format = number


def _exceptions(wb: Workbook, snap: Snapshot) -> None:
    items = exception_items(snap)
    rows = [
        [
            i["kind"],
            i["ref"],
            i["name"],
            i["priority"],
            i["detail"],
            _word(i["was"]),
            _word(i["now"]),
        ]
        for i in items
    ]
    ws = _sheet(wb, "Exceptions", _EXCEPTION_COLUMNS, rows)
    _paint(ws, 6, [i["was"] for i in items])
    _paint(ws, 7, [i["now"] for i in items])


def _actions(wb: Workbook, snap: Snapshot) -> None:
    acts = snap.actions.to_dict("records")
    rows = [
        [
            a["reference"],
            a["text"],
            a["owner"],
            clean(a["due_date"]) and pd.Timestamp(a["due_date"]).date(),
            a["status"],
            "OVERDUE" if a["overdue"] else None,
            clean(a.get("priority_title")),
        ]
        for a in acts
    ]
    ws = _sheet(wb, "Actions", _ACTION_COLUMNS, rows)
    for i, a in enumerate(acts, start=2):
        ws.cell(row=i, column=4).number_format = "d mmm yyyy"
        if a["overdue"]:
            ws.cell(row=i, column=6).font = Font(bold=True)


def _about(wb: Workbook, snap: Snapshot) -> None:
    about = wb.create_sheet("About")
    for line in (
        [f"{snap.name}: {snap.kind.lower()}"],
        [snap.heading],
        [snap.explanation],
        [snap.since],
        [snap.provenance],
        *([[snap.approvals]] if snap.approvals else []),
        [],
        ["Symbol", "Status", "What it means"],
        *[[s.symbol, s.word, s.meaning] for s in status.STYLES.values()],
    ):
        about.append([spreadsheets.cell_text(_fits(v)) for v in line])
    about["A1"].font = Font(bold=True, size=14)
    _paint(about, 1, list(status.STATUSES), row0=8)
    _paint(about, 2, list(status.STATUSES), row0=8)
    for column, width in (("A", 12), ("B", 12), ("C", 60)):
        about.column_dimensions[column].width = width


def write(snap: Snapshot, out: io.BytesIO) -> int:
    """Write the workbook pack to ``out``; returns its number of sheets."""
    wb = Workbook()
    _priorities(wb, snap)
    _indicators(wb, snap)
    _exceptions(wb, snap)
    if "actions" not in snap.withheld:  # withheld: no sheet, rather than an empty one
        _actions(wb, snap)
    _about(wb, snap)
    wb.properties.title = spreadsheets.cell_text(snap.title)
    wb.properties.creator = spreadsheets.cell_text(snap.name)
    spreadsheets.neutralise_workbook(wb)
    wb.save(out)
    return len(wb.sheetnames)
