"""Meetings freeze what the board saw; exceptions since then; commentary, overrides, actions."""

from __future__ import annotations

import json
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest

from loaders import periods
from outcomes.queries import board, observations
from outcomes.queries.observations import record_upload
from outcomes.queries.trail import audit_trail, describe_change
from outcomes.storage import people
from outcomes.workflows import agenda, blockages, meetings, uploads
from outcomes.workflows.demo import facts
from tests.actors import ADMIN, acting
from tests.board import record_business

D = facts()  # where the demo's figures fall today

TODAY = date(2026, 11, 22)


def _load(cur, code, period, value):
    frame = pd.DataFrame(
        [{"indicator_code": code, "period": period, "area": "all", "value": value}]
    )
    return record_upload(
        cur, frame, by=acting("lead"), file_name=f"{code}.xlsx", source_format="return"
    )


def test_a_meeting_freezes_statuses_and_later_revisions_do_not_rewrite_them(demo_store):
    cur = demo_store.cursor()
    meeting_id = meetings.record_meeting(cur, "2025-05-15", by=acting("Democratic Support Officer"))
    frozen = dict(
        cur.execute(
            "SELECT indicator_code, status FROM meeting_status WHERE meeting_id = ?", [meeting_id]
        ).fetchall()
    )
    assert len(frozen) == 22 and frozen["VV02"] == "amber"
    _load(cur, "VV02", D.moved("2024/25 Q4"), 300)  # a revision after the meeting turns VV02 red
    assert (
        dict(cur.execute("SELECT indicator_code, status FROM indicator_status").fetchall())["VV02"]
        == "red"
    )
    again = dict(
        cur.execute(
            "SELECT indicator_code, status FROM meeting_status WHERE meeting_id = ?", [meeting_id]
        ).fetchall()
    )
    assert again == frozen
    with pytest.raises(meetings.MeetingError, match="already recorded"):
        meetings.record_meeting(cur, "2025-05-15", by=acting("x"))
    with pytest.raises(meetings.MeetingError, match="not a date"):
        meetings.record_meeting(cur, "next Thursday", by=acting("x"))


def test_since_the_last_meeting_lists_the_exceptions(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    _load(cur, "VV01", D.moved("2025/26 Q1"), 60.0)  # green -> red, and new data
    _load(cur, "DA02", D.moved("2025/26 Q1"), 27.0)  # amber -> green
    blocked = {"blockage": True, "blockage_detail": "Need police data-sharing agreement signed"}
    linked = {"meeting_date": "2025-05-15", "priority_id": "harmful-reoffending"}
    record_business(
        cur,
        [("RO01", "2024/25 Q4", "Head of Probation Delivery Unit", {"narrative": "Cohort changed", **blocked})],
        [
            ("A1", "Sign the data-sharing agreement", "Chief Superintendent", {"due_date": "2025-06-30", **linked}),
            ("A2", "Report back on hate crime", "Equality Lead", {"due_date": "2027-01-31"}),
        ],
    )  # fmt: skip
    ex = agenda.since_last_meeting(cur, today=TODAY)
    changed = ex.changed.set_index("indicator_code")
    assert (
        changed.at["VV01", "was"],
        changed.at["VV01", "now"],
        changed.at["VV01", "direction"],
    ) == ("green", "red", "worse")
    assert changed.at["DA02", "direction"] == "better"
    assert set(ex.new_data["indicator_code"]) == {"VV01", "DA02"}
    assert list(ex.blockages["indicator_code"]) == ["RO01"]
    assert list(ex.overdue_actions["reference"]) == ["A1"]
    # two leads' early returns make no one else late: only SV04, which awaits police.uk
    # files, and the demo's stale MS02 are overdue
    assert list(ex.overdue_returns["indicator_code"]) == ["MS02"]


def test_an_override_needs_a_reason_and_both_statuses_are_kept(demo_store):
    cur = demo_store.cursor()
    ro01 = ("RO01", D.moved("2024/25 Q4"))
    overridden = {"by": acting("Head of Probation"), "status_override": "amber"}
    with pytest.raises(meetings.MeetingError, match="only be overridden with a reason"):
        meetings.add_commentary(cur, *ro01, **overridden)
    why = "Cohort doubled in size; the rate is not comparable"
    meetings.add_commentary(cur, *ro01, override_reason=why, **overridden)
    row = board.indicator_ratings(cur).set_index("indicator_code").loc["RO01"]
    assert (row["status"], row["status_override"], row["effective_status"]) == (
        "red",
        "amber",
        "amber",
    )
    assert (
        dict(cur.execute("SELECT indicator_code, status FROM indicator_status").fetchall())["RO01"]
        == "red"
    )
    summary = board.priority_summary(cur).set_index("id")
    assert summary.at["harmful-reoffending", "status"] == "amber"
    audit = audit_trail(cur, "commentary")
    assert audit.iloc[0]["change"] == "override" and "Cohort doubled" in audit.iloc[0]["after"]


def test_actions_add_edit_close_with_audit_and_an_xlsx_round_trip(demo_store, tmp_path):
    cur = demo_store.cursor()
    a1 = {"reference": "A1", "text": "Agree outcome measures", "due_date": "2025-01-31"}
    assert meetings.save_action(cur, by=acting("clerk"), owner="Chair", **a1) == "added"
    assert meetings.save_action(cur, by=acting("clerk"), owner="Chair", **a1) == "unchanged"
    assert meetings.save_action(cur, by=acting("chair"), owner="Vice-chair", **a1) == "changed"
    log = meetings.actions(cur, today=TODAY).set_index("reference")
    assert bool(log.at["A1", "overdue"])
    meetings.close_action(cur, "A1", by=acting("chair"))
    log = meetings.actions(cur, today=TODAY).set_index("reference")
    assert log.at["A1", "status"] == "done" and not bool(log.at["A1", "overdue"])
    trail = audit_trail(cur, "action")
    assert list(trail["change"]) == ["closed", "changed", "added"]
    assert '"owner": "Chair"' in trail.iloc[1]["before"]

    out = tmp_path / "actions.xlsx"
    assert meetings.export_actions(cur, out) == 1
    wb = openpyxl.load_workbook(out)
    ws = wb["Actions"]
    ws.append(
        [
            "A2",
            "Invite the Student Union President",
            "University of Plymouth",
            "2026-12-31",
            "open",
            None,
            None,
        ]
    )
    wb.save(out)
    assert meetings.import_actions(cur, out, by=acting("clerk")) == {
        "added": 1,
        "changed": 0,
        "unchanged": 1,
    }


def test_a_bad_actions_workbook_imports_nothing_and_lists_every_row(demo_store, tmp_path):
    cur = demo_store.cursor()
    out = tmp_path / "bad.xlsx"
    pd.DataFrame(
        [
            {
                "reference": "B1",
                "text": "Fine",
                "owner": "Chair",
                "due_date": "2026-01-01",
                "status": "open",
            },
            {"reference": "B2", "text": "", "owner": "Chair", "due_date": "soon", "status": "open"},
            {
                "reference": "B3",
                "text": "Linked",
                "owner": "Chair",
                "due_date": None,
                "status": "maybe",
            },
        ]
    ).to_excel(out, sheet_name="Actions", index=False)
    with pytest.raises(meetings.MeetingError) as caught:
        meetings.import_actions(cur, out, by=acting("clerk"))
    assert "row 3" in str(caught.value) and "row 4" in str(caught.value)
    assert cur.execute("SELECT count(*) FROM action").fetchone()[0] == 0


def test_a_return_blockage_reaches_the_board(demo_store, tmp_path):
    from outcomes.workflows.template import RETURN_HEADER

    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    ws.append(list(RETURN_HEADER))
    ws.append(
        ["VV02", "", D.moved("2025/26 Q1"), "", None, None, 410, "Referral pathway stalled", "Y"]
    )
    wb.save(tmp_path / "r.xlsx")
    ended = periods.parse_code(D.moved("2025/26 Q1")).end + timedelta(days=1)
    prepared = uploads.prepare(cur, tmp_path / "r.xlsx", today=ended, by=ADMIN)
    uploads.commit(cur, prepared, by=acting("Victim Support"))
    ex = agenda.since_last_meeting(cur, today=TODAY)
    assert list(ex.blockages["indicator_code"]) == ["VV02"]
    # The row's commentary is what is blocked, on the agenda and wherever the commentary shows.
    assert list(ex.blockages["detail"]) == ["Referral pathway stalled"]
    note = meetings.latest_commentary(cur, "VV02", D.moved("2025/26 Q1"))
    assert note["blockage_detail"] == "Referral pathway stalled"


def test_the_agenda_gives_missing_text_as_none_and_says_what_is_blocked(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    record_business(
        cur,
        [
            ("VV01", "2024/25 Q4", "lead", {"blockage": True}),
            ("RO01", "2024/25 Q4", "lead", {"narrative": "Story only.", "blockage": True}),
            ("DA02", "2024/25 Q4", "lead", {"blockage": True, "blockage_detail": "No refuge."}),
        ],
        [],
    )
    blocked = agenda.since_last_meeting(cur).blockages.set_index("indicator_code")
    assert blocked.at["VV01", "blockage_detail"] is None and blocked.at["VV01", "detail"] is None
    assert blocked.at["RO01", "detail"] == "Story only."
    assert blocked.at["DA02", "detail"] == "No refuge."


def test_an_agenda_at_a_past_meeting_compares_with_the_meeting_before(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    first = agenda.since_last_meeting(cur, at="2025-05-15")
    assert first.meeting is None and first.at["meeting_date"].date().isoformat() == "2025-05-15"
    with pytest.raises(meetings.MeetingError, match="No board meeting on 1 June 2025"):
        agenda.since_last_meeting(cur, at="2025-06-01")


def test_changes_are_listed_worse_first_in_the_boards_words():
    assert list(agenda.CHANGE_WORDS) == ["worse", "changed", "better"]
    assert agenda.change_words("better") == "↗ better"


def test_audit_entries_read_as_field_changes_and_new_actions_get_a_free_reference():
    before = '{"text": "Write", "owner": "Chair", "due_date": null}'
    after = '{"text": "Write to housing", "owner": "Chair", "due_date": "2025-06-01"}'
    assert describe_change(before, after) == (
        "text: Write → Write to housing; due date: – → 1 June 2025"
    )
    assert meetings.next_reference(["A1", "A2", "A4"]) == "A5"
    assert meetings.next_reference(["A1", "A3"]) == "A4"


def test_a_new_action_never_reuses_a_reference(demo_store):
    cur = demo_store.cursor()
    offered = meetings.next_reference([])  # what a form showed before anyone saved
    assert (
        meetings.add_action(cur, by=acting("clerk"), text="First", owner="Chair") == offered == "A1"
    )
    assert meetings.add_action(cur, by=acting("clerk"), text="Second", owner="Chair") == "A2"
    texts = dict(cur.execute("SELECT reference, text FROM action").fetchall())
    assert texts == {"A1": "First", "A2": "Second"}
    with pytest.raises(meetings.MeetingError, match="needs the action"):
        meetings.add_action(cur, by=acting("clerk"), text=" ", owner="Chair")


def test_a_meeting_cannot_be_recorded_in_the_future(demo_store):
    cur = demo_store.cursor()
    with pytest.raises(meetings.MeetingError, match="has not come yet"):
        meetings.record_meeting(cur, "2026-12-04", by=acting("clerk"), today=date(2026, 12, 3))
    assert cur.execute("SELECT count(*) FROM meeting").fetchone()[0] == 0
    meetings.record_meeting(cur, "2026-12-03", by=acting("clerk"), today=date(2026, 12, 3))


def test_a_blockage_is_listed_once_and_can_be_resolved_with_a_note(demo_store):
    cur = demo_store.cursor()
    q = D.latest_quarter.code
    for detail in ("No refuge places.", "Still no refuge places."):
        meetings.add_commentary(
            cur, "DA02", q, by=acting("lead"), blockage=True, blockage_detail=detail
        )
    listed = agenda.since_last_meeting(cur).blockages
    assert list(listed["detail"]) == ["Still no refuge places."]  # once, the newest words
    with pytest.raises(meetings.MeetingError, match="note"):
        blockages.resolve_blockage(cur, "DA02", q, outcome="resolved", note=" ", by=acting("chair"))
    assert (
        blockages.resolve_blockage(
            cur, "DA02", q, outcome="resolved", note="Beds funded.", by=acting("chair")
        )
        == 2
    )
    assert agenda.since_last_meeting(cur).blockages.empty
    trail = audit_trail(cur, "blockage")
    assert list(trail["change"]) == ["resolved"] and "Beds funded." in trail.iloc[0]["after"]
    with pytest.raises(meetings.MeetingError, match="no open blockage"):
        blockages.resolve_blockage(
            cur, "DA02", q, outcome="withdrawn", note="x", by=acting("chair")
        )
    # Escalated again later, it is open again.
    meetings.add_commentary(
        cur, "DA02", q, by=acting("lead"), blockage=True, blockage_detail="Again."
    )
    assert list(agenda.since_last_meeting(cur).blockages["detail"]) == ["Again."]


def test_a_revised_figure_says_what_the_board_saw_and_who_corrected_it(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, date.today(), by=acting("clerk"))
    _load(cur, "VV02", D.latest_quarter.code, 300)  # amber 405 at the meeting, now red
    (row,) = agenda.since_last_meeting(cur).changed.to_dict("records")
    said = f"the board saw 405; corrected to 300 by lead on {periods.long_date(date.today())}"
    assert (row["indicator_code"], row["was"], row["now"], row["revision"]) == (
        "VV02",
        "amber",
        "red",
        said,
    )
    fixed = observations.corrections(cur, "VV02").to_dict("records")
    assert [f["words"] for f in fixed] == [said]
    # The demo's own correction, made before any meeting, is told as first reported.
    (vv01,) = observations.corrections(cur, "VV01").to_dict("records")
    assert vv01["words"].startswith("first reported as ") and "corrected to 74.1%" in vv01["words"]


def test_the_audit_records_only_what_changed_and_says_it_in_words(demo_store):
    """Issue 17: "due date: 2026-12-01 00:00:00 → 2026-12-01" was logged for a change that
    never happened, and stored values leaked ("priority id: street-violence", "active: True",
    "priorities: ['safety-in-homes']", "new: 11740")."""
    cur = demo_store.cursor()
    kw = {"reference": "A1", "text": "Fund refuges", "due_date": "2026-12-01"}
    meetings.save_action(
        cur, by=acting("clerk"), owner="Chair", priority_id="street-violence", **kw
    )
    meetings.save_action(
        cur, by=acting("clerk"), owner="Vice-chair", priority_id="street-violence", **kw
    )
    meetings.save_action(
        cur, by=acting("clerk"), owner="Vice-chair", priority_id="safety-in-homes", **kw
    )
    trail = audit_trail(cur, "action")
    changed = json.loads(trail.iloc[1]["before"]), json.loads(trail.iloc[1]["after"])
    assert changed == ({"owner": "Chair"}, {"owner": "Vice-chair"})  # the due date is the same
    assert list(trail["described"]) == [
        "priority: Violent street crime in Stonehouse, Devonport and the City Centre → Safety in people's homes",
        "owner: Chair → Vice-chair",
        "reference: A1; text: Fund refuges; owner: Chair; due date: 1 December 2026; "
        "status: open; "
        "priority: Violent street crime in Stonehouse, Devonport and the City Centre",
    ]
    admin = acting("Jo Admin")
    people.add_person(
        cur, "fire@x.example", name="Fi", role="lead", priorities=["safety-in-homes"], by=admin
    )
    people.change_person(cur, "fire@x.example", role="board", by=admin)
    described = list(audit_trail(cur, "person")["described"])
    assert described[:2] == [
        "role: lead → board; priorities: Safety in people's homes → none",
        "name: Fi; role: lead; active: Yes; priorities: Safety in people's homes",
    ]
    assert describe_change(None, '{"file_name": "demo", "new": 11740}') == (
        "file name: demo; new: 11,740"
    )
    from outcomes.outputs import public

    public.set_public_view(cur, True, by=admin)
    # (The demo's own meeting plan, made as it was built, is a setting too.)
    assert list(audit_trail(cur, "setting")["what"]) == [
        "setting public view: switched on",
        "setting meeting plan: meetings planned",
    ]
    text = " ".join(audit_trail(cur)["described"])
    for leak in ("True", "False", "['", "street-violence", "00:00:00", "_id", "11740"):
        assert leak not in text


def test_a_meeting_date_in_a_message_has_no_leading_zero(demo_store):
    """The command line and the pages say "5 May 2025", as the board writes it, not "05 May"."""
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-05", by=acting("clerk"))
    with pytest.raises(meetings.MeetingError) as err:
        meetings.record_meeting(cur, "2025-05-05", by=acting("clerk"))
    assert str(err.value).startswith("A meeting on 5 May 2025 is already recorded")


def test_an_actions_import_reads_uk_dates_and_says_every_fault_of_a_row(demo_store, tmp_path):
    cur = demo_store.cursor()
    out = tmp_path / "actions.xlsx"
    rows = [
        ["C1", "Day first", "Chair", "31/05/2026", "open", None, "safety in people's homes"],
        ["C2", "Excel date", "Chair", date(2026, 6, 30), "Open", None, "street-violence"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws.append(list(meetings.ACTION_COLUMNS))
    for r in rows:
        ws.append(r)
    ws.cell(row=3, column=4).number_format = "dd/mm/yyyy"
    ws.append(["C3", "Excel day number", "Chair", 46203, "done", None, None])  # 30 June 2026
    wb.save(out)
    assert meetings.import_actions(cur, out, by=acting("clerk"))["added"] == 3
    stored = dict(cur.execute("SELECT reference, due_date FROM action").fetchall())
    assert stored == {"C1": date(2026, 5, 31), "C2": date(2026, 6, 30), "C3": date(2026, 6, 30)}
    assert cur.execute("SELECT priority_id FROM action WHERE reference = 'C1'").fetchone()[0] == (
        "safety-in-homes"
    )

    ws.append(["C4", "", "", "32/05/2026", "maybe", None, "nowhere"])
    wb.save(out)
    with pytest.raises(meetings.MeetingError) as caught:
        meetings.import_actions(cur, out, by=acting("clerk"))
    said = [
        "An action needs the action's text (what is to be done) and an owner.",
        "Its status 'maybe' should be open or done.",
        "The due date '32/05/2026' is not a date: write it day first, as 31/05/2026",
        "There is no priority 'nowhere': use one of ",
        "safety-in-homes (Safety in people's homes)",
    ]
    assert [s for s in said if s not in str(caught.value)] == []
