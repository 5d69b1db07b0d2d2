"""The sidebar's board pack control: the format, the meeting it is for, and the download."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from loaders import periods
from ui import data

KINDS = {"pdf": "PDF (A4)", "pptx": "PowerPoint", "xlsx": "Excel"}
MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
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
        kind = st.radio("Format", list(KINDS), format_func=KINDS.get, key="pack_format")
        meeting_date = None if when == NOW else when
        asked = (kind, meeting_date)
        if st.button("Prepare the board pack", key="pack_prepare"):
            with st.spinner("Drawing the charts and laying out the pack…"):
                try:
                    made = data.board_pack(data.version(), kind, meeting_date=meeting_date)
                    st.session_state["pack_ready"] = (asked, made)
                except ValueError as err:  # PackError: e.g. Chromium missing for the charts
                    st.error(str(err))
        ready = st.session_state.get("pack_ready")
        if ready and ready[0] == asked:
            day = meeting_date or date.today().isoformat()
            st.download_button(
                f"Download the {KINDS[kind]} board pack",
                ready[1],
                file_name=f"board-pack-{day}.{kind}",
                mime=MIME[kind],
                icon=":material/download:",
                key="pack_download",
            )
