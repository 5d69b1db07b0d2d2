"""The board's future meeting dates, as its papers list them ("Dates of future meetings: 21 July
2016; 22 September 2016; ..."), for calendars.

A meeting is *recorded* (``meeting``) on its day, when the statuses the board saw are frozen;
until then it has only a date. The dates to come are one setting (``setting`` key
``meeting_plan``: ISO dates, comma-separated), kept by whoever may record meetings, each change
in the audit trail. A planned date passes out of the plan by itself once it is over or recorded,
and a calendar's event for it keeps its UID (``meeting-2026-03-12@…``) when it is recorded, so a
subscribed calendar updates it rather than adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import duckdb

from loaders import periods
from outcomes.rules import wording
from outcomes.rules.records import MeetingError, parse_date
from outcomes.storage import store
from outcomes.storage.people import Person, writes

SETTING = "meeting_plan"


def _stored(cur: duckdb.DuckDBPyConnection) -> list[date]:
    row = cur.execute("SELECT value FROM setting WHERE key = ?", [SETTING]).fetchone()
    text = row[0] if row else ""
    return sorted({date.fromisoformat(d) for d in text.split(",") if d.strip()})


def planned(cur: duckdb.DuckDBPyConnection, *, today: date | None = None) -> list[date]:
    """The meeting dates to come: from ``today`` on, and not recorded yet, soonest first."""
    today = today or date.today()
    recorded = {
        date(d.year, d.month, d.day)
        for (d,) in cur.execute("SELECT meeting_date FROM meeting").fetchall()
    }
    return [d for d in _stored(cur) if d >= today and d not in recorded]


@writes("meetings.record")
def plan(
    cur: duckdb.DuckDBPyConnection,
    dates: Iterable[Any],
    *,
    by: Person,
    today: date | None = None,
) -> str:
    """Set the dates of the board's future meetings (replacing those planned before); no dates
    clears them. Returns what was done, in words."""
    today = today or date.today()
    wanted = sorted({parse_date(d, "The meeting date") for d in dates})
    past = [d for d in wanted if d < today]
    if past:
        raise MeetingError.worded(
            "meeting-plan-past",
            "one" if len(past) == 1 else None,
            dates=wording.join_and([periods.long_date(d) for d in past]),
        )
    before = [d.isoformat() for d in _stored(cur)]
    value = ",".join(d.isoformat() for d in wanted)
    with store.transaction(cur):
        cur.execute("DELETE FROM setting WHERE key = ?", [SETTING])
        cur.execute(
            "INSERT INTO setting (key, value, changed_by, changed_at) VALUES (?, ?, ?, ?)",
            [SETTING, value, by.signature, datetime.now().replace(microsecond=0)],
        )
        store.audit(
            cur,
            by,
            "setting",
            SETTING,
            "meetings planned",
            before={SETTING: before},
            after={SETTING: [d.isoformat() for d in wanted]},
        )
    if not wanted:
        return "No future meetings are planned now."
    return (
        f"Board meetings planned: {wording.join_and([periods.long_date(d) for d in wanted])}. "
        "They are in everyone's calendar feed."
    )
