""" "Your returns" (``/returns``) through the real router with Streamlit's AppTest: a lead types
the quarter's figures, a slip is refused in words, the draft is kept, the return is sent and
waits for approval; the approver approves; the analyst sees the quarter at a glance."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT, open_store
from tests.copies import written
from tests.pages.conftest import clear_caches
from tests.pages.opening import open_as
from tests.returns import LEAD_EMAIL, approval_on, withhold_latest_quarter

PAGE = "pages/returns.py"


@pytest.fixture
def due_db(fresh_db):
    """The page's own demo file before the street violence lead sends the latest quarter, with
    approval of returns on."""
    written(fresh_db, lambda cur: (withhold_latest_quarter(cur), approval_on(cur)))
    return fresh_db


def _open(as_email: str) -> AppTest:
    return open_as(
        AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60), PAGE, as_email
    )


def _said(at: AppTest) -> str:
    parts = [*at.markdown, *at.error, *at.warning, *at.info, *at.success, *at.caption]
    return "\n".join(str(p.value) for p in parts)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _query(path, sql: str):
    clear_caches()
    store = open_store(path)
    try:
        return store.cursor().execute(sql).fetchall()
    finally:
        store.close()


def test_a_lead_types_fixes_and_sends_and_the_approver_approves(due_db):
    at = _open(LEAD_EMAIL)
    assert at.title[0].value == "Your returns"
    assert "overdue" in _said(at)
    figures = [t for t in at.text_input if t.label.startswith("Figure for")]
    assert len(figures) >= 5
    for box in figures:
        box.input("100")
    figures[0].input("lots")
    _button(at, "Check and preview").click()
    at.run()
    said = _said(at)
    assert "1 problem to put right" in said and "'lots' is not a number" in said
    assert "SV01" in said and "figure" in said
    assert not [b for b in at.button if b.label == "Confirm and send"]

    # Saved as a draft, it is there when the lead comes back (a new session: another device).
    _button(at, "Save draft").click()
    at.run()
    assert "Draft saved" in _said(at)
    again = _open(LEAD_EMAIL)
    assert [t.value for t in again.text_input if t.label.startswith("Figure for")][0] == "lots"

    next(t for t in again.text_input if t.label.startswith("Figure for")).input("101")
    _button(again, "Check and preview").click()
    again.run()
    assert "problem to put right" not in _said(again)
    accept = [c for c in again.checkbox if c.label.startswith("I have checked the warnings")]
    for c in accept:
        c.check()
    again.run()
    _button(again, "Confirm and send").click()
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert "waits for approval by an analyst" in _said(again)
    assert _query(due_db, "SELECT state FROM return_submission") == [("submitted",)]

    analyst = _open("analyst@demo.example")
    assert "Waiting for your approval" in [h.value for h in analyst.header]
    assert "waiting for approval" in _said(analyst)  # the quarter at a glance
    _button(analyst, "Approve").click()
    analyst.run()
    assert "the board sees its figures now" in _said(analyst)
    assert _query(due_db, "SELECT state FROM return_submission") == [("approved",)]


def test_a_link_to_a_priority_the_lead_does_not_report_on_says_so(due_db):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = LEAD_EMAIL
    at.switch_page(PAGE)
    at.query_params["priority"] = "modern-slavery"
    at.run()
    assert not at.exception
    assert "does not report on" in _said(at)
    # It still opens on their own priority's return.
    assert [t for t in at.text_input if t.label.startswith("Figure for SV01")]


def test_an_administrator_names_an_approver_for_one_priority(fresh_db):
    at = _open("admin@demo.example")
    at.switch_page("pages/admin.py")
    at.run()
    assert "count as soon as their lead confirms them" in _said(at)
    scope = next(s for s in at.selectbox if s.label == "For")
    scope.set_value("street-violence").run()
    next(c for c in at.checkbox if c.label.startswith("A lead's return waits")).check()
    next(s for s in at.selectbox if s.label == "Approved by").set_value("board.member@demo.example")
    next(b for b in at.button if b.label == "Save the rule").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "now wait for approval by Bea Board" in _said(at)
    assert _query(fresh_db, "SELECT scope, required, approver_email FROM return_approval") == [
        ("street-violence", True, "board.member@demo.example")
    ]
