"""Fixtures shared by the page tests: the dashboard on the shared demo, a writable demo database
of a test's own, and the router's live state."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows import meetings
from tests.actors import acting
from tests.board import Action, Note, record_business
from tests.copies import written

# Every new AppTest scans every installed package's metadata for Streamlit components (about
# 0.6 s of CPU each, and the page tests make a few hundred); what is installed does not change
# during a run, so the scan is done once per process.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)
# A server compiles each page once (its ScriptCache lives as long as it does); AppTest makes a new
# cache for every run, so every run compiled the router and its page again, about a fifth of
# the page tests' CPU. The files do not change during a run, so one cache serves the process.
_one_script_cache = ScriptCache()
app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _one_script_cache

MEETING_NOTES: list[Note] = [
    ("VV01", "2024/25 Q4", "Victim Services Lead", {
        "narrative": "Survey sample too small this quarter.",
        "status_override": "red", "override_reason": "The <b>survey</b> missed the most vulnerable.",
    }),
    ("MS01", "2024/25 Q4", "DCI <Modern Slavery>", {
        "narrative": "Training places cut.",
        "blockage": True, "blockage_detail": "No trainer funded for <2025/26>.",
    }),
]  # fmt: skip
MEETING_ACTIONS: list[Action] = [
    ("A1", "Find funding for modern slavery training <urgently>.",
     "Community Safety Partnership Manager",
     {"due_date": "2025-01-31", "priority_id": "modern-slavery"}),
    ("A2", "Report the repeat victimisation review.", "Victim Services Lead",
     {"due_date": "2099-12-31"}),
]  # fmt: skip


def after_a_meeting(demo_db: Path, path: Path) -> None:
    """A copy of the demo at ``path`` after a board meeting: one status overridden since, a
    blockage escalated by its lead, and two open actions, one of them overdue. Typed text
    carries markup to escape."""
    shutil.copy(demo_db, path)

    def meet(cur) -> None:
        meetings.record_meeting(cur, "2025-05-15", by=acting("Democratic Support Officer"))
        record_business(cur, MEETING_NOTES, MEETING_ACTIONS)

    written(path, meet)


def clear_caches() -> None:
    """Each test opens its own file, so the process-wide store and reads must not outlive it."""
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def router_already_running(monkeypatch):
    """Run as a server does once any session has passed through the router.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run, so each run starts in
    Streamlit's legacy ``pages/`` mode and ``ui.router.require_router`` reruns it. That rerun
    spends the click of a button, so a submitted form would never see its button pressed.
    Leaving the flag off, as ``st.navigation`` does in a live server, keeps the click.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def app(demo_db_file, monkeypatch):
    """The dashboard in AppTest on the run's shared demo database, for tests that only read."""
    monkeypatch.setenv("OUTCOMES_DB", str(demo_db_file))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    yield at
    clear_caches()


@pytest.fixture
def fresh_db(tmp_path, monkeypatch, copy_demo):
    """A demo database of this test's own, for tests that write; OUTCOMES_DB points at it."""
    path = copy_demo(tmp_path / "page-test.duckdb")
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    yield path
    clear_caches()
