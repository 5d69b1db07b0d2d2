"""The sidebar's board pack: a pack as things stand now, or as at any recorded meeting."""

from __future__ import annotations

import io

import openpyxl
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import meetings
from tests.actors import acting
from tests.pages.conftest import clear_caches
from ui import data


def test_the_sidebar_pack_can_be_a_recorded_meetings(fresh_db):
    s = open_store(fresh_db)
    meetings.record_meeting(s.cursor(), "2025-05-15", by=acting("Democratic Support Officer"))
    s.close()
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    try:
        at.run()
        choose = at.selectbox(key="pack_meeting")
        assert choose.options == ["As things stand now", "Board meeting, 15 May 2025"]
        assert choose.value == "now"
        choose.set_value("2025-05-15").run()
        at.radio(key="pack_format").set_value("xlsx").run()
        at.button(key="pack_prepare").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        buttons = [b for b in at.get("download_button") if "board pack" in b.proto.label]
        assert [b.proto.label for b in buttons] == ["Download the Excel board pack"]
        # the pack the button offers is the meeting's: dated its day, its statuses frozen
        made = data.board_pack(data.version(), "xlsx", meeting_date="2025-05-15")
        about = openpyxl.load_workbook(io.BytesIO(made))["About"]
        assert about["A2"].value == "Board meeting, 15 May 2025"
        assert "frozen when the meeting was recorded" in about["A3"].value
    finally:
        clear_caches()
