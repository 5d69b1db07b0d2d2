"""Signal and noise on the pages: the SPC icons and chart of an indicator, cached per data
version. Pages call ``icons_html`` and ``render_spc``; the statistics live in ``outcomes``."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from outcomes import spc, statcharts, statistics
from ui.state import cursor

SPC_EXPLAINED = (
    "**Signal or noise?** Every figure goes up and down a little from period to period, for "
    "reasons no one controls: that is *common cause* variation, and asking a lead to explain "
    "it wastes the board's time. The grey dashed lines are the **process limits**: the range "
    "the figures have kept to so far. A *special cause* is a sign that something really "
    "changed: a figure outside the limits, six figures in a row on one side of the average, "
    "six rising or falling in a row, or two of three close to a limit. Those are the figures "
    "worth a question. The variation icon reads the latest figure; the assurance icon says "
    "whether the target will be met without a change in how the work is done."
)


@st.cache_data(show_spinner=False, max_entries=16)
def spc_summary(data_version: int) -> pd.DataFrame:
    return statistics.spc_summary(cursor()).set_index("indicator_code")


@st.cache_data(show_spinner=False, max_entries=256)
def spc_figure(data_version: int, code: str, height: int = 380) -> tuple[spc.Chart, go.Figure]:
    """The chart and its figure; building figures is most of a page's time, so cached."""
    chart = statistics.indicator_chart(cursor(), code)
    ind = cursor().execute("SELECT unit, decimals FROM indicator WHERE code = ?", [code]).fetchone()
    return chart, statcharts.spc_chart(chart, ind[0], max(1, int(ind[1])), height=height)


def icon_html(name: str | None) -> str:
    """One icon: symbol and words on its colour's edge, the meaning on hover."""
    if name is None:
        return ""
    icon = spc.ICONS[name]
    return (
        f'<span class="spcicon" style="border-color:{icon.colour}" '
        f'title="{escape(icon.meaning)}">{escape(icon.symbol)} {escape(icon.words)}</span>'
    )


def icons_html(data_version: int, code: str) -> str:
    """The variation and assurance icons for an indicator, or why there are none."""
    summary = spc_summary(data_version)
    if code not in summary.index:
        return ""
    row = summary.loc[code]
    variation = None if pd.isna(row["variation"]) else row["variation"]
    assurance = None if pd.isna(row["assurance"]) else row["assurance"]
    if variation is None:
        reason = row["spc_reason"] if isinstance(row["spc_reason"], str) else ""
        return f'<span class="spcicon none" title="{escape(reason)}">SPC: too few figures</span>'
    return f'<span class="spcicons">{icon_html(variation)}{icon_html(assurance)}</span>'


CSS = """
<style>
  .spcicons { display: inline-flex; flex-wrap: wrap; gap: 0.25rem; margin-top: 0.2rem; }
  .spcicon { display: inline-block; border: 2px solid; border-left-width: 6px;
             border-radius: 0.3rem; padding: 0 0.4rem; font-size: 0.85rem; white-space: nowrap;
             background: #FFFFFF; color: #1F2328; }
  .spcicon.none { border-color: #A6A6A6; border-style: dashed; color: #4B5563; }
</style>
"""


def inject_css() -> None:
    st.html(CSS)


def render_spc(data_version: int, code: str) -> None:
    """The indicator's SPC section: icons, chart and what it means (self-contained)."""
    inject_css()
    st.header("Signal or noise (SPC)", divider="gray")
    chart, figure = spc_figure(data_version, code)
    st.html(icons_html(data_version, code))
    if chart is None or not chart.points:
        st.info("No figures yet, so nothing to chart.")
        return
    if chart.reason:
        st.caption(f"Run chart only: {chart.reason} Until then, read it as a trend line.")
    st.plotly_chart(figure, key="spc_chart", config={"displayModeBar": False})
    ghosted = [p for p in chart.points if p.ghosted]
    recalc = [p for p in chart.points if p.recalculated]
    notes = [f"{p.period} is left out of the calculation: {p.ghosted}." for p in ghosted]
    notes += [f"The mean and limits start again from {p.period}." for p in recalc]
    profile = spc.PROFILES[chart.profile]
    notes.append(f"Rules: {profile.title} (runs of {profile.run_length}).")
    st.caption(" ".join(notes))
    with st.expander("What does this chart tell the board?"):
        st.markdown(SPC_EXPLAINED)
