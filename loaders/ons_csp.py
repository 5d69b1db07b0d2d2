"""ONS "Recorded crime data by Community Safety Partnership area" workbook in, a
:class:`~loaders.series.SeriesLoad` out (no database writes).

The Office for National Statistics (ONS) publishes, each quarter, a workbook of police
recorded crime per Community Safety Partnership (CSP) for a "year ending" (e.g.
``csptablesyedec22.xlsx``). Its figure sheets are called ``Table C2`` ... ``Table C5``:

* a title on row 1 naming the year, e.g. "... year ending December 2022 [note 1]";
* the header on row 8 (:data:`HEADER_ROW`); header cells hold line breaks and doubled
  spaces, and are spelled differently from sheet to sheet (``Police Force Area\\n code`` in
  C2, ``Police Force\\nArea code`` in C3), so columns are found by their text with the
  spacing normalised and matched against :data:`COLUMN_ALIASES`;
* then one row per police force (subtotal), per CSP and per "Unassigned <force>" remainder.

``Table C1`` is different: a list of the local authorities combined into each CSP, with its
header on row 4 and no figures. It is not loaded; it is counted in ``skipped`` as a table
sheet without figures.

Rules, applied sheet by sheet:

* **Which table** — the title says what the numbers are (:data:`TABLE_KINDS`): "Number of
  ... crimes" (counts; C2 for the year ending December 2021, C3 for December 2022),
  "Percentage change" (C4; the change *to* the later year, so the period is the last "year
  ending" in the title) or "rate per 1,000" (C5). The period is that "year ending", as a
  ``YE 2022-12`` code (:mod:`loaders.periods`).
* **Series codes** — ``ons_csp.<offence>`` (unit ``count``),
  ``ons_csp.<offence>.percent-change`` (``percent_change``) and
  ``ons_csp.<offence>.rate-per-1000`` (``rate_per_1000``), where ``<offence>`` is the
  :func:`~loaders.series.slug` of the column header, e.g. ``violence-against-the-person``.
  C5 gives residential burglary twice, per 1,000 population and per 1,000 households; the
  second is ``ons_csp.residential-burglary.rate-per-1000-households``. C5's population and
  households columns are ``ons_csp.population`` and ``ons_csp.households`` (``count``).
* **C5 holds rates per 1,000 as they are** — cells such as ``8.5970034284849686E-3`` look like
  per-person fractions, but they are small rates: Avon and Somerset's 15 homicides in the year
  ending December 2022 over its 1,744,800 people are 0.0086 per 1,000. Every C5 rate equals
  C3's count / C5's population x 1,000 (to within the rounding of the population
  to the nearest 100), so nothing is converted.
* **Areas** — ``area`` is the CSP code (``E22...`` in England, ``W...`` in Wales; Plymouth is
  ``E22000056``). Rows left out, and counted in ``skipped`` by reason: force subtotals (no CSP
  code or name), "Unassigned ..." rows (crimes not placed in any CSP; reported as a problem too
  when, by mistake, they carry a CSP code), rows with a name but no CSP code (e.g. Manchester
  Airport), rows whose code cell holds text such as ``combined`` instead of a code, and rows
  that share their CSP code with another row of the same sheet (all of them: which one owns the
  code cannot be told). Each of the last three is also reported as a problem. A CSP given
  different codes in different sheets is reported; its figures stay under the code each sheet
  gives.
* **Values** — numbers become floats, including numbers stored as text (``"1,234"``,
  ``"8.5970034284849686E-3"``). ONS shorthand (:data:`MARKERS`: ``[x]``, ``[u]``, ``[z]``,
  ``[c]``, ``..`` and so on, in any case) becomes NaN with a note such as
  ``[x] not available (ONS marker)``; a missing figure is never a zero. Blank cells and any
  other text become NaN with a note, and are reported as problems.

Nothing is raised for bad input: an unreadable file, a sheet without the expected header or
title, or a cell that is not a number is reported in ``problems`` and left out.
"""

from __future__ import annotations

import numbers
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from loaders import files
from loaders.periods import PeriodError, parse_period
from loaders.problems import FileRefused, Problem, problem
from loaders.series import (
    SeriesLoad,
    duplicate_keys,
    is_missing,
    series_frame,
    slug,
    values_frame,
)

SOURCE = "ONS: Recorded crime data by Community Safety Partnership area"
CODE_PREFIX = "ons_csp."
HEADER_ROW = 8  # 1-based spreadsheet row of the column headers in the figure sheets
_HEADER_SEARCH_ROWS = 20  # if not on HEADER_ROW, look this far down (and say so)
TABLE_SHEET = re.compile(r"table\s*c\d+", re.IGNORECASE)

# Canonical column -> accepted header spellings, compared after normalising line breaks and
# spacing, ignoring case; YYYY stands for any four-digit year. Every other column of a figure
# sheet is an offence.
COLUMN_ALIASES: dict[str, list[str]] = {
    "force_code": ["Police Force Area code", "PFA code"],
    "force_name": ["Police Force Area name", "PFA name"],
    "csp_code": ["Community Safety Partnership code", "CSP code"],
    "csp_name": ["Community Safety Partnership name", "CSP name"],
    "la_code": ["Local Authority code", "LA code"],
    "la_name": ["Local Authority name", "LA name"],
    "population": [
        "Population figures (mid-YYYY) - rounded to 100",
        "Population figures (mid-YYYY)",
        "Population",
    ],
    "households": [
        "Household figures (mid-YYYY) - rounded to 100",
        "Household figures (mid-YYYY)",
        "Households",
    ],
}
REQUIRED_COLUMNS = ("csp_code", "csp_name")
# Columns of the rate table whose header names the denominator: offence -> spellings.
POPULATION_RATE_ALIASES: dict[str, list[str]] = {
    "Residential burglary": ["Residential burglary (per 1,000 population)"],
}
HOUSEHOLD_RATE_ALIASES: dict[str, list[str]] = {
    "Residential burglary": [
        "Residential burglary (per 1,000 household)",
        "Residential burglary (per 1,000 households)",
    ],
}
# Context columns of the rate table (counts): canonical column -> series code after "ons_csp.".
CONTEXT_SERIES = {"population": "population", "households": "households"}


@dataclass(frozen=True)
class TableKind:
    title_pattern: str  # searched for, ignoring case, in the sheet's title
    suffix: str  # added to the series code after the offence slug
    unit: str
    name: str  # series name; {offence} is the offence's header text


# First match wins: "rate per 1,000" and "percentage change" titles also say "recorded crimes".
TABLE_KINDS = (
    TableKind(
        r"percentage change",
        ".percent-change",
        "percent_change",
        "{offence}: percentage change on the year before",
    ),
    TableKind(
        r"rate per 1,?000", ".rate-per-1000", "rate_per_1000", "{offence}: rate per 1,000 people"
    ),
    TableKind(r"number of .*crimes", "", "count", "{offence}"),
)
HOUSEHOLD_RATE = TableKind(
    "", ".rate-per-1000-households", "rate_per_1000", "{offence}: rate per 1,000 households"
)

# ONS shorthand found in figure cells (lower case) -> what it means.
MARKERS = {
    "[x]": "not available",
    "[u]": "suppressed: based on fewer than 50 offences",
    "[u1]": "not presented: small resident population",
    "[z]": "not applicable",
    "[c]": "confidential",
    "[low]": "fewer than 0.5",
    "[w]": "no cases",
    "..": "not available",
    ":": "not available",
    "-": "not available",
}
_YEAR_ENDING = re.compile(r"year\s+ending\s+([a-z]+)\s+(\d{4})", re.IGNORECASE)
_GSS_CODE = re.compile(r"[EWSN]\d{8}")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)

_SKIP_FORCE = "force subtotal rows (no CSP code or name)"
_SKIP_UNASSIGNED = "'Unassigned' rows (crimes not placed in a CSP)"
_SKIP_NO_CODE = "rows with a name but no CSP code"
_SKIP_NOT_A_CODE = "rows with text other than a code in the CSP code column"
_SKIP_DUPLICATE = "rows sharing their CSP code with another row of the sheet"
_SKIP_NO_FIGURES = "table sheets without figures (e.g. Table C1, a list of local authorities)"


def normalise_header(text: object) -> str:
    """Header text with line breaks and runs of spaces made single spaces.

    >>> normalise_header("Police Force Area\\r\\n code")
    'Police Force Area code'
    >>> normalise_header("Total recorded crime\\n (excluding fraud) ")
    'Total recorded crime (excluding fraud)'
    """
    return " ".join(str(text).split()) if not is_missing(text) else ""


def _spelling_pattern(spelling: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(normalise_header(spelling).casefold()).replace("yyyy", r"\d{4}"),
    )


_ALIAS_PATTERNS = {
    canonical: [_spelling_pattern(s) for s in spellings]
    for canonical, spellings in COLUMN_ALIASES.items()
}


def _matches(header: str, spellings: list[str]) -> bool:
    return any(_spelling_pattern(s).fullmatch(header.casefold()) for s in spellings)


def _canonical(header: str) -> str | None:
    folded = header.casefold()
    for canonical, patterns in _ALIAS_PATTERNS.items():
        if any(p.fullmatch(folded) for p in patterns):
            return canonical
    return None


def _read_cell(value: object) -> tuple[float, str | None, str | None]:
    """(value, note, problem) for one figure cell; the problem lacks its location."""
    if isinstance(value, bool):
        return float("nan"), f"unreadable value {value!r}", f"{value!r} is not a number"
    if isinstance(value, numbers.Real) and not is_missing(value):
        return float(value), None, None
    if is_missing(value):
        return float("nan"), "blank cell", "blank cell, where a figure or ONS marker was expected"
    text = str(value).strip()
    marker = text.casefold()
    if marker in MARKERS:
        return float("nan"), f"{marker} {MARKERS[marker]} (ONS marker)", None
    number = text.replace(",", "")
    if _NUMBER.fullmatch(number):
        return float(number), None, None
    if re.fullmatch(r"\[[^\]]+\]", text):
        note = f"{marker} (ONS marker not recognised)"
        return float("nan"), note, f"{text!r} is an ONS marker this loader does not know"
    return float("nan"), f"unreadable value {text!r}", f"{text!r} is not a number"


def _title(sheet: pd.DataFrame, header_index: int) -> str:
    for i in range(min(header_index, len(sheet))):
        for cell in sheet.iloc[i]:
            if not is_missing(cell):
                return normalise_header(cell)
    return ""


def _find_header(sheet: pd.DataFrame) -> int | None:
    """0-based index of the header row: HEADER_ROW, else the first row naming a CSP code."""
    order = [HEADER_ROW - 1, *range(min(_HEADER_SEARCH_ROWS, len(sheet)))]
    for i in order:
        if i < len(sheet) and any(
            _canonical(normalise_header(c)) == "csp_code" for c in sheet.iloc[i]
        ):
            return i
    return None


@dataclass
class _Column:
    position: int
    header: str
    code: str  # series code
    name: str
    unit: str


def _columns(
    where: str,
    headers: list[str],
    kind: TableKind,
    problems: list[Problem],
    at: dict[str, object],
) -> tuple[dict[str, int], list[_Column]]:
    """Positions of the canonical columns, and the figure columns with their series."""
    ids: dict[str, int] = {}
    figures: list[_Column] = []
    seen: dict[str, str] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        canonical = _canonical(header)
        if canonical in ids:
            problems.append(
                problem(
                    "column-ignored",
                    where=where,
                    header=repr(header),
                    canonical=canonical,
                    column=header,
                    **at,
                )
            )
            continue
        if canonical in CONTEXT_SERIES:
            ids[canonical] = position
            code = CODE_PREFIX + CONTEXT_SERIES[canonical]
            figures.append(_Column(position, header, code, header, "count"))
            continue
        if canonical is not None:
            ids[canonical] = position
            continue
        table = kind
        offence = header
        for name, spellings in POPULATION_RATE_ALIASES.items():
            if _matches(header, spellings):
                offence = name
        for name, spellings in HOUSEHOLD_RATE_ALIASES.items():
            if _matches(header, spellings):
                offence, table = name, HOUSEHOLD_RATE
        code = CODE_PREFIX + slug(offence) + table.suffix
        if code in seen:
            problems.append(
                problem(
                    "column-ignored",
                    wording="both",
                    where=where,
                    first=repr(seen[code]),
                    header=repr(header),
                    series=code,
                    column=header,
                    **at,
                )
            )
            continue
        seen[code] = header
        name = table.name.format(offence=offence)
        figures.append(_Column(position, header, code, name, table.unit))
    return ids, figures


def _table_kind(title: str) -> TableKind | None:
    for kind in TABLE_KINDS:
        if re.search(kind.title_pattern, title, re.IGNORECASE):
            return kind
    return None


def _period(title: str) -> str | None:
    found = _YEAR_ENDING.findall(title)
    if not found:
        return None
    month, year = found[-1]  # percentage change: the change *to* the later year
    try:
        return parse_period(f"year ending {month} {year}").code
    except PeriodError:
        return None


def _text(row: pd.Series, position: int | None) -> str:
    if position is None:
        return ""
    return normalise_header(row.iloc[position])


@dataclass
class _Reading:
    """What reading one workbook has found so far, sheet by sheet."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    records: list[dict[str, object]] = field(default_factory=list)
    series: list[dict[str, object]] = field(default_factory=list)
    rows_read: int = 0
    # (force, CSP name) -> code -> sheets, to spot a CSP given different codes in different sheets
    codes_by_csp: dict[tuple[str, str], dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def note(self, code: str, **facts: Any) -> None:
        self.problems.append(problem(code, file=self.file, **facts))

    def load(self) -> SeriesLoad:
        values = values_frame(self.records)
        values = values.sort_values(["series_code", "period", "area"], kind="stable")
        return SeriesLoad(
            values=values.reset_index(drop=True),
            series=series_frame(self.series),
            rows_read=self.rows_read,
            problems=self.problems,
            skipped=dict(self.skipped),
        )


def read_ons_csp(path: str | Path) -> SeriesLoad:
    """Read every figure sheet of an ONS CSP recorded-crime workbook (see module docstring)."""
    path = Path(path)
    reading = _Reading(path.name)
    try:
        book = files.read_workbook(files.read_bytes(path, path.name), path.name)
    except FileRefused as refused:
        if not refused.unreadable:
            raise  # over a limit: refused outright, whatever the loader would say
        reading.note("file-skipped")
        return reading.load()
    except OSError as error:  # a missing file: report, never raise
        reading.note("file-skipped", wording="workbook", reason=error)
        return reading.load()

    table_sheets = [name for name in book if TABLE_SHEET.fullmatch(name.strip())]
    if not table_sheets:
        reading.note("file-skipped", wording="ons-sheets", sheets=", ".join(book))
    for sheet_name in table_sheets:
        _read_sheet(reading, sheet_name, book[sheet_name])
    _check_across_sheets(reading)
    clashes = duplicate_keys(values_frame(reading.records))
    if not clashes.empty:
        first = clashes.iloc[0]
        first = f"{first.series_code} {first.period} {first.area}"
        reading.note("values-clash", wording="sheets", count=len(clashes), first=first)
    return reading.load()


def _read_sheet(reading: _Reading, sheet_name: str, sheet: pd.DataFrame) -> None:
    """One table sheet: its title says what and when, its header where the columns are."""
    where = f"{reading.file}, sheet {sheet_name!r}"
    at = {"file": reading.file, "sheet": sheet_name}
    header_index = _find_header(sheet)
    title = _title(sheet, header_index if header_index is not None else HEADER_ROW - 1)
    if header_index is None:
        if _YEAR_ENDING.search(title) is not None:
            reading.note(
                "sheet-skipped",
                wording="no-code-column",
                sheet=sheet_name,
                where=where,
                header_row=HEADER_ROW,
            )
        else:
            reading.skipped[_SKIP_NO_FIGURES] += 1
        return
    if header_index != HEADER_ROW - 1:
        reading.note(
            "header-moved", sheet=sheet_name, row=header_index + 1, where=where, expected=HEADER_ROW
        )
    kind, period = _table_kind(title), _period(title)
    if kind is None or period is None:
        reading.note(
            "sheet-skipped",
            wording="title",
            sheet=sheet_name,
            value=title,
            where=where,
            title=repr(title),
            unsaid="what the figures are" if kind is None else "which year ending it covers",
        )
        return
    headers = [normalise_header(c) for c in sheet.iloc[header_index]]
    ids, figures = _columns(where, headers, kind, reading.problems, at)
    missing = [c for c in REQUIRED_COLUMNS if c not in ids]
    if missing:
        columns = ", ".join(f"{c} ({COLUMN_ALIASES[c][0]!r})" for c in missing)
        reading.note("sheet-skipped", sheet=sheet_name, where=where, columns=columns)
        return

    body = sheet.iloc[header_index + 1 :]
    body = body[~body.map(is_missing).all(axis=1)]
    reading.rows_read += len(body)
    kept = _csp_rows(reading, sheet_name, body, ids)
    for line, row, code in kept:
        name = _text(row, ids["csp_name"])
        reading.codes_by_csp[(_text(row, ids.get("force_name")), name)][code].append(sheet_name)
        for column in figures:
            value, note, fault = _read_cell(row.iloc[column.position])
            if fault:
                reading.note(
                    "cell-not-a-figure",
                    wording="ons",
                    here=f"{where} row {line}",
                    name=name,
                    header=repr(column.header),
                    fault=fault,
                    sheet=sheet_name,
                    row=line,
                    column=column.header,
                    value=row.iloc[column.position],
                )
            reading.records.append(
                {
                    "series_code": column.code,
                    "period": period,
                    "area": code,
                    "value": value,
                    "note": note,
                }
            )
    reading.series.extend(
        {"code": c.code, "name": c.name, "source": SOURCE, "unit": c.unit} for c in figures
    )


def _csp_rows(
    reading: _Reading, sheet_name: str, body: pd.DataFrame, ids: dict[str, int]
) -> list[tuple[int, pd.Series, str]]:
    """The rows that are one CSP each, by (row number, row, CSP code); the rest are counted."""
    where = f"{reading.file}, sheet {sheet_name!r}"
    kept: list[tuple[int, pd.Series, str]] = []
    for index, row in body.iterrows():
        line = int(index) + 1
        code, name = _text(row, ids["csp_code"]), _text(row, ids["csp_name"])
        force = _text(row, ids.get("force_name"))
        # The facts every skipped row's note may name, and its place.
        facts = {"here": f"{where} row {line}", "name": repr(name), "csp_code": repr(code)}
        cell = {"sheet": sheet_name, "row": line, "value": code or None}
        if name.casefold().startswith("unassigned"):
            reading.skipped[_SKIP_UNASSIGNED] += 1
            if code:
                reading.note("row-skipped", wording="unassigned", **facts, **cell)
        elif not code and not name:
            reading.skipped[_SKIP_FORCE] += 1
        elif not code:
            reading.skipped[_SKIP_NO_CODE] += 1
            reading.note("row-skipped", wording="no-csp-code", force=force, **facts, **cell)
        elif not _GSS_CODE.fullmatch(code):
            reading.skipped[_SKIP_NOT_A_CODE] += 1
            la = _text(row, ids.get("la_code"))
            authority = f" (local authority {la})" if la else ""
            reading.note(
                "row-skipped", wording="not-csp-code", authority=authority, **facts, **cell
            )
        else:
            kept.append((line, row, code))

    counts = Counter(code for _, _, code in kept)
    for code in sorted(c for c, n in counts.items() if n > 1):
        rows = [(line, _text(row, ids["csp_name"])) for line, row, c in kept if c == code]
        reading.skipped[_SKIP_DUPLICATE] += len(rows)
        reading.note(
            "row-skipped",
            wording="code-twice",
            where=where,
            rows=" and ".join(f"{name!r} (row {line})" for line, name in rows),
            sheet=sheet_name,
            row=rows[0][0],
            value=code,
        )
    return [k for k in kept if counts[k[2]] == 1]


def _check_across_sheets(reading: _Reading) -> None:
    """A CSP given different codes, or a code naming different CSPs, in different sheets."""
    names_by_code: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (_, name), codes in sorted(reading.codes_by_csp.items()):
        for code, sheets in codes.items():
            names_by_code[code][name].extend(sheets)

    def given(found: dict[str, list[str]], show) -> str:
        return "; ".join(f"{show(key)} in {', '.join(sheets)}" for key, sheets in found.items())

    for (force, name), codes in sorted(reading.codes_by_csp.items()):
        if len(codes) > 1:
            reading.note("codes-disagree", name=repr(name), force=force, given=given(codes, str))
    for code, names in sorted(names_by_code.items()):
        if len(names) > 1:
            reading.note("codes-disagree", wording="names", value=code, given=given(names, repr))
