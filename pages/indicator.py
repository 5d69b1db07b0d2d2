"""One indicator: its definition, source and targets, the full history and the chart."""

import streamlit as st

from loaders import periods
from outcomes.outputs import charts
from outcomes.queries import board, observations
from outcomes.rules import spreadsheets, status, wording
from ui import components as ui
from ui import data, markup
from ui import statistics as ui_statistics
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()
choices = board.indicator_choices(cursor())
names = dict(zip(choices["code"], choices["name"], strict=True))
if not names:
    st.title("Indicator")
    st.info("The framework has no indicators yet: import one with indicators to see them here.")
    st.stop()

code = ui.choose(
    "Indicator", list(names), "indicator", lambda c: f"{c}: {names[c]}", "pages/indicator.py"
)
ind = board.indicator(cursor(), code)
ratings = data.indicator_ratings(version)
rating = ratings.set_index("indicator_code").loc[code].to_dict()
unit, dp = ind["unit"], int(ind["decimals"])

st.title(f"{code}: {ui.plain(ind['name'])}")
ui.md(
    markup.render("status_line.html", markdown=True, state=rating["status"], note=rating["reason"])
)
st.page_link(
    "pages/priority.py",
    label=f"Priority: {ui.plain(ind['priority_title'])}",
    icon=":material/arrow_back:",
    query_params={"priority": ind["priority_id"]},
)
st.markdown(f"> {ui.plain(ind['definition'])}")

target_text = wording.format_value(ind["target"], unit, dp)
if ind["status_method"] == "baseline":
    target_text = "judged against the baseline"
tolerance = (
    f"{ind['tolerance']:g}%"
    if ind["tolerance_kind"] == "percent"
    else f"{ind['tolerance']:g} ({board.UNIT_LABELS[unit]})"
)
facts = [
    ("Level", board.LEVEL_LABELS[ind["level"]]),
    ("Unit", board.UNIT_LABELS[unit]),
    ("Polarity", board.POLARITY_LABELS[ind["polarity"]]),
    ("Frequency", board.FREQUENCY_LABELS[ind["frequency"]]),
    ("Target", target_text),
    ("Tolerance (amber band)", tolerance),
    (
        "Baseline",
        f"{wording.format_value(ind['baseline_value'], unit, dp)} "
        f"({wording.period_aside(ind['baseline_period'], 'no period')})",
    ),
    ("Source", ind["source_name"]),
    ("Accountable", ind["accountable_role"]),
]
if ind["small_number_threshold"] is not None and str(ind["small_number_threshold"]) != "<NA>":
    facts.append(("Small-number threshold", f"{ind['small_number_threshold']}"))
cols = st.columns(3)
for i, (label, value) in enumerate(facts):
    cols[i % 3].markdown(f"**{label}**  \n{ui.plain(value)}")

history = data.history(version, code)
st.header("Trend", divider="gray")
figure = data.trend(version, code, height=440)
if figure is None:
    st.info("No figures have been reported for this indicator yet.")
else:
    st.plotly_chart(figure, key="trend", config={"displayModeBar": False})

ui_statistics.render_spc(version, code)  # SPC beside the RAG (issue 11)

if bool(ind["by_area"]):
    by_area = board.area_history(cursor(), code)
    if not by_area.empty:
        st.header("By area", divider="gray")
        by_area["label"] = wording.period_ticks(by_area["period"])
        st.plotly_chart(charts.areas(by_area, ind), key="areas", config={"displayModeBar": False})

st.header("Full history", divider="gray")
if not history.empty:
    table = history.assign(
        Period=[wording.period(p) for p in history["period"]],
        Value=[wording.format_value(v, unit, dp) for v in history["value"]],
        Target=[wording.format_value(t, unit, dp) for t in history["target"]],
        Status=[status.badge_text(s) for s in history["status"]],
        Why=history["reason"],
        Note=history["note"].fillna(""),
        Revision=history["revision"],
        Source=history["file_name"],
    )[["Period", "Value", "Target", "Status", "Why", "Note", "Revision", "Source"]]
    # Newest first; an HTML table that wraps (a grid cut "Source" short at 1280 px) and is one
    # card a row on a phone (a grid scrolled sideways there).
    newest = table.iloc[::-1]
    ui.cards(list(newest.columns), newest.astype(str).values.tolist())
    st.download_button(
        "Download the history (CSV)",
        spreadsheets.frame_to_csv(
            history[["period", "value", "target", "status", "note", "revision"]]
        ),
        file_name=f"{code}-history.csv",
        mime="text/csv",
        icon=":material/download:",
    )

revised = board.revisions(cursor(), code)
if not revised.empty:
    st.header("Corrections", divider="gray")
    st.caption(
        "Figures that were revised after they were first reported. Earlier revisions are kept."
    )
    fixed = observations.corrections(cursor(), code)
    st.markdown(
        "\n".join(
            f"- **{ui.plain(wording.period(p))}**: {ui.plain(w)}."
            for p, w in zip(fixed["period"], fixed["words"], strict=True)
        )
    )
    st.dataframe(
        revised.assign(
            Period=[wording.period(p) for p in revised["period"]],
            Area=[
                wording.area_name(a, n)
                for a, n in zip(revised["area"], revised["area_name"], strict=True)
            ],
            Revision=revised["revision"],
            Value=[wording.format_value(v, unit, dp) for v in revised["value"]],
            Note=revised["note"].fillna(""),
            File=revised["file_name"],
            By=revised["uploaded_by"],
            When=[periods.long_datetime(t) for t in revised["uploaded_at"]],
            State=revised["state"].str.capitalize(),
        )[["Period", "Area", "Revision", "Value", "Note", "File", "By", "When", "State"]],
        hide_index=True,
        width="stretch",
    )
