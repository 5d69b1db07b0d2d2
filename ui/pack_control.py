"""The sidebar's board pack control: the format, the meeting it is for, and the download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders import periods
from ui import components, data

NOW = "now"


def _choices() -> dict[str, str]:
    """As things stand now, or as frozen at any recorded meeting (newest first)."""
    choices = {NOW: "As things stand now"}
    for m in data.meetings(data.version()).to_dict("records"):
        day = pd.Timestamp(m["meeting_date"]).date()
        title = m["title"] if isinstance(m["title"], str) and m["title"].strip() else None
        choices[day.isoformat()] = f"{title or 'Board meeting'}, {periods.long_date(day)}"
    return choices


def board_pack_popover() -> None:
    with st.popover("Board pack", icon=":material/picture_as_pdf:", width="stretch"):
        st.caption("The plan on a page, exceptions, every priority and the actions.")
        choices = _choices()
        when = st.selectbox(
            "For",
            list(choices),
            format_func=choices.get,
            key="pack_meeting",
            help="A recorded meeting's pack shows the statuses frozen when it was recorded, "
            "dated that meeting's day.",
        )
        meeting_date = None if when == NOW else when
        components.pack_download(
            "pack",
            "board pack",
            lambda kind: data.board_pack(data.version(), kind, meeting_date=meeting_date),
            day=meeting_date,
        )
