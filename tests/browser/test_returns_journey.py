"""A lead's quarter without Excel, on a phone (390x844), through a real OpenID Connect provider:
the link to "Your returns" survives sign-in, the lead types the figures, a slip is refused in
words, fixed, confirmed; the return waits for approval; the approver approves; only then does the
board's indicator page show the figure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.server import oidc_provider, serve_signed_in, sign_in_with_provider
from tests.returns import LEAD_EMAIL, LEAD_PRIORITY, approval_on, withhold_latest_quarter

pytestmark = pytest.mark.browser

LEAD_NAME = "Sam Lead"
APPROVER = "analyst@demo.example"
APPROVER_NAME = "Ana Lyst"
PHONE = {"width": 390, "height": 844}
FIGURE = "4321"  # SV01's figure for the quarter: far from any figure the demo holds


@pytest.fixture(scope="module")
def journey_server(chromium_path: str, tmp_path_factory, copy_demo) -> Iterator[dict[str, Any]]:
    """The demo before the lead sends the latest quarter, approval of returns on, served with
    sign-in through a provider that knows the lead and the analyst."""
    from outcomes.workflows.typed_returns import returns_link
    from tests.copies import written

    work = tmp_path_factory.mktemp("browser-returns")
    quarter: list[str] = []

    def prepare(cur) -> None:
        quarter.append(withhold_latest_quarter(cur))
        approval_on(cur)

    db = written(copy_demo(work / "outcomes.duckdb"), prepare)
    people = [(LEAD_EMAIL, LEAD_NAME), (APPROVER, APPROVER_NAME)]
    with oidc_provider(people) as provider, serve_signed_in(work, db, provider) as base:
        yield {"base": base, "link": "/" + returns_link(LEAD_PRIORITY, quarter[0])}


@pytest.fixture
def phone(page: Any) -> Any:
    """The session's blank tab (``page``) on a phone-sized screen."""
    page.set_viewport_size(PHONE)
    return page


def _figures(page: Any):
    return page.locator('input[aria-label^="Figure for"]')


def test_a_lead_types_the_quarter_on_a_phone_and_the_board_sees_it_once_approved(
    journey_server, phone, blank_tab, wait_for_app, expect, screenshot
):
    base, link = journey_server["base"], journey_server["link"]
    page = phone
    sign_in_with_provider(page, base, LEAD_EMAIL, wait_for_app, expect, path=link)
    wait_for_app(page, h1="Your returns")
    assert page.url == f"{base}{link}"  # the reminder's link, kept through the sign-in
    expect(page.get_by_text("is overdue")).to_be_visible()
    boxes = _figures(page)
    assert boxes.count() >= 5
    for i in range(boxes.count()):
        boxes.nth(i).fill("300")
    boxes.nth(0).fill("lots")
    page.get_by_role("button", name="Check and preview").click()
    wait_for_app(page, h1="Your returns")
    expect(page.get_by_text(re.compile(r"'lots' is not a number")).first).to_be_visible()
    expect(page.get_by_text("1 problem to put right")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and send")).to_have_count(0)
    screenshot(page, "returns-refused-390x844")

    _figures(page).nth(0).fill(FIGURE)
    page.get_by_role("button", name="Check and preview").click()
    wait_for_app(page, h1="Your returns")
    expect(page.get_by_text("problem to put right")).to_have_count(0)
    expect(page.get_by_text(re.compile("waits for approval by an analyst"))).to_be_visible()
    accept = page.get_by_text("I have checked the warnings and these figures are right")
    if accept.count():
        accept.click()
        wait_for_app(page, h1="Your returns")
    page.get_by_role("button", name="Confirm and send").click()
    wait_for_app(page, h1="Your returns")
    expect(page.get_by_text(re.compile(r"Sent as upload \d+.*waits for approval"))).to_be_visible()
    screenshot(page, "returns-sent-390x844")

    # Not on the board's pages while it waits.
    page.goto(f"{base}/indicator?indicator=SV01")
    wait_for_app(page, h1=re.compile("SV01"))
    expect(page.get_by_text(re.compile(r"4,321"))).to_have_count(0)

    # The approver on a phone of their own: a tab whose cookies are cleared, so their own
    # sign-in (a tab of the session's browser, whose scripts are compiled already; a browser
    # of their own cost a cold first page). The lead's session is done with from here.
    approver = blank_tab("approver", PHONE)
    sign_in_with_provider(approver, base, APPROVER, wait_for_app, expect, path="/returns")
    wait_for_app(approver, h1="Your returns")
    expect(approver.get_by_text("Waiting for your approval")).to_be_visible()
    approver.get_by_role("button", name="Approve").click()
    wait_for_app(approver, h1="Your returns")
    expect(approver.get_by_text(re.compile("the board sees its figures now"))).to_be_visible()
    screenshot(approver, "returns-approved-390x844")
    approver.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(approver, h1="Your returns")
    screenshot(approver, "returns-approver-1280x720")

    # Now on the board's page (the approver's is the one signed-in tab left).
    approver.goto(f"{base}/indicator?indicator=SV01")
    wait_for_app(approver, h1=re.compile("SV01"))
    expect(approver.get_by_text(re.compile(r"4,321")).first).to_be_visible()
