"""Sign-in through a real OpenID Connect provider, in headless Chromium.

``oidc-provider-mock`` (a maintained provider from PyPI, built on Authlib) runs on a free
localhost port; a secrets.toml of this module's own points Streamlit's ``st.login`` at it. A
priority lead signs in, loads a return for their priority and is refused another's; an
anonymous visitor reaches only the sign-in page; someone the partnership does not know is told
so; signing out ends the session.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import oidc_provider, serve_signed_in
from tests.browser.server import sign_in_with_provider as _sign_in
from tests.clean_venv import clean_python
from tests.returns import filled_return

pytestmark = pytest.mark.browser

LEAD = "sam.lead@council.example"
LEAD_NAME = "Sam Okafor"
STRANGER = "stranger@elsewhere.example"
LEAD_PRIORITY = "street-violence"
OTHER_PRIORITY = "vulnerable-victims"
PERIOD = "2025/26 Q1"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on localhost that knows the lead and a stranger."""
    with oidc_provider([(LEAD, LEAD_NAME), (STRANGER, "Someone Else")]) as base:
        yield base


@contextmanager
def _signed_dashboard(
    work: Path, demo: Path, provider: str, *, python: str = sys.executable, returns: bool = True
) -> Iterator[dict[str, Any]]:
    """The dashboard with sign-in configured, over a demo database that knows the lead, served
    by ``python``; with ``returns``, a filled return for the lead's priority and another's.
    ``demo`` is the run's built demo (``demo_built``), copied."""
    from outcomes.storage.people import SYSTEM, add_person
    from outcomes.storage.store import open_store

    db = work / "outcomes.duckdb"
    shutil.copyfile(demo, db)
    store = open_store(db)
    filled = {}
    try:
        cur = store.cursor()
        add_person(cur, LEAD, name="S. Okafor", role="lead", priorities=[LEAD_PRIORITY], by=SYSTEM)
        for priority in (LEAD_PRIORITY, OTHER_PRIORITY) if returns else ():
            filled[priority] = filled_return(
                cur, work / f"return-{priority}.xlsx", priority, PERIOD
            )
    finally:
        store.close()
    with serve_signed_in(work, db, provider, python=python) as base:
        yield {"base": base, "returns": filled, "db": db, "work": work}


@pytest.fixture(scope="module")
def signed_server(
    chromium_path: str, provider: str, tmp_path_factory: pytest.TempPathFactory, demo_built: Path
) -> Iterator[dict[str, Any]]:
    """The dashboard with sign-in configured, served by the test venv."""
    work = tmp_path_factory.mktemp("browser-sign-in")
    with _signed_dashboard(work, demo_built, provider) as server:
        yield server


@pytest.fixture(scope="module")
def clean_signed_server(
    chromium_path: str, provider: str, tmp_path_factory: pytest.TempPathFactory, demo_built: Path
) -> Iterator[dict[str, Any]]:
    """The same, served by the venv built from requirements.lock alone (what `make run`
    installs); the provider still runs here, from the test venv."""
    python = clean_python()
    work = tmp_path_factory.mktemp("browser-sign-in-clean")
    with _signed_dashboard(work, demo_built, provider, python=python, returns=False) as server:
        yield server


def _shown(page: Any) -> str:
    """The page's text as a person reads it (addresses carry an invisible word joiner, which
    stops Markdown linking them)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def test_anonymous_visitor_reaches_only_the_sign_in_page(
    page, signed_server, wait_for_app, expect, screenshot
):
    base = signed_server["base"]
    for path in ("/", "/upload", "/meeting", "/admin", "/priority?priority=street-violence"):
        page.goto(f"{base}{path}")
        wait_for_app(page, h1="Sign in")
        expect(page.get_by_role("button", name="Sign in with Council")).to_be_visible()
        expect(page.get_by_text("Quarterly return")).to_have_count(0)
        expect(page.get_by_text("Upload", exact=True)).to_have_count(0)
    screenshot(page, "sign-in-1280x720")


def test_lead_loads_their_priority_is_refused_another_and_signs_out(
    page, signed_server, wait_for_app, expect, screenshot, from_sidebar
):
    base = signed_server["base"]
    _sign_in(page, base, LEAD, wait_for_app, expect)
    wait_for_app(page)
    # The identity provider's name, and the address it gave.
    expect(page.get_by_text(f"Signed in as {LEAD_NAME}")).to_be_visible()
    assert f"Signed in as {LEAD_NAME} <{LEAD}> (priority lead)" in _shown(page)

    from_sidebar(page, "Quarterly return")
    wait_for_app(page, h1="Quarterly return")
    expect(page.get_by_text(f"Loading as {LEAD_NAME}")).to_be_visible()
    assert f"Loading as {LEAD_NAME} <{LEAD}>" in _shown(page)
    expect(page.get_by_role("textbox", name="Your name or role")).to_have_count(0)

    page.locator("input[type=file]").set_input_files(str(signed_server["returns"][OTHER_PRIORITY]))
    expect(
        page.get_by_text(re.compile(r"may not load figures .* for Victims who are most vulnerable"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and load")).to_have_count(0)
    screenshot(page, "sign-in-lead-refused-1280x720")

    # The lead takes the refused file off, and sends their own priority's.
    page.locator('[data-testid="stFileChipDeleteBtn"] button').click()
    expect(page.get_by_text("Upload your return in step 3")).to_be_visible()
    wait_for_app(page, h1="Quarterly return")
    page.locator("input[type=file]").set_input_files(str(signed_server["returns"][LEAD_PRIORITY]))
    confirm = page.get_by_role("button", name="Confirm and load")
    expect(confirm).to_be_visible()
    wait_for_app(page, h1="Quarterly return")
    accept = page.get_by_text("I have checked the warnings and these figures are right")
    if accept.count():
        accept.click()
        wait_for_app(page, h1="Quarterly return")
    confirm.click()
    expect(page.get_by_text(re.compile(r"Loaded as upload \d+"))).to_be_visible()
    wait_for_app(page, h1="Quarterly return")

    # The audit trail names the lead as the identity provider gave them, filtered to them.
    from_sidebar(page, "Meetings and actions")
    wait_for_app(page, h1="Meetings and actions")
    expect(page.get_by_role("button", name="Record the meeting")).to_have_count(0)
    page.get_by_text("Audit trail: who changed what, and when").click()
    page.get_by_role("combobox", name="Whose changes").click()
    page.get_by_role("option", name=re.compile(LEAD_NAME)).click()
    wait_for_app(page, h1="Meetings and actions")
    trail = page.locator("table").last
    expect(trail).to_contain_text(LEAD_NAME)
    expect(trail).to_contain_text("upload")
    expect(trail).not_to_contain_text("demo generator")
    assert f"{LEAD_NAME} <{LEAD}>" in trail.inner_text().replace("\u2060", "")
    screenshot(page, "sign-in-audit-by-person-1280x720")

    page.get_by_role("button", name="Sign out").click()
    # The provider's end-session page (Streamlit sends the browser there), then back.
    page.get_by_role("button", name="End session").click()
    page.goto(f"{base}/upload")
    wait_for_app(page, h1="Sign in")
    expect(page.get_by_text("Loading as")).to_have_count(0)


def test_someone_the_partnership_does_not_know_is_told_so(
    page, signed_server, wait_for_app, expect, screenshot
):
    base = signed_server["base"]
    _sign_in(page, base, STRANGER, wait_for_app, expect)
    wait_for_app(page, h1="No role here yet")
    expect(page.get_by_text("this partnership has not given you a role")).to_be_visible()
    assert f"You are signed in as {STRANGER}, but this partnership" in _shown(page)
    page.goto(f"{base}/upload")
    wait_for_app(page, h1="No role here yet")
    screenshot(page, "sign-in-unknown-1280x720")


@pytest.mark.parametrize(
    ("path", "h1"),
    [
        ("/upload", "Quarterly return"),
        (
            "/priority?priority=street-violence",
            "Violent street crime in Stonehouse, Devonport and the City Centre",
        ),
        ("/meeting?action=A1", "Meetings and actions"),
    ],
)
def test_a_link_opened_before_signing_in_is_where_the_sign_in_lands(
    page, signed_server, wait_for_app, expect, screenshot, path, h1
):
    """Someone sent a link opens it, sees the sign-in page at that address (no "Page not
    found"), signs in through the provider and arrives exactly there, query and all."""
    base = signed_server["base"]
    _sign_in(page, base, LEAD, wait_for_app, expect, path=path)
    wait_for_app(page, h1=h1)
    expect(page.get_by_text(f"Signed in as {LEAD_NAME}")).to_be_visible()
    assert page.url == f"{base}{path}"
    screenshot(page, f"sign-in-lands-{path.strip('/').split('?')[0]}-1280x720")
    # Once there, the home page is the home page again: the address is not kept for ever.
    page.goto(f"{base}/")
    wait_for_app(page, h1=re.compile("."))
    assert page.url.rstrip("/") == base
    expect(page.locator("h1").first).not_to_have_text(h1)


def test_sign_in_works_on_a_clean_install(
    page, clean_signed_server, wait_for_app, expect, screenshot
):
    """The dashboard served by a venv built from requirements.lock alone (no test tool in it):
    a real sign-in through the provider completes (httpx once came only from a test tool, and
    "Sign in with …" answered Internal Server Error)."""
    base = clean_signed_server["base"]
    _sign_in(page, base, LEAD, wait_for_app, expect, path="/upload")
    wait_for_app(page, h1="Quarterly return")
    expect(page.get_by_text(f"Signed in as {LEAD_NAME}")).to_be_visible()
    assert f"Loading as {LEAD_NAME} <{LEAD}>" in _shown(page)
    log = (clean_signed_server["work"] / "streamlit.stderr").read_text(errors="replace")
    assert "Traceback" not in log and "ModuleNotFoundError" not in log, log[-2000:]
