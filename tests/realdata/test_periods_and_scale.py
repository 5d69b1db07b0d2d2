"""Real public files against the period model and the demo's magnitudes."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from loaders import periods
from outcomes.workflows.demo import DEMO_FRAMEWORK, demo_observations
from outcomes.workflows.framework import from_yaml

pytestmark = pytest.mark.realdata


def _plymouth_rows(realdata):
    path = realdata / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def test_police_uk_months_parse_into_five_financial_quarters(realdata):
    months = Counter(row["Month"] for row in _plymouth_rows(realdata))
    parsed = {periods.parse_period(m, "monthly") for m in months}
    assert len(parsed) == 15
    quarters = {periods.period_containing(p.start, "quarter").code for p in parsed}
    assert quarters == {"2018/19 Q4", "2019/20 Q1", "2019/20 Q2", "2019/20 Q3", "2019/20 Q4"}
    assert months["2019-01"] == 2254 and sum(months.values()) == 36367


def test_fingertips_calendar_years_are_refused_as_ambiguous(realdata):
    path = realdata / "fingertips" / "indicators-CountyUA.data.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        years = {row["Time period"] for row in csv.DictReader(handle)}
    assert years == {"2015", "2016", "2017"}
    for year in years:
        with pytest.raises(periods.PeriodError, match="could be calendar year"):
            periods.parse_period(year)


def test_demo_street_violence_is_a_plausible_share_of_plymouths_real_violence(realdata):
    """SV01 covers three of Plymouth's neighbourhoods: a tenth to a quarter of the city's
    police-recorded violence is about right for a city of 265,000."""
    by_quarter = Counter()
    for row in _plymouth_rows(realdata):
        if row["Crime type"] == "Violence and sexual offences":
            month = periods.parse_period(row["Month"], "monthly")
            by_quarter[periods.period_containing(month.start, "quarter").code] += 1
    full_quarters = [
        by_quarter[q] for q in ("2019/20 Q1", "2019/20 Q2", "2019/20 Q3", "2019/20 Q4")
    ]
    city_quarter = sum(full_quarters) / len(full_quarters)
    demo = demo_observations(from_yaml(DEMO_FRAMEWORK))
    sv01 = demo[(demo["indicator_code"] == "SV01") & (demo["area"] == "all")]["value"]
    assert 0.05 * city_quarter < sv01.mean() < 0.30 * city_quarter
