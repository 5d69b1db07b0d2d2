"""Returns typed in the browser, drafts, approval and the quarter at a glance (issue 20).

A typed return goes through the uploaded return's own checks, preview and commit; where the
partnership asks for approval, a lead's return waits, unseen by the board, until an approver
says yes; each step is in the audit trail by person.
"""

from __future__ import annotations

import json
import re

import pytest
from openpyxl import load_workbook

from loaders import periods
from outcomes.errors import Refused
from outcomes.outputs.public import public_snapshot
from outcomes.outputs.snapshot import snapshot
from outcomes.rules import wording
from outcomes.storage import people
from outcomes.storage.people import NotPermitted, Person
from outcomes.workflows import agenda, approval, quarter, typed_returns, uploads
from outcomes.workflows.template import write_template
from tests.cli import outcomes
from tests.copies import written
from tests.returns import (
    LEAD_EMAIL,
    LEAD_PRIORITY,
    approval_on,
    filled_return,
    typed_figures,
    withhold_latest_quarter,
)
from ui import markup, present

# A slip in every field a lead types, and one good figure: what the checks must name.
SLIPS = {0: "abc", 1: "-5", 2: "12%"}


@pytest.fixture
def cur(due_store):
    return due_store.cursor()


@pytest.fixture
def lead(cur) -> Person:
    return people.person(cur, LEAD_EMAIL, how="demo")


@pytest.fixture
def analyst(cur) -> Person:
    return people.person(cur, "analyst@demo.example", how="demo")


def _rows(cur, quarter_code, lead):
    return typed_returns.form_rows(cur, LEAD_PRIORITY, quarter_code, person=lead)


def _typed(cur, due_store, lead, figures=None, **fields):
    typed = typed_figures(_rows(cur, due_store.quarter, lead), figures)
    for column, by_row in fields.items():
        for i, text in by_row.items():
            typed.loc[i, column] = text
    return typed


def _prepared(cur, due_store, lead, typed):
    return typed_returns.prepare_typed(
        cur, typed, priority_id=LEAD_PRIORITY, return_period=due_store.quarter, by=lead
    )


def _send(cur, due_store, lead, typed=None):
    typed = _typed(cur, due_store, lead) if typed is None else typed
    prepared = _prepared(cur, due_store, lead, typed)
    return typed_returns.submit(
        cur,
        prepared,
        priority_id=LEAD_PRIORITY,
        return_period=due_store.quarter,
        by=lead,
        accept_warnings=True,
    )


def _figures_on_show(cur, quarter_code) -> int:
    return cur.execute(
        "SELECT count(*) FROM observation_current_detail d JOIN indicator i "
        "ON i.code = d.indicator_code WHERE i.priority_id = ? AND d.period_start >= "
        "(SELECT min(period_start) FROM observation WHERE period = ?)",
        [LEAD_PRIORITY, quarter_code],
    ).fetchone()[0]


def test_the_form_lists_every_figure_due_with_the_last_figure_target_and_unit(cur, due_store, lead):
    rows = _rows(cur, due_store.quarter, lead)
    assert not rows.empty
    assert set(rows["indicator_code"]) == {"SV01", "SV03"}  # SV04 is computed from public data
    assert rows["unit"].notna().all() and rows["label"].str.len().gt(0).all()
    # The last figure sent, for each indicator's first period due (a later month's "last
    # figure" is the month before it, in this same return).
    firsts = rows[rows["area"] == "all"].drop_duplicates("indicator_code")
    assert firsts["previous_value"].notna().all()
    due = typed_returns.owed(cur, lead)
    assert list(due) == [LEAD_PRIORITY] and due[LEAD_PRIORITY].overdue


def test_a_typed_return_has_the_same_problems_as_the_same_rows_uploaded(
    cur, due_store, lead, tmp_path
):
    typed = _typed(cur, due_store, lead, SLIPS, commentary={3: "Fewer patrols."})
    typed_problems = _prepared(cur, due_store, lead, typed).problems
    # The same rows in the template a lead would download, filled in the same way.
    path = tmp_path / "return.xlsx"
    write_template(cur, path, due_store.quarter, priority_id=LEAD_PRIORITY)
    wb = load_workbook(path)
    ws = wb["Return"]
    header = [c.value for c in ws[1]]
    for i, r in enumerate(typed.to_dict("records")):
        ws.cell(row=i + 2, column=header.index("Value") + 1, value=r["value"])
        ws.cell(row=i + 2, column=header.index("Commentary") + 1, value=r["commentary"] or None)
    wb.save(path)
    uploaded = uploads.prepare(cur, path, by=lead).problems

    def said(problems):
        unnamed = (re.sub(r"^[A-Z]+\d+ \S+( Q\d)?: ", "", p.message) for p in problems)
        return sorted(
            (p.code, p.severity, m[:1].lower() + m[1:])
            for p, m in zip(problems, unnamed, strict=True)
        )

    # The same sentences, less the "SV01 2026/27 Q2: " a file's needs to name its figure.
    assert said(typed_problems) == said(uploaded)
    assert {p.code for p in typed_problems} >= {"value-not-numeric", "value-out-of-range"}
    # Named by indicator and field, not by a spreadsheet's row.
    slip = next(p for p in typed_problems if p.code == "value-not-numeric")
    assert slip.row is None and slip.column.startswith("SV01") and slip.column.endswith("figure")


def test_a_typed_slip_names_its_figure_once(cur, due_store, lead):
    typed = _typed(cur, due_store, lead, SLIPS)
    for p in _prepared(cur, due_store, lead, typed).errors:
        # The place names the indicator and period; the sentence says what is wrong.
        assert not re.match(r"SV\d\d ", p.message), p.message
    slip = next(p for p in _prepared(cur, due_store, lead, typed).errors if p.value == "abc")
    assert slip.message.startswith("'abc' is not a number")


def test_nothing_is_written_until_the_lead_confirms(cur, due_store, lead):
    count = "SELECT (SELECT count(*) FROM observation), (SELECT count(*) FROM upload)"
    before = cur.execute(count).fetchone()
    prepared = _prepared(cur, due_store, lead, _typed(cur, due_store, lead))
    shown = uploads.preview(cur, prepared)
    assert shown.counts["new"] > 0
    assert cur.execute(count).fetchone() == before
    with pytest.raises(Refused):  # a slip refuses the lot
        _send(cur, due_store, lead, _typed(cur, due_store, lead, SLIPS))
    assert cur.execute(count).fetchone() == before


def test_a_draft_is_kept_for_its_lead_and_cleared_when_sent(cur, due_store, lead, analyst):
    typed = _typed(cur, due_store, lead, {0: "abc"}, commentary={1: "Half done."})
    typed.loc[2:, "value"] = ""
    said = typed_returns.save_draft(
        cur, typed, priority_id=LEAD_PRIORITY, return_period=due_store.quarter, by=lead
    )
    assert "Draft saved" in said
    # Another device is another session: the draft comes from the database.
    again = _rows(cur, due_store.quarter, lead)
    assert list(again["value"][:2]) == ["abc", typed.loc[1, "value"]]
    assert again.loc[1, "commentary"] == "Half done."
    assert (again["value"][2:] == "").all()
    # Nobody else's form holds it.
    assert (_rows(cur, due_store.quarter, analyst)["value"] == "").all()
    _send(cur, due_store, lead)
    assert typed_returns.draft(cur, lead, LEAD_PRIORITY, due_store.quarter).empty


def test_with_approval_off_a_typed_return_counts_at_once(cur, due_store, lead):
    said = _send(cur, due_store, lead)
    assert "The board sees the figures now" in said
    assert _figures_on_show(cur, due_store.quarter) > 0
    assert approval.submissions(cur).empty


def test_approval_hides_a_return_from_the_board_until_approved(cur, due_store, lead, analyst):
    approval_on(cur)
    statuses = cur.execute("SELECT * FROM indicator_status ORDER BY indicator_code").fetchall()
    said = _send(cur, due_store, lead)
    assert "waits for approval by an analyst" in said
    assert _figures_on_show(cur, due_store.quarter) == 0
    assert cur.execute("SELECT * FROM indicator_status ORDER BY indicator_code").fetchall() == (
        statuses
    )
    assert "approved" not in snapshot(cur).approvals
    waiting = approval.waiting(cur, analyst)
    assert list(waiting["submitted_by_email"]) == [LEAD_EMAIL]
    assert approval.waiting(cur, lead).empty  # never their own
    assert list(approval.waiting_for(cur)) == ["analyst@demo.example"]

    said = approval.approve(cur, int(waiting["upload_id"][0]), by=analyst)
    assert "the board sees its figures now" in said
    assert _figures_on_show(cur, due_store.quarter) > 0
    assert approval.waiting(cur).empty
    assert analyst.name in snapshot(cur).approvals
    assert public_snapshot(cur).approvals == ""  # the public never reads who approved
    assert snapshot(cur).approvals in _slide_cover(snapshot(cur))  # the slides say it too
    trail = cur.execute(
        "SELECT who_email, change FROM audit_log WHERE entity = 'return' ORDER BY id"
    ).fetchall()
    assert trail == [(LEAD_EMAIL, "submitted for approval"), ("analyst@demo.example", "approved")]


def test_a_return_sent_back_never_counts_and_its_lead_reads_why(cur, due_store, lead, analyst):
    approval_on(cur)
    _send(cur, due_store, lead)
    upload_id = int(approval.waiting(cur)["upload_id"][0])
    with pytest.raises(Refused, match="Say why"):
        approval.send_back(cur, upload_id, "  ", by=analyst)
    assert uploads.uploads(cur).set_index("id").loc[upload_id, "state_in_words"] == (
        "waiting for approval"
    )
    approval.send_back(cur, upload_id, "SV03 August looks like July's.", by=analyst)
    listed = uploads.uploads(cur).set_index("id").loc[upload_id]
    assert (listed["state"], listed["state_in_words"]) == ("committed", "returned to its lead")
    mine = approval.submissions(cur, submitted_by=LEAD_EMAIL)
    assert list(mine["state"]) == ["returned"]
    assert mine["reason"][0] == "SV03 August looks like July's."
    assert _figures_on_show(cur, due_store.quarter) == 0
    with pytest.raises(Refused, match="already returned"):
        approval.approve(cur, upload_id, by=analyst)
    # The same figures may be sent again: a returned return is no reason to refuse them.
    said = _send(cur, due_store, lead)
    assert "waits for approval" in said
    assert len(approval.waiting(cur)) == 1


def test_only_an_approver_may_approve(cur, due_store, lead, analyst):
    board_member = people.person(cur, "board.member@demo.example", how="demo")
    approval_on(cur)
    _send(cur, due_store, lead)
    upload_id = int(approval.waiting(cur)["upload_id"][0])
    for who in (lead, board_member):
        with pytest.raises(NotPermitted, match=re.escape(who.name)):
            approval.approve(cur, upload_id, by=who)
    # A board member named as the priority's approver (its sponsor) may; an analyst then may not.
    approval.set_rule(
        cur,
        required=True,
        priority_id=LEAD_PRIORITY,
        approver_email=board_member.email,
        by=people.SYSTEM,
    )
    assert approval.waiting(cur, analyst).empty
    assert list(approval.waiting_for(cur)) == [board_member.email]
    with pytest.raises(NotPermitted):
        approval.approve(cur, upload_id, by=analyst)
    approval.approve(cur, upload_id, by=board_member)
    assert _figures_on_show(cur, due_store.quarter) > 0


def test_an_uploaded_return_from_a_lead_waits_too(cur, due_store, lead, tmp_path):
    approval_on(cur)
    path = tmp_path / "return.xlsx"
    write_template(cur, path, due_store.quarter, priority_id=LEAD_PRIORITY)
    wb = load_workbook(path)
    ws = wb["Return"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=header.index("Value") + 1, value=10)
    wb.save(path)
    uploads.commit(cur, uploads.prepare(cur, path, by=lead), by=lead, accept_warnings=True)
    assert list(approval.waiting(cur)["period"]) == [due_store.quarter]
    assert _figures_on_show(cur, due_store.quarter) == 0


def test_the_quarter_at_a_glance_follows_a_return(cur, due_store, lead, analyst):
    def state():
        table = quarter.glance(cur).set_index("priority_id")
        return table.loc[LEAD_PRIORITY, "state"], table.loc[LEAD_PRIORITY, "with_whom"]

    assert state() == ("late", lead.name)
    assert set(quarter.glance(cur)["state"]) - {"late"} <= set(quarter.STATES)
    approval_on(cur)
    _send(cur, due_store, lead)
    assert state() == ("waiting for approval", "an analyst")
    approval.approve(cur, int(approval.waiting(cur)["upload_id"][0]), by=analyst)
    assert state() == ("approved", "")


def test_the_link_to_your_returns_survives_a_round_trip():
    link = typed_returns.returns_link(LEAD_PRIORITY, "2026/27 Q2")
    assert link.startswith("returns?priority=street-violence&period=")
    query = dict(p.split("=") for p in link.split("?")[1].split("&"))
    from urllib.parse import unquote_plus

    assert typed_returns.read_period(unquote_plus(query["period"])).code == "2026/27 Q2"
    assert typed_returns.read_period("nonsense") is None


def test_an_administrator_switches_approval_on_and_off_at_the_command_line(tmp_path, copy_demo):
    db = str(copy_demo(tmp_path / "demo.duckdb"))
    on = outcomes(
        "approval", "on", "--priority", LEAD_PRIORITY, "--approver", "board.member@demo.example",
        "--db", db,
    )  # fmt: skip
    assert on.returncode == 0, on.stderr
    assert "now wait for approval by Bea Board" in on.stdout
    status = outcomes("approval", "status", "--priority", LEAD_PRIORITY, "--json", "--db", db)
    assert json.loads(status.stdout)["approver_email"] == "board.member@demo.example"
    unknown = outcomes("approval", "on", "--approver", "nobody@x.org", "--db", db)
    assert unknown.returncode != 0 and "not someone the partnership knows" in unknown.stderr
    lead = outcomes("approval", "off", "--as", LEAD_EMAIL, "--db", db)
    assert lead.returncode != 0 and "may not say whether returns need approval" in lead.stderr
    off = outcomes("approval", "off", "--priority", LEAD_PRIORITY, "--db", db)
    assert "count as soon as their lead confirms them" in off.stdout


def test_a_lead_loading_at_the_command_line_is_told_the_return_waits(tmp_path, copy_demo):
    db = copy_demo(tmp_path / "demo.duckdb")
    path = tmp_path / "return.xlsx"

    def prepare(cur) -> None:
        approval_on(cur)
        filled_return(cur, path, LEAD_PRIORITY, withhold_latest_quarter(cur))

    written(db, prepare)
    loaded = outcomes(
        "load", str(path), "--as", LEAD_EMAIL, "--accept-warnings", "--json", "--db", str(db)
    )
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)["files"][0]["result"]
    assert "waits for approval by an analyst" in result["waits_for_approval"]


def _slide_cover(snap) -> str:
    """The PowerPoint pack's cover slide as text (the cover draws no chart)."""
    from outcomes.outputs.pack import pptx

    deck = pptx.Deck()
    pptx._title(snap, deck)
    return " ".join(shape.text_frame.text for shape in deck.prs.slides[0].shapes)


def test_correcting_an_earlier_quarter_shows_that_quarter_s_figure(cur, due_store, lead):
    earlier = periods.parse_code(due_store.quarter).previous().code
    rows = _rows(cur, earlier, lead)
    held = dict(
        cur.execute(
            "SELECT period, value FROM observation_current_detail "
            "WHERE indicator_code = 'SV01' AND area = 'all'"
        ).fetchall()
    )
    sv01 = rows[(rows["indicator_code"] == "SV01") & (rows["area"] == "all")].iloc[0]
    before = periods.parse_code(earlier).previous().code
    assert sv01["current_value"] == held[earlier] and sv01["previous_value"] == held[before]
    said = typed_returns.facts(sv01)
    assert said.startswith(f"sent already: {held[earlier]:g}")
    assert f"{wording.period(before)}: {held[before]:g}" in said
    # The return still owed has no figure yet: its last figure is the one before, named.
    owed = _rows(cur, due_store.quarter, lead)
    first = owed[(owed["indicator_code"] == "SV01") & (owed["area"] == "all")].iloc[0]
    assert first["current_value"] is None
    assert typed_returns.facts(first).startswith(f"last figure, {wording.period(earlier)}: ")


@pytest.mark.parametrize("view", ["brief", "full", "screen"])
def test_a_return_waiting_for_approval_is_not_counted_overdue(cur, due_store, lead, view):
    approval_on(cur)
    before = agenda.since_last_meeting(cur)
    assert "SV01" in set(before.overdue_returns["indicator_code"])
    _send(cur, due_store, lead)
    ex = agenda.since_last_meeting(cur)
    assert "SV01" not in set(ex.overdue_returns["indicator_code"])
    waiting = ex.waiting_returns.to_dict("records")
    assert [(r["indicator_code"], r["due_period"]) for r in waiting] == [
        ("SV01", due_store.quarter)
    ]
    assert waiting[0]["submitted_by"].startswith("Sam Lead")
    mine = ex.returns_due[ex.returns_due["priority_id"] == LEAD_PRIORITY].iloc[0]
    assert mine["waiting"] and not mine["overdue"]
    assert ex.count == before.count  # still on the agenda, as waiting
    if view == "screen":
        html = present.since_html(ex)
    else:
        html = markup.render(
            "agenda.html", markdown=True, ex=ex, view=view, limit={"changed": 4, "other": 2},
            titles={}, units={},
        )  # fmt: skip
    assert "waiting for approval" in html
    if view == "brief":
        late = len(ex.overdue_returns)
        assert f"{late} returns overdue" in html and "1 return waiting for approval" in html
        assert "sent, waiting for approval (due by" in html
    # Approved, it is in, neither overdue nor waiting.
    approval.approve(cur, int(approval.waiting(cur)["upload_id"].iloc[0]), by=_analyst(cur))
    done = agenda.since_last_meeting(cur)
    assert done.waiting_returns.empty and "SV01" not in set(done.overdue_returns["indicator_code"])


def _analyst(cur) -> Person:
    return people.person(cur, "analyst@demo.example", how="demo")


def test_the_quarter_at_a_glance_says_when_no_lead_is_recorded(cur, due_store, lead):
    table = quarter.glance(cur).set_index("priority_id")
    # The demo records a lead for street violence alone; a return that rests with nobody says so.
    assert table.loc[LEAD_PRIORITY, "with_whom"] == "Sam Lead (street violence lead)"
    resting = table[table["state"].isin(["late", "part sent", "not sent yet"])]
    others = resting.drop(index=LEAD_PRIORITY, errors="ignore")
    assert not others.empty and (others["with_whom"] == quarter.NO_LEAD).all()
