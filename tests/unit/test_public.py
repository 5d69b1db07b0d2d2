"""The public view's core: the switch, what it shows of the demo, commentary marked for
publishing, and the command line (issue 10)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from loaders import periods
from outcomes import board, framework, meetings, pack, public
from outcomes.errors import Refused
from tests.actors import acting
from tests.unit.test_cli import outcomes

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
        "SELECT who, change, after FROM audit_log WHERE entity = 'setting' ORDER BY id"
    ).fetchall()
    assert [(w, c, json.loads(a)) for w, c, a in trail] == [
        ("Jo Admin", "switched on", {"public_view": "on"}),
        ("Sam Admin", "switched off", {"public_view": "off"}),
    ]
    with pytest.raises(Refused, match="Sign in first"):
        public.set_public_view(cur, True, by=None)
    with pytest.raises(Refused, match="board member and may not change the public view"):
        public.set_public_view(cur, True, by=acting("Bo Board", "board"))


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


def test_the_command_line_switches_the_view_and_writes_the_public_pack(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    assert outcomes("init", "--demo", "--db", db).returncode == 0
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
