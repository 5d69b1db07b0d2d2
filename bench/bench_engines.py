"""The same work on both engines: DuckDB (the embedded file) and PostgreSQL, with ratios.

Three pieces of work, each on the large benchmark framework (``bench/large_framework.py``: 600
quarterly indicators by 31 areas, 744,000 figures), the same database on both engines (the
PostgreSQL one is made from the DuckDB file by ``outcomes.storage.moving.copy``, which is ``db copy``,
and that copy is timed too):

1. **load of the return**: the ``--rows`` return of ``bench/bench_returns.py`` (200,000 rows,
   every figure new), ``uploads.prepare`` (read in a child process and checked against the
   database) and ``uploads.commit``;
2. **the priority page's queries**: what ``pages/priority.py`` asks the core for (the
   summary, the ratings, the priority, each of its indicators' history, latest commentary and
   definition, the SPC summary), after the load, median of ``--runs``;
3. **the board pack**: the Excel pack of the whole framework (every figure the board sees,
   without drawing charts, which is Chromium's time on either engine), median of ``--runs``.

PostgreSQL runs in a throwaway cluster started as the tests start theirs (``tests/postgres.py``:
``initdb`` + ``pg_ctl`` on a free localhost port, removed afterwards). Printed: each engine's
seconds and PostgreSQL/DuckDB; the goal is at most 2x on each.

    .venv/bin/python bench/bench_engines.py                           # 200,000 rows
    .venv/bin/python bench/bench_engines.py --rows 20000 --runs 3 --keep /tmp/bench-engines

``--keep`` keeps (and reuses) the large DuckDB database in that folder. Results are printed and
written to ``bench/results/engines.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from outcomes.storage.people import Person  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "engines.json"
GOAL = 2.0
LOADER = Person(None, "benchmark", "admin", how="benchmark")


@contextmanager
def throwaway_postgres(folder: Path | None = None, database: str = "outcomes") -> Iterator[str]:
    """The URL of a new, empty database in a cluster of its own, stopped and removed after."""
    import psycopg

    from tests import postgres

    cluster = postgres.start()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{database}"')
        yield cluster.url(database)
    finally:
        cluster.stop()


def _seconds(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _median(fn: Callable[[], Any], runs: int) -> float:
    fn()  # the first run opens what it needs; the board's second look is the one that counts
    return statistics.median(_seconds(fn)[0] for _ in range(runs))


def priority_page(cur, priority_id: str) -> None:
    """What pages/priority.py asks the core for, in the order it asks."""
    from outcomes.queries import board
    from outcomes.queries import statistics as stats
    from outcomes.workflows import meetings

    board.data_version(cur)
    board.priority_summary(cur)
    board.priority(cur, priority_id)
    ratings = board.indicator_ratings(cur)
    stats.spc_summary(cur)
    for r in ratings[ratings["priority_id"] == priority_id].to_dict("records"):
        board.history(cur, r["indicator_code"])
        board.indicator(cur, r["indicator_code"])
        meetings.latest_commentary(cur, r["indicator_code"], r["period"])


def board_pack(cur) -> None:
    from outcomes.outputs import pack

    pack.build_pack(cur, "xlsx", io.BytesIO(), today=date.today())


def _load(store, workbook: Path) -> dict[str, float]:
    from outcomes.workflows import uploads

    cur = store.cursor()
    t_prepare, prepared = _seconds(
        lambda: uploads.prepare(cur, workbook, today=date.today(), by=LOADER)
    )
    if prepared.errors:
        raise RuntimeError(f"the return has problems: {prepared.errors[:3]}")
    t_commit, result = _seconds(
        lambda: uploads.commit(cur, prepared, by=LOADER, accept_warnings=True)
    )
    if result.rows_new != len(prepared.observations):
        raise RuntimeError(f"commit stored {result.rows_new:,} of {len(prepared.observations):,}")
    return {"prepare": t_prepare, "commit": t_commit, "load": t_prepare + t_commit}


def _work(store, workbook: Path, runs: int) -> dict[str, float]:
    cur = store.cursor()
    figures = _load(store, workbook)
    first = cur.execute("SELECT id FROM priority ORDER BY sort_order LIMIT 1").fetchone()[0]
    figures["priority page"] = _median(lambda: priority_page(cur, first), runs)
    figures["board pack (xlsx)"] = _median(lambda: board_pack(cur), runs)
    return figures


def _large(folder: Path, keep: bool) -> Path:
    from bench.large_framework import build_large

    pristine = folder / "large.duckdb"
    if not (keep and common.reusable_large(pristine)):
        print("Building the large database (744,000 figures) ...", flush=True)
        build_large(pristine)
    return pristine


def _workbook(db: Path, folder: Path, rows: int) -> Path:
    from bench.bench_returns import return_frame, write_workbook
    from outcomes.storage.store import open_store

    store = open_store(db)
    try:
        frame = return_frame(store.cursor(), rows)
    finally:
        store.close()
    path = folder / f"return-{rows}.xlsx"
    write_workbook(frame, path, "Benchmark return")
    return path


def run(folder: Path, rows: int, runs: int, keep: bool) -> dict[str, Any]:
    from outcomes.storage import moving
    from outcomes.storage.store import open_store

    pristine = _large(folder, keep)
    print(f"Writing a {rows:,}-row return ...", flush=True)
    workbook = _workbook(pristine, folder, rows)
    results: dict[str, Any] = {
        "machine": {"platform": platform.platform(), "cores": os.cpu_count()},
        "rows": rows,
        "runs": runs,
        "engines": {},
    }
    work = folder / "engines-work.duckdb"
    shutil.copyfile(pristine, work)
    print("DuckDB ...", flush=True)
    store = open_store(work)
    try:
        results["engines"]["duckdb"] = _work(store, workbook, runs)
    finally:
        store.close()
    print("PostgreSQL ...", flush=True)
    with throwaway_postgres() as url:
        t_copy, copied = _seconds(lambda: moving.copy(pristine, url))
        results["db copy to PostgreSQL (744,000 figures)"] = t_copy
        store = open_store(url)
        try:
            results["engines"]["postgres"] = _work(store, workbook, runs)
        finally:
            store.close()
    return results


def report(results: dict[str, Any]) -> str:
    duck, pg = results["engines"]["duckdb"], results["engines"]["postgres"]
    lines = [
        f"{'work':<28}{'DuckDB':>10}{'PostgreSQL':>12}{'ratio':>8}",
        "-" * 58,
    ]
    for step in duck:
        ratio = pg[step] / duck[step]
        verdict = (
            "" if step in ("prepare", "commit") else ("  ok" if ratio <= GOAL else "  OVER 2x")
        )
        lines.append(f"{step:<28}{duck[step]:>9.2f}s{pg[step]:>11.2f}s{ratio:>7.2f}x{verdict}")
    copy_s = results["db copy to PostgreSQL (744,000 figures)"]
    lines.append(f"(db copy of the large database into PostgreSQL: {copy_s:.1f} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the return")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the page and pack")
    common.add_keep_option(parser, "the large database")
    args = parser.parse_args(argv)
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        results = run(folder, args.rows, args.runs, keep=True)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
            results = run(Path(tmp), args.rows, args.runs, keep=False)
    print(report(results))
    common.write_results(results, RESULTS, shown=str(RESULTS.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
