"""The force area: the partnerships a commissioner holds to account, side by side (issue 19)."""

import streamlit as st

from ui import force
from ui.router import require_router

require_router()
chosen = force.spanned()
st.title("Force area")
if len(chosen) < 2:
    st.info(
        "This page is for a commissioner who holds two or more partnerships to account: sign "
        "in as one (on the demo, choose who you are in the sidebar). An administrator names "
        "them with `python -m outcomes partnership commissioner`.",
        icon=":material/lock:",
    )
    st.stop()
key = force.version(chosen)
st.caption("Each partnership's own figures, by its own reporting calendar: " + ", ".join(
    p.name for p in chosen) + ".")  # fmt: skip

st.subheader("Priorities and their statuses", divider="gray")
# The priority's name takes a medium column, so three partnerships side by side fit at 1280 px
# (its full name shows on hover) instead of the last one going off the edge.
st.dataframe(
    force.side_by_side(key),
    hide_index=True,
    width="stretch",
    column_config={"Priority": st.column_config.TextColumn("Priority", width="medium")},
)

st.subheader("Returns due and overdue", divider="gray")
# Short headings and the date in words, so the six columns fit at 1280 px.
st.dataframe(
    force.returns(key),
    hide_index=True,
    width="stretch",
    column_config={
        "Returns due": st.column_config.NumberColumn("Due"),
        "Returns overdue": st.column_config.NumberColumn("Overdue"),
        "Waiting for approval": st.column_config.NumberColumn("Awaiting approval"),
        "Indicators missing figures": st.column_config.NumberColumn("Indicators missing"),
        "Next due": st.column_config.DateColumn("Next due by", format="D MMM YYYY"),
    },
)

st.subheader("Indicators they share", divider="gray")
st.caption("Compared with intervals on How we compare, one indicator at a time.")
st.dataframe(force.shared(key), hide_index=True, width="stretch")

st.download_button(
    "Download the force-wide pack (Excel)",
    data=force.pack(key),
    file_name="force-area pack.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
