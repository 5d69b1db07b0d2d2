"""What the board sees: the plan on a page, a priority, an indicator. Queries and shaping only.

Pages call these and render the result; none of them needs SQL of its own. The latest status
of each indicator comes from the ``indicator_rating`` view (the same one analysts query), and
each point of an indicator's history is rated here with the rules in ``outcomes.rules.status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from loaders.values import UNIT_FACTS
from outcomes.rules import status, wording

UNIT_LABELS = {code: unit.label for code, unit in UNIT_FACTS.items()}
POLARITY_LABELS = {
    "higher": "Higher is better",
    "lower": "Lower is better",
    "none": "No judgement (context only)",
}
LEVEL_LABELS = {"outcome": "Outcome measure", "output": "Output PI"}
FREQUENCY_LABELS = {"monthly": "Monthly", "quarterly": "Quarterly", "annual": "Annual"}


def lead_text(role: str, organisation: str) -> str:
    """The lead's role, naming the organisation only when the role does not already.

    >>> lead_text("Head of Community Safety, Plymouth City Council", "Plymouth City Council")
    'Head of Community Safety, Plymouth City Council'
    >>> lead_text("Chief Inspector", "Devon and Cornwall Police")
    'Chief Inspector (Devon and Cornwall Police)'
    >>> lead_text("Head of Unit", "Probation Service (Devon and Torbay)")
    'Head of Unit, Probation Service (Devon and Torbay)'
    """
    if organisation.lower() in role.lower():
        return role
    # An organisation with brackets of its own is not put in brackets again.
    return f"{role}, {organisation}" if "(" in organisation else f"{role} ({organisation})"


def partnership(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = cur.execute("SELECT * FROM partnership WHERE id = 1").df()
    return row.iloc[0].to_dict() if not row.empty else {}


def partners(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("SELECT code, name, sector FROM partner ORDER BY sort_order").df()


def tiers(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("SELECT code, label, description FROM tier ORDER BY sort_order").df()


def as_at(cur: duckdb.DuckDBPyConnection) -> Any:
    return cur.execute("SELECT as_at FROM reporting_horizon").fetchone()[0]


def indicator_ratings(
    cur: duckdb.DuckDBPyConnection, priority_id: str | None = None
) -> pd.DataFrame:
    """Latest status of each indicator, with what a reader needs beside it."""
    frame = cur.execute(
        """
        SELECT r.*, i.definition, i.accountable_role, i.decimals, i.by_area,
               i.small_number_threshold, p.name AS source_name, i.source_partner,
               o.status_override, o.override_reason, o.author AS override_by,
               coalesce(o.status_override, r.status) AS effective_status
        FROM indicator_rating r
        JOIN indicator i ON i.code = r.indicator_code
        JOIN partner p ON p.code = i.source_partner
        LEFT JOIN current_override o ON o.indicator_code = r.indicator_code AND o.period = r.period
        JOIN priority pr ON pr.id = r.priority_id
        WHERE ? IS NULL OR r.priority_id = ?
        ORDER BY pr.sort_order, r.sort_order
        """,
        [priority_id, priority_id],
    ).df()
    frame["direction"] = [
        status.direction_of_travel(_num(v), _num(p), pol)
        for v, p, pol in zip(
            frame["value"], frame["previous_value"], frame["polarity"], strict=True
        )
    ]
    frame["reason"] = [_reason(row) for row in frame.to_dict("records")]
    from outcomes.queries.statistics import apply_spc_status  # issue 11: status_method spc

    frame = apply_spc_status(cur, frame)
    # Pages test "is there a baseline?" with plain truthiness; NaN would pass for a value.
    return frame.astype(object).where(frame.notna(), None)


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _reason(row: dict[str, Any]) -> str:
    """The same words the status rules give, from the view's verdict."""
    return status.rate(
        _num(row["value"]),
        polarity=row["polarity"],
        target=_num(row["target"]),
        baseline=_num(row["baseline_value"]),
        method=row["status_method"],
        tolerance=_num(row["tolerance"]),
        tolerance_kind=row["tolerance_kind"],
        stale=bool(row["stale"])
        if row["stale"] is not None and not pd.isna(row["stale"])
        else False,
    ).reason


def priority_summary(
    cur: duckdb.DuckDBPyConnection, ratings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per priority: its tier, lead, rolled-up status, indicators counted by status.

    ``ratings`` (``priority_id``, ``status``, ``level``, ``period``) rolls up other statuses,
    such as those frozen at a meeting; by default the board's statuses as they stand now.
    """
    priorities = cur.execute(
        """
        SELECT pr.id, pr.title, pr.aim, pr.outputs, pr.outcomes, pr.success_measures, pr.tier_code, t.label AS tier, t.sort_order AS tier_order,
               pr.sort_order, pr.lead_role, pa.name AS lead_partner, pa.sector AS lead_sector,
               coalesce(pr.roll_up, pp.roll_up) AS roll_up
        FROM priority pr
        JOIN tier t ON t.code = pr.tier_code
        JOIN partner pa ON pa.code = pr.lead_partner
        CROSS JOIN partnership pp
        ORDER BY t.sort_order, pr.sort_order
        """
    ).df()
    if ratings is None:
        # The board's status for a priority honours its accountable people's overrides.
        ratings = indicator_ratings(cur)[["priority_id", "effective_status", "level", "period"]]
        ratings = ratings.rename(columns={"effective_status": "status"})
    # One pass to split the ratings; filtering per priority copies the table every time.
    by_priority = {pid: group for pid, group in ratings.groupby("priority_id", sort=False)}
    empty = ratings.iloc[0:0]
    rows = []
    for p in priorities.to_dict("records"):
        own = by_priority.get(p["id"], empty)
        counts = status.count_by_status(own["status"])
        latest = _latest_period(own["period"])
        rows.append(
            {
                **p,
                "status": status.roll_up(own["status"], p["roll_up"], own["level"]),
                "indicators": len(own),
                **{f"n_{k.replace(' ', '_')}": v for k, v in counts.items()},
                "latest_period": latest,
            }
        )
    # A framework with no priorities yet still has the columns every page reads.
    counted = [f"n_{k.replace(' ', '_')}" for k in status.STATUSES]
    columns = [*priorities.columns, "status", "indicators", *counted, "latest_period"]
    return pd.DataFrame(rows, columns=columns)


def _latest_period(codes: pd.Series) -> str | None:
    parsed = [periods.parse_code(c) for c in codes.dropna()]
    # Mixed frequencies: the period that ends last is the most recent news.
    return max(parsed, key=lambda p: (p.end, -p.months)).code if parsed else None


def chart_order(rows: list[dict[str, Any]], state: str = "effective_status") -> list[dict]:
    """Indicators in the order to chart them when space is short: the worst status first,
    outcome measures before outputs, then the plan's own order; none without figures."""
    rated = [r for r in rows if r["period"] is not None]
    return sorted(
        rated,
        key=lambda r: (
            status.worst_first(r[state]),
            0 if r["level"] == "outcome" else 1,
            r["sort_order"],
        ),
    )


def _one(cur: duckdb.DuckDBPyConnection, sql: str, key: str) -> dict[str, Any] | None:
    frame = cur.execute(sql, [key]).df()
    return frame.iloc[0].to_dict() if not frame.empty else None


def priority(cur: duckdb.DuckDBPyConnection, priority_id: str) -> dict[str, Any] | None:
    return _one(
        cur,
        """
        SELECT pr.*, t.label AS tier, pa.name AS lead_partner_name
        FROM priority pr JOIN tier t ON t.code = pr.tier_code JOIN partner pa ON pa.code = pr.lead_partner
        WHERE pr.id = ?
        """,
        priority_id,
    )


def indicator(cur: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    sql = (
        "SELECT i.*, pr.title AS priority_title, pa.name AS source_name FROM indicator i "
        "JOIN priority pr ON pr.id = i.priority_id JOIN partner pa ON pa.code = i.source_partner "
        "WHERE i.code = ?"
    )
    return _one(cur, sql, code)


def indicator_choices(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT i.code, i.name, i.priority_id FROM indicator i JOIN priority pr ON pr.id = i.priority_id
        JOIN tier t ON t.code = pr.tier_code ORDER BY t.sort_order, pr.sort_order, i.sort_order
        """
    ).df()


def history(cur: duckdb.DuckDBPyConnection, code: str, area: str = "all") -> pd.DataFrame:
    """Every current figure of one indicator in period order, each rated against its target."""
    ind = indicator(cur, code)
    if ind is None:
        return pd.DataFrame()
    frame = cur.execute(
        """
        SELECT d.period, d.period_start, d.period_end, d.value, d.note, d.revision, d.upload_id,
               coalesce(t.target, i.target) AS target,
               u.file_name, u.uploaded_by, u.uploaded_at
        FROM observation_current_detail d
        JOIN indicator i ON i.code = d.indicator_code
        JOIN upload u ON u.id = d.upload_id
        LEFT JOIN indicator_target t ON t.indicator_code = d.indicator_code AND t.period = d.period
        WHERE d.indicator_code = ? AND d.area = ?
        ORDER BY d.period_start
        """,
        [code, area],
    ).df()
    return rate_points(frame, ind)


def rate_points(frame: pd.DataFrame, ind: dict[str, Any]) -> pd.DataFrame:
    """Each point of a history (``period``, ``value``, ``target``) rated by the status rules,
    with a chart label; staleness does not apply to past points."""
    ratings = [
        status.rate(
            _num(v),
            polarity=ind["polarity"],
            target=_num(t),
            baseline=_num(ind["baseline_value"]),
            method=ind["status_method"],
            tolerance=_num(ind["tolerance"]),
            tolerance_kind=ind["tolerance_kind"],
        )
        for v, t in zip(frame["value"], frame["target"], strict=True)
    ]
    frame["status"] = [r.status for r in ratings]
    frame["reason"] = [r.reason for r in ratings]
    frame["label"] = [wording.period_tick(p) for p in frame["period"]]
    return frame


def area_history(cur: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT d.period, d.period_start, a.name AS area, d.value
        FROM observation_current_detail d JOIN area a ON a.code = d.area
        WHERE d.indicator_code = ? AND d.area <> 'all'
        ORDER BY d.period_start, a.sort_order
        """,
        [code],
    ).df()


def revisions(cur: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """Every revision ever recorded for an indicator, for the audit trail."""
    return cur.execute(
        """
        SELECT o.period, o.area, a.name AS area_name, o.revision, o.value, o.note,
               u.id AS upload_id, u.file_name, u.uploaded_by, u.uploaded_at, u.state
        FROM observation o JOIN upload u ON u.id = o.upload_id
        LEFT JOIN area a ON a.code = o.area
        WHERE o.indicator_code = ?
          -- a return waiting for approval (or sent back) is no revision the board may see
          AND o.upload_id NOT IN (SELECT upload_id FROM return_submission WHERE state <> 'approved')
          AND (o.indicator_code, o.period, o.area) IN (
              SELECT indicator_code, period, area FROM observation
              WHERE indicator_code = ? GROUP BY ALL HAVING count(*) > 1)
        ORDER BY o.period_start, o.area, o.revision
        """,
        [code, code],
    ).df()


def status_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The ``indicator_status`` view as plain dicts (for the CLI and JSON)."""
    frame = cur.execute(
        """
        SELECT s.* FROM indicator_status s
        JOIN indicator i ON i.code = s.indicator_code JOIN priority pr ON pr.id = s.priority_id
        JOIN tier t ON t.code = pr.tier_code
        ORDER BY t.sort_order, pr.sort_order, i.sort_order
        """
    ).df()
    return [
        {
            k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
            for k, v in r.items()
        }
        for r in frame.to_dict("records")
    ]


def status_rows_as_seen(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The ``indicator_status`` rows (``status`` is the computed one), each with the status the
    board sees (``board_status``: an accountable person's override where there is one, or
    SPC's where the framework reads the status from it) and the override and its reason."""
    rows = status_rows(cur)
    seen = {
        r["indicator_code"]: r
        for r in indicator_ratings(cur)[
            ["indicator_code", "effective_status", "status_override", "override_reason"]
        ].to_dict("records")
    }
    for r in rows:
        found = seen.get(r["indicator_code"], {})
        override = found.get("status_override")
        override = override if isinstance(override, str) else None
        reason = found.get("override_reason")
        seen_status = found.get("effective_status")
        r["board_status"] = seen_status if isinstance(seen_status, str) else r["status"]
        r["status_override"] = override
        r["override_reason"] = reason if override and isinstance(reason, str) else None
    return rows


@dataclass(frozen=True)
class Filters:
    tiers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()


def filter_priorities(summary: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The overview's filters; an empty choice means no filter."""
    keep = pd.Series(True, index=summary.index)
    if filters.tiers:
        keep &= summary["tier"].isin(filters.tiers)
    if filters.statuses:
        keep &= summary["status"].isin(filters.statuses)
    if filters.leads:
        keep &= summary["lead_partner"].isin(filters.leads)
    return summary[keep]


def data_version(cur: duckdb.DuckDBPyConnection) -> int:
    """Grows with every change (each writes the audit log), so caches keyed on it stay true."""
    return int(cur.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])
