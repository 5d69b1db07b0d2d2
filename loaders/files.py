"""Every file a visitor sends, measured before it is parsed, then read without surprises.

A 2 KB workbook can ask a spreadsheet reader for hundreds of gigabytes: python-calamine builds a
dense grid from the first to the last cell it finds, so one cell at XFD1048576 means
16,384 x 1,048,576 cells. A zip can hold a gigabyte of XML in a kilobyte. A CSV can hold one
field of a hundred megabytes. So before any reader allocates anything, the file's own structure
is measured against :data:`LIMITS` (declared here, once, and documented in the README): its
size, for a workbook each zip member's real unpacked size and each sheet's extent and cell
count from the sheet XML itself, for a CSV its lines. Over a limit the file is refused with a
:class:`~loaders.problems.FileRefused` that says the limit and what to do; nothing is read.

Workbooks are then read with python-calamine, but calamine reads an Excel error (``#DIV/0!``,
``#N/A``) and a formula Excel never calculated as a blank. The sheet XML is scanned for those
cells too, and :func:`read_workbook` puts a :class:`CellFault` in their place, so every reader
reports them as errors naming the cell instead of quietly loading the other rows.

Only ``.xlsx``/``.xlsm`` workbooks and ``.csv`` files are accepted: old ``.xls`` and ``.ods``
files cannot be measured this way, and Excel saves any of them as ``.xlsx``.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, SheetTypeEnum

from loaders import sheet_xml
from loaders.problems import FileRefused, Problem, problem
from loaders.sheet_xml import CellFault, SheetFacts, column_letter, column_number

__all__ = ["CellFault", "SheetFacts", "column_letter", "column_number"]


@dataclass(frozen=True)
class Limits:
    """What any one file may hold. Far above a real return or public file, far below harm."""

    #: bytes of the file as sent (Streamlit's ``server.maxUploadSize`` is the same, in MB)
    file_bytes: int = 50 * 1024 * 1024
    #: bytes of a workbook once unzipped, all parts together (a 200,000-row return is ~60 MB)
    unzipped_bytes: int = 400 * 1024 * 1024
    #: rows in any one sheet or CSV
    rows: int = 250_000
    #: columns in any one sheet or CSV row
    columns: int = 256
    #: cells of the grid a sheet spans (rows x columns)
    cells: int = 5_000_000
    #: characters in one cell (Excel's own limit)
    cell_chars: int = 32_767


LIMITS = Limits()

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
_MB = 1024 * 1024


def _size(n: int) -> str:
    """Bytes in words.

    >>> _size(52428800), _size(2300), _size(12)
    ('50 MB', '2.2 KB', '12 bytes')
    """
    if n >= _MB:
        return f"{n / _MB:,.0f} MB"
    if n >= 1024:
        return f"{n / 1024:,.1f} KB"
    return f"{n} bytes"


def refuse(
    file: str,
    code: str,
    message: str | None = None,
    sheet: str | None = None,
    *,
    wording: str | None = None,
    **facts: Any,
) -> FileRefused:
    """A file refused for one reason, worded by the catalogue from ``facts`` (``message`` is
    kept for callers not yet moved to the catalogue)."""
    return FileRefused([problem(code, message, file=file, sheet=sheet, wording=wording, **facts)])


def oversize_problem(file: str, size: int) -> Problem:
    return problem("file-too-large", file=file, size=_size(size), most=_size(LIMITS.file_bytes))


def check_size(data: bytes, file: str) -> None:
    if len(data) > LIMITS.file_bytes:
        raise FileRefused([oversize_problem(file, len(data))])


def read_bytes(source, file: str) -> bytes:
    """A file's bytes (a path or an open binary file), never more than the size limit."""
    if isinstance(source, str | PathLike):
        with open(source, "rb") as handle:
            data = handle.read(LIMITS.file_bytes + 1)
    else:
        data = source.read(LIMITS.file_bytes + 1)
    if len(data) > LIMITS.file_bytes:
        raise refuse(file, "file-too-large", wording="streamed", most=_size(LIMITS.file_bytes))
    return data


def check_suffix(file: str, allowed: tuple[str, ...] = WORKBOOK_SUFFIXES + CSV_SUFFIXES) -> str:
    suffix = Path(file).suffix.lower()
    if suffix not in allowed:
        kinds = " or ".join(
            k
            for k, s in (("an Excel workbook (.xlsx)", WORKBOOK_SUFFIXES), ("CSV", CSV_SUFFIXES))
            if set(s) & set(allowed)
        )
        hint = " Open it in Excel and save it as .xlsx." if suffix in (".xls", ".ods") else ""
        raise refuse(file, "unreadable-file", wording="suffix", kinds=kinds, hint=hint)
    return suffix


# --- Workbooks ----------------------------------------------------------------------------

_CHUNK = 4 * _MB
#: the most bytes of workbook.xml or its relationships read to find the sheets
_INDEX_BYTES = 16 * _MB


def _part(book: zipfile.ZipFile, name: str) -> bytes:
    """A small part of the package, read no further than :data:`_INDEX_BYTES`."""
    with book.open(name) as stream:
        data = stream.read(_INDEX_BYTES + 1)
    if len(data) > _INDEX_BYTES:
        raise sheet_xml.SheetXmlError(f"{name} is over {_size(_INDEX_BYTES)}")
    return data


def _sheet_names(book: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name as the lead sees it, from workbook.xml and its rels,
    read by a real XML parser (so any quoting, prefix or character reference is understood).
    Raises SheetXmlError for parts that are not XML."""
    try:
        workbook = _part(book, "xl/workbook.xml")
        rels = _part(book, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in sheet_xml.elements(rels, "Relationship")}
    names = {}
    for sheet in sheet_xml.elements(workbook, "sheet"):
        target = targets.get(sheet.get("id"))
        if target is None or sheet.get("name") is None:
            continue
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        names[posixpath.normpath(part)] = sheet["name"]
    return names


def _grow(facts: SheetFacts, rows: int, columns: int, file: str) -> None:
    facts.rows, facts.columns = max(facts.rows, rows), max(facts.columns, columns)
    if facts.rows > LIMITS.rows:
        raise _too_many(file, facts, "rows", facts.rows, LIMITS.rows)
    if facts.columns > LIMITS.columns:
        raise _too_many(file, facts, "columns", facts.columns, LIMITS.columns)
    if facts.rows * facts.columns > LIMITS.cells:
        raise _too_many(file, facts, "cells", facts.rows * facts.columns, LIMITS.cells)
    if facts.cells > LIMITS.cells:
        raise _too_many(file, facts, "cells", facts.cells, LIMITS.cells)


def _too_many(file: str, facts: SheetFacts, what: str, found: int, limit: int) -> FileRefused:
    """Refused as soon as the sheet's XML reaches past a limit: what it reached so far."""
    return refuse(
        file,
        "too-many-rows"
        if what == "rows"
        else "too-many-columns"
        if what == "columns"
        else "too-many-cells",
        sheet=facts.name,
        wording=None if what == "cells" else "sheet",
        found=f"{found:,}",
        most=f"{limit:,}",
        cell=f"{column_letter(max(facts.columns, 1))}{max(facts.rows, 1)}",
    )


#: a sheet part up to this size is read whole and measured on its bytes when it is spelled as
#: Excel and openpyxl write it (sheet_xml.quick_measure), about five times faster than expat;
#: the 200,000-row return openpyxl writes, its text inline, unzips to 94 MB
QUICK_PART_BYTES = 128 * 1024 * 1024


def _measure_part(stream, name: str, file: str) -> SheetFacts:
    """One sheet part measured, the quick way where it can vouch for it and expat otherwise
    (and whenever a limit is passed, so the refusal says where, as expat found it)."""
    part = stream.read(QUICK_PART_BYTES + 1)
    quick = SheetFacts(name)
    # Plainly over a limit (more row tags than rows allowed, or cell tags than cells), the
    # quick measure is not tried or gives up before reading a reference, and expat stops at
    # the first row past it.
    plainly_over = part.count(b"<row") > LIMITS.rows
    if (not plainly_over and sheet_xml.quick_measure(part, quick, most_cells=LIMITS.cells)) and (
        quick.rows <= LIMITS.rows
        and quick.columns <= LIMITS.columns
        and quick.cells <= LIMITS.cells
        and quick.rows * quick.columns <= LIMITS.cells
    ):
        return quick
    facts = SheetFacts(name)
    sheet_xml.scan_sheet(
        io.BytesIO(part),
        facts,
        lambda rows, columns: _grow(facts, rows, columns, file),
        LIMITS.cells,
    )
    return facts


def inspect_workbook(data: bytes, file: str) -> dict[str, SheetFacts]:
    """Measure a workbook from its own structure, without building any grid.

    Raises :class:`FileRefused` when it is damaged, not a workbook, or over a limit.
    """
    check_size(data, file)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refuse(file, "unreadable-file", wording="not-a-workbook") from None
    declared = sum(m.file_size for m in members)
    if declared > LIMITS.unzipped_bytes or any(m.file_size < 0 for m in members):
        raise refuse(
            file,
            "file-too-large",
            wording="unzipped",
            size=_size(declared),
            most=_size(LIMITS.unzipped_bytes),
        )
    sheets: dict[str, SheetFacts] = {}
    try:
        names = _sheet_names(book)
        for member in members:
            part = posixpath.normpath(member.filename)
            # Every part a reader may take for a sheet: those the workbook names, wherever
            # they are, and any in the worksheets folder.
            is_sheet = part in names or (
                part.startswith("xl/worksheets/") and part.endswith(".xml")
            )
            with book.open(member) as stream:
                if is_sheet and member.file_size <= QUICK_PART_BYTES:
                    facts = _measure_part(stream, names.get(part, PurePosixPath(part).stem), file)
                    sheets[facts.name] = facts
                elif is_sheet:
                    facts = SheetFacts(names.get(part, PurePosixPath(part).stem))
                    sheet_xml.scan_sheet(
                        stream,
                        facts,
                        lambda rows, columns, f=facts: _grow(f, rows, columns, file),
                        LIMITS.cells,
                    )
                    sheets[facts.name] = facts
                else:
                    # zipfile stops at the declared size and checks the CRC, so reading a part
                    # through proves its declared size is true.
                    while stream.read(_CHUNK):
                        pass
    except FileRefused:
        raise
    except sheet_xml.SheetXmlError as err:
        raise refuse(file, "damaged-workbook", reason=err) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise refuse(file, "unreadable-file", wording="compression") from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise refuse(file, "unreadable-file", wording="zip-not-workbook")
    return sheets


def sheet_names(data: bytes, file: str) -> list[str]:
    """The workbook's sheet names, in order, from its zip alone (no sheet is parsed)."""
    check_size(data, file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return list(_sheet_names(book).values())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return []  # the readers, which measure first, say what is wrong with it


def safe_file_name(name: str, allowed: tuple[str, ...] = WORKBOOK_SUFFIXES + CSV_SUFFIXES) -> str:
    r"""A file name of the server's making for bytes a visitor sent under ``name``.

    Only the last part of the name survives, in letters, digits, spaces, dots, dashes,
    underscores and brackets; it never starts with a dot and keeps an allowed suffix, so it
    cannot leave the folder it is written in, hide, or name a device.

    >>> safe_file_name("../../../../tmp/x/victim.csv"), safe_file_name("/etc/passwd")
    ('victim.csv', 'passwd')
    >>> safe_file_name("..\\..\\evil.xlsx"), safe_file_name(".hidden.csv")
    ('evil.xlsx', 'hidden.csv')
    >>> safe_file_name("Q1 return (final).xlsx"), safe_file_name("a" * 300 + ".csv")[-8:]
    ('Q1 return (final).xlsx', 'aaaa.csv')
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = re.sub(r"[^A-Za-z0-9 ._()-]", "_", base).lstrip(". ")
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in allowed:
        stem, suffix = base, ""
    stem = stem[:100].rstrip(". ") or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def cell_kinds(values: np.ndarray) -> tuple[np.ndarray, list[type]]:
    """Each cell's type as a small integer, and the types those integers stand for: a column
    of a return holds a handful of kinds on thousands of rows (``Series.map(type)`` infers a
    dtype from every answer, and factorizing the types hashes each; their ids are integers).
    A column of text alone (codes, periods, names) is settled by one pass in C."""
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) == "string":
        return np.zeros(len(values), dtype=np.intp), [str]
    ids = np.fromiter(map(id, map(type, values)), dtype=np.int64, count=len(values))
    codes, _ = pd.factorize(ids)
    first = np.unique(codes, return_index=True)[1]
    return codes, [type(values[i]) for i in first]


def of_kind(kinds: tuple[np.ndarray, list[type]], *wanted: type) -> np.ndarray:
    """A mask of the cells whose type is exactly one of ``wanted``."""
    codes, found = kinds
    hit = np.array([k in wanted for k in found] + [False], dtype=bool)
    return hit[codes]


def stripped_text(cells: np.ndarray) -> np.ndarray:
    """Text cells stripped, blank text as None, each distinct text stripped once."""
    codes, distinct = pd.factorize(cells)
    done = np.empty(len(distinct), dtype=object)
    done[:] = [text.strip() or None for text in distinct]
    return done[codes]


def _grid_of(rows: list[list[Any]]) -> pd.DataFrame:
    """A sheet's cells as pandas' calamine reader gives them (every cell as typed, nothing
    inferred: a whole number as an int, a date as a datetime), column by column."""
    if len(widths := set(map(len, rows))) == 1 and 0 not in widths:  # as wide: by columns
        # One 2-D array at C speed (calamine's cells are scalars): a column at a time through
        # zip took 0.45 s of a 200,000-row return's reading, this 0.06 s.
        grid = np.array(rows, dtype=object)
        frame = pd.DataFrame({j: grid[:, j] for j in range(grid.shape[1])}, dtype=object)
    else:
        frame = pd.DataFrame(rows, dtype=object)
    for column in frame.columns:
        values = frame[column]
        cells = values.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
            continue  # text and blanks alone: no number or date to settle
        kinds = cell_kinds(cells)
        floats = of_kind(kinds, float)
        dates = of_kind(kinds, date)
        if not (floats.any() or dates.any()):
            continue
        cells = cells.copy()
        if floats.any():
            numbers = cells[floats].astype("float64")
            whole = np.isfinite(numbers) & (numbers == np.round(numbers))
            if whole.any():
                ints = numbers[whole]
                # Beyond int64 (1e300 is whole too) each is made a Python int of its own.
                exact = (np.abs(ints) < 2**62).all()
                ints = ints.astype(np.int64).tolist() if exact else [int(n) for n in ints]
                cells[np.flatnonzero(floats)[whole]] = ints
        if dates.any():
            cells[dates] = [datetime(d.year, d.month, d.day) for d in cells[dates]]
        frame[column] = pd.Series(cells, index=frame.index, dtype=object)
    return frame


def read_workbook(
    data: bytes, file: str, *, sheets: list[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every sheet (or the named ones) as a grid of raw cells: no header, nothing inferred.

    Measured first (:func:`inspect_workbook`); a cell holding an Excel error or an unworked
    formula comes back as a :class:`CellFault` rather than blank. Raises :class:`FileRefused`.
    """
    facts = inspect_workbook(data, file)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [s.name for s in book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
    except Exception:  # calamine's own errors: a part it cannot parse
        raise _unreadable(file) from None
    if sheets is not None and not set(sheets) <= set(names):
        raise refuse(file, "missing-sheet", sheets=", ".join(sheets))
    try:
        frames = {
            name: _grid_of(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in (sheets if sheets is not None else names)
        }
    except Exception:
        raise _unreadable(file) from None
    for name, frame in frames.items():
        sheet = facts.get(str(name))
        if sheet is None or not sheet.faults:
            continue
        for (row, col), fault in sheet.faults.items():
            if row <= len(frame.index) and col <= len(frame.columns):
                frame.iat[row - 1, col - 1] = fault
            # A fault beyond the grid calamine built is in a row or column it dropped as
            # empty; grow the grid so it is still reported.
            else:
                while len(frame.columns) < col:
                    frame[len(frame.columns)] = None
                while len(frame.index) < row:
                    frame.loc[len(frame.index)] = [None] * len(frame.columns)
                frame.iat[row - 1, col - 1] = fault
    return {str(k): v for k, v in frames.items()}


def read_tables(
    data: bytes, file: str, *, sheets: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Sheets whose first row is a header (the workbooks the product exports and imports).

    Returns the tables (blank cells as None, text exactly as typed) and one error
    :class:`Problem` per cell holding an Excel error or an unworked formula, naming the cell.
    Raises :class:`FileRefused` for a file over a limit, damaged, or missing a named sheet.
    """
    tables, problems = {}, []
    for name, grid in read_workbook(data, file, sheets=sheets).items():
        grid = grid.astype(object).where(grid.map(lambda v: v is not None and v != ""), None)
        if grid.empty:
            tables[name] = pd.DataFrame()
            continue
        header = [
            f"Unnamed: {j}" if v is None else str(v).strip() for j, v in enumerate(grid.iloc[0])
        ]
        body = grid.iloc[1:].reset_index(drop=True)
        body.columns = header
        for i, j, fault in faults_in(body):
            problems.append(
                problem(
                    "excel-error",
                    file=file,
                    sheet=name,
                    row=i + 2,
                    column=header[j],
                    value=fault.what,
                    wording="cell",  # its place is in the problem's own fields
                    fault=fault.describe(),
                )
            )
            body.iat[i, j] = None
        tables[name] = body  # blank rows kept, so row numbers stay as Excel shows them
    return tables, problems


def _unreadable(file: str) -> FileRefused:
    return refuse(file, "unreadable-file")


def faults_in(frame: pd.DataFrame) -> list[tuple[int, int, CellFault]]:
    """(row position, column position, fault) for every faulty cell of a grid or table."""
    found = []
    for j, column in enumerate(frame.columns):
        values = frame[column]
        if values.dtype != object:
            continue
        for i, value in enumerate(values):
            if isinstance(value, CellFault):
                found.append((i, j, value))
    return found


# --- CSV ----------------------------------------------------------------------------------

# The csv module refuses a field over its limit with a bare error; ours says which line.
csv.field_size_limit(LIMITS.cell_chars + 1)


def check_csv(data: bytes, file: str) -> None:
    """Size and line count of a CSV, counted on the bytes before any parsing."""
    check_size(data, file)
    lines = data.count(b"\n") + 1
    if lines > LIMITS.rows + 1:  # the header too
        raise refuse(file, "too-many-rows", lines=f"{lines:,}", most=f"{LIMITS.rows:,}")


def csv_rows(text: str, file: str, delimiter: str = ",") -> tuple[list[list[str]], list[int]]:
    """Every record of CSV text and the line each starts on, refusing as :func:`csv_records`
    does. Text without a quote has one record a line, so it is read in one call at C speed;
    anything else (or any record csv refuses) is read record by record to say which line."""
    if '"' not in text:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            records = None
        if records is not None and max(map(len, records), default=0) <= LIMITS.columns:
            return records, list(range(1, len(records) + 1))
    pairs = list(csv_records(text, file, delimiter))
    return [r for _, r in pairs], [n for n, _ in pairs]


def csv_columns(text: str, delimiter: str = ",") -> pd.DataFrame | None:
    """CSV text without a quote read column by column (Arrow's reader), every cell as its
    text: the table :func:`csv_rows` gives, one record a line, columns by position. None for
    anything else: quotes, records of different lengths (a blank line among them), a field or
    a row over the limits, which :func:`csv_rows` reads and words as it always has."""
    if '"' in text or not text:
        return None
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    width = text[: text.find("\n") if "\n" in text else len(text)].count(delimiter) + 1
    if width > LIMITS.columns:
        return None
    names = [str(j) for j in range(width)]
    try:
        table = arrow_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=arrow_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    import pyarrow.compute as pc

    if table.num_rows and max(pc.max(pc.utf8_length(c)).as_py() for c in table.columns) > (
        LIMITS.cell_chars
    ):
        return None
    return pd.DataFrame(
        {j: column.to_numpy(zero_copy_only=False) for j, column in enumerate(table.columns)},
        dtype=object,
    )


def csv_records(text: str, file: str, delimiter: str = ","):
    """Yield (line number, fields) from CSV text, refusing an over-long field or row plainly."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            where = reader.line_num
            if "field larger than field limit" in str(err):
                raise refuse(
                    file, "cell-too-long", line=where, most=f"{LIMITS.cell_chars:,}"
                ) from None
            raise refuse(file, "unreadable-file", wording="csv", line=where, reason=err) from None
        if len(record) > LIMITS.columns:
            raise refuse(
                file,
                "too-many-columns",
                line=line + 1,
                columns=f"{len(record):,}",
                most=f"{LIMITS.columns:,}",
            )
        yield line + 1, record
        line = reader.line_num
