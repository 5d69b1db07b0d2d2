"""Plan on a page: the vision, who we are, what changed since the last meeting, and every
priority's status by tier."""

from datetime import date
from html import escape
from urllib.parse import quote

import pandas as pd
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
titles = dict(zip(summary["id"], summary["title"], strict=True))


def _day(value) -> str:
    d = pd.Timestamp(value)
    return f"{d.day} {d:%B %Y}"


def _link(label_html: str, priority_id, code: str | None = None) -> str:
    """A link to the priority (and the indicator's place on it); label_html is escaped."""
    if priority_id is None or pd.isna(priority_id):
        return label_html
    href = f"priority?priority={quote(str(priority_id))}"
    if code:
        href += f"#{quote(code.lower())}"
    return f'<a href="{escape(href)}" target="_self">{label_html}</a>'


def _more(items: list[str], total: int, shown: int) -> list[str]:
    if total > shown:
        items.append(f"<li class='muted'>…and {total - shown} more on Meetings and actions</li>")
    return items


def since_last_meeting_block() -> None:
    """The board's agenda by exception, to read in five seconds; all of it on the meetings page."""
    ex = data.agenda(version, date.today())
    worse = int((ex.changed["direction"] == "worse").sum())
    better = int((ex.changed["direction"] == "better").sum())
    other = len(ex.changed) - worse - better
    with st.container(border=True, key="since_last_meeting"):
        if ex.meeting is None:
            ui.md("<strong>Since the last meeting</strong>")
            st.markdown(
                "No meeting recorded yet: record one on Meetings and actions to see what changed since."
            )
            counts = []
        else:
            ui.md(f"<strong>Since the last meeting on {_day(ex.meeting['meeting_date'])}</strong>")
            counts = [
                f"{len(ex.changed)} status change{'s' if len(ex.changed) != 1 else ''}"
                + (
                    f" (↘ {worse} worse, ↗ {better} better"
                    + (f", {other} to or from not rated" if other else "")
                    + ")"
                    if len(ex.changed)
                    else ""
                )
            ]
        counts += [
            f"⚑ {len(ex.blockages)} blockage{'s' if len(ex.blockages) != 1 else ''} escalated",
            f"◷ {len(ex.overdue_returns)} return{'s' if len(ex.overdue_returns) != 1 else ''} overdue",
            f"⚠ {len(ex.overdue_actions)} action{'s' if len(ex.overdue_actions) != 1 else ''} overdue",
        ]
        ui.md(
            '<div class="counts">' + "".join(f"<span>{escape(c)}</span>" for c in counts) + "</div>"
        )
        order = {"worse": 0, "changed": 1, "better": 2}
        changed = ex.changed.sort_values("direction", key=lambda s: s.map(order), kind="stable")
        items = [
            f"<li>{_link(f'<strong>{escape(r.indicator_code)}</strong> {escape(r.name)}', r.priority_id, r.indicator_code)}: "
            f"{ui.badge(r.was)} → {ui.badge(r.now)}</li>"
            for r in changed.head(4).itertuples()
        ]
        _more(items, len(changed), 4)
        blocked = [
            f"<li><strong>⚑ Blockage</strong> {_link(f'<strong>{escape(r.indicator_code)}</strong> {escape(r.name)}', r.priority_id, r.indicator_code)}: "
            f"{escape(r.blockage_detail or r.narrative or '')}</li>"
            for r in ex.blockages.head(2).itertuples()
        ]
        items += _more(blocked, len(ex.blockages), 2)
        late = [
            f"<li><strong>◷ Return overdue</strong> {_link(f'<strong>{escape(r.indicator_code)}</strong> {escape(r.name)}', r.priority_id, r.indicator_code)}: "
            f"due for {escape(r.due_period)}</li>"
            for r in ex.overdue_returns.head(2).itertuples()
        ]
        items += _more(late, len(ex.overdue_returns), 2)
        actions = [
            f"<li><strong>⚠ Action overdue</strong> {_link(f'<strong>{escape(r.reference)}</strong>', r.priority_id)} "
            f"{escape(r.text)} ({escape(r.owner)}, due {_day(r.due_date)})</li>"
            for r in ex.overdue_actions.head(2).itertuples()
        ]
        items += _more(actions, len(ex.overdue_actions), 2)
        if items:
            ui.md(f'<ul class="since">{"".join(items)}</ul>')
        st.page_link(
            "pages/meeting.py",
            label="Open Meetings and actions",
            icon=":material/groups:",
        )


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
# The board's status: an accountable person's override (with its reason) counts.
counts = status.count_by_status(ratings["effective_status"])
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
