"""A force area in the browser (issue 19): the partnership chosen in the address stays with
every link to the app's own pages, even one opened in a new tab (a new session)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from tests.browser.server import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def force_server(chromium_path: str, tmp_path_factory, force_built) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser-force")
    db = work / "force.duckdb"
    shutil.copyfile(force_built, db)
    with serve(work, db) as base:
        yield base


def test_the_partnership_goes_with_every_link_even_into_a_new_tab(
    page, force_server, wait_for_app, expect, screenshot
):
    page.goto(f"{force_server}/?partnership=cornwall")
    wait_for_app(page, h1="Safer Cornwall: our plan")
    link = page.locator('a[href^="priority?"]:visible').first.element_handle()
    # Pressed (as before a middle click or "open in new tab"), the link carries the choice.
    link.dispatch_event("mousedown")
    assert "partnership=cornwall" in link.get_attribute("href")
    opened = page.context.new_page()
    opened.goto(f"{force_server}{link.get_attribute('href')}")
    wait_for_app(opened)
    expect(opened.locator('[data-testid="stSidebar"]')).to_contain_text("Safer Cornwall")
    opened.close()
    link.click()
    wait_for_app(page)
    assert re.search(r"/priority\?priority=[a-z-]+&partnership=cornwall", page.url), page.url
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"force-area-priority-{width}")
