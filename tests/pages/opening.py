"""Opening a page in Streamlit's AppTest: the one way the page tests run a page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def run_page(at: AppTest, page: str | None = None, **params: str) -> AppTest:
    """Run ``page`` (or the app's own first page) with ``params`` in its address; a page that
    raises fails the test with what it raised."""
    if page:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_as(at: AppTest, page: str, as_email: str | None, **params: str) -> AppTest:
    """Run ``page`` signed in on the demo sign-in as ``as_email`` (as nobody when None)."""
    if as_email:
        at.session_state["demo_person"] = as_email
    return run_page(at, page, **params)
