"""The public view's plan on a page: the vision, who we are, and each priority's status from
the indicators the partnership publishes."""

import streamlit as st

from outcomes.queries import board
from outcomes.rules import status
from ui import components as ui
from ui import data, markup
from ui import public as pv
from ui.router import require_router

require_router()
view = pv.view(data.version())
p = view["partnership"]

st.title(f"{ui.plain(p.get('name', 'Community Safety Partnership'))}: our plan")
pv.preview_notice()
ui.md(markup.render("overview_head.html", markdown=True, partnership=p))
sectors = list(view["partners"]["sector"].drop_duplicates())
ui.md(markup.render("overview_partners.html", markdown=True, partnership=p, sectors=sectors))

counts = status.count_by_status(r["effective"] for r in view["indicators"])
ui.md(markup.render("overview_tiles.html", markdown=True, counts=counts))
st.caption(ui.plain(view["explanation"]))

for tier in view["tiers"].itertuples(index=False):
    in_tier = [r for r in view["priorities"] if r["tier_code"] == tier.code]
    if not in_tier:
        continue
    st.header(ui.plain(tier.label), divider="gray")
    if tier.description:
        st.caption(ui.plain(tier.description))
    cols = st.columns(min(3, len(in_tier)))
    for i, row in enumerate(in_tier):
        with cols[i % len(cols)].container(border=True):
            ui.md(ui.badge(row["status"], big=True))
            st.caption(f"Status {view['status_basis']}.")
            st.markdown(f"#### {ui.plain(row['title'])}")
            st.markdown(f"**We will:** {ui.plain(row['aim'])}")
            if row["indicators"]:
                ui.md(ui.counts_html(row))
            else:
                st.caption("None of this priority's indicators is published yet.")
            lead = board.lead_text(row["lead_role"], row["lead_partner"])
            st.markdown(f"**Lead:** {ui.plain(lead)}")
            st.page_link(
                pv.PRIORITY,
                label="Open this priority",
                icon=":material/arrow_forward:",
                query_params={"priority": row["id"]},
            )
