"""The police.uk loader on real street-level files for Devon & Cornwall."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.police_uk import read_police_uk

pytestmark = pytest.mark.realdata


def _raw(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_plymouth_fifteen_months(realdata):
    path = realdata / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"
    result = read_police_uk([path])
    assert result.problems == []
    assert result.rows_read == 36_367
    assert len(result.months) == 15
    assert result.months[0] == "2019-01" and result.months[-1] == "2020-03"
    # The subset was filtered on LSOA name, so every row is placed in Plymouth.
    assert result.rows_outside_area == 0
    assert result.rows_without_location == 0
    assert result.rows_in_area == 36_367

    raw = _raw(path)
    per_month = raw.groupby("Month").size()
    unlocated = raw[raw["LSOA code"] == ""].groupby("Month").size()
    totals = result.series[result.series.area == "all"].groupby("period").value.sum()
    assert per_month["2019-01"] == 2_254
    for month in result.months:
        assert totals[month] + unlocated.get(month, 0) == per_month[month], month
    lsoas = result.series[result.series.area != "all"]
    assert lsoas.value.sum() == 36_367


def test_devon_and_cornwall_january_2019(realdata):
    path = realdata / "police_uk" / "2019-01-devon-and-cornwall-street.csv"
    result = read_police_uk([path])
    assert result.problems == []
    assert result.rows_read == 11_006
    assert result.months == ["2019-01"]
    assert result.rows_in_area == 2_254
    assert result.rows_without_location == 429
    assert result.rows_outside_area == 11_006 - 2_254 - 429
    assert result.series[result.series.area == "all"].value.sum() == 2_254


def test_force_file_agrees_with_plymouth_subset(realdata):
    force = read_police_uk([realdata / "police_uk" / "2019-01-devon-and-cornwall-street.csv"])
    subset = read_police_uk(
        [realdata / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"]
    )
    key = ["indicator_code", "period", "area"]
    a = force.series.set_index(key).value
    b = subset.series[subset.series.period == "2019-01"].set_index(key).value
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())
