"""The shape every published-statistics loader returns: a :class:`SeriesLoad`.

A loader reads one published file (an ONS workbook, a Fingertips export, ...) and returns

* ``values``: one row per series, period and area, with the columns in
  :data:`SERIES_VALUE_COLUMNS`. ``period`` is a canonical period code (see
  :mod:`loaders.periods`); ``value``, ``numerator``, ``denominator`` and the four confidence
  limits are floats, NaN where the file gives none. A missing ``value`` always has a ``note``
  saying why (for example ``[x] not available (ONS marker)``); a present one may have a note
  too (for example a Fingertips "Value note"). Never a zero for a missing figure.
* ``series``: one row per ``series_code`` in ``values`` (:data:`SERIES_COLUMNS`), with a name
  for people, the source and a unit from :data:`SERIES_UNITS`.
* ``rows_read``: data rows read from the file, whatever became of them;
* ``problems``: :class:`~loaders.problems.Problem` notes, each a plain-English sentence with
  its file, sheet, row, column and value where relevant; loaders collect these rather than raise;
* ``skipped``: how many rows were left out on purpose, by reason, for example
  ``{"force subtotal rows (no CSP code)": 42}``.

Nothing here writes to a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from loaders.problems import Problem
from loaders.values import blank

# The figures of a series value, declared once: outcomes.queries.observations.SERIES records them.
SERIES_FIGURES = (
    "value",
    "numerator",
    "denominator",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_998",
    "upper_ci_998",
)
SERIES_VALUE_COLUMNS = ("series_code", "period", "area", *SERIES_FIGURES, "note")
SERIES_COLUMNS = ("code", "name", "source", "unit")
# A published series' units: wider than an indicator's (loaders.values.UNITS).
SERIES_UNITS = ("count", "percent", "rate_per_1000", "percent_change", "other")


@dataclass
class SeriesLoad:
    values: pd.DataFrame  # SERIES_VALUE_COLUMNS
    series: pd.DataFrame  # SERIES_COLUMNS, one row per series_code in values
    rows_read: int
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def slug(text: str) -> str:
    """Lower case, every run of characters other than a-z and 0-9 one hyphen, no hyphen at
    either end.

    >>> slug("Violence against the person")
    'violence-against-the-person'
    >>> slug("Total recorded crime\\r\\n (excluding fraud)")
    'total-recorded-crime-excluding-fraud'
    >>> slug("  0-9 yrs ")
    '0-9-yrs'
    """
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def values_frame(records: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A ``values`` frame from dicts keyed by :data:`SERIES_VALUE_COLUMNS` (missing keys are
    NaN, or None for text), with the number columns as float and the text columns as object."""
    frame = pd.DataFrame(list(records), columns=list(SERIES_VALUE_COLUMNS))
    for column in SERIES_FIGURES:
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype(float)
    for column in ("series_code", "period", "area", "note"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame.reset_index(drop=True)


def series_frame(records: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A ``series`` frame from dicts keyed by :data:`SERIES_COLUMNS`, one row per code (the
    first of any repeats), sorted by code."""
    frame = pd.DataFrame(list(records), columns=list(SERIES_COLUMNS)).astype(object)
    frame = frame.drop_duplicates("code", keep="first")
    return frame.sort_values("code").reset_index(drop=True)


def duplicate_keys(values: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``values`` sharing a series code, period and area with another row."""
    key = ["series_code", "period", "area"]
    return values[values.duplicated(key, keep=False)]


def is_missing(value: object) -> bool:
    """Whether a cell read from a file is empty: None, NaN or blank text.

    >>> [is_missing(v) for v in (None, float("nan"), "  ", "0", 0)]
    [True, True, True, False, False]
    """
    return blank(value)
