"""Every page of the demo at the three sizes the board uses, saved as full-page screenshots.

test-artifacts/screens/<page>-<width>x<height>.png, for a person to look at: the projector
(1280x720, 1920x1080) and a phone (390x844). Each page must render without an error box.
Every page is opened once for the projector and saved at the size it was drawn at, then
resized to the other projector size and saved again (resizing a drawn page is what a
projector's window does; a second load costs as much as the first); the phone opens each page at its own size (Streamlit folds the sidebar away
for a narrow window only as the page loads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
SIZES = ((1280, 720), (1920, 1080), (390, 844))
PAGES = (
    ("overview", "/"),
    ("priority", "/priority?priority=street-violence"),
    ("indicator", "/indicator?indicator=SV01"),
    ("upload", "/upload"),
    ("meeting", "/meeting"),
    ("present-1", "/present?screen=1"),
    ("present-2", "/present?screen=2"),
    ("compare", "/compare"),
)
# Streamlit's boxes for an uncaught exception and for st.error.
FAILURES = '[data-testid="stException"], [data-testid="stAlertContentError"]'


# The sizes saved from one load of each page: a projector's two, then a phone's.
LOADS = (((1280, 720), (1920, 1080)), ((390, 844),))


@pytest.fixture(scope="module")
def failures(blank_tab, app_server, wait_for_app, settle, each_size) -> Any:
    """``failures((width, height))``: the pages that showed an error at that size (each
    page's screenshots saved), from one load of each page for all of its load's sizes."""
    found: dict[tuple[int, int], list[str]] = {}

    def at(size: tuple[int, int]) -> list[str]:
        if size not in found:
            sizes = next(load for load in LOADS if size in load)
            found.update(_every_page(blank_tab, app_server, wait_for_app, settle, each_size, sizes))
        return found[size]

    return at


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_every_page_at_every_size(failures, width, height) -> None:
    failed = failures((width, height))
    assert not failed, "pages showing an error:\n" + "\n".join(failed)


def _every_page(
    blank_tab: Any, app_server: str, wait_for_app: Any, settle: Any, each_size: Any, sizes: tuple
) -> dict[tuple[int, int], list[str]]:
    SCREENS.mkdir(parents=True, exist_ok=True)
    width, height = sizes[0]
    tab = blank_tab(size={"width": width, "height": height})
    failed: dict[tuple[int, int], list[str]] = {size: [] for size in sizes}
    for name, path in PAGES:
        tab.goto(f"{app_server}{path}")  # at the size the last page was left at
        wait_for_app(tab)
        for width, height in each_size(tab, sizes):
            errors = tab.locator(FAILURES)
            if errors.count():
                failed[(width, height)].append(f"{name}: {errors.first.inner_text()[:300]}")
            _full_page(tab, SCREENS / f"{name}-{width}x{height}.png", width, height, settle)
    tab.goto("about:blank")
    return failed


def _full_page(tab: Any, path: Path, width: int, height: int, settle: Any) -> None:
    """Streamlit scrolls inside its main container, so the viewport is stretched to it first."""
    full = tab.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                  return m ? m.scrollHeight : document.documentElement.scrollHeight; }"""
    )
    tall = max(height, min(int(full), 12_000))
    if tall != height:
        tab.set_viewport_size({"width": width, "height": tall})
        settle(tab)  # Plotly and Streamlit's columns re-lay out on resize
    tab.screenshot(path=str(path))
    tab.set_viewport_size({"width": width, "height": height})
