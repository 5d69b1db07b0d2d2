"""The return template: what is due, and the workbook a lead fills in (on the demo's figures)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from loaders import periods
from outcomes.workflows.demo import facts
from outcomes.workflows.template import (
    RETURN_HEADER,
    RETURN_SHEET,
    TemplateError,
    due_rows,
    write_template,
)

D = facts()  # where the demo's figures fall today
AREAS = [None, "stonehouse", "devonport", "city-centre"]


def rows_for(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame["indicator_code"] == code].reset_index(drop=True)


def current(cur, code: str, period: str, area: str = "all"):
    row = cur.execute(
        "SELECT value FROM observation_current_detail "
        "WHERE indicator_code = ? AND period = ? AND area = ?",
        [code, period, area],
    ).fetchone()
    return None if row is None else row[0]


def test_quarter_three_asks_for_the_quarter_and_its_months_but_no_annual_figure(demo_store):
    rows = due_rows(demo_store.cursor(), "2024/25 Q3", priority_id="street-violence")
    sv01 = rows_for(rows, "SV01")
    assert sv01["period"].tolist() == ["2024/25 Q3"] * 4
    assert sv01["area"].tolist() == AREAS
    assert rows_for(rows, "SV03")["period"].tolist() == ["2024-10", "2024-11", "2024-12"]
    assert rows_for(rows, "SV02").empty
    assert set(rows["priority_id"]) == {"street-violence"}
    assert rows[["value", "commentary", "blockage"]].isna().all().all()
    assert set(rows_for(rows, "SV01")["unit"]) == {"count"}


def test_quarter_four_also_asks_for_the_financial_year_it_completes(demo_store):
    rows = due_rows(demo_store.cursor(), "2024/25 Q4", priority_id="street-violence")
    sv02 = rows_for(rows, "SV02")
    assert sv02["period"].tolist() == ["2024/25"]
    assert sv02["unit"].tolist() == ["%"]
    assert rows_for(rows, "SV03")["period"].tolist() == ["2025-01", "2025-02", "2025-03"]


@pytest.mark.parametrize("spelling", ["Q3 2024/25", "Oct-Dec 2024", "fy2024/25 q3"])
def test_the_period_can_be_typed_any_way_parse_period_reads(demo_store, spelling):
    cur = demo_store.cursor()
    expected = due_rows(cur, "2024/25 Q3", priority_id="street-violence")
    pd.testing.assert_frame_equal(due_rows(cur, spelling, priority_id="street-violence"), expected)


def test_month_and_year_returns(demo_store):
    cur = demo_store.cursor()
    month = due_rows(cur, "2024-11", priority_id="street-violence")
    assert rows_for(month, "SV03")["period"].tolist() == ["2024-11"]
    assert rows_for(month, "SV01").empty and rows_for(month, "SV02").empty
    year = due_rows(cur, "2024/25", priority_id="street-violence")
    assert rows_for(year, "SV02")["period"].tolist() == ["2024/25"]
    assert rows_for(year, "SV01")["period"].unique().tolist() == [
        p.code for p in periods.period_range(periods.quarter(2024, 1), periods.quarter(2024, 4))
    ]
    assert len(rows_for(year, "SV03")) == 12


def test_previous_values_are_the_current_figures_for_the_period_before(demo_store):
    cur = demo_store.cursor()
    rows = due_rows(cur, "2024/25 Q3", priority_id="street-violence")
    sv01 = rows_for(rows, "SV01")
    assert sv01.loc[0, "previous_value"] == current(cur, "SV01", "2024/25 Q2")
    for row in rows.to_dict("records"):
        before = periods.parse_code(row["period"]).previous().code
        figure = current(cur, row["indicator_code"], before, row["area"] or "all")
        if figure is None:
            assert pd.isna(row["previous_value"]), row
        else:
            assert row["previous_value"] == figure, row
    # The demo's one correction: the revised figure is the one shown.
    vv01 = rows_for(due_rows(cur, D.moved("2024/25 Q4"), priority_id="vulnerable-victims"), "VV01")
    assert vv01.loc[0, "previous_value"] == 74.1


def test_previous_value_is_blank_when_the_period_before_has_no_figure(demo_store):
    # The demo has no VV02 figure for the quarter written as 2022/23 Q3.
    rows = due_rows(demo_store.cursor(), D.moved("2022/23 Q4"), priority_id="vulnerable-victims")
    assert pd.isna(rows_for(rows, "VV02").loc[0, "previous_value"])
    assert not pd.isna(rows_for(rows, "VV01").loc[0, "previous_value"])


def test_targets_come_from_the_trajectory_then_the_indicator(demo_store):
    cur = demo_store.cursor()
    rows = due_rows(cur, D.moved("2024/25 Q3"), priority_id="street-violence")
    sv01 = rows_for(rows, "SV01")
    assert sv01.loc[0, "target"] == 314
    assert sv01.loc[1:, "target"].isna().all()  # the target is for the whole partnership
    assert set(rows_for(rows, "SV03")["target"]) == {900}
    earlier = due_rows(cur, D.moved("2023/24 Q3"), priority_id="street-violence")
    assert rows_for(earlier, "SV01").loc[0, "target"] == 310


def test_lead_gets_every_indicator_they_answer_for(demo_store):
    cur = demo_store.cursor()
    rows = due_rows(cur, "2024/25 Q3", lead="victim support")
    assert rows["indicator_code"].tolist() == ["VV01", "VV02"]
    # The priority's lead answers for all of its indicators.
    commander = due_rows(cur, "2024/25 Q3", lead="  LOCAL POLICING COMMANDER ")
    whole = due_rows(cur, "2024/25 Q3", priority_id="street-violence")
    pd.testing.assert_frame_equal(commander, whole)


def test_rows_follow_priority_order_then_indicator_order_then_period(demo_store):
    cur = demo_store.cursor()
    rows = due_rows(cur, "2024/25", lead="Plymouth City Council")
    assert rows["priority_id"].nunique() > 1
    order = cur.execute(
        """
        SELECT i.code FROM indicator i JOIN priority p ON p.id = i.priority_id
        JOIN tier t ON t.code = p.tier_code ORDER BY t.sort_order, p.sort_order, i.sort_order
        """
    ).fetchall()
    rank = {code: n for n, (code,) in enumerate(order)}
    keys = [
        (rank[r["indicator_code"]], periods.parse_code(r["period"]))
        for r in rows.to_dict("records")
    ]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"priority_id": "street-crime"}, ["no priority 'street-crime'", "street-violence"]),
        ({"lead": "Chief Constable"}, ["No priority lead", "Service Manager, Victim Support"]),
        ({}, ["Say whose return"]),
        ({"priority_id": "street-violence", "lead": "Victim"}, ["not both"]),
    ],
)
def test_bad_selections_are_explained(demo_store, kwargs, words):
    with pytest.raises(TemplateError) as caught:
        due_rows(demo_store.cursor(), "2024/25 Q3", **kwargs)
    for word in words:
        assert word in str(caught.value)


def test_an_ambiguous_period_passes_on_the_period_message(demo_store):
    with pytest.raises(periods.PeriodError) as expected:
        periods.parse_period("Q3 2024")
    with pytest.raises(TemplateError) as caught:
        write_template(demo_store.cursor(), io.BytesIO(), "Q3 2024", priority_id="street-violence")
    assert str(caught.value) == str(expected.value)


@pytest.fixture
def workbook_path(demo_store, tmp_path):
    path = tmp_path / "return.xlsx"
    count = write_template(demo_store.cursor(), path, "2024/25 Q3", priority_id="street-violence")
    return path, count


def test_workbook_return_sheet(demo_store, workbook_path):
    path, count = workbook_path
    expected = due_rows(demo_store.cursor(), "2024/25 Q3", priority_id="street-violence")
    assert count == len(expected) > 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [RETURN_SHEET, "Instructions"]
    ws = wb[RETURN_SHEET]
    assert tuple(c.value for c in ws[1]) == (*RETURN_HEADER, "Area")
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.max_row == count + 1
    assert ws.protection.sheet and not ws.protection.password
    last = count + 1
    for r in (2, last):
        assert not ws[f"G{r}"].protection.locked  # Value
        assert not ws[f"H{r}"].protection.locked  # Commentary
        assert not ws[f"I{r}"].protection.locked  # Blockage
        for col in "ABCDEFJ":
            assert ws[f"{col}{r}"].protection.locked
    periods_col = [ws[f"C{r}"] for r in range(2, last + 1)]
    assert all(c.data_type == "s" for c in periods_col)  # codes as text, never dates
    assert [c.value for c in periods_col] == expected["period"].tolist()
    assert ws["E2"].number_format == "#,##0"
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(validations) == {f"G2:G{last}", f"I2:I{last}"}
    assert "Type a number, or leave blank and explain in Commentary" in (
        validations[f"G2:G{last}"].error
    )
    assert validations[f"G2:G{last}"].allow_blank
    assert validations[f"I2:I{last}"].type == "list"
    assert validations[f"I2:I{last}"].formula1 == '"Y,N"'
    assert wb.properties.title == "Safer Plymouth Partnership quarterly return 2024/25 Q3"


def test_workbook_instructions_sheet(workbook_path):
    path, _ = workbook_path
    text = " ".join(
        str(c.value) for c in openpyxl.load_workbook(path)["Instructions"]["A"] if c.value
    )
    for phrase in ("12 or 12%", "n/a", "Commentary", "Y means", "grey", "outcomes load"):
        assert phrase in text


def test_workbook_reads_back_as_the_same_rows(demo_store, workbook_path):
    path, _ = workbook_path
    expected = due_rows(demo_store.cursor(), "2024/25 Q3", priority_id="street-violence")
    read = pd.read_excel(path, sheet_name=RETURN_SHEET, engine="calamine")
    assert list(read.columns) == [*RETURN_HEADER, "Area"]
    assert read["Indicator code"].tolist() == expected["indicator_code"].tolist()
    assert read["Indicator"].tolist() == expected["indicator"].tolist()
    assert read["Period"].tolist() == expected["period"].tolist()
    assert read["Unit"].tolist() == expected["unit"].tolist()
    assert [None if pd.isna(a) else a for a in read["Area"]] == expected["area"].tolist()
    for column, key in (("Previous value", "previous_value"), ("Target", "target")):
        pd.testing.assert_series_equal(
            read[column].astype(float), expected[key].astype(float), check_names=False
        )
    assert read[["Value", "Commentary", "Blockage for the board (Y/N)"]].isna().all().all()


def test_no_area_column_without_area_rows_and_file_objects_work(demo_store):
    out = io.BytesIO()
    count = write_template(demo_store.cursor(), out, "2024/25 Q3", lead="Victim Support")
    assert count == 2
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[RETURN_SHEET]
    assert tuple(c.value for c in ws[1]) == RETURN_HEADER
    assert ws["E2"].number_format == "0.0"  # VV01 is a percentage to one decimal


def test_nothing_due_writes_a_header_only_sheet(demo_store, tmp_path):
    # The vulnerable-victims indicators are all quarterly: nothing is due for a month.
    path = tmp_path / "empty.xlsx"
    assert (
        write_template(demo_store.cursor(), path, "2024-11", priority_id="vulnerable-victims") == 0
    )
    ws = openpyxl.load_workbook(path)[RETURN_SHEET]
    assert ws.max_row == 1 and ws.protection.sheet
