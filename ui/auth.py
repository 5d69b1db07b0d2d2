"""Who is at the screen: Streamlit's own OpenID Connect sign-in, or the demo's sign-in.

With ``[auth]`` in ``.streamlit/secrets.toml`` (docs/sign-in.md) a visitor signs in through the
partnership's identity provider (``st.login``) and is matched, by the e-mail address the
provider gives, to someone in the database (:mod:`outcomes.storage.people`). Without it, the demo
offers "Demo: sign in as" one of its people, and any other database is read-only in the
browser. The pages only hide what a person may not do; the core refuses it anyway.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from loaders.problems import worded
from outcomes.storage import people
from outcomes.storage.people import Person
from ui.state import cursor

# How long a sign-in lasts. Streamlit's own identity cookie lives 30 days (a constant in
# Streamlit, not configurable), so the dashboard ends sessions sooner itself: after
# ``hours`` since the identity provider signed the person in, or ``idle_minutes`` without a
# click in the open tab. Both can be set in secrets.toml's [sign_in] section.
DEFAULT_HOURS = 12
DEFAULT_IDLE_MINUTES = 60


@dataclass(frozen=True)
class Visitor:
    """Who is at the screen, and in which of the ways the dashboard can be reached."""

    mode: str  # "signed in", "unknown", "anonymous", "demo", "read-only"
    person: Person | None = None
    email: str | None = None  # the identity provider's, even for someone the partnership lacks
    name: str | None = None

    def may(self, action: str, **scope: Any) -> bool:
        return self.person is not None and self.person.may(action, **scope)


def _auth_section() -> dict[str, Any]:
    """The ``[auth]`` section of secrets.toml, or nothing when sign-in is not configured."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get("auth") or {}
    except Exception:  # no secrets file, or one that does not parse: not configured
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def sign_in_configured() -> bool:
    section = _auth_section()
    return bool(section.get("redirect_uri") and section.get("cookie_secret"))


def providers() -> list[tuple[str | None, str]]:
    """The identity providers to offer, as (name for ``st.login``, label on the button)."""
    section = _auth_section()
    named = [
        (key, str(value.get("label") or key.replace("-", " ").title()))
        for key, value in section.items()
        if isinstance(value, dict) and "client_id" in value
    ]
    if named:
        return named
    # A single provider written straight into [auth] is Streamlit's "default".
    return [(None, "your organisation's account")] if "client_id" in section else []


def _limits() -> tuple[float, float]:
    try:
        settings = dict(st.secrets.get("sign_in", {}))
    except Exception:
        settings = {}
    return (
        float(settings.get("hours", DEFAULT_HOURS)),
        float(settings.get("idle_minutes", DEFAULT_IDLE_MINUTES)),
    )


def expired(
    now: float,
    signed_in_at: float | None,
    last_seen: float | None,
    *,
    hours: float,
    idle_minutes: float,
) -> str | None:
    """Why a sign-in has ended, or None while it lasts.

    >>> expired(100_000.0, 100_000.0 - 13 * 3600, 99_990.0, hours=12, idle_minutes=60)
    'You were signed in more than 12 hours ago: sign in again.'
    >>> expired(100_000.0, 99_000.0, 100_000.0 - 61 * 60, hours=12, idle_minutes=60)
    'Nothing was done for more than 60 minutes: sign in again.'
    >>> expired(100_000.0, 99_000.0, 99_990.0, hours=12, idle_minutes=60) is None
    True
    """
    if signed_in_at is not None and now - signed_in_at > hours * 3600:
        return worded("sign-in-ended", hours=format(hours, "g"))
    if last_seen is not None and now - last_seen > idle_minutes * 60:
        return worded("sign-in-ended", "idle", minutes=format(idle_minutes, "g"))
    return None


def visitor() -> Visitor:
    """Who is at the screen this run (ends an expired sign-in first)."""
    cur = cursor()
    if sign_in_configured():
        user = st.user
        if not user.get("is_logged_in"):
            return Visitor("anonymous")
        hours, idle_minutes = _limits()
        now = time.time()
        signed_in_at = user.get("auth_time") or user.get("iat")
        why = expired(
            now,
            float(signed_in_at) if signed_in_at else None,
            st.session_state.get("_last_seen"),
            hours=hours,
            idle_minutes=idle_minutes,
        )
        if why:
            st.session_state.pop("_last_seen", None)
            st.session_state["_signed_out_because"] = why
            st.logout()
            st.stop()
        st.session_state["_last_seen"] = now
        # Entra ID leaves out ``email`` for someone without a mailbox unless the optional claim
        # is added; their user principal name is then the address (docs/sign-in.md).
        username = str(user.get("preferred_username") or "")
        email = user.get("email") or (username if "@" in username else None)
        name = user.get("name")
        found = people.person(cur, email, name=name, how="signed in")
        if found is None:
            return Visitor("unknown", email=email, name=name)
        return Visitor("signed in", found, email, found.name)
    if people.is_demo(cur):
        chosen = st.session_state.get("demo_person")
        found = people.person(cur, chosen, how="demo") if chosen else None
        return Visitor("demo", found, chosen, found.name if found else None)
    return Visitor("read-only")


def sign_out() -> None:
    """End the session: through the identity provider, or the demo's choice forgotten."""
    if sign_in_configured():
        st.session_state.pop("_last_seen", None)
        st.logout()
    else:
        st.session_state.pop("demo_person", None)


def acting() -> Person | None:
    """The person acting this run (for a page's writes), or None."""
    return visitor().person


# ---------------------------------------------------------------------------------------------
# Coming back to the address a visitor opened, after the identity provider
#
# Streamlit's /oauth2callback always answers with the app's home page, and the page load that
# follows is a new session, so nothing the server holds survives the round trip. The browser
# keeps the address instead, in a short-lived cookie of the dashboard's own (not the sign-in:
# only the page and its query), which Streamlit hands the server with each new session
# (``st.context.cookies``). The address is checked against the app's own pages before use.

RETURN_COOKIE = "outcomes_return"
RETURN_MINUTES = 30


def encode_address(url_path: str, query: dict[str, str]) -> str:
    """A page and its query as a cookie value (URL-safe base64 of JSON: no ``;``, ``,`` or
    spaces, and no question of who decodes percent signs).

    >>> decode_address(encode_address("priority", {"priority": "street-violence"}))
    ('priority', {'priority': 'street-violence'})
    >>> decode_address("not base64 !") is None
    True
    """
    import base64
    import json

    raw = json.dumps({"page": url_path, "query": query}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_address(value: str) -> tuple[str, dict[str, str]] | None:
    import base64
    import json

    try:
        found = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        page, query = found["page"], found["query"]
    except (ValueError, TypeError, KeyError):
        # Untrusted: the address comes back from the browser. Anything not in our own encoding
        # (bad base64, not JSON, the wrong shape) is no address to return to, not a refusal.
        return None
    if not isinstance(page, str) or not isinstance(query, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in query.items()):
        return None
    return page, query


def _set_cookie(name: str, value: str, max_age: int) -> None:
    """Set (or, with ``max_age`` 0, clear) one of the dashboard's cookies in the browser."""
    import json

    script = (
        f"<script>document.cookie = {json.dumps(name)} + '=' + {json.dumps(value)} + "
        f"'; path=/; max-age={int(max_age)}; samesite=lax';</script>"
    )
    with st.container(key=f"cookie_{name}"):
        st.html(
            f"<style>.st-key-cookie_{name} {{ display: none; }}</style>{script}",
            unsafe_allow_javascript=True,
        )


def remember_address(page: Any) -> None:
    """An anonymous visitor at ``page``: keep its address (and query) for after sign-in; at the
    home page, forget any kept before (they asked for the home page this time)."""
    if not page.url_path:  # the home page's address is ""
        if RETURN_COOKIE in st.context.cookies:
            _set_cookie(RETURN_COOKIE, "", 0)
        return
    query = {key: st.query_params[key] for key in st.query_params}
    address = encode_address(page.url_path, query)
    _set_cookie(RETURN_COOKIE, address, RETURN_MINUTES * 60)


def return_after_sign_in(page: Any, pages: list) -> None:
    """Signed in, on the home page Streamlit brought them to: open the page they opened before
    signing in, with its query; then forget it in the browser. Once a session."""
    kept = st.context.cookies.get(RETURN_COOKIE)
    if not kept or st.session_state.get("_return_forgotten"):
        return
    if not st.session_state.get("_return_handled"):
        st.session_state["_return_handled"] = True
        address = decode_address(kept)
        target = next((p for p in pages if address and p.url_path == address[0] != ""), None)
        if target is not None and not page.url_path:
            # Forgotten on the page it opens (this run stops here).
            st.switch_page(target, query_params=address[1])
    st.session_state["_return_forgotten"] = True
    _set_cookie(RETURN_COOKIE, "", 0)


# ---------------------------------------------------------------------------------------------
# What the router shows


def sidebar(visitor: Visitor) -> None:
    """Who is signed in and the way out; the demo's sign-in; or why nothing can be changed."""
    from ui.markup import plain

    if visitor.mode == "signed in":
        role = people.ROLE_WORDS[visitor.person.role]
        st.caption(f"Signed in as {plain(visitor.person.label)} ({role}).")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=sign_out)
    elif visitor.mode == "demo":
        _demo_sign_in(visitor)
    elif visitor.mode == "read-only":
        st.info(
            "Read-only: sign-in is not configured, so nothing can be changed here. An "
            "administrator sets it up in `.streamlit/secrets.toml` (see docs/sign-in.md in the "
            "dashboard's folder); the command line still works.",
            icon=":material/lock:",
        )


def _demo_sign_in(visitor: Visitor) -> None:
    from ui.markup import plain

    demo = people.people(cursor(), include_removed=False)
    demo = demo[demo["demo"]]
    # The demo's people carry their role in their names ("Ana Lyst (analyst)").
    labels = {r.email: r.name for r in demo.itertuples()}
    options = [None, *labels]
    st.selectbox(
        "Demo: sign in as",
        options,
        format_func=lambda e: "nobody (just looking)" if e is None else labels[e],
        key="demo_person",
        help="The demo has one person for each role. With the partnership's identity provider "
        "configured (docs/sign-in.md) people sign in with their own accounts instead.",
    )
    if visitor.person is None:
        st.caption("Demo database, no sign-in configured: choose someone to change anything.")
    else:
        st.caption(f"Demo sign-in: acting as {plain(visitor.person.label)}, no password asked.")


def sign_in_page() -> None:
    """All an anonymous visitor can reach (besides the public view, when it is on)."""
    st.title("Sign in")
    why = st.session_state.pop("_signed_out_because", None)
    if why:
        st.info(why, icon=":material/schedule:")
    st.write(
        "This dashboard is for the partnership's board, priority leads and analysts. Sign in "
        "with your organisation's account to see it."
    )
    offered = providers()
    if not offered:
        st.error(
            "Sign-in is configured without an identity provider: an administrator needs to add "
            "one to `.streamlit/secrets.toml` (docs/sign-in.md)."
        )
    for number, (provider, label) in enumerate(offered):
        st.button(
            f"Sign in with {label}",
            key=f"sign_in_{number}",
            icon=":material/login:",
            type="primary" if number == 0 else "secondary",
            on_click=st.login,
            args=() if provider is None else (provider,),
        )


def unknown_page() -> None:
    """A person the identity provider knows but the partnership has not given a role."""
    from ui.markup import plain

    visitor = current()
    who = visitor.email or visitor.name or "someone with no e-mail address"
    st.title("No role here yet")
    st.warning(
        f"You are signed in as {plain(who)}, but this partnership has not given you a role: "
        "ask an administrator to add you (People and roles, or `python -m outcomes user add`).",
        icon=":material/person_off:",
    )
    st.button("Sign out", key="sign_out_unknown", icon=":material/logout:", on_click=sign_out)


def current() -> Visitor:
    """This run's visitor (what the router found)."""
    return visitor()
