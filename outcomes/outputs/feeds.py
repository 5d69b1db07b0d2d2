"""Calendar feeds (.ics): a person's returns' due dates and the partnership's meetings.

Every event has a UID made from what it is (``return-street-violence-2026-27-q2@…``,
``meeting-2026-03-12@…``), never from when the file was made, so a calendar that subscribes
updates an event when a due date moves instead of adding a second one.

A calendar client cannot sign in, so a subscription address carries a secret of its own, one per
person. Only its SHA-256 is kept (``calendar_token``); resetting it makes a new one and the old
address stops working.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, date, datetime, timedelta

import duckdb
from icalendar import Calendar, Event

from loaders import periods
from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage.people import Person, find, normal_email, writes
from outcomes.storage.store import audit, transaction
from outcomes.workflows import calendar, meeting_plan, reminders

# Quarters listed in a person's feed: the two before the latest due (so a late return stays in
# view) to a year ahead.
QUARTERS_BACK, QUARTERS_AHEAD = 2, 4
FEED_PATH = "calendar"  # served at BASE/calendar/TOKEN.ics where the server offers the route
# Set by serve.py, which serves that route beside the dashboard; `streamlit run dashboard.py`
# serves no route of ours, so the pages offer the file to download instead.
SERVED = False
_UID_HOST = "outcomes-dashboard"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Outcomes framework dashboard//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    # How often a subscribed client should look again (Outlook and Apple honour it).
    cal.add("refresh-interval;value=duration", "PT12H")
    cal.add("x-published-ttl", "PT12H")
    return cal


def _event(uid: str, day: date, summary: str, description: str, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_UID_HOST}")
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
    if url:
        event.add("url", url)
    return event


def _partnership(cur: duckdb.DuckDBPyConnection) -> str:
    row = cur.execute("SELECT name FROM partnership WHERE id = 1").fetchone()
    return row[0] if row else "The partnership"


def _meeting_events(
    cur: duckdb.DuckDBPyConnection, partnership: str, on: date | None = None
) -> list[Event]:
    """The meetings recorded and those planned (``outcomes.workflows.meeting_plan``), one event a day:
    a planned meeting keeps its UID once recorded, so a calendar updates the one event."""
    recorded = cur.execute(
        "SELECT meeting_date, title FROM meeting ORDER BY meeting_date"
    ).fetchall()
    to_come = [(day, None) for day in meeting_plan.planned(cur, today=on)]
    return [
        _event(
            f"meeting-{day.isoformat()}",
            day,
            title or f"{partnership} board meeting",
            f"The {partnership} board meets.",
        )
        for day, title in sorted(recorded + to_come, key=lambda m: m[0])
    ]


def meetings_calendar(cur: duckdb.DuckDBPyConnection, *, on: date | None = None) -> bytes:
    """The partnership's meetings, recorded and to come, for the board page's download."""
    partnership = _partnership(cur)
    cal = _calendar(f"{partnership}: board meetings")
    for event in _meeting_events(cur, partnership, on):
        cal.add_component(event)
    return cal.to_ical()


def person_calendar(cur: duckdb.DuckDBPyConnection, email: str, *, on: date | None = None) -> bytes:
    """A person's calendar: the due date of each quarterly return of their priorities (a lead's;
    anyone else's has none) and the partnership's meetings."""
    found = find(cur, email)
    if found is None or not found["active"]:
        raise Refused.worded("unknown-person", "calendar", email=email)
    on = on or date.today()
    partnership = _partnership(cur)
    cal = _calendar(f"{partnership}: {found['name']}'s returns and meetings")
    base = reminders.base_url()
    titles = dict(cur.execute("SELECT id, title FROM priority").fetchall())
    due_days = dict(
        cur.execute(
            "SELECT priority_id, due_days FROM priority_due WHERE frequency = 'quarterly'"
        ).fetchall()
    )
    for pid in found["priorities"] if found["role"] == "lead" else []:
        if pid not in titles:
            continue
        n = due_days[pid]
        latest = calendar.latest_due("quarter", n, on)
        for quarter in periods.period_range(
            latest.previous(QUARTERS_BACK), latest.next(QUARTERS_AHEAD)
        ):
            name = calendar.return_name(quarter)
            cal.add_component(
                _event(
                    f"return-{pid}-{_slug(quarter.code)}",
                    calendar.due_date(quarter, n),
                    f"{titles[pid]}: {name} return due",
                    f"Your {wording.period(quarter.code)} return for {titles[pid]} is due today. "
                    f"Send it here: {reminders.returns_link(base, pid, quarter)}",
                    reminders.returns_link(base, pid, quarter),
                )
            )
    for event in _meeting_events(cur, partnership, on):
        cal.add_component(event)
    return cal.to_ical()


# ---------------------------------------------------------------------------------------------
# Subscription addresses


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@writes("calendar.subscribe")
def reset_token(cur: duckdb.DuckDBPyConnection, email: str, *, by: Person) -> str:
    """A new secret for ``email``'s subscription address (the old one stops working), returned
    once: only its hash is kept. A person makes their own; an administrator anyone's."""
    address = normal_email(email)
    if by.role != "admin" and by.email != address:
        raise Refused.worded("calendar-not-yours", name=by.name)
    token = secrets.token_urlsafe(24)
    with transaction(cur):
        cur.execute("DELETE FROM calendar_token WHERE email = ?", [address])
        cur.execute(
            "INSERT INTO calendar_token VALUES (?, ?, ?)",
            [address, _hash(token), datetime.now().replace(microsecond=0)],
        )
        audit(cur, by, "calendar", address, "subscription address made")
    return token


def token_person(cur: duckdb.DuckDBPyConnection, token: str) -> str | None:
    """The e-mail address a subscription secret belongs to, or None (unknown, reset, or the
    person removed)."""
    if not token or len(token) > 100:
        return None
    row = cur.execute(
        "SELECT t.email FROM calendar_token t JOIN person p ON p.email = t.email "
        "WHERE t.token_hash = ? AND p.active",
        [_hash(token)],
    ).fetchone()
    return row[0] if row else None


def has_token(cur: duckdb.DuckDBPyConnection, email: str) -> bool:
    return bool(
        cur.execute("SELECT count(*) FROM calendar_token WHERE email = ?", [email]).fetchone()[0]
    )


def feed_url(base: str, token: str) -> str:
    """The address a calendar subscribes to."""
    return f"{base}/{FEED_PATH}/{token}.ics"
