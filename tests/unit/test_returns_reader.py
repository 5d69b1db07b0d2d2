"""read_return: header finding, column mapping, rows, notes and located problems."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from loaders.layouts import MARKERS, RETURN_LAYOUT, Layout, normalise
from loaders.returns import ROW_COLUMNS, Problem, read_return
from outcomes.workflows.template import RETURN_HEADER

OFFICIAL = [*RETURN_HEADER, "Area"]
ROWS = [
    ["VV01", "Violence with injury", "2024/25 Q1", "count", 410, 400, 392, "Down", "N", None],
    ["VV02", "Repeat victims", "2024/25 Q1", "percent", 0.31, 0.3, 0.28, None, "N", "stonehouse"],
    ["RO01", "Reoffending", "2024/25 Q1", "percent", 24, 25, "n/a", "Data late", "Y", None],
]


def _xlsx(path, rows, sheet="Return", extra_sheets=()):
    workbook = openpyxl.Workbook()
    sheet_ = workbook.active
    sheet_.title = sheet
    for row in rows:
        sheet_.append(list(row))
    for name, more in extra_sheets:
        other = workbook.create_sheet(name)
        for row in more:
            other.append(list(row))
    workbook.save(path)
    return path


def _csv(path, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows([["" if c is None else c for c in row] for row in rows])
    return path


def _codes(result):
    return result.rows["indicator_code"].tolist()


def _only(result, code):
    matches = [p for p in result.problems if p.code == code]
    assert len(matches) == 1, result.problems
    return matches[0]


# --- normalise and the layout ------------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Indicator code", "indicator code"),
        ("  INDICATOR   CODE ", "indicator code"),
        ("Indicator code*", "indicator code"),
        ("Value:", "value"),
        ("Blockage for the board (Y/N)", "blockage for the board"),
        ("Blockage for the board (yes / no)", "blockage for the board"),
        ("Escalate? Y/N", "escalate"),
        ("Indicator\ncode", "indicator code"),
        ("Indicator_code", "indicator code"),
        ("Value\u00a0(%)", "value"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(header, expected):
    assert normalise(header) == expected


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("Indicator code", "indicator_code"),
        ("Code", "indicator_code"),
        ("Indicator ID", "indicator_code"),
        ("PI code", "indicator_code"),
        ("Ref", "indicator_code"),
        ("Indicator", "indicator_name"),
        ("Measure", "indicator_name"),
        ("PI", "indicator_name"),
        ("Quarter", "period"),
        ("Reporting period", "period"),
        ("Month", "period"),
        ("Last value", "previous_value"),
        ("Figure", "value"),
        ("Actual", "value"),
        ("This quarter", "value"),
        ("Value this period", "value"),
        ("Story behind the curve", "commentary"),
        ("Notes", "commentary"),
        ("Escalate to board", "blockage"),
        ("Blockage for the board (Y/N)", "blockage"),
        ("Ward", "area"),
        ("Area code", "area"),
        ("indicator_code", "indicator_code"),  # the canonical name itself
        ("RAG", None),
    ],
)
def test_aliases(header, canonical):
    assert RETURN_LAYOUT.canonical(header) == canonical


def test_official_headers_all_map_to_distinct_columns():
    mapped = [RETURN_LAYOUT.canonical(h) for h in OFFICIAL]
    assert None not in mapped and len(set(mapped)) == len(OFFICIAL)


def test_a_spelling_claimed_by_two_columns_is_refused():
    with pytest.raises(ValueError, match="both"):
        Layout("bad", {"a": ("Value",), "b": ("value:",)}, required=("a",))


def test_markers_are_lower_case_and_stripped():
    assert all(key == key.strip().lower() for key in MARKERS)
    assert "nil" not in MARKERS


# --- reading ------------------------------------------------------------------------------


def test_official_template(tmp_path):
    result = read_return(_xlsx(tmp_path / "returns.xlsx", [OFFICIAL, *ROWS]))
    assert result.problems == []
    assert (result.file, result.sheet, result.header_row) == ("returns.xlsx", "Return", 1)
    assert list(result.rows.columns) == list(ROW_COLUMNS)
    assert _codes(result) == ["VV01", "VV02", "RO01"]
    assert result.rows["source_row"].tolist() == [2, 3, 4]
    first = result.rows.iloc[0]
    assert first["value_raw"] == 392 and isinstance(first["value_raw"], int)
    assert first["previous_value_raw"] == 410 and first["target_raw"] == 400
    assert first["area"] is None and first["commentary"] == "Down"
    assert result.rows.iloc[1]["value_raw"] == 0.28 and result.rows.iloc[1]["area"] == "stonehouse"
    assert result.rows.iloc[2]["value_raw"] == "n/a"  # markers kept as typed, not blanked
    assert result.rows.iloc[2]["blockage_raw"] == "Y"
    assert result.columns["blockage"] == "Blockage for the board (Y/N)"
    assert result.notes_below == []


def test_header_under_a_title_block(tmp_path):
    rows = [
        ["Safer Plymouth quarterly return"],
        ["Priority: violence", None, "Lead: A. Person"],
        [],
        OFFICIAL,
        *ROWS,
    ]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert result.header_row == 4
    assert _codes(result) == ["VV01", "VV02", "RO01"]
    assert result.rows["source_row"].tolist() == [5, 6, 7]
    assert result.problems == []


def test_header_beyond_the_search_window_is_not_found(tmp_path):
    rows = [["title"]] * 25 + [OFFICIAL, *ROWS]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _only(result, "no-header").severity == "error"


def test_renamed_and_reordered_columns(tmp_path):
    header = ["Value this period", "Quarter", "Comments", "Ref", "Measure", "Ward"]
    rows = [header, [12, "2024/25 Q1", "ok", "VV01", "Violence", "devonport"]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert result.problems == []
    row = result.rows.iloc[0]
    assert (row["indicator_code"], row["period_raw"], row["value_raw"]) == (
        "VV01",
        "2024/25 Q1",
        12,
    )
    assert (row["indicator_name"], row["commentary"], row["area"]) == (
        "Violence",
        "ok",
        "devonport",
    )
    assert row["target_raw"] is None and row["blockage_raw"] is None
    assert result.columns == {
        "value": "Value this period",
        "period": "Quarter",
        "commentary": "Comments",
        "indicator_code": "Ref",
        "indicator_name": "Measure",
        "area": "Ward",
    }


def test_extra_column_is_information_not_an_error(tmp_path):
    rows = [[*OFFICIAL, "RAG"], [*ROWS[0], "Green"]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    extra = _only(result, "extra-column")
    assert extra.severity == "info" and extra.column == "RAG"
    assert extra.location() == "r.xlsx, sheet Return, row 1, column RAG"
    assert "RAG" in extra.message
    assert _codes(result) == ["VV01"]


def test_duplicate_column_is_a_warning_and_the_first_is_used(tmp_path):
    rows = [["Code", "Period", "Value", "Actual"], ["VV01", "2024/25 Q1", 1, 2]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _only(result, "duplicate-column").column == "Actual"
    assert result.rows.iloc[0]["value_raw"] == 1


def test_numbers_stored_as_text_stay_text(tmp_path):
    rows = [OFFICIAL, ["VV01", "V", "2024/25 Q1", "count", " 410 ", "400", " 1,234 ", None, "N"]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    row = result.rows.iloc[0]
    assert row["value_raw"] == "1,234" and row["previous_value_raw"] == "410"


def test_numeric_code_becomes_text_and_dates_stay_dates(tmp_path):
    rows = [OFFICIAL, [101, "V", datetime(2024, 6, 30), "count", None, None, 5, None, None]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    row = result.rows.iloc[0]
    assert row["indicator_code"] == "101"
    assert row["period_raw"] == datetime(2024, 6, 30)


def test_blank_rows_between_data_are_skipped(tmp_path):
    rows = [OFFICIAL, ROWS[0], [], ROWS[1], [None, None, "   "], ROWS[2]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01", "VV02", "RO01"]
    assert result.rows["source_row"].tolist() == [2, 4, 6]
    assert result.notes_below == [] and result.problems == []


def test_a_gap_between_header_and_first_row_does_not_lose_the_table(tmp_path):
    rows = [OFFICIAL, [], [], [], ROWS[0]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01"] and result.rows["source_row"].tolist() == [5]


def test_notes_under_the_table(tmp_path):
    rows = [
        OFFICIAL,
        *ROWS,
        [],
        [None, "Notes: RO01 figures are provisional."],
        [None, "Contact the analyst for detail."],
    ]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01", "VV02", "RO01"]
    assert result.notes_below == [
        "Notes: RO01 figures are provisional.",
        "Contact the analyst for detail.",
    ]
    # Issue 17: each is said, not dropped without a word
    said = [(p.code, p.severity, p.row) for p in result.problems]
    assert said == [("note-below", "info", 6), ("note-below", "info", 7)]
    assert result.problems[0].message == (
        "Row 6 ('Notes: RO01 figures are provisional.') is under the table, so it was read as a "
        "note and not as a figure."
    )


def test_notes_typed_in_the_code_column(tmp_path):
    rows = [OFFICIAL, *ROWS, ["Notes"], ["Figures are provisional until the board meets."]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01", "VV02", "RO01"]
    assert result.notes_below == ["Notes", "Figures are provisional until the board meets."]


def test_everything_after_two_blank_rows_is_notes(tmp_path):
    rows = [
        OFFICIAL,
        ROWS[0],
        [],
        [],
        ["Source: iQuanta"],
        ["VV09", None, "2023/24 Q4", None, None, None, 3],
    ]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01"]
    assert result.notes_below == ["Source: iQuanta", "VV09 2023/24 Q4 3"]
    after = _only(result, "after-table")
    assert after.severity == "warning" and after.row == 6 and after.column == "Indicator code"


def test_a_source_line_under_a_table_whose_first_column_is_value_is_a_note(tmp_path):
    """Issue 17: a lead's own layout (Value first) with "Source: ..." under it must load; the
    line was refused as a figure without a code."""
    rows = [
        ["Value", "Indicator code", "Period"],
        [392, "VV01", "2024/25 Q1"],
        [0.28, "VV02", "2024/25 Q1"],
        [],
        ["Source: Police recorded crime, Devon and Cornwall Police"],
    ]
    result = read_return(_xlsx(tmp_path / "own.xlsx", rows))
    assert _codes(result) == ["VV01", "VV02"] and not result.errors
    assert result.notes_below == ["Source: Police recorded crime, Devon and Cornwall Police"]
    assert _only(result, "note-below").row == 5
    # a figure without its code is still refused
    rows[4] = ["about 20"]
    assert _only(read_return(_xlsx(tmp_path / "bad.xlsx", rows)), "blank-code").row == 5


def test_heading_inside_the_table_is_skipped_not_notes(tmp_path):
    rows = [OFFICIAL, ["Priority 1: violence"], ROWS[0], ["Priority 2: reoffending"], ROWS[2]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01", "RO01"]
    assert result.notes_below == []
    skipped = [p for p in result.problems if p.code == "skipped-row"]
    assert [p.row for p in skipped] == [2, 4] and {p.severity for p in skipped} == {"info"}


def test_value_without_code_is_an_error_at_that_row(tmp_path):
    rows = [OFFICIAL, ROWS[0], [None, "Total", "2024/25 Q1", None, None, None, 999]]
    result = read_return(_xlsx(tmp_path / "returns.xlsx", rows))
    blank = _only(result, "blank-code")
    assert blank.severity == "error" and blank.value == "999"
    assert blank.location() == "returns.xlsx, sheet Return, row 3, column Indicator code"
    assert _codes(result) == ["VV01"]


def test_code_without_value_is_kept_for_the_caller(tmp_path):
    rows = [OFFICIAL, ["VV01", "V", "2024/25 Q1", "count"]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert _codes(result) == ["VV01"] and result.rows.iloc[0]["value_raw"] is None


def test_csv_with_the_same_content(tmp_path):
    xlsx = read_return(_xlsx(tmp_path / "r.xlsx", [OFFICIAL, *ROWS, [], ["A note"]]))
    result = read_return(_csv(tmp_path / "r.csv", [OFFICIAL, *ROWS, [], ["A note"]]))
    assert [p.code for p in result.problems] == ["note-below"]
    assert result.sheet is None and result.header_row == 1
    assert _codes(result) == _codes(xlsx)
    assert result.rows["source_row"].tolist() == [2, 3, 4]
    assert result.rows.iloc[0]["value_raw"] == "392"  # CSV cells are text
    assert result.rows.iloc[1]["area"] == "stonehouse"
    assert result.notes_below == ["A note"]


def test_csv_in_windows_1252_with_an_en_dash(tmp_path):
    rows = [OFFICIAL, ["VV01", "Violence – with injury", "Apr–Jun 2024", "count", None, None, "–"]]
    path = _csv(tmp_path / "r.csv", rows, encoding="cp1252")
    assert "–".encode("cp1252") in path.read_bytes()
    result = read_return(path)
    row = result.rows.iloc[0]
    assert row["indicator_name"] == "Violence – with injury"
    assert (row["period_raw"], row["value_raw"]) == ("Apr–Jun 2024", "–")


def test_csv_with_a_bom_and_a_multi_line_cell(tmp_path):
    path = tmp_path / "r.csv"
    body = io.StringIO()
    csv.writer(body).writerows(
        [OFFICIAL, ["VV01", "V", "Q", "count", "", "", "1", "two\nlines"], ROWS[2]]
    )
    path.write_bytes(b"\xef\xbb\xbf" + body.getvalue().encode("utf-8"))
    result = read_return(path)
    assert result.columns["indicator_code"] == "Indicator code"  # BOM not in the header
    assert result.rows["source_row"].tolist() == [2, 4]  # the line each record starts on
    assert result.rows.iloc[0]["commentary"] == "two\nlines"


def test_csv_location_says_line(tmp_path):
    rows = [OFFICIAL, [None, None, None, None, None, None, 5]]
    problem = _only(read_return(_csv(tmp_path / "r.csv", rows)), "blank-code")
    assert problem.location() == "r.csv, line 2, column Indicator code"


def test_tab_separated_csv(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "\n".join("\t".join(map(str, r)) for r in [["Code", "Period", "Value"], ["VV01", "Q", 3]])
    )
    assert _codes(read_return(path)) == ["VV01"]


def test_missing_required_column_is_one_problem_naming_it(tmp_path):
    header = [h for h in OFFICIAL if h != "Value"]
    rows = [header, [c for h, c in zip(OFFICIAL, ROWS[0], strict=False) if h != "Value"]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.code, problem.severity, problem.row) == ("missing-column", "error", 1)
    assert "value" in problem.message and "'Figure'" in problem.message
    assert "period" not in problem.message.split("Add")[0]
    assert result.rows.empty


def test_two_missing_columns_are_named_together(tmp_path):
    rows = [["Code", "Indicator", "Commentary"], ["VV01", "V", "text"]]
    problem = _only(read_return(_xlsx(tmp_path / "r.xlsx", rows)), "missing-column")
    assert "period or value columns" in problem.message
    assert problem.value == "period, value"


def test_no_header_at_all(tmp_path):
    rows = [["Quarterly return"], ["VV01", 12], ["VV02", 13]]
    result = read_return(_xlsx(tmp_path / "r.xlsx", rows))
    problem = _only(result, "no-header")
    assert problem.severity == "error"
    for accepted in (
        "indicator code",
        "'Indicator code'",
        "period",
        "'Quarter'",
        "value",
        "'Figure'",
    ):
        assert accepted in problem.message
    assert result.rows.empty and list(result.rows.columns) == list(ROW_COLUMNS)


def test_non_workbook_renamed_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "returns.xlsx"
    path.write_text("Indicator code,Period,Value\nVV01,Q,1\n")
    result = read_return(path)
    problem = _only(result, "unreadable-file")
    assert problem.severity == "error" and problem.location() == "returns.xlsx"
    assert result.rows.empty


def test_unknown_extension_is_unreadable(tmp_path):
    path = tmp_path / "returns.docx"
    path.write_bytes(b"PK\x03\x04")
    assert "xlsx" in _only(read_return(path), "unreadable-file").message


def test_binary_csv_and_missing_file_are_unreadable(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"\x00\x01\x02\xff")
    assert _only(read_return(path), "unreadable-file")
    assert _only(read_return(tmp_path / "nope.xlsx"), "unreadable-file")


def test_empty_workbook_and_header_only(tmp_path):
    assert _only(read_return(_xlsx(tmp_path / "e.xlsx", [])), "empty")
    result = read_return(_xlsx(tmp_path / "h.xlsx", [OFFICIAL]))
    assert _only(result, "empty").row == 1


def test_sheet_choice(tmp_path):
    # no preferred sheet: the first sheet with a header wins, later ones are mentioned
    rows = [OFFICIAL, ROWS[0]]
    path = _xlsx(
        tmp_path / "r.xlsx", [["cover"]], sheet="Cover", extra_sheets=[("Q1", rows), ("Q2", rows)]
    )
    result = read_return(path)
    assert result.sheet == "Q1" and _codes(result) == ["VV01"]
    assert _only(result, "other-sheet").sheet == "Q2"
    # a sheet called Return (any case) is preferred over earlier sheets
    path = _xlsx(
        tmp_path / "p.xlsx",
        rows,
        sheet="Guidance",
        extra_sheets=[(" return ", [OFFICIAL, ROWS[1]])],
    )
    result = read_return(path)
    assert result.sheet == " return " and _codes(result) == ["VV02"]


def test_uploaded_file_object_with_a_name(tmp_path):
    path = _xlsx(tmp_path / "tmp123", [OFFICIAL, *ROWS])
    with path.open("rb") as handle:
        result = read_return(handle, file_name="Violence Q1.xlsx")
    assert result.file == "Violence Q1.xlsx" and _codes(result) == ["VV01", "VV02", "RO01"]


def test_source_rows_match_excel_row_numbers(tmp_path):
    rows = [["Title"], [], OFFICIAL, ROWS[0], [], ROWS[1], ["Priority 2"], ROWS[2]]
    path = _xlsx(tmp_path / "r.xlsx", rows)
    result = read_return(path)
    sheet = openpyxl.load_workbook(path)["Return"]
    for code, row in zip(result.rows["indicator_code"], result.rows["source_row"], strict=True):
        assert sheet.cell(row=row, column=1).value == code


def test_problem_location_parts():
    assert Problem("blank-code", "error", "m", "f.xlsx").location() == "f.xlsx"
    assert (
        Problem("blank-code", "error", "m", "f.xlsx", "Return").location() == "f.xlsx, sheet Return"
    )
