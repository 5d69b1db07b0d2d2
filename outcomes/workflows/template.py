"""The return template: the workbook a priority lead fills in with the figures due for a period.

:func:`due_rows` works out what is due and :func:`write_template` writes it to an ``.xlsx``
with one row per figure on a sheet called ``Return``. The grey columns say what is asked for
(indicator, period, unit, last period's figure and the target); the lead types in the three
shaded columns, ``Value``, ``Commentary`` and ``Blockage for the board (Y/N)``, which are the
only cells the (password-less) sheet protection leaves open.

What is due in a return period (usually a financial quarter; a month or a financial year also
works) is decided by the reporting calendar (:func:`outcomes.workflows.calendar.periods_due`):

* monthly indicators: each month within the return period;
* quarterly indicators: each quarter within it, so nothing for a monthly return;
* annual indicators: each financial year within it, plus, for a Q4 return, the financial year
  that ends with it (annual figures are collected with the year's last quarter).

Indicators reported by area get a row for the whole partnership (blank ``Area``) and one per
area. Targets apply to the whole partnership, so area rows show no target.
"""

from __future__ import annotations

import os
from typing import IO, Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from loaders import periods
from outcomes.errors import Refused
from outcomes.queries.board import UNIT_LABELS
from outcomes.rules import spreadsheets
from outcomes.workflows.calendar import NOT_COMPUTED, periods_due

RETURN_SHEET = "Return"
INSTRUCTIONS_SHEET = "Instructions"
RETURN_HEADER = (
    "Indicator code",
    "Indicator",
    "Period",
    "Unit",
    "Previous value",
    "Target",
    "Value",
    "Commentary",
    "Blockage for the board (Y/N)",
)
AREA_HEADER = "Area"  # a tenth column, only when some row is for an area

# due_rows' columns, in sheet order, beside the headings they are written under.
COLUMNS = {
    "indicator_code": "Indicator code",
    "indicator": "Indicator",
    "period": "Period",
    "unit": "Unit",
    "previous_value": "Previous value",
    "target": "Target",
    "value": "Value",
    "commentary": "Commentary",
    "blockage": "Blockage for the board (Y/N)",
    "area": AREA_HEADER,
}
EDITABLE = ("Value", "Commentary", "Blockage for the board (Y/N)")
VALUE_ERROR = "Type a number, or leave blank and explain in Commentary (n/a is accepted too)."

_WIDTHS = {
    "Indicator code": 11,
    "Indicator": 45,
    "Period": 12,
    "Unit": 14,
    "Previous value": 12,
    "Target": 10,
    "Value": 12,
    "Commentary": 50,
    "Blockage for the board (Y/N)": 14,
    AREA_HEADER: 14,
}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_GREY_FILL = PatternFill("solid", fgColor="EDEDED")
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_KIND_WORD = {"month": "monthly", "quarter": "quarterly", "year": "annual"}


class TemplateError(Refused, ValueError):
    """What is wrong with a template request, in plain English (str(e) is the message)."""

    code = "template-refused"


def _parse(period: Any) -> periods.Period:
    try:
        return periods.parse_period(period)
    except periods.PeriodError as err:
        raise TemplateError.carrying(err) from None


def _indicators(
    cur: duckdb.DuckDBPyConnection, priority_id: str | None, lead: str | None
) -> pd.DataFrame:
    """The indicators asked for, in priority order then indicator order."""
    priority_id = priority_id.strip() if isinstance(priority_id, str) else priority_id
    lead = lead.strip() if isinstance(lead, str) else lead
    if priority_id and lead:
        raise TemplateError.worded("template-priority-and-lead", lead=lead, priority=priority_id)
    if not priority_id and not lead:
        raise TemplateError.worded("template-whose")
    frame = cur.execute(
        f"""
        SELECT i.code, i.name, i.unit, i.frequency, i.decimals, i.by_area, i.target,
               i.accountable_role, pr.id AS priority_id, pr.title AS priority_title,
               pr.lead_role
        FROM indicator i
        JOIN priority pr ON pr.id = i.priority_id
        LEFT JOIN tier t ON t.code = pr.tier_code
        WHERE {NOT_COMPUTED}
        ORDER BY t.sort_order, pr.sort_order, pr.id, i.sort_order, i.code
        """
    ).df()
    if priority_id:
        ids = cur.execute(
            """
            SELECT pr.id FROM priority pr LEFT JOIN tier t ON t.code = pr.tier_code
            ORDER BY t.sort_order, pr.sort_order, pr.id
            """
        ).fetchall()
        valid = [row[0] for row in ids]
        if priority_id not in valid:
            raise TemplateError.worded(
                "no-such-priority",
                "template" if valid else "no-framework",
                priority=priority_id,
                priorities=", ".join(valid),
            )
        return frame[frame["priority_id"] == priority_id].reset_index(drop=True)
    needle = lead.casefold()
    matches = frame["lead_role"].str.casefold().str.contains(needle, regex=False) | frame[
        "accountable_role"
    ].str.casefold().str.contains(needle, regex=False)
    if not matches.any():
        leads = sorted(set(frame["lead_role"]) | set(frame["accountable_role"]))
        raise TemplateError.worded(
            "template-unknown-lead",
            None if leads else "no-framework",
            lead=lead,
            leads="; ".join(leads),
        )
    return frame[matches].reset_index(drop=True)


def _blank(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


def due_rows(
    cur: duckdb.DuckDBPyConnection,
    period: Any,
    *,
    priority_id: str | None = None,
    lead: str | None = None,
) -> pd.DataFrame:
    """The rows of a return: one per indicator, period due and area.

    Give exactly one of ``priority_id`` (every indicator of that priority) or ``lead`` (every
    indicator whose priority's lead role or own accountable role contains it, ignoring case).
    ``period`` is as typed: ``2024/25 Q3``, ``Q3 2024/25``, ``Oct-Dec 2024``, a month or a year.

    Columns: those of :data:`COLUMNS` (``area`` is None for the whole partnership, ``value``,
    ``commentary`` and ``blockage`` are empty) and, for whoever writes the sheet,
    ``priority_id``, ``unit_code`` and ``decimals``. Raises :class:`TemplateError`.
    """
    return_period = _parse(period)
    indicators = _indicators(cur, priority_id, lead)
    codes = indicators["code"].tolist()
    areas = [
        row[0]
        for row in cur.execute(
            "SELECT code FROM area WHERE code <> 'all' ORDER BY sort_order, code"
        ).fetchall()
    ]
    current = cur.execute(
        "SELECT indicator_code, period, area, value FROM observation_current_detail "
        "WHERE list_contains(?, indicator_code)",
        [codes],
    ).fetchall()
    previous = {(c, p, a): v for c, p, a, v in current}
    targets = {
        (c, p): t
        for c, p, t in cur.execute(
            "SELECT indicator_code, period, target FROM indicator_target "
            "WHERE list_contains(?, indicator_code)",
            [codes],
        ).fetchall()
    }
    records = []
    for ind in indicators.to_dict("records"):
        for due in periods_due(ind["frequency"], return_period):
            before = due.previous().code
            for area in [None, *areas] if ind["by_area"] else [None]:
                target = targets.get((ind["code"], due.code), _blank(ind["target"]))
                records.append(
                    {
                        "indicator_code": ind["code"],
                        "indicator": ind["name"],
                        "period": due.code,
                        "unit": UNIT_LABELS.get(ind["unit"], ind["unit"]),
                        "previous_value": _blank(
                            previous.get((ind["code"], before, area or "all"))
                        ),
                        "target": None if area else target,
                        "value": None,
                        "commentary": None,
                        "blockage": None,
                        "area": area,
                        "priority_id": ind["priority_id"],
                        "unit_code": ind["unit"],
                        "decimals": int(ind["decimals"]),
                    }
                )
    frame = pd.DataFrame.from_records(
        records, columns=[*COLUMNS, "priority_id", "unit_code", "decimals"]
    )
    frame["area"] = frame["area"].astype(object).where(frame["area"].notna(), None)
    return frame


def _number_format(unit: str, decimals: int) -> str:
    """``#,##0`` for counts, ``0.0`` (or the indicator's decimals) for the rest.

    >>> _number_format("count", 0), _number_format("percent", 0), _number_format("score", 2)
    ('#,##0', '0.0', '0.00')
    """
    if unit == "count":
        return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return "0." + "0" * max(decimals, 1)


def _partnership_name(cur: duckdb.DuckDBPyConnection) -> str:
    row = cur.execute("SELECT name FROM partnership WHERE id = 1").fetchone()
    return row[0] if row else "Partnership"


def _checked(kind: str, formula: str, title: str, error: str) -> DataValidation:
    """Excel's own check on a column a lead types in: what it allows, and what it says when
    something else is typed (blank is always allowed: n/a needs no figure)."""
    check = DataValidation(type=kind, formula1=formula, allow_blank=True)
    check.showErrorMessage, check.errorTitle, check.error = True, title, error
    return check


def write_template(
    cur: duckdb.DuckDBPyConnection,
    out_path: str | os.PathLike | IO[bytes],
    period: Any,
    *,
    priority_id: str | None = None,
    lead: str | None = None,
) -> int:
    """Write the return workbook to ``out_path`` (a path or a binary file object, such as the
    ``BytesIO`` behind a download button); returns the number of rows written, which is 0 when
    nothing is due (the sheet then has its header only). Raises :class:`TemplateError`."""
    return_period = _parse(period)
    rows = due_rows(cur, return_period, priority_id=priority_id, lead=lead)
    by_area = rows["area"].notna().any()
    header = [*RETURN_HEADER, AREA_HEADER] if by_area else list(RETURN_HEADER)
    keys = list(COLUMNS)[: len(header)]
    partnership = _partnership_name(cur)
    title = f"{partnership} {_KIND_WORD[return_period.kind]} return {return_period.code}"
    if priority_id:
        title_of, owed_by = cur.execute(
            "SELECT title, lead_email FROM priority WHERE id = ?", [priority_id.strip()]
        ).fetchone()
        # Who owes the return, as a person to write to, where the framework names one.
        who = title_of + (f" (the return is owed by {owed_by})" if owed_by else "")
    else:
        who = f"indicators led by '{lead.strip()}'"

    wb = Workbook()
    ws = wb.active
    ws.title = RETURN_SHEET
    ws.append(header)
    for column, heading in enumerate(header, start=1):
        cell = ws.cell(row=1, column=column)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
        ws.column_dimensions[cell.column_letter].width = _WIDTHS[heading]
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"

    for offset, record in enumerate(rows.to_dict("records")):
        r = offset + 2
        fmt = _number_format(record["unit_code"], record["decimals"])
        for column, (key, heading) in enumerate(zip(keys, header, strict=True), start=1):
            cell = ws.cell(row=r, column=column, value=spreadsheets.cell_text(_blank(record[key])))
            editable = heading in EDITABLE
            cell.fill = _EDIT_FILL if editable else _GREY_FILL
            cell.border = _BORDER
            cell.protection = Protection(locked=not editable)
            cell.alignment = Alignment(
                wrap_text=heading in ("Indicator", "Commentary"), vertical="top"
            )
            if key in ("previous_value", "target", "value"):
                cell.number_format = fmt
            elif key == "period":
                cell.number_format = "@"  # a code such as 2024-10 stays text, never a date

    last = len(rows) + 1
    if len(rows):
        value_col = ws.cell(row=1, column=header.index("Value") + 1).column_letter
        block_col = ws.cell(row=1, column=header.index(EDITABLE[2]) + 1).column_letter
        figure = f'OR(ISNUMBER({value_col}2),TRIM({value_col}2)="n/a")'
        value_check = _checked("custom", figure, "Not a number", VALUE_ERROR)
        value_check.showInputMessage, value_check.promptTitle = True, "Value"
        value_check.prompt = (
            "The figure for this period, in the unit shown (percentages as 12 or 12%)."
        )
        value_check.add(f"{value_col}2:{value_col}{last}")
        blockage_error = "Type Y to escalate a blockage to the board, N (or leave blank) if not."
        blockage_check = _checked("list", '"Y,N"', "Y or N", blockage_error)
        blockage_check.add(f"{block_col}2:{block_col}{last}")
        ws.add_data_validation(value_check)
        ws.add_data_validation(blockage_check)
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.protection.formatColumns = False  # still allow widening columns and rows
    ws.protection.formatRows = False

    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), title, who, len(rows))
    wb.properties.title = spreadsheets.cell_text(title)
    wb.properties.subject = spreadsheets.cell_text(f"{title}: {who}")
    wb.properties.creator = spreadsheets.cell_text(partnership)
    wb.properties.keywords = f"return; {return_period.code}; {priority_id or lead}"
    spreadsheets.neutralise_workbook(wb)
    wb.save(out_path)
    return len(rows)


def _instructions(ws: Any, title: str, who: str, count: int) -> None:
    lines = [
        (title, True),
        (f"For: {who}. {count} figure{'s' if count != 1 else ''} to fill in.", False),
        ("", False),
        ("What to fill in", True),
        (
            f"On the '{RETURN_SHEET}' sheet, each row asks for one figure: an indicator, for one "
            "period (and, where the Area column is filled in, one area; a blank Area means the "
            "whole partnership). Type in the three shaded columns only: Value, Commentary and "
            "Blockage for the board (Y/N).",
            False,
        ),
        (
            "Value: the figure, in the unit the Unit column gives. Percentages can be typed as "
            "12 or 12%; rates are per 1,000 people. Previous value and Target are there to "
            "check against.",
            False,
        ),
        (
            "Commentary: the story behind the figure, what is being done about it, and anything "
            "the board should know.",
            False,
        ),
        (
            "A figure that is not available: leave Value blank, or type n/a, and say why in "
            "Commentary.",
            False,
        ),
        (
            "Blockage for the board (Y/N): Y means the partnership board needs to help unblock "
            "something (escalate it to the board); say what in Commentary. N or blank means no.",
            False,
        ),
        (
            "Do not change the grey columns, add or delete rows, or rename the sheet: they "
            "tell the dashboard which figure is which.",
            False,
        ),
        ("", False),
        ("How to upload", True),
        (
            "Save the workbook and upload it on the dashboard's upload page, or ask the "
            "performance officer to run: python -m outcomes load FILE",
            False,
        ),
    ]
    ws.column_dimensions["A"].width = 100
    for number, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1, value=spreadsheets.cell_text(text) or None)
        cell.font = Font(bold=True, size=14 if number == 1 else 11) if bold else Font()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
