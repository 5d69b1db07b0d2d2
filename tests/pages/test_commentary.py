"""Commentary and status overrides on the priority page, through the router with AppTest.

Every test here writes, so each builds a demo database file of its own.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from outcomes.rules import wording
from outcomes.storage import people
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting
from tests.pages.conftest import clear_caches
from ui.markup import plain

D = facts()  # where the demo's figures fall today

PRIORITY_PAGE = "pages/priority.py"
LEAD = "Head of Probation Delivery Unit, Plymouth"
SUBMIT = "FormSubmitter:commentary_RO01-Add commentary"


LEAD_EMAIL = "probation.lead@test.example"


def _page(fresh_db, as_email: str | None) -> AppTest:
    """The priority page as someone on the demo sign-in (or nobody)."""
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    if as_email:
        at.session_state["demo_person"] = as_email
    at.switch_page(PRIORITY_PAGE)
    at.query_params["priority"] = "harmful-reoffending"
    at.run()
    return _ok(at)


@pytest.fixture
def at(fresh_db):
    """Signed in (on the demo sign-in) as the lead for harmful reoffending."""
    store = open_store(fresh_db)
    try:
        people.add_person(
            store.cursor(),
            LEAD_EMAIL,
            name=LEAD,
            role="lead",
            priorities=["harmful-reoffending"],
            by=people.SYSTEM,
            demo=True,
        )
    finally:
        store.close()
    return _page(fresh_db, LEAD_EMAIL)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.title] + [e.proto.body for e in at.get("html")]
    return "\n".join(parts)


def _query(path, sql: str):
    clear_caches()  # let the page's connection go before reading the file
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _fill(at: AppTest, **fields) -> AppTest:
    """Fill RO01's commentary form (field name -> value) and submit it."""
    for name, value in fields.items():
        key = f"c_RO01_{name}_0"
        if name in ("narrative", "actions", "detail"):
            at.text_area(key=key).input(value)
        elif name == "reason":
            at.text_input(key=key).input(value)
        elif name == "blockage":
            at.checkbox(key=key).set_value(value)
        else:
            at.selectbox(key=key).set_value(value)
    at.button(key=SUBMIT).click().run()
    return _ok(at)


def _title_badge(at: AppTest) -> str:
    """The priority's rolled-up status: the big badge under the title."""
    first = next(m.value for m in at.markdown if "badge big" in m.value)
    return re.search(r">([^<]+)</span>", first).group(1)


def test_the_form_defaults_to_the_latest_period(at):
    assert at.selectbox(key="c_RO01_period_0").value == D.moved("2024/25 Q4")
    assert at.selectbox(key="c_RO03_period_0").value == D.moved("2025-03")  # monthly
    assert at.selectbox(key="c_RO01_override_0").value == "none"
    assert "No commentary yet from the accountable person." in _text(at)


def test_commentary_added_on_the_form_shows_beside_the_chart(at, fresh_db):
    _fill(
        at,
        narrative="Two prolific <offenders> were released in March.",
        actions="Daily IOM check-ins for the cohort.",
        blockage=True,
        detail="Approved premises are full.",
    )
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == [
        f"Commentary for RO01 ({wording.period_aside(D.latest_quarter.code)}) added."
    ]
    text = _text(at)
    assert f"<strong>Commentary for {wording.period(D.latest_quarter.code)}</strong>" in text
    assert (
        "<strong>The story behind the curve:</strong> Two prolific &lt;offenders&gt; were released"
        in text
    )
    assert "<strong>What is being done:</strong> Daily IOM check-ins for the cohort." in text
    assert "<strong>⚑ Blockage escalated to the board:</strong> Approved premises are full." in text
    assert f"{LEAD}, " in text
    # the form is empty again for the next entry
    assert at.text_area(key="c_RO01_narrative_1").value == ""
    # the commentary alone changes no status
    assert _title_badge(at) == "✖ Red"
    assert _query(fresh_db, "SELECT count(*), bool_or(blockage) FROM commentary") == [(1, True)]


def test_an_override_without_a_reason_is_refused_and_writes_nothing(at, fresh_db):
    _fill(at, override="amber")
    assert [e.value for e in at.error] == [
        "A status can only be overridden with a reason: say why the computed status is wrong."
    ]
    assert not at.success
    assert _title_badge(at) == "✖ Red"
    assert _query(fresh_db, "SELECT count(*) FROM commentary") == [(0,)]


def test_commentary_is_recorded_under_the_signed_in_lead(at, fresh_db):
    assert f"Recorded under {plain(f'{LEAD} <{LEAD_EMAIL}>')}." in _text(at)
    _fill(at, narrative="Something")
    assert _query(fresh_db, "SELECT author FROM commentary") == [(LEAD,)]
    assert _query(
        fresh_db, "SELECT who, who_email, who_role FROM audit_log WHERE entity = 'commentary'"
    ) == [(LEAD, LEAD_EMAIL, "lead")]


def test_who_may_comment_and_override_is_who_the_page_offers(fresh_db):
    # Nobody chosen, and a board member: no form at all. An analyst: commentary, no override.
    for email in (None, "board.member@demo.example"):
        shown = _page(fresh_db, email)
        assert not [f for f in shown.get("form")], email
        clear_caches()
    analyst = _page(fresh_db, "analyst@demo.example")
    assert analyst.text_area(key="c_RO01_narrative_0") is not None
    assert not [s for s in analyst.selectbox if s.key == "c_RO01_override_0"]
    clear_caches()
    # The street violence lead may not comment on another priority.
    other = _page(fresh_db, "street.violence.lead@demo.example")
    assert not [f for f in other.get("form")]


def test_an_override_with_a_reason_shows_both_statuses_and_rolls_up(at, fresh_db):
    assert _title_badge(at) == "✖ Red"
    _fill(
        at,
        override="amber",
        reason="March includes a one-off cohort transfer from Exeter",
    )
    assert not at.error, [e.value for e in at.error]
    text = _text(at)
    shown = re.search(
        r"Computed: (<span[^>]*>[^<]*</span>) · Set by ([^:]*): (<span[^>]*>[^<]*</span>) because ([^\n]*)",
        text,
    )
    assert shown, text
    assert "✖ Red" in shown.group(1) and "▲ Amber" in shown.group(3)
    assert shown.group(2) == LEAD
    assert shown.group(4) == "March includes a one-off cohort transfer from Exeter"
    # the indicators table marks it; the priority rolls up from the override: red -> amber
    assert "set by accountable person (computed: ✖ Red" in text
    assert _title_badge(at) == "▲ Amber"
    assert "▲ 1 Amber" in text and "✖ 0 Red" in text

    # the plan on a page agrees
    at.switch_page("pages/overview.py")
    at.run()
    text = _text(_ok(at))
    at_title = text.index("#### Reoffenders who cause the most harm")
    assert "▲ Amber" in text[max(0, at_title - 400) : at_title]
    audit = _query(
        fresh_db, "SELECT who, entity, change FROM audit_log WHERE entity = 'commentary'"
    )
    assert audit == [(LEAD, "commentary", "override")]


def test_a_long_commentary_shows_its_beginning_and_reads_more_on_request(fresh_db):
    """A 54,000-character story, stored before any limit at entry, does not fill the page."""
    story = "The night-time economy patrols held the line this quarter. " * 900
    con = duckdb.connect(str(fresh_db))
    con.execute(
        "INSERT INTO commentary (indicator_code, period, narrative, author) VALUES (?, ?, ?, ?)",
        ["RO01", D.latest_quarter.code, story, "Probation lead"],
    )
    con.close()
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.switch_page(PRIORITY_PAGE)
    at.query_params["priority"] = "harmful-reoffending"
    _ok(at.run())
    shown = [m.value for m in at.markdown if "The story behind the curve" in m.value]
    assert len(shown) == 2  # the beginning, and the whole under "read more"
    assert len(shown[0]) < 2_000 and "…" in shown[0]
    assert len(shown[1]) > 50_000
    more = [e for e in at.expander if e.label == "Read the whole commentary"]
    assert len(more) == 1 and shown[1] in [m.value for m in more[0].markdown]


def test_the_commentary_form_limits_its_length(at):
    from outcomes.workflows.meetings import COMMENTARY_MAX_CHARS

    limited = [a for a in at.text_area if a.key.startswith("c_RO01_")]
    assert limited and all(a.max_chars == COMMENTARY_MAX_CHARS for a in limited)


def test_a_blockage_that_is_its_narrative_is_said_once_as_the_blockage(fresh_db):
    """Issue 17: a return's row marked Y showed the same text as the story and the blockage."""
    store = open_store(fresh_db)
    try:
        cur = store.cursor()
        (period,) = cur.execute(
            "SELECT period FROM indicator_status WHERE indicator_code = 'RO01'"
        ).fetchone()
        meetings.add_commentary(cur, "RO01", period, by=acting("Probation lead"),
                                narrative="No approved premises beds in the city.", blockage=True,
                                blockage_detail="No approved premises beds in the city.")  # fmt: skip
    finally:
        store.close()
    text = _text(_page(fresh_db, None))
    assert text.count("No approved premises beds in the city.") == 1
    assert "⚑ Blockage escalated to the board:</strong> No approved premises beds" in text
    for screen in range(1, 10):
        at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
        at.switch_page("pages/present.py")
        at.query_params["screen"] = str(screen)
        shown = _text(_ok(at.run()))
        if "No approved premises beds" in shown:
            assert shown.count("No approved premises beds in the city.") == 1
            assert "The story</strong>" not in shown.split("No approved premises beds")[0][-300:]
            return
    pytest.fail("no presentation screen shows the blockage")
