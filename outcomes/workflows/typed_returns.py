"""A return typed in the browser ("Your returns"): the same checks, preview and commit as a file.

The rows a lead types become the very rows the returns reader makes of a spreadsheet
(:class:`loaders.returns.ReturnRows`), and go through :func:`outcomes.workflows.uploads.prepare_return`,
:func:`outcomes.workflows.uploads.preview` and :func:`outcomes.workflows.uploads.commit` like any uploaded return:
one path, so a typed figure is refused exactly as the same figure in a file would be. Only the
place a problem is named differs: by indicator and field, not by sheet, row and column.

A half-typed return is a draft (``return_draft``), kept in the database for its lead until they
send it, so it can be finished on another device.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import duckdb
import pandas as pd

from loaders import periods
from loaders.returns import ReturnRows
from outcomes.rules import wording
from outcomes.storage.people import Person, priority_titles, require, writes
from outcomes.storage.store import audit, insert_frame, transaction
from outcomes.workflows import approval, calendar
from outcomes.workflows.template import due_rows
from outcomes.workflows.uploads import Prepared, Preview, commit
from outcomes.workflows.uploads.reading import already_loaded
from outcomes.workflows.uploads.return_checks import prepare_return

PAGE = "returns"  # the page's address: /returns?priority=ID&period=CODE
# The fields a lead types, as the page labels them and problems name them.
FIELDS = {"value": "figure", "commentary": "commentary", "blockage": "blockage"}
TYPED = ("value", "commentary", "blockage")
KEYS = ["indicator_code", "period", "area"]


def returns_link(priority_id: str, period: str | None = None) -> str:
    """The address of "Your returns" for a priority and return period, relative to the
    dashboard's own address (a reminder puts that address before it).

    >>> returns_link("street-violence", "2026/27 Q2")
    'returns?priority=street-violence&period=2026%2F27+Q2'
    """
    query = {"priority": priority_id, **({"period": period} if period else {})}
    return f"{PAGE}?{urlencode(query)}"


def read_period(text: str | None) -> periods.Period | None:
    """A return period from a link (its code, or as a person would write it), or None."""
    if not text:
        return None
    try:
        return periods.parse_period(str(text), "quarterly")
    except periods.PeriodError:
        return None


def owed(cur: duckdb.DuckDBPyConnection, person: Person, today: date | None = None) -> dict:
    """The return each of ``person``'s priorities owes next (due or overdue), by priority id,
    in board order; every priority for an analyst or administrator."""
    due = calendar.next_returns(cur, today)
    if person.role == "lead":
        return {pid: d for pid, d in due.items() if pid in person.priorities}
    return due if person.may("returns.load") else {}


def form_rows(
    cur: duckdb.DuckDBPyConnection,
    priority_id: str,
    return_period: str,
    *,
    person: Person | None = None,
) -> pd.DataFrame:
    """One row for each figure due in the return, with the last figure, target and unit, and
    the lead's draft (``value``, ``commentary``, ``blockage`` as typed) where one is saved.

    Columns: indicator_code, indicator, period, period_words, area (its code, 'all' for the
    partnership), area_words, unit, previous_value (the period before's figure), previous_period
    (its code), current_value (the figure the board sees now for this very period and area, when
    one was sent: the return corrects it), target, value, commentary, blockage, label.
    """
    rows = due_rows(cur, return_period, priority_id=priority_id)
    names = dict(cur.execute("SELECT code, name FROM area").fetchall())
    rows = rows.assign(
        area=rows["area"].fillna("all"),
        period_words=[wording.period(p) for p in rows["period"]],
        previous_period=[periods.parse_code(p).previous().code for p in rows["period"]],
    )
    now = {
        (code, period, area): value
        for code, period, area, value in cur.execute(
            "SELECT d.indicator_code, d.period, d.area, d.value FROM observation_current_detail d "
            "JOIN indicator i ON i.code = d.indicator_code WHERE i.priority_id = ?",
            [priority_id],
        ).fetchall()
    }
    rows["current_value"] = [
        now.get(key)
        for key in zip(rows["indicator_code"], rows["period"], rows["area"], strict=True)
    ]
    rows["area_words"] = ["" if a == "all" else names.get(a, a) for a in rows["area"]]
    rows["label"] = [
        " ".join(x for x in (code, area, period) if x)
        for code, area, period in zip(
            rows["indicator_code"], rows["area_words"], rows["period_words"], strict=True
        )
    ]
    rows = rows.drop(columns=list(TYPED))
    saved = (
        draft(cur, person, priority_id, return_period)
        if person is not None and person.email
        else pd.DataFrame(columns=[*KEYS, *TYPED])
    )
    rows = rows.merge(saved[[*KEYS, *TYPED]], on=KEYS, how="left")
    for column in TYPED:
        rows[column] = rows[column].astype(object).where(rows[column].notna(), "")
    return rows


def facts(row: Mapping[str, Any]) -> str:
    """What a lead types a figure against, in words: the figure the board sees now for this
    period when one was sent (a correction), the figure before it with its period, the target
    and the unit.

    >>> facts({"current_value": 301.0, "previous_value": 334.0, "previous_period": "2026/27 Q1",
    ...        "target": 310.0, "unit": "count"})
    'sent already: 301 (type a figure to correct it) · before it, Q1 2026/27 (Apr–Jun 2026): 334 · target 310 · unit: count'
    >>> facts({"current_value": None, "previous_value": 918.0, "previous_period": "2026-06",
    ...        "target": None, "unit": "hours"})
    'last figure, June 2026: 918 · unit: hours'
    """
    said = []
    now, before = _number(row.get("current_value")), _number(row.get("previous_value"))
    if now is not None:
        said.append(f"sent already: {now} (type a figure to correct it)")
    if before is not None:
        lead = "before it" if now is not None else "last figure"
        said.append(f"{lead}, {wording.period(row.get('previous_period'))}: {before}")
    target = _number(row.get("target"))
    if target is not None:
        said.append(f"target {target}")
    if row.get("unit"):
        said.append(f"unit: {row['unit']}")
    return " · ".join(said)


def _number(value: Any) -> str | None:
    """A figure as the form shows it (None when there is none)."""
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return f"{float(value):,.6g}"
    except (TypeError, ValueError):
        return str(value)


def _return_rows(typed: pd.DataFrame, file_name: str) -> ReturnRows:
    """What the returns reader would have made of the same rows in a spreadsheet."""
    frame = pd.DataFrame(
        {
            "indicator_code": typed["indicator_code"],
            "indicator_name": typed.get("indicator"),
            "period_raw": typed["period"],
            "area": [None if a == "all" else a for a in typed["area"]],
            "unit": typed.get("unit"),
            "previous_value_raw": typed.get("previous_value"),
            "target_raw": typed.get("target"),
            "value_raw": [_typed(v) for v in typed["value"]],
            "commentary": [_typed(v) for v in typed["commentary"]],
            "blockage_raw": [_blockage(v) for v in typed["blockage"]],
            "source_row": range(1, len(typed) + 1),
        }
    )
    # Only rows the lead typed something in: a blank row is a figure not sent yet, as a row
    # left out of a file is.
    touched = frame[["value_raw", "commentary", "blockage_raw"]].notna().any(axis=1)
    return ReturnRows(
        rows=frame[touched].reset_index(drop=True),
        file=file_name,
        sheet=None,
        header_row=0,
        columns={
            "indicator_code": "indicator",
            "period": "period",
            "area": "area",
            "value": FIELDS["value"],
            "commentary": FIELDS["commentary"],
            "blockage": FIELDS["blockage"],
        },
    )


def _typed(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _blockage(value: Any) -> Any:
    """A tick box's True is the file's "Y"; typed text is checked as the file's would be."""
    if isinstance(value, bool):
        return "Y" if value else None
    return _typed(value)


def prepare_typed(
    cur: duckdb.DuckDBPyConnection,
    typed: pd.DataFrame,
    *,
    priority_id: str,
    return_period: str,
    by: Person | None,
    today: date | None = None,
) -> Prepared:
    """Check the typed rows (``form_rows``' columns, ``value``, ``commentary`` and ``blockage``
    as typed) exactly as an uploaded return; refused first if ``by`` may not load them."""
    require(by, "returns.load", priorities=[priority_id], titles=priority_titles(cur))
    title = priority_titles(cur).get(priority_id, priority_id)
    name = f"typed in the browser: {title}, {wording.period(return_period)}"
    read = _return_rows(typed, name)
    content = read.rows.drop(columns=["source_row"]).to_csv(index=False)
    sha = hashlib.sha256(f"{priority_id}\n{return_period}\n{content}".encode()).hexdigest()
    prepared = prepare_return(cur, read, name, sha, today or date.today())
    label = dict(zip(range(1, len(typed) + 1), _labels(typed, read), strict=True))
    said = {
        n: (code, period)
        for n, code, period in zip(
            range(1, len(typed) + 1), typed["indicator_code"], typed["period"], strict=True
        )
    }
    prepared.problems = [_named(p, label, said) for p in prepared.problems]
    prepared.summary = {"figures typed": int(read.rows["value_raw"].notna().sum())}
    prepared.already_loaded = already_loaded(cur, sha)
    return prepared


def _labels(typed: pd.DataFrame, read: ReturnRows) -> list[str]:
    if "label" in typed:
        return list(typed["label"])
    return [f"{c} {p}" for c, p in zip(typed["indicator_code"], typed["period"], strict=True)]


def _named(problem, label: dict[int, str], said: dict[int, tuple[str, str]]):
    """A problem placed by indicator and field ("SV01 Q2 2026/27 (Jul–Sep 2026), figure"), not
    by a spreadsheet's row: the typed rows are numbered as the form lists them.

    A file's problem begins by naming its figure ("SV01 2026/27 Q2: ...") because its row
    number alone would not; here the place names it already, so the sentence does not again.
    """
    field = problem.column or "return"
    place = label.get(problem.row, "") if problem.row else ""
    where = f"{place}, {field}" if place else field
    message = problem.message
    if place:
        message = _unnamed(message, *said[problem.row])
    return dataclasses.replace(problem, sheet=None, row=None, column=where, message=message)


def _unnamed(message: str, code: str, period: str) -> str:
    """``message`` less a leading "SV01 2026/27 Q2: " (or "SV01: ") naming the figure.

    >>> _unnamed("SV01 2026/27 Q2: 'lots' is not a number", "SV01", "2026/27 Q2")
    "'lots' is not a number"
    >>> _unnamed("SV01 2026-07: no figure given.", "SV01", "2026-07")
    'No figure given.'
    >>> _unnamed("The return is empty.", "SV01", "2026-07")
    'The return is empty.'
    """
    for prefix in (f"{code} {period}: ", f"{code}: "):
        if message.startswith(prefix):
            rest = message[len(prefix) :]
            return rest[:1].upper() + rest[1:]
    return message


@writes("returns.load")
def submit(
    cur: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    priority_id: str,
    return_period: str,
    by: Person,
    accept_warnings: bool = False,
    previewed: Preview | None = None,
) -> str:
    """Commit a typed return (the uploaded return's commit) and clear its draft, in one
    transaction; says what happened, and who approves it where approval is required."""
    with transaction(cur):
        result = commit(cur, prepared, by=by, accept_warnings=accept_warnings, previewed=previewed)
        _clear(cur, by, priority_id, return_period)
    if result.upload_id is None:
        return "Nothing to send: every figure is one the dashboard holds already."
    sent = (
        f"Sent as upload {result.upload_id}: {result.rows_new} new, {result.rows_revised} "
        f"revised, {result.rows_unchanged} unchanged."
    )
    held = approval.waits(cur, result.upload_id)
    if held:
        return f"{sent} {held}"
    return f"{sent} The board sees the figures now."


def draft(
    cur: duckdb.DuckDBPyConnection, person: Person | None, priority_id: str, return_period: str
) -> pd.DataFrame:
    """The draft ``person`` saved for this return (empty when none): KEYS, TYPED, saved_at."""
    email = getattr(person, "email", None)
    return cur.execute(
        "SELECT indicator_code, period, area, value, commentary, blockage, saved_at "
        "FROM return_draft WHERE person_email = ? AND priority_id = ? AND return_period = ?",
        [email, priority_id, return_period],
    ).df()


def draft_saved_at(
    cur: duckdb.DuckDBPyConnection, person: Person | None, priority_id: str, return_period: str
) -> datetime | None:
    saved = draft(cur, person, priority_id, return_period)
    return None if saved.empty else pd.Timestamp(saved["saved_at"].max()).to_pydatetime()


@writes("returns.load")
def save_draft(
    cur: duckdb.DuckDBPyConnection,
    typed: pd.DataFrame,
    *,
    priority_id: str,
    return_period: str,
    by: Person,
) -> str:
    """Keep what ``by`` has typed so far, for them to finish later (on any device)."""
    require(by, "returns.load", priorities=[priority_id], titles=priority_titles(cur))
    if not by.email:
        raise approval.Refused.worded("draft-needs-sign-in")
    rows = typed[KEYS].copy()
    rows["value"] = [_typed(v) for v in typed["value"]]
    rows["commentary"] = [_typed(v) for v in typed["commentary"]]
    rows["blockage"] = [_blockage(v) for v in typed["blockage"]]
    rows = rows[rows[list(TYPED)].notna().any(axis=1)]
    now = datetime.now()
    rows = rows.assign(
        person_email=by.email, priority_id=priority_id, return_period=return_period, saved_at=now
    )
    with transaction(cur):
        _clear(cur, by, priority_id, return_period)
        insert_frame(cur, "return_draft", rows)
        audit(
            cur,
            by,
            "return draft",
            f"{priority_id} {return_period}",
            "saved",
            after={"figures": int(rows["value"].notna().sum())},
        )
    return (
        f"Draft saved at {periods.long_datetime(now)}: {wording.plural(len(rows), 'row')} kept. "
        "Finish it here, on this or any device, and send it when it is ready."
    )


@writes("returns.load")
def discard_draft(
    cur: duckdb.DuckDBPyConnection, *, priority_id: str, return_period: str, by: Person
) -> str:
    """Throw away ``by``'s draft of this return."""
    with transaction(cur):
        _clear(cur, by, priority_id, return_period)
        audit(cur, by, "return draft", f"{priority_id} {return_period}", "discarded")
    return "Draft discarded."


def _clear(cur, by: Person, priority_id: str, return_period: str) -> None:
    cur.execute(
        "DELETE FROM return_draft WHERE person_email = ? AND priority_id = ? AND return_period = ?",
        [by.email, priority_id, return_period],
    )
