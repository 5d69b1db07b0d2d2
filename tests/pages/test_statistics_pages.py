"""SPC and "How we compare" on the pages (AppTest, the real router, the demo database)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows.demo import facts
from tests.pages.conftest import clear_caches
from tests.pages.test_pages import _run, _text

D = facts()  # where the demo's figures fall today


def test_indicator_page_shows_the_spc_chart_and_a_concern_icon(app):
    at = _run(app, "pages/indicator.py", indicator="HC02")
    text = _text(at)
    assert "Signal or noise (SPC)" in [h.value for h in at.header]
    # HC02's last six figures are all below the mean: its assurance says the limits are old
    assert "⬇ Concern (lower)" in text and "? Limits out of date" in text
    charts = [c for c in at.get("plotly_chart")]
    names = {t.get("name") for c in charts for t in __import__("json").loads(c.proto.spec)["data"]}
    assert {"Mean", "Process limits", "Special cause: concern"} <= names


def test_indicator_with_too_few_figures_says_why(app):
    at = _run(app, "pages/indicator.py", indicator="SV02")
    assert "Run chart only: Only 4 figures: limits and icons need 13." in _text(at)


def test_ghosted_and_recalculated_periods_are_named(app):
    text = _text(_run(app, "pages/indicator.py", indicator="DA03"))
    assert (
        f"{D.moved('2022-12')} is left out of the calculation: One-off national campaign week"
        in text
    )
    assert f"The mean and limits start again from {D.moved('2023-04')}." in text


def test_priority_table_shows_icons_beside_the_unchanged_rag(app):
    at = _run(app, "pages/priority.py", priority="hate-incidents")
    text = _text(at)
    assert "Signal or noise" in text and "⬇ Concern (lower)" in text
    assert "▲ Amber" in text  # HC02's RAG status is still amber: SPC sits beside it


def test_how_we_compare_shows_the_group_rank_and_intervals(app):
    at = _run(app, "pages/compare.py")
    text = _text(at)
    assert at.title[0].value == "How we compare"
    assert "Plymouth ranks" in text and "of 9" in text
    table = _figures(at)
    assert len(table["Compared"]) == 9 and set(table["Compared"]) <= {
        "Better", "Similar", "Worse", "Higher", "Lower",
        "Better (99.8%)", "Worse (99.8%)", "Higher (99.8%)", "Lower (99.8%)"}  # fmt: skip
    assert "Plymouth" in table["Area"]
    # Issue 17: one number of decimals a column ("45.4" beside "33.34" before)
    for column in ("Value", "95% interval"):
        decimals = {
            len(n.split(".")[1]) if "." in n else 0 for c in table[column] for n in c.split(" to ")
        }
        assert len(decimals) == 1, (column, table[column])
    at.selectbox(key="compare_polarity").set_value("lower").run()
    table = _figures(at)
    assert set(table["Compared"]) & {"Better (99.8%)", "Worse (99.8%)", "Better", "Worse"}


def _figures(at) -> dict[str, list[str]]:
    """The figures table's cells by column (an HTML table, one card a row on a phone)."""
    html = next(m.value for m in at.markdown if 'data-label="Compared"' in m.value)
    cells = re.findall(r'<td data-label="([^"]+)">(.*?)</td>', html)
    table: dict[str, list[str]] = {}
    for label, cell in cells:
        table.setdefault(label, []).append(cell.replace("&amp;", "&"))
    return table


def test_presentation_mode_shows_the_icons_beside_the_status(app):
    for screen in range(1, 10):
        text = _text(_run(app, "pages/present.py", screen=str(screen)))
        if (
            "Hate incidents against minority ethnic and faith communities" in text
            and "HC02" in text
        ):
            assert "⬇ Concern (lower)" in text and "▲ Amber" in text
            return
    pytest.fail("no presentation screen shows the hate incidents priority")


def test_sv03_says_its_limits_are_out_of_date_wherever_the_icon_shows(app):
    """Issue 17 finding 7: "✔ Green" beside "✗F Will consistently fail" explained, not asserted."""
    for page, params in (
        ("pages/indicator.py", {"indicator": "SV03"}),
        ("pages/priority.py", {"priority": "street-violence"}),
    ):
        text = _text(_run(app, page, **params))
        assert "✗F Limits out of date" in text, page
        assert 'title="Limits out of date: the ' in text, page  # the hover says why
    for screen in range(1, 10):
        text = _text(_run(app, "pages/present.py", screen=str(screen)))
        if "SV03" in text:
            assert "Limits out of date" in text
            return
    pytest.fail("no presentation screen shows SV03")


def _indicator_as(email: str | None) -> AppTest:
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    if email:
        at.session_state["demo_person"] = email
    return _run(at, "pages/indicator.py", indicator="SV03")


def test_an_analyst_recalculates_sv03_from_its_shift_and_a_board_member_cannot(fresh_db):
    board = _indicator_as("board.member@demo.example")
    assert "Limits out of date: the" in " ".join(w.proto.body for w in board.warning)
    assert not [b for b in board.button if "Recalculate" in b.label]
    assert "An analyst or an administrator can recalculate them" in _text(board)
    clear_caches()
    at = _indicator_as("analyst@demo.example")
    (button,) = [b for b in at.button if b.label.startswith("Recalculate the limits from")]
    at.text_input(key="recalculate_reason_SV03").set_value("Night-time economy team")
    button.click().run()
    assert not at.exception
    assert "now start again from" in " ".join(s.proto.body for s in at.success)
    assert "The mean and limits start again from" in _text(at)
    assert "limits out of date" not in _text(at).lower()
