"""Traffic-light ("RAG") status rules for the outcomes framework.

This module is the single place where the board's status rules live. Every page, chart
and printed board pack asks this module for a status rather than working one out itself,
so a figure is always rated the same way wherever it appears.

The rules, in plain English:

* **Target method** (the default). Each indicator has a polarity: "higher" (higher is
  better, e.g. a detection rate), "lower" (lower is better, e.g. repeat victims) or
  "none" (context only). The latest figure is **Green** when it is on or better than the
  target, **Amber** when it is worse than the target but within the tolerance (5% of the
  target unless the indicator says otherwise; the rule Safer Derbyshire publishes) and
  **Red** when it is further away than that.
* **Baseline method**. The same comparison, with the baseline in place of the target.
* **Not rated**. No figure, a figure behind the reporting calendar (a later period's
  figure has fallen due and is missing: ``outcomes.workflows.calendar.is_behind``), a context-only
  indicator, or nothing to compare against. Each is labelled with
  its reason so that "not rated" never hides a data gap.
* **Priority roll-up**. A priority takes the worst status of its rated indicators unless
  the board chooses another rule (see :func:`roll_up`).

A status is never shown by colour alone: each has a word and a symbol as well, and the
palette keeps the green and red apart for people with red-green colour blindness.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

GREEN, AMBER, RED, NOT_RATED = "green", "amber", "red", "not rated"
STATUSES = (GREEN, AMBER, RED, NOT_RATED)
POLARITIES = ("higher", "lower", "none")
TOLERANCE_KINDS = ("percent", "absolute")
ROLL_UPS = ("worst", "majority", "outcomes_worst")
METHODS = ("target", "baseline")
LEVELS = ("outcome", "output")
DEFAULT_TOLERANCE_PERCENT = 5.0

NO_DATA, NO_TARGET, NO_BASELINE, STALE, NO_JUDGEMENT = (
    "no data",
    "no target",
    "no baseline",
    "stale data",
    "no judgement",
)

# Higher number = worse: the one severity order. The roll-ups pick "the worst" by it, a change
# of status is better or worse by it, and the board reads lists worst first by it.
SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Rating:
    """The status of one indicator and the plain-English reason for it."""

    status: str
    reason: str
    not_rated_because: str | None = None


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")


def _is_missing(value: float | None) -> bool:
    # Figures read from spreadsheets and data frames arrive as NaN rather than None, and
    # not always as a Python float (Decimal from DuckDB, numpy.float32), hence isnan().
    if value is None:
        return True
    try:
        return math.isnan(value)
    except (TypeError, ValueError):
        return False


def _epsilon(reference: float) -> float:
    # Absorbs binary floating-point noise (100 * 1.05 == 105.00000000000001) so a figure
    # a person would read as "exactly on the line" is treated as on the line.
    return 1e-9 * max(1.0, abs(reference))


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:f}".rstrip("0").rstrip(".")


def tolerance_band(
    reference: float, tolerance: float | None, tolerance_kind: str = "percent"
) -> float:
    """Width of the Amber band: how far worse than the reference a figure may be.

    A percentage tolerance is a share of the reference; an absolute tolerance is in the
    indicator's own units. With no tolerance set, the default 5% applies.

    >>> tolerance_band(200, None)            # default: 5% of 200
    10.0
    >>> tolerance_band(200, 10)              # 10% of 200
    20.0
    >>> tolerance_band(-40, 5)               # a share of the size of a negative reference
    2.0
    >>> tolerance_band(200, 3, "absolute")   # up to 3 units worse than the reference
    3.0

    A zero reference with a percentage tolerance gives no Amber band at all: 5% of
    nothing is nothing. So for a "zero deaths" target any figure above zero is Red,
    which is the judgement a zero target is meant to express. Give the indicator an
    absolute tolerance if some slack around zero is wanted.

    >>> tolerance_band(0, 5)
    0.0
    """
    _check(tolerance_kind, TOLERANCE_KINDS, "tolerance kind")
    if _is_missing(tolerance):
        # No tolerance set: the framework default is a percentage whatever the kind says,
        # because there is no sensible default in an indicator's own units.
        return abs(float(reference)) * DEFAULT_TOLERANCE_PERCENT / 100
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, got {tolerance!r}")
    if tolerance_kind == "absolute":
        return float(tolerance)
    return abs(float(reference)) * float(tolerance) / 100


def compare(
    value: float,
    reference: float,
    polarity: str,
    tolerance: float | None = None,
    tolerance_kind: str = "percent",
) -> str:
    """Green, Amber or Red for a figure against a reference (a target or a baseline).

    Lower is better (e.g. a target of 100 incidents, default 5% tolerance):

    >>> compare(100, 100, "lower")        # on target
    'green'
    >>> compare(105, 100, "lower")        # exactly on the tolerance edge counts as Amber
    'amber'
    >>> compare(105.0001, 100, "lower")   # just beyond it
    'red'

    Higher is better (e.g. a target of 100 referrals):

    >>> compare(120, 100, "higher")
    'green'
    >>> compare(95, 100, "higher")
    'amber'
    >>> compare(94.999, 100, "higher")
    'red'

    An absolute tolerance, in the indicator's own units (here 2 percentage points):

    >>> compare(58, 60, "higher", tolerance=2, tolerance_kind="absolute")
    'amber'

    A zero target (e.g. zero deaths) has no Amber band; see :func:`tolerance_band`:

    >>> compare(0.1, 0, "lower")
    'red'

    Context-only indicators cannot be judged, so asking is a mistake:

    >>> compare(5, 4, "none")
    Traceback (most recent call last):
    ...
    ValueError: polarity 'none' means no judgement: a context-only indicator cannot be compared
    """
    if polarity == "none":
        raise ValueError(
            "polarity 'none' means no judgement: a context-only indicator cannot be compared"
        )
    _check(polarity, POLARITIES, "polarity")
    if _is_missing(value) or _is_missing(reference):
        raise ValueError("cannot compare a missing figure: use rate() to label it not rated")
    # Figures may arrive as Decimal (DuckDB) or numpy types; the rule works in floats.
    value, reference = float(value), float(reference)
    shortfall = (reference - value) if polarity == "higher" else (value - reference)
    eps = _epsilon(reference)
    if shortfall <= eps:
        return GREEN
    if shortfall <= tolerance_band(reference, tolerance, tolerance_kind) + eps:
        return AMBER
    return RED


def rate(
    value: float | None,
    *,
    polarity: str,
    target: float | None = None,
    baseline: float | None = None,
    method: str = "target",
    tolerance: float | None = None,
    tolerance_kind: str = "percent",
    stale: bool = False,
) -> Rating:
    """Rate an indicator's latest figure, or say plainly why it cannot be rated.

    >>> r = rate(104, polarity="lower", target=100)
    >>> r.status, r.reason
    ('amber', 'worse than target, within 5% tolerance')
    >>> rate(90, polarity="higher", target=100).reason
    'more than 5% worse than target'
    >>> rate(90, polarity="higher", baseline=85, method="baseline").reason
    'on or better than baseline'

    The checks for "not rated" run in this order, and the first that applies wins:
    no figure at all, then a figure that is out of date, then a context-only indicator,
    then nothing to compare against.

    >>> rate(None, polarity="lower", target=100, stale=True).not_rated_because
    'no data'
    >>> rate(120, polarity="lower", target=100, stale=True).reason
    'latest figure is out of date'
    >>> rate(120, polarity="none", target=100).reason
    'context only: no judgement'
    >>> rate(120, polarity="lower").reason
    'no target set'
    >>> rate(120, polarity="lower", target=100, method="baseline").not_rated_because
    'no baseline'
    """
    _check(method, METHODS, "rating method")
    _check(polarity, POLARITIES, "polarity")
    if _is_missing(value):
        return Rating(NOT_RATED, "no data", NO_DATA)
    if stale:
        return Rating(NOT_RATED, "latest figure is out of date", STALE)
    if polarity == "none":
        return Rating(NOT_RATED, "context only: no judgement", NO_JUDGEMENT)
    reference = target if method == "target" else baseline
    if _is_missing(reference):
        if method == "target":
            return Rating(NOT_RATED, "no target set", NO_TARGET)
        return Rating(NOT_RATED, "no baseline set", NO_BASELINE)

    status = compare(value, reference, polarity, tolerance, tolerance_kind)
    if status == GREEN:
        return Rating(GREEN, f"on or better than {method}")
    if _is_missing(tolerance) or tolerance_kind == "percent":
        slack = f"{_number(DEFAULT_TOLERANCE_PERCENT if _is_missing(tolerance) else tolerance)}%"
        within = f"within {slack} tolerance"
    else:
        slack = _number(tolerance)
        within = f"within tolerance of {slack}"
    if status == AMBER:
        return Rating(AMBER, f"worse than {method}, {within}")
    return Rating(RED, f"more than {slack} worse than {method}")


def roll_up(
    statuses: Iterable[str], method: str = "worst", levels: Iterable[str] | None = None
) -> str:
    """A priority's status from its indicators' statuses.

    Not-rated indicators are left out: a gap in the data should not make a priority look
    better or worse. If none of its indicators is rated, neither is the priority.

    "worst" (the default): the priority is as bad as its worst indicator.

    >>> roll_up(["green", "amber", "red", "not rated"])
    'red'
    >>> roll_up(["not rated", "not rated"])
    'not rated'

    "majority": the most common status; a tie goes to the worse status, so the board is
    never given the more comfortable reading of an even split.

    >>> roll_up(["green", "green", "red"], "majority")
    'green'
    >>> roll_up(["green", "red"], "majority")
    'red'

    "outcomes_worst": the worst of the outcome measures only (outputs such as "number of
    patrols" show activity, not results). If no outcome measure is rated, the priority
    falls back to the worst of all its indicators rather than going unrated.

    >>> roll_up(["green", "red"], "outcomes_worst", levels=["outcome", "output"])
    'green'
    >>> roll_up(["not rated", "amber"], "outcomes_worst", levels=["outcome", "output"])
    'amber'
    """
    _check(method, ROLL_UPS, "roll-up method")
    statuses = list(statuses)
    for s in statuses:
        _check(s, STATUSES, "status")
    if levels is not None:
        levels = list(levels)
        if len(levels) != len(statuses):
            raise ValueError(
                f"levels must match statuses one for one: got {len(levels)} levels "
                f"for {len(statuses)} statuses"
            )
        for level in levels:
            _check(level, LEVELS, "indicator level")
    elif method == "outcomes_worst":
        raise ValueError("roll-up method 'outcomes_worst' needs levels ('outcome' or 'output')")

    rated = [s for s in statuses if s != NOT_RATED]
    if not rated:
        return NOT_RATED
    if method == "outcomes_worst":
        outcomes = [
            s for s, lv in zip(statuses, levels, strict=True) if lv == "outcome" and s != NOT_RATED
        ]
        return max(outcomes or rated, key=SEVERITY.__getitem__)
    if method == "majority":
        counts = Counter(rated)
        return max(counts, key=lambda s: (counts[s], SEVERITY[s]))
    return max(rated, key=SEVERITY.__getitem__)


def worst_first(state: str) -> int:
    """A sort key that puts the worst status first and "not rated" last.

    >>> sorted([GREEN, NOT_RATED, RED, AMBER], key=worst_first)
    ['red', 'amber', 'green', 'not rated']
    """
    return -SEVERITY[state] if state in SEVERITY else 1


def change(was: str, now: str) -> str:
    """Better or worse, from one status to another; a move to or from not rated is "changed".

    >>> change("amber", "red"), change("red", "green"), change("green", "not rated")
    ('worse', 'better', 'changed')
    """
    if was in SEVERITY and now in SEVERITY:
        return "worse" if SEVERITY[now] > SEVERITY[was] else "better"
    return "changed"


def direction_of_travel(current: float | None, previous: float | None, polarity: str) -> str:
    """Whether the latest figure has moved the right way since the previous one.

    >>> direction_of_travel(80, 90, "lower")     # fewer incidents: good
    'improving'
    >>> direction_of_travel(80, 90, "higher")    # fewer referrals: bad
    'worsening'
    >>> direction_of_travel(90, 90.0, "higher")
    'no change'
    >>> direction_of_travel(None, 90, "lower")
    'not comparable'

    A context-only indicator has no right way, so it only says which way it went:

    >>> direction_of_travel(80, 90, "none")
    'down'
    """
    _check(polarity, POLARITIES, "polarity")
    if _is_missing(current) or _is_missing(previous):
        return "not comparable"
    current, previous = float(current), float(previous)
    change = current - previous
    if abs(change) <= _epsilon(previous):
        return "no change"
    if polarity == "none":
        return "up" if change > 0 else "down"
    better = change > 0 if polarity == "higher" else change < 0
    return "improving" if better else "worsening"


def count_by_status(statuses: Iterable[str]) -> dict[str, int]:
    """How many indicators have each status; every status is listed, even at zero.

    >>> count_by_status(["red", "green", "red"])
    {'green': 1, 'amber': 0, 'red': 2, 'not rated': 0}
    """
    counts = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        _check(s, STATUSES, "status")
        counts[s] += 1
    return counts


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: always a word and a symbol as well as a colour."""

    status: str
    word: str
    symbol: str
    colour: str
    text_colour: str
    meaning: str
    marker: str


# The teal-green and crimson differ along the blue-yellow axis as well as red-green, so
# they stay apart for people with red-green colour blindness; the symbols and words carry
# the meaning on their own for everyone else (and on a black-and-white print-out).
STYLES: dict[str, StatusStyle] = {
    GREEN: StatusStyle(
        GREEN, "Green", "✔", "#00695C", "#FFFFFF", "On or better than target", "circle"
    ),
    AMBER: StatusStyle(
        AMBER,
        "Amber",
        "▲",
        "#F0B000",
        "#000000",
        "Slightly off target (within tolerance)",
        "triangle-up",
    ),
    RED: StatusStyle(RED, "Red", "✖", "#B2182B", "#FFFFFF", "Off target", "x"),
    NOT_RATED: StatusStyle(
        NOT_RATED,
        "Not rated",
        "○",
        "#E0E0E0",
        "#000000",
        "No figures, or nothing to judge them by",
        "circle-open",
    ),
}

DIRECTION_SYMBOLS = {
    "improving": "↗",
    "worsening": "↘",
    "no change": "→",
    "not comparable": "–",
    "up": "↑",
    "down": "↓",
}


def direction_text(direction: str | None, symbols: bool = True) -> str:
    """A direction of travel in words, with its arrow unless ``symbols`` is False.

    >>> direction_text("improving"), direction_text("worsening", symbols=False), direction_text(None)
    ('↗ improving', 'worsening', '–')
    """
    if not direction:
        return "–"
    symbol = DIRECTION_SYMBOLS.get(direction, "") if symbols else ""
    return f"{symbol} {direction}".strip()


def style(status: str) -> StatusStyle:
    """The presentation facts for a status.

    >>> style("amber").word, style("amber").symbol, style("amber").marker
    ('Amber', '▲', 'triangle-up')
    """
    _check(status, STATUSES, "status")
    return STYLES[status]


def badge_text(status: str) -> str:
    """The symbol and word for a status, so it can be read without seeing colour.

    >>> badge_text("red"), badge_text("not rated")
    ('✖ Red', '○ Not rated')
    """
    s = style(status)
    return f"{s.symbol} {s.word}"


def _relative_luminance(hex_colour: str) -> float:
    h = hex_colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"expected a colour like '#1A2B3C', got {hex_colour!r}")
    channels = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(hex_a: str, hex_b: str) -> float:
    """WCAG 2.x contrast ratio between two colours, from 1 (none) to 21 (black on white).

    Text needs at least 4.5 to meet WCAG AA; every badge in :data:`STYLES` does.

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    >>> contrast_ratio(style("red").colour, style("red").text_colour) >= 4.5
    True
    """
    lighter, darker = sorted((_relative_luminance(hex_a), _relative_luminance(hex_b)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)
