"""Which partnership the dashboard shows (issue 19): settled before anything else runs, kept
in the address (``?partnership=torbay``) and in the session, so links between pages keep it.

A signed-in person is offered only the partnerships that know them; naming another in the
address finds "no role here" (each partnership's people are its own). With one partnership
nothing changes: no choice in the sidebar and nothing added to the address.
"""

from __future__ import annotations

import streamlit as st

from outcomes.errors import Busy
from outcomes.storage import people
from outcomes.storage.store import resolve_db_path
from outcomes.workflows import partnerships
from outcomes.workflows.partnerships import Partnership
from ui import state

KEY = "partnership"


def _email() -> str | None:
    from ui.auth import sign_in_configured

    if not sign_in_configured() or not st.user.get("is_logged_in"):
        return None
    username = str(st.user.get("preferred_username") or "")
    return st.user.get("email") or (username if "@" in username else None)


def open_to() -> list[Partnership]:
    """The partnerships this visitor may choose between: for someone signed in (or signed in
    as one of the demo's people), those that know them; otherwise (just looking at the demo, a
    read-only database, the sign-in page) every one."""
    found = state.registered(str(resolve_db_path()))
    email = _email()
    if email is not None:
        known = _known_in(str(resolve_db_path()), email.strip().lower())
    elif demo := st.session_state.get("demo_person"):
        # The demo's people are each partnership's own (the commissioner is in all three): a
        # lead of Torbay is offered Torbay, as a signed-in lead would be.
        db = state.store()
        known = {p.id for p in found if people.find(db.cursor(p.schema), demo) is not None}
    else:
        return found
    return [p for p in found if p.id in known]


@st.cache_data(show_spinner=False, ttl=30)
def _known_in(path: str, email: str) -> set[str]:
    """The partnerships that know ``email`` (one statement over every partnership's people,
    kept for half a minute rather than asked on every click). ``path`` keys the cache."""
    return partnerships.known_to(state.store(), email)


def settle() -> None:
    """Fix this run's partnership before the visitor is worked out: the address's, else the
    session's, else the visitor's first; and write it back into the address."""
    try:
        found = state.registered(str(resolve_db_path()))
    except Busy:
        return  # the visitor's turn says so, with the page's address kept
    if len(found) < 2:
        return
    wanted = st.query_params.get(KEY) or st.session_state.get(KEY)
    if wanted not in {p.id for p in found}:
        allowed = open_to()
        wanted = (allowed or found)[0].id
    st.session_state[KEY] = wanted
    if st.query_params.get(KEY) != wanted:
        st.query_params[KEY] = wanted


def _switched() -> None:
    chosen = st.session_state[f"{KEY}_choice"]
    st.session_state[KEY] = chosen
    st.query_params[KEY] = chosen
    # The demo's people are each partnership's own; the commissioner is in all of theirs.
    demo_person = st.session_state.get("demo_person")
    found = {p.id: p for p in state.registered(str(resolve_db_path()))}
    if demo_person and people.find(state.store().cursor(found[chosen].schema), demo_person) is None:
        st.session_state.pop("demo_person", None)


def sidebar() -> None:
    """The choice of partnership, where the visitor has more than one to choose from."""
    allowed = open_to()
    if len(allowed) < 2:
        return
    names = {p.id: p.name for p in allowed}
    current = st.session_state.get(KEY)
    st.session_state[f"{KEY}_choice"] = current if current in names else next(iter(names))
    st.selectbox(
        "Partnership",
        list(names),
        format_func=names.get,
        key=f"{KEY}_choice",
        on_change=_switched,
        help="Each partnership's framework, figures and people are its own.",
    )
