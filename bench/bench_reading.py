"""What safety costs when a file is read: the XML measure and the child process, against calamine.

Every workbook a person sends is measured by a real XML parser before any reader allocates
anything (``loaders.files.inspect_workbook``), then read in a child process held to a memory
ceiling and a time limit (``loaders.isolation``). This prints, for a generated return of
``--rows`` rows (the template's columns, numbers and text), the CPU seconds of:

1. the bare python-calamine parse (``pd.read_excel(engine="calamine")``), the yardstick;
2. the XML measure alone, and as a multiple of the parse;
3. ``loaders.returns.read_return`` in this process (measure + parse + the reader's work);
4. the same in a child process (``read_isolated``), on the clock, with the child's own CPU
   and peak memory (what ``OUTCOMES_READ_MEMORY_MB`` must allow);
5. a child that does nothing: the fixed cost of a child per file.

    .venv/bin/python bench/bench_reading.py                  # 200,000 rows
    .venv/bin/python bench/bench_reading.py --rows 20000
    .venv/bin/python bench/bench_reading.py --load           # and the three loading figures
    .venv/bin/python bench/bench_reading.py --load --only-load --figures 2e5 --engines duckdb

With ``--load``, the three figures issue 19 sets for loading, each through ``outcomes load``
itself, on DuckDB and on PostgreSQL (a throwaway cluster, as the tests start theirs), in CPU
seconds (``bench/loading.py``): figures a CPU second building a database of ``--figures``
(goal 200,000), the 200,000-row return against the bare calamine parse of the same file (goal
2x), and police.uk's 36,367-row month against DuckDB counting the file (goal 2x).

CPU time, not the clock, for the in-process steps, so another program busy on the machine
does not move the figures much.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders import files  # noqa: E402
from loaders.isolation import READ_LIMITS, read_isolated  # noqa: E402
from loaders.returns import read_return  # noqa: E402


def _cpu(fn):
    started = time.process_time()
    result = fn()
    return time.process_time() - started, result


def return_workbook(rows: int, path: Path) -> None:
    """A return of ``rows`` rows in the template's layout, written by openpyxl (streamed)."""
    from openpyxl import Workbook

    rng = np.random.default_rng(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Return")
    ws.append(["Indicator code", "Period", "Area", "Value", "Note", "Commentary"])
    codes = [f"IN{i:03d}" for i in range(600)]
    areas = ["City Centre", "Stonehouse", "Devonport", "Plympton", None]
    for i in range(rows):
        ws.append(
            [
                codes[i % 600],
                "2024/25 Q3",
                areas[i % 5],
                round(float(rng.random() * 1000), 1),
                None,
                "Figures confirmed by the partner" if i % 50 == 0 else None,
            ]
        )
    wb.save(path)


def in_child(path: Path):
    """read_return, plus what the child itself used (CPU seconds, peak memory in MB)."""
    started = time.process_time()
    read = read_return(path)
    used = resource.getrusage(resource.RUSAGE_SELF)
    return len(read.rows), time.process_time() - started, used.ru_maxrss / 1024


def nothing() -> int:
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the return (200,000)")
    parser.add_argument("--load", action="store_true", help="the loading figures too")
    parser.add_argument("--only-load", action="store_true", help="the loading figures alone")
    parser.add_argument(
        "--figures", type=float, default=1e6, help="figures loaded to measure a second's worth"
    )
    parser.add_argument(
        "--engines", nargs="+", default=["duckdb", "postgresql"], choices=["duckdb", "postgresql"]
    )
    args = parser.parse_args(argv)
    if args.only_load or args.load:
        from bench import loading

        if not args.only_load:
            reading(args.rows)
        print(loading.report(loading.run(args.figures, args.engines)))
        return 0
    return reading(args.rows)


def reading(rows_wanted: int) -> int:
    """The reading steps' CPU seconds against the bare calamine parse."""
    # The child finds its function by module name; it never runs this script as __main__.
    from bench import bench_reading as named

    with tempfile.TemporaryDirectory(prefix="bench-reading-") as folder:
        path = Path(folder) / "return.xlsx"
        print(f"Writing a {rows_wanted:,}-row return ...", flush=True)
        return_workbook(rows_wanted, path)
        data = path.read_bytes()
        print(f"  {len(data) / 1e6:.1f} MB")
        parse, _ = _cpu(
            lambda: pd.read_excel(io.BytesIO(data), header=None, engine="calamine", dtype=object)
        )
        measure, _ = _cpu(lambda: files.inspect_workbook(data, path.name))
        whole, read = _cpu(lambda: read_return(path))
        assert len(read.rows) == rows_wanted, read.problems[:3]
        read_isolated(named.nothing, file="warm-up")  # the fork server starts once per process
        started = time.perf_counter()
        rows, child_cpu, child_mb = read_isolated(named.in_child, path, file=path.name)
        clock = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(10):
            read_isolated(named.nothing, file="empty")
        per_child = (time.perf_counter() - started) / 10
    print()
    print(f"{'step':48} {'seconds':>9} {'x parse':>8}")
    for label, seconds in (
        ("calamine parse (yardstick, CPU)", parse),
        ("XML measure (inspect_workbook, CPU)", measure),
        ("read_return in this process (CPU)", whole),
        ("read_return in a child (child's CPU)", child_cpu),
        ("read_return in a child (clock, with the child)", clock),
        ("an empty child (clock)", per_child),
    ):
        print(f"{label:48} {seconds:9.3f} {seconds / parse:8.2f}")
    print()
    print(
        f"child's peak memory: {child_mb:,.0f} MB (rows read: {rows:,}); the limits: "
        f"{READ_LIMITS.memory_mb:,} MB added, {READ_LIMITS.seconds} s of CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
