"""A return filled in as a lead would: the template for a priority, every figure typed in."""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import load_workbook

from outcomes.workflows.template import write_template


def filled_return(
    cur: duckdb.DuckDBPyConnection, path: Path, priority: str, period: str = "2025/26 Q1"
) -> Path:
    """The template for ``priority`` with each figure one more than last period's (or 10);
    an indicator computed from public data is left blank, as its lead would leave it."""
    write_template(cur, path, period, priority_id=priority)
    computed = {
        r[0] for r in cur.execute("SELECT indicator_code FROM indicator_derivation").fetchall()
    }
    wb = load_workbook(path)
    ws = wb["Return"]
    header = [c.value for c in ws[1]]
    value, previous = header.index("Value") + 1, header.index("Previous value") + 1
    code = header.index("Indicator code") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=code).value in computed:
            continue
        ws.cell(row=r, column=value, value=(ws.cell(row=r, column=previous).value or 9) + 1)
    wb.save(path)
    return path


LEAD_EMAIL = "street.violence.lead@demo.example"  # the demo's priority lead
LEAD_PRIORITY = "street-violence"


def withhold_latest_quarter(cur: duckdb.DuckDBPyConnection, priority: str = LEAD_PRIORITY) -> str:
    """The demo as it stands before ``priority``'s lead sends the latest quarter: its figures for
    that quarter taken out, so its return is due (overdue, by the demo's calendar). Returns the
    quarter's code."""
    from outcomes.workflows.demo import facts

    quarter = facts(cur).latest_quarter
    cur.execute(
        "DELETE FROM observation WHERE period_start >= ? AND indicator_code IN "
        "(SELECT code FROM indicator WHERE priority_id = ?)",
        [quarter.start, priority],
    )
    return quarter.code


def typed_figures(rows, figures: dict[int, str] | None = None):
    """The form's rows (typed_returns.form_rows) with a figure typed in each: one more than the
    last figure (or 10), or what ``figures`` says for a row number (0-based)."""
    typed = rows.copy()
    typed["value"] = [
        str(int(p) + 1) if p == p and p is not None else "10" for p in typed["previous_value"]
    ]
    for i, text in (figures or {}).items():
        typed.loc[i, "value"] = text
    return typed


def approval_on(cur: duckdb.DuckDBPyConnection, approver_email: str | None = None) -> None:
    """Approval of returns switched on for the whole partnership (as its administrator)."""
    from outcomes.storage.people import SYSTEM
    from outcomes.workflows import approval

    approval.set_rule(cur, required=True, approver_email=approver_email, by=SYSTEM)


def send_typed(cur: duckdb.DuckDBPyConnection, lead, quarter: str, priority: str = LEAD_PRIORITY):
    """``lead`` types every figure of ``priority``'s return for ``quarter`` in the browser's form
    (one more than the last, as :func:`typed_figures`) and sends it, warnings accepted."""
    from outcomes.workflows import typed_returns

    rows = typed_returns.form_rows(cur, priority, quarter, person=lead)
    prepared = typed_returns.prepare_typed(
        cur, typed_figures(rows), priority_id=priority, return_period=quarter, by=lead
    )
    return typed_returns.submit(
        cur, prepared, priority_id=priority, return_period=quarter, by=lead, accept_warnings=True
    )
