"""The dashboard on a force area of three partnerships (issue 19): the partnership chosen in
the address and the sidebar, and each partnership's people its own."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from tests.pages.conftest import clear_caches
from tests.pages.test_sign_in_pages import AUTH, _all_text
from tests.realdata.conftest import realdata  # noqa: F401 (the real public files)


@pytest.fixture
def force(force_db_file, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(force_db_file))
    yield force_db_file
    clear_caches()


def _app(partnership: str | None = None, user: dict | None = None, **state) -> AppTest:
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "iat": time.time(), **user}
    if partnership:
        at.query_params["partnership"] = partnership
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _partnership_named(at: AppTest) -> str:
    return at.sidebar.markdown[0].value


def test_the_address_chooses_the_partnership_and_the_sidebar_changes_it(force):
    at = _app("torbay")
    assert _partnership_named(at) == "**Safer Communities Torbay**"
    assert at.title[0].value.startswith("Safer Communities Torbay")
    choice = at.sidebar.selectbox(key="partnership_choice")
    assert choice.options == ["Safer Plymouth Partnership", "Safer Communities Torbay",
                              "Safer Cornwall"]  # fmt: skip
    choice.set_value("cornwall").run()
    assert _partnership_named(at) == "**Safer Cornwall**"
    assert at.query_params["partnership"] == "cornwall"
    # With none named, the first; and the address then says which.
    first = _app()
    assert _partnership_named(first) == "**Safer Plymouth Partnership**"
    assert first.query_params["partnership"] == "plymouth"


def test_a_demo_sign_in_is_offered_only_its_partnerships_and_does_not_follow_elsewhere(force):
    at = _app("plymouth", demo_person="street.violence.lead@demo.example")
    assert "acting as Sam Lead" in _all_text(at)
    # Signed in as Plymouth's lead, as a signed-in lead would be: no other partnership offered.
    assert not [b for b in at.sidebar.selectbox if b.key == "partnership_choice"]
    # Torbay named in the address: the sign-in does not follow them there.
    there = _app("torbay", demo_person="street.violence.lead@demo.example")
    assert "acting as Sam Lead" not in _all_text(there)
    assert "choose someone to change anything" in _all_text(there)
    # The demo's commissioner is offered the three they hold to account.
    pcc = _app("plymouth", demo_person="commissioner@demo.example")
    assert len(pcc.sidebar.selectbox(key="partnership_choice").options) == 3


def test_a_lead_of_one_partnership_is_nobody_in_another(force):
    lead = {"email": "street.violence.lead@torbay.demo.example", "name": "Sam Lead"}
    # Offered only Torbay (the one that knows them), so no choice at all, and Torbay first.
    at = _app(user=lead)
    assert _partnership_named(at) == "**Safer Communities Torbay**"
    assert not [b for b in at.sidebar.selectbox if b.key == "partnership_choice"]
    # Plymouth named in the address: they are not known there, and see nothing of it.
    there = _app("plymouth", user=lead)
    assert [t.value for t in there.title] == ["No role here yet"]
    text = _all_text(there)
    assert "Safer Plymouth" not in text and "street violence" not in text.lower()


def test_a_commissioner_chooses_between_the_partnerships_they_span(force):
    at = _app(user={"email": "commissioner@demo.example", "name": "Cam Commissioner"})
    choice = at.sidebar.selectbox(key="partnership_choice")
    assert len(choice.options) == 3
    assert "Signed in as Cam Commissioner" in _all_text(at)
    assert "(commissioner)" in _all_text(at)


def test_an_administrator_adds_a_partnership_on_the_administration_page(force):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = "admin@demo.example"
    at.switch_page("pages/admin.py").run()
    assert "plymouth" in at.dataframe[1].value["Id"].tolist()
    [new_id] = [t for t in at.text_input if t.label == "Id"]
    [new_name] = [t for t in at.text_input if t.label == "Its name"]
    new_id.input("exeter")
    new_name.input("Exeter Community Safety Partnership")
    [add] = [b for b in at.button if b.label == "Add the partnership"]
    add.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Exeter Community Safety Partnership added, as exeter." in [s.value for s in at.success]
    assert at.dataframe[1].value["Id"].tolist() == ["plymouth", "torbay", "cornwall", "exeter"]
    assert (
        "Exeter Community Safety Partnership"
        in at.sidebar.selectbox(key="partnership_choice").options
    )


def test_the_force_area_page_sets_a_commissioners_partnerships_side_by_side(force):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = "commissioner@demo.example"
    at.switch_page("pages/force.py").run()
    assert not at.exception, [e.value for e in at.exception]
    priorities, returns, shared = (d.value for d in at.dataframe)
    names = ["Safer Plymouth Partnership", "Safer Communities Torbay", "Safer Cornwall"]
    assert list(priorities.columns) == ["Priority", *names]
    badges = {"✖ Red", "▲ Amber", "✔ Green", "○ Not rated", "—"}
    assert len(priorities) == 7 and set(priorities[names].stack()) <= badges
    assert list(returns["Partnership"]) == names
    vv02 = shared[shared["Code"] == "VV02"]
    assert list(vv02["Partnership"]) == names
    assert (vv02["Lower 95%"] < vv02["Figure"]).all() and (vv02["Figure"] < vv02["Upper 95%"]).all()
    # A lead sees the page say who it is for, and nothing of the force area.
    lead = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    lead.session_state["demo_person"] = "street.violence.lead@demo.example"
    lead.switch_page("pages/force.py").run()
    assert not lead.dataframe and "for a commissioner" in lead.info[0].value


def test_a_public_file_loaded_on_one_partnerships_page_serves_them_all(force, realdata):  # noqa: F811
    source = realdata / "police_uk/2019-01-devon-and-cornwall-street.csv"
    analyst = _app("torbay", demo_person="analyst@torbay.demo.example")
    analyst.switch_page("pages/data.py").run()
    # An analyst loads public data for one partnership; shared by all, it is an administrator's.
    assert not analyst.get("file_uploader") or not any(
        f.key == "data_file_0" for f in analyst.get("file_uploader")
    )
    admin = _app("torbay", demo_person="admin@torbay.demo.example")
    admin.switch_page("pages/data.py").run()
    assert any("every partnership" in c.value for c in admin.caption)
    admin.file_uploader(key="data_file_0").set_value(
        (source.name, source.read_bytes(), "text/csv")
    ).run()
    admin.button(key="data_confirm").click().run()
    assert not admin.exception and not admin.error, [e.value for e in admin.error]
    assert admin.success[0].value.startswith(f"Loaded {source.name} as shared upload 1:")
    clear_caches()
    cornwall = _app("cornwall", demo_person="board.member@cornwall.demo.example")
    cornwall.switch_page("pages/figures.py").run()
    assert not cornwall.exception
    told = _all_text(cornwall)
    for said in (
        source.name,
        "every partnership (shared upload 1)",
        "Adi Admin (administrator, Torbay)",
    ):
        assert said in told
    table = next(d.value for d in cornwall.dataframe if "Month" in d.value.columns)
    crimes = int(table.drop(columns="Month").iloc[0].sum())
    with source.open(encoding="utf-8") as handle:
        assert crimes == sum(1 for line in handle if ",Cornwall " in line)


def test_an_administrator_undoes_the_shared_load_on_the_upload_page(force, realdata):  # noqa: F811
    from outcomes.storage import people
    from outcomes.storage.store import open_store
    from outcomes.workflows import uploads

    db = open_store(force)
    try:
        db.schema = "p_torbay"
        cur, prepared = uploads.prepare_for(
            db, realdata / "police_uk/2019-01-devon-and-cornwall-street.csv",
            by=people.command_line_person(),
        )  # fmt: skip
        uploads.commit(cur, prepared, by=people.command_line_person())
    finally:
        db.close()
    analyst = _app("cornwall", demo_person="analyst@cornwall.demo.example")
    analyst.switch_page("pages/upload.py").run()
    assert "Public data shared by every partnership" in [h.value for h in analyst.subheader]
    assert not [s for s in analyst.selectbox if s.key.startswith("shared_undo_target")]
    admin = _app("cornwall", demo_person="admin@cornwall.demo.example")
    admin.switch_page("pages/upload.py").run()
    admin.selectbox(key="shared_undo_target_0").set_value(1).run()
    admin.checkbox(key="shared_undo_sure_1").check().run()
    admin.button(key="shared_undo_go").click().run()
    assert not admin.exception and not admin.error, [e.value for e in admin.error]
    clear_caches()
    db = open_store(force)
    try:
        assert (
            not db.cursor("p_torbay")
            .execute("SELECT count(*) FROM series_current WHERE shared")
            .fetchone()[0]
        )
    finally:
        db.close()
