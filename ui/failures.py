"""What a visitor sees when something goes wrong: a plain message and a way on, never a traceback.

The router runs every page inside :func:`shown_plainly`. A refusal (:class:`outcomes.errors.Refused`)
is shown as its own message; the database held by another program gets "busy, try again"; a
PostgreSQL server that cannot be reached gets "unreachable, try again" with a button; any
other failure is logged in full on the server and shown to the visitor as one sentence with a
link home. Streamlit's own error details are off as well (``client.showErrorDetails = "none"``
in ``.streamlit/config.toml``), so nothing reaches the browser even if this were bypassed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import streamlit as st

from outcomes.errors import Busy, Refused, Unreachable

log = logging.getLogger("outcomes.dashboard")

BUSY = (
    "The database is busy: another program (probably the command line) has it open for a "
    "moment. Try again in a moment; nothing has been lost."
)
UNREACHABLE = (
    "The database is unreachable, try again: its server did not answer or refused the "
    "connection. Nothing has been changed."
)
FAILED = (
    "Something went wrong showing this page, and it has been logged for the partnership's "
    "administrator. Nothing was changed. Try again, or go back to the plan on a page."
)


@contextmanager
def shown_plainly() -> Iterator[None]:
    try:
        yield
    except Busy:
        # Nothing else is on the page yet (the store opens first): a title keeps the message
        # clear of Streamlit's header, and says what this page is at a glance.
        st.title("One moment", anchor=False)
        st.warning(BUSY, icon=":material/hourglass_top:")
        st.button("Try again", key="busy_retry", icon=":material/refresh:")
    except (Unreachable, psycopg.OperationalError) as err:
        # What exactly went wrong (the server's address, what it said) is for the logs only.
        log.warning("the database is unreachable: %s", err)
        st.title("Database unreachable", anchor=False)
        st.error(UNREACHABLE, icon=":material/cloud_off:")
        st.button("Try again", key="unreachable_retry", icon=":material/refresh:")
    except Refused as err:
        st.error(str(err))
        st.page_link("pages/overview.py", label="Go to the plan on a page", icon=":material/home:")
    except Exception:
        log.exception("a page failed")
        st.error(FAILED, icon=":material/error:")
        st.page_link("pages/overview.py", label="Go to the plan on a page", icon=":material/home:")
