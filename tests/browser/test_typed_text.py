"""Typed text is text in the real browser: markup typed into commentary, an action and the
framework's wording makes no request to the address it names and leaves no link to it.

An image typed as Markdown would be fetched by every board member's browser that opens the
page; a link typed into commentary or a definition would be live. Neither may happen.
"""

from __future__ import annotations

from typing import Any

import pytest

from outcomes.storage.store import open_store
from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting
from tests.board import record_business
from tests.browser.server import serve

D = facts()  # where the demo's figures fall today

pytestmark = pytest.mark.browser

EVIL = (
    "![x](http://evil.example/p.png) [click](http://evil.example) "
    "<img src=http://evil.example/tag.png onerror=alert(1)> :red[x] $x$ http://evil.example/bare"
)
_CONTEXT = "found => found.map(a => a.parentElement.outerHTML.slice(0, 300))"
PAGES = (
    "/",
    "/priority?priority=harmful-reoffending",
    "/indicator?indicator=RO01",
    "/meeting",
    "/present?screen=1",
    "/present?screen=3",
    "/present?screen=10",
)


@pytest.fixture(scope="module")
def typed_server(chromium_path, tmp_path_factory, copy_demo):
    work = tmp_path_factory.mktemp("typed-text")
    db = copy_demo(work / "typed.duckdb")
    s = open_store(db)
    cur = s.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    cur.execute("UPDATE partnership SET vision = ?", [EVIL])
    cur.execute(
        "UPDATE priority SET aim = ?, title = title || ? WHERE id = 'harmful-reoffending'",
        [EVIL, " " + EVIL],
    )
    cur.execute("UPDATE indicator SET definition = ? WHERE code = 'RO01'", [EVIL])
    record_business(
        cur,
        [("RO01", "2024/25 Q4", "Lead", {"narrative": EVIL, "blockage": True, "blockage_detail": EVIL})],
        [("A1", EVIL, "Chair", {"due_date": "2025-01-31"})],
    )  # fmt: skip
    s.close()
    with serve(work, db) as base:
        yield base


def test_typed_markup_fetches_nothing_and_links_nowhere(
    page: Any, typed_server: str, wait_for_app: Any
):
    asked: list[str] = []

    def note(request: Any) -> None:
        asked.append(request.url)

    page.on("request", note)
    try:
        for path in PAGES:
            page.goto(typed_server + path)
            wait_for_app(page)
            page.wait_for_timeout(500)  # an image would be requested as soon as it is placed
            links = page.locator('a[href*="evil.example"]')
            assert links.count() == 0, (path, links.evaluate_all(_CONTEXT))
            assert page.locator('img[src*="evil.example"], img[src="x"]').count() == 0, path
            text = page.locator('[data-testid="stMain"]').inner_text()
            assert "evil.example" in text, f"{path}: the typed text should show as typed"
            if path == "/":  # Streamlit's own markup shows as typed too: no colour, no maths
                assert ":red[x]" in text and "$x$" in text
                assert page.locator(".katex").count() == 0
    finally:
        page.remove_listener("request", note)
    assert not [url for url in asked if "evil.example" in url]
