"""The router's sign-in gate and the People and roles page, in AppTest: ``st.user`` set as the
identity provider would leave it, and ``[auth]`` in the app's secrets."""

from __future__ import annotations

import html
import time

import duckdb
from streamlit.testing.v1 import AppTest

from outcomes.storage.people import SYSTEM
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import framework
from outcomes.workflows.demo import DEMO_FRAMEWORK
from tests.pages.conftest import clear_caches

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-secret-for-the-tests",
    "council": {
        "client_id": "dashboard",
        "client_secret": "not-a-secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
        "label": "your council account",
    },
}


def _app(user: dict | None = None, page: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    for key, value in state.items():
        at.session_state[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _signed_in(email: str, name: str, **extra) -> dict:
    return {"is_logged_in": True, "email": email, "name": name, "iat": time.time(), **extra}


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [t.value for t in at.title]
    )
    return "\n".join(parts)


def test_an_anonymous_visitor_gets_only_the_sign_in_page(fresh_db):
    at = _app({"is_logged_in": False}, page="pages/upload.py")
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    assert not at.get("file_uploader")
    assert "Quarterly return" not in _all_text(at)


def test_someone_the_partnership_does_not_know_is_told_so(fresh_db):
    at = _app(_signed_in("stranger@elsewhere.example", "A Stranger"))
    assert [t.value for t in at.title] == ["No role here yet"]
    assert "this partnership has not given you a role: ask an administrator" in _all_text(at)
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_signed_in_person_is_named_and_their_role_decides_the_pages(fresh_db):
    # Matched without regard to case; named as the identity provider names them.
    board = _app(_signed_in("BOARD.member@demo.example", "Bea from the provider"))
    assert "Signed in as Bea from the provider" in _all_text(board)
    assert [b.label for b in board.sidebar.button if b.label == "Sign out"] == ["Sign out"]
    clear_caches()
    # People and roles shows a board member nothing but who may see it.
    refused = _app(_signed_in("board.member@demo.example", "Bea"), page="pages/admin.py")
    assert [i.value for i in refused.info] == [
        "Only an administrator can see and change who has which role."
    ]
    assert not refused.get("form") and not refused.dataframe
    clear_caches()
    admin = _app(_signed_in("admin@demo.example", "Adi Admin"), page="pages/admin.py")
    assert [t.value for t in admin.title] == ["People and roles"]


def test_an_administrator_adds_a_lead_on_the_page(fresh_db):
    at = _app(_signed_in("admin@demo.example", "Adi Admin"), page="pages/admin.py")
    inputs = {t.label: t for t in at.text_input}
    inputs["E-mail address"].input("New.Lead@Police.example")
    inputs["Name"].input("Nia Lead")
    next(s for s in at.selectbox if s.label == "Role").set_value("lead")
    next(m for m in at.multiselect if m.label.startswith("Priorities")).set_value(
        ["hate-incidents"]
    )
    next(b for b in at.button if b.label == "Add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # As typed: the box's Markdown spells <, > and @ so that no address becomes a link.
    assert [html.unescape(s.value).replace("\u2060", "") for s in at.success] == [
        "Nia Lead <new.lead@police.example> added as priority lead for hate-incidents."
    ]
    clear_caches()
    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        assert con.execute(
            "SELECT who, who_email, who_role, change FROM audit_log WHERE entity = 'person' "
            "AND entity_key = 'new.lead@police.example'"
        ).fetchall() == [("Adi Admin", "admin@demo.example", "admin", "added")]
    finally:
        con.close()


def test_a_sign_in_older_than_the_limit_is_ended(fresh_db):
    at = _app(_signed_in("admin@demo.example", "Adi Admin", iat=time.time() - 13 * 3600))
    # st.logout cleared who they were; the next run is the sign-in page, saying why.
    assert at.user.get("is_logged_in") is False
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "You were signed in more than 12 hours ago: sign in again." in [i.value for i in at.info]


def test_a_database_that_is_not_the_demo_is_read_only_without_sign_in(tmp_path, monkeypatch):
    path = tmp_path / "real.duckdb"
    store = open_store(path)
    try:
        framework.import_framework(store.cursor(), framework.from_yaml(DEMO_FRAMEWORK), by=SYSTEM)
    finally:
        store.close()
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    try:
        at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
        at.switch_page("pages/upload.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("Read-only: sign-in is not configured" in i.value for i in at.info)
        assert not at.get("file_uploader")
        assert not [s for s in at.selectbox if s.label == "Demo: sign in as"]
    finally:
        clear_caches()
