"""How we compare with other areas: confidence intervals and the Fingertips judgement.

A figure built from a count has chance in it: a city with 335 cases one year might as easily
have had 310 or 360. A **confidence interval** gives the range the underlying rate probably
lies in. Fingertips (OHID) shows each area's figure with its 95% and 99.8% intervals and
calls it **Better**, **Similar** or **Worse** than England: *Similar* when the 95% interval
includes England's figure, otherwise better or worse by the indicator's polarity (or simply
*higher* / *lower* when there is no judgement). An interval that excludes the benchmark at
99.8% is *significantly* so.

The methods are those of PHEindicatormethods, which Fingertips uses:

* **rates and counts**: Byar's approximation to the Poisson interval, and the exact Poisson
  interval when there are fewer than 10 events (Byar's approximation is poor there);
* **proportions**: Wilson's score interval.

Pure functions only: no database, no Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

EXACT_BELOW = 10  # events: fewer than this use the exact Poisson interval
BETTER, SIMILAR, WORSE, HIGHER, LOWER = "better", "similar", "worse", "higher", "lower"
NOT_COMPARED = "not compared"
KINDS = ("rate", "proportion", "count")
COMPARED_WORDS = {
    BETTER: "Better",
    SIMILAR: "Similar",
    WORSE: "Worse",
    HIGHER: "Higher",
    LOWER: "Lower",
    NOT_COMPARED: "Not compared",
}


def z_value(confidence: float) -> float:
    """The two-sided normal quantile.

    >>> round(z_value(0.95), 6), round(z_value(0.998), 6)
    (1.959964, 3.090232)
    """
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def byar_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's interval for a Poisson count.

    >>> lo, hi = byar_interval(335)
    >>> f"{lo:.3f} {hi:.3f}"
    '300.082 372.865'
    """
    z = z_value(confidence)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3 if count > 0 else 0.0
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


def _poisson_cdf(k: int, mean: float) -> float:
    if mean <= 0:
        return 1.0
    # Terms in logs: exp(-mean) alone underflows to zero beyond a mean of about 745.
    log_mean = math.log(mean)
    return sum(math.exp(i * log_mean - mean - math.lgamma(i + 1)) for i in range(k + 1))


def _solve(f, lo: float, hi: float) -> float:
    # f rises from negative to positive between lo and hi; bisection to double precision.
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return (lo + hi) / 2


def exact_poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood) interval for a Poisson count: the means under which a count this
    high, or this low, has probability (1 - confidence) / 2.

    >>> [f"{x:.4f}" for x in exact_poisson_interval(0)]
    ['0.0000', '3.6889']
    >>> [f"{x:.4f}" for x in exact_poisson_interval(5)]
    ['1.6235', '11.6683']
    """
    alpha = (1 - confidence) / 2
    count = int(round(count))
    top = count + 10 * math.sqrt(count + 1) + 20
    lower = 0.0 if count == 0 else _solve(lambda m: 1 - alpha - _poisson_cdf(count - 1, m), 0, top)
    upper = _solve(lambda m: alpha - _poisson_cdf(count, m), 0, top)
    return lower, upper


def count_interval(
    count: float, confidence: float = 0.95, exact_below: int = EXACT_BELOW
) -> tuple[float, float]:
    """Exact below 10 events, Byar's from 10 (PHEindicatormethods' rule). ``exact_below=0``
    uses Byar's throughout, as older Fingertips exports did.

    >>> [round(x, 3) for x in count_interval(9)], [round(x, 3) for x in count_interval(10)]
    ([4.115, 17.085], [4.787, 18.391])
    """
    if count < exact_below:
        return exact_poisson_interval(int(round(count)), confidence)
    return byar_interval(count, confidence)


def rate_interval(
    count: float,
    denominator: float,
    multiplier: float = 1000,
    confidence: float = 0.95,
    exact_below: int = EXACT_BELOW,
) -> tuple[float, float, float]:
    """(rate, lower, upper) per ``multiplier`` people.

    Plymouth's campylobacter rate for 2015 in the Fingertips export: 335 cases in 262,712
    people, 127.5 per 100,000, 95% interval 114.2 to 142.0.

    >>> [f"{x:.1f}" for x in rate_interval(335, 262712, 100_000)]
    ['127.5', '114.2', '141.9']
    """
    lower, upper = count_interval(count, confidence, exact_below)
    scale = multiplier / denominator
    return count * scale, lower * scale, upper * scale


def wilson_interval(
    count: float, denominator: float, confidence: float = 0.95, multiplier: float = 100
) -> tuple[float, float, float]:
    """(proportion, lower, upper) by Wilson's score method, times ``multiplier`` (100: a
    percentage).

    >>> [f"{x:.2f}" for x in wilson_interval(65, 100)]
    ['65.00', '55.25', '73.64']
    >>> [f"{x:.2f}" for x in wilson_interval(0, 20)]
    ['0.00', '0.00', '16.11']
    """
    z = z_value(confidence)
    p = count / denominator
    centre = 2 * count + z * z
    spread = z * math.sqrt(z * z + 4 * count * (1 - p))
    bottom = 2 * (denominator + z * z)
    lower = max(0.0, (centre - spread) / bottom)
    upper = min(1.0, (centre + spread) / bottom)
    return p * multiplier, lower * multiplier, upper * multiplier


def interval(
    kind: str,
    count: float,
    denominator: float | None,
    multiplier: float,
    confidence: float,
    exact_below: int = EXACT_BELOW,
) -> tuple[float, float, float]:
    """The figure and its interval for a ``rate``, ``proportion`` or plain ``count``."""
    if kind == "proportion":
        return wilson_interval(count, denominator, confidence, multiplier)
    if kind == "rate":
        return rate_interval(count, denominator, multiplier, confidence, exact_below)
    lower, upper = count_interval(count, confidence, exact_below)
    return float(count), lower, upper


def compared(
    lower: float | None, upper: float | None, benchmark: float | None, polarity: str
) -> str:
    """Better, similar or worse than the benchmark: similar when the interval includes it.
    With no judgement (polarity ``none``) the answer is higher or lower instead.

    >>> compared(114.2, 142.0, 94.7, "lower"), compared(80, 90, 94.7, "lower")
    ('worse', 'better')
    >>> compared(90, 100, 94.7, "lower"), compared(96, 99, 94.7, "none")
    ('similar', 'higher')
    >>> compared(None, None, 94.7, "lower")
    'not compared'
    """
    if lower is None or upper is None or benchmark is None or _missing(lower, upper, benchmark):
        return NOT_COMPARED
    if lower <= benchmark <= upper:
        return SIMILAR
    high = lower > benchmark
    if polarity == "higher":
        return BETTER if high else WORSE
    if polarity == "lower":
        return WORSE if high else BETTER
    return HIGHER if high else LOWER


def _missing(*xs: float) -> bool:
    return any(isinstance(x, float) and math.isnan(x) for x in xs)


@dataclass(frozen=True)
class Row:
    """One area's figure with both intervals and its comparison with the benchmark."""

    area: str
    name: str
    count: float | None
    denominator: float | None
    value: float | None
    lower_95: float | None
    upper_95: float | None
    lower_998: float | None
    upper_998: float | None
    compared: str
    significant: bool  # outside the 99.8% interval too
    note: str | None = None


def area_row(
    area: str,
    name: str,
    count: float | None,
    denominator: float | None,
    *,
    kind: str,
    multiplier: float,
    benchmark: float | None,
    polarity: str,
    note: str | None = None,
    exact_below: int = EXACT_BELOW,
) -> Row:
    """An area's row. An area without a count (or a denominator, where one is needed) keeps
    its gap: no figure, no interval, never compared.

    >>> area_row("E1", "Devon", None, 1000, kind="rate", multiplier=1000, benchmark=5,
    ...          polarity="lower").compared
    'not compared'
    """
    usable = (
        count is not None
        and not _missing(float(count))
        and (kind == "count" or (denominator is not None and not _missing(float(denominator))))
        and (kind == "count" or denominator > 0)
    )
    if not usable:
        return Row(area, name, count, denominator, None, None, None, None, None, NOT_COMPARED,
                   False, note)  # fmt: skip
    value, lo95, hi95 = interval(kind, count, denominator, multiplier, 0.95, exact_below)
    _, lo998, hi998 = interval(kind, count, denominator, multiplier, 0.998, exact_below)
    verdict = compared(lo95, hi95, benchmark, polarity)
    strong = compared(lo998, hi998, benchmark, polarity)
    return Row(area, name, count, denominator, value, lo95, hi95, lo998, hi998, verdict,
               strong not in (SIMILAR, NOT_COMPARED), note)  # fmt: skip


def pooled(
    counts: list[float | None], denominators: list[float | None], kind: str, multiplier: float
) -> float | None:
    """All areas' counts over all their denominators, leaving out areas missing either.

    >>> pooled([10, 30, None], [1000, 1000, 500], "rate", 1000)
    20.0
    """
    pairs = [
        (c, d)
        for c, d in zip(counts, denominators, strict=True)
        if c is not None and d is not None and not _missing(float(c), float(d))
    ]
    if not pairs:
        return None
    total_d = sum(d for _, d in pairs)
    if kind == "count":
        return sum(c for c, _ in pairs) / len(pairs)
    return sum(c for c, _ in pairs) / total_d * multiplier if total_d else None


def rank(rows: list[Row], area: str, polarity: str) -> tuple[int, int] | None:
    """(position, out of): 1 is the best figure by the polarity (the highest with no judgement).

    >>> rows = [Row(a, a, 1, 1, v, 0, 0, 0, 0, "similar", False) for a, v in
    ...         (("A", 5.0), ("B", 7.0), ("C", None))]
    >>> rank(rows, "A", "lower"), rank(rows, "A", "higher"), rank(rows, "C", "lower")
    ((1, 2), (2, 2), None)
    """
    valued = [r for r in rows if r.value is not None]
    ordered = sorted(valued, key=lambda r: r.value, reverse=polarity != "lower")
    for i, r in enumerate(ordered, start=1):
        if r.area == area:
            return i, len(ordered)
    return None


def funnel_limits(
    benchmark: float, denominator: float, kind: str, multiplier: float, confidence: float
) -> tuple[float, float]:
    """The funnel at one denominator: where an area of that size, with the benchmark's true
    rate, would fall by chance with this confidence (the count's interval at the expected
    count, as for an area's own interval).

    >>> [round(x, 1) for x in funnel_limits(20, 100_000, "rate", 1000, 0.95)]
    [19.1, 20.9]
    """
    if kind == "proportion":
        expected = benchmark / multiplier * denominator
        _, lo, hi = wilson_interval(expected, denominator, confidence, multiplier)
        return lo, hi
    expected = benchmark / multiplier * denominator
    lo, hi = byar_interval(expected, confidence) if expected >= EXACT_BELOW else (
        exact_poisson_interval(int(round(expected)), confidence))  # fmt: skip
    return lo / denominator * multiplier, hi / denominator * multiplier
