"""The DuckDB store: where the database lives, its numbered migrations, and cursors.

One connection per process (the dashboard keeps it in Streamlit's resource cache) and a cursor
per thread, because a DuckDB connection must not be shared between threads while a cursor can.
The schema lives in ``outcomes/migrations/NNN_name.sql``, applied in order and recorded in
``schema_migrations``; never edit a migration that has shipped, add the next number instead.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from outcomes.errors import Conflict, StillLinked

if TYPE_CHECKING:  # people writes through the store, so the store names Person for types only
    from outcomes.people import Person

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "outcomes.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The database file: ``--db`` wins, then ``OUTCOMES_DB``, then ``data/outcomes.duckdb``.

    >>> resolve_db_path("/tmp/x.duckdb")
    PosixPath('/tmp/x.duckdb')
    """
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("OUTCOMES_DB", "").strip()
    if env:
        return Path(env).expanduser()
    return DEFAULT_DB


def migrations() -> list[tuple[int, str, Path]]:
    """The numbered migrations shipped with the code, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file {path.name} is not named NNN_name.sql")
        found.append((int(match.group(1)), match.group(2), path))
    numbers = [n for n, _, _ in found]
    # Numbers are handed out to pieces of work in advance, so one may land before the number
    # below it; two files with one number would be applied in an order nobody chose.
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


# What follows this line in a migration is about the deployment as a whole (the registry of
# partnerships): applied in the default schema only. Each partnership's own schema runs the
# part above it and records the migration as seen, so the numbers stay in step everywhere.
DEPLOYMENT_ONLY = "-- The deployment's own, in the default schema only:"


def migrate(con: duckdb.DuckDBPyConnection, *, deployment: bool = True) -> list[int]:
    """Apply the migrations this database (or, on a cursor with a partnership's schema current,
    that partnership's schema) has not seen yet; returns their numbers. ``deployment`` is False
    for a partnership's own schema, which skips the deployment-only migrations."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, path in migrations():
        if number in done:
            continue
        text = path.read_text(encoding="utf-8")
        con.execute("BEGIN TRANSACTION")
        try:
            own = text if deployment else text.split(DEPLOYMENT_ONLY, 1)[0]
            if own.strip():
                con.execute(own)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied


def use_schema(cur: duckdb.DuckDBPyConnection, schema: str | None) -> duckdb.DuckDBPyConnection:
    """Make ``schema`` (a partnership's, from outcomes.partnerships) current on ``cur``: every
    unqualified table, view and sequence then names that partnership's own. None leaves the
    default schema, where the first partnership lives."""
    if schema is not None:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"not a partnership schema: {schema!r}")
        # search_path, not DuckDB's "SET schema": the one spelling PostgreSQL shares.
        cur.execute(f"SET search_path = '{schema}'")
    return cur


_SCHEMA_NAME = re.compile(r"^p_[a-z0-9_]{1,40}$")


@dataclass
class Store:
    """An open database: the process's one connection and a cursor for each thread (and each
    partnership's schema). ``schema`` is the partnership a command was pointed at
    (``--partnership``): its cursor is the one :meth:`cursor` gives by default."""

    path: Path
    con: duckdb.DuckDBPyConnection
    _local: threading.local = field(default_factory=threading.local, repr=False)
    schema: str | None = None

    def cursor(self, schema: Any = ...) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on ``schema`` (``None`` the default schema; left out, the
        store's own partnership)."""
        if schema is ...:
            schema = self.schema
        cursors = getattr(self._local, "cursors", None)
        if cursors is None:
            cursors = self._local.cursors = {}
        cur = cursors.get(schema)
        if cur is None:
            cur = cursors[schema] = use_schema(self.con.cursor(), schema)
        return cur

    def transaction(self):
        """All or nothing on this thread's cursor (see :func:`transaction`)."""
        return transaction(self.cursor())

    def close(self) -> None:
        self.con.close()


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (creating if need be) the database at ``path`` and bring its schema up to date.

    ``":memory:"`` gives a private in-memory database, which the tests use.
    """
    target = resolve_db_path(path) if path != ":memory:" else ":memory:"
    if target != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    migrate(con)
    store = Store(path=Path(str(target)), con=con)
    from outcomes.partnerships import schemas  # the registry lives in the default schema

    for schema in schemas(con):
        cur = use_schema(con.cursor(), schema)
        try:
            migrate(cur, deployment=False)
        finally:
            cur.close()
    return store


_depth: dict[int, int] = {}
_depth_lock = threading.Lock()

CONFLICT_MESSAGE = (
    "Someone else changed the same figures or records at the same moment, and their change was "
    "saved first. Nothing of yours was written: look again at the page, then try again."
)


@contextmanager
def transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way the product writes: all or nothing, and safe to nest.

    The outermost block begins the transaction and commits it when the block ends; an inner
    block (a write function called by another) joins it. If anything raises, everything is
    rolled back; a failed rollback never hides the error that caused it. When another
    connection's change to the same rows was committed first, DuckDB refuses ours (a primary
    key clash or a write-write conflict); that becomes a :class:`~outcomes.errors.Conflict`
    with a plain message instead of a database error. Removing or renaming a row that others
    still point at (a priority an action links to) becomes a :class:`~outcomes.errors.StillLinked`
    naming what links to it.
    """
    key = id(cur)
    with _depth_lock:
        depth = _depth.get(key, 0)
        _depth[key] = depth + 1
    try:
        if depth:
            yield cur
            return
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException as err:
            with suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            if _is_conflict(err):
                raise Conflict(CONFLICT_MESSAGE) from err
            linked = _still_linked(cur, err)
            if linked:
                raise linked from err
            raise
    finally:
        with _depth_lock:
            if depth:
                _depth[key] = depth
            else:
                _depth.pop(key, None)


@contextmanager
def rehearsal(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write, look, and undo: a transaction that is always rolled back (a preview)."""
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
    finally:
        with suppress(duckdb.Error):
            cur.execute("ROLLBACK")


def _is_conflict(err: BaseException) -> bool:
    """A write that lost a race with another connection's committed write."""
    if isinstance(err, duckdb.TransactionException):
        return True
    text = str(err)
    return isinstance(err, duckdb.ConstraintException) and (
        "Duplicate key" in text or "Conflict" in text
    )


# What DuckDB says when a row others point at is deleted or its key changed (it names the
# pointing column and the key), and when a row points at a key that is not there.
_REFERENCED = re.compile(r'key "(\w+): (.*)" is still referenced by a foreign key')
_MISSING = re.compile(r'key "(\w+): (.*)" does not exist in the referenced table')
# The rows that point at others, as a person would count them.
_LINKED_ROWS = {
    "action": ("action", "actions"),
    "commentary": ("piece of commentary", "pieces of commentary"),
    "indicator_derivation": ("derivation rule", "derivation rules"),
    "indicator_spc": ("SPC setting", "SPC settings"),
    "indicator_target": ("target", "targets"),
    "meeting_status": ("status frozen at a meeting", "statuses frozen at meetings"),
    "observation": ("recorded figure", "recorded figures"),
    "series_value": ("series value", "series values"),
    "spc_event": ("SPC event", "SPC events"),
}


def _still_linked(cur: duckdb.DuckDBPyConnection, err: BaseException) -> StillLinked | None:
    """A foreign-key refusal in words: what still links to the row (counted after rollback)."""
    if not isinstance(err, duckdb.ConstraintException):
        return None
    missing = _MISSING.search(str(err))
    if missing:
        return StillLinked(
            f"There is no {missing.group(2)} to link to any more (someone may have just "
            "removed it). Nothing was written: look again, then try again."
        )
    found = _REFERENCED.search(str(err))
    if not found:
        return None
    column, key = found.groups()
    links = cur.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints() "
        "WHERE constraint_type = 'FOREIGN KEY' AND constraint_column_names = [?] "
        "AND schema_name = current_schema() ORDER BY 1",
        [column],
    ).fetchall()
    counts, parent, total = [], "record", 0
    for table, referenced in links:
        # Table names come from the catalogue, never from a person.
        n = cur.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [key]).fetchone()[0]
        if n:
            one, many = _LINKED_ROWS.get(table, (table.replace("_", " "),) * 2)
            counts.append(f"{n} {one if n == 1 else many}")
            parent, total = referenced.replace("_", " "), total + n
    linked = " and ".join(counts) or "other records"
    single = total == 1
    return StillLinked(
        f"The {parent} {key} cannot be renamed or removed: {linked} still "
        f"link{'s' if single else ''} to it. Move {'it' if single else 'them'} to another "
        f"{parent} first, or keep this one. Nothing was written."
    )


def audit(
    cur: duckdb.DuckDBPyConnection,
    by: Person,
    entity: str,
    key: object,
    change: str,
    *,
    before: object = None,
    after: object = None,
) -> None:
    """The audit record: who changed what, when, and what it was before. Written only here.

    ``by`` is the person acting (signed in, or the command line's operating-system user):
    never typed text, so the trail names people as the identity provider knows them.
    """
    if not all(hasattr(by, a) for a in ("name", "email", "role")):
        raise TypeError(f"audit needs the Person acting, not {type(by).__name__}")
    if isinstance(before, dict) and isinstance(after, dict):
        before, after = changed_fields(before, after)
    cur.execute(
        "INSERT INTO audit_log (who, who_email, who_role, entity, entity_key, change, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            by.name,
            by.email,
            by.role,
            entity,
            str(key),
            change,
            _as_json(before),
            _as_json(after),
        ],
    )


def normal(value: Any) -> Any:
    """A stored value as the audit compares it: blank text and NaN are None, a date and a
    midnight datetime (how pandas reads a date back) are the same day, whole floats and ints
    the same number, lists the same as tuples.

    >>> normal("2026-12-01 00:00:00") == normal(pd.Timestamp("2026-12-01")) == normal("2026-12-01")
    True
    >>> normal(5.0) == normal(5), normal(" "), normal(["a"]) == normal(("a",)), normal(True)
    (True, None, True, True)
    """
    from outcomes.wording import as_when

    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":  # a list column
        return tuple(normal(v) for v in value)
    if value is None or (not isinstance(value, (str, dict)) and pd.isna(value)):
        return None
    if (moment := as_when(value)) is not None:
        return moment
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields of ``after`` whose value changed, before and after, compared as
    :func:`normal` values (a due date read back as a midnight datetime has not changed).

    >>> changed_fields({"due": "2026-12-01 00:00:00", "owner": "Chair"},
    ...                {"due": "2026-12-01", "owner": "Vice-chair"})
    ({'owner': 'Chair'}, {'owner': 'Vice-chair'})
    """
    keys = [k for k in after if normal(before.get(k)) != normal(after[k])]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _as_json(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)


@contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[str]:
    """A DataFrame visible to SQL as ``name`` for the length of the block."""
    cur.register(name, frame)
    try:
        yield name
    finally:
        # In a transaction that has already failed, unregistering fails too and would hide
        # the error that matters; the name is simply re-registered next time.
        with suppress(duckdb.Error):
            cur.unregister(name)


def insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Bulk insert a DataFrame by column name (row-by-row inserts run at ~1,000 rows/s)."""
    if frame.empty:
        return 0
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with registered(cur, "_incoming_frame", frame):
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming_frame")
    return len(frame)


def is_empty(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when no framework has been imported yet (a brand-new database)."""
    return cur.execute("SELECT count(*) FROM partnership").fetchone()[0] == 0


def first_row(frame: pd.DataFrame) -> dict[str, Any] | None:
    """A query's first row as a dict, its missing values as None (or None for no row)."""
    if frame.empty:
        return None
    return {
        k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
        for k, v in frame.iloc[0].to_dict().items()
    }
