"""The dashboard's entry point: page set-up, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from loaders import periods
from ui import components, data
from ui.failures import shown_plainly

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
    st.Page(  # issue 11: comparison with similar areas
        "pages/compare.py",
        title="How we compare",
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "pages/upload.py",
        title="Quarterly return",
        icon=":material/upload_file:",
        url_path="upload",
    ),
    st.Page(
        "pages/meeting.py",
        title="Meetings and actions",
        icon=":material/groups:",
        url_path="meeting",
    ),
    st.Page(
        "pages/present.py",
        title="Presentation mode",
        icon=":material/slideshow:",
        url_path="present",
    ),
]
page = st.navigation(pages)

# Every page, and the sidebar, fail plainly: a message and a way on, never a traceback.
with shown_plainly():
    basics = data.basics(data.version())
    with st.sidebar:
        st.markdown(
            f"**{components.plain(basics['partnership'].get('name', 'Outcomes framework'))}**"
        )
        if basics["as_at"] is not None:
            st.caption(
                f"Statuses are judged at {periods.long_date(basics['as_at'])} by the reporting calendar."
            )
        st.caption(
            "Status key: ✔ Green on target · ▲ Amber within tolerance · ✖ Red off target · ○ Not rated"
        )
        st.caption(
            "Signal or noise (SPC): ⬆⬇ special cause of improvement or concern · ≈ no significant "
            "change · ✓P / ✗F will consistently pass or fail the target · ? hit or miss"
        )

        with st.popover("Board pack", icon=":material/picture_as_pdf:", width="stretch"):
            st.caption(
                "The plan on a page, exceptions, every priority and the actions, as they stand now."
            )
            kinds = {"pdf": "PDF (A4)", "pptx": "PowerPoint", "xlsx": "Excel"}
            kind = st.radio("Format", list(kinds), format_func=kinds.get, key="pack_format")
            mime = {
                "pdf": "application/pdf",
                "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }[kind]
            if st.button("Prepare the board pack", key="pack_prepare"):
                with st.spinner("Drawing the charts and laying out the pack…"):
                    try:
                        st.session_state["pack_ready"] = (
                            kind,
                            data.board_pack(data.version(), kind),
                        )
                    except ValueError as err:  # PackError: e.g. Chromium missing for the charts
                        st.error(str(err))
            ready = st.session_state.get("pack_ready")
            if ready and ready[0] == kind:
                st.download_button(
                    f"Download the {kinds[kind]} board pack",
                    ready[1],
                    file_name=f"board-pack.{kind}",
                    mime=mime,
                    icon=":material/download:",
                    key="pack_download",
                )

    page.run()
