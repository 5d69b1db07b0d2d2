"""Framework and database states a board could be looking at, generated with Hypothesis.

:func:`states` draws a :class:`State`: a small framework (priorities with no indicators,
indicators with no figures, hostile and very long text in every field a person reads) and
what has happened to it since (figures with gaps, missing and legacy NaN figures, commentary,
blockages from a return's Y (with and without commentary) and from the commentary form,
overrides, meetings with or without anything since, and actions).

:func:`build` writes a state into a database through the product's own write functions: the
framework import, ``observations.record_upload`` for figures, a real return workbook through
``uploads.prepare`` and ``uploads.commit`` for a lead's Y, ``meetings.add_commentary``,
``meetings.record_meeting`` and ``meetings.save_action``. Only a legacy NaN figure, which no
write function produces any more but an old database can still hold, is inserted directly.

Reusable by any test that needs "whatever the database holds": build into a file, point
``OUTCOMES_DB`` at it and render.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from loaders import periods
from outcomes.errors import Refused
from outcomes.queries import observations
from outcomes.rules import spreadsheets
from outcomes.storage.store import open_store
from outcomes.workflows import framework, meetings, template, uploads
from tests.actors import ADMIN, acting
from tests.copies import written

# Text a person typed, at its worst: right-to-left scripts, emoji with joiners and skin tones,
# combining marks, and text that looks like Markdown, HTML, Streamlit directives, LaTeX or a
# spreadsheet formula. Each must be shown as the characters typed.
HOSTILE = (
    "شرطة المدينة – الأولوية",
    "עברית ומספרים 123 ‏מימין לשמאל",
    "👩🏽‍⚕️ Safer streets 🚓🏳️‍🌈",
    "Z̸̢͓a̷̮͝l̴͇̈g̵̱̓o̶̜͌ c̷omb̶ining m̵arks",
    "**bold** _em_ [link](http://example.com) `code` # heading",
    "<script>alert(1)</script><b>bold</b>&amp; </div>",
    ":red[alarm] :material/warning: $x^2$ $$\\frac{1}{0}$$",
    '=HYPERLINK("http://x","click")',
    "+1+1",
    "-2-2",
    "@SUM(A1:A9)",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "line one\nline two\r\n\ttabbed",
    "NaN",
    "None",
    "",
    " ",
    "\u200b\u200e\u202e reversed",
)
# Commentary about a page long, and one far longer than anyone should write (issue 9).
LONG = {
    5_000: ("The figures for this quarter reflect a change in recording practice. " * 80)[:5_000],
    54_000: ("Ünïcödé ✓ long commentary with شرطة and 🚓 repeated at length. " * 900)[:54_000],
}

FREQUENCIES = {
    "monthly": [
        periods.parse_code(f"{y}-{m:02d}").code
        for y, m in [(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 4)]
    ],
    "quarterly": [f"{y}/{str(y + 1)[2:]} Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)],
    "annual": [f"{y}/{str(y + 1)[2:]}" for y in (2021, 2022, 2023, 2024)],
}
UNITS = ("count", "percent", "rate_per_1000", "score")
BY = acting("Property test")


FULL_EXAMPLES = 100  # Hypothesis's own count, which `make test` runs (the "outcomes" profile)
FAST_EXAMPLES = 10  # the "fast" profile of `make test-fast` (tests/conftest.py)


def scaled(count: int) -> int:
    """A suite's own example count, written for a full run, scaled to the profile loaded: the
    same under `make test`, a tenth (at least one) under `make test-fast`'s "fast" profile.
    Read when the test module is imported, which is after pytest has loaded the profile."""
    return max(1, round(count * settings.default.max_examples / FULL_EXAMPLES))


def examples(default: int):
    """Hypothesis settings for a suite of states: ``default`` examples (``scaled``) unless
    ``STATES_EXAMPLES`` asks for more; no deadline (a page or a pack takes seconds). A state that
    failed is kept in the example database (tests/conftest.py) and drawn first next run."""
    return settings(
        max_examples=int(os.environ.get("STATES_EXAMPLES", scaled(default))),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def short_text() -> st.SearchStrategy[str]:
    """A title or name: hostile, or anything Hypothesis likes (never blank: titles are required)."""
    return st.one_of(
        st.sampled_from([t for t in HOSTILE if t.strip()]),
        st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
    )


def typed_text() -> st.SearchStrategy[str | None]:
    """Commentary as a lead might type it: nothing, hostile, arbitrary or very long."""
    return st.one_of(
        st.none(),
        st.sampled_from(HOSTILE),
        st.text(max_size=200),
        st.sampled_from(list(LONG.values())),
    )


@dataclass
class Figure:
    code: str
    period: str
    value: float | None  # None: reported missing; nan: a legacy NaN (inserted directly)
    note: str | None = None


@dataclass
class Commentary:
    """One entry through the commentary form (``meetings.add_commentary``)."""

    code: str
    period: str
    narrative: str | None
    blockage: bool = False
    blockage_detail: str | None = None
    override: str | None = None
    override_reason: str | None = None


@dataclass
class ReturnRow:
    """A lead's return for one priority and period, with a Y (or N) on its first row."""

    priority_id: str
    period: str
    value: float | None
    commentary: str | None
    blockage: str  # "Y" or "N"


@dataclass
class Action:
    reference: str
    text: str
    owner: str
    due: date | None
    status: str
    priority_id: str | None


@dataclass
class State:
    doc: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    returns: list[ReturnRow] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    meetings: list[date] = field(default_factory=list)
    since: list[Figure] = field(default_factory=list)  # loaded after the last meeting
    actions: list[Action] = field(default_factory=list)

    @property
    def priority_ids(self) -> list[str]:
        return [p["id"] for p in self.doc["priorities"]]

    @property
    def indicator_codes(self) -> list[str]:
        return [i["code"] for p in self.doc["priorities"] for i in p.get("indicators", [])]


def _indicator(code: str, draw) -> dict[str, Any]:
    frequency = draw(st.sampled_from(list(FREQUENCIES)))
    polarity = draw(st.sampled_from(("higher", "lower", "none")))
    ind = {
        "code": code,
        "name": draw(short_text()),
        "definition": draw(short_text()),
        "level": draw(st.sampled_from(("outcome", "output"))),
        "unit": draw(st.sampled_from(UNITS)),
        "polarity": polarity,
        "frequency": frequency,
        "source_partner": "p1",
        "accountable_role": draw(short_text()),
    }
    if draw(st.booleans()):
        ind["target"] = draw(st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 1)))
    return ind


@st.composite
def frameworks(draw, max_priorities: int = 3, max_indicators: int = 3) -> dict[str, Any]:
    """A framework as nested YAML would give it: every field a person reads drawn hostile."""
    n = draw(st.integers(1, max_priorities))
    priorities = []
    for p in range(1, n + 1):
        count = draw(st.integers(0, max_indicators))
        priorities.append(
            {
                "id": f"priority-{p}",
                "tier": draw(st.sampled_from(("t1", "t2"))),
                "title": draw(short_text()),
                "aim": draw(short_text()),
                "outputs": draw(short_text()),
                "outcomes": draw(short_text()),
                "success_measures": draw(short_text()),
                "lead_role": draw(short_text()),
                "lead_partner": "p1",
                "indicators": [_indicator(f"P{p}I{i}", draw) for i in range(1, count + 1)],
            }
        )
    return {
        "partnership": {
            "name": draw(short_text()),
            "area_name": draw(short_text()),
            "vision": draw(st.one_of(short_text(), st.sampled_from([LONG[5_000]]))),
            "roll_up": draw(st.sampled_from(("worst", "majority", "outcomes_worst"))),
        },
        "partners": [{"code": "p1", "name": draw(short_text()), "sector": draw(short_text())}],
        "tiers": [
            {"code": "t1", "label": "Individuals"},
            {"code": "t2", "label": draw(short_text())},
        ],
        "priorities": priorities,
    }


def _values():
    return st.one_of(
        st.floats(0, 1e5, allow_nan=False).map(lambda x: round(x, 2)),
        st.none(),
        st.just(math.nan),
    )


@st.composite
def states(draw, max_priorities: int = 3, max_indicators: int = 3) -> State:
    doc = draw(frameworks(max_priorities, max_indicators))
    state = State(doc)
    inds = [i for p in doc["priorities"] for i in p["indicators"]]
    for ind in inds:
        # Any subset of the periods: gaps, a lone figure, or none at all.
        chosen = draw(st.lists(st.sampled_from(FREQUENCIES[ind["frequency"]]), unique=True))
        for period in chosen:
            state.figures.append(
                Figure(ind["code"], period, draw(_values()), draw(st.none() | short_text()))
            )
    quarterly = [p["id"] for p in doc["priorities"]]
    for pid in draw(st.lists(st.sampled_from(quarterly), unique=True, max_size=2)):
        state.returns.append(
            ReturnRow(
                pid,
                draw(st.sampled_from(FREQUENCIES["quarterly"][-3:])),
                draw(st.none() | st.floats(0, 1000, allow_nan=False).map(lambda x: round(x))),
                draw(typed_text()),
                draw(st.sampled_from(("Y", "N"))),
            )
        )
    if inds:
        for _ in range(draw(st.integers(0, 3))):
            ind = draw(st.sampled_from(inds))
            override = draw(st.none() | st.sampled_from(("green", "amber", "red", "not rated")))
            blockage = draw(st.booleans())
            state.commentary.append(
                Commentary(
                    ind["code"],
                    draw(st.sampled_from(FREQUENCIES[ind["frequency"]])),
                    draw(typed_text()),
                    blockage,
                    draw(typed_text()) if blockage else None,
                    override,
                    draw(short_text()) if override else None,
                )
            )
    state.meetings = sorted(
        draw(st.lists(st.dates(date(2025, 1, 1), date(2026, 11, 30)), unique=True, max_size=3))
    )
    if state.meetings and inds and draw(st.booleans()):
        ind = draw(st.sampled_from(inds))
        state.since.append(
            Figure(ind["code"], FREQUENCIES[ind["frequency"]][-1], draw(_values()), None)
        )
    for n in range(1, draw(st.integers(0, 3)) + 1):
        state.actions.append(
            Action(
                f"A{n}",
                draw(short_text()),
                draw(short_text()),
                draw(st.none() | st.dates(date(2025, 1, 1), date(2027, 6, 30))),
                draw(st.sampled_from(("open", "closed"))),
                draw(st.none() | st.sampled_from(state.priority_ids)),
            )
        )
    return state


def _load_figures(cur, figures: list[Figure], name: str) -> None:
    wanted = [f for f in figures if not (isinstance(f.value, float) and math.isnan(f.value))]
    if wanted:
        frame = pd.DataFrame(
            [
                {
                    "indicator_code": f.code,
                    "period": f.period,
                    "area": "all",
                    "value": f.value,
                    "note": f.note,
                }
                for f in wanted
            ]
        )
        observations.record_upload(cur, frame, by=BY, file_name=name, source_format="return")
    legacy = [f for f in figures if f not in wanted]
    if legacy:
        # A NaN stored before the loaders refused non-finite figures: no write function makes
        # one now, but an old database still holds them.
        upload_id = cur.execute(
            "INSERT INTO upload (uploaded_by, file_name, sha256, source_format) "
            "VALUES (?, 'legacy', 'legacy', 'return') RETURNING id",
            [BY.label],
        ).fetchone()[0]
        for f in legacy:
            p = periods.parse_code(f.period)
            revision = cur.execute(
                "SELECT coalesce(max(revision), 0) + 1 FROM observation "
                "WHERE indicator_code = ? AND period = ? AND area = 'all'",
                [f.code, f.period],
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO observation (indicator_code, period, period_start, period_end, area, "
                "revision, value, upload_id) VALUES (?, ?, ?, ?, 'all', ?, 'NaN'::DOUBLE, ?)",
                [f.code, p.code, p.start, p.end, revision, upload_id],
            )


def _load_return(cur, row: ReturnRow) -> None:
    """A lead fills in the real template and the return is loaded as the upload page does."""
    out = io.BytesIO()
    if template.write_template(cur, out, row.period, priority_id=row.priority_id) == 0:
        return
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book[template.RETURN_SHEET]
    header = [c.value for c in sheet[1]]
    for column, value in (
        ("Value", row.value),
        # What Excel lets a lead type: a workbook cell holds no control characters.
        ("Commentary", spreadsheets.cell_text(row.commentary)),
        ("Blockage for the board (Y/N)", row.blockage),
    ):
        sheet.cell(row=2, column=header.index(column) + 1, value=value)
    filled = io.BytesIO()
    book.save(filled)
    prepared = uploads.prepare_upload(cur, filled.getvalue(), "return.xlsx", by=ADMIN)
    if prepared.errors:
        return  # the product refuses this return: a state no board can be in
    uploads.commit(cur, prepared, by=BY, accept_warnings=True)


def build(cur, state: State) -> None:
    """Write ``state`` into the (migrated, empty) database behind ``cur``."""
    framework.import_framework(cur, framework.from_nested(state.doc), by=BY)
    _load_figures(cur, state.figures, "figures")
    # Meetings come after the figures and before what leads send since: returns, commentary
    # and blockages then fall "since the last meeting", as they do between two board meetings.
    for when in state.meetings:
        meetings.record_meeting(cur, when, by=BY, title=None)
    for row in state.returns:
        _load_return(cur, row)
    for c in state.commentary:
        # Refused at entry (nothing typed, or too long): the board never sees it.
        said = {"narrative": c.narrative, "blockage": c.blockage}
        more = {"blockage_detail": c.blockage_detail, "status_override": c.override}
        with contextlib.suppress(Refused):
            meetings.add_commentary(
                cur, c.code, c.period, by=BY, override_reason=c.override_reason, **said, **more
            )
    if state.since:
        _load_figures(cur, state.since, "since the meeting")
    for a in state.actions:
        with contextlib.suppress(Refused):
            meetings.save_action(
                cur,
                by=BY,
                reference=a.reference,
                text=a.text,
                owner=a.owner,
                due_date=a.due,
                status_=a.status,
                meeting_date=state.meetings[-1] if state.meetings else None,
                priority_id=a.priority_id,
            )


def build_file(path: Path, state: State) -> Path:
    """The state in a database file of its own, closed so a page (or a process) can open it."""
    return written(path, lambda cur: build(cur, state))


# --- a board meeting at its heaviest (presentation mode must fit it, issue 17) ----------------

# What people type into a blockage, a story or an action at a real meeting: a line, a paragraph,
# hostile text, a page.
WORDY = (
    "Funding for the outreach worker ends in March.",
    "The data-sharing agreement with the health trust is still not signed, so the figures for "
    "the last two quarters are estimates from the police system alone; the board is asked to "
    "write to the trust's chief executive before the next meeting.",
    "Supercalifragilisticexpialidocious-without-any-spaces-at-all-" * 3,
    *[t for t in HOSTILE if t.strip()][:8],
    LONG[5_000],
)


@dataclass
class Meeting:
    """A meeting's worth of exceptions on top of a framework: the demo's (``base`` None) or a
    drawn :class:`State`. ``changes`` statuses overridden since the meeting, ``blockages``
    escalated, ``overdue`` and ``open`` actions, all typed as ``words``."""

    base: State | None
    changes: int
    blockages: int
    overdue: int
    open: int
    words: str


@st.composite
def heavy_meetings(draw) -> Meeting:
    """A meeting with a lot on its agenda, over the demo or over a drawn framework with up to
    nine indicators a priority."""
    base = draw(st.none() | states(max_priorities=2, max_indicators=9))
    return Meeting(
        base,
        draw(st.integers(0, 8)),
        draw(st.integers(0, 9)),
        draw(st.integers(0, 16)),
        draw(st.integers(0, 8)),
        draw(st.sampled_from(WORDY)),
    )


def build_meeting(path: Path, meeting: Meeting, demo: Path) -> Path:
    """``meeting`` in a database file of its own (``demo``: a built demo to copy), written
    through the product's own writes: a meeting recorded yesterday, then overrides,
    blockages and actions since."""
    if meeting.base is None:
        shutil.copy(demo, path)
    else:
        build_file(path, meeting.base)
    store = open_store(path)
    try:
        cur = store.cursor()
        today = date.today()
        meetings.record_meeting(cur, today - timedelta(days=1), by=BY)
        rated = cur.execute(
            "SELECT indicator_code, period, status FROM indicator_status "
            "WHERE period IS NOT NULL ORDER BY priority_id, indicator_code"
        ).fetchall()
        words = meeting.words
        for code, period, now in rated[: meeting.changes]:
            with contextlib.suppress(Refused):
                meetings.add_commentary(
                    cur, code, period, by=BY, narrative=words,
                    status_override="green" if now == "red" else "red", override_reason=words,
                )  # fmt: skip
        for code, period, _ in rated[meeting.changes : meeting.changes + meeting.blockages]:
            with contextlib.suppress(Refused):
                meetings.add_commentary(
                    cur, code, period, by=BY, narrative=words, blockage=True,
                    blockage_detail=words,
                )  # fmt: skip
        pids = [r[0] for r in cur.execute("SELECT id FROM priority ORDER BY id").fetchall()]
        dues = [today - timedelta(days=k + 1) for k in range(meeting.overdue)]
        dues += [today + timedelta(days=30 + k) for k in range(meeting.open)]
        for k, due in enumerate(dues):
            with contextlib.suppress(Refused):
                meetings.add_action(
                    cur, by=BY, text=words, owner=words[:80] or "Partnership manager",
                    due_date=due, priority_id=pids[k % len(pids)] if pids else None,
                )  # fmt: skip
    finally:
        store.close()
    return path
