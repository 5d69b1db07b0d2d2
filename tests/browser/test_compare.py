"""'How we compare' and the SPC chart in headless Chromium, at the three sizes the board uses.
Screenshots land in test-artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1280, 720), "projector": (1920, 1080), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
def test_how_we_compare_draws_both_charts_and_the_table(page, app_server, wait_for_app, screenshot,
                                                        expect, size):  # fmt: skip
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_server}/compare")
    wait_for_app(page, "How we compare")
    expect(page.get_by_text("ranks", exact=False).first).to_be_visible()
    charts = page.locator('[data-testid="stPlotlyChart"] .main-svg')
    assert charts.count() >= 2  # caterpillar and funnel
    # our area is in bold on the caterpillar, and every group member has a row in the table
    assert page.locator('[data-testid="stPlotlyChart"] text', has_text="Plymouth").count() >= 1
    table = page.locator("table.cards")
    expect(table.locator("tbody tr")).to_have_count(9)
    # Issue 17: no cell cut short ("Lower (99.8…" in a grid at 1280), nothing scrolls sideways
    cut = page.evaluate(
        """() => [...document.querySelectorAll('table.cards td')]
               .filter(td => td.scrollWidth > td.clientWidth + 1).length"""
    )
    assert cut == 0
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)"
    )
    assert max(overflow) <= 1, overflow
    # nothing runs off the side of a phone
    overflow = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - window.innerWidth"
    )
    assert overflow <= 1, f"the page is {overflow}px wider than the {size} screen"
    screenshot(page, f"compare-{size}")


def test_indicator_spc_chart_marks_special_causes(page, app_server, wait_for_app, screenshot,
                                                  expect):  # fmt: skip
    page.goto(f"{app_server}/indicator?indicator=HC02")
    wait_for_app(page, "HC02: Hate incident reporters satisfied with the response")
    expect(page.get_by_text("Concern (lower)").first).to_be_visible()
    legend = page.locator('[data-testid="stPlotlyChart"] .legendtext')
    texts = {legend.nth(i).text_content() for i in range(legend.count())}
    assert {"Process limits", "Mean", "Special cause: concern"} <= texts
    screenshot(page, "indicator-spc-HC02")


def test_priority_table_shows_spc_icons_beside_the_status(page, app_server, wait_for_app,
                                                          screenshot, expect):  # fmt: skip
    page.goto(f"{app_server}/priority?priority=hate-incidents")
    wait_for_app(page)
    table = page.locator("table.ind")
    expect(table.locator("th", has_text="Signal or noise")).to_be_visible()
    row = table.locator("tr", has_text="HC02")
    expect(row.locator(".spcicon", has_text="Concern (lower)")).to_be_visible()
    expect(row.locator(".badge", has_text="Amber")).to_be_visible()  # the RAG is unchanged
    assert row.locator(".spcicon").first.get_attribute("title").startswith("The latest figure")
    screenshot(page, "priority-spc-icons", full_height=False)
