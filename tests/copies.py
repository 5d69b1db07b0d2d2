"""Databases for the tests: a file written once, and copies of it, so a test gets the demo
without building it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from outcomes.store import Store, migrate, open_store


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
