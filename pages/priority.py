"""One priority: the four-column table, its indicators with status, trend charts, the leads'
commentary (with any status override and blockage) and the form to add commentary."""

from datetime import date
from html import escape

import pandas as pd
import streamlit as st

from outcomes import board, meetings, periods, status
from ui import components as ui
from ui import data
from ui import statistics as ui_statistics
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

OVERRIDE_CHOICES = ["none", *status.STATUSES]


@st.cache_data(show_spinner=False, max_entries=256)
def _commentary(data_version: int, code: str, period: str | None) -> dict | None:
    """The commentary for the latest period, or failing that the newest for any period."""
    cur = cursor()
    found = meetings.latest_commentary(cur, code, period) if period else None
    return found or meetings.latest_commentary(cur, code)


def _day(value) -> str:
    d = pd.Timestamp(value)
    return f"{d.day} {d:%B %Y}"


def _period_choices(r: dict) -> list[str]:
    """The indicator's periods with figures, newest first; or the recent periods if none."""
    history = data.history(version, r["indicator_code"])
    if not history.empty:
        return list(history["period"])[::-1]
    kind = periods.FREQUENCY_KIND[r["frequency"]]
    latest = periods.period_containing(data.basics(version)["as_at"] or date.today(), kind)
    return [latest.previous(n).code for n in range(0, 6)]


def _show_commentary(r: dict) -> None:
    code = r["indicator_code"]
    if r["status_override"]:
        ui.md(
            f"Computed: {ui.badge(r['status'])} · Set by {escape(r['override_by'] or 'accountable person')}: "
            f"{ui.badge(r['status_override'])} because {escape(r['override_reason'] or '')}"
        )
    note = _commentary(version, code, r["period"])
    if note is None:
        st.caption("No commentary yet from the accountable person.")
        return
    parts = [f"<p><strong>Commentary for {escape(ui.period_label(note['period']))}</strong></p>"]
    if note["narrative"]:
        parts.append(
            f"<p><strong>The story behind the curve:</strong> {escape(note['narrative'])}</p>"
        )
    if note["actions_taken"]:
        parts.append(f"<p><strong>What is being done:</strong> {escape(note['actions_taken'])}</p>")
    if note["blockage"]:
        detail = note["blockage_detail"] or "no detail given"
        parts.append(
            '<p style="border-left:5px solid #1F2328;padding:0.2rem 0.6rem;background:#F2F4F7">'
            f"<strong>⚑ Blockage escalated to the board:</strong> {escape(detail)}</p>"
        )
    parts.append(f"<p class='muted'>{escape(note['author'])}, {_day(note['created_at'])}</p>")
    ui.md(f'<div class="commentary">{"".join(parts)}</div>')


def _commentary_form(r: dict) -> None:
    code = r["indicator_code"]
    gen = st.session_state.get(f"commentary_gen_{code}", 0)
    with st.expander("Add commentary", key=f"commentary_exp_{code}"), st.form(f"commentary_{code}"):
        choices = _period_choices(r)
        period = st.selectbox(
            "Period",
            choices,
            format_func=ui.period_label,
            key=f"c_{code}_period_{gen}",
            help="The latest period with figures is chosen for you.",
        )
        narrative = st.text_area(
            "The story behind the curve",
            key=f"c_{code}_narrative_{gen}",
            placeholder="Why the figures look as they do.",
        )
        actions_taken = st.text_area("What is being done", key=f"c_{code}_actions_{gen}")
        blockage = st.checkbox("⚑ Escalate a blockage to the board", key=f"c_{code}_blockage_{gen}")
        blockage_detail = st.text_area(
            "What is blocked, and what you need from the board",
            key=f"c_{code}_detail_{gen}",
        )
        override = st.selectbox(
            "Override the status (optional)",
            OVERRIDE_CHOICES,
            format_func=lambda s: "No override" if s == "none" else status.badge_text(s),
            key=f"c_{code}_override_{gen}",
            help="Only the accountable person, and only with a reason. Both statuses are shown.",
        )
        reason = st.text_input("Reason for the override", key=f"c_{code}_reason_{gen}")
        author = st.text_input("Your name or role", key=f"c_{code}_author_{gen}")
        if st.form_submit_button("Add commentary", type="primary"):
            try:
                meetings.add_commentary(
                    cursor(),
                    code,
                    period,
                    author=author,
                    narrative=narrative.strip() or None,
                    actions_taken=actions_taken.strip() or None,
                    blockage=blockage,
                    blockage_detail=blockage_detail.strip() or None,
                    status_override=None if override == "none" else override,
                    override_reason=reason.strip() or None,
                )
            except meetings.MeetingError as err:
                st.error(str(err))
            else:
                st.session_state[f"commentary_gen_{code}"] = gen + 1
                st.session_state[f"commentary_flash_{code}"] = (
                    f"Commentary for {code} ({period}) added"
                    + (
                        f"; status set to {status.badge_text(override)}"
                        if override != "none"
                        else ""
                    )
                    + "."
                )
                st.rerun()


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
        col.html(f'<div class="fourcol"><h2>{escape(heading)}</h2><p>{escape(text)}</p></div>')

st.header("Indicators", divider="gray")
ui_statistics.inject_css()


def status_cell(r: dict) -> str:
    """The board's (effective) status; an override is marked, with the computed one beside."""
    if r["status_override"]:
        return (
            f"{ui.badge(r['effective_status'])}<br><span class='muted'>set by accountable person "
            f"(computed: {escape(status.badge_text(r['status']))}, {escape(r['reason'])})</span>"
        )
    return f"{ui.badge(r['status'])}<br><span class='muted'>{escape(r['reason'])}</span>"


def spc_cell(r: dict) -> str:
    # SPC sits beside the RAG and never changes it (unless the framework says status_method spc)
    return ui_statistics.icons_html(version, r["indicator_code"])


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
        f"<td>{status_cell(r)}</td><td>{spc_cell(r)}</td>"
        f"<td><strong>{escape(board.format_value(r['value'], unit, dp))}</strong><br>"
        f"<span class='muted'>{escape(r['period'] or 'no figures')}</span></td>"
        f"<td>{escape(board.format_value(r['target'], unit, dp))}</td>"
        f"<td>{baseline}</td>"
        f"<td>{escape(ui.direction_text(r['direction']))}</td>"
        "</tr>"
    )
ui.md(
    '<div class="scroll"><table class="ind"><thead><tr><th>Indicator</th><th>Status</th>'
    '<th title="Statistical process control: is the latest change signal or noise, and will the '
    'target be met?">Signal or noise</th><th>Latest</th>'
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
        st.caption(r["definition"])
        st.markdown(f"**Accountable:** {r['accountable_role']}  \n**Source:** {r['source_name']}")
        st.page_link(
            "pages/indicator.py",
            label="Full history and definition",
            icon=":material/show_chart:",
            query_params={"indicator": r["indicator_code"]},
        )
    with right:
        ui.md(ui.badge(r["effective_status"], big=True))
        st.markdown(
            f"**Latest:** {board.format_value(r['value'], r['unit'], int(r['decimals']))} "
            f"({ui.period_label(r['period'])})  \n"
            f"**Target:** {board.format_value(r['target'], r['unit'], int(r['decimals']))} · "
            f"**Direction:** {ui.direction_text(r['direction'])}  \n"
            f"**Why {'the computed' if r['status_override'] else 'this'} status:** {r['reason']}"
        )
        _show_commentary(r)
        flash = st.session_state.pop(f"commentary_flash_{r['indicator_code']}", None)
        if flash:
            st.success(flash)
        _commentary_form(r)
if own.empty:
    st.info("This priority has no indicators yet: add them to the framework file.")
st.caption(" ".join(f"{status.badge_text(s)}: {status.style(s).meaning}." for s in status.STATUSES))
