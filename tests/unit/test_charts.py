"""Trend charts carry the status of every point in shape and legend word, not colour alone."""

from __future__ import annotations

import re

from outcomes.outputs import charts
from outcomes.queries import board
from outcomes.rules import wording
from outcomes.workflows.demo import facts


def test_trend_marks_points_by_status_with_target_band_and_baseline(demo_store):
    cur = demo_store.cursor()
    history = board.history(cur, "VV02")
    fig = charts.trend(history, board.indicator(cur, "VV02"))
    names = [t.name for t in fig.data]
    assert names[:2] == ["Target", "Amber tolerance band"]
    # Words, not codes (issue 17): "Baseline 350 (Q1 2021/22)", ticks "Q1 21/22".
    assert f"Baseline 350 ({wording.period_short(facts().moved('2021/22 Q1'))})" in names
    assert not any(re.search(r"\d{4}/\d{2} Q\d|\(\d{4}-\d{2}\)", n or "") for n in names)
    assert all(re.fullmatch(r"Q[1-4] \d{2}/\d{2}", label) for label in history["label"])
    by_name = {t.name: t for t in fig.data}
    # every status present in the history has its own trace, word and marker shape
    for word, symbol in (("✔ Green", "circle"), ("▲ Amber", "triangle-up"), ("✖ Red", "x")):
        status = word.split()[1].lower()
        expected = history[history["status"] == status]
        if expected.empty:
            continue
        trace = by_name[word]
        assert trace.marker.symbol == symbol
        assert list(trace.x) == list(expected["label"])
    # the amber band sits below the target for a higher-is-better indicator (5% of 420 = 21)
    band = by_name["Amber tolerance band"]
    assert band.y[-1] == 420 - 21


def test_baseline_method_has_no_target_line(demo_store):
    cur = demo_store.cursor()
    fig = charts.trend(board.history(cur, "FS03"), board.indicator(cur, "FS03"))
    names = [t.name for t in fig.data]
    assert "Target" not in names and any(n.startswith("Baseline 6") for n in names)
