"""The demo: the Safer Plymouth framework with four years of made-up but plausible figures.

Deterministic (seeded per indicator), so every machine builds the same demo and the tests can
rely on what it shows. Each indicator follows a path from its baseline towards a planned final
figure, chosen so that the demo shows every status (green, amber, red and each kind of not
rated), with a few gaps and one correction, as real returns have.

Magnitudes are for a city of about 265,000 people (Plymouth's mid-2021 estimate is 264,700).
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders import periods
from outcomes.framework import Framework, from_yaml, import_framework
from outcomes.observations import (
    OBSERVATIONS,
    SERIES,
    UploadWriter,
    content_hash,
    normalise,
    record_upload,
)
from outcomes.people import SYSTEM, Person, seed_demo_people
from outcomes.store import PROJECT_ROOT, transaction

DEMO_FRAMEWORK = PROJECT_ROOT / "data" / "framework.yaml"
FIRST_FY, LAST_FY = 2021, 2024  # 2021/22 Q1 to 2024/25 Q4


@dataclass(frozen=True)
class Plan:
    """How one indicator's demo series runs: start near ``start``, end exactly on ``final``."""

    start: float
    final: float
    noise: float  # relative noise, as a share of the level
    seasonal: float = 0.0  # relative amplitude of a yearly cycle (summer peak)
    last_period: str | None = None  # stop early, to show stale data
    gaps: tuple[str, ...] = ()  # periods with no row at all
    unavailable: tuple[str, ...] = ()  # rows with no value and a note
    previous: float | None = None  # the figure before the final one, for direction of travel
    tail: tuple[float, ...] = ()  # the last figures exactly, for a late change SPC should see


# The final figure of each indicator sets its status in the demo (see the comments).
PLANS: dict[str, Plan] = {
    "VV01": Plan(66, 76.2, 0.03, previous=73.8),  # green, improving
    "VV02": Plan(350, 405, 0.05, gaps=("2022/23 Q3",), previous=412),  # amber: 3.6% short
    "VV03": Plan(29, 23.1, 0.04),  # green
    "RO01": Plan(23.5, 21.0, 0.05, gaps=("2022/23 Q2",), previous=19.6),  # red, worsening
    "RO02": Plan(48, 61.0, 0.04),  # green
    "RO03": Plan(96, 124, 0.05),  # green
    "SV01": Plan(352, 301, 0.05, seasonal=0.12, previous=334),  # green against the trajectory
    "SV02": Plan(54, 66.5, 0.02),  # green (annual survey)
    "SV03": Plan(640, 915, 0.06),  # green
    "HC01": Plan(118, 171, 0.06),  # green
    # amber: 3.1% short; steady for three years, then six quarters falling, each below the
    # mean: a special cause of concern (shift and trend) in the latest figure.
    "HC02": Plan(80.6, 80.6, 0.008, tail=(79.2, 78.9, 78.8, 78.6, 78.4, 77.5)),
    "HC03": Plan(0.42, 0.61, 0.08),  # not rated: context only
    "MS01": Plan(40, 118, 0.10, previous=131),  # red: 21% short of 150
    "MS02": Plan(9, 15, 0.20, last_period="2024/25 Q2"),  # not rated: stale data
    "MS03": Plan(58, 64.0, 0.05),  # not rated: no target yet
    "DA01": Plan(79, 86.4, 0.02),  # green
    "DA02": Plan(33, 29.1, 0.04, previous=27.6),  # amber: 3.9% over, worsening
    "DA03": Plan(900, 1920, 0.08, unavailable=("2023-08",)),  # green, one month unavailable
    "FS01": Plan(280, 362, 0.05),  # green
    "FS02": Plan(46, 38, 0.10, seasonal=0.10),  # green
    "FS03": Plan(6, 5, 0.25),  # green against the baseline of 6
}

# The one correction in the demo: a revised figure, as a lead would send after checking.
CORRECTION = {"indicator_code": "VV01", "period": "2024/25 Q3", "value": 74.1, "was": None}

# How SV01's partnership total splits between the three neighbourhoods.
AREA_SHARES = {"stonehouse": 0.36, "devonport": 0.29, "city-centre": 0.35}
UNAVAILABLE_NOTE = "Not supplied: the campaign contact system was being replaced (marker: n/a)"


def _periods_for(frequency: str) -> list[periods.Period]:
    kind = periods.FREQUENCY_KIND[frequency]
    first = periods.period_containing(periods.financial_year(FIRST_FY).start, kind)
    last = periods.period_containing(periods.financial_year(LAST_FY).end, kind)
    return periods.period_range(first, last)


def _series(
    code: str, plan: Plan, frequency: str, decimals: int, unit: str
) -> list[tuple[str, float | None, str | None]]:
    rng = random.Random(zlib.crc32(code.encode()))
    span = _periods_for(frequency)
    if plan.last_period:
        span = [p for p in span if p <= periods.parse_code(plan.last_period)]
    n = len(span)
    rows = []
    for i, period in enumerate(span):
        progress = i / (n - 1) if n > 1 else 1.0
        # ease-in-out so the path bends like real improvement does, rather than a ruler line
        eased = 0.5 - 0.5 * math.cos(math.pi * progress)
        level = plan.start + (plan.final - plan.start) * eased
        month_of_year = period.start.month
        seasonal = plan.seasonal * math.sin((month_of_year - 4) / 12 * 2 * math.pi)
        value = level * (1 + seasonal + rng.gauss(0, plan.noise))
        if i == n - 1:
            value = plan.final
        elif i == n - 2 and plan.previous is not None:
            value = plan.previous
        if plan.tail and i >= n - len(plan.tail):
            value = plan.tail[i - (n - len(plan.tail))]
        if unit == "percent":
            value = min(100.0, max(0.0, value))
        value = max(0.0, round(value, decimals))
        if period.code in plan.gaps:
            continue
        if period.code in plan.unavailable:
            rows.append((period.code, None, UNAVAILABLE_NOTE))
            continue
        rows.append((period.code, value, None))
    return rows


def demo_observations(framework: Framework) -> pd.DataFrame:
    """All the demo figures, one row per indicator, period and area."""
    records = []
    for ind in framework["indicator"].itertuples(index=False):
        plan = PLANS.get(ind.code)
        if plan is None:
            continue
        for period, value, note in _series(
            ind.code, plan, ind.frequency, int(ind.decimals), ind.unit
        ):
            records.append(
                {
                    "indicator_code": ind.code,
                    "period": period,
                    "area": "all",
                    "value": value,
                    "note": note,
                }
            )
            if ind.by_area and value is not None:
                records.extend(_split_by_area(ind.code, period, value))
    return pd.DataFrame.from_records(records)


def _split_by_area(code: str, period: str, total: float) -> list[dict]:
    # Largest-remainder rounding so that the neighbourhoods add up to the partnership total.
    raw = {area: total * share for area, share in AREA_SHARES.items()}
    floors = {area: math.floor(v) for area, v in raw.items()}
    left = int(round(total)) - sum(floors.values())
    for area in sorted(raw, key=lambda a: raw[a] - floors[a], reverse=True)[:left]:
        floors[area] += 1
    return [
        {"indicator_code": code, "period": period, "area": a, "value": float(v), "note": None}
        for a, v in floors.items()
    ]


# A made-up public series for the comparator group in the framework, so "How we compare" has
# something to show: violence against the person per 1,000 people, by financial year. The
# populations are ONS mid-2021 estimates (Table C5); every count is generated.
DEMO_SERIES = "demo.violence-against-the-person"
DEMO_SERIES_NAME = "Violence against the person (demo figures, made up)"
DEMO_COMPARATORS = {  # area code: (population, rate per 1,000 in 2021/22, yearly change)
    "E22000056": (264_700, 38.0, -0.04),  # Plymouth: falling
    "E22000120": (247_300, 45.0, 0.01),
    "E22000118": (206_800, 41.0, 0.00),
    "E22000134": (266_500, 47.5, 0.02),
    "E22000270": (258_000, 44.0, -0.01),
    "E22000248": (274_200, 36.5, 0.01),
    "E22000040": (261_100, 39.5, 0.00),
    "E22000341": (264_000, 42.0, 0.015),
    "W14000011": (237_800, 35.0, 0.00),
}


def demo_series() -> pd.DataFrame:
    rows = []
    for code, (population, rate, change) in DEMO_COMPARATORS.items():
        rng = random.Random(zlib.crc32(code.encode()))
        for k, fy in enumerate(range(FIRST_FY, LAST_FY + 1)):
            expected = rate * (1 + change) ** k * population / 1000
            count = float(round(expected * (1 + rng.gauss(0, 0.02))))
            rows.append(
                {
                    "series_code": DEMO_SERIES,
                    "period": periods.financial_year(fy).code,
                    "area": code,
                    "value": count / population * 1000,
                    "numerator": count,
                    "denominator": float(population),
                    "note": None,
                }
            )
    return pd.DataFrame(rows)


def build_demo(
    cur: duckdb.DuckDBPyConnection, framework: Framework | None = None
) -> dict[str, int]:
    """Import the demo framework and record its figures as two uploads (data, then a correction)."""
    framework = framework or from_yaml(DEMO_FRAMEWORK)
    import_framework(cur, framework, by=SYSTEM)
    seed_demo_people(cur)
    frame = demo_observations(framework)
    series = demo_series()
    cur.execute(
        "INSERT INTO series (code, name, source, unit) VALUES (?, ?, 'demo', 'rate_per_1000')",
        [DEMO_SERIES, DEMO_SERIES_NAME],
    )
    # The comparator-group series rides in the first upload, so the demo keeps two uploads.
    with transaction(cur):
        writer = UploadWriter(
            cur,
            by=_demo_person("Performance and Research Officer, Plymouth City Council"),
            file_name="demo data 2021-22 to 2024-25 (generated)",
            source_format="demo",
            sha256=content_hash(normalise(frame, OBSERVATIONS), OBSERVATIONS),
        )
        writer.add(frame)
        writer.add(series, SERIES)
        writer.finish()
    correction = frame[
        (frame["indicator_code"] == CORRECTION["indicator_code"])
        & (frame["period"] == CORRECTION["period"])
    ].copy()
    correction["value"] = CORRECTION["value"]
    correction["note"] = "Corrected: late survey returns added"
    second = record_upload(
        cur,
        correction,
        by=_demo_person("Service Manager, Victim Support (Devon)"),
        file_name="VV return 2024-25 Q3 (corrected).xlsx",
        source_format="return",
    )
    return {"observations": len(frame), "revisions": second.rows_revised}


def _demo_person(name: str) -> Person:
    """The made-up officers the demo's figures are attributed to (the generator acts for them)."""
    return Person(email=None, name=name, role="admin", how="demo generator")
