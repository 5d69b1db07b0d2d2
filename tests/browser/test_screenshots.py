"""Every page of the demo at the three sizes the board uses, saved as full-page screenshots.

test-artifacts/screens/<page>-<width>x<height>.png, for a person to look at: the projector
(1280x720, 1920x1080) and a phone (390x844). Each page must render without an error box.
One tab per size, every page opened in it in turn.
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


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_every_page_at_every_size(
    blank_tab, app_server, wait_for_app, settle, width, height
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab = blank_tab(size={"width": width, "height": height})  # each page loaded at this size
    failed: list[str] = []
    for name, path in PAGES:
        tab.goto(f"{app_server}{path}")
        wait_for_app(tab)
        errors = tab.locator(FAILURES)
        if errors.count():
            failed.append(f"{name}: {errors.first.inner_text()[:300]}")
        _full_page(tab, SCREENS / f"{name}-{width}x{height}.png", width, height, settle)
    assert not failed, "pages showing an error:\n" + "\n".join(failed)


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
