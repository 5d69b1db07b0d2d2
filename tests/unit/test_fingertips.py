"""Tests for loaders.fingertips on small exports shaped like real Fingertips CSVs."""

from __future__ import annotations

import math

import pytest

from loaders.fingertips import FINGERTIPS_COLUMNS, read_fingertips, series_code
from loaders.series import SERIES_COLUMNS, SERIES_VALUE_COLUMNS

HEADER = ",".join(FINGERTIPS_COLUMNS)
NAME = '"Campylobacter incidence rate/100,000\n"'  # quoted, with a bare LF inside


def row(
    area="E06000026",
    sex="Persons",
    age="All ages",
    category_type="",
    category="",
    period="2015",
    value="127.516063217516",
    ci95=("114.225115950481", "141.928921928004"),
    ci998=("", ""),
    count="335",
    denominator="262712",
    note="",
    name=NAME,
) -> str:
    """One data record as the export writes it: 25 fields, 'Compared to goal' left off."""
    fields = [
        "93356",
        name,
        "E12000009",
        "South West region",
        area,
        "Plymouth",
        "County & UA",
        sex,
        age,
        category_type,
        category,
        period,
        value,
        *ci95,
        *ci998,
        count,
        denominator,
        note,
        "",
        "Worse",
        "Similar",
        f"{period[:4]}0000",
        "",
    ]
    assert len(fields) == len(FINGERTIPS_COLUMNS) - 1
    return ",".join(fields)


def write(tmp_path, *records: str, header: str = HEADER):
    path = tmp_path / "indicators-CountyUA.data.csv"
    path.write_bytes(("\r\n".join([header, *records]) + "\r\n").encode("utf-8"))
    return path


def test_short_rows_and_quoted_newline(tmp_path):
    load = read_fingertips(write(tmp_path, row(), row(period="2016", value="108.63")))
    assert load.problems == []
    assert load.skipped == {}
    assert load.rows_read == 2
    assert list(load.values.columns) == list(SERIES_VALUE_COLUMNS)
    assert list(load.series.columns) == list(SERIES_COLUMNS)
    first = load.values.iloc[0]
    assert (first.series_code, first.period, first.area) == (
        "fingertips.93356",
        "CY 2015",
        "E06000026",
    )
    assert first.value == pytest.approx(127.516063217516)
    assert (first.numerator, first.denominator) == (335.0, 262712.0)
    assert (first.lower_ci_95, first.upper_ci_95) == (114.225115950481, 141.928921928004)
    assert math.isnan(first.lower_ci_998) and math.isnan(first.upper_ci_998)
    assert first.note is None
    series = load.series.iloc[0]
    assert series.code == "fingertips.93356"
    assert series["name"] == "Campylobacter incidence rate/100,000"  # LF gone
    assert (series.source, series.unit) == ("OHID Fingertips", "other")


def test_full_length_rows_are_read_too(tmp_path):
    load = read_fingertips(write(tmp_path, row() + ",Better"))
    assert load.problems == [] and load.rows_read == 1 and len(load.values) == 1


def test_rows_with_other_field_counts_are_reported(tmp_path):
    records = [row(), row(period="2016") + ",x,y", "93356,too,short", row(period="2017")]
    load = read_fingertips(write(tmp_path, *records))
    assert load.rows_read == 4
    assert load.skipped == {"rows with the wrong number of fields": 2}
    assert set(load.values.period) == {"CY 2015", "CY 2017"}
    # The quoted LF makes each record two lines: records start on lines 2, 4, 6 and 7.
    assert [p.message for p in load.problems] == [
        "indicators-CountyUA.data.csv line 4: 27 fields where the header has 26; row skipped",
        "indicators-CountyUA.data.csv line 6: 3 fields where the header has 26; row skipped",
    ]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "fingertips.93356"),
        ({"age": "0-9 yrs"}, "fingertips.93356.persons.0-9-yrs"),
        ({"sex": "Female"}, "fingertips.93356.female.all-ages"),
        (
            {
                "category_type": "County & UA deprivation deciles in England (IMD2015)",
                "category": "Most deprived decile (IMD2015)",
            },
            "fingertips.93356.persons.all-ages"
            ".county-ua-deprivation-deciles-in-england-imd2015.most-deprived-decile-imd2015",
        ),
    ],
)
def test_series_codes_for_breakdowns(tmp_path, kwargs, code):
    load = read_fingertips(write(tmp_path, row(**kwargs)))
    assert list(load.values.series_code) == [code]
    assert list(load.series.code) == [code]


def test_breakdown_names_say_which_breakdown(tmp_path):
    load = read_fingertips(
        write(tmp_path, row(age="0-9 yrs"), row(category_type="Deciles", category="Most"))
    )
    names = set(load.series["name"])
    assert "Campylobacter incidence rate/100,000 (Persons, 0-9 yrs)" in names
    assert "Campylobacter incidence rate/100,000 (Persons, All ages; Deciles: Most)" in names


def test_same_category_under_two_category_types_do_not_collide(tmp_path):
    records = [
        row(category_type="County & UA deciles", category="Most deprived", value="69.6"),
        row(category_type="District & UA deciles", category="Most deprived", value="68.3"),
    ]
    load = read_fingertips(write(tmp_path, *records))
    assert load.problems == []
    assert load.values.series_code.nunique() == 2


@pytest.mark.parametrize(
    ("period", "code"),
    [
        ("2015", "CY 2015"),
        ("2015/16", "2015/16"),
        ("2015/16 Q2", "2015/16 Q2"),
    ],
)
def test_supported_periods(tmp_path, period, code):
    load = read_fingertips(write(tmp_path, row(period=period)))
    assert load.problems == []
    assert list(load.values.period) == [code]


def test_unsupported_periods_are_skipped_and_reported_once(tmp_path):
    records = [row(period="2013 - 15"), row(period="2013 - 15", area="E06000027"), row()]
    records += [row(period="2015/17")]
    load = read_fingertips(write(tmp_path, *records))
    assert load.rows_read == 4
    assert load.skipped == {"rows with an unsupported time period": 3}
    assert len(load.values) == 1
    assert len(load.problems) == 2
    assert "time period '2013 - 15' is not supported" in load.problems[0].message
    assert "a calendar year such as 2015" in load.problems[0].message
    assert "2 rows skipped" in load.problems[0].message
    assert "'2015/17'" in load.problems[1].message and "1 row skipped" in load.problems[1].message


def test_missing_values_keep_the_value_note(tmp_path):
    records = [
        row(value="", count="", denominator="", ci95=("", ""), note="Value for X and Y combined"),
        row(area="E06000027", value="", count="", ci95=("", "")),
        row(area="E92000001", note="Aggregated from all known lower geography values"),
    ]
    load = read_fingertips(write(tmp_path, *records)).values.set_index("area")
    assert math.isnan(load.loc["E06000026", "value"])
    assert load.loc["E06000026", "note"] == "Value for X and Y combined"
    assert math.isnan(load.loc["E06000027", "value"])
    assert load.loc["E06000027", "note"] == "no value in the Fingertips export"
    assert load.loc["E92000001", "value"] == pytest.approx(127.516063217516)
    assert load.loc["E92000001", "note"] == "Aggregated from all known lower geography values"
    assert all(isinstance(x, float) for x in load["value"])


def test_text_that_is_not_a_number_is_reported(tmp_path):
    load = read_fingertips(write(tmp_path, row(count="about 300")))
    assert math.isnan(load.values.iloc[0].numerator)
    assert load.values.iloc[0].value == pytest.approx(127.516063217516)
    assert [p.message for p in load.problems] == [
        "indicators-CountyUA.data.csv line 2: Count 'about 300' is not a number; left empty"
    ]


def test_rows_without_area_are_reported(tmp_path):
    load = read_fingertips(write(tmp_path, row(area=""), row()))
    assert load.skipped == {"rows without an indicator ID or area code": 1}
    assert "line 2: no Area Code" in load.problems[0].message


def test_duplicate_keys_are_reported(tmp_path):
    load = read_fingertips(write(tmp_path, row(), row(value="1")))
    assert any(
        "2 rows share a series, period and area" in p for p in (q.message for q in load.problems)
    )


@pytest.mark.parametrize(
    ("name", "value_type", "unit", "shown"),
    [
        ('"% of adults who smoke"', None, "percent", "% of adults who smoke"),
        ('"Smoking prevalence: percentage"', None, "percent", "Smoking prevalence: percentage"),
        ("Hospital admissions", "Proportion - %", "percent", "Hospital admissions"),
        ("Deaths", "Count", "count", "Deaths"),
        ("Deaths", "Crude rate - per 100,000", "other", "Deaths [Crude rate - per 100,000]"),
    ],
)
def test_units(tmp_path, name, value_type, unit, shown):
    header, record = HEADER, row(name=name)
    if value_type:
        header += ",Value type"
        record += f',,"{value_type}"'  # Compared to goal, then the value type
    load = read_fingertips(write(tmp_path, record, header=header))
    assert load.problems == []
    assert (load.series.iloc[0].unit, load.series.iloc[0]["name"]) == (unit, shown)


def test_not_a_fingertips_file(tmp_path):
    path = tmp_path / "street.csv"
    path.write_text("Crime ID,Month\r\n1,2024-04\r\n")
    load = read_fingertips(path)
    assert load.values.empty and list(load.values.columns) == list(SERIES_VALUE_COLUMNS)
    assert (
        "not a Fingertips indicator export (missing columns: Indicator ID"
        in load.problems[0].message
    )
    assert "could not be read" in read_fingertips(tmp_path / "absent.csv").problems[0].message
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in read_fingertips(empty).problems[0].message


def test_series_code_function():
    assert series_code(" 93356 ", "Persons", "All ages", "", "") == "fingertips.93356"
    assert series_code("1", "Male", "16+ yrs", "", "") == "fingertips.1.male.16-yrs"
