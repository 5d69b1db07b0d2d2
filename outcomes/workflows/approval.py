"""Approval of a lead's return before the board sees it, where the partnership asks for it.

A partnership (or one priority) may require that a lead's figures be approved before they
count (:func:`set_rule`; off by default, and in the demo). A return a lead confirms is then
recorded as usual but held as "submitted" (``return_submission``): the ``upload_in_force`` view
(migration 011), which every board page, pack, status and the public view reads through, leaves
it out until an approver approves it. The approver is the person named for the priority (a
sponsor on the board, say) or, where no one is named, any analyst or administrator. They approve
it, or send it back with a reason the lead reads; each step is in the audit trail by person.

Figures loaded by an analyst or administrator count at once: they are the approvers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from loaders import periods
from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage.people import (
    NotPermitted,
    Person,
    normal_email,
    priority_titles,
    require,
    writes,
)
from outcomes.storage.store import audit, transaction

PARTNERSHIP = "partnership"  # the scope of the partnership-wide rule


@dataclass(frozen=True)
class Rule:
    """Whether a priority's returns need approval, and who approves them."""

    required: bool
    approver_email: str | None = None  # None: any analyst or administrator

    def approver_words(self, cur: duckdb.DuckDBPyConnection) -> str:
        """Who approves, as the lead reads it: "Ann Sponsor" or "an analyst"."""
        if self.approver_email:
            row = cur.execute(
                "SELECT name FROM person WHERE email = ?", [self.approver_email]
            ).fetchone()
            return row[0] if row else self.approver_email
        return "an analyst"


def rule(cur: duckdb.DuckDBPyConnection, priority_id: str) -> Rule:
    """The rule for ``priority_id``: its own when it has one, else the partnership's."""
    row = cur.execute(
        "SELECT required, approver_email FROM return_approval WHERE scope IN (?, ?) "
        "ORDER BY CASE WHEN scope = ? THEN 1 ELSE 0 END LIMIT 1",
        [priority_id, PARTNERSHIP, PARTNERSHIP],
    ).fetchone()
    return Rule(False) if row is None else Rule(bool(row[0]), row[1])


@writes("returns.approval_rule")
def set_rule(
    cur: duckdb.DuckDBPyConnection,
    *,
    required: bool,
    priority_id: str | None = None,
    approver_email: str | None = None,
    by: Person,
) -> str:
    """Require approval (or not) for the partnership or one priority, naming an approver or
    leaving it to the analysts."""
    scope = priority_id or PARTNERSHIP
    if (
        priority_id is not None
        and not cur.execute("SELECT count(*) FROM priority WHERE id = ?", [priority_id]).fetchone()[
            0
        ]
    ):
        raise Refused.worded("no-such-priority", priority=priority_id)
    email = normal_email(approver_email) if approver_email else None
    if (
        email
        and not cur.execute(
            "SELECT count(*) FROM person WHERE email = ? AND active", [email]
        ).fetchone()[0]
    ):
        raise Refused.worded("unknown-person", "approver", email=email)
    before = rule(cur, scope)
    with transaction(cur):
        cur.execute("DELETE FROM return_approval WHERE scope = ?", [scope])
        cur.execute(
            "INSERT INTO return_approval (scope, required, approver_email, set_by, set_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [scope, required, email, by.signature, datetime.now()],
        )
        audit(
            cur,
            by,
            "return approval",
            scope,
            "changed",
            before={"required": before.required, "approver": before.approver_email},
            after={"required": required, "approver": email},
        )
    where = "the partnership" if priority_id is None else priority_titles(cur)[priority_id]
    if not required:
        return f"Returns for {where} count as soon as their lead confirms them."
    return f"Returns for {where} now wait for approval by {Rule(True, email).approver_words(cur)}."


def hold(
    cur: duckdb.DuckDBPyConnection,
    upload_id: int | None,
    observations: pd.DataFrame,
    *,
    by: Person,
) -> list[dict]:
    """A step of the commit, inside its transaction (which audits it): hold a lead's new upload
    as "submitted" for each of its priorities that requires approval. Returns what it held,
    each ``{"priority_id", "period"}`` (none: the upload counts now)."""
    if upload_id is None or by.role != "lead" or observations.empty:
        return []
    priority_of = dict(cur.execute("SELECT code, priority_id FROM indicator").fetchall())
    figures = observations.assign(
        priority_id=observations["indicator_code"].map(priority_of),
        end=[periods.parse_code(p).end for p in observations["period"]],
    ).sort_values("end")
    held = []
    for priority_id, group in figures.groupby("priority_id", sort=True):
        if not rule(cur, priority_id).required:
            continue
        # The return's quarter: the one its latest figure's period ends in.
        period = periods.period_containing(group["end"].iloc[-1], "quarter").code
        cur.execute(
            "INSERT INTO return_submission (upload_id, priority_id, period, state, submitted_by, "
            "submitted_by_email, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?, ?)",
            [upload_id, priority_id, period, by.signature, by.email, datetime.now()],
        )
        held.append({"priority_id": priority_id, "period": period})
    return held


def waits(cur: duckdb.DuckDBPyConnection, upload_id: int | None) -> str | None:
    """What the person who sent an upload reads when it waits for approval (None: it counts
    now): "It waits for approval by an analyst; the board sees it once approved."."""
    if upload_id is None:
        return None
    held = cur.execute(
        "SELECT priority_id FROM return_submission WHERE upload_id = ? AND state = 'submitted' "
        "ORDER BY priority_id",
        [upload_id],
    ).fetchall()
    if not held:
        return None
    who = wording.join_and(
        sorted({rule(cur, priority_id).approver_words(cur) for (priority_id,) in held})
    )
    return f"It waits for approval by {who}; the board sees it once approved."


_SUBMISSIONS = """
    SELECT s.upload_id, s.priority_id, p.title AS priority, s.period, s.state, s.submitted_by,
           s.submitted_by_email, s.submitted_at, s.decided_by, s.decided_at, s.reason,
           coalesce(pr.approver_email, pa.approver_email) AS approver_email,
           u.rows_new, u.rows_revised
    FROM return_submission s
    JOIN priority p ON p.id = s.priority_id
    JOIN upload u ON u.id = s.upload_id
    LEFT JOIN return_approval pr ON pr.scope = s.priority_id
    LEFT JOIN return_approval pa ON pa.scope = 'partnership'
"""


def submissions(
    cur: duckdb.DuckDBPyConnection, *, state: str | None = None, submitted_by: str | None = None
) -> pd.DataFrame:
    """Every submission (newest first), or those in ``state``, or one lead's (by e-mail)."""
    # Conditions joined here rather than "? IS NULL OR ...": PostgreSQL cannot type a bare NULL.
    wanted = [(c, v) for c, v in (("s.state", state), ("s.submitted_by_email", submitted_by)) if v]
    where = " AND ".join(f"{column} = ?" for column, _ in wanted) or "TRUE"
    return cur.execute(
        f"{_SUBMISSIONS} WHERE {where} ORDER BY s.submitted_at DESC, s.upload_id DESC, s.priority_id",
        [v for _, v in wanted],
    ).df()


def waiting_figures(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each figure (indicator and period) a return waiting for approval carries, with who sent
    it and when: sent, so not overdue, though the board does not see it yet. Columns:
    indicator_code, period, priority_id, submitted_by, submitted_at (the latest sending)."""
    return cur.execute(
        """
        SELECT o.indicator_code, o.period, s.priority_id, s.submitted_by,
               max(s.submitted_at) AS submitted_at
        FROM return_submission s
        JOIN observation o ON o.upload_id = s.upload_id
        JOIN indicator i ON i.code = o.indicator_code AND i.priority_id = s.priority_id
        WHERE s.state = 'submitted'
        GROUP BY o.indicator_code, o.period, s.priority_id, s.submitted_by
        ORDER BY o.indicator_code, o.period
        """
    ).df()


def may_approve(person: Person | None, row: dict) -> bool:
    """Whether ``person`` may decide on a submission: its named approver, or (where no one is
    named) an analyst or administrator; never the person who sent it."""
    if person is None:
        return False
    if person.email and person.email == row.get("submitted_by_email"):
        return False
    named = row.get("approver_email")
    if named:
        return person.email == named or person.role == "admin"
    return person.role in ("analyst", "admin")


def waiting(cur: duckdb.DuckDBPyConnection, for_person: Person | None = None) -> pd.DataFrame:
    """Submissions waiting for an approver, oldest first; with ``for_person``, only those they
    may decide on. Columns: upload_id, priority_id, priority, period, submitted_by,
    submitted_by_email, submitted_at, approver_email (None: any analyst), rows_new, rows_revised.
    """
    frame = submissions(cur, state="submitted").sort_values(["submitted_at", "upload_id"])
    if for_person is not None:
        frame = frame[[may_approve(for_person, r) for r in frame.to_dict("records")]]
    return frame.reset_index(drop=True)


def waiting_for(cur: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Each approver's e-mail address with the submissions waiting for them (for reminders):
    a named approver's own, and every unnamed one to each active analyst."""
    analysts = [
        r[0]
        for r in cur.execute(
            "SELECT email FROM person WHERE active AND role = 'analyst' ORDER BY email"
        ).fetchall()
    ]
    out: dict[str, list[dict]] = {}
    for row in waiting(cur).to_dict("records"):
        for email in [row["approver_email"]] if row["approver_email"] else analysts:
            if email != row["submitted_by_email"]:
                out.setdefault(email, []).append(row)
    return out


def _decide(cur, upload_id: int, by: Person, state: str, reason: str | None) -> list[dict]:
    rows = submissions(cur).query("upload_id == @upload_id").to_dict("records")
    if not rows:
        raise Refused.worded("approval-no-return", upload_id=upload_id)
    if not all(may_approve(by, r) for r in rows):
        named = {r["approver_email"] for r in rows if r["approver_email"]}
        who = ", ".join(sorted(named)) if named else "an analyst or an administrator"
        raise NotPermitted.worded("not-permitted", "approve", name=by.name, who=who)
    if any(r["state"] != "submitted" for r in rows):
        done = rows[0]
        raise Refused.worded(
            "approval-already-decided", state=done["state"], decided_by=done["decided_by"]
        )
    now = datetime.now()
    with transaction(cur):
        changed = cur.execute(
            "UPDATE return_submission SET state = ?, decided_by = ?, decided_by_email = ?, "
            "decided_at = ?, reason = ? WHERE upload_id = ? AND state = 'submitted'",
            [state, by.signature, by.email, now, reason, upload_id],
        ).fetchone()[0]
        if changed != len(rows):
            raise Refused.worded("approval-decided-meanwhile")
        audit(
            cur,
            by,
            "return",
            str(upload_id),
            state,
            before={"state": "submitted"},
            after={"state": state, "reason": reason} if reason else {"state": state},
        )
    return rows


@writes("returns.approve")
def approve(cur: duckdb.DuckDBPyConnection, upload_id: int, *, by: Person) -> str:
    """Approve a submitted return: its figures count from now, on every page and pack."""
    rows = _decide(cur, upload_id, by, "approved", None)
    first = rows[0]
    return (
        f"Approved {first['submitted_by']}'s return for {first['priority']} "
        f"for {wording.period(first['period'])}: the board sees its figures now."
    )


@writes("returns.approve")
def send_back(cur: duckdb.DuckDBPyConnection, upload_id: int, reason: str, *, by: Person) -> str:
    """Return a submitted return to its lead with a reason; its figures never count."""
    reason = str(reason or "").strip()
    if not reason:
        raise Refused.worded("approval-reason-needed")
    rows = _decide(cur, upload_id, by, "returned", reason)
    return (
        f"Returned to {rows[0]['submitted_by']} with your reason; "
        "nothing from it reaches the board."
    )


def approvals_shown(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """For each priority whose figures on show were approved, the latest approval among them:
    priority, period, decided_by, decided_at (the board pack says when)."""
    return cur.execute(
        """
        WITH shown AS (
            SELECT DISTINCT s.priority_id, s.period, s.decided_by, s.decided_at
            FROM return_submission s
            WHERE s.state = 'approved'
              AND s.upload_id IN (SELECT upload_id FROM observation_current_detail)
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY priority_id ORDER BY decided_at DESC) AS n
            FROM shown
        )
        SELECT p.title AS priority, r.period, r.decided_by, r.decided_at
        FROM ranked r JOIN priority p ON p.id = r.priority_id
        WHERE r.n = 1
        ORDER BY p.sort_order, p.id
        """
    ).df()


def check_rule_permitted(by: Person | None) -> None:
    """For a page deciding whether to offer the setting."""
    require(by, "returns.approval_rule")


def approved_sentence(cur: duckdb.DuckDBPyConnection) -> str:
    """What the board pack says of the approvals behind the figures it shows ("" when none)."""
    shown = approvals_shown(cur)
    if shown.empty:
        return ""
    each = [
        f"{r['priority']}, {wording.period(r['period'])}, by {r['decided_by']} on "
        f"{periods.long_datetime(pd.Timestamp(r['decided_at']).to_pydatetime())}"
        for r in shown.to_dict("records")
    ]
    return f"Figures approved before they counted: {'; '.join(each)}."


def figures(cur: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    """What a submitted return would change, for its approver: each figure it carries beside
    the one the board sees now (indicator_code, name, period, area, was, now, note)."""
    return cur.execute(
        """
        SELECT o.indicator_code, i.name, o.period, coalesce(a.name, o.area) AS area,
               c.value AS was, o.value AS now, o.note
        FROM observation o
        JOIN indicator i ON i.code = o.indicator_code
        LEFT JOIN area a ON a.code = o.area
        LEFT JOIN observation_current_detail c
          ON c.indicator_code = o.indicator_code AND c.period = o.period AND c.area = o.area
        WHERE o.upload_id = ?
        ORDER BY i.sort_order, o.period_start, o.area
        """,
        [upload_id],
    ).df()
