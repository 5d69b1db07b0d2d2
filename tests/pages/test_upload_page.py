"""The quarterly return page (``/upload``) through the real router with Streamlit's AppTest.

AppTest cannot drive ``st.file_uploader``, so the upload itself is covered by the browser tests
(tests/browser/test_upload_journey.py); here: the steps, the template button, the history and
undoing an upload. Tests that write build their own database file; the shared demo file is
only read.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from outcomes.rules import wording
from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows import calendar
from outcomes.workflows.demo import facts
from tests.pages.conftest import clear_caches
from tests.pages.opening import open_as

D = facts()  # where the demo's figures fall today
UPLOAD_PAGE = "pages/upload.py"
CORRECTION_FILE = D.correction_file
DEMO_FILE = D.data_file
NEXT = D.latest_quarter.next()  # every lead's next return: the demo has the latest due
STEPS_BEFORE_A_FILE = [
    "1. Who you are",
    "2. Download your return",
    "3. Upload and check",
    "4. Preview",
    "5. Uploads so far",
]


@pytest.fixture
def fresh_app(fresh_db):
    return AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)


def _open(at: AppTest, as_email: str | None = "analyst@demo.example") -> AppTest:
    """The upload page, signed in on the demo sign-in (as the analyst unless told)."""
    return open_as(at, UPLOAD_PAGE, as_email)


def _download_label(at: AppTest) -> str:
    # The page's own download (the sidebar's "Your calendar" has one too).
    buttons = [b for b in at.get("download_button") if "calendar" not in b.proto.label]
    assert len(buttons) == 1, buttons
    return buttons[0].proto.label


def _history(at: AppTest) -> pd.DataFrame:
    """The uploads table: an HTML table (cards on a phone), read back with its numbers."""
    html = next(m.value for m in at.markdown if 'data-label="Upload"' in m.value)
    rows = [
        dict(re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row))
        for row in html.split("<tbody>", 1)[1].split("</tr>")
        if "<td" in row
    ]
    frame = pd.DataFrame(rows, columns=re.findall(r"<th>(.*?)</th>", html))
    for column in ("Upload", "New", "Revised", "Unchanged"):
        frame[column] = frame[column].str.replace(",", "").astype(int)
    return frame


def _query(path, sql: str, params: list | None = None):
    """Read the database file the page wrote, once the page's connection is let go."""
    clear_caches()
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_upload_page_renders_its_steps_template_and_history(app):
    at = _open(app)
    assert [t.value for t in at.title] == ["Quarterly return"]
    # Step 4 (the preview) is there before a file is uploaded too, saying what it will show.
    assert [h.value for h in at.header] == STEPS_BEFORE_A_FILE
    assert not at.text_input, "no box for a typed name: the signed-in person is recorded"
    said = " ".join(m.value for m in at.main.markdown)
    assert "Loading as **Ana Lyst (analyst)" in said
    assert at.selectbox(key="upload_priority").value == "vulnerable-victims"
    # The lead's own next return by the calendar, and when it is due.
    assert at.selectbox(key="upload_period_vulnerable-victims").value == NEXT.code
    due = calendar.Due(NEXT, calendar.due_date(NEXT, 45), False).sentence
    assert due in [i.value for i in at.info]
    assert (
        _download_label(at) == f"Download the return for {wording.period_aside(NEXT.code)} (3 rows)"
    )
    # Before a file is chosen the page offers no confirm button, and no undo until an upload
    # is chosen (the sidebar holds the board pack's button).
    assert [b.label for b in at.main.button] == []

    history = _history(at)
    assert list(history.columns) == [
        "Upload",
        "When",
        "Who",
        "File",
        "Kind",
        "New",
        "Revised",
        "Unchanged",
        "State",
    ]
    assert list(history["Upload"]) == [2, 1]  # newest first
    assert list(history["File"]) == [CORRECTION_FILE, DEMO_FILE]
    assert list(history["State"]) == ["committed", "committed"]
    assert list(history["Revised"]) == [1, 0]
    assert history.iloc[1]["New"] == 496 + 36  # figures, and the comparator-group series
    # Undo offers every upload, and chooses none by itself.
    undo = next(s for s in at.selectbox if s.label == "Upload")
    assert undo.options == [f"2: {CORRECTION_FILE}", f"1: {DEMO_FILE}"]
    assert undo.value is None


def test_choosing_another_priority_changes_the_return(app):
    at = _open(app)
    assert (
        _download_label(at) == f"Download the return for {wording.period_aside(NEXT.code)} (3 rows)"
    )
    at.selectbox(key="upload_priority").set_value("street-violence").run()
    assert not at.exception, [e.value for e in at.exception]
    label = _download_label(at)
    assert label.startswith(f"Download the return for {wording.period_aside(NEXT.code)} (")
    rows = int(label.rsplit("(", 1)[1].split(" ")[0])
    assert rows > 3, label  # SV01 is reported by area too


def test_a_lead_who_still_owes_a_return_is_told_it_is_overdue(app):
    at = _open(app)
    at.selectbox(key="upload_priority").set_value("modern-slavery").run()
    # MS02 has no figure for the latest quarter due: that lead still owes it.
    assert at.selectbox(key="upload_period_modern-slavery").value == D.latest_quarter.code
    late = calendar.Due(D.latest_quarter, calendar.due_date(D.latest_quarter, 45), True)
    assert late.sentence in [w.value for w in at.warning]


def _choose_upload(at, upload_id: int):
    next(s for s in at.selectbox if s.label == "Upload").set_value(upload_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _vv01_q3(path):
    return _query(
        path,
        "SELECT value FROM observation_current_detail "
        "WHERE indicator_code = 'VV01' AND period = ? AND area = 'all'",
        [D.correction_period.code],
    )


def test_undo_asks_first_names_the_upload_and_can_be_restored(fresh_app, fresh_db):
    at = _open(fresh_app)
    _choose_upload(at, 2)
    # It says whose upload it is and how many figures it withdraws, and waits for a yes.
    said = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.main.markdown))
    assert f"Undoing upload 2, {CORRECTION_FILE}, loaded by" in said
    assert ": 1 figure" in said
    go = at.button(key="undo_go")
    assert go.label == "Undo upload 2" and go.disabled
    at.checkbox(key="undo_sure_2").check().run()
    at.button(key="undo_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    messages = [s.value for s in at.success]
    assert len(messages) == 1 and messages[0].startswith(
        f"Upload 2 ({CORRECTION_FILE}) rolled back"
    ), messages

    at.run()
    history = _history(at).set_index("Upload")
    assert history.at[2, "State"] == "rolled back"
    assert history.at[1, "State"] == "committed"
    state, by = _query(fresh_db, "SELECT state, rolled_back_by FROM upload WHERE id = 2")[0]
    assert (state, by) == ("rolled back", "Ana Lyst (analyst)")
    assert _vv01_q3(fresh_db) == [(73.8,)]  # the first figure, before the correction to 74.1

    # An undone upload can be restored, with the same question first.
    _choose_upload(at, 2)
    assert at.button(key="undo_go").label == "Restore upload 2"
    at.checkbox(key="undo_sure_2").check().run()
    at.button(key="undo_go").click().run()
    assert [s.value for s in at.success][0].startswith(f"Upload 2 ({CORRECTION_FILE}) restored")
    assert _vv01_q3(fresh_db) == [(74.1,)]
    trail = _query(
        fresh_db,
        "SELECT change FROM audit_log WHERE entity = 'upload' AND entity_key = '2' ORDER BY id",
    )
    assert [c for (c,) in trail] == ["committed", "rolled back", "restored"]


def test_only_someone_who_may_undo_is_offered_it(fresh_app, fresh_db):
    # A lead is told whose upload it is and gets no button; a board member and nobody, no undo.
    at = _open(fresh_app, "street.violence.lead@demo.example")
    _choose_upload(at, 2)
    said = " ".join(i.value for i in at.info)
    assert "may undo or restore only their own uploads" in said
    assert "loaded by Service Manager, Victim Support (Devon)" in said
    assert not [b for b in at.button if b.key == "undo_go"]
    for email in ("board.member@demo.example", None):
        clear_caches()
        shown = _open(AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60), email)
        assert not [s for s in shown.selectbox if s.label == "Upload"], email
        assert not shown.get("file_uploader"), email
    assert _query(fresh_db, "SELECT id, state FROM upload ORDER BY id") == [
        (1, "committed"),
        (2, "committed"),
    ]
    value = _query(
        fresh_db,
        "SELECT value FROM observation_current_detail "
        "WHERE indicator_code = 'VV01' AND period = ? AND area = 'all'",
        [D.correction_period.code],
    )
    assert value == [(74.1,)]
