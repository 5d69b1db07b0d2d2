"""Committing a checked file, and the uploads' history: undo and restore."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from outcomes.errors import Refused
from outcomes.queries.observations import UploadResult, priorities_of
from outcomes.rules.wording import plural
from outcomes.storage import public_schema
from outcomes.storage.people import Person, priority_titles, require, writes
from outcomes.storage.store import audit, transaction
from outcomes.workflows import approval
from outcomes.workflows.uploads import shared_derived
from outcomes.workflows.uploads.prepared import Prepared, UploadRefused
from outcomes.workflows.uploads.previewing import Preview, fingerprint, write


def check_permitted(cur: duckdb.DuckDBPyConnection, prepared: Prepared, by: Person | None) -> None:
    """Refuse, naming what they may not load, unless ``by`` may load everything in the file:
    public data needs an analyst; a lead's figures and commentary must be for their priorities.
    """
    if public_schema.on_public_data(cur):
        # Every partnership reads what is loaded here: an administrator's decision.
        require(by, "public_data.share")
        if not prepared.observations.empty or not prepared.commentary.empty:
            raise UploadRefused.worded("shared-data-return", file_name=prepared.file_name)
    if prepared.series is not None and not prepared.series.empty:
        require(by, "public_data.load")
    codes = [
        *pd.unique(prepared.observations.get("indicator_code", pd.Series(dtype=object))),
        *pd.unique(prepared.commentary.get("indicator_code", pd.Series(dtype=object))),
    ]
    require(by, "returns.load", priorities=priorities_of(cur, codes), titles=priority_titles(cur))


def refusal(cur: duckdb.DuckDBPyConnection, prepared: Prepared, by: Person | None) -> str | None:
    """Why ``by`` may not load this file, or None (for the page to say before its preview)."""
    try:
        check_permitted(cur, prepared, by)
    except Refused as refused:
        return str(refused)
    return None


@writes("returns.load")
def commit(
    cur: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    by: Person,
    accept_warnings: bool = False,
    progress: Callable[[float, str], None] | None = None,
    previewed: Preview | None = None,
) -> UploadResult:
    """Write the prepared file in one transaction, or refuse and write nothing.

    With ``previewed``, the commit is refused (``upload-stale-preview``) unless it makes exactly
    the changes that preview showed: a second tab's stale preview never overwrites figures
    someone else has just loaded.
    """
    return commit_all(
        cur,
        [prepared],
        by=by,
        accept_warnings=accept_warnings,
        progress=progress,
        previewed=None if previewed is None else [previewed],
    )[0]


@writes("returns.load")
def commit_all(
    cur: duckdb.DuckDBPyConnection,
    batch: list[Prepared],
    *,
    by: Person,
    accept_warnings: bool = False,
    progress: Callable[[float, str], None] | None = None,
    previewed: list[Preview] | None = None,
) -> list[UploadResult]:
    """Several files as one all-or-nothing load: any error or unaccepted warning in any file
    refuses the lot, and a failure part-way leaves the database as it was."""
    for prep in batch:
        check_permitted(cur, prep, by)
    # A file loaded before changes nothing, so its warnings need no answer.
    fresh = [prep for prep in batch if prep.already_loaded is None]
    errors = [p for prep in fresh for p in prep.errors]
    if errors:
        raise UploadRefused.worded(
            "upload-has-errors", errors=plural(len(errors), "problem"), problems=errors
        )
    warnings = [p for prep in fresh for p in prep.warnings]
    if warnings and not accept_warnings:
        raise UploadRefused.worded(
            "upload-needs-yes", warnings=plural(len(warnings), "warning"), problems=warnings
        )
    results = []
    with transaction(cur):
        for number, prep in enumerate(batch):

            def step(
                fraction: float, message: str, number: int = number, name: str = prep.file_name
            ) -> None:
                if progress:
                    progress((number + fraction) / len(batch), f"{name}: {message}")

            if prep.already_loaded is not None:
                unchanged = len(prep.observations) + (
                    0 if prep.series is None else len(prep.series)
                )
                results.append(UploadResult(None, 0, 0, unchanged))
                continue
            result, rows = write(cur, prep, by, step)
            if previewed is not None and fingerprint(rows) != previewed[number].fingerprint:
                raise UploadRefused.worded("upload-stale-preview")
            # Where the partnership asks for it, a lead's return waits for an approver.
            for held in approval.hold(cur, result.upload_id, prep.observations, by=by):
                audit(
                    cur,
                    by,
                    "return",
                    f"{result.upload_id} {held['priority_id']}",
                    "submitted for approval",
                    after={"state": "submitted", "period": held["period"]},
                )
            results.append(result)
        if public_schema.on_public_data(cur):  # each partnership's own derived figures follow
            for result in results:
                if result.upload_id is not None:
                    shared_derived.rederive(cur, result.upload_id, by=by)
    return results


def uploads(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every upload, newest first. ``state_in_words`` is what a person reads: a committed
    return still waiting for its approver, or sent back to its lead, says so (its figures do
    not count yet: ``upload_in_force``)."""
    return cur.execute(
        """
        SELECT u.id, u.uploaded_at, u.uploaded_by, u.uploaded_by_email, u.file_name,
               u.source_format, u.rows_new, u.rows_revised, u.rows_unchanged, u.state,
               CASE WHEN u.state = 'committed' AND s.returned > 0 THEN 'returned to its lead'
                    WHEN u.state = 'committed' AND s.waiting > 0 THEN 'waiting for approval'
                    ELSE u.state END AS state_in_words,
               u.rolled_back_at, u.rolled_back_by
        FROM upload u
        LEFT JOIN (
            SELECT upload_id,
                   count(*) FILTER (WHERE state = 'returned') AS returned,
                   count(*) FILTER (WHERE state = 'submitted') AS waiting
            FROM return_submission GROUP BY upload_id
        ) s ON s.upload_id = u.id
        ORDER BY u.id DESC
        """
    ).df()


@dataclass(frozen=True)
class UploadFacts:
    """What undoing (or restoring) an upload would do, in the words the page asks with."""

    upload_id: int
    file_name: str
    uploaded_by: str
    uploaded_by_email: str | None
    uploaded_at: Any
    state: str
    figures: int  # new and revised figures it holds (what undo withdraws, restore brings back)
    commentary: int  # commentary that came with it

    def describe(self) -> str:
        when = periods.long_datetime(pd.Timestamp(self.uploaded_at).to_pydatetime())
        notes = (
            f" and {plural(self.commentary, 'piece of commentary', 'pieces of commentary')}"
            if self.commentary
            else ""
        )
        return (
            f"upload {self.upload_id}, {self.file_name}, loaded by {self.uploaded_by} on {when}: "
            f"{plural(self.figures, 'figure')}{notes}"
        )


def upload_facts(cur: duckdb.DuckDBPyConnection, upload_id: int) -> UploadFacts:
    row = cur.execute(
        """
        SELECT u.id, u.file_name, u.uploaded_by, u.uploaded_by_email, u.uploaded_at, u.state,
               coalesce(u.rows_new, 0) + coalesce(u.rows_revised, 0),
               (SELECT count(*) FROM commentary c WHERE c.upload_id = u.id)
        FROM upload u WHERE u.id = ?
        """,
        [upload_id],
    ).fetchone()
    if row is None:
        raise UploadRefused.worded("upload-unknown", upload_id=upload_id)
    return UploadFacts(*row)


@writes("uploads.undo")
def rollback(cur: duckdb.DuckDBPyConnection, upload_id: int, *, by: Person) -> str:
    """Mark an upload rolled back: the revisions it replaced are current again.

    Two people undoing the same upload at once: one wins, the other is told, and the audit
    trail has one entry (the state changes only from committed, inside the transaction).
    """
    return _set_state(cur, upload_id, by, "committed", "rolled back")


@writes("uploads.undo")
def restore(cur: duckdb.DuckDBPyConnection, upload_id: int, *, by: Person) -> str:
    """Undo an undo: a rolled-back upload's figures and commentary count again."""
    return _set_state(cur, upload_id, by, "rolled back", "committed")


def _set_state(cur, upload_id: int, by: Person, was: str, now: str) -> str:
    facts = upload_facts(cur, upload_id)
    # A lead undoes only what they loaded; the refusal names whose upload it is.
    require(by, "uploads.undo", upload=(facts.uploaded_by_email, facts.uploaded_by))
    if public_schema.on_public_data(cur):  # it changes what every partnership sees
        require(by, "public_data.share")
    undoing = now == "rolled back"
    if facts.state != was:
        raise UploadRefused.worded(
            "upload-already",
            upload_id=upload_id,
            file_name=facts.file_name,
            state="rolled back" if undoing else "in force",
        )
    with transaction(cur):
        if not shared_derived._put_state(cur, upload_id, was, now, by=by):
            raise UploadRefused.worded(
                "upload-changed-meanwhile",
                upload_id=upload_id,
                file_name=facts.file_name,
                done="undone" if undoing else "restored",
            )
        if public_schema.on_public_data(cur):
            shared_derived.follow(cur, upload_id, now, by=by)
    one = facts.figures == 1
    if undoing:
        return (
            f"Upload {upload_id} ({facts.file_name}) rolled back: its {plural(facts.figures, 'figure')} "
            f"{'is' if one else 'are'} withdrawn; any earlier "
            f"{'figure it' if one else 'figures they'} replaced {'is' if one else 'are'} current "
            "again. It can be restored."
        )
    return (
        f"Upload {upload_id} ({facts.file_name}) restored: its {plural(facts.figures, 'figure')} "
        f"{'counts' if one else 'count'} again."
    )
