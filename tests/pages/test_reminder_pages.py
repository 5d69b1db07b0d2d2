"""Where reminders meet the pages: a reminder's link followed by a lead who no longer reports on
that priority, and "remind now" under the analysts' quarter at a glance (a real SMTP server)."""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from loaders import periods
from outcomes.storage import people
from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows import reminders
from tests.copies import written

RETURNS_PAGE = "pages/returns.py"
LEAD = "street.violence.lead@demo.example"


def _lead_reports_on(path, *priorities: str) -> None:
    written(
        path,
        lambda cur: people.change_person(cur, LEAD, priorities=list(priorities), by=people.SYSTEM),
    )


def _open(as_email: str, link: str | None = None) -> AppTest:
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = as_email
    at.switch_page(RETURNS_PAGE)
    for key, value in parse_qsl(urlsplit(link or "").query):
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reminders_link_for_a_priority_no_longer_theirs_says_so(fresh_db):
    link = reminders.returns_link(
        "http://localhost:8501", "street-violence", periods.quarter(2026, 2)
    )
    _lead_reports_on(fresh_db, "modern-slavery")
    at = _open(LEAD, link)
    said = " ".join(w.value for w in at.warning)
    assert "does not report on" in said and "Violent street crime" in said
    assert "any more" in said


def test_remind_now_sends_one_lead_their_reminder(fresh_db, mail_server, monkeypatch):
    monkeypatch.setenv("OUTCOMES_SMTP_URL", mail_server.url)
    monkeypatch.setenv("OUTCOMES_MAIL_FROM", "csp@example.org")
    # Modern slavery's return is overdue in the demo: the lead now owes it.
    _lead_reports_on(fresh_db, "street-violence", "modern-slavery")
    at = _open("analyst@demo.example")
    chooser = at.selectbox(key="remind_now_lead")
    assert LEAD in chooser.options or any("Sam Lead" in o for o in chooser.options)
    at.button(key="FormSubmitter:remind_now-Remind now").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m["To"] for m in mail_server.messages] == [LEAD]
    assert any("was sent a reminder" in s.value for s in at.success)
    # Pressed again the same day: nothing new to send, and it says so.
    at.button(key="FormSubmitter:remind_now-Remind now").click().run()
    assert len(mail_server.messages) == 1
    assert any("nothing was sent" in s.value for s in at.success)


def test_remind_now_without_a_mail_server_says_so(fresh_db, monkeypatch):
    monkeypatch.delenv("OUTCOMES_SMTP_URL", raising=False)
    _lead_reports_on(fresh_db, "street-violence", "modern-slavery")
    at = _open("analyst@demo.example")
    at.button(key="FormSubmitter:remind_now-Remind now").click().run()
    # The box's Markdown spells the refusal's punctuation as character references (ui.problems.refused).
    assert any("OUTCOMES_SMTP_URL" in html.unescape(e.value) for e in at.error)


@pytest.mark.parametrize("who", ["board.member@demo.example", LEAD])
def test_remind_now_is_only_for_analysts_and_administrators(fresh_db, who):
    at = _open(who)
    assert not [b for b in at.button if "remind_now" in str(b.key)]


def test_lead_choices_name_each_lead_with_their_priorities(demo_store):
    choices = reminders.lead_choices(demo_store.cursor())
    assert list(choices) == [LEAD] and "Violent street crime" in choices[LEAD]


def test_the_meetings_page_offers_the_meetings_as_an_ics(fresh_db):
    from outcomes.workflows import meetings

    written(fresh_db, lambda cur: meetings.record_meeting(cur, "2026-03-12", by=people.SYSTEM))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.switch_page("pages/meeting.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download the meetings for your calendar (.ics)" in labels


def test_the_reminder_view_names_an_overdue_return_no_one_is_reminded_of(app):
    at = _open("analyst@demo.example")
    said = " ".join(w.value for w in at.warning)
    assert "Nobody is reminded of Unknown scale of modern slavery" in said and "MS02" in said
    assert "--priority modern-slavery" in said
