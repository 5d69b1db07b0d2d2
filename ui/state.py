"""The process's one database connection, kept in Streamlit's resource cache, and the
partnership this session is for (issue 19): ``?partnership=ID`` in the address, else the one
chosen in the sidebar, else the first. Every page's cursor is on that partnership's schema."""

from __future__ import annotations

import duckdb
import streamlit as st

from outcomes.errors import Busy
from outcomes.storage.store import Store, is_empty, open_store, resolve_db_path
from outcomes.workflows import framework, partnerships
from outcomes.workflows.demo import DEMO_FRAMEWORK, build_demo
from outcomes.workflows.partnerships import Partnership


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
            raise Busy.worded("database-busy") from err
        raise


@st.cache_resource(show_spinner=False, ttl=10)
def registered(path: str) -> list[Partnership]:
    """The deployment's partnerships (a partnership added elsewhere shows within seconds;
    the administration page clears this at once). A resource, not a copy per call: every
    cursor asks for it."""
    return partnerships.listed(store().cursor(None))


def partnership() -> Partnership | None:
    """The partnership this session is for (None only on a database with none yet)."""
    found = registered(str(resolve_db_path()))
    wanted = st.query_params.get("partnership") or st.session_state.get("partnership")
    for p in found:
        if p.id == wanted:
            return p
    return found[0] if found else None


def cursor():
    """This thread's cursor on the shared connection, on this session's partnership."""
    chosen = partnership()
    return store().cursor(chosen.schema if chosen else None)
