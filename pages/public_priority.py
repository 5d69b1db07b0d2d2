"""The public view of one priority: its aims, its published indicators with their charts and
public commentary. Figures come already suppressed from ``outcomes.outputs.public``."""

import streamlit as st

from outcomes.outputs import public
from outcomes.queries import board
from outcomes.rules import status, wording
from ui import components as ui
from ui import data, markup
from ui import public as pv
from ui.router import require_router

require_router()
version = data.version()
view = pv.view(version)
priorities = {r["id"]: r for r in view["priorities"]}
chosen = ui.choose(
    "Priority",
    list(priorities),
    "priority",
    lambda pid: f"{priorities[pid]['tier']}: {priorities[pid]['title']}",
    pv.PRIORITY,
)
row = priorities[chosen]
own = [r for r in view["indicators"] if r["priority_id"] == chosen]

st.title(ui.plain(row["title"]))
pv.preview_notice()
ui.md(
    markup.render(
        "status_line.html",
        markdown=True,
        state=row["status"],
        note=f"{row['tier']} tier · status {view['status_basis']}; {public.STATUS_DIFFERS}",
    )
)
st.markdown(f"**Lead:** {ui.plain(board.lead_text(row['lead_role'], row['lead_partner']))}")
ui.plan_columns(row)

st.header("Published indicators", divider="gray")
if not own:
    st.info("None of this priority's indicators is published yet.")
for r in own:
    st.subheader(f"{r['code']}: {ui.plain(r['name'])}", anchor=r["code"].lower())
    left, right = st.columns([3, 2])
    with left:
        figure, gaps = pv.trend(version, r["code"])
        if figure is None:
            st.info(
                "No figure of this indicator can be published yet"
                + (f" ({gaps} are small numbers, not shown)." if gaps else ".")
            )
        else:
            st.plotly_chart(
                figure, key=f"public_chart_{r['code']}", config={"displayModeBar": False}
            )
        if figure is not None and gaps:
            st.caption(
                f"{gaps} {'period is' if gaps == 1 else 'periods are'} not plotted: the figure is a "
                "small number, suppressed to protect the people behind it. The line breaks there."
            )
        st.caption(ui.plain(r["definition"]))
        st.markdown(f"**Source:** {ui.plain(r['source_name'])}")
        if r["by_area"]:
            by_area, area_gaps = pv.areas(version, r["code"])
            if by_area is not None:
                st.markdown("**By area**")
                st.plotly_chart(
                    by_area, key=f"public_areas_{r['code']}", config={"displayModeBar": False}
                )
                st.caption(
                    "Area figures are rounded to the nearest 5"
                    + (
                        f"; {area_gaps} are not plotted: small numbers, and where only one "
                        "area's is small, the next-smallest too, so the total cannot reveal it."
                        if area_gaps
                        else "."
                    )
                )
    with right:
        ui.md(ui.badge(r["effective"], big=True))
        ui.status_facts(
            ui.plain(r["value_text"]),
            r["period"],
            wording.format_value(r["target"], r["unit"], r["decimals"]),
            r["direction"],
            r["reason"],
        )
        if r["override"]:
            st.caption("The accountable person set this status; the board has their reason.")
        note = r["public_commentary"]
        if note:
            ui.md(
                markup.render(
                    "public_commentary.html",
                    markdown=True,
                    note=note,
                    period=ui.period_label(note["period"]),
                )
            )
        st.caption(f"Small numbers: {ui.plain(r['rule'])}.")
st.caption(" ".join(f"{status.badge_text(s)}: {status.style(s).meaning}." for s in status.STATUSES))
st.page_link(pv.OVERVIEW, label="Back to the plan", icon=":material/arrow_back:")
