"""Meetings and actions (``/meeting``) and the overview's "since the last meeting" block,
through the real router with Streamlit's AppTest.

Every test here writes, so each builds a demo database file of its own.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders import periods
from outcomes.queries.observations import record_upload
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting
from tests.board import record_business
from tests.pages.conftest import clear_caches
from ui.markup import plain

D = facts()  # where the demo's figures fall today

MEETING_PAGE = "pages/meeting.py"
WHO = "Ana Lyst (analyst)"  # the demo's analyst, chosen on the demo sign-in
ANALYST = "analyst@demo.example"
RECORD = "FormSubmitter:record_meeting-Record the meeting"


def _released(detail: str):
    """Probation's blockage on RO01 (a note for tests.board.record_business)."""
    said = "Two prolific offenders were released in March."
    written = {"narrative": said, "blockage": True, "blockage_detail": detail}
    return ("RO01", "2024/25 Q4", "Head of Probation Delivery Unit", written)


def _new_form(at: AppTest) -> str:
    """The new-action form's key: fresh after each action added, so it opens empty."""
    # AppTest's session state has no get().
    added = at.session_state["actions_added"] if "actions_added" in at.session_state else 0  # noqa: SIM401
    return f"new{added}"


def _save_new(at: AppTest):
    return at.button(key=f"FormSubmitter:action_form_{_new_form(at)}-Save the action")


CLOSE = "FormSubmitter:close_action-Mark as done"


@pytest.fixture
def at(fresh_db):
    return AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, page: str | None = MEETING_PAGE, as_email: str | None = ANALYST) -> AppTest:
    if as_email:
        at.session_state["demo_person"] = as_email
    if page:
        at.switch_page(page)
    at.run()
    return _ok(at)


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [e.proto.body for e in at.get("html")]
    return "\n".join(parts)


def _query(path, sql: str, params: list | None = None):
    clear_caches()  # let the page's connection go before reading the file
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _write(path, action) -> None:
    """Change the database behind the page's back, as another user (or the upload page) would."""
    clear_caches()
    s = open_store(path)
    try:
        action(s.cursor())
    finally:
        s.close()


def _revise_vv02_to_red(cur) -> None:
    frame = pd.DataFrame(
        [{"indicator_code": "VV02", "period": D.moved("2024/25 Q4"), "area": "all", "value": 300}]
    )
    record_upload(
        cur, frame, by=acting("Service Manager"), file_name="VV02.xlsx", source_format="return"
    )


def _record(at: AppTest, when: date = date(2025, 5, 15)) -> AppTest:
    at.date_input(key="meeting_date").set_value(when)
    at.text_input(key="meeting_title").input("Safer Plymouth board")
    at.button(key=RECORD).click().run()
    return _ok(at)


def _actions_table(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "Overdue" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


# Recording a meeting ---------------------------------------------------------------------------


def test_recording_a_meeting_freezes_the_statuses_and_says_so(at, fresh_db):
    _open(at)
    assert [t.value for t in at.title] == ["Meetings and actions"]
    assert any("No meeting recorded yet" in i.value for i in at.info)
    _record(at)
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == [
        "Meeting on 15 May 2025 recorded. The statuses of all 22 indicators were frozen as "
        "they stood; “Since the last meeting” now starts from this meeting."
    ]
    text = _text(at)
    assert "Last meeting: **15 May 2025** (Safer Plymouth board)" in text
    assert "No indicator changed status since 15 May 2025." in text
    meetings_list = next(d.value for d in at.dataframe if "Recorded by" in d.value.columns)
    assert list(meetings_list["Date"]) == ["15 May 2025"]
    assert list(meetings_list["Recorded by"]) == [WHO]
    assert _query(fresh_db, "SELECT count(*) FROM meeting_status") == [(22,)]


def test_recording_a_meeting_needs_a_new_date(at, fresh_db):
    _open(at)
    _record(at)
    _record(at)  # the same date again
    assert any("already recorded" in e.value for e in at.error)
    assert _query(fresh_db, "SELECT count(*) FROM meeting") == [(1,)]


# Since the last meeting: overview block and full view -------------------------------------------


def test_overview_block_before_and_after_a_meeting_and_a_revision(at, fresh_db):
    text = _text(_open(at, None))
    assert (
        "No meeting recorded yet: record one on Meetings and actions to see what changed since."
        in text
    )
    assert "◷ 1 return overdue" in text  # MS02 is out of date (SV04, computed, is no return)
    # the overview's own headings are untouched
    assert [h.value for h in at.header] == ["Individuals", "Communities", "Issues"]

    _write(fresh_db, lambda cur: meetings.record_meeting(cur, "2025-05-15", by=acting("clerk")))
    _write(fresh_db, _revise_vv02_to_red)
    at.run()
    text = _text(_ok(at))
    assert "Since the last meeting on 15 May 2025" in text
    assert "1 status change (↘ 1 worse, ↗ 0 better)" in text
    change = re.search(r"<li>(<a [^>]*>)<strong>VV02</strong>.*?</li>", text)
    assert change, text
    assert 'href="priority?priority=vulnerable-victims#vv02"' in change.group(1)
    assert re.search(r"▲ Amber</span> → <span[^>]*>✖ Red</span>", change.group(0))
    assert "No meeting recorded yet" not in text

    # the full view on the meetings page: was and now, and which way
    text = _text(_open(at))
    row = re.search(r"<tr><td><a [^>]*><strong>VV02</strong>.*?</tr>", text)
    assert row, text
    assert "▲ Amber" in row.group(0) and "✖ Red" in row.group(0) and "↘ worse" in row.group(0)
    assert "No new figures since" in text  # a revision, not a new period


def test_blockages_and_overdue_actions_reach_both_views(at, fresh_db):
    def setup(cur):
        meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
        record_business(
            cur,
            [_released("Housing for prison leavers: <b>no places</b>")],
            [("A7", "Write to housing", "Chair", {"due_date": "2025-06-01"})],
        )

    _write(fresh_db, setup)
    text = _text(_open(at, None))
    assert "⚑ 1 blockage escalated" in text and "⚠ 1 action overdue" in text
    assert "Housing for prison leavers: &lt;b&gt;no places&lt;/b&gt;" in text
    assert "<b>no places" not in text
    assert "<strong>A7</strong>" in text and "due 1 June 2025" in text
    text = _text(_open(at))
    assert "⚑ Blockage</strong> Housing for prison leavers" in text
    assert "<strong>⚠ Overdue A7</strong> Write to housing" in text


# The actions log -------------------------------------------------------------------------------


def _add_action(at: AppTest, text: str, due: date | None, priority: str | None = None):
    at.selectbox(key="action_pick").set_value("").run()
    form = _new_form(at)
    at.text_area(key=f"action_text_{form}").input(text)
    at.text_input(key=f"action_owner_{form}").input("Head of Community Safety")
    at.date_input(key=f"action_due_{form}").set_value(due)
    at.selectbox(key=f"action_priority_{form}").set_value(priority)
    _save_new(at).click().run()
    return _ok(at)


def test_actions_add_overdue_stands_out_and_close(at, fresh_db):
    _open(at)
    _add_action(at, "Report back on the domestic abuse campaign", date(2099, 3, 31))
    assert [s.value for s in at.success] == ["Action A1 added."]
    # The form is empty again for the next action.
    assert at.text_area(key=f"action_text_{_new_form(at)}").value == ""
    _add_action(at, "Ask police.uk for the missing extract", date(2025, 1, 31), "street-violence")
    assert [s.value for s in at.success] == ["Action A2 added."]

    table = _actions_table(at)
    assert list(table["Ref"]) == ["A2", "A1"]  # the overdue one first
    assert list(table["Overdue"]) == ["⚠ Overdue", ""]
    assert table.iloc[0]["Due"] == "31 January 2025"
    assert table.iloc[0]["Priority"] == (
        "Violent street crime in Stonehouse, Devonport and the City Centre"
    )
    assert [w.value for w in at.warning] == ["Overdue: 1 action past the due date (A2)."]
    assert at.warning[0].icon == "⚠"

    at.selectbox(key="close_pick").set_value("A2")
    at.button(key=CLOSE).click().run()
    _ok(at)
    assert [s.value for s in at.success] == ["Action A2 closed (marked done)."]
    table = _actions_table(at).set_index("Ref")
    assert table.at["A2", "Status"] == "✔ Done" and table.at["A2", "Overdue"] == ""
    assert not at.warning
    assert at.selectbox(key="close_pick").options == [
        "A1: Report back on the domestic abuse campaign"
    ]

    # the audit trail says who did what, before and after (newest first)
    trail = next(m.value for m in at.markdown if "<th>Before → after</th>" in m.value)
    newest = re.sub(r' data-label="[^"]*"', "", re.search(r"<tbody><tr>(.*?)</tr>", trail).group(1))
    assert f"<td>{WHO} &lt;{plain(ANALYST)}&gt;</td><td>action A2: closed</td>" in newest
    assert "status: open → done" in newest
    rows = _query(fresh_db, "SELECT reference, status FROM action ORDER BY reference")
    assert rows == [("A1", "open"), ("A2", "done")]


def test_a_new_action_added_while_another_is_on_screen_replaces_nothing(at, fresh_db):
    """Issue 9, item 4: two tabs were both offered A3 and the second overwrote the first."""
    _open(at)
    at.selectbox(key="action_pick").set_value("").run()
    # Someone else adds an action after this page was drawn...
    _write(
        fresh_db,
        lambda cur: meetings.add_action(cur, by=acting("clerk"), text="Theirs", owner="Chair"),
    )
    form = _new_form(at)
    at.text_area(key=f"action_text_{form}").input("Mine")
    at.text_input(key=f"action_owner_{form}").input("Vice-chair")
    _save_new(at).click().run()
    # ...and this one is given the next reference: both are kept.
    assert [s.value for s in _ok(at).success] == ["Action A2 added."]
    rows = _query(fresh_db, "SELECT reference, text FROM action ORDER BY reference")
    assert rows == [("A1", "Theirs"), ("A2", "Mine")]


def test_a_meeting_date_cannot_be_in_the_future(at, fresh_db):
    _open(at)
    assert at.date_input(key="meeting_date").max == date.today()


def test_a_blockage_can_be_resolved_from_the_meetings_page(at, fresh_db):
    _write(
        fresh_db,
        lambda cur: meetings.add_commentary(
            cur,
            "DA02",
            D.latest_quarter.code,
            by=acting("Lead"),
            blockage=True,
            blockage_detail="No refuge.",
        ),
    )
    _open(at)
    assert "No refuge." in _text(at)
    at.radio(key="blockage_outcome").set_value("withdrawn")
    at.text_area(key="blockage_note").input("Raised in error: the refuge opened in May.")
    at.button(key="FormSubmitter:resolve_blockage-Record it").click().run()
    assert not _ok(at).error, [e.value for e in at.error]
    assert [s.value for s in _ok(at).success] == [
        "Blockage on DA02 withdrawn; it is no longer listed as open."
    ]
    assert "No refuge." not in _text(at)
    assert _query(fresh_db, "SELECT outcome, resolved_by FROM blockage_resolution") == [
        ("withdrawn", WHO)
    ]


def test_editing_an_action_changes_it(at, fresh_db):
    _write(
        fresh_db,
        lambda cur: meetings.save_action(
            cur,
            by=acting("clerk"),
            reference="A1",
            text="Old words",
            owner="Chair",
            due_date="2099-01-01",
        ),
    )
    _open(at)
    at.selectbox(key="action_pick").set_value("A1").run()
    assert at.text_area(key="action_text_A1").value == "Old words"
    at.text_area(key="action_text_A1").input("New words")
    at.button(key="FormSubmitter:action_form_A1-Save the action").click().run()
    _ok(at)
    assert [s.value for s in at.success] == ["Action A1 changed."]
    assert list(_actions_table(at)["Action"]) == ["New words"]


def test_an_action_needs_its_fields(at, fresh_db):
    _open(at)
    at.text_area(key=f"action_text_{_new_form(at)}").input("Something")
    _save_new(at).click().run()
    assert [e.value for e in _ok(at).error] == ["An action needs an owner."]
    assert _query(fresh_db, "SELECT count(*) FROM action") == [(0,)]


def _workbook(rows: list[dict]) -> bytes:
    buffer = BytesIO()
    pd.DataFrame(rows).to_excel(buffer, sheet_name="Actions", index=False)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_importing_a_bad_workbook_lists_every_bad_row_and_imports_nothing(at, fresh_db):
    _open(at)
    content = _workbook(
        [
            {"reference": "A1", "text": "Fine", "owner": "Chair", "due_date": "2099-01-01"},
            {"reference": "A2", "text": "No owner", "owner": None, "due_date": None},
            {"reference": "A3", "text": "Bad date", "owner": "Chair", "due_date": "next Tuesday"},
        ]
    )
    at.file_uploader(key="actions_import").set_value(("actions.xlsx", content, XLSX))
    at.run()
    at.button(key="actions_import_go").click().run()
    _ok(at)
    assert [e.value for e in at.error] == ["Nothing was imported. Fix these rows:"]
    problems = next(d.value for d in at.dataframe if "What to do" in d.value.columns)
    assert list(problems["Where"]) == ["sheet Actions, row 3", "sheet Actions, row 4"]
    assert problems.iloc[0]["What to do"] == "An action needs an owner."
    assert "next Tuesday" in problems.iloc[1]["What to do"]
    assert not at.success
    assert _query(fresh_db, "SELECT count(*) FROM action") == [(0,)]


def test_importing_a_good_workbook_and_exporting_it_again(at, fresh_db):
    _open(at)
    content = _workbook(
        [
            {"reference": "A1", "text": "First", "owner": "Chair", "due_date": "2099-01-01"},
            {"reference": "A2", "text": "Second", "owner": "Clerk", "status": "done"},
        ]
    )
    at.file_uploader(key="actions_import").set_value(("actions.xlsx", content, XLSX))
    at.run()
    at.button(key="actions_import_go").click().run()
    _ok(at)
    assert [s.value for s in at.success] == [
        "Imported actions.xlsx: 2 added, 0 changed, 0 unchanged."
    ]
    assert list(_actions_table(at)["Ref"]) == ["A1", "A2"]
    # The page's own downloads (the sidebar's "Your calendar" has one too).
    exported = [b for b in at.get("download_button") if "calendar" not in b.proto.label]
    assert [b.proto.label for b in exported] == ["Download the actions log (.xlsx)"]


def test_a_blockage_with_no_detail_beside_one_with_detail_shows_on_both_views(at, fresh_db):
    """Two blockages, one marked Y on a return with nothing typed beside it and one from the
    commentary form: the missing detail came back as NaN and the plan on a page crashed."""

    def setup(cur):
        meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
        vv01 = ("VV01", "2024/25 Q4", "Victim Lead", {"blockage": True})
        record_business(cur, [vv01, _released("Housing for prison leavers.")], [])

    _write(fresh_db, setup)
    text = _text(_open(at, None))
    assert "⚑ 2 blockages escalated" in text
    assert "Housing for prison leavers." in text and "no detail given" in text
    text = _text(_open(at))
    assert "⚑ Blockage</strong> Housing for prison leavers." in text
    assert "⚑ Blockage</strong> no detail given" in text


def test_a_board_member_reads_but_is_offered_no_change(at, fresh_db):
    _open(at, as_email="board.member@demo.example")
    assert not [
        b
        for b in at.button
        if b.key in (RECORD, CLOSE, "actions_import_go", "FormSubmitter:resolve_blockage-Record it")
        or b.key.startswith("FormSubmitter:action_form_")
    ]
    text = _text(at)
    assert (
        "Recording meetings and changing actions is for the partnership's analysts; as a board "
        "member you read them here."
    ) in text
    # Issue 17: no "add the first below" to someone who is offered no way to add one
    assert "No actions yet." in text and "add the first below" not in text
    # What they may read is all there: the agenda, the log's export, the audit trail.
    assert any(b.label == "Download the actions log (.xlsx)" for b in at.get("download_button"))
    assert at.selectbox(key="audit_person").options[0] == "Everyone's"


def test_the_audit_trail_filters_by_person(at, fresh_db):
    _open(at)
    _record(at)
    chooser = at.selectbox(key="audit_person")
    assert f"{WHO} <{ANALYST}>" in chooser.options
    chooser.set_value(ANALYST).run()
    trail = next(m.value for m in at.markdown if "<th>Before → after</th>" in m.value)
    assert trail.count("<tr>") == 2  # the heading and the one meeting the analyst recorded
    assert "meeting 1: recorded" in trail


def test_the_meetings_to_come_are_shown_and_planned_here(at, fresh_db):
    _open(at)
    soon = date.today() + timedelta(days=40)
    assert "No future meeting dates" not in _text(at)  # the demo plans four
    at.text_input(key="meeting_plan_dates").input(f"{soon:%d/%m/%Y}")
    next(b for b in at.button if b.label == "Save the dates").click()
    _ok(at.run())
    said = " ".join(s.value for s in at.success)
    assert f"Board meetings planned: {periods.long_date(soon)}." in said
    assert at.text_input(key="meeting_plan_dates").value == f"{soon:%d/%m/%Y}"
    assert [b for b in at.get("download_button") if "meetings" in b.proto.label]
    # A board member reads the dates but does not change them.
    board = _open(AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60),
                  as_email="board.member@demo.example")  # fmt: skip
    assert periods.long_date(soon) in _text(board)
    assert not [t for t in board.text_input if t.key == "meeting_plan_dates"]
