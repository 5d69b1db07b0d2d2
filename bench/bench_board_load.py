"""The load a board brings: 30 people opening the plan on a page within one minute.

Each person is what a browser tab is to the server: a websocket on ``/_stcore/stream`` speaking
Streamlit's own protocol (``streamlit.proto``). The person sends the ``BackMsg`` a browser sends
when a page opens (``rerun_script`` with the page's address) and waits for the ``ForwardMsg``
delta that carries the status tiles (the ``status-tiles`` block of
``ui/templates/overview_tiles.html``); the time from opening the connection to that delta is
what they wait for the statuses. All the people come from this one client process (asyncio),
arriving evenly spread over ``--window`` seconds.

Two set-ups are measured, each after one person alone (warm: a first visit fills the server's
caches, then the median of five lone visits is "alone"):

1. one dashboard process on the embedded DuckDB file (the default deployment);
2. two dashboard processes on one PostgreSQL database (a throwaway cluster, started the way
   ``tests/postgres.py`` starts the tests' one), the people shared between them in turn.

Printed for each: the median and the 95th percentile time to the statuses, what one person
alone waits, and the 95th percentile as a multiple of it. The goal is that two processes on
PostgreSQL keep the 95th percentile within 3x one person's time.

    .venv/bin/python bench/bench_board_load.py                        # 30 people in 60 s
    .venv/bin/python bench/bench_board_load.py --people 6 --window 6  # while developing
    .venv/bin/python bench/bench_board_load.py --skip-postgres        # DuckDB only

Results are printed and written to ``bench/results/board_load.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "board_load.json"
STATUS_MARK = "status-tiles"
GOAL = 3.0
TIMEOUT_S = 120


def _carries_statuses(msg: ForwardMsg) -> bool:
    if msg.WhichOneof("type") != "delta":
        return False
    element = msg.delta.new_element
    return element.WhichOneof("type") == "markdown" and STATUS_MARK in element.markdown.body


async def open_the_plan(base: str) -> float:
    """One person opening the plan on a page: seconds until the statuses arrive."""
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    started = time.perf_counter()
    async with websockets.connect(
        url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.page_script_hash = ""
        rerun.rerun_script.page_name = ""
        rerun.rerun_script.context_info.timezone = "Europe/London"
        rerun.rerun_script.context_info.locale = "en-GB"
        rerun.rerun_script.context_info.url = base + "/"
        await ws.send(rerun.SerializeToString())
        shown: list[str] = []  # what the page said instead, should the statuses never come
        while True:
            raw = await asyncio.wait_for(ws.recv(), TIMEOUT_S)
            if isinstance(raw, str):
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if _carries_statuses(msg):
                return time.perf_counter() - started
            if msg.WhichOneof("type") == "delta":
                shown.append(str(msg.delta.new_element)[:300])
            if msg.WhichOneof("type") == "script_finished":
                said = "\n".join(shown[-6:])
                raise RuntimeError(f"the page finished without showing the statuses:\n{said}")


async def _crowd(bases: list[str], people: int, window: float) -> list[float]:
    async def person(i: int) -> float:
        await asyncio.sleep(window * i / people)
        return await open_the_plan(bases[i % len(bases)])

    return list(await asyncio.gather(*(person(i) for i in range(people))))


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def measure(bases: list[str], people: int, window: float) -> dict[str, Any]:
    """One person alone on each server (warm), then the crowd."""
    for base in bases:  # the first visit opens the database and fills the caches
        asyncio.run(open_the_plan(base))
    lone = []
    for _ in range(5):
        lone.append(asyncio.run(open_the_plan(bases[0])))
        time.sleep(0.5)  # each visit on its own, as one person alone would find the server
    alone = statistics.median(lone)
    times = asyncio.run(_crowd(bases, people, window))
    p95 = _p95(times)
    return {
        "processes": len(bases),
        "people": people,
        "window_s": window,
        "alone_s": alone,
        "alone_runs_s": [round(t, 3) for t in lone],
        "median_s": statistics.median(times),
        "p95_s": p95,
        "max_s": max(times),
        "p95_over_alone": p95 / alone,
        "times_s": [round(t, 3) for t in times],
    }


def _print(label: str, r: dict[str, Any]) -> None:
    verdict = "within" if r["p95_over_alone"] <= GOAL else "OVER"
    print(
        f"{label:<36} alone {r['alone_s']:6.2f} s   median {r['median_s']:6.2f} s   "
        f"95th {r['p95_s']:6.2f} s   = {r['p95_over_alone']:4.1f}x alone ({verdict} {GOAL:g}x)"
    )


def _demo_in(db: str) -> str:
    from outcomes.workflows.demo import build_demo
    from tests.copies import written

    written(db, build_demo)
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--window", type=float, default=60.0, help="seconds they arrive over")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args(argv)

    from tests.browser.server import serve

    results: dict[str, Any] = {"machine": platform.platform(), "runs": {}}
    print(f"{args.people} people opening the plan on a page within {args.window:g} s")
    with tempfile.TemporaryDirectory(prefix="bench-board-load-") as tmp:
        work = Path(tmp)
        if not args.skip_duckdb:
            db = _demo_in(str(work / "outcomes.duckdb"))
            (work / "one").mkdir()
            with serve(work / "one", Path(db)) as base:
                r = measure([base], args.people, args.window)
            results["runs"]["duckdb, one process"] = r
            _print("DuckDB, one dashboard process", r)
        if not args.skip_postgres:
            from bench.bench_engines import throwaway_postgres

            with ExitStack() as stack:
                url = _demo_in(stack.enter_context(throwaway_postgres(work / "pg")))
                bases = []
                for name in ("a", "b"):
                    (work / name).mkdir()
                    bases.append(stack.enter_context(serve(work / name, url)))
                r = measure(bases[:1], args.people, args.window)
                results["runs"]["postgres, one process"] = r
                _print("PostgreSQL, one dashboard process", r)
                r = measure(bases, args.people, args.window)
                results["runs"]["postgres, two processes"] = r
                _print("PostgreSQL, two dashboard processes", r)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
