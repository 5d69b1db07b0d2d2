"""Commentary and overrides: the story behind the curve, per indicator and period.

The accountable person may override a computed status only with a reason; both statuses are
kept and shown. Every change writes the audit log with what it was before (``outcomes.queries.trail``
reads it back in words). Reached as ``outcomes.workflows.meetings`` too.
"""

from __future__ import annotations

from typing import Any

import duckdb

from loaders import periods
from outcomes.rules import status
from outcomes.rules.records import (
    COMMENTARY_MAX_CHARS,
    MeetingError,
)
from outcomes.storage.people import Person, priority_titles, require, writes
from outcomes.storage.store import audit, first_row, transaction


def may_comment_on(
    cur: duckdb.DuckDBPyConnection,
    indicator_code: str,
    by: Person,
    action: str = "commentary.add",
) -> str:
    """The indicator's priority, once ``by`` may write commentary (or ``action``) for it."""
    found = cur.execute(
        "SELECT priority_id FROM indicator WHERE code = ?", [indicator_code]
    ).fetchone()
    if found is None:
        raise MeetingError.worded("no-such-indicator", code=indicator_code)
    require(by, action, priorities=[found[0]], titles=priority_titles(cur))
    return found[0]


@writes("commentary.add")
def add_commentary(
    cur: duckdb.DuckDBPyConnection,
    indicator_code: str,
    period: str,
    *,
    by: Person,
    narrative: str | None = None,
    actions_taken: str | None = None,
    blockage: bool = False,
    blockage_detail: str | None = None,
    status_override: str | None = None,
    override_reason: str | None = None,
    published: bool = False,
) -> int:
    """Add commentary for an indicator's period; the newest entry is the current one.

    ``published``: the author marks its story and what is being done for the public view
    (``outcomes.outputs.public``); a blockage or an override's reason is never published."""
    priority_id = may_comment_on(cur, indicator_code, by)
    if status_override is not None:
        require(by, "status.override", priorities=[priority_id], titles=priority_titles(cur))
    try:
        period = periods.parse_code(period).code
    except periods.PeriodError as err:
        raise MeetingError.carrying(err) from None
    if status_override is not None:
        if status_override not in status.STATUSES:
            raise MeetingError.worded(
                "status-unknown", status=status_override, statuses=", ".join(status.STATUSES)
            )
        if not override_reason or not override_reason.strip():
            raise MeetingError.worded("override-needs-reason")
    for label, text in (
        ("The story behind the curve", narrative),
        ("What is being done", actions_taken),
        ("What is blocked", blockage_detail),
        ("The reason for the override", override_reason),
    ):
        if text and len(str(text)) > COMMENTARY_MAX_CHARS:
            raise MeetingError.worded(
                "commentary-over-limit",
                label=label,
                length=format(len(str(text)), ","),
                most=format(COMMENTARY_MAX_CHARS, ","),
            )
    if (
        not any(x and str(x).strip() for x in (narrative, actions_taken, blockage_detail))
        and not blockage
        and status_override is None
    ):
        raise MeetingError.worded("commentary-empty")
    before = latest_commentary(cur, indicator_code, period)
    with transaction(cur):
        new_id = cur.execute(
            """
            INSERT INTO commentary (indicator_code, period, narrative, actions_taken, blockage, blockage_detail,
                                    status_override, override_reason, author, published)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                indicator_code,
                period,
                narrative,
                actions_taken,
                bool(blockage),
                blockage_detail,
                status_override,
                override_reason,
                by.signature,
                bool(published),
            ],
        ).fetchone()[0]
        after = {
            "narrative": narrative,
            "actions_taken": actions_taken,
            "blockage": bool(blockage),
            "status_override": status_override,
            "override_reason": override_reason,
            "published": bool(published),
        }
        audit(
            cur,
            by,
            "commentary",
            f"{indicator_code} {period}",
            "override" if status_override else "added",
            before=before,
            after=after,
        )
    return new_id


def latest_commentary(
    cur: duckdb.DuckDBPyConnection, indicator_code: str, period: str | None = None
) -> dict[str, Any] | None:
    """The newest commentary for an indicator (for one period, or its latest period)."""
    frame = cur.execute(
        """
        SELECT id, period, narrative, actions_taken, blockage, blockage_detail, status_override,
               override_reason, author, created_at, coalesce(published, false) AS published,
               upload_id
        FROM commentary_live WHERE indicator_code = ? AND (? IS NULL OR period = ?)
        ORDER BY created_at DESC, id DESC LIMIT 1
        """,
        [indicator_code, period, period],
    ).df()
    return first_row(frame)
