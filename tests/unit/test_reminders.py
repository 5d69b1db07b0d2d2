"""Reminders by e-mail and calendar feeds (issue 20, items 3 and 4), against a real SMTP server
on localhost (aiosmtpd) and the command line run as a person would run it."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import duckdb
import pytest
from icalendar import Calendar

from outcomes.outputs import feeds
from outcomes.storage.people import Person
from outcomes.storage.store import open_store
from outcomes.workflows import meeting_plan, meetings, reminders
from tests.cli import outcomes
from tests.mailbox import free_port

LEAD = "street.violence.lead@demo.example"
BASE = "https://csp.example.org"
# Long after the demo's latest figures: every return a lead sends is overdue.
LATE = (date.today() + timedelta(days=400)).isoformat()


@pytest.fixture
def demo_file(copy_demo, tmp_path):
    return copy_demo(tmp_path / "demo.duckdb")


def _env(smtp_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "OUTCOMES_SMTP_URL": smtp_url,
        "OUTCOMES_MAIL_FROM": "csp@example.org",
        "OUTCOMES_BASE_URL": BASE,
    }


def _remind(db, smtp_url: str, *args: str):
    return outcomes("remind", "--db", str(db), *args, env=_env(smtp_url))


def _recorded(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT email, about, period, reminded_on FROM reminder_sent ORDER BY 2"
        ).fetchall()
    finally:
        con.close()


def _owed_codes(db) -> set[str]:
    """The street violence indicators a lead's return carries (not computed from public data)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            r[0]
            for r in con.execute(
                "SELECT code FROM indicator WHERE priority_id = 'street-violence' AND code NOT IN "
                "(SELECT indicator_code FROM indicator_derivation)"
            ).fetchall()
        }
    finally:
        con.close()


def test_the_lead_gets_one_email_of_their_overdue_returns_each_linked_to_the_form(
    demo_file, mail_server
):
    done = _remind(demo_file, mail_server.url, "--on", LATE, "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert [p["to"] for p in printed] == [LEAD]
    owed = printed[0]["returns"]
    # Each overdue (and, for some, the next period due within the week as well).
    assert {r["indicator"] for r in owed if r["overdue"]} == _owed_codes(demo_file)
    assert all(r["priority"] == "street-violence" for r in owed)
    assert set(printed[0]) >= {"to", "subject", "returns", "link"}
    assert set(owed[0]) >= {"priority", "indicator", "period", "due_date", "overdue"}

    (message,) = mail_server.messages  # one e-mail, to the one lead of the demo
    assert message["To"] == LEAD and message["From"] == "csp@example.org"
    assert message["Subject"] == printed[0]["subject"]
    assert "overdue" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for r in owed:
        assert r["link"].startswith(f"{BASE}/returns?priority=street-violence&period=20")
        assert r["link"] in text
        assert r["link"].replace("&", "&amp;") in html
        assert r["indicator"] in text and r["indicator"] in html
    assert "is overdue" in text
    assert {row[1] for row in _recorded(demo_file)} == _owed_codes(demo_file)


def test_never_the_same_reminder_twice_in_a_day_and_again_the_next_day(demo_file, mail_server):
    assert _remind(demo_file, mail_server.url, "--on", LATE).returncode == 0
    again = _remind(demo_file, mail_server.url, "--on", LATE)
    assert again.returncode == 0 and "0 reminders sent" in again.stdout
    assert len(mail_server.messages) == 1
    next_day = (date.fromisoformat(LATE) + timedelta(days=1)).isoformat()
    assert _remind(demo_file, mail_server.url, "--on", next_day).returncode == 0
    assert len(mail_server.messages) == 2


def test_a_dry_run_sends_nothing_and_records_nothing(demo_file, mail_server):
    done = _remind(demo_file, mail_server.url, "--on", LATE, "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert [p["to"] for p in json.loads(done.stdout)] == [LEAD]
    assert mail_server.messages == [] and _recorded(demo_file) == []
    # Nor does a dry run need a mail server at all.
    bare = outcomes("remind", "--db", str(demo_file), "--on", LATE, "--dry-run")
    assert bare.returncode == 0 and "would send to " + LEAD in bare.stdout


def test_an_unreachable_server_is_one_line_a_failure_and_nothing_recorded(demo_file):
    done = _remind(demo_file, f"smtp://127.0.0.1:{free_port()}", "--on", LATE)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "could not be reached" in done.stderr
    assert "Traceback" not in done.stderr
    assert _recorded(demo_file) == []


def test_a_password_is_never_sent_in_the_clear(demo_file, mail_server):
    """The test server offers no STARTTLS: a user and password are refused, not sent."""
    secret = mail_server.url.replace("smtp://", "smtp://csp:secret@")
    done = _remind(demo_file, secret, "--on", LATE)
    assert done.returncode == 2 and "in the clear" in done.stderr and "secret" not in done.stderr
    assert mail_server.messages == [] and _recorded(demo_file) == []


def test_a_lead_may_not_send_reminders_and_nothing_goes_out(demo_file, mail_server):
    done = _remind(demo_file, mail_server.url, "--on", LATE, "--as", LEAD)
    assert done.returncode == 2 and "may not send reminders" in done.stderr
    assert mail_server.messages == [] and _recorded(demo_file) == []


def test_no_mail_server_set_is_refused_in_words(demo_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTCOMES_SMTP")}
    done = outcomes("remind", "--db", str(demo_file), "--on", LATE, env=env)
    assert done.returncode == 2 and "OUTCOMES_SMTP_URL" in done.stderr


def test_an_address_the_server_refuses_is_not_recorded(demo_file, mail_server):
    mail_server.reject = True
    done = _remind(demo_file, mail_server.url, "--on", LATE)
    assert done.returncode == 1 and f"not sent to {LEAD}" in done.stderr
    assert _recorded(demo_file) == []


def test_typed_text_in_the_framework_is_escaped_in_the_html_part(demo_file, mail_server):
    con = duckdb.connect(str(demo_file))
    con.execute(
        "UPDATE priority SET title = '<b>Street</b> & violence' WHERE id = 'street-violence'"
    )
    con.close()
    assert _remind(demo_file, mail_server.url, "--on", LATE).returncode == 0
    html = mail_server.messages[0].get_body(("html",)).get_content()
    assert "&lt;b&gt;Street&lt;/b&gt; &amp; violence" in html and "<b>Street" not in html
    text = mail_server.messages[0].get_body(("plain",)).get_content()
    assert "<b>Street</b> & violence" in text  # plain text is text, not HTML


def test_remind_now_for_one_person(demo_file, mail_server):
    done = _remind(demo_file, mail_server.url, "--on", LATE, "--person", LEAD.upper())
    assert done.returncode == 0, done.stderr
    assert [m["To"] for m in mail_server.messages] == [LEAD]
    board = _remind(
        demo_file, mail_server.url, "--on", LATE, "--person", "board.member@demo.example"
    )
    assert board.returncode == 0 and "0 reminders sent" in board.stdout
    nobody = _remind(demo_file, mail_server.url, "--person", "nobody@demo.example")
    assert nobody.returncode == 2 and "Nobody with the address" in nobody.stderr
    store = open_store(demo_file)
    try:
        analyst = Person("analyst@demo.example", "Ana Lyst", "analyst")
        said = reminders.remind_person(
            store.cursor(), LEAD, by=analyst, on=date.fromisoformat(LATE), env=_env(mail_server.url)
        )
        assert "nothing was sent" in said  # already reminded today
        trail = (
            store.cursor()
            .execute(
                "SELECT count(*) FROM audit_log WHERE entity = 'reminder' AND entity_key = ?",
                [LEAD],
            )
            .fetchone()[0]
        )
        assert trail == 1
    finally:
        store.close()
    assert len(mail_server.messages) == 1


# --- calendars --------------------------------------------------------------------------------


def _events(ics: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}


def test_a_leads_calendar_has_their_returns_and_the_meetings_with_stable_uids(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, date(2026, 3, 12), by=Person(None, "Clerk", "analyst"))
    first = _events(feeds.person_calendar(cur, LEAD, on=date(2026, 12, 7)))
    again = _events(feeds.person_calendar(cur, LEAD, on=date(2026, 12, 7)))
    assert set(first) == set(again)  # the same events, so a subscription updates, never doubles
    q2 = first["return-street-violence-2026-27-q2@outcomes-dashboard"]
    assert q2["dtstart"].dt == date(2026, 11, 14)
    assert "return due" in str(q2["summary"]) and "/returns?priority=street-violence" in str(
        q2["url"]
    )
    assert first["meeting-2026-03-12@outcomes-dashboard"]["dtstart"].dt == date(2026, 3, 12)
    board = _events(feeds.person_calendar(cur, "board.member@demo.example"))
    to_come = {f"meeting-{d.isoformat()}@outcomes-dashboard" for d in meeting_plan.planned(cur)}
    assert set(board) == {"meeting-2026-03-12@outcomes-dashboard"} | to_come
    assert set(_events(feeds.meetings_calendar(cur))) == set(board)


def _uids(ics: bytes) -> list[str]:
    return [str(e["uid"]) for e in Calendar.from_ical(ics).walk("VEVENT")]


def test_the_meetings_to_come_are_in_every_calendar_feed(demo_store):
    cur = demo_store.cursor()
    planned = meeting_plan.planned(cur)
    # The demo plans its board's next four meetings, as its papers list them.
    assert len(planned) == 4 and all(d > date.today() for d in planned)
    uids = {f"meeting-{d.isoformat()}@outcomes-dashboard" for d in planned}
    assert uids <= set(_uids(feeds.meetings_calendar(cur)))
    assert uids <= set(_uids(feeds.person_calendar(cur, LEAD)))
    assert uids <= set(_uids(feeds.person_calendar(cur, "board.member@demo.example")))
    # Recorded on its day, the meeting is the same event (its UID), never a second one.
    first = planned[0]
    meetings.record_meeting(cur, first, by=Person(None, "Clerk", "analyst"), today=first)
    on_the_day = _uids(feeds.meetings_calendar(cur, on=first))
    assert on_the_day.count(f"meeting-{first.isoformat()}@outcomes-dashboard") == 1
    assert first not in meeting_plan.planned(cur, today=first)


def test_an_analyst_plans_the_meetings_to_come_at_the_command_line(demo_file):
    later = [(date.today() + timedelta(days=n)).isoformat() for n in (30, 90)]
    done = outcomes(
        "meeting", "plan", *later, "--db", str(demo_file), "--as", "analyst@demo.example"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Board meetings planned: ")
    listed = outcomes("meeting", "list", "--db", str(demo_file)).stdout
    assert f"{later[0]}  planned" in listed and f"{later[1]}  planned" in listed
    ics = outcomes("calendar", "--db", str(demo_file)).stdout.encode()
    assert f"meeting-{later[1]}@outcomes-dashboard" in _uids(ics)
    past = outcomes("meeting", "plan", "2020-01-02", "--db", str(demo_file))
    assert past.returncode == 2 and "2 January 2020 has passed" in past.stderr
    board = outcomes(
        "meeting", "plan", later[0], "--db", str(demo_file), "--as", "board.member@demo.example"
    )
    assert board.returncode != 0 and "Traceback" not in board.stderr
    assert "Traceback" not in past.stderr


def test_the_calendar_command_writes_an_ics(demo_file):
    done = outcomes("calendar", "--db", str(demo_file), "--person", LEAD)
    assert done.returncode == 0, done.stderr
    assert any(uid.startswith("return-street-violence-") for uid in _events(done.stdout.encode()))


def test_a_subscription_address_is_kept_hashed_and_can_be_reset(demo_store):
    cur = demo_store.cursor()
    lead = Person(LEAD, "Sam", "lead", frozenset({"street-violence"}))
    old = feeds.reset_token(cur, LEAD, by=lead)
    assert feeds.token_person(cur, old) == LEAD
    stored = cur.execute("SELECT token_hash FROM calendar_token").fetchall()
    assert stored and old not in str(stored)
    new = feeds.reset_token(cur, LEAD, by=lead)
    assert feeds.token_person(cur, new) == LEAD and feeds.token_person(cur, old) is None
    assert feeds.feed_url(BASE, new) == f"{BASE}/calendar/{new}.ics"
    with pytest.raises(Exception, match="only for themselves"):
        feeds.reset_token(cur, "analyst@demo.example", by=lead)


@pytest.fixture
def waiting_for_approval(demo_file, tmp_path):
    """The demo with approval required for street violence and its lead's return submitted."""
    from outcomes.workflows import approval, uploads
    from tests.actors import ADMIN
    from tests.copies import written
    from tests.returns import filled_return

    def submit(cur) -> None:
        approval.set_rule(cur, required=True, priority_id="street-violence", by=ADMIN)
        lead = Person(LEAD, "Sam Lead", "lead", frozenset({"street-violence"}))
        form = filled_return(cur, tmp_path / "return.xlsx", "street-violence")
        uploads.commit(cur, uploads.prepare(cur, form, by=lead), by=lead, accept_warnings=True)

    return written(demo_file, submit)


def test_the_approver_gets_one_email_of_submissions_waiting(waiting_for_approval, mail_server):
    done = _remind(waiting_for_approval, mail_server.url, "--on", LATE, "--json")
    assert done.returncode == 0, done.stderr
    printed = {p["to"]: p for p in json.loads(done.stdout)}
    analyst = printed["analyst@demo.example"]  # no approver named: the analysts approve
    assert analyst["returns"] == [] and "waiting for your approval" in analyst["subject"]
    (waiting,) = analyst["approvals"]
    assert waiting["priority"] == "street-violence" and waiting["period"] == "2025/26 Q1"
    assert waiting["link"] == f"{BASE}/returns?priority=street-violence&period=2025%2F26+Q1"
    assert printed[LEAD]["approvals"] == []  # never asked to approve their own return
    (mail,) = mail_server.to("analyst@demo.example")
    assert waiting["link"] in mail.get_body(("plain",)).get_content()
    assert "Sam Lead" in mail.get_body(("html",)).get_content()
    again = _remind(waiting_for_approval, mail_server.url, "--on", LATE)
    assert "0 reminders sent" in again.stdout


def test_every_month_missing_since_the_latest_figure_is_listed(demo_store):
    cur = demo_store.cursor()
    on = date.today() + timedelta(days=100)
    listed = [
        o.period
        for o in reminders.owed(cur, on, base=BASE)["street-violence"]
        if o.indicator == "SV03" and o.overdue
    ]
    latest = cur.execute(
        "SELECT max(period_end) FROM observation_current_detail "
        "WHERE indicator_code = 'SV03' AND area = 'all'"
    ).fetchone()[0]
    assert len(listed) >= 3  # about three months of silence
    assert listed[0].start > latest and all(
        b == a.next() for a, b in zip(listed[:-1], listed[1:], strict=True)
    )
    assert listed[-1].end < on


def test_an_overdue_return_with_no_lead_to_remind_is_named(demo_file, mail_server):
    # The demo's modern slavery return (MS02) is overdue today, and no lead is recorded for it.
    done = _remind(demo_file, mail_server.url, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []  # the promised list stays as it was
    said = done.stderr
    assert "Nobody was reminded of Unknown scale of modern slavery's returns: MS02 " in said
    assert "overdue since" in said
    assert "user add EMAIL --name NAME --role lead --priority modern-slavery" in said
    # A dry run says the same; a priority with a lead is not named.
    dry = outcomes("remind", "--db", str(demo_file), "--dry-run")
    assert "MS02" in dry.stderr and "street violence" not in dry.stderr.lower()
    assert dry.stderr.startswith("Nobody would be reminded of Unknown scale of modern slavery")
    # Reminding one person is not the run that names them.
    one = _remind(demo_file, mail_server.url, "--person", LEAD)
    assert "Nobody was reminded" not in one.stderr
