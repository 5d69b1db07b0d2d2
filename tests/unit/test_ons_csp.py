"""Tests for loaders.ons_csp on small workbooks shaped like the ONS CSP tables."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from loaders.ons_csp import COLUMN_ALIASES, HEADER_ROW, normalise_header, read_ons_csp
from loaders.series import SERIES_COLUMNS, SERIES_VALUE_COLUMNS, SeriesLoad, slug

IDS_C2 = [
    "Police Force Area\r\n code",
    "Police Force Area\r\n name",
    "Community Safety\r\n Partnership code",
    "Community Safety\r\n Partnership name",
    "Local Authority\r\n code",
    "Local Authority\r\n name",
]
IDS_C3 = [
    "Police Force\nArea code",
    "Police Force\nArea name",
    "Community Safety\nPartnership code",
    "Community Safety\nPartnership name",
    "Local Authority code",
    "Local Authority  name",
]
OFFENCES = ["Total recorded crime\r\n (excluding fraud)", "Violence against\n the person"]
FORCE = ["E23000035", "Devon and Cornwall", None, None, None, None]
PLYMOUTH = ["E23000035", "Devon and Cornwall", "E22000056", "Plymouth", "E06000026", "Plymouth"]
TORBAY = ["E23000035", "Devon and Cornwall", "E22000057", "Torbay", "E06000027", "Torbay"]
BATH = ["E23000036", "Avon and Somerset", "E22000001", "Bath and NE Somerset", "E06000022", "B"]
UNASSIGNED = ["E23000036", "Avon and Somerset", None, "Unassigned Avon and Somerset ", None, None]


def title(text: str) -> list[list[object]]:
    """Rows 1 to HEADER_ROW - 1: the title, then ONS's notes lines."""
    return [[text], ["Police recorded crime data are not designated as National Statistics."]] + [
        [f"filler line {i}"] for i in range(3, HEADER_ROW)
    ]


def c2() -> list[list[object]]:
    return [
        *title("Table C2: Number of police recorded crimes, year ending December 2021 [note 1]"),
        IDS_C2 + OFFENCES,
        FORCE + [200, 90],
        PLYMOUTH + ["[x]", "[x]"],
        TORBAY + ["1,234", "8.5970034284849686E-3"],  # numbers stored as text
        UNASSIGNED + [5, 2],
        BATH + [11630, 4141],
    ]


def c3() -> list[list[object]]:
    return [
        *title("Table C3: Number of police recorded crimes, year ending December 2022 [note 1]"),
        IDS_C3 + OFFENCES,
        FORCE + [210, 95],
        PLYMOUTH + ["[X]", "[x]"],
        TORBAY + [1300, 600],
        BATH + [12321, 4536],
    ]


def c4() -> list[list[object]]:
    return [
        *title(
            "Table C4: Percentage change between recorded crimes, for year ending "
            "December 2021 and year ending December 2022 [note 7]"
        ),
        IDS_C3 + OFFENCES,
        PLYMOUTH + ["[x]", "[x]"],
        TORBAY + [5.35, "[u]"],
        BATH + [5.94, "-2.5"],
    ]


def c5() -> list[list[object]]:
    return [
        *title(
            "Table C5:  Recorded crime rate per 1,000 population/households, "
            "year ending December 2022 [note 1][note 4]"
        ),
        IDS_C3
        + [
            "Population figures (mid-2021) - rounded to 100",
            "Household figures (mid-2020) - rounded to 100",
            "Total recorded crime\n (excluding fraud)",
            "Residential burglary (per 1,000 population)",
            "Residential burglary (per 1,000 household)",
        ],
        PLYMOUTH + [264700, 111500, "[x]", "[x]", "[x]"],
        TORBAY + ["139,300", 63000, "9.332376166547021", 1.2, 2.6],
        BATH + [192400, 79400, 64.03080712804602, "[u1]", "[z]"],
    ]


def c1() -> list[list[object]]:
    return [
        ["Table C1: List of combined Local Authorities by Community Safety Partnership"],
        ["This worksheet contains one table."],
        ["Link to table of contents"],
        [
            "Police Force Area name",
            "Community Safety Partnership name",
            "Local Authority code",
            "Local Authority name",
        ],
        ["Devon and Cornwall", "North Devon", "E07000043", "North Devon"],
    ]


def write_book(path, sheets: dict[str, list[list[object]]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path):
    return write_book(
        tmp_path / "csp.xlsx",
        {
            "Cover sheet": [["Crime in England & Wales, year ending December 2022"]],
            "Notes": [["Notes"], [1, "Caution"]],
            "Table C1": c1(),
            "Table C2": c2(),
            "Table C3": c3(),
            "Table C4": c4(),
            "Table C5": c5(),
        },
    )


@pytest.fixture
def load(book) -> SeriesLoad:
    return read_ons_csp(book)


def value(load: SeriesLoad, code: str, period: str, area: str) -> pd.Series:
    v = load.values
    rows = v[(v.series_code == code) & (v.period == period) & (v.area == area)]
    assert len(rows) == 1, (code, period, area, len(rows))
    return rows.iloc[0]


def test_shape_of_the_load(load):
    assert list(load.values.columns) == list(SERIES_VALUE_COLUMNS)
    assert list(load.series.columns) == list(SERIES_COLUMNS)
    for column in ("value", "numerator", "denominator", "lower_ci_95", "upper_ci_998"):
        assert load.values[column].dtype == float
    assert all(isinstance(x, float) for x in load.values["value"])
    assert set(load.series.code) == set(load.values.series_code)
    assert load.series.code.is_unique
    assert not load.values.duplicated(["series_code", "period", "area"]).any()
    assert load.values[["numerator", "denominator", "lower_ci_95"]].isna().all().all()


def test_periods_come_from_each_title(load):
    v = load.values
    total = "ons_csp.total-recorded-crime-excluding-fraud"
    assert set(v[v.series_code == total].period) == {"YE 2021-12", "YE 2022-12"}
    # C4 compares two years: the change is to the later one.
    assert set(v[v.series_code.str.endswith(".percent-change")].period) == {"YE 2022-12"}
    assert set(v[v.series_code.str.contains("rate-per-1000")].period) == {"YE 2022-12"}


def test_series_codes_names_and_units(load):
    series = load.series.set_index("code")
    expected = {
        "ons_csp.total-recorded-crime-excluding-fraud": "count",
        "ons_csp.violence-against-the-person": "count",
        "ons_csp.total-recorded-crime-excluding-fraud.percent-change": "percent_change",
        "ons_csp.violence-against-the-person.percent-change": "percent_change",
        "ons_csp.total-recorded-crime-excluding-fraud.rate-per-1000": "rate_per_1000",
        "ons_csp.residential-burglary.rate-per-1000": "rate_per_1000",
        "ons_csp.residential-burglary.rate-per-1000-households": "rate_per_1000",
        "ons_csp.population": "count",
        "ons_csp.households": "count",
    }
    assert series["unit"].to_dict() == expected
    assert series.loc["ons_csp.violence-against-the-person", "name"] == (
        "Violence against the person"
    )
    assert series.loc["ons_csp.total-recorded-crime-excluding-fraud", "name"] == (
        "Total recorded crime (excluding fraud)"
    )
    assert (
        "per 1,000 households"
        in series.loc["ons_csp.residential-burglary.rate-per-1000-households", "name"]
    )
    assert "mid-2021" in series.loc["ons_csp.population", "name"]
    assert set(series.source) == {"ONS: Recorded crime data by Community Safety Partnership area"}


def test_x_marker_is_missing_with_a_note_never_zero(load):
    v = load.values
    plymouth = v[
        (v.area == "E22000056") & ~v.series_code.isin(["ons_csp.population", "ons_csp.households"])
    ]
    assert len(plymouth) == 2 + 2 + 2 + 3
    assert plymouth.value.isna().all()
    assert set(plymouth.note) == {"[x] not available (ONS marker)"}  # "[X]" too
    assert value(load, "ons_csp.population", "YE 2022-12", "E22000056").value == 264700.0
    assert value(load, "ons_csp.households", "YE 2022-12", "E22000056").value == 111500.0


@pytest.mark.parametrize(
    ("code", "period", "area", "expected"),
    [
        ("ons_csp.total-recorded-crime-excluding-fraud", "YE 2021-12", "E22000057", 1234.0),
        ("ons_csp.violence-against-the-person", "YE 2021-12", "E22000057", 8.5970034284849686e-3),
        ("ons_csp.total-recorded-crime-excluding-fraud", "YE 2022-12", "E22000001", 12321.0),
        ("ons_csp.violence-against-the-person.percent-change", "YE 2022-12", "E22000001", -2.5),
        ("ons_csp.total-recorded-crime-excluding-fraud.percent-change", "YE 2022-12", "E22000057", 5.35),
        ("ons_csp.population", "YE 2022-12", "E22000057", 139300.0),
        ("ons_csp.total-recorded-crime-excluding-fraud.rate-per-1000", "YE 2022-12", "E22000057", 9.332376166547021),
        ("ons_csp.residential-burglary.rate-per-1000", "YE 2022-12", "E22000057", 1.2),
        ("ons_csp.residential-burglary.rate-per-1000-households", "YE 2022-12", "E22000057", 2.6),
    ],
)  # fmt: skip
def test_numbers_including_numbers_stored_as_text(load, code, period, area, expected):
    row = value(load, code, period, area)
    assert isinstance(row.value, float)
    assert row.value == pytest.approx(expected, rel=1e-12)
    assert row.note is None


@pytest.mark.parametrize(
    ("code", "area", "note"),
    [
        (
            "ons_csp.violence-against-the-person.percent-change",
            "E22000057",
            "[u] suppressed: based on fewer than 50 offences (ONS marker)",
        ),
        (
            "ons_csp.residential-burglary.rate-per-1000",
            "E22000001",
            "[u1] not presented: small resident population (ONS marker)",
        ),
        (
            "ons_csp.residential-burglary.rate-per-1000-households",
            "E22000001",
            "[z] not applicable (ONS marker)",
        ),
    ],
)
def test_other_markers(load, code, area, note):
    row = value(load, code, "YE 2022-12", area)
    assert math.isnan(row.value)
    assert row.note == note


def test_rows_read_and_skipped(load):
    # Data rows below the header: C2 5, C3 4, C4 3, C5 3. C1 has no figures.
    assert load.rows_read == 15
    assert load.skipped == {
        "table sheets without figures (e.g. Table C1, a list of local authorities)": 1,
        "force subtotal rows (no CSP code or name)": 2,
        "'Unassigned' rows (crimes not placed in a CSP)": 1,
    }
    assert load.problems == []
    per_sheet = load.values.groupby(["series_code", "period"]).area.nunique()
    assert per_sheet["ons_csp.total-recorded-crime-excluding-fraud", "YE 2021-12"] == 3
    assert per_sheet["ons_csp.population", "YE 2022-12"] == 3
    assert "E23000035" not in set(load.values.area)


def test_awkward_rows_are_skipped_and_reported(tmp_path):
    rows = c3()
    rows += [
        ["E23000039", "Dorset", "combined", "Bournemouth, Christchurch and Poole", "E06000058", "BCP", 1, 2],
        ["E23000006", "Greater Manchester", None, "Manchester Airport", None, None, 3, 4],
        ["E23000022", "Northamptonshire", "E22000357", "Unassigned Northamptonshire", None, None, 5, 6],
        ["E23000037", "Gloucestershire", "E22000097", "Stroud", "E07000082", "Stroud", 7, 8],
        ["E23000022", "Northamptonshire", "E22000097", "West Northamptonshire", "E06000062", "W", 9, 10],
        ["E23000038", "Wiltshire", "E22000361", "Wiltshire", "E06000054", "Wiltshire", None, "n/a"],
        ["E23000038", "Wiltshire", "E22000350", "Swindon", "E06000030", "Swindon", "[q]", True],
    ]  # fmt: skip
    load = read_ons_csp(write_book(tmp_path / "awkward.xlsx", {"Table C3": rows}))
    assert load.rows_read == 4 + 7
    assert load.skipped == {
        "force subtotal rows (no CSP code or name)": 1,
        "rows with text other than a code in the CSP code column": 1,
        "rows with a name but no CSP code": 1,
        "'Unassigned' rows (crimes not placed in a CSP)": 1,
        "rows sharing their CSP code with another row of the sheet": 2,
    }
    text = "\n".join(p.message for p in load.problems)
    assert "sheet 'Table C3' row 13: the CSP code column says 'combined'" in text
    assert "(local authority E06000058)" in text
    assert "row 14: 'Manchester Airport' (Greater Manchester) has no CSP code" in text
    assert "row 15: 'Unassigned Northamptonshire' carries CSP code 'E22000357'" in text
    assert (
        "CSP code E22000097 is given to 'Stroud' (row 16) and 'West Northamptonshire' (row 17)"
        in text
    )
    assert "row 18 (Wiltshire), column 'Total recorded crime (excluding fraud)': blank cell" in text
    assert "row 18 (Wiltshire), column 'Violence against the person': 'n/a' is not a number" in text
    assert "'[q]' is an ONS marker this loader does not know" in text
    assert "True is not a number" in text
    assert {"E22000097", "E22000357"}.isdisjoint(load.values.area)
    wiltshire = load.values[load.values.area == "E22000361"]
    assert wiltshire.value.isna().all()
    assert set(wiltshire.note) == {"blank cell", "unreadable value 'n/a'"}
    swindon = load.values[load.values.area == "E22000350"]
    assert swindon.value.isna().all()
    assert "[q] (ONS marker not recognised)" in set(swindon.note)


def test_a_bad_cell_keeps_its_sheet_row_column_and_value(tmp_path):
    rows = c3() + [
        ["E23000038", "Wiltshire", "E22000361", "Wiltshire", "E06000054", "Wiltshire", 1, "n/a"]
    ]
    load = read_ons_csp(write_book(tmp_path / "bad.xlsx", {"Table C3": rows}))
    (bad,) = [p for p in load.problems if p.code == "cell-not-a-figure"]
    assert (bad.file, bad.sheet, bad.row, bad.value) == ("bad.xlsx", "Table C3", len(rows), "n/a")
    assert bad.column == "Violence against the person" and bad.severity == "info"
    assert bad.location() == (
        "bad.xlsx, sheet Table C3, row 13, column Violence against the person"
    )


def test_a_csp_with_different_codes_in_different_sheets_is_reported(tmp_path):
    renamed = [*c2()[:-1], [*BATH[:2], "E22000999", *BATH[3:], 1, 2]]
    load = read_ons_csp(
        write_book(tmp_path / "codes.xlsx", {"Table C2": renamed, "Table C3": c3()})
    )
    assert any(
        "CSP 'Bath and NE Somerset' (Avon and Somerset) has different codes in different sheets "
        "(E22000999 in Table C2; E22000001 in Table C3)" in p.message
        for p in load.problems
    )
    assert {"E22000999", "E22000001"} <= set(load.values.area)


def test_header_found_elsewhere_is_used_and_reported(tmp_path):
    rows = c3()
    del rows[3]  # header on row 7
    load = read_ons_csp(write_book(tmp_path / "moved.xlsx", {"Table C3": rows}))
    assert any("header found on row 7, not row 8" in p for p in (q.message for q in load.problems))
    assert (
        value(load, "ons_csp.total-recorded-crime-excluding-fraud", "YE 2022-12", "E22000057").value
        == 1300
    )


@pytest.mark.parametrize(
    ("sheet_title", "phrase"),
    [
        ("Table C3: Number of police recorded crimes, 2022", "which year ending"),
        ("Table C3: Crimes by area, year ending December 2022", "what the figures are"),
    ],
)
def test_title_without_year_or_kind_skips_the_sheet(tmp_path, sheet_title, phrase):
    rows = c3()
    rows[0] = [sheet_title]
    load = read_ons_csp(write_book(tmp_path / "t.xlsx", {"Table C3": rows, "Table C2": c2()}))
    assert any(
        phrase in p and "sheet skipped" in p and "'Table C3'" in p
        for p in (q.message for q in load.problems)
    )
    assert set(load.values.period) == {"YE 2021-12"}


def test_figure_sheet_without_csp_columns_is_reported(tmp_path):
    rows = c3()
    rows[HEADER_ROW - 1] = ["Force", "Name", "Something", "Else", "A", "B", "C", "D"]
    load = read_ons_csp(write_book(tmp_path / "h.xlsx", {"Table C3": rows}))
    assert load.values.empty and list(load.values.columns) == list(SERIES_VALUE_COLUMNS)
    assert any(
        "no 'Community Safety Partnership code' column" in p
        for p in (q.message for q in load.problems)
    )


def test_unreadable_and_sheetless_files_are_problems_not_errors(tmp_path):
    bad = tmp_path / "not.xlsx"
    bad.write_text("this is not a workbook")
    load = read_ons_csp(bad)
    assert load.values.empty and load.rows_read == 0
    assert "not.xlsx: could not be read as a workbook" in load.problems[0].message
    missing = read_ons_csp(tmp_path / "missing.xlsx")
    assert "could not be read" in missing.problems[0].message
    other = read_ons_csp(write_book(tmp_path / "other.xlsx", {"Data": [["a"]]}))
    assert "no sheets named 'Table C1'" in other.problems[0].message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Police Force Area\r\n code", "Police Force Area code"),
        ("Police Force\nArea code", "Police Force Area code"),
        ("Local Authority  name", "Local Authority name"),
        ("  Total recorded crime\n (excluding fraud) ", "Total recorded crime (excluding fraud)"),
        (None, ""),
    ],
)
def test_normalise_header(raw, clean):
    assert normalise_header(raw) == clean


def test_aliases_are_declared_for_every_id_column():
    assert {"csp_code", "csp_name", "population", "households"} <= set(COLUMN_ALIASES)
    assert "Community Safety Partnership code" in COLUMN_ALIASES["csp_code"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Violence against the person", "violence-against-the-person"),
        ("Total recorded crime\r\n (excluding fraud)", "total-recorded-crime-excluding-fraud"),
        ("--Theft / other--", "theft-other"),
        ("0-9 yrs", "0-9-yrs"),
        ("", ""),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected
