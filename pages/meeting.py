"""Meetings and actions: what changed since the last meeting, recording a meeting, the actions
log (add, edit, close, export, import) and the audit trail."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pandas as pd
import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.queries.trail import audit_people, audit_trail
from outcomes.rules import wording
from outcomes.storage import people
from outcomes.workflows import blockages, meetings
from ui import auth, calendar_control, data, markup, problems
from ui import components as ui
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()
summary = data.priority_summary(version)
ratings = data.indicator_ratings(version)
titles = dict(zip(summary["id"], summary["title"], strict=True))
today = date.today()

FLASH = "meeting_flash"


@st.cache_data(show_spinner=False, max_entries=8)
def _export(data_version: int) -> bytes:
    buffer = BytesIO()
    meetings.export_actions(cursor(), buffer)
    return buffer.getvalue()


def _flash(section: str) -> None:
    """Show (once) the message a write left for this section before the page reran."""
    message = st.session_state.get(FLASH, {}).pop(section, None)
    if message:
        ui.done(message)


def _done(section: str, message: str) -> None:
    st.session_state.setdefault(FLASH, {})[section] = message
    st.rerun()


st.title("Meetings and actions")
st.caption(
    "What changed since the board last met, the actions it agreed, and who changed what. "
    "Recording a meeting freezes every status as it stands, so later corrections never "
    "rewrite what the board was shown."
)
# Changes are recorded under the signed-in person; what they may not change is not offered.
person = auth.acting()
can_meet = person is not None and person.may("meetings.record")
can_act = person is not None and person.may("actions.change")
# Said to whoever may not change them, in words for the role looking.
NOT_YOURS = "Recording meetings and changing actions is for the partnership's analysts" + (
    ": sign in as one to change them."
    if person is None
    else f"; as {wording.with_article(people.ROLE_WORDS[person.role])} you read them here."
)

# Since the last meeting ----------------------------------------------------------------------
ex = data.agenda(version, today)
st.header("Since the last meeting", divider="gray")
if ex.meeting is None:
    st.info(
        "No meeting recorded yet: record one below to see which statuses changed since. "
        "Overdue returns, blockages and overdue actions are listed already."
    )
else:
    title = ex.meeting.get("title")
    named = f" ({ui.plain(title)})" if ui.plain(title) else ""
    st.markdown(
        f"Last meeting: **{periods.long_date(ex.meeting['meeting_date'])}**{named}. "
        "Statuses are compared with those frozen at that meeting."
    )
units = ratings.set_index("indicator_code")[["unit", "decimals"]].to_dict("index")
ui.md(
    markup.render(
        "agenda.html", markdown=True, ex=ex, view="full", limit={}, titles=titles, units=units
    )
)

_flash("blockage")
# Only the blockages this person may deal with (a lead's own priorities; analysts all of them).
listed = [
    b
    for b in ex.blockages.to_dict("records")
    if person is not None and person.may("blockages.resolve", priorities=[b["priority_id"]])
]
if listed:
    with (
        st.expander("Resolve or withdraw a blockage"),
        st.form("resolve_blockage", clear_on_submit=True),
    ):
        pick = st.selectbox(
            "Blockage",
            range(len(listed)),
            format_func=lambda i: (
                f"{listed[i]['indicator_code']} {listed[i]['name']} "
                f"({periods.parse_code(listed[i]['period']).label})"
            ),
            key="blockage_pick",
        )
        outcome = st.radio(
            "What happened",
            list(blockages.BLOCKAGE_OUTCOMES),
            format_func=str.capitalize,
            horizontal=True,
            key="blockage_outcome",
        )
        note = st.text_area("Note", key="blockage_note", max_chars=meetings.COMMENTARY_MAX_CHARS)
        if st.form_submit_button("Record it"):
            chosen_blockage = listed[pick]
            try:
                blockages.resolve_blockage(
                    cursor(),
                    chosen_blockage["indicator_code"],
                    chosen_blockage["period"],
                    outcome=outcome,
                    note=note,
                    by=person,
                )
            except Refused as err:
                problems.refused(err)
            else:
                _done(
                    "blockage",
                    f"Blockage on {chosen_blockage['indicator_code']} {outcome}; "
                    "it is no longer listed as open.",
                )

# Record a meeting ---------------------------------------------------------------------------
st.header("Record a meeting", divider="gray")
_flash("meeting")
if can_meet:
    with st.form("record_meeting"):
        left, right = st.columns([1, 2])
        when = left.date_input(
            "Meeting date", value=today, max_value=today, format="DD/MM/YYYY", key="meeting_date"
        )
        title = right.text_input(
            "Title (optional)", key="meeting_title", placeholder="e.g. Safer Plymouth board"
        )
        st.caption(
            f"Recording freezes the status of all {len(ratings)} indicators as they stand now. "
            "Record the meeting on the day, once the board has seen the figures."
        )
        if st.form_submit_button("Record the meeting", type="primary"):
            try:
                meetings.record_meeting(cursor(), when, by=person, title=title.strip() or None)
            except Refused as err:
                problems.refused(err)
            else:
                _done(
                    "meeting",
                    f"Meeting on {periods.long_date(when)} recorded. The statuses of all {len(ratings)} "
                    "indicators were frozen as they stood; “Since the last meeting” now starts "
                    "from this meeting.",
                )
else:
    st.caption(NOT_YOURS)

held = meetings.meetings(cursor())
calendar_control.meetings_to_come(person, recorded=len(held))
st.markdown("**Meetings recorded**")
if held.empty:
    st.caption("No meetings recorded yet.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Date": [periods.long_date(d) for d in held["meeting_date"]],
                "Title": held["title"].fillna(""),
                "Recorded by": held["recorded_by"],
                "Recorded": [periods.long_datetime(t) for t in held["recorded_at"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )

# The actions log ----------------------------------------------------------------------------
st.header("Actions log", divider="gray", anchor="actions")
_flash("actions")
log = meetings.actions(cursor(), today=today)
if log.empty:
    st.markdown(
        "No actions yet: add the first below, or import a workbook."
        if can_act
        else "No actions yet."
    )
else:
    log = log.sort_values("overdue", ascending=False, kind="stable")
    late = log[log["overdue"]]
    if not late.empty:
        st.warning(
            f"Overdue: {len(late)} action{'s' if len(late) != 1 else ''} past the due date "
            f"({ui.plain(', '.join(late['reference']))}).",
            icon="⚠",
        )
    # A link to one action (the agenda's "A1": /meeting?action=A1) shows that action first.
    wanted = st.query_params.get("action")
    one = log[log["reference"] == wanted]
    if not one.empty:
        r = one.iloc[0]
        due = "" if pd.isna(r["due_date"]) else f", due {periods.long_date(r['due_date'])}"
        state = "done" if r["status"] == "done" else "⚠ overdue" if r["overdue"] else "open"
        with st.container(border=True, key="action_shown"):
            st.markdown(f"**Action {ui.plain(wanted)}** ({state}{due}): {ui.plain(r['text'])}")
            about = "" if pd.isna(r["priority_title"]) else f" · {ui.plain(r['priority_title'])}"
            st.caption(f"Owner: {ui.plain(r['owner'])}{about}")
    elif wanted:
        st.info(f"There is no action {ui.plain(wanted)}: every action is in the log below.")
    shown = pd.DataFrame(
        {
            "Overdue": ["⚠ Overdue" if o else "" for o in log["overdue"]],
            "Ref": log["reference"],
            "Due": ["" if pd.isna(d) else periods.long_date(d) for d in log["due_date"]],
            "Status": ["✔ Done" if s == "done" else "Open" for s in log["status"]],
            "Owner": log["owner"],
            "Action": log["text"],
            "Priority": log["priority_title"].fillna(""),
            "From meeting": [
                "" if pd.isna(d) else periods.long_date(d) for d in log["meeting_date"]
            ],
        }
    )
    st.dataframe(
        shown.style.apply(
            lambda row: [
                "background-color:#FDECEA;font-weight:700" if row["Overdue"] else "" for _ in row
            ],
            axis=1,
        ),
        hide_index=True,
        width="stretch",
    )

open_refs = list(log.loc[log["status"] == "open", "reference"]) if not log.empty else []
if can_act:
    edit, close = st.columns([3, 2], gap="large")
    with edit:
        st.subheader("Add or change an action")
        by_ref = log.set_index("reference").to_dict("index") if not log.empty else {}
        chosen = st.selectbox(
            "Action",
            ["", *by_ref],
            format_func=lambda ref: (
                "A new action" if ref == "" else f"{ref}: {str(by_ref[ref]['text'])[:60]}"
            ),
            key="action_pick",
        )
        old = by_ref.get(chosen, {})
        meeting_dates = [pd.Timestamp(d).date() for d in held["meeting_date"]]
        # A new action's form gets fresh keys after each save, so it opens empty for the next one.
        form = chosen or f"new{st.session_state.get('actions_added', 0)}"
        with st.form(f"action_form_{form}"):
            if chosen:
                st.text_input("Reference", value=chosen, disabled=True, key=f"action_ref_{form}")
            else:
                st.caption("A new action is given the next free reference when it is saved.")
            text = st.text_area("Action", value=old.get("text", ""), key=f"action_text_{form}")
            c1, c2 = st.columns(2)
            owner = c1.text_input("Owner", value=old.get("owner", ""), key=f"action_owner_{form}")
            due = c2.date_input(
                "Due date",
                value=None
                if pd.isna(old.get("due_date"))
                else pd.Timestamp(old["due_date"]).date(),
                format="DD/MM/YYYY",
                key=f"action_due_{form}",
            )
            c3, c4 = st.columns(2)
            state = c3.selectbox(
                "Status",
                list(meetings.ACTION_STATUSES),
                index=1 if old.get("status") == "done" else 0,
                format_func=str.capitalize,
                key=f"action_status_{form}",
            )
            was_at = (
                None
                if pd.isna(old.get("meeting_date"))
                else pd.Timestamp(old["meeting_date"]).date()
            )
            options = [None, *meeting_dates]
            from_meeting = c4.selectbox(
                "Meeting it came from",
                options,
                index=options.index(was_at) if was_at in options else 0,
                format_func=lambda d: "None" if d is None else periods.long_date(d),
                key=f"action_meeting_{form}",
            )
            priorities = [None, *titles]
            linked = st.selectbox(
                "Linked priority",
                priorities,
                index=priorities.index(old.get("priority_id"))
                if old.get("priority_id") in priorities
                else 0,
                format_func=lambda pid: "None" if pid is None else titles[pid],
                key=f"action_priority_{form}",
            )
            if st.form_submit_button("Save the action", type="primary"):
                fields = dict(
                    text=text,
                    owner=owner,
                    due_date=due,
                    status_=state,
                    meeting_date=from_meeting,
                    priority_id=linked,
                )
                try:
                    if chosen:
                        ref, outcome = (
                            chosen,
                            meetings.save_action(cursor(), by=person, reference=chosen, **fields),
                        )
                    else:
                        ref, outcome = meetings.add_action(cursor(), by=person, **fields), "added"
                except Refused as err:
                    problems.refused(err)
                else:
                    if outcome == "unchanged":
                        st.info(f"Action {ui.plain(ref)} is unchanged: nothing to save.")
                    else:
                        if not chosen:
                            st.session_state["actions_added"] = (
                                st.session_state.get("actions_added", 0) + 1
                            )
                        _done("actions", f"Action {ref} {outcome}.")

    with close:
        st.subheader("Close an action")
        if not open_refs:
            st.markdown("No open actions.")
        else:
            with st.form("close_action"):
                target = st.selectbox(
                    "Open action",
                    open_refs,
                    format_func=lambda ref: (
                        ("⚠ " if by_ref[ref]["overdue"] else "")
                        + f"{ref}: {str(by_ref[ref]['text'])[:50]}"
                    ),
                    key="close_pick",
                )
                if st.form_submit_button("Mark as done"):
                    try:
                        meetings.close_action(cursor(), target, by=person)
                    except Refused as err:
                        problems.refused(err)
                    else:
                        _done("actions", f"Action {target} closed (marked done).")
else:
    st.caption(NOT_YOURS)

st.subheader("Export and import")
st.download_button(
    "Download the actions log (.xlsx)",
    _export(version),
    file_name=f"actions-log-{today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="actions_export",
)
st.caption(
    "Edit the workbook and import it back: rows are matched on the reference, new references "
    "are added. If any row has a problem nothing is imported and every problem is listed."
)
if can_act:
    _flash("import")
    workbook = st.file_uploader("Actions workbook (.xlsx)", type=["xlsx"], key="actions_import")
    if st.button("Import the actions", disabled=workbook is None, key="actions_import_go"):
        try:
            counts = meetings.import_actions(cursor(), BytesIO(workbook.getvalue()), by=person)
        except Refused as err:
            problems.refused(meetings.IMPORT_REFUSED if err.problems else err)
            if err.problems:
                problems.show(err.problems)
        else:
            _done(
                "import",
                f"Imported {workbook.name}: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged.",
            )

# The audit trail ----------------------------------------------------------------------------


with st.expander("Audit trail: who changed what, and when"):
    # An HTML table, not st.dataframe: a grid in a closed expander is never drawn, and the
    # before → after text needs to wrap.
    named = dict(audit_people(cursor()))
    chosen_person = st.selectbox(
        "Whose changes",
        [None, *named],
        format_func=lambda key: "Everyone's" if key is None else named[key],
        key="audit_person",
    )
    trail = audit_trail(cursor(), person=chosen_person)
    if trail.empty:
        st.markdown("Nothing has been changed yet.")
    else:
        rows = [
            [
                periods.long_datetime(r.changed_at),
                r.who if pd.isna(r.who_email) else f"{r.who} <{r.who_email}>",
                r.what,
                r.described,
            ]
            for r in trail.itertuples()
        ]
        headings = ["When", "Who", "What", "Before → after"]
        ui.md(
            markup.render("table.html", markdown=True, headings=headings, rows=rows, kind="audit")
        )
        st.caption(f"The latest {len(trail)} changes, newest first.")
ui.status_key()
