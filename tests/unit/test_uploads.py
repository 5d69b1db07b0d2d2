"""Returns and public files through prepare -> preview -> commit -> rollback, on real databases."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pandas as pd
import pytest

from outcomes.workflows import uploads
from outcomes.workflows.demo import facts
from outcomes.workflows.template import RETURN_HEADER
from tests.actors import ADMIN, acting
from tests.cli import outcomes

pytestmark = pytest.mark.engines

D = facts()  # where the demo's figures fall today
NEXT = D.latest_quarter.next()  # the quarter after the demo's latest
TODAY = NEXT.end + timedelta(days=1)  # the day it has ended
HEADER = list(RETURN_HEADER)


def workbook(path, rows, header=HEADER, title_rows=0):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    for _ in range(title_rows):
        ws.append(["Safer Plymouth quarterly return"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def row(code, period, value, commentary=None, blockage=None, area=None):
    return [code, "", period, "", None, None, value, commentary, blockage] + (
        [area] if area is not None else []
    )


def snapshot(cur):
    tables = ("observation", "upload", "commentary", "audit_log", "series_value", "series")
    return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def prepare(cur, path, **kw):
    return uploads.prepare(cur, path, today=TODAY, **kw, by=ADMIN)


@pytest.mark.parametrize(
    ("bad_row", "code", "words"),
    [
        (
            row("XX99", D.moved("2025/26 Q1"), 5),
            "unknown-indicator",
            "'XX99' is not an indicator code",
        ),
        (row("VV0l", D.moved("2025/26 Q1"), 5), "unknown-indicator", "Did you mean VV01?"),
        (row("VV02", "2025-05", 5), "period-wrong-frequency", "reported quarterly"),
        (row("VV02", "Q1 2025", 5), "period-unreadable", "2025/26 Q1"),
        (row("VV02", "banana", 5), "period-unreadable", "banana"),
        (row("VV02", D.moved("2025/26 Q1"), "lots"), "value-not-numeric", "lots"),
        (row("VV01", D.moved("2025/26 Q1"), 104), "value-out-of-range", "between 0 and 100"),
        (row("VV02", D.moved("2025/26 Q1"), -3), "value-out-of-range", "negative"),
        (row("VV02", NEXT.next(2).code, 5), "period-future", "has not finished yet"),
        (
            row("SV01", D.moved("2025/26 Q1"), 5, area="Mars"),
            "unknown-area",
            # the areas by name (Issue 17: not their codes, "stonehouse", "city-centre")
            "'Mars' is not one of the partnership's areas (Stonehouse, Devonport and City Centre)",
        ),
        (
            row("VV02", D.moved("2025/26 Q1"), 5, area="stonehouse"),
            "area-not-reported",
            "whole partnership only",
        ),
        (row("VV02", D.moved("2025/26 Q1"), 5, blockage="maybe"), "blockage-invalid", "Y or N"),
    ],
)
def test_each_rule_names_the_cell_and_writes_nothing(demo_store, tmp_path, bad_row, code, words):
    cur = demo_store.cursor()
    header = HEADER + (["Area"] if len(bad_row) > len(HEADER) else [])
    path = workbook(
        tmp_path / "bad.xlsx", [row("VV01", D.moved("2025/26 Q1"), 70), bad_row], header=header
    )
    before = snapshot(cur)
    prepared = prepare(cur, path)
    found = [p for p in prepared.errors if p.code == code]
    assert found, [(p.code, p.message) for p in prepared.problems]
    p = found[0]
    assert words in p.message
    assert (p.file, p.sheet, p.row) == ("bad.xlsx", "Return", 3)
    assert p.column
    with pytest.raises(
        uploads.UploadRefused, match="1 problem to fix in the file before it can be loaded"
    ):
        uploads.commit(cur, prepared, by=acting("lead"))
    assert snapshot(cur) == before


def test_a_workbook_with_many_faults_reports_every_one(demo_store, tmp_path):
    cur = demo_store.cursor()
    rows = [
        row("XX99", D.moved("2025/26 Q1"), 5),
        row("VV01", "Q1 2025", 5),
        row("VV02", D.moved("2025/26 Q1"), "lots"),
        row("VV03", D.moved("2025/26 Q1"), 140),
        row("RO01", D.moved("2025/26 Q1"), 20),
        row("RO01", D.moved("2025/26 Q1"), 21),
        row("FS02", NEXT.next(3).code, 30),
    ]
    prepared = prepare(cur, workbook(tmp_path / "many.xlsx", rows))
    codes = sorted(p.code for p in prepared.errors)
    assert codes == sorted(
        [
            "unknown-indicator",
            "period-unreadable",
            "value-not-numeric",
            "value-out-of-range",
            "duplicate",
            "duplicate",
            "period-future",
        ]
    )
    assert {p.row for p in prepared.errors} == {2, 3, 4, 5, 6, 7, 8}


def test_messy_return_header_lower_down_renamed_columns_markers_and_notes(demo_store, tmp_path):
    cur = demo_store.cursor()
    header = ["Code", "Quarter", "Actual", "Comments"]
    path = tmp_path / "messy.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Figures"
    ws.append(["Victim Support return"])
    ws.append([])
    ws.append(header)
    ws.append(["VV01", "Q1 2025/26", "77.5%", "Good quarter"])
    ws.append([])
    ws.append(["VV02", "Apr-Jun 2025", "1,204", None])
    ws.append(["VV03", "2025-26 Q1", "n/a", "Survey not run"])
    ws.append([])
    ws.append([])
    ws.append(["Note: figures are provisional"])
    wb.save(path)
    prepared = prepare(cur, path)
    assert not prepared.errors, [p.message for p in prepared.errors]
    obs = prepared.observations.set_index("indicator_code")
    assert obs.at["VV01", "value"] == 77.5
    assert obs.at["VV02", "value"] == 1204 and obs.at["VV02", "period"] == "2025/26 Q1"
    assert pd.isna(obs.at["VV03", "value"]) and "n/a" in obs.at["VV03", "note"]


def test_csv_return_loads_too(demo_store, tmp_path):
    cur = demo_store.cursor()
    path = tmp_path / "return.csv"
    path.write_text(
        'Indicator code,Period,Value\nVV01,2025/26 Q1,0.78\nVV02,2025/26 Q1,"1,210"\n',
        encoding="utf-8",
    )
    prepared = prepare(cur, path)
    assert not prepared.errors
    assert sorted(prepared.observations["value"]) == [78.0, 1210.0]


def test_preview_then_commit_then_identical_file_then_rollback(demo_store, tmp_path):
    cur = demo_store.cursor()
    path = workbook(
        tmp_path / "vv.xlsx",
        [
            row("VV01", D.moved("2024/25 Q4"), 70.0, "Survey changed", "Y"),
            row("VV02", D.moved("2024/25 Q4"), 405),
            row("VV03", D.moved("2025/26 Q1"), 22),
        ],
    )
    prepared = prepare(cur, path)
    assert not prepared.errors and not prepared.warnings
    before = snapshot(cur)
    shown = uploads.preview(cur, prepared)
    assert snapshot(cur) == before  # a preview writes nothing
    changes = shown.rows.set_index("what")["change"].to_dict()
    assert changes == {"VV01": "revised", "VV02": "unchanged", "VV03": "new"}
    assert shown.rows.set_index("what").at["VV01", "old_value"] == 76.2
    status = shown.statuses.set_index("indicator_code")
    assert (status.at["VV01", "before"], status.at["VV01", "after"]) == ("green", "red")

    result = uploads.commit(cur, prepared, by=acting("Service Manager, Victim Support (Devon)"))
    assert result.upload_id == 3  # the preview took no number: the demo's uploads are 1 and 2
    assert (result.rows_new, result.rows_revised, result.rows_unchanged) == (1, 1, 1)
    current = dict(cur.execute("SELECT indicator_code, status FROM indicator_status").fetchall())
    assert current["VV01"] == "red"
    upload = cur.execute(
        "SELECT uploaded_by, file_name, sha256, rows_new, rows_revised, rows_unchanged FROM upload WHERE id = ?",
        [result.upload_id],
    ).fetchone()
    assert (
        upload[:2] == ("Service Manager, Victim Support (Devon)", "vv.xlsx")
        and len(upload[2]) == 64
        and upload[3:] == (1, 1, 1)
    )
    note = cur.execute(
        "SELECT narrative, blockage, upload_id FROM commentary WHERE indicator_code = 'VV01'"
    ).fetchone()
    assert note == ("Survey changed", True, result.upload_id)

    again = prepare(cur, path)
    assert again.already_loaded == result.upload_id
    unchanged = snapshot(cur)
    repeat = uploads.commit(cur, again, by=acting("someone"))
    assert repeat.upload_id is None and snapshot(cur) == unchanged

    message = uploads.rollback(cur, result.upload_id, by=acting("administrator"))
    assert "rolled back" in message
    value = cur.execute(
        "SELECT value FROM observations_current WHERE indicator_code='VV01' AND period = ?",
        [D.latest_quarter.code],
    ).fetchone()[0]
    assert value == 76.2  # the earlier revision is current again, and the correction is kept
    assert (
        cur.execute(
            "SELECT count(*) FROM observation WHERE indicator_code='VV01' AND period = ?",
            [D.latest_quarter.code],
        ).fetchone()[0]
        == 2
    )
    with pytest.raises(uploads.UploadRefused, match="already rolled back"):
        uploads.rollback(cur, result.upload_id, by=acting("administrator"))
    with pytest.raises(uploads.UploadRefused, match="no upload 999"):
        uploads.rollback(cur, 999, by=acting("administrator"))


def test_warnings_need_a_yes(demo_store, tmp_path):
    cur = demo_store.cursor()
    meeting = cur.execute(
        "INSERT INTO meeting (meeting_date, recorded_by) VALUES (DATE '2025-05-15', 'clerk') RETURNING id"
    ).fetchone()[0]
    cur.execute(
        "INSERT INTO meeting_status VALUES (?, 'DA02', 'domestic-abuse', ?, 29.1, 28, 'amber')",
        [meeting, D.latest_quarter.code],
    )
    path = workbook(
        tmp_path / "w.xlsx",
        [
            row("VV02", D.moved("2025/26 Q1"), 1500),
            row("FS02", D.moved("2025/26 Q1"), 4),
            row("DA02", D.moved("2024/25 Q4"), 27.0),
        ],
    )
    prepared = prepare(cur, path)
    # VV02 is up by more than half; FS02's 4 is both a big fall and a small number
    assert sorted(p.code for p in prepared.warnings) == [
        "big-change",
        "big-change",
        "revises-shown-figure",
        "small-number",
    ]
    shown = next(p for p in prepared.warnings if p.code == "revises-shown-figure")
    assert "15 May 2025" in shown.message and "29.1" in shown.message
    before = snapshot(cur)
    with pytest.raises(uploads.UploadRefused, match="warning"):
        uploads.commit(cur, prepared, by=acting("lead"))
    assert snapshot(cur) == before
    assert uploads.commit(cur, prepared, by=acting("lead"), accept_warnings=True).rows_new == 2


def test_a_failure_in_the_middle_of_a_commit_leaves_the_database_exactly_as_it_was(
    demo_store, tmp_path, monkeypatch
):
    cur = demo_store.cursor()
    path = workbook(
        tmp_path / "ok.xlsx",
        [
            row("VV01", D.moved("2025/26 Q1"), 70, "note", "Y"),
            row("VV02", D.moved("2025/26 Q1"), 420),
        ],
    )
    prepared = prepare(cur, path)
    before = snapshot(cur)
    original = uploads.UploadWriter.finish

    def explode(self):
        original(self)  # the figures and the upload row are written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(uploads.UploadWriter, "finish", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        uploads.commit(cur, prepared, by=acting("lead"))
    assert snapshot(cur) == before


def test_police_uk_file_loads_series_and_recomputes_the_derived_indicator(demo_store, tmp_path):
    cur = demo_store.cursor()
    header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
    lines = []
    for month, n in (("2019-04", 3), ("2019-05", 2), ("2019-06", 4), ("2019-07", 5)):
        lines += [
            f"x,{month},P,P,0,0,On or near X,E01015025,Plymouth 001A,Violence and sexual offences,,\n"
        ] * n
    lines.append(
        "x,2019-04,P,P,0,0,On or near X,E01000001,Torbay 001A,Violence and sexual offences,,\n"
    )
    lines.append(",2019-04,P,P,,,No location,,,Anti-social behaviour,,\n")
    lines.append("x,2019-05,P,P,0,0,On or near X,E01015025,Plymouth 001A,Anti-social behaviour,,\n")
    path = tmp_path / "street.csv"
    path.write_text(header + "".join(lines), encoding="utf-8")
    prepared = prepare(cur, path)
    assert prepared.source_format == "police-uk" and not prepared.errors
    assert prepared.summary["rows outside the area (not counted)"] == 1
    assert prepared.summary["rows without a location (not counted)"] == 1
    # for people: counts before their nouns, one row as "row", months as words not codes
    assert prepared.facts.startswith("17 rows read · 15 rows in the area · 1 row outside")
    # each series named in police.uk's own words: "Anti-social behaviour", not "Anti social"
    assert set(prepared.series_meta["name"]) == {
        "Anti-social behaviour (police.uk)",
        "Violence and sexual offences (police.uk)",
    }
    assert prepared.facts.endswith("months: Apr 2019, May 2019, Jun 2019, Jul 2019")
    result = uploads.commit(cur, prepared, by=acting("analyst"))
    sv04 = cur.execute(
        "SELECT period, value FROM observations_current WHERE indicator_code = 'SV04'"
    ).fetchall()
    assert sv04 == [("2019/20 Q1", 9.0)]  # July alone is not a whole quarter yet
    uploads.rollback(cur, result.upload_id, by=acting("analyst"))
    assert (
        cur.execute(
            "SELECT count(*) FROM observations_current WHERE indicator_code = 'SV04'"
        ).fetchone()[0]
        == 0
    )
    police = "SELECT count(*) FROM series_current WHERE series_code LIKE 'police_uk.%'"
    assert cur.execute(police).fetchone()[0] == 0


def test_commentary_is_not_repeated_and_is_withdrawn_with_its_upload(demo_store, tmp_path):
    cur = demo_store.cursor()
    rows = [row("VV02", D.moved("2025/26 Q1"), 410, "Pathway stalled", "Y")]
    first = uploads.commit(
        cur, prepare(cur, workbook(tmp_path / "a.xlsx", rows)), by=acting("lead")
    )
    # the same figures and words re-saved under another name: nothing new to record
    again = uploads.commit(
        cur, prepare(cur, workbook(tmp_path / "b.xlsx", rows)), by=acting("lead")
    )
    assert again.upload_id is None
    assert cur.execute("SELECT count(*) FROM commentary").fetchone()[0] == 1
    # new words on the same figure: an upload of its own, so it can be undone
    words = [row("VV02", D.moved("2025/26 Q1"), 410, "Pathway agreed", "N")]
    third = uploads.commit(
        cur, prepare(cur, workbook(tmp_path / "c.xlsx", words)), by=acting("lead")
    )
    assert third.upload_id is not None and third.rows_unchanged == 1
    live = "SELECT narrative, blockage FROM current_commentary WHERE indicator_code = 'VV02'"
    assert cur.execute(live).fetchone() == ("Pathway agreed", False)
    uploads.rollback(cur, third.upload_id, by=acting("lead"))
    assert cur.execute(live).fetchone() == ("Pathway stalled", True)
    uploads.rollback(cur, first.upload_id, by=acting("lead"))
    assert cur.execute(live).fetchone() is None


def test_a_return_with_no_figures_is_refused_plainly(demo_store, tmp_path):
    cur = demo_store.cursor()
    path = workbook(
        tmp_path / "empty.xlsx", [row("VV01", NEXT.code, None), row("VV02", NEXT.code, None)]
    )
    prepared = prepare(cur, path)
    assert [p.code for p in prepared.errors] == ["no-figures"]
    assert "no figures" in prepared.errors[0].message
    with pytest.raises(uploads.UploadRefused):
        uploads.commit(cur, prepared, by=acting("lead"))


def test_a_computed_indicator_refuses_a_typed_figure_naming_the_cell(demo_store, tmp_path):
    cur = demo_store.cursor()
    path = workbook(
        tmp_path / "sv.xlsx", [row("SV01", NEXT.code, 300), row("SV04", NEXT.code, 1200)]
    )
    prepared = prepare(cur, path)
    (wrong,) = prepared.errors
    assert (wrong.code, wrong.row, wrong.column, wrong.value) == (
        "computed-indicator",
        3,
        "Value",
        "1200",
    )
    assert "computed from public data" in wrong.message
    # Left blank, as the template leaves it, it is no problem.
    blank = prepare(
        cur,
        workbook(tmp_path / "ok.xlsx", [row("SV01", NEXT.code, 300), row("SV04", NEXT.code, None)]),
    )
    assert not blank.errors


def test_area_figures_that_do_not_add_up_are_a_warning(demo_store, tmp_path):
    cur = demo_store.cursor()
    areas = [
        row("SV01", NEXT.code, v, area=a)
        for a, v in (("stonehouse", 100), ("devonport", 90), ("city-centre", 100))
    ]
    total = row("SV01", NEXT.code, 300, area="")
    wrong = prepare(cur, workbook(tmp_path / "w.xlsx", [total, *areas], header=[*HEADER, "Area"]))
    assert [p.code for p in wrong.warnings] == ["areas-do-not-add-up"]
    assert "add up to 290" in wrong.warnings[0].message and "300" in wrong.warnings[0].message
    total = row("SV01", NEXT.code, 290, area="")
    right = prepare(cur, workbook(tmp_path / "r.xlsx", [total, *areas], header=[*HEADER, "Area"]))
    assert not right.warnings


def test_commentary_over_the_limit_is_a_problem_naming_the_cell(demo_store, tmp_path):
    from outcomes.workflows.meetings import COMMENTARY_MAX_CHARS, MeetingError, add_commentary

    cur = demo_store.cursor()
    long = "x" * (COMMENTARY_MAX_CHARS + 1)
    prepared = prepare(cur, workbook(tmp_path / "c.xlsx", [row("VV01", NEXT.code, 70, long)]))
    (too_long,) = prepared.errors
    assert (too_long.code, too_long.row, too_long.column) == (
        "commentary-too-long",
        2,
        "Commentary",
    )
    assert f"{COMMENTARY_MAX_CHARS:,}" in too_long.message
    with pytest.raises(MeetingError, match="the limit is"):
        add_commentary(cur, "VV01", NEXT.code, by=acting("lead"), narrative=long)
    ok = prepare(cur, workbook(tmp_path / "ok.xlsx", [row("VV01", NEXT.code, 70, long[:-1])]))
    assert not ok.errors


def test_preview_commit_and_load_show_the_commentary_and_blockage_the_board_will_read(
    demo_store, copy_demo, tmp_path
):
    """Issue 17 finding 8: "0 new, 1 revised, 6 unchanged figures" said nothing of a blockage."""
    cur = demo_store.cursor()
    q4 = D.moved("2024/25 Q4")
    vv01 = row("VV01", q4, 76.2, "No survey provider from July.", "Y")
    path = workbook(tmp_path / "vv.xlsx", [vv01, row("VV02", q4, 405, "Calls steady.")])
    shown = uploads.preview(cur, prepare(cur, path))
    assert shown.commentary == [
        {"indicator_code": "VV01", "name": shown.commentary[0]["name"],
         "period": D.moved("2024/25 Q4"), "story": None,
         "blockage": "No survey provider from July."},
        {"indicator_code": "VV02", "name": shown.commentary[1]["name"],
         "period": D.moved("2024/25 Q4"), "story": "Calls steady.", "blockage": None},
    ]  # fmt: skip
    assert uploads.told_summary(shown.commentary) == "1 commentary and 1 blockage for the board"
    result = uploads.commit(cur, prepare(cur, path), by=acting("Lead"))
    assert uploads.upload_commentary(cur, result.upload_id) == shown.commentary

    db = copy_demo(tmp_path / "cli.duckdb")
    done = outcomes("load", str(path), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert (
        "commentary for the board: VV01 " in done.stdout
        and "⚑ blockage escalated to the board: No survey provider from July." in done.stdout
    )
    assert "the story behind the curve: Calls steady." in done.stdout


def test_undoing_one_figure_and_its_commentary_reads_in_the_singular(demo_store, tmp_path):
    cur = demo_store.cursor()
    path = workbook(tmp_path / "one.xlsx", [row("VV03", D.moved("2025/26 Q1"), 22, "Pilot ended")])
    done = uploads.commit(cur, prepare(cur, path), by=acting("analyst"))
    described = uploads.upload_facts(cur, done.upload_id).describe()
    assert described.endswith(": 1 figure and 1 piece of commentary"), described
    undone = uploads.rollback(cur, done.upload_id, by=acting("analyst"))
    assert "its 1 figure is withdrawn; any earlier figure it replaced is current again" in undone
    assert "(s)" not in undone
    restored = uploads.restore(cur, done.upload_id, by=acting("analyst"))
    assert restored.endswith("restored: its 1 figure counts again.")


def test_a_row_with_commentary_but_no_figure_says_its_commentary_is_kept(demo_store, tmp_path):
    """Issue 17: "no figure given, so nothing is recorded for it" was wrong when the row's
    commentary is stored."""
    cur = demo_store.cursor()
    path = workbook(
        tmp_path / "story.xlsx",
        [
            row("VV01", NEXT.code, 77.0),
            row("VV02", NEXT.code, None, "Figures late from the provider", "Y"),
            row("VV03", NEXT.code, None),
        ],
    )
    prepared = prepare(cur, path)
    said = {p.row: p.message for p in prepared.problems if p.code == "no-figure"}
    assert said[3].endswith(
        "no figure given, so no figure is recorded; its commentary and blockage are kept."
    )
    assert said[4].endswith("no figure given, so nothing is recorded for it.")
    assert list(prepared.commentary["indicator_code"]) == ["VV02"]


def test_the_preview_names_each_figure_in_words_not_codes(demo_store, tmp_path):
    """Issue 17: the preview listed "2026-07" and code-only rows ("VV01")."""
    from outcomes.rules import wording

    cur = demo_store.cursor()
    path = workbook(tmp_path / "words.xlsx", [row("VV01", NEXT.code, 77.0)])
    shown = uploads.preview(cur, prepare(cur, path))
    (r,) = shown.rows.to_dict("records")
    assert r["what"] == "VV01" and r["name"] and r["name"] != "VV01"
    assert r["period_words"] == wording.period(NEXT.code) != NEXT.code
    assert r["area_words"] == "Whole area"
