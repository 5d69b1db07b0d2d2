"""Blockages the board has dealt with: resolved, or withdrawn by whoever raised them.

A blockage is a commentary with ``blockage`` set (from the commentary form or a return's Y);
the agenda lists each open one once (``outcomes.workflows.agenda``). Resolving one records the outcome
and a note in ``blockage_resolution`` and the audit trail.
"""

from __future__ import annotations

from typing import Any

import duckdb

from loaders import values
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, transaction
from outcomes.workflows import meetings
from outcomes.workflows.meetings import MeetingError

BLOCKAGE_OUTCOMES = ("resolved", "withdrawn")


# A blockage is part of an indicator's commentary, so whoever may write that commentary (a lead
# for their own priorities, an analyst) may record how it was dealt with; a refusal names it.
@writes("blockages.resolve")
def resolve_blockage(
    cur: duckdb.DuckDBPyConnection,
    indicator_code: str,
    period: str,
    *,
    outcome: str,
    note: str,
    by: Person,
) -> int:
    """Mark an indicator's open blockage for a period resolved (or withdrawn by whoever raised
    it) with a note; every escalation of it still open is closed, and the audit trail records
    it. Returns how many escalations were closed."""
    note = str(note or "").strip()
    meetings.may_comment_on(cur, indicator_code, by, action="blockages.resolve")
    if outcome not in BLOCKAGE_OUTCOMES:
        raise MeetingError.worded("blockage-outcome", outcome=outcome)
    if not note:
        raise MeetingError.worded("blockage-note-needed", outcome=outcome)
    with transaction(cur):
        ids = [
            r[0]
            for r in cur.execute(
                """
                SELECT c.id FROM commentary_live c
                WHERE c.indicator_code = ? AND c.period = ? AND c.blockage
                  AND c.id NOT IN (SELECT commentary_id FROM blockage_resolution)
                ORDER BY c.id
                """,
                [indicator_code, period],
            ).fetchall()
        ]
        if not ids:
            raise MeetingError.worded(
                "blockage-not-open", indicator_code=indicator_code, period=period
            )
        # One statement for every open escalation, not a row at a time.
        cur.execute(
            "INSERT INTO blockage_resolution (commentary_id, outcome, note, resolved_by) "
            "SELECT unnest(?::BIGINT[]), ?, ?, ?",
            [ids, outcome, note, by.signature],
        )
        audit(
            cur,
            by,
            "blockage",
            f"{indicator_code} {period}",
            outcome,
            before={"open": True, "commentary": ids},
            after={"open": False, "outcome": outcome, "note": note},
        )
    return len(ids)


# ---------------------------------------------------------------------------------------------
# A commentary as the board reads it


def story(note: dict[str, Any] | None) -> str | None:
    """The story behind the curve a commentary tells, as the board reads it, or None. When it
    is the blockage's own text (a return's row marked Y carries its commentary as what is
    blocked) it is said once, as the blockage (:func:`blockage_text`).

    >>> story({"narrative": " Calls up. ", "blockage": False, "blockage_detail": None})
    'Calls up.'
    >>> story({"narrative": "No trainer.", "blockage": True, "blockage_detail": "No trainer."})
    """
    if not note:
        return None
    told = _said(note.get("narrative"))
    if told is None or told == blockage_text(note):
        return None
    return told


def blockage_text(note: dict[str, Any] | None) -> str | None:
    """What a commentary escalates to the board, or None when it raises no blockage: what is
    blocked, else its narrative, else "no detail given".

    >>> blockage_text({"narrative": "No trainer.", "blockage": True, "blockage_detail": None})
    'No trainer.'
    >>> blockage_text({"narrative": "x", "blockage": False}) is None
    True
    """
    if not note or _missing_value(note.get("blockage")) or not note.get("blockage"):
        return None
    return _said(note.get("blockage_detail")) or _said(note.get("narrative")) or "no detail given"


def _said(text: Any) -> str | None:
    if text is None or _missing_value(text) or not str(text).strip():
        return None
    return str(text).strip()


_missing_value = values.missing  # the one rule for a value that is not there
