"""The real public files loaded end to end through the command line's code path."""

from __future__ import annotations

import pytest

from outcomes.workflows import uploads
from tests.actors import ADMIN, acting

pytestmark = pytest.mark.realdata


def _loaded(cur, path, source_format: str) -> None:
    """A real public file, read as ``source_format`` without an error and loaded by an analyst."""
    prepared = uploads.prepare(cur, path, by=ADMIN)
    assert prepared.source_format == source_format and not prepared.errors
    uploads.commit(cur, prepared, by=acting("analyst"))


def test_plymouth_police_uk_file_loads_with_monthly_totals_matching_its_rows(demo_store, realdata):
    cur = demo_store.cursor()
    path = realdata / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"
    prepared = uploads.prepare(cur, path, by=ADMIN)
    assert prepared.source_format == "police-uk" and not prepared.errors
    uploads.commit(cur, prepared, by=acting("analyst"))
    totals = dict(
        cur.execute(
            "SELECT period, sum(value) FROM series_current WHERE area = 'all' GROUP BY ALL"
        ).fetchall()
    )
    assert len(totals) == 15 and sum(totals.values()) == 36367
    assert totals["2019-01"] == 2254 and totals["2020-03"] == 2357
    # the framework's police.uk-derived indicator recomputed: five whole quarters
    sv04 = cur.execute(
        "SELECT period, value FROM observations_current WHERE indicator_code = 'SV04' ORDER BY period"
    ).fetchall()
    assert [p for p, _ in sv04] == [
        "2018/19 Q4",
        "2019/20 Q1",
        "2019/20 Q2",
        "2019/20 Q3",
        "2019/20 Q4",
    ]
    assert sv04[0][1] == 738 + 703 + 931  # violence and sexual offences, Jan-Mar 2019
    again = uploads.prepare(cur, path, by=ADMIN)
    assert again.already_loaded is not None


def test_ons_workbook_shows_plymouths_unavailable_figures_as_unavailable_not_zero(
    demo_store, realdata
):
    cur = demo_store.cursor()
    _loaded(cur, realdata / "ons_csp" / "ons_csp_recorded_crime_ye_dec2022.xlsx", "ons-csp")
    plymouth = cur.execute(
        "SELECT series_code, value, note FROM series_current WHERE area = 'E22000056' "
        "AND series_code LIKE 'ons_csp.%'"  # not the demo's made-up comparator series
    ).df()
    crime = plymouth[~plymouth["series_code"].isin(["ons_csp.population", "ons_csp.households"])]
    assert len(crime) > 50
    assert crime["value"].isna().all()
    assert crime["note"].str.contains(r"\[x\]").all()
    people = plymouth.set_index("series_code")["value"]
    assert people["ons_csp.population"] == 264700 and people["ons_csp.households"] == 111500


def test_fingertips_export_keeps_counts_denominators_and_intervals(demo_store, realdata):
    cur = demo_store.cursor()
    _loaded(cur, realdata / "fingertips" / "indicators-CountyUA.data.csv", "fingertips")
    row = cur.execute(
        "SELECT value, numerator, denominator, lower_ci_95, upper_ci_95 FROM series_current "
        "WHERE series_code = 'fingertips.93356' AND area = 'E06000026' AND period = 'CY 2015'"
    ).fetchone()
    assert round(row[0], 3) == 127.516 and row[1] == 335 and row[2] > 0 and row[3] < row[0] < row[4]
