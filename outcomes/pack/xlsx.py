"""The pack as a workbook (openpyxl): priorities, indicators, exceptions, actions and a key.
No charts, so no browser."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from loaders import periods
from outcomes import board, spreadsheets, status
from outcomes.pack.snapshot import Snapshot, clean
from outcomes.pack.wording import HEADER_FILL, counts, lead

_THIN = Side(style="thin", color="9AA0A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], widths: list[int]):
    ws = wb.active if wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
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
    header = ["Tier", "Priority", "Lead", "Symbol", "Status", "Indicators", "Green", "Amber"]
    ws = _sheet(
        wb, "Priorities", [*header, "Red", "Not rated"], rows, [14, 48, 40, 8, 11, 11, 8, 8, 8, 10]
    )
    for col in (4, 5):
        _paint(ws, col, [p["status"] for p in snap.priorities])


_INDICATOR_COLUMNS = {  # heading: width
    "Priority": 34, "Code": 8, "Indicator": 48, "Period": 12, "Value": 10, "Target": 10,
    "Unit": 12, "Computed status": 15, "Override": 12, "Override reason": 30, "Symbol": 8,
    "Effective status": 15, "Why": 32, "Direction": 14, "Baseline": 10, "Commentary": 50,
}  # fmt: skip


def _indicators(wb: Workbook, snap: Snapshot) -> None:
    titles = snap.titles
    rows = [
        [
            titles.get(r["priority_id"], r["priority_id"]),
            r["code"],
            r["name"],
            r["period"],
            r["value"],
            r["target"],
            board.UNIT_LABELS.get(r["unit"], r["unit"]),
            _word(r["computed"]),
            _word(r["override"]),
            r["override_reason"],
            _symbol(r["effective"]),
            _word(r["effective"]),
            r["reason"],
            r["direction"],
            r["baseline"],
            r["commentary"],
        ]
        for r in snap.indicators
    ]
    ws = _sheet(wb, "Indicators", list(_INDICATOR_COLUMNS), rows, list(_INDICATOR_COLUMNS.values()))
    _paint(ws, 8, [r["computed"] for r in snap.indicators])
    _paint(ws, 9, [r["override"] for r in snap.indicators])
    _paint(ws, 11, [r["effective"] for r in snap.indicators])
    _paint(ws, 12, [r["effective"] for r in snap.indicators])
    for i, r in enumerate(snap.indicators, start=2):
        number = "#,##0" + ("." + "0" * r["decimals"] if r["decimals"] else "")
        for col in (5, 6, 15):
            ws.cell(row=i, column=col).number_format = number


def _exception_rows(snap: Snapshot) -> list[list[Any]]:
    """Each exception as a row; the last two columns are the statuses was and now."""
    ex, titles = snap.exceptions, snap.titles
    rows: list[list[Any]] = []
    for r in ex.changed.to_dict("records"):
        rows.append(
            [
                f"Status {r['direction']}",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                f"{_word(r['was'])} to {_word(r['now'])}",
                r["was"],
                r["now"],
            ]
        )
    for r in ex.new_data.to_dict("records"):
        detail = f"{clean(r['period_was']) or 'none'} to {r['period_now']}"
        rows.append(
            [
                "New figure",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                detail,
                None,
                None,
            ]
        )
    for r in ex.overdue_returns.to_dict("records"):
        detail = (
            f"latest {clean(r['latest_period']) or 'none'}, due for {r['due_period']}; "
            f"{r['accountable_role']}"
        )
        rows.append(
            [
                "Return overdue",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                detail,
                None,
                None,
            ]
        )
    for r in ex.blockages.to_dict("records"):
        detail = f"{r['detail'] or 'no detail given'} ({r['author']})"
        rows.append(
            [
                "Blockage",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                detail,
                None,
                None,
            ]
        )
    for r in ex.overdue_actions.to_dict("records"):
        detail = f"{r['owner']}, due {periods.long_date(r['due_date'])}"
        rows.append(
            [
                "Action OVERDUE",
                r["reference"],
                r["text"],
                titles.get(r["priority_id"]),
                detail,
                None,
                None,
            ]
        )
    return rows


def _exceptions(wb: Workbook, snap: Snapshot) -> None:
    rows = _exception_rows(snap)
    states = [(r[5], r[6]) for r in rows]
    for r in rows:
        r[5], r[6] = _word(r[5]), _word(r[6])
    ws = _sheet(
        wb,
        "Exceptions",
        ["Exception", "Code or ref", "Indicator or action", "Priority", "Detail", "Was", "Now"],
        rows,
        [18, 11, 48, 34, 50, 11, 11],
    )
    _paint(ws, 6, [a for a, _ in states])
    _paint(ws, 7, [b for _, b in states])


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
    ws = _sheet(
        wb,
        "Actions",
        ["Reference", "Action", "Owner", "Due", "Status", "Overdue", "Priority"],
        rows,
        [12, 60, 30, 12, 9, 11, 40],
    )
    for i, a in enumerate(acts, start=2):
        ws.cell(row=i, column=4).number_format = "d mmm yyyy"
        if a["overdue"]:
            ws.cell(row=i, column=6).font = Font(bold=True)


def _about(wb: Workbook, snap: Snapshot) -> None:
    about = wb.create_sheet("About")
    for line in (
        [f"{snap.name}: board pack"],
        [snap.heading],
        [snap.explanation],
        [snap.since],
        [f"Prepared {periods.long_date(snap.today)}."],
        [],
        ["Symbol", "Status", "What it means"],
        *[[s.symbol, s.word, s.meaning] for s in status.STYLES.values()],
    ):
        about.append(line)
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
    _actions(wb, snap)
    _about(wb, snap)
    wb.properties.title = f"{snap.name}: board pack, {snap.heading}"
    wb.properties.creator = snap.name
    spreadsheets.neutralise_workbook(wb)
    wb.save(out)
    return len(wb.sheetnames)
