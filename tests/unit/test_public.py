"""The public view's core: the switch, what it shows of the demo, commentary marked for
publishing, and the command line (issue 10)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from loaders import periods
from outcomes.errors import Refused
from outcomes.outputs import pack, public
from outcomes.queries import board
from outcomes.workflows import framework, meetings
from tests.actors import acting
from tests.cli import outcomes

DEMO_PUBLIC = {
    "VV01", "VV03", "RO01", "SV01", "SV02", "SV03", "SV04",
    "HC01", "HC03", "DA01", "DA03", "FS01", "FS02", "FS03",
}  # fmt: skip


def test_the_view_is_off_until_an_administrator_switches_it_on(demo_store):
    cur = demo_store.cursor()
    assert not public.public_view_enabled(cur)
    assert public.set_public_view(cur, True, by=acting("Jo Admin"))
    assert public.public_view_enabled(cur)
    assert not public.set_public_view(cur, True, by=acting("Jo Admin"))  # already on: no change
    assert public.set_public_view(cur, False, by=acting("Sam Admin"))
    assert not public.public_view_enabled(cur)
    trail = cur.execute(
        "SELECT who, change, after FROM audit_log WHERE entity = 'setting' "
        "AND entity_key = 'public_view' ORDER BY id"
    ).fetchall()
    assert [(w, c, json.loads(a)) for w, c, a in trail] == [
        ("Jo Admin", "switched on", {"public_view": "on"}),
        ("Sam Admin", "switched off", {"public_view": "off"}),
    ]
    with pytest.raises(Refused, match="Sign in first"):
        public.set_public_view(cur, True, by=None)
    with pytest.raises(Refused, match="board member and may not change the public view"):
        public.set_public_view(cur, True, by=acting("Bo Board", "board"))
    # The page's switch and the command line call this one function: only an administrator.
    for who in (acting("Lee Lead", "lead", ("street-violence",)), acting("Ann Lyst", "analyst")):
        with pytest.raises(Refused, match="may not change the public view"):
            public.set_public_view(cur, True, by=who)
    assert not public.public_view_enabled(cur)


def test_the_public_snapshot_shows_only_public_indicators_with_small_numbers_suppressed(
    demo_store,
):
    cur = demo_store.cursor()
    meetings.add_commentary(
        cur, "FS03", "2024/25 Q4", by=acting("Fire lead", "lead", ("safety-in-homes",)), narrative="Seen by residents.",
        published=True,
    )  # fmt: skip
    meetings.add_commentary(
        cur, "FS02", "2024/25 Q4", by=acting("Fire lead", "lead", ("safety-in-homes",)), narrative="Board only.",
        blockage=True, blockage_detail="Budget held up.",
    )  # fmt: skip
    snap = public.public_snapshot(cur)
    rows = {r["code"]: r for r in snap.indicators}
    assert set(rows) == DEMO_PUBLIC
    # FS03: casualties, a count of 5: shown as words, its baseline of 6 too, status still shown.
    assert rows["FS03"]["value"] == rows["FS03"]["value_text"] == "fewer than 8"
    assert rows["FS03"]["baseline"] == "fewer than 8"
    assert rows["FS03"]["effective"] == "green"
    assert "5" not in rows["FS03"]["reason"] and "not published" in rows["FS03"]["reason"]
    assert rows["FS03"]["direction"] == "not published"
    assert rows["FS03"]["commentary"] == "Seen by residents. (2024/25 Q4)"
    assert rows["FS02"]["commentary"] is None  # not marked for publishing, and a blockage
    assert rows["SV01"]["value"] == 301  # the partnership's own count, as reported
    assert snap.exceptions.blockages.empty and snap.exceptions.overdue_returns.empty
    assert snap.actions.empty
    history = public.public_history(cur, "FS03")
    assert not history["value"].between(1, 7).any()
    assert (history["value_text"] == "fewer than 8").sum() == history["value"].isna().sum() == 14
    areas = public.public_areas(cur, "SV01")
    assert (areas["value"] % 5 == 0).all()
    raw = board.area_history(cur, "SV01")
    assert (raw["value"] % 5 != 0).any()  # so the rounding above did something
    assert public.public_history(cur, "MS02").empty  # not public: nothing at all
    assert public.public_indicator(cur, "MS02") is None


def test_the_public_workbook_carries_no_private_indicator_and_no_small_count(demo_store):
    out = io.BytesIO()
    pack.build_pack(demo_store.cursor(), "xlsx", out, public=True)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "MS02" not in cells and "DA02" not in cells
    rows = list(wb["Indicators"].iter_rows(values_only=True))
    fs03 = dict(zip(rows[0], next(r for r in rows if r[1] == "FS03"), strict=True))
    assert fs03["Value"] == "fewer than 8" and fs03["Baseline"] == "fewer than 8"
    assert fs03["Override reason"] is None and fs03["Commentary"] is None


def test_a_public_pack_for_a_past_meeting_is_refused(demo_store):
    with pytest.raises(pack.PackError, match="as they stand now"):
        pack.build_pack(
            demo_store.cursor(), "xlsx", io.BytesIO(), public=True, meeting_date="2025-05-15"
        )


def test_a_suppression_rule_that_cannot_be_read_is_a_framework_problem(demo_framework):
    doc = framework.to_nested(demo_framework)
    doc["priorities"][0]["indicators"][0]["suppression"] = "hide small ones"
    with pytest.raises(framework.FrameworkError, match="VV01: suppression 'hide small ones'"):
        framework.from_nested(doc)
    doc["priorities"][0]["indicators"][0]["suppression"] = "Threshold  10"
    table = framework.from_nested(doc)["indicator"].set_index("code")
    assert table.loc["VV01", "suppression"] == "threshold 10"
    assert not table.loc["VV02", "public"] and table.loc["VV01", "public"]


def test_the_command_line_switches_the_view_and_writes_the_public_pack(copy_demo, tmp_path):
    db = str(copy_demo(tmp_path / "cli.duckdb"))
    done = outcomes("public", "status", "--db", db)
    assert done.stdout.splitlines() == [
        "the public view is off",
        "14 of 22 indicators are marked public in the framework",
    ]
    done = outcomes("public", "on", "--db", db, "--as", "board.member@demo.example")
    assert done.returncode == 2 and "may not change the public view" in done.stderr
    done = outcomes("public", "on", "--db", db, "--as", "admin@demo.example")
    assert done.returncode == 0 and done.stdout.startswith("the public view is now on\n")
    assert "(set by Adi Admin (administrator) on " in done.stdout
    # the day as the board writes it: "7 December 2026 at 13:05", not "07 December"
    assert f" on {periods.long_date(date.today())} at " in done.stdout
    facts = json.loads(outcomes("public", "status", "--json", "--db", db).stdout)
    assert facts["enabled"] and facts["changed_by"] == "Adi Admin (administrator)"
    # With --json, stdout is the JSON alone (no sentence before it), whether it changed or not.
    done = outcomes("public", "off", "--json", "--db", db, "--as", "admin@demo.example")
    assert done.returncode == 0 and json.loads(done.stdout)["changed"] is True
    again = json.loads(outcomes("public", "off", "--json", "--db", db).stdout)
    assert again["changed"] is False and not again["enabled"]
    out = tmp_path / "public.xlsx"
    done = outcomes("pack", "--public", "--format", "xlsx", "--out", str(out), "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"public pack written to {out}")
    done = outcomes(
        "pack", "--public", "--format", "xlsx", "--out", str(out), "--meeting", "2025-05-15",
        "--db", db,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "leave the meeting date out" in done.stderr


def _pack_text(cur, fmt: str, **kw) -> str:
    """Every word a pack of ``fmt`` carries: PDF text, slide text and tables, workbook cells."""
    from pptx import Presentation
    from pypdf import PdfReader

    out = io.BytesIO()
    pack.build_pack(cur, fmt, out, **kw)
    out.seek(0)
    if fmt == "pdf":
        reader = PdfReader(out)
        return " ".join(
            [" ".join(p.extract_text().split()) for p in reader.pages]
            + [str(reader.metadata.title), *(str(o.title) for o in reader.outline)]
        )
    if fmt == "pptx":
        deck = Presentation(out)
        words = [deck.core_properties.title]
        for shape in (s for slide in deck.slides for s in slide.shapes):
            if shape.has_text_frame:
                words.append(shape.text_frame.text)
            if shape.has_table:
                words += [c.text for row in shape.table.rows for c in row.cells]
        return " ".join(words)
    wb = load_workbook(out)
    cells = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    return " ".join([wb.properties.title, *wb.sheetnames, *cells])


WITHHELD_WORDS = ("Blockages escalated", "Actions overdue", "Returns overdue", "Actions log")


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "xlsx"])
def test_the_public_summary_leaves_out_what_it_withholds_rather_than_saying_none(
    busy_store, chromium, fmt
):
    """Issue 17: the public summary said "Blockages escalated to the board (0) None" while the
    board had two. Withheld is not zero: those sections are left out, and it is a public
    summary, not a board pack, in every format. Its priorities' statuses, rolled up from the
    published indicators only, say so."""
    cur = busy_store.cursor()
    board_pack = _pack_text(cur, fmt)
    assert "Board pack" in board_pack or "board pack" in board_pack
    if fmt == "pdf":  # the board's own pack keeps the sections the public summary leaves out
        assert all(words in board_pack for words in WITHHELD_WORDS)
    summary = _pack_text(cur, fmt, public=True)
    assert "Public summary" in summary or "public summary" in summary
    assert "board pack" not in summary.lower()
    assert not [words for words in WITHHELD_WORDS if words in summary]
    assert "Actions" not in summary.split() and "No actions are recorded" not in summary
    # Finding 4: the statuses are the published indicators' roll-up, and say so beside them.
    assert "worked out from the published indicators only" in summary
    assert "published indicators only" not in board_pack


def test_a_public_status_differs_from_the_boards_only_where_it_says_why(demo_store):
    """Issue 17, finding 4: vulnerable victims is Green in public and Amber to the board,
    because only its published indicators count. The public status is that roll-up, and the
    snapshot says so (the pages and every format of the pack print ``status_basis``)."""
    from outcomes.outputs.snapshot import snapshot

    cur = demo_store.cursor()
    board_status = {p["id"]: p["status"] for p in snapshot(cur).priorities}
    snap = public.public_snapshot(cur)
    shown = {p["id"]: p["status"] for p in snap.priorities}
    differs = [pid for pid in shown if shown[pid] != board_status[pid]]
    assert differs, "the demo should have a priority whose public status differs"
    assert snap.status_basis == "worked out from the published indicators only"
    assert snap.status_heading == "Status (published indicators only)"
    assert "the board's, which counts every indicator, may differ" in snap.explanation
    assert snapshot(cur).status_basis is None and snapshot(cur).status_heading == "Status"


def test_one_suppressed_area_cannot_be_worked_out_from_the_total():
    """Issue 17: with one area suppressed, the partnership's total less the rounded areas gave
    it away. Secondary suppression withholds the next-smallest area count of that period too."""
    import pandas as pd

    frame = pd.DataFrame(
        [
            ("2024/25 Q1", "all", 30), ("2024/25 Q1", "north", 3), ("2024/25 Q1", "south", 12),
            ("2024/25 Q1", "east", 15),
            ("2024/25 Q2", "all", 34), ("2024/25 Q2", "north", 9), ("2024/25 Q2", "south", 10),
            ("2024/25 Q2", "east", 15),
        ],
        columns=["period", "area", "value"],
    )  # fmt: skip
    out = public.published(frame, {"unit": "count", "decimals": 0, "suppression": None})
    q1 = out[out["period"] == "2024/25 Q1"].set_index("area")
    assert q1.loc["north", "value_text"] == "fewer than 8"
    assert q1.loc["south", "value_text"] == "not shown, so that a small number cannot be worked out"
    assert pd.isna(q1.loc["south", "value"]) and q1.loc["east", "value"] == 15
    shown = q1.loc["all", "value"] - q1.loc[["east"], "value"].sum()
    assert shown == 15  # north and south together: neither can be read off
    q2 = out[out["period"] == "2024/25 Q2"]
    assert q2["value"].notna().all()  # nothing suppressed, nothing withheld
    # A percentage's areas do not add up to a total: no secondary suppression there.
    rates = public.published(frame, {"unit": "percent", "decimals": 0, "suppression": None})
    assert rates["value"].notna().all()


def _return_with_commentary(cur, tmp_path, *rows):
    """A lead's return for vulnerable victims, sent with commentary, committed."""
    from outcomes.workflows import uploads
    from tests.unit.test_uploads import NEXT, TODAY, row, workbook

    lines = [row(code, NEXT.code, value, words, flag) for code, value, words, flag in rows]
    by = acting("VV lead", "lead", ("vulnerable-victims",))
    prepared = uploads.prepare(cur, workbook(tmp_path / "vv.xlsx", lines), today=TODAY, by=by)
    uploads.commit(cur, prepared, by=by, accept_warnings=True)
    return {
        code: cur.execute(
            "SELECT max(id) FROM commentary WHERE indicator_code = ?", [code]
        ).fetchone()[0]
        for code, *_ in rows
    }


def test_commentary_sent_in_a_return_is_marked_for_publishing_afterwards(demo_store, tmp_path):
    """Issue 17: a return's commentary could never reach the public view. Its lead or an
    analyst marks it afterwards (on the priority page); a blockage's words never go."""
    cur = demo_store.cursor()
    ids = _return_with_commentary(
        cur, tmp_path, ("VV01", 80, "More victims took up support.", "N"),
        ("VV03", 60, "No interpreter funded.", "Y"),
    )  # fmt: skip
    assert public.public_commentary(cur, "VV01") is None  # sent, not yet published
    lead = acting("VV lead", "lead", ("vulnerable-victims",))
    with pytest.raises(Refused, match="may not"):
        public.mark_published(cur, ids["VV01"], by=acting("SV lead", "lead", ("street-violence",)))
    with pytest.raises(Refused, match="may not"):
        public.mark_published(cur, ids["VV01"], by=acting("Bo Board", "board"))
    assert public.mark_published(cur, ids["VV01"], by=lead)
    assert not public.mark_published(cur, ids["VV01"], by=lead)  # already: nothing changes
    assert public.public_commentary(cur, "VV01")["narrative"] == "More victims took up support."
    with pytest.raises(meetings.MeetingError, match="a blockage escalated to the board is never"):
        public.mark_published(cur, ids["VV03"], by=acting("Ann Lyst", "analyst"))
    assert public.public_commentary(cur, "VV03") is None
    assert public.mark_published(cur, ids["VV01"], False, by=acting("Ann Lyst", "analyst"))
    assert public.public_commentary(cur, "VV01") is None
    changes = cur.execute(
        "SELECT change FROM audit_log WHERE entity = 'commentary' ORDER BY id"
    ).fetchall()
    assert changes == [("published",), ("withdrawn from the public view",)]
