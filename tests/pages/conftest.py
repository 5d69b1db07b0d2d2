"""Fixtures shared by the page tests: a writable demo database and the router's live state."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from outcomes.demo import build_demo
from outcomes.store import open_store


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
def fresh_db(tmp_path, monkeypatch, demo_framework):
    """A demo database of this test's own, for tests that write; OUTCOMES_DB points at it."""
    path = tmp_path / "page-test.duckdb"
    s = open_store(path)
    build_demo(s.cursor(), demo_framework)
    s.close()
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    yield path
    clear_caches()
