"""The public view's pages through the real router (issue 10), on the demo."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.outputs import public
from outcomes.rules import wording
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows.demo import facts
from tests.actors import ADMIN, acting
from tests.pages.conftest import clear_caches


def _texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "html"):
        parts += [getattr(el, "value", None) or el.proto.body for el in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def app(fresh_db):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.run()
    yield at
    clear_caches()


def _open(at: AppTest, page: str, **params: str) -> str:
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return _texts(at)


def test_the_plan_in_public_says_it_is_a_preview_until_the_view_is_on(app, fresh_db):
    text = _open(app, "pages/public.py")
    assert app.title[0].value == "Safer Plymouth Partnership: our plan"
    assert "Preview: the public view is switched off" in text
    # The sidebar offers the public summary, never the board pack.
    assert [b.label for b in app.sidebar.button] == ["Prepare the public summary"]
    assert "Since the last meeting" not in text  # the board's agenda is not public
    clear_caches()
    s = open_store(fresh_db)
    public.set_public_view(s.cursor(), True, by=acting("Jo Admin"))
    s.close()
    text = _open(app, "pages/public.py")
    assert "Preview" not in text
    assert [h.value for h in app.header] == ["Individuals", "Communities", "Issues"]
    assert "None of this priority's indicators is published yet." in text  # modern slavery
    # Each priority's status says, beside it, what it is worked out from (issue 17).
    basis = [c.value for c in app.caption if c.value.startswith("Status worked out")]
    assert basis == ["Status worked out from the published indicators only."] * 7


def test_a_public_priority_shows_published_indicators_with_small_numbers_suppressed(app):
    text = _open(app, "pages/public_priority.py", priority="safety-in-homes")
    assert [s.value for s in app.subheader] == [
        "FS01: Home fire safety visits to households at risk",
        "FS02: Accidental dwelling fires",
        "FS03: Casualties from accidental dwelling fires",
    ]
    latest = wording.period_aside(facts().moved("2024/25 Q4"))  # the demo is current
    assert f"**Latest:** fewer than 8 ({latest})" in text  # one pair of brackets (Issue 17)
    assert "periods are not plotted: the figure is a small number" in text
    assert "Add commentary" not in text and "Blockage" not in text
    assert (
        "status worked out from the published indicators only; the board's, which counts every "
        "indicator, may differ" in text
    )
    text = _open(app, "pages/public_priority.py", priority="street-violence")
    assert "Area figures are rounded to the nearest 5" in text
    codes = [s.value.split(":")[0] for s in app.subheader]
    assert codes == ["SV01", "SV02", "SV03", "SV04"]


def test_a_private_priority_link_shows_nothing_private(app):
    text = _open(app, "pages/public_priority.py", priority="modern-slavery")
    assert "None of this priority's indicators is published yet." in text
    assert "MS0" not in text


SWITCH_ON = "Switch the public view on"


def _people_page(fresh_db, email: str) -> AppTest:
    """The People and roles page as one of the demo's people (the demo's sign-in)."""
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = email
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _view_is_on(fresh_db) -> bool:
    clear_caches()
    s = open_store(fresh_db)
    try:
        return public.public_view_enabled(s.cursor())
    finally:
        s.close()


def test_an_administrator_switches_the_public_view_on_and_off_in_the_browser(fresh_db):
    at = _people_page(fresh_db, "admin@demo.example")
    assert "The public view for residents and scrutiny is **off**" in _texts(at)
    at.button(key="public_view_switch").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [
        "The public view is now on: anyone with the link can see it."
    ]
    assert "is **on** (switched by Adi Admin (administrator) on " in _texts(at)
    assert at.button(key="public_view_switch").label == "Switch the public view off"
    assert _view_is_on(fresh_db)
    at.button(key="public_view_switch").click().run()
    assert not _view_is_on(fresh_db)


@pytest.mark.parametrize(
    "email",
    ["board.member@demo.example", "street.violence.lead@demo.example", "analyst@demo.example"],
)
def test_nobody_else_is_offered_the_public_view_switch(fresh_db, email):
    at = _people_page(fresh_db, email)
    assert SWITCH_ON not in [b.label for b in at.button]
    assert "Only an administrator can see and change who has which role." in _texts(at)
    assert not _view_is_on(fresh_db)


def _sv01_return_commentary(fresh_db) -> None:
    """The street violence lead's return for the latest quarter, sent with commentary on SV01."""
    import tempfile
    from pathlib import Path

    from outcomes.queries import board
    from outcomes.workflows import uploads
    from tests.unit.test_uploads import row, workbook

    s = open_store(fresh_db)
    try:
        cur = s.cursor()
        latest = board.history(cur, "SV01")["period"].iloc[-1]
        with tempfile.TemporaryDirectory() as tmp:
            path = workbook(Path(tmp) / "sv.xlsx", [row("SV01", latest, 290, "Fewer fights.", "N")])
            prepared = uploads.prepare(cur, path, by=ADMIN)
            lead = acting("SV lead", "lead", ("street-violence",))
            uploads.commit(cur, prepared, by=lead, accept_warnings=True)
    finally:
        s.close()


def _published(fresh_db) -> list[bool]:
    clear_caches()
    s = open_store(fresh_db)
    try:
        rows = s.cursor().execute("SELECT published FROM commentary ORDER BY id").fetchall()
        return [r[0] for r in rows]
    finally:
        s.close()


def test_a_lead_publishes_the_commentary_sent_in_their_return(fresh_db):
    """Issue 17: commentary sent in a return could not be marked for publishing; its lead does
    it afterwards on the priority page, through the same core function (public.mark_published)."""
    _sv01_return_commentary(fresh_db)
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = "street.violence.lead@demo.example"
    text = _open(at, "pages/priority.py", priority="street-violence")
    assert "Fewer fights." in text
    assert at.button(key="publish_SV01").label == "Publish it in the public view"
    at.button(key="publish_SV01").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "The commentary on SV01 is now in the public view." in [s.value for s in at.success]
    assert "Published in the public view (its story and what is being done)." in _texts(at)
    assert at.button(key="publish_SV01").label == "Withdraw it from the public view"
    assert _published(fresh_db) == [True]
    text = _open(at, "pages/public_priority.py", priority="street-violence")
    assert "Fewer fights." in text


def test_a_board_member_is_not_offered_publishing(fresh_db):
    _sv01_return_commentary(fresh_db)
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = "board.member@demo.example"
    text = _open(at, "pages/priority.py", priority="street-violence")
    assert "Fewer fights." in text
    assert not [b for b in at.button if b.key == "publish_SV01"]
