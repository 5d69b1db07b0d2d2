"""Moving a whole database between engines and files: ``db copy``, ``db backup``, ``db restore``.

The tables, the order foreign keys need them in, and the sequences that number rows are read
from the target's own catalogue (``information_schema``, which DuckDB and PostgreSQL both keep),
never from a list written here: a table a later migration adds is copied without a change to
this module. A copy is all or nothing: into a DuckDB file it is written to a new file beside the
target and renamed into place only once complete; into PostgreSQL it is one transaction.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pandas as pd

from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage import pg, public_schema
from outcomes.storage.store import (
    Store,
    migrate,
    open_store,
    partnership_schemas,
    rehearsal,
    use_schema,
)

# Kept by each database for itself (when each migration reached *it*), so never copied.
OWN_TABLES = {"schema_migrations"}
PG_DUMP_MAGIC = b"PGDMP"
DUCKDB_MAGIC = b"DUCK"  # at byte 8 of a DuckDB file


def is_url(where: str | os.PathLike | None) -> bool:
    """A PostgreSQL address rather than a DuckDB file.

    >>> is_url("postgresql://board@db.council.local:5432/outcomes"), is_url("data/x.duckdb")
    (True, False)
    """
    return pg.is_url(str(where or ""))


@dataclass(frozen=True)
class Copied:
    """What a copy wrote: rows per table in the order they went in."""

    rows: dict[str, int]

    def in_words(self) -> str:
        parts = []
        for table, n in self.rows.items():
            if not n:
                continue
            parts.append(wording.rows_of(table, n))
        return ", ".join(parts) if parts else "nothing (the source is empty)"

    def __add__(self, other: Copied) -> Copied:
        """Two schemas' counts as one (a table's rows in every partnership, summed)."""
        rows = dict(self.rows)
        for table, n in other.rows.items():
            rows[table] = rows.get(table, 0) + n
        return Copied(rows)


def tables_in_order(cur) -> list[str]:
    """Every table of the schema, each after the tables its foreign keys point at."""
    names = [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema = current_schema() "
            "ORDER BY table_name"
        ).fetchall()
    ]
    links = cur.execute(
        "SELECT DISTINCT child.table_name, parent.table_name "
        "FROM information_schema.referential_constraints AS rc "
        "JOIN information_schema.table_constraints AS child "
        "  ON child.constraint_name = rc.constraint_name "
        " AND child.constraint_schema = rc.constraint_schema "
        "JOIN information_schema.table_constraints AS parent "
        "  ON parent.constraint_name = rc.unique_constraint_name "
        " AND parent.constraint_schema = rc.unique_constraint_schema "
        "WHERE child.table_schema = current_schema()"
    ).fetchall()
    graph: dict[str, set[str]] = {name: set() for name in names if name not in OWN_TABLES}
    for child, parent in links:
        if child in graph and parent in graph and child != parent:
            graph[child].add(parent)
    try:
        # Ties broken by name, so two runs (and two engines) copy in the same order.
        sorter = TopologicalSorter({k: sorted(v) for k, v in sorted(graph.items())})
        return list(sorter.static_order())
    except CycleError as err:  # no migration makes one; say so rather than copy half
        raise Refused.worded("copy-circular-tables", tables=err.args[1]) from None


def _columns(cur, table: str) -> list[tuple[str, str]]:
    return cur.execute(
        "SELECT column_name, upper(data_type) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()


def _sequences(cur) -> list[tuple[str, str, str]]:
    """(sequence, table, column) for every column numbered by a sequence."""
    found = []
    for table, column, default in cur.execute(
        "SELECT table_name, column_name, column_default FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'"
    ).fetchall():
        name = default.split("'")[1].split(".")[-1].strip('"')
        found.append((name, table, column))
    return sorted(found)


def _versions(cur) -> set[int]:
    return {r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()}


def _read_table(cur, table: str, columns: list[tuple[str, str]]) -> pd.DataFrame:
    names = ", ".join(f'"{c}"' for c, _ in columns)
    # Table and column names come from the catalogue, never from a person.
    frame = cur.execute(f'SELECT {names} FROM "{table}"').df()
    for column, kind in columns:
        # A whole-number column with a missing value comes back as floats; written back as
        # floats, PostgreSQL's COPY would refuse "3.0" for an INTEGER.
        if kind in ("INTEGER", "BIGINT", "SMALLINT") and frame[column].dtype.kind == "f":
            frame[column] = frame[column].astype("Int64")
        elif kind == "BOOLEAN" and frame[column].dtype == object:
            frame[column] = frame[column].astype("boolean")
    return frame


def holds_anything(cur) -> bool:
    """True when the database holds anything a person put there. A new database is not empty
    of rows (migrations seed the reporting calendar and the settings), so only tables that a
    brand-new database leaves empty are counted."""
    fresh = open_store(":memory:")
    try:
        fcur = fresh.cursor()
        seeded = {
            t
            for t in tables_in_order(fcur)
            if fcur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        }
    finally:
        fresh.close()
    for table in tables_in_order(cur):
        if table not in seeded and cur.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
            return True
    return False


def _same_schema(source_cur, target_cur) -> None:
    ours, theirs = _versions(source_cur), _versions(target_cur)
    if ours != theirs:
        raise Refused.worded("copy-versions-differ", migrations=sorted(ours ^ theirs))


def _fill(source_cur, target_cur) -> Copied:
    """Every table's rows from source to target, in one transaction on the target; the
    target's own rows (a fresh database's seeded ones, or all of them when replacing) go first."""
    from outcomes.storage.store import insert_frame, transaction

    order = tables_in_order(target_cur)
    missing = set(order) - set(tables_in_order(source_cur))
    if missing:
        raise Refused.worded("copy-table-missing", missing=", ".join(sorted(missing)))
    copied: dict[str, int] = {}
    with transaction(target_cur):
        for table in reversed(order):
            target_cur.execute(f'DELETE FROM "{table}"')
        for table in order:
            columns = _columns(target_cur, table)
            frame = _read_table(source_cur, table, columns)
            copied[table] = insert_frame(target_cur, table, frame)
        for sequence, table, column in _sequences(target_cur):
            top = target_cur.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]
            if top is not None:
                _advance(target_cur, sequence, int(top))
    return Copied(copied)


def _advance(cur, sequence: str, past: int) -> None:
    """The next number ``sequence`` gives is above ``past``."""
    if isinstance(cur, pg.Cursor):
        cur.execute_postgres("SELECT setval($1::regclass, $2)", [sequence, past])
        return
    # DuckDB has no setval: draw numbers until the sequence has passed the copied ids.
    last = cur.execute(
        "SELECT last_value FROM duckdb_sequences() "
        "WHERE sequence_name = ? AND schema_name = current_schema()",
        [sequence],
    ).fetchone()[0]
    need = past - (last or 0)
    if need > 0:
        cur.execute(f"SELECT max(nextval('{sequence}')) FROM range({need})")


def copy(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    replace: bool = False,
    opener: Callable[[str], Store] = open_store,
) -> Copied:
    """Copy every row of ``source`` into ``target`` (a DuckDB path or a postgresql:// URL)."""
    if _same_place(source, target):
        raise Refused.worded("copy-same-database")
    if not is_url(source) and not Path(source).exists():
        raise Refused.worded("copy-no-source", source=source)
    src = opener(str(source))
    try:
        if is_url(target):
            return _copy_into(src, opener(str(target)), replace, str(target))
        return _copy_into_file(src, Path(target), replace, opener)
    finally:
        src.close()


def _refuse_unless_empty(store: Store, replace: bool, refusal: Refused) -> None:
    """Refuse to write over a database that holds anything unless told to replace it; the store
    is closed either way."""
    try:
        if not replace and holds_anything(store.cursor()):
            raise refusal
    finally:
        store.close()


def _copy_into(src: Store, dst: Store, replace: bool, name: str) -> Copied:
    try:
        cur = dst.cursor()
        if not replace and holds_anything(cur):
            raise Refused.worded("copy-target-not-empty", name=name)
        _same_schema(src.cursor(), cur)
        with rehearsal(src.cursor(), read_only=True) as source_cur:
            own = partnership_schemas(source_cur)
            shared = public_schema.exists(source_cur)
            # The public data the partnerships share is a schema of the same tables too.
            own = [*own, public_schema.SCHEMA] if shared else own
            for schema in own:  # made and migrated before the one transaction that fills them
                made = dst.con.cursor()
                try:
                    made.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                    migrate(use_schema(made, schema), deployment=False)
                finally:
                    made.close()
            if shared:
                _link_all(dst, [None, *own[:-1]])
            from outcomes.storage.store import transaction

            with transaction(cur):
                copied = _fill(source_cur, cur)
                # Each partnership added after the first keeps its tables in a schema of its
                # own (docs/schema.md): read and written with that schema current on both sides.
                for schema in own:
                    copied = copied + _fill(use_schema(source_cur, schema), use_schema(cur, schema))
                for side in (source_cur, cur):
                    use_schema(side, None)
            return copied
    finally:
        dst.close()


def _link_all(dst: Store, schemas: list[str | None]) -> None:
    """Each partnership of the copy reads the shared public data, as in the original."""
    for schema in schemas:
        made = dst.con.cursor()
        try:
            public_schema.link(use_schema(made, schema))
        finally:
            made.close()


def _copy_into_file(src: Store, target: Path, replace: bool, opener) -> Copied:
    """Into a new file beside ``target``, renamed into place once complete, so a copy that
    fails leaves the target as it was (and a file DuckDB refuses to give up is never touched)."""
    if target.exists():  # opening it is refused while another program holds it
        _refuse_unless_empty(
            opener(str(target)),
            replace,
            Refused.worded("copy-target-not-empty", "file", name=target),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".copy", dir=target.parent)
    os.close(handle)
    os.unlink(temp)  # DuckDB creates the file itself; an empty one is not a database
    try:
        copied = _copy_into(src, opener(temp), True, str(target))
        Path(f"{target}.wal").unlink(missing_ok=True)
        os.replace(temp, target)
        return copied
    finally:
        for leftover in (temp, f"{temp}.wal"):
            Path(leftover).unlink(missing_ok=True)


def _same_place(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    if is_url(a) or is_url(b):
        return str(a).rstrip("/") == str(b).rstrip("/")
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


# ---------------------------------------------------------------------------------------------
# Backups


def file_kind(path: Path) -> str:
    """``duckdb``, ``pg_dump`` or ``unknown``, from the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    if head[8:12] == DUCKDB_MAGIC:
        return "duckdb"
    return "unknown"


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on the PATH, else Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise Refused.worded("backup-tool-missing", name=name)


def backup(db: str, file: Path, *, opener: Callable[[str], Store] = open_store) -> str:
    """A consistent copy of ``db`` in ``file``; says what it wrote."""
    if not is_url(db):
        copied = copy(db, file, replace=True, opener=opener)
        return f"backed up {db} to {file}: {copied.in_words()}"
    if _same_place(db, file):
        raise Refused.worded("backup-over-itself")
    tool = pg_tool("pg_dump")
    opener(db).close()  # an unreachable server or a newer database said in one sentence
    partial = file.with_name(f".{file.name}.partial")
    try:
        _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", db])
        os.replace(partial, file)  # a backup that failed half-way never looks like a backup
    finally:
        partial.unlink(missing_ok=True)
    return f"backed up {_public_url(db)} to {file} with pg_dump ({file.stat().st_size:,} bytes)"


def restore(
    db: str, file: Path, *, replace: bool = False, opener: Callable[[str], Store] = open_store
) -> str:
    """Put the backup ``file`` back as ``db``; refuses a database holding anything unless
    ``replace``."""
    if not file.exists():
        raise Refused.worded("backup-missing", file=file)
    kind = file_kind(file)
    if kind == "duckdb":
        # Opening a database brings it up to this version; the backup itself stays as it was.
        with tempfile.TemporaryDirectory(prefix="outcomes-restore-") as folder:
            kept = Path(folder) / "backup.duckdb"
            shutil.copyfile(file, kept)
            copied = copy(kept, db, replace=replace, opener=opener)
        return (
            f"restored {db if not is_url(db) else _public_url(db)} from {file}: {copied.in_words()}"
        )
    if kind != "pg_dump":
        raise Refused.worded("backup-unknown-kind", file=file)
    if not is_url(db):
        raise Refused.worded("backup-unknown-kind", "pg-dump", file=file)
    tool = pg_tool("pg_restore")
    _refuse_unless_empty(
        opener(db),
        replace,
        Refused.worded("copy-target-not-empty", "restore", name=_public_url(db)),
    )
    # --clean drops what the backup holds before recreating it, all in one transaction.
    _run(
        [tool, "--clean", "--if-exists", "--single-transaction", "--no-owner"]
        + ["--no-privileges", f"--dbname={db}", str(file)]
    )
    return f"restored {_public_url(db)} from {file} with pg_restore"


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Refused.worded("backup-tool-failed", name=Path(command[0]).name, last=last)


def _public_url(url: str) -> str:
    """The address without a password, fit to print.

    >>> _public_url("postgresql://board:secret@db:5432/outcomes")
    'postgresql://board@db:5432/outcomes'
    """
    scheme, _, rest = url.partition("://")
    who, at, where = rest.rpartition("@")
    if not at:
        return url
    return f"{scheme}://{who.split(':')[0]}@{where}"
