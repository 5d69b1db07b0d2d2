"""The demo: the Safer Plymouth framework with four years of made-up but plausible figures.

Current whenever it is built: each indicator's figures end with the latest of its periods that
has fallen due by the reporting calendar on the build date, so the demo shows what a board sees
on the day. Otherwise deterministic (seeded per indicator): the figures, gaps and correction sit
in the same place relative to the end on every machine, and :func:`facts` says where. Each indicator follows a path from its baseline towards a planned final
figure, chosen so that the demo shows every status (green, amber, red and each kind of not
rated), with a few gaps and one correction, as real returns have.

Magnitudes are for a city of about 265,000 people (Plymouth's mid-2021 estimate is 264,700).
"""

from __future__ import annotations

import functools
import math
import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from loaders import periods
from outcomes.queries.observations import (
    OBSERVATIONS,
    SERIES,
    UploadWriter,
    content_hash,
    normalise,
    record_upload,
)
from outcomes.storage import store
from outcomes.storage.people import SYSTEM, Person, seed_demo_people
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import calendar, demo_places, meeting_plan
from outcomes.workflows.framework import Framework, from_yaml, import_framework

DEMO_FRAMEWORK = PROJECT_ROOT / "data" / "framework.yaml"
YEARS = 4  # of figures, ending with the latest period due
# The period the framework file's dated entries (trajectories, SPC events) are written for: the
# demo moves them by as many periods as its own latest quarter is later.
WRITTEN_FOR = periods.quarter(2024, 4)


@dataclass(frozen=True)
class Plan:
    """How one indicator's demo series runs: start near ``start``, end exactly on ``final``."""

    start: float
    final: float
    noise: float  # relative noise, as a share of the level
    seasonal: float = 0.0  # relative amplitude of a yearly cycle (summer peak)
    stop_early: int = 0  # periods before the latest due to stop at, to show stale data
    gaps: tuple[int, ...] = ()  # periods with no row at all, counted back from the end
    unavailable: tuple[int, ...] = ()  # rows with no value and a note, counted back
    previous: float | None = None  # the figure before the final one, for direction of travel
    tail: tuple[float, ...] = ()  # the last figures exactly, for a late change SPC should see


# The final figure of each indicator sets its status in the demo (see the comments).
PLANS: dict[str, Plan] = {
    "VV01": Plan(66, 76.2, 0.03, previous=73.8),  # green, improving
    "VV02": Plan(350, 405, 0.05, gaps=(9,), previous=412),  # amber: 3.6% short
    "VV03": Plan(29, 23.1, 0.04),  # green
    "RO01": Plan(23.5, 21.0, 0.05, gaps=(10,), previous=19.6),  # red, worsening
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
    "MS02": Plan(9, 15, 0.20, stop_early=2),  # not rated: stale data
    "MS03": Plan(58, 64.0, 0.05),  # not rated: no target yet
    "DA01": Plan(79, 86.4, 0.02),  # green
    "DA02": Plan(33, 29.1, 0.04, previous=27.6),  # amber: 3.9% over, worsening
    "DA03": Plan(900, 1920, 0.08, unavailable=(19,)),  # green, one month unavailable
    "FS01": Plan(280, 362, 0.05),  # green
    "FS02": Plan(46, 38, 0.10, seasonal=0.10),  # green
    "FS03": Plan(6, 5, 0.25),  # green against the baseline of 6
}

# The one correction in the demo: a revised figure for the quarter before the latest, as a lead
# would send after checking.
CORRECTION = {"indicator_code": "VV01", "ago": 1, "value": 74.1}

# How SV01's partnership total splits between the three neighbourhoods.
AREA_SHARES = {"stonehouse": 0.36, "devonport": 0.29, "city-centre": 0.35}
UNAVAILABLE_NOTE = "Not supplied: the campaign contact system was being replaced (marker: n/a)"


@dataclass(frozen=True)
class Facts:
    """Where the demo's figures fall when built on ``today``: its latest period of each
    frequency (the last due by the calendar), the corrected quarter and the two files."""

    today: date
    latest: dict[str, periods.Period]  # by frequency
    correction_period: periods.Period

    @property
    def latest_quarter(self) -> periods.Period:
        return self.latest["quarterly"]

    @property
    def data_file(self) -> str:
        first = self.span("quarterly")[0]
        return (
            f"demo data {first.code.split(' ')[0].replace('/', '-')} to "
            f"{self.latest_quarter.code.split(' ')[0].replace('/', '-')} (generated)"
        )

    @property
    def correction_file(self) -> str:
        code = self.correction_period.code.replace("/", "-")
        return f"VV return {code} (corrected).xlsx"

    def span(self, frequency: str) -> list[periods.Period]:
        """The periods of the demo's series of ``frequency``: four years to the latest."""
        last = self.latest[frequency]
        return [last.previous(n) for n in range(YEARS * 12 // last.months - 1, -1, -1)]

    def moved(self, code: str) -> str:
        """Where a period of the framework file (and of the demo as once written, ending in
        2024/25 Q4) falls in this demo: as many periods later as the figures run."""
        period = periods.parse_code(code)
        frequency = {k: f for f, k in periods.FREQUENCY_KIND.items()}[period.kind]
        return period.next(self.shift(frequency)).code

    def shift(self, frequency: str) -> int:
        """How many periods later than the framework file's dates the demo's figures run."""
        last = self.latest[frequency]
        written = periods.period_containing(WRITTEN_FOR.end, last.kind)
        return periods.months_apart(written.end, last.end) // last.months


def facts(
    cur: duckdb.DuckDBPyConnection | None = None,
    today: date | None = None,
    framework: Framework | None = None,
) -> Facts:
    """Where the demo falls on ``today`` by the partnership's calendar: the one in ``cur``, or
    the one ``framework`` will bring (without either, the demo framework's)."""
    today = today or date.today()
    if cur is None and framework is None:
        return _own_facts(today)
    if cur is None:
        empty = open_store(":memory:")
        try:
            return facts(empty.cursor(), today, framework)
        finally:
            empty.close()
    days = dict(cur.execute("SELECT frequency, due_days FROM partnership_due").fetchall())
    if framework is not None and "return_due" in framework.tables:
        rule = framework["return_due"]
        rule = rule[rule["scope"] == "partnership"]
        days |= {f: int(d) for f, d in zip(rule["frequency"], rule["due_days"], strict=True)}
    latest = {
        f: calendar.latest_due(periods.FREQUENCY_KIND[f], days[f], today)
        for f in periods.FREQUENCY_KIND
    }
    return Facts(today, latest, latest["quarterly"].previous(CORRECTION["ago"]))


@functools.lru_cache(maxsize=4)
def _own_facts(today: date) -> Facts:
    return facts(None, today, from_yaml(DEMO_FRAMEWORK))


def _series(
    code: str, plan: Plan, span: list[periods.Period], decimals: int, unit: str, variant: int = 0
) -> list[tuple[str, float | None, str | None]]:
    plan = _varied(code, plan, variant)
    rng = random.Random(zlib.crc32(code.encode() if not variant else f"{code}#{variant}".encode()))
    if plan.stop_early:
        span = span[: -plan.stop_early]
    n = len(span)
    gaps = {span[n - 1 - k].code for k in plan.gaps}
    unavailable = {span[n - 1 - k].code for k in plan.unavailable}
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
        if period.code in gaps:
            continue
        if period.code in unavailable:
            rows.append((period.code, None, UNAVAILABLE_NOTE))
            continue
        rows.append((period.code, value, None))
    return rows


def _varied(code: str, plan: Plan, variant: int) -> Plan:
    """Another partnership's plan for an indicator in a force-area demo (``variant`` 1, 2…):
    the same shape, its level moved by up to 15% either way, so statuses differ between them."""
    if not variant:
        return plan
    k = 1 + random.Random(zlib.crc32(f"{code}@{variant}".encode())).uniform(-0.15, 0.15)
    return Plan(
        plan.start * k,
        plan.final * k,
        plan.noise,
        plan.seasonal,
        plan.stop_early,
        plan.gaps,
        plan.unavailable,
        None if plan.previous is None else plan.previous * k,
        tuple(v * k for v in plan.tail),
    )


def demo_observations(
    framework: Framework, at: Facts | None = None, variant: int = 0, place: str | None = None
) -> pd.DataFrame:
    """All the demo figures, one row per indicator, period and area (``variant``: another
    partnership's figures in a force-area demo, ``place`` its id, whose neighbourhoods they are
    split by; 0 and None are Plymouth's)."""
    at = at or facts()
    codes = demo_places.neighbourhood_codes(place)
    records = []
    for ind in framework["indicator"].itertuples(index=False):
        plan = PLANS.get(ind.code)
        if plan is None:
            continue
        for period, value, note in _series(
            ind.code, plan, at.span(ind.frequency), int(ind.decimals), ind.unit, variant
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
                records.extend(_split_by_area(ind.code, period, value, codes))
    return pd.DataFrame.from_records(records)


def _split_by_area(code: str, period: str, total: float, codes: dict[str, str]) -> list[dict]:
    # Largest-remainder rounding so that the neighbourhoods add up to the partnership total.
    raw = {area: total * share for area, share in AREA_SHARES.items()}
    floors = {area: math.floor(v) for area, v in raw.items()}
    left = int(round(total)) - sum(floors.values())
    for area in sorted(raw, key=lambda a: raw[a] - floors[a], reverse=True)[:left]:
        floors[area] += 1
    return [
        {
            "indicator_code": code,
            "period": period,
            "area": codes[a],
            "value": float(v),
            "note": None,
        }
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


# Devon and Cornwall's other partnerships, the comparator group of the force-area demo's
# others (outcomes/workflows/demo_places.py): populations from the ONS, rates made up.
FORCE_COMPARATORS = {
    code: (population, rate, change)
    for (code, (_, population)), rate, change in zip(
        demo_places.DEVON_CORNWALL_CSPS.items(),
        (38.0, 41.5, 30.5, 36.0, 27.5),
        (-0.04, 0.01, 0.02, -0.01, 0.0),
        strict=True,
    )
}


def demo_series(at: Facts, areas: list[str] | None = None) -> pd.DataFrame:
    """The made-up comparator series, for ``areas`` (default: Plymouth's comparator group)."""
    rows = []
    years = at.span("annual")
    known = FORCE_COMPARATORS | DEMO_COMPARATORS
    for code in areas or list(DEMO_COMPARATORS):
        population, rate, change = known[code]
        rng = random.Random(zlib.crc32(code.encode()))
        for k, year in enumerate(years):
            expected = rate * (1 + change) ** k * population / 1000
            count = float(round(expected * (1 + rng.gauss(0, 0.02))))
            rows.append(
                {
                    "series_code": DEMO_SERIES,
                    "period": year.code,
                    "area": code,
                    "value": count / population * 1000,
                    "numerator": count,
                    "denominator": float(population),
                    "note": None,
                }
            )
    return pd.DataFrame(rows)


def _moved(framework: Framework, at: Facts) -> Framework:
    """The framework with its dated entries (trajectories, SPC events, baselines) moved as far
    as the demo's figures run later than the file was written for, so they still line up."""
    ind = framework["indicator"]
    frequency = dict(zip(ind["code"], ind["frequency"], strict=True))

    def move(code: object, freq: str) -> object:
        if not isinstance(code, str):
            return code
        try:
            return at.moved(periods.parse_period(code, freq).code)
        except periods.PeriodError:
            return code

    tables = {name: frame.copy() for name, frame in framework.tables.items()}
    ind = tables["indicator"]
    ind["baseline_period"] = [
        move(p, f) for p, f in zip(ind["baseline_period"], ind["frequency"], strict=True)
    ]
    for name in ("indicator_target", "spc_event"):
        t = tables[name]
        t["period"] = [
            move(p, frequency[c]) for p, c in zip(t["period"], t["indicator_code"], strict=True)
        ]
    return Framework(tables)


def build_demo(
    cur: duckdb.DuckDBPyConnection,
    framework: Framework | None = None,
    *,
    today: date | None = None,
    variant: int = 0,
    place: str | None = None,
) -> dict[str, int]:
    """Import the demo framework and record its figures as two uploads (data, then a
    correction), ending with the latest periods due on ``today`` (default: the real today).
    ``variant`` and ``place`` make another partnership of a force-area demo (its own figures
    and people)."""
    framework = framework or from_yaml(DEMO_FRAMEWORK)
    at = facts(cur, today, framework)
    framework = _moved(framework, at)
    import_framework(cur, framework, by=SYSTEM)
    seed_demo_people(cur, place=place)
    frame = demo_observations(framework, at, variant, place)
    series = demo_series(at, list(framework["comparator_area"]["area_code"]) if place else None)
    # The comparator-group series rides in the first upload, so the demo keeps two uploads.
    with store.transaction(cur):
        cur.execute(
            "INSERT INTO series (code, name, source, unit) VALUES (?, ?, 'demo', 'rate_per_1000')",
            [DEMO_SERIES, DEMO_SERIES_NAME],
        )
        writer = UploadWriter(
            cur,
            by=_demo_person(
                demo_places.uploader(
                    "Performance and Research Officer, Plymouth City Council", place
                )
            ),
            file_name=at.data_file,
            source_format="demo",
            sha256=content_hash(normalise(frame, OBSERVATIONS), OBSERVATIONS),
        )
        writer.add(frame)
        writer.add(series, SERIES)
        writer.finish()
    correction = frame[
        (frame["indicator_code"] == CORRECTION["indicator_code"])
        & (frame["period"] == at.correction_period.code)
    ].copy()
    correction["value"] = CORRECTION["value"]
    correction["note"] = "Corrected: late survey returns added"
    second = record_upload(
        cur,
        correction,
        by=_demo_person(demo_places.uploader("Service Manager, Victim Support (Devon)", place)),
        file_name=at.correction_file,
        source_format="return",
    )
    meeting_plan.plan(cur, demo_meeting_dates(at.today), by=SYSTEM, today=at.today)
    return {"observations": len(frame), "revisions": second.rows_revised}


def demo_meeting_dates(today: date, count: int = 4) -> list[date]:
    """The demo board's next meetings: the third Thursday of every other month (January,
    March, ...), as the board papers list "dates of future meetings".

    >>> demo_meeting_dates(date(2026, 12, 7))
    [datetime.date(2027, 1, 21), datetime.date(2027, 3, 18), datetime.date(2027, 5, 20), datetime.date(2027, 7, 15)]
    """
    found: list[date] = []
    year, month = today.year, today.month
    while len(found) < count:
        if month % 2 == 1:
            first = date(year, month, 1)
            day = first + timedelta(days=(3 - first.weekday()) % 7 + 14)
            if day > today:
                found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _demo_person(name: str) -> Person:
    """The made-up officers the demo's figures are attributed to (the generator acts for them)."""
    return Person(email=None, name=name, role="admin", how="demo generator")


# The force-area demo (``init --demo --partnerships N``): Devon and Cornwall's partnerships, the
# first being the Plymouth demo itself. Names are the partnerships' own; every figure is made up.
FORCE_AREA = (
    ("plymouth", "Safer Plymouth Partnership", "Plymouth"),
    ("torbay", "Safer Communities Torbay", "Torbay"),
    ("cornwall", "Safer Cornwall", "Cornwall"),
    ("exeter", "Exeter Community Safety Partnership", "Exeter"),
    ("north-devon", "North Devon Community Safety Partnership", "North Devon"),
)


def build_force_demo(db, count: int, *, today: date | None = None) -> list[str]:
    """The demo as a force area of ``count`` partnerships (2 to 5), each in its own schema
    with its own figures and people, and one commissioner spanning them all; ``db`` is an open
    :class:`~outcomes.storage.store.Store` on an empty database. Returns the partnerships' ids."""
    from outcomes.errors import Refused
    from outcomes.workflows import partnerships

    if not 1 <= count <= len(FORCE_AREA):
        raise Refused.worded("demo-partnerships", most=len(FORCE_AREA))
    base = from_yaml(DEMO_FRAMEWORK)
    build_demo(db.cursor(None), base, today=today)
    made = [FORCE_AREA[0][0]]
    for variant, (pid, name, _area) in enumerate(FORCE_AREA[1:count], start=1):
        p = partnerships.add(db, pid, name=name, by=SYSTEM)
        own = demo_places.localised(base, pid, name)
        build_demo(db.cursor(p.schema), own, today=today, variant=variant, place=pid)
        made.append(pid)
    if count > 1:
        partnerships.add_commissioner(
            db,
            "commissioner@demo.example",
            name="Cam Commissioner (commissioner)",
            partnership_ids=made,
            by=SYSTEM,
            demo=True,
        )
    return made
