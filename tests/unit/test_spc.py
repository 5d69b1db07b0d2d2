"""SPC against the published cases: NHS England's Making Data Count XmR test document (the
checks a local chart must pass to match the MDC single chart tool v5.0, as kept in
NHSDigital/fdp-react-design-system) and NHSRplotthedots' own expected results."""

from __future__ import annotations

import pytest

from outcomes.rules import spc


def chart(values, polarity="higher", profile="mdc", **kw):
    return spc.xmr([f"p{i}" for i in range(1, len(values) + 1)], values, polarity=polarity,
                   profile=profile, **kw)  # fmt: skip


def marked(c, cause):
    return [i for i, p in enumerate(c.points, start=1) if p.special_cause == cause]


MDC_LIMITS = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


def test_mdc_process_limits_from_the_average_moving_range():
    c = chart(MDC_LIMITS)
    p = c.points[0]
    assert (round(p.mean, 2), round(p.lower_limit, 2), round(p.upper_limit, 2)) == (
        23.20, 8.76, 37.64)  # fmt: skip
    assert all(q.special_cause is None for q in c.points)


def test_mdc_ten_points_show_only_the_mean():
    c = chart(MDC_LIMITS[:10])
    assert round(c.points[0].mean, 2) == 22.10
    assert c.points[0].upper_limit is None and not c.has_limits
    assert c.variation is None and "need 13" in c.reason


@pytest.mark.parametrize("n, limits", [(12, False), (13, True)])
def test_mdc_limits_from_thirteen_points(n, limits):
    values = [30, 31, 25, 35, 34, 15, 21, 23, 30, 26, 26, 22, 25][:n]
    assert chart(values).has_limits is limits


def test_mdc_single_points_beyond_the_limits():
    c = chart([45, 29, 20, 22, 25, 20, 27, 24, 22, 23, 20, 26, 20, 15, 5])
    assert marked(c, "improvement") == [1] and marked(c, "concern") == [15]
    assert c.points[0].rules == [spc.BEYOND]
    assert c.variation == "concern_low"


def test_mdc_shift_of_six():
    c = chart([31, 35, 34, 29, 29, 32, 26, 26, 32, 35, 30, 18, 31, 25, 27, 22, 18, 25, 25, 17])
    assert marked(c, "improvement") == [1, 2, 3, 4, 5, 6]
    assert marked(c, "concern") == [14, 15, 16, 17, 18, 19, 20]


def test_mdc_trend_of_six_and_a_tie_breaks_it():
    c = chart([11, 14, 18, 20, 22, 23, 18, 21, 17, 23, 26, 20, 16, 25, 23, 22, 19, 16, 15, 12])
    assert marked(c, "improvement") == [1, 2, 3, 4, 5, 6]
    assert marked(c, "concern") == [14, 15, 16, 17, 18, 19, 20]
    assert all(spc.TREND in c.points[i - 1].rules for i in marked(c, "concern"))
    flat = chart([23, 30, 28, 25, 25, 20, 18, 24, 16, 13, 14, 18, 18, 24, 26, 29, 19, 20, 28, 16])
    assert marked(flat, "improvement") == marked(flat, "concern") == []


def test_mdc_two_of_three_beyond_two_sigma_same_side_only():
    c = chart([42, 40, 39, 26, 39, 24, 22, 29, 32, 22, 20, 23, 25, 26, 22, 24, 27, 7, 19, 24,
               7, 7, 32])  # fmt: skip
    assert [i for i in marked(c, "concern") if spc.TWO_OF_THREE in c.points[i - 1].rules] == [
        21,
        22,
    ]
    # The same with 2 in place of the second 7: that point is beyond the limit instead, and the
    # other no longer has a partner beyond two sigma.
    d = chart([42, 40, 39, 26, 39, 24, 22, 29, 32, 22, 20, 23, 25, 26, 22, 24, 27, 7, 19, 24,
               7, 2, 32])  # fmt: skip
    assert marked(d, "concern") == [22] and d.points[21].rules == [spc.BEYOND]


def test_mdc_conflict_shows_improvement():
    values = [43, 41, 37, 36, 31, 23, 15, 13, 15, 18, 23, 27, 31, 36, 27, 19, 17, 27, 15, 22]
    high = chart(values, "higher")
    assert marked(high, "concern") == [5, 6, 7]  # "only p5 to p7 are shown in orange"
    assert marked(high, "improvement") == [1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14]
    low = chart(values, "lower")
    assert marked(low, "concern") == [12, 13, 14]  # "only p12 to p14 are shown in orange"


ASSURANCE = [16, 24, 22, 19, 19, 18, 24, 25, 18, 17, 16, 25, 15, 23, 19, 35, 32, 35, 31, 27,
             33, 28, 38, 35, 30, 28, 29, 27, 24, 23]  # fmt: skip


@pytest.mark.parametrize(
    "target, polarity, expected",
    [
        (40, "higher", "consistent_fail"),
        (30, "higher", "hit_or_miss"),
        (10, "higher", "consistent_pass"),
        (40, "lower", "consistent_pass"),
        (10, "lower", "consistent_fail"),
        (30, "none", None),
        (None, "higher", None),
    ],
)
def test_mdc_assurance_icons(target, polarity, expected):
    assert chart(ASSURANCE, polarity, target=target).assurance == expected


def test_recalculation_gives_each_section_its_own_limits_and_the_latest_decides():
    whole = chart(ASSURANCE, target=35)
    split = chart(ASSURANCE, target=35, recalculate_at=["p16"])
    first, last = split.points[0], split.points[-1]
    assert last.recalculated is False and split.points[15].recalculated
    assert round(first.mean, 2) == round(sum(ASSURANCE[:15]) / 15, 2)
    assert round(last.mean, 2) == round(sum(ASSURANCE[15:]) / 15, 2)
    assert first.mean != last.mean and last.upper_limit != whole.points[-1].upper_limit
    # Against the later, higher section a target of 35 is hit or miss; the early one would fail.
    assert split.assurance == "hit_or_miss"
    assert chart(ASSURANCE[:15], target=35).assurance == "consistent_fail"


def test_recalculation_with_too_few_points_after_it_is_a_run_chart_with_a_reason():
    c = chart(ASSURANCE, recalculate_at=["p25"])
    assert not c.has_limits and c.variation is None
    assert c.reason == "Only 6 figures since the last recalculation: limits and icons need 13."


def test_ghosted_point_is_drawn_but_left_out_of_the_calculation():
    values = list(MDC_LIMITS)
    values[5] = 90  # an outage month, say
    c = chart(values, ghosted={"p6": "system outage"})
    p6 = c.points[5]
    assert p6.ghosted == "system outage" and p6.special_cause is None and p6.rules == []
    without = chart(MDC_LIMITS[:5] + MDC_LIMITS[6:])
    assert c.points[0].mean == pytest.approx(without.points[0].mean)
    assert c.points[0].upper_limit == pytest.approx(without.points[0].upper_limit)


@pytest.mark.parametrize(
    "last, high, low, neither",
    [
        (45, "improvement_high", "concern_high", "neither_high"),
        (25, "common_cause", "common_cause", "common_cause"),
        (5, "concern_low", "improvement_low", "neither_low"),
    ],
)
def test_mdc_variation_icon_from_the_latest_point(last, high, low, neither):
    values = [16, 20, 22, 18, 21, 18, 26, 28, 24, 26, 19, 18, 25, 32, 43, 28, 22, last]
    assert chart(values, "higher").variation == high
    assert chart(values, "lower").variation == low
    assert chart(values, "none").variation == neither


# NHSRplotthedots: set.seed(123); rnorm(20), and its snapshot of ptd_spc_standard.
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
             0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
             0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
             0.70135590, -0.47279141]  # fmt: skip


def test_plotthedots_expected_limits():
    c = chart(RNORM_123, profile="plotthedots")
    p = c.points[0]
    assert (round(p.mean, 7), round(p.lower_limit, 5), round(p.upper_limit, 6)) == (
        0.1416238, -3.01138, 3.294627)  # fmt: skip


def test_plotthedots_screens_the_outlying_moving_range_and_mdc_does_not():
    values = list(RNORM_123)
    values[14] = 10
    screened = chart(values, profile="plotthedots").points[0]
    assert round(screened.mean, 7) == 0.6694159
    assert (round(screened.lower_limit, 6), round(screened.upper_limit, 6)) == (
        -2.383666, 3.722497)  # fmt: skip
    plain = chart(values, profile="mdc").points[0]
    assert (round(plain.lower_limit, 6), round(plain.upper_limit, 6)) == (-4.596625, 5.935457)


def test_plotthedots_two_close_points_on_opposite_sides_are_common_cause():
    values = [1, -1] * 7 + [5.5, -5.5]
    c = chart(values, profile="plotthedots")
    assert [p.special_cause for p in c.points[-2:]] == [None, None]


def test_runs_of_seven_for_plotthedots_and_six_for_mdc():
    values = [20, 10] * 5 + [16] * 6  # six in a row above the mean, no other pattern

    def shifted(c):
        return [i for i, p in enumerate(c.points, start=1) if spc.SHIFT in p.rules]

    assert shifted(chart(values, profile="mdc")) == [11, 12, 13, 14, 15, 16]
    assert shifted(chart(values, profile="plotthedots")) == []


def test_plotthedots_hierarchy_beats_mdc_improvement_first():
    # Falling trend (concern when higher is better) into a point above the limit.
    values = [43, 41, 37, 36, 31, 23, 15, 13, 15, 18, 23, 27, 31, 36, 27, 19, 17, 27, 15, 22]
    mdc = chart(values, profile="mdc")
    ptd = chart(values, profile="plotthedots")
    assert mdc.points[7].special_cause == "improvement"  # p8: rising and falling trend
    assert ptd.points[0].special_cause == "improvement"  # beyond the limit outranks the trend
    # p8 ends a falling run and starts a rising one: MDC shows improvement, plotthedots takes
    # the trend it meets first (falling: concern).
    assert ptd.points[7].special_cause == "concern"
