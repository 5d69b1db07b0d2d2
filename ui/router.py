"""Keeps every page behind the router in dashboard.py.

Streamlit still honours its older multipage mode for a folder named ``pages/``: until some
session has run ``st.navigation``, a URL such as ``/priority`` runs ``pages/priority.py`` on its
own, without the router's style, sidebar or query-parameter binding. A bookmark opened first
after the server starts would hit exactly that, so each page calls ``require_router()`` first.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import markup


def require_router() -> None:
    if PagesManager.uses_pages_directory:
        # The same switch st.navigation flips; rerunning then starts from dashboard.py.
        PagesManager.uses_pages_directory = False
        st.rerun()


def in_app_links(pages: list) -> None:
    """Links to the app's own pages open inside this session, without reloading the page."""
    names = sorted({"", *(getattr(p, "url_path", "") or "" for p in pages)})
    with st.container(key="in_app_links"):
        st.html(
            markup.stylesheet("in_app_links.css")
            + markup.script("in_app_links.js", __outcomesPages=names),
            unsafe_allow_javascript=True,
        )
