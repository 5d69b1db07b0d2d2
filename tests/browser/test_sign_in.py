"""Sign-in through a real OpenID Connect provider, in headless Chromium.

``oidc-provider-mock`` (a maintained provider from PyPI, built on Authlib) runs on a free
localhost port; a secrets.toml of this module's own points Streamlit's ``st.login`` at it. A
priority lead signs in, loads a return for their priority and is refused another's; an
anonymous visitor reaches only the sign-in page; someone the partnership does not know is told
so; signing out ends the session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.server import free_port, serve
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
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub=LEAD, claims={"email": LEAD, "email_verified": True, "name": LEAD_NAME}),
        User(sub=STRANGER, claims={"email": STRANGER, "name": "Someone Else"}),
    ]
    with run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_server(
    chromium_path: str, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The dashboard with sign-in configured, over a demo database that knows the lead."""
    from outcomes.demo import build_demo
    from outcomes.people import SYSTEM, add_person
    from outcomes.store import open_store

    work = tmp_path_factory.mktemp("browser-sign-in")
    db = work / "outcomes.duckdb"
    store = open_store(db)
    returns = {}
    try:
        cur = store.cursor()
        build_demo(cur)
        add_person(cur, LEAD, name="S. Okafor", role="lead", priorities=[LEAD_PRIORITY], by=SYSTEM)
        for priority in (LEAD_PRIORITY, OTHER_PRIORITY):
            returns[priority] = filled_return(
                cur, work / f"return-{priority}.xlsx", priority, PERIOD
            )
    finally:
        store.close()
    port = free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-secret-that-is-long-enough-to-sign-cookies"

[auth.council]
client_id = "outcomes-dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    with serve(work, db, port=port, secrets=secrets) as base:
        yield {"base": base, "returns": returns, "db": db}


def _shown(page: Any) -> str:
    """The page's text as a person reads it (addresses carry an invisible word joiner, which
    stops Markdown linking them)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def _sign_in(page: Any, base: str, who: str, wait_for_app: Any, expect: Any) -> None:
    page.goto(f"{base}/")
    wait_for_app(page, h1="Sign in")
    page.get_by_role("button", name="Sign in with Council").click()
    # The provider's own page: choose the account, as a person would.
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(re.compile(re.escape(base) + r"/?(\?.*)?$"))


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
    page, signed_server, wait_for_app, expect, screenshot
):
    base = signed_server["base"]
    _sign_in(page, base, LEAD, wait_for_app, expect)
    wait_for_app(page)
    # The identity provider's name, and the address it gave.
    expect(page.get_by_text(f"Signed in as {LEAD_NAME}")).to_be_visible()
    assert f"Signed in as {LEAD_NAME} <{LEAD}> (priority lead)" in _shown(page)

    page.goto(f"{base}/upload")
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

    page.goto(f"{base}/upload")
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
    page.goto(f"{base}/meeting")
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
