"""How we compare: one indicator or public series, area by area, with confidence intervals,
against the benchmark and the comparator group (caterpillar chart, funnel plot, table)."""

import streamlit as st

from outcomes.errors import Refused
from outcomes.outputs import statcharts
from outcomes.queries import public_series, statistics
from outcomes.rules import compare, wording
from ui import components as ui
from ui import data, force, markup, problems
from ui import statistics as ui_statistics
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()


@st.cache_data(show_spinner=False, max_entries=16)
def _choices(data_version: int):
    return statistics.comparable(cursor()), statistics.comparator_groups(cursor())


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison(data_version: int, code: str, period: str | None, group: str | None,
                polarity: str | None):  # fmt: skip
    try:
        result = statistics.compare_code(cursor(), code, period=period, group=group,
                                         polarity=polarity)  # fmt: skip
    except Refused as err:
        return None, str(err)
    return result, None


st.title("How we compare")
st.caption(
    "Each area's figure with its 95% and 99.8% confidence intervals: the range the true figure "
    "probably lies in, given the chance in small numbers. An area is **similar** to the "
    "benchmark when its 95% interval includes it; otherwise better or worse (or higher or "
    "lower, with no judgement). Outside the 99.8% interval too, it is significantly so."
)
force.compare_section()  # a commissioner's partnerships, side by side (issue 19)
choices, groups = _choices(version)
if choices.empty:
    st.info(
        "Nothing to compare yet: load a public series with counts and denominators (an ONS CSP "
        "workbook or a Fingertips export), or return an indicator's figures by area with their "
        "numerators and denominators."
    )
    st.stop()

labels = {c: f"{name} ({c})" for c, name in zip(choices["code"], choices["name"], strict=True)}
code = ui.choose("Indicator or series", list(labels), "code", labels.get, "pages/compare.py")
group_names = list(dict.fromkeys(groups["group_name"]))
cols = st.columns(3)
group = cols[0].selectbox(
    "Compare within", [None, *group_names],
    format_func=lambda g: "All areas" if g is None else f"Comparator group: {g}",
    index=1 if group_names else 0, key="compare_group",
)  # fmt: skip
polarity = cols[1].selectbox(
    "Which way is better", [None, "higher", "lower"],
    format_func=lambda p: {None: "As the indicator says",
                           "higher": "Higher is better", "lower": "Lower is better"}[p],
    key="compare_polarity",
    help="A series has no better way: it is compared as higher or lower than the benchmark.",
)  # fmt: skip
first, error = _comparison(version, code, None, group, polarity)
if first is None:
    problems.refused(error, "warning")
    st.stop()
period = cols[2].selectbox("Period", list(first.periods)[::-1], key="compare_period")
result, error = _comparison(version, code, period, group, polarity)
if result is None:
    problems.refused(error, "warning")
    st.stop()

ui_statistics.inject_css()
us = next((r.name for r in result.rows if r.area == result.us), result.us)
ui.md(
    markup.render(
        "compare_facts.html",
        markdown=True,
        result=result,
        us=us,
        unit=f"per {wording.number(result.multiplier)}",
        intervals={
            "proportion": "Wilson's score intervals",
            "rate": "Byar's intervals (exact below 10 events)",
            "count": "Byar's intervals",
        },
    )
)
if result.note:
    st.caption(result.note)
came_from = public_series.came_from(cursor(), code)
if came_from:
    st.caption(came_from)

st.header("Areas with their intervals", divider="gray")
st.caption("Thick bar: 95% interval. Thin bar: 99.8% interval. Dashed line: the benchmark.")
st.plotly_chart(statcharts.caterpillar(result), key="caterpillar",
                config={"displayModeBar": False})  # fmt: skip

st.header("Funnel plot", divider="gray")
st.caption(
    "Each area against its size. Small areas swing more by chance, so the limits widen to the "
    "left: a point outside the funnel is unlikely to be chance alone."
)
st.plotly_chart(statcharts.funnel_plot(result, statistics.funnel(result)), key="funnel",
                config={"displayModeBar": False})  # fmt: skip

st.header("The figures", divider="gray")
# One number of decimals a column; an HTML table that wraps at 1280 px (a grid cut "Lower
# (99.8%)" short) and is one card a row on a phone.
dv = wording.decimals_for(r.value for r in result.rows)
bounds = [b for r in result.rows for b in (r.lower_95, r.upper_95, r.lower_998, r.upper_998)]
di = wording.decimals_for(bounds)


def _interval(r, lower: float | None, upper: float | None) -> str:
    if r.value is None:
        return "–"
    return f"{wording.number(lower, di)} to {wording.number(upper, di)}"


headings = ["Area", "Code", "Count", "Denominator", "Value", "95% interval", "99.8% interval"]
rows = [
    [
        r.name,
        r.area,
        wording.number(r.count),
        wording.number(r.denominator),
        wording.number(r.value, dv),
        _interval(r, r.lower_95, r.upper_95),
        _interval(r, r.lower_998, r.upper_998),
        compare.COMPARED_WORDS[r.compared] + (" (99.8%)" if r.significant else ""),
        r.note or "",
    ]
    for r in result.rows
]
ui.md(
    markup.render("cards.html", markdown=True, headings=[*headings, "Compared", "Note"], rows=rows)
)
