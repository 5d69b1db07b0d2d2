"""National scale, measured: ~300 partnerships in one deployment, against one force area.

Two databases are built in one run, on DuckDB, PostgreSQL or both (``--engine``), of real
partnerships (``bench/national_build.py``): each registered by ``partnership add``, its own
schema and framework (five priorities of five indicators) and its own return of 40 quarters x
31 areas (31,000 figures). The small database is one force area (10 partnerships; fewer at a
small ``--scale``), every partnership loaded through ``outcomes load``; the national one
(``--scale``, 10^7 by default: 323 partnerships) holds the same force area, loaded the same
way, and the other partnerships copied schema to schema from one of them (loading all of them
through ``outcomes load`` costs what the printed load rate says; the pages' cost depends on how
many partnerships there are, not on how their rows got in).

Printed, in CPU seconds (so seven other programs on the machine move the figures little), with
clock seconds beside them (on PostgreSQL the server's work shows only there):

- each page through ``dashboard.py`` (Streamlit's ``AppTest``) for one partnership of the force
  area: the plan on a page, a priority page, an indicator page (with its areas chart), and the
  force-wide view signed in as the force area's commissioner; warm medians in the force area
  and in the national database, and the ratio; the areas chart drawn on its own; the server's
  memory after every page beside the database's size;
- loading: figures a CPU second through ``outcomes load`` of the loaded partnerships' returns;
- the 200,000-row return (xlsx; fewer on a small database) through ``outcomes load`` against
  the bare python-calamine parse of the same file, and police.uk's 36,367 rows
  (``../shared/realdata``, when present) through ``outcomes load`` against DuckDB counting the
  file, both loaded into the measured partnership of the national database.

    .venv/bin/python bench/bench_national.py                   # 10^7 on DuckDB, once
    .venv/bin/python bench/bench_national.py --scale 1e6 --engine both --keep /tmp/national

PostgreSQL's databases are made in ``--pg-url``'s server, or in a throwaway cluster
(``tests/postgres.py``) stopped at the end. Results are printed and written to
``bench/results/national.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# A file's reading is stopped at twice its CPU limit on the clock, to keep a server answering;
# on a machine shared with seven other programs the 200,000-row return can pass that while its
# CPU (what is measured) is a fraction of it. The limit is read when the readers are imported.
os.environ.setdefault("OUTCOMES_READ_SECONDS", "600")

import pandas as pd  # noqa: E402

from bench import common  # noqa: E402
from bench.national_build import (  # noqa: E402
    COMMISSIONER,
    Shape,
    build,
    cpu,
    db_mb,
    engines,
    log10,
    measured,
    observations,
    outcomes,
)

RESULTS = ROOT / "bench" / "results" / "national.json"
REALDATA = ROOT.parent / "shared" / "realdata"
POLICE_MONTH = REALDATA / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"
RESULT_MARKER = "NATIONAL_RESULT "
RETURN_ROWS = 200_000
PAGES = ("plan on a page", "priority", "indicator", "force-wide view")


# ---------------------------------------------------------------------------------------------
# Reading a file: outcomes load against the bare parse


def _cpu_of(fn) -> tuple[float, Any]:
    started = cpu()
    result = fn()
    return cpu() - started, result


def _against(rows: int, name: str, baseline: float, load: dict[str, Any]) -> dict[str, Any]:
    """``outcomes load``'s CPU seconds beside a baseline's (``name``), and how many times it took."""
    return {
        "rows": rows,
        name: baseline,
        "load_s": load["cpu_s"],
        "load_clock_s": load["s"],
        "ratio": load["cpu_s"] / baseline,
    }


def _back_to_1990(cur) -> int:
    """The most rows a return back-filling the partnership's indicators before its first stored
    quarter can hold: periods before 1990 are refused (loaders.periods.EARLIEST_YEAR). A
    partnership of 25 indicators x 31 areas holds about 79,000, not 200,000."""
    from loaders import periods

    earliest = cur.execute("SELECT min(period_start) FROM observation").fetchone()[0]
    first = periods.period_containing(pd.Timestamp(earliest).date(), "quarter")
    back = 0
    while first.previous(back + 1).start.year >= periods.EARLIEST_YEAR:
        back += 1
    per_quarter = (
        cur.execute("SELECT count(*) FROM indicator").fetchone()[0]
        * cur.execute("SELECT count(*) FROM area").fetchone()[0]
    )
    return back * per_quarter


def return_against_parse(db: str, shape: Shape, workdir: Path) -> dict[str, Any]:
    """The 200,000-row return (fewer on a small database) through ``outcomes load`` for the
    measured partnership, against python-calamine parsing the same file, in CPU seconds (the
    load's with its reader's)."""
    from bench.bench_returns import return_frame, write_workbook
    from outcomes.storage.store import open_store
    from outcomes.workflows import partnerships

    store = open_store(db)
    try:
        schema = partnerships.chosen(store.cursor(None), measured()).schema
        rows = min(RETURN_ROWS, shape.observations // 4, _back_to_1990(store.cursor(schema)))
        frame = return_frame(store.cursor(schema), rows)
    finally:
        store.close()
    path = workdir / "return.xlsx"
    write_workbook(frame, path, "national benchmark return")
    parse, _ = _cpu_of(lambda: pd.read_excel(path, header=None, engine="calamine", dtype=object))
    load = outcomes("load", str(path), "--db", db, "--partnership", measured(),
                    "--accept-warnings", "--format", "return")  # fmt: skip
    result = load["answer"]["files"][0]["result"]
    return {**_against(rows, "parse_s", parse, load), "new": result["new"]}


def police_against_count(db: str) -> dict[str, Any] | None:
    """police.uk's 36,367 rows through ``outcomes load`` against DuckDB counting the file."""
    if not POLICE_MONTH.exists():
        return None
    import duckdb

    with duckdb.connect() as con:
        count, rows = _cpu_of(
            lambda: con.execute("SELECT count(*) FROM read_csv(?)", [str(POLICE_MONTH)]).fetchone()[
                0
            ]
        )
    load = outcomes("load", str(POLICE_MONTH), "--db", db, "--partnership", measured(),
                    "--format", "police-uk")  # fmt: skip
    return _against(rows, "count_s", count, load)


# ---------------------------------------------------------------------------------------------
# Pages, in a worker process per database (ui/state.py keeps one connection per process)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_runs(fn, runs: int) -> dict[str, Any]:
    first_started = time.process_time()
    fn()
    first = time.process_time() - first_started
    times, clock = [], []
    for _ in range(runs):
        started, wall = time.process_time(), time.perf_counter()
        fn()
        times.append(time.process_time() - started)
        clock.append(time.perf_counter() - wall)
    return {
        "first_cpu_s": first,
        "median_cpu_s": statistics.median(times),
        "median_s": statistics.median(clock),
        "runs": times,
    }


def _areas_chart(db: str, runs: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The areas chart drawn on its own, from the measured partnership's first indicator; and
    what its pages are (the partnership's name, its first priority and indicator)."""
    from outcomes.outputs import charts
    from outcomes.queries import board
    from outcomes.rules import wording
    from outcomes.storage.store import open_store
    from outcomes.workflows import partnerships

    store = open_store(db)
    try:
        chosen = partnerships.chosen(store.cursor(None), measured())
        cur = store.cursor(chosen.schema)
        name = board.partnership(cur)["name"]
        priority = cur.execute(
            "SELECT id, title FROM priority ORDER BY sort_order LIMIT 1"
        ).fetchone()
        code = cur.execute(
            "SELECT code FROM indicator WHERE priority_id = ? ORDER BY sort_order LIMIT 1",
            [priority[0]],
        ).fetchone()[0]
        ind = board.indicator(cur, code)

        def areas_chart():
            frame = board.area_history(cur, code)
            frame["label"] = wording.period_ticks(frame["period"])
            return charts.areas(frame, ind)

        chart = _cpu_runs(areas_chart, runs)
    finally:
        store.close()
    return chart, {"name": name, "priority": priority[0], "title": priority[1], "code": code}


def _commissioner_app():
    """The dashboard signed in as the force area's commissioner (sign-in as the tests set it)."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.test_sign_in_pages import AUTH

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iat": time.time(), "email": COMMISSIONER,
               "name": "Police and Crime Commissioner"}  # fmt: skip
    return at


def worker(db: str, runs: int) -> dict[str, Any]:
    os.chdir(ROOT)
    os.environ["OUTCOMES_DB"] = db
    from streamlit.testing.v1 import AppTest

    from bench.bench_pages import _check_page

    chart, what = _areas_chart(db, runs)
    pages: dict[str, Any] = {}
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    visits = [
        (at, "plan on a page", None, {}, f"{what['name']}: our plan"),
        (at, "priority", "pages/priority.py", {"priority": what["priority"]}, what["title"]),
        (at, "indicator", "pages/indicator.py", {"indicator": what["code"]}, None),
        (_commissioner_app(), "force-wide view", "pages/force.py", {}, "Force area"),
    ]
    for app, label, page, query, title in visits:
        if page is not None:
            app.switch_page(page)
        for key, value in {"partnership": measured(), **query}.items():
            app.query_params[key] = value

        def visit(app=app, label=label, title=title):
            app.run()
            _check_page(app, label, title)
            if label == "force-wide view" and len(app.dataframe) < 3:
                raise RuntimeError("the force-wide view shows no partnerships side by side")

        pages[label] = {**_cpu_runs(visit, runs), "rss_mb": _rss_mb()}
    return {"pages": pages, "areas_chart": chart, "db_mb": db_mb(db)}


def _run_worker(db: str, runs: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--runs", str(runs)]
    return common.run_worker(command, RESULT_MARKER, "page worker", ROOT)


# ---------------------------------------------------------------------------------------------
# The run and its report


def _built(place, engine: str, label: str, shape: Shape, workdir: Path, reuse: bool) -> dict:
    """A database of ``shape`` on ``engine``: built now, or (``reuse``) kept from an earlier run."""
    kept = workdir / f"{engine}-{label}.build.json"
    if reuse and kept.exists():
        db = place.target(engine, label, fresh=False)
        try:
            whole = observations(db) == shape.observations
        except Exception:
            whole = False
        if whole:
            return json.loads(kept.read_text())
    db = place.target(engine, label, fresh=True)
    made = build(db, shape, workdir)
    kept.write_text(json.dumps(made))
    return made


def _measured(measure) -> dict[str, Any] | None:
    """A file's measure, or why the load refused it (printed, so the pages' figures survive)."""
    try:
        return measure()
    except RuntimeError as err:
        said = str(err)
        codes = sorted(set(re.findall(r'"code": "([a-z-]+)"', said)))
        return {"failed": said.splitlines()[0][:200], "codes": codes}


def run_engine(place, engine: str, scale: float, runs: int, workdir: Path, reuse: bool) -> dict:
    national_shape = Shape.of(scale)
    results: dict[str, Any] = {}
    for label, shape in (("force", national_shape.force_area()), ("national", national_shape)):
        print(f"{engine}: building {label}: {shape.partnerships} partnerships, "
              f"{shape.observations:,} figures ...", flush=True)  # fmt: skip
        made = _built(place, engine, label, shape, workdir, reuse)
        print(f"  {made['per_cpu_second']:,.0f} figures a CPU second; timing pages ...", flush=True)
        results[label] = {"build": made, **_run_worker(made["db"], runs)}
        (workdir / f"{engine}-{label}.pages.json").write_text(json.dumps(results[label]))
    db = results["national"]["build"]["db"]
    print(f"{engine}: reading files against their bare parse ...", flush=True)
    if engine == "duckdb":  # the kept database stays as built
        scratch = str(workdir / "scratch.duckdb")
        shutil.copyfile(db, scratch)
    else:
        scratch = db
    try:
        results["return"] = _measured(
            lambda: return_against_parse(scratch, national_shape, workdir)
        )
        results["police"] = _measured(lambda: police_against_count(scratch))
    finally:
        if engine == "duckdb":
            Path(scratch).unlink(missing_ok=True)
            Path(f"{scratch}.wal").unlink(missing_ok=True)
    return results


def run(scale: float, runs: int, workdir: Path, engine: str, pg_url: str | None,
        reuse: bool = False) -> dict[str, Any]:  # fmt: skip
    results: dict[str, Any] = {"scale": scale, "runs": runs, "machine": common.machine()}
    chosen = ["duckdb", "postgresql"] if engine == "both" else [engine]
    with engines(workdir, pg_url) as place:
        results["engines"] = {e: run_engine(place, e, scale, runs, workdir, reuse) for e in chosen}
    return results


def _goal(ok: bool) -> str:
    return "within goal" if ok else "OVER GOAL"


def _databases(small: dict, big: dict) -> list[str]:
    out = [
        f"  {'database':10}{'figures':>13}{'partnerships':>14}{'loaded':>8}{'copied':>8}"
        f"{'size MB':>10}{'load/CPU s':>12}{'copy CPU s':>12}",
    ]
    for label, d in (("force", small), ("national", big)):
        b = d["build"]
        out.append(
            f"  {label:10}{b['observations']:>13,}{b['partnerships']:>14,}{b['loaded']:>8,}"
            f"{b['copied']:>8,}{b['db_mb']:>10.1f}{b['per_cpu_second']:>12,.0f}"
            f"{b['copied_cpu_s']:>12.1f}"
        )
    b = big["build"]
    rate, clock = b["per_cpu_second"], b["per_second"]
    whole = b["observations"] / rate
    out += [
        "",
        f"  loading: {rate:,.0f} figures a CPU second, {clock:,.0f} a second on the clock "
        f"({_goal(rate >= 200_000)}: 200,000), through `outcomes load` of each loaded "
        "partnership's return",
        f"  at that rate all {b['observations']:,} figures through `outcomes load` would take "
        f"{whole / 60:,.1f} CPU minutes; the {b['copied']} other partnerships were copied "
        f"schema to schema from a loaded one in {b['copied_cpu_s']:,.0f} CPU s "
        f"({b['copied_s']:,.0f} s on the clock)",
        "",
    ]
    return out


def _pages(small: dict, big: dict) -> list[str]:
    out = [
        f"  {'page (one partnership)':24}{'force s':>9}{'national s':>12}{'ratio':>8}"
        f"{'first s':>9}{'clock s':>9}{'RSS MB':>9}  goal 1.5x"
    ]
    for page in PAGES:
        p = big["pages"][page]
        a, b = small["pages"][page]["median_cpu_s"], p["median_cpu_s"]
        out.append(
            f"  {page:24}{a:>9.3f}{b:>12.3f}{b / a:>7.2f}x{p['first_cpu_s']:>9.2f}"
            f"{p['median_s']:>9.2f}{p['rss_mb']:>9,.0f}  {_goal(b / a <= 1.5)}"
        )
    a, b = small["areas_chart"]["median_cpu_s"], big["areas_chart"]["median_cpu_s"]
    out.append(
        f"  {'areas chart (core)':24}{a:>9.3f}{b:>12.3f}{b / a:>7.2f}x{'':>18}  "
        f"{'':>9}{_goal(b / a <= 1.5 and b < 1.0)} (and under 1 s)"
    )
    out.append(
        f"  server memory (RSS above, after each page) beside a database of "
        f"{big['db_mb']:,.0f} MB (force area: {small['db_mb']:,.1f} MB)"
    )
    return out


def _files(r: dict, p: dict | None) -> list[str]:
    out = [""]
    if "failed" in r:
        out.append(f"  the return: NOT MEASURED, {r['failed']} ({', '.join(r['codes'])})")
    else:
        out.append(
            f"  {r['rows']:,}-row return: outcomes load {r['load_s']:.2f} s, calamine parse "
            f"{r['parse_s']:.2f} s: {r['ratio']:.2f}x ({_goal(r['ratio'] <= 2)}: 2x)"
        )
    if p is not None and "failed" in p:
        out.append(f"  police.uk month: NOT MEASURED, {p['failed']} ({', '.join(p['codes'])})")
    elif p is None:
        out.append(f"  police.uk month: {POLICE_MONTH} is not here; not measured")
    else:
        out.append(
            f"  police.uk month ({p['rows']:,} rows): outcomes load {p['load_s']:.2f} s, DuckDB "
            f"count {p['count_s']:.3f} s: {p['ratio']:.2f}x ({_goal(p['ratio'] <= 2)}: 2x)"
        )
    return out


def report(results: dict[str, Any]) -> str:
    out = [
        f"National benchmark on {results['machine']['cores']} cores; CPU seconds, warm medians "
        f"of {results['runs']} runs; each page for one partnership ({measured()}), the force-wide "
        "view for a commissioner of the force area's partnerships",
    ]
    for engine, found in results["engines"].items():
        small, big = found["force"], found["national"]
        out += [
            "",
            f"{engine}: a force area ({log10(small['build']['observations'])}) against the "
            f"national database ({log10(big['build']['observations'])})",
            *_databases(small, big),
            *_pages(small, big),
            *_files(found["return"], found["police"]),
        ]
        if engine == "postgresql":
            out.append(
                "  (PostgreSQL: CPU seconds are the dashboard's and the command's; the server's "
                "own work shows in the clock column)"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1e7, help="figures in the national database (1e7)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed warm runs per page (3)")
    parser.add_argument(
        "--engine", choices=["duckdb", "postgresql", "both"], default="duckdb", help="(duckdb)"
    )
    parser.add_argument(
        "--pg-url",
        metavar="URL",
        help="a PostgreSQL server to make the databases in (default: a throwaway cluster)",
    )
    common.add_keep_option(parser, "the databases")
    common.add_json_option(parser, RESULTS, ROOT)
    parser.add_argument("--worker", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(RESULT_MARKER + json.dumps(worker(args.worker, args.runs)), flush=True)
        return 0
    started, started_cpu = time.perf_counter(), cpu()
    with common.work_folder(args.keep, "bench-national-") as workdir:
        results = run(args.scale, max(1, args.runs), workdir, args.engine, args.pg_url,
                      reuse=bool(args.keep))  # fmt: skip
    results["wall_clock_s"] = time.perf_counter() - started
    results["cpu_s"] = cpu() - started_cpu
    print()
    print(report(results))
    print(
        f"\nWhole benchmark: {results['wall_clock_s']:.0f} s on the clock, "
        f"{results['cpu_s']:.0f} CPU s in this process and its file readers (page workers apart)."
    )
    common.write_results(results, Path(args.json))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
