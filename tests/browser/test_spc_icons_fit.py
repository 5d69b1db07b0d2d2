"""Issue 17: the SPC icons, an out-of-date assurance included, fit the projector's status column
(measured in Chromium on every priority screen).

The priority screens are walked once from the keyboard, each measured at the size it was drawn
at and then resized to the other: a second walk would draw every screen again for nothing."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

SIZES = ((1920, 1080), (1280, 720))
_ICONS = """els => els.map(e => {
    const cell = e.closest('td').getBoundingClientRect();
    const icon = e.getBoundingClientRect();
    return {text: e.textContent, over: icon.right - cell.right,
            stale: e.classList.contains('stale')};
})"""


@pytest.fixture(scope="module")
def icons(blank_tab, app_server, wait_for_app, turn_to, each_size) -> dict[tuple, list]:
    """Every priority screen's icons at each size: {(width, height): [(screen, icons)]}."""
    width, height = SIZES[0]
    page = blank_tab(size={"width": width, "height": height})
    page.goto(f"{app_server}/present?screen=2")
    wait_for_app(page)
    found: dict[tuple, list] = {size: [] for size in SIZES}
    for screen in range(2, 10):
        if screen > 2:  # the next screen from the keyboard, not a new load of the dashboard
            turn_to(page, screen)
        if not page.locator(".present-table").count():  # the actions screen has none
            continue
        for size in each_size(page, SIZES):
            found[size].append(
                (screen, page.eval_on_selector_all(".present-table td .spcicon", _ICONS))
            )
    page.goto("about:blank")
    return found


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_spc_icon_stays_inside_its_status_cell(icons: Any, width, height):
    stale = 0
    for screen, overflows in icons[(width, height)]:
        stale += sum(o["stale"] for o in overflows)
        assert all(o["over"] <= 1 for o in overflows), (screen, overflows)
    assert stale, "the demo has assurance icons whose limits are out of date"
