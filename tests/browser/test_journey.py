"""A board member's journey through the real dashboard, in headless Chromium, on the demo data.

Screenshots land in test-artifacts/screenshots/ for a human to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from outcomes.rules import wording
from outcomes.workflows.demo import facts

D = facts()  # where the demo's figures fall today

pytestmark = pytest.mark.browser

TITLE = "Safer Plymouth Partnership: our plan"
TIERS = ("Individuals", "Communities", "Issues")
# Priority id, title and its demo status badge, in the order of the plan on a page.
PRIORITIES = (
    ("vulnerable-victims", "Victims who are most vulnerable", "▲ Amber"),
    ("harmful-reoffending", "Reoffenders who cause the most harm", "✖ Red"),
    (
        "street-violence",
        "Violent street crime in Stonehouse, Devonport and the City Centre",
        "✔ Green",
    ),
    ("hate-incidents", "Hate incidents against minority ethnic and faith communities", "▲ Amber"),
    ("safety-in-homes", "Safety in people's homes", "✔ Green"),
    ("modern-slavery", "Unknown scale of modern slavery", "✖ Red"),
    ("domestic-abuse", "Need to increase awareness about domestic abuse", "▲ Amber"),
)
FOUR_COLUMNS = (
    "WE WILL (aim)",
    "SO THAT… (outputs)",
    "AND ULTIMATELY… (outcomes)",
    "WITH SUCCESS MEASURED BY… (indicators)",
)
PLOTLY = '[data-testid="stPlotlyChart"] .js-plotly-plot, .js-plotly-plot'


def priority_card(page: Any, title: str) -> Any:
    """The bordered card on the overview holding this priority's heading: the heading's nearest
    enclosing Streamlit block (a bordered ``st.container`` is one)."""
    heading = page.get_by_role("heading", name=title, exact=True)
    return heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")


def fact(page: Any, label: str) -> Any:
    """One of the indicator page's facts: a paragraph that starts with the label in bold."""
    return page.locator("p").filter(has=page.locator("strong", has_text=re.compile(rf"^{label}$")))


_shown: dict[str, Any] = {}


@pytest.fixture
def overview(blank_tab: Any, app_server: str, wait_for_app: Any) -> Any:
    """The session's tab (``page``'s) on the plan on a page: as the last test left it, if it
    is still there (a board member reads the plan, then opens a priority from it), else
    loaded afresh. One load where there were two; the same tab, whose scripts are warm."""
    tab = _shown.get("tab")
    if tab is None or tab.is_closed() or tab.url.rstrip("/") != app_server:
        tab = _shown["tab"] = blank_tab("page")
        tab.goto(f"{app_server}/")
        wait_for_app(tab, h1=TITLE)
    return tab


def test_deep_link_to_a_context_only_indicator(page, app_server, wait_for_app, screenshot, expect):
    """First in this file on purpose: with the session's fresh server, this bookmark is the first
    page anyone opens, the case where Streamlit's legacy ``pages/`` mode could bypass the router."""
    page.goto(f"{app_server}/indicator?indicator=HC03")
    wait_for_app(page, h1=re.compile(r"^HC03: "))
    expect(page.locator(".badge.big").first).to_have_text("○ Not rated")
    # Served through the router in dashboard.py: its sidebar and its style are there too.
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Status key:")
    expect(page.locator(".badge.big").first).to_have_css("border-top-width", "2px")
    assert re.search(r"[?&]indicator=HC03(&|$)", page.url), page.url
    expect(fact(page, "Polarity")).to_have_text(
        re.compile(r"^Polarity\s*No judgement \(context only\)$")
    )
    screenshot(page, "indicator-HC03-deep-link-1280x720")


def test_overview_shows_every_priority_with_its_status(overview, screenshot, expect):
    page = overview

    # The vision folds away under its first sentence, a click from view.
    expect(page.locator(".st-key-vision")).to_contain_text("Our vision: We want a community")
    page.locator(".st-key-vision summary").click()
    expect(page.locator(".vision")).to_contain_text("Our vision.")
    for tier in TIERS:
        expect(page.locator("h2").filter(has_text=re.compile(rf"^\s*{tier}\s*$"))).to_be_visible()
    for _id, title, badge in PRIORITIES:
        card = priority_card(page, title)
        expect(card.get_by_role("heading", name=title)).to_be_visible()
        expect(card.locator(".badge").first).to_have_text(badge)
        link = card.get_by_role("link", name="Open this priority")
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("href", re.compile(rf"priority={re.escape(_id)}$"))
    expect(page.get_by_role("link", name="Open this priority")).to_have_count(len(PRIORITIES))
    screenshot(page, "overview-1280x720")


def test_journey_overview_to_priority_to_indicator(overview, wait_for_app, screenshot, expect):
    page = overview

    title = "Reoffenders who cause the most harm"
    priority_card(page, title).get_by_role("link", name="Open this priority").click()
    page.wait_for_url(re.compile(r"[?&]priority=harmful-reoffending(&|$)"))
    wait_for_app(page, h1=title)
    assert "priority=harmful-reoffending" in page.url
    for heading in FOUR_COLUMNS:
        expect(page.locator(".fourcol h2").filter(has_text=heading)).to_be_visible()
    expect(page.locator(".badge.big").first).to_have_text("✖ Red")
    expect(page.locator(PLOTLY).first).to_be_visible()
    expect(page.locator(PLOTLY).first.locator("svg.main-svg").first).to_be_attached()
    screenshot(page, "priority-harmful-reoffending-1280x720")

    page.get_by_role("link", name="Full history and definition").first.click()
    page.wait_for_url(re.compile(r"[?&]indicator=RO01(&|$)"))
    wait_for_app(page, h1=re.compile(r"^RO01"))
    expect(page.locator("h1").first).to_have_text(re.compile(r"^RO01: "))
    expect(fact(page, "Polarity")).to_have_text(
        re.compile(r"^Polarity\s*(Higher|Lower) is better$")
    )
    expect(page.locator("h2").filter(has_text="Full history")).to_be_visible()
    expect(page.locator("table.cards").last).to_contain_text(wording.period(D.latest_quarter.code))
    expect(page.locator("h2").filter(has_text="Trend")).to_be_visible()
    expect(page.locator(PLOTLY).first).to_be_visible()
    screenshot(page, "indicator-RO01-1280x720")


def test_overview_fits_a_phone(page, app_server, wait_for_app, screenshot, expect):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_server}/")
    wait_for_app(page, h1=TITLE)
    for _id, title, badge in PRIORITIES:
        expect(page.get_by_role("heading", name=title)).to_be_attached()
        expect(priority_card(page, title).locator(".badge").first).to_have_text(badge)

    widths = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                  return {page: document.documentElement.scrollWidth,
                          main: m.scrollWidth, mainVisible: m.clientWidth}; }"""
    )
    screenshot(page, "overview-phone-390x844")
    assert widths["page"] <= 390 + 2, f"the page scrolls sideways on a phone: {widths}"
    assert widths["main"] <= widths["mainVisible"] + 2, (
        f"the main content scrolls sideways on a phone: {widths}"
    )


def test_priority_heading_reads_on_a_projector(page, app_server, wait_for_app, screenshot, expect):
    title = "Violent street crime in Stonehouse, Devonport and the City Centre"
    page.goto(f"{app_server}/priority?priority=street-violence")
    wait_for_app(page, h1=title)
    size = page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    screenshot(page, "priority-street-violence-projector-1280x720", full_height=False)
    assert size >= 32, (
        f"the priority title is {size}px: too small to read from the back of the room"
    )
