"""What the pack shows, read once: the board's state now, or as frozen at a recorded meeting.

Every format reads the same ``Snapshot``. The agenda by exception comes from
``agenda.since_last_meeting``, the priority roll-ups from ``board.priority_summary`` and the
staleness of a frozen figure from ``agenda.is_stale`` (the reporting calendar): the pack decides none of them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from outcomes.errors import PackError
from outcomes.queries import board
from outcomes.rules import status, wording
from outcomes.workflows import agenda, approval, blockages, meetings


@dataclass
class Snapshot:
    """Everything a pack shows, as it stands now or as frozen for a meeting."""

    partnership: dict[str, Any]
    partners: pd.DataFrame
    tiers: pd.DataFrame
    priorities: list[dict[str, Any]]  # plan order; status, indicators, n_green, ...
    indicators: list[dict[str, Any]]  # plan order within priority (see _indicator_row)
    exceptions: agenda.Exceptions
    actions: pd.DataFrame  # reference, text, owner, due_date, status, overdue, priority_title
    heading: str  # "Board meeting, 15 May 2025" or "As at 22 November 2026": the pack's one date
    explanation: str  # what the statuses are, in words without a date (the cover has one date)
    provenance: str  # when the statuses were taken: judged at, or the meeting recorded on
    since: str  # what "since the last meeting" compares with
    today: date
    day: date  # the pack's date: the meeting's, or today's for a pack as things stand now
    frozen: bool
    history: Callable[[str], pd.DataFrame] = field(repr=False)
    indicator_detail: Callable[[str], dict[str, Any] | None] = field(repr=False)
    kind: str = "Board pack"  # what the pack is called: "Public summary" for the public's
    # Sections left out, not shown empty: what is withheld is not "none" (the public summary
    # leaves out the blockages, overdue returns and actions, "overdue_actions" and "actions").
    withheld: frozenset[str] = frozenset()
    # What the priorities' statuses are worked out from, when not every indicator: said next
    # to them in every format (the public summary's come from its published indicators only).
    status_basis: str | None = None
    # When the figures shown were approved, where returns wait for an approver ("" otherwise;
    # the public summary never names who approved).
    approvals: str = ""

    def of(self, priority_id: str) -> list[dict[str, Any]]:
        return [r for r in self.indicators if r["priority_id"] == priority_id]

    @property
    def totals(self) -> dict[str, int]:
        return status.count_by_status(r["effective"] for r in self.indicators)

    @property
    def status_heading(self) -> str:
        """The priorities' status column, saying what it is worked out from when it is not
        every indicator (short: it heads a narrow column)."""
        return "Status (published indicators only)" if self.status_basis else "Status"

    @property
    def name(self) -> str:
        return self.partnership.get("name") or "Community Safety Partnership"

    @property
    def title(self) -> str:
        """The pack's title for its file's properties: "Safer Plymouth Partnership: board pack
        as at 7 December 2026", or "...: board pack for Board meeting, 15 May 2025"."""
        kind = self.kind.lower()  # "board pack", or "public summary"
        if self.frozen:
            return f"{self.name}: {kind} for {self.heading}"
        return f"{self.name}: {kind} as at {periods.long_date(self.day)}"

    @property
    def titles(self) -> dict[str, str]:
        return {p["id"]: p["title"] for p in self.priorities}


def snapshot(
    cur: duckdb.DuckDBPyConnection, *, meeting_date: Any = None, today: date | None = None
) -> Snapshot:
    """What the pack shows: now (``meeting_date`` None) or frozen for a recorded meeting."""
    today = today or date.today()
    if meeting_date is None or str(meeting_date).strip() == "":
        return _snapshot_now(cur, today)
    return _snapshot_frozen(cur, as_date(meeting_date, "The meeting date"), today)


def as_date(value: Any, what: str) -> date:
    """A date from a date, a datetime or text such as 2025-05-15.

    >>> as_date("2025-05-15", "The meeting date")
    datetime.date(2025, 5, 15)
    >>> as_date("next week", "The meeting date")
    Traceback (most recent call last):
    ...
    outcomes.errors.PackError: The meeting date 'next week' is not a date: write it day first, as 31/05/2026, or as 31 May 2026.
    """
    try:
        return meetings.parse_date(value, what)
    except meetings.MeetingError as err:
        raise PackError.carrying(err) from None


def clean(value: Any) -> Any:
    """None for a missing value (None, NaN, NaT), the value otherwise."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def _indicator_row(r: dict[str, Any], **extra: Any) -> dict[str, Any]:
    row = {
        "priority_id": r["priority_id"],
        "code": r["indicator_code"],
        "name": r["name"],
        "level": r.get("level"),
        "unit": r.get("unit") or "count",
        "decimals": int(clean(r.get("decimals")) or 0),
        "polarity": r.get("polarity"),
        "frequency": r.get("frequency"),
        "period": clean(r.get("period")),
        "value": clean(r.get("value")),
        "target": clean(r.get("target")),
        "baseline": clean(r.get("baseline_value")),
        "baseline_period": clean(r.get("baseline_period")),
        "sort_order": r.get("sort_order") or 0,
    }
    row.update(extra)
    return row


def _commentary_text(c: dict[str, Any] | None) -> str | None:
    if not c:
        return None
    # A blockage that is the narrative's own text is said once, as the blockage.
    told = [blockages.story(c), c.get("actions_taken")]
    parts = [p for p in told if clean(p) and str(p).strip()]
    if blockages.blockage_text(c):
        parts.append("Blockage escalated to the board: " + blockages.blockage_text(c))
    if not parts:
        return None
    return f"{' '.join(str(p).strip() for p in parts)} ({c['author']}, {wording.period_aside(c['period'])})"


def in_plan_order(
    cur: duckdb.DuckDBPyConnection, indicators: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each priority rolled up from the pack's own statuses, by the board's roll-up rules;
    the indicators sorted into plan order as a side effect."""
    ratings = pd.DataFrame(
        [
            {
                "priority_id": r["priority_id"],
                "status": r["effective"],
                "level": r["level"] or "outcome",
                "period": r["period"],
            }
            for r in indicators
        ],
        columns=["priority_id", "status", "level", "period"],
    )
    priorities = board.priority_summary(cur, ratings=ratings).to_dict("records")
    order = {p["id"]: i for i, p in enumerate(priorities)}
    indicators.sort(key=lambda r: (order.get(r["priority_id"], 999), r["sort_order"]))
    return priorities


def _snapshot_now(cur: duckdb.DuckDBPyConnection, today: date) -> Snapshot:
    indicators = []
    for r in board.indicator_ratings(cur).to_dict("records"):
        comment = None
        if r["period"]:
            comment = meetings.latest_commentary(cur, r["indicator_code"], r["period"])
        comment = comment or meetings.latest_commentary(cur, r["indicator_code"])
        indicators.append(
            _indicator_row(
                r,
                computed=r["status"],
                reason=r["reason"],
                override=r["status_override"],
                override_reason=r["override_reason"],
                override_by=r["override_by"],
                effective=r["effective_status"],
                direction=r["direction"],
                commentary=_commentary_text(comment),
            )
        )
    exceptions = agenda.since_last_meeting(cur, today)
    horizon = board.as_at(cur)
    last = exceptions.meeting
    return _made(
        cur,
        indicators,
        exceptions,
        actions=meetings.actions(cur, today),
        heading=f"As at {periods.long_date(today)}",
        explanation="Statuses as they stand now.",
        provenance=(
            f"Statuses judged at {periods.long_date(horizon)} by the reporting calendar."
            if horizon
            else "No figures are reported yet."
        ),
        since=(
            f"Since the last board meeting on {periods.long_date(last['meeting_date'])}."
            if last
            else "No board meeting is recorded yet, so no statuses are compared; "
            "overdue returns, blockages and overdue actions are listed."
        ),
        today=today,
        day=today,
        frozen=False,
        history=lambda code: board.history(cur, code),
        approvals=approval.approved_sentence(cur),
    )


def _made(cur, indicators: list[dict[str, Any]], exceptions, **rest: Any) -> Snapshot:
    """The snapshot of these indicators: the partnership, its plan and the priorities' roll-ups."""
    return Snapshot(
        partnership=board.partnership(cur),
        partners=board.partners(cur),
        tiers=board.tiers(cur),
        priorities=in_plan_order(cur, indicators),
        indicators=indicators,
        exceptions=exceptions,
        indicator_detail=lambda code: board.indicator(cur, code),
        **rest,
    )


def _snapshot_frozen(cur: duckdb.DuckDBPyConnection, when: date, today: date) -> Snapshot:
    meeting = meetings.meeting_on(cur, when)
    if meeting is None:
        known = [periods.long_date(d) for d in meetings.meetings(cur)["meeting_date"]]
        listed = f" Recorded meetings: {', '.join(known)}." if known else " None is recorded yet."
        raise PackError.worded("pack-no-meeting", when=periods.long_date(when), listed=listed)
    recorded_at = meeting["recorded_at"]
    frozen = agenda.frozen_statuses(cur, meeting["id"])
    horizon = agenda.horizon_of(cur, meeting)
    overrides = _keyed(cur, _OVERRIDES_THEN, recorded_at)
    comments = _keyed(cur, _COMMENTARY_THEN, recorded_at)
    indicators = []
    for r in ({k: clean(v) for k, v in row.items()} for row in frozen.to_dict("records")):
        o = overrides.get((r["indicator_code"], r["period"]), {})
        computed, reason = _recompute(r, horizon)
        if not o and computed != r["status"]:
            computed, reason = r["status"], "as recorded at the meeting"
        previous = _previous_value(cur, r["indicator_code"], r["period"], recorded_at)
        indicators.append(
            _indicator_row(
                r,
                computed=computed,
                reason=reason,
                override=o.get("status_override"),
                override_reason=o.get("override_reason"),
                override_by=o.get("author"),
                effective=r["status"],
                direction=status.direction_of_travel(r["value"], previous, r["polarity"] or "none"),
                commentary=_commentary_text(comments.get((r["indicator_code"], r["period"]))),
            )
        )
    exceptions = agenda.since_last_meeting(cur, today, at=when)
    before = exceptions.meeting
    title = meeting["title"] if clean(meeting["title"]) else "Board meeting"
    return _made(
        cur,
        indicators,
        exceptions,
        actions=meetings.actions_at(cur, when, recorded_at),
        heading=f"{title}, {periods.long_date(when)}",
        explanation="Statuses as frozen when the meeting was recorded; later revisions do not "
        "change them.",
        provenance=(
            f"The meeting was recorded on {periods.long_date(recorded_at)} by "
            f"{clean(meeting['recorded_by']) or 'someone unnamed'}."
        ),
        since=(
            "Since the board meeting before this one, on "
            f"{periods.long_date(before['meeting_date'])}."
            if before
            else "This was the first board meeting recorded, so no statuses are compared; "
            "overdue returns, blockages and overdue actions are listed as they stood."
        ),
        today=today,
        day=when,
        frozen=True,
        history=lambda code: _history_at(cur, code, recorded_at),
    )


_OVERRIDES_THEN = """
    SELECT indicator_code, period, status_override, override_reason, author FROM commentary_live
    WHERE status_override IS NOT NULL AND created_at <= ?
    QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1
"""
_COMMENTARY_THEN = """
    SELECT * FROM commentary_live WHERE created_at <= ?
    QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1
"""


def _keyed(cur, sql: str, *params: Any) -> dict[tuple[str, str], dict[str, Any]]:
    frame = cur.execute(sql, list(params)).df()
    return {
        (r["indicator_code"], r["period"]): {k: clean(v) for k, v in r.items()}
        for r in frame.to_dict("records")
    }


def _recompute(r: dict[str, Any], horizon: date | None) -> tuple[str, str]:
    """The computed status of a frozen figure, by the status rules and the staleness rule."""
    if r.get("polarity") is None:
        return r["status"], "as recorded at the meeting"
    stale = horizon is not None and agenda.is_stale(r, horizon)
    rating = status.rate(
        r["value"],
        polarity=r["polarity"],
        target=r["target"],
        baseline=r["baseline_value"],
        method=r["status_method"] or "target",
        tolerance=r["tolerance"],
        tolerance_kind=r["tolerance_kind"] or "percent",
        stale=stale,
    )
    return rating.status, rating.reason


# The figures as they stood at a moment: recorded by then, from an upload not yet rolled back,
# and approved by then where it waited for approval.
_AS_AT = """
    FROM observation o
    JOIN upload u ON u.id = o.upload_id
    WHERE o.indicator_code = ? AND o.area = 'all' AND o.recorded_at <= ?
      AND (u.state = 'committed' OR u.rolled_back_at > ?)
      AND NOT EXISTS (SELECT 1 FROM return_submission s WHERE s.upload_id = u.id
                      AND (s.state <> 'approved' OR s.decided_at > ?))
    QUALIFY row_number() OVER (PARTITION BY o.period ORDER BY o.revision DESC) = 1
"""


def _previous_value(cur, code: str, period: str | None, when: Any) -> float | None:
    if period is None:
        return None
    frame = cur.execute(
        f"SELECT o.period, o.period_start, o.value {_AS_AT} ORDER BY o.period_start",
        [code, when, when, when],
    ).df()
    codes = list(frame["period"])
    if period not in codes or codes.index(period) == 0:
        return None
    return clean(frame["value"].iloc[codes.index(period) - 1])


def _history_at(cur, code: str, when: Any) -> pd.DataFrame:
    """An indicator's figures as they stood at ``when``: later revisions and figures left out."""
    ind = board.indicator(cur, code)
    if ind is None:
        return pd.DataFrame()
    frame = cur.execute(
        f"""
        SELECT h.period, h.period_start, h.value, coalesce(t.target, i.target) AS target
        FROM (SELECT o.indicator_code, o.period, o.period_start, o.value {_AS_AT}) h
        JOIN indicator i ON i.code = h.indicator_code
        LEFT JOIN indicator_target t ON t.indicator_code = h.indicator_code AND t.period = h.period
        ORDER BY h.period_start
        """,
        [code, when, when, when],
    ).df()
    return board.rate_points(frame, ind)
