"""The process's one database connection, kept in Streamlit's resource cache."""

from __future__ import annotations

import duckdb
import streamlit as st

from outcomes import framework
from outcomes.demo import DEMO_FRAMEWORK, build_demo
from outcomes.errors import Busy
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
    """The store for ``OUTCOMES_DB`` (or the default file); one per process.

    While another process (the command line) holds the file, DuckDB will not open it: that is
    :class:`~outcomes.errors.Busy`, and the page says so instead of failing. A PostgreSQL server
    that cannot be reached is :class:`~outcomes.errors.Unreachable` (raised by the store), and
    the page says that. Streamlit does not cache a failure, so the next run tries again.
    """
    try:
        return _store(str(resolve_db_path()))
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise Busy(str(err)) from None
        raise


def cursor():
    """This thread's cursor on the shared connection."""
    return store().cursor()
