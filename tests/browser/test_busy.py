"""The real dashboard in Chromium while a real second process holds the database file, as the
command line does: each page says "busy, try again", and Try again shows it once it lets go."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import serve
from tests.copies import held_by_the_command_line
from ui import failures

PATHS = ("", "priority", "indicator", "meeting", "present", "figures", "data")


@pytest.fixture
def held(tmp_path: Path, chromium_path, copy_demo):
    db = copy_demo(tmp_path / "outcomes.duckdb")
    with held_by_the_command_line(db) as holder, serve(tmp_path, db) as base:
        yield base, holder


def test_every_page_says_busy_in_the_browser_then_shows_itself(held, page, wait_for_app):
    base, holder = held
    for path in PATHS:
        page.goto(f"{base}/{path}")
        wait_for_app(page, "One moment")
        assert page.get_by_text(failures.BUSY).is_visible(), path
        assert "Traceback" not in page.content()
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0
    page.get_by_role("button", name="Try again").click()
    wait_for_app(page, "Data and exports")
    assert not page.get_by_text(failures.BUSY).count()
