"""OHID Fingertips indicator export (``indicators-<AreaType>.data.csv``) in, a
:class:`~loaders.series.SeriesLoad` out (no database writes).

Fingertips (fingertips.phe.org.uk) exports one row per indicator, area, sex, age, category
and time period, under the header :data:`FINGERTIPS_COLUMNS`. Real exports have quirks this
loader handles on purpose:

* **Short rows** — every data row has one field fewer than the header: the last column,
  ``Compared to goal``, is missing (:data:`OPTIONAL_TRAILING_COLUMNS`). Such rows are padded
  with an empty value. A row with any other number of fields is skipped and reported with its
  line number. (This is why DuckDB's ``read_csv_auto`` fails on the file; Python's ``csv``
  module is used here, so the rule is explicit rather than a ``null_padding`` option.)
* **Line breaks** — records end in CRLF, and ``Indicator Name`` holds a bare LF inside quotes;
  the name is kept with every run of whitespace made one space (so the trailing LF goes).

Rules, row by row:

* **Series code** — ``fingertips.<Indicator ID>`` for the headline breakdown (Sex
  ``Persons``, Age ``All ages``, no ``Category Type``). Any other breakdown adds
  ``.<sex>.<age>``, and, when there is a category, ``.<category type>.<category>`` (each a
  :func:`~loaders.series.slug`), e.g. ``fingertips.93356.persons.0-9-yrs``. The category type
  is part of the code because exports repeat category names under different types: England's
  "Most deprived decile (IMD2015)" appears both for County & UA and for District & UA
  deprivation deciles, with different values.
* **Period** — ``Time period`` as a canonical code (:data:`PERIOD_FORMS`): ``2015`` is a
  calendar year (``CY 2015``), ``2015/16`` a financial year, ``2015/16 Q1`` a financial quarter.
  Other forms, such as the three-year pool ``2013 - 15``, cannot be represented: their rows are
  skipped, counted in ``skipped`` and each distinct period is reported once.
* **Values** — ``Value`` -> value, ``Count`` -> numerator, ``Denominator`` -> denominator, the
  95% and 99.8% confidence limits kept; all floats, NaN when empty. ``Value note`` -> note; an
  empty value with no note gets the note "no value in the Fingertips export". Text that is
  not a number becomes NaN and is reported.
* **Unit** — from a ``Value type`` column when the export has one (:data:`VALUE_TYPE_UNITS`),
  otherwise ``percent`` only when the indicator name says so (``%``, "percentage"), else
  ``other``: a rate per 100,000 such as campylobacter incidence has no unit of its own here.
  When the unit is ``other`` and the value type is known, it is added to the series name.
* **Area** — ``Area Code`` as given (England ``E92000001``, regions ``E12...``, Plymouth
  ``E06000026``).

Nothing is raised for bad input: problems name the file, line, column and value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loaders import files
from loaders.periods import Period, PeriodError, calendar_year, parse_period
from loaders.problems import Problem, problem
from loaders.series import (
    SeriesLoad,
    duplicate_keys,
    series_frame,
    slug,
    values_frame,
)

SOURCE = "OHID Fingertips"
CODE_PREFIX = "fingertips."
FINGERTIPS_COLUMNS = (
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
)
# Those a row cannot be read without, in the export's own order.
_NEEDED = "Indicator ID|Indicator Name|Area Code|Sex|Age|Category Type|Category|Time period|Value"
REQUIRED_COLUMNS = tuple(c for c in FINGERTIPS_COLUMNS if c in _NEEDED.split("|"))
# Columns the export leaves off the end of data rows while keeping them in the header.
OPTIONAL_TRAILING_COLUMNS = ("Compared to goal",)
# SeriesLoad column -> Fingertips column (all numbers).
NUMBER_COLUMNS = {
    "value": "Value",
    "numerator": "Count",
    "denominator": "Denominator",
    "lower_ci_95": "Lower CI 95.0 limit",
    "upper_ci_95": "Upper CI 95.0 limit",
    "lower_ci_998": "Lower CI 99.8 limit",
    "upper_ci_998": "Upper CI 99.8 limit",
}
HEADLINE = {"Sex": "Persons", "Age": "All ages", "Category Type": ""}
VALUE_TYPE_COLUMNS = ("Value type", "Value Type")
# Fingertips value type (lower case, as far as the first " - ") -> unit.
VALUE_TYPE_UNITS = {
    "proportion": "percent",
    "percentage": "percent",
    "percentage point": "percent",
    "count": "count",
}
PERCENT_IN_NAME = re.compile(r"%|\bpercentage\b|\bpercent\b", re.IGNORECASE)

# Time period spellings this loader reads (full match) -> how to make the period.
PERIOD_FORMS: tuple[tuple[str, str, Callable[[str], Period]], ...] = (
    (r"\d{4}", "a calendar year such as 2015", lambda text: calendar_year(int(text))),
    (r"\d{4}/\d{2}", "a financial year such as 2015/16", lambda text: parse_period(text, "annual")),
    (
        r"\d{4}/\d{2} Q[1-4]",
        "a financial quarter such as 2015/16 Q1",
        lambda text: parse_period(text, "quarterly"),
    ),
)
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)

_SKIP_WRONG_FIELDS = "rows with the wrong number of fields"
_SKIP_PERIOD = "rows with an unsupported time period"
_SKIP_NO_KEY = "rows without an indicator ID or area code"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def series_code(indicator_id: str, sex: str, age: str, category_type: str, category: str) -> str:
    """The series code for one Fingertips breakdown.

    >>> series_code("93356", "Persons", "All ages", "", "")
    'fingertips.93356'
    >>> series_code("93356", "Persons", "0-9 yrs", "", "")
    'fingertips.93356.persons.0-9-yrs'
    >>> series_code("93356", "Persons", "All ages", "District & UA deciles", "Most deprived")
    'fingertips.93356.persons.all-ages.district-ua-deciles.most-deprived'
    """
    code = CODE_PREFIX + indicator_id.strip()
    if (sex.strip(), age.strip(), category_type.strip()) == tuple(HEADLINE.values()):
        return code
    code += f".{slug(sex)}.{slug(age)}"
    if category_type.strip() or category.strip():
        code += f".{slug(category_type)}.{slug(category)}"
    return code


def _series_name(row: dict[str, str]) -> str:
    name = _one_line(row["Indicator Name"])
    sex, age = row["Sex"].strip(), row["Age"].strip()
    category_type, category = row["Category Type"].strip(), row["Category"].strip()
    if (sex, age, category_type) == tuple(HEADLINE.values()):
        return name
    detail = f"{sex}, {age}"
    if category_type or category:
        detail += f"; {category_type}: {category}"
    return f"{name} ({detail})"


def _unit(name: str, value_type: str) -> str:
    if value_type:
        return VALUE_TYPE_UNITS.get(value_type.split(" - ")[0].strip().casefold(), "other")
    return "percent" if PERCENT_IN_NAME.search(name) else "other"


def _period(text: str) -> str | None:
    tidy = _one_line(text)
    for pattern, _, make in PERIOD_FORMS:
        if re.fullmatch(pattern, tidy):
            try:
                return make(tidy).code
            except PeriodError:
                return None
    return None


def _number(text: str) -> float | None:
    """The number in a field; NaN when empty; None when it is not a number."""
    tidy = text.strip().replace(",", "")
    if not tidy:
        return float("nan")
    return float(tidy) if _NUMBER.fullmatch(tidy) else None


def _empty(problems: list[Problem], rows_read: int = 0, skipped: dict | None = None) -> SeriesLoad:
    return SeriesLoad(values_frame([]), series_frame([]), rows_read, problems, skipped or {})


def read_fingertips(path: str | Path) -> SeriesLoad:
    """Read a Fingertips indicator export CSV (see the module docstring for the rules)."""
    path = Path(path)
    problems: list[Problem] = []
    skipped: Counter[str] = Counter()

    def report(code: str, **facts: Any) -> None:
        problems.append(problem(code, file=path.name, **facts))

    try:
        data = files.read_bytes(path, path.name)
        files.check_csv(data, path.name)
        records = _records(data.decode("utf-8-sig"), path.name)
    except (OSError, UnicodeDecodeError) as error:
        report("file-skipped", wording="csv", reason=error)
        return _empty(problems)
    if not records:
        report("file-skipped", wording="empty")
        return _empty(problems)

    _, header = records[0]
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        report("file-skipped", wording="fingertips", columns=", ".join(missing))
        return _empty(problems)
    value_type_column = next((c for c in VALUE_TYPE_COLUMNS if c in header), None)
    fewest = len(header)  # data rows may leave off the optional columns ending the header
    while fewest and header[fewest - 1] in OPTIONAL_TRAILING_COLUMNS:
        fewest -= 1

    values: list[dict[str, object]] = []
    series: list[dict[str, object]] = []
    unsupported: Counter[str] = Counter()
    rows_read = 0
    for line, fields in records[1:]:
        rows_read += 1
        if fewest <= len(fields) <= len(header):
            fields = fields + [""] * (len(header) - len(fields))
        else:
            skipped[_SKIP_WRONG_FIELDS] += 1
            here = f"{path.name} line {line}"
            report("row-skipped", row=line, here=here, fields=len(fields), expected=len(header))
            continue
        row = dict(zip(header, fields, strict=True))
        indicator, area = row["Indicator ID"].strip(), row["Area Code"].strip()
        if not indicator or not area:
            skipped[_SKIP_NO_KEY] += 1
            report(
                "row-skipped",
                wording="no-key",
                row=line,
                here=f"{path.name} line {line}",
                column="Indicator ID" if not indicator else "Area Code",
            )
            continue
        period = _period(row["Time period"])
        if period is None:
            skipped[_SKIP_PERIOD] += 1
            unsupported[row["Time period"]] += 1
            continue

        record: dict[str, object] = {
            "series_code": series_code(
                indicator, row["Sex"], row["Age"], row["Category Type"], row["Category"]
            ),
            "period": period,
            "area": area,
        }
        record.update(_figures(row, f"{path.name} line {line}", report, line))
        values.append(record)
        series.append(_series_row(row, record["series_code"], value_type_column))

    wanted = "; ".join(description for _, description, _ in PERIOD_FORMS)
    for text, count in unsupported.items():
        report(
            "period-unsupported",
            column="Time period",
            value=text,
            text=repr(text),
            wanted=wanted,
            skipped=f"{count} row{'s' if count != 1 else ''}",
        )

    frame = values_frame(values)
    clashes = duplicate_keys(frame)
    if not clashes.empty:
        first = clashes.iloc[0]
        first = f"{first.series_code} {first.period} {first.area}"
        report("values-clash", count=len(clashes), first=first)
    frame = frame.sort_values(["series_code", "period", "area"], kind="stable")
    return SeriesLoad(
        values=frame.reset_index(drop=True),
        series=series_frame(series),
        rows_read=rows_read,
        problems=problems,
        skipped=dict(skipped),
    )


def _records(text: str, file: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) per non-blank CSV record; quoted line breaks kept."""
    return [
        (line, fields)
        for line, fields in files.csv_records(text, file)
        if fields and any(f.strip() for f in fields)
    ]


def _figures(row: dict[str, str], here: str, report, line: int) -> dict[str, object]:
    """A row's numbers (NaN where a cell is not one, reported) and its note."""
    record: dict[str, object] = {}
    for target, column in NUMBER_COLUMNS.items():
        number = _number(row.get(column, ""))
        if number is None:
            text = repr(row[column])
            report(
                "cell-not-a-figure",
                row=line,
                column=column,
                value=row[column],
                here=here,
                text=text,
            )
            number = float("nan")
        record[target] = number
    note = _one_line(row.get("Value note", ""))
    if record["value"] != record["value"] and not note:
        note = "no value in the Fingertips export"
    record["note"] = note or None
    return record


def _series_row(row: dict[str, str], code: object, value_type_column: str | None) -> dict:
    """The series a row's figures belong to: its name for people and its unit."""
    name = _series_name(row)
    value_type = _one_line(row.get(value_type_column, "")) if value_type_column else ""
    unit = _unit(name, value_type)
    if unit == "other" and value_type:
        name = f"{name} [{value_type}]"
    return {"code": code, "name": name, "source": SOURCE, "unit": unit}
