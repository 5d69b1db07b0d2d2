"""Quarterly returns: who you are, the template, upload, the report, preview, confirm, history."""

from datetime import date
from io import BytesIO

import pandas as pd
import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage import people
from outcomes.workflows import approval, calendar, uploads
from outcomes.workflows.template import TemplateError, write_template
from ui import auth, data, markup, preview, problems
from ui import components as ui
from ui.router import require_router
from ui.state import cursor, store

require_router()
version = data.version()
summary = data.priority_summary(version)
titles = dict(zip(summary["id"], summary["title"], strict=True))

st.title("Quarterly return")
# A message from the last action, shown once after the rerun that refreshes every table.
if flash := st.session_state.pop("upload_flash", None):
    ui.done(flash)
    if told := st.session_state.pop("upload_flash_commentary", None):
        st.markdown("**What the board now reads from this return**")
        ui.md(markup.render("upload_commentary.html", markdown=True, rows=told))
    if flash.startswith("Loaded"):
        st.page_link(
            "pages/overview.py", label="See the plan on a page", icon=":material/dashboard:"
        )
st.caption(
    "Download your return, fill in the figures, upload it, check the report and the preview, "
    "then confirm. Nothing is written until you confirm, and every upload can be undone."
)

# 1. Who you are ------------------------------------------------------------------------------
st.header("1. Who you are", divider="gray")
left, right = st.columns(2)
person = auth.acting()
if person is None:
    left.info(
        "Reading only: sign in (or, on the demo, choose who you are in the sidebar) to load "
        "figures or undo an upload.",
        icon=":material/lock:",
    )
elif not person.may("returns.load") and not person.may("public_data.load"):
    left.info(
        f"{ui.plain(person.name)}: as a {ui.plain(people.ROLE_WORDS[person.role])} you "
        "can download a return here but not load one.",
        icon=":material/lock:",
    )
else:
    left.markdown(
        f"Loading as **{ui.plain(person.label)}**; the upload is recorded under this name."
    )
# A lead's returns are for their own priorities; everyone else may choose any.
mine = [p for p in titles if person is not None and p in person.priorities]
priority_id = right.selectbox(
    "Your priority",
    mine if person is not None and person.role == "lead" and mine else list(titles),
    format_func=lambda pid: titles[pid],
    key="upload_priority",
)


@st.cache_data(show_spinner=False, max_entries=32)
def _template(data_version: int, priority: str, return_period: str) -> tuple[int, bytes]:
    """The return workbook, built once per priority, period and data version (not every rerun)."""
    buffer = BytesIO()
    count = write_template(cursor(), buffer, return_period, priority_id=priority)
    return count, buffer.getvalue()


@st.cache_data(show_spinner="Working out what would change…", max_entries=8)
def _preview(
    data_version: int, sha256: str, name: str, content: bytes, by: people.Person
) -> uploads.Preview:
    """The preview of a checked file; a rehearsed write, so done once per file and data version."""
    return uploads.preview(cursor(), _prepare(data_version, name, content, by))


# 2. The template ----------------------------------------------------------------------------
st.header("2. Download your return", divider="gray")
# Each lead's own next return by the reporting calendar: the latest quarter due if any of the
# priority's figures for it are missing, otherwise the quarter after (downloadable early).
owed = calendar.next_return(cursor(), priority_id)
last_quarter = periods.period_containing(date.today(), "quarter").previous()
choices = [last_quarter.previous(n).code for n in range(0, 12)]
if owed.period.code not in choices:
    choices.insert(0, owed.period.code)
(st.warning if owed.overdue else st.info)(owed.sentence)
period = st.selectbox(
    "Return period",
    choices,
    index=choices.index(owed.period.code),
    format_func=lambda c: periods.parse_code(c).label,
    key=f"upload_period_{priority_id}",
    help="Opens on your next return due; earlier quarters are here to correct a figure.",
)
try:
    rows, workbook = _template(version, priority_id, period)
except TemplateError as err:
    rows, workbook = 0, b""
    problems.refused(err)
if rows:
    st.download_button(
        f"Download the return for {wording.period_aside(period)} ({wording.plural(rows, 'row')})",
        workbook,
        file_name=f"return-{priority_id}-{period.replace('/', '-').replace(' ', '-')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="template_download",
    )
else:
    st.info("Nothing is due from this priority in that period.")

# 3. Upload and check -------------------------------------------------------------------------
st.header("3. Upload and check", divider="gray")
may_load = person is not None and (person.may("returns.load") or person.may("public_data.load"))
if not may_load:
    # No file field at all: the core would refuse the file unread anyway (uploads.may_send).
    st.caption(f"{people.who_may('returns.load')} may load a return.")
uploaded = (
    None
    if not may_load
    else st.file_uploader(
        "Your filled-in return (.xlsx or .csv). Public data files (police.uk, ONS, Fingertips) load here too.",
        # No type=[...]: Streamlit would refuse other files in its own words ("application/pdf
        # files are not allowed"); the checks below say what to send instead, in ours.
        # A new key after each load empties the uploader for the next file.
        key=f"upload_file_{st.session_state.get('loads', 0)}",
    )
)


@st.cache_data(show_spinner="Checking the file…", max_entries=8)
def _prepare(data_version: int, name: str, content: bytes, by: people.Person) -> uploads.Prepared:
    # The bytes are read from memory; the browser's file name is only a label. Who sent them
    # is part of the cache's key: a file checked for one person is never served to another.
    return uploads.prepare_upload(cursor(), content, name, by=by)


refusal = None
if uploaded is not None:
    prepared = _prepare(version, uploaded.name, uploaded.getvalue(), person)
    # Said before the preview, not after it: a lead learns at once that a file holds another
    # priority's figures (the core refuses the commit anyway).
    refusal = uploads.refusal(cursor(), prepared, person)
    if refusal:
        problems.refused(refusal, icon=":material/block:")
    ui.file_facts(uploaded.name, prepared, prepared.source_format)
    problems.report(prepared.problems)

    # 4. The preview: the step is always there, so the steps read 1 to 5 whatever happens.
    st.header("4. Preview", divider="gray")
    if prepared.errors or prepared.already_loaded is not None or refusal:
        st.caption("Nothing to preview: step 3 says what stands in the way.")
    if not prepared.errors and prepared.already_loaded is None and not refusal:
        # The preview this person saw on the last run: confirming commits exactly that, or
        # is refused if someone else has changed these figures since.
        seen = st.session_state.get("seen_preview")
        shown = _preview(version, prepared.sha256, uploaded.name, uploaded.getvalue(), person)
        preview.show(shown)
        accepted = True
        if prepared.warnings:
            accepted = st.checkbox(
                "I have checked the warnings and these figures are right", key="accept_warnings"
            )
        ready = accepted
        if st.button("Confirm and load", type="primary", disabled=not ready, key="confirm"):
            bar = st.progress(0.0, text="Loading…")
            try:
                result = uploads.commit(
                    cursor(),
                    prepared,
                    by=person,
                    accept_warnings=accepted,
                    progress=lambda f, m: bar.progress(min(1.0, f), text=m),
                    previewed=seen[1] if seen and seen[0] == prepared.sha256 else shown,
                )
            except Refused as err:
                bar.empty()
                problems.refused(err)
            else:
                st.session_state["upload_flash"] = (
                    f"Loaded as upload {result.upload_id}: {result.rows_new} new, "
                    f"{result.rows_revised} revised, {result.rows_unchanged} unchanged "
                    f"({uploaded.name}). "
                    + (
                        approval.waits(cursor(), result.upload_id)
                        or "The dashboard shows the new figures now."
                    )
                    if result.upload_id is not None
                    else f"Nothing to load: every figure in {uploaded.name} is one the "
                    "dashboard holds already, so no upload was recorded."
                )
                st.session_state["upload_flash_commentary"] = uploads.upload_commentary(
                    cursor(), result.upload_id
                )
                st.session_state["loads"] = st.session_state.get("loads", 0) + 1
                st.session_state.pop("seen_preview", None)
                st.rerun()
        st.session_state["seen_preview"] = (prepared.sha256, shown)
else:
    st.header("4. Preview", divider="gray")
    st.caption(
        "Upload your return in step 3: what it would change shows here, before anything is written."
    )


def _undo_and_restore(history: pd.DataFrame, cur, rule: str = "uploads.undo") -> None:
    """Undo asks first and says what it withdraws; an undone upload can be restored. ``cur``
    holds the uploads (the partnership's, or the public data every partnership shares, whose
    undo needs ``rule``: an administrator's)."""
    if person is None or not person.may("uploads.undo") or not person.may(rule):
        return
    key = "" if rule == "uploads.undo" else "shared_"
    names = dict(zip(history["id"], history["file_name"], strict=True))
    with st.expander("Undo an upload, or restore one that was undone", icon=":material/undo:"):
        st.markdown(
            "Undoing withdraws an upload's figures and commentary: the figures they replaced are "
            "current again. Nothing is deleted, and an undone upload can be restored."
        )
        target = st.selectbox(
            "Upload",
            list(history["id"]),
            index=None,
            placeholder="Choose an upload",
            format_func=lambda i: f"{i}: {names[i]}",
            # A new key after each undo or restore empties the choice.
            key=f"{key}undo_target_{st.session_state.get('undos', 0)}",
        )
        if target is None:
            return
        facts = uploads.upload_facts(cur, int(target))
        undoing = facts.state == "committed"
        verb = "Undo" if undoing else "Restore"
        st.markdown(
            f"{'Undoing' if undoing else 'Restoring'} {ui.plain(facts.describe())}."
            + (" They stop counting." if undoing else " They count again.")
        )
        if not person.may("uploads.undo", upload=(facts.uploaded_by_email, facts.uploaded_by)):
            st.info(
                f"{ui.plain(person.name)} may undo or restore only their own uploads; this one "
                f"was loaded by {ui.plain(facts.uploaded_by)}.",
                icon=":material/lock:",
            )
            return
        sure = st.checkbox(
            f"Yes, {verb.lower()} upload {facts.upload_id}",
            key=f"{key}undo_sure_{facts.upload_id}",
        )
        if st.button(
            f"{verb} upload {facts.upload_id}",
            disabled=not sure,
            key=f"{key}undo_go",
            type="primary",
        ):
            action = uploads.rollback if undoing else uploads.restore
            try:
                st.session_state["upload_flash"] = action(cur, facts.upload_id, by=person)
            except Refused as err:
                problems.refused(err)
            else:
                st.session_state["undos"] = st.session_state.get("undos", 0) + 1
                st.rerun()


def _history(history: pd.DataFrame) -> None:
    # An HTML table that wraps at 1280 px (a grid hid its last columns there) and is one card a
    # row on a phone.
    shown = history.assign(
        uploaded_at=[periods.long_datetime(t) for t in history["uploaded_at"]],
        **{
            c: [f"{n:,}" for n in history[c]]
            for c in ("rows_new", "rows_revised", "rows_unchanged")
        },
    )
    columns = {
        "id": "Upload",
        "uploaded_at": "When",
        "uploaded_by": "Who",
        "file_name": "File",
        "source_format": "Kind",
        "rows_new": "New",
        "rows_revised": "Revised",
        "rows_unchanged": "Unchanged",
        "state_in_words": "State",
    }
    ui.cards(list(columns.values()), shown[list(columns)].astype(str).values.tolist())


# 5. History ----------------------------------------------------------------------------------
st.header("5. Uploads so far", divider="gray")
history = uploads.uploads(cursor())
_history(history)
_undo_and_restore(history, cursor())
shared = uploads.shared_uploads(store())
if shared is not None:
    st.subheader("Public data shared by every partnership")
    st.caption(
        "police.uk, ONS and Fingertips files loaded once for every partnership in this "
        "deployment; each reads its own areas from them. Only an administrator may undo one."
    )
    _history(shared)
    _undo_and_restore(shared, uploads.shared_cursor(store()), "public_data.share")
ui.status_key()
