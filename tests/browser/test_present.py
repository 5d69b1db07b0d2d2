"""Presentation mode in headless Chromium at projector sizes, on the demo data.

Screenshots land in test-artifacts/screenshots/present-*.png for a human to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SINCE = "Since the last meeting"
FIRST_PRIORITY = "Victims who are most vulnerable"
SECOND_PRIORITY = "Reoffenders who cause the most harm"
# Street violence has four indicators: three on its first screen, one on the next.
FOURTH_SCREEN = "Violent street crime in Stonehouse, Devonport and the City Centre, 1 of 2"
SIZES = ((1920, 1080), (1280, 720))


def _open(page: Any, app_server: str, wait_for_app: Any, query: str, h1: str) -> None:
    page.goto(f"{app_server}/present{query}")
    wait_for_app(page, h1=h1)


def _screen_in_url(page: Any) -> str | None:
    found = re.search(r"[?&]screen=(\d+)", page.url)
    return found.group(1) if found else None


def _button(page: Any, name: str) -> Any:
    return page.locator(".st-key-present_bar").get_by_role("button", name=name, exact=True)


def _px(page: Any, selector: str) -> list[float]:
    return page.eval_on_selector_all(
        selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )


def _bottom_of(page: Any, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().bottom")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screens_at_projector_sizes(
    at_sizes, app_server, wait_for_app, screenshot, expect, each_size, width, height
):
    def look(page: Any, sizes: tuple) -> None:
        _open(page, app_server, wait_for_app, "?screen=1", SINCE)
        for w, h in each_size(page, sizes):
            expect(page.locator(".present-count")).to_have_text("1 of 10")
            expect(page.get_by_text("No meeting has been recorded yet")).to_be_visible()
            expect(
                page.locator(".present-grid h2").filter(has_text="Returns overdue")
            ).to_be_visible()
            # Nothing but the content: no sidebar, no Streamlit header or toolbar.
            expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
            expect(page.locator('[data-testid="stHeader"]')).to_be_hidden()
            expect(page.locator('[data-testid="stToolbar"]')).to_be_hidden()
            assert page.locator("h1").first.bounding_box()["y"] < 140, (w, h)
            # Large type: every piece of body text at least 24 px, the heading larger still.
            body = _px(page, ".present p, .present li, .present td")
            assert body and min(body) >= 24, (w, h, body)
            # 40 px and up; 36 on a projector under 861 px tall, where two lines of title must fit
            assert _px(page, "h1")[0] >= (40 if h > 860 else 36), (w, h)
            screenshot(page, f"present-since-{w}x{h}", full_height=False)

        _open(page, app_server, wait_for_app, "?screen=3", SECOND_PRIORITY)
        for w, h in each_size(page, sizes):
            expect(page.locator(".present-count")).to_have_text("3 of 10")
            expect(page.locator(".present-status .badge.big")).to_have_text("✖ Red")
            expect(page.locator("table.present-table")).to_contain_text("RO01")
            expect(page.locator("table.present-table")).to_contain_text("↘ worsening")
            body = _px(page, ".present p, .present td")
            assert body and min(body) >= 24, (w, h, body)
            # The indicator list is above the fold, whatever the size.
            assert _bottom_of(page, "table.present-table") <= h, (
                f"indicators below the fold at {w}x{h}"
            )
            expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)
            screenshot(page, f"present-priority-{w}x{h}", full_height=False)
            if w == 1920:
                # On the big screen the charts fit as well: nothing to scroll.
                main_scroll = page.evaluate(
                    """() => { const m = document.querySelector('[data-testid="stMain"]');
                               return m.scrollHeight - m.clientHeight; }"""
                )
                assert main_scroll <= 4, (
                    f"the priority screen scrolls by {main_scroll}px at 1920x1080"
                )

    at_sizes("screens", (width, height), look)


def test_keyboard_moves_between_screens(page, app_server, wait_for_app, expect):
    _open(page, app_server, wait_for_app, "", SINCE)
    assert _screen_in_url(page) == "1"
    page.keyboard.press("ArrowRight")
    wait_for_app(page, h1=FIRST_PRIORITY)
    expect(page.locator(".present-count")).to_have_text("2 of 10")
    assert _screen_in_url(page) == "2"
    page.keyboard.press("ArrowLeft")
    wait_for_app(page, h1=SINCE)
    assert _screen_in_url(page) == "1"
    page.keyboard.press("PageDown")
    wait_for_app(page, h1=FIRST_PRIORITY)
    page.keyboard.press("Space")
    wait_for_app(page, h1=SECOND_PRIORITY)
    page.keyboard.press("PageUp")
    wait_for_app(page, h1=FIRST_PRIORITY)
    page.keyboard.press("End")
    wait_for_app(page, h1="Open actions")
    expect(page.locator(".present-count")).to_have_text("10 of 10")
    assert _screen_in_url(page) == "10"
    page.keyboard.press("Home")
    wait_for_app(page, h1=SINCE)
    assert _screen_in_url(page) == "1"


def test_next_and_previous_buttons(page, app_server, wait_for_app, expect):
    _open(page, app_server, wait_for_app, "?screen=2", FIRST_PRIORITY)
    _button(page, "Next").click()
    wait_for_app(page, h1=SECOND_PRIORITY)
    expect(page.locator(".present-count")).to_have_text("3 of 10")
    assert _screen_in_url(page) == "3"
    _button(page, "Previous").click()
    wait_for_app(page, h1=FIRST_PRIORITY)
    assert _screen_in_url(page) == "2"
    # A button that has focus: Space presses it once, never twice.
    _button(page, "Next").focus()
    page.keyboard.press("Space")
    wait_for_app(page, h1=SECOND_PRIORITY)
    page.wait_for_timeout(500)
    assert _screen_in_url(page) == "3"


def test_deep_link_and_home(page, app_server, wait_for_app, expect):
    _open(page, app_server, wait_for_app, "?screen=4", FOURTH_SCREEN)
    expect(page.locator(".present-count")).to_have_text("4 of 10")
    expect(page.locator(".present-status .badge.big")).to_have_text("✔ Green")
    _open(page, app_server, wait_for_app, "?screen=nonsense", SINCE)
    assert _screen_in_url(page) == "1"
    # Home goes back to the overview, and the sidebar and header come back with it.
    page.locator(".st-key-present_bar").get_by_role("link", name=re.compile("Home")).click()
    wait_for_app(page, h1="Safer Plymouth Partnership: our plan")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    # The keys do nothing away from presentation mode.
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    expect(page.locator("h1").first).to_have_text("Safer Plymouth Partnership: our plan")


def test_every_priority_fits_its_indicators_and_a_chart_on_screen_at_1280x720(
    page, app_server, wait_for_app, expect, turn_to
):
    """The smallest projector: each priority's status, indicator list and first chart are on
    screen without scrolling, and the story starts above the bottom edge."""
    page.goto(f"{app_server}/present?screen=2")
    wait_for_app(page)
    for screen in range(2, 10):
        if screen > 2:  # the next screen from the keyboard, not a new load of the dashboard
            turn_to(page, screen)
        expect(page.locator(".present-count")).to_have_text(f"{screen} of 10")
        bottom = _bottom_of(page, "table.present-table")
        assert bottom <= 720, f"screen {screen}: the indicators end at {bottom}px"
        if screen == 5:  # street violence continued: SV04 alone, which has no figures to chart
            expect(page.locator("table.present-table")).to_contain_text("SV04")
            expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
            continue
        chart = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
        assert chart and chart["y"] >= 0 and chart["y"] + chart["height"] <= 720, (screen, chart)
        assert _bottom_of(page, ".present-status") <= 200
        story = page.locator(".present-story.present-short")
        expect(story).to_be_visible()
        assert story.bounding_box()["y"] < 720, f"screen {screen}: the story starts below the edge"
        expect(page.locator(".present-story.present-tall")).to_be_hidden()
