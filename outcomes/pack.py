"""The board pack: the plan on a page, the exceptions, every priority and the actions log.

One call, three formats: a PDF to print (A4 portrait, or A3), a PowerPoint to present (16:9)
and a workbook to work from. ``meeting_date`` makes the pack show the statuses frozen when that
meeting was recorded (``meeting_status``), so a later revision never rewrites a past pack;
without it the pack shows the statuses as they stand now.

A status is never shown by colour alone: every status reads as its word and its symbol, so a
pack printed in black and white says the same as one on screen. The PDF sets its text in
DejaVu Sans where it is installed (Debian: ``fonts-dejavu-core``), which has the status symbols;
without it the PDF falls back to Helvetica and draws each symbol as a shape instead.

Charts are drawn by plotly through kaleido, which drives a headless Chromium (``/usr/bin/chromium``
on Debian, or wherever kaleido's ``BROWSER_PATH`` points). One browser stays open for the whole
pack: about 0.3 s a chart instead of several seconds to start a browser for each. The workbook
has no charts and needs no browser.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import duckdb
import pandas as pd

from outcomes import board, charts, meetings, periods, status

FORMATS = ("pdf", "pptx", "xlsx")
PAPER = ("A4", "A3")

# Worst first: the order the board reads statuses in, and the chart chosen for a slide.
_ORDER = {status.RED: 0, status.AMBER: 1, status.GREEN: 2, status.NOT_RATED: 3}
_SEVERITY = {status.GREEN: 0, status.AMBER: 1, status.RED: 2}
_STALE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
FOUR_COLUMNS = (
    ("WE WILL", "aim"),
    ("SO THAT", "outputs"),
    ("AND ULTIMATELY", "outcomes"),
    ("WITH SUCCESS MEASURED BY", "success_measures"),
)
INK = "#1F2328"
HEADER_FILL = "#1F2328"
MUTED = "#555B62"
NBSP = "\u00a0"  # keeps "2 ✔ Green" on one line


class PackError(ValueError):
    """A pack that cannot be made, said in plain English."""


# =============================================================================================
# The API


def build_pack(
    cur: duckdb.DuckDBPyConnection,
    fmt: str,
    out: Any,
    *,
    meeting_date: Any = None,
    paper: str = "A4",
    today: date | None = None,
) -> dict[str, Any]:
    """Write the board pack as ``fmt`` (pdf, pptx or xlsx) to ``out`` (a path or a binary file).

    Returns what was made: ``{"pages": n}`` (PDF), ``{"slides": n}`` (PowerPoint) or
    ``{"sheets": n}`` (workbook), with ``"charts"`` (how many were drawn) and ``"seconds"``.
    Nothing is written to ``out`` unless the whole pack was made.

    >>> build_pack(None, "docx", io.BytesIO())
    Traceback (most recent call last):
    ...
    outcomes.pack.PackError: A board pack can be pdf, pptx or xlsx, not 'docx'.
    """
    started = time.perf_counter()
    fmt = str(fmt).strip().lower()
    if fmt not in FORMATS:
        raise PackError(
            f"A board pack can be {', '.join(FORMATS[:-1])} or {FORMATS[-1]}, not {fmt!r}."
        )
    paper = _paper(paper)
    today = _as_date(today, "Today's date") if today is not None else date.today()
    snap = snapshot(cur, meeting_date=meeting_date, today=today)
    # --- issue 11: SPC icons beside each status (as they stand now) ---
    from outcomes.statistics import icon_words

    spc_words = icon_words(cur) if cur is not None else {}
    for r in snap.indicators:
        r["spc"] = spc_words.get(r["code"], "")
    # --- end issue 11 ---
    buffer = io.BytesIO()
    with _Charts() as drawer:
        if fmt == "pdf":
            result = {"pages": _pdf(snap, buffer, paper, drawer)}
        elif fmt == "pptx":
            result = {"slides": _pptx(snap, buffer, drawer)}
        else:
            result = {"sheets": _xlsx(snap, buffer)}
    data = buffer.getvalue()
    if hasattr(out, "write"):
        out.write(data)
    else:
        Path(out).write_bytes(data)
    result["charts"] = drawer.count
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _paper(paper: str) -> str:
    """A4 or A3, however it is typed.

    >>> _paper("a3"), _paper(" A4 ")
    ('A3', 'A4')
    >>> _paper("Letter")
    Traceback (most recent call last):
    ...
    outcomes.pack.PackError: Paper size 'Letter' is not available: use A4 or A3.
    """
    clean = str(paper).strip().upper()
    if clean not in PAPER:
        raise PackError(f"Paper size {paper!r} is not available: use {' or '.join(PAPER)}.")
    return clean


def _as_date(value: Any, what: str) -> date:
    """A date from a date, a datetime or text such as 2025-05-15.

    >>> _as_date("2025-05-15", "The meeting date")
    datetime.date(2025, 5, 15)
    >>> _as_date("next week", "The meeting date")
    Traceback (most recent call last):
    ...
    outcomes.pack.PackError: The meeting date 'next week' is not a date: write it as 2025-05-15.
    """
    try:
        return meetings.parse_date(value, what)
    except meetings.MeetingError as err:
        raise PackError(str(err)) from None


def _long_date(d: Any) -> str:
    """A date as the board reads it.

    >>> _long_date(date(2025, 5, 1))
    '1 May 2025'
    """
    if d is None or (not isinstance(d, str) and pd.isna(d)):
        return "–"
    d = pd.Timestamp(d).date()
    return f"{d.day} {d:%B %Y}"


# =============================================================================================
# What the pack shows: one snapshot, the same for every format


@dataclass
class Snapshot:
    """Everything a pack shows, as it stands now or as frozen for a meeting."""

    partnership: dict[str, Any]
    partners: pd.DataFrame
    tiers: pd.DataFrame
    priorities: list[dict[str, Any]]  # plan order; status, indicators, n_green, ...
    indicators: list[dict[str, Any]]  # plan order within priority (see _indicator_row)
    exceptions: meetings.Exceptions
    actions: pd.DataFrame  # reference, text, owner, due_date, status, overdue, priority_title
    heading: str  # "Board meeting, 15 May 2025" or "As at 22 November 2026"
    explanation: str  # what the statuses are and when they were taken
    since: str  # what "since the last meeting" compares with
    today: date
    frozen: bool
    history: Callable[[str], pd.DataFrame] = field(repr=False)
    indicator_detail: Callable[[str], dict[str, Any] | None] = field(repr=False)

    def of(self, priority_id: str) -> list[dict[str, Any]]:
        return [r for r in self.indicators if r["priority_id"] == priority_id]

    @property
    def totals(self) -> dict[str, int]:
        return status.count_by_status(r["effective"] for r in self.indicators)


def snapshot(
    cur: duckdb.DuckDBPyConnection, *, meeting_date: Any = None, today: date | None = None
) -> Snapshot:
    """What the pack shows: now (``meeting_date`` None) or frozen for a recorded meeting."""
    today = today or date.today()
    if meeting_date is None or str(meeting_date).strip() == "":
        return _snapshot_now(cur, today)
    return _snapshot_frozen(cur, _as_date(meeting_date, "The meeting date"), today)


def _clean(value: Any) -> Any:
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
        "decimals": int(_clean(r.get("decimals")) or 0),
        "polarity": r.get("polarity"),
        "frequency": r.get("frequency"),
        "period": _clean(r.get("period")),
        "value": _clean(r.get("value")),
        "target": _clean(r.get("target")),
        "baseline": _clean(r.get("baseline_value")),
        "baseline_period": _clean(r.get("baseline_period")),
        "sort_order": r.get("sort_order") or 0,
    }
    row.update(extra)
    return row


def _commentary_text(c: dict[str, Any] | None) -> str | None:
    if not c:
        return None
    parts = [p for p in (c.get("narrative"), c.get("actions_taken")) if p and str(p).strip()]
    if c.get("blockage"):
        parts.append("Blockage escalated to the board: " + (c.get("blockage_detail") or ""))
    if not parts:
        return None
    return f"{' '.join(str(p).strip() for p in parts)} ({c['author']}, {c['period']})"


def _priorities(cur, ratings_by_priority: dict[str, list[dict[str, Any]]]) -> list[dict]:
    frame = cur.execute(
        """
        SELECT pr.id, pr.title, pr.aim, pr.outputs, pr.outcomes, pr.success_measures,
               pr.tier_code, t.label AS tier, pr.lead_role, pa.name AS lead_partner,
               coalesce(pr.roll_up, pp.roll_up) AS roll_up
        FROM priority pr JOIN tier t ON t.code = pr.tier_code
        JOIN partner pa ON pa.code = pr.lead_partner CROSS JOIN partnership pp
        ORDER BY t.sort_order, pr.sort_order
        """
    ).df()
    rows = []
    for p in frame.to_dict("records"):
        own = ratings_by_priority.get(p["id"], [])
        effective = [r["effective"] for r in own]
        counts = status.count_by_status(effective)
        rows.append(
            {
                **p,
                "status": status.roll_up(
                    effective, p["roll_up"], [r["level"] or "outcome" for r in own]
                ),
                "indicators": len(own),
                **{f"n_{k.replace(' ', '_')}": v for k, v in counts.items()},
            }
        )
    return rows


def _snapshot_now(cur, today: date) -> Snapshot:
    ratings = board.indicator_ratings(cur)
    indicators = []
    for r in ratings.to_dict("records"):
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
    by_priority: dict[str, list] = {}
    for r in indicators:
        by_priority.setdefault(r["priority_id"], []).append(r)
    priorities = _priorities(cur, by_priority)
    order = {p["id"]: i for i, p in enumerate(priorities)}
    indicators.sort(key=lambda r: (order.get(r["priority_id"], 999), r["sort_order"]))
    exceptions = meetings.since_last_meeting(cur, today)
    horizon = board.as_at(cur)
    last = exceptions.meeting
    return Snapshot(
        partnership=board.partnership(cur),
        partners=board.partners(cur),
        tiers=board.tiers(cur),
        priorities=priorities,
        indicators=indicators,
        exceptions=exceptions,
        actions=meetings.actions(cur, today),
        heading=f"As at {_long_date(today)}",
        explanation=(
            "Statuses as they stand now"
            + (
                f", judged at {_long_date(horizon)} (the latest figures reported)."
                if horizon
                else "."
            )
        ),
        since=(
            f"Since the last board meeting on {_long_date(last['meeting_date'])}."
            if last
            else "No board meeting is recorded yet, so no statuses are compared; "
            "overdue returns, blockages and overdue actions are listed."
        ),
        today=today,
        frozen=False,
        history=lambda code: board.history(cur, code),
        indicator_detail=lambda code: board.indicator(cur, code),
    )


def _snapshot_frozen(cur, when: date, today: date) -> Snapshot:
    found = cur.execute(
        "SELECT id, meeting_date, title, recorded_by, recorded_at FROM meeting WHERE meeting_date = ?",
        [when],
    ).df()
    if found.empty:
        known = [_long_date(d) for d in meetings.meetings(cur)["meeting_date"]]
        listed = f" Recorded meetings: {', '.join(known)}." if known else " None is recorded yet."
        raise PackError(
            f"No board meeting on {_long_date(when)} is recorded, so there are no statuses "
            f"frozen for it.{listed} Leave the date out for the statuses as they stand now."
        )
    meeting = found.iloc[0].to_dict()
    recorded_at = meeting["recorded_at"]
    frame = cur.execute(
        """
        SELECT ms.indicator_code, ms.priority_id, ms.period, ms.value, ms.target, ms.status,
               coalesce(i.name, ms.indicator_code) AS name, i.level, i.unit, i.decimals,
               i.polarity, i.frequency, i.status_method, i.tolerance, i.tolerance_kind,
               i.baseline_value, i.baseline_period, i.sort_order, i.accountable_role
        FROM meeting_status ms LEFT JOIN indicator i ON i.code = ms.indicator_code
        WHERE ms.meeting_id = ?
        """,
        [int(meeting["id"])],
    ).df()
    rows = [{k: _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]
    # The reporting horizon then: the partnership's as_at, or the end of the latest period
    # anyone had reported (each frozen period is an indicator's latest at the time).
    ends = [periods.parse_code(r["period"]).end for r in rows if r["period"]]
    fixed = _clean(board.partnership(cur).get("as_at"))
    horizon = pd.Timestamp(fixed).date() if fixed is not None else (max(ends) if ends else None)
    overrides = _keyed(
        cur,
        """
        SELECT indicator_code, period, status_override, override_reason, author FROM commentary_live
        WHERE status_override IS NOT NULL AND created_at <= ?
        QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1
        """,
        recorded_at,
    )
    comments = _keyed(
        cur,
        """
        SELECT * FROM commentary_live WHERE created_at <= ?
        QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1
        """,
        recorded_at,
    )
    indicators = []
    for r in rows:
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
    by_priority: dict[str, list] = {}
    for r in indicators:
        by_priority.setdefault(r["priority_id"], []).append(r)
    priorities = _priorities(cur, by_priority)
    order = {p["id"]: i for i, p in enumerate(priorities)}
    indicators.sort(key=lambda r: (order.get(r["priority_id"], 999), r["sort_order"]))
    exceptions, since = _exceptions_at(cur, meeting, rows, indicators, horizon)
    title = meeting["title"] if _clean(meeting["title"]) else "Board meeting"
    return Snapshot(
        partnership=board.partnership(cur),
        partners=board.partners(cur),
        tiers=board.tiers(cur),
        priorities=priorities,
        indicators=indicators,
        exceptions=exceptions,
        actions=_actions_at(cur, when, recorded_at),
        heading=f"{title}, {_long_date(when)}",
        explanation=(
            f"Statuses as frozen when the meeting was recorded on {_long_date(recorded_at)} "
            f"by {meeting['recorded_by']}; later revisions do not change them."
        ),
        since=since,
        today=today,
        frozen=True,
        history=lambda code: _history_at(cur, code, recorded_at),
        indicator_detail=lambda code: board.indicator(cur, code),
    )


def _keyed(cur, sql: str, *params: Any) -> dict[tuple[str, str], dict[str, Any]]:
    frame = cur.execute(sql, list(params)).df()
    return {
        (r["indicator_code"], r["period"]): {k: _clean(v) for k, v in r.items()}
        for r in frame.to_dict("records")
    }


def _recompute(r: dict[str, Any], horizon: date | None) -> tuple[str, str]:
    """The computed status of a frozen figure, by the rules of the ``indicator_rating`` view."""
    if r.get("polarity") is None:
        return r["status"], "as recorded at the meeting"
    stale = False
    if r["period"] and horizon is not None:
        end = periods.parse_code(r["period"]).end
        lag = (horizon.year * 12 + horizon.month) - (end.year * 12 + end.month)
        stale = lag > _STALE_MONTHS.get(r["frequency"], 12)
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


_AS_AT = """
    FROM observation o
    JOIN upload u ON u.id = o.upload_id
    WHERE o.indicator_code = ? AND o.area = 'all' AND o.recorded_at <= ?
      AND (u.state = 'committed' OR u.rolled_back_at > ?)
    QUALIFY row_number() OVER (PARTITION BY o.period ORDER BY o.revision DESC) = 1
"""


def _previous_value(cur, code: str, period: str | None, when: Any) -> float | None:
    if period is None:
        return None
    frame = cur.execute(
        f"SELECT o.period, o.period_start, o.value {_AS_AT} ORDER BY o.period_start",
        [code, when, when],
    ).df()
    codes = list(frame["period"])
    if period not in codes or codes.index(period) == 0:
        return None
    return _clean(frame["value"].iloc[codes.index(period) - 1])


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
        [code, when, when],
    ).df()
    return board.rate_points(frame, ind)


def _exceptions_at(cur, meeting, rows, indicators, horizon) -> tuple[meetings.Exceptions, str]:
    """The agenda by exception as it stood for ``meeting``: compared with the meeting before."""
    prev = cur.execute(
        "SELECT id, meeting_date, title, recorded_by, recorded_at FROM meeting "
        "WHERE meeting_date < ? ORDER BY meeting_date DESC LIMIT 1",
        [meeting["meeting_date"]],
    ).df()
    prev = prev.iloc[0].to_dict() if not prev.empty else None
    now = pd.DataFrame(
        [
            {
                "indicator_code": r["code"],
                "name": r["name"],
                "priority_id": r["priority_id"],
                "period": r["period"],
                "value": r["value"],
                "now": r["effective"],
            }
            for r in indicators
        ],
        columns=["indicator_code", "name", "priority_id", "period", "value", "now"],
    )
    changed_cols = ["indicator_code", "name", "priority_id", "was", "now", "direction"]
    changed_cols += ["period_was", "period"]
    new_cols = ["indicator_code", "name", "priority_id", "period_was", "period_now", "value"]
    if prev is not None:
        then = cur.execute(
            "SELECT indicator_code, period AS period_was, status AS was FROM meeting_status "
            "WHERE meeting_id = ?",
            [int(prev["id"])],
        ).df()
        both = now.merge(then, on="indicator_code", how="left")
        changed = both[both["was"].notna() & (both["was"] != both["now"])].copy()
        changed["direction"] = [
            meetings._direction(w, n) for w, n in zip(changed["was"], changed["now"], strict=True)
        ]
        fresh = both[both["period"].notna() & (both["period"] != both["period_was"])].copy()
        fresh = fresh.rename(columns={"period": "period_now"})
        since = f"Since the board meeting before this one, on {_long_date(prev['meeting_date'])}."
        since_date = prev["meeting_date"]
    else:
        changed = pd.DataFrame(columns=changed_cols)
        fresh = pd.DataFrame(columns=new_cols)
        since = (
            "This was the first board meeting recorded, so no statuses are compared; overdue "
            "returns, blockages and overdue actions are listed as they stood."
        )
        since_date = None
    returns = meetings._overdue_returns(  # the same rule as the live agenda, at the horizon then
        pd.DataFrame(
            [
                {
                    "indicator_code": r["indicator_code"],
                    "name": r["name"],
                    "priority_id": r["priority_id"],
                    "period": r["period"],
                    "frequency": r["frequency"] or "annual",
                    "accountable_role": r["accountable_role"],
                    "as_at": horizon,
                }
                for r in rows
            ],
            columns=["indicator_code", "name", "priority_id", "period", "frequency"]
            + ["accountable_role", "as_at"],
        )
    )
    blockages = cur.execute(
        """
        SELECT c.indicator_code, i.name, i.priority_id, c.period, c.narrative, c.blockage_detail,
               c.author, c.created_at
        FROM commentary_live c JOIN indicator i ON i.code = c.indicator_code
        WHERE c.blockage AND c.created_at <= ? AND (? IS NULL OR c.created_at >= ?)
        ORDER BY c.created_at DESC
        """,
        [meeting["recorded_at"], since_date, since_date],
    ).df()
    acts = _actions_at(cur, pd.Timestamp(meeting["meeting_date"]).date(), meeting["recorded_at"])
    overdue = acts[acts["overdue"]][["reference", "text", "owner", "due_date", "priority_id"]]
    return (
        meetings.Exceptions(
            prev,
            changed[changed_cols].reset_index(drop=True),
            fresh[new_cols].reset_index(drop=True),
            returns,
            blockages,
            overdue.reset_index(drop=True),
        ),
        since,
    )


def _actions_at(cur, when: date, recorded_at: Any) -> pd.DataFrame:
    """The actions log as it stood when the meeting was recorded; overdue judged on its date."""
    frame = cur.execute(
        """
        SELECT a.reference, a.text, a.owner, a.due_date,
               CASE WHEN a.closed_at IS NOT NULL AND a.closed_at <= ? THEN 'done' ELSE 'open' END
                   AS status,
               m.meeting_date, a.priority_id, pr.title AS priority_title
        FROM action a LEFT JOIN meeting m ON m.id = a.meeting_id
        LEFT JOIN priority pr ON pr.id = a.priority_id
        WHERE a.created_at <= ?
        """,
        [recorded_at, recorded_at],
    ).df()
    frame["overdue"] = pd.Series(
        [
            s == "open" and _clean(d) is not None and pd.Timestamp(d).date() < when
            for s, d in zip(frame["status"], frame["due_date"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
    frame["_done"] = frame["status"] == "done"
    frame = frame.sort_values(["_done", "due_date", "reference"], na_position="last")
    return frame.drop(columns="_done").reset_index(drop=True)


def _chart_choice(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The indicator a slide charts: worst status first, outcome measures before outputs."""
    rated = [r for r in rows if r["period"] is not None]
    rated.sort(
        key=lambda r: (_ORDER[r["effective"]], 0 if r["level"] == "outcome" else 1, r["sort_order"])
    )
    return rated[0] if rated else None


# =============================================================================================
# Words for statuses, counts and figures


def counts_text(counts: dict[str, int], symbols: bool = True, space: str = " ") -> str:
    """How many indicators have each status, in words (zeros left out).

    >>> counts_text({"green": 2, "amber": 1, "red": 0, "not rated": 1})
    '2 ✔ Green · 1 ▲ Amber · 1 ○ Not rated'
    >>> counts_text({"green": 0, "amber": 0, "red": 0, "not rated": 0}, symbols=False)
    'none'
    """
    parts = [
        f"{n} {status.badge_text(s) if symbols else status.style(s).word}".replace(" ", space)
        for s in status.STATUSES
        if (n := counts.get(s, 0))
    ]
    return " · ".join(parts) or "none"


def _counts(p: dict[str, Any]) -> dict[str, int]:
    return {s: int(p.get(f"n_{s.replace(' ', '_')}", 0)) for s in status.STATUSES}


def _fmt(row: dict[str, Any], key: str) -> str:
    return board.format_value(row.get(key), row["unit"], row["decimals"])


def _lead(role: str, organisation: str) -> str:
    """The lead's role, naming the organisation only when the role does not already.

    >>> _lead("Head of Community Safety, Plymouth City Council", "Plymouth City Council")
    'Head of Community Safety, Plymouth City Council'
    >>> _lead("Chief Inspector", "Devon and Cornwall Police")
    'Chief Inspector (Devon and Cornwall Police)'
    """
    return role if organisation.lower() in role.lower() else f"{role} ({organisation})"


def _period_label(code: str | None) -> str:
    return periods.parse_code(code).short_label if code else "no figures yet"


def _direction_words(direction: str | None, symbols: bool = True) -> str:
    if not direction:
        return "–"
    symbol = status.DIRECTION_SYMBOLS.get(direction, "") if symbols else ""
    return f"{symbol} {direction}".strip()


def _override_text(r: dict[str, Any], symbols: bool = True) -> str | None:
    if not r.get("override"):
        return None

    def show(s: str) -> str:
        return status.badge_text(s) if symbols else status.style(s).word

    by = f" by {r['override_by']}" if r.get("override_by") else ""
    return (
        f"Status overridden{by}: computed {show(r['computed'])}, board status "
        f"{show(r['override'])}. Reason: {r.get('override_reason') or '–'}"
    )


# =============================================================================================
# Charts: plotly figures drawn to PNG by kaleido through one Chromium kept open for the pack

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_NO_CHROMIUM = (
    "The pack's charts are drawn by Chromium (the web browser kaleido drives) and none was "
    "found. Install Debian's chromium package (apt-get install chromium) or set BROWSER_PATH "
    "to a Chrome or Chromium program. An Excel pack needs no browser."
)
_SERVER_LOCK = threading.Lock()  # guards the kaleido server's users and start/stop
_RENDER_LOCK = threading.Lock()  # the sync server answers one caller at a time
_server = {"users": 0, "ours": False}
START_TIMEOUT = 120.0  # seconds for Chromium to start and draw the first chart
CHART_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def find_chromium() -> str:
    """The browser kaleido will drive: kaleido's ``BROWSER_PATH`` if set, else one on the PATH,
    else Debian's ``/usr/bin/chromium``. Never downloads one."""
    chosen = os.environ.get("BROWSER_PATH", "").strip()
    if chosen:
        if Path(chosen).is_file() and os.access(chosen, os.X_OK):
            return chosen
        raise PackError(
            f"BROWSER_PATH is {chosen!r}, which is not a program. The pack's charts are drawn "
            "by Chromium: point BROWSER_PATH at Chromium or Chrome, or unset it to use "
            "/usr/bin/chromium."
        )
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(path, os.X_OK):
            return path
    raise PackError(_NO_CHROMIUM)


def _server_alive() -> bool:
    import kaleido

    thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
    return thread is None or thread.is_alive()


def _watched(fn: Callable[[], Any], timeout: float, path: str) -> Any:
    """Run a render with a deadline: kaleido's sync server waits for ever if its browser died."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed back to the caller below
            box["error"] = err

    worker = threading.Thread(target=run, name="board-pack-chart", daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout
    while worker.is_alive():
        worker.join(0.05)
        if worker.is_alive() and not _server_alive():
            raise PackError(f"Chromium ({path}) could not start or stopped while drawing a chart.")
        if time.monotonic() > deadline:
            raise PackError(f"Chromium ({path}) did not draw a chart within {timeout:.0f} seconds.")
    if "error" in box:
        err = box["error"]
        raise PackError(
            f"Chromium ({path}) could not draw a chart: {type(err).__name__}: {err}"
        ) from err
    return box["value"]


class _Charts:
    """PNGs of plotly figures, one browser for the whole pack (started at the first chart)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._path: str | None = None

    def __enter__(self) -> _Charts:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._path is not None:
            self._path = None
            _release_server()

    def png(self, fig: Any, width: int, height: int, scale: float = 2) -> bytes:
        started = time.perf_counter()
        first = self._path is None
        if first:
            self._path = _acquire_server()
        import kaleido

        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
        with _RENDER_LOCK:
            data = _watched(
                lambda: kaleido.calc_fig_sync(spec, opts=opts),
                START_TIMEOUT if first else CHART_TIMEOUT,
                self._path,
            )
        self.count += 1
        self.seconds += time.perf_counter() - started
        return data


def _acquire_server() -> str:
    path = find_chromium()
    try:
        import kaleido
    except ImportError:
        raise PackError(
            "The pack's charts need kaleido: pip install -r requirements.txt."
        ) from None
    with _SERVER_LOCK:
        if _server["users"] == 0:
            running = getattr(getattr(kaleido, "_global_server", None), "is_running", None)
            if running is not None and running():
                _server["ours"] = False  # someone else's server: use it, leave it running
            else:
                try:
                    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
                except Exception as err:
                    raise PackError(f"Chromium ({path}) could not start: {err}") from err
                _server["ours"] = True
        _server["users"] += 1
    return path


def _release_server() -> None:
    import kaleido

    with _SERVER_LOCK:
        _server["users"] = max(0, _server["users"] - 1)
        if _server["users"] == 0 and _server["ours"]:
            _server["ours"] = False
            # Stopping waits for the browser's thread; one that never started would wait for
            # ever, so give up after a while and let the next pack start a fresh server.
            stopper = threading.Thread(
                target=kaleido.stop_sync_server,
                kwargs={"silence_warnings": True},
                name="board-pack-stop",
                daemon=True,
            )
            stopper.start()
            stopper.join(STOP_TIMEOUT)
            if stopper.is_alive():
                server = getattr(kaleido, "_global_server", None)
                if server is not None:
                    server._initialized = False


def render_one_shot(fig: Any, width: int, height: int, scale: float = 2) -> bytes:
    """A chart drawn by a browser started for it alone (for comparison: see bench/bench_pack.py)."""
    import kaleido

    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    return kaleido.calc_fig_sync(
        fig.to_dict(), opts=opts, kopts={"path": find_chromium(), "mathjax": False}
    )


def _trend_png(snap: Snapshot, drawer: _Charts, code: str, width: int, height: int, **kw: Any):
    ind = snap.indicator_detail(code)
    hist = snap.history(code)
    if ind is None or hist.empty or hist["value"].isna().all():
        return None
    fig = charts.trend(hist, ind, height=height, font_size=kw.pop("font_size", 16))
    return drawer.png(fig, width, height, kw.pop("scale", 2))


# =============================================================================================
# PDF (reportlab)

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
)
_NEEDED_GLYPHS = "".join(s.symbol for s in status.STYLES.values()) + "".join(
    status.DIRECTION_SYMBOLS.values()
)


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    italic: str
    unicode: bool  # True: the status symbols are in the font; False: draw them as shapes


_fonts_cache: dict[str, _Fonts] = {}


def _fonts() -> _Fonts:
    if "fonts" in _fonts_cache:
        return _fonts_cache["fonts"]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    chosen = _Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", False)
    for folder in _FONT_DIRS:
        files = {
            k: Path(folder) / f"DejaVuSans{suffix}.ttf"
            for k, suffix in (("regular", ""), ("bold", "-Bold"), ("italic", "-Oblique"))
        }
        if not all(f.is_file() for f in files.values()):
            continue
        try:
            faces = {k: TTFont(f"PackSans-{k}", str(f)) for k, f in files.items()}
        except Exception:  # an unreadable font file: try the next folder
            continue
        # Never let a symbol render as an empty box: use the font only if it has them all.
        if all(
            ord(ch) in face.face.charToGlyph for face in faces.values() for ch in _NEEDED_GLYPHS
        ):
            for face in faces.values():
                pdfmetrics.registerFont(face)
            pdfmetrics.registerFontFamily(
                "PackSans",
                normal="PackSans-regular",
                bold="PackSans-bold",
                italic="PackSans-italic",
                boldItalic="PackSans-bold",
            )
            chosen = _Fonts("PackSans-regular", "PackSans-bold", "PackSans-italic", True)
            break
    _fonts_cache["fonts"] = chosen
    return chosen


def _safe(text: Any, fonts: _Fonts) -> str:
    """Text for a reportlab paragraph: escaped, and within what the font can show."""
    text = "" if text is None else str(text)
    if not fonts.unicode:
        # Statuses and directions are always in words too, so their symbols can go.
        for ch in _NEEDED_GLYPHS:
            text = text.replace(ch, "")
        text = text.encode("cp1252", "replace").decode("cp1252")
    return escape(text.strip())


def _pdf(snap: Snapshot, out: io.BytesIO, paper: str, drawer: _Charts) -> int:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A3, A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import (
        CondPageBreak,
        Flowable,
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    fonts = _fonts()
    k = 1.0 if paper == "A4" else math.sqrt(2)  # A3 is A4 enlarged: the same layout, larger
    page = A4 if paper == "A4" else A3
    margin = 15 * mm * k
    frame_w = page[0] - 2 * margin
    ink = colors.HexColor(INK)
    muted = colors.HexColor(MUTED)

    def style(name: str, size: float, *, bold=False, lead=1.25, space=0.0, **kw) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=fonts.bold if bold else fonts.regular,
            fontSize=size * k,
            leading=size * k * lead,
            spaceAfter=space * k,
            textColor=kw.pop("color", ink),
            alignment=kw.pop("alignment", TA_LEFT),
            **kw,
        )

    S = {
        "title": style("title", 30, bold=True, lead=1.15, space=6),
        "subtitle": style("subtitle", 20, lead=1.2, space=10),
        "h1": style("h1", 17, bold=True, lead=1.2, space=4),
        "h2": style("h2", 12.5, bold=True, lead=1.25, space=3, spaceBefore=8 * k),
        "body": style("body", 10, space=4),
        "small": style("small", 8.5),
        "cell": style("cell", 8.8),
        "cellb": style("cellb", 8.8, bold=True),
        "head": style("head", 8.5, bold=True, color=colors.white),
        "note": style("note", 8.5, color=muted),
        "kicker": style("kicker", 9.5, bold=True, color=muted),
    }

    class Badge(Flowable):
        """A status: symbol and word on its colour, outlined so it reads in black and white."""

        def __init__(self, state: str, size: float = 8.8, label: str | None = None):
            super().__init__()
            st = status.style(state)
            self.state, self.size = state, size * k
            self.fill, self.ink = colors.HexColor(st.colour), colors.HexColor(st.text_colour)
            word = label or st.word
            self.text = f"{st.symbol} {word}" if fonts.unicode else word
            self.pad = 0.45 * self.size
            self.shape_w = 0 if fonts.unicode else self.size * 1.05
            self.width = stringWidth(self.text, fonts.bold, self.size) + self.shape_w
            self.width += 2 * self.pad
            self.height = self.size * 1.6

        def wrap(self, *_):
            return self.width, self.height

        def draw(self):
            c = self.canv
            c.setFillColor(self.fill)
            c.setStrokeColor(colors.black)
            c.setLineWidth(0.7)
            c.roundRect(0, 0, self.width, self.height, self.height / 3, fill=1, stroke=1)
            c.setFillColor(self.ink)
            c.setStrokeColor(self.ink)
            base = (self.height - self.size * 0.72) / 2
            x = self.pad
            if not fonts.unicode:
                self._shape(c, x, base, self.size * 0.75)
                x += self.shape_w
            c.setFont(fonts.bold, self.size)
            c.drawString(x, base, self.text)

        def _shape(self, c, x, y, s):
            c.setLineWidth(s * 0.18)
            if self.state == status.GREEN:
                c.lines([(x, y + s * 0.5, x + s * 0.35, y + s * 0.1)])
                c.lines([(x + s * 0.35, y + s * 0.1, x + s * 0.95, y + s * 0.95)])
            elif self.state == status.AMBER:
                p = c.beginPath()
                p.moveTo(x, y)
                p.lineTo(x + s, y)
                p.lineTo(x + s / 2, y + s)
                p.close()
                c.drawPath(p, fill=1, stroke=0)
            elif self.state == status.RED:
                c.lines([(x, y, x + s, y + s), (x, y + s, x + s, y)])
            else:
                c.setLineWidth(s * 0.12)
                c.circle(x + s / 2, y + s / 2, s / 2, fill=0, stroke=1)

    def P(text: Any, st: str = "cell") -> Paragraph:
        return Paragraph(_safe(text, fonts), S[st])

    def table(rows, widths, *, header=True, extra=(), repeat=True, grid=True) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1 if header and repeat else 0)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5 * k),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3.5 * k),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5 * k),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * k),
        ]
        if grid:
            cmds.append(("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")))
        if header:
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)))
        t.setStyle(TableStyle(cmds + list(extra)))
        return t

    def heads(*names: str) -> list[Paragraph]:
        return [P(n, "head") for n in names]

    def cols(*fractions: float) -> list[float]:
        total = sum(fractions)
        return [frame_w * f / total for f in fractions]

    titles = {p["id"]: p["title"] for p in snap.priorities}
    meta = {r["code"]: r for r in snap.indicators}
    story: list[Any] = []
    name = snap.partnership.get("name") or "Community Safety Partnership"

    # --- Cover --------------------------------------------------------------------------
    story += [
        Spacer(1, 35 * mm * k),
        P(name, "title"),
        P("Board pack", "subtitle"),
        P(snap.heading, "h1"),
        P(snap.explanation, "body"),
        P(f"Prepared {_long_date(snap.today)}.", "note"),
        Spacer(1, 10 * mm * k),
        P(f"{len(snap.indicators)} indicators across {len(snap.priorities)} priorities", "h2"),
    ]
    totals = snap.totals
    story.append(
        table(
            [heads("Status", "Indicators", "What it means")]
            + [
                [Badge(s), P(str(totals[s]), "cellb"), P(status.style(s).meaning)]
                for s in status.STATUSES
            ],
            cols(1.3, 0.9, 3.5),
        )
    )
    story += [
        Spacer(1, 4 * mm * k),
        P(
            "Every status is shown as a word and a symbol as well as a colour, so this pack "
            "reads the same printed in black and white.",
            "note",
        ),
        PageBreak(),
    ]

    # --- The plan on a page -------------------------------------------------------------
    story += [
        P("The plan on a page", "h1"),
        P("Our vision", "h2"),
        P(snap.partnership.get("vision"), "body"),
    ]
    who = "; ".join(snap.partners["name"]) if not snap.partners.empty else ""
    story.append(P("Who we are", "h2"))
    if who:
        story.append(P(who + ".", "body"))
    for key in ("doing_the_work", "working_together", "facing"):
        if snap.partnership.get(key):
            story.append(P(snap.partnership[key], "body"))
    for tier in snap.tiers.to_dict("records"):
        own = [p for p in snap.priorities if p["tier_code"] == tier["code"]]
        if not own:
            continue
        label = tier["label"] + (f": {tier['description']}" if tier.get("description") else "")
        rows = [heads("Priority", "Lead", "Status", "Indicators by status")]
        for p in own:
            rows.append(
                [
                    P(p["title"], "cellb"),
                    P(f"{_lead(p['lead_role'], p['lead_partner'])}"),
                    Badge(p["status"]),
                    P(f"{p['indicators']}: {counts_text(_counts(p), fonts.unicode, NBSP)}"),
                ]
            )
        story += [P(label, "h2"), table(rows, cols(3.2, 2.6, 1.3, 2.4))]
    story.append(PageBreak())

    # --- Since the last meeting ---------------------------------------------------------
    ex = snap.exceptions
    story += [P("Since the last meeting", "h1"), P(snap.since, "body")]

    def section(title: str, frame: pd.DataFrame, header: list[str], widths, make_row) -> None:
        story.append(P(f"{title} ({len(frame)})", "h2"))
        if frame.empty:
            story.append(P("None.", "body"))
            return
        rows = [heads(*header)] + [make_row(r) for r in frame.to_dict("records")]
        story.append(table(rows, cols(*widths)))

    def ind_cell(r: dict[str, Any]) -> Paragraph:
        return P(f"{r['indicator_code']} {r['name']}")

    section(
        "Statuses that changed",
        ex.changed,
        ["Indicator", "Priority", "Was", "Now", "Better or worse"],
        (3.2, 2.4, 1.3, 1.3, 1.2),
        lambda r: [
            ind_cell(r),
            P(titles.get(r["priority_id"], r["priority_id"])),
            Badge(r["was"]),
            Badge(r["now"]),
            P(str(r["direction"]).capitalize(), "cellb"),
        ],
    )
    section(
        "New figures",
        ex.new_data,
        ["Indicator", "Priority", "Before", "New period", "Figure"],
        (3.2, 2.4, 1.2, 1.2, 1.2),
        lambda r: [
            ind_cell(r),
            P(titles.get(r["priority_id"], r["priority_id"])),
            P(_clean(r["period_was"]) or "–"),
            P(r["period_now"]),
            P(
                _fmt(
                    {**meta.get(r["indicator_code"], {"unit": "count", "decimals": 0}), **r},
                    "value",
                )
            ),
        ],
    )
    section(
        "Returns overdue",
        ex.overdue_returns,
        ["Indicator", "Latest figure", "Due for", "Accountable"],
        (3.2, 1.3, 1.3, 3.0),
        lambda r: [
            ind_cell(r),
            P(_clean(r["latest_period"]) or "none"),
            P(r["due_period"]),
            P(r["accountable_role"]),
        ],
    )
    section(
        "Blockages escalated to the board",
        ex.blockages,
        ["Indicator", "Period", "Blockage", "Raised by"],
        (2.6, 1.1, 4.0, 1.6),
        lambda r: [
            ind_cell(r),
            P(r["period"]),
            P(" ".join(str(x) for x in (r["blockage_detail"], r["narrative"]) if _clean(x))),
            P(f"{r['author']}, {_long_date(r['created_at'])}"),
        ],
    )
    section(
        "Actions overdue",
        ex.overdue_actions,
        ["Ref", "Action", "Owner", "Due", "Status"],
        (0.8, 4.0, 2.0, 1.2, 1.2),
        lambda r: [
            P(r["reference"], "cellb"),
            P(r["text"]),
            P(r["owner"]),
            P(_long_date(r["due_date"])),
            P("OVERDUE", "cellb"),
        ],
    )
    story.append(PageBreak())

    # --- One section per priority -------------------------------------------------------
    chart_w, chart_h = 900, 300
    for n, p in enumerate(snap.priorities, start=1):
        own = snap.of(p["id"])
        story += [
            P(f"Priority {n} of {len(snap.priorities)} · {p['tier']} tier", "kicker"),
            table(
                [[P(p["title"], "h1"), Badge(p["status"], size=12)]],
                [frame_w - 42 * mm * k, 42 * mm * k],
                header=False,
                grid=False,
                extra=[
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                ],
            ),
            P(
                f"Lead: {_lead(p['lead_role'], p['lead_partner'])}. Indicators: "
                f"{counts_text(_counts(p), fonts.unicode, NBSP)}.",
                "body",
            ),
        ]
        four = [[P(h, "head") for h, _ in FOUR_COLUMNS], [P(p[key]) for _, key in FOUR_COLUMNS]]
        story.append(table(four, cols(1, 1, 1, 1), repeat=False))
        story.append(P("Indicators", "h2"))
        rows = [heads("Status", "Indicator", "Latest figure", "Target", "Baseline", "Direction")]
        spans = []
        for r in own:
            rows.append(
                [
                    Badge(r["effective"]),
                    [P(f"{r['code']} {r['name']}", "cellb"), P(f"Why: {r['reason']}", "note")]
                    + [P(r.get("spc", ""), "note")],  # issue 11: SPC icons
                    [P(_fmt(r, "value"), "cellb"), P(_period_label(r["period"]), "note")],
                    P(_fmt(r, "target")),
                    [P(_fmt(r, "baseline")), P(r["baseline_period"] or "", "note")],
                    P(_direction_words(r["direction"], fonts.unicode)),
                ]
            )
            notes = [
                t
                for t in (
                    _override_text(r, fonts.unicode),
                    f"Commentary: {r['commentary']}" if r["commentary"] else None,
                )
                if t
            ]
            if notes:
                rows.append(["", [P(t, "small") for t in notes], "", "", "", ""])
                spans.append(("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)))
        if not own:
            rows.append([P("This priority has no indicators."), "", "", "", "", ""])
        story.append(table(rows, cols(1.65, 3.35, 1.5, 1.05, 1.35, 1.35), extra=spans))
        drawn = []
        for r in own:
            png = _trend_png(snap, drawer, r["code"], chart_w, chart_h, scale=2 * k)
            if png is None:
                continue
            img = Image(io.BytesIO(png), width=frame_w, height=frame_w * chart_h / chart_w)
            drawn.append(
                KeepTogether(
                    [
                        P(
                            f"{r['code']} {r['name']}: figures to {_period_label(r['period'])}",
                            "cellb",
                        ),
                        Spacer(1, 1.5 * mm * k),
                        img,
                        Spacer(1, 3 * mm * k),
                    ]
                )
            )
        if drawn:
            note = (
                "Figures as they stood at the meeting. "
                if snap.frozen
                else "Each point's marker shape shows its status: "
            )
            story += [
                CondPageBreak(60 * mm * k),
                P("Trends", "h2"),
                P(
                    note + "circle Green, triangle Amber, cross Red, open circle Not rated; "
                    "dashed line target, shaded band the Amber tolerance, dotted line baseline.",
                    "note",
                ),
                Spacer(1, 2 * mm * k),
                *drawn,
            ]
        story.append(PageBreak())

    # --- Actions log --------------------------------------------------------------------
    story += [P("Actions log", "h1")]
    acts = snap.actions
    if acts.empty:
        story.append(P("No actions are recorded.", "body"))
    else:
        n_over = int(acts["overdue"].sum())
        story.append(
            P(
                f"{len(acts)} actions: {int((acts['status'] == 'open').sum())} open, "
                f"{n_over} of them OVERDUE (open and past the due date).",
                "body",
            )
        )
        rows = [heads("Ref", "Action", "Owner", "Due", "Status", "Priority")]
        extra = []
        for a in acts.to_dict("records"):
            state = "OVERDUE" if a["overdue"] else ("Done" if a["status"] == "done" else "Open")
            rows.append(
                [
                    P(a["reference"], "cellb"),
                    P(a["text"]),
                    P(a["owner"]),
                    P(_long_date(a["due_date"])),
                    P(state, "cellb" if a["overdue"] else "cell"),
                    P(_clean(a.get("priority_title")) or "–"),
                ]
            )
            if a["overdue"]:
                extra.append(
                    (
                        "BACKGROUND",
                        (4, len(rows) - 1),
                        (4, len(rows) - 1),
                        colors.HexColor("#E0E0E0"),
                    )
                )
                extra.append(("BOX", (4, len(rows) - 1), (4, len(rows) - 1), 1.6, colors.black))
        story.append(table(rows, cols(0.8, 3.6, 2.0, 1.3, 1.5, 2.1), extra=extra))

    footer = f"{name} · Board pack · {snap.heading}"
    pages: dict[str, int] = {}

    class NumberedCanvas(rl_canvas.Canvas):
        """Adds "Page n of N" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            pages["n"] = total
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts.regular, 7.5 * k)
                self.setFillColor(muted)
                self.drawString(margin, margin / 2, _plain(footer, fonts))
                self.drawRightString(
                    page[0] - margin, margin / 2, f"Page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"{name}: board pack, {snap.heading}",
        author=name,
        subject="Outcomes framework board pack",
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return pages.get("n", 0)


def _plain(text: str, fonts: _Fonts) -> str:
    return text if fonts.unicode else text.encode("cp1252", "replace").decode("cp1252")


# =============================================================================================
# PowerPoint (python-pptx), 16:9


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _pptx(snap: Snapshot, out: io.BytesIO, drawer: _Charts) -> int:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    width = prs.slide_width
    title_only = prs.slide_layouts[5]
    name = snap.partnership.get("name") or "Community Safety Partnership"

    def slide(title: str):
        s = prs.slides.add_slide(title_only)
        t = s.shapes.title
        t.left, t.top, t.width, t.height = (
            Inches(0.5),
            Inches(0.3),
            width - Inches(1.0),
            Inches(1.0),
        )
        t.text = title
        tf = t.text_frame
        tf.word_wrap = True
        for para in tf.paragraphs:
            para.alignment = PP_ALIGN.LEFT
            for run in para.runs:
                run.font.size, run.font.bold = Pt(30), True
                run.font.color.rgb = _rgb(INK)
        return s

    def text(s, left, top, w, h, lines, size=16, bold=False, color=INK):
        box = s.shapes.add_textbox(left, top, w, h)
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate([lines] if isinstance(lines, str) else lines):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = para.add_run()
            run.text = line
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _rgb(color)
        return box

    def badge(s, state, left, top, size=20):
        st = status.style(state)
        w, h = Inches(2.2), Inches(0.55)
        shape = s.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, w, h)
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(st.colour)
        shape.line.color.rgb = _rgb("#000000")
        shape.line.width = Pt(1.25)
        tf = shape.text_frame
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = tf.paragraphs[0]
        para.alignment = PP_ALIGN.CENTER
        run = para.add_run()
        run.text = status.badge_text(state)
        run.font.size, run.font.bold = Pt(size), True
        run.font.color.rgb = _rgb(st.text_colour)
        return shape

    def grid(s, rows, left, top, w, col_in, size=13, fills=None):
        shape = s.shapes.add_table(len(rows), len(rows[0]), left, top, w, Inches(0.4 * len(rows)))
        tbl = shape.table
        for j, inches in enumerate(col_in):
            tbl.columns[j].width = Inches(inches)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = tbl.cell(i, j)
                cell.text = "" if value is None else str(value)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size)
                        run.font.bold = i == 0 or (fills or {}).get((i, j)) is not None
                        if i == 0:
                            run.font.color.rgb = _rgb("#FFFFFF")
                if i == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _rgb(HEADER_FILL)
                elif (fills or {}).get((i, j)):
                    st = status.style(fills[(i, j)])
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _rgb(st.colour)
                    for para in cell.text_frame.paragraphs:
                        for run in para.runs:
                            run.font.color.rgb = _rgb(st.text_colour)
                else:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _rgb("#FFFFFF" if i % 2 else "#F3F4F6")
                    for para in cell.text_frame.paragraphs:
                        for run in para.runs:
                            run.font.color.rgb = _rgb(INK)
        return shape

    # Title slide
    s = prs.slides.add_slide(prs.slide_layouts[0])
    s.shapes.title.text = name
    s.shapes.title.left, s.shapes.title.width = Inches(0.8), width - Inches(1.6)
    sub = s.placeholders[1]
    sub.left, sub.width = Inches(0.8), width - Inches(1.6)
    sub.text = f"Board pack\n{snap.heading}\n{snap.explanation}"
    for i, para in enumerate(sub.text_frame.paragraphs):
        for run in para.runs:
            run.font.size = Pt(28 if i < 2 else 16)

    # Since the last meeting
    s = slide("Since the last meeting")
    ex = snap.exceptions
    text(s, Inches(0.5), Inches(1.2), width - Inches(1.0), Inches(0.5), snap.since, size=16)
    items: list[list[str]] = [["What", "Indicator or action", "Detail"]]
    fills: dict[tuple[int, int], str] = {}
    for r in ex.changed.to_dict("records"):
        items.append(
            [
                f"Status {r['direction']}",
                f"{r['indicator_code']} {r['name']}",
                f"was {status.badge_text(r['was'])}, now {status.badge_text(r['now'])}",
            ]
        )
    for r in ex.overdue_returns.to_dict("records"):
        items.append(
            [
                "Return overdue",
                f"{r['indicator_code']} {r['name']}",
                f"latest {_clean(r['latest_period']) or 'none'}; due for {r['due_period']}",
            ]
        )
    for r in ex.blockages.to_dict("records"):
        items.append(
            ["Blockage", f"{r['indicator_code']} {r['name']}", str(r["blockage_detail"] or "")]
        )
    for r in ex.overdue_actions.to_dict("records"):
        items.append(
            [
                "Action OVERDUE",
                f"{r['reference']} {r['text']}",
                f"{r['owner']}, due {_long_date(r['due_date'])}",
            ]
        )
    if len(ex.new_data):
        items.append(["New figures", f"{len(ex.new_data)} indicators", "see the PDF pack"])
    limit = 8
    if len(items) == 1:
        text(s, Inches(0.5), Inches(2.0), width - Inches(1.0), Inches(1), "Nothing to report.", 20)
    else:
        more = len(items) - 1 - limit
        grid(
            s,
            items[: limit + 1],
            Inches(0.5),
            Inches(1.9),
            width - Inches(1.0),
            (2.4, 5.6, 4.33),
            13,
        )
        if more > 0:
            text(
                s,
                Inches(0.5),
                Inches(6.8),
                Inches(8),
                Inches(0.4),
                f"and {more} more: see the PDF pack.",
                13,
            )

    # One slide per priority
    for n, p in enumerate(snap.priorities, start=1):
        own = snap.of(p["id"])
        s = slide(p["title"])
        badge(s, p["status"], Inches(0.5), Inches(1.35))
        text(
            s,
            Inches(2.9),
            Inches(1.3),
            width - Inches(3.4),
            Inches(0.7),
            [
                f"Priority {n} of {len(snap.priorities)} · {p['tier']} tier · "
                f"Lead: {_lead(p['lead_role'], p['lead_partner'])}",
                f"Indicators: {counts_text(_counts(p))}",
            ],
            size=14,
            color=MUTED,
        )
        rows = [["Status", "Indicator", "Latest", "Target"]]
        fills = {}
        for i, r in enumerate(own, start=1):
            label = status.badge_text(r["effective"]) + (" (override)" if r["override"] else "")
            rows.append(
                [
                    label,
                    f"{r['code']} {r['name']}" + (f"\n{r['spc']}" if r.get("spc") else ""),  # 11
                    f"{_fmt(r, 'value')} ({_period_label(r['period'])})",
                    _fmt(r, "target"),
                ]
            )
            fills[(i, 0)] = r["effective"]
        if len(rows) > 1:
            grid(s, rows, Inches(0.5), Inches(2.25), Inches(6.6), (1.5, 2.9, 1.3, 0.9), 12, fills)
        chosen = _chart_choice(own)
        if chosen is not None:
            png = _trend_png(snap, drawer, chosen["code"], 760, 470, font_size=16, scale=2)
            if png is not None:
                text(
                    s,
                    Inches(7.3),
                    Inches(2.2),
                    Inches(5.6),
                    Inches(0.5),
                    f"Trend: {chosen['code']} {chosen['name']}",
                    size=14,
                    bold=True,
                )
                pic_w = Inches(5.6)
                s.shapes.add_picture(
                    io.BytesIO(png), Inches(7.3), Inches(2.85), pic_w, Emu(int(pic_w * 470 / 760))
                )
        overrides = [t for r in own if (t := _override_text(r))]
        if overrides:
            text(
                s,
                Inches(0.5),
                Inches(6.4),
                Inches(6.6),
                Inches(0.8),
                overrides[:2],
                size=11,
                color=MUTED,
            )

    # Actions log, a slide per eight actions
    acts = snap.actions
    chunks = [acts.iloc[i : i + 8] for i in range(0, len(acts), 8)] or [acts]
    for i, chunk in enumerate(chunks, start=1):
        s = slide("Actions log" + (f" ({i} of {len(chunks)})" if len(chunks) > 1 else ""))
        if chunk.empty:
            text(s, Inches(0.5), Inches(1.5), Inches(8), Inches(1), "No actions are recorded.", 20)
            continue
        rows = [["Ref", "Action", "Owner", "Due", "Status"]]
        for a in chunk.to_dict("records"):
            state = "OVERDUE" if a["overdue"] else ("Done" if a["status"] == "done" else "Open")
            rows.append([a["reference"], a["text"], a["owner"], _long_date(a["due_date"]), state])
        grid(s, rows, Inches(0.5), Inches(1.4), width - Inches(1.0), (1.0, 5.9, 2.8, 1.5, 1.13), 12)
    prs.save(out)
    return len(prs.slides)


# =============================================================================================
# Excel (openpyxl)


def _xlsx(snap: Snapshot, out: io.BytesIO) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    thin = Side(style="thin", color="9AA0A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    titles = {p["id"]: p["title"] for p in snap.priorities}

    def sheet(title: str, header: list[str], rows: list[list[Any]], widths: list[int], first=False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for row in rows:
            ws.append(row)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL.lstrip("#"))
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = border
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = border
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        return ws

    def paint(ws, col: int, states: list[str | None], row0: int = 2) -> None:
        for i, state in enumerate(states):
            if not state:
                continue
            st = status.style(state)
            cell = ws.cell(row=row0 + i, column=col)
            cell.fill = PatternFill("solid", fgColor=st.colour.lstrip("#"))
            cell.font = Font(bold=True, color=st.text_colour.lstrip("#"))

    def word(s: str | None) -> str | None:
        return status.style(s).word if s else None

    def symbol(s: str | None) -> str | None:
        return status.style(s).symbol if s else None

    # Priorities
    rows = [
        [
            p["tier"],
            p["title"],
            f"{_lead(p['lead_role'], p['lead_partner'])}",
            symbol(p["status"]),
            word(p["status"]),
            p["indicators"],
            *_counts(p).values(),
        ]
        for p in snap.priorities
    ]
    ws = sheet(
        "Priorities",
        ["Tier", "Priority", "Lead", "Symbol", "Status", "Indicators", "Green", "Amber", "Red"]
        + ["Not rated"],
        rows,
        [14, 48, 40, 8, 11, 11, 8, 8, 8, 10],
        first=True,
    )
    for col in (4, 5):
        paint(ws, col, [p["status"] for p in snap.priorities])

    # Indicators
    rows = []
    for r in snap.indicators:
        rows.append(
            [
                titles.get(r["priority_id"], r["priority_id"]),
                r["code"],
                r["name"],
                r["period"],
                r["value"],
                r["target"],
                board.UNIT_LABELS.get(r["unit"], r["unit"]),
                word(r["computed"]),
                word(r["override"]),
                r["override_reason"],
                symbol(r["effective"]),
                word(r["effective"]),
                r["reason"],
                r["direction"],
                r["baseline"],
                r["commentary"],
            ]
        )
    ws = sheet(
        "Indicators",
        [
            "Priority",
            "Code",
            "Indicator",
            "Period",
            "Value",
            "Target",
            "Unit",
            "Computed status",
            "Override",
            "Override reason",
            "Symbol",
            "Effective status",
            "Why",
            "Direction",
            "Baseline",
            "Commentary",
        ],
        rows,
        [34, 8, 48, 12, 10, 10, 12, 15, 12, 30, 8, 15, 32, 14, 10, 50],
    )
    paint(ws, 8, [r["computed"] for r in snap.indicators])
    paint(ws, 9, [r["override"] for r in snap.indicators])
    paint(ws, 11, [r["effective"] for r in snap.indicators])
    paint(ws, 12, [r["effective"] for r in snap.indicators])
    for i, r in enumerate(snap.indicators, start=2):
        fmt = "#,##0" + ("." + "0" * r["decimals"] if r["decimals"] else "")
        for col in (5, 6, 15):
            ws.cell(row=i, column=col).number_format = fmt

    # Exceptions
    ex = snap.exceptions
    rows, states = [], []
    for r in ex.changed.to_dict("records"):
        rows.append(
            [
                f"Status {r['direction']}",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                f"{word(r['was'])} to {word(r['now'])}",
                word(r["was"]),
                word(r["now"]),
            ]
        )
        states.append((r["was"], r["now"]))
    for r in ex.new_data.to_dict("records"):
        rows.append(
            [
                "New figure",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                f"{_clean(r['period_was']) or 'none'} to {r['period_now']}",
                None,
                None,
            ]
        )
        states.append((None, None))
    for r in ex.overdue_returns.to_dict("records"):
        rows.append(
            [
                "Return overdue",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                f"latest {_clean(r['latest_period']) or 'none'}, due for {r['due_period']}; "
                f"{r['accountable_role']}",
                None,
                None,
            ]
        )
        states.append((None, None))
    for r in ex.blockages.to_dict("records"):
        rows.append(
            [
                "Blockage",
                r["indicator_code"],
                r["name"],
                titles.get(r["priority_id"]),
                f"{r['blockage_detail'] or ''} ({r['author']})",
                None,
                None,
            ]
        )
        states.append((None, None))
    for r in ex.overdue_actions.to_dict("records"):
        rows.append(
            [
                "Action OVERDUE",
                r["reference"],
                r["text"],
                titles.get(r["priority_id"]),
                f"{r['owner']}, due {_long_date(r['due_date'])}",
                None,
                None,
            ]
        )
        states.append((None, None))
    ws = sheet(
        "Exceptions",
        ["Exception", "Code or ref", "Indicator or action", "Priority", "Detail", "Was", "Now"],
        rows,
        [18, 11, 48, 34, 50, 11, 11],
    )
    paint(ws, 6, [a for a, _ in states])
    paint(ws, 7, [b for _, b in states])

    # Actions
    acts = snap.actions
    rows = [
        [
            a["reference"],
            a["text"],
            a["owner"],
            _clean(a["due_date"]) and pd.Timestamp(a["due_date"]).date(),
            a["status"],
            "OVERDUE" if a["overdue"] else None,
            _clean(a.get("priority_title")),
        ]
        for a in acts.to_dict("records")
    ]
    ws = sheet(
        "Actions",
        ["Reference", "Action", "Owner", "Due", "Status", "Overdue", "Priority"],
        rows,
        [12, 60, 30, 12, 9, 11, 40],
    )
    for i, a in enumerate(acts.to_dict("records"), start=2):
        ws.cell(row=i, column=4).number_format = "d mmm yyyy"
        if a["overdue"]:
            ws.cell(row=i, column=6).font = Font(bold=True)

    # About
    name = snap.partnership.get("name") or "Community Safety Partnership"
    about = wb.create_sheet("About")
    for line in (
        [f"{name}: board pack"],
        [snap.heading],
        [snap.explanation],
        [snap.since],
        [f"Prepared {_long_date(snap.today)}."],
        [],
        ["Symbol", "Status", "What it means"],
        *[[s.symbol, s.word, s.meaning] for s in status.STYLES.values()],
    ):
        about.append(line)
    about["A1"].font = Font(bold=True, size=14)
    paint(about, 1, list(status.STATUSES), row0=8)
    paint(about, 2, list(status.STATUSES), row0=8)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 12
    about.column_dimensions["C"].width = 60
    wb.properties.title = f"{name}: board pack, {snap.heading}"
    wb.properties.creator = name
    wb.save(out)
    return len(wb.sheetnames)
