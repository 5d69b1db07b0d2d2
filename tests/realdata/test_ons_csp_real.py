"""The ONS CSP loader on the real workbook for the year ending December 2022."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from loaders.ons_csp import read_ons_csp

pytestmark = pytest.mark.realdata

PLYMOUTH = "E22000056"
DEVON_AND_CORNWALL = {  # every Devon & Cornwall CSP is [x] in this edition (Notes sheet, note 4)
    "E22000049", "E22000050", "E22000056", "E22000060",
    "E22000356", "E22000362", "E22000363", "E22000364",
}  # fmt: skip
TOTAL = "ons_csp.total-recorded-crime-excluding-fraud"
CONTEXT = {"ons_csp.population", "ons_csp.households"}


@pytest.fixture(scope="module")
def load(realdata):
    return read_ons_csp(realdata / "ons_csp" / "ons_csp_recorded_crime_ye_dec2022.xlsx")


@pytest.fixture(scope="module")
def raw(realdata):
    path = realdata / "ons_csp" / "ons_csp_recorded_crime_ye_dec2022.xlsx"
    return pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object)


def test_plymouth_is_row_67_of_every_figure_sheet(raw):
    for sheet in ("Table C2", "Table C3", "Table C4", "Table C5"):
        assert list(raw[sheet].iloc[66, 2:4]) == [PLYMOUTH, "Plymouth"], sheet


def test_plymouth_crime_is_missing_with_the_x_note_never_zero(load):
    v = load.values
    plymouth = v[v.area == PLYMOUTH]
    crime = plymouth[~plymouth.series_code.isin(CONTEXT)]
    # 23 offences in C2, C3 and C4; 24 rates in C5 (residential burglary twice).
    assert len(crime) == 23 * 3 + 24
    assert crime.value.isna().all()
    assert (crime.value != 0).all()
    assert set(crime.note) == {"[x] not available (ONS marker)"}
    assert set(crime.period) == {"YE 2021-12", "YE 2022-12"}
    context = plymouth[plymouth.series_code.isin(CONTEXT)].set_index("series_code")
    assert context.loc["ons_csp.population", "value"] == 264_700.0
    assert context.loc["ons_csp.households", "value"] == 111_500.0
    assert set(context.period) == {"YE 2022-12"}


def test_all_devon_and_cornwall_csps_are_missing(load):
    v = load.values
    total = v[(v.series_code == TOTAL)]
    assert set(total[total.value.isna()].area) == DEVON_AND_CORNWALL


def test_csp_rows_per_sheet(load):
    v = load.values
    per = v.groupby(["series_code", "period"]).area.nunique()
    assert per[TOTAL, "YE 2021-12"] == 300  # C2
    assert per[TOTAL, "YE 2022-12"] == 302  # C3
    assert per[TOTAL + ".percent-change", "YE 2022-12"] == 302  # C4
    assert per[TOTAL + ".rate-per-1000", "YE 2022-12"] == 302  # C5
    assert per["ons_csp.population", "YE 2022-12"] == 302
    assert set(per) == {300, 302}
    assert len(load.series) == 23 * 3 + 1 + 2  # counts, changes, rates; households rate; context


def test_rows_read_and_skipped(load):
    assert load.rows_read == 4 * 390  # C2 to C5: 398 rows, header on row 8
    assert load.skipped == {
        "table sheets without figures (e.g. Table C1, a list of local authorities)": 1,
        "force subtotal rows (no CSP code or name)": 4 * 42,
        "'Unassigned' rows (crimes not placed in a CSP)": 4 * 42,
        # Bournemouth, Christchurch and Poole; East Suffolk; Buckinghamshire say "combined".
        "rows with text other than a code in the CSP code column": 4 * 3,
        "rows with a name but no CSP code": 4,  # Manchester Airport
        "rows sharing their CSP code with another row of the sheet": 2,  # C2: E22000097
    }
    assert load.rows_read - sum(load.skipped.values()) + 1 == 300 + 3 * 302


def test_known_errors_in_the_workbook_are_reported(load):
    text = "\n".join(p.message for p in load.problems)
    assert "CSP code E22000097 is given to 'Stroud' (row 106) and 'West Northamptonshire'" in text
    assert "'Unassigned Northamptonshire' carries CSP code 'E22000357'" in text
    assert "CSP 'West Northamptonshire' (Northamptonshire) has different codes" in text
    assert text.count("'Manchester Airport' (Greater Manchester) has no CSP code") == 4
    assert "'combined' for 'Bournemouth, Christchurch and Poole'" in text
    assert len(load.problems) == 20


def test_a_non_devon_csp_has_positive_totals(load):
    v = load.values
    bath = v[(v.area == "E22000001") & (v.series_code == TOTAL)].set_index("period").value
    assert bath.to_dict() == {"YE 2021-12": 11_630.0, "YE 2022-12": 12_321.0}
    totals = v[(v.series_code == TOTAL) & v.value.notna()]
    assert (totals.value > 0).all()
    assert len(totals) == 292 + 294


def test_rates_are_per_1000_population_already(load):
    """Cells like 8.5970034284849686E-3 are small rates per 1,000 (homicide), not fractions:
    every rate is the C3 count over the C5 population times 1,000 (population is rounded)."""
    w = load.values.pivot_table(
        index="area", columns="series_code", values="value", aggfunc="first", dropna=False
    )
    counts = load.values[load.values.period == "YE 2022-12"].pivot_table(
        index="area", columns="series_code", values="value", aggfunc="first"
    )
    for offence in ("total-recorded-crime-excluding-fraud", "homicide", "robbery"):
        rate = w[f"ons_csp.{offence}.rate-per-1000"]
        ratio = (counts[f"ons_csp.{offence}"] / w["ons_csp.population"] * 1000 / rate).dropna()
        assert len(ratio) > 150
        assert ratio.between(0.998, 1.002).all(), offence
    per_household = (
        counts["ons_csp.residential-burglary"]
        / w["ons_csp.households"]
        * 1000
        / w["ons_csp.residential-burglary.rate-per-1000-households"]
    ).dropna()
    assert per_household.between(0.995, 1.005).all()
    avon_homicide = w.loc["E22000001", "ons_csp.homicide.rate-per-1000"]
    assert 0 < avon_homicide < 0.1


def test_every_value_is_a_float_or_nan_with_a_note(load):
    v = load.values
    assert v.value.dtype == float
    assert all(isinstance(x, float) for x in v.value)
    missing = v[v.value.isna()]
    assert missing.note.notna().all()
    assert set(missing.note) == {
        "[x] not available (ONS marker)",
        "[u] suppressed: based on fewer than 50 offences (ONS marker)",
        "[u1] not presented: small resident population (ONS marker)",
    }
    assert not v.duplicated(["series_code", "period", "area"]).any()
    assert set(load.series.code) == set(v.series_code)
    assert all(not math.isinf(x) for x in v.value.dropna())
