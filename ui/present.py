"""Presentation mode for the projector: the screens, their cached reads, the large-type style,
the navigation bar and the keyboard.

Screen 1 is "Since the last meeting", then one screen per priority in plan order, then the open
actions. Every screen has its own URL (``/present?screen=3``). The keys are one small script
placed with ``st.html`` (same document, no iframe): it clicks the page's own Previous and Next
buttons, so a key press and a mouse click take exactly the same path through Streamlit.

Its HTML comes from the autoescaped templates in ``ui/templates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from markupsafe import Markup

from outcomes import board, charts, meetings
from outcomes.agenda import Exceptions
from outcomes.blockages import story as story_of
from ui import data, markup
from ui.state import cursor

PARAM = "screen"
CHART_HEIGHT = 270  # two stacked fit 1080 px; one fits 720 px beside the indicators
CHART_FONT = 22
MAX_CHARTS = 2
MAX_ROWS = 5
STORY_LENGTH = 180  # characters of the story a projector screen holds


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
    fig.update_xaxes(nticks=3)  # the chart is 40% of the screen: more labels would overlap
    fig.update_yaxes(automargin=True)
    return fig


# --- small pieces of wording -------------------------------------------------------------------


def charted(own: pd.DataFrame, limit: int = MAX_CHARTS) -> list[dict[str, Any]]:
    """The indicators to chart: the first ``limit`` in the board's chart order."""
    return board.chart_order(own.to_dict("records"))[:limit]


# --- HTML, from ui/templates (autoescaped) ------------------------------------------------------


def block(html: str, width: str = "stretch") -> None:
    """HTML from a template. ``st.html`` rather than markdown: a markdown block pulls the next
    element up by its paragraph margin, which clips badges."""
    st.html(html, width=width)


def counter_html(n: int, total: int) -> str:
    return markup.render("present_bar.html", n=n, total=total)


def priority_context(detail: dict[str, Any]) -> str:
    """The bar's left-hand words on a priority screen (plain text: the bar escapes it)."""
    return f"{detail['tier']} tier · Lead: {detail['lead_partner_name']}"


def status_html(state: str) -> str:
    return markup.render("present_bar.html", state=state)


def title_row(title: str, state: str | None = None) -> None:
    """The screen's heading, with the priority's big status badge before it."""
    with st.container(key="present_title", horizontal=True, vertical_alignment="center"):
        if state is not None:
            block(status_html(state), width="content")
        st.title(markup.plain(title), anchor=False)


def four_columns_html(detail: dict[str, Any]) -> str:
    cells = (
        ("We will", detail["aim"]),
        ("So that…", detail["outputs"]),
        ("And ultimately…", detail["outcomes"]),
        ("Measured by…", detail["success_measures"]),
    )
    return markup.render("present_four.html", cells=cells)


def _spc(code: str) -> str:
    """Issue 11: the SPC icons under the status badge (they never change the status)."""
    from ui import data
    from ui import statistics as ui_statistics

    return f" {ui_statistics.icons_html(data.version(), code)}"


def indicators_html(own: pd.DataFrame) -> str:
    spc = {code: Markup(_spc(code)) for code in own["indicator_code"]}
    return markup.render("present_indicators.html", rows=own.to_dict("records"), spc=spc)


def aim_html(detail: dict[str, Any]) -> str:
    """The aim alone, in one line: what a short screen shows instead of the four columns."""
    return markup.render("present_aim.html", detail=detail)


def story_html(data_version: int, own: pd.DataFrame, where: str, limit: int) -> str:
    """The priority's story (its indicators' newest commentary) and the blockages its leads
    escalated (each indicator's latest commentary that raises one)."""
    notes = []
    for r in own.to_dict("records"):
        note = data.commentary(data_version, r["indicator_code"], r["period"])
        if note is not None:
            notes.append({"code": r["indicator_code"], "note": note})
    notes.sort(key=lambda n: pd.Timestamp(n["note"]["created_at"]), reverse=True)
    told = [n for n in notes if story_of(n["note"])]
    blockages = [n for n in notes if n["note"]["blockage"]]
    return markup.render(
        "present_story.html",
        story=told[0] if told else None,
        blockages=blockages,
        limit=limit,
        where=where,
    )


def chart_heading_html(r: dict[str, Any]) -> str:
    return markup.render("present_chart_heading.html", r=r)


CHART_KEY = markup.render("present_key.html")


def since_intro_html(ex: Exceptions) -> str:
    return markup.render("present_since_intro.html", ex=ex)


def since_html(ex: Exceptions) -> str:
    """The agenda by exception in four boxes; an empty box says so in words."""
    limit = {"changed": MAX_ROWS, "other": MAX_ROWS}
    return markup.render("agenda.html", ex=ex, view="screen", limit=limit)


def actions_html(frame: pd.DataFrame, titles: dict[str, str], limit: int = 8) -> str:
    return markup.render(
        "present_actions.html", rows=frame.to_dict("records"), titles=titles, limit=limit
    )


# --- navigation --------------------------------------------------------------------------------


def nav_bar(n: int, total: int, context: str) -> None:
    """One line across the top: where we are, Previous, "3 of 9", Next, Home.

    First and Last are buttons too, hidden: the Home and End keys press them.
    """
    with st.container(
        key="present_bar", horizontal=True, vertical_alignment="center", gap="medium"
    ):
        block(markup.render("present_bar.html", context=context))
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

  .present-override { display: block; font-size: 20px; line-height: 1.25; color: #333333;
                      padding: 0.1rem 0; }
  .present-story div { font-size: 21px; line-height: 1.25; margin: 0 0 0.3rem 0; }
  .present-blockage { border-left: 6px solid #111111; background: #F2F4F7; padding: 0.1rem 0.5rem; }
  .present-aim p { margin: 0 !important; }
  .present-key { font-size: 20px; line-height: 1.3; }
  .present-key span { display: inline-block; }
  .present-aim p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  table.present-table { table-layout: fixed; }
  table.present-table th:nth-child(1) { width: 24%; }
  table.present-table th:nth-child(2) { width: 44%; }
  table.present-table th:nth-child(3) { width: 19%; }
  table.present-table th:nth-child(4) { width: 13%; }
  .present-table .present-when { font-size: 20px; line-height: 1.2; display: inline-block; }
  .present-table .spcicons { margin-top: 0.1rem; }
  /* A projector of 720 to 860 px: the aim alone instead of the four columns, one chart. */
  @media (min-height: 861px) {
    [data-testid="stElementContainer"]:has(.present-aim),
    [data-testid="stElementContainer"]:has(.present-short) { display: none; } }
  @media (max-height: 860px) {
    [data-testid="stElementContainer"]:has(.present-four), .st-key-present_chart_2,
    [data-testid="stElementContainer"]:has(.present-tall) { display: none; }
    .st-key-present_bar button { min-height: 2.7rem; }
    [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * { font-size: 40px !important; } }

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
    table.present-table { table-layout: auto; }
    table.present-table th { width: auto !important; }
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
