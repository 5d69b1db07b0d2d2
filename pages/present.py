"""Presentation mode: one screen at a time for the projector, exceptions first.

Screen 1 is "Since the last meeting" (its long lists continued on screens of their own), then
each priority in plan order, then the open actions; whatever does not fit one screen goes on
to the next ("Actions overdue, 2 of 3"). ``/present?screen=3`` opens the third; the arrow keys,
Page Up/Down, Space, Home and End move.
"""

from datetime import date

import streamlit as st

from ui import data
from ui import present as show
from ui.router import require_router

require_router()
version = data.version()
today = date.today()
plan = show.running_order(version, today)
n = show.current_screen(len(plan))
screen = plan[n - 1]
show.inject(n)

if screen.kind in ("since", "list"):
    ex = data.agenda(version, today)
    show.nav_bar(n, len(plan), f"Agenda by exception · {ex.count} items for the board")
    show.title_row(screen.heading)
    if screen.kind == "since":
        show.block(show.since_intro_html(ex))
        show.block(show.since_html(ex))
    else:
        show.block(show.list_html(ex, screen))

elif screen.kind == "priority":
    summary = data.priority_summary(version)
    ratings = data.indicator_ratings(version)
    row = summary.set_index("id").loc[screen.priority_id].to_dict()
    detail = show.priority_detail(version, screen.priority_id)
    own = ratings[ratings["priority_id"] == screen.priority_id]
    part = show.part_of(own, screen, show.INDICATOR_ROWS)
    story, blockages = show.notes(version, screen.priority_id)
    first = screen.part == 1
    blockages = show.part_of(blockages, screen, show.BLOCKAGE_ROWS)
    show.nav_bar(n, len(plan), show.priority_context(detail))
    show.title_row(screen.heading, row["status"])
    show.block(show.aim_html(detail))
    show.block(show.four_columns_html(detail))
    # The indicators beside the charts: at 1280x720 the status, every indicator, one chart and
    # the story (under both) are on screen together; at 1920x1080 two charts, the story under
    # the indicators. The story is placed in both spots and the screen's height picks one.
    left, right = st.columns([3, 2], gap="large")
    with left:
        show.block(show.indicators_html(part))
        tall = show.story_html(story, blockages, "present-tall", show.STORY_LENGTH * 3, first)
        show.block(tall)
    with right:
        for i, r in enumerate(show.charted(part), start=1):
            with st.container(key=f"present_chart_{i}"):
                show.block(show.chart_heading_html(r))
                st.plotly_chart(
                    show.trend(version, r["indicator_code"]),
                    key=f"present_chart_{r['indicator_code']}",
                    theme=None,
                    config={"displayModeBar": False, "staticPlot": True},
                )
        if show.charted(part):
            show.block(show.CHART_KEY)
    show.block(show.story_html(story, blockages, "present-short", show.STORY_LENGTH, first))

else:
    summary = data.priority_summary(version)
    titles = dict(zip(summary["id"], summary["title"], strict=True))
    frame = show.open_actions(version, today)
    overdue = int(frame["overdue"].sum()) if not frame.empty else 0
    show.nav_bar(n, len(plan), f"{len(frame)} open · {overdue} overdue")
    show.title_row(screen.heading)
    show.block(show.actions_html(frame, titles, screen.part))
