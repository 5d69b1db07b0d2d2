"""The sidebar's "Your calendar": a person's returns' due dates and the board's meetings as an
.ics to download, and (where the feed route is served, ``serve.py``) an address to subscribe."""

from __future__ import annotations

import streamlit as st

from outcomes import feeds, reminders
from outcomes.errors import Refused
from outcomes.people import Person
from ui.state import cursor

_SHOWN = "calendar_address"  # the address just made, shown once in this session


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
            st.error(str(err))
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
