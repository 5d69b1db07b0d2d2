"""The national benchmark's databases: ~300 partnerships, each its own framework and schema.

Each partnership is what a real one is (issue 19): registered with ``partnership add``, its own
framework of five priorities of five indicators, its own return of 40 quarters x 31 areas
(the partnership's total and 30 neighbourhoods: 31,000 figures). The partnerships share their
indicators' codes (as partnerships reporting the same national measures do), so the force-wide
view has indicators to compare.

The partnerships a commissioner holds to account (the force area, ``Shape.force``) go in the
way a partnership's own do: ``outcomes partnership add --framework`` and ``outcomes load`` of
its return. The rest of a national database is copied from one of them, schema to schema in
SQL after ``partnerships.add`` made its schema: loading all ~300 through ``outcomes load`` costs
what the load rate says (printed), and the pages' ratios do not depend on how the other
partnerships' rows got there, only on there being that many.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.large_framework import PARTNERS, POLARITIES, TIERS, UNITS

SEED = 20261207
QUARTERS = 40
N_AREAS = 30  # neighbourhoods, besides the partnership's own total
PRIORITIES_PER_PARTNERSHIP = 5
INDICATORS_PER_PRIORITY = 5
PER_PARTNERSHIP = PRIORITIES_PER_PARTNERSHIP * INDICATORS_PER_PRIORITY * QUARTERS * (N_AREAS + 1)
FORCE = 10  # the partnerships of one force area: a commissioner's span
COMMISSIONER = "commissioner@opcc.example"
BY = "benchmark"


@dataclass(frozen=True)
class Shape:
    """How big a database is: ``partnerships`` of PER_PARTNERSHIP figures each, of which the
    first ``force`` are loaded through ``outcomes load`` and held to account by a commissioner."""

    partnerships: int
    force: int

    @classmethod
    def of(cls, scale: float) -> Shape:
        """About ``scale`` figures: 10^7 is 323 partnerships, a force area of 10 among them."""
        count = max(2, round(scale / PER_PARTNERSHIP))
        return cls(partnerships=count, force=max(2, min(FORCE, count // 3)))

    def force_area(self) -> Shape:
        """The small database measured against: this one's force area and nothing else."""
        return Shape(partnerships=self.force, force=self.force)

    @property
    def observations(self) -> int:
        return self.partnerships * PER_PARTNERSHIP

    @property
    def indicators(self) -> int:
        return self.partnerships * PRIORITIES_PER_PARTNERSHIP * INDICATORS_PER_PRIORITY


def partnership_id(n: int) -> str:
    return f"csp-{n + 1:03d}"


def partnership_name(n: int) -> str:
    return f"Community Safety Partnership {n + 1:03d}"


def measured() -> str:
    """The partnership whose pages are timed: in the force area, in a schema of its own."""
    return partnership_id(1)


def _quarters() -> list[str]:
    """The last QUARTERS quarters that have finished by the end of 2025/26 Q2."""
    from loaders import periods

    last = periods.quarter(2025, 2)
    return [last.previous(k).code for k in range(QUARTERS - 1, -1, -1)]


def partnership_framework(n: int) -> dict:
    """Partnership ``n``'s nested (YAML-shaped) framework: five priorities of five indicators."""
    rng = np.random.default_rng(SEED + n)
    priorities = []
    for pri in range(PRIORITIES_PER_PARTNERSHIP):
        indicators = []
        for i in range(INDICATORS_PER_PRIORITY):
            k = pri * INDICATORS_PER_PRIORITY + i
            unit, decimals, typical = UNITS[k % len(UNITS)]
            level = round(typical * rng.uniform(0.8, 1.2), decimals)
            indicators.append(
                {
                    "code": f"P{pri + 1}I{i + 1}",
                    "name": f"Indicator {i + 1} of priority {pri + 1}",
                    "definition": f"Generated national benchmark indicator ({unit}).",
                    "level": "outcome" if i < 2 else "output",
                    "unit": unit,
                    "polarity": POLARITIES[k % len(POLARITIES)],
                    "frequency": "quarterly",
                    "source_partner": PARTNERS[k % len(PARTNERS)]["code"],
                    "accountable_role": f"Performance lead {k + 1}",
                    "target": level,
                    "tolerance": 5,
                    "baseline": {"value": level, "period": _quarters()[0]},
                    "by_area": True,
                    "decimals": decimals,
                }
            )
        priorities.append(
            {
                "id": f"priority-{pri + 1}",
                "tier": TIERS[pri % len(TIERS)]["code"],
                "title": f"Priority {pri + 1}",
                "aim": "Reduce harm.",
                "outputs": "More people get help sooner.",
                "outcomes": "People are safer and feel safer.",
                "success_measures": "The indicators below.",
                "lead_role": "Head of service",
                "lead_partner": PARTNERS[pri % len(PARTNERS)]["code"],
                "indicators": indicators,
            }
        )
    return {
        "partnership": {
            "name": partnership_name(n),
            "area_name": "Plymouth",  # police.uk rows are counted for this area
            "vision": "A place where people are safe and feel safe.",
            "working_together": "...working together and with others.",
        },
        "partners": PARTNERS,
        "tiers": TIERS,
        "areas": [{"code": "all", "name": "The partnership", "kind": "partnership"}]
        + [
            {"code": f"area-{a:02d}", "name": f"Neighbourhood {a:02d}", "kind": "neighbourhood"}
            for a in range(1, N_AREAS + 1)
        ],
        "priorities": priorities,
    }


def return_frame(doc: dict, n: int) -> pd.DataFrame:
    """Partnership ``n``'s return as a DataFrame (Indicator code, Period, Area, Value)."""
    rng = np.random.default_rng(SEED + 10_000 + n)
    qs = np.array(_quarters(), dtype=object)
    areas = np.array([None] + [f"Neighbourhood {a:02d}" for a in range(1, N_AREAS + 1)])
    indicators = [i for p in doc["priorities"] for i in p["indicators"]]
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
    return pd.DataFrame(
        {
            "Indicator code": np.repeat([i["code"] for i in indicators], n_q * n_a),
            "Period": np.tile(np.repeat(qs, n_a), n_i),
            "Area": np.tile(areas, n_i * n_q),
            "Value": values.reshape(-1),
        }
    )


# ---------------------------------------------------------------------------------------------
# CPU seconds, and the command line in this process


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


def cpu() -> float:
    """CPU seconds of this process and of the children that read its files."""
    return time.process_time() + _readers_cpu()


def outcomes(*args: str, answer: bool = True) -> dict[str, Any]:
    """``python -m outcomes ARGS [--json]`` in this process: its answer (when ``answer``),
    clock and CPU seconds (the command's and its file readers')."""
    from outcomes import cli

    out = io.StringIO()
    wall, started = time.perf_counter(), cpu()
    with contextlib.redirect_stdout(out):
        code = cli.main([*args, "--json"] if answer else list(args))
    timing = {"s": time.perf_counter() - wall, "cpu_s": cpu() - started}
    if code != 0:
        raise RuntimeError(
            f"outcomes {' '.join(args[:2])} ... failed ({code}): {out.getvalue()[-3000:]}"
        )
    return {**timing, "answer": json.loads(out.getvalue()) if answer else out.getvalue()}


# ---------------------------------------------------------------------------------------------
# Building


def _by():
    from outcomes.storage.people import Person

    return Person(None, BY, "admin", how="benchmark")


def _load_partnership(db: str, n: int, folder: Path) -> dict[str, Any]:
    """Partnership ``n`` as a partnership's own go in: added with its framework, then its
    return through ``outcomes load``. Returns the load's timing."""
    import yaml

    doc = partnership_framework(n)
    pid = partnership_id(n)
    framework = folder / f"{pid}.yaml"
    framework.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    outcomes("partnership", "add", pid, "--name", doc["partnership"]["name"], "--db", db,
             "--framework", str(framework), answer=False)  # fmt: skip
    file = folder / f"{pid}.csv"
    return_frame(doc, n).to_csv(file, index=False)
    load = outcomes("load", str(file), "--db", db, "--partnership", pid, "--accept-warnings")
    file.unlink()
    framework.unlink()
    return load


class Copier:
    """The rest of a national database: partnership ``n`` made by ``partnerships.add`` (its
    schema and registry row, as for any partnership), then every table of a loaded one's schema
    copied into it in SQL, in one transaction, renamed and its id sequences moved on."""

    def __init__(self, store, template: str) -> None:
        from outcomes.storage import moving
        from outcomes.workflows import partnerships

        self.store = store
        self.template = partnerships.chosen(store.cursor(None), template).schema
        own = store.cursor(self.template)
        self.tables = moving.tables_in_order(own)
        self.columns = {t: [c for c, _ in moving._columns(own, t)] for t in self.tables}
        self.sequences = moving._sequences(own)

    def copy(self, n: int) -> None:
        from outcomes.storage import moving
        from outcomes.storage.store import transaction
        from outcomes.workflows import partnerships

        made = partnerships.add(self.store, partnership_id(n), name=partnership_name(n), by=_by())
        cur = self.store.cursor(made.schema)
        with transaction(cur):
            for table in reversed(self.tables):
                cur.execute(f'DELETE FROM "{table}"')  # the starting framework add() made
            for table in self.tables:
                names = ", ".join(f'"{c}"' for c in self.columns[table])
                cur.execute(
                    f'INSERT INTO {made.schema}."{table}" ({names}) '
                    f'SELECT {names} FROM {self.template}."{table}"'
                )
            cur.execute("UPDATE partnership SET name = ?", [partnership_name(n)])
            for sequence, table, column in self.sequences:
                top = cur.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]
                if top is not None:
                    moving._advance(cur, sequence, int(top))


def build(db: str, shape: Shape, workdir: Path) -> dict[str, Any]:
    """A database of ``shape`` at ``db`` (a new DuckDB file, or an empty PostgreSQL database):
    the force area loaded through the command line, the rest copied; the commissioner added."""
    from outcomes.storage.store import open_store
    from outcomes.workflows import partnerships

    folder = workdir / f"returns-{shape.partnerships}"
    folder.mkdir(parents=True, exist_ok=True)
    loads = []
    started, started_cpu = time.perf_counter(), cpu()
    for n in range(shape.force):
        loads.append(_load_partnership(db, n, folder))
    loaded_s, loaded_cpu = time.perf_counter() - started, cpu() - started_cpu
    copied_from, copied_cpu = time.perf_counter(), cpu()
    store = open_store(db)
    try:
        copier = Copier(store, measured())
        for n in range(shape.force, shape.partnerships):
            copier.copy(n)
            if (n + 1) % 50 == 0:
                print(f"    {n + 1} partnerships", flush=True)
        partnerships.add_commissioner(
            store,
            COMMISSIONER,
            name="Police and Crime Commissioner",
            partnership_ids=[partnership_id(n) for n in range(shape.force)],
            by=_by(),
        )
        stored = _observations(store)
    finally:
        store.close()
    if stored != shape.observations:
        raise RuntimeError(f"expected {shape.observations:,} figures, stored {stored:,}")
    load_s, load_cpu = sum(x["s"] for x in loads), sum(x["cpu_s"] for x in loads)
    figures = shape.force * PER_PARTNERSHIP
    return {
        "db": db,
        "shape": asdict(shape),
        "observations": stored,
        "partnerships": shape.partnerships,
        "loaded": shape.force,
        "loaded_figures": figures,
        "loaded_s": loaded_s,
        "loaded_cpu_s": loaded_cpu,
        "load_s": load_s,
        "load_cpu_s": load_cpu,
        "per_second": figures / load_s if load_s else None,
        "per_cpu_second": figures / load_cpu if load_cpu else None,
        "copied": shape.partnerships - shape.force,
        "copied_s": time.perf_counter() - copied_from,
        "copied_cpu_s": cpu() - copied_cpu,
        "db_mb": db_mb(db),
    }


def _observations(store) -> int:
    from outcomes.workflows import partnerships

    return sum(
        store.cursor(p.schema).execute("SELECT count(*) FROM observation").fetchone()[0]
        for p in partnerships.listed(store.cursor(None))
    )


def observations(db: str) -> int:
    from outcomes.storage.store import open_store

    store = open_store(db)
    try:
        return _observations(store)
    finally:
        store.close()


def db_mb(db: str) -> float:
    """The database's size: the DuckDB file and its write-ahead log, or PostgreSQL's own count."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as con:
            size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        return size / 1e6
    wal = Path(f"{db}.wal")
    return (Path(db).stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


# ---------------------------------------------------------------------------------------------
# Engines


class Engines:
    """Where each database is made: DuckDB files in the work folder, PostgreSQL databases in
    ``--pg-url``'s server or a throwaway cluster (tests/postgres.py), stopped at the end."""

    def __init__(self, workdir: Path, pg_url: str | None = None) -> None:
        self.workdir = workdir
        self.pg_url = pg_url
        self.cluster = None

    def target(self, engine: str, label: str, fresh: bool) -> str:
        if engine == "duckdb":
            path = self.workdir / f"{label}.duckdb"
            if fresh:
                path.unlink(missing_ok=True)
                Path(f"{path}.wal").unlink(missing_ok=True)
            return str(path)
        return self._pg_database(f"national_{label}", fresh)

    def _pg_database(self, name: str, fresh: bool) -> str:
        import psycopg

        if self.pg_url is None:
            from tests import postgres

            if self.cluster is None:
                self.cluster = postgres.start()
            self.pg_url = self.cluster.url()
        with psycopg.connect(self.pg_url, autocommit=True) as con:
            exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if fresh and exists:
                con.execute(f"DROP DATABASE {name} WITH (FORCE)")
            if fresh or not exists:
                con.execute(f"CREATE DATABASE {name}")
        return self.pg_url.rsplit("/", 1)[0] + "/" + name

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


@contextlib.contextmanager
def engines(workdir: Path, pg_url: str | None) -> Iterator[Engines]:
    made = Engines(workdir, pg_url)
    try:
        yield made
    finally:
        made.close()


def log10(n: float) -> str:
    return f"10^{math.log10(n):.1f}"
