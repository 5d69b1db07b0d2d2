"""The calendar feed served beside the dashboard (serve.py, Streamlit's st.App routes): a
calendar client fetches a person's .ics by the secret in its address, without signing in, and
the dashboard itself is served as before."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from icalendar import Calendar

from outcomes.outputs import feeds
from outcomes.storage.people import Person
from tests.browser.server import serve
from tests.copies import written

pytestmark = pytest.mark.browser

LEAD = "street.violence.lead@demo.example"


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory, copy_demo):
    """serve.py on a demo of its own, with one subscription address made, and that address."""
    work = tmp_path_factory.mktemp("feed")
    made = {}

    def subscribe(cur) -> None:
        lead = Person(LEAD, "Sam", "lead", frozenset({"street-violence"}))
        made["old"] = feeds.reset_token(cur, LEAD, by=lead)
        made["token"] = feeds.reset_token(cur, LEAD, by=lead)

    db = written(copy_demo(work / "outcomes.duckdb"), subscribe)
    with serve(work, db, script="serve.py") as base:
        yield base, made


def test_a_calendar_client_fetches_the_feed_by_its_secret(feed_server):
    base, made = feed_server
    status, kind, body = _get(feeds.feed_url(base, made["token"]))
    assert status == 200 and kind.startswith("text/calendar")
    uids = {str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert any(uid.startswith("return-street-violence-") for uid in uids)


def test_a_replaced_or_made_up_secret_gets_nothing(feed_server):
    base, made = feed_server
    for token in (made["old"], "made-up"):
        status, _, body = _get(feeds.feed_url(base, token))
        assert status == 404 and b"BEGIN:VCALENDAR" not in body and b"not known here" in body


def test_the_dashboard_is_still_served_beside_it(feed_server):
    base, _ = feed_server
    status, kind, _ = _get(f"{base}/")
    assert status == 200 and kind.startswith("text/html")


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["laptop", "phone"])
def test_a_lead_makes_a_subscription_address_from_the_sidebar(
    feed_server, page, demo_sign_in, expect, size
):
    from tests.browser.conftest import _screenshot, _wait_for_app

    base, _ = feed_server
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(base)
    _wait_for_app(page)
    if size[0] < 600:  # the sidebar is folded away on a phone
        page.get_by_test_id("stExpandSidebarButton").click()
    demo_sign_in(page, "Sam Lead")
    popover = page.get_by_role("button", name="Your calendar", exact=True)
    popover.click()
    expect(page.get_by_role("button", name="Download your calendar (.ics)")).to_be_visible()
    page.get_by_role("button", name=re.compile("subscription address")).click()
    _wait_for_app(page)
    if popover.get_attribute("aria-expanded") != "true":
        popover.click()
    expect(page.get_by_test_id("stCode")).to_be_visible()
    address = page.get_by_test_id("stCode").inner_text().strip()
    _screenshot(page, f"calendar-subscription-{size[0]}", full_height=False)
    assert address.startswith("http") and "/calendar/" in address and address.endswith(".ics")
    secret = address.rsplit("/", 1)[1]
    status, kind, body = _get(f"{base}/calendar/{secret}")
    assert status == 200 and kind.startswith("text/calendar") and b"BEGIN:VEVENT" in body


def test_serve_sends_the_mornings_reminders_itself(tmp_path, copy_demo, mail_server, monkeypatch):
    """With OUTCOMES_REMIND_AT already past today, the dashboard sends the day's reminders as
    it starts (DuckDB lets no cron job open the file it holds), once."""
    import time

    from outcomes.storage import people

    db = written(
        copy_demo(tmp_path / "outcomes.duckdb"),
        lambda cur: people.change_person(  # modern slavery's return is overdue in the demo
            cur, LEAD, priorities=["street-violence", "modern-slavery"], by=people.SYSTEM
        ),
    )
    monkeypatch.setenv("OUTCOMES_REMIND_AT", "00:00")
    monkeypatch.setenv("OUTCOMES_SMTP_URL", mail_server.url)
    monkeypatch.setenv("OUTCOMES_MAIL_FROM", "csp@example.org")
    with serve(tmp_path, db, script="serve.py"):
        deadline = time.monotonic() + 30
        while not mail_server.messages and time.monotonic() < deadline:
            time.sleep(0.25)
    assert [m["To"] for m in mail_server.messages] == [LEAD]
    assert "overdue" in mail_server.messages[0]["Subject"]
