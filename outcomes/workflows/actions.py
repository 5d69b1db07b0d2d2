"""The actions log: add, change, close, export and import actions, all or nothing.

Every change writes the audit log with what it was before (``outcomes.queries.trail`` reads it back
in words). Reached as ``outcomes.workflows.meetings`` too.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from loaders import days, files, periods, values
from loaders.isolation import read_isolated
from loaders.problems import FileRefused, Problem, as_text, problem, worded
from outcomes.errors import Conflict
from outcomes.rules import spreadsheets, wording
from outcomes.rules.records import (
    ACTION_STATUSES,
    MeetingError,
    parse_date,
    typed_text,
)
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, first_row, transaction

ACTION_COLUMNS = ["reference", "text", "owner", "due_date", "status", "meeting_date", "priority_id"]


def actions(cur: duckdb.DuckDBPyConnection, today: date | None = None) -> pd.DataFrame:
    """The actions log; ``overdue`` is derived: open and past its due date."""
    today = today or date.today()
    frame = cur.execute(
        """
        SELECT a.id, a.reference, a.text, a.owner, a.due_date, a.status, m.meeting_date, a.priority_id,
               pr.title AS priority_title, a.created_at, a.closed_at,
               a.status = 'open' AND a.due_date IS NOT NULL AND a.due_date < ? AS overdue
        FROM action a LEFT JOIN meeting m ON m.id = a.meeting_id LEFT JOIN priority pr ON pr.id = a.priority_id
        ORDER BY a.status = 'done', a.due_date NULLS LAST, a.reference
        """,
        [today],
    ).df()
    frame["overdue"] = frame["overdue"].fillna(False).astype(bool)
    return frame


def actions_at(cur: duckdb.DuckDBPyConnection, when: date, recorded_at: Any) -> pd.DataFrame:
    """The actions log as it stood when a meeting was recorded; overdue judged on its date."""
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
            s == "open" and typed_text(d) is not None and pd.Timestamp(d).date() < when
            for s, d in zip(frame["status"], frame["due_date"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
    frame["_done"] = frame["status"] == "done"
    frame = frame.sort_values(["_done", "due_date", "reference"], na_position="last")
    return frame.drop(columns="_done").reset_index(drop=True)


def next_reference(references: Any) -> str:
    """The reference a new action is offered: A and the next number not yet taken.

    >>> next_reference(["A1", "A2"]), next_reference([]), next_reference(["A1", "A3", "B7"])
    ('A3', 'A1', 'A4')
    """
    taken = {str(r) for r in references}
    n = len(taken) + 1
    while f"A{n}" in taken:
        n += 1
    return f"A{n}"


def _action_row(cur, reference: str) -> dict[str, Any] | None:
    frame = cur.execute(
        "SELECT a.reference, a.text, a.owner, a.due_date, a.status, m.meeting_date, a.priority_id "
        "FROM action a LEFT JOIN meeting m ON m.id = a.meeting_id WHERE a.reference = ?",
        [reference],
    ).df()
    return first_row(frame)


_blank = values.blank  # one rule for an empty cell, the readers' own


def _meeting_id(cur, meeting_date: Any) -> int | None:
    if _blank(meeting_date):
        return None
    when = parse_date(meeting_date, "The meeting date")
    row = cur.execute("SELECT id FROM meeting WHERE meeting_date = ?", [when]).fetchone()
    if row is None:
        raise MeetingError.worded("action-meeting-unknown", when=periods.long_date(when))
    return row[0]


def _checked_action(
    cur: duckdb.DuckDBPyConnection,
    *,
    reference: str | None,
    text: str,
    owner: str,
    due_date: Any,
    status_: str,
    meeting_date: Any,
    priority_id: str | None,
) -> tuple[dict[str, Any], int | None]:
    """An action's fields as stored (every fault refused at once), and its meeting's id."""
    text, owner = (str(x or "").strip() for x in (text, owner))
    needs = (
        ("a reference", reference is not None and not reference),
        ("the action's text (what is to be done)", not text),
        ("an owner", not owner),
    )
    missing = [m for m, bad in needs if bad]
    faults = [worded("action-fault", missing=wording.join_and(missing))] if missing else []
    if status_ not in ACTION_STATUSES:
        faults.append(worded("action-fault", "status", status=status_))
    due = None if _blank(due_date) else days.read_day(due_date)
    if due is None and not _blank(due_date):
        faults.append(worded("date-unreadable", what="The due date", value=due_date))
    priority_id = _priority(cur, priority_id, faults)
    if faults:
        raise MeetingError.worded("action-refused", faults=" ".join(faults))
    meeting_id = _meeting_id(cur, meeting_date)
    fields = {
        "reference": reference,
        "text": text,
        "owner": owner,
        "due_date": due,
        "status": status_,
        "meeting_date": None
        if meeting_id is None
        else parse_date(meeting_date, "The meeting date"),
        "priority_id": priority_id or None,
    }
    return fields, meeting_id


_INSERT_ACTION = (
    "INSERT INTO action (reference, text, owner, due_date, status, meeting_id, priority_id, closed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'done' THEN current_localtimestamp() END)"
)


def _priority(cur: duckdb.DuckDBPyConnection, given: Any, faults: list[str]) -> str | None:
    """The priority an action is for, by its id or its title (either case); for one the
    framework does not have, a fault listing those it has."""
    text = str(given or "").strip()
    known = cur.execute("SELECT id, title FROM priority ORDER BY sort_order, id").fetchall()
    found = [p for p, title in known if text.lower() in (p.lower(), str(title).strip().lower())]
    if not (found or not text):
        listed = "; ".join(f"{pid} ({title})" for pid, title in known)
        faults.append(worded("no-such-priority", "action", priority=text, listed=listed))
    return (found or [None])[0]


def _stored(after: dict[str, Any], meeting_id: int | None) -> list[Any]:
    """An action's stored fields in the order both writes take them (status twice: closed_at)."""
    keys = ("text", "owner", "due_date", "status")
    return [*(after[k] for k in keys), meeting_id, after["priority_id"], after["status"]]


def _insert_action(cur, after: dict[str, Any], meeting_id: int | None) -> None:
    cur.execute(_INSERT_ACTION, [after["reference"], *_stored(after, meeting_id)])


@writes("actions.change")
def add_action(
    cur: duckdb.DuckDBPyConnection, *, by: Person, attempts: int = 10, **action: Any
) -> str:
    """Add a new action (the fields of :func:`save_action` but the reference: ``text``,
    ``owner``, ``due_date``, ``status_``, ``meeting_date``, ``priority_id``) under the next free
    reference, taken inside the write (never from what a form was offered), so a new action
    never replaces another and two people adding at once get two actions. Returns the
    reference given."""
    after, meeting_id = _checked_action(
        cur,
        reference=None,
        **{
            "due_date": None,
            "status_": "open",
            "meeting_date": None,
            "priority_id": None,
            **action,
        },
    )
    for attempt in range(attempts):
        try:
            with transaction(cur):
                taken = [r[0] for r in cur.execute("SELECT reference FROM action").fetchall()]
                after["reference"] = next_reference(taken)
                _insert_action(cur, after, meeting_id)
                audit(cur, by, "action", after["reference"], "added", before=None, after=after)
            return after["reference"]
        except Conflict:
            # Someone else took that reference at the same moment: take the next one.
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@writes("actions.change")
def save_action(
    cur: duckdb.DuckDBPyConnection,
    *,
    by: Person,
    reference: str,
    text: str,
    owner: str,
    due_date: Any = None,
    status_: str = "open",
    meeting_date: Any = None,
    priority_id: str | None = None,
) -> str:
    """Add an action or change one (by its reference); returns 'added', 'changed' or 'unchanged'.
    A new action from a form goes through :func:`add_action` instead, which picks the reference."""
    reference = str(reference or "").strip()
    after, meeting_id = _checked_action(
        cur,
        reference=reference,
        text=text,
        owner=owner,
        due_date=due_date,
        status_=status_,
        meeting_date=meeting_date,
        priority_id=priority_id,
    )
    before = _action_row(cur, reference)
    if before is not None and all(_same(before.get(k), after.get(k)) for k in after):
        return "unchanged"
    with transaction(cur):
        if before is None:
            _insert_action(cur, after, meeting_id)
        else:
            cur.execute(
                "UPDATE action SET text = ?, owner = ?, due_date = ?, status = ?, meeting_id = ?, priority_id = ?, "
                "closed_at = CASE WHEN ? = 'done' THEN coalesce(closed_at, current_localtimestamp()) END WHERE reference = ?",
                [*_stored(after, meeting_id), reference],
            )
        audit(
            cur,
            by,
            "action",
            reference,
            "added"
            if before is None
            else ("closed" if status_ == "done" and before["status"] != "done" else "changed"),
            before=before,
            after=after,
        )
    return "added" if before is None else "changed"


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    # A date read back through pandas is a Timestamp (a datetime); compare the day only.
    a = a.date() if isinstance(a, datetime) else a
    b = b.date() if isinstance(b, datetime) else b
    return a == b


@writes("actions.change")
def close_action(cur: duckdb.DuckDBPyConnection, reference: str, *, by: Person) -> str:
    row = _action_row(cur, reference)
    if row is None:
        raise MeetingError.worded("action-unknown", reference=reference)
    return save_action(
        cur,
        by=by,
        **{
            **{
                k: row[k]
                for k in ("reference", "text", "owner", "due_date", "meeting_date", "priority_id")
            },
            "status_": "done",
        },
    )


def export_actions(cur: duckdb.DuckDBPyConnection, out) -> int:
    """The actions log as a workbook that imports back (``import_actions``)."""
    frame = actions(cur)
    sheet = spreadsheets.writable(frame[[*ACTION_COLUMNS, "overdue"]]).rename(
        columns={"overdue": "overdue (derived; ignored on import)"}
    )
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        sheet.to_excel(writer, sheet_name="Actions", index=False)
        ws = writer.sheets["Actions"]
        for letter, width in zip("ABCDEFGH", (12, 60, 30, 12, 8, 14, 20, 14), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"
        spreadsheets.neutralise_workbook(writer.book)
    return len(frame)


def _repeated_references(frame: pd.DataFrame, file: str) -> list[Problem]:
    """One problem per row whose reference another row of the same import also uses."""
    refs = frame["reference"].map(lambda v: None if v is None else str(v).strip().upper())
    problems = []
    for ref, rows in refs[refs.notna()].groupby(refs).groups.items():
        if len(rows) > 1:
            numbers = ", ".join(str(i + 2) for i in rows)
            problems += [
                problem(
                    "action-repeated",
                    rows=numbers,
                    file=file,
                    sheet="Actions",
                    row=i + 2,
                    column="reference",
                    value=ref,
                )
                for i in rows
            ]
    return problems


@writes("actions.change")
def import_actions(cur: duckdb.DuckDBPyConnection, path, *, by: Person) -> dict[str, int]:
    """Add or update actions from a workbook, all or nothing; every problem listed at once."""
    name = Path(str(getattr(path, "name", path))).name
    try:
        data = files.read_bytes(path, name)
        # Read in a child process held to the reading limits, like every file a person sends.
        tables, faults = read_isolated(files.read_tables, data, name, sheets=["Actions"], file=name)
    except FileRefused as refused:
        raise MeetingError.carrying(refused) from None
    frame = tables["Actions"]
    missing = [c for c in ("reference", "text", "owner") if c not in frame.columns]
    if missing:
        raise MeetingError.worded("action-columns", columns=", ".join(missing))
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    problems = list(faults)
    problems += _repeated_references(frame, name)
    with transaction(cur):
        for number, row in enumerate(frame.to_dict("records"), start=2):
            if all(_blank(v) for v in row.values()):
                continue
            clean = {k: (None if _blank(v) else v) for k, v in row.items()}
            try:
                outcome = save_action(
                    cur,
                    by=by,
                    reference=clean.get("reference"),
                    text=clean.get("text"),
                    owner=clean.get("owner"),
                    due_date=clean.get("due_date"),
                    status_=str(clean.get("status") or "open").strip().lower(),
                    meeting_date=clean.get("meeting_date"),
                    priority_id=clean.get("priority_id"),
                )
                counts[outcome] += 1
            except MeetingError as err:
                problems.append(
                    problem("action-invalid", file=name, sheet="Actions", row=number, reason=err)
                )
        if problems:
            raise MeetingError.worded(
                "actions-import-refused", problems=problems, listed=as_text(problems)
            )
    return counts
