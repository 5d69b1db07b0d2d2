"""Tests for loaders.periods.parse_period: the spellings of a period it reads, and the refusals,
which quote what was typed and say what to type instead. What a period is: test_periods.py."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from loaders.periods import (
    PeriodError,
    parse_code,
    parse_period,
    quarter,
)


def quoted(value: object) -> str:
    """How a message quotes the value it was given."""
    return f"'{value}'" if isinstance(value, str) else repr(value)


def error_for(value: object, frequency: str | None = None) -> str:
    with pytest.raises(PeriodError) as caught:
        parse_period(value, frequency)
    return str(caught.value)


# --- parse_period: accepted spellings ---------------------------------------------------

ACCEPTED = [
    # canonical codes
    ("2024-04", "2024-04"),
    ("2024/25 Q1", "2024/25 Q1"),
    ("2024/25", "2024/25"),
    # months
    ("Apr 2024", "2024-04"),
    ("April 2024", "2024-04"),
    ("Apr-24", "2024-04"),
    ("April-2024", "2024-04"),
    ("apr 24", "2024-04"),
    ("APRIL 2024", "2024-04"),
    ("Sept 2024", "2024-09"),
    ("September 2024", "2024-09"),
    ("Jun 2024", "2024-06"),
    ("June 2024", "2024-06"),
    ("May-25", "2025-05"),
    ("Dec 2024", "2024-12"),
    ("04/2024", "2024-04"),
    ("4/2024", "2024-04"),
    ("12/2024", "2024-12"),
    ("2024-04-01", "2024-04"),
    ("2024-4-1", "2024-04"),
    ("2024-12-31", "2024-12"),
    ("2025-01-15 00:00:00", "2025-01"),
    ("2025-01-15T10:30:00", "2025-01"),
    ("2011-12", "2011-12"),  # canonical month form wins the 2000-2011 ambiguity
    # quarters
    ("Q1 2024/25", "2024/25 Q1"),
    ("2024-25 Q1", "2024/25 Q1"),
    ("Q1 2024-25", "2024/25 Q1"),
    ("2024/2025 Q1", "2024/25 Q1"),
    ("FY2024/25 Q1", "2024/25 Q1"),
    ("FY 2024/25 Q2", "2024/25 Q2"),
    ("2024/25 Quarter 1", "2024/25 Q1"),
    ("Quarter 1 2024/25", "2024/25 Q1"),
    ("Quarter 3 of 2024/25", "2024/25 Q3"),
    ("q4 2024/25", "2024/25 Q4"),
    ("2024/25 q4", "2024/25 Q4"),
    ("2024/25Q4", "2024/25 Q4"),
    ("2024/25 - Q3", "2024/25 Q3"),
    ("2011-12 Q1", "2011/12 Q1"),
    ("Apr-Jun 2024", "2024/25 Q1"),
    ("April to June 2024", "2024/25 Q1"),
    ("Jul-Sep 2024", "2024/25 Q2"),
    ("July to September 2024", "2024/25 Q2"),
    ("Oct-Dec 2024", "2024/25 Q3"),
    ("Jan-Mar 2025", "2024/25 Q4"),
    ("January-March 2025", "2024/25 Q4"),
    ("Apr - Jun 2024", "2024/25 Q1"),
    ("Apr-Jun 24", "2024/25 Q1"),
    # financial years
    ("2024-25", "2024/25"),
    ("2024/2025", "2024/25"),
    ("2024-2025", "2024/25"),
    ("FY2024/25", "2024/25"),
    ("FY 2024-25", "2024/25"),
    ("fy2024-25", "2024/25"),
    ("2024/25 financial year", "2024/25"),
    ("Financial year 2024/25", "2024/25"),
    ("2024 / 25", "2024/25"),
    ("2099/00", "2099/00"),
    ("2099/2100", "2099/00"),
    ("1999/00", "1999/00"),
    ("2009/10", "2009/10"),
]


@pytest.mark.parametrize(("text", "code"), ACCEPTED)
def test_parse_period_accepts(text, code):
    assert parse_period(text).code == code


@pytest.mark.parametrize(("text", "code"), ACCEPTED)
def test_parse_period_ignores_case_and_surrounding_space(text, code):
    assert parse_period(f"  {text.upper()}\t").code == code
    assert parse_period(f"\n{text.lower()} ").code == code


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212"])
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Apr-Jun 2024", "2024/25 Q1"),
        ("Jan - Mar 2025", "2024/25 Q4"),
        ("2024-25", "2024/25"),
        ("Q1 2024-25", "2024/25 Q1"),
        ("Apr-24", "2024-04"),
        ("FY 2024-25", "2024/25"),
    ],
)
def test_parse_period_treats_long_dashes_as_hyphens(dash, text, code):
    assert parse_period(text.replace("-", dash)).code == code


def test_parse_period_collapses_inner_whitespace():
    assert parse_period("April   to\u00a0June  2024").code == "2024/25 Q1"
    assert parse_period("2024/25   financial   year").code == "2024/25"


@pytest.mark.parametrize(
    ("text", "frequency", "code"),
    [
        ("2024-06-30", None, "2024-06"),
        ("2024-06-30", "monthly", "2024-06"),
        ("2024-06-30", "quarterly", "2024/25 Q1"),
        ("2024-06-30", "annual", "2024/25"),
        ("2025-03-31", "quarterly", "2024/25 Q4"),
        ("2025-03-31", "annual", "2024/25"),
        ("2025-04-01", "annual", "2025/26"),
        ("2011-12", "annual", "2011/12"),
        ("2011-12", "monthly", "2011-12"),
        ("2024-25", "annual", "2024/25"),
        ("Apr-Jun 2024", "quarterly", "2024/25 Q1"),
        ("Apr 2024", "monthly", "2024-04"),
        ("2024/25", "Annual", "2024/25"),  # frequency names are not case-sensitive
    ],
)
def test_parse_period_with_frequency(text, frequency, code):
    assert parse_period(text, frequency).code == code


@dataclass
class FakeTimestamp:
    """Stands in for a pandas Timestamp: parse_period duck-types on year, month and day."""

    year: int
    month: int
    day: int


@pytest.mark.parametrize(
    ("value", "frequency", "code"),
    [
        (date(2024, 6, 30), None, "2024-06"),
        (date(2024, 6, 30), "monthly", "2024-06"),
        (date(2024, 6, 30), "quarterly", "2024/25 Q1"),
        (date(2024, 6, 30), "annual", "2024/25"),
        (date(2025, 1, 1), "quarterly", "2024/25 Q4"),
        (date(2024, 3, 31), "annual", "2023/24"),
        (datetime(2025, 1, 31, 12, 0), None, "2025-01"),
        (datetime(2025, 1, 31, 12, 0), "quarterly", "2024/25 Q4"),
        (FakeTimestamp(2024, 10, 1), "quarterly", "2024/25 Q3"),
        (FakeTimestamp(2024, 10, 1), None, "2024-10"),
    ],
)
def test_parse_period_dates(value, frequency, code):
    assert parse_period(value, frequency).code == code


def test_parse_period_pandas_values():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert parse_period(pd.Timestamp("2024-06-30"), "quarterly").code == "2024/25 Q1"
    assert parse_period(pd.Timestamp("2025-02-01 13:45")).code == "2025-02"
    for blank in (pd.NaT, pd.NA, np.nan):
        assert "blank" in error_for(blank)
    assert "Excel date serial number" in error_for(np.int64(45000))
    assert "Excel date serial number" in error_for(np.float64(45000.0))


def test_parse_period_returns_a_period_as_is():
    q = quarter(2024, 1)
    assert parse_period(q) is q
    assert parse_period(q, "quarterly") is q


# --- parse_period: refusals -------------------------------------------------------------

# (value, frequency, phrases the message must contain besides the quoted value)
REJECTED = [
    (
        "Q1 2024",
        None,
        [
            "calendar or financial",
            "2024/25 Q1 for April–June 2024",
            "2023/24 Q4 for January–March 2024",
        ],
    ),
    (
        "2024 Q1",
        None,
        [
            "calendar or financial",
            "2024/25 Q1 for April–June 2024",
            "2023/24 Q4 for January–March 2024",
        ],
    ),
    ("2024Q1", "quarterly", ["calendar or financial", "2024/25 Q1", "2023/24 Q4"]),
    (
        "q3 2024",
        None,
        ["2024/25 Q3 for October–December 2024", "2024/25 Q2 for July–September 2024"],
    ),
    (
        "Quarter 4 2024",
        None,
        ["2024/25 Q4 for January–March 2025", "2024/25 Q3 for October–December 2024"],
    ),
    ("2024", None, ["calendar year 2024", "financial year 2024/25", "write the financial year"]),
    ("FY2024", None, ["calendar year 2024", "2024/25", "2023/24"]),
    ("04/05/2024", None, ["ambiguous", "day-first", "month-first", "2024-05-04"]),
    ("4/5/24", None, ["ambiguous", "year-first"]),
    ("31/05/2024", None, ["ambiguous", "year-first"]),
    ("04.05.2024", "quarterly", ["ambiguous", "2024/25 Q1"]),
    ("2024/26", None, ["consecutive", "2024/25"]),
    ("2024/2026", None, ["consecutive", "2024/25"]),
    ("2024-26", None, ["consecutive", "2024/25"]),
    ("2024/23", None, ["consecutive"]),
    ("2024/04", None, ["consecutive", "for a month, write 2024-04"]),
    ("2024/26 Q1", None, ["consecutive", "2024/25"]),
    ("Q2 2024/2026", None, ["consecutive"]),
    (
        "May-Jul 2024",
        None,
        ["not a financial quarter", "Apr-Jun, Jul-Sep, Oct-Dec and Jan-Mar", "2024/25 Q1"],
    ),
    ("Apr-May 2024", None, ["not a financial quarter", "Apr-Jun"]),
    ("Nov-Jan 2025", None, ["not a financial quarter"]),
    ("Jun-Apr 2024", None, ["not a financial quarter"]),
    ("Q5 2024/25", None, ["quarter 5", "Q1 (April–June) to Q4 (January–March)", "2024/25 Q1"]),
    ("2024/25 Q0", None, ["quarter 0", "2024/25 Q1"]),
    ("Q5 2024", None, ["quarter 5", "Q1"]),
    ("13/2024", None, ["month 13", "1 to 12", "2024-04"]),
    ("0/2024", None, ["month 0", "1 to 12"]),
    ("2024-13", None, ["neither a month", "01 to 12", "consecutive"]),
    ("2024-00", None, ["neither a month"]),
    ("2024-02-30", None, ["not a real date", "YYYY-MM-DD"]),
    ("2024-13-01", None, ["not a real date"]),
    ("", None, ["blank", "2024-04", "2024/25 Q1", "2024/25"]),
    ("   ", None, ["blank"]),
    (None, None, ["blank", "2024/25 Q1"]),
    (None, "quarterly", ["blank", "a financial quarter such as 2024/25 Q1"]),
    (math.nan, None, ["blank"]),
    (
        45000,
        None,
        ["looks like an Excel date serial number", "format the cell as a date", "2024/25 Q1"],
    ),
    (
        45000.0,
        "quarterly",
        ["Excel date serial number", "format the cell as a date or type", "2024/25 Q1"],
    ),
    (45292.5, None, ["Excel date serial number"]),
    (2024, None, ["calendar year 2024", "2024/25"]),
    (-3, None, ["is a number, not a period"]),
    (True, None, ["yes/no", "2024/25 Q1"]),
    (False, "monthly", ["yes/no", "2024-04"]),
    ("banana", None, ["not a period this dashboard can read", "2024-04", "2024/25 Q1", "2024/25"]),
    (
        "banana",
        "annual",
        ["not a period this dashboard can read", "a financial year such as 2024/25"],
    ),
    ("Aprl 2024", None, ["can read"]),
    ("next quarter", None, ["can read"]),
    ("2024/25 Q1 2025", None, ["can read"]),
    ([2024, 4], None, ["list", "not a period"]),
]


@pytest.mark.parametrize(("value", "frequency", "phrases"), REJECTED)
def test_parse_period_refuses_with_reason_and_remedy(value, frequency, phrases):
    message = error_for(value, frequency)
    assert quoted(value) in message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} missing from {message!r}"


def test_refusals_quote_the_input_exactly_as_given():
    assert "'  q1 2024 '" in error_for("  q1 2024 ")
    assert "'Apr–May 2024'" in error_for("Apr–May 2024")


@pytest.mark.parametrize(
    ("value", "frequency", "phrases"),
    [
        (
            "2024-04",
            "quarterly",
            [
                "'2024-04' is a month, but this indicator is reported quarterly: "
                "write a financial quarter such as 2024/25 Q1."
            ],
        ),
        ("2024/25", "quarterly", ["is a financial year", "reported quarterly", "2024/25 Q1"]),
        (
            "Apr-Jun 2024",
            "monthly",
            ["is a financial quarter", "reported monthly", "a month such as 2024-04"],
        ),
        (
            "2024/25 Q3",
            "annual",
            ["is a financial quarter", "reported annually", "a financial year such as 2024/25"],
        ),
        ("Jan 2025", "annual", ["is a month", "a financial year such as 2024/25"]),
        ("2019-07", "quarterly", ["such as 2019/20 Q2"]),
        (quarter(2024, 1), "monthly", ["'2024/25 Q1' is a financial quarter"]),
    ],
)
def test_parse_period_refuses_the_wrong_kind_for_the_frequency(value, frequency, phrases):
    message = error_for(value, frequency)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} missing from {message!r}"


@pytest.mark.parametrize("frequency", ["weekly", "quarter", ""])
def test_unknown_frequency_is_a_programming_error(frequency):
    with pytest.raises(ValueError, match="frequency must be one of") as caught:
        parse_period("2024-04", frequency)
    assert not isinstance(caught.value, PeriodError)


# --- parse_period: year ending (ONS) and calendar year (Fingertips) ---------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("year ending December 2022", "YE 2022-12"),
        ("year ending Dec 2022", "YE 2022-12"),
        ("Year Ending December 2022", "YE 2022-12"),
        ("YE Dec 2022", "YE 2022-12"),
        ("YE 2022-12", "YE 2022-12"),
        ("ye 2022-3", "YE 2022-03"),
        ("YE Dec-22", "YE 2022-12"),
        ("year ending Sept 2023", "YE 2023-09"),
        ("year ending, March 2023", "YE 2023-03"),
        ("12 months to December 2022", "YE 2022-12"),
        ("12 months ending June 2021", "YE 2021-06"),
        ("year to March 2024", "YE 2024-03"),
        ("  year   ending\u00a0december 2022 ", "YE 2022-12"),
        ("CY 2015", "CY 2015"),
        ("cy2015", "CY 2015"),
        ("calendar year 2015", "CY 2015"),
        ("Calendar Year 2015", "CY 2015"),
        ("2015 calendar year", "CY 2015"),
    ],
)
def test_parse_period_accepts_published_kinds(text, code):
    assert parse_period(text).code == code
    assert parse_period(text.upper()).code == code


@pytest.mark.parametrize(
    ("value", "phrases"),
    [
        ("2015", ["calendar year 2015", "financial year 2015/16", "CY 2015"]),
        (2015, ["calendar year 2015", "CY 2015"]),
        ("year ending 2022", ["which month", "YE 2022-12", "YE 2022-03"]),
        ("YE 2022-13", ["month 13", "1 to 12", "YE 2022-12"]),
        ("YE 2022-00", ["month 0"]),
        ("CY 15", ["can read", "CY 2024"]),
        ("YE", ["can read"]),
        ("year ending Decembr 2022", ["can read"]),
    ],
)
def test_parse_period_refuses_bad_published_kinds(value, phrases):
    message = error_for(value)
    assert quoted(value) in message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} missing from {message!r}"


@pytest.mark.parametrize(
    ("value", "frequency", "phrases"),
    [
        (
            "YE 2022-12",
            "quarterly",
            ["'YE 2022-12' is a year ending", "reported quarterly", "a financial quarter such as"],
        ),
        ("year ending March 2023", "annual", ["is a year ending", "a financial year such as"]),
        ("YE Dec 2022", "monthly", ["is a year ending", "a month such as 2022-01"]),
        ("CY 2015", "annual", ["'CY 2015' is a calendar year", "reported annually"]),
        ("calendar year 2015", "quarterly", ["is a calendar year", "a financial quarter"]),
        ("2015", "annual", ["could be calendar year 2015", "2015/16"]),
    ],
)
def test_published_kinds_are_not_frequencies(value, frequency, phrases):
    message = error_for(value, frequency)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} missing from {message!r}"


def test_bare_year_with_a_frequency_does_not_suggest_a_calendar_year():
    assert "CY 2015" not in error_for("2015", "annual")


@pytest.mark.parametrize(
    "code",
    ["YE Dec 2022", "ye 2022-12", "YE 2022-1", "YE  2022-12", "CY2015", "cy 2015", "2015"],
)
def test_parse_code_is_strict_for_published_kinds(code):
    with pytest.raises(PeriodError, match="is not a period code") as caught:
        parse_code(code)
    assert "YE 2024-12" in str(caught.value) and "CY 2024" in str(caught.value)
