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

from outcomes.outputs import charts
from outcomes.queries import board
from outcomes.workflows import meetings
from outcomes.workflows.agenda import Exceptions
from outcomes.workflows.blockages import story as story_of
from ui import data, markup
from ui.state import cursor

PARAM = "screen"
CHART_HEIGHT = 270  # two stacked fit 1080 px; one fits 720 px beside the indicators
CHART_FONT = 22
MAX_CHARTS = 2
STORY_LENGTH = 180  # characters of the story a projector screen holds

# What one screen holds at 1280x720, every line of it cut to fit (tests/browser/
# test_present_fits.py measures every screen of drawn meetings at both projector sizes).
# A longer list goes on to continued screens ("Actions overdue, 2 of 3"); nothing scrolls.
BOX_ROWS = 3  # items in each of the four boxes of "Since the last meeting"
LIST_ROWS = 5  # items on a continued screen of one of those lists
INDICATOR_ROWS = 3  # indicators on a priority's screen, beside its chart
BLOCKAGE_ROWS = 2  # blockages under them
ACTION_ROWS = 4  # rows of the open actions' table

# The four lists of "Since the last meeting", in the order the board takes them.
SINCE_LISTS = (
    ("changed", "Status changes"),
    ("blockages", "Blockages escalated"),
    ("overdue_returns", "Returns overdue"),
    ("overdue_actions", "Actions overdue"),
)


# --- the screens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """One screen. ``kind``: "since", "list" (one of the since lists, continued), "priority"
    or "actions"; ``part`` of ``parts`` when a priority or a list takes more than one."""

    kind: str
    title: str
    priority_id: str | None = None
    part: int = 1
    parts: int = 1
    key: str | None = None  # a "list" screen: which of SINCE_LISTS

    @property
    def heading(self) -> str:
        """The screen's title, and which part of it this is when there are more.

        >>> Screen("list", "Actions overdue", part=2, parts=3).heading
        'Actions overdue, 2 of 3'
        >>> Screen("since", "Since the last meeting").heading
        'Since the last meeting'
        """
        return self.title if self.parts == 1 else f"{self.title}, {self.part} of {self.parts}"


def _parts(n: int, per: int) -> int:
    return max(1, -(-n // per))


def box_rows(n: int) -> int:
    """How many of a list's ``n`` items its box on the first screen shows: all that fit, or
    one fewer and a line saying the rest are on the next screens.

    >>> box_rows(2), box_rows(3), box_rows(4), box_rows(11)
    (2, 3, 2, 2)
    """
    return n if n <= BOX_ROWS else BOX_ROWS - 1


def list_slice(n: int, part: int) -> slice:
    """The items of part ``part`` (2 onwards) of a list of ``n``: after those in its box.

    >>> list_slice(11, 2), list_slice(11, 3)
    (slice(2, 7, None), slice(7, 12, None))
    """
    start = box_rows(n) + (part - 2) * LIST_ROWS
    return slice(start, start + LIST_ROWS)


def priority_parts(indicators: int, blockages: int) -> int:
    """Screens a priority takes: its indicators three to a screen, its blockages two.

    >>> priority_parts(3, 1), priority_parts(0, 0), priority_parts(9, 1), priority_parts(2, 5)
    (1, 1, 3, 3)
    """
    return max(_parts(indicators, INDICATOR_ROWS), _parts(blockages, BLOCKAGE_ROWS))


def screens(
    summary: pd.DataFrame,
    lists: dict[str, int] | None = None,
    sizes: dict[str, tuple[int, int]] | None = None,
    actions: int = 0,
) -> list[Screen]:
    """The running order: exceptions first (a long list continued on screens of its own),
    each priority in plan order (over as many screens as its indicators and blockages take),
    then the open actions.

    ``lists``: how many items each of SINCE_LISTS has; ``sizes``: each priority's number of
    indicators and of blockages; ``actions``: open actions. The summary already comes in plan
    order (tier, then the priority's place in its tier).
    """
    lists, sizes = lists or {}, sizes or {}
    plan = [Screen("since", "Since the last meeting")]
    for key, title in SINCE_LISTS:
        rest = max(0, lists.get(key, 0) - box_rows(lists.get(key, 0)))
        if rest:
            parts = 1 + _parts(rest, LIST_ROWS)
            plan += [Screen("list", title, None, i, parts, key) for i in range(2, parts + 1)]
    ordered = summary.sort_values(["tier_order", "sort_order"], kind="stable")
    for r in ordered.to_dict("records"):
        parts = priority_parts(*sizes.get(r["id"], (0, 0)))
        plan += [Screen("priority", r["title"], r["id"], i, parts) for i in range(1, parts + 1)]
    parts = _parts(actions, ACTION_ROWS)
    plan += [Screen("actions", "Open actions", None, i, parts) for i in range(1, parts + 1)]
    return plan


def screen_number(raw: Any, total: int) -> int:
    """The screen asked for in the URL; anything missing, not a number or out of range is 1.

    >>> screen_number("3", 9), screen_number(None, 9), screen_number("ten", 9), screen_number("12", 9)
    (3, 1, 1, 1)
    """
    try:
        n = int(str(raw).strip())
    except (TypeError, ValueError):  # untrusted: the screen number is typed into the URL
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


@st.cache_data(show_spinner=False, max_entries=64)
def notes(data_version: int, priority_id: str) -> tuple[dict | None, list[dict[str, Any]]]:
    """A priority's story (its indicators' newest commentary that tells one) and the
    blockages its leads escalated (each indicator's latest commentary that raises one)."""
    ratings = data.indicator_ratings(data_version)
    found = []
    for r in ratings[ratings["priority_id"] == priority_id].to_dict("records"):
        note = data.commentary(data_version, r["indicator_code"], r["period"])
        if note is not None:
            found.append({"code": r["indicator_code"], "note": note})
    found.sort(key=lambda n: pd.Timestamp(n["note"]["created_at"]), reverse=True)
    told = [n for n in found if story_of(n["note"])]
    return (told[0] if told else None), [n for n in found if n["note"]["blockage"]]


def running_order(data_version: int, day: date) -> list[Screen]:
    """Every screen for what the meeting holds today (see :func:`screens`)."""
    summary = data.priority_summary(data_version)
    ratings = data.indicator_ratings(data_version)
    ex = data.agenda(data_version, day)
    lists = {key: len(getattr(ex, key)) for key, _ in SINCE_LISTS}
    sizes = {
        pid: (int((ratings["priority_id"] == pid).sum()), len(notes(data_version, pid)[1]))
        for pid in summary["id"]
    }
    return screens(summary, lists, sizes, len(open_actions(data_version, day)))


def part_of(items: Any, screen: Screen, per: int) -> Any:
    """This screen's share of a priority's indicators (a frame) or blockages (a list)."""
    part = slice((screen.part - 1) * per, screen.part * per)
    return items.iloc[part] if isinstance(items, pd.DataFrame) else items[part]


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


def _spc(code: str) -> Markup:
    """Issue 11: the SPC icons under the status badge (they never change the status)."""
    from ui import data
    from ui import statistics as ui_statistics

    return ui_statistics.icons_html(data.version(), code)


def indicators_html(own: pd.DataFrame) -> str:
    spc = {code: _spc(code) for code in own["indicator_code"]}
    return markup.render("present_indicators.html", rows=own.to_dict("records"), spc=spc)


def aim_html(detail: dict[str, Any]) -> str:
    """The aim alone, in one line: what a short screen shows instead of the four columns."""
    return markup.render("present_aim.html", detail=detail)


def story_html(
    story: dict[str, Any] | None,
    blockages: list[dict[str, Any]],
    where: str,
    limit: int,
    first: bool = True,
) -> str:
    """The priority's story (on its first screen) and this screen's share of its blockages
    (see :func:`notes`)."""
    return markup.render(
        "present_story.html",
        story=story if first else None,
        blockages=blockages,
        limit=limit,
        where=where,
        first=first,
    )


def chart_heading_html(r: dict[str, Any]) -> str:
    return markup.render("present_chart_heading.html", r=r)


CHART_KEY = markup.render("present_key.html")


def since_intro_html(ex: Exceptions) -> str:
    return markup.render("present_since_intro.html", ex=ex)


def since_html(ex: Exceptions) -> str:
    """The agenda by exception in four boxes; an empty box says so in words, a long list
    says how many more follow on the next screens."""
    limit = {key: box_rows(len(getattr(ex, key))) for key, _ in SINCE_LISTS}
    return markup.render("agenda.html", ex=ex, view="screen", limit=limit, per=LIST_ROWS)


def list_html(ex: Exceptions, screen: Screen) -> str:
    """One of the four lists, continued: this screen's part of it."""
    frame = getattr(ex, screen.key)
    part = list_slice(len(frame), screen.part)
    left = max(0, len(frame) - part.stop)
    rows = markup.records(frame.iloc[part])
    return markup.render(
        "agenda.html", ex=ex, view="list", key=screen.key, rows=rows, left=left, per=LIST_ROWS
    )


def actions_html(frame: pd.DataFrame, titles: dict[str, str], part: int = 1) -> str:
    """This screen's rows of the open actions (overdue first, as the log orders them)."""
    rows = frame.iloc[(part - 1) * ACTION_ROWS : part * ACTION_ROWS].to_dict("records")
    return markup.render("present_actions.html", rows=rows, titles=titles)


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


def inject(n: int) -> None:
    """This page's style and keys: in the page's own body, so they go when the page does.

    The screen number makes the element new on every screen, so the scroll is reset to the top.
    """
    st.html(
        markup.render(
            "present_inject.html",
            style=markup.stylesheet("present.css", "spc_icons.css"),  # issue 11: SPC icons too
            screen=int(n),
            keys=markup.script("present_keys.js"),
        ),
        unsafe_allow_javascript=True,
    )
