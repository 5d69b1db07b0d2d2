"""The dashboard's entry point: page set-up, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from ui import components, data

st.set_page_config(
    page_title="Outcomes framework",
    page_icon=":material/dashboard:",
    layout="wide",
    initial_sidebar_state="auto",
)
components.inject_css()

pages = [
    st.Page(
        "pages/overview.py",
        title="Plan on a page",
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    st.Page("pages/priority.py", title="Priority", icon=":material/flag:", url_path="priority"),
    st.Page(
        "pages/indicator.py", title="Indicator", icon=":material/show_chart:", url_path="indicator"
    ),
    st.Page(
        "pages/upload.py",
        title="Quarterly return",
        icon=":material/upload_file:",
        url_path="upload",
    ),
]
page = st.navigation(pages)

basics = data.basics(data.version())
with st.sidebar:
    st.markdown(f"**{basics['partnership'].get('name', 'Outcomes framework')}**")
    if basics["as_at"] is not None:
        st.caption(f"Figures up to {basics['as_at']:%d %B %Y}. Statuses are judged at that date.")
    st.caption(
        "Status key: ✔ Green on target · ▲ Amber within tolerance · ✖ Red off target · ○ Not rated"
    )

page.run()
