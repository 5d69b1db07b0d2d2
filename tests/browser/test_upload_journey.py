"""A priority lead's quarterly return, end to end in headless Chromium: download the template,
fill it in, upload it, read the preview, confirm, and see the plan on a page change; and a
faulty workbook that is refused with every problem listed.

These tests write to the database, so they run on the server whose demo database tests may
write to (``upload_server``, conftest.py), leaving the session's shared ``app_server`` untouched.
Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from outcomes.rules import wording
from outcomes.workflows import calendar
from outcomes.workflows.demo import facts
from outcomes.workflows.template import RETURN_HEADER

pytestmark = pytest.mark.browser

UPLOAD_TITLE = "Quarterly return"
OVERVIEW_TITLE = "Safer Plymouth Partnership: our plan"
VICTIMS = "Victims who are most vulnerable"
D = facts()  # where the demo's figures fall today
LATEST, NEXT = D.latest_quarter, D.latest_quarter.next()
FILE_CODE = LATEST.code.replace("/", "-").replace(" ", "-")
# The lead's corrected figures for the latest quarter: VV01 falls well below its target of 75.
# (Every lead has sent the latest quarter due, and the next one has not finished yet.)
FIGURES = {"VV01": 61, "VV02": 400, "VV03": 22.5}
COMMENTARY = "Fewer survey returns this quarter; the new survey provider starts in July."
BLOCKAGE_HEADER = "Blockage for the board (Y/N)"


# --- helpers ----------------------------------------------------------------------------------


def priority_card(page: Any, title: str) -> Any:
    """The overview's bordered card holding this priority's heading (as in test_journey.py)."""
    heading = page.get_by_role("heading", name=title, exact=True)
    return heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")


def step(page: Any, title: str) -> Any:
    return page.locator("h2").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))


def open_upload_page(page: Any, wait_for_app: Any, expect: Any, from_sidebar: Any) -> None:
    """From the plan on a page to the upload page, signed in as the demo's analyst."""
    from_sidebar(page, UPLOAD_TITLE)
    wait_for_app(page, h1=UPLOAD_TITLE)
    # No sign-in is configured on the demo: its sidebar offers one of its people instead.
    chooser = page.get_by_role("combobox", name="Demo: sign in as")
    chooser.scroll_into_view_if_needed()
    chooser.click()
    page.get_by_role("option", name=re.compile(r"^Ana Lyst \(analyst\)")).click()
    wait_for_app(page, h1=UPLOAD_TITLE)
    # Waits for the rerun the choice starts (the page may still be drawing the earlier one).
    expect(page.get_by_text("Loading as Ana Lyst (analyst)")).to_have_count(1)


def upload(page: Any, path: Path, wait_for_app: Any, expect: Any) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    # The file's name appears above the report once Streamlit has checked it.
    expect(
        page.locator('[data-testid="stMarkdownContainer"] strong', has_text=path.name)
    ).to_be_visible()
    wait_for_app(page, h1=UPLOAD_TITLE)


def card_badges(page: Any) -> dict[str, str]:
    """Each priority card's status badge on the overview, by the priority's title."""
    headings = page.locator("h4")
    badges = {}
    for i in range(headings.count()):
        title = headings.nth(i).inner_text().strip()
        card = priority_card(page, title)
        if card.locator(".badge").count():
            badges[title] = card.locator(".badge").first.inner_text().strip()
    return badges


def overview_badges(
    page: Any, base: str | None, wait_for_app: Any, from_sidebar: Any = None
) -> dict[str, str]:
    """The plan on a page's badges: opened at ``base``, or from the sidebar where None."""
    if base is None:
        from_sidebar(page, "Plan on a page")
    else:
        # The plan on a page is the default page, so it lives at "/" (``/overview`` is not found).
        page.goto(f"{base}/")
    wait_for_app(page, h1=OVERVIEW_TITLE)
    return card_badges(page)


def fill_return(template: Path, out: Path) -> None:
    """Type the lead's figures into the template's Value column, and a commentary and a blockage
    for VV01, as the lead would in Excel."""
    wb = load_workbook(template)
    ws = wb["Return"]
    header = [cell.value for cell in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    seen = set()
    for r in range(2, ws.max_row + 1):
        code = ws.cell(row=r, column=col["Indicator code"]).value
        seen.add(code)
        ws.cell(row=r, column=col["Value"], value=FIGURES[code])
        if code == "VV01":
            ws.cell(row=r, column=col["Commentary"], value=COMMENTARY)
            ws.cell(row=r, column=col[BLOCKAGE_HEADER], value="Y")
    assert seen == set(FIGURES), f"the template asks for {sorted(seen)}"
    wb.save(out)


# --- the journeys -----------------------------------------------------------------------------


def test_lead_downloads_fills_uploads_and_confirms_a_return(
    page, upload_server, wait_for_app, screenshot, expect, tmp_path, from_sidebar
):
    before = overview_badges(page, upload_server, wait_for_app)
    assert len(before) == 7 and before[VICTIMS] == "▲ Amber", before

    open_upload_page(page, wait_for_app, expect, from_sidebar)
    # The page opens on the lead's own next return and says when it is due.
    due = calendar.Due(NEXT, calendar.due_date(NEXT, 45), False).sentence
    expect(page.get_by_text(due)).to_be_visible()
    expect(
        page.get_by_role(
            "button", name=f"Download the return for {wording.period_aside(NEXT.code)} (3 rows)"
        )
    ).to_be_visible()
    # The lead corrects the latest quarter instead, whose figures are in already.
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Return period").click()
    page.get_by_role("option", name=LATEST.label, exact=True).click()
    wait_for_app(page, h1=UPLOAD_TITLE)
    button = page.get_by_role(
        "button", name=f"Download the return for {wording.period_aside(LATEST.code)} (3 rows)"
    )
    expect(button).to_be_visible()
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == f"return-vulnerable-victims-{FILE_CODE}.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    wait_for_app(page, h1=UPLOAD_TITLE)

    filled = tmp_path / f"VV return {FILE_CODE}.xlsx"
    fill_return(template, filled)
    upload(page, filled, wait_for_app, expect)

    expect(step(page, "4. Preview")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"0 new,\s*3 revised,\s*0 unchanged figure"))
    ).to_be_visible()
    expect(page.get_by_text("Status before → after")).to_be_visible()
    vv01 = page.locator("ul:not(.upload-commentary) > li").filter(
        has=page.locator("strong", has_text=re.compile(r"^VV01$"))
    )
    expect(vv01).to_have_count(1)
    expect(vv01.locator(".badge")).to_have_text(["✔ Green", "✖ Red"])
    expect(vv01).to_contain_text("✔ Green → ✖ Red")
    preview = page.locator('[data-testid="stDataFrame"]').first
    for code, value in FIGURES.items():
        expect(preview).to_contain_text(code)
        expect(preview).to_contain_text(f"{value:g}")
    # Issue 17: what goes to the board besides figures, as the board will read it; VV01's
    # row marked Y carries its commentary as the blockage, said once.
    expect(
        page.get_by_text(re.compile(r"0 unchanged figures?; 1 blockage for the board"))
    ).to_be_visible()
    told = page.locator(".upload-commentary li")
    expect(told).to_have_count(1)
    expect(told).to_contain_text(f"⚑ Blockage escalated to the board: {COMMENTARY}")
    expect(told).not_to_contain_text("The story behind the curve")
    confirm = page.get_by_role("button", name="Confirm and load")
    expect(confirm).to_be_enabled()
    screenshot(page, "upload-preview-1280x720")

    confirm.click()
    expect(page.get_by_text(re.compile(r"Loaded as upload \d+"))).to_be_visible()
    wait_for_app(page, h1=UPLOAD_TITLE)
    expect(
        page.locator('[data-testid="stAlert"]').filter(has_text="Loaded as upload")
    ).to_contain_text("0 new, 3 revised, 0 unchanged")
    expect(page.get_by_text("What the board now reads from this return")).to_be_visible()
    expect(page.locator(".upload-commentary li")).to_contain_text(
        f"⚑ Blockage escalated to the board: {COMMENTARY}"
    )
    screenshot(page, "upload-loaded-1280x720")

    # The link under the success message takes the lead to the plan on a page.
    page.get_by_role("link", name="See the plan on a page").click()
    wait_for_app(page, h1=OVERVIEW_TITLE)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(priority_card(page, VICTIMS).locator(".badge").first).to_have_text("✖ Red")
    expect(priority_card(page, VICTIMS)).to_contain_text(wording.period(LATEST.code))
    after = card_badges(page)
    assert after[VICTIMS] == "✖ Red", after
    assert {t: b for t, b in after.items() if t != VICTIMS} == {
        t: b for t, b in before.items() if t != VICTIMS
    }, "only the victims priority's status should change"
    screenshot(page, "upload-overview-after-1280x720")


def _faulty_return(path: Path) -> dict[int, str]:
    """A return with four kinds of fault; returns each faulty row and what the page must say."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    ws.append(list(RETURN_HEADER))
    rows = [
        ("VV01", "2025/26 Q1", 61),  # row 2: duplicated in row 6
        ("VV0L", "2025/26 Q1", 62),  # row 3: an L typed for a 1
        ("VV02", "Q1 2025", 400),  # row 4: calendar or financial year?
        ("VV03", "2025/26 Q1", "about 20"),  # row 5: not a number
        ("VV01", "2025/26 Q1", 61),  # row 6
    ]
    for code, period, value in rows:
        ws.append([code, None, period, None, None, None, value, None, None])
    wb.save(path)
    return {
        2: "VV01 2025/26 Q1 is given more than once (rows 2, 6): keep one row.",
        3: "'VV0L' is not an indicator code in the framework. Did you mean VV01?",
        4: "'Q1 2025' does not say whether 2025 is a calendar or financial year",
        5: "'about 20' is not a number",
        6: "VV01 2025/26 Q1 is given more than once (rows 2, 6): keep one row.",
    }


def test_a_faulty_return_is_refused_with_every_problem_listed(
    page, upload_server, wait_for_app, screenshot, expect, tmp_path, from_sidebar
):
    before = overview_badges(page, upload_server, wait_for_app)

    open_upload_page(page, wait_for_app, expect, from_sidebar)
    faulty = tmp_path / "VV return with faults.xlsx"
    expected = _faulty_return(faulty)
    upload(page, faulty, wait_for_app, expect)

    expect(
        page.locator('[data-testid="stAlert"]').filter(
            has_text="5 problems to fix in the file before it can be loaded"
        )
    ).to_contain_text("Nothing has been written.")
    # Each problem is a sentence on the page (readable at any width), and a table as well.
    problems = page.locator('[data-testid="stMarkdownContainer"] ul').first
    for row, message in expected.items():
        expect(problems).to_contain_text(f"sheet Return, row {row}, column")
        expect(problems).to_contain_text(message)
    for value in ("VV0L", "Q1 2025", "about 20"):
        expect(problems).to_contain_text(value)
    expect(
        page.get_by_text("Nothing to preview: step 3 says what stands in the way.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and load")).to_have_count(0)
    screenshot(page, "upload-problems-1280x720")

    assert overview_badges(page, None, wait_for_app, from_sidebar) == before
