"""Plan on a page: the vision, who we are, what changed since the last meeting, and every
priority's status by tier."""

from datetime import date

import streamlit as st

from loaders import periods
from outcomes.queries import board
from outcomes.rules import status
from ui import components as ui
from ui import data, markup
from ui.router import require_router

require_router()
version = data.version()
basics = data.basics(version)
p = basics["partnership"]
summary = data.priority_summary(version)
ratings = data.indicator_ratings(version)
BRIEF = {"changed": 4, "other": 2}  # how many of each the plan on a page lists


def since_last_meeting_block() -> None:
    """The board's agenda by exception, to read in five seconds; all of it on the meetings page."""
    ex = data.agenda(version, date.today())
    with st.container(border=True, key="since_last_meeting"):
        ui.md(markup.render("agenda.html", markdown=True, ex=ex, view="brief", limit=BRIEF))
        st.page_link(
            "pages/meeting.py",
            label="Open Meetings and actions",
            icon=":material/groups:",
        )


st.title(f"{ui.plain(p['name'])}: our plan")
# The vision and who we are fold away (their first sentence in the heading), so the statuses
# and what changed since the last meeting are on a phone's first screen.
with st.expander(f"Our vision: {ui.plain(markup.short(p.get('vision'), 90))}", key="vision"):
    ui.md(markup.render("overview_head.html", markdown=True, partnership=p))
    sectors = list(basics["partners"]["sector"].drop_duplicates())
    ui.md(markup.render("overview_partners.html", markdown=True, partnership=p, sectors=sectors))

# The whole partnership in one line of tiles: how many indicators stand at each status.
# The board's status: an accountable person's override (with its reason) counts.
counts = status.count_by_status(ratings["effective_status"])
ui.md(markup.render("overview_tiles.html", markdown=True, counts=counts))
st.caption(
    f"{len(ratings)} indicators across {len(summary)} priorities. Judged at {periods.long_date(basics['as_at'])} by the reporting calendar."
    if basics["as_at"]
    else ""
)
# On a phone, every priority's status in a line each before anything else (CSS hides it on
# wider screens, where the cards below are already in view).
ui.md(markup.render("overview_glance.html", markdown=True, rows=summary.to_dict("records")))
since_last_meeting_block()

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
    st.header(ui.plain(tier.label), divider="gray")
    if tier.description:
        st.caption(ui.plain(tier.description))
    cols = st.columns(min(3, max(1, len(in_tier))))
    for i, row in enumerate(in_tier.to_dict("records")):
        with cols[i % len(cols)].container(border=True):
            ui.md(ui.badge(row["status"], big=True))
            st.markdown(f"#### {ui.plain(row['title'])}")
            st.markdown(f"**We will:** {ui.plain(row['aim'])}")
            ui.md(ui.counts_html(row))
            lead = board.lead_text(row["lead_role"], row["lead_partner"])
            ui.facts_and_link(
                [("Latest figures", ui.period_label(row["latest_period"])), ("Lead", lead)],
                ("pages/priority.py", "Open this priority", ":material/arrow_forward:"),
                {"priority": row["id"]},
            )
