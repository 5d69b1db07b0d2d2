"""A return filled in as a lead would: the template for a priority, every figure typed in."""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import load_workbook

from outcomes.template import write_template


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
