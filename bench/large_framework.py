"""A large, deterministic framework for benchmarking: 60 priorities, 600 indicators, 744,000 figures.

60 priorities spread evenly over the three tiers, 10 quarterly indicators each (mixed level,
unit and polarity; a few without a target, a few judged against the baseline), 40 quarters
(2015/16 Q1 to 2024/25 Q4) for 30 neighbourhoods plus ``all``, the partnership total:
60 * 10 * 40 * 31 = 744,000 observation rows.

The database is built through the real code paths: the framework goes through
``framework.from_nested`` (validation) and ``framework.import_framework``; the figures go in as
one DataFrame, through ``observations.record_upload`` (the default, which classifies every row
and inserts with ``store.insert_frame``) or, with ``--method direct``, as an ``upload`` row plus
one ``insert_frame`` of the observation rows. Never row by row.

    .venv/bin/python bench/large_framework.py --db /tmp/large.duckdb
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from loaders import periods  # noqa: E402
from outcomes.queries.observations import content_hash, normalise, record_upload  # noqa: E402
from outcomes.storage.people import Person  # noqa: E402
from outcomes.storage.store import insert_frame, open_store  # noqa: E402
from outcomes.workflows.framework import Framework, from_nested, import_framework  # noqa: E402

N_PRIORITIES = 60
INDICATORS_PER_PRIORITY = 10
N_AREAS = 30
FIRST_QUARTER = (2015, 1)  # 2015/16 Q1
LAST_QUARTER = (2024, 4)  # 2024/25 Q4
SEED = 20240401

TIERS = [
    {"code": "individuals", "label": "Individuals", "description": "Victims and offenders"},
    {"code": "communities", "label": "Communities", "description": "Places and groups of people"},
    {"code": "issues", "label": "Issues", "description": "City-wide issues"},
]
PARTNERS = [
    {"code": "council", "name": "Borough Council", "sector": "Council"},
    {"code": "police", "name": "Constabulary", "sector": "Police"},
    {"code": "health", "name": "Integrated Care Board", "sector": "Health"},
    {"code": "probation", "name": "Probation Service", "sector": "Probation"},
    {"code": "fire", "name": "Fire and Rescue Service", "sector": "Fire"},
    {"code": "communities", "name": "Community and voluntary sector", "sector": "Communities"},
]
# (unit, decimals, typical level) in turn; polarity cycles separately so the pairs vary.
UNITS = [("count", 0, 400.0), ("percent", 1, 60.0), ("rate_per_1000", 2, 8.0), ("score", 1, 50.0)]
POLARITIES = ["higher", "lower", "lower", "higher", "none"]


def quarters() -> list[periods.Period]:
    return periods.period_range(periods.quarter(*FIRST_QUARTER), periods.quarter(*LAST_QUARTER))


def area_codes() -> list[str]:
    return ["all"] + [f"area-{n:02d}" for n in range(1, N_AREAS + 1)]


def _indicator_plan(p: int, i: int, rng: np.random.Generator) -> dict:
    """One indicator's definition plus the shape of its series (start, end, noise)."""
    n = p * INDICATORS_PER_PRIORITY + i
    unit, decimals, typical = UNITS[n % len(UNITS)]
    polarity = POLARITIES[n % len(POLARITIES)]
    start = typical * rng.uniform(0.7, 1.3)
    drift = rng.uniform(-0.25, 0.25)
    end = start * (1 + drift)
    if unit == "percent":
        start, end = min(start, 95.0), min(end, 95.0)
    # The target sits near the final figure so the statuses come out mixed (green/amber/red).
    offset = rng.choice([-0.08, -0.03, 0.0, 0.03, 0.08])
    target = None if n % 13 == 0 else round(end * (1 + offset), decimals)
    method = "baseline" if n % 17 == 0 else "target"
    return {
        "code": f"P{p + 1:02d}I{i + 1:02d}",
        "name": f"Indicator {i + 1} of priority {p + 1} ({unit}, {polarity} is better)"
        if polarity != "none"
        else f"Indicator {i + 1} of priority {p + 1} ({unit}, context only)",
        "definition": f"Generated benchmark indicator {n + 1}: a quarterly {unit} reported by area.",
        "level": "outcome" if i < 4 else "output",
        "unit": unit,
        "polarity": polarity,
        "frequency": "quarterly",
        "source_partner": PARTNERS[n % len(PARTNERS)]["code"],
        "accountable_role": f"Performance lead {n % 25 + 1}",
        "target": target,
        "tolerance": 5,
        "baseline": {"value": round(start, decimals), "period": "2015/16 Q1"},
        "status_method": method,
        "by_area": True,
        "decimals": decimals,
        "_series": (start, end, rng.uniform(0.02, 0.08)),
    }


def framework_doc() -> tuple[dict, list[dict]]:
    """The nested (YAML-shaped) framework and each indicator's series plan, deterministically."""
    rng = np.random.default_rng(SEED)
    priorities, plans = [], []
    per_tier = N_PRIORITIES // len(TIERS)
    for p in range(N_PRIORITIES):
        tier = TIERS[min(p // per_tier, len(TIERS) - 1)]["code"]
        lead = PARTNERS[p % len(PARTNERS)]
        indicators = []
        for i in range(INDICATORS_PER_PRIORITY):
            plan = _indicator_plan(p, i, rng)
            plans.append(
                {
                    "code": plan["code"],
                    "unit": plan["unit"],
                    "decimals": plan["decimals"],
                    "series": plan.pop("_series"),
                }
            )
            indicators.append({k: v for k, v in plan.items() if v is not None})
        priorities.append(
            {
                "id": f"priority-{p + 1:02d}",
                "tier": tier,
                "title": f"Priority {p + 1}: generated for benchmarking ({tier})",
                "aim": f"Reduce harm in area of concern {p + 1}.",
                "outputs": "More people get help sooner.",
                "outcomes": "People are safer and feel safer.",
                "success_measures": "The indicators below.",
                "lead_role": f"Head of service {p + 1}, {lead['name']}",
                "lead_partner": lead["code"],
                "roll_up": ["worst", "majority", "outcomes_worst"][p % 3],
                "indicators": indicators,
            }
        )
    doc = {
        "partnership": {
            "name": "Large Benchmark Partnership",
            "area_name": "Benchmarkshire",
            "vision": "A place where people are safe and feel safe.",
            "working_together": "...working together and with others.",
            "roll_up": "worst",
        },
        "partners": PARTNERS,
        "tiers": TIERS,
        "areas": [
            {"code": "all", "name": "Benchmarkshire (whole partnership)", "kind": "partnership"}
        ]
        + [
            {"code": c, "name": f"Neighbourhood {c[-2:]}", "kind": "neighbourhood"}
            for c in area_codes()[1:]
        ],
        "priorities": priorities,
    }
    return doc, plans


def build_framework() -> tuple[Framework, list[dict]]:
    doc, plans = framework_doc()
    return from_nested(doc, source="large benchmark framework"), plans


def observations_frame(plans: list[dict]) -> pd.DataFrame:
    """Every figure as one DataFrame (indicator_code, period, area, value, note), vectorised."""
    rng = np.random.default_rng(SEED + 1)
    qs = [q.code for q in quarters()]
    areas = area_codes()
    n_ind, n_q, n_a = len(plans), len(qs), len(areas)
    # Partnership-wide level per indicator and quarter: a smooth path from start to end plus noise.
    start = np.array([p["series"][0] for p in plans])[:, None]
    end = np.array([p["series"][1] for p in plans])[:, None]
    noise = np.array([p["series"][2] for p in plans])[:, None]
    progress = (0.5 - 0.5 * np.cos(np.pi * np.linspace(0, 1, n_q)))[None, :]
    level = (start + (end - start) * progress) * (1 + rng.normal(0, 1, (n_ind, n_q)) * noise)
    # Areas: counts split the total by a share per area, other units vary around the total.
    shares = rng.dirichlet(np.full(n_a - 1, 4.0))
    wobble = 1 + rng.normal(0, 0.1, (n_ind, n_q, n_a - 1))
    is_count = np.array([p["unit"] == "count" for p in plans])[:, None, None]
    by_area = np.where(
        is_count, level[:, :, None] * shares[None, None, :] * wobble, level[:, :, None] * wobble
    )
    values = np.concatenate([level[:, :, None], by_area], axis=2)  # (indicator, quarter, area)
    is_percent = np.array([p["unit"] == "percent" for p in plans])[:, None, None]
    values = np.where(is_percent, np.clip(values, 0, 100), np.maximum(values, 0))
    decimals = np.array([p["decimals"] for p in plans])
    for d in np.unique(decimals):
        rows = decimals == d
        values[rows] = np.round(values[rows], int(d))
    return pd.DataFrame(
        {
            "indicator_code": np.repeat([p["code"] for p in plans], n_q * n_a),
            "period": np.tile(np.repeat(qs, n_a), n_ind),
            "area": np.tile(areas, n_ind * n_q),
            "value": values.reshape(-1),
            "note": pd.Series([None] * (n_ind * n_q * n_a), dtype=object),
        }
    )


def _insert_direct(cur, frame: pd.DataFrame) -> int:
    """An upload row and one DataFrame insert of every observation (first load only)."""
    rows = normalise(frame)
    cur.execute("BEGIN TRANSACTION")
    try:
        upload_id = cur.execute(
            "INSERT INTO upload (uploaded_by, file_name, sha256, source_format, rows_new) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [
                "benchmark generator",
                "large benchmark (generated)",
                content_hash(rows),
                "demo",
                len(rows),
            ],
        ).fetchone()[0]
        rows["revision"] = 1
        rows["upload_id"] = upload_id
        insert_frame(cur, "observation", rows)
        cur.execute(
            "INSERT INTO audit_log (who, entity, entity_key, change, after) VALUES (?, 'upload', ?, 'committed', ?)",
            ["benchmark generator", str(upload_id), json.dumps({"rows_new": len(rows)})],
        )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    return len(rows)


def build_large(path: str | Path, method: str = "record_upload", replace: bool = True) -> dict:
    """Build the large database at ``path``; returns row counts and the time each step took."""
    path = Path(path)
    if replace:
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    framework, plans = build_framework()
    timings["framework_validate_s"] = time.perf_counter() - t0

    t = time.perf_counter()
    store = open_store(path)
    try:
        cur = store.cursor()
        import_framework(
            cur, framework, by=Person(None, "benchmark generator", "admin", how="benchmark")
        )
        timings["framework_import_s"] = time.perf_counter() - t

        t = time.perf_counter()
        frame = observations_frame(plans)
        timings["observations_generate_s"] = time.perf_counter() - t

        t = time.perf_counter()
        if method == "record_upload":
            result = record_upload(
                cur,
                frame,
                by=Person(None, "benchmark generator", "admin", how="benchmark"),
                file_name="large benchmark (generated)",
                source_format="demo",
            )
            inserted = result.rows_new
        elif method == "direct":
            inserted = _insert_direct(cur, frame)
        else:
            raise ValueError(f"method must be record_upload or direct, not {method!r}")
        timings["observations_insert_s"] = time.perf_counter() - t

        t = time.perf_counter()
        cur.execute("CHECKPOINT")
        timings["checkpoint_s"] = time.perf_counter() - t
        counts = {
            table: cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("priority", "indicator", "area", "observation", "upload")
        }
    finally:
        store.close()
    timings["total_s"] = time.perf_counter() - t0
    if inserted != len(frame):
        raise RuntimeError(f"expected {len(frame):,} new figures, stored {inserted:,}")
    return {
        "path": str(path),
        "method": method,
        "rows": counts,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="PATH", help="database file to (re)create")
    parser.add_argument(
        "--method",
        choices=("record_upload", "direct"),
        default="record_upload",
        help="record_upload (default): the app's upload path; direct: upload row + one insert_frame",
    )
    args = parser.parse_args(argv)
    print(json.dumps(build_large(args.db, method=args.method), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
