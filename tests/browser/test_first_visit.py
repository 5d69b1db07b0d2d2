"""The first visit after the server starts (issue 17): the sidebar never lists the pages
folder's file names ("dashboard, admin, compare…"), however long the first run takes.

A server of this module's own, so the visit really is its first; every link the sidebar shows
while the page loads is recorded by a MutationObserver from the page's first moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import REPO, serve_fresh_demo

pytestmark = pytest.mark.browser

FILE_NAMES = {"dashboard"} | {
    p.stem.replace("_", " ") for p in (REPO / "pages").glob("*.py") if p.stem != "__init__"
}
_RECORD = """
window.__sidebarLinks = [];
new MutationObserver(() => {
  for (const a of document.querySelectorAll('[data-testid="stSidebar"] a')) {
    if (a.offsetParent === null) continue;
    const label = [...a.querySelectorAll('p')].map(p => p.textContent.trim()).join(' ');
    if (label && !window.__sidebarLinks.includes(label)) window.__sidebarLinks.push(label);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


@pytest.fixture(scope="module")
def fresh_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory, demo_built: Path
) -> Iterator[str]:
    with serve_fresh_demo(tmp_path_factory.mktemp("first-visit"), demo_built) as base:
        yield base


@pytest.mark.parametrize("path", ["priority?priority=street-violence"])
def test_the_sidebar_never_lists_file_names_on_the_first_visit(
    browser, fresh_server, wait_for_app, expect, path
):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(_RECORD)
    page = context.new_page()
    try:
        page.goto(f"{fresh_server}/{path}")
        wait_for_app(page, h1="Violent street crime in Stonehouse, Devonport and the City Centre")
        seen = page.evaluate("window.__sidebarLinks")
    finally:
        context.close()
    assert "Plan on a page" in seen and "Presentation mode" in seen, seen
    assert not FILE_NAMES & set(seen), seen
