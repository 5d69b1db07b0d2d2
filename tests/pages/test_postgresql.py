"""Every page on PostgreSQL: the demo renders through the real router as it does on DuckDB, and a
server that cannot be reached gives "the database is unreachable, try again" on every page, with
a button that shows the page once the database answers again."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from tests import postgres
from tests.pages.conftest import clear_caches
from tests.pages.test_states import EXTRA_PAGES, PAGES
from ui import failures

EVERY_PAGE = (*PAGES, *EXTRA_PAGES, "pages/admin.py")


@pytest.fixture
def pg_demo(pg_demo_built, monkeypatch):
    """A PostgreSQL copy of the demo of this test's own; OUTCOMES_DB is its URL."""
    url = postgres.copy_of(pg_demo_built)
    monkeypatch.setenv("OUTCOMES_DB", url)
    clear_caches()
    yield url
    clear_caches()
    postgres.drop(url)


def _shown(at: AppTest, where: str) -> str:
    assert not at.exception, (where, [e.value for e in at.exception])
    assert not at.error, (where, [e.value for e in at.error])
    return "\n".join([t.value for t in at.title] + [m.value for m in at.markdown])


def test_every_page_renders_the_demo_on_postgresql(pg_demo):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=90)
    at.run()
    assert "Safer Plymouth" in _shown(at, "the plan on a page")
    for page in EVERY_PAGE[1:]:
        at.switch_page(page)
        at.run()
        assert at.title, page
        _shown(at, page)


def _unreachable(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    assert [e.value for e in at.error] == [failures.UNREACHABLE], where
    assert at.button(key="unreachable_retry").label == "Try again"


def test_every_page_says_unreachable_while_the_server_is_down(pg_demo, monkeypatch):
    down = postgres.nobody_listening()
    monkeypatch.setenv("OUTCOMES_DB", down)
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.run()
    _unreachable(at, "the plan on a page")
    for page in EVERY_PAGE[1:]:
        at.switch_page(page)
        at.run()
        _unreachable(at, page)
    # The server answers again (here: the address is put right); "Try again" shows the page.
    monkeypatch.setenv("OUTCOMES_DB", pg_demo)
    at.button(key="unreachable_retry").click().run()
    assert not at.exception and not at.error
    assert at.title and at.title[0].value != "Database unreachable"
