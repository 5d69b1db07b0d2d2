"""The one way a page shows what committing figures would change (an uploaded return, a public
data file, a return typed in the browser): counts, each figure was → now, the commentary as the
board will read it, and each indicator's status before and after."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outcomes.workflows import uploads
from ui import components as ui
from ui import markup


def show(shown: uploads.Preview) -> None:
    counts = shown.counts
    st.markdown(
        f"**{counts['new']} new**, **{counts['revised']} revised**, "
        f"**{counts['unchanged']} unchanged** {'figure' if counts['unchanged'] == 1 else 'figures'}"
        f"; {uploads.told_summary(shown.commentary)}."
    )
    changes = shown.rows.assign(
        Change=shown.rows["change"],
        Was=["" if pd.isna(v) else f"{v:,.6g}" for v in shown.rows["old_value"]],
        Now=["" if pd.isna(v) else f"{v:,.6g}" for v in shown.rows["value"]],
        Area=shown.rows["area_words"],
        Period=shown.rows["period_words"],
    )
    changes["Indicator or series"] = [
        f"{code} {name}".strip()
        for code, name in zip(changes["what"], changes["name"], strict=True)
    ]
    st.dataframe(
        changes[["Indicator or series", "Period", "Area", "Change", "Was", "Now"]],
        hide_index=True,
        width="stretch",
    )
    if shown.commentary:
        st.markdown("**The commentary, as the board will read it**")
        ui.md(markup.render("upload_commentary.html", markdown=True, rows=shown.commentary))
    if not shown.statuses.empty:
        st.markdown("**Status before → after**")
        ui.md(
            markup.render(
                "upload_statuses.html",
                markdown=True,
                rows=shown.statuses.to_dict("records"),
            )
        )
        if (shown.statuses["after"] == "not rated").any():
            st.caption(
                "An indicator turns Not rated when its figure for the latest period due by "
                "the reporting calendar is missing: its own return is overdue."
            )
