"""Spreadsheets the product writes: text stays text, never a live formula.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in CSV,
one that begins with a tab or carriage return) as a formula. Text a visitor typed (commentary,
an action, a framework title) must never reach a board member's Excel as ``=cmd|' /C calc'!A0``
or ``=HYPERLINK(...)``. Following OWASP's CSV-injection guidance:

- **xlsx**: every such cell is written as a *string* cell with Excel's quote prefix, so Excel
  shows the text exactly, keeps it text when someone edits the cell, and a reader (python-calamine,
  openpyxl, pandas) gets the very same characters back. Nothing is added to the text, so the
  actions and framework workbooks still import back without loss.
- **CSV** has no cell types, so such text is prefixed with an apostrophe, the guidance's
  recommendation; :func:`from_csv` takes it off again for anything the product reads back.

Every workbook the product writes passes through :func:`neutralise_workbook` just before it is
saved: one rule, one place, whatever built the workbook (openpyxl directly or pandas).
"""

from __future__ import annotations

import re
from typing import Any

#: What makes a spreadsheet program treat a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


#: Control characters an xlsx cell cannot hold (openpyxl refuses them); tab and newlines are fine.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value: Any) -> Any:
    r"""Text as an xlsx cell can hold it: the control characters a workbook cannot store are
    dropped (a framework title pasted from elsewhere can carry one), everything else is kept.

    >>> cell_text("Safer\x07 streets\n"), cell_text(3)
    ('Safer streets\n', 3)
    """
    return _UNWRITABLE.sub("", value) if isinstance(value, str) else value


def writable(frame):
    """A copy of a DataFrame whose text cells an xlsx can hold (see :func:`cell_text`)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith("str"):
            safe[column] = safe[column].map(cell_text)
    return safe


def looks_like_formula(value: Any) -> bool:
    """Whether text would be run as a formula if a spreadsheet program read it raw.

    >>> [looks_like_formula(v) for v in ("=1+1", "+1", "-2+3", "@SUM(1)", "Fewer burglaries")]
    [True, True, True, True, False]
    >>> looks_like_formula(-3), looks_like_formula(None), looks_like_formula("")
    (False, False, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def to_csv(value: Any) -> Any:
    """A value made safe for a CSV cell: formula-like text gets a leading apostrophe.

    Text that already begins with an apostrophe gets one more, so :func:`from_csv` is exact.

    >>> to_csv("=HYPERLINK(\\"http://x\\")"), to_csv("'quoted"), to_csv("plain"), to_csv(12.5)
    ('\\'=HYPERLINK("http://x")', "''quoted", 'plain', 12.5)
    """
    if isinstance(value, str) and (looks_like_formula(value) or value.startswith("'")):
        return "'" + value
    return value


def from_csv(value: Any) -> Any:
    """The text :func:`to_csv` was given.

    >>> all(from_csv(to_csv(t)) == t for t in ("=1+1", "+1", "-2+3", "@SUM(1)", "'x", "''", "a"))
    True
    """
    if isinstance(value, str) and value.startswith("'"):
        rest = value[1:]
        if looks_like_formula(rest) or rest.startswith("'"):
            return rest
    return value


def frame_to_csv(frame) -> str:
    """A DataFrame as CSV text with every text cell made safe (history downloads)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith("str"):
            safe[column] = safe[column].map(to_csv)
    return safe.to_csv(index=False)


def neutralise_workbook(workbook) -> int:
    """Turn every formula-like cell of an openpyxl workbook into quote-prefixed text.

    The product never writes a formula on purpose, so a formula cell here is text that openpyxl
    took for one (it treats any string beginning with ``=`` as a formula). Returns how many
    cells were changed.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                if cell.data_type == "f" or looks_like_formula(value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
