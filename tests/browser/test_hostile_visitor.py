"""A hostile visitor in real Chromium: bombs and path tricks through the upload page, while a
second visitor reads the plan on a page. The server must refuse each file plainly, write nowhere
the file's name points, and keep serving everyone else.

These tests send dangerous files, so they run on a server and database apart from the session's
``app_server``: ``upload_server`` (conftest.py), which the upload journey writes to. The
visitor is one tab signed in once on the upload page, sending each file in turn (taking the
last one off first, as a person would), as an attacker sends one file after another: a page
load and a sign-in a file cost more than the files' own checks.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import healthy
from tests.hostile import corpus

pytestmark = pytest.mark.browser

UPLOAD_TITLE = "Quarterly return"
OVERVIEW_TITLE = "Safer Plymouth Partnership: our plan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VICTIM = Path("/tmp/outcomes-victim")


@pytest.fixture(scope="module")
def visitor(blank_tab, upload_server, wait_for_app, demo_sign_in) -> Any:
    """The hostile visitor's tab: the upload page, signed in as the demo's analyst (the demo
    lets anyone act as its analyst)."""
    tab = blank_tab("hostile visitor")
    tab.goto(f"{upload_server}/upload")
    wait_for_app(tab, h1=UPLOAD_TITLE)
    demo_sign_in(tab)
    return tab


def send(tab: Any, name: str, data: bytes, wait_for_app: Any, expect: Any) -> None:
    """Take the last file off (the page is back to asking for one), then send this one."""
    chip = tab.locator('[data-testid="stFileChipDeleteBtn"] button')
    if chip.count():
        chip.click()
        expect(tab.get_by_text("Upload your return in step 3")).to_be_visible()
        wait_for_app(tab, h1=UPLOAD_TITLE)
    mime = "text/csv" if name.endswith(".csv") else XLSX
    tab.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def checked(tab: Any, name: str, wait_for_app: Any, expect: Any) -> None:
    """The page has checked the file it was sent: ``name`` heads the report (the last file's
    report went with it), and the page is idle. A million rows take a while to refuse on a
    busy machine: the wait is the second visitor's 20 s and the page's own 25 s together."""
    expect(
        tab.locator('[data-testid="stMarkdownContainer"] strong', has_text=name).first
    ).to_be_visible(timeout=45_000)
    wait_for_app(tab, h1=UPLOAD_TITLE)


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
    visitor, blank_tab, upload_server, wait_for_app, expect, screenshot, make, words
):
    name, data = make()
    send(visitor, name, data, wait_for_app, expect)
    # While the server deals with the bomb, a board member opens the plan on a page: another
    # tab, so another Streamlit session (the upload's own cookies left alone).
    reader = blank_tab("second visitor", cookies=True)
    started = time.perf_counter()
    reader.goto(f"{upload_server}/")
    wait_for_app(reader, h1=OVERVIEW_TITLE, timeout_ms=20_000)
    served_in = time.perf_counter() - started
    assert served_in < 20, f"the second visitor waited {served_in:.1f} s"

    checked(visitor, name, wait_for_app, expect)
    refusal = visitor.get_by_text("1 problem to fix in the file before it can be loaded")
    expect(refusal).to_be_visible()
    refusal.scroll_into_view_if_needed()
    expect(visitor.locator('[data-testid="stMarkdownContainer"] ul').first).to_contain_text(words)
    assert "Traceback" not in visitor.content()
    assert visitor.get_by_role("button", name="Confirm and load").count() == 0
    screenshot(visitor, f"hostile-{name.split('.')[0]}-1280x720", full_height=False)
    assert healthy(f"{upload_server}/_stcore/health")  # still serving


@pytest.mark.parametrize("name", corpus.TRAVERSAL_NAMES[:3])
def test_a_file_name_that_points_elsewhere_writes_nothing_there(
    visitor, wait_for_app, expect, name
):
    assert not VICTIM.exists()
    body = b"Indicator code,Period,Value\nVV02,2025/26 Q1,5\n"
    send(visitor, name, body, wait_for_app, expect)
    checked(visitor, "victim.csv", wait_for_app, expect)
    expect(visitor.get_by_role("heading", name="4. Preview")).to_be_visible()
    assert not VICTIM.exists()
    assert "Traceback" not in visitor.content()
