"""Cached reads for the pages. Each is keyed on the data version, so a new upload or framework
import shows at once while reruns of an unchanged database cost nothing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from outcomes.outputs import charts
from outcomes.queries import board
from outcomes.workflows import meetings
from outcomes.workflows.agenda import Exceptions, since_last_meeting
from ui.state import cursor, partnership


def version() -> str:
    """Passed to each cached read as an argument so it becomes part of the cache key. It names
    the partnership too: two partnerships at the same count of changes share nothing cached."""
    chosen = partnership()
    return f"{chosen.id if chosen else ''}:{board.data_version(cursor())}"


@st.cache_data(show_spinner=False, max_entries=16)
def priority_summary(data_version: int) -> pd.DataFrame:
    return board.priority_summary(cursor())


@st.cache_data(show_spinner=False, max_entries=16)
def indicator_ratings(data_version: int) -> pd.DataFrame:
    return board.indicator_ratings(cursor())


@st.cache_data(show_spinner=False, max_entries=256)
def history(data_version: int, code: str, area: str = "all") -> pd.DataFrame:
    return board.history(cursor(), code, area)


@st.cache_data(show_spinner=False, max_entries=16)
def basics(data_version: int) -> dict:
    cur = cursor()
    return {
        "partnership": board.partnership(cur),
        "partners": board.partners(cur),
        "tiers": board.tiers(cur),
        "as_at": board.as_at(cur),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def trend(data_version: int, code: str, height: int = 380) -> go.Figure | None:
    """The indicator's trend chart; building plotly figures is most of a priority page's time."""
    frame = history(data_version, code)
    if frame.empty:
        return None
    return charts.trend(frame, board.indicator(cursor(), code), height=height)


@st.cache_data(show_spinner=False, max_entries=16)
def recorded_meetings(data_version: int) -> pd.DataFrame:
    """The recorded meetings, newest first (the sidebar's pack can be any one's)."""
    return meetings.meetings(cursor())


@st.cache_data(show_spinner=False, max_entries=6)
def board_pack(
    data_version: int, fmt: str, paper: str = "A4", meeting_date: str | None = None
) -> bytes:
    """The board pack as bytes for a download button; built once per data version. With
    ``meeting_date`` (2025-05-15), the pack of that recorded meeting."""
    from io import BytesIO

    from outcomes.outputs import pack

    out = BytesIO()
    pack.build_pack(cursor(), fmt, out, paper=paper, meeting_date=meeting_date)
    return out.getvalue()


@st.cache_data(show_spinner=False, max_entries=8)
def agenda(data_version: int, day: date) -> Exceptions:
    """Since the last meeting, as every page and screen shows it (judged on ``day``)."""
    return since_last_meeting(cursor(), today=day)


@st.cache_data(show_spinner=False, max_entries=256)
def commentary(data_version: int, code: str, period: str | None) -> dict | None:
    """An indicator's commentary for ``period``, or failing that its newest for any period."""
    cur = cursor()
    found = meetings.latest_commentary(cur, code, period) if period else None
    return found or meetings.latest_commentary(cur, code)
