"""Indicators derived from shared public data, recomputed in every partnership that derives
them (issue 19 item 4).

A police.uk force file or the ONS workbook loaded once into ``public_data`` changes what every
partnership's ``series_current`` reads, each its own areas. A partnership whose framework
derives an indicator from a public series (``indicator_derivation``, e.g. violence counted
from police.uk) has those figures recomputed from its own view of the shared data and written
in its own schema, as an upload of its own marked with the shared upload it came from
(``sha256`` is ``shared:<id>``): undoing the shared load withdraws them in every partnership,
and restoring it restores them, as undoing a partnership's own police.uk load withdraws the
figures computed from it. All of it in the shared load's transaction, so no partnership is left
with figures computed from a load that did not happen.

Recomputing is idempotent: a figure already current is not written again, and a partnership
whose figures did not change records no upload.
"""

from __future__ import annotations

from contextlib import contextmanager

import duckdb

from outcomes.queries.observations import OBSERVATIONS, UploadWriter, classify
from outcomes.storage import schemas
from outcomes.storage.people import Person
from outcomes.storage.store import audit, partnership_schemas, use_schema
from outcomes.workflows.uploads.public_data import derived_figures


def mark(shared_upload_id: int) -> str:
    """What a partnership's upload of derived figures records of the shared load it came from.

    >>> mark(7)
    'shared:7'
    """
    return f"shared:{int(shared_upload_id)}"


@contextmanager
def _visiting(cur: duckdb.DuckDBPyConnection):
    """``cur`` (on the shared public data) lent to each partnership in turn, and given back
    on the shared data whatever happens; yields the partnerships that derive any indicator,
    each as the schema to pass to ``use_schema`` (None for the default schema)."""
    home = cur.execute("SELECT current_schema()").fetchone()[0]
    try:
        use_schema(cur, None)
        default = cur.execute("SELECT current_schema()").fetchone()[0]
        every = [default, *partnership_schemas(cur)]
        # One statement asks them all which derive anything (most partnerships of a national
        # deployment may derive nothing, and need no visit).
        deriving = schemas.across(
            cur, every, "SELECT DISTINCT {name} FROM {schema}.indicator_derivation"
        )
        found = {r[0] for r in deriving}
        yield [None if s == default else s for s in every if s in found]
    finally:
        use_schema(cur, home)


def rederive(cur: duckdb.DuckDBPyConnection, shared_upload_id: int, *, by: Person) -> dict:
    """Recompute every partnership's derived indicators after the shared load
    ``shared_upload_id`` (``cur`` on the shared public data, in the load's transaction);
    returns, for each partnership schema that changed, its upload's id."""
    file_name = cur.execute(
        "SELECT file_name FROM upload WHERE id = ?", [shared_upload_id]
    ).fetchone()[0]
    written = {}
    with _visiting(cur) as deriving:
        for schema in deriving:
            use_schema(cur, schema)
            derived = derived_figures(cur)
            if derived.empty:
                continue
            writer = UploadWriter(
                cur,
                by=by,
                file_name=file_name,
                source_format="derived",
                sha256=mark(shared_upload_id),
            )
            writer.add(derived, OBSERVATIONS, classified=classify(cur, derived, OBSERVATIONS))
            result = writer.finish()
            if result.upload_id is not None:
                written[schema] = result.upload_id
    return written


def _put_state(cur, upload_id: int, was: str, now: str, *, by: Person, **told) -> bool:
    """Upload ``upload_id`` moved from ``was`` to ``now`` (``"rolled back"`` or
    ``"committed"``) and the audit record written, in the caller's transaction; False (and
    nothing written) when it was no longer ``was``. ``told``: more for the record."""
    undoing = now == "rolled back"
    changed = cur.execute(
        "UPDATE upload SET state = ?, "
        "rolled_back_at = CASE WHEN ? THEN current_localtimestamp() END, "
        "rolled_back_by = CASE WHEN ? THEN ? END "
        "WHERE id = ? AND state = ?",  # no RETURNING: DuckDB's foreign keys refuse it here
        [now, undoing, undoing, by.signature, upload_id, was],
    ).fetchone()[0]
    if changed:
        audit(
            cur,
            by,
            "upload",
            upload_id,
            "rolled back" if undoing else "restored",
            before={"state": was},
            after={"state": now, **told},
        )
    return bool(changed)


def follow(cur: duckdb.DuckDBPyConnection, shared_upload_id: int, now: str, *, by: Person) -> int:
    """Each partnership's figures derived from the shared load put in the state the shared
    load was just put in (``"rolled back"`` or ``"committed"``), in the caller's transaction;
    returns how many partnerships' uploads changed."""
    was = "committed" if now == "rolled back" else "rolled back"
    changed = 0
    with _visiting(cur) as deriving:
        for schema in deriving:
            use_schema(cur, schema)
            ids = cur.execute(
                "SELECT id FROM upload WHERE sha256 = ? AND state = ? ORDER BY id",
                [mark(shared_upload_id), was],
            ).fetchall()
            for (upload_id,) in ids:
                changed += _put_state(
                    cur, upload_id, was, now, by=by, **{"with shared upload": shared_upload_id}
                )
    return changed
