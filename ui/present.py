"""Presentation mode for the projector: the screens, their cached reads, the large-type style,
the navigation bar and the keyboard.

Screen 1 is "Since the last meeting", then one screen per priority in plan order, then the open
actions. Every screen has its own URL (``/present?screen=3``). The keys are one small script
placed with ``st.html`` (same document, no iframe): it clicks the page's own Previous and Next
buttons, so a key press and a mouse click take exactly the same path through Streamlit.

Every piece of text from the database goes through ``html.escape`` before it is placed in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from outcomes import board, charts, meetings, status
from ui import components as ui
from ui import data
from ui.state import cursor

PARAM = "screen"
CHART_HEIGHT = 370
CHART_FONT = 22
MAX_CHARTS = 2
MAX_ROWS = 5
SEVERITY = {status.RED: 0, status.AMBER: 1, status.GREEN: 2, status.NOT_RATED: 3}
DIRECTION_WORDS = {"worse": "↘ worse", "better": "↗ better", "changed": "↔ changed"}


# --- the screens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    kind: str  # "since", "priority" or "actions"
    title: str
    priority_id: str | None = None


def screens(summary: pd.DataFrame) -> list[Screen]:
    """The running order: exceptions first, each priority in plan order, then open actions.

    The summary already comes in plan order (tier, then the priority's place in its tier).
    """
    ordered = summary.sort_values(["tier_order", "sort_order"], kind="stable")
    return [
        Screen("since", "Since the last meeting"),
        *(Screen("priority", r["title"], r["id"]) for r in ordered.to_dict("records")),
        Screen("actions", "Open actions"),
    ]


def screen_number(raw: Any, total: int) -> int:
    """The screen asked for in the URL; anything missing, not a number or out of range is 1.

    >>> screen_number("3", 9), screen_number(None, 9), screen_number("ten", 9), screen_number("12", 9)
    (3, 1, 1, 1)
    """
    try:
        n = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return n if 1 <= n <= total else 1


def _current(total: int) -> int:
    return screen_number(st.query_params.get(PARAM), total)


def _go_to(n: int) -> None:
    st.query_params[PARAM] = str(n)


def _step(delta: int, total: int) -> None:
    # Read the URL at click time, so two quick presses move two screens.
    _go_to(min(total, max(1, _current(total) + delta)))


def current_screen(total: int) -> int:
    """The screen to show, writing it back to the URL so the address always names it."""
    n = _current(total)
    if st.query_params.get(PARAM) != str(n):
        _go_to(n)
    return n


# --- cached reads (keyed on the data version, like ui/data.py) -------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def exceptions(data_version: int, day: date) -> meetings.Exceptions:
    return meetings.since_last_meeting(cursor(), today=day)


@st.cache_data(show_spinner=False, max_entries=8)
def open_actions(data_version: int, day: date) -> pd.DataFrame:
    frame = meetings.actions(cursor(), today=day)
    return frame[frame["status"] == "open"].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def priority_detail(data_version: int, priority_id: str) -> dict[str, Any] | None:
    return board.priority(cursor(), priority_id)


@st.cache_data(show_spinner=False, max_entries=128)
def trend(data_version: int, code: str, height: int = CHART_HEIGHT) -> go.Figure | None:
    """A compact trend for the projector: large type, no legend (one key for the screen)."""
    frame = data.history(data_version, code)
    if frame.empty:
        return None
    fig = charts.trend(frame, board.indicator(cursor(), code), height=height, font_size=CHART_FONT)
    fig.update_layout(
        showlegend=False,
        margin={"l": 10, "r": 24, "t": 12, "b": 10},
        font={"family": '"Source Sans", "Source Sans Pro", Arial, sans-serif'},
    )
    fig.update_xaxes(nticks=4)
    fig.update_yaxes(automargin=True)
    return fig


# --- small pieces of wording -------------------------------------------------------------------


def short(text: Any, limit: int = 110) -> str:
    """The first sentence of a framework cell, cut at a word if it is still long.

    >>> short("Reduce harm. Then more.")
    'Reduce harm.'
    >>> short("one two three four", limit=9)
    'one two…'
    >>> short(None)
    '–'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return "–"
    text = " ".join(str(text).split())
    end = text.find(". ")
    if 0 < end < limit:
        return text[: end + 1]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _day(value: Any) -> str:
    if _missing(value):
        return "–"
    d = pd.Timestamp(value)
    return f"{d.day} {d:%B %Y}"


def charted(own: pd.DataFrame, limit: int = MAX_CHARTS) -> list[dict[str, Any]]:
    """The indicators to chart when space is short: the worst status first, outcome measures
    before outputs, then the plan's own order; an indicator with no figures is never charted."""
    rows = [r for r in own.to_dict("records") if r["period"] is not None]
    rows.sort(
        key=lambda r: (
            SEVERITY[r["effective_status"]],
            0 if r["level"] == "outcome" else 1,
            r["sort_order"],
        )
    )
    return rows[:limit]


# --- HTML (trusted markup; every piece of typed text escaped) --------------------------------


def block(html: str, width: str = "stretch") -> None:
    """Trusted HTML built here (typed text inside escaped). ``st.html`` rather than markdown:
    a markdown block pulls the next element up by its paragraph margin, which clips badges."""
    st.html(html, width=width)


def counter_html(n: int, total: int) -> str:
    return f'<span class="present-count" aria-live="polite">{n} of {total}</span>'


def priority_context(detail: dict[str, Any]) -> str:
    """The bar's left-hand words on a priority screen (plain text: the bar escapes it)."""
    return f"{detail['tier']} tier · Lead: {detail['lead_partner_name']}"


def status_html(state: str) -> str:
    return f'<div class="present present-status">{ui.badge(state, big=True)}</div>'


def title_row(title: str, state: str | None = None) -> None:
    """The screen's heading, with the priority's big status badge before it."""
    with st.container(key="present_title", horizontal=True, vertical_alignment="center"):
        if state is not None:
            block(status_html(state), width="content")
        st.title(title, anchor=False)


def four_columns_html(detail: dict[str, Any]) -> str:
    cells = (
        ("We will", detail["aim"]),
        ("So that…", detail["outputs"]),
        ("And ultimately…", detail["outcomes"]),
        ("Measured by…", detail["success_measures"]),
    )
    inner = "".join(
        f"<div><h2>{escape(h)}</h2><p>{escape(short(t, 75))}</p></div>" for h, t in cells
    )
    return f'<div class="present present-four">{inner}</div>'


def _latest(r: dict[str, Any]) -> str:
    if r["period"] is None:
        return "no figures yet"
    value = board.format_value(r["value"], r["unit"], int(r["decimals"] or 0))
    return (
        f"<strong>{escape(value)}</strong><br>"
        f"<span class='present-muted present-nowrap'>{escape(r['period'])}</span>"
    )


def _target(r: dict[str, Any]) -> str:
    if r["target"] is None:
        return "none set"
    return escape(board.format_value(r["target"], r["unit"], int(r["decimals"] or 0)))


def _spc(code: str) -> str:
    """Issue 11: the SPC icons under the status badge (they never change the status)."""
    from ui import data
    from ui import statistics as ui_statistics

    return f"<br>{ui_statistics.icons_html(data.version(), code)}"


def indicators_html(own: pd.DataFrame) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{ui.badge(r['effective_status'])}{_spc(r['indicator_code'])}</td>"
        f"<td><strong>{escape(r['indicator_code'])}</strong> {escape(r['name'])}</td>"
        f"<td class='present-nowrap'>{_latest(r)}</td>"
        f"<td class='present-nowrap'>{_target(r)}</td>"
        f"<td class='present-nowrap'>{escape(ui.direction_text(r['direction']))}</td>"
        "</tr>"
        for r in own.to_dict("records")
    )
    if not rows:
        return '<div class="present"><p>This priority has no indicators yet.</p></div>'
    return (
        '<div class="present"><table class="present-table"><thead><tr><th>Status</th>'
        "<th>Indicator</th><th>Latest</th><th>Target</th><th>Since previous</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def chart_heading_html(r: dict[str, Any]) -> str:
    return (
        f'<div class="present present-chart-title">{ui.badge(r["effective_status"])}'
        f"<span><strong>{escape(r['indicator_code'])}</strong> {escape(r['name'])}</span></div>"
    )


CHART_KEY = (
    '<div class="present present-key">Charts: <span>– – dashed line: target</span>'
    "<span>shaded: amber tolerance band</span><span>··· dotted: baseline</span>"
    + "".join(f"<span>{escape(status.badge_text(s))}</span>" for s in status.STATUSES)
    + "</div>"
)


def _section(title: str, count: int | None, body: str) -> str:
    number = "" if count is None else f' <span class="present-n">{count}</span>'
    return f"<section><h2>{escape(title)}{number}</h2>{body}</section>"


def _rows(items: list[str], total: int, more: str) -> str:
    shown = "".join(f"<li>{item}</li>" for item in items[:MAX_ROWS])
    if total > MAX_ROWS:
        shown += f'<li class="present-muted">and {total - MAX_ROWS} more {escape(more)}</li>'
    return f"<ul>{shown}</ul>"


def _indicator(code: str, name: str) -> str:
    return f"<strong>{escape(str(code))}</strong> {escape(str(name))}"


def since_intro_html(ex: meetings.Exceptions) -> str:
    if ex.meeting is None:
        text = (
            "No meeting has been recorded yet, so there are no status changes to compare. "
            "Returns and actions that are overdue are listed all the same."
        )
    else:
        title = ex.meeting.get("title")
        named = f" ({escape(str(title))})" if not _missing(title) and title else ""
        fresh = len(ex.new_data)
        news = {0: "No indicator has", 1: "1 indicator has"}.get(fresh, f"{fresh} indicators have")
        text = (
            f"Last meeting: <strong>{escape(_day(ex.meeting['meeting_date']))}</strong>{named}. "
            f"{news} new figures since then."
        )
    return f'<div class="present present-sub"><span>{text}</span></div>'


def since_html(ex: meetings.Exceptions) -> str:
    """The agenda by exception in four boxes; an empty box says so in words."""
    if ex.meeting is None:
        changes = _section(
            "Status changes", None, "<p>No meeting recorded: nothing to compare with.</p>"
        )
    elif ex.changed.empty:
        changes = _section("Status changes", 0, "<p>No indicator changed status.</p>")
    else:
        order = {"worse": 0, "changed": 1, "better": 2}
        changed = ex.changed.sort_values("direction", key=lambda s: s.map(order), kind="stable")
        items = [
            f"{_indicator(r.indicator_code, r.name)}<br>{ui.badge(r.was)} → {ui.badge(r.now)} "
            f"<strong>{escape(DIRECTION_WORDS.get(r.direction, r.direction))}</strong>"
            for r in changed.itertuples()
        ]
        changes = _section("Status changes", len(items), _rows(items, len(items), "changes"))

    if ex.blockages.empty:
        blockages = _section("Blockages escalated", 0, "<p>No blockage has been escalated.</p>")
    else:
        items = []
        for r in ex.blockages.itertuples():
            detail = r.blockage_detail if not _missing(r.blockage_detail) else r.narrative
            said = "" if _missing(detail) else f"<br>{escape(short(detail, 140))}"
            items.append(
                f"{_indicator(r.indicator_code, r.name)}{said} "
                f"<span class='present-muted'>({escape(str(r.author))}, {escape(_day(r.created_at))})</span>"
            )
        blockages = _section(
            "Blockages escalated", len(items), _rows(items, len(items), "blockages")
        )

    if ex.overdue_returns.empty:
        returns = _section("Returns overdue", 0, "<p>Every return is in: none is overdue.</p>")
    else:
        items = [
            f"{_indicator(r.indicator_code, r.name)}<br>"
            f"Due for <strong>{escape(str(r.due_period))}</strong>; latest figures "
            f"{escape(str(r.latest_period)) if not _missing(r.latest_period) else 'none yet'}"
            for r in ex.overdue_returns.itertuples()
        ]
        returns = _section("Returns overdue", len(items), _rows(items, len(items), "returns"))

    if ex.overdue_actions.empty:
        actions = _section("Actions overdue", 0, "<p>No action is overdue.</p>")
    else:
        items = [
            f"<strong>{escape(str(r.reference))}</strong> {escape(short(r.text, 120))}<br>"
            f"{escape(str(r.owner))} · due {escape(_day(r.due_date))}"
            for r in ex.overdue_actions.itertuples()
        ]
        actions = _section("Actions overdue", len(items), _rows(items, len(items), "actions"))

    return f'<div class="present present-grid">{changes}{blockages}{returns}{actions}</div>'


def actions_html(frame: pd.DataFrame, titles: dict[str, str], limit: int = 8) -> str:
    if frame.empty:
        return '<div class="present"><p>No open actions are recorded.</p></div>'
    rows = []
    for r in frame.head(limit).itertuples():
        state = "Overdue" if r.overdue else "Open"
        priority = titles.get(r.priority_id, "") if not _missing(r.priority_id) else ""
        rows.append(
            "<tr>"
            f"<td><strong>{escape(str(r.reference))}</strong></td>"
            f"<td>{escape(short(r.text, 140))}"
            + (f"<br><span class='present-muted'>{escape(priority)}</span>" if priority else "")
            + "</td>"
            f"<td>{escape(str(r.owner))}</td>"
            f"<td class='present-nowrap'>{escape(_day(r.due_date))}</td>"
            f"<td class='present-nowrap'><strong>{state}</strong></td>"
            "</tr>"
        )
    more = (
        f'<p class="present-muted">and {len(frame) - limit} more on the actions log</p>'
        if len(frame) > limit
        else ""
    )
    return (
        '<div class="present"><table class="present-table"><thead><tr><th>Ref</th>'
        "<th>Action</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{more}</div>"
    )


# --- navigation --------------------------------------------------------------------------------


def nav_bar(n: int, total: int, context: str) -> None:
    """One line across the top: where we are, Previous, "3 of 9", Next, Home.

    First and Last are buttons too, hidden: the Home and End keys press them.
    """
    with st.container(
        key="present_bar", horizontal=True, vertical_alignment="center", gap="medium"
    ):
        block(f'<span class="present-context" title="{escape(context)}">{escape(context)}</span>')
        st.button(
            "Previous",
            key="present_prev",
            icon=":material/arrow_back:",
            on_click=_step,
            args=(-1, total),
            disabled=n <= 1,
            help="Previous screen (Left arrow or Page Up)",
        )
        block(counter_html(n, total), width="content")
        st.button(
            "Next",
            key="present_next",
            icon=":material/arrow_forward:",
            icon_position="right",
            type="primary",
            on_click=_step,
            args=(1, total),
            disabled=n >= total,
            help="Next screen (Right arrow, Page Down or Space)",
        )
        st.page_link("pages/overview.py", label="Home", icon=":material/home:")
        st.button("First", key="present_first", on_click=_go_to, args=(1,))
        st.button("Last", key="present_last", on_click=_go_to, args=(total,))


# The keys: one listener for the whole browser tab (guarded, as the script runs again whenever
# this page is opened), acting only while a presentation bar is on screen. It presses the
# page's own buttons, so keys and clicks share one path; it leaves typing and focused buttons be.
_KEYS_JS = """
<script>
(function () {
  var doc = document;
  if (!window.__presentKeys) {
    window.__presentKeys = true;
    var ACTIONS = {ArrowRight: "next", PageDown: "next", " ": "next", Spacebar: "next",
                   ArrowLeft: "prev", PageUp: "prev", Home: "first", End: "last"};
    doc.addEventListener("keydown", function (e) {
      var action = ACTIONS[e.key];
      if (!action || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return;
      var target = e.target && e.target.closest ? e.target : null;
      if (target && target.closest('input, textarea, select, [contenteditable="true"], ' +
          '[contenteditable=""], [role="textbox"], [role="combobox"], [role="slider"]')) return;
      if ((e.key === " " || e.key === "Spacebar") && target &&
          target.closest('button, a, [role="button"]')) return;
      /* Streamlit may keep a hidden copy of a button: press the one on screen. */
      var buttons = doc.querySelectorAll(".st-key-present_" + action + " button");
      if (!buttons.length) return;
      var button = buttons[0];
      for (var i = 0; i < buttons.length; i++) {
        if (buttons[i].offsetParent !== null) { button = buttons[i]; break; }
      }
      e.preventDefault();
      if (!button.disabled) button.click();
    }, true);
  }
  /* A new screen starts at its top. */
  var main = doc.querySelector('[data-testid="stMain"]');
  if (main && main.scrollTo) main.scrollTo(0, 0);
})();
</script>
"""

# Type sizes in px so the browser test can hold them to the projector minimum (24 px body).
CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    padding: 0.6rem 2rem 1rem 2rem !important; max-width: none !important; }
  [data-testid="stElementContainer"]:has(.present-script) { display: none; }
  .st-key-present_first, .st-key-present_last { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #FFFFFF; }

  .present, .present p, .present li, .present td {
    font-size: 24px; line-height: 1.3; color: #111111; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
  .present .badge { font-size: 24px; }
  .present .badge.big { font-size: 30px; padding: 0.1em 0.6em; }
  .present-muted, .present .present-muted { color: #333333; }
  .present-nowrap { white-space: nowrap; }

  .st-key-present_bar { border-bottom: 3px solid #111111; padding-bottom: 0.35rem; }
  .st-key-present_bar button { min-height: 3.2rem; padding: 0.2rem 1.2rem; border-width: 2px; }
  .st-key-present_bar button p, .st-key-present_bar button span,
  .st-key-present_bar [data-testid="stPageLink"] p,
  .st-key-present_bar [data-testid="stPageLink"] span { font-size: 26px !important; font-weight: 700; }
  .st-key-present_bar [data-testid="stPageLink"] a { padding: 0.3rem 0.8rem; }
  .st-key-present_bar [data-testid="stElementContainer"]:has(.present-context) { flex: 1 1 0; min-width: 0; }
  .present-context { font-size: 24px; color: #111111; display: block; overflow: hidden;
                     text-overflow: ellipsis; white-space: nowrap; }
  .present-count { font-size: 30px; font-weight: 800; color: #111111; white-space: nowrap;
                   padding: 0 0.3rem; }

  [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * {
    font-size: clamp(40px, 3.3vw, 56px) !important; line-height: 1.12 !important; font-weight: 800 !important;
    color: #111111 !important; padding: 0.1rem 0 0 0 !important; margin: 0 !important; }
  .st-key-present_title [data-testid="stElementContainer"]:has(.present-status) { flex: 0 0 auto; }
  .st-key-present_title [data-testid="stElementContainer"]:has(h1) { flex: 1 1 0; min-width: 0; }
  .present-sub { padding-bottom: 0.2rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1rem; }

  .present-four { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.4rem;
                  border-top: 2px solid #111111; border-bottom: 2px solid #111111;
                  padding: 0.3rem 0; }
  .present-four > div { padding: 0 0.6rem; border-left: 2px solid #BBBBBB; }
  .present-four > div:first-child { border-left: none; padding-left: 0; }
  .present-four h2, .present-four h2 * { font-size: 24px !important; font-weight: 800; color: #003366 !important;
                     text-transform: uppercase; letter-spacing: 0.03em; margin: 0 !important;
                     padding: 0 !important; }
  .present-four p { margin: 0 !important; line-height: 1.25 !important; }

  table.present-table { width: 100%; border-collapse: collapse; }
  table.present-table, table.present-table th, table.present-table td {
    border-top: none; border-left: none; border-right: none; background: #FFFFFF; }
  table.present-table tr { border: none; }
  table.present-table th { text-align: left; border-bottom: 3px solid #111111; padding: 0.1rem 0.5rem;
                           font-size: 24px; white-space: nowrap; }
  table.present-table td { border-bottom: 1px solid #999999; padding: 0.2rem 0.5rem;
                           vertical-align: top; }
  table.present-table td:first-child, table.present-table th:first-child { padding-left: 0; }

  .present-chart-title { display: flex; align-items: center; gap: 0.5rem; padding: 0.1rem 0; }
  .present-chart-title .badge { flex: 0 0 auto; }
  .present-chart-title > span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
                                min-width: 0; }
  .present-key { color: #333333; }
  .present-key span { margin-right: 1.1rem; white-space: nowrap; }

  .present-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.8rem 1.6rem; }
  .present-grid section { border-top: 4px solid #111111; padding-top: 0.2rem; }
  .present-grid h2, .present-grid h2 * { font-size: 32px !important; font-weight: 800;
                                         color: #111111 !important; }
  .present-grid h2 { margin: 0 0 0.2rem 0 !important; padding: 0 !important; }
  .present-grid .present-n { font-size: 28px !important; line-height: 1.1; font-weight: 800; border: 2px solid #111111;
                             border-radius: 0.4rem; padding: 0 0.4rem; margin-left: 0.3rem; }
  .present-grid ul { margin: 0; padding-left: 0; list-style: none; }
  .present-grid li { margin: 0 0 0.45rem 0 !important; padding: 0 !important; }
  .present-grid li:last-child { margin-bottom: 0 !important; }
  .present-grid { margin-top: 0.3rem; }
  .present-grid p { margin: 0 !important; }

  /* Made for the projector, but a board member may open a screen's link on a phone:
     stack the columns there instead of squeezing four into 390 px. */
  @media (max-width: 700px) {
    .present-four, .present-grid { grid-template-columns: minmax(0, 1fr); }
    .present-four > div { border-left: none; padding: 0.3rem 0; border-top: 1px solid #BBBBBB; }
    .present-four > div:first-child { border-top: none; }
    [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * { font-size: 32px !important;
      overflow-wrap: normal !important; word-break: normal !important; hyphens: none !important; }
    .st-key-present_title { flex-wrap: wrap !important; }
    div.present:has(> table.present-table) { overflow-x: auto; }
    .st-key-present_title [data-testid="stElementContainer"]:has(h1) { flex: 1 1 100%; }
  }
</style>
"""


def _spc_css() -> str:
    from ui.statistics import CSS as SPC_CSS  # issue 11: the SPC icons' style

    return SPC_CSS


def inject(n: int) -> None:
    """This page's style and keys: in the page's own body, so they go when the page does.

    The screen number makes the element new on every screen, so the scroll is reset to the top.
    """
    st.html(
        f'{CSS}{_spc_css()}<div class="present-script" data-screen="{int(n)}"></div>{_KEYS_JS}',
        unsafe_allow_javascript=True,
    )
