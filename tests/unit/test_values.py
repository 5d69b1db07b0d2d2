"""parse_value: numbers, text numbers, percentages, markers, blanks and refusals."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from loaders.layouts import MARKERS
from loaders.values import UNITS, Parsed, parse_value
from outcomes.workflows.framework import UNITS as FRAMEWORK_UNITS


def test_units_match_the_framework():
    assert UNITS == FRAMEWORK_UNITS


@pytest.mark.parametrize(
    "raw, expected",
    [
        (12, 12.0),
        (12.5, 12.5),
        (0, 0.0),
        (-5, -5.0),
        (np.int64(7), 7.0),
        (np.float64(7.5), 7.5),
        (Decimal("3.25"), 3.25),
        ("12", 12.0),
        ("  12.5 ", 12.5),
        ("\u00a012\u00a0", 12.0),
        ("+12", 12.0),
        ("-5", -5.0),
        ("\u22125", -5.0),  # Unicode minus sign
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_are_read(raw, expected):
    assert parse_value(raw, "count") == Parsed(expected, None, None)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0", float("nan"), pd.NA, pd.NaT])
def test_blank_is_neither_value_nor_error(raw):
    assert parse_value(raw, "count") == Parsed(None, None, None)


@pytest.mark.parametrize("unit", UNITS)
def test_blank_for_every_unit(unit):
    assert parse_value(None, unit) == Parsed(None, None, None)


@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_every_marker_is_a_note(marker):
    parsed = parse_value(f" {marker.upper()} ", "count")
    assert parsed.value is None and parsed.error is None
    assert parsed.note == f"Marked '{marker.upper()}' in the return: {MARKERS[marker]}"


@pytest.mark.parametrize(
    "raw, meaning",
    [
        ("n/a", "not applicable / not available"),
        ("N/A", "not applicable / not available"),
        ("na", "not applicable / not available"),
        ("-", "not available"),
        ("–", "not available"),
        ("[x]", "not available"),
        ("..", "not available"),
        ("*", "suppressed (small number)"),
        ("[c]", "confidential"),
        ("[z]", "not applicable"),
        ("TBC", "to be confirmed"),
    ],
)
def test_markers_named_in_the_brief(raw, meaning):
    assert parse_value(raw, "percent").note == f"Marked '{raw}' in the return: {meaning}"


def test_nil_is_refused_not_guessed():
    parsed = parse_value("nil", "count")
    assert parsed.value is None and parsed.note is None
    assert "type 0" in parsed.error and "n/a" in parsed.error


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12%", 12.0),
        ("12.5 %", 12.5),
        ("0.5%", 0.5),  # a % sign: as typed, not a fraction
        ("+3%", 3.0),
        (12, 12.0),
        (1, 1.0),  # 1 and above: as typed
        (100, 100.0),
        (0, 0.0),
        ("0", 0.0),
        (-0.5, -0.5),  # negatives are left to the range check
    ],
)
def test_percentages(raw, expected):
    assert parse_value(raw, "percent") == Parsed(expected, None, None)


@pytest.mark.parametrize("raw, expected", [(0.12, 12.0), (0.5, 50.0), ("0.12", 12.0), (0.07, 7.0)])
def test_fraction_in_a_percent_cell_is_scaled_with_a_warning(raw, expected):
    parsed = parse_value(raw, "percent")
    assert parsed.value == expected  # exactly: no 12.000000000000002
    assert parsed.error is None and parsed.note is None  # note is for markers only
    assert parsed.warning.startswith(f"Read {raw} as {expected:g}%")


@pytest.mark.parametrize("unit", ["count", "rate_per_1000", "score"])
def test_fractions_in_other_units_are_as_typed(unit):
    assert parse_value(0.12, unit) == Parsed(0.12, None, None)


@pytest.mark.parametrize(
    "unit, word",
    [("count", "a count"), ("rate_per_1000", "a rate per 1,000"), ("score", "a score")],
)
def test_percent_sign_in_other_units_is_an_error(unit, word):
    assert parse_value("12%", unit) == Parsed(
        None, None, f"'12%' has a % sign but this indicator is {word}: type the number without %"
    )


@pytest.mark.parametrize(
    "raw, message",
    [
        ("12,5", "'12,5' is not a number: type it as 12.5"),
        ("1.234,5", "'1.234,5' is not a number"),
        ("£1,234", "'£1,234' has a currency sign: type the number only"),
        ("twelve", "'twelve' is not a number"),
        ("12 (provisional)", "'12 (provisional)' is not a number"),
        ("1,23,4", "'1,23,4' is not a number"),
        ("1,234 567", "'1,234 567' is not a number"),
        (True, "'True' is a yes/no value, not a number"),
        (False, "'False' is a yes/no value, not a number"),
        (datetime(2024, 6, 30), "is a date or time, not a number"),
        (date(2024, 6, 30), "is a date or time, not a number"),
        (float("inf"), "is not a number"),
        ("inf", "'inf' is not a number"),
        ("nan", "'nan' is not a number"),
    ],
)
def test_refusals_quote_the_value(raw, message):
    parsed = parse_value(raw, "count")
    assert parsed.value is None and parsed.note is None
    assert message in parsed.error


def test_unknown_unit_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown unit"):
        parse_value(1, "pounds")


def test_values_are_floats():
    value = parse_value(3, "count").value
    assert isinstance(value, float) and not math.isnan(value)
