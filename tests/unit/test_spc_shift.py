"""Issue 17, finding 7: after a sustained shift the limits no longer describe the process
(Making Data Count): the assurance icon says so wherever it shows, and an analyst or an
administrator, and no one else, may recalculate the limits from the shift, in the audit trail."""

from __future__ import annotations

import pytest

from outcomes.errors import Refused
from outcomes.queries import statistics
from outcomes.rules import spc
from tests.actors import acting

ANALYST = acting("Ana Analyst", "analyst")
SHIFTED = [10, 12, 11, 9, 10, 11, 12, 10, 9, 11, 10, 12, 11] + [20, 21, 19, 22, 20, 21, 19,
                                                                 20, 22, 21, 20, 19, 21]  # fmt: skip


def test_a_sustained_shift_marks_the_limits_out_of_date():
    c = spc.xmr([f"p{i}" for i in range(len(SHIFTED))], SHIFTED, polarity="lower", target=8)
    assert c.assurance == spc.CONSISTENT_FAIL  # by limits drawn over both processes
    assert c.shift == spc.Shift("p13", 13, "high", True, 13)
    assert spc.assurance_text(c.assurance, c.shift) == "✗F Limits out of date"
    again = spc.xmr([f"p{i}" for i in range(len(SHIFTED))], SHIFTED, polarity="lower",
                    target=8, recalculate_at=["p13"])  # fmt: skip
    assert again.shift is None and again.assurance == spc.CONSISTENT_FAIL
    stable = spc.xmr([f"p{i}" for i in range(26)], SHIFTED[:13] * 2, polarity="lower")
    assert stable.shift is None


def test_sv03_icon_carries_the_caveat_in_the_pack_words(demo_store):
    cur = demo_store.cursor()
    row = statistics.spc_summary(cur).set_index("indicator_code").loc["SV03"]
    assert row["assurance"] == spc.CONSISTENT_FAIL and row["shift_recalculable"]
    words = statistics.icon_words(cur)["SV03"]
    assert "Limits out of date (a sustained shift since" in words
    assert "Will consistently fail" not in words


def test_only_an_analyst_or_admin_may_recalculate_and_it_is_audited(demo_store):
    cur = demo_store.cursor()
    shift = statistics.indicator_chart(cur, "SV03").shift
    for role in ("board", "lead"):
        with pytest.raises(Refused, match="may not change the framework"):
            statistics.recalculate_limits(cur, "SV03", by=acting("X", role, ("street-violence",)),
                                          reason="New night-time economy policing")  # fmt: skip
    with pytest.raises(Refused, match="Say why"):
        statistics.recalculate_limits(cur, "SV03", by=ANALYST, reason=" ")
    done = statistics.recalculate_limits(
        cur, "SV03", by=ANALYST, reason="New night-time economy policing"
    )
    assert "start again from" in done
    assert cur.execute(
        "SELECT period, kind, reason FROM spc_event WHERE indicator_code = 'SV03'"
    ).fetchall() == [(shift.start, "recalculate", "New night-time economy policing")]
    who, change = cur.execute(
        "SELECT who, change FROM audit_log WHERE entity = 'framework' AND entity_key = 'SV03'"
    ).fetchone()
    assert (who, change) == ("Ana Analyst", "SPC limits recalculated")
    after = statistics.indicator_chart(cur, "SV03")
    assert after.shift is None and after.has_limits
    assert "limits out of date" not in statistics.icon_words(cur)["SV03"].lower()
    with pytest.raises(Refused, match="no sustained shift"):
        statistics.recalculate_limits(cur, "SV03", by=ANALYST, reason="again")


def test_the_spc_chart_draws_each_periods_target_as_the_trend_chart_does(demo_store):
    """Issue 17: SV01's SPC target was flat at 310 beside the trend's 314/318/322 trajectory."""
    from outcomes.outputs import charts, statcharts
    from outcomes.queries import board

    cur = demo_store.cursor()
    history = board.history(cur, "SV01")
    trend = charts.trend(history, board.indicator(cur, "SV01"))
    chart = statistics.indicator_chart(cur, "SV01")
    figure = statcharts.spc_chart(chart)

    def target(fig):  # period by period, in order (the axis labels are the charts' own)
        (trace,) = [t for t in fig.data if t.name == "Target"]
        return [float(y) for y in trace.y]

    drawn, wanted = target(figure), target(trend)
    assert len(set(wanted)) > 1  # the demo's trajectory steps
    assert drawn == wanted
