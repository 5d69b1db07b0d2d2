""" "Remind now" under the analysts' quarter at a glance: one lead's reminder e-mail, at once."""

from __future__ import annotations

from datetime import date

import streamlit as st

from outcomes.storage.people import Person
from outcomes.workflows import reminders
from ui.components import attempt, done
from ui.markup import plain
from ui.state import cursor

_SAID = "remind_now_said"


def remind_now(person: Person | None) -> None:
    """For whoever may send reminders (an analyst or an administrator)."""
    if person is None or not person.may("reminders.send"):
        return
    leads = reminders.lead_choices(cursor())
    nobody = reminders.unreached(cursor(), date.today(), base=reminders.base_url())
    if not leads and not nobody:
        return
    st.markdown("**Remind now**")
    for pid, owed in nobody.items():
        st.warning(plain(reminders.unreached_words(pid, owed, "is")), icon=":material/person_off:")
    if not leads:
        return
    st.caption(
        "E-mails one lead the returns they owe (overdue, or due within a week), each linked to "
        "this page; never a return they were already reminded of today."
    )
    if said := st.session_state.pop(_SAID, None):
        done(said)
    with st.form("remind_now", border=False):
        email = st.selectbox("Lead", list(leads), format_func=leads.get, key="remind_now_lead")
        if st.form_submit_button("Remind now", icon=":material/mail:"):
            attempt(lambda: reminders.remind_person(cursor(), email, by=person), _SAID)
