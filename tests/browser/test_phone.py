"""A board member on a phone (390x844): the statuses and what changed since the last meeting
are on the first screen, and no table scrolls sideways."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(25_000)
    try:
        yield context.new_page()
    finally:
        context.close()


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
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # Nothing scrolls sideways.
    overflow = phone.evaluate(
        """() => [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert max(overflow) <= 1, overflow


def test_the_full_history_becomes_cards_and_wraps_on_a_laptop(
    phone, browser, app_server, wait_for_app, expect
):
    """Issue 17: the full history scrolled sideways on a phone, and cut "Source" short at
    1280x720."""
    phone.goto(f"{app_server}/indicator?indicator=SV01")
    wait_for_app(phone, h1="SV01: Street violence in the three neighbourhoods")
    card = phone.locator("table.cards").last.locator("tbody tr").first
    for label in ("Period", "Value", "Status", "Source"):
        expect(card.locator(f'td[data-label="{label}"]')).to_be_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    overflow = phone.evaluate(
        """() => [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert max(overflow) <= 1, overflow
    laptop = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = laptop.new_page()
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
    finally:
        laptop.close()


def test_the_uploads_so_far_show_every_column_at_1280(browser, app_server, wait_for_app, expect):
    """Issue 17: the uploads' grid hid its last columns (Unchanged, State) at 1280x720."""
    laptop = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = laptop.new_page()
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
    finally:
        laptop.close()
