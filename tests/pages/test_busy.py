"""While the command line holds the database, every page says "busy, try again", never fails.

A real second process opens the file exactly as the command line does (``outcomes.cli._open``)
and keeps it until told to let go; meanwhile each page is opened through the real router.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from tests.copies import held_by_the_command_line
from tests.pages.conftest import clear_caches
from tests.pages.test_states import EXTRA_PAGES, PAGES
from ui import failures


@pytest.fixture
def command_line(fresh_db):
    """A process holding the database file, as `python -m outcomes ...` does while it runs."""
    clear_caches()  # this process must not be the one holding it
    with held_by_the_command_line(fresh_db) as proc:
        yield proc


def _busy(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    assert not at.error, (where, [e.value for e in at.error])
    assert [w.value for w in at.warning] == [failures.BUSY], where
    assert at.button(key="busy_retry").label == "Try again"


def test_every_page_says_busy_while_the_command_line_holds_the_file(command_line):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.run()
    _busy(at, "the plan on a page")
    for page in PAGES[1:] + EXTRA_PAGES:
        at.switch_page(page)
        at.run()
        _busy(at, page)

    # The command line finishes; "Try again" shows the page.
    command_line.stdin.close()
    assert command_line.wait(timeout=30) == 0
    at.button(key="busy_retry").click().run()
    assert not at.exception and not at.warning
    assert at.title[0].value == "Public figures"  # the last page opened
