"""Public figures: the police.uk and ONS series loaded, as tables and charts, whether or not
an indicator is defined from them."""

import plotly.express as px
import streamlit as st

from loaders import periods
from outcomes.queries import public_series as public
from ui import components as ui
from ui import data
from ui.router import require_router
from ui.state import cursor


@st.cache_data(show_spinner=False, max_entries=8)
def _police(data_version: int):
    return public.police_uk_by_month(cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def _ons(data_version: int, period: str | None):
    return public.ons_by_csp(cursor(), period)


require_router()
version = data.version()

st.title("Public figures")
st.caption(
    "The public figures loaded from police.uk and the ONS. Load more on Data and exports; "
    "an indicator defined from one of these series is worked out again when it loads."
)
loaded = public.loaded(cursor())
if loaded.empty:
    st.info(
        "No public figures are loaded yet. Load a police.uk street crime file or the ONS "
        "workbook on Data and exports."
    )
    st.page_link("pages/data.py", label="Open Data and exports", icon=":material/database:")
    st.stop()
st.dataframe(loaded, hide_index=True, width="stretch")
st.subheader("Where these figures came from")
came_from = public.sources(cursor())
# Cards, not a grid: a grid hides its last columns at 1280 px and on a phone.
ui.cards(list(came_from.columns), came_from.astype(str).values.tolist())

st.header("police.uk: street crime by month and crime type", divider="gray")
police = _police(version)
if police.empty:
    st.info("No police.uk file is loaded.")
else:
    # Most common first; the chart starts with the five most common, so its lines can be told apart.
    types = list(police.groupby("Crime type")["Crimes"].sum().sort_values(ascending=False).index)
    chosen = st.multiselect("Crime types to chart", types, default=types[:5], key="police_types")
    shown = police[police["Crime type"].isin(chosen)]
    figure = px.line(
        shown,
        x="month",
        y="Crimes",
        color="Crime type",
        markers=True,
        labels={"month": "Month", "Crimes": "Crimes recorded"},
        height=420,
    )
    figure.update_xaxes(tickformat="%b %Y")
    figure.update_yaxes(tickformat=",")
    st.plotly_chart(figure, key="police_chart")
    st.dataframe(
        public.police_uk_table(police),
        hide_index=True,
        width="stretch",
        column_config={"Month": st.column_config.TextColumn(pinned=True)},
    )

st.header("ONS: recorded crime by Community Safety Partnership", divider="gray")
choices = public.ons_periods(cursor())
if not choices:
    st.info("No ONS workbook is loaded.")
else:
    period = st.selectbox(
        "Period", choices, format_func=lambda p: periods.parse_code(p).label, key="ons_period"
    )
    ons = _ons(version, period)
    offences = [c for c in ons.columns if c not in ("Community Safety Partnership", "Code")]
    offence = st.selectbox("Offence to chart", offences, key="ons_offence")
    top = ons.nlargest(25, offence)
    figure = px.bar(
        top.sort_values(offence),
        x=offence,
        y="Community Safety Partnership",
        orientation="h",
        labels={offence: f"{offence}: offences recorded"},
        height=640,
        title=f"The 25 partnerships recording the most: {offence}",
    )
    figure.update_xaxes(tickformat=",")
    st.plotly_chart(figure, key="ons_chart")
    st.caption(
        "A blank means the ONS published no figure for that partnership (Devon and Cornwall "
        "Police's, for example, are marked as not available)."
    )
    st.dataframe(
        ons,
        hide_index=True,
        width="stretch",
        column_config={
            "Community Safety Partnership": st.column_config.TextColumn(pinned=True),
            **{o: st.column_config.NumberColumn(format="localized") for o in offences},
        },
    )
