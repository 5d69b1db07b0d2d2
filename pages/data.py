"""Data and exports: what an analyst does at the command line, done while the dashboard runs.

Load public files (police.uk, ONS CSP, Fingertips) with the upload page's report, preview and
confirm; export and import the framework; the A3 pack; and any documented view as CSV, a
workbook or Parquet. Every write goes through the core functions the command line uses, each
taking who did it.
"""

import streamlit as st

from outcomes.errors import Refused
from outcomes.outputs import exports
from outcomes.rules import status
from outcomes.storage import people
from outcomes.workflows import framework, uploads
from ui import auth, data, problems
from ui import components as ui
from ui.router import require_router
from ui.state import cursor, store

require_router()
version = data.version()

FORMAT_CHOICES = {
    "auto": "Work it out from the file",
    "police-uk": "police.uk street crime (CSV)",
    "ons-csp": "ONS recorded crime by Community Safety Partnership (workbook)",
    "fingertips": "Fingertips export (CSV)",
}

st.title("Data and exports")
st.caption(
    "For the partnership's analysts: everything the command line does, without stopping the "
    "dashboard. Each change is recorded under your name in the audit trail."
)
if flash := st.session_state.pop("data_flash", None):
    ui.done(flash, icon=":material/check_circle:")
person = auth.acting()
if person is None:
    st.info(
        "Reading only: sign in (or, on the demo, choose who you are in the sidebar) to load "
        "files or import a framework; downloads work for everyone.",
        icon=":material/lock:",
    )


def _done(counter: str, message: str) -> None:
    """Say what was done on the next run, with a fresh (empty) uploader, so nothing loads twice."""
    st.session_state["data_flash"] = message
    st.session_state[counter] = st.session_state.get(counter, 0) + 1
    st.rerun()


@st.cache_data(show_spinner="Reading the file…", max_entries=4)
def _prepared(
    data_version: int, name: str, content: bytes, fmt: str, by: people.Person
) -> uploads.Prepared:
    # Who sent it is part of the cache's key: a file checked for one person is never served
    # to another (and the core refuses, unread, a file from someone who may not load it).
    # A public file on a database of several partnerships is read for them all.
    return uploads.prepare_upload_for(store(), content, name, fmt=fmt, by=by)[1]


@st.cache_data(show_spinner="Working out what would change…", max_entries=4)
def _preview(
    data_version: int, name: str, content: bytes, fmt: str, by: people.Person
) -> uploads.Preview:
    prepared = _prepared(data_version, name, content, fmt, by)
    return uploads.preview(uploads.cursor_for(store(), prepared), prepared)


def _may(action: str, doing: str) -> bool:
    """Whether the person here may ``action``; if not, no file field, and a sentence saying who
    may (the core refuses, unread, any file they might still send)."""
    if person is not None and person.may(action):
        return True
    st.caption(f"{people.who_may(action)} may {doing}.")
    return False


def public_files() -> None:
    st.header("Load public figures", divider="gray")
    st.caption(
        "police.uk street crime files, the ONS workbook of recorded crime by Community Safety "
        "Partnership, or a Fingertips export. Indicators defined from a series are worked out "
        "again when it loads; see them all on Public figures."
    )
    rule = uploads.public_permission(store())
    if rule == "public_data.share":
        st.caption(
            "A public file loaded here is loaded once for every partnership in this "
            "deployment: each reads its own areas from it."
        )
    if not _may(rule, "load public figures"):
        return
    fmt = st.selectbox(
        "What kind of file", list(FORMAT_CHOICES), format_func=FORMAT_CHOICES.get, key="data_fmt"
    )
    sent = st.file_uploader(
        "The file",
        type=["csv", "xlsx"],
        key=f"data_file_{st.session_state.get('data_loads', 0)}",
    )
    if sent is None:
        return
    content = sent.getvalue()
    prepared = _prepared(version, sent.name, content, fmt, person)
    if ui.file_facts(sent.name, prepared):
        return
    if problems.report(prepared.problems, rows=True):
        return

    shown = _preview(version, sent.name, content, fmt, person)
    counts = shown.counts
    st.markdown(
        f"Loading it would add **{counts['new']:,} new** and **{counts['revised']:,} revised** "
        f"figures ({counts['unchanged']:,} unchanged)."
    )
    if not shown.statuses.empty:
        st.dataframe(
            shown.statuses.assign(
                before=shown.statuses["before"].map(status.badge_text),
                after=shown.statuses["after"].map(status.badge_text),
            ).rename(
                columns={
                    "indicator_code": "Indicator",
                    "name": "Name",
                    "before": "Status now",
                    "after": "Status after",
                }
            ),
            hide_index=True,
            width="stretch",
        )
    accepted = True
    if prepared.warnings:
        accepted = st.checkbox("I have checked the warnings", key="data_accept")
    if st.button(
        "Confirm and load",
        type="primary",
        disabled=person is None or not accepted,
        key="data_confirm",
    ):
        try:
            result = uploads.commit(
                uploads.cursor_for(store(), prepared),
                prepared,
                by=person,
                accept_warnings=accepted,
                previewed=shown,
            )
        except Refused as err:
            problems.refused(err)
            return
        _done(
            "data_loads",
            f"Loaded {sent.name} as {'shared ' if prepared.shared else ''}upload "
            f"{result.upload_id}: {result.rows_new:,} new, "
            f"{result.rows_revised:,} revised, {result.rows_unchanged:,} unchanged.",
        )


@st.cache_data(show_spinner=False, max_entries=4)
def _framework_file(data_version: int, fmt: str) -> bytes:
    return exports.framework_file(cursor(), fmt)


def framework_section() -> None:
    st.header("The framework", divider="gray")
    st.caption(
        "The priorities, indicators, targets and areas, as the file an administrator edits. "
        "Import it back to change the framework; figures stay with their indicators."
    )
    left, right = st.columns(2)
    for col, fmt, label in ((left, "xlsx", "Excel workbook"), (right, "yaml", "YAML")):
        col.download_button(
            f"Download the framework ({label})",
            _framework_file(version, fmt),
            file_name=f"framework.{fmt}",
            mime=exports.MIME[fmt],
            icon=":material/download:",
            key=f"framework_{fmt}",
        )
    if not _may("framework.change", "import a framework"):
        return
    sent = st.file_uploader(
        "Import a framework (.xlsx or .yaml)",
        type=["xlsx", "yaml", "yml"],
        key=f"framework_file_{st.session_state.get('framework_loads', 0)}",
    )
    if sent is None:
        return
    try:
        incoming = exports.framework_from_upload(sent.getvalue(), sent.name, by=person)
    except framework.FrameworkError as err:
        problems.refused_file(err.problems, sent.name)
        return
    changes = exports.framework_changes(cursor(), incoming)
    if not changes.any:
        st.info(
            f"{ui.plain(sent.name)} holds the framework as it stands "
            f"({changes.unchanged:,} priorities and indicators, all the same)."
        )
    for words, items in (
        ("added", changes.added),
        ("changed", changes.changed),
        ("dropped", changes.dropped),
    ):
        if items:
            st.markdown(f"**{len(items):,} {words}**")
            st.markdown("\n".join(f"- {ui.plain(x)}" for x in items))
    if st.button("Import the framework", disabled=person is None, key="framework_confirm"):
        try:
            counts = framework.import_framework(cursor(), incoming, by=person)
        except Refused as err:
            problems.refused(err)
            return
        _done("framework_loads", framework.imported_words(sent.name, counts))


def pack_section() -> None:
    st.header("The board pack on A3", divider="gray")
    st.caption("The PDF pack on A3 paper, for the wall or a bigger print (the sidebar has A4).")
    if st.button("Prepare the A3 pack", key="pack_a3"):
        with st.spinner("Drawing the charts and laying out the pack…"):
            try:
                st.session_state["pack_a3_ready"] = data.board_pack(version, "pdf", "A3")
            except Refused as err:  # e.g. Chromium missing for the charts
                problems.refused(err)
    if ready := st.session_state.get("pack_a3_ready"):
        st.download_button(
            "Download the A3 board pack (PDF)",
            ready,
            file_name="board-pack-A3.pdf",
            mime="application/pdf",
            icon=":material/download:",
            key="pack_a3_download",
        )


@st.cache_data(show_spinner="Preparing the download…", max_entries=8)
def _view_file(data_version: int, view: str, fmt: str) -> bytes:
    return exports.view_file(cursor(), view, fmt)


def views_section() -> None:
    st.header("Download a view", divider="gray")
    st.caption(
        "The database's views, as documented for analysts in docs/schema.md: the same tables "
        "Excel or Power BI would query. Text is kept as text, never run as a formula."
    )
    names = exports.views(cursor())
    view = st.selectbox(
        "View",
        names,
        format_func=lambda v: f"{v}: {exports.ABOUT.get(v, 'see docs/schema.md')}",
        key="view_name",
    )
    fmt = st.radio(
        "Format",
        list(exports.FORMATS),
        format_func=exports.FORMATS.get,
        horizontal=True,
        key="view_format",
    )
    try:
        content = _view_file(version, view, fmt)
    except Refused as err:
        problems.refused(err, "warning")
        return
    st.download_button(
        f"Download {view} ({exports.FORMATS[fmt]})",
        content,
        file_name=f"{view}.{fmt}",
        mime=exports.MIME[fmt],
        icon=":material/download:",
        key="view_download",
    )


public_files()
framework_section()
pack_section()
views_section()
