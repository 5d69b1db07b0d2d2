"""From the inbox to the form: the reminder `remind` sends (to a real SMTP server on localhost)
is followed on a phone, through sign-in at a real OpenID Connect provider, straight to "Your
returns" for that priority and quarter; and the same link, once the lead no longer reports on
that priority, says so in words after sign-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from outcomes.storage import people
from tests.browser.server import oidc_provider, serve_signed_in, sign_in_with_provider
from tests.cli import outcomes
from tests.copies import written
from tests.returns import LEAD_EMAIL, withhold_latest_quarter

pytestmark = pytest.mark.browser

OTHER_LEAD = "other.lead@demo.example"  # reports on street violence, then moves to another
PHONE = {"width": 390, "height": 844}


def _remind(db, mailbox) -> list[str]:
    """`remind` run as cron would, before the dashboard opens the file; each e-mail's first
    link, by address."""
    env = {
        **os.environ,
        "OUTCOMES_SMTP_URL": mailbox.url,
        "OUTCOMES_MAIL_FROM": "csp@example.org",
        "OUTCOMES_BASE_URL": "https://csp.example.org",
    }
    done = outcomes("remind", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    return mailbox.messages


@pytest.fixture(scope="module")
def reminded(chromium_path: str, tmp_path_factory, copy_demo) -> Iterator[dict[str, Any]]:
    from tests.mailbox import mailbox

    work = tmp_path_factory.mktemp("browser-reminder")

    def prepare(cur) -> None:
        withhold_latest_quarter(cur)
        people.add_person(
            cur, OTHER_LEAD, name="Olu Lead", role="lead", priorities=["street-violence"],
            by=people.SYSTEM,
        )  # fmt: skip

    db = written(copy_demo(work / "outcomes.duckdb"), prepare)
    with mailbox() as box:
        messages = _remind(db, box)
    links = {}
    for m in messages:
        text = m.get_body(("plain",)).get_content()
        links[m["To"]] = next(w for w in text.split() if w.startswith("https://csp.example.org/"))
    # The other lead moves to another priority after the reminder went out.
    written(
        db,
        lambda cur: people.change_person(
            cur, OTHER_LEAD, priorities=["modern-slavery"], by=people.SYSTEM
        ),
    )
    users = [(LEAD_EMAIL, "Sam Lead"), (OTHER_LEAD, "Olu Lead")]
    with oidc_provider(users) as provider, serve_signed_in(work, db, provider) as base:
        yield {"base": base, "links": links}


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_the_emailed_link_opens_the_form_after_sign_in(
    reminded, page, wait_for_app, expect, screenshot
):
    base, link = reminded["base"], reminded["links"][LEAD_EMAIL]
    assert "/returns?priority=street-violence&period=" in link
    page.set_viewport_size(PHONE)
    sign_in_with_provider(page, base, LEAD_EMAIL, wait_for_app, expect, path=_path(link))
    wait_for_app(page, h1="Your returns")
    assert page.url == f"{base}{_path(link)}"
    expect(page.get_by_text("is overdue")).to_be_visible()
    expect(page.locator('input[aria-label^="Figure for"]').first).to_be_visible()
    screenshot(page, "reminder-link-390x844")


def test_a_link_for_a_priority_no_longer_theirs_says_so(
    reminded, page, wait_for_app, expect, screenshot
):
    base, link = reminded["base"], reminded["links"][OTHER_LEAD]
    page.set_viewport_size(PHONE)
    sign_in_with_provider(page, base, OTHER_LEAD, wait_for_app, expect, path=_path(link))
    wait_for_app(page, h1="Your returns")
    expect(page.get_by_text("does not report on").first).to_be_visible()
    screenshot(page, "reminder-link-not-theirs-390x844")
