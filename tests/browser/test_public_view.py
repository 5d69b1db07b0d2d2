"""The public view in headless Chromium, as a resident would open it (issue 10).

Screenshots land in test-artifacts/screenshots/public-*.png at a laptop, a projector and a phone.
"""

from __future__ import annotations

import base64
import io
import math
import re
from datetime import date
from typing import Any

import numpy as np
import pytest

from outcomes.outputs import public
from outcomes.queries import board
from outcomes.storage.store import open_store
from outcomes.workflows import meetings
from tests.actors import acting
from tests.browser.server import serve
from tests.browser.test_accessibility import (
    AXE,
    FAILING_IMPACTS,
    describe,
    open_page,
    run_axe,
)

pytestmark = pytest.mark.browser

SIZES = ((1280, 720), (1920, 1080), (390, 844))
TITLE = "Safer Plymouth Partnership: our plan"
HOMES = "Safety in people's homes"
LINK = "See https://www.gov.uk/government/publications/community-safety-partnerships-guidance-2026"
# Every trace of every chart on the page, as the browser holds it (plotly's own gd.data).
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
  gd => gd.data.map(t => ({name: t.name || '', y: t.y || [],
                           text: [].concat(t.hovertext || [], t.text || [])})))"""


@pytest.fixture(scope="module")
def public_server(chromium_path, tmp_path_factory, copy_demo):
    """A demo of this module's own with the public view switched on, as an administrator would."""
    work = tmp_path_factory.mktemp("public-view")
    db = copy_demo(work / "outcomes.duckdb")
    store = open_store(db)
    try:
        cur = store.cursor()
        public.set_public_view(cur, True, by=acting("Jo Admin"))
        # For the audit trail's test: a change carrying a long unbroken word (a link).
        for priority, owner in (("street-violence", "Chair"), ("safety-in-homes", "Vice-chair")):
            meetings.save_action(
                cur, by=acting("Clerk"), reference="A1", text=LINK, owner=owner,
                due_date="2026-12-01", priority_id=priority,
            )  # fmt: skip
        # FS03's figures as reported: the casualty counts the public view must never show.
        raw = board.history(cur, "FS03")
        small = sorted({int(v) for v in raw["value"].dropna() if 0 < v < 8})
    finally:
        store.close()
    assert small, "the demo should hold small casualty counts for this test to mean anything"
    with serve(work, db) as base:
        yield base, small


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_public_plan_and_a_priority_at_three_sizes(
    at_sizes, public_server, wait_for_app, screenshot, expect, each_size, width, height
):
    base, _ = public_server

    def look(page: Any, sizes: tuple) -> None:
        page.goto(f"{base}/public")
        wait_for_app(page, h1=TITLE)
        expect(page.get_by_text("Page not found")).to_have_count(0)  # a bookmark, opened first
        expect(page.get_by_text("Preview: the public view is switched off")).to_have_count(0)
        expect(page.get_by_text("Since the last meeting")).to_have_count(0)
        for w, h in each_size(page, sizes):
            screenshot(page, f"public-plan-{w}x{h}")
        page.goto(f"{base}/public_priority?priority=safety-in-homes")
        wait_for_app(page, h1=HOMES)
        for w, h in each_size(page, sizes):
            expect(page.get_by_text("Latest: fewer than 8", exact=False)).to_be_visible()
            screenshot(page, f"public-homes-{w}x{h}")

    at_sizes("plan", (width, height), look)


def test_a_visitor_sees_no_suppressed_casualty_count(page, public_server, wait_for_app, expect):
    base, small = public_server
    page.goto(f"{base}/public_priority?priority=safety-in-homes")
    wait_for_app(page, h1=HOMES)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert "Latest: fewer than 8" in text
    for n in small:
        assert not re.search(rf"(Latest:|Baseline) {n}(?![\d,.])", text), n
    charts = page.evaluate(CHART_DATA_JS)
    assert len(charts) == 3  # FS01, FS02, FS03
    fs03 = charts[2]
    plotted = [y for trace in fs03 for y in _values(trace["y"]) if not math.isnan(y)]
    assert plotted, "FS03 has figures of 8 and more that are plotted"
    assert not [y for y in plotted if 0 < y < 8]
    hover = " ".join(t for trace in fs03 for t in trace["text"] if isinstance(t, str))
    assert not [n for n in small if f": {n}<br>" in hover]
    # Nothing to write with: no form, no upload, no board pack; only the public summary.
    expect(page.get_by_role("button", name="Add commentary")).to_have_count(0)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Board pack")).to_have_count(0)
    expect(sidebar.get_by_text("Public summary to download")).to_be_visible()


def test_the_public_summary_downloads_from_the_sidebar(page, public_server, wait_for_app):
    base, _ = public_server
    page.goto(f"{base}/public")
    wait_for_app(page, h1=TITLE)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Public summary to download").click()
    page.get_by_text("Excel", exact=True).click()
    page.get_by_role("button", name="Prepare the public summary").click()
    button = page.get_by_role("button", name="Download the Excel public summary")
    button.wait_for(timeout=60_000)
    with page.expect_download() as info:
        button.click()
    # dated the day it was made, as the board pack is dated its meeting's
    assert info.value.suggested_filename == f"public-summary-{date.today().isoformat()}.xlsx"
    check_workbook(info.value.path())


def _values(y: Any) -> list[float]:
    """A trace's y values: a list, or plotly's typed array (base64 ``bdata`` with a dtype)."""
    if isinstance(y, dict):
        return [float(v) for v in np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])]
    return [math.nan if v is None else float(v) for v in y]


def check_workbook(path: Any) -> None:
    from openpyxl import load_workbook

    with open(path, "rb") as f:  # the download is saved without its .xlsx name
        rows = list(load_workbook(io.BytesIO(f.read()))["Indicators"].iter_rows(values_only=True))
    fs03 = dict(zip(rows[0], next(r for r in rows if r[1] == "FS03"), strict=True))
    assert fs03["Value"] == "fewer than 8"
    assert "MS02" not in [r[1] for r in rows]


@pytest.mark.parametrize("path", ["public", "public_priority?priority=street-violence"])
def test_the_public_pages_have_no_serious_accessibility_violations(
    page, public_server, wait_for_app, settle, path
):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run make test, or npm ci")
    base, _ = public_server
    open_page(page, base, wait_for_app, settle, path)
    results = run_axe(page, AXE)
    assert "color-contrast" not in {r["id"] for r in results["inapplicable"]}
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not failing, f"axe-core on /{path}:\n" + describe(failing)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_audit_trail_shows_before_and_after_in_full(
    at_sizes, public_server, wait_for_app, screenshot, each_size, width, height
):
    """Issue 17: a long word (a link, an address) widened the audit table until before → after
    slid out of sight at 1280 px; and values read as stored ("priority id: street-violence",
    "due date: 2026-12-01 00:00:00 → 2026-12-01")."""
    base, _ = public_server

    def look(page: Any, sizes: tuple) -> None:
        page.goto(f"{base}/meeting")
        wait_for_app(page, h1="Meetings and actions")
        page.get_by_text("Audit trail: who changed what, and when").click()
        wait_for_app(page, h1="Meetings and actions")
        table = page.locator("table.audit")
        for w, h in each_size(page, sizes):
            table.scroll_into_view_if_needed()
            fit = page.evaluate(
                """() => { const t = document.querySelector('table.audit'), box = t.parentElement;
                           const right = box.getBoundingClientRect().right + 0.5;
                           return {overflow: box.scrollWidth - box.clientWidth,
                                   past: [...t.querySelectorAll('th, td')].filter(
                                     c => c.getBoundingClientRect().right > right).length}; }"""
            )
            assert fit == {"overflow": 0, "past": 0}, (w, h, fit)
            text = table.inner_text()
            assert "priority: Violent street crime in Stonehouse" in text
            assert "→ Safety in people's homes" in text and "due date: 1 December 2026" in text
            assert "community-safety-partnerships-guidance-2026" in text.replace("\n", "")
            for stored in ("street-violence", "00:00:00", "priority id", "True"):
                assert stored not in text
            screenshot(page, f"audit-trail-{w}x{h}")

    at_sizes("audit", (width, height), look)
