"""Tests for loaders.periods: what a period is (constructors, codes and labels, arithmetic,
ordering, staleness, the published kinds). How typed periods are read: test_parse_period.py."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loaders.periods import (
    ALL_KINDS,
    FREQUENCY_KIND,
    KINDS,
    Period,
    PeriodError,
    calendar_year,
    financial_year,
    month,
    months_apart,
    parse_code,
    parse_period,
    period_containing,
    period_range,
    quarter,
    year_ending,
)

# --- Constants and constructors ---------------------------------------------------------


def test_constants():
    assert KINDS == ("month", "quarter", "year")
    assert FREQUENCY_KIND == {"monthly": "month", "quarterly": "quarter", "annual": "year"}
    assert issubclass(PeriodError, ValueError)


@pytest.mark.parametrize(
    ("period", "start", "end", "kind", "months"),
    [
        (month(2024, 4), date(2024, 4, 1), date(2024, 4, 30), "month", 1),
        (month(2024, 2), date(2024, 2, 1), date(2024, 2, 29), "month", 1),  # leap year
        (month(2025, 2), date(2025, 2, 1), date(2025, 2, 28), "month", 1),
        (month(2024, 12), date(2024, 12, 1), date(2024, 12, 31), "month", 1),
        (quarter(2024, 1), date(2024, 4, 1), date(2024, 6, 30), "quarter", 3),
        (quarter(2024, 2), date(2024, 7, 1), date(2024, 9, 30), "quarter", 3),
        (quarter(2024, 3), date(2024, 10, 1), date(2024, 12, 31), "quarter", 3),
        (quarter(2024, 4), date(2025, 1, 1), date(2025, 3, 31), "quarter", 3),
        (financial_year(2024), date(2024, 4, 1), date(2025, 3, 31), "year", 12),
    ],
)
def test_constructors(period, start, end, kind, months):
    assert (period.start, period.end, period.kind, period.months) == (start, end, kind, months)


@pytest.mark.parametrize(
    ("period", "fy"),
    [
        (month(2024, 4), 2024),
        (month(2025, 3), 2024),
        (month(2025, 1), 2024),
        (month(2024, 12), 2024),
        (quarter(2024, 4), 2024),
        (quarter(2024, 1), 2024),
        (financial_year(2023), 2023),
    ],
)
def test_financial_year_property(period, fy):
    assert period.financial_year == fy


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (lambda: month(2024, 13), "13"),
        (lambda: month(2024, 0), "0"),
        (lambda: quarter(2024, 5), "5"),
        (lambda: quarter(2024, 0), "0"),
    ],
)
def test_constructors_reject_out_of_range(call, text):
    with pytest.raises(PeriodError, match=text):
        call()


@pytest.mark.parametrize(
    ("d", "kind", "code"),
    [
        (date(2024, 4, 1), "month", "2024-04"),
        (date(2024, 3, 31), "quarter", "2023/24 Q4"),
        (date(2024, 4, 1), "quarter", "2024/25 Q1"),
        (date(2024, 12, 25), "quarter", "2024/25 Q3"),
        (date(2025, 2, 14), "quarter", "2024/25 Q4"),
        (date(2025, 3, 31), "year", "2024/25"),
        (date(2025, 4, 1), "year", "2025/26"),
        (datetime(2024, 6, 30, 23, 59), "quarter", "2024/25 Q1"),
    ],
)
def test_period_containing(d, kind, code):
    period = period_containing(d, kind)
    assert period.code == code
    assert period.contains(d)


def test_period_containing_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="fortnight") as caught:
        period_containing(date(2024, 4, 1), "fortnight")
    assert not isinstance(caught.value, PeriodError)


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (date(2024, 4, 2), date(2024, 4, 30), "month"),
        (date(2024, 4, 1), date(2024, 5, 31), "month"),
        (date(2024, 1, 1), date(2024, 3, 31), "year"),
        (date(2024, 5, 1), date(2024, 7, 31), "quarter"),
        (date(2024, 4, 1), date(2024, 4, 30), "week"),
        (datetime(2024, 4, 1), date(2024, 4, 30), "month"),
    ],
)
def test_period_refuses_inconsistent_fields(start, end, kind):
    with pytest.raises(ValueError):
        Period(start, end, kind)


def test_period_built_directly_equals_constructor():
    assert Period(date(2024, 4, 1), date(2024, 6, 30), "quarter") == quarter(2024, 1)


def test_contains():
    q = quarter(2024, 4)
    assert q.contains(date(2025, 1, 1))
    assert q.contains(date(2025, 3, 31))
    assert q.contains(datetime(2025, 3, 31, 23, 59))
    assert not q.contains(date(2024, 12, 31))
    assert not q.contains(date(2025, 4, 1))


# --- Codes and labels -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "code", "label", "short_label"),
    [
        (month(2024, 4), "2024-04", "April 2024", "Apr 2024"),
        (month(2025, 1), "2025-01", "January 2025", "Jan 2025"),
        (month(2024, 9), "2024-09", "September 2024", "Sep 2024"),
        (quarter(2024, 1), "2024/25 Q1", "Q1 2024/25 (Apr–Jun 2024)", "2024/25 Q1"),
        (quarter(2024, 3), "2024/25 Q3", "Q3 2024/25 (Oct–Dec 2024)", "2024/25 Q3"),
        (quarter(2024, 4), "2024/25 Q4", "Q4 2024/25 (Jan–Mar 2025)", "2024/25 Q4"),
        (quarter(2099, 4), "2099/00 Q4", "Q4 2099/00 (Jan–Mar 2100)", "2099/00 Q4"),
        (
            financial_year(2024),
            "2024/25",
            "Financial year 2024/25 (Apr 2024–Mar 2025)",
            "2024/25",
        ),
        (financial_year(2009), "2009/10", "Financial year 2009/10 (Apr 2009–Mar 2010)", "2009/10"),
        (financial_year(2099), "2099/00", "Financial year 2099/00 (Apr 2099–Mar 2100)", "2099/00"),
    ],
)
def test_code_and_labels(period, code, label, short_label):
    assert period.code == code
    assert str(period) == code
    assert period.label == label
    assert period.short_label == short_label
    assert repr(period) == f"<Period {code}>"


def _many_periods():
    months = [month(y, m) for y in range(1999, 2032) for m in range(1, 13)]
    quarters = [quarter(y, q) for y in range(1999, 2032) for q in range(1, 5)]
    years = [financial_year(y) for y in [*range(1999, 2032), 2099]]
    return months + quarters + years


def test_code_round_trip_for_many_periods():
    periods = _many_periods()
    assert len(periods) == 33 * 12 + 33 * 4 + 34
    for period in periods:
        assert parse_code(period.code) == period
        assert parse_period(period.code, _frequency_of(period)) == period


def _frequency_of(period: Period) -> str:
    return {kind: freq for freq, kind in FREQUENCY_KIND.items()}[period.kind]


def test_codes_are_unique():
    periods = _many_periods()
    assert len({p.code for p in periods}) == len(periods)


@pytest.mark.parametrize(
    "code",
    [
        "Apr 2024",
        "2024/25 q1",
        "Q1 2024/25",
        "2024-25",
        "2024/2025",
        " 2024-04",
        "2024-04 ",
        "2024-4",
        "2024-04-01",
        "2024/25 Q5",
        "2024/26",
        "2024-13",
        "banana",
        "",
        None,
        2024,
        quarter(2024, 1),
    ],
)
def test_parse_code_is_strict(code):
    with pytest.raises(PeriodError) as caught:
        parse_code(code)
    message = str(caught.value)
    assert "is not a period code" in message
    assert "2024/25 Q1" in message
    if isinstance(code, str):
        assert f"'{code}'" in message


def test_parse_code_ambiguous_dash_form_is_the_month():
    # 2011-12 is also how some people write financial year 2011/12; as a code it is a month.
    assert parse_code("2011-12") == month(2011, 12)


# --- Arithmetic, ranges and ordering ----------------------------------------------------


@pytest.mark.parametrize(
    ("period", "n", "expected"),
    [
        (quarter(2024, 4), 1, quarter(2025, 1)),
        (quarter(2024, 1), -1, quarter(2023, 4)),
        (quarter(2024, 3), 2, quarter(2025, 1)),
        (quarter(2024, 1), 8, quarter(2026, 1)),
        (quarter(2024, 1), 0, quarter(2024, 1)),
        (month(2025, 3), 1, month(2025, 4)),
        (month(2024, 12), 1, month(2025, 1)),
        (month(2025, 1), -1, month(2024, 12)),
        (month(2024, 4), 12, month(2025, 4)),
        (month(2024, 4), -25, month(2022, 3)),
        (financial_year(2024), 1, financial_year(2025)),
        (financial_year(2024), -3, financial_year(2021)),
        (financial_year(2099), 1, financial_year(2100)),
    ],
)
def test_next_and_previous(period, n, expected):
    assert period.next(n) == expected
    assert expected.previous(n) == period
    assert period.next(n).kind == period.kind


def test_next_and_previous_default_to_one_step():
    assert quarter(2024, 4).next() == quarter(2025, 1)
    assert quarter(2024, 1).previous() == quarter(2023, 4)
    assert month(2025, 3).next() == month(2025, 4)
    assert parse_code("2024/25 Q4").next().code == "2025/26 Q1"


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [
        (quarter(2021, 1), quarter(2024, 4), 16),
        (month(2021, 4), month(2025, 3), 48),
        (financial_year(2015), financial_year(2024), 10),
        (month(2024, 4), month(2024, 4), 1),
        (quarter(2024, 2), quarter(2024, 1), 0),
        (month(2025, 3), month(2024, 3), 0),
    ],
)
def test_period_range_counts(first, last, count):
    periods = period_range(first, last)
    assert len(periods) == count
    if count:
        assert periods[0] == first
        assert periods[-1] == last
        assert periods == sorted(set(periods))
        assert all(b == a.next() for a, b in zip(periods, periods[1:], strict=False))


def test_period_range_requires_one_kind():
    with pytest.raises(PeriodError) as caught:
        period_range(month(2024, 4), quarter(2024, 4))
    message = str(caught.value)
    assert "2024-04" in message
    assert "2024/25 Q4" in message
    assert "same kind" in message


def test_ordering_and_sorting():
    shuffled = [quarter(2024, 4), quarter(2023, 4), quarter(2024, 1), quarter(2024, 3)]
    assert [p.code for p in sorted(shuffled)] == [
        "2023/24 Q4",
        "2024/25 Q1",
        "2024/25 Q3",
        "2024/25 Q4",
    ]
    assert month(2025, 1) > month(2024, 12)
    assert financial_year(2023) < financial_year(2024)
    assert max([month(2024, 4), month(2025, 3), month(2024, 12)]) == month(2025, 3)
    # Mixed kinds sort by start then end: a month comes before the quarter it opens.
    assert sorted([quarter(2024, 1), financial_year(2024), month(2024, 4)]) == [
        month(2024, 4),
        quarter(2024, 1),
        financial_year(2024),
    ]


def test_equality_and_hashing():
    assert quarter(2024, 1) == parse_period("Apr-Jun 2024")
    assert quarter(2024, 1) != month(2024, 4)
    assert len({quarter(2024, 1), parse_code("2024/25 Q1"), parse_period("Q1 2024-25")}) == 1
    assert {month(2024, 4): "x"}[parse_period("Apr-24")] == "x"


def test_periods_are_immutable():
    with pytest.raises(AttributeError):
        month(2024, 4).kind = "quarter"  # type: ignore[misc]


# --- Staleness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (date(2025, 2, 28), date(2025, 3, 31), 1),
        (date(2024, 12, 31), date(2025, 3, 1), 3),
        (date(2024, 3, 31), date(2025, 3, 31), 12),
        (date(2025, 3, 31), date(2025, 3, 1), 0),
        (date(2025, 4, 30), date(2025, 3, 31), -1),
    ],
)
def test_months_apart(earlier, later, expected):
    assert months_apart(earlier, later) == expected


# --- Year ending (ONS) and calendar year (Fingertips) -----------------------------------


def test_all_kinds_adds_the_published_kinds_but_not_frequencies():
    assert ALL_KINDS == ("month", "quarter", "year", "year_ending", "calendar_year")
    assert set(FREQUENCY_KIND.values()) == set(KINDS)


@pytest.mark.parametrize(
    ("period", "start", "end", "kind", "code", "label", "short_label"),
    [
        (year_ending(2022, 12), date(2022, 1, 1), date(2022, 12, 31), "year_ending", "YE 2022-12", "Year ending December 2022", "YE Dec 2022"),
        (year_ending(2023, 3), date(2022, 4, 1), date(2023, 3, 31), "year_ending", "YE 2023-03", "Year ending March 2023", "YE Mar 2023"),
        # a leap year
        (year_ending(2024, 2), date(2023, 3, 1), date(2024, 2, 29), "year_ending", "YE 2024-02", "Year ending February 2024", "YE Feb 2024"),
        (year_ending(2022, 1), date(2021, 2, 1), date(2022, 1, 31), "year_ending", "YE 2022-01", "Year ending January 2022", "YE Jan 2022"),
        (calendar_year(2015), date(2015, 1, 1), date(2015, 12, 31), "calendar_year", "CY 2015", "Calendar year 2015", "CY 2015"),
    ],
)  # fmt: skip
def test_published_kinds_constructors_codes_and_labels(
    period, start, end, kind, code, label, short_label
):
    assert (period.start, period.end, period.kind, period.months) == (start, end, kind, 12)
    assert (period.code, str(period), period.label, period.short_label) == (
        code,
        code,
        label,
        short_label,
    )
    assert repr(period) == f"<Period {code}>"
    assert parse_code(code) == period
    assert parse_period(code) == period


@pytest.mark.parametrize("m", [0, 13, -1])
def test_year_ending_rejects_out_of_range_months(m):
    with pytest.raises(PeriodError, match=str(m)):
        year_ending(2022, m)


def test_published_kinds_built_directly():
    assert Period(date(2022, 1, 1), date(2022, 12, 31), "year_ending") == year_ending(2022, 12)
    assert Period(date(2015, 1, 1), date(2015, 12, 31), "calendar_year") == calendar_year(2015)
    for start, end, kind in [
        (date(2022, 1, 2), date(2023, 1, 1), "year_ending"),
        (date(2022, 1, 1), date(2022, 11, 30), "year_ending"),
        (date(2015, 4, 1), date(2016, 3, 31), "calendar_year"),
    ]:
        with pytest.raises(ValueError):
            Period(start, end, kind)


def test_period_containing_refuses_year_ending_but_not_calendar_year():
    with pytest.raises(ValueError, match="twelve") as caught:
        period_containing(date(2022, 6, 1), "year_ending")
    assert not isinstance(caught.value, PeriodError)
    assert period_containing(date(2015, 6, 30), "calendar_year") == calendar_year(2015)


@pytest.mark.parametrize(
    ("period", "n", "expected"),
    [
        # A year ending steps to the comparable year a year away, not the next quarterly edition.
        (year_ending(2022, 12), 1, year_ending(2023, 12)),
        (year_ending(2022, 12), -1, year_ending(2021, 12)),
        (year_ending(2023, 3), -2, year_ending(2021, 3)),
        (year_ending(2022, 9), 0, year_ending(2022, 9)),
        (calendar_year(2015), 1, calendar_year(2016)),
        (calendar_year(2015), -15, calendar_year(2000)),
    ],
)
def test_published_kinds_next_and_previous(period, n, expected):
    assert period.next(n) == expected
    assert expected.previous(n) == period
    assert period.next(n).kind == period.kind


def test_published_kinds_ranges():
    assert [p.code for p in period_range(year_ending(2020, 12), year_ending(2022, 12))] == [
        "YE 2020-12",
        "YE 2021-12",
        "YE 2022-12",
    ]
    assert len(period_range(calendar_year(2015), calendar_year(2017))) == 3
    with pytest.raises(PeriodError, match="different months"):
        period_range(year_ending(2021, 12), year_ending(2022, 6))


def test_published_kinds_are_distinct_from_financial_and_each_other():
    # Same months, different kinds: each keeps the code it was published under.
    assert year_ending(2023, 3) != financial_year(2022)
    assert year_ending(2015, 12) != calendar_year(2015)
    assert len({year_ending(2015, 12).code, calendar_year(2015).code, "2015/16"}) == 3
    assert sorted([calendar_year(2016), year_ending(2015, 12), month(2015, 1)])[0] == month(2015, 1)


def test_published_kinds_codes_round_trip_and_are_unique():
    periods = [year_ending(y, m) for y in range(1999, 2032) for m in range(1, 13)]
    periods += [calendar_year(y) for y in range(1999, 2032)]
    periods += _many_periods()
    assert len({p.code for p in periods}) == len(periods)
    for period in periods:
        assert parse_code(period.code) == period
