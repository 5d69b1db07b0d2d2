"""Presentation mode: one screen at a time for the projector, exceptions first.

Screen 1 is "Since the last meeting", then each priority in plan order, then the open actions.
``/present?screen=3`` opens the third; the arrow keys, Page Up/Down, Space, Home and End move.
"""

from datetime import date

import streamlit as st

from ui import data
from ui import present as show
from ui.router import require_router

require_router()
version = data.version()
summary = data.priority_summary(version)
ratings = data.indicator_ratings(version)
plan = show.screens(summary)
n = show.current_screen(len(plan))
screen = plan[n - 1]
show.inject(n)

if screen.kind == "since":
    ex = data.agenda(version, date.today())
    show.nav_bar(n, len(plan), f"Agenda by exception · {ex.count} items for the board")
    show.title_row(screen.title)
    show.block(show.since_intro_html(ex))
    show.block(show.since_html(ex))

elif screen.kind == "priority":
    row = summary.set_index("id").loc[screen.priority_id].to_dict()
    detail = show.priority_detail(version, screen.priority_id)
    own = ratings[ratings["priority_id"] == screen.priority_id]
    show.nav_bar(n, len(plan), show.priority_context(detail))
    show.title_row(screen.title, row["status"])
    show.block(show.aim_html(detail))
    show.block(show.four_columns_html(detail))
    # The indicators beside the charts: at 1280x720 the status, every indicator, one chart and
    # the story (under both) are on screen together; at 1920x1080 two charts, the story under
    # the indicators. The story is placed in both spots and the screen's height picks one.
    left, right = st.columns([3, 2], gap="large")
    with left:
        show.block(show.indicators_html(own))
        show.block(show.story_html(version, own, "present-tall", show.STORY_LENGTH * 3))
    with right:
        for i, r in enumerate(show.charted(own), start=1):
            with st.container(key=f"present_chart_{i}"):
                show.block(show.chart_heading_html(r))
                st.plotly_chart(
                    show.trend(version, r["indicator_code"]),
                    key=f"present_chart_{r['indicator_code']}",
                    theme=None,
                    config={"displayModeBar": False, "staticPlot": True},
                )
        if show.charted(own):
            show.block(show.CHART_KEY)
    show.block(show.story_html(version, own, "present-short", show.STORY_LENGTH))

else:
    titles = dict(zip(summary["id"], summary["title"], strict=True))
    frame = show.open_actions(version, date.today())
    overdue = int(frame["overdue"].sum()) if not frame.empty else 0
    show.nav_bar(n, len(plan), f"{len(frame)} open · {overdue} overdue")
    show.title_row(screen.title)
    show.block(show.actions_html(frame, titles))
