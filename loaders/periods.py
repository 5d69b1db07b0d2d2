"""Reporting periods: calendar months, financial quarters and financial years, plus the
"year ending" and calendar-year periods that published statistics come in.

UK public bodies report by financial year, April to March: quarter 1 of 2024/25 is
April–June 2024 and quarter 4 is January–March 2025. Every period has one canonical
string form, its *code*: ``2024-04`` (month), ``2024/25 Q1`` (quarter), ``2024/25`` (year).

Two more kinds exist for figures read from published statistics; indicators are not
*reported* in them (they are not in :data:`FREQUENCY_KIND`), so ``parse_period(x,
frequency=...)`` refuses them like any other period of the wrong kind:

* ``year_ending``: the twelve months ending with a given month, as in the Office for National
  Statistics' (ONS) "year ending December 2022" (January–December 2022). Code ``YE 2022-12``.
  ONS publishes a new edition every quarter (years ending March, June, September, December),
  but figures are compared with the *same* year ending a year earlier, and consecutive
  editions overlap by nine months; so :meth:`Period.next` and :meth:`Period.previous` step by
  twelve months (``YE 2022-12`` follows ``YE 2021-12``), and every step is a period that
  shares no month with the last.
* ``calendar_year``: January to December, as in a Fingertips "2015". Code ``CY 2015``. A bare
  ``2015`` is still refused as ambiguous; write ``CY 2015`` or ``calendar year 2015``.

A year ending March covers the same months as a financial year, and a year ending December
the same months as a calendar year, but they are different kinds, so they are not equal:
each keeps the code it was published under.

:func:`parse_period` reads the many ways people type periods into spreadsheets and refuses,
with a message saying what to write instead, anything it would otherwise have to guess.

What differs between kinds of period lives in one table (``_SPECS``) and the spellings
``parse_period`` reads in another (``_RULES``); a new kind is an entry in each.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loaders.problems import Refused


class PeriodError(Refused, ValueError):
    """Raised for unreadable or ambiguous period input; str(e) is a plain-English message
    that says what is wrong and how to write it instead."""

    code = "period-invalid"


#: The years a period may fall in: anything else is a typing slip ("1025/26 Q1", year 10000).
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
KINDS = ("month", "quarter", "year")  # the kinds indicators are reported in
ALL_KINDS = (*KINDS, "year_ending", "calendar_year")  # plus those published figures come in
FREQUENCY_KIND = {"monthly": "month", "quarterly": "quarter", "annual": "year"}

_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December")  # fmt: skip


def _index(d: date) -> int:
    """Months since year 0, so that month arithmetic is plain integer arithmetic."""
    return d.year * 12 + d.month - 1


def _first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _fy_code(fy: int) -> str:
    return f"{fy}/{(fy + 1) % 100:02d}"


def _span(p: Period) -> str:
    return f"{_FULL[p.start.month - 1]}–{_FULL[p.end.month - 1]} {p.end.year}"


@dataclass(frozen=True)
class _Kind:
    """What varies between kinds of period. A new kind (e.g. "year ending") is a new entry."""

    months: int
    anchor_month: int | None  # month in which one period of this kind starts; None: any month
    noun: str
    example: str
    code: Callable[[Period], str]
    label: Callable[[Period], str]
    short_label: Callable[[Period], str]


def _quarter_no(p: Period) -> int:
    return (p.start.month - 4) % 12 // 3 + 1


_SPECS: dict[str, _Kind] = {
    "month": _Kind(
        months=1,
        anchor_month=1,
        noun="a month",
        example="2024-04 or Apr 2024",
        code=lambda p: f"{p.start.year:04d}-{p.start.month:02d}",
        label=lambda p: f"{_FULL[p.start.month - 1]} {p.start.year}",
        short_label=lambda p: f"{_ABBR[p.start.month - 1]} {p.start.year}",
    ),
    "quarter": _Kind(
        months=3,
        anchor_month=4,
        noun="a financial quarter",
        example="2024/25 Q1 or Apr-Jun 2024",
        code=lambda p: f"{_fy_code(p.financial_year)} Q{_quarter_no(p)}",
        label=lambda p: (
            f"Q{_quarter_no(p)} {_fy_code(p.financial_year)} "
            f"({_ABBR[p.start.month - 1]}–{_ABBR[p.end.month - 1]} {p.end.year})"
        ),
        short_label=lambda p: p.code,
    ),
    "year": _Kind(
        months=12,
        anchor_month=4,
        noun="a financial year",
        example="2024/25",
        code=lambda p: _fy_code(p.financial_year),
        label=lambda p: f"Financial year {p.code} (Apr {p.start.year}–Mar {p.end.year})",
        short_label=lambda p: p.code,
    ),
    "year_ending": _Kind(
        months=12,
        anchor_month=None,
        noun="a year ending in a given month",
        example="YE 2024-12 or year ending December 2024",
        code=lambda p: f"YE {p.end.year:04d}-{p.end.month:02d}",
        label=lambda p: f"Year ending {_FULL[p.end.month - 1]} {p.end.year}",
        short_label=lambda p: f"YE {_ABBR[p.end.month - 1]} {p.end.year}",
    ),
    "calendar_year": _Kind(
        months=12,
        anchor_month=1,
        noun="a calendar year",
        example="CY 2024",
        code=lambda p: f"CY {p.start.year:04d}",
        label=lambda p: f"Calendar year {p.start.year}",
        short_label=lambda p: p.code,
    ),
}


def _bounds(d: date, kind: str) -> tuple[date, date]:
    """First and last day of the period of ``kind`` containing ``d``; for a kind that can
    start in any month (``year_ending``), of the one *starting* in ``d``'s month."""
    spec = _SPECS[kind]
    i = _index(d)
    anchor = d.month if spec.anchor_month is None else spec.anchor_month
    first = i - (i - (anchor - 1)) % spec.months
    return _first_day(first), _first_day(first + spec.months) - timedelta(days=1)


@dataclass(frozen=True, order=True, repr=False)
class Period:
    """One reporting period. Periods sort by start date, then end date, so a month sorts
    before the quarter that starts with it. Build them with :func:`month`, :func:`quarter`,
    :func:`financial_year`, :func:`year_ending`, :func:`calendar_year` or
    :func:`parse_period` rather than directly."""

    start: date
    end: date
    kind: str

    def __post_init__(self) -> None:
        # Refuse hand-built periods that do not line up, so every Period has exactly one code.
        if self.kind not in _SPECS:
            raise ValueError(f"unknown period kind {self.kind!r}; expected one of {ALL_KINDS}")
        if type(self.start) is not date or (self.start, self.end) != _bounds(self.start, self.kind):
            raise ValueError(f"{self.start} to {self.end} is not a whole {self.kind}")

    @property
    def code(self) -> str:
        """Canonical form: ``2024-04``, ``2024/25 Q1``, ``2024/25``, ``YE 2022-12``, ``CY 2015``."""
        return _SPECS[self.kind].code(self)

    @property
    def label(self) -> str:
        """For people: ``April 2024``, ``Q1 2024/25 (Apr–Jun 2024)``, ``Financial year ...``,
        ``Year ending December 2022``, ``Calendar year 2015``."""
        return _SPECS[self.kind].label(self)

    @property
    def short_label(self) -> str:
        """For chart axes: ``Apr 2024``, ``2024/25 Q1``, ``2024/25``, ``YE Dec 2022``,
        ``CY 2015``."""
        return _SPECS[self.kind].short_label(self)

    @property
    def months(self) -> int:
        return _SPECS[self.kind].months

    @property
    def financial_year(self) -> int:
        """Year in which the April-to-March financial year containing this period starts."""
        return self.start.year if self.start.month >= 4 else self.start.year - 1

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"<Period {self.code}>"

    def next(self, n: int = 1) -> Period:
        """The period ``n`` steps later (earlier when ``n`` is negative), of the same kind.

        >>> quarter(2024, 4).next()
        <Period 2025/26 Q1>
        >>> month(2025, 3).next(), month(2025, 3).next(-3)
        (<Period 2025-04>, <Period 2024-12>)

        Twelve-month kinds step a whole year, so a year ending steps to the comparable year
        ending a year later, not to the next quarterly edition:

        >>> year_ending(2022, 12).previous(), calendar_year(2015).next()
        (<Period YE 2021-12>, <Period CY 2016>)
        """
        first = _first_day(_index(self.start) + self.months * n)
        return Period(*_bounds(first, self.kind), self.kind)

    def previous(self, n: int = 1) -> Period:
        """The period ``n`` steps earlier: ``quarter(2024, 1).previous()`` is 2023/24 Q4."""
        return self.next(-n)

    def contains(self, d: date) -> bool:
        return self.start <= date(d.year, d.month, d.day) <= self.end


def month(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError.worded("period-month-range", month=month)
    return period_containing(date(year, month, 1), "month")


def quarter(fy_start_year: int, q: int) -> Period:
    """Financial quarter ``q`` of the financial year starting in April ``fy_start_year``.

    >>> quarter(2024, 1).label
    'Q1 2024/25 (Apr–Jun 2024)'
    >>> quarter(2024, 4).label
    'Q4 2024/25 (Jan–Mar 2025)'
    """
    if not 1 <= q <= 4:
        raise PeriodError.worded("period-quarter-range", quarter=q)
    return period_containing(_first_day(fy_start_year * 12 + 3 + 3 * (q - 1)), "quarter")


def financial_year(fy_start_year: int) -> Period:
    return period_containing(date(fy_start_year, 4, 1), "year")


def year_ending(year: int, month: int) -> Period:
    """The twelve months ending with ``month`` of ``year`` (ONS "year ending").

    >>> year_ending(2022, 12).label, year_ending(2022, 12).start
    ('Year ending December 2022', datetime.date(2022, 1, 1))
    >>> year_ending(2023, 3).short_label, year_ending(2023, 3).start
    ('YE Mar 2023', datetime.date(2022, 4, 1))
    """
    if not 1 <= month <= 12:
        raise PeriodError.worded("period-month-range", month=month)
    return Period(*_bounds(_first_day(year * 12 + month - 12), "year_ending"), "year_ending")


def calendar_year(year: int) -> Period:
    """January to December of ``year``.

    >>> calendar_year(2015).code, calendar_year(2015).label
    ('CY 2015', 'Calendar year 2015')
    """
    return period_containing(date(year, 1, 1), "calendar_year")


def period_containing(d: date, kind: str) -> Period:
    if kind not in _SPECS:
        raise ValueError(f"unknown period kind {kind!r}; expected one of {ALL_KINDS}")
    if _SPECS[kind].anchor_month is None:
        raise ValueError(
            f"a date lies in twelve different {kind} periods; build one with {kind}(year, month)"
        )
    return Period(*_bounds(d, kind), kind)


def period_range(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last`` inclusive; empty when ``last`` is earlier.

    >>> len(period_range(quarter(2021, 1), quarter(2024, 4)))
    16
    >>> period_range(month(2025, 2), month(2025, 4))
    [<Period 2025-02>, <Period 2025-03>, <Period 2025-04>]
    >>> period_range(month(2025, 4), month(2025, 2))
    []
    """
    if first.kind != last.kind:
        raise PeriodError.worded(
            "period-range",
            first=first.code,
            last=last.code,
            first_kind=first.kind,
            last_kind=last.kind,
        )
    gap = months_apart(first.start, last.start)
    if gap % first.months:
        raise PeriodError.worded("period-range", "months", first=first.code, last=last.code)
    count = gap // first.months + 1
    return [first.next(i) for i in range(max(count, 0))]


def long_date(value: object) -> str:
    """A date as the board writes it; a missing one is a dash.

    >>> long_date(date(2025, 5, 1)), long_date("2025-05-15 10:30"), long_date(None)
    ('1 May 2025', '15 May 2025', '–')
    """
    if value is None or _is_missing(value) or str(value).strip() == "":
        return "–"
    # A datetime (and pandas' Timestamp) is a date; text is read for its day only.
    d = value if isinstance(value, date) else date.fromisoformat(str(value).strip()[:10])
    return f"{d.day} {d:%B %Y}"


def long_datetime(value: object) -> str:
    """A moment as the board writes it, to the minute; a missing one is a dash.

    >>> long_datetime("2026-11-30 19:50:39.5"), long_datetime(datetime(2025, 5, 1, 9, 5))
    ('30 November 2026 at 19:50', '1 May 2025 at 09:05')
    >>> long_datetime(date(2025, 5, 1)), long_datetime(None)
    ('1 May 2025', '–')
    """
    if value is None or _is_missing(value) or str(value).strip() == "":
        return "–"
    if isinstance(value, date) and not isinstance(value, datetime):
        return long_date(value)
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    return f"{long_date(moment)} at {moment:%H:%M}"


def months_apart(earlier_end: date, later_end: date) -> int:
    return _index(later_end) - _index(earlier_end)


# --- Reading periods people have typed -------------------------------------------------

_REPORTED = {"monthly": "monthly", "quarterly": "quarterly", "annual": "annually"}
_GENERAL = (
    "a month such as 2024-04, a financial quarter such as 2024/25 Q1, "
    "a financial year such as 2024/25, a year ending such as YE 2024-12 "
    "or a calendar year such as CY 2024"
)
_MONTHS = {n.lower(): i + 1 for i, f in enumerate(_FULL) for n in (f, f[:3])} | {"sept": 9}
_FY = r"(?:fy|financial year)?\s*(?P<fy>\d{4})\s*[/-]\s*(?P<fy2>\d{4}|\d{2})"
_Q = r"(?:quarter|qtr|q)\s*(?P<q>\d+)"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_YE = r"(?:ye|year ending|year to|12 months to|12 months ending|twelve months to)"
_CY = r"(?:cy|calendar year)"
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # str() of an Excel/pandas datetime
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def _mon(group: str) -> str:
    return f"(?P<{group}>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})"


def _quote(value: object) -> str:
    if isinstance(value, Period):
        return f"'{value.code}'"
    return f"'{value}'" if isinstance(value, str) else repr(value)


def _wanted(frequency: str | None) -> str:
    if frequency is None:
        return _GENERAL
    spec = _SPECS[FREQUENCY_KIND[frequency]]
    return f"{spec.noun} such as {spec.example}"


def _full_year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _fy_start(raw: str, g: dict[str, str]) -> int:
    start, second = int(g["fy"]), g["fy2"]
    if int(second) != (start + 1 if len(second) == 4 else (start + 1) % 100):
        as_month = f"; for a month, write {start}-{second}" if 1 <= int(second) <= 12 else ""
        raise PeriodError.worded(
            "period-not-financial-year",
            raw=_quote(raw),
            as_month=as_month,
            financial_year=_fy_code(start),
            start=start,
            next_year=start + 1,
        )
    return start


def _checked_quarter(raw: str, fy: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise PeriodError.worded(
            "period-quarter-range", "typed", raw=_quote(raw), quarter=q, financial_year=_fy_code(fy)
        )
    return quarter(fy, q)


def _for_date(d: date, frequency: str | None) -> Period:
    return period_containing(d, FREQUENCY_KIND[frequency] if frequency else "month")


# Rule handlers: each gets the regex groups, the value as given (for messages) and frequency.


def _iso_date(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    try:
        d = date(int(g["year"]), int(g["m"]), int(g["day"]))
    except ValueError:
        raise PeriodError.worded("period-not-real-date", raw=_quote(raw)) from None
    return _for_date(d, frequency)


def _year_dash_two_digits(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    year, nn = int(g["year"]), int(g["m"])
    is_fy, is_month = nn == (year + 1) % 100, 1 <= nn <= 12
    # 2000-01 ... 2011-12 read both ways; the canonical month form wins unless reported annually.
    if is_fy and (not is_month or frequency == "annual"):
        return financial_year(year)
    if is_month:
        return month(year, nn)
    raise PeriodError.worded(
        "period-month-or-year", raw=_quote(raw), year=year, financial_year=_fy_code(year)
    )


def _fy_quarter(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    return _checked_quarter(raw, _fy_start(raw, g), int(g["q"]))


def _fy(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    return financial_year(_fy_start(raw, g))


def _month(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    year, m = _full_year(g["year"]), _MONTHS.get(g["m"]) or int(g["m"])
    if not 1 <= m <= 12:
        raise PeriodError.worded("period-month-range", "typed", raw=_quote(raw), year=year, month=m)
    return month(year, m)


def _month_range(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    first, last, year = _MONTHS[g["m"]], _MONTHS[g["last"]], _full_year(g["year"])
    nearest = period_containing(date(year, first, 1), "quarter")
    if first % 3 == 1 and last == first + 2:
        return nearest
    raise PeriodError.worded(
        "period-not-quarter", raw=_quote(raw), code=nearest.code, span=_span(nearest)
    )


def _calendar_quarter(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    year, q = int(g["year"]), int(g["q"])
    fin = _checked_quarter(raw, year, q)
    cal = period_containing(date(year, 3 * q - 2, 1), "quarter")
    raise PeriodError.worded(
        "period-year-unclear",
        raw=_quote(raw),
        year=year,
        financial=fin.code,
        financial_span=_span(fin),
        calendar=cal.code,
        calendar_span=_span(cal),
    )


def _year_only(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    raise _bare_year(raw, int(g["year"]), frequency)


def _bare_year(raw: object, year: int, frequency: str | None = None) -> PeriodError:
    calendar = f", or CY {year} for January–December {year}" if frequency is None else ""
    return PeriodError.worded(
        "period-year-unclear",
        "bare",
        raw=_quote(raw),
        year=year,
        calendar=calendar,
        financial_year=_fy_code(year),
        next_year=year + 1,
        previous_financial_year=_fy_code(year - 1),
        previous_year=year - 1,
    )


def _year_ending(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    year, m = _full_year(g["year"]), _MONTHS.get(g["m"]) or int(g["m"])
    if not 1 <= m <= 12:
        raise PeriodError.worded(
            "period-month-range", "year-ending", raw=_quote(raw), year=year, month=m
        )
    return year_ending(year, m)


def _year_ending_without_month(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    year = int(g["year"])
    raise PeriodError.worded("period-year-ending-month", raw=_quote(raw), year=year)


def _calendar_year(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    return calendar_year(int(g["year"]))


def _day_month_year(g: dict[str, str], raw: str, frequency: str | None) -> Period:
    raise PeriodError.worded("period-ambiguous-date", raw=_quote(raw), wanted=_wanted(frequency))


# Tried in order against the tidied, lower-cased text; the first full match decides.
_RULES: tuple[tuple[re.Pattern[str], Callable[..., Period]], ...] = tuple(
    (re.compile(pattern), handler)
    for pattern, handler in (
        (rf"(?P<year>\d{{4}})-(?P<m>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME}", _iso_date),
        (r"(?P<year>\d{4})\s*-\s*(?P<m>\d{2})", _year_dash_two_digits),
        (rf"{_FY}[\s,-]*{_Q}", _fy_quarter),
        (rf"{_Q}[\s,-]*(?:of\s*)?{_FY}", _fy_quarter),
        (rf"{_FY}(?:\s*(?:fy|financial year))?", _fy),
        (rf"{_mon('m')}[\s-]*{_YEAR}", _month),
        (rf"{_mon('m')}(?:\s*-\s*|\s+to\s+){_mon('last')}[\s-]*{_YEAR}", _month_range),
        (r"(?P<m>\d{1,2})\s*[/-]\s*(?P<year>\d{4})", _month),
        (rf"{_YE}\s*(?P<year>\d{{4}})\s*-\s*(?P<m>\d{{1,2}})", _year_ending),
        (rf"{_YE}[\s,]*{_mon('m')}[\s,-]*{_YEAR}", _year_ending),
        (rf"{_CY}\s*(?P<year>\d{{4}})", _calendar_year),
        (rf"(?P<year>\d{{4}})\s*{_CY}", _calendar_year),
        # Refused: each has two plausible readings, and a wrong guess would misplace a figure.
        (rf"{_Q}[\s-]*(?P<year>\d{{4}})", _calendar_quarter),
        (rf"(?P<year>\d{{4}})[\s-]*{_Q}", _calendar_quarter),
        (r"(?:fy|financial year)?\s*(?P<year>\d{4})", _year_only),
        (rf"{_YE}\s*(?P<year>\d{{4}})", _year_ending_without_month),
        (rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}}){_TIME}", _day_month_year),
    )
)


def _read_text(raw: str, frequency: str | None) -> Period:
    text = " ".join(raw.translate(_DASHES).lower().split())
    if not text:
        raise PeriodError.worded("period-blank", raw=_quote(raw), wanted=_wanted(frequency))
    for pattern, handler in _RULES:
        if match := pattern.fullmatch(text):
            return handler(match.groupdict(), raw, frequency)
    raise PeriodError.worded("period-not-readable", raw=_quote(raw), wanted=_wanted(frequency))


def _is_missing(value: object) -> bool:
    try:
        return bool(value != value)  # NaN and pandas NaT are the values unequal to themselves
    except TypeError:
        return True  # pandas NA will not say whether it equals itself
    except ValueError:
        return False


def _read(value: object, frequency: str | None) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, str):
        return _read_text(value, frequency)
    if isinstance(value, bool):
        raise PeriodError.worded(
            "period-not-readable", "yes-no", raw=_quote(value), wanted=_wanted(frequency)
        )
    if value is None or _is_missing(value):
        raise PeriodError.worded("period-blank", raw=_quote(value), wanted=_wanted(frequency))
    if isinstance(value, numbers.Real):
        if float(value).is_integer() and 1900 <= value <= 2100:
            raise _bare_year(value, int(value), frequency)
        if 0 < value < 2958466:  # Excel's serial numbers for 1900-01-01 to 9999-12-31
            raise PeriodError.worded(
                "period-not-readable", "serial", raw=_quote(value), wanted=_wanted(frequency)
            )
        raise PeriodError.worded(
            "period-not-readable", "number", raw=_quote(value), wanted=_wanted(frequency)
        )
    if all(hasattr(value, part) for part in ("year", "month", "day")):
        # date, datetime and pandas Timestamp alike, without importing pandas.
        return _for_date(date(value.year, value.month, value.day), frequency)
    raise PeriodError.worded(
        "period-not-readable",
        "kind",
        kind=type(value).__name__,
        raw=_quote(value),
        wanted=_wanted(frequency),
    )


def parse_period(value: object, frequency: str | None = None) -> Period:
    """Read a period from a spreadsheet cell, form field or file name.

    Accepts, ignoring case, surrounding spaces and the kind of dash:

    * months: ``2024-04``, ``Apr 2024``, ``April 2024``, ``Apr-24``, ``04/2024``;
    * financial quarters: ``2024/25 Q1``, ``Q1 2024-25``, ``FY2024/25 Q1``,
      ``Quarter 1 2024/25``, ``Apr-Jun 2024``, ``April to June 2024``;
    * financial years: ``2024/25``, ``2024-25``, ``2024/2025``, ``FY 2024-25``,
      ``2024/25 financial year``;
    * years ending in a month (ONS): ``YE 2022-12``, ``YE Dec 2022``,
      ``year ending December 2022``, ``12 months to December 2022``;
    * calendar years: ``CY 2015``, ``calendar year 2015`` (never a bare ``2015``);
    * dates (``date``, ``datetime``, pandas ``Timestamp`` or ``2024-06-30``), which become the
      period of the indicator's ``frequency`` ("monthly", "quarterly" or "annual") that contains
      them, or the month containing them when no frequency is given;
    * a :class:`Period`, returned as it is.

    >>> parse_period("Apr-Jun 2024")
    <Period 2024/25 Q1>
    >>> parse_period(" january–march 2025 ")
    <Period 2024/25 Q4>
    >>> parse_period("FY 2024-25").label
    'Financial year 2024/25 (Apr 2024–Mar 2025)'
    >>> parse_period(date(2024, 6, 30), frequency="quarterly")
    <Period 2024/25 Q1>
    >>> parse_period("year ending Dec 2022"), parse_period("Calendar year 2015")
    (<Period YE 2022-12>, <Period CY 2015>)

    Anything with two plausible readings is refused rather than guessed, with a
    :class:`PeriodError` explaining what to write instead; so is a period of the wrong kind
    for ``frequency``:

    >>> try:  # doctest: +ELLIPSIS
    ...     parse_period("Q1 2024")
    ... except PeriodError as error:
    ...     print(error)
    'Q1 2024' does not say whether 2024 is a calendar or financial year: write 2024/25 Q1 ...
    >>> try:
    ...     parse_period("2024-04", frequency="quarterly")
    ... except PeriodError as error:
    ...     print(error)
    '2024-04' is a month, but this indicator is reported quarterly: write a financial quarter such as 2024/25 Q1.
    """
    if frequency is not None and frequency.strip().lower() not in FREQUENCY_KIND:
        raise ValueError(f"frequency must be one of {sorted(FREQUENCY_KIND)}, not {frequency!r}")
    frequency = frequency and frequency.strip().lower()
    try:
        period = _read(value, frequency)
    except (ValueError, OverflowError) as err:
        if isinstance(err, PeriodError):
            raise
        # date() refuses year 0 and year 10000 with its own words; say it in ours.
        raise PeriodError.worded(
            "period-not-readable", "impossible", raw=_quote(value), wanted=_wanted(frequency)
        ) from None
    if not EARLIEST_YEAR <= period.start.year <= LATEST_YEAR:
        raise PeriodError.worded(
            "period-out-of-years",
            year=period.start.year,
            raw=_quote(value),
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
        )
    wanted = FREQUENCY_KIND[frequency] if frequency else period.kind
    if period.kind != wanted:
        example = period_containing(period.start, wanted)
        raise PeriodError.worded(
            "period-wrong-kind",
            noun=_SPECS[period.kind].noun,
            raw=_quote(value),
            reported=_REPORTED[frequency],
            wanted_noun=_SPECS[wanted].noun,
            example=example.code,
        )
    return period


def parse_code(code: str) -> Period:
    """Read a canonical code (``2024-04``, ``2024/25 Q1``, ``2024/25``, ``YE 2022-12`` or
    ``CY 2015``) and nothing else.

    >>> parse_code("2024/25 Q1") == quarter(2024, 1)
    True
    >>> parse_code("YE 2022-12") == year_ending(2022, 12)
    True
    """
    try:
        period = parse_period(code) if isinstance(code, str) else None
    except PeriodError:
        period = None
    # Every spelling parse_period accepts other than the code itself is refused here.
    if period is None or period.code != code:
        raise PeriodError.worded("period-code-unreadable", code=_quote(code))
    return period
