"""Page timings: the overview and a priority page, warm, on the demo and on a large framework.

Each page runs through the real router (``dashboard.py``) with Streamlit's ``AppTest``. The first
run of a page is the warm-up (it opens the database and fills the caches) and is reported on its
own; then ``--runs`` timed reruns give the median and the minimum. An empty page
(``st.write("")``) is timed in the same process as the yardstick for Streamlit's own cost per
run, and each page is reported as a ratio to it. Outside Streamlit, the core query
``outcomes.queries.board.priority_summary`` is timed on a fresh connection so a slow page can be
attributed to the database or to the page.

Each dataset runs in its own subprocess: ``ui/state.py`` keeps one DuckDB connection per
process in ``st.cache_resource``, and a fresh process also means each dataset starts cold.

    .venv/bin/python bench/bench_pages.py                 # demo and large, 5 timed runs each
    .venv/bin/python bench/bench_pages.py --runs 9 --keep /tmp/bench   # reuse the large DB
    .venv/bin/python bench/bench_pages.py --skip-large --profile       # where a warm run goes

Results are printed and written to ``bench/results/pages.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

DASHBOARD = ROOT / "dashboard.py"
RESULTS = ROOT / "bench" / "results" / "pages.json"
EMPTY_PAGE = 'import streamlit as st\nst.write("")\n'
RESULT_MARKER = "BENCH_RESULT "


# ---------------------------------------------------------------------------------------------
# Worker: one dataset, in its own process


def _stats(times: list[float]) -> dict[str, Any]:
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "runs_s": [round(t, 4) for t in times],
    }


def _timed(fn) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _check_page(at, what: str, title: str | None = None) -> None:
    """Fail loudly when a page raised or did not show what it should: a fast error page is no timing."""
    if len(at.exception):
        raise RuntimeError(
            f"{what} raised: {at.exception[0].message}\n{at.exception[0].stack_trace}"
        )
    titles = [t.value for t in at.title]
    if title is not None and title not in titles:
        raise RuntimeError(f"{what}: expected the title {title!r}, the page shows {titles}")


class _ThreadProfile:
    """cProfile for code that AppTest runs in its own script thread (cProfile is per thread)."""

    def __init__(self) -> None:
        self.profile = cProfile.Profile()

    def __enter__(self) -> _ThreadProfile:
        def start(*_args: Any) -> None:
            sys.setprofile(None)
            if threading.current_thread().name == "ScriptRunner.scriptThread":
                self.profile.enable()

        threading.setprofile(start)
        return self

    def __exit__(self, *exc: object) -> None:
        threading.setprofile(None)

    def top(self, n: int = 25) -> str:
        out = io.StringIO()
        stats = pstats.Stats(self.profile, stream=out)
        stats.sort_stats("cumulative").print_stats(n)
        return out.getvalue()


def _time_page(at, runs: int, what: str, title: str | None, profile: bool) -> dict[str, Any]:
    first, _ = _timed(at.run)
    _check_page(at, f"{what} (first run)", title)
    times = []
    for _ in range(runs):
        elapsed, _ = _timed(at.run)
        times.append(elapsed)
    _check_page(at, what, title)
    result = {"first_run_s": first, **_stats(times)}
    if profile:
        with _ThreadProfile() as prof:
            at.run()
        result["profile"] = prof.top()
    return result


def _core_queries(db: str, runs: int) -> dict[str, Any]:
    """Sizes, and the core queries outside Streamlit on a fresh connection (no caches)."""
    from outcomes.queries import board
    from outcomes.storage.store import open_store

    t_open, store = _timed(lambda: open_store(db))
    try:
        cur = store.cursor()
        rows = {
            table: cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("priority", "indicator", "area", "observation", "upload")
        }
        cold, summary = _timed(lambda: board.priority_summary(cur))
        warm = [_timed(lambda: board.priority_summary(cur))[0] for _ in range(runs)]
        ratings_t = [_timed(lambda: board.indicator_ratings(cur))[0] for _ in range(runs)]
        # The priority with the most indicators (the first of those in board order): the heaviest page.
        counts = summary.set_index("id")["indicators"]
        chosen = str(counts.idxmax())
        codes = cur.execute(
            "SELECT code FROM indicator WHERE priority_id = ? ORDER BY sort_order", [chosen]
        ).fetchall()
        history_t = [_timed(lambda c=c: board.history(cur, c[0]))[0] for c in codes]
        queries = {
            "open_store_s": t_open,
            "priority_summary_cold_s": cold,
            "priority_summary_warm": _stats(warm),
            "indicator_ratings_warm": _stats(ratings_t),
            "history_per_indicator": _stats(history_t) if history_t else None,
            "data_version_s": _timed(lambda: board.data_version(cur))[0],
            **_statistics_queries(cur),  # issue 11
        }
        choice = {
            "id": chosen,
            "title": str(summary.set_index("id").at[chosen, "title"]),
            "indicators": int(counts[chosen]),
        }
    finally:
        store.close()
    return {"rows": rows, "queries": queries, "priority": choice}


def _statistics_queries(cur) -> dict[str, Any]:
    """Issue 11: SPC for every indicator, and comparison for everything comparable."""
    from outcomes.queries import statistics as stats

    spc_t, summary = _timed(lambda: stats.spc_summary(cur))
    comparable_t, comparable = _timed(lambda: stats.comparable(cur))
    compare_t = [_timed(lambda c=c: stats.compare_code(cur, c))[0] for c in comparable["code"]]
    return {
        "spc_all_indicators_s": spc_t,
        "spc_indicators": len(summary),
        "spc_with_limits": int(summary["variation"].notna().sum()),
        "comparable_s": comparable_t,
        "compare_all_s": sum(compare_t),
        "compared_codes": len(compare_t),
    }


def worker(db: str, runs: int, profile: bool) -> dict[str, Any]:
    os.chdir(ROOT)
    os.environ["OUTCOMES_DB"] = db
    result = _core_queries(db, runs)
    expected = result["priority"]

    from outcomes.queries import board
    from outcomes.storage.store import open_store

    store = open_store(db)
    try:
        partnership = board.partnership(store.cursor())["name"]
    finally:
        store.close()  # the dashboard opens its own connection; DuckDB allows one writer per file

    from streamlit.testing.v1 import AppTest

    empty = AppTest.from_string(EMPTY_PAGE, default_timeout=60)
    pages: dict[str, Any] = {"empty": _time_page(empty, runs, "empty page", None, profile=False)}

    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    pages["overview"] = _time_page(at, runs, "overview", f"{partnership}: our plan", profile)
    # switch_page after a run resolves the st.navigation page (url_path "priority"); the page
    # reads ?priority=<id>, which AppTest passes with every run.
    at.switch_page("pages/priority.py")
    at.query_params["priority"] = expected["id"]
    pages["priority"] = _time_page(
        at, runs, f"priority {expected['id']}", expected["title"], profile
    )
    pages["priority"]["query_params_after"] = dict(at.query_params)
    result["pages"] = pages
    return result


# ---------------------------------------------------------------------------------------------
# Driver


def _machine() -> dict[str, Any]:
    import duckdb
    import pandas as pd
    import streamlit

    return {
        **common.machine(),
        "streamlit": streamlit.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
    }


def _build_demo(path: Path) -> dict[str, Any]:
    from outcomes.storage.store import open_store
    from outcomes.workflows.demo import build_demo

    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
    start = time.perf_counter()
    store = open_store(path)
    try:
        counts = build_demo(store.cursor())
        store.cursor().execute("CHECKPOINT")
    finally:
        store.close()
    return {
        "path": str(path),
        "built": True,
        "counts": counts,
        "timings": {"total_s": round(time.perf_counter() - start, 3)},
    }


def _prepare_large(path: Path, method: str, keep: bool) -> dict[str, Any]:
    from bench.large_framework import build_large

    info_file = path.with_suffix(".build.json")
    if keep and common.reusable_large(path):
        info = json.loads(info_file.read_text()) if info_file.exists() else {}
        return {**info, "path": str(path), "built": False}
    info = build_large(path, method=method)
    info_file.write_text(json.dumps(info, indent=2))
    return {**info, "built": True}


def _run_worker(label: str, db: Path, runs: int, profile: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--db",
        str(db),
        "--runs",
        str(runs),
    ]
    if profile:
        command.append("--profile")
    print(f"  timing {label} ...", flush=True)
    return common.run_worker(command, RESULT_MARKER, f"{label} worker", ROOT)


def _f(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f}"


def report(results: dict[str, Any]) -> str:
    out = []
    m = results["machine"]
    out.append(
        f"Machine: {m['cores']} cores ({m['cores_usable']} usable), {m['processor']}, {m['platform']}\n"
        f"         Python {m['python']}, streamlit {m['streamlit']}, duckdb {m['duckdb']}, pandas {m['pandas']}"
    )
    out.append(
        f"Timed runs per page: {results['runs']} warm reruns after 1 warm-up run (median and min in seconds)"
    )
    out.append("")
    datasets = results["datasets"]
    out.append("Datasets")
    out.append(
        f"  {'':8}{'priorities':>11}{'indicators':>11}{'areas':>7}{'observations':>14}{'uploads':>9}  build"
    )
    for name, d in datasets.items():
        r = d["rows"]
        build = d["build"]
        total = build.get("timings", {}).get("total_s")
        how = f"{total:.1f} s" if total is not None else "?"
        how = how + ("" if build.get("built") else " (reused from an earlier build)")
        if build.get("method"):
            how += f", observations via {build['method']}"
        out.append(
            f"  {name:8}{r['priority']:>11,}{r['indicator']:>11,}{r['area']:>7,}{r['observation']:>14,}{r['upload']:>9,}  {how}"
        )
    for name, d in datasets.items():
        t = d["build"].get("timings")
        if t and len(t) > 1:
            out.append(
                f"  {name} build steps: "
                + ", ".join(f"{k.removesuffix('_s')} {v:.2f} s" for k, v in t.items())
            )
    out.append("")
    names = list(datasets)
    out.append("Core queries outside Streamlit (fresh connection, no Streamlit caches), seconds")
    out.append(f"  {'':44}" + "".join(f"{n:>12}" for n in names))
    rows = [
        ("open_store (connect + migrate check)", lambda q: q["open_store_s"]),
        ("priority_summary, first call (cold)", lambda q: q["priority_summary_cold_s"]),
        ("priority_summary, median of repeats", lambda q: q["priority_summary_warm"]["median_s"]),
        ("indicator_ratings, median of repeats", lambda q: q["indicator_ratings_warm"]["median_s"]),
        (
            "history, median per indicator",
            lambda q: (q["history_per_indicator"] or {}).get("median_s"),
        ),
        ("data_version", lambda q: q["data_version_s"]),
        ("SPC for every indicator (spc_summary)", lambda q: q.get("spc_all_indicators_s")),
        ("comparison of every comparable code", lambda q: q.get("compare_all_s")),
    ]
    for label, get in rows:
        out.append(
            f"  {label:44}" + "".join(f"{_f(get(datasets[n]['queries'])):>12}" for n in names)
        )
    for n in names:
        q = datasets[n]["queries"]
        if "spc_indicators" in q:
            out.append(
                f"  {n}: SPC for {q['spc_indicators']:,} indicators ({q['spc_with_limits']:,} with "
                f"limits); comparison of {q['compared_codes']} code(s) with counts and denominators"
            )
    out.append("")
    out.append(
        "Pages through dashboard.py with AppTest, seconds (ratio = warm median / empty-page median)"
    )
    out.append(f"  {'dataset':8}{'page':40}{'warm-up':>9}{'median':>9}{'min':>9}{'ratio':>9}")
    for name, d in datasets.items():
        empty = d["pages"]["empty"]["median_s"]
        for page, p in d["pages"].items():
            label = page
            if page == "priority":
                label = f"priority ({d['priority']['id']}, {d['priority']['indicators']} ind.)"
            ratio = p["median_s"] / empty if empty else float("nan")
            out.append(
                f"  {name:8}{label:40}{_f(p['first_run_s']):>9}{_f(p['median_s']):>9}{_f(p['min_s']):>9}{ratio:>8.1f}x"
            )
    if "demo" in datasets and "large" in datasets:
        out.append("")
        out.append("Large / demo (warm medians)")
        for page in ("empty", "overview", "priority"):
            a = datasets["demo"]["pages"][page]["median_s"]
            b = datasets["large"]["pages"][page]["median_s"]
            out.append(f"  {page:10}{b / a:>8.1f}x")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Warm page timings on the demo and a large framework."
    )
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs per page (default 5)")
    parser.add_argument("--skip-large", action="store_true", help="only the demo database")
    common.add_keep_option(parser, "the databases (the large one is reused)")
    parser.add_argument(
        "--large-method",
        choices=("record_upload", "direct"),
        default="record_upload",
        help="how the large build stores its figures (see bench/large_framework.py)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one warm run of each page"
    )
    common.add_json_option(parser, RESULTS, ROOT)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if args.worker:
        print(
            RESULT_MARKER + json.dumps(worker(args.db, args.runs, args.profile), default=str),
            flush=True,
        )
        return 0

    started = time.perf_counter()
    results: dict[str, Any] = {"machine": _machine(), "runs": args.runs, "datasets": {}}
    with common.work_folder(args.keep, "bench-pages-") as workdir:
        print("Building the demo database ...", flush=True)
        builds = {"demo": (_build_demo(workdir / "demo.duckdb"), workdir / "demo.duckdb")}
        if not args.skip_large:
            print("Preparing the large database ...", flush=True)
            large = workdir / "large.duckdb"
            builds["large"] = (
                _prepare_large(large, args.large_method, keep=bool(args.keep)),
                large,
            )
        for name, (build, path) in builds.items():
            results["datasets"][name] = {
                "build": build,
                **_run_worker(name, path, args.runs, args.profile),
            }
    results["wall_clock_s"] = time.perf_counter() - started

    print()
    print(report(results))
    print(f"\nWhole benchmark: {results['wall_clock_s']:.1f} s wall clock.")
    if args.profile:
        for name, d in results["datasets"].items():
            for page, p in d["pages"].items():
                if "profile" in p:
                    print(f"\n===== profile: {name} {page} (one warm run) =====\n{p['profile']}")
    common.write_results(results, Path(args.json))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
