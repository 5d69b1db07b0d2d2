"""Edge cases for the RAG status rules in outcomes.rules.status."""

from decimal import Decimal

import pytest

from outcomes.rules import status as st
from outcomes.rules.status import (
    AMBER,
    GREEN,
    NO_BASELINE,
    NO_DATA,
    NO_JUDGEMENT,
    NO_TARGET,
    NOT_RATED,
    RED,
    STALE,
    STATUSES,
    STYLES,
    Rating,
    badge_text,
    compare,
    contrast_ratio,
    count_by_status,
    direction_of_travel,
    rate,
    roll_up,
    style,
    tolerance_band,
)

# ---------------------------------------------------------------- constants


def test_public_constants():
    assert STATUSES == ("green", "amber", "red", "not rated")
    assert st.POLARITIES == ("higher", "lower", "none")
    assert st.TOLERANCE_KINDS == ("percent", "absolute")
    assert st.ROLL_UPS == ("worst", "majority", "outcomes_worst")
    assert st.DEFAULT_TOLERANCE_PERCENT == 5.0
    assert (NO_DATA, NO_TARGET, NO_BASELINE, STALE, NO_JUDGEMENT) == (
        "no data",
        "no target",
        "no baseline",
        "stale data",
        "no judgement",
    )


# ---------------------------------------------------------------- tolerance_band


@pytest.mark.parametrize(
    ("reference", "tolerance", "kind", "expected"),
    [
        (100, None, "percent", 5.0),
        (100, None, "absolute", 5.0),  # no tolerance set: the 5% default, whatever the kind
        (100, float("nan"), "percent", 5.0),
        (100, 10, "percent", 10.0),
        (-40, 5, "percent", 2.0),
        (0, 5, "percent", 0.0),
        (0, None, "percent", 0.0),
        (0, 2, "absolute", 2.0),
        (100, 3, "absolute", 3.0),
        (100, 0, "percent", 0.0),
    ],
)
def test_tolerance_band(reference, tolerance, kind, expected):
    assert tolerance_band(reference, tolerance, kind) == pytest.approx(expected)


def test_tolerance_band_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown tolerance kind 'ratio'"):
        tolerance_band(100, 5, "ratio")
    with pytest.raises(ValueError, match="must not be negative"):
        tolerance_band(100, -1)


# ---------------------------------------------------------------- compare

COMPARE_CASES = [
    # value, reference, polarity, tolerance, kind, expected
    # exactly on target
    (100, 100, "lower", None, "percent", GREEN),
    (100, 100, "higher", None, "percent", GREEN),
    # better than target
    (90, 100, "lower", None, "percent", GREEN),
    (110, 100, "higher", None, "percent", GREEN),
    # lower is better: the 5% edge at 105
    (101, 100, "lower", None, "percent", AMBER),
    (105, 100, "lower", None, "percent", AMBER),
    (100 * 1.05, 100, "lower", None, "percent", AMBER),  # 105.00000000000001
    (105.0001, 100, "lower", None, "percent", RED),
    (150, 100, "lower", None, "percent", RED),
    # higher is better: the 5% edge at 95
    (99, 100, "higher", None, "percent", AMBER),
    (95, 100, "higher", None, "percent", AMBER),
    (100 * 0.95, 100, "higher", None, "percent", AMBER),
    (94.999, 100, "higher", None, "percent", RED),
    (10, 100, "higher", None, "percent", RED),
    # a non-default percentage tolerance
    (110, 100, "lower", 10, "percent", AMBER),
    (110.01, 100, "lower", 10, "percent", RED),
    # a zero tolerance: any shortfall is red
    (100.01, 100, "lower", 0, "percent", RED),
    # zero target
    (0, 0, "lower", None, "percent", GREEN),
    (0.1, 0, "lower", None, "percent", RED),
    (1e-12, 0, "lower", None, "percent", GREEN),  # float noise, not a real shortfall
    (0, 0, "higher", None, "percent", GREEN),
    (0.1, 0, "higher", None, "percent", GREEN),
    (1000, 0, "higher", None, "percent", GREEN),
    (-0.1, 0, "higher", None, "percent", RED),
    # zero target with an absolute tolerance gives slack around zero
    (1, 0, "lower", 1, "absolute", AMBER),
    (1.5, 0, "lower", 1, "absolute", RED),
    # negative values (e.g. a change measure, target -10: a fall of at least 10)
    (-10, -10, "lower", None, "percent", GREEN),
    (-12, -10, "lower", None, "percent", GREEN),
    (-9.5, -10, "lower", None, "percent", AMBER),  # band is 5% of |-10| = 0.5
    (-9.4, -10, "lower", None, "percent", RED),
    (-10.5, -10, "higher", None, "percent", AMBER),
    (-10.6, -10, "higher", None, "percent", RED),
    (-5, -10, "higher", None, "percent", GREEN),
    # absolute tolerance (percentage points, units)
    (58, 60, "higher", 2, "absolute", AMBER),
    (57.99, 60, "higher", 2, "absolute", RED),
    (62, 60, "lower", 2, "absolute", AMBER),
    (62.01, 60, "lower", 2, "absolute", RED),
    (60, 60, "lower", 2, "absolute", GREEN),
    # large references: epsilon scales with the reference
    (1_050_000, 1_000_000, "lower", None, "percent", AMBER),
    (1_050_001, 1_000_000, "lower", None, "percent", RED),
]


@pytest.mark.parametrize(
    ("value", "reference", "polarity", "tol", "kind", "expected"), COMPARE_CASES
)
def test_compare(value, reference, polarity, tol, kind, expected):
    assert compare(value, reference, polarity, tol, kind) == expected


def test_compare_refuses_no_judgement():
    with pytest.raises(ValueError, match="polarity 'none' means no judgement"):
        compare(5, 4, "none")


@pytest.mark.parametrize("polarity", ["up", "Higher", "", None])
def test_compare_unknown_polarity(polarity):
    with pytest.raises(ValueError, match="unknown polarity .*expected one of higher, lower, none"):
        compare(5, 4, polarity)


@pytest.mark.parametrize(("value", "reference"), [(float("nan"), 1), (1, float("nan")), (None, 1)])
def test_compare_refuses_missing_figures(value, reference):
    with pytest.raises(ValueError, match="missing figure"):
        compare(value, reference, "lower")


# ---------------------------------------------------------------- rate

RATE_CASES = [
    # kwargs, expected Rating
    (
        dict(value=100, polarity="lower", target=100),
        Rating(GREEN, "on or better than target"),
    ),
    (
        dict(value=105, polarity="lower", target=100),
        Rating(AMBER, "worse than target, within 5% tolerance"),
    ),
    (
        dict(value=106, polarity="lower", target=100),
        Rating(RED, "more than 5% worse than target"),
    ),
    (
        dict(value=95, polarity="higher", target=100),
        Rating(AMBER, "worse than target, within 5% tolerance"),
    ),
    (
        dict(value=88, polarity="higher", target=100, tolerance=12.5),
        Rating(AMBER, "worse than target, within 12.5% tolerance"),
    ),
    (
        dict(value=58, polarity="higher", target=60, tolerance=2, tolerance_kind="absolute"),
        Rating(AMBER, "worse than target, within tolerance of 2"),
    ),
    (
        dict(value=57, polarity="higher", target=60, tolerance=2, tolerance_kind="absolute"),
        Rating(RED, "more than 2 worse than target"),
    ),
    # missing data: None and NaN
    (dict(value=None, polarity="lower", target=100), Rating(NOT_RATED, "no data", NO_DATA)),
    (
        dict(value=float("nan"), polarity="lower", target=100),
        Rating(NOT_RATED, "no data", NO_DATA),
    ),
    # no data beats stale, no judgement and no target
    (
        dict(value=None, polarity="none", stale=True),
        Rating(NOT_RATED, "no data", NO_DATA),
    ),
    # stale beats everything else
    (
        dict(value=100, polarity="lower", target=100, stale=True),
        Rating(NOT_RATED, "latest figure is out of date", STALE),
    ),
    (
        dict(value=100, polarity="none", stale=True),
        Rating(NOT_RATED, "latest figure is out of date", STALE),
    ),
    (
        dict(value=100, polarity="lower", stale=True),
        Rating(NOT_RATED, "latest figure is out of date", STALE),
    ),
    # polarity none: no judgement, even with a target
    (
        dict(value=500, polarity="none", target=100),
        Rating(NOT_RATED, "context only: no judgement", NO_JUDGEMENT),
    ),
    (
        dict(value=500, polarity="none"),
        Rating(NOT_RATED, "context only: no judgement", NO_JUDGEMENT),
    ),
    # no target
    (dict(value=100, polarity="lower"), Rating(NOT_RATED, "no target set", NO_TARGET)),
    (
        dict(value=100, polarity="lower", target=float("nan")),
        Rating(NOT_RATED, "no target set", NO_TARGET),
    ),
    (
        dict(value=100, polarity="lower", baseline=90),
        Rating(NOT_RATED, "no target set", NO_TARGET),
    ),
    # baseline method with a baseline: the target is ignored
    (
        dict(value=100, polarity="lower", baseline=100, target=50, method="baseline"),
        Rating(GREEN, "on or better than baseline"),
    ),
    (
        dict(value=104, polarity="lower", baseline=100, method="baseline"),
        Rating(AMBER, "worse than baseline, within 5% tolerance"),
    ),
    (
        dict(value=80, polarity="higher", baseline=100, method="baseline"),
        Rating(RED, "more than 5% worse than baseline"),
    ),
    # baseline method without a baseline: a target does not stand in for it
    (
        dict(value=100, polarity="lower", target=100, method="baseline"),
        Rating(NOT_RATED, "no baseline set", NO_BASELINE),
    ),
    (
        dict(value=100, polarity="lower", baseline=float("nan"), method="baseline"),
        Rating(NOT_RATED, "no baseline set", NO_BASELINE),
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), RATE_CASES)
def test_rate(kwargs, expected):
    value = kwargs.pop("value")
    assert rate(value, **kwargs) == expected


def test_rate_not_rated_because_is_only_set_when_not_rated():
    for _kwargs, rating in RATE_CASES:
        assert (rating.not_rated_because is None) == (rating.status != NOT_RATED)


@pytest.mark.parametrize("missing", [None, float("nan"), Decimal("NaN")])
def test_rate_missing_value_kinds(missing):
    assert rate(missing, polarity="higher", target=1).not_rated_because == NO_DATA


def test_rate_accepts_decimal_figures():
    assert rate(Decimal("105"), polarity="lower", target=Decimal("100")).status == AMBER
    assert tolerance_band(Decimal("100"), Decimal("5")) == 5.0
    assert direction_of_travel(Decimal("1.5"), 2, "lower") == "improving"


def test_rate_agrees_with_compare():
    for value, reference, polarity, tol, kind, expected in COMPARE_CASES:
        got = rate(value, polarity=polarity, target=reference, tolerance=tol, tolerance_kind=kind)
        assert got.status == expected


def test_rate_unknown_method():
    with pytest.raises(ValueError, match="unknown rating method 'trend'.*target, baseline"):
        rate(1, polarity="lower", target=1, method="trend")


def test_rate_unknown_polarity_fails_even_without_data():
    # A misconfigured indicator should fail loudly, not hide behind "no data".
    with pytest.raises(ValueError, match="unknown polarity 'down'"):
        rate(None, polarity="down")


def test_rating_is_frozen():
    with pytest.raises(AttributeError):
        rate(1, polarity="lower", target=1).status = RED


# ---------------------------------------------------------------- roll_up

R, A, G, N = RED, AMBER, GREEN, NOT_RATED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([G, A, R], R),
        ([G, A], A),
        ([G, G], G),
        ([G, N], G),
        ([R, N, N], R),
        ([N, N], N),
        ([], N),
    ],
)
def test_roll_up_worst(statuses, expected):
    assert roll_up(statuses) == expected
    assert roll_up(iter(statuses), "worst") == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([G, G, R], G),
        ([G, R, R], R),
        ([G, A, A, R], A),
        ([G, R], R),  # tie: the worse one
        ([G, A], A),
        ([A, R], R),
        ([G, G, A, A, R], A),  # two-way tie between green and amber
        ([G, A, R], R),  # three-way tie
        ([G, G, N, N, N], G),  # not rated never wins a majority
        ([N], N),
        ([], N),
    ],
)
def test_roll_up_majority(statuses, expected):
    assert roll_up(statuses, "majority") == expected


@pytest.mark.parametrize(
    ("statuses", "levels", "expected"),
    [
        ([G, R], ["outcome", "output"], G),
        ([A, R, G], ["outcome", "output", "outcome"], A),
        ([R, G], ["outcome", "output"], R),
        # no rated outcome measure: fall back to all indicators
        ([N, A, G], ["outcome", "output", "output"], A),
        ([G, R], ["output", "output"], R),
        ([N, N], ["outcome", "output"], N),
        ([], [], N),
    ],
)
def test_roll_up_outcomes_worst(statuses, levels, expected):
    assert roll_up(statuses, "outcomes_worst", levels) == expected


def test_roll_up_levels_are_ignored_by_other_methods():
    assert roll_up([G, R], "worst", ["outcome", "output"]) == R


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([G], "average"), "unknown roll-up method 'average'.*worst, majority, outcomes_worst"),
        (([G, "purple"],), "unknown status 'purple'"),
        (([G], "outcomes_worst"), "needs levels"),
        (([G, R], "outcomes_worst", ["outcome"]), "got 1 levels for 2 statuses"),
        (([G], "outcomes_worst", ["input"]), "unknown indicator level 'input'"),
    ],
)
def test_roll_up_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        roll_up(*args)


# ---------------------------------------------------------------- direction_of_travel


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (110, 100, "higher", "improving"),
        (90, 100, "higher", "worsening"),
        (90, 100, "lower", "improving"),
        (110, 100, "lower", "worsening"),
        (110, 100, "none", "up"),
        (90, 100, "none", "down"),
        (-5, -10, "lower", "worsening"),
        (-5, -10, "higher", "improving"),
        (100, 100, "higher", "no change"),
        (100, 100, "lower", "no change"),
        (100, 100, "none", "no change"),
        (0.1 + 0.2, 0.3, "lower", "no change"),  # float noise
        (0, 0, "lower", "no change"),
        (None, 100, "higher", "not comparable"),
        (100, None, "lower", "not comparable"),
        (float("nan"), 100, "none", "not comparable"),
        (100, float("nan"), "higher", "not comparable"),
        (None, None, "lower", "not comparable"),
    ],
)
def test_direction_of_travel(current, previous, polarity, expected):
    assert direction_of_travel(current, previous, polarity) == expected
    assert expected in st.DIRECTION_SYMBOLS


def test_direction_of_travel_unknown_polarity():
    with pytest.raises(ValueError, match="unknown polarity 'better'"):
        direction_of_travel(1, 2, "better")


def test_direction_symbols():
    assert st.DIRECTION_SYMBOLS == {
        "improving": "↗", "worsening": "↘", "no change": "→", "not comparable": "–",
        "up": "↑", "down": "↓",
    }  # fmt: skip


# ---------------------------------------------------------------- count_by_status


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], {G: 0, A: 0, R: 0, N: 0}),
        ([R, G, R, N], {G: 1, A: 0, R: 2, N: 1}),
        ((s for s in [A, A]), {G: 0, A: 2, R: 0, N: 0}),
    ],
)
def test_count_by_status(statuses, expected):
    counts = count_by_status(statuses)
    assert counts == expected
    assert tuple(counts) == STATUSES


def test_count_by_status_unknown_status():
    with pytest.raises(ValueError, match="unknown status 'Green'"):
        count_by_status(["Green"])


# ---------------------------------------------------------------- presentation


@pytest.mark.parametrize(
    ("status", "word", "symbol", "colour", "text", "meaning", "marker", "badge"),
    [
        (G, "Green", "✔", "#00695C", "#FFFFFF", "On or better than target", "circle", "✔ Green"),
        (A, "Amber", "▲", "#F0B000", "#000000", "Slightly off target (within tolerance)", "triangle-up", "▲ Amber"),
        (R, "Red", "✖", "#B2182B", "#FFFFFF", "Off target", "x", "✖ Red"),
        (N, "Not rated", "○", "#E0E0E0", "#000000", "No figures, or nothing to judge them by", "circle-open", "○ Not rated"),
    ],
)  # fmt: skip
def test_styles(status, word, symbol, colour, text, meaning, marker, badge):
    s = style(status)
    assert s is STYLES[status]
    assert (s.status, s.word, s.symbol, s.colour, s.text_colour, s.meaning, s.marker) == (
        status,
        word,
        symbol,
        colour,
        text,
        meaning,
        marker,
    )
    assert badge_text(status) == badge


def test_every_status_has_a_distinct_word_symbol_and_marker():
    # Never colour alone: each status must be told apart without seeing colour.
    assert tuple(STYLES) == STATUSES
    for field in ("word", "symbol", "marker", "colour"):
        assert len({getattr(s, field) for s in STYLES.values()}) == len(STATUSES), field


def test_style_unknown_status():
    with pytest.raises(ValueError, match="unknown status 'blue'"):
        style("blue")
    with pytest.raises(ValueError):
        badge_text("blue")


@pytest.mark.parametrize("status", STATUSES)
def test_badge_text_contrast_meets_wcag_aa(status):
    s = style(status)
    assert contrast_ratio(s.colour, s.text_colour) >= 4.5


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#000000", 21.0),
        ("#777777", "#777777", 1.0),
        ("#fff", "#000", 21.0),
        ("FFFFFF", "#767676", 4.54),  # the classic lightest AA grey on white
        ("#00695C", "#FFFFFF", 6.61),
        ("#B2182B", "#FFFFFF", 6.87),
        ("#F0B000", "#000000", 10.92),
        ("#E0E0E0", "#000000", 15.91),
    ],
)
def test_contrast_ratio(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("bad", ["#12345", "", "#GGGGGG"])
def test_contrast_ratio_rejects_bad_colour(bad):
    with pytest.raises(ValueError):
        contrast_ratio(bad, "#000000")


# Machado, Oliveira & Fernandes (2009) full-severity simulation matrices, linear RGB.
_CVD = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}


def _linear_rgb(hex_colour):
    h = hex_colour.lstrip("#")
    out = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def _lab_b(linear):
    """CIELAB b* (the blue-yellow axis: negative is blue, positive is yellow), D65 white."""
    r, g, b = (min(1.0, max(0.0, c)) for c in linear)
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 200 * (f(y / 1.0) - f(z / 1.08883))


@pytest.mark.parametrize("deficiency", sorted(_CVD))
def test_green_and_red_stay_apart_on_the_blue_yellow_axis(deficiency):
    # With red-green colour blindness the red-green difference disappears, so the green
    # must read as bluer than the red for the pair to stay distinguishable.
    m = _CVD[deficiency]

    def simulated_b(hex_colour):
        v = _linear_rgb(hex_colour)
        return _lab_b([sum(m[i][j] * v[j] for j in range(3)) for i in range(3)])

    # b* units: about 2 is just noticeable, so 10 is a clear difference.
    assert simulated_b(STYLES[RED].colour) - simulated_b(STYLES[GREEN].colour) > 10
