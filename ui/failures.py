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

import streamlit as st

from loaders.problems import worded
from outcomes.errors import Busy, Refused, Unreachable
from outcomes.storage.store import server_gone
from ui import problems

log = logging.getLogger("outcomes.dashboard")

BUSY = worded("database-busy")
UNREACHABLE = worded("database-unreachable", "page")
FAILED = worded("page-failed")


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
    except Unreachable as err:
        _unreachable(err)
    except Refused as err:
        problems.refused(err)
        st.page_link("pages/overview.py", label="Go to the plan on a page", icon=":material/home:")
    except Exception as err:
        if server_gone(err):
            _unreachable(err)
            return
        log.exception("a page failed")
        st.error(FAILED, icon=":material/error:")
        st.page_link("pages/overview.py", label="Go to the plan on a page", icon=":material/home:")


def _unreachable(err: BaseException) -> None:
    # What exactly went wrong (the server's address, what it said) is for the logs only.
    log.warning("the database is unreachable: %s", err)
    st.title("Database unreachable", anchor=False)
    st.error(UNREACHABLE, icon=":material/cloud_off:")
    st.button("Try again", key="unreachable_retry", icon=":material/refresh:")
