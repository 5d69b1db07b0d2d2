"""Loading a large return: read, check, preview and commit 200,000 rows, against the raw parse.

A return workbook of ``--rows`` distinct indicator/period/area rows (sheet ``Return``, the
template's header plus ``Area``) is generated for the large benchmark framework
(``bench/large_framework.py``: 600 quarterly indicators, all reported by area, 30 neighbourhoods
plus the partnership, 744,000 figures from 2015/16 Q1). The return back-fills the quarters
before 2015/16 Q1, so every period has finished and every figure is new to the database; values
follow on from each indicator's first stored figure, valid for its unit. The workbook is
written with openpyxl in write-only mode.

Then, in one process and on a copy of the large database, each step is timed once:

1. the raw python-calamine parse of the same file (``pd.read_excel(engine="calamine")``), the
   yardstick: every other step is reported as a multiple of it;
2. ``loaders.returns.read_return`` alone (the part of ``prepare`` that reads the workbook);
3. ``uploads.prepare`` (read and check every row), and ``uploads.preview`` of it;
4. ``uploads.commit`` (first load: every figure new);
5. the same figures re-saved under another name (different bytes, so not recognised as the
   same file): ``prepare`` + ``commit`` classify every figure as unchanged;
6. a byte-identical copy under a third name: ``prepare`` + ``commit`` take the
   "already loaded" short cut.

With ``--profile`` (the default) one extra ``prepare`` of the first file runs under cProfile
before anything is committed, and the top functions are printed.

    .venv/bin/python bench/bench_returns.py                    # 200,000 rows
    .venv/bin/python bench/bench_returns.py --rows 50000 --keep /tmp/bench-returns

Results are printed and written to ``bench/results/returns.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import shutil
import sys
import time
from collections import Counter
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench import common  # noqa: E402
from outcomes.storage.people import Person  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "returns.json"
SEED = 20241122
STEP_NOISE = 0.04  # quarter-on-quarter relative change (sd) of the generated figures
UPLOADER = "benchmark"
# Who loads every return here: one admin, as at the command line, so no step waits on approval.
BENCHMARKER = Person(None, UPLOADER, "admin", how="benchmark")


def _timed(fn) -> tuple[dict[str, float], Any]:
    """Wall-clock and CPU seconds (all threads of this process) of one call, and its result.

    CPU time is reported beside wall time because a shared machine stretches the wall clock.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return {"s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}, result


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _load() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def _machine() -> dict[str, Any]:
    return {
        **common.machine(),
        "load_start": _load(),
        **{
            name: _version(name)
            for name in ("duckdb", "pandas", "python-calamine", "openpyxl", "numpy")
        },
    }


# ---------------------------------------------------------------------------------------------
# The database


def _large_db(workdir: Path, keep: bool) -> tuple[Path, dict[str, Any]]:
    """A working copy of the large database; the pristine one is reused when kept."""
    from bench.large_framework import build_large

    pristine = workdir / "large.duckdb"
    info_file = pristine.with_suffix(".build.json")
    if keep and common.reusable_large(pristine):
        info = json.loads(info_file.read_text()) if info_file.exists() else {}
        build = {**info, "path": str(pristine), "built": False}
    else:
        build = {**build_large(pristine), "built": True}
        info_file.write_text(json.dumps(build, indent=2))
    work = workdir / "returns-work.duckdb"
    for suffix in ("", ".wal"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
        if Path(f"{pristine}{suffix}").exists():
            shutil.copyfile(f"{pristine}{suffix}", f"{work}{suffix}")
    return work, build


# ---------------------------------------------------------------------------------------------
# The return


def return_frame(cur, n_rows: int) -> pd.DataFrame:
    """``n_rows`` distinct return rows (RETURN_HEADER + Area) back-filling before the first quarter stored.

    Rows run oldest quarter first, then indicator, then area (blank Area = the partnership);
    the oldest quarter is the one cut short when ``n_rows`` is not a whole number of quarters.
    """
    from loaders import periods
    from outcomes.queries.board import UNIT_LABELS
    from outcomes.workflows.template import AREA_HEADER, RETURN_HEADER

    ind = cur.execute(
        "SELECT code, name, unit, frequency, by_area, decimals, target FROM indicator ORDER BY code"
    ).df()
    if not ind["by_area"].astype(bool).all():
        raise RuntimeError("every indicator must be reported by area for an area return")
    if set(ind["frequency"]) != {"quarterly"}:
        raise RuntimeError(f"expected quarterly indicators, found {set(ind['frequency'])}")
    areas = ["all"] + [
        r[0]
        for r in cur.execute("SELECT code FROM area WHERE code <> 'all' ORDER BY code").fetchall()
    ]
    earliest = cur.execute("SELECT min(period_start) FROM observation").fetchone()[0]
    first = periods.period_containing(pd.Timestamp(earliest).date(), "quarter")
    n_ind, n_area = len(ind), len(areas)
    n_q = math.ceil(n_rows / (n_ind * n_area))
    quarters = [first.previous(k) for k in range(n_q, 0, -1)]  # oldest first

    # The first stored figure of each indicator and area, then a random walk backwards.
    stored = cur.execute(
        "SELECT indicator_code, area, value FROM observation_current_detail WHERE period = ?",
        [first.code],
    ).df()
    base = (
        stored.pivot(index="indicator_code", columns="area", values="value")
        .reindex(index=ind["code"], columns=areas)
        .to_numpy(dtype="float64")
    )
    base = np.where(np.isnan(base), 10.0, base)
    rng = np.random.default_rng(SEED)
    steps = 1 + rng.normal(0, STEP_NOISE, (n_ind, n_q, n_area))
    values = np.empty((n_ind, n_q, n_area))
    level = base
    for k in range(n_q - 1, -1, -1):
        level = level * steps[:, k, :]
        values[:, k, :] = level
    unit = ind["unit"].to_numpy()[:, None, None]
    values = np.where(unit == "percent", np.clip(values, 1, 100), np.maximum(values, 0))
    decimals = ind["decimals"].astype(int).to_numpy()
    for d in np.unique(decimals):
        values[decimals == d] = np.round(values[decimals == d], int(d))
    previous = np.concatenate([np.full((n_ind, 1, n_area), np.nan), values[:, :-1, :]], axis=1)

    # Flatten quarter-major: (quarter, indicator, area).
    def flat(a: np.ndarray) -> np.ndarray:
        return a.transpose(1, 0, 2).reshape(-1)

    shape = (n_ind, n_q, n_area)
    i_idx = np.broadcast_to(np.arange(n_ind)[:, None, None], shape)
    q_idx = np.broadcast_to(np.arange(n_q)[None, :, None], shape)
    a_idx = np.broadcast_to(np.arange(n_area)[None, None, :], shape)
    i_f, q_f, a_f = flat(i_idx), flat(q_idx), flat(a_idx)
    keep = slice(len(i_f) - n_rows, None)
    i_f, q_f, a_f = i_f[keep], q_f[keep], a_f[keep]
    value, prev = flat(values)[keep], flat(previous)[keep]

    is_int = (ind["unit"].eq("count") & ind["decimals"].eq(0)).to_numpy()[i_f]
    codes = ind["code"].to_numpy(dtype=object)
    code_col = codes[i_f]
    period_col = np.array([q.code for q in quarters], dtype=object)[q_f]
    whole = a_f == 0

    def cells(numbers: np.ndarray) -> np.ndarray:
        ints = np.round(np.nan_to_num(numbers)).astype("int64").astype(object)
        out = np.where(is_int, ints, numbers.astype(object))
        return np.where(np.isnan(numbers), None, out)

    targets = ind["target"].to_numpy(dtype="float64")[i_f]
    target_col = np.where(whole & ~np.isnan(targets), targets.astype(object), None)
    noted = whole & ((i_f + q_f) % 50 == 0)
    commentary = np.where(
        noted,
        np.char.add(
            np.char.add("Benchmark note for ", code_col.astype(str)), " " + period_col.astype(str)
        ),
        None,
    ).astype(object)
    blockage = np.where(noted, np.where(i_f % 7 == 0, "Y", "N"), None).astype(object)
    units = ind["unit"].map(lambda u: UNIT_LABELS.get(u, u)).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "Indicator code": code_col,
            "Indicator": ind["name"].to_numpy(dtype=object)[i_f],
            "Period": period_col,
            "Unit": units[i_f],
            "Previous value": cells(prev),
            "Target": target_col,
            "Value": cells(value),
            "Commentary": commentary,
            "Blockage for the board (Y/N)": blockage,
            AREA_HEADER: np.where(whole, None, np.array(areas, dtype=object)[a_f]).astype(object),
        }
    )
    expected = [*RETURN_HEADER, AREA_HEADER]
    if list(frame.columns) != expected:
        raise RuntimeError(f"columns {list(frame.columns)} do not match the template {expected}")
    if frame.duplicated(["Indicator code", "Period", AREA_HEADER]).any():
        raise RuntimeError("generated rows are not distinct")
    return frame


def write_workbook(frame: pd.DataFrame, path: Path, title: str) -> None:
    """The frame as sheet ``Return`` of an xlsx, openpyxl write-only (streamed) mode."""
    from openpyxl import Workbook

    from outcomes.workflows.template import RETURN_SHEET

    wb = Workbook(write_only=True)
    wb.properties.title = title  # the one difference between the re-saved copies
    ws = wb.create_sheet(RETURN_SHEET)
    ws.append(list(frame.columns))
    for row in frame.to_numpy(dtype=object).tolist():
        ws.append(row)
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# The timings


def _problem_counts(prepared) -> dict[str, int]:
    return dict(Counter(f"{p.severity}:{p.code}" for p in prepared.problems))


def _profile_top(profile: cProfile.Profile, sort: str, n: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(n)
    text = out.getvalue()
    start = text.find("   ncalls")
    return text[start:].rstrip() if start >= 0 else text


def _count(cur, table: str) -> int:
    return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def run(workdir: Path, n_rows: int, keep: bool, profile: bool) -> dict[str, Any]:
    from loaders.returns import read_return
    from outcomes.storage.store import open_store
    from outcomes.workflows import uploads

    results: dict[str, Any] = {"machine": _machine(), "rows": n_rows, "steps": {}}
    steps = results["steps"]
    today = date.today()

    print("Preparing the large database ...", flush=True)
    db, build = _large_db(workdir, keep)
    results["database"] = build
    store = open_store(db)
    try:
        cur = store.cursor()
        print(f"Generating a {n_rows:,}-row return ...", flush=True)
        t_gen, frame = _timed(lambda: return_frame(cur, n_rows))
        first = workdir / "return-large.xlsx"
        again = workdir / "return-large-resaved.xlsx"
        copy = workdir / "return-large-copy.xlsx"
        t_write, _ = _timed(lambda: write_workbook(frame, first, "Benchmark return"))
        write_workbook(frame, again, "Benchmark return (re-saved)")
        shutil.copyfile(first, copy)
        periods_in = sorted(frame["Period"].unique())
        results["workbook"] = {
            "path": str(first),
            "mb": round(first.stat().st_size / 1e6, 2),
            "generate_s": t_gen["s"],
            "write_openpyxl_write_only_s": t_write["s"],
            "periods": f"{periods_in[0]} .. {periods_in[-1]} ({len(periods_in)})",
            "indicators": int(frame["Indicator code"].nunique()),
            "areas_incl_partnership": int(frame["Area"].fillna("all").nunique()),
            "commentary_rows": int(frame["Commentary"].notna().sum()),
        }

        print("Timing ...", flush=True)
        # 1. The yardstick, twice: the first read also warms the page cache and calamine.
        raw = [
            _timed(lambda: pd.read_excel(first, engine="calamine", sheet_name="Return"))
            for _ in range(2)
        ]
        if len(raw[-1][1]) != n_rows:
            raise RuntimeError(f"calamine read {len(raw[-1][1]):,} rows, expected {n_rows:,}")
        steps["raw calamine parse"] = {
            **min((t for t, _ in raw), key=lambda t: t["s"]),
            "runs": [t for t, _ in raw],
        }
        del raw

        # 2. The loader alone.
        t, read = _timed(lambda: read_return(first))
        if len(read.rows) != n_rows or read.errors:
            raise RuntimeError(f"read_return: {len(read.rows):,} rows, {read.errors[:3]}")
        steps["read_return (loader only)"] = t
        del read

        # 3. prepare and preview, first file.
        t, prepared = _timed(lambda: uploads.prepare(cur, first, today=today, by=BENCHMARKER))
        if prepared.errors or len(prepared.observations) != n_rows:
            raise RuntimeError(
                f"prepare: {len(prepared.observations):,} figures, errors {prepared.errors[:3]}"
            )
        steps["prepare (read + check)"] = {**t, "problems": _problem_counts(prepared)}
        if profile:
            print("Profiling one more prepare ...", flush=True)
            prof = cProfile.Profile()
            t_prof, _ = _timed(lambda: prof.runcall(uploads.prepare, cur, first, today=today))
            results["profile"] = {
                "prepare_under_cprofile_s": t_prof["s"],
                "tottime": _profile_top(prof, "tottime", 20),
                "cumulative": _profile_top(prof, "cumulative", 30),
            }
        t, shown = _timed(lambda: uploads.preview(cur, prepared))
        if shown.counts["new"] != n_rows:
            raise RuntimeError(f"preview: {shown.counts}")
        steps["preview (write + roll back)"] = {**t, "counts": shown.counts}
        if _count(cur, "observation") != common.LARGE_EXPECTED_OBSERVATIONS:
            raise RuntimeError("preview left figures behind")

        # 4. commit, first load.
        t, result = _timed(
            lambda: uploads.commit(cur, prepared, by=BENCHMARKER, accept_warnings=True)
        )
        if result.rows_new != n_rows:
            raise RuntimeError(f"commit: {result}")
        steps["commit (all new)"] = {**t, "result": result.__dict__}
        notes_after_first = _count(cur, "commentary")

        # 5. The same figures, different bytes and name: every figure classified unchanged.
        t_p, prepared = _timed(lambda: uploads.prepare(cur, again, today=today, by=BENCHMARKER))
        if prepared.already_loaded is not None or prepared.errors:
            raise RuntimeError("the re-saved file should not count as already loaded")
        t_c, result = _timed(
            lambda: uploads.commit(cur, prepared, by=BENCHMARKER, accept_warnings=True)
        )
        if result.rows_unchanged != n_rows or result.changed:
            raise RuntimeError(f"second commit: {result}")
        steps["prepare again (re-saved)"] = {**t_p, "problems": _problem_counts(prepared)}
        steps["commit again (all unchanged)"] = {**t_c, "result": result.__dict__}

        # 6. A byte-identical copy: recognised by its SHA-256, nothing classified.
        t_p, prepared = _timed(lambda: uploads.prepare(cur, copy, today=today, by=BENCHMARKER))
        if prepared.already_loaded is None:
            raise RuntimeError("the identical copy should be recognised as already loaded")
        t_c, result = _timed(lambda: uploads.commit(cur, prepared, by=BENCHMARKER))
        steps["prepare identical copy"] = t_p
        steps["commit identical copy (short cut)"] = {**t_c, "result": result.__dict__}

        results["after"] = {
            "observation": _count(cur, "observation"),
            "upload": _count(cur, "upload"),
            "commentary_after_first_commit": notes_after_first,
            "commentary_after_all": _count(cur, "commentary"),
        }
    finally:
        store.close()
    return results


def report(results: dict[str, Any]) -> str:
    m, w, n = results["machine"], results["workbook"], results["rows"]
    out = [
        f"Machine: {m['cores']} cores ({m['cores_usable']} usable), {m['processor']}, {m['platform']}",
        f"         Python {m['python']}, duckdb {m['duckdb']}, pandas {m['pandas']}, "
        f"python-calamine {m['python-calamine']}, openpyxl {m['openpyxl']}",
        f"Return: {n:,} rows, {w['indicators']} indicators x {w['areas_incl_partnership']} areas, "
        f"{w['periods']}, {w['commentary_rows']:,} with commentary; {w['mb']} MB xlsx "
        f"(generated {w['generate_s']:.1f} s, written {w['write_openpyxl_write_only_s']:.1f} s)",
        f"Database: large framework, {common.LARGE_EXPECTED_OBSERVATIONS:,} figures before the load",
        f"Load average (1 min) at start {m['load_start']}, at end {results.get('load_end')}: "
        "a busy machine stretches wall time; CPU time is the steadier figure.",
        "",
        f"  {'step':36}{'wall s':>8}{'rows/s':>9}{'x raw':>7}{'cpu s':>8}{'x raw':>7}",
    ]
    steps = results["steps"]
    raw, raw_cpu = steps["raw calamine parse"]["s"], steps["raw calamine parse"]["cpu_s"]
    for name, step in steps.items():
        s, c = step["s"], step["cpu_s"]
        rate = f"{n / s:>9,.0f}" if s > 0.01 else f"{'-':>9}"
        out.append(f"  {name:36}{s:>8.2f}{rate}{s / raw:>6.1f}x{c:>8.2f}{c / raw_cpu:>6.1f}x")
    prep, loader = steps["prepare (read + check)"], steps["read_return (loader only)"]
    out += [
        "",
        f"Headline: prepare = {prep['s'] / raw:.1f}x the raw calamine parse in wall time, "
        f"{prep['cpu_s'] / raw_cpu:.1f}x in CPU time (loader alone {loader['s'] / raw:.1f}x / "
        f"{loader['cpu_s'] / raw_cpu:.1f}x; the row checks the rest).",
        f"Problems found by prepare: {prep['problems'] or 'none'}",
        f"After: {results['after']}",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the return (200,000)")
    common.add_keep_option(parser, "the files (the pristine large database is reused)")
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the cProfile run of prepare"
    )
    common.add_json_option(parser, RESULTS, ROOT)
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")

    started = time.perf_counter()
    with common.work_folder(args.keep, "bench-returns-") as workdir:
        results = run(workdir, args.rows, keep=bool(args.keep), profile=not args.no_profile)
    results["wall_clock_s"] = time.perf_counter() - started
    results["load_end"] = _load()

    print()
    print(report(results))
    print(f"\nWhole benchmark: {results['wall_clock_s']:.1f} s wall clock.")
    if "profile" in results:
        p = results["profile"]
        print(
            f"\n===== profile: prepare under cProfile ({p['prepare_under_cprofile_s']:.1f} s) ====="
        )
        print(f"--- by own time ---\n{p['tottime']}\n--- cumulative ---\n{p['cumulative']}")
    common.write_results(results, Path(args.json))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
