"""Presentation mode through the real router with Streamlit's AppTest, on the demo database.

The demo has seven priorities, so ten screens: since the last meeting, seven priorities in plan
order (street violence's four indicators over two screens, three to a screen), and the open
actions.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows.demo import facts
from tests.pages.conftest import after_a_meeting
from tests.pages.opening import run_page
from tests.unit.test_framework import SEVEN

D = facts()  # where the demo's figures fall today

PAGE = "pages/present.py"
PLAN_ORDER = tuple(SEVEN)  # the demo's priorities, in the plan's order


@pytest.fixture
def app(demo_db_file, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_db_file))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    yield at
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def met_app(demo_db_file, tmp_path, monkeypatch):
    """The demo after a board meeting: one status overridden since, a blockage escalated by
    its lead, and two open actions, one of them overdue. Typed text carries markup to escape."""
    path = tmp_path / "met.duckdb"
    after_a_meeting(demo_db_file, path)
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    yield at
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [e.proto.body for e in at.get("html")]
    return "\n".join(parts)


def _open(at: AppTest, **params: str) -> AppTest:
    return run_page(at, PAGE, **params)


def _screen(at: AppTest) -> str:
    value = at.query_params.get("screen")
    return value[0] if isinstance(value, list) else value


def test_screen_one_is_since_the_last_meeting(app):
    at = _open(app)
    text = _text(at)
    assert at.title[0].value == "Since the last meeting"
    assert ">1 of 10<" in text
    assert _screen(at) == "1"
    # The demo has no meeting: the screen says so and still lists what is overdue.
    assert "No meeting has been recorded yet" in text
    assert "Returns overdue" in text and "MS02" in text
    assert "Actions overdue" in text and "No action is overdue." in text
    assert at.button(key="present_prev").disabled
    assert not at.button(key="present_next").disabled


def test_a_priority_screen_by_its_url(app):
    at = _open(app, screen="3")
    text = _text(at)
    assert at.title[0].value == "Reoffenders who cause the most harm"
    assert ">3 of 10<" in text
    assert "Individuals tier · Lead: Probation Service (Devon and Torbay)" in text
    for heading in ("We will", "So that…", "And ultimately…", "Measured by…"):
        assert heading in text
    # RO01: red, 21.0% against a target of 18.0%, worsening; every badge says its word.
    assert "✖ Red" in text and "<strong>21.0%</strong>" in text and ">18.0%<" in text
    assert "↘ worsening" in text
    # Space is short: two trend charts, the worst indicator's first.
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert "<strong>RO01</strong>" in text


def test_every_priority_in_plan_order(app):
    at = _open(app)
    headings = [t if t != PLAN_ORDER[2] else f"{t}, 1 of 2" for t in PLAN_ORDER]
    headings.insert(3, f"{PLAN_ORDER[2]}, 2 of 2")
    for i, title in enumerate(headings, start=2):
        at.query_params["screen"] = str(i)
        at.run()
        assert not at.exception
        assert at.title[0].value == title
    at.query_params["screen"] = "10"
    at.run()
    assert at.title[0].value == "Open actions"
    assert ">10 of 10<" in _text(at)
    assert "No open actions are recorded." in _text(at)
    assert at.button(key="present_next").disabled


def test_next_and_previous_buttons_move_and_update_the_url(app):
    at = _open(app)
    at.button(key="present_next").click().run()
    assert at.title[0].value == PLAN_ORDER[0]
    assert ">2 of 10<" in _text(at)
    assert _screen(at) == "2"
    at.button(key="present_next").click().run()
    assert at.title[0].value == PLAN_ORDER[1]
    at.button(key="present_prev").click().run()
    assert at.title[0].value == PLAN_ORDER[0]
    assert _screen(at) == "2"
    at.button(key="present_last").click().run()
    assert at.title[0].value == "Open actions"
    at.button(key="present_first").click().run()
    assert at.title[0].value == "Since the last meeting"


@pytest.mark.parametrize("bad", ["0", "11", "three", "-2", ""])
def test_an_invalid_screen_falls_back_to_one(app, bad):
    at = _open(app, screen=bad)
    assert at.title[0].value == "Since the last meeting"
    assert ">1 of 10<" in _text(at)
    assert _screen(at) == "1"


def test_since_the_last_meeting_after_a_meeting(met_app):
    at = _open(met_app)
    text = _text(at)
    assert "Last meeting: <strong>15 May 2025</strong>" in text
    # VV01 was green at the meeting and is red now: both badges, in words, and "worse".
    assert "<strong>VV01</strong>" in text and "↘ worse" in text
    changes = text[text.index("Status changes") : text.index("Blockages escalated")]
    assert changes.index("✔ Green") < changes.index("→") < changes.index("✖ Red")
    assert "No trainer funded for &lt;2025/26&gt;." in text
    assert "DCI &lt;Modern Slavery&gt;" in text
    assert "Find funding for modern slavery training &lt;urgently&gt;." in text
    assert "<urgently>" not in text and "<2025/26>" not in text
    assert "31 January 2025" in text


def test_a_priority_screen_shows_both_statuses_the_story_and_the_blockage(met_app):
    at = _open(met_app, screen="2")
    text = _text(at)
    table = text[text.index("present-table") : text.index("</table>")]
    # VV01 is overridden to red: the board's status, then the computed one and that a reason
    # was given (the reason itself is on the priority page).
    row = table.rindex("<tr>", 0, table.index("<strong>VV01</strong>"))  # its row, icons and all
    vv01 = table[row : table.index("<strong>VV02</strong>")]
    assert "✖ Red" in vv01 and "Overridden with a reason: computed ✔ Green" in vv01
    assert "The story" in text and "Survey sample too small this quarter." in text
    assert "(VV01, Victim Services Lead," in text
    assert "⚑ Blockage" not in text
    at = _open(met_app, screen="8")
    text = _text(at)
    assert "⚑ Blockage" in text and "No trainer funded for &lt;2025/26&gt;." in text
    assert "Training places cut." in text


def test_a_long_story_is_cut_to_what_a_screen_holds():
    from ui import markup

    note = {"narrative": "word " * 11000, "author": "Lead", "created_at": "2025-05-01",
            "blockage": True, "blockage_detail": "blocked " * 7000}  # fmt: skip
    html = markup.render(
        "present_story.html",
        story={"code": "VV01", "note": note},
        blockages=[{"code": "VV01", "note": note}],
        limit=180,
        where="present-short",
    )
    assert len(html) < 1200 and html.count("…") == 2, html


def test_open_actions_screen(met_app):
    at = _open(met_app, screen="10")
    text = _text(at)
    assert at.title[0].value == "Open actions"
    assert "2 open · 1 overdue" in text
    # Overdue said in a word, not only a colour; the priority named by its title.
    assert "<strong>Overdue</strong>" in text and "<strong>Open</strong>" in text
    assert "Unknown scale of modern slavery" in text
    assert text.index("A1") < text.index("A2")


def test_typed_text_is_escaped(app, demo_db_file):
    """Framework and commentary wording is typed by people: it must never become markup."""
    from ui import present

    detail = {
        "aim": "<script>alert(1)</script>",
        "outputs": "a & b",
        "outcomes": "x",
        "success_measures": "y",
    }
    html = present.four_columns_html(detail)
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
