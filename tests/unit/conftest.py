"""Fixtures the board pack's tests share (test_pack.py, test_pack_print.py)."""

from __future__ import annotations

import os

import pytest

from outcomes import meetings, pack
from outcomes.demo import facts
from outcomes.pack import chromium as drawing
from tests.actors import acting
from tests.copies import in_memory_copy


def board_business(cur) -> None:
    """Commentary, an override, a blockage and actions (one overdue), as a real board has."""
    meetings.add_commentary(
        cur,
        "HC02",
        facts().moved("2024/25 Q4"),
        by=acting("Equality and Cohesion Lead"),
        narrative="Fewer responses after the survey moved online.",
        status_override="red",
        override_reason="Response rate too low to trust the figure",
    )
    meetings.add_commentary(
        cur,
        "MS01",
        facts().moved("2024/25 Q4"),
        by=acting("Detective Chief Inspector"),
        narrative="Training paused.",
        blockage=True,
        blockage_detail="No trainer funded for 2025/26",
    )
    meetings.save_action(
        cur,
        by=acting("clerk"),
        reference="A1",
        text="Fund a modern slavery trainer",
        owner="Head of Community Safety",
        due_date="2025-03-31",
        priority_id="modern-slavery",
    )
    meetings.save_action(
        cur, by=acting("clerk"), reference="A2", text="Report on hate crime", owner="Equality Lead"
    )
    meetings.save_action(
        cur,
        by=acting("clerk"),
        reference="A3",
        text="Agree the survey method",
        owner="Victim Support",
        due_date="2025-02-01",
        status_="done",
    )


@pytest.fixture(scope="module")
def busy_store(demo_built):
    """The demo with the board's business added; shared by the tests that only read it."""
    s = in_memory_copy(demo_built)
    board_business(s.cursor())
    yield s
    s.close()


@pytest.fixture(scope="module")
def chromium():
    """Fail under CI (the chart tests must run there), otherwise skip with the reason."""
    try:
        return pack.find_chromium()
    except pack.PackError as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{err} (CI=true, so the chart tests must run)", pytrace=False)
        pytest.skip(str(err))


@pytest.fixture
def no_charts(monkeypatch):
    """For tests about everything but the charts: no browser, no waiting."""
    monkeypatch.setattr(drawing, "trend_chart", lambda *a, **k: None)
