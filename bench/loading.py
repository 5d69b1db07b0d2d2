"""The three loading figures of issue 19, through ``outcomes load`` itself, on both engines.

For each engine (DuckDB in a file, PostgreSQL in a throwaway cluster of its own), in one fresh
database:

1. **figures a CPU second**: the national benchmark's partnerships (``bench/national_build.py``),
   each added by ``partnership add`` with its framework (not timed), then its CSV return (25
   indicators x 40 quarters x 31 areas, 31,000 figures) through ``outcomes load --partnership``
   until the database holds ``figures``; goal 200,000;
2. **the 200,000-row return** (xlsx, ``bench/bench_returns.py``'s back-filling return with
   its commentary, previous values and targets) through ``outcomes load`` against the bare
   python-calamine parse of the same file, into a partnership wide enough to hold it (65
   indicators, its own 40 quarters loaded first, not timed); goal 2x;
3. **police.uk's month** (36,367 rows, ``../shared/realdata``) through ``outcomes load`` against
   DuckDB counting the file; goal 2x.

CPU seconds, not the clock, so seven programs on a 2-core machine move the figures little. A
load's CPU is this process's, its file readers' (children of the fork server) and, on
PostgreSQL, the server's (the postmaster's own and its children's, those that ended too), since
a load that moved its work into the server would otherwise look free.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bench import common
from bench import national_build as build

RETURN_ROWS = 200_000
GOAL_RATE, GOAL_RATIO = 200_000, 2.0
WIDE = 900  # the wide partnership's number: after any the rate's loads made


def _stat_cpu(pid: int, children: bool) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: children that ended
    return ticks / os.sysconf("SC_CLK_TCK")


def _server_cpu(postmaster: int | None) -> float:
    """CPU seconds of a PostgreSQL cluster so far: the postmaster, its ended children, and
    the children still running (each connection is a backend of its own)."""
    if postmaster is None:
        return 0.0
    total = _stat_cpu(postmaster, children=True)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rpartition(")")[2].split()[1])
        except OSError:
            continue
        if parent == postmaster:
            total += _stat_cpu(int(entry), children=False)
    return total


class Clock:
    """CPU seconds of the loads: this process, its readers, and the database server."""

    def __init__(self, postmaster: int | None = None):
        self.postmaster = postmaster

    def parts(self) -> tuple[float, float]:
        return build.cpu(), _server_cpu(self.postmaster)

    def run(self, fn: Callable[[], Any]) -> tuple[dict[str, float], Any]:
        wall, (ours, server) = time.perf_counter(), self.parts()
        result = fn()
        clock = time.perf_counter() - wall
        if self.postmaster is not None:
            # A closed connection's backend ends, and is reaped (its CPU counted), a moment
            # later: wait for that, or its CPU is counted to the next load.
            time.sleep(1.0)
        after = self.parts()
        timing = {
            "s": clock,
            "client_cpu_s": after[0] - ours,
            "server_cpu_s": after[1] - server,
        }
        timing["cpu_s"] = timing["client_cpu_s"] + timing["server_cpu_s"]
        return timing, result


def _load(clock: Clock, db: str, *args: str) -> dict[str, Any]:
    timing, answer = clock.run(lambda: build.outcomes("load", *args, "--db", db))
    return {**timing, "answer": answer["answer"]}


def _add(db: str, n: int, doc: dict, folder: Path) -> str:
    """Partnership ``n`` registered with its framework (``partnership add``, not timed)."""
    import yaml

    pid = build.partnership_id(n)
    framework = folder / f"{pid}.yaml"
    framework.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    build.outcomes("partnership", "add", pid, "--name", doc["partnership"]["name"], "--db", db,
                   "--framework", str(framework), answer=False)  # fmt: skip
    return pid


def wide_framework(n: int, indicators: int) -> dict:
    """Partnership ``n``'s framework with ``indicators`` indicators (priorities of five): wide
    enough that a return back-filling its quarters to 1990 can hold RETURN_ROWS rows."""
    doc = build.partnership_framework(n)
    template = doc["priorities"]
    priorities = []
    for p in range(-(-indicators // build.INDICATORS_PER_PRIORITY)):
        pri = copy.deepcopy(template[p % len(template)])
        pri["id"], pri["title"] = f"priority-{p + 1}", f"Priority {p + 1}"
        for i, ind in enumerate(pri["indicators"]):
            ind["code"] = f"P{p + 1}I{i + 1}"
        priorities.append(pri)
    doc["priorities"] = priorities
    return doc


def figures_a_second(clock: Clock, db: str, shape: build.Shape, workdir: Path) -> dict:
    """``shape``'s partnerships, each added with its framework, then its CSV return (31,000
    figures) through ``outcomes load --partnership``, one load a partnership."""
    folder = workdir / "returns"
    folder.mkdir(parents=True, exist_ok=True)
    loads = []
    for n in range(shape.partnerships):
        doc = build.partnership_framework(n)
        pid = _add(db, n, doc, folder)
        file = folder / f"{pid}.csv"
        build.return_frame(doc, n).to_csv(file, index=False)
        loads.append(_load(clock, db, str(file), "--partnership", pid, "--accept-warnings"))
    total = {k: sum(x[k] for x in loads) for k in ("s", "cpu_s", "client_cpu_s", "server_cpu_s")}
    return {
        "figures": shape.observations,
        "loads": len(loads),
        **total,
        "per_cpu_second": shape.observations / total["cpu_s"],
        "per_second": shape.observations / total["s"],
    }


def return_against_parse(clock: Clock, db: str, rows: int, workdir: Path) -> dict:
    """A partnership wide enough for ``rows`` (its 40 quarters loaded first, not timed), then a
    return of ``rows`` back-filling before them through ``outcomes load``, against the bare
    calamine parse of the same file."""
    from bench.bench_returns import return_frame, write_workbook
    from outcomes.storage.store import open_store
    from outcomes.workflows import partnerships

    n = WIDE
    per_quarter_back = 100  # quarters from 1990 to the first of the forty stored
    doc = wide_framework(n, -(-rows // ((build.N_AREAS + 1) * per_quarter_back)))
    pid = _add(db, n, doc, workdir)
    file = workdir / f"{pid}.csv"
    build.return_frame(doc, n).to_csv(file, index=False)
    build.outcomes("load", str(file), "--db", db, "--partnership", pid, "--accept-warnings")
    store = open_store(db)
    try:
        schema = partnerships.chosen(store.cursor(None), pid).schema
        frame = return_frame(store.cursor(schema), rows)
    finally:
        store.close()
    path = workdir / "return.xlsx"
    write_workbook(frame, path, "loading benchmark return")
    parse, _ = clock.run(lambda: pd.read_excel(path, header=None, engine="calamine", dtype=object))
    load = _load(clock, db, str(path), "--partnership", pid, "--accept-warnings",
                 "--format", "return")  # fmt: skip
    new = load["answer"]["files"][0]["result"]["new"]
    if new != rows:
        raise RuntimeError(f"the return loaded {new:,} new figures of {rows:,}")
    return _against(rows, parse["cpu_s"], load)


def police_against_count(clock: Clock, db: str) -> dict | None:
    from bench.bench_national import POLICE_MONTH

    if not POLICE_MONTH.exists():
        return None
    import duckdb

    with duckdb.connect() as con:
        count, rows = clock.run(
            lambda: con.execute("SELECT count(*) FROM read_csv(?)", [str(POLICE_MONTH)]).fetchone()[
                0
            ]
        )
    load = _load(clock, db, str(POLICE_MONTH), "--partnership", build.measured(),
                 "--format", "police-uk")  # fmt: skip
    return _against(rows, count["cpu_s"], load)


def _against(rows: int, baseline: float, load: dict) -> dict:
    return {
        "rows": rows,
        "baseline_cpu_s": baseline,
        **{k: load[k] for k in ("s", "cpu_s", "client_cpu_s", "server_cpu_s")},
        "ratio": load["cpu_s"] / baseline,
    }


def _engine(engine: str, figures: float, workdir: Path) -> dict:
    shape = build.Shape.of(figures)
    rows = RETURN_ROWS  # its own wide partnership holds it, whatever the database's size
    if engine == "duckdb":
        db = str(workdir / "loading.duckdb")
        clock = Clock()
        return _measure(clock, db, shape, rows, workdir)
    from bench.bench_engines import throwaway_postgres

    with throwaway_postgres() as url:
        return _measure(Clock(_postmaster(url)), url, shape, rows, workdir)


def _postmaster(url: str) -> int | None:
    """The cluster's postmaster: the parent of a backend of ours."""
    import psycopg

    with psycopg.connect(url) as con:
        backend = con.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        with open(f"/proc/{backend}/stat") as stat:
            return int(stat.read().rpartition(")")[2].split()[1])
    except OSError:
        return None


def _measure(clock: Clock, db: str, shape: build.Shape, rows: int, workdir: Path) -> dict:
    print(f"  loading {shape.observations:,} figures ...", flush=True)
    out = {"figures": figures_a_second(clock, db, shape, workdir)}
    print(f"  the {rows:,}-row return ...", flush=True)
    out["return"] = return_against_parse(clock, db, rows, workdir)
    print("  police.uk's month ...", flush=True)
    out["police"] = police_against_count(clock, db)
    return out


def run(figures: float, engines: list[str]) -> dict:
    results: dict[str, Any] = {"machine": common.machine(), "engines": {}}
    for engine in engines:
        print(f"Loading on {engine} ...", flush=True)
        with common.work_folder(None, f"bench-loading-{engine}-") as workdir:
            results["engines"][engine] = _engine(engine, figures, workdir)
    return results


def _goal(ok: bool) -> str:
    return "within goal" if ok else "OVER GOAL"


def report(results: dict) -> str:
    out = ["", "Loading through `outcomes load`, CPU seconds (client + readers + server)"]
    for engine, r in results["engines"].items():
        f, ret, pol = r["figures"], r["return"], r["police"]
        out += [
            f"  {engine}:",
            f"    {f['figures']:,} figures in {f['loads']} loads: {f['cpu_s']:.1f} s CPU "
            f"(server {f['server_cpu_s']:.1f} s), {f['per_cpu_second']:,.0f} figures a CPU "
            f"second, {f['per_second']:,.0f} on the clock ({_goal(f['per_cpu_second'] >= GOAL_RATE)}:"
            f" {GOAL_RATE:,})",
            f"    {ret['rows']:,}-row return: load {ret['cpu_s']:.2f} s (server "
            f"{ret['server_cpu_s']:.2f} s), calamine parse {ret['baseline_cpu_s']:.2f} s: "
            f"{ret['ratio']:.2f}x ({_goal(ret['ratio'] <= GOAL_RATIO)}: 2x)",
        ]
        if pol is None:
            out.append("    police.uk month: the realdata file is not here; not measured")
        else:
            out.append(
                f"    police.uk month ({pol['rows']:,} rows): load {pol['cpu_s']:.2f} s (server "
                f"{pol['server_cpu_s']:.2f} s), DuckDB count {pol['baseline_cpu_s']:.3f} s: "
                f"{pol['ratio']:.2f}x ({_goal(pol['ratio'] <= GOAL_RATIO)}: 2x)"
            )
    return "\n".join(out)
