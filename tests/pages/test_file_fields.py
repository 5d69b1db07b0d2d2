"""A person who may not load a kind of file is offered no field for it, on any page.

Every page that takes a file, as every one of the demo's people and as "nobody (just
looking)": the field is there exactly for those the permission table lets load that kind, and
everyone else reads who may instead (the core refuses their file unread anyway).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT

DEMO = {
    None: None,
    "board": "board.member@demo.example",
    "lead": "street.violence.lead@demo.example",
    "analyst": "analyst@demo.example",
    "admin": "admin@demo.example",
}
#: page -> file field (its key's start) -> the roles offered it
FIELDS = {
    "pages/upload.py": {"upload_file": {"lead", "analyst", "admin"}},
    "pages/data.py": {"data_file": {"analyst", "admin"}, "framework_file": {"analyst", "admin"}},
    "pages/meeting.py": {"actions_import": {"analyst", "admin"}},
}


@pytest.mark.parametrize("page", sorted(FIELDS))
@pytest.mark.parametrize("role", list(DEMO), ids=str)
def test_only_those_who_may_load_a_kind_of_file_are_offered_a_field_for_it(fresh_db, page, role):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=120)
    if DEMO[role]:
        at.session_state["demo_person"] = DEMO[role]
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    offered = {w.key for w in at.get("file_uploader")}
    for field, roles in FIELDS[page].items():
        has = any(key.startswith(field) for key in offered)
        assert has == (role in roles), (page, role, field, offered)
    if not any(role in roles for roles in FIELDS[page].values()):
        said = " ".join(str(getattr(e, "value", "")) for e in [*at.caption, *at.markdown, *at.info])
        # who may, in a sentence: "An analyst or an administrator may load public figures."
        assert "an administrator may" in said or "is for the partnership's analysts" in said, said
