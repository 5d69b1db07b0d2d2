"""Statistical process control: is a change signal, or noise? (NHS England's Making Data Count).

An XmR chart puts each figure beside the **mean** of the figures and two **process limits**:
the mean plus and minus 2.66 times the average moving range (the average gap between one
figure and the next). About 99.7% of the figures of a stable process fall between the limits,
so a figure outside them, or a pattern no stable process would draw by chance, is a
**special cause**: something changed, and the board should ask what. Everything else is
**common cause** variation: the ordinary ups and downs, which no one should be asked to
explain.

The special-cause rules:

* **beyond a limit**: one figure above the upper or below the lower process limit;
* **shift**: a run of figures all above, or all below, the mean (a figure on the mean breaks it);
* **trend**: a run of figures each higher (or each lower) than the one before (a tie breaks it);
* **two of three**: two or three of three figures in a row beyond the same two-sigma line,
  all three on the same side of the mean (a figure beyond a limit counts for the first rule,
  not this one).

A special cause is **improvement** or **concern** by the indicator's polarity, or **neither**
when it has none. The **variation icon** is read from the latest figure; the **assurance
icon** compares the target with the latest process limits: a target outside them will be
consistently passed or consistently failed, one inside them is hit or miss.

When the latest figures are a **sustained shift** (a run on one side of the mean, as long as
the profile's shift rule), the limits describe a process that has since changed, and the
assurance icon is no forecast: Making Data Count says to recalculate ("rebase") the limits
from where the shift began, once there are enough figures since it for limits of their own
(NHSRplotthedots' ``rebase``). :func:`sustained_shift` finds it, and the icon carries the
caveat (:func:`assurance_text`) until an analyst recalculates.

The settings are named profiles (:data:`PROFILES`), declared once:

* ``mdc`` (the default): NHS England's Making Data Count single chart tool (v5.0) and its
  published XmR test cases: runs of 6 for shifts and trends, limits shown from 13 figures,
  moving ranges not screened, the multi-figure rules cross a recalculation, and a figure that
  is improvement by one rule and concern by another is shown as improvement (the Excel tool
  shows blue).
* ``plotthedots``: the NHSRplotthedots R package (0.2): runs of 7, outlying moving ranges
  (3.267 times the average or more) screened out before the limits are worked out, every rule
  stays inside its own recalculation, and a figure takes the direction of its single strongest
  rule (beyond a limit, then trend, then two of three, then shift).

Pure functions only: no database, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LIMIT = 2.66  # 3 / 1.128: three sigma from the average moving range
MOVING_RANGE_OUTLIER = 3.267  # the upper limit of the moving range chart, in average ranges

IMPROVEMENT, CONCERN, NEITHER = "improvement", "concern", "neither"
BEYOND, SHIFT, TREND, TWO_OF_THREE = "beyond_limit", "shift", "trend", "two_of_three"
RULES = (BEYOND, SHIFT, TREND, TWO_OF_THREE)
RULE_WORDS = {
    BEYOND: "a figure beyond a process limit",
    SHIFT: "a run of figures on one side of the mean",
    TREND: "a run of figures rising or falling",
    TWO_OF_THREE: "two of three figures beyond two sigma",
}

# Variation icons (from the latest figure: common cause, or improvement, concern or neither,
# high or low) and assurance icons (from the target).
COMMON_CAUSE = "common_cause"
CONSISTENT_PASS, CONSISTENT_FAIL, HIT_OR_MISS = "consistent_pass", "consistent_fail", "hit_or_miss"


@dataclass(frozen=True)
class Icon:
    """How an icon reads to a board member: a symbol, a few words, and what it means."""

    symbol: str
    words: str
    meaning: str
    colour: str  # MDC's blue for improvement, orange for concern, purple for neither, grey


BLUE, ORANGE, PURPLE, GREY = "#00B0F0", "#E46C0A", "#490092", "#A6A6A6"
ICONS: dict[str, Icon] = {
    COMMON_CAUSE: Icon(
        "≈", "No significant change", "Ups and downs of the usual size: common cause.", GREY
    ),
    "improvement_high": Icon(
        "⬆", "Improving (higher)", "The latest figure is a special cause of improvement.", BLUE
    ),
    "improvement_low": Icon(
        "⬇", "Improving (lower)", "The latest figure is a special cause of improvement.", BLUE
    ),
    "concern_high": Icon(
        "⬆", "Concern (higher)", "The latest figure is a special cause of concern.", ORANGE
    ),
    "concern_low": Icon(
        "⬇", "Concern (lower)", "The latest figure is a special cause of concern.", ORANGE
    ),
    "neither_high": Icon(
        "⬆", "Unusually high", "The latest figure is a special cause; no judgement.", PURPLE
    ),
    "neither_low": Icon(
        "⬇", "Unusually low", "The latest figure is a special cause; no judgement.", PURPLE
    ),
    CONSISTENT_PASS: Icon(
        "✓P",
        "Will consistently pass",
        "The target is outside the process limits, on the good side: it will be met "
        "unless something changes.",
        BLUE,
    ),
    CONSISTENT_FAIL: Icon(
        "✗F",
        "Will consistently fail",
        "The target is outside the process limits, on the bad side: it will not be met "
        "unless the process changes.",
        ORANGE,
    ),
    HIT_OR_MISS: Icon(
        "?",
        "Hit or miss",
        "The target is inside the process limits: it will be met some periods and not others "
        "by chance alone.",
        GREY,
    ),
}


@dataclass(frozen=True)
class Profile:
    """One set of rule settings, declared once in :data:`PROFILES`."""

    name: str
    title: str
    run_length: int  # figures in a shift or a trend
    min_points: int  # figures needed before limits (and icons) are shown
    screen_outliers: bool  # leave out moving ranges of 3.267 average ranges or more
    rules_cross_recalculation: bool
    conflict: str  # "improvement" wins, or the "hierarchy" of rules decides


PROFILES: dict[str, Profile] = {
    "mdc": Profile(
        "mdc",
        "NHS England Making Data Count (single chart tool v5.0)",
        run_length=6,
        min_points=13,
        screen_outliers=False,
        rules_cross_recalculation=True,
        conflict="improvement",
    ),
    "plotthedots": Profile(
        "plotthedots",
        "NHSRplotthedots R package",
        run_length=7,
        min_points=13,
        screen_outliers=True,
        rules_cross_recalculation=False,
        conflict="hierarchy",
    ),
}
DEFAULT_PROFILE = "mdc"
# plotthedots' order of precedence when a figure meets more than one rule.
_HIERARCHY = (BEYOND, TREND, TWO_OF_THREE, SHIFT)


@dataclass
class Point:
    """One figure on the chart with its own segment's mean and limits."""

    period: str
    value: float | None
    mean: float | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    lower_two_sigma: float | None = None
    upper_two_sigma: float | None = None
    special_cause: str | None = None  # improvement, concern, neither; None for common cause
    side: str | None = None  # "high" or "low": which way the special cause points
    rules: list[str] = field(default_factory=list)
    ghosted: str | None = None  # the reason it is left out of the calculation
    recalculated: bool = False  # a new mean and limits start here
    target: float | None = None  # the period's own target (a trajectory changes it), to draw


@dataclass(frozen=True)
class Shift:
    """The latest figures all on one side of the mean their limits were drawn from: those
    limits no longer describe the current process."""

    start: str  # the period of the first figure of the run
    figures: int  # how many figures the run has so far
    side: str  # "high" or "low"
    recalculable: bool  # enough figures since it began for limits of their own
    needed: int  # figures needed for limits (the profile's min_points)


@dataclass
class Chart:
    """An XmR chart, or a run chart when there are too few figures (``reason`` says so)."""

    points: list[Point]
    profile: str
    polarity: str
    has_limits: bool
    variation: str | None
    assurance: str | None
    target: float | None = None
    reason: str | None = None  # why there are no limits or icons
    shift: Shift | None = None  # a sustained shift: the limits are out of date


def average_moving_range(values: Sequence[float], screen_outliers: bool = False) -> float | None:
    """The mean gap between consecutive figures; ``screen_outliers`` leaves out gaps of 3.267
    times that mean or more and takes the mean again (NHSRplotthedots).

    >>> average_moving_range([20, 24, 20, 26, 22])
    4.5
    >>> average_moving_range([1, 1, 1, 1, 1, 1, 1, 1, 1, 20, 1])  # two large gaps
    3.8
    >>> average_moving_range([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 20], True)
    1.0
    >>> average_moving_range([7]) is None
    True
    """
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    if not ranges:
        return None
    amr = sum(ranges) / len(ranges)
    if screen_outliers:
        kept = [r for r in ranges if r < MOVING_RANGE_OUTLIER * amr]
        amr = sum(kept) / len(kept) if kept else amr
    return amr


def process_limits(
    values: Sequence[float], screen_outliers: bool = False
) -> tuple[float, float, float]:
    """(mean, lower limit, upper limit): the mean plus and minus 2.66 average moving ranges.

    The Making Data Count test case:

    >>> mean, lower, upper = process_limits(
    ...     [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18])
    >>> f"{mean:.2f} {lower:.2f} {upper:.2f}"
    '23.20 8.76 37.64'
    """
    mean = sum(values) / len(values)
    amr = average_moving_range(values, screen_outliers) or 0.0
    return mean, mean - LIMIT * amr, mean + LIMIT * amr


def judge(side: str, polarity: str) -> str:
    """A special cause as the board reads it: a high figure is improvement when higher is
    better, concern when lower is better, and neither when there is no judgement.

    >>> judge("high", "higher"), judge("high", "lower"), judge("low", "none")
    ('improvement', 'concern', 'neither')
    """
    if polarity not in ("higher", "lower"):
        return NEITHER
    return IMPROVEMENT if (side == "high") == (polarity == "higher") else CONCERN


def runs(flags: Sequence[int], length: int) -> list[int]:
    """Each position's sign (+1 or -1) when it is part of a run of at least ``length`` equal
    non-zero signs in a row, else 0.

    >>> runs([1, 1, 1, 0, -1, -1, -1, -1], 3)
    [1, 1, 1, 0, -1, -1, -1, -1]
    >>> runs([1, 1, 0, 1, 1], 3)
    [0, 0, 0, 0, 0]
    """
    out = [0] * len(flags)
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                out[start:i] = [flags[start]] * (i - start)
            start = i
    return out


def trend_runs(values: Sequence[float], length: int) -> list[tuple[int, ...]]:
    """The directions (+1 rising, -1 falling) of every run of ``length`` or more figures, each
    higher (or each lower) than the one before, that a figure is part of; a tie breaks a run.
    The figure where a fall turns into a rise belongs to both.

    >>> trend_runs([11, 14, 18, 20, 22, 23, 18], 6)
    [(1,), (1,), (1,), (1,), (1,), (1,), ()]
    >>> trend_runs([1, 2, 3, 3, 4, 5, 6], 6)
    [(), (), (), (), (), (), ()]
    >>> trend_runs([5, 4, 3, 2, 3, 4, 5], 4)[3]
    (-1, 1)
    """
    out: list[tuple[int, ...]] = [()] * len(values)
    steps = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    # A trend of n figures is n - 1 steps the same way; mark the figures at both ends.
    for i, s in enumerate(runs(steps, length - 1)):
        if s:
            for j in (i, i + 1):
                if s not in out[j]:
                    out[j] = (*out[j], s)
    return out


def two_of_three(beyond_two_sigma: Sequence[int], side: Sequence[int]) -> list[bool]:
    """Which figures count for "two of three beyond two sigma": in some window of three in a
    row, all on one side of the mean, at least two beyond the two-sigma line on that side.
    ``beyond_two_sigma`` is +1/-1 for a figure between the two-sigma line and the limit.

    >>> two_of_three([0, 1, 0, 1, 0], [1, 1, 1, 1, -1])
    [False, True, False, True, False]
    >>> two_of_three([0, 0, 1, -1], [1, 1, 1, -1])  # opposite sides: no signal
    [False, False, False, False]
    """
    n = len(side)
    out = [False] * n
    for start in range(0, max(0, n - 2)):
        window = range(start, start + 3)
        sides = {side[i] for i in window}
        if len(sides) != 1 or 0 in sides:
            continue
        (s,) = sides
        hits = [i for i in window if beyond_two_sigma[i] == s]
        if len(hits) >= 2:
            for i in hits:
                out[i] = True
    return out


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _segments(n: int, starts: set[int]) -> list[range]:
    edges = sorted({0, *(s for s in starts if 0 < s < n)}) + [n]
    return [range(a, b) for a, b in zip(edges, edges[1:], strict=False)]


def xmr(
    periods: Sequence[str],
    values: Sequence[float | None],
    *,
    polarity: str = "none",
    profile: str | Profile = DEFAULT_PROFILE,
    target: float | None = None,
    recalculate_at: Sequence[str] = (),
    ghosted: dict[str, str] | None = None,
) -> Chart:
    """The XmR chart of one indicator's history, in period order.

    ``recalculate_at`` names the periods where a change in the process starts a new mean and
    new limits; ``ghosted`` maps a period to the reason it is left out of the calculation (it
    is still drawn). Missing figures are left out altogether.

    >>> chart = xmr([f"p{i}" for i in range(1, 16)],
    ...             [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18],
    ...             polarity="higher")
    >>> p = chart.points[0]
    >>> f"{p.mean:.2f} {p.lower_limit:.2f} {p.upper_limit:.2f}", chart.variation
    ('23.20 8.76 37.64', 'common_cause')

    Twelve figures are too few for limits: a run chart, with the reason.

    >>> short = xmr([f"p{i}" for i in range(12)], [5] * 12)
    >>> short.has_limits, short.variation, short.reason
    (False, None, 'Only 12 figures: limits and icons need 13.')
    """
    prof = PROFILES[profile] if isinstance(profile, str) else profile
    ghosted = ghosted or {}
    recalc = set(recalculate_at)
    points = [
        Point(str(p), None if v is None or _missing(v) else float(v), ghosted=ghosted.get(str(p)))
        for p, v in zip(periods, values, strict=True)
    ]
    # Recalculation marks the first figure of a new segment even when that period is missing.
    pending = False
    active: list[Point] = []
    for point in points:
        pending = pending or point.period in recalc
        if point.value is None:
            continue
        if point.ghosted:
            continue
        point.recalculated = pending and bool(active)
        pending = False
        active.append(point)

    starts = {i for i, p in enumerate(active) if p.recalculated}
    segments = _segments(len(active), starts) if active else []
    for seg in segments:
        vals = [active[i].value for i in seg]
        mean = sum(vals) / len(vals)
        limited = len(vals) >= prof.min_points
        amr = average_moving_range(vals, prof.screen_outliers) if limited else None
        for i in seg:
            p = active[i]
            p.mean = mean
            if amr is not None:
                p.lower_limit, p.upper_limit = mean - LIMIT * amr, mean + LIMIT * amr
                p.lower_two_sigma = mean - 2 / 3 * LIMIT * amr
                p.upper_two_sigma = mean + 2 / 3 * LIMIT * amr
    # Ghosted figures are drawn against the mean and limits of the figures around them.
    _carry_lines(points)

    latest_limited = bool(active) and active[-1].upper_limit is not None
    # MDC lets the multi-figure rules run across a recalculation; plotthedots does not.
    groups = [range(len(active))] if prof.rules_cross_recalculation else segments
    for group in groups:
        _apply_rules([active[i] for i in group], prof, polarity)

    chart = Chart(points, prof.name, polarity, has_limits=latest_limited, variation=None,
                  assurance=None, target=target)  # fmt: skip
    if not active:
        chart.reason = "No figures yet."
        return chart
    if not latest_limited:
        since = len(segments[-1])
        where = " since the last recalculation" if len(segments) > 1 else ""
        chart.reason = (
            f"Only {since} figure{'s' if since != 1 else ''}{where}: limits and icons need "
            f"{prof.min_points}."
        )
        return chart
    last = active[-1]
    chart.variation = (
        COMMON_CAUSE if last.special_cause is None else f"{last.special_cause}_{last.side}"
    )
    chart.assurance = assurance(target, last.lower_limit, last.upper_limit, polarity)
    chart.shift = sustained_shift([active[i] for i in segments[-1]], prof)
    return chart


def sustained_shift(points: Sequence[Point], prof: Profile) -> Shift | None:
    """The run of figures, ending with the latest, all on one side of the mean of their own
    segment, when it is at least a shift long (``prof.run_length``); else None. A figure on
    the mean breaks the run, as in the shift rule.

    >>> mdc = PROFILES["mdc"]
    >>> low = [Point(f"p{i}", 10.0, mean=20.0) for i in range(12)]
    >>> high = [Point(f"q{i}", 30.0, mean=20.0) for i in range(14)]
    >>> sustained_shift(low + high, mdc)
    Shift(start='q0', figures=14, side='high', recalculable=True, needed=13)
    >>> sustained_shift(low + high[:7], mdc).recalculable   # too few since for limits
    False
    >>> sustained_shift(low + high[:5], mdc) is None          # shorter than a shift
    True
    """
    run: list[Point] = []
    for p in reversed(points):
        if p.value is None or p.mean is None or p.value == p.mean:
            break
        if run and (p.value > p.mean) != (run[0].value > run[0].mean):
            break
        run.append(p)
    if len(run) < prof.run_length:
        return None
    side = "high" if run[0].value > run[0].mean else "low"
    return Shift(run[-1].period, len(run), side, len(run) >= prof.min_points, prof.min_points)


def _missing(v: float) -> bool:
    try:
        return math.isnan(v)
    except TypeError:
        return False


def _carry_lines(points: list[Point]) -> None:
    previous = None
    for p in points:
        if p.mean is not None:
            previous = p
        elif previous is not None:
            p.mean, p.lower_limit, p.upper_limit = (
                previous.mean,
                previous.lower_limit,
                previous.upper_limit,
            )
            p.lower_two_sigma, p.upper_two_sigma = (
                previous.lower_two_sigma,
                previous.upper_two_sigma,
            )


def _apply_rules(points: list[Point], prof: Profile, polarity: str) -> None:
    """Mark each point's special causes; only points with limits take part."""
    limited = [p for p in points if p.upper_limit is not None]
    if not limited:
        return
    values = [p.value for p in limited]
    side = [_sign(p.value - p.mean) for p in limited]
    beyond = [
        1 if p.value > p.upper_limit else -1 if p.value < p.lower_limit else 0 for p in limited
    ]
    near = [
        0 if b else 1 if p.value > p.upper_two_sigma else -1 if p.value < p.lower_two_sigma else 0
        for p, b in zip(limited, beyond, strict=True)
    ]
    shift = runs(side, prof.run_length)
    trend = trend_runs(values, prof.run_length)
    two = two_of_three(near, side)
    for i, p in enumerate(limited):
        fired: list[tuple[str, int]] = []
        if beyond[i]:
            fired.append((BEYOND, beyond[i]))
        fired.extend((TREND, s) for s in trend[i])
        if two[i]:
            fired.append((TWO_OF_THREE, near[i]))
        if shift[i]:
            fired.append((SHIFT, shift[i]))
        if not fired:
            continue
        p.rules = [r for r in RULES if any(rule == r for rule, _ in fired)]
        verdicts = [
            (rule, judge("high" if s > 0 else "low", polarity), "high" if s > 0 else "low")
            for rule, s in fired
        ]
        if prof.conflict == "hierarchy":
            rule = next(r for r in _HIERARCHY if r in p.rules)
            chosen = next(v for v in verdicts if v[0] == rule)
        else:
            # The MDC tool shows improvement where rules disagree.
            chosen = next((v for v in verdicts if v[1] == IMPROVEMENT), verdicts[0])
        p.special_cause, p.side = chosen[1], chosen[2]


def assurance(
    target: float | None, lower: float | None, upper: float | None, polarity: str
) -> str | None:
    """Will the target be met? Compare it with the latest process limits.

    >>> assurance(40, 10, 35, "higher"), assurance(40, 10, 35, "lower")
    ('consistent_fail', 'consistent_pass')
    >>> assurance(5, 10, 35, "higher"), assurance(20, 10, 35, "higher")
    ('consistent_pass', 'hit_or_miss')
    >>> assurance(20, 10, 35, "none") is None   # no judgement: a target makes no sense
    True
    """
    if target is None or _missing(target) or lower is None or polarity not in ("higher", "lower"):
        return None
    if target > upper:
        return CONSISTENT_FAIL if polarity == "higher" else CONSISTENT_PASS
    if target < lower:
        return CONSISTENT_PASS if polarity == "higher" else CONSISTENT_FAIL
    return HIT_OR_MISS


def icon_text(name: str | None) -> str:
    """An icon as words with its symbol, for tables, the pack and screen readers.

    >>> icon_text("concern_low"), icon_text(None)
    ('⬇ Concern (lower)', '–')
    """
    if name is None:
        return "–"
    icon = ICONS[name]
    return f"{icon.symbol} {icon.words}"


def shift_words(shift: Shift, period_words: Callable[[str], str] = str) -> str:
    """What a sustained shift means for the limits, in a sentence (``period_words`` says a
    period as the board does).

    >>> print(shift_words(Shift("2025-05", 18, "high", True, 13)))
    Limits out of date: the 18 figures since 2025-05 are all above the mean, a sustained shift. They can be recalculated from 2025-05.
    >>> print(shift_words(Shift("p1", 8, "low", False, 13)))
    Limits out of date: the 8 figures since p1 are all below the mean, a sustained shift. They can be recalculated from p1 once there are 13 figures since.
    """
    since = period_words(shift.start)
    when = "" if shift.recalculable else f" once there are {shift.needed} figures since"
    return (
        f"Limits out of date: the {shift.figures} figures since {since} are all "
        f"{'above' if shift.side == 'high' else 'below'} the mean, a sustained shift. "
        f"They can be recalculated from {since}{when}."
    )


def assurance_text(name: str | None, shift: Shift | None = None) -> str:
    """The assurance icon in words; after a sustained shift it is no forecast, and says so
    instead of asserting a pass or a fail.

    >>> assurance_text("consistent_fail")
    '✗F Will consistently fail'
    >>> assurance_text("consistent_fail", Shift("p3", 9, "high", False, 13))
    '✗F Limits out of date'
    >>> assurance_text(None, Shift("p3", 9, "high", False, 13))
    '–'
    """
    if name is None or shift is None:
        return icon_text(name)
    return f"{ICONS[name].symbol} {STALE_WORDS}"


STALE_WORDS = "Limits out of date"


def to_dict(chart: Chart) -> dict:
    """The chart as plain data, for ``python -m outcomes spc --json``."""
    return {
        "profile": chart.profile,
        "polarity": chart.polarity,
        "target": chart.target,
        "has_limits": chart.has_limits,
        "reason": chart.reason,
        "variation": chart.variation,
        "assurance": chart.assurance,
        "shift": None
        if chart.shift is None
        else {
            "start": chart.shift.start,
            "figures": chart.shift.figures,
            "side": chart.shift.side,
            "recalculable": chart.shift.recalculable,
            "limits_out_of_date": True,
        },
        "points": [
            {
                "period": p.period,
                "value": p.value,
                "mean": p.mean,
                "lower_limit": p.lower_limit,
                "upper_limit": p.upper_limit,
                "lower_two_sigma": p.lower_two_sigma,
                "upper_two_sigma": p.upper_two_sigma,
                "special_cause": p.special_cause,
                "rules": p.rules,
                "ghosted": p.ghosted,
                "recalculated": p.recalculated,
                "target": p.target,
            }
            for p in chart.points
        ],
    }
