"""The public view's pages, their cached reads and their sidebar (the public pack only).

Everything here reads ``outcomes.outputs.public``, where the small-number rule is applied: no page,
chart or download of the public view ever holds a figure the rule withholds. The router
shows anonymous visitors these pages only, and only while an administrator has the view on.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from outcomes.outputs import charts, public
from ui import components as ui
from ui import data
from ui.state import cursor

OVERVIEW = "pages/public.py"
PRIORITY = "pages/public_priority.py"
# Each URL is its file's name: a bookmark opened before any session has run the router is
# served by Streamlit's pages/ folder, which knows pages by file name (see ui/router.py).
PATHS = ("public", "public_priority")


def public_pages() -> list[st.Page]:
    """The public view's pages, for the router."""
    return [
        st.Page(OVERVIEW, title="Public view", icon=":material/public:", url_path=PATHS[0]),
        st.Page(
            PRIORITY, title="Public view: a priority", icon=":material/flag:", url_path=PATHS[1]
        ),
    ]


def is_public(page: Any) -> bool:
    """Whether the router's current page is one of the public view's."""
    return getattr(page, "url_path", None) in PATHS


def enabled() -> bool:
    # Read every run, not cached: switching the view off takes effect at once.
    return public.public_view_enabled(cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def view(data_version: int) -> dict[str, Any]:
    """The public snapshot as plain data: the partnership, priorities and public indicators."""
    snap = public.public_snapshot(cursor())
    return {
        "partnership": snap.partnership,
        "partners": snap.partners,
        "tiers": snap.tiers,
        "priorities": snap.priorities,
        "indicators": snap.indicators,
        "explanation": snap.explanation,
        "status_basis": snap.status_basis,
    }


@st.cache_data(show_spinner=False, max_entries=256)
def trend(data_version: int, code: str, height: int = 360) -> tuple[go.Figure | None, int]:
    """An indicator's public trend chart, and how many of its periods are not plotted."""
    cur = cursor()
    history = public.public_history(cur, code)
    if history.empty or history["value"].isna().all():
        return None, int(history["withheld"].notna().sum()) if not history.empty else 0
    gaps = int((history["value"].isna() & history["withheld"].notna()).sum())
    return charts.trend(history, public.public_indicator(cur, code), height=height), gaps


@st.cache_data(show_spinner=False, max_entries=256)
def areas(data_version: int, code: str) -> tuple[go.Figure | None, int]:
    """An indicator's public chart by area (rounded figures), and how many are not plotted."""
    cur = cursor()
    frame = public.public_areas(cur, code)
    if frame.empty:
        return None, 0
    gaps = int(frame["value"].isna().sum())
    return charts.areas(frame, public.public_indicator(cur, code)), gaps


@st.cache_data(show_spinner=False, max_entries=6)
def public_pack(data_version: int, fmt: str) -> bytes:
    from outcomes.outputs import pack

    out = BytesIO()
    pack.build_pack(cursor(), fmt, out, public=True)
    return out.getvalue()


def preview_notice() -> None:
    """Said on every public page while the view is off (only the board can see it then)."""
    if not enabled():
        st.info(
            "Preview: the public view is switched off, so residents cannot see this page yet. "
            "An administrator switches it on, on the People and roles page.",
            icon=":material/visibility_off:",
        )


def sidebar() -> None:
    """The public view's sidebar: who we are, the status key and the public pack."""
    basics = data.basics(data.version())
    st.markdown(f"**{ui.plain(basics['partnership'].get('name', 'Community Safety'))}**")
    st.caption("Public view for residents and scrutiny.")
    st.caption(
        "Status key: ✔ Green on target · ▲ Amber within tolerance · ✖ Red off target · ○ Not rated"
    )
    with st.popover("Public summary to download", icon=":material/download:", width="stretch"):
        st.caption("The published indicators, with small numbers suppressed.")
        ui.pack_download(
            "public_pack", "public summary", lambda kind: public_pack(data.version(), kind)
        )
