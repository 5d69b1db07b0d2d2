"""One cell of a return in, a number (or a reason there is none) out.

:func:`parse_value` reads what a lead typed in a Value, Target or Previous value cell, given the
indicator's unit, and never raises for bad input: it returns a :class:`Parsed` with either a
number, a note (a missing-value marker such as ``n/a``, see :data:`loaders.layouts.MARKERS`),
an error in plain English, or nothing at all for a blank cell (the caller decides whether blank
is allowed). Range checks (negative counts, percentages over 100) are done elsewhere.

Accepted: real numbers (not TRUE/FALSE), text numbers with surrounding spaces, a leading ``+``,
``-`` or the Unicode minus sign, thousands separators (``1,234``, ``1 234``). Refused, with a
message saying what to type instead: a decimal comma (``12,5``), currency signs, dates, words.

Percentages (unit ``percent``) -- the one ambiguity. Excel stores a cell formatted as a
percentage as a fraction (12% is held as 0.12), and some leads type fractions by hand. So:

* a ``%`` sign means the number is a percentage as typed: ``"12%"`` and ``"0.5%"`` are 12 and
  0.5;
* without one, a value strictly between 0 and 1 is read as a fraction and multiplied by 100
  (0.12 -> 12), with a ``warning`` saying so, so the lead can correct the rare real 0.5%;
* 0, 1 and above (and negatives) are percentages as typed. A limitation: 100% stored by Excel
  as 1.0 reads as 1%; a rate that high would stand out on review.

For the other units (``count``, ``rate_per_1000``, ``score``) a ``%`` sign is an error.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pandas as pd

from loaders.layouts import MARKERS


@dataclass(frozen=True)
class Unit:
    """An indicator's unit: its label in a table, in a sentence, and the largest figure of it
    that could be real (beyond it is a slip: 1e300 is no count)."""

    label: str
    words: str
    plausible_max: float


# An indicator's units, declared once: the framework allows these, and everything said about
# a unit (board.UNIT_LABELS, PLAUSIBLE_MAX, the % sign's error) is read from here.
UNIT_FACTS = {
    "count": Unit("count", "a count", 1e8),
    "percent": Unit("%", "a percentage", 100.0),
    "rate_per_1000": Unit("rate per 1,000", "a rate per 1,000", 1e5),
    "score": Unit("score", "a score", 1e9),
}
UNITS = tuple(UNIT_FACTS)
_UNIT_WORDS = {code: unit.words for code, unit in UNIT_FACTS.items()}

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?P<sep>[, ])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"[£$€]")


def missing(value: object) -> bool:
    """The one rule for a value that is not there: None, NaN, pandas' NA or NaT.

    >>> [missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", 0, "n/a")]
    [True, True, True, True, False, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(value != value)  # NaN is the one value not equal to itself
    except (TypeError, ValueError):
        return False


def blank(value: object) -> bool:
    """An empty cell as a person sees it: missing, or text of nothing but spaces (the
    non-breaking and thin ones too).

    >>> [blank(v) for v in (None, float("nan"), "  ", "\u00a0", "0", 0)]
    [True, True, True, True, False, False]
    """
    return missing(value) or (isinstance(value, str) and not _SPACES.sub("", value))


@dataclass(frozen=True)
class Parsed:
    value: float | None
    note: str | None  # a missing-value marker's meaning: "Marked 'n/a' in the return: ..."
    error: str | None  # plain English for the lead, quoting what they typed
    warning: str | None = None  # the value was read but the lead should check it (fractions)


BLANK = Parsed(None, None, None)


_is_blank = blank


def _percent_fraction(value: float, shown: str) -> Parsed:
    scaled = float(Decimal(repr(value)) * 100)
    return Parsed(
        scaled,
        None,
        None,
        f"Read {shown} as {scaled:g}% (a fraction in a percentage cell); "
        f"if you meant {shown}%, type it as {shown}%",
    )


#: The largest figure of each unit that could be real; beyond it is a slip (1e300 is no count).
PLAUSIBLE_MAX = {code: unit.plausible_max for code, unit in UNIT_FACTS.items()}


def _number(value: float, unit: str, shown: str, percent_sign: bool) -> Parsed:
    if not math.isfinite(value):
        return Parsed(None, None, f"'{shown}' is not a number: type the figure")
    if unit == "percent" and not percent_sign and 0 < value < 1:
        return _percent_fraction(value, shown)
    return Parsed(float(value) + 0.0, None, None)  # + 0.0 turns -0 into 0


def parse_value(raw: object, unit: str) -> Parsed:
    """Read one cell typed by a lead as a number of the given unit.

    >>> parse_value(" 1,234 ", "count")
    Parsed(value=1234.0, note=None, error=None, warning=None)
    >>> parse_value("12.5 %", "percent").value
    12.5
    >>> parse_value(0.12, "percent").value
    12.0
    >>> parse_value("0.5%", "percent").value
    0.5
    >>> parse_value("N/A", "count").note
    "Marked 'N/A' in the return: not applicable / not available"
    >>> parse_value(0.12, "percent").warning
    'Read 0.12 as 12% (a fraction in a percentage cell); if you meant 0.12%, type it as 0.12%'
    >>> parse_value("12,5", "score").error
    "'12,5' is not a number: type it as 12.5"
    >>> parse_value("12%", "count").error
    "'12%' has a % sign but this indicator is a count: type the number without %"
    >>> parse_value(None, "count")
    Parsed(value=None, note=None, error=None, warning=None)
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if _is_blank(raw):
        return BLANK
    if isinstance(raw, bool):
        return Parsed(None, None, f"'{raw}' is a yes/no value, not a number: type the figure")
    if isinstance(raw, datetime | date | time):
        return Parsed(
            None, None, f"'{raw}' is a date or time, not a number: type the figure as a number"
        )
    if isinstance(raw, Decimal):
        raw = float(raw)
    if isinstance(raw, numbers.Real):
        return _number(float(raw), unit, f"{raw:g}" if isinstance(raw, float) else str(raw), False)
    if not isinstance(raw, str):
        return Parsed(None, None, f"'{raw}' is not a number: type the figure")

    text = raw.strip()
    marker = MARKERS.get(_SPACES.sub(" ", text).lower())
    if marker is not None:
        return Parsed(None, f"Marked '{text}' in the return: {marker}", None)
    if text.lower() == "nil":
        return Parsed(
            None, None, f"'{text}' is ambiguous: type 0 if the figure is zero, or n/a if not known"
        )

    body = text.replace("\u2212", "-")  # Unicode minus sign
    percent_sign = body.endswith("%")
    if percent_sign:
        body = body[:-1].rstrip()
        if unit != "percent":
            return Parsed(
                None,
                None,
                f"'{text}' has a % sign but this indicator is {_UNIT_WORDS[unit]}: "
                "type the number without %",
            )
    body = _SPACES.sub(" ", body)

    if _CURRENCY.search(body):
        return Parsed(None, None, f"'{text}' has a currency sign: type the number only")
    if _PLAIN.fullmatch(body):
        return _number(float(body), unit, body.lstrip("+"), percent_sign)
    if _GROUPED.fullmatch(body):
        plain = body.replace(",", "").replace(" ", "")
        return _number(float(plain), unit, plain.lstrip("+"), percent_sign)
    if _DECIMAL_COMMA.fullmatch(body):
        return Parsed(None, None, f"'{text}' is not a number: type it as {body.replace(',', '.')}")
    return Parsed(
        None,
        None,
        f"'{text}' is not a number: type the figure only (put any explanation in the "
        "commentary, or n/a if there is no figure)",
    )
