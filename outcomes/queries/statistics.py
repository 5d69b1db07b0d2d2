"""SPC and comparison on the store: the queries that feed ``outcomes.rules.spc`` and
``outcomes.rules.compare``, shared by the pages, the board pack and the command line. No Streamlit.

Settings come from the framework (``indicator_spc``, ``spc_event``, ``comparator_area``,
migration 006). The figures come from the current views, so a rolled-back upload drops out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from outcomes.errors import Refused
from outcomes.rules import compare, spc, status, wording
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, transaction

# Area codes that are benchmarks, never areas in the comparison: England, England and Wales,
# the United Kingdom and the English regions (GSS code prefixes).
BENCHMARK_CODES = {"E92000001": "England", "K04000001": "England and Wales", "K02000001": "UK"}
BENCHMARK_PREFIXES = ("E92", "K04", "K02", "K03", "E12", "W92")
ONS_POPULATION = "ons_csp.population"


# ---------------------------------------------------------------------------------------------
# SPC


def spc_settings(cur: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any]:
    """The indicator's profile, SPC-status flag, recalculation dates and ghosted figures."""
    row = cur.execute(
        "SELECT profile, status_by_spc FROM indicator_spc WHERE indicator_code = ?", [code]
    ).fetchone()
    events = cur.execute(
        "SELECT period, kind, reason FROM spc_event WHERE indicator_code = ? ORDER BY period",
        [code],
    ).fetchall()
    return {
        "profile": row[0] if row else spc.DEFAULT_PROFILE,
        "status_by_spc": bool(row[1]) if row else False,
        "recalculate": {p: r for p, k, r in events if k == "recalculate"},
        "ghost": {p: r for p, k, r in events if k == "ghost"},
    }


def _histories(cur: duckdb.DuckDBPyConnection, area: str = "all") -> pd.DataFrame:
    return cur.execute(
        """
        SELECT d.indicator_code, d.period, d.period_start, d.value,
               coalesce(t.target, i.target) AS target
        FROM observation_current_detail d
        JOIN indicator i ON i.code = d.indicator_code
        LEFT JOIN indicator_target t ON t.indicator_code = d.indicator_code AND t.period = d.period
        WHERE d.area = ?
        ORDER BY d.indicator_code, d.period_start
        """,
        [area],
    ).df()


def chart_for(
    history: pd.DataFrame,
    polarity: str,
    settings: dict[str, Any],
    profile: str | None = None,
) -> spc.Chart:
    """The XmR chart of one history (``period``, ``value``, ``target``, in period order); the
    target for assurance is the latest period's."""
    values = [None if pd.isna(v) else float(v) for v in history["value"]]
    targets = history["target"].dropna() if "target" in history else pd.Series(dtype=float)
    target = float(history["target"].iloc[-1]) if len(targets) and not pd.isna(
        history["target"].iloc[-1]) else None  # fmt: skip
    chart = spc.xmr(
        list(history["period"]),
        values,
        polarity=polarity,
        profile=profile or settings["profile"],
        target=target,
        recalculate_at=list(settings["recalculate"]),
        ghosted=settings["ghost"],
    )
    if "target" in history:
        # Each period's own target, as the trend chart draws it (a trajectory steps).
        for point, t in zip(chart.points, history["target"], strict=True):
            point.target = None if pd.isna(t) else float(t)
    return chart


def indicator_chart(
    cur: duckdb.DuckDBPyConnection, code: str, area: str = "all", profile: str | None = None
) -> spc.Chart | None:
    """One indicator's chart, or None when the code is not an indicator."""
    ind = cur.execute("SELECT polarity FROM indicator WHERE code = ?", [code]).fetchone()
    if ind is None:
        return None
    history = _histories(cur, area)
    own = history[history["indicator_code"] == code]
    return chart_for(own, ind[0], spc_settings(cur, code), profile)


def code_chart(
    cur: duckdb.DuckDBPyConnection, code: str, area: str = "all", profile: str | None = None
) -> spc.Chart:
    """The chart of an indicator, or failing that of a public series (no polarity, no target).
    An area it has no figures for is refused, naming the areas it has."""
    _refuse_unknown_area(cur, code, area)
    chart = indicator_chart(cur, code, area, profile)
    if chart is not None:
        return chart
    history = cur.execute(
        "SELECT period, value FROM series_current WHERE series_code = ? AND area = ? "
        "ORDER BY period_start",
        [code, area],
    ).df()
    if history.empty:
        raise ComparisonError.worded("comparison-unknown-series", "area", code=code, area=area)
    settings = {"profile": spc.DEFAULT_PROFILE, "recalculate": {}, "ghost": {}}
    return chart_for(history, "none", settings, profile)


def _refuse_unknown_area(cur: duckdb.DuckDBPyConnection, code: str, area: str) -> None:
    known = [
        a
        for (a,) in cur.execute(
            "SELECT DISTINCT area FROM observation_current_detail WHERE indicator_code = ? "
            "UNION SELECT DISTINCT area FROM series_current WHERE series_code = ? ORDER BY 1",
            [code, code],
        ).fetchall()
    ]
    if area == "all" or area in known:
        return
    names = _area_names(cur)
    listed = ", ".join(f"{a} ({wording.area_name(a, names.get(a))})" for a in known)
    raise ComparisonError.worded(
        "comparison-unknown-area", None if known else "none", code=code, area=area, listed=listed
    )


def spc_summary(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per indicator: its variation and assurance icons (partnership-wide), the reason
    when there are none, and the status SPC gives where the framework asks for it."""
    indicators = cur.execute(
        """
        SELECT i.code, i.polarity, coalesce(s.profile, 'mdc') AS profile,
               coalesce(s.status_by_spc, false) AS status_by_spc
        FROM indicator i LEFT JOIN indicator_spc s ON s.indicator_code = i.code
        ORDER BY i.code
        """
    ).fetchall()
    events = cur.execute("SELECT indicator_code, period, kind, reason FROM spc_event").fetchall()
    histories = {c: g for c, g in _histories(cur).groupby("indicator_code", sort=False)}
    empty = pd.DataFrame({"period": [], "value": [], "target": []})
    rows = []
    for code, polarity, profile, by_spc in indicators:
        settings = {
            "profile": profile,
            "recalculate": {p: r for c, p, k, r in events if c == code and k == "recalculate"},
            "ghost": {p: r for c, p, k, r in events if c == code and k == "ghost"},
        }
        chart = chart_for(histories.get(code, empty), polarity, settings)
        spc_state, spc_reason = spc_status(chart)
        rows.append(
            {
                "indicator_code": code,
                "profile": profile,
                "variation": chart.variation,
                "assurance": chart.assurance,
                "spc_reason": chart.reason,
                "status_by_spc": bool(by_spc),
                "spc_status": spc_state,
                "spc_status_reason": spc_reason,
                **shift_facts(chart),
            }
        )
    return pd.DataFrame(rows)


def shift_facts(chart: spc.Chart) -> dict[str, Any]:
    """Whether the limits are out of date, for a summary row: where the shift starts, and the
    caveat the assurance icon carries wherever it is shown (None when the limits stand)."""
    shift = chart.shift if chart.assurance is not None else None
    return {
        "shift_start": shift.start if shift else None,
        "shift_recalculable": bool(shift and shift.recalculable),
        "caveat": spc.shift_words(shift, wording.period) if shift else None,
        "assurance_words": spc.assurance_text(chart.assurance, shift)
        + (f" (a sustained shift since {wording.period_short(shift.start)})" if shift else ""),
    }


def spc_status(chart: spc.Chart) -> tuple[str, str]:
    """The board's words for an indicator whose status method is ``spc``.

    A special cause of concern in the latest figure is red; otherwise the assurance icon
    decides (will consistently pass green, hit or miss amber, will consistently fail red);
    with no target, improvement is green and no significant change amber. Too few figures, or
    no judgement, is not rated.

    >>> c = spc.Chart([], "mdc", "lower", True, "concern_high", "consistent_pass")
    >>> spc_status(c)
    ('red', 'SPC: the latest figure is a special cause of concern')
    >>> spc_status(spc.Chart([], "mdc", "lower", True, "common_cause", "hit_or_miss"))
    ('amber', 'SPC: hit or miss against the target')
    >>> spc_status(spc.Chart([], "mdc", "lower", False, None, None, reason="Only 5 figures."))
    ('not rated', 'SPC: Only 5 figures.')
    """
    if not chart.has_limits:
        return status.NOT_RATED, f"SPC: {chart.reason or 'no limits'}"
    if chart.polarity not in ("higher", "lower"):
        return status.NOT_RATED, "SPC: no judgement (context only)"
    if chart.variation and chart.variation.startswith("concern"):
        return status.RED, "SPC: the latest figure is a special cause of concern"
    stale = " (limits out of date: a sustained shift)" if chart.shift else ""
    if chart.assurance == spc.CONSISTENT_FAIL:
        return status.RED, f"SPC: will consistently fail the target{stale}"
    if chart.assurance == spc.HIT_OR_MISS:
        return status.AMBER, f"SPC: hit or miss against the target{stale}"
    if chart.assurance == spc.CONSISTENT_PASS:
        return status.GREEN, f"SPC: will consistently pass the target{stale}"
    if chart.variation and chart.variation.startswith("improvement"):
        return status.GREEN, "SPC: the latest figure is a special cause of improvement"
    return status.AMBER, "SPC: no significant change, and no target"


def apply_spc_status(cur: duckdb.DuckDBPyConnection, ratings: pd.DataFrame) -> pd.DataFrame:
    """Where the framework's status method is ``spc``, the status and its reason come from SPC
    (``spc_status``); every other indicator keeps its RAG untouched."""
    chosen = {c for (c,) in cur.execute(
        "SELECT indicator_code FROM indicator_spc WHERE status_by_spc").fetchall()}  # fmt: skip
    if not chosen or ratings.empty:
        return ratings
    summary = spc_summary(cur).set_index("indicator_code")
    for index, row in ratings[ratings["indicator_code"].isin(chosen)].iterrows():
        found = summary.loc[row["indicator_code"]]
        ratings.loc[index, "status"] = found["spc_status"]
        ratings.loc[index, "reason"] = found["spc_status_reason"]
        ratings.loc[index, "status_method"] = "spc"
        if not row.get("status_override"):
            ratings.loc[index, "effective_status"] = found["spc_status"]
    return ratings


def icon_words(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each indicator's SPC icons as words, as they stand now: "SPC: ⬇ Concern (lower) · ?
    Hit or miss", or why there are none (see :func:`words_of`)."""
    return {r["indicator_code"]: words_of(r) for r in spc_summary(cur).to_dict("records")}


def icon_words_from(
    cur: duckdb.DuckDBPyConnection, histories: dict[str, pd.DataFrame]
) -> dict[str, str]:
    """The SPC icons as words from the given histories (``period``, ``value``, ``target``):
    a pack frozen at a meeting reads them from the figures as they stood at that meeting."""
    polarity = dict(cur.execute("SELECT code, polarity FROM indicator").fetchall())
    out = {}
    empty = pd.DataFrame({"period": [], "value": [], "target": []})
    for code, history in histories.items():
        if code not in polarity:
            continue
        history = history if "value" in history else empty
        chart = chart_for(history, polarity[code], spc_settings(cur, code))
        out[code] = words_of(
            {"variation": chart.variation, "assurance": chart.assurance, **shift_facts(chart)}
        )
    return out


def words_of(row: dict[str, Any]) -> str:
    """A summary row's icons in words, the caveat after the assurance when the limits are out
    of date.

    >>> words_of({"variation": "common_cause", "assurance": "hit_or_miss",
    ...           "assurance_words": "? Hit or miss"})
    'SPC: ≈ No significant change · ? Hit or miss'
    >>> words_of({"variation": None, "assurance": None})
    'SPC: too few figures'
    """
    if not isinstance(row.get("variation"), str):
        return "SPC: too few figures"
    parts = [spc.icon_text(row["variation"])]
    if isinstance(row.get("assurance"), str):
        parts.append(row["assurance_words"])
    return "SPC: " + " · ".join(parts)


@writes("framework.change")
def recalculate_limits(
    cur: duckdb.DuckDBPyConnection,
    code: str,
    *,
    by: Person,
    reason: str,
    period: str | None = None,
) -> str:
    """Recalculate an indicator's SPC limits from a period (by default where its sustained
    shift began): a framework change (``spc_event``), in the audit trail. Analysts and
    administrators only. Returns what was done, in a sentence.

    Making Data Count: recalculate only after a sustained shift, with enough figures since it
    for limits of their own, and say why.
    """
    reason = str(reason or "").strip()
    if not reason:
        raise Refused.worded("recalculation-reason-needed")
    chart = indicator_chart(cur, code)
    if chart is None:
        raise Refused.worded("no-such-indicator", "framework", code=code)
    if period is None:
        if chart.shift is None:
            raise Refused.worded("recalculation-no-shift", code=code)
        if not chart.shift.recalculable:
            raise Refused.worded(
                "recalculation-too-soon",
                figures=chart.shift.figures,
                since=wording.period(chart.shift.start),
                side="above" if chart.shift.side == "high" else "below",
                needed=chart.shift.needed,
            )
        period = chart.shift.start
    if period not in {p.period for p in chart.points}:
        raise Refused.worded("recalculation-no-figure", code=code, period=wording.period(period))
    with transaction(cur):
        if cur.execute(
            "SELECT 1 FROM spc_event WHERE indicator_code = ? AND period = ? AND kind = 'recalculate'",
            [code, period],
        ).fetchone():
            raise Refused.worded("recalculation-already", code=code, period=wording.period(period))
        cur.execute(
            "INSERT INTO spc_event (indicator_code, period, kind, reason) "
            "VALUES (?, ?, 'recalculate', ?)",
            [code, period, reason],
        )
        audit(cur, by, "framework", code, "SPC limits recalculated",
              after={"period": period, "reason": reason})  # fmt: skip
    return f"{code}'s mean and limits now start again from {wording.period(period)}."


# ---------------------------------------------------------------------------------------------
# Comparison


@dataclass
class Comparison:
    """An indicator's or series' figures for one period, area by area, against a benchmark."""

    code: str
    name: str
    period: str | None
    kind: str
    multiplier: float
    polarity: str
    benchmark_name: str
    benchmark_value: float | None
    rows: list[compare.Row]
    group: str | None = None
    group_value: float | None = None
    us: str | None = None
    rank: tuple[int, int] | None = None
    note: str | None = None
    periods: tuple[str, ...] = ()


class ComparisonError(Refused, ValueError):
    """Nothing to compare: an unknown code, or no counts and denominators.

    A refusal like any other (pages catch :class:`Refused` alone); still a ValueError for
    callers that caught it as one."""

    code = "comparison-refused"


def comparator_groups(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        "SELECT group_name, area_code, area_name, is_us FROM comparator_area ORDER BY sort_order"
    ).df()


def comparable(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What can be compared: indicators with counts and denominators by area, and public series
    with counts (and denominators, or ONS populations)."""
    return cur.execute(
        """
        SELECT f.source_kind, f.code, coalesce(i.name, s.name) AS name,
               count(DISTINCT f.area) AS areas, max(f.period_start) AS latest
        FROM comparison_figures f
        LEFT JOIN indicator i ON f.source_kind = 'indicator' AND i.code = f.code
        LEFT JOIN series_named s ON f.source_kind = 'series' AND s.code = f.code
        WHERE (f.count IS NOT NULL AND f.denominator IS NOT NULL)
           OR (f.source_kind = 'series' AND f.code LIKE 'ons_csp.%' AND s.unit = 'count'
               AND f.code NOT IN ('ons_csp.population', 'ons_csp.households'))
        GROUP BY ALL
        HAVING count(DISTINCT f.area) > 1
        ORDER BY f.source_kind, f.code
        """
    ).df()


def _infer_multiplier(frame: pd.DataFrame) -> float:
    """Fingertips gives the value beside its count and denominator: the ratio is the
    multiplier (100 for a percentage, 100,000 for a rate per 100,000)."""
    ok = frame.dropna(subset=["value", "count", "denominator"])
    ok = ok[(ok["count"] > 0) & (ok["denominator"] > 0)]
    if ok.empty:
        return 1000.0
    ratio = float((ok["value"] / (ok["count"] / ok["denominator"])).median())
    return float(10 ** round(math.log10(ratio)))


def compare_code(
    cur: duckdb.DuckDBPyConnection,
    code: str,
    *,
    period: str | None = None,
    group: str | None = None,
    polarity: str | None = None,
    area: str | None = None,
) -> Comparison:
    """Compare the areas of an indicator or a series for one period (the latest by default).

    The benchmark is the England (or England and Wales) figure where the source gives one,
    otherwise all areas' counts over all their denominators. With a comparator ``group``, only
    its areas are shown, with the group's pooled figure and ``area``'s (or our) rank in it.
    """
    ind = cur.execute(
        "SELECT name, unit, polarity FROM indicator WHERE code = ?", [code]
    ).fetchone()
    ser = cur.execute(
        "SELECT name, unit, source FROM series_named WHERE code = ?", [code]
    ).fetchone()
    if ind is None and ser is None:
        raise ComparisonError.worded("comparison-unknown-series", code=code)
    source_kind = "indicator" if ind is not None else "series"
    name = ind[0] if ind else ser[0]
    figures = cur.execute(
        "SELECT period, period_start, area, value, count, denominator, note "
        "FROM comparison_figures WHERE source_kind = ? AND code = ? ORDER BY period_start, area",
        [source_kind, code],
    ).df()
    note = None
    if ind is not None:
        unit = ind[1]
        polarity = polarity or ind[2]
        kind, multiplier = {
            "percent": ("proportion", 100.0),
            "rate_per_1000": ("rate", 1000.0),
        }.get(unit, ("rate", 1000.0))
        figures = figures[figures["area"] != "all"]  # the partnership is the sum, not a peer
    elif code.startswith("ons_csp.") and ser[1] == "count" and code != ONS_POPULATION:
        # ONS tables give counts; the rate per 1,000 needs the population from Table C5.
        population = cur.execute(
            "SELECT period, area, value AS denominator FROM series_current WHERE series_code = ?",
            [ONS_POPULATION],
        ).df()
        figures = figures.drop(columns=["count", "denominator"]).merge(
            population, on=["period", "area"], how="left"
        )
        figures["count"] = figures["value"]
        kind, multiplier = "rate", 1000.0
        note = "Rates per 1,000 people: ONS counts over ONS mid-year populations (Table C5)."
    else:
        kind = "proportion" if ser[1] == "percent" else "rate"
        multiplier = _infer_multiplier(figures)
    polarity = polarity or "none"
    usable = figures.dropna(subset=["count", "denominator"])
    periods = tuple(dict.fromkeys(usable.sort_values("period_start")["period"]))
    if not periods:
        raise ComparisonError.worded("comparison-no-counts", code=code)
    period = period or periods[-1]
    figures = figures[figures["period"] == period]
    if figures.empty:
        raise ComparisonError.worded(
            "comparison-no-period", code=code, period=period, periods=", ".join(periods)
        )

    names = _area_names(cur)
    peers = figures[~figures["area"].str.startswith(BENCHMARK_PREFIXES)]
    benchmark_name, benchmark = _benchmark(figures, peers, kind, multiplier)

    groups = comparator_groups(cur)
    members = groups[groups["group_name"] == group] if group else groups.iloc[0:0]
    if group and members.empty:
        known = ", ".join(dict.fromkeys(groups["group_name"])) or "none declared"
        raise ComparisonError.worded("comparison-unknown-group", group=group, known=known)
    shown = peers[peers["area"].isin(list(members["area_code"]))] if group else peers
    if group:
        # Members with no figure at all still get a row: a gap the board should see.
        missing = [a for a in members["area_code"] if a not in set(shown["area"])]
        shown = pd.concat(
            [shown, pd.DataFrame({"area": missing, "note": "no figure for this period"})],
            ignore_index=True,
        )
    rows = [
        compare.area_row(
            r["area"],
            names.get(r["area"], r["area"]),
            _num(r.get("count")),
            _num(r.get("denominator")),
            kind=kind,
            multiplier=multiplier,
            benchmark=benchmark,
            polarity=polarity,
            note=_row_note(r),
        )
        for _, r in shown.iterrows()
    ]
    if group:
        order = {a: i for i, a in enumerate(members["area_code"])}
        rows.sort(key=lambda r: order.get(r.area, 0))
    else:
        rows.sort(key=lambda r: (r.value is None, r.name))
    us = area or (
        members.loc[members["is_us"], "area_code"].iloc[0]
        if group and members["is_us"].any()
        else None
    )
    result = Comparison(
        code, name, period, kind, multiplier, polarity, benchmark_name, benchmark, rows,
        group=group, us=us, note=note, periods=periods,
    )  # fmt: skip
    if group:
        result.group_value = compare.pooled(
            [r.count for r in rows], [r.denominator for r in rows], kind, multiplier
        )
    if us:
        result.rank = compare.rank(rows, us, polarity)
    return result


def _benchmark(
    figures: pd.DataFrame, peers: pd.DataFrame, kind: str, multiplier: float
) -> tuple[str, float | None]:
    """The national figure the source gives, else all the peers' counts pooled."""
    bench_rows = figures[figures["area"].isin(list(BENCHMARK_CODES))]
    if not bench_rows.empty and not pd.isna(bench_rows.iloc[0]["value"]):
        b = bench_rows.iloc[0]
        # The value the source compared with, as it published it.
        return BENCHMARK_CODES[b["area"]], float(b["value"])
    pooled = compare.pooled(_nums(peers["count"]), _nums(peers["denominator"]), kind, multiplier)
    return "All areas", pooled


def _row_note(r: pd.Series) -> str | None:
    note = r.get("note")
    if note is not None and not pd.isna(note):
        return str(note)
    if _num(r.get("count")) is not None and _num(r.get("denominator")) is None:
        return "no denominator (population) for this area in the source"
    return None


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _nums(series: pd.Series) -> list[float | None]:
    return [_num(v) for v in series]


def _area_names(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    names = dict(cur.execute("SELECT code, name FROM area").fetchall())
    names.update(dict(cur.execute("SELECT area_code, area_name FROM comparator_area").fetchall()))
    names.update(BENCHMARK_CODES)
    return names


def funnel(result: Comparison, points: int = 60) -> pd.DataFrame:
    """The funnel plot's limits (95% and 99.8%) across the range of denominators shown."""
    dens = [r.denominator for r in result.rows if r.denominator]
    if not dens or result.benchmark_value is None:
        return pd.DataFrame()
    lo, hi = min(dens) * 0.8, max(dens) * 1.1
    xs = [lo * (hi / lo) ** (i / (points - 1)) for i in range(points)]
    rows = []
    for x in xs:
        row = {"denominator": x}
        for conf, tag in ((0.95, "95"), (0.998, "998")):
            low, high = compare.funnel_limits(
                result.benchmark_value, x, result.kind, result.multiplier, conf
            )
            row[f"lower_{tag}"], row[f"upper_{tag}"] = low, high
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_dict(result: Comparison) -> dict[str, Any]:
    """The comparison as plain data, for ``python -m outcomes compare --json``."""
    return {
        "code": result.code,
        "name": result.name,
        "period": result.period,
        "method": {
            "proportion": "Wilson score",
            "rate": "Byar (exact Poisson below 10 events)",
            "count": "Byar (exact Poisson below 10 events)",
        }[result.kind],
        "multiplier": result.multiplier,
        "polarity": result.polarity,
        "benchmark": {"name": result.benchmark_name, "value": result.benchmark_value},
        "group": None
        if result.group is None
        else {
            "name": result.group,
            "value": result.group_value,
            "us": result.us,
            "rank": None
            if result.rank is None
            else {"position": result.rank[0], "of": result.rank[1]},
        },
        "note": result.note,
        "rows": [
            {
                "area": r.area,
                "name": r.name,
                "count": r.count,
                "denominator": r.denominator,
                "value": r.value,
                "lower_95": r.lower_95,
                "upper_95": r.upper_95,
                "lower_998": r.lower_998,
                "upper_998": r.upper_998,
                "compared": r.compared,
                "significant_998": r.significant,
                "note": r.note,
            }
            for r in result.rows
        ],
    }
