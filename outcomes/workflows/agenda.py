"""The board's agenda by exception: "since the last meeting".

Statuses that got better or worse, new figures, returns overdue, blockages escalated by leads
and actions overdue; live (since the last meeting recorded) or as it stood at a past meeting
(since the one before). Every page, presentation screen and board pack reads it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from outcomes.queries import observations
from outcomes.rules import status
from outcomes.workflows import approval, calendar
from outcomes.workflows.meetings import (
    MeetingError,
    actions,
    actions_at,
    last_meeting,
    meeting_before,
    meeting_on,
    parse_date,
    typed_text,
)

CHANGED_COLUMNS = [
    "indicator_code",
    "name",
    "priority_id",
    "was",
    "now",
    "direction",
    "period_was",
    "period",
    "revision",  # a corrected figure, in words ("the board saw 301; corrected to 341 by ..."); None
]
NEW_DATA_COLUMNS = ["indicator_code", "name", "priority_id", "period_was", "period_now", "value"]
# The words and order the board reads a change of status in: worse first.
CHANGE_WORDS = {"worse": "↘ worse", "changed": "↔ changed", "better": "↗ better"}
_CHANGE_ORDER = {d: i for i, d in enumerate(CHANGE_WORDS)}
BLOCKAGE_COLUMNS = [
    "blockage_id",
    "indicator_code",
    "name",
    "priority_id",
    "period",
    "narrative",
    "blockage_detail",
    "detail",
    "author",
    "created_at",
]
# due_period: the latest period due, whose figures are missing; due_date: the day they were due.
OVERDUE_RETURN_COLUMNS = [
    "indicator_code",
    "name",
    "priority_id",
    "latest_period",
    "due_period",
    "due_date",
    "accountable_role",
]
# A return sent but waiting for approval: the overdue return's columns, and who sent it when.
WAITING_RETURN_COLUMNS = [*OVERDUE_RETURN_COLUMNS, "submitted_by", "submitted_at"]
# waiting: the return was sent and waits for approval (so it is not overdue, though not in yet)
RETURN_DUE_COLUMNS = ["priority_id", "period", "name", "due_date", "overdue", "waiting"]
OVERDUE_ACTION_COLUMNS = ["reference", "text", "owner", "due_date", "priority_id"]


@dataclass
class Exceptions:
    """The board's agenda by exception: what changed between ``meeting`` (None: no meeting
    recorded yet) and now, or, for a past meeting's agenda, that meeting (``at``)."""

    meeting: dict[str, Any] | None
    changed: pd.DataFrame  # CHANGED_COLUMNS, worse first; direction is better, worse or changed
    new_data: pd.DataFrame  # NEW_DATA_COLUMNS
    overdue_returns: pd.DataFrame  # OVERDUE_RETURN_COLUMNS
    blockages: pd.DataFrame  # BLOCKAGE_COLUMNS, newest first; detail: what is blocked, in words
    overdue_actions: pd.DataFrame  # OVERDUE_ACTION_COLUMNS
    at: dict[str, Any] | None = None  # the meeting whose agenda this is; None: live
    # Each priority's next return by the calendar (live only): RETURN_DUE_COLUMNS
    returns_due: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=RETURN_DUE_COLUMNS)
    )
    # Figures due and sent, but waiting for approval (live only): WAITING_RETURN_COLUMNS. They
    # are not overdue; the board does not see them until approved.
    waiting_returns: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=WAITING_RETURN_COLUMNS)
    )

    @property
    def next_due(self) -> list[dict[str, Any]]:
        """The returns due next, grouped: each period and day with how many priorities owe it
        (or sent it and wait for approval), overdue ones first, then those waiting."""
        frame = self.returns_due
        if frame.empty:
            return []
        if "waiting" not in frame:
            frame = frame.assign(waiting=False)
        grouped = frame.groupby(["overdue", "waiting", "due_date", "name"], sort=False).size()
        rows = [
            {"overdue": bool(o), "waiting": bool(w), "due_date": d, "name": n, "priorities": int(c)}
            for (o, w, d, n), c in grouped.items()
        ]
        return sorted(rows, key=lambda r: (not r["overdue"], not r["waiting"], r["due_date"]))

    @property
    def tally(self) -> dict[str, int]:
        """How many statuses changed each way: worse, changed (to or from not rated), better."""
        return {d: int((self.changed["direction"] == d).sum()) for d in CHANGE_WORDS}

    @property
    def count(self) -> int:
        return sum(
            len(f)
            for f in (
                self.changed,
                self.overdue_returns,
                self.waiting_returns,
                self.blockages,
                self.overdue_actions,
            )
        )


def since_last_meeting(
    cur: duckdb.DuckDBPyConnection, today: date | None = None, *, at: Any = None
) -> Exceptions:
    """The agenda by exception: live (since the last meeting, judged ``today``), or with ``at``
    a recorded meeting's date, the agenda as it stood at that meeting (since the one before)."""
    today = today or date.today()
    if at is None:
        meeting, frozen = last_meeting(cur), None
        now = _live_statuses(cur)
        until = None
        acts = actions(cur, today=today)
    else:
        when = parse_date(at, "The meeting date")
        frozen = meeting_on(cur, when)
        if frozen is None:
            raise MeetingError.worded("meeting-unknown", when=periods.long_date(when))
        meeting = meeting_before(cur, frozen)
        now = frozen_statuses(cur, frozen["id"])
        now["as_at"] = horizon_of(cur, frozen)
        until = frozen["recorded_at"]
        acts = actions_at(cur, when, until)
    if meeting is not None:
        changed, fresh = _compared(cur, now, meeting)
        since = meeting["meeting_date"]
    else:
        changed = pd.DataFrame(columns=CHANGED_COLUMNS)
        fresh = pd.DataFrame(columns=NEW_DATA_COLUMNS)
        since = None
    overdue = _overdue_returns(now, calendar.computed_codes(cur))
    # Live, a return sent and waiting for approval is not overdue; a past meeting's agenda says
    # what the board was told then.
    sent = approval.waiting_figures(cur) if at is None else None
    overdue, waiting = _waiting_apart(overdue, sent)
    return Exceptions(
        meeting,
        _tidy(changed),
        _tidy(fresh),
        _tidy(overdue),
        _blockages(cur, since, until),
        _tidy(acts[acts["overdue"]][OVERDUE_ACTION_COLUMNS]),
        frozen,
        _returns_due(cur, sent) if at is None else pd.DataFrame(columns=RETURN_DUE_COLUMNS),
        _tidy(waiting),
    )


def _waiting_apart(
    overdue: pd.DataFrame, sent: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The overdue returns less those whose figure for the period due waits for approval, and
    those (with who sent them, when)."""
    if sent is None or sent.empty or overdue.empty:
        return overdue, pd.DataFrame(columns=WAITING_RETURN_COLUMNS)
    both = overdue.merge(
        sent[["indicator_code", "period", "submitted_by", "submitted_at"]].rename(
            columns={"period": "due_period"}
        ),
        on=["indicator_code", "due_period"],
        how="left",
    ).drop_duplicates(["indicator_code", "due_period"], keep="last")
    held = both["submitted_at"].notna()
    return (
        both.loc[~held, OVERDUE_RETURN_COLUMNS].reset_index(drop=True),
        both.loc[held, WAITING_RETURN_COLUMNS].reset_index(drop=True),
    )


def _returns_due(cur: duckdb.DuckDBPyConnection, sent: pd.DataFrame) -> pd.DataFrame:
    """Each priority's next quarterly return by the reporting calendar, at the date judged at;
    one sent and waiting for approval is waiting, not overdue."""
    on = calendar.judging_date(cur)
    held = {
        (pid, periods.period_containing(periods.parse_code(p).end, "quarter").code)
        for pid, p in zip(sent["priority_id"], sent["period"], strict=True)
    }
    rows = []
    for pid, owed in calendar.next_returns(cur, on).items():
        waiting = owed.overdue and (pid, owed.period.code) in held
        rows.append(
            {
                "priority_id": pid,
                "period": owed.period.code,
                "name": calendar.return_name(owed.period),
                "due_date": owed.due,
                "overdue": owed.overdue and not waiting,
                "waiting": waiting,
            }
        )
    return pd.DataFrame(rows, columns=RETURN_DUE_COLUMNS)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None, never NaN (NaN is truthy, so ``x or y`` would pick it)."""
    frame = frame.reset_index(drop=True).astype(object)
    return frame.where(frame.notna(), None)


def _live_statuses(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT r.indicator_code, r.name, r.priority_id, r.period, r.value, r.frequency,
               coalesce(o.status_override, r.status) AS status, i.accountable_role, r.due_days, r.as_at
        FROM indicator_rating r JOIN indicator i ON i.code = r.indicator_code
        JOIN priority pr ON pr.id = i.priority_id
        LEFT JOIN current_override o ON o.indicator_code = r.indicator_code AND o.period = r.period
        ORDER BY pr.sort_order, i.sort_order
        """
    ).df()


def frozen_statuses(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """Every indicator's status as frozen at a meeting, with the indicator's facts beside it."""
    return cur.execute(
        """
        SELECT ms.indicator_code, ms.priority_id, ms.period, ms.value, ms.target, ms.status,
               coalesce(i.name, ms.indicator_code) AS name, i.level, i.unit, i.decimals,
               i.polarity, coalesce(i.frequency, 'annual') AS frequency, i.status_method,
               i.tolerance, i.tolerance_kind, i.baseline_value, i.baseline_period, i.sort_order,
               i.accountable_role, d.due_days
        FROM meeting_status ms LEFT JOIN indicator i ON i.code = ms.indicator_code
        LEFT JOIN indicator_due d ON d.indicator_code = ms.indicator_code
        LEFT JOIN priority pr ON pr.id = ms.priority_id
        WHERE ms.meeting_id = ?
        ORDER BY pr.sort_order, i.sort_order, ms.indicator_code
        """,
        [int(meeting_id)],
    ).df()


def horizon_of(cur: duckdb.DuckDBPyConnection, meeting: dict[str, Any]) -> date:
    """The date a meeting judged at: the partnership's ``as_at`` when set, else the meeting's
    own date (never the latest figure anyone had sent)."""
    return calendar.judging_date(cur, meeting["meeting_date"])


def is_stale(r: dict[str, Any], on: date) -> bool:
    """Whether a figure (a row with ``period``, ``frequency`` and ``due_days``) was behind
    the reporting calendar at ``on``; a row with no period is judged "no data" instead."""
    if not isinstance(r.get("period"), str) or r.get("due_days") is None or pd.isna(r["due_days"]):
        return False
    kind = periods.FREQUENCY_KIND[r["frequency"]]
    return calendar.is_behind(periods.parse_code(r["period"]), kind, int(r["due_days"]), on)


def _compared(
    cur: duckdb.DuckDBPyConnection, now: pd.DataFrame, meeting: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statuses that changed since ``meeting`` (worse first), and indicators with a new period."""
    then = cur.execute(
        "SELECT indicator_code, period AS period_was, status AS was FROM meeting_status WHERE meeting_id = ?",
        [int(meeting["id"])],
    ).df()
    both = now.merge(then, on="indicator_code", how="left")
    both["now"] = both["status"]
    changed = both[both["was"].notna() & (both["was"] != both["now"])].copy()
    changed["direction"] = [
        status.change(w, n) for w, n in zip(changed["was"], changed["now"], strict=True)
    ]
    changed = changed.sort_values("direction", key=lambda d: d.map(_CHANGE_ORDER), kind="stable")
    # The same period with another status: a figure the board saw was corrected since.
    fixed = observations.corrections(cur)
    fixed = fixed[fixed["shown"] & (fixed["on"] >= pd.Timestamp(meeting["recorded_at"]))]
    keys = zip(fixed["indicator_code"], fixed["period"], strict=True)
    words = dict(zip(keys, fixed["words"], strict=True))
    changed["revision"] = [
        words.get((c, p)) if p == w else None
        for c, p, w in zip(
            changed["indicator_code"], changed["period"], changed["period_was"], strict=True
        )
    ]
    fresh = both[both["period"].notna() & (both["period"] != both["period_was"])].copy()
    fresh = fresh.rename(columns={"period": "period_now"})
    return changed[CHANGED_COLUMNS], fresh[NEW_DATA_COLUMNS]


def _blockages(cur: duckdb.DuckDBPyConnection, since: Any, until: Any) -> pd.DataFrame:
    """Blockages escalated since the last meeting (and, for a past agenda, before it was
    recorded) and still open then: one per indicator and period however often escalated (the
    newest says it), none once resolved or withdrawn. ``detail`` says what is blocked, falling
    back to the story behind the curve (a return's commentary on the row marked Y)."""
    frame = cur.execute(
        """
        SELECT c.id AS blockage_id, c.indicator_code, i.name, i.priority_id, c.period,
               c.narrative, c.blockage_detail, c.author, c.created_at
        FROM commentary_live c JOIN indicator i ON i.code = c.indicator_code
        WHERE c.blockage AND (? IS NULL OR c.created_at >= ?)
          AND (? IS NULL OR c.created_at <= ?)
          AND c.id NOT IN (
              SELECT commentary_id FROM blockage_resolution WHERE ? IS NULL OR resolved_at <= ?
          )
        QUALIFY row_number() OVER (
            PARTITION BY c.indicator_code, c.period ORDER BY c.created_at DESC, c.id DESC
        ) = 1
        ORDER BY c.created_at DESC, c.id DESC
        """,
        [since, since, until, until, until, until],
    ).df()
    frame["detail"] = pd.Series(
        [
            typed_text(d) or typed_text(n)
            for d, n in zip(frame["blockage_detail"], frame["narrative"], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    return _tidy(frame[BLOCKAGE_COLUMNS])


def change_words(direction: str) -> str:
    """A change of status as the board reads it.

    >>> change_words("worse"), change_words("changed")
    ('↘ worse', '↔ changed')
    """
    return CHANGE_WORDS.get(direction, direction)


def _overdue_returns(now: pd.DataFrame, computed: set[str]) -> pd.DataFrame:
    """Indicators whose figures for the latest period due by the reporting calendar are
    missing at the date judged at. A figure computed from public data is no lead's return."""
    rows = []
    for r in now.to_dict("records"):
        if r.get("due_days") is None or pd.isna(r["due_days"]) or r["indicator_code"] in computed:
            continue
        kind, days = periods.FREQUENCY_KIND[r["frequency"]], int(r["due_days"])
        on = pd.Timestamp(r["as_at"]).date()
        latest = periods.parse_code(r["period"]) if isinstance(r["period"], str) else None
        if calendar.is_behind(latest, kind, days, on):
            due = calendar.latest_due(kind, days, on)
            rows.append(
                {
                    "indicator_code": r["indicator_code"],
                    "name": r["name"],
                    "priority_id": r["priority_id"],
                    "latest_period": latest.code if latest else None,
                    "due_period": due.code,
                    "due_date": calendar.due_date(due, days),
                    "accountable_role": r["accountable_role"],
                }
            )
    return pd.DataFrame(rows, columns=OVERDUE_RETURN_COLUMNS)
