"""A board member on a phone (390x844): the statuses and what changed since the last meeting
are on the first screen, and no table scrolls sideways."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}


@pytest.fixture
def phone(page):
    """The session's tab (``page``), made a phone's size before anything is opened in it."""
    page.set_viewport_size(PHONE)
    return page


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on the page"
    return box


def test_statuses_and_since_the_last_meeting_on_the_first_screen(
    phone, app_server, wait_for_app, expect
):
    phone.goto(app_server)
    wait_for_app(phone, h1="Safer Plymouth Partnership: our plan")
    tiles = _box(phone, ".tiles")
    assert tiles["y"] + tiles["height"] <= PHONE["height"], tiles
    # Every priority's status, a line each.
    glance = phone.locator(".glance li")
    expect(glance).to_have_count(7)
    last = glance.nth(6).bounding_box()
    assert last["y"] + last["height"] <= PHONE["height"], last
    expect(glance.nth(0)).to_contain_text("Victims who are most vulnerable")
    # Issue 17: each priority's name whole (a long one wraps), never cut with "…"
    cut = phone.evaluate(
        "() => [...document.querySelectorAll('.glance li')].map(e => e.scrollWidth - e.clientWidth)"
    )
    assert max(cut) <= 1, cut
    # Since the last meeting: its heading and its counts.
    counts = _box(phone, ".st-key-since_last_meeting .counts")
    assert counts["y"] + counts["height"] <= PHONE["height"], counts
    # The vision is folded away, a click from view.
    vision = phone.locator(".st-key-vision")
    expect(vision).to_contain_text("Our vision")
    expect(phone.locator(".vision")).to_be_hidden()
    vision.locator("summary").click()
    expect(phone.locator(".vision")).to_be_visible()


def test_the_indicator_table_becomes_cards(phone, app_server, wait_for_app, expect):
    phone.goto(f"{app_server}/priority?priority=vulnerable-victims")
    wait_for_app(phone, h1="Victims who are most vulnerable")
    table = phone.locator("table.cards").first
    expect(table.locator("thead")).to_be_hidden()
    card = table.locator("tbody tr").first
    for label in ("Latest", "Target", "Baseline", "Direction"):
        expect(card.locator(f'td[data-label="{label}"]')).to_be_visible()
    _fits(phone, card)


def _fits(phone, card) -> None:
    """The card lies within the phone's width, and nothing scrolls sideways."""
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    overflow = phone.evaluate(
        """() => [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert max(overflow) <= 1, overflow


# Each chart's x-axis labels as boxes on the page (plotly draws them as <text> in .xtick).
_TICKS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart =>
  [...chart.querySelectorAll('.xtick text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  }))"""


def _overlapping(ticks: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(ticks)
        for b in ticks[i + 1 :]
        if a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5
    ]  # fmt: skip


@pytest.mark.parametrize("path", ["priority?priority=street-violence", "indicator?indicator=SV01"])
def test_chart_axis_labels_never_run_together_on_a_phone(phone, app_server, wait_for_app, path):
    """Issue 17: at 390 px the periods along a chart's bottom stand apart (fewer, or on end),
    and read as words ("Q3 22/23"), not codes ("2022/23 Q3")."""
    import re

    phone.goto(f"{app_server}/{path}")
    wait_for_app(phone)
    charts = phone.evaluate(_TICKS)
    assert charts and all(charts), "no chart with axis labels on the page"
    for ticks in charts:
        assert not _overlapping(ticks), [t["text"] for t in ticks]
        codes = [t["text"] for t in ticks if re.fullmatch(r"\d{4}/\d{2} Q\d", t["text"])]
        assert not codes, codes


def test_the_full_history_becomes_cards_and_wraps_on_a_laptop(
    phone, app_server, wait_for_app, expect
):
    """Issue 17: the full history scrolled sideways on a phone, and cut "Source" short at
    1280x720."""
    phone.goto(f"{app_server}/indicator?indicator=SV01")
    wait_for_app(phone, h1="SV01: Street violence in the three neighbourhoods")
    card = phone.locator("table.cards").last.locator("tbody tr").first
    for label in ("Period", "Value", "Status", "Source"):
        expect(card.locator(f'td[data-label="{label}"]')).to_be_visible()
    _fits(phone, card)
    # Then a laptop opens the same page afresh (the viewport set before the page is loaded).
    page = phone
    page.set_viewport_size(LAPTOP)
    page.goto(f"{app_server}/indicator?indicator=SV01")
    wait_for_app(page, h1="SV01: Street violence in the three neighbourhoods")
    # every cell is whole: none is wider than its column (nothing cut with "…")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('table.cards td')]
               .filter(td => td.scrollWidth > td.clientWidth + 1).length"""
    )
    assert cut == 0
    source = page.locator("table.cards").last.locator('td[data-label="Source"]').first
    expect(source).to_contain_text("demo data")


def test_the_uploads_so_far_show_every_column_at_1280(page, app_server, wait_for_app, expect):
    """Issue 17: the uploads' grid hid its last columns (Unchanged, State) at 1280x720."""
    page.goto(f"{app_server}/upload")
    wait_for_app(page, h1="Quarterly return")
    table = page.locator("table.cards").last
    expect(table.locator("th").last).to_have_text("State")
    edge = page.evaluate("() => window.innerWidth")
    for cell in (table.locator("th").last, table.locator("td").last):
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= edge + 1, (box, edge)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('table.cards td, table.cards th')]
               .filter(td => td.scrollWidth > td.clientWidth + 1).length"""
    )
    assert cut == 0
