"""No page fails in front of the board, whatever the database holds (issue 9).

Hypothesis draws framework and database states (tests/states.py); each is written into a
database file through the product's own write functions and every page is rendered through the
real router with one AppTest. A page passes when nothing escaped (``at.exception`` is empty),
no page fell back to ui.failures' "Something went wrong" message, and each priority's status
reads as its word where the page shows it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from hypothesis import example, given
from streamlit.testing.v1 import AppTest

from outcomes.queries import board
from outcomes.rules import status
from outcomes.storage.store import PROJECT_ROOT, open_store
from tests.pages.conftest import clear_caches
from tests.states import LONG, Commentary, Figure, ReturnRow, State, build_file, examples, states
from ui import failures

FOLDER = Path(tempfile.mkdtemp(prefix="outcomes-states-"))


def _doc(priorities: list[dict]) -> dict:
    return {
        "partnership": {"name": "Statesville", "area_name": "Statesville", "vision": "Safe."},
        "partners": [{"code": "p1", "name": "Council", "sector": "Council"}],
        "tiers": [{"code": "t1", "label": "Individuals"}, {"code": "t2", "label": "Places"}],
        "priorities": priorities,
    }


def _priority(n: int, indicators: list[dict]) -> dict:
    return {
        "id": f"priority-{n}",
        "tier": "t1",
        "title": f"Priority {n}",
        "aim": "Aim.",
        "outputs": "Outputs.",
        "outcomes": "Outcomes.",
        "success_measures": "Measures.",
        "lead_role": "Lead",
        "lead_partner": "p1",
        "indicators": indicators,
    }


def _quarterly(code: str, **extra) -> dict:
    return {
        "code": code,
        "name": f"Indicator {code}",
        "definition": "Counted.",
        "level": "outcome",
        "unit": "count",
        "polarity": "lower",
        "frequency": "quarterly",
        "source_partner": "p1",
        "accountable_role": "Analyst",
        "target": 100,
        **extra,
    }


# Issue 9's first failure: a blockage from a return's Y with no detail beside one escalated
# through the commentary form; NaN reached escape() on the plan on a page and the meetings page.
TWO_BLOCKAGES = State(
    _doc([_priority(1, [_quarterly("P1I1"), _quarterly("P1I2")])]),
    figures=[Figure("P1I1", "2024/25 Q1", 90.0), Figure("P1I2", "2024/25 Q1", 120.0)],
    returns=[ReturnRow("priority-1", "2024/25 Q2", 95.0, None, "Y")],
    commentary=[Commentary("P1I2", "2024/25 Q1", "Escalated on the form.", True, None)],
    meetings=[date(2025, 1, 15)],
)
# Commentary a page long and one far longer, an override, a legacy NaN figure and a meeting
# with nothing since; a priority with no indicators and an indicator with no figures.
LONG_AND_EMPTY = State(
    _doc(
        [
            _priority(1, [_quarterly("P1I1"), _quarterly("P1I2")]),
            _priority(2, []),
        ]
    ),
    figures=[Figure("P1I1", "2024/25 Q1", float("nan")), Figure("P1I1", "2024/25 Q3", 80.0)],
    commentary=[
        Commentary("P1I1", "2024/25 Q3", LONG[5_000], True, LONG[54_000], "red", "Known issue."),
        Commentary("P1I1", "2024/25 Q1", LONG[54_000]),
    ],
    meetings=[date(2025, 6, 1), date(2026, 11, 1)],
)
# A framework and nothing else: no figures, no commentary, no meetings.
NOTHING_YET = State(_doc([_priority(1, [_quarterly("P1I1")])]))
# A database as new as it gets behind a running dashboard: a partnership with no priorities.
NO_PRIORITIES = State(_doc([]))
# Control characters pasted into names and commentary: the CI run at 5699977 found a bell in
# the partnership's name stopped the workbook pack being written.
_BELL = "Safer\x07 Statesville\x1b[0m\x00"
CONTROL_CHARACTERS = State(
    {
        **_doc([{**_priority(1, [_quarterly("P1I1", name=_BELL)]), "title": _BELL}]),
        "partnership": {"name": _BELL, "area_name": _BELL, "vision": _BELL},
    },
    figures=[Figure("P1I1", "2024/25 Q1", 90.0)],
    commentary=[Commentary("P1I1", "2024/25 Q1", _BELL)],
)

PAGES = (
    "pages/overview.py",
    "pages/priority.py",
    "pages/indicator.py",
    "pages/upload.py",
    "pages/meeting.py",
    "pages/present.py",
    "pages/compare.py",
)
EXTRA_PAGES = ("pages/data.py", "pages/figures.py")


@contextmanager
def _database(state: State):
    """The state in a file of its own with OUTCOMES_DB pointing at it; caches cleared after."""
    path = Path(tempfile.mkstemp(suffix=".duckdb", dir=FOLDER)[1])
    path.unlink()
    build_file(path, state)
    before = os.environ.get("OUTCOMES_DB")
    os.environ["OUTCOMES_DB"] = str(path)
    clear_caches()
    try:
        yield path
    finally:
        clear_caches()
        if before is None:
            os.environ.pop("OUTCOMES_DB", None)
        else:
            os.environ["OUTCOMES_DB"] = before
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.title] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [e.proto.body for e in at.get("html")]
    return "\n".join(parts)


def assert_shown(at: AppTest, where: str) -> str:
    """Nothing escaped and no page gave up; returns what the page says."""
    assert not at.exception, (where, [e.value for e in at.exception])
    failed = [e.value for e in at.error if e.value == failures.FAILED]
    assert not failed, f"{where} showed the failure message (see the log above)"
    return text_of(at)


def _statuses(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Each priority's and indicator's status as the product works it out."""
    clear_caches()
    store = open_store(path)
    try:
        cur = store.cursor()
        summary = board.priority_summary(cur)
        ratings = board.indicator_ratings(cur)
    finally:
        store.close()
    return (
        dict(zip(summary["id"], summary["status"], strict=True)),
        dict(zip(ratings["indicator_code"], ratings["effective_status"], strict=True)),
    )


def render_everything(state: State) -> None:
    with _database(state) as path:
        priorities, indicators = _statuses(path)
        at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
        text = assert_shown(at.run(), "the plan on a page")
        wanted = Counter(status.badge_text(s) for s in priorities.values())
        for badge, count in wanted.items():
            assert text.count(badge) >= count, f"plan on a page: {badge} shown fewer than {count}"

        pages = PAGES + tuple(p for p in EXTRA_PAGES if (PROJECT_ROOT / p).exists())
        for page in pages[1:]:
            at.query_params.clear()
            at.switch_page(page)
            assert_shown(at.run(), page)

        for pid, state_ in priorities.items():
            at.switch_page("pages/priority.py")
            at.query_params["priority"] = pid
            text = assert_shown(at.run(), f"priority {pid}")
            assert status.badge_text(state_) in text, f"priority {pid}: no {state_}"
        for code, state_ in indicators.items():
            at.switch_page("pages/indicator.py")
            at.query_params["indicator"] = code
            text = assert_shown(at.run(), f"indicator {code}")
            assert status.badge_text(state_) in text, f"indicator {code}: no {state_}"
        # Presentation mode: since the last meeting (a long list continued), each priority (over
        # as many screens as it takes), the open actions; each priority's first screen heads
        # with its status.
        at.query_params.clear()
        at.switch_page("pages/present.py")
        at.query_params["screen"] = "1"
        total = int(re.search(r">1 of (\d+)<", assert_shown(at.run(), "presentation")).group(1))
        assert total >= len(priorities) + 2
        shown: Counter[str] = Counter()
        for screen in range(1, total + 1):
            at.query_params["screen"] = str(screen)
            text = assert_shown(at.run(), f"presentation screen {screen}")
            heading = at.title[0].value if at.title else ""
            big = 'class="present present-status"'  # the status badge before the title
            if big in text and not re.search(r", ([2-9]|\d\d+) of \d+$", heading):
                badge = text[text.index(big) :]
                words = {s: badge.find(status.style(s).word) for s in status.STATUSES}
                shown[min((i, s) for s, i in words.items() if i >= 0)[1]] += 1
        assert shown == Counter(priorities.values()), (shown, priorities)


@examples(3)
@example(TWO_BLOCKAGES)
@example(LONG_AND_EMPTY)
@example(CONTROL_CHARACTERS)
@example(NOTHING_YET)
@example(NO_PRIORITIES)
@given(states(max_indicators=2))
def test_every_page_renders_whatever_the_database_holds(state):
    render_everything(state)
