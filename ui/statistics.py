"""Signal and noise on the pages: the SPC icons and chart of an indicator, cached per data
version. Pages call ``icons_html`` and ``render_spc``; the statistics live in ``outcomes``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from markupsafe import Markup

from outcomes.errors import Refused
from outcomes.outputs import statcharts
from outcomes.queries import statistics
from outcomes.rules import spc, wording
from ui import auth, markup, problems
from ui.components import done
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


def _icon(name: str, caveat: str | None = None) -> dict[str, object]:
    """An icon for the template; an assurance icon with a caveat says it is no forecast."""
    icon = spc.ICONS[name]
    words = spc.STALE_WORDS if caveat else icon.words
    return {"symbol": icon.symbol, "words": words, "meaning": caveat or icon.meaning,
            "colour": icon.colour, "stale": bool(caveat)}  # fmt: skip


def icons_html(data_version: int, code: str) -> Markup:
    """The variation and assurance icons for an indicator, or why there are none; when the
    limits are out of date (a sustained shift) the assurance icon says so beside it."""
    summary = spc_summary(data_version)
    if code not in summary.index:
        return markup.MarkdownHTML()
    row = summary.loc[code]
    variation = None if pd.isna(row["variation"]) else row["variation"]
    assurance = None if pd.isna(row["assurance"]) else row["assurance"]
    caveat = row["caveat"] if isinstance(row["caveat"], str) else None
    icons = [] if variation is None else [_icon(variation)]
    if icons and assurance is not None:
        icons.append(_icon(assurance, caveat))
    # Rendered for Markdown: the priority page shows the icons inside its indicator cards.
    return markup.render(
        "spc_icons.html",
        markdown=True,
        icons=icons,
        reason=row["spc_reason"] if isinstance(row["spc_reason"], str) else "",
    )


def inject_css() -> None:
    st.html(markup.stylesheet("spc_icons.css"))


def render_spc(data_version: int, code: str) -> None:
    """The indicator's SPC section: icons, chart and what it means (self-contained)."""
    inject_css()
    st.header("Signal or noise (SPC)", divider="gray")
    if st.session_state.get("spc_flash"):
        done(st.session_state.pop("spc_flash"))
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
    if chart.shift is not None and chart.assurance is not None:
        _offer_recalculation(code, chart.shift)
    with st.expander("What does this chart tell the board?"):
        st.markdown(SPC_EXPLAINED)


def _offer_recalculation(code: str, shift: spc.Shift) -> None:
    """Making Data Count after a sustained shift: the limits no longer describe the process,
    so say so, and let an analyst or administrator recalculate them from where it began."""
    st.warning(spc.shift_words(shift, wording.period), icon=":material/trending_up:")
    person = auth.acting()
    if not shift.recalculable:
        return
    if person is None or not person.may("framework.change"):
        st.caption("An analyst or an administrator can recalculate them (a framework change).")
        return
    since = wording.period(shift.start)
    with st.form(f"recalculate_{code}"):
        reason = st.text_input(
            "Why the process changed (kept in the framework and the audit trail)",
            key=f"recalculate_reason_{code}",
        )
        if st.form_submit_button(f"Recalculate the limits from {since}"):
            try:
                done = statistics.recalculate_limits(cursor(), code, by=person, reason=reason)
            except Refused as err:
                problems.refused(err)
            else:
                st.session_state["spc_flash"] = done
                st.rerun()
