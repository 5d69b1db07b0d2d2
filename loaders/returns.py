"""A lead's quarterly return (xlsx or CSV) in, raw rows and located problems out.

The layout -- which columns a return has and how leads spell them -- is declared as data in
:mod:`loaders.layouts`; this reader is generic over it. Nothing is raised for bad input and the
database is not touched: every difficulty becomes a :class:`Problem` naming the file, sheet,
row (as Excel numbers it; for CSV the line) and column header, in a sentence the lead can act on.

How a return is read:

* **Format** from the file name's extension: ``.xlsx``/``.xlsm``/``.xls``/``.ods`` through
  python-calamine, ``.csv`` as UTF-8 (with or without BOM), falling back to Windows-1252 (what
  Excel's plain "CSV" writes). Anything else, or a file that will not open, is an
  ``unreadable-file`` problem.
* **Sheet**: sheets named in ``layout.preferred_sheets`` are tried first, then the rest in
  workbook order; the first whose top ``layout.header_search_rows`` rows hold a row naming every
  required column is read. Other sheets that also hold one get an ``other-sheet`` note.
* **Header**: the first such row. Columns are matched by their accepted spellings, so they may
  be renamed and in any order; unknown headers are ``extra-column`` notes (ignored, not errors).
  If no row names every required column, the row naming the most known columns is reported as
  one ``missing-column`` error listing all the missing ones (no rows are read); if no row names
  two known columns, a ``no-header`` error lists each missing column and its accepted spellings.
* **Rows** under the header, with cells kept as typed (numbers stay numbers, dates stay
  datetimes, text is stripped; blank is ``None``; values are parsed later, with the unit):

  - blank rows are skipped;
  - a row with an indicator code is a row of figures (if the code does not look like a code,
    e.g. ``Notes``, the row also needs a period, value, target or previous value);
  - a row with a value but no indicator code is a ``blank-code`` error and is left out, unless
    the value is words alone on the row ("Source: Police recorded crime" under a layout whose
    first column is Value), which is a line of text like any other;
  - any other row with text (a heading or a note) is a *note under the table* if no row of
    figures follows it, and goes to ``notes_below`` with a ``note-below`` note saying so (read
    as a note, not a figure); if figures follow, it was a heading inside
    the table and is skipped with a ``skipped-row`` note;
  - after two or more blank rows the table has ended: everything below goes to
    ``notes_below`` (an ``after-table`` warning names any row there that looks like figures).

  The two-blank-row rule applies only once a row of figures has been seen, so a gap between the
  header and the first row of figures does not lose the table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from loaders import files
from loaders.files import CellFault, FileRefused
from loaders.layouts import RETURN_LAYOUT, Layout
from loaders.problems import Problem, problem

EXCEL_SUFFIXES = files.WORKBOOK_SUFFIXES
CSV_SUFFIXES = files.CSV_SUFFIXES
ROW_COLUMNS = (
    "indicator_code",
    "indicator_name",
    "period_raw",
    "area",
    "unit",
    "previous_value_raw",
    "target_raw",
    "value_raw",
    "commentary",
    "blockage_raw",
    "source_row",
)
# canonical column -> column in ReturnRows.rows (raw cells parsed later get a _raw suffix)
_ROW_NAME = {
    "period": "period_raw",
    "previous_value": "previous_value_raw",
    "target": "target_raw",
    "value": "value_raw",
    "blockage": "blockage_raw",
}
_TEXT = ("indicator_code", "indicator_name", "area", "unit", "commentary")
_FIGURES = ("period", "value", "target", "previous_value")
_CODE_LIKE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_./-]*[A-Za-z0-9])?")
_GAP_ENDS_TABLE = 2  # this many blank rows in a row end the table
_MIN_KNOWN_FOR_HEADER = 2  # a row naming fewer known columns is not a header attempt


@dataclass
class ReturnRows:
    rows: pd.DataFrame  # ROW_COLUMNS; source_row is the spreadsheet row (CSV: line) number
    file: str
    sheet: str | None
    header_row: int  # 1-based; 0 when no header was found
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header text found
    problems: list[Problem] = field(default_factory=list)
    notes_below: list[str] = field(default_factory=list)  # free text found under the table

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Grid:
    """One sheet (or the CSV) as cleaned cells, with the row number each row has in the file.

    ``frame`` holds the cells column by column (positions as column labels), for reading a
    plain table on whole columns (:func:`_plain_table`); ``cells``, row by row, is made from it
    only when rows are read one at a time.
    """

    def __init__(self, sheet: str | None, frame: pd.DataFrame, numbers: list[int]):
        self.sheet, self.frame, self.numbers = sheet, frame, numbers

    @functools.cached_property
    def cells(self) -> list[list[object]]:
        return self.frame.to_numpy(dtype=object).tolist()

    def head(self, rows: int) -> list[list[object]]:
        return self.frame.iloc[:rows].to_numpy(dtype=object).tolist()

    def row(self, index: int) -> list[object]:
        return self.frame.iloc[index].tolist()

    def empty(self) -> bool:
        return not self.frame.notna().to_numpy().any()


@dataclass
class _Header:
    index: int  # position in _Grid.cells
    found: dict[str, tuple[int, str]]  # canonical -> (column position, header text)


def _clean(cell: object) -> object:
    """A cell as the reader keeps it: None for blank, stripped text, plain Python numbers."""
    if cell is None or cell is pd.NaT or cell is pd.NA:
        return None
    if isinstance(cell, CellFault):
        return cell
    if isinstance(cell, float) and cell != cell:
        return None
    if isinstance(cell, str):
        return cell.strip() or None
    if isinstance(cell, pd.Timestamp):
        return cell.to_pydatetime()
    if hasattr(cell, "item") and not isinstance(cell, datetime | date):  # numpy scalars
        return cell.item()
    return cell


def _text(cell: object) -> str:
    """A cell as text for messages and notes (12.0 -> '12')."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _empty_rows() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})
    return frame.astype({"source_row": "int64"})


_KEPT = (int, float, bool, type(None), datetime, date, CellFault)


def _clean_column(column: pd.Series) -> pd.Series:
    """:func:`_clean` of every cell of a column, the usual kinds of cell on the whole column."""
    out = column.to_numpy(dtype=object, copy=True)
    kinds = files.cell_kinds(out)
    text = files.of_kind(kinds, str)
    if text.any():
        out[text] = files.stripped_text(out[text])
    other = ~(text | files.of_kind(kinds, *_KEPT))
    if other.any():
        out[other] = [_clean(c) for c in out[other]]
    floats = files.of_kind(kinds, float)
    if floats.any():
        numbers = out[floats].astype("float64")
        out[np.flatnonzero(floats)[np.isnan(numbers)]] = None
    return pd.Series(out, index=column.index, dtype=object)


def _grid(sheet: str | None, raw: pd.DataFrame, numbers: list[int]) -> _Grid:
    """A grid of cleaned cells from a frame of raw ones (positions as its column labels)."""
    frame = pd.DataFrame(
        {j: _clean_column(raw[c]) for j, c in enumerate(raw.columns)}, index=raw.index
    )
    return _Grid(sheet, frame, numbers)


def _excel_grids(data: bytes, file: str) -> list[_Grid]:
    return [
        _grid(str(name), frame.reset_index(drop=True), list(range(1, len(frame) + 1)))
        for name, frame in files.read_workbook(data, file).items()
    ]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "binary data (NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_grid(text: str, delimiter: str, file: str) -> _Grid:
    columns = files.csv_columns(text, delimiter)  # a plain CSV, column by column
    if columns is not None:
        return _grid(None, columns, list(range(1, len(columns) + 1)))
    records, numbers = files.csv_rows(text, file, delimiter)  # and the line each starts on
    # Short records are padded with blanks, as a spreadsheet reads them.
    width = max(map(len, records), default=0)
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in records]
    return _grid(None, pd.DataFrame(padded, dtype=object), numbers)


def _find_header(grid: _Grid, layout: Layout) -> tuple[_Header | None, _Header | None]:
    """(the first row naming every required column, the row naming the most known columns)."""
    best: _Header | None = None
    for index, row in enumerate(grid.head(layout.header_search_rows)):
        found: dict[str, tuple[int, str]] = {}
        for position, cell in enumerate(row):
            if isinstance(cell, str):
                canonical = layout.canonical(cell)
                if canonical is not None and canonical not in found:
                    found[canonical] = (position, cell)
        header = _Header(index, found)
        if all(c in found for c in layout.required):
            return header, header
        if len(found) >= _MIN_KNOWN_FOR_HEADER and (best is None or len(found) > len(best.found)):
            best = header
    return None, best


def _headed(layout: Layout, canonical: str) -> str:
    """The accepted headings for a column, for messages: 'Value' (or 'Figure', ...)."""
    first, *others = layout.spellings(canonical)
    return f"'{first}'" + (f" (or {', '.join(repr(s) for s in others)})" if others else "")


def _label(canonical: str) -> str:
    return canonical.replace("_", " ")


def _ordered(grids: list[_Grid], layout: Layout) -> list[_Grid]:
    preferred = [s.strip().lower() for s in layout.preferred_sheets]

    def rank(grid: _Grid) -> int:
        name = (grid.sheet or "").strip().lower()
        return preferred.index(name) if name in preferred else len(preferred)

    return sorted(grids, key=rank)  # stable: workbook order within each rank


def _looks_like_code(text: str) -> bool:
    """A short token with a digit or separator, e.g. ``VV01``, ``ASB.2`` (not ``Notes``)."""
    return (
        len(text) <= 40
        and _CODE_LIKE.fullmatch(text) is not None
        and any(ch.isdigit() or ch in "_./-" for ch in text)
    )


def _cell(row: Sequence[object], found: dict[str, tuple[int, str]], canonical: str) -> object:
    if canonical not in found:
        return None
    position = found[canonical][0]
    return row[position] if position < len(row) else None


def _plain_table(grid: _Grid, header: _Header) -> pd.DataFrame | None:
    """The rows of figures read on whole columns, when the table is plain: every row under the
    header is blank or a row of figures with its code, no Excel error among the columns read,
    and no two blank rows in a row before the last row of figures. None otherwise (headings,
    notes, a value without a code...): :func:`_read_rows` then reads it row by row and says
    what it found. For a plain table both read the same records and nothing to say.
    """
    if "indicator_code" not in header.found:
        return None
    body = grid.frame.iloc[header.index + 1 :]
    filled = body.notna().to_numpy().any(axis=1)
    if not filled.any():
        return None
    at = np.flatnonzero(filled)
    if (np.diff(at) > _GAP_ENDS_TABLE).any():  # a gap of two blank rows ends the table
        return None
    rows = body.iloc[at]
    columns: dict[str, pd.Series] = {}
    for canonical, (position, _) in header.found.items():
        cells = rows[position]
        kinds = files.cell_kinds(cells.to_numpy(dtype=object))
        if files.of_kind(kinds, CellFault).any():
            return None
        if canonical in _TEXT:
            other = ~files.of_kind(kinds, str, type(None))
            if other.any():
                cells = cells.copy()
                cells[other] = [_text(c) for c in cells[other]]
        columns[_ROW_NAME.get(canonical, canonical)] = cells
    code = columns["indicator_code"]
    if code.isna().any():
        return None
    figures = np.zeros(len(rows), dtype=bool)
    for canonical in _FIGURES:
        name = _ROW_NAME.get(canonical, canonical)
        if name in columns:
            figures |= columns[name].notna().to_numpy()
    if not figures.all() and not all(_looks_like_code(c) for c in code[~figures]):
        return None
    blank = np.full(len(rows), None, dtype=object)
    out = pd.DataFrame(
        {c: columns[c].to_numpy(dtype=object) if c in columns else blank for c in ROW_COLUMNS[:-1]},
        dtype=object,
    )
    out["source_row"] = np.asarray(grid.numbers[header.index + 1 :], dtype="int64")[at]
    return out


def _read_rows(
    grid: _Grid, header: _Header, layout: Layout, file: str
) -> tuple[list[dict] | pd.DataFrame, list[Problem], list[str]]:
    plain = _plain_table(grid, header)
    if plain is not None:
        return plain, [], []
    found = header.found
    problems: list[Problem] = []
    records: list[dict] = []
    notes: list[tuple[int, str]] = []  # row number and text of each note under the table
    after_table: set[int] = set()  # rows under the table that look like figures (warned of)
    pending: list[tuple[int, str]] = []  # text rows not yet known to be headings or notes
    blank_run = 0
    data_seen = False
    in_notes = False

    def report(code: str, row: int, canonical=None, value=None, **facts) -> None:
        column = found[canonical][1] if canonical in found else None
        at = {"file": file, "sheet": grid.sheet, "row": row, "column": column, "value": value}
        problems.append(problem(code, **at, **facts))

    def headings() -> None:
        for number, text in pending:
            report("skipped-row", number, "indicator_code", text=text)
        pending.clear()

    for row, number in zip(
        grid.cells[header.index + 1 :], grid.numbers[header.index + 1 :], strict=True
    ):
        if all(c is None for c in row):
            blank_run += 1
            continue
        gap, blank_run = blank_run, 0
        if not in_notes and data_seen and gap >= _GAP_ENDS_TABLE:
            in_notes = True
            notes.extend(pending)
            pending.clear()
        text = " ".join(_text(c) for c in row if c is not None)
        code = _cell(row, found, "indicator_code")
        value = _cell(row, found, "value")

        if in_notes:
            notes.append((number, text))
            if code is not None and value is not None:
                after_table.add(number)
                report("after-table", number, "indicator_code", _text(code))
            continue

        if code is None and value is not None and not _prose(row, value):
            data_seen = True
            headings()
            report("blank-code", number, "indicator_code", _text(value))
            continue

        figures = any(_cell(row, found, c) is not None for c in _FIGURES)
        if code is not None and (figures or _looks_like_code(_text(code))):
            data_seen = True
            headings()
            record: dict[str, object] = {c: None for c in ROW_COLUMNS}
            for canonical in found:
                cell = _cell(row, found, canonical)
                if isinstance(cell, CellFault):
                    report(
                        "excel-error",
                        number,
                        canonical,
                        cell.what,
                        wording="row",
                        fault=cell.describe(),
                    )
                    cell = None
                if canonical in _TEXT and cell is not None:
                    cell = _text(cell)
                record[_ROW_NAME.get(canonical, canonical)] = cell
            record["source_row"] = number
            records.append(record)
            continue

        pending.append((number, text))

    notes.extend(pending)
    for number, text in notes:
        if number not in after_table:
            shown = text if len(text) <= 60 else text[:57] + "…"
            report("note-below", number, text=shown)
    return records, problems, [text for _, text in notes]


def _prose(row: Sequence[object], value: object) -> bool:
    """A line of words alone on its row, such as "Source: Police recorded crime" typed in a
    layout whose first column is Value: a note, not a figure without its code.

    >>> _prose(["Source: Police recorded crime", None], "Source: Police recorded crime")
    True
    >>> _prose(["about 20", None], "about 20"), _prose([12, "Total"], 12)
    (False, False)
    """
    if not isinstance(value, str) or sum(c is not None for c in row) != 1:
        return False
    return sum(any(ch.isalpha() for ch in word) for word in value.split()) >= 2


def _source(path: str | PathLike | IO[bytes], file_name: str | None) -> tuple[str, bytes]:
    if isinstance(path, str | PathLike):
        name = file_name or Path(path).name
    else:
        name = file_name or Path(str(getattr(path, "name", "return"))).name
    return name, files.read_bytes(path, name)


def _grids(data: bytes, shown: str, layout: Layout) -> list[_Grid]:
    """The file's sheets (or the CSV) as grids, measured against the limits first."""
    if files.check_suffix(shown) in EXCEL_SUFFIXES:
        return _excel_grids(data, shown)
    files.check_csv(data, shown)
    text = _decode(data)
    grids = [_csv_grid(text, ",", shown)]
    if _find_header(grids[0], layout)[0] is None:  # saved as tab- or semicolon-separated?
        for delimiter in ("\t", ";"):
            other = _csv_grid(text, delimiter, shown)
            if _find_header(other, layout)[0] is not None:
                return [other]
    return grids


def read_return(
    path: str | PathLike | IO[bytes],
    *,
    file_name: str | None = None,
    layout: Layout = RETURN_LAYOUT,
) -> ReturnRows:
    """Read a lead's return: a path, or an open binary file (e.g. an upload) with
    ``file_name`` giving the name it was sent as (used for the format and in messages)."""
    shown = file_name or (Path(path).name if isinstance(path, str | PathLike) else "return")

    def failed(code: str, sheet: str | None = None, row: int = 0, **facts) -> ReturnRows:
        found = problem(code, file=shown, sheet=sheet, **facts)
        return ReturnRows(_empty_rows(), shown, sheet, row, {}, [found], [])

    try:
        shown, data = _source(path, file_name)
    except OSError as error:
        return failed("unreadable-file", wording="not-opened", reason=error.strerror)
    except FileRefused as refused:
        return ReturnRows(_empty_rows(), shown, None, 0, {}, list(refused.problems), [])

    try:
        grids = _grids(data, shown, layout)
    except FileRefused as refused:
        return ReturnRows(_empty_rows(), shown, None, 0, {}, list(refused.problems), [])
    except UnicodeDecodeError:
        return failed("unreadable-file", wording="not-text")

    if all(grid.empty() for grid in grids):
        return failed("empty", wording="file")

    problems: list[Problem] = []
    chosen: tuple[_Grid, _Header] | None = None
    partial: tuple[_Grid, _Header] | None = None
    for grid in _ordered(grids, layout):
        full, best = _find_header(grid, layout)
        if full is not None and chosen is None:
            chosen = (grid, full)
        elif full is not None:
            problems.append(
                problem(
                    "other-sheet",
                    file=shown,
                    sheet=grid.sheet,
                    row=grid.numbers[full.index],
                    read=chosen[0].sheet,
                )
            )
        elif best is not None and (partial is None or len(best.found) > len(partial[1].found)):
            partial = (grid, best)

    if chosen is None and partial is not None:
        grid, header = partial
        number = grid.numbers[header.index]
        missing = [c for c in layout.required if c not in header.found]
        noun = "column" if len(missing) == 1 else "columns"
        needs = " and ".join(_headed(layout, c) for c in missing)
        lacking = problem(
            "missing-column",
            file=shown,
            sheet=grid.sheet,
            row=number,
            value=", ".join(missing),
            wording="header",
            missing=" or ".join(_label(c) for c in missing),
            noun=noun,
            add="a column" if len(missing) == 1 else "columns",
            needs=needs,
        )
        columns = {c: text for c, (_, text) in header.found.items()}
        return ReturnRows(_empty_rows(), shown, grid.sheet, number, columns, [lacking], [])

    if chosen is None:
        sheets = [g.sheet for g in grids if g.sheet]
        where = f"sheet{'s' if len(sheets) > 1 else ''} {', '.join(sheets)}" if sheets else shown
        needs = "; ".join(f"{_label(c)}: {_headed(layout, c)}" for c in layout.required)
        return failed(
            "no-header",
            grids[0].sheet if len(grids) == 1 else None,
            rows=layout.header_search_rows,
            where=where,
            needs=needs,
        )

    grid, header = chosen
    number = grid.numbers[header.index]
    problems.extend(_header_problems(grid, header, layout, shown))
    records, row_problems, notes = _read_rows(grid, header, layout, shown)
    problems.extend(row_problems)
    if not len(records) and not any(p.code == "blank-code" for p in row_problems):
        problems.append(
            problem("empty", file=shown, sheet=grid.sheet, row=number, wording="header")
        )
    rows = _empty_rows()
    if isinstance(records, pd.DataFrame):
        rows = records
    elif records:  # dtype=object: no inference, so 12 stays 12 and None stays None
        rows = pd.DataFrame(records, columns=list(ROW_COLUMNS), dtype=object)
        rows["source_row"] = rows["source_row"].astype("int64")
    columns = {c: text for c, (_, text) in header.found.items()}
    return ReturnRows(rows, shown, grid.sheet, number, columns, problems, notes)


def _header_problems(grid: _Grid, header: _Header, layout: Layout, shown: str) -> list[Problem]:
    """Columns of the header row that are not read: not the return's, or said twice."""
    number = grid.numbers[header.index]
    problems: list[Problem] = []
    header_cells = grid.row(header.index)
    for position, cell in enumerate(header_cells):
        if cell is None:
            continue
        canonical = layout.canonical(cell) if isinstance(cell, str) else None
        if canonical is None:
            problems.append(
                problem(
                    "extra-column", file=shown, sheet=grid.sheet, row=number, column=_text(cell)
                )
            )
        elif header.found[canonical][0] != position:
            first = header.found[canonical][1]
            problems.append(
                problem(
                    "duplicate-column",
                    file=shown,
                    sheet=grid.sheet,
                    row=number,
                    column=str(cell),
                    first=first,
                )
            )
    return problems
