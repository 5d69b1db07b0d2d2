"""The Fingertips loader on the real County & UA export (campylobacter, indicator 93356)."""

from __future__ import annotations

import duckdb
import pytest

from loaders.fingertips import read_fingertips

pytestmark = pytest.mark.realdata

PLYMOUTH = "E06000026"


@pytest.fixture(scope="module")
def path(realdata):
    return realdata / "fingertips" / "indicators-CountyUA.data.csv"


@pytest.fixture(scope="module")
def load(path):
    return read_fingertips(path)


def test_every_row_is_read(load):
    assert load.rows_read == 852
    assert len(load.values) == 852
    assert load.problems == []
    assert load.skipped == {}
    assert set(load.values.period) == {"CY 2015", "CY 2016", "CY 2017"}


def test_plymouth(load):
    v = load.values
    plymouth = v[v.area == PLYMOUTH].set_index(["series_code", "period"])
    assert len(plymouth) == 5
    assert set(plymouth.index) == {
        ("fingertips.93356", "CY 2015"),
        ("fingertips.93356", "CY 2016"),
        ("fingertips.93356", "CY 2017"),
        ("fingertips.93356.persons.0-9-yrs", "CY 2015"),
        ("fingertips.93356.persons.0-9-yrs", "CY 2016"),
    }
    y2015 = plymouth.loc[("fingertips.93356", "CY 2015")]
    assert y2015.value == pytest.approx(127.516, abs=1e-3)
    assert (y2015.numerator, y2015.denominator) == (335.0, 262_712.0)
    assert y2015.lower_ci_95 == pytest.approx(114.225115950481)
    assert y2015.upper_ci_95 == pytest.approx(141.928921928004)
    assert y2015.note is None


def test_confidence_limits_are_kept(load):
    v = load.values
    with_ci = v[v.lower_ci_95.notna()]
    assert len(with_ci) > 700
    assert (with_ci.lower_ci_95 <= with_ci.value).all()
    assert (with_ci.value <= with_ci.upper_ci_95).all()
    # This export leaves the 99.8% limits empty throughout: NaN, never zero.
    assert v.lower_ci_998.isna().all() and v.upper_ci_998.isna().all()


def test_newline_in_the_name_is_collapsed(load, path):
    assert "Campylobacter incidence rate/100,000\n" in path.read_text(encoding="utf-8")
    names = set(load.series["name"])
    assert "Campylobacter incidence rate/100,000" in names
    assert not any("\n" in name or "\r" in name for name in names)
    assert set(load.series.unit) == {"other"}


def test_breakdowns_have_their_own_series(load):
    counts = load.values.groupby("series_code").size()
    assert counts["fingertips.93356"] == 486
    assert counts["fingertips.93356.persons.0-9-yrs"] == 306
    assert len(counts) == 22  # headline, 0-9 yrs, 10 County & UA and 10 District & UA deciles
    assert not load.values.duplicated(["series_code", "period", "area"]).any()


def test_missing_values_carry_the_value_note(load):
    missing = load.values[load.values.value.isna()]
    assert len(missing) == 10
    assert set(missing.note) == {
        "Value for Cornwall & Isles of Scilly combined",
        "Value for Hackney and City of London combined",
    }


def test_agrees_with_duckdb_reading_the_short_rows(load, path):
    connection = duckdb.connect()
    try:
        rows = connection.execute(
            'SELECT "Area Code", "Time period", "Age", "Category", "Value", "Count" '
            "FROM read_csv(?, null_padding = true, parallel = false, all_varchar = true)",
            [str(path)],
        ).fetchall()
    finally:
        connection.close()
    assert len(rows) == load.rows_read
    plymouth = [r for r in rows if r[0] == PLYMOUTH and r[1] == "2015" and r[2] == "All ages"]
    assert [(float(r[4]), float(r[5])) for r in plymouth] == [(127.516063217516, 335.0)]
    assert sum(float(r[5]) for r in rows if r[5]) == load.values.numerator.sum()
