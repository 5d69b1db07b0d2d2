"""Every page through the real router with Streamlit's AppTest, on the demo database.

Assertions are about what a board member reads: titles, statuses, figures.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from outcomes.rules import wording
from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows.demo import facts
from tests.pages.opening import run_page
from tests.unit.test_framework import SEVEN

D = facts()  # where the demo's figures fall today

PRIORITY_STATUS = {
    "Victims who are most vulnerable": "▲ Amber",
    "Reoffenders who cause the most harm": "✖ Red",
    "Violent street crime in Stonehouse, Devonport and the City Centre": "✔ Green",
    "Hate incidents against minority ethnic and faith communities": "▲ Amber",
    "Safety in people's homes": "✔ Green",
    "Unknown scale of modern slavery": "✖ Red",
    "Need to increase awareness about domestic abuse": "▲ Amber",
}


def _text(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown]
        + [h.value for h in at.header]
        + [c.value for c in at.caption]
    )
    parts += [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [e.proto.body for e in at.get("html")]
    return "\n".join(parts)


_run = run_page


def test_overview_shows_the_plan_on_a_page(app):
    at = _run(app)
    text = _text(at)
    assert at.title[0].value == "Safer Plymouth Partnership: our plan"
    assert "We want a community where people feel safe and secure." in text
    assert [h.value for h in at.header] == ["Individuals", "Communities", "Issues"]
    for title in SEVEN:
        assert f"#### {title}" in text, title
    # the tiles: 22 indicators, counted by status
    assert "22 indicators across 7 priorities" in text
    for fragment in ('class="n">13<', 'class="n">3<', 'class="n">2<', 'class="n">4<'):
        assert fragment in text


def test_overview_card_statuses_and_counts(app):
    at = _run(app)
    text = _text(at)
    # each card: its badge, then its title; check the badge precedes the title
    for title, badge in PRIORITY_STATUS.items():
        at_title = text.index(f"#### {title}")
        assert badge in text[max(0, at_title - 400) : at_title], title
    assert "✔ 0 Green" in text and "✖ 1 Red" in text and "○ 2 Not rated" in text  # modern slavery
    assert "✔ 3 Green" in text and "○ 1 Not rated" in text  # street violence: SV04 awaits police.uk


def test_overview_filters_by_status_tier_and_lead(app):
    at = _run(app)
    at.multiselect(key="f_status").set_value(["red"]).run()
    titles = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert titles == [
        "#### Reoffenders who cause the most harm",
        "#### Unknown scale of modern slavery",
    ]
    at.multiselect(key="f_status").set_value([]).run()
    at.multiselect(key="f_tier").set_value(["Issues"]).run()
    assert len([m for m in at.markdown if m.value.startswith("#### ")]) == 2
    at.multiselect(key="f_tier").set_value([]).run()
    at.multiselect(key="f_lead").set_value(["Devon and Somerset Fire and Rescue Service"]).run()
    assert [m.value for m in at.markdown if m.value.startswith("#### ")] == [
        "#### Safety in people's homes"
    ]
    at.multiselect(key="f_lead").set_value(["Devon and Somerset Fire and Rescue Service"]).run()
    at.multiselect(key="f_status").set_value(["red"]).run()
    assert any("No priority matches these filters" in i.value for i in at.info)
    assert not at.exception


def test_priority_page_four_columns_and_indicators(app):
    at = _run(app, "pages/priority.py", priority="harmful-reoffending")
    text = _text(at)
    assert at.title[0].value == "Reoffenders who cause the most harm"
    for heading in (
        "WE WILL (aim)",
        "SO THAT… (outputs)",
        "AND ULTIMATELY… (outcomes)",
        "WITH SUCCESS MEASURED BY… (indicators)",
    ):
        assert heading in text
    assert "Reduce reoffending amongst those likely to cause the most harm." in text
    assert "High harm reoffending falls." in text
    assert "✖ Red" in text
    # the indicators table: RO01 at 21.0% against a target of 18.0%, worsening
    assert "<strong>21.0%</strong>" in text and "18.0%" in text and "↘ worsening" in text
    assert "more than 5% worse than target" in text
    assert [s.value for s in at.subheader] == [
        "RO01: High harm reoffending rate",
        "RO02: Previous offenders with a positive attitude to avoiding reoffending",
        "RO03: High harm offenders engaged with Integrated Offender Management",
    ]
    assert len(at.get("plotly_chart")) == 3
    assert "Head of Probation Delivery Unit, Plymouth" in text


def test_priority_page_follows_the_selectbox(app):
    at = _run(app, "pages/priority.py", priority="safety-in-homes")
    assert at.title[0].value == "Safety in people's homes"
    at.selectbox[0].set_value("modern-slavery").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Unknown scale of modern slavery"
    text = _text(at)
    assert "latest figure is out of date" in text  # MS02
    assert "no target set" in text  # MS03


def test_a_link_to_a_priority_or_indicator_that_does_not_exist_says_so(app):
    """Never silently the first one: the page says what is missing and links to what exists."""
    at = _run(app, "pages/priority.py", priority="nope")
    assert [t.value for t in at.title] == ["There is no priority 'nope'"]
    links = at.main.get("page_link")  # the sidebar lists the pages too
    assert len(links) == 7  # one for each priority
    assert "Individuals: Victims who are most vulnerable" in [link.proto.label for link in links]
    assert "Priority" not in [s.label for s in at.selectbox] and not at.get("plotly_chart")
    at = _run(app, "pages/indicator.py", indicator="NOPE")
    assert [t.value for t in at.title] == ["There is no indicator 'NOPE'"]
    assert "SV01: Street violence in the three neighbourhoods" in [
        link.proto.label for link in at.main.get("page_link")
    ]


def test_indicator_page_definition_history_and_chart(app):
    at = _run(app, "pages/indicator.py", indicator="VV01")
    text = _text(at)
    assert at.title[0].value == "VV01: Vulnerable victims who say they feel safer and happier"
    assert "Higher is better" in text and "Quarterly" in text and "75.0%" in text
    assert f"66.0% ({wording.period_aside(D.moved('2021/22 Q1'))})" in text
    # The full history: an HTML table, one card a row on a phone (a grid cut cells short)
    history = next(m.value for m in at.markdown if 'class="ind cards"' in m.value)
    assert history.count("<tr>") == 1 + 16
    newest = history.split("<tbody><tr>", 1)[1].split("</tr>", 1)[0]
    assert f'<td data-label="Period">{wording.period(D.latest_quarter.code)}</td>' in newest
    assert '<td data-label="Status">✔ Green</td>' in newest
    assert '<td data-label="Source">' in newest
    assert len(at.get("plotly_chart")) == 2  # the trend and the SPC chart
    # the demo's correction is visible with the revision kept
    corrections = at.dataframe[0].value
    assert list(corrections["Value"]) == ["73.8%", "74.1%"]
    assert list(corrections["Revision"]) == [1, 2] and set(corrections["Area"]) == {"Whole area"}


def test_indicator_page_context_only_and_by_area(app):
    at = _run(app, "pages/indicator.py", indicator="HC03")
    text = _text(at)
    assert "○ Not rated" in text and "No judgement (context only)" in text
    at = _run(app, "pages/indicator.py", indicator="SV01")
    assert "By area" in [h.value for h in at.header]
    assert len(at.get("plotly_chart")) == 3  # trend, SPC chart, by area


def test_every_priority_and_indicator_page_renders(app, demo_framework):
    """No page of the demo raises, and each shows its own title and a status word."""
    for row in demo_framework["priority"].itertuples():
        at = _run(app, "pages/priority.py", priority=row.id)
        assert at.title[0].value == row.title
    for row in demo_framework["indicator"].itertuples():
        at = _run(app, "pages/indicator.py", indicator=row.code)
        assert at.title[0].value == f"{row.code}: {row.name}"
        assert any(word in _text(at) for word in ("✔ Green", "▲ Amber", "✖ Red", "○ Not rated"))


def test_typed_text_is_escaped_before_it_reaches_html(tmp_path, monkeypatch, copy_demo):
    """Framework wording is typed by people; it must never run as markup in the page."""
    from outcomes.storage.store import open_store

    path = copy_demo(tmp_path / "typed.duckdb")
    s = open_store(path)
    s.cursor().execute(
        "UPDATE partnership SET vision = '<img src=x onerror=alert(1)> Safe & sound'"
    )
    s.cursor().execute(
        "UPDATE priority SET aim = '<script>alert(2)</script>' WHERE id = 'street-violence'"
    )
    s.close()
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    try:
        text = _text(_run(at))
        assert "&lt;img src=x onerror=alert(1)&gt; Safe &amp; sound" in text
        assert "<img src=x" not in text
        text = _text(_run(at, "pages/priority.py", priority="street-violence"))
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text and "<script>alert" not in text
    finally:
        import streamlit as st

        st.cache_resource.clear()
        st.cache_data.clear()


def test_board_pack_is_one_click_from_the_sidebar(app):
    at = _run(app)
    at.radio(key="pack_format").set_value("xlsx").run()
    at.button(key="pack_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    buttons = [b for b in at.get("download_button") if "board pack" in b.proto.label]
    assert [b.proto.label for b in buttons] == ["Download the Excel board pack"]
