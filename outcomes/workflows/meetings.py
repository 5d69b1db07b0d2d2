"""Board meetings and what they freeze: the board's audit trail.

* Recording a meeting freezes every indicator's status as it stood (``meeting_status``), so a
  later revision never rewrites what the board was shown. What changed since is the agenda
  by exception, in ``outcomes.workflows.agenda``.
* Commentary and overrides live in ``outcomes.workflows.commentary``, the actions log in
  ``outcomes.workflows.actions``, and what all three share in ``outcomes.rules.records``; each is reached
  here too, as callers always have (``meetings.add_commentary``, ``meetings.MeetingError``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from outcomes.rules.records import (  # noqa: F401
    ACTION_STATUSES,
    COMMENTARY_MAX_CHARS,
    IMPORT_REFUSED,
    MeetingError,
    parse_date,
    typed_text,
)
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, transaction
from outcomes.workflows.actions import (  # noqa: F401  (callers reach them as outcomes.workflows.meetings)
    ACTION_COLUMNS,
    actions,
    actions_at,
    add_action,
    close_action,
    export_actions,
    import_actions,
    next_reference,
    save_action,
)
from outcomes.workflows.commentary import (  # noqa: F401
    add_commentary,
    latest_commentary,
    may_comment_on,
)


@writes("meetings.record")
def record_meeting(
    cur: duckdb.DuckDBPyConnection,
    meeting_date: Any,
    *,
    by: Person,
    title: str | None = None,
    today: date | None = None,
) -> int:
    """Record a meeting and freeze every indicator's status as it stands now."""
    when = parse_date(meeting_date, "The meeting date")
    today = today or date.today()
    if when > today:
        raise MeetingError.worded("meeting-in-future", when=periods.long_date(when))
    if cur.execute("SELECT count(*) FROM meeting WHERE meeting_date = ?", [when]).fetchone()[0]:
        raise MeetingError.worded("meeting-already-recorded", when=periods.long_date(when))
    with transaction(cur):
        meeting_id = cur.execute(
            "INSERT INTO meeting (meeting_date, title, recorded_by) VALUES (?, ?, ?) RETURNING id",
            [when, title, by.signature],
        ).fetchone()[0]
        cur.execute(
            """
            INSERT INTO meeting_status (meeting_id, indicator_code, priority_id, period, value, target, status)
            SELECT ?, s.indicator_code, s.priority_id, s.period, s.value, s.target,
                   coalesce(o.status_override, s.status)
            FROM indicator_status s LEFT JOIN current_override o USING (indicator_code, period)
            """,
            [meeting_id],
        )
        audit(
            cur,
            by,
            "meeting",
            meeting_id,
            "recorded",
            after={"date": when.isoformat(), "title": title},
        )
    return meeting_id


def meetings(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        "SELECT id, meeting_date, title, recorded_by, recorded_at FROM meeting ORDER BY meeting_date DESC"
    ).df()


def last_meeting(cur: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    frame = meetings(cur)
    return frame.iloc[0].to_dict() if not frame.empty else None


def meeting_on(cur: duckdb.DuckDBPyConnection, when: date) -> dict[str, Any] | None:
    """The meeting recorded for a date, or None."""
    frame = meetings(cur)
    found = frame[[pd.Timestamp(d).date() == when for d in frame["meeting_date"]]]
    return found.iloc[0].to_dict() if not found.empty else None


def meeting_before(cur: duckdb.DuckDBPyConnection, meeting: dict[str, Any]) -> dict | None:
    frame = meetings(cur)
    earlier = frame[frame["meeting_date"] < meeting["meeting_date"]]
    return earlier.iloc[0].to_dict() if not earlier.empty else None
