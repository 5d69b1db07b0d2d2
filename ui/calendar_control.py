"""The sidebar's "Your calendar": a person's returns' due dates and the board's meetings as an
.ics to download, and (where the feed route is served, ``serve.py``) an address to subscribe;
and the meetings page's dates of meetings to come."""

from __future__ import annotations

import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.outputs import feeds
from outcomes.rules import wording
from outcomes.storage.people import Person
from outcomes.workflows import meeting_plan, reminders
from ui import problems
from ui.components import attempt, done
from ui.state import cursor

_SHOWN = "calendar_address"  # the address just made, shown once in this session
_PLANNED = "meeting_plan_said"


def _subscription(person: Person) -> None:
    if not feeds.SERVED:
        st.caption(
            "To subscribe (so the calendar keeps itself up to date), the dashboard must be served "
            "with serve.py (docs/reminders.md); until then, download the file and import it."
        )
        return
    made = st.session_state.get(_SHOWN)
    if made:
        st.caption(
            "Your subscription address: paste it into Outlook (Add calendar, Subscribe from web) "
            "or Google Calendar (Other calendars, From URL). It is shown only now; keep it to "
            "yourself, as anyone with it can read your calendar."
        )
        st.code(made, language=None, wrap_lines=True)
    elif feeds.has_token(cursor(), person.email):
        st.caption("You have a subscription address. A new one stops the old one working.")
    label = (
        "Make a new subscription address"
        if made or feeds.has_token(cursor(), person.email)
        else "Make a subscription address"
    )
    if st.button(label, key="calendar_reset", icon=":material/link:"):
        try:
            token = feeds.reset_token(cursor(), person.email, by=person)
        except Refused as err:
            problems.refused(err)
        else:
            st.session_state[_SHOWN] = feeds.feed_url(reminders.base_url(), token)
            st.rerun()


def your_calendar_popover(person: Person | None) -> None:
    """For anyone the partnership knows, with an e-mail address (not the command line)."""
    if person is None or not person.email:
        return
    with st.popover("Your calendar", icon=":material/calendar_month:", width="stretch"):
        st.caption(
            "Your returns' due dates and the board's meetings, for Outlook, Google or any "
            "calendar that reads .ics files."
        )
        st.download_button(
            "Download your calendar (.ics)",
            feeds.person_calendar(cursor(), person.email),
            file_name="returns-and-meetings.ics",
            mime="text/calendar",
            icon=":material/download:",
            key="calendar_download",
        )
        _subscription(person)


def meetings_to_come(person: Person | None, *, recorded: int) -> None:
    """The board's future meeting dates (kept by whoever may record meetings) and the meetings'
    .ics, recorded and to come, for the Meetings and actions page."""
    planned = meeting_plan.planned(cursor())
    st.markdown("**Meetings to come**")
    if said := st.session_state.pop(_PLANNED, None):
        done(said)
    st.caption(
        wording.join_and([periods.long_date(d) for d in planned]) + "."
        if planned
        else "No future meeting dates are planned yet."
    )
    if planned or recorded:
        st.download_button(
            "Download the meetings for your calendar (.ics)",
            feeds.meetings_calendar(cursor()),
            file_name="board-meetings.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            key="meetings_ics",
        )
    if person is None or not person.may("meetings.record"):
        return
    with st.form("plan_meetings", border=False):
        typed = st.text_input(
            "Dates of future meetings",
            value=", ".join(f"{d:%d/%m/%Y}" for d in planned),
            placeholder="e.g. 21/01/2027, 18/03/2027",
            help="Comma-separated, day first. They go into everyone's calendar feed.",
            key="meeting_plan_dates",
        )
        if st.form_submit_button("Save the dates", icon=":material/event:"):
            dates = [d.strip() for d in typed.split(",") if d.strip()]
            attempt(lambda: meeting_plan.plan(cursor(), dates, by=person), _PLANNED)
