"""The quarter at a glance, for analysts: every priority's return due this quarter, one row each,
with where it stands (sent, approved, waiting for approval, returned, late, not yet due) and with
whom it rests."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from loaders import periods
from outcomes.rules import wording
from outcomes.workflows import approval, calendar

# Where a return rests with its lead and none is recorded: nobody will send it, or be reminded.
NO_LEAD = "no lead recorded"
STATES = (
    "approved",
    "sent",
    "waiting for approval",
    "returned to the lead",
    "part sent",
    "late",
    "not sent yet",
)


def glance(cur: duckdb.DuckDBPyConnection, today: date | None = None) -> pd.DataFrame:
    """One row per priority for the quarter whose return is due now (the latest quarter that
    has ended): priority_id, priority, period, period_words, due, state, with_whom, leads,
    figures_owed, figures_in, last_sent."""
    today = today or date.today()
    quarter = periods.period_containing(today, "quarter").previous()
    defaults = dict(
        cur.execute(
            "SELECT pr.id, d.due_days FROM priority pr JOIN priority_due d ON d.priority_id = pr.id "
            "WHERE d.frequency = 'quarterly'"
        ).fetchall()
    )
    leads = _leads(cur)
    owed = _owed(cur, quarter)
    # Each figure on show, with when the upload that brought it was sent.
    in_force = {
        (code, period): sent
        for code, period, sent in cur.execute(
            "SELECT d.indicator_code, d.period, u.uploaded_at FROM observation_current_detail d "
            "JOIN upload u ON u.id = d.upload_id WHERE d.area = 'all'"
        ).fetchall()
    }
    subs = approval.submissions(cur)
    records = []
    for pid, title in cur.execute(
        "SELECT id, title FROM priority ORDER BY sort_order, id"
    ).fetchall():
        due = calendar.due_date(quarter, defaults.get(pid, 45))
        wanted = owed.get(pid, [])
        got = [k for k in wanted if k in in_force]
        mine = subs[(subs["priority_id"] == pid) & (subs["period"].isin({p for _, p in wanted}))]
        latest = None if mine.empty else mine.iloc[0]
        state, whom = _state(cur, wanted, got, latest, due, today, leads.get(pid) or NO_LEAD)
        records.append(
            {
                "priority_id": pid,
                "priority": title,
                "period": quarter.code,
                "period_words": wording.period(quarter.code),
                "due": due,
                "state": state,
                "with_whom": whom,
                "leads": leads.get(pid, ""),
                "figures_owed": len(wanted),
                "figures_in": len(got),
                "last_sent": max(
                    [in_force[k] for k in got]
                    + ([] if latest is None else [latest["submitted_at"].to_pydatetime()]),
                    default=None,
                ),
            }
        )
    return pd.DataFrame.from_records(records)


def _state(cur, wanted, got, latest, due: date, today: date, leads: str) -> tuple[str, str]:
    if latest is not None and latest["state"] == "submitted":
        rule = approval.Rule(True, latest["approver_email"])
        return "waiting for approval", rule.approver_words(cur)
    if wanted and len(got) == len(wanted):
        approved = latest is not None and latest["state"] == "approved"
        return ("approved" if approved else "sent"), ""
    if latest is not None and latest["state"] == "returned":
        return "returned to the lead", leads
    if got:
        return "part sent", leads
    return ("late" if today > due else "not sent yet"), leads


def _owed(cur, quarter: periods.Period) -> dict[str, list[tuple[str, str]]]:
    """Each priority's (indicator, period) figures for the whole partnership due in the
    quarter's return (figures computed from public data are no lead's to send)."""
    owed: dict[str, list[tuple[str, str]]] = {}
    for pid, code, frequency in cur.execute(
        "SELECT i.priority_id, i.code, i.frequency FROM indicator i "
        f"WHERE {calendar.NOT_COMPUTED} ORDER BY i.sort_order"
    ).fetchall():
        for p in calendar.periods_due(frequency, quarter):
            owed.setdefault(pid, []).append((code, p.code))
    return owed


def _leads(cur) -> dict[str, str]:
    """Each priority's leads by name, as the partnership knows them."""
    found: dict[str, list[str]] = {}
    for pid, name in cur.execute(
        "SELECT pp.priority_id, p.name FROM person_priority pp JOIN person p ON p.id = pp.person_id "
        "WHERE p.active ORDER BY p.name"
    ).fetchall():
        found.setdefault(pid, []).append(name)
    return {pid: wording.join_and(names) for pid, names in found.items()}
