"""What a load tells PostgreSQL's planner, so a load's joins do not depend on its guesses.

DuckDB joins by hash whatever it guesses and keeps its statistics as it writes; PostgreSQL
plans from statistics that autovacuum brings up to date a while after a load, and cannot
guess how many stored figures are current (a window's ``row_number() = 1``): it guessed 403
of 80,600 and merged a 200,000-row return with them on two keys of three, 8,000,000 rows
compared and thrown away (4 s of server CPU, 2026-12-08).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


def _on_postgres(cur) -> bool:
    return getattr(cur, "engine", "duckdb") == "postgresql"


def fresh_statistics(cur, *tables: str) -> None:
    """Before a load's queries of ``tables``: on PostgreSQL, their statistics brought up to
    date where loads since changed them by more than autovacuum waits for."""
    if _on_postgres(cur):
        cur.fresh_statistics(tables)


@contextmanager
def hash_joins(cur) -> Iterator[None]:
    """A load's queries that join every incoming row to the stored figures, planned as hash
    joins with room to sort in memory on PostgreSQL (as DuckDB runs them), and not compiled:
    the guessed costs passed JIT's threshold, and compiling took 0.68 s of the 200,000-row
    return's 1.46 s warning query (2026-12-08). Nothing on DuckDB."""
    if not _on_postgres(cur):
        yield
        return
    with cur.settings(enable_mergejoin="off", enable_nestloop="off", work_mem="64MB", jit="off"):
        yield
