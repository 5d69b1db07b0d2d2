"""Issue 17: the SPC icons, an out-of-date assurance included, fit the projector's status column
(measured in Chromium on every priority screen)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = ((1920, 1080), (1280, 720))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_spc_icon_stays_inside_its_status_cell(
    page, app_server, wait_for_app, turn_to, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_server}/present?screen=2")
    wait_for_app(page)
    stale = 0
    for screen in range(2, 10):
        if screen > 2:  # the next screen from the keyboard, not a new load of the dashboard
            turn_to(page, screen)
        if not page.locator(".present-table").count():  # the actions screen has none
            continue
        overflows = page.eval_on_selector_all(
            ".present-table td .spcicon",
            """els => els.map(e => {
                const cell = e.closest('td').getBoundingClientRect();
                const icon = e.getBoundingClientRect();
                return {text: e.textContent, over: icon.right - cell.right,
                        stale: e.classList.contains('stale')};
            })""",
        )
        stale += sum(o["stale"] for o in overflows)
        assert all(o["over"] <= 1 for o in overflows), (screen, overflows)
    assert stale, "the demo has assurance icons whose limits are out of date"
