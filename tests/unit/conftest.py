"""Fixtures the board pack's tests share (test_pack.py, test_pack_print.py)."""

from __future__ import annotations

import os

import pytest

from outcomes.outputs import pack
from outcomes.outputs.pack import chromium as drawing
from tests.board import Action, Note, record_business
from tests.copies import in_memory_copy

BUSINESS_NOTES: list[Note] = [
    ("HC02", "2024/25 Q4", "Equality and Cohesion Lead", {
        "narrative": "Fewer responses after the survey moved online.",
        "status_override": "red", "override_reason": "Response rate too low to trust the figure",
    }),
    ("MS01", "2024/25 Q4", "Detective Chief Inspector", {
        "narrative": "Training paused.",
        "blockage": True, "blockage_detail": "No trainer funded for 2025/26",
    }),
]  # fmt: skip
BUSINESS_ACTIONS: list[Action] = [
    ("A1", "Fund a modern slavery trainer", "Head of Community Safety",
     {"due_date": "2025-03-31", "priority_id": "modern-slavery"}),
    ("A2", "Report on hate crime", "Equality Lead", {}),
    ("A3", "Agree the survey method", "Victim Support",
     {"due_date": "2025-02-01", "status_": "done"}),
]  # fmt: skip


def board_business(cur) -> None:
    """Commentary, an override, a blockage and actions (one overdue), as a real board has."""
    record_business(cur, BUSINESS_NOTES, BUSINESS_ACTIONS)


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
