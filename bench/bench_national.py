"""National scale, measured: a deployment's worth of figures loaded and read, against 10^4.

Two databases are built in one run through the product's own load path (``outcomes load`` on
each partnership's return, read in its child process, checked, committed): one of about 10^4
figures and one of ``--scale`` (10^7 by default: ~320 partnerships x 25 indicators x 40
quarters x 31 areas, the partnership's total and 30 neighbourhoods). Each indicator's history is
the same size in both (40 quarters x 31 areas), so a page that reads one indicator's or one
priority's rows costs the same at any scale; what grows is only what the page must not read.

Printed, in CPU seconds (so seven other programs on the machine move the figures little):

- each page through ``dashboard.py`` (Streamlit's ``AppTest``): the plan on a page, a priority
  page and an indicator page (with its areas chart), warm medians, at 10^4 and at scale, and
  the ratio; the areas chart drawn on its own; the server's memory after every page beside the
  database's size;
- loading: observations a second through ``outcomes load`` while building;
- the 200,000-row return (xlsx) through ``outcomes load`` against the bare python-calamine
  parse of the same file, and police.uk's 36,367 rows (``../shared/realdata``, when present) through
  ``outcomes load`` against DuckDB counting the file.

Until partnerships are first-class, a partnership is modelled as five priorities of five
indicators each in one framework (:func:`national_framework`); :func:`build_national` is the one
function to switch to real partnerships. The plan on a page shows the whole framework, so at
national scale it shows every partnership's priorities: its ratio measures that, not one
partnership's page.

    .venv/bin/python bench/bench_national.py                   # 10^7, once, near the end
    .venv/bin/python bench/bench_national.py --scale 1e5 --runs 2 --keep /tmp/national

Results are printed and written to ``bench/results/national.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import shutil
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench import common  # noqa: E402
from bench.large_framework import PARTNERS, POLARITIES, TIERS, UNITS  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "national.json"
REALDATA = ROOT.parent / "shared" / "realdata"
POLICE_MONTH = REALDATA / "police_uk" / "plymouth-lsoa-2019-01_to_2020-03-street.csv"
RESULT_MARKER = "NATIONAL_RESULT "
SEED = 20261207
BASE_SCALE = 10_000
QUARTERS = 40
N_AREAS = 30  # neighbourhoods, besides the partnership's own total
PRIORITIES_PER_PARTNERSHIP = 5
INDICATORS_PER_PRIORITY = 5
RETURN_ROWS = 200_000
FILES_PER_LOAD = 6  # partnerships' returns per `outcomes load` (about 190,000 figures)


@dataclass(frozen=True)
class Shape:
    """How big a national database is: every indicator has QUARTERS x (N_AREAS + 1) figures."""

    indicators: int
    quarters: int = QUARTERS
    areas: int = N_AREAS

    @classmethod
    def of(cls, scale: float) -> Shape:
        per_indicator = QUARTERS * (N_AREAS + 1)
        return cls(indicators=max(1, round(scale / per_indicator)))

    @property
    def observations(self) -> int:
        return self.indicators * self.quarters * (self.areas + 1)

    @property
    def per_partnership(self) -> int:
        return PRIORITIES_PER_PARTNERSHIP * INDICATORS_PER_PRIORITY

    @property
    def partnerships(self) -> int:
        return math.ceil(self.indicators / self.per_partnership)


# ---------------------------------------------------------------------------------------------
# The national framework and its returns


def _quarters(shape: Shape) -> list[str]:
    """The last ``shape.quarters`` quarters that have finished by the end of 2025/26 Q2."""
    from loaders import periods

    last = periods.quarter(2025, 2)
    return [last.previous(k).code for k in range(shape.quarters - 1, -1, -1)]


def _code(partnership: int, priority: int, indicator: int) -> str:
    return f"C{partnership + 1:03d}P{priority + 1}I{indicator + 1}"


def national_framework(shape: Shape) -> dict:
    """The nested (YAML-shaped) framework: each partnership as five priorities of five."""
    rng = np.random.default_rng(SEED)
    priorities = []
    n = 0
    for part in range(shape.partnerships):
        for pri in range(PRIORITIES_PER_PARTNERSHIP):
            indicators = []
            for i in range(INDICATORS_PER_PRIORITY):
                if n >= shape.indicators:
                    break
                unit, decimals, typical = UNITS[n % len(UNITS)]
                level = round(typical * rng.uniform(0.8, 1.2), decimals)
                indicators.append(
                    {
                        "code": _code(part, pri, i),
                        "name": f"Indicator {i + 1} of priority {pri + 1}, partnership {part + 1}",
                        "definition": f"Generated national benchmark indicator ({unit}).",
                        "level": "outcome" if i < 2 else "output",
                        "unit": unit,
                        "polarity": POLARITIES[n % len(POLARITIES)],
                        "frequency": "quarterly",
                        "source_partner": PARTNERS[n % len(PARTNERS)]["code"],
                        "accountable_role": f"Performance lead {n % 25 + 1}",
                        "target": level,
                        "tolerance": 5,
                        "baseline": {"value": level, "period": _quarters(shape)[0]},
                        "by_area": True,
                        "decimals": decimals,
                    }
                )
                n += 1
            if indicators:
                priorities.append(
                    {
                        "id": f"csp-{part + 1:03d}-{pri + 1}",
                        "tier": TIERS[pri % len(TIERS)]["code"],
                        "title": f"Partnership {part + 1}, priority {pri + 1}",
                        "aim": "Reduce harm.",
                        "outputs": "More people get help sooner.",
                        "outcomes": "People are safer and feel safer.",
                        "success_measures": "The indicators below.",
                        "lead_role": f"Head of service, partnership {part + 1}",
                        "lead_partner": PARTNERS[pri % len(PARTNERS)]["code"],
                        "indicators": indicators,
                    }
                )
    return {
        "partnership": {
            "name": "National Benchmark",
            "area_name": "Plymouth",  # police.uk rows are counted for this area
            "vision": "A place where people are safe and feel safe.",
            "working_together": "...working together and with others.",
        },
        "partners": PARTNERS,
        "tiers": TIERS,
        "areas": [{"code": "all", "name": "The partnership", "kind": "partnership"}]
        + [
            {"code": f"area-{a:02d}", "name": f"Neighbourhood {a:02d}", "kind": "neighbourhood"}
            for a in range(1, shape.areas + 1)
        ],
        "priorities": priorities,
    }


def return_frames(doc: dict, shape: Shape):
    """Each partnership's return as a DataFrame (Indicator code, Period, Area, Value)."""
    rng = np.random.default_rng(SEED + 1)
    qs = np.array(_quarters(shape), dtype=object)
    areas = np.array([None] + [f"Neighbourhood {a:02d}" for a in range(1, shape.areas + 1)])
    by_partnership: dict[str, list[dict]] = {}
    for priority in doc["priorities"]:
        by_partnership.setdefault(priority["id"][:8], []).extend(priority["indicators"])
    for indicators in by_partnership.values():
        n_i, n_q, n_a = len(indicators), len(qs), len(areas)
        level = np.array([i["target"] for i in indicators], dtype="float64")[:, None, None]
        # Quarter on quarter within a few per cent, so no figure asks for a second look.
        walk = np.cumprod(1 + rng.normal(0, 0.01, (n_i, n_q, 1)), axis=1)
        values = level * walk * rng.uniform(0.97, 1.03, (n_i, n_q, n_a))
        units = np.array([i["unit"] for i in indicators])
        values[units == "percent"] = np.clip(values[units == "percent"], 0, 95)
        # A count's areas share out the partnership's figure, so they add up to it.
        counts = units == "count"
        shares = rng.dirichlet(np.full(n_a - 1, 4.0))
        values[counts, :, 1:] = np.round(values[counts, :, :1] * shares, 0)
        values[counts, :, 0] = values[counts, :, 1:].sum(axis=2)
        values = np.round(values, 1)
        yield pd.DataFrame(
            {
                "Indicator code": np.repeat([i["code"] for i in indicators], n_q * n_a),
                "Period": np.tile(np.repeat(qs, n_a), n_i),
                "Area": np.tile(areas, n_i * n_q),
                "Value": values.reshape(-1),
            }
        )


def _readers_cpu() -> float:
    """CPU seconds of the file readers so far: each file is read in a child of the fork server
    (loaders.isolation), which reaps it, so its CPU is the server's children's CPU."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # After the name: state is field 3, so cutime and cstime (16 and 17) are at 13 and 14.
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> float:
    """CPU seconds of this process and of the children that read its files."""
    return time.process_time() + _readers_cpu()


def _outcomes(*args: str) -> dict[str, Any]:
    """``python -m outcomes ARGS --json`` in this process: its answer, clock and CPU seconds
    (the command's and its file readers')."""
    from outcomes import cli

    out = io.StringIO()
    wall, cpu = time.perf_counter(), _cpu()
    with contextlib.redirect_stdout(out):
        code = cli.main([*args, "--json"])
    timing = {"s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu}
    if code != 0:
        raise RuntimeError(
            f"outcomes {' '.join(args[:2])} ... failed ({code}): {out.getvalue()[-3000:]}"
        )
    return {**timing, "answer": json.loads(out.getvalue())}


def build_national(path: Path, shape: Shape, workdir: Path) -> dict[str, Any]:
    """A database of ``shape`` at ``path``, every figure loaded by ``outcomes load``.

    The one function to change when partnerships are first-class: then each partnership's
    framework goes in with ``--partnership ID`` and its return is loaded for it.
    """
    from outcomes.framework import from_nested, import_framework
    from outcomes.people import Person
    from outcomes.store import open_store

    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
    started = time.perf_counter()
    doc = national_framework(shape)
    store = open_store(path)
    try:
        import_framework(
            store.cursor(),
            from_nested(doc, source="national benchmark"),
            by=Person(None, "benchmark", "admin", how="benchmark"),
        )
    finally:
        store.close()
    framework_s = time.perf_counter() - started
    folder = workdir / f"returns-{shape.observations}"
    folder.mkdir(parents=True, exist_ok=True)
    loads, batch, figures = [], [], 0
    for n, frame in enumerate(return_frames(doc, shape)):
        file = folder / f"partnership-{n + 1:03d}.csv"
        frame.to_csv(file, index=False)
        batch.append(str(file))
        figures += len(frame)
        if len(batch) == FILES_PER_LOAD:
            loads.append(_outcomes("load", *batch, "--db", str(path), "--accept-warnings"))
            batch = []
            if len(loads) % 10 == 0:
                print(f"    {figures:,} figures loaded", flush=True)
    if batch:
        loads.append(_outcomes("load", *batch, "--db", str(path), "--accept-warnings"))
    shutil.rmtree(folder, ignore_errors=True)
    stored = _count(path, "observation")
    if stored != shape.observations:
        raise RuntimeError(f"expected {shape.observations:,} figures, stored {stored:,}")
    load_s = sum(x["s"] for x in loads)
    return {
        "path": str(path),
        "shape": asdict(shape),
        "observations": stored,
        "partnerships": shape.partnerships,
        "framework_s": framework_s,
        "load_s": load_s,
        "load_cpu_s": sum(x["cpu_s"] for x in loads),
        "loads": len(loads),
        "per_second": stored / load_s if load_s else None,
        "per_cpu_second": stored / sum(x["cpu_s"] for x in loads),
        "db_mb": _db_mb(path),
    }


def _count(path: Path, table: str) -> int:
    from outcomes.store import open_store

    store = open_store(path)
    try:
        return store.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        store.close()


def _db_mb(path: Path) -> float:
    wal = Path(f"{path}.wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


# ---------------------------------------------------------------------------------------------
# Reading a file: outcomes load against the bare parse


def _cpu_of(fn) -> tuple[float, Any]:
    started = _cpu()
    result = fn()
    return _cpu() - started, result


def _against(rows: int, name: str, baseline: float, load: dict[str, Any]) -> dict[str, Any]:
    """``outcomes load``'s CPU seconds beside a baseline's (``name``), and how many times it took."""
    return {
        "rows": rows,
        name: baseline,
        "load_s": load["cpu_s"],
        "load_clock_s": load["s"],
        "ratio": load["cpu_s"] / baseline,
    }


def return_against_parse(db: Path, shape: Shape, workdir: Path) -> dict[str, Any]:
    """The 200,000-row return (fewer on a small database) through ``outcomes load``, against
    python-calamine parsing the same file, in CPU seconds (the load's with its reader's)."""
    from bench.bench_returns import return_frame, write_workbook
    from outcomes.store import open_store

    rows = min(RETURN_ROWS, shape.observations // 4)
    store = open_store(db)
    try:
        frame = return_frame(store.cursor(), rows)
    finally:
        store.close()
    path = workdir / "return.xlsx"
    write_workbook(frame, path, "national benchmark return")
    parse, _ = _cpu_of(lambda: pd.read_excel(path, header=None, engine="calamine", dtype=object))
    load = _outcomes("load", str(path), "--db", str(db), "--accept-warnings", "--format", "return")
    result = load["answer"]["files"][0]["result"]
    return {**_against(rows, "parse_s", parse, load), "new": result["new"]}


def police_against_count(db: Path) -> dict[str, Any] | None:
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
    load = _outcomes("load", str(POLICE_MONTH), "--db", str(db), "--format", "police-uk")
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
    times = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return {"first_cpu_s": first, "median_cpu_s": statistics.median(times), "runs": times}


def worker(db: str, runs: int) -> dict[str, Any]:
    os.chdir(ROOT)
    os.environ["OUTCOMES_DB"] = db
    from streamlit.testing.v1 import AppTest

    from bench.bench_pages import _check_page
    from outcomes import board, charts, wording
    from outcomes.store import open_store

    store = open_store(db)
    try:
        cur = store.cursor()
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
    pages: dict[str, Any] = {}
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    visits = [
        ("plan on a page", None, {}, f"{name}: our plan"),
        ("priority", "pages/priority.py", {"priority": priority[0]}, priority[1]),
        ("indicator", "pages/indicator.py", {"indicator": code}, None),
    ]
    for label, page, query, title in visits:
        if page is not None:
            at.switch_page(page)
            for key, value in query.items():
                at.query_params[key] = value

        def visit(at=at, label=label, title=title):
            at.run()
            _check_page(at, label, title)

        pages[label] = {**_cpu_runs(visit, runs), "rss_mb": _rss_mb()}
    return {"pages": pages, "areas_chart": chart, "db_mb": _db_mb(Path(db))}


def _run_worker(db: Path, runs: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(db),
        "--runs",
        str(runs),
    ]
    return common.run_worker(command, RESULT_MARKER, f"page worker for {db.name}", ROOT)


# ---------------------------------------------------------------------------------------------
# The run and its report


def run(scale: float, runs: int, workdir: Path, reuse: bool = False) -> dict[str, Any]:
    results: dict[str, Any] = {"scale": scale, "runs": runs, "cores": os.cpu_count()}
    datasets = {}
    for label, shape in (("10^4", Shape.of(BASE_SCALE)), ("national", Shape.of(scale))):
        print(f"Building {label}: {shape.observations:,} figures ...", flush=True)
        db = workdir / f"{label.replace('^', '')}.duckdb"
        kept = workdir / f"{db.name}.build.json"
        if (
            reuse
            and kept.exists()
            and db.exists()
            and _count(db, "observation") == shape.observations
        ):
            build = json.loads(kept.read_text())  # built by an earlier run with --keep
        else:
            build = build_national(db, shape, workdir)
            kept.write_text(json.dumps(build))
        print(
            f"  {build['per_cpu_second']:,.0f} figures a CPU second; timing pages ...", flush=True
        )
        datasets[label] = {"build": build, **_run_worker(db, runs)}
        datasets[label]["db"] = db
    national = datasets["national"]
    print("Reading files against their bare parse ...", flush=True)
    scratch = workdir / "scratch.duckdb"  # the kept database stays as built
    shutil.copyfile(national["db"], scratch)
    try:
        results["return"] = return_against_parse(scratch, Shape.of(scale), workdir)
        results["police"] = police_against_count(scratch)
    finally:
        scratch.unlink(missing_ok=True)
        Path(f"{scratch}.wal").unlink(missing_ok=True)
    for d in datasets.values():
        d["db"] = str(d["db"])
    results["datasets"] = datasets
    return results


def _goal(ok: bool) -> str:
    return "within goal" if ok else "OVER GOAL"


def report(results: dict[str, Any]) -> str:
    small, big = results["datasets"]["10^4"], results["datasets"]["national"]
    out = [
        f"National benchmark on {results['cores']} cores; CPU seconds, warm medians of "
        f"{results['runs']} runs",
        "",
        f"  {'database':10}{'figures':>13}{'indicators':>12}{'partnerships':>14}{'size MB':>10}"
        f"{'load/CPU s':>12}",
    ]
    for label, d in (("10^4", small), ("national", big)):
        b = d["build"]
        out.append(
            f"  {label:10}{b['observations']:>13,}{b['shape']['indicators']:>12,}"
            f"{b['partnerships']:>14,}{b['db_mb']:>10.1f}{b['per_cpu_second']:>12,.0f}"
        )
    rate, clock = big["build"]["per_cpu_second"], big["build"]["per_second"]
    out += [
        "",
        f"  loading: {rate:,.0f} figures a CPU second, {clock:,.0f} a second on the clock "
        f"({_goal(rate >= 200_000)}: 200,000)",
        "",
    ]
    out.append(f"  {'page':22}{'10^4 s':>9}{'national s':>12}{'ratio':>8}{'RSS MB':>9}  goal 1.5x")
    for page, p in big["pages"].items():
        a, b = small["pages"][page]["median_cpu_s"], p["median_cpu_s"]
        out.append(
            f"  {page:22}{a:>9.3f}{b:>12.3f}{b / a:>7.2f}x{p['rss_mb']:>9,.0f}  {_goal(b / a <= 1.5)}"
        )
    a, b = small["areas_chart"]["median_cpu_s"], big["areas_chart"]["median_cpu_s"]
    out.append(
        f"  {'areas chart (core)':22}{a:>9.3f}{b:>12.3f}{b / a:>7.2f}x{'':>9}  "
        f"{_goal(b / a <= 1.5 and b < 1.0)} (and under 1 s)"
    )
    out.append(
        f"  server memory beside a database of {big['db_mb']:,.0f} MB (10^4: {small['db_mb']:,.1f} MB)"
    )
    r = results["return"]
    out += [
        "",
        f"  {r['rows']:,}-row return: outcomes load {r['load_s']:.2f} s, calamine parse "
        f"{r['parse_s']:.2f} s: {r['ratio']:.2f}x ({_goal(r['ratio'] <= 2)}: 2x)",
    ]
    p = results["police"]
    if p is None:
        out.append(f"  police.uk month: {POLICE_MONTH} is not here; not measured")
    else:
        out.append(
            f"  police.uk month ({p['rows']:,} rows): outcomes load {p['load_s']:.2f} s, DuckDB "
            f"count {p['count_s']:.3f} s: {p['ratio']:.2f}x ({_goal(p['ratio'] <= 2)}: 2x)"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1e7, help="figures in the national database (1e7)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed warm runs per page (3)")
    parser.add_argument(
        "--keep", metavar="DIR", help="build the databases here, keep them and reuse them"
    )
    parser.add_argument("--json", default=str(RESULTS), metavar="PATH", help="results file")
    parser.add_argument("--worker", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(RESULT_MARKER + json.dumps(worker(args.worker, args.runs)), flush=True)
        return 0
    started = time.perf_counter()
    with common.work_folder(args.keep, "bench-national-") as workdir:
        results = run(args.scale, max(1, args.runs), workdir, reuse=bool(args.keep))
    results["wall_clock_s"] = time.perf_counter() - started
    print()
    print(report(results))
    print(f"\nWhole benchmark: {results['wall_clock_s']:.0f} s on the clock.")
    common.write_results(results, Path(args.json))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
