"""police.uk street-level loader: counting rules, header problems, series codes."""

from __future__ import annotations

import csv

import pytest

from loaders.police_uk import POLICE_UK_COLUMNS, read_police_uk, series_code


def _row(month, lsoa_code, lsoa_name, crime_type, crime_id="abc"):
    return [crime_id, month, "Devon & Cornwall Police", "Devon & Cornwall Police", "-4.1",
            "50.4", "On or near Somewhere", lsoa_code, lsoa_name, crime_type, "", ""]  # fmt: skip


def _write(path, rows, header=POLICE_UK_COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


VIOLENCE = "Violence and sexual offences"
ASB = "Anti-social behaviour"


@pytest.fixture
def two_files(tmp_path):
    january = _write(
        tmp_path / "2019-01.csv",
        [
            _row("2019-01", "E01015025", "Plymouth 001A", VIOLENCE),
            _row("2019-01", "E01015025", "Plymouth 001A", VIOLENCE),
            _row("2019-01", "E01015026", "Plymouth 001B", VIOLENCE),
            _row("2019-01", "E01015026", "Plymouth 001B", ASB, crime_id=""),
            _row("2019-01", "E01018936", "Cornwall 001A", VIOLENCE),  # outside
            _row("2019-01", "", "", ASB, crime_id=""),  # no location
        ],
    )
    february = _write(
        tmp_path / "2019-02.csv",
        [
            _row("2019-02", "E01015025", "Plymouth 001A", ASB, crime_id=""),
            _row("2019-02", "E01015025", "Plymouth 001A", ASB, crime_id=""),
            _row("2019-02", "E01020000", "Plymouthshire 001A", ASB, crime_id=""),  # outside
        ],
    )
    return [january, february]


def _value(series, code, period, area):
    match = series[
        (series.indicator_code == code) & (series.period == period) & (series.area == area)
    ]
    assert len(match) == 1, (code, period, area)
    return match.value.iloc[0]


def test_counts_and_series(two_files):
    result = read_police_uk(two_files)
    assert result.problems == []
    assert result.rows_read == 9
    assert result.rows_in_area == 6
    assert result.rows_outside_area == 2
    assert result.rows_without_location == 1
    assert result.months == ["2019-01", "2019-02"]
    s = result.series
    assert list(s.columns) == ["indicator_code", "period", "area", "value", "note"]
    assert s.value.dtype == float
    assert s.note.isna().all()
    v, a = series_code(VIOLENCE), series_code(ASB)
    assert _value(s, v, "2019-01", "E01015025") == 2.0
    assert _value(s, v, "2019-01", "E01015026") == 1.0
    assert _value(s, v, "2019-01", "all") == 3.0
    assert _value(s, a, "2019-01", "all") == 1.0  # the unlocated ASB row is not in 'all'
    assert _value(s, a, "2019-02", "E01015025") == 2.0
    assert _value(s, a, "2019-02", "all") == 2.0
    assert not (s.area == "E01018936").any()
    assert s[s.area == "all"].value.sum() == result.rows_in_area
    assert s[s.area != "all"].value.sum() == result.rows_in_area


def test_other_area_name(two_files):
    result = read_police_uk(two_files, area_name="Cornwall")
    assert result.rows_in_area == 1
    assert result.rows_outside_area == 7
    assert result.rows_without_location == 1


def test_wrong_header_names_missing_and_extra(tmp_path):
    header = [c for c in POLICE_UK_COLUMNS if c not in ("LSOA code", "Month")] + ["Postcode"]
    path = _write(tmp_path / "bad.csv", [["x"] * len(header)], header=header)
    result = read_police_uk([path])
    assert result.series.empty
    assert list(result.series.columns) == ["indicator_code", "period", "area", "value", "note"]
    assert len(result.problems) == 1
    problem = result.problems[0].message
    assert "bad.csv" in problem
    assert "missing columns: Month, LSOA code" in problem
    assert "unexpected columns: Postcode" in problem


def test_bad_month_names_file_line_and_value(tmp_path):
    path = _write(
        tmp_path / "months.csv",
        [
            _row("2019-01", "E01015025", "Plymouth 001A", VIOLENCE),
            _row("sometime", "E01015025", "Plymouth 001A", VIOLENCE),
        ],
    )
    result = read_police_uk([path])
    assert result.rows_read == 2
    assert result.rows_in_area == 1
    assert len(result.problems) == 1
    assert "months.csv line 3" in result.problems[0].message
    assert "'sometime'" in result.problems[0].message


@pytest.mark.parametrize(
    ("crime_type", "code"),
    [
        ("Violence and sexual offences", "police_uk.violence-and-sexual-offences"),
        ("Anti-social behaviour", "police_uk.anti-social-behaviour"),
        ("Criminal damage and arson", "police_uk.criminal-damage-and-arson"),
        ("Possession of weapons", "police_uk.possession-of-weapons"),
        ("  Other  crime!! ", "police_uk.other-crime"),
    ],
)
def test_series_code(crime_type, code):
    assert series_code(crime_type) == code
