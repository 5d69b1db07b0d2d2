"""The calendar feed served beside the dashboard (serve.py, Streamlit's st.App routes): a
calendar client fetches a person's .ics by the secret in its address, without signing in, and
the dashboard itself is served as before."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from icalendar import Calendar

from outcomes import feeds
from outcomes.people import Person
from tests.browser.server import serve
from tests.copies import written

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
