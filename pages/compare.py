"""How we compare: one indicator or public series, area by area, with confidence intervals,
against the benchmark and the comparator group (caterpillar chart, funnel plot, table)."""

import streamlit as st

from outcomes import compare, statcharts, statistics, wording
from ui import components as ui
from ui import data, markup
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
    except statistics.ComparisonError as err:
        return None, str(err)
    return result, None


st.title("How we compare")
st.caption(
    "Each area's figure with its 95% and 99.8% confidence intervals: the range the true figure "
    "probably lies in, given the chance in small numbers. An area is **similar** to the "
    "benchmark when its 95% interval includes it; otherwise better or worse (or higher or "
    "lower, with no judgement). Outside the 99.8% interval too, it is significantly so."
)
choices, groups = _choices(version)
if choices.empty:
    st.info(
        "Nothing to compare yet: load a public series with counts and denominators (an ONS CSP "
        "workbook or a Fingertips export), or return an indicator's figures by area with their "
        "numerators and denominators."
    )
    st.stop()

labels = dict(zip(choices["code"], choices["name"], strict=True))
code = ui.choose(
    "Indicator or series",
    list(labels),
    "code",
    lambda c: f"{labels[c]} ({c})",
    "pages/compare.py",
)
group_names = list(dict.fromkeys(groups["group_name"]))
cols = st.columns(3)
group = cols[0].selectbox(
    "Compare within", [None, *group_names],
    format_func=lambda g: "All areas" if g is None else f"Comparator group: {g}",
    index=1 if group_names else 0, key="compare_group",
)  # fmt: skip
polarity = cols[1].selectbox(
    "Which way is better", [None, "higher", "lower"],
    format_func=lambda p: {None: "As the indicator says (none for a series)",
                           "higher": "Higher is better", "lower": "Lower is better"}[p],
    key="compare_polarity",
)  # fmt: skip
first, error = _comparison(version, code, None, group, polarity)
if first is None:
    st.warning(error)
    st.stop()
period = cols[2].selectbox("Period", list(first.periods)[::-1], key="compare_period")
result, error = _comparison(version, code, period, group, polarity)
if result is None:
    st.warning(error)
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
table = [
    {
        "Area": r.name,
        "Code": r.area,
        "Count": wording.number(r.count),
        "Denominator": wording.number(r.denominator),
        "Value": None if r.value is None else round(r.value, 2),
        "95% interval": "–" if r.value is None else f"{r.lower_95:,.2f} to {r.upper_95:,.2f}",
        "99.8% interval": "–" if r.value is None else f"{r.lower_998:,.2f} to {r.upper_998:,.2f}",
        "Compared": compare.COMPARED_WORDS[r.compared] + (" (99.8%)" if r.significant else ""),
        "Note": r.note or "",
    }
    for r in result.rows
]
st.dataframe(table, hide_index=True, width="stretch")
