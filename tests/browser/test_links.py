"""Links and the browser's history: choosing another priority is a new page for Back."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

VICTIMS = "Victims who are most vulnerable"
STREETS = "Violent street crime in Stonehouse, Devonport and the City Centre"


def test_back_returns_to_the_previous_priority(page, app_server, wait_for_app, expect):
    page.goto(f"{app_server}/priority?priority=vulnerable-victims")
    wait_for_app(page, h1=VICTIMS)
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=f"Communities: {STREETS}").click()
    wait_for_app(page, h1=STREETS)
    expect(page).to_have_url(f"{app_server}/priority?priority=street-violence")
    page.go_back()
    wait_for_app(page, h1=VICTIMS)
    expect(page).to_have_url(f"{app_server}/priority?priority=vulnerable-victims")
    page.go_forward()
    wait_for_app(page, h1=STREETS)


def test_a_link_to_no_priority_says_so_and_offers_them_all(page, app_server, wait_for_app):
    page.goto(f"{app_server}/priority?priority=nope")
    wait_for_app(page, h1="There is no priority 'nope'")
    page.get_by_role("link", name=f"Communities: {STREETS}").click()
    wait_for_app(page, h1=STREETS)
