"""The dashboard with its calendar feed: ``streamlit run serve.py`` (or ``uvicorn serve:app``).

Streamlit's own server serves the app and nothing else; Streamlit 1.67's ``st.App`` runs the
same dashboard (dashboard.py) on Starlette and lets a route sit beside it, in the same process,
which matters: DuckDB lets one program open the file, so the feed must be answered, and the
morning's reminders sent (``OUTCOMES_REMIND_AT``), by the process that holds it. ``make run``
still serves dashboard.py alone (no subscription address is offered there, only the file to
download); docs/reminders.md says how to serve this instead.
"""

import streamlit as st
from starlette.routing import Route

from outcomes.outputs import feeds
from ui.daily import daily_reminders
from ui.feed_route import calendar_feed

feeds.SERVED = True  # the sidebar's "Your calendar" offers a subscription address

app = st.App(
    "dashboard.py",
    lifespan=daily_reminders,  # OUTCOMES_REMIND_AT: the morning's reminders, sent from here
    routes=[Route(f"/{feeds.FEED_PATH}/{{token}}.ics", calendar_feed, methods=["GET", "HEAD"])],
)
