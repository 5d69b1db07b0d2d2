"""Plan on a page: the vision, who we are, and every priority's status by tier."""

from html import escape

import streamlit as st

from outcomes import board, status
from ui import components as ui
from ui import data
from ui.router import require_router

require_router()
version = data.version()
basics = data.basics(version)
p = basics["partnership"]
summary = data.priority_summary(version)
ratings = data.indicator_ratings(version)

st.title(f"{p['name']}: our plan")
ui.md(f'<div class="vision"><strong>Our vision.</strong> {escape(p["vision"])}</div>')
partners = "".join(
    f"<span>{escape(s)}</span>" for s in basics["partners"]["sector"].drop_duplicates()
)
ui.md(
    f'<div class="partners"><strong>Who we are:</strong> {partners} '
    f'<span class="muted" style="border:none">{escape(p.get("working_together") or "")}</span></div>'
)

# The whole partnership in one line of tiles: how many indicators stand at each status.
counts = status.count_by_status(ratings["status"])
tiles = "".join(
    f'<div class="tile" style="border-top:8px solid {status.style(state).colour}">'
    f'<span class="n">{counts[state]}</span>{ui.badge(state)}<br>'
    f'<span class="muted">{escape(status.style(state).meaning)}</span></div>'
    for state in status.STATUSES
)
ui.md(f'<div class="tiles">{tiles}</div>')
st.caption(
    f"{len(ratings)} indicators across {len(summary)} priorities. Latest figures up to {basics['as_at']:%d %B %Y}."
    if basics["as_at"]
    else ""
)

with st.expander("Filter priorities", expanded=False):
    f1, f2, f3 = st.columns(3)
    tiers = f1.multiselect("Tier", list(basics["tiers"]["label"]), key="f_tier")
    statuses = f2.multiselect(
        "Status", list(status.STATUSES), format_func=status.badge_text, key="f_status"
    )
    leads = f3.multiselect(
        "Lead organisation", sorted(summary["lead_partner"].unique()), key="f_lead"
    )
shown = board.filter_priorities(summary, board.Filters(tuple(tiers), tuple(statuses), tuple(leads)))
if shown.empty:
    st.info("No priority matches these filters. Clear a filter to see more.")

for tier in basics["tiers"].itertuples(index=False):
    in_tier = shown[shown["tier_code"] == tier.code]
    if in_tier.empty:
        continue
    st.header(tier.label, divider="gray")
    if tier.description:
        st.caption(tier.description)
    cols = st.columns(min(3, max(1, len(in_tier))))
    for i, row in enumerate(in_tier.to_dict("records")):
        with cols[i % len(cols)].container(border=True):
            ui.md(ui.badge(row["status"], big=True))
            st.markdown(f"#### {row['title']}")
            st.markdown(f"**We will:** {row['aim']}")
            ui.md(ui.counts_html(row))
            st.markdown(
                f"**Latest figures:** {ui.period_label(row['latest_period'])}  \n"
                f"**Lead:** {ui.lead_text(row['lead_role'], row['lead_partner'])}"
            )
            st.page_link(
                "pages/priority.py",
                label="Open this priority",
                icon=":material/arrow_forward:",
                query_params={"priority": row["id"]},
            )
