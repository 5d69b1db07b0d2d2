"""The reporting calendar: when each indicator's figures fall due, and which are late.

The partnership's rule is "a period's return is due N days after the period ends", with one N
for each frequency (a month's, a quarter's and a year's return), which a priority or a single
indicator may override (the framework's ``due_days``; docs/framework.md). The numbers live in the
database (``return_due``, with the defaults in migration 007) and the ``indicator_due`` view
resolves them, indicator by indicator; this module holds the rule itself, which the
``indicator_rating`` view mirrors in SQL (tests/unit/test_calendar.py checks that they agree).

"Overdue" and "stale" are one judgement: at the date the board judges at (today, or a
recorded meeting's date), an indicator is behind when it has no figure for the latest of its
periods that has fallen due. It is never judged against another lead's figures, so one lead's
early return makes no one else late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from loaders import periods
from loaders.periods import Period
from outcomes.rules import wording


def periods_due(frequency: str, return_period: periods.Period) -> list[periods.Period]:
    """The periods of an indicator reported ``frequency`` that are due in ``return_period``.

    >>> q3, q4 = periods.quarter(2024, 3), periods.quarter(2024, 4)
    >>> periods_due("monthly", q3)
    [<Period 2024-10>, <Period 2024-11>, <Period 2024-12>]
    >>> periods_due("quarterly", q3), periods_due("annual", q3), periods_due("annual", q4)
    ([<Period 2024/25 Q3>], [], [<Period 2024/25>])
    >>> periods_due("quarterly", periods.month(2024, 12))
    []
    >>> len(periods_due("quarterly", periods.financial_year(2024)))
    4
    """
    kind = periods.FREQUENCY_KIND[frequency]
    first = periods.period_containing(return_period.start, kind)
    last = periods.period_containing(return_period.end, kind)
    if kind == "year" and return_period.kind == "quarter" and last.end == return_period.end:
        return [last]  # the Q4 return also collects the financial year it completes
    return [
        p
        for p in periods.period_range(first, last)
        if p.start >= return_period.start and p.end <= return_period.end
    ]


def due_date(period: Period, days: int) -> date:
    """The day a period's figures are due: ``days`` after the period ends.

    >>> due_date(periods.quarter(2025, 2), 45)        # July–September 2025
    datetime.date(2025, 11, 14)
    """
    return period.end + timedelta(days=int(days))


def latest_due(kind: str, days: int, on: date) -> Period:
    """The latest period of ``kind`` whose figures are due on or before ``on``.

    A quarter's return due 45 days after the quarter ends: Q2 (July–September) falls due on
    14 November, so on 13 November the latest quarter due is still Q1.

    >>> latest_due("quarter", 45, date(2025, 11, 14)), latest_due("quarter", 45, date(2025, 11, 13))
    (<Period 2025/26 Q2>, <Period 2025/26 Q1>)
    >>> latest_due("month", 20, date(2026, 12, 3)), latest_due("year", 90, date(2026, 12, 3))
    (<Period 2026-10>, <Period 2025/26>)
    """
    # The period whose end is the latest on or before ``on - days``: the one before the period
    # that holds the day after it.
    return periods.period_containing(on - timedelta(days=int(days) - 1), kind).previous()


def is_behind(latest: Period | None, kind: str, days: int, on: date) -> bool:
    """Whether an indicator whose latest figure is for ``latest`` (None: no figure) is behind
    at ``on``: its figures for a period that has fallen due are missing. A behind indicator's
    return is overdue and its status is "not rated: stale data".

    >>> q1, q2 = periods.quarter(2025, 1), periods.quarter(2025, 2)
    >>> is_behind(q1, "quarter", 45, date(2025, 11, 13)), is_behind(q1, "quarter", 45, date(2025, 11, 14))
    (False, True)
    >>> is_behind(q2, "quarter", 45, date(2025, 11, 14)), is_behind(None, "quarter", 45, date(2025, 11, 14))
    (False, True)

    A figure sent early, for a period not yet due, is never behind:

    >>> is_behind(periods.quarter(2025, 3), "quarter", 45, date(2025, 11, 14))
    False
    """
    return latest is None or latest < latest_due(kind, days, on)


@dataclass(frozen=True)
class Due:
    """A return a lead owes: the period, the day it is due, and whether that day has passed."""

    period: Period
    due: date
    overdue: bool

    @property
    def sentence(self) -> str:
        """What the lead reads.

        >>> Due(periods.quarter(2025, 2), date(2025, 11, 14), False).sentence
        'Your Q2 2025/26 (Jul–Sep 2025) return can be sent from 1 October 2025 and is due by 14 November 2025.'
        >>> Due(periods.quarter(2025, 1), date(2025, 8, 14), True).sentence
        'Your Q1 2025/26 (Apr–Jun 2025) return was due by 14 August 2025 and is overdue.'
        """
        name = wording.period(self.period.code)
        when = periods.long_date(self.due)
        if self.overdue:
            return f"Your {name} return was due by {when} and is overdue."
        opens = periods.long_date(self.period.end + timedelta(days=1))
        return f"Your {name} return can be sent from {opens} and is due by {when}."


def return_name(period: Period) -> str:
    """A return period as a lead names it.

    >>> return_name(periods.quarter(2025, 2)), return_name(periods.month(2025, 4))
    ('Q2 2025/26', 'April 2025')
    """
    if period.kind == "quarter":
        fy, q = period.code.split(" ")
        return f"{q} {fy}"
    return period.label


# An indicator a lead's return asks for: not one computed from public data (``derived_from``
# in the framework), which loading the public files works out.
NOT_COMPUTED = "i.code NOT IN (SELECT indicator_code FROM indicator_derivation)"


def computed_codes(cur: duckdb.DuckDBPyConnection) -> set[str]:
    """The indicators computed from public data: never a lead's return, never overdue from one."""
    return {r[0] for r in cur.execute("SELECT indicator_code FROM indicator_derivation").fetchall()}


def next_return(cur: duckdb.DuckDBPyConnection, priority_id: str, today: date | None = None) -> Due:
    """The quarterly return a priority's lead owes next: the latest quarter that has fallen due
    if any of its figures are still missing, otherwise the quarter after it. With no priority
    (a partnership with none yet) it is the next quarter by the partnership's own calendar."""
    key = "" if priority_id is None else priority_id  # "" is no priority's id: nothing owed
    return next_returns(cur, today, priority_id=key)[key]


def next_returns(
    cur: duckdb.DuckDBPyConnection, today: date | None = None, *, priority_id: str | None = None
) -> dict[str, Due]:
    """:func:`next_return` for every priority (in board order), or only ``priority_id``'s, in
    three queries whatever the number of priorities."""
    today = today or date.today()
    only = "" if priority_id is None else "AND pr.id = ?"
    args = [] if priority_id is None else [priority_id]
    default = cur.execute(
        "SELECT due_days FROM partnership_due WHERE frequency = 'quarterly'"
    ).fetchone()[0]
    days = {pid: default for pid in ([] if priority_id is None else [priority_id])}
    rows = cur.execute(
        "SELECT pr.id, d.due_days FROM priority pr JOIN priority_due d ON d.priority_id = pr.id "
        f"WHERE d.frequency = 'quarterly' {only} ORDER BY pr.sort_order, pr.id",
        args,
    ).fetchall()
    days.update(rows)
    # The partnership figures each priority's leads type in (a figure computed from public
    # data is no lead's to send), and those already in.
    owed: dict[str, list[tuple[str, str]]] = {pid: [] for pid in days}
    for pid, code, frequency in cur.execute(
        "SELECT pr.id, i.code, i.frequency FROM indicator i JOIN priority pr ON pr.id = i.priority_id "
        f"WHERE {NOT_COMPUTED} {only}",
        args,
    ).fetchall():
        owed[pid].append((code, frequency))
    sent = set(
        cur.execute(
            "SELECT d.indicator_code, d.period FROM observation_current_detail d "
            "JOIN indicator i ON i.code = d.indicator_code JOIN priority pr ON pr.id = i.priority_id "
            f"WHERE d.area = 'all' {only}",
            args,
        ).fetchall()
    )
    out = {}
    for pid, n in days.items():
        last = latest_due("quarter", n, today)
        returned = all(
            (code, p.code) in sent
            for code, frequency in owed[pid]
            for p in periods_due(frequency, last)
        )
        out[pid] = (
            Due(last.next(), due_date(last.next(), n), False)
            if returned
            else Due(last, due_date(last, n), True)
        )
    return out


def judging_date(cur: duckdb.DuckDBPyConnection, meeting_date: Any = None) -> date:
    """The date the board judges at: the partnership's ``as_at`` when the framework fixes one,
    else a recorded meeting's date (for what it was shown), else today, as the
    ``reporting_horizon`` view does for now."""
    row = cur.execute("SELECT as_at FROM partnership WHERE id = 1").fetchone()
    if row is not None and row[0] is not None:
        return _as_date(row[0])
    return _as_date(meeting_date) if meeting_date is not None else date.today()


def _as_date(value: Any) -> date:
    return date(value.year, value.month, value.day)
