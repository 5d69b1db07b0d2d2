"""Databases for the tests: a file written once, and copies of it, so a test gets the demo
without building it again."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from outcomes.storage.store import PROJECT_ROOT, Store, migrate, open_store

HOLD = (
    "import sys\n"
    "from outcomes.cli import _open\n"
    "store = _open(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "store.close()\n"
)


def written(path: Path, write: Callable[[duckdb.DuckDBPyConnection], object]) -> Path:
    """A database file at ``path`` holding what ``write(cursor)`` wrote, closed so a page (or
    another process) can open it."""
    store = open_store(path)
    try:
        write(store.cursor())
    finally:
        store.close()
    return path


def in_memory_copy(path: Path) -> Store:
    """A private in-memory database holding everything the file at ``path`` holds: tables,
    views, constraints, rows in their order, and where each sequence has got to."""
    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS source (READ_ONLY)")
    con.execute("COPY FROM DATABASE source TO memory")
    con.execute("DETACH source")
    migrate(con)  # nothing left to apply; kept so the copy is opened as open_store opens one
    return Store(path=Path(":memory:"), con=con)


@contextmanager
def held_by_the_command_line(db: Path) -> Iterator[subprocess.Popen]:
    """A real second process holding the file at ``db`` as ``python -m outcomes ...`` does while
    it runs (``outcomes.cli._open``), until its stdin is closed or the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        if proc.poll() is None:
            proc.stdin.close()
            proc.wait(timeout=30)
