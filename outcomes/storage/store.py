"""The store: where the database lives, its numbered migrations, and cursors, on either engine.

The database is an embedded DuckDB file (the default) or a PostgreSQL database named by a
``postgresql://`` URL (``outcomes/storage/pg.py``), with one schema and one SQL: the migrations and
every query are DuckDB SQL, which PostgreSQL runs transpiled (``outcomes/storage/dialect.py``).
One store per process (the dashboard keeps it in Streamlit's resource cache) and a cursor per
thread, because a connection must not be shared between threads while a cursor can. The schema
lives in ``outcomes/storage/migrations/NNN_name.sql``, applied in order and recorded in
``schema_migrations``; never edit a migration that has shipped, add the next number instead.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from outcomes.errors import Conflict, Refused, StillLinked
from outcomes.rules import wording
from outcomes.storage import public_schema, schemas
from outcomes.storage.auditing import audit, changed_fields, normal  # noqa: F401 (imported from here)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "outcomes.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
# A PostgreSQL URL; anything else is a DuckDB file. PostgreSQL's driver (psycopg) and sqlglot are
# imported only by a process that opens one (outcomes/storage/pg.py), so DuckDB's processes and their
# file-reading children stay exactly as they were.
SCHEMES = ("postgresql://", "postgres://")


def _pg():
    from outcomes.storage import pg

    return pg


def _psycopg():
    """psycopg if this process has loaded it (only then can its errors arise), else None."""
    return sys.modules.get("psycopg")


def db_errors() -> tuple[type[BaseException], ...]:
    """What either engine raises when a statement fails."""
    found = _psycopg()
    return (duckdb.Error, found.Error) if found else (duckdb.Error,)


def server_gone(err: BaseException) -> bool:
    """The PostgreSQL server stopped answering (or never did) part-way through."""
    found = _psycopg()
    return bool(found) and isinstance(err, found.OperationalError)


def _on_postgres(cur) -> bool:
    return getattr(cur, "engine", "duckdb") == "postgresql"


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path | str:
    """The database: ``--db`` wins, then ``OUTCOMES_DB``, then ``data/outcomes.duckdb``.
    A ``postgresql://`` (or ``postgres://``) URL stays the URL; anything else is a file.

    >>> resolve_db_path("/tmp/x.duckdb")
    PosixPath('/tmp/x.duckdb')
    >>> resolve_db_path("postgresql://outcomes@db.example:5432/csp")
    'postgresql://outcomes@db.example:5432/csp'
    """
    value = str(cli_value).strip() if cli_value else os.environ.get("OUTCOMES_DB", "").strip()
    if not value:
        return DEFAULT_DB
    if value.startswith(SCHEMES):
        return value
    scheme = _SCHEME.match(value)
    if scheme:
        # A mistyped scheme must not become a folder and a file named like a URL (nor make
        # DuckDB fetch an extension of that name from the network).
        from outcomes.errors import Unreachable

        raise Unreachable.worded("database-address", "scheme", scheme=scheme.group(1))
    return Path(value).expanduser()


# Any URL's scheme (RFC 3986), to refuse those that are not PostgreSQL's.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def engine_of(target: object) -> str:
    """``"postgresql"`` for a PostgreSQL URL, ``"duckdb"`` for a file or ``:memory:``."""
    return "postgresql" if isinstance(target, str) and target.startswith(SCHEMES) else "duckdb"


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


class NewerDatabase(Refused):
    """The database was brought up to date by a newer version of the product."""


# Two processes opening one new PostgreSQL database at once must not both migrate it.
_MIGRATION_LOCK = 7_041_918


def migrate(con, *, deployment: bool = True, fresh_ok: bool = False) -> list[int]:
    """Apply the migrations this database (or, on a cursor with a partnership's schema current,
    that partnership's schema) has not seen yet, each in a transaction of its own (all of it or
    none of it, on both engines); returns their numbers. ``deployment`` is False for a
    partnership's own schema, which skips the deployment-only part of each migration. A
    database that has a migration this code does not know is refused: it belongs to a newer
    version. ``fresh_ok``: a new, empty schema like those already open (:func:`make_schema`),
    made on PostgreSQL in one round trip where this process has made one before."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
    )
    shipped = migrations()
    # Opening a deployment of ~300 partnerships migrates every schema: one read each when all
    # are up to date (migrations are never removed), not a transaction per migration each.
    seen = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    if {n for n, _, _ in shipped} <= seen:
        _refuse_newer(seen, shipped)
        return []
    key = (tuple((n, name) for n, name, _ in shipped), deployment)
    fresh = fresh_ok and not seen and _on_postgres(con)
    if fresh and schemas.FRESH.get(key) and _made_at_once(con, shipped, schemas.FRESH.get(key)):
        return [n for n, _, _ in shipped]
    if fresh:
        con.recording = []
    applied = []
    try:
        for number, name, path in shipped:
            if _migrate_one(con, number, name, path, shipped, deployment):
                applied.append(number)
        if fresh and applied == [n for n, _, _ in shipped]:
            schemas.FRESH.keep(key, con.recording)
    finally:
        if fresh:
            con.recording = None
    # A new schema like those open changes no statement's translation; any other migration may.
    if applied and _on_postgres(con) and not fresh_ok:
        _pg().TRANSLATIONS.forget()
    return applied


def _migrate_one(con, number: int, name: str, path: Path, shipped: list, deployment: bool) -> bool:
    con.execute("BEGIN TRANSACTION")
    try:
        if _on_postgres(con):
            con.execute_postgres("SELECT pg_advisory_xact_lock($1)", [_MIGRATION_LOCK])
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
        _refuse_newer(done, shipped)
        due = number not in done
        if due:
            _apply(con, path, shipped, deployment)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
        con.execute("COMMIT")
        return due
    except BaseException:
        with suppress(*db_errors()):
            con.execute("ROLLBACK")
        raise


def _made_at_once(con, shipped: list, statements: list[str]) -> bool:
    """A new schema made by the statements that made the last one, in one transaction and one
    round trip, under the migrations' lock; False (nothing done) if another process has begun
    migrating it meanwhile, for the ordinary way to finish."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute_postgres("SELECT pg_advisory_xact_lock($1)", [_MIGRATION_LOCK])
        if con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]:
            con.execute("ROLLBACK")
            return False
        recorded = ", ".join(f"({n}, '{name}')" for n, name, _ in shipped)  # our own names
        con.run_statements(
            [*statements, f"INSERT INTO schema_migrations (version, name) VALUES {recorded}"]
        )
        con.execute("COMMIT")
        return True
    except BaseException:
        with suppress(*db_errors()):
            con.execute("ROLLBACK")
        raise


def _script(path: Path, deployment: bool) -> str:
    text = path.read_text(encoding="utf-8")
    return text if deployment else text.split(DEPLOYMENT_ONLY, 1)[0]


def _apply(con, path: Path, shipped: list[tuple[int, str, Path]], deployment: bool) -> None:
    script = _script(path, deployment)
    if not script.strip():
        return
    if not _on_postgres(con):
        con.execute(script)
        return
    con.run_script(script)
    if re.search(r"\bALTER\s+TABLE\b", script, re.IGNORECASE):
        upto = [_script(p, deployment) for _, _, p in shipped if p.name <= path.name]
        con.rebuild_views(upto)


def _refuse_newer(done: set[int], shipped: list[tuple[int, str, Path]]) -> None:
    unknown = sorted(done - {n for n, _, _ in shipped})
    if unknown:
        raise NewerDatabase.worded("database-newer", migration=format(unknown[-1], "03d"))


def use_schema(cur, schema: str | None):
    """Make ``schema`` (a partnership's, from outcomes.workflows.partnerships) current on ``cur``: every
    unqualified table, view and sequence then names that partnership's own. None is the
    default schema, where the first partnership lives."""
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise ValueError(f"not a partnership schema: {schema!r}")
    if _on_postgres(cur):
        # A pooled PostgreSQL connection may come back from another partnership's thread.
        cur.execute_postgres(f"SET search_path = '{schema}'" if schema else "RESET search_path")
    else:
        # search_path, not DuckDB's "SET schema": the spelling PostgreSQL shares.
        cur.execute(f"SET search_path = '{schema}'" if schema else "RESET search_path")
    return cur


# A partnership's schema, or the public data every partnership shares (outcomes/storage/public_schema.py).
_SCHEMA_NAME = re.compile(r"^(p_[a-z0-9_]{1,40}|public_data)$")


# PostgreSQL connections one thread keeps open, each on a partnership's schema (Store.cursor).
_KEPT_A_THREAD = 12


@dataclass
class Store:
    """An open database: the process's one connection and a cursor for each thread (and each
    partnership's schema). ``schema`` is the partnership a command was pointed at
    (``--partnership``): its cursor is the one :meth:`cursor` gives by default.

    ``engine`` is ``"duckdb"`` or ``"postgresql"``; ``path`` the file, or the URL."""

    path: Path | str
    con: Any
    engine: str = "duckdb"
    _local: threading.local = field(default_factory=threading.local, repr=False)
    schema: str | None = None

    def cursor(self, schema: Any = ...):
        """This thread's cursor on ``schema`` (``None`` the default schema; left out, the
        store's own partnership)."""
        if schema is ...:
            schema = self.schema
        cursors = getattr(self._local, "cursors", None)
        if cursors is None:
            cursors = self._local.cursors = {}
        cur = cursors.pop(schema, None)
        if cur is None or getattr(cur, "broken", False):
            # A PostgreSQL connection the server dropped is replaced, so "try again" works.
            cur = use_schema(self._new_cursor(schema), schema)
            if self.engine == "postgresql":
                self._keep_few(cursors)
        cursors[schema] = cur  # the last asked for last: the order they were used in
        return cur

    def _keep_few(self, cursors: dict) -> None:
        """A thread that visits many partnerships (all ~300 of a national deployment) keeps a
        PostgreSQL connection for the few it used last, not one each: a server takes only so
        many connections. One in a transaction, the default schema's and the store's own
        partnership's are kept; the rest are closed (a closed one is made again if asked)."""
        for schema in list(cursors):
            if len(cursors) < _KEPT_A_THREAD:
                return
            cur = cursors[schema]
            if schema in (None, self.schema) or not cur.idle:
                continue
            del cursors[schema]
            _, given_back = self._local.leases.pop(schema, (None, None))
            if given_back is not None:
                given_back.detach()
            cur.close()

    def _new_cursor(self, schema: str | None):
        if self.engine != "postgresql":
            return self.con.cursor()
        cur = self.con.lease()
        # When the thread ends its locals go, and with them this lease: the connection goes
        # back to the store for the next thread instead of staying open for nobody.
        lease = _Lease()
        given_back = weakref.finalize(lease, self.con.give_back, cur)
        leases = getattr(self._local, "leases", None)
        if leases is None:
            leases = self._local.leases = {}
        leases[schema] = (lease, given_back)
        return cur

    def transaction(self):
        """All or nothing on this thread's cursor (see :func:`transaction`)."""
        return transaction(self.cursor())

    def one_thread(self) -> None:
        """DuckDB on one thread in this process: a command's queries are small enough that a
        second thread costs more CPU than it saves time (31,000 figures inserted: 0.025 s of
        CPU on one thread, 0.038 s on two, 2026-12-08). PostgreSQL's server plans its own."""
        if self.engine == "duckdb":
            self.con.execute("SET threads = 1")

    def close(self) -> None:
        self.con.close()


def remove_database(target: Path | str) -> None:
    """Start again: the DuckDB file deleted, or everything in the PostgreSQL database dropped."""
    if engine_of(target) == "postgresql":
        _empty_postgres(str(target))
        return
    path = Path(target)
    if path.exists():
        path.unlink()
        Path(f"{path}.wal").unlink(missing_ok=True)


def _empty_postgres(url: str) -> None:
    """Every table, view and sequence in the database's schema dropped, in one transaction:
    ``init --replace`` on PostgreSQL (on DuckDB it deletes the file)."""
    conn = _pg().connect(url)
    try:
        with conn.transaction():
            found = conn.execute(
                "SELECT c.relname, c.relkind FROM pg_class AS c "
                "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'S') "
                "ORDER BY c.relkind DESC"
            ).fetchall()
            kinds = {"r": "TABLE", "v": "VIEW", "S": "SEQUENCE"}
            for name, kind in found:
                # Names from the catalogue, never from a person.
                conn.execute(f'DROP {kinds[kind]} IF EXISTS "{name}" CASCADE')
    finally:
        conn.close()


def shown(target: Path | str) -> str:
    """The database as a message may name it (a PostgreSQL URL without its password).

    >>> shown("postgresql://csp:secret@db.example:5432/outcomes")
    'postgresql://csp@db.example:5432/outcomes'
    """
    return _pg().shown(target) if engine_of(target) == "postgresql" else str(target)


class _Lease:
    """Lives exactly as long as the thread that holds a PostgreSQL cursor (see Store.cursor)."""


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (creating if need be) the database at ``path`` (a file, or a PostgreSQL URL) and
    bring its schema up to date.

    ``":memory:"`` gives a private in-memory DuckDB database, which the tests use. A PostgreSQL
    database must exist already (``createdb``); its tables are made here.
    """
    target = resolve_db_path(path) if path != ":memory:" else ":memory:"
    if engine_of(target) == "postgresql":
        con = _pg().Connection(str(target))
        try:
            first = con.cursor()
            _migrate_all(first, con.cursor)
            con.give_back(first)
        except BaseException:
            con.close()
            raise
        return Store(path=str(target), con=con, engine="postgresql")
    if target != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        _migrate_all(con)
    except BaseException:
        con.close()
        raise
    return Store(path=Path(str(target)), con=con)


def make_schema(store, schema: str) -> None:
    """Make ``schema`` (a partnership's, or the shared public data's) and migrate it. Outside
    any transaction: each migration is its own, so a schema a failure left half made is simply
    made again."""
    store.cursor(None).execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    own = use_schema(store.con.cursor(), schema)
    try:
        migrate(own, deployment=False, fresh_ok=True)
    finally:
        own.close()


def partnership_schemas(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The schemas of the partnerships added after the first (each is migrated on opening).

    The registry's one read the store needs; ``outcomes.workflows.partnerships`` owns the rest of it."""
    # Asked of the migrations, not of information_schema, which lists every table of every
    # partnership (a second's work on a national deployment, on every open).
    registry = con.execute("SELECT count(*) FROM schema_migrations WHERE version = 10").fetchone()[
        0
    ]
    if not registry:  # a program older than migration 010 made this database
        return []
    return [
        r[0]
        for r in con.execute(
            "SELECT schema_name FROM deployment_partnership WHERE schema_name IS NOT NULL "
            "ORDER BY sort_order"
        ).fetchall()
    ]


def _migrate_all(con, new_cursor: Any = None) -> None:
    """The default schema, then every partnership's own (the registry names them) that is not
    up to date: which ones, asked of them all in one statement (:func:`schemas.behind`), and
    those migrated on one cursor."""
    applied = {None: migrate(con)}
    shared = public_schema.exists(con)
    everyone = [*partnership_schemas(con), *([public_schema.SCHEMA] if shared else [])]
    due = schemas.behind(con, everyone, [n for n, _, _ in migrations()], db_errors())
    if not due and not (shared and applied[None]):
        return
    cur = (new_cursor or con.cursor)()
    try:
        for schema in due:
            applied[schema] = migrate(use_schema(cur, schema), deployment=False)
        shared_changed = bool(applied.get(public_schema.SCHEMA))
        if not shared:
            return
        # A migration that made series_current again (or PostgreSQL's rebuilt views) undoes a
        # partnership's link to the shared public data: link it again.
        for schema in [None, *everyone]:
            if schema != public_schema.SCHEMA and (applied.get(schema) or shared_changed):
                public_schema.link(use_schema(cur, schema))
    finally:
        cur.close()


_depth: dict[int, int] = {}
_depth_lock = threading.Lock()


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
            with suppress(*db_errors()):
                cur.execute("ROLLBACK")
            if _is_conflict(err):
                raise Conflict.worded("conflict") from err
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
def rehearsal(
    cur: duckdb.DuckDBPyConnection, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write, look, and undo: a transaction that is always rolled back (a preview).
    ``read_only``: only look, at every table as it stood at one moment while others go on
    writing (PostgreSQL: a read-only repeatable-read transaction; DuckDB: its transaction's own
    snapshot), as copying a database does."""
    if read_only and not isinstance(cur, duckdb.DuckDBPyConnection):  # PostgreSQL's cursor
        cur.execute_postgres("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
    finally:
        with suppress(*db_errors()):
            cur.execute("ROLLBACK")


# PostgreSQL's words for losing a race: a row changed since our snapshot, a key someone else
# inserted first, a deadlock, or a row another person holds for longer than we wait.
_PG_CONFLICTS = ("SerializationFailure", "UniqueViolation", "DeadlockDetected", "LockNotAvailable")


def _pg_error(err: BaseException, *names: str) -> bool:
    found = _psycopg()
    return bool(found) and any(isinstance(err, getattr(found.errors, n)) for n in names)


def _is_conflict(err: BaseException) -> bool:
    """A write that lost a race with another connection's committed write."""
    if isinstance(err, duckdb.TransactionException) or _pg_error(err, *_PG_CONFLICTS):
        return True
    text = str(err)
    return isinstance(err, duckdb.ConstraintException) and (
        "Duplicate key" in text or "Conflict" in text
    )


# What DuckDB says when a row others point at is deleted or its key changed (it names the
# pointing column and the key), and when a row points at a key that is not there.
_REFERENCED = re.compile(r'key "(\w+): (.*)" is still referenced by a foreign key')
_MISSING = re.compile(r'key "(\w+): (.*)" does not exist in the referenced table')


# PostgreSQL's detail for the same two refusals.
_PG_REFERENCED = re.compile(r"Key \((\w+)\)=\((.*)\) is still referenced from table")
_PG_MISSING = re.compile(r"Key \((\w+)\)=\((.*)\) is not present in table")


def _still_linked(cur, err: BaseException) -> StillLinked | None:
    """A foreign-key refusal in words: what still links to the row (counted after rollback)."""
    if _pg_error(err, "ForeignKeyViolation"):
        said = err.diag.message_detail or ""
        missing, found = _PG_MISSING.search(said), _PG_REFERENCED.search(said)
    elif isinstance(err, duckdb.ConstraintException):
        missing, found = _MISSING.search(str(err)), _REFERENCED.search(str(err))
    else:
        return None
    if missing:
        return StillLinked.worded("link-target-gone", what=missing.group(2))
    if not found:
        return None
    column, key = found.groups()
    links = _links_by(cur, column, getattr(getattr(err, "diag", None), "constraint_name", None))
    counts, parent, total = [], "record", 0
    for table, by, referenced in links:
        # Table names come from the catalogue, never from a person.
        n = cur.execute(f'SELECT count(*) FROM "{table}" WHERE "{by}" = ?', [key]).fetchone()[0]
        if n:
            counts.append(wording.rows_of(table, n))
            parent, total = referenced.replace("_", " "), total + n
    linked = " and ".join(counts) or "other records"
    single = total == 1
    return StillLinked.worded(
        "still-linked", "one" if single else None, parent=parent, key=key, linked=linked
    )


def _links_by(cur, column: str, constraint: str | None) -> list[tuple[str, str, str]]:
    """The tables with a foreign key on ``column``, their column and the table it points at,
    from the engine's own catalogue (the one place the two engines need different SQL for it).
    DuckDB names the pointing column; PostgreSQL the key pointed at, and the constraint."""
    if _on_postgres(cur):
        return cur.execute_postgres(
            "SELECT DISTINCT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text "
            "FROM pg_constraint AS c "
            "JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute AS r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND r.attname = $1 "
            "AND c.connamespace = current_schema()::regnamespace "
            "AND c.confrelid = (SELECT confrelid FROM pg_constraint WHERE conname = $2 "
            "AND connamespace = current_schema()::regnamespace LIMIT 1) "
            "ORDER BY 1",
            [column, constraint],
        ).fetchall()
    rows = cur.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints() "
        "WHERE constraint_type = 'FOREIGN KEY' AND constraint_column_names = [?] "
        "AND schema_name = current_schema() ORDER BY 1",
        [column],
    ).fetchall()
    return [(table, column, referenced) for table, referenced in rows]


@contextmanager
def registered(
    cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, *, columnar: bool = False
) -> Iterator[str]:
    """A DataFrame visible to SQL as ``name`` for the length of the block.

    ``columnar``: on DuckDB, hand it over as Arrow, for the frames of many rows whose columns
    are each of one type (figures, keys): DuckDB reads a pandas column of Python objects one
    object at a time, Arrow's at C speed (a text or date column the size of a return costs
    twice as much the other way). A frame Arrow cannot type goes as it is.
    """
    if columnar and not _on_postgres(cur):
        frame = _arrow(frame)
    cur.register(name, frame)
    try:
        yield name
    finally:
        # In a transaction that has already failed, unregistering fails too and would hide
        # the error that matters; the name is simply re-registered next time.
        with suppress(*db_errors()):
            cur.unregister(name)


def _arrow(frame: pd.DataFrame) -> Any:
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Bulk insert a DataFrame by column name (row-by-row inserts run at ~1,000 rows/s):
    registered as Arrow on DuckDB, ``COPY ... FROM STDIN`` on PostgreSQL."""
    if frame.empty:
        return 0
    if _on_postgres(cur):
        # COPY straight into the table: PostgreSQL's own bulk path, typed by the table.
        _pg().copy_in(cur.raw, table, frame)
        return len(frame)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with registered(cur, "_incoming_frame", frame, columnar=True):
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
