"""The agenda's links ("Since the last meeting" on the plan on a page) open inside the app.

Followed by the browser, each link was a new page load and a new session, which forgot the
demo's "sign in as" choice; and an overdue action's reference opened its priority, not the
action. Now a link to one of the app's pages opens in the same session (ui/router.py), and
"A1" opens the actions log with that action shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.server import serve_fresh_demo

pytestmark = pytest.mark.browser

WHO = "Ana Lyst (analyst)"


def _overdue_action(cur) -> None:
    from outcomes.storage.people import SYSTEM
    from outcomes.workflows import meetings

    reference = meetings.add_action(
        cur,
        by=SYSTEM,
        text="Report the night-time economy patrol results",
        owner="Sam Okafor",
        due_date=date.today() - timedelta(days=7),
        priority_id="street-violence",
    )
    assert reference == "A1"


@pytest.fixture(scope="module")
def agenda_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory, demo_built: Path
) -> Iterator[str]:
    """The demo, with action A1 for street violence a week overdue (the demo has no actions)."""
    with serve_fresh_demo(
        tmp_path_factory.mktemp("browser-agenda-links"), demo_built, _overdue_action
    ) as base:
        yield base


def _still_signed_in(page, expect) -> None:
    expect(page.get_by_text(f"Demo sign-in: acting as {WHO}")).to_be_visible()
    # The same page load: a marker set on the window before the click is still there.
    assert page.evaluate("() => window.__agendaTest") == "same page load"


def test_the_demo_sign_in_survives_the_agenda_links_and_a1_opens_the_action(
    page, agenda_server, wait_for_app, demo_sign_in, expect, screenshot
):
    page.goto(f"{agenda_server}/")
    wait_for_app(page)
    demo_sign_in(page, WHO)
    page.evaluate("() => { window.__agendaTest = 'same page load'; }")
    agenda = page.locator(".agenda")

    # MS02's return is overdue (SV04, worked out from police.uk, is nobody's return to send)
    agenda.get_by_role("link", name=re.compile(r"^MS02\b")).first.click()
    wait_for_app(page, h1="Unknown scale of modern slavery")
    assert re.search(r"/priority\?priority=modern-slavery#ms02$", page.url), page.url
    _still_signed_in(page, expect)

    page.go_back()
    wait_for_app(page)
    agenda.get_by_role("link", name="A1", exact=True).first.click()
    wait_for_app(page, h1="Meetings and actions")
    assert re.search(r"/meeting\?action=A1#actions$", page.url), page.url
    shown = page.locator(".st-key-action_shown")
    expect(shown).to_contain_text("Action A1")
    expect(shown).to_contain_text("overdue")
    expect(shown).to_be_in_viewport()  # the page opens at the actions log (#actions)
    _still_signed_in(page, expect)
    for width, height in ((1280, 720), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shown.scroll_into_view_if_needed()
        expect(shown).to_be_visible()
        screenshot(page, f"agenda-link-action-{width}x{height}", full_height=False)
