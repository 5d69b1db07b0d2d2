"""PostgreSQL behind the cursor the product already uses on DuckDB.

A :class:`Cursor` offers what the code asks of a DuckDB cursor: ``execute(sql, params)``
returning itself, ``fetchone``/``fetchall``/``df``/``fetchdf``, ``description``, and
``register``/``unregister`` of a DataFrame (a temporary table filled by ``COPY``). Each cursor
is its own connection (autocommit, so ``BEGIN``/``COMMIT`` are the product's own), because a
PostgreSQL connection holds one transaction at a time, exactly as a DuckDB cursor does.
Values come back as DuckDB gives them: numeric as int or float, JSON as its text, and a
DataFrame's dates and times as datetime64.
"""

from __future__ import annotations

import contextlib
import math
import threading
import weakref
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg import adapt
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from outcomes.errors import Unreachable
from outcomes.storage import dialect
from outcomes.storage.dialect import TRANSLATIONS, Catalogue

SCHEMES = ("postgresql://", "postgres://")
# Waiting this long for another's lock on a row means the other is a person mid-change:
# give up, as DuckDB does at once, rather than leave the page hanging.
LOCK_TIMEOUT = "3s"
# Connections kept open for the next thread; more than this many at once are closed instead.
IDLE_KEPT = 8


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


class _Numeric(adapt.Loader):
    """numeric as DuckDB hands back sums and extracts: whole numbers as int, others as float."""

    def load(self, data) -> Any:
        text = bytes(data).decode()
        if text.lstrip("-").isdigit():
            return int(text)
        return float(text)


class _Text(adapt.Loader):
    def load(self, data) -> str:
        return bytes(data).decode()


def _adapted(conn: psycopg.Connection) -> psycopg.Connection:
    for name in ("numeric",):
        conn.adapters.register_loader(name, _Numeric)
    for name in ("json", "jsonb"):
        conn.adapters.register_loader(name, _Text)
    return conn


def where(url: str) -> str:
    """The server a URL names, as a person would say it (never its password)."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the address given"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}"


def connect(url: str) -> psycopg.Connection:
    """A connection, or :class:`Unreachable` with one sentence saying what to check."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise Unreachable.worded("database-address") from None
    # The connection's own defaults (what RESET returns to), after any the address gives. No
    # JIT: the product's queries are short, and compiling them cost more than running them
    # (0.68 s of a 1.46 s query, 2026-12-08).
    options = f"{info.get('options', '')} -c lock_timeout={LOCK_TIMEOUT} -c jit=off".strip()
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10, options=options)
    except psycopg.OperationalError as err:
        raise _unreachable(str(err), info, url) from None
    return _adapted(conn)


def _unreachable(said: str, info: dict, url: str) -> Unreachable:
    """Which of the ways in failed, from what the server (or psycopg) said."""
    said = said.lower()
    user, db = info.get("user", "this user"), info.get("dbname", "")
    if "password" in said or "authentication" in said or ("role" in said and "not exist" in said):
        return Unreachable.worded("database-unreachable", "login", where=where(url), user=user)
    if "database" in said and "does not exist" in said:
        return Unreachable.worded("database-unreachable", "no-database", where=where(url), db=db)
    return Unreachable.worded("database-unreachable", where=where(url))


def shown(url: str) -> str:
    """A URL as it may be printed: without its password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the database address given"
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{where(url)}/{info.get('dbname', '')}"


class Connection:
    """What the store keeps as ``con``: ``cursor()`` gives a new cursor (its own connection);
    ``lease()`` one for a thread, taken from those that threads which have ended gave back
    (the dashboard runs every rerun of a page in a new thread)."""

    def __init__(self, url: str):
        self.url = url
        self._open: weakref.WeakSet[Cursor] = weakref.WeakSet()
        self._idle: list[Cursor] = []
        self._lock = threading.Lock()

    def cursor(self) -> Cursor:
        cur = Cursor(connect(self.url))
        with self._lock:
            self._open.add(cur)
        return cur

    def lease(self) -> Cursor:
        with self._lock:
            while self._idle:
                cur = self._idle.pop()
                if not cur.broken:
                    return cur
        return self.cursor()

    def give_back(self, cur: Cursor) -> None:
        """A cursor whose thread has ended: kept for the next thread if it is clean."""
        clean = not cur.broken and cur.conn.info.transaction_status == TransactionStatus.IDLE
        with self._lock:
            if clean and len(self._idle) < IDLE_KEPT:
                self._idle.append(cur)
                return
        with contextlib.suppress(psycopg.Error):
            cur.close()

    def close(self) -> None:
        with self._lock:
            open_, self._idle = list(self._open), []
            self._open = weakref.WeakSet()
        for cur in open_:
            cur.close()


class Cursor:
    """A DuckDB-like cursor on one PostgreSQL connection."""

    engine = "postgresql"

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self._cur = psycopg.RawCursor(conn)
        self.catalogue = Catalogue(self._lookup)
        # The statements a migration ran, as PostgreSQL ran them, while a list is set here
        # (the store keeps a new schema's, to make the next one in one round trip).
        self.recording: list[str] | None = None

    def _lookup(self, sql: str, params: list) -> list[tuple]:
        with psycopg.RawCursor(self.conn) as cur:
            return cur.execute(sql, params or None).fetchall()

    @property
    def raw(self) -> psycopg.Cursor:
        return self._cur

    @property
    def idle(self) -> bool:
        """Open and in no transaction: safe to close."""
        return not self.broken and self.conn.info.transaction_status == TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.conn.closed or self.conn.broken

    def execute(self, sql: str, params: Any = None) -> Cursor:
        values = [_value(v) for v in params] if params else None
        statements = TRANSLATIONS.get(sql, self.catalogue)
        try:
            self._cur.execute(statements[0], values)
        except psycopg.Error as err:
            # For the server's log: which of the product's statements, as PostgreSQL ran it.
            err.add_note(f"PostgreSQL ran: {statements[0]}")
            raise
        return self

    def run_script(self, sql: str) -> None:
        """Several statements (a migration), each translated once those before it have run,
        since a later one may read what an earlier one made."""
        for tree in dialect.parse(sql):
            self._run(dialect.translate(tree, self.catalogue))

    def rebuild_views(self, scripts: list[str]) -> None:
        """Every view made again from its latest definition (see dialect.views_in_order)."""
        for tree in dialect.views_in_order(scripts):
            tree.set("replace", True)
            self._run(dialect.translate(tree, self.catalogue))

    def _run(self, statement: str) -> None:
        self._cur.execute(statement)
        if self.recording is not None:
            self.recording.append(statement)

    def run_statements(self, statements: list[str]) -> None:
        """Statements already PostgreSQL's, sent together: one round trip (no parameters)."""
        self._cur.execute(";\n".join(statements))

    def execute_postgres(self, sql: str, params: Any = None) -> Cursor:
        """PostgreSQL's own SQL, untranslated (the few per-engine fragments)."""
        self._cur.execute(sql, [_value(v) for v in params] if params else None)
        return self

    def fresh_statistics(self, tables: tuple[str, ...]) -> None:
        """ANALYZE each of ``tables`` (of the current schema) that changed by more since it was
        last analysed than autovacuum waits for (50 rows and a tenth of the table), outside
        any transaction. The planner reads a table just loaded as nearly empty until then, and
        joined a 200,000-row return to 80,600 stored figures on the code alone: 23 s of server
        CPU for the return's checks, 1.8 s with the table analysed (2026-12-08)."""
        if not self.idle:  # inside a transaction ANALYZE would hold its lock to the end
            return
        stale = self._cur.execute(
            "SELECT s.relname FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid "
            "WHERE s.schemaname = current_schema() AND s.relname = ANY($1) "
            "AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)",
            [list(tables)],
        ).fetchall()
        for (table,) in stale:
            self._cur.execute(f'ANALYZE "{table}"')  # names from the catalogue

    @contextlib.contextmanager
    def settings(self, **values: str):
        """The planner's settings for this connection for the length of the block (names and
        values are the product's own, never a person's)."""
        names = list(values)
        self._cur.execute("; ".join(f"SET {k} = '{v}'" for k, v in values.items()))
        try:
            yield self
        finally:
            if not self.broken:
                with contextlib.suppress(psycopg.Error):
                    self._cur.execute("; ".join(f"RESET {k}" for k in names))

    def fetchone(self):
        if self._cur.description is None:  # DuckDB answers a write with how many rows it changed
            return (self._cur.rowcount,)
        return self._cur.fetchone()

    def fetchall(self):
        if self._cur.description is None:
            return [(self._cur.rowcount,)]
        return self._cur.fetchall()

    @property
    def description(self):
        return self._cur.description

    def df(self) -> pd.DataFrame:
        description = self._cur.description
        if description is None:
            return pd.DataFrame()
        names = [d.name for d in description]
        rows = self._cur.fetchall()
        frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
        for i, d in enumerate(description):
            _as_duckdb(frame, i, d.type_code)
        return frame

    fetchdf = df

    def register(self, name: str, frame: pd.DataFrame) -> Cursor:
        """``frame`` as a temporary table ``name`` (a DuckDB cursor registers it in place)."""
        # Text (or nothing at all) bound for a date or number column takes that column's type,
        # as DuckDB would cast it on the way in; PostgreSQL casts no text implicitly.
        known = self.catalogue.column_types()
        columns = ", ".join(
            f'"{c}" {_sql_type(frame[c], known.get(str(c)))}' for c in frame.columns
        )
        self._cur.execute(f'DROP TABLE IF EXISTS "{name}"')
        self._cur.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')
        copy_in(self._cur, name, frame)
        return self

    def unregister(self, name: str) -> Cursor:
        self._cur.execute(f'DROP TABLE IF EXISTS "{name}"')
        return self

    def close(self) -> None:
        self.conn.close()


def copy_in(cur: psycopg.Cursor, table: str, frame: pd.DataFrame) -> None:
    """``frame``'s rows into ``table`` by ``COPY ... FROM STDIN``: as CSV written by Arrow
    where Arrow can type every column, else in PostgreSQL's text format a column at a time."""
    if frame.empty:
        return
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    body = _csv_body(frame)
    if body is not None:
        with cur.copy(f'COPY "{table}" ({columns}) FROM STDIN (FORMAT csv)') as copy:
            copy.write(body)
        return
    text = [_copy_text(frame[c]) for c in frame.columns]
    lines = text[0].str.cat(text[1:], sep="\t") if len(text) > 1 else text[0]
    body = ("\n".join(lines.tolist()) + "\n").encode()
    with cur.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        copy.write(body)


def _csv_body(frame: pd.DataFrame) -> Any:
    """The frame as CSV for ``COPY (FORMAT csv)``, or None where Arrow cannot type a column
    (Python objects of mixed kinds). Arrow writes it at C speed: the text format built in
    Python was most of a load's own CPU on PostgreSQL (0.17 s of a 31,000-figure return's
    0.58 s, 2026-12-08). Every present value is quoted (``all_valid``) and a missing one left
    empty, so PostgreSQL reads an empty text as empty and a missing value as NULL."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(
            table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return memoryview(sink.getvalue())


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(column: pd.Series) -> pd.Series:
    """One column as COPY's text format: ``\\N`` for a missing value, specials escaped."""
    if pd.api.types.is_bool_dtype(column.dtype):
        out = column.map(lambda v: "\\N" if v is None or v is pd.NA else ("t" if v else "f"))
    elif pd.api.types.is_integer_dtype(column.dtype):
        out = column.astype("string").fillna("\\N")
    elif pd.api.types.is_float_dtype(column.dtype):
        # str of a float is its repr, written by numpy's loop rather than a lambda a figure.
        numbers = column.to_numpy(dtype="float64")
        text = numbers.astype(object).astype(str).astype(object)
        text[np.isnan(numbers)] = "\\N"
        out = pd.Series(text, index=column.index, dtype=object)
    elif pd.api.types.is_datetime64_any_dtype(column.dtype):
        out = column.map(lambda v: "\\N" if pd.isna(v) else v.isoformat(sep=" "))
    else:
        out = _object_text(column)
    return out.astype(object)


def _object_text(column: pd.Series) -> pd.Series:
    """A column of Python objects as COPY text: text and missing values (most of a frame's
    object columns) on the whole column, each other value by :func:`_one_text`."""
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    kind = pd.api.types.infer_dtype(values[~missing], skipna=False)
    if kind not in ("string", "empty"):
        return column.map(_one_text)
    text = values.copy()
    text[missing] = "\\N"
    present = text[~missing]
    special = pd.Series(present, dtype=object).str.contains(r"[\\\t\n\r]", regex=True)
    if special.any():
        at = np.flatnonzero(~missing)[special.to_numpy(dtype=bool)]
        text[at] = [str(v).translate(_ESCAPES) for v in text[at]]
    return pd.Series(text, index=column.index, dtype=object)


def _one_text(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return "\\N"
    if isinstance(v, float):
        return "\\N" if math.isnan(v) else repr(v)
    if isinstance(v, (bool, np.bool_)):
        return "t" if v else "f"
    if isinstance(v, (datetime, date)):
        return v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()
    return str(v).translate(_ESCAPES)


def _sql_type(column: pd.Series, known: str | None = None) -> str:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE PRECISION"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "TIMESTAMP"
    sample = column.dropna()
    first = sample.iloc[0] if len(sample) else None
    if known and (first is None or isinstance(first, str)):
        return known
    if isinstance(first, (bool, np.bool_)):
        return "BOOLEAN"
    if isinstance(first, datetime):
        return "TIMESTAMP"
    if isinstance(first, date):
        return "DATE"
    if isinstance(first, (int, np.integer)):
        return "BIGINT"
    if isinstance(first, (float, np.floating)):
        return "DOUBLE PRECISION"
    return "TEXT"


def _value(v: Any) -> Any:
    """A parameter as psycopg takes it (numpy's and pandas' scalars as Python's)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (list, tuple, np.ndarray)):
        # An empty list has no element type to send; as the text '{}' it takes the type of
        # what it is compared with ("code = ANY('{}')"), as DuckDB's empty list does.
        items = [_value(x) for x in (v.tolist() if isinstance(v, np.ndarray) else v)]
        return items if items else "{}"
    if isinstance(v, Decimal):
        return float(v)
    return v


# PostgreSQL type oids, and the dtype DuckDB's df() gives the same column.
_DATES = {1082, 1114, 1184}
_SMALL_INTS = {21, 23}
_BIG_INTS = {20}
_FLOATS = {700, 701, 1700}
_BOOLS = {16}


def _as_duckdb(frame: pd.DataFrame, i: int, oid: int) -> None:
    column = frame.iloc[:, i]
    if oid in _DATES:
        values = pd.to_datetime(column)
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        frame.isetitem(i, values.astype("datetime64[us]"))
    elif oid in _SMALL_INTS or oid in _BIG_INTS:
        kind = "int32" if oid in _SMALL_INTS else "int64"
        frame.isetitem(i, column.astype(kind if column.notna().all() else kind.capitalize()))
    elif oid in _FLOATS:
        frame.isetitem(i, column.astype("float64"))
    elif oid in _BOOLS:
        frame.isetitem(i, column.astype("bool" if column.notna().all() else "boolean"))
