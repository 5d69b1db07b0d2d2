"""One priority: the four-column table, its indicators with status, trend charts and leads."""

from html import escape

import streamlit as st

from outcomes import board, status
from ui import components as ui
from ui import data
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()
summary = data.priority_summary(version)
titles = dict(zip(summary["id"], summary["title"], strict=True))

tier_of = dict(zip(summary["id"], summary["tier"], strict=True))
chosen = ui.choose(
    "Priority", list(titles), "priority", lambda pid: f"{tier_of[pid]}: {titles[pid]}"
)
row = summary.set_index("id").loc[chosen].to_dict()
detail = board.priority(cursor(), chosen)
ratings = data.indicator_ratings(version)
own = ratings[ratings["priority_id"] == chosen]

st.title(detail["title"])
ui.md(
    f"{ui.badge(row['status'], big=True)} &nbsp; <span class='muted'>{escape(detail['tier'])} tier · "
    f"priority status is the {escape(row['roll_up'].replace('_', ' '))} of its indicators</span>"
)
ui.md(ui.counts_html(row))
st.markdown(f"**Lead:** {ui.lead_text(detail['lead_role'], detail['lead_partner_name'])}")

headings = (
    ("WE WILL (aim)", detail["aim"]),
    ("SO THAT… (outputs)", detail["outputs"]),
    ("AND ULTIMATELY… (outcomes)", detail["outcomes"]),
    ("WITH SUCCESS MEASURED BY… (indicators)", detail["success_measures"]),
)
with st.container(border=True):
    for col, (heading, text) in zip(st.columns(4), headings, strict=True):
        col.html(f'<div class="fourcol"><h4>{escape(heading)}</h4><p>{escape(text)}</p></div>')

st.header("Indicators", divider="gray")
cells = []
for r in own.to_dict("records"):
    unit, dp = r["unit"], int(r["decimals"])
    baseline = board.format_value(r["baseline_value"], unit, dp)
    if r["baseline_period"]:
        baseline += f" ({escape(r['baseline_period'])})"
    cells.append(
        "<tr>"
        f"<td><strong>{escape(r['indicator_code'])}</strong> {escape(r['name'])}<br>"
        f"<span class='muted'>{escape(board.LEVEL_LABELS[r['level']])} · {escape(board.POLARITY_LABELS[r['polarity']])}</span></td>"
        f"<td>{ui.badge(r['status'])}<br><span class='muted'>{escape(r['reason'])}</span></td>"
        f"<td><strong>{escape(board.format_value(r['value'], unit, dp))}</strong><br>"
        f"<span class='muted'>{escape(r['period'] or 'no figures')}</span></td>"
        f"<td>{escape(board.format_value(r['target'], unit, dp))}</td>"
        f"<td>{baseline}</td>"
        f"<td>{escape(ui.direction_text(r['direction']))}</td>"
        "</tr>"
    )
ui.md(
    '<div class="scroll"><table class="ind"><thead><tr><th>Indicator</th><th>Status</th><th>Latest</th>'
    "<th>Target</th><th>Baseline</th><th>Since previous period</th></tr></thead>"
    f"<tbody>{''.join(cells)}</tbody></table></div>"
)

for r in own.to_dict("records"):
    st.subheader(f"{r['indicator_code']}: {r['name']}", anchor=r["indicator_code"].lower())
    left, right = st.columns([3, 2])
    with left:
        figure = data.trend(version, r["indicator_code"])
        if figure is None:
            st.info("No figures have been reported for this indicator yet.")
        else:
            st.plotly_chart(
                figure,
                key=f"chart_{r['indicator_code']}",
                config={"displayModeBar": False},
            )
    with right:
        ui.md(ui.badge(r["status"], big=True))
        st.markdown(
            f"**Latest:** {board.format_value(r['value'], r['unit'], int(r['decimals']))} "
            f"({ui.period_label(r['period'])})  \n"
            f"**Target:** {board.format_value(r['target'], r['unit'], int(r['decimals']))} · "
            f"**Direction:** {ui.direction_text(r['direction'])}  \n"
            f"**Why this status:** {r['reason']}"
        )
        st.caption(r["definition"])
        st.markdown(f"**Accountable:** {r['accountable_role']}  \n**Source:** {r['source_name']}")
        st.page_link(
            "pages/indicator.py",
            label="Full history and definition",
            icon=":material/show_chart:",
            query_params={"indicator": r["indicator_code"]},
        )
if own.empty:
    st.info("This priority has no indicators yet: add them to the framework file.")
st.caption(" ".join(f"{status.badge_text(s)}: {status.style(s).meaning}." for s in status.STATUSES))
