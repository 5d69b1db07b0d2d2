"""The process's one database connection, kept in Streamlit's resource cache."""

from __future__ import annotations

import streamlit as st

from outcomes import framework
from outcomes.demo import DEMO_FRAMEWORK, build_demo
from outcomes.store import Store, is_empty, open_store, resolve_db_path


@st.cache_resource(show_spinner="Opening the database…")
def _store(path: str) -> Store:
    store = open_store(path)
    cur = store.cursor()
    if is_empty(cur):
        # First start on an empty database: build the demo so there is something to see.
        build_demo(cur, framework.from_yaml(DEMO_FRAMEWORK))
    return store


def store() -> Store:
    """The store for ``OUTCOMES_DB`` (or the default file); one per process."""
    return _store(str(resolve_db_path()))


def cursor():
    """This thread's cursor on the shared connection."""
    return store().cursor()
