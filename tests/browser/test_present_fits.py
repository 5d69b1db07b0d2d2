"""Every presentation screen fits the projector, whatever the meeting holds (issue 17).

Hypothesis draws heavy meetings (tests/states.py, ``heavy_meetings``: many status changes,
blockages and overdue actions, long and hostile typed text, priorities with up to nine
indicators); each is built through the product's own writes and served, and every screen is
measured in Chromium at 1280x720 and at 1920x1080: nothing to scroll, nothing wider than the
screen, no text running out of its table cell, and the keyboard reaches every screen. The
explicit example is the board trial's: one status change, two blockages and eleven overdue
actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given

from tests.browser.server import serve
from tests.states import WORDY, Meeting, build_meeting, examples, heavy_meetings

pytestmark = pytest.mark.browser

SIZES = ((1280, 720), (1920, 1080))
# Overflow of the main area, and every cell, line or heading whose text runs out of its box.
_MEASURE = """() => {
  const m = document.querySelector('[data-testid="stMain"]');
  const spill = [];
  for (const e of document.querySelectorAll(
      '.present th, .present td, .present li, .present p, .present div, h1')) {
    if (getComputedStyle(e).overflowX !== 'visible') continue;  // cut on purpose, with "…"
    if (e.scrollWidth > e.clientWidth + 1) spill.push(e.innerText.slice(0, 40));
  }
  return {tall: m.scrollHeight - m.clientHeight, wide: m.scrollWidth - m.clientWidth, spill};
}"""


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory, copy_demo) -> Path:
    """The run's built demo, copied for this module's drawn meetings to start from."""
    return copy_demo(tmp_path_factory.mktemp("present-demo") / "demo.duckdb")


def _measure(page: Any, each_size: Any, n: int, total: int) -> list[str]:
    problems = []
    for width, height in each_size(page, SIZES):  # one resize a screen, not two
        found = page.evaluate(_MEASURE)
        where = (
            f"screen {n} of {total} ({page.locator('h1').first.inner_text()!r}) at {width}x{height}"
        )
        if found["tall"] > 2:
            problems.append(f"{where} is {found['tall']} px taller than the screen")
        if found["wide"] > 2:
            problems.append(f"{where} is {found['wide']} px wider than the screen")
        problems += [f"{where}: {text!r} runs out of its box" for text in found["spill"]]
    return problems


@given(meeting=heavy_meetings())
@example(meeting=Meeting(None, changes=1, blockages=2, overdue=11, open=3, words=WORDY[1]))
@examples(2)
def test_every_screen_fits_both_projector_sizes(
    meeting: Meeting,
    demo_file: Path,
    blank_tab: Any,
    wait_for_app: Any,
    each_size: Any,
    turn_to: Any,
    tmp_path_factory,
) -> None:
    work = tmp_path_factory.mktemp("present-meeting")
    db = build_meeting(work / "meeting.duckdb", meeting, demo_file)
    page = blank_tab(size={"width": 1920, "height": 1080})
    problems: list[str] = []
    with serve(work, db) as base:
        try:
            page.goto(f"{base}/present?screen=1")
            wait_for_app(page)
            total = int(page.locator(".present-count").inner_text().split(" of ")[1])
            for n in range(1, total + 1):
                counter = page.locator(".present-count")
                if n > 1:  # every screen is reached from the keyboard, one press at a time
                    turn_to(page, n, "PageDown")
                assert counter.inner_text() == f"{n} of {total}"
                problems += _measure(page, each_size, n, total)
        finally:
            page.goto("about:blank")  # leave the server before it stops
    assert not problems, "\n".join(problems)
