"""A hostile visitor in real Chromium: bombs and path tricks through the upload page, while a
second visitor reads the plan on a page. The server must refuse each file plainly, write nowhere
the file's name points, and keep serving everyone else.

These tests send dangerous files, so they run on a server and database of their own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import healthy, serve_fresh_demo
from tests.hostile import corpus

pytestmark = pytest.mark.browser

UPLOAD_TITLE = "Quarterly return"
OVERVIEW_TITLE = "Safer Plymouth Partnership: our plan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VICTIM = Path("/tmp/outcomes-victim")


@pytest.fixture(scope="module")
def hostile_server(chromium_path: str, tmp_path_factory, demo_built: Path) -> Iterator[str]:
    with serve_fresh_demo(tmp_path_factory.mktemp("browser-hostile"), demo_built) as base:
        yield base


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (corpus.far_cell, "reaches row 1,048,576"),
        (corpus.single_quoted_far_cell, "reaches column 16,384"),
        (corpus.sparse_wide, "reaches column 16,384"),
        (corpus.dense_rows, "at most 250,000"),
        (corpus.zip_bomb, "unpacks to 450 MB"),
        (corpus.long_field_csv, "longer than 32,767 characters"),
    ],
    ids=["far-cell", "single-quoted", "sparse-wide", "dense-rows", "zip-bomb", "long-field"],
)
def test_a_bomb_is_refused_while_another_visitor_is_served(
    page, blank_tab, hostile_server, wait_for_app, demo_sign_in, expect, screenshot, make, words
):
    name, data = make()
    page.goto(f"{hostile_server}/upload")
    wait_for_app(page, h1=UPLOAD_TITLE)
    demo_sign_in(page)  # the demo lets anyone act as its analyst
    mime = "text/csv" if name.endswith(".csv") else XLSX
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )
    # While the server deals with the bomb, a board member opens the plan on a page: another
    # tab, so another Streamlit session (the upload's own cookies left alone).
    reader = blank_tab("second visitor", cookies=True)
    started = time.perf_counter()
    reader.goto(f"{hostile_server}/")
    wait_for_app(reader, h1=OVERVIEW_TITLE, timeout_ms=20_000)
    served_in = time.perf_counter() - started
    assert served_in < 20, f"the second visitor waited {served_in:.1f} s"

    refusal = page.get_by_text("1 problem to fix in the file before it can be loaded")
    expect(refusal).to_be_visible()
    refusal.scroll_into_view_if_needed()
    expect(page.locator('[data-testid="stMarkdownContainer"] ul').first).to_contain_text(words)
    assert "Traceback" not in page.content()
    assert page.get_by_role("button", name="Confirm and load").count() == 0
    screenshot(page, f"hostile-{name.split('.')[0]}-1280x720", full_height=False)
    assert healthy(f"{hostile_server}/_stcore/health")  # still serving


@pytest.mark.parametrize("name", corpus.TRAVERSAL_NAMES[:3])
def test_a_file_name_that_points_elsewhere_writes_nothing_there(
    page, hostile_server, wait_for_app, demo_sign_in, expect, name
):
    assert not VICTIM.exists()
    body = b"Indicator code,Period,Value\nVV02,2025/26 Q1,5\n"
    page.goto(f"{hostile_server}/upload")
    wait_for_app(page, h1=UPLOAD_TITLE)
    demo_sign_in(page)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": body}]
    )
    expect(page.get_by_role("heading", name="4. Preview")).to_be_visible()
    wait_for_app(page, h1=UPLOAD_TITLE)
    assert not VICTIM.exists()
    assert "Traceback" not in page.content()
