"""The force-wide view's cached reads and its part of "How we compare" (issue 19): for a
commissioner, the partnerships they hold to account side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outcomes.outputs import force
from outcomes.queries import board
from outcomes.workflows import partnerships
from ui import auth, state


def spanned() -> list[partnerships.Partnership]:
    """The partnerships the person here holds to account (none unless a commissioner)."""
    return force.spanned(state.store(), auth.acting())


def version(chosen: list[partnerships.Partnership]) -> tuple:
    """Every spanned partnership's data version: a cached view is new when any one changes."""
    db = state.store()
    return tuple((p.id, board.data_version(db.cursor(p.schema))) for p in chosen)


@st.cache_data(show_spinner=False, max_entries=8)
def side_by_side(key: tuple) -> pd.DataFrame:
    return force.priorities_side_by_side(state.store(), _of(key))


@st.cache_data(show_spinner=False, max_entries=8)
def shared(key: tuple) -> pd.DataFrame:
    return force.shared_indicators(state.store(), _of(key))


@st.cache_data(show_spinner=False, max_entries=8)
def returns(key: tuple) -> pd.DataFrame:
    return force.returns(state.store(), _of(key))


@st.cache_data(show_spinner="Preparing the force-wide pack…", max_entries=4)
def pack(key: tuple) -> bytes:
    return force.pack(state.store(), _of(key))


def _of(key: tuple) -> list[partnerships.Partnership]:
    ids = [pid for pid, _ in key]
    found = {p.id: p for p in partnerships.listed(state.store().cursor(None))}
    return [found[i] for i in ids if i in found]


def compare_section() -> None:
    """On "How we compare", for a commissioner: the indicators their partnerships share, each
    partnership's figure with its interval against the force area's average."""
    chosen = spanned()
    if len(chosen) < 2:
        return
    frame = shared(version(chosen))
    if frame.empty:
        return
    with st.expander(f"Across the {len(chosen)} partnerships you hold to account", expanded=False):
        names = dict(zip(frame["Code"], frame["Indicator"], strict=False))
        code = st.selectbox(
            "Shared indicator", list(names), format_func=lambda c: f"{c}: {names[c]}",
            key="force_compare_code",
        )  # fmt: skip
        st.dataframe(
            frame[frame["Code"] == code].drop(columns=["Code", "Indicator"]),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Similar: the 95% interval includes the force area's average (intervals for counts; "
            "a percentage or rate without its denominator is not compared)."
        )
