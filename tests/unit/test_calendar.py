"""The reporting calendar: one lead's return makes no one else late; SQL and Python agree."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from loaders import periods
from outcomes.queries.observations import record_upload
from outcomes.rules import wording
from outcomes.workflows import agenda, calendar
from outcomes.workflows.demo import facts
from tests.actors import acting

D = facts()  # where the demo's figures fall today


def _statuses(cur) -> dict[str, str]:
    return dict(cur.execute("SELECT indicator_code, status FROM indicator_status").fetchall())


def test_one_priority_loading_its_next_quarter_makes_no_other_priority_late(demo_store):
    """Issue 9, item 7: loading one priority's next quarterly return early used to move the
    "reporting horizon", so RO03, SV03 and FS01 went Green -> Not rated and were listed as
    returns overdue."""
    cur = demo_store.cursor()
    before = _statuses(cur)
    overdue_before = list(agenda.since_last_meeting(cur).overdue_returns["indicator_code"])
    assert before["RO03"] == before["SV03"] == before["FS01"] == "green"
    assert overdue_before == ["MS02"]  # stale (SV04 awaits police.uk, no lead's return)
    next_quarter = D.latest_quarter.next().code
    frame = pd.DataFrame(
        [
            {"indicator_code": c, "period": next_quarter, "area": "all", "value": v}
            for c, v in (("VV01", 77.0), ("VV02", 410.0), ("VV03", 23.0))
        ]
    )
    record_upload(
        cur, frame, by=acting("Victim Support"), file_name="VV.xlsx", source_format="return"
    )
    after = _statuses(cur)
    assert {c: s for c, s in after.items() if not c.startswith("VV")} == {
        c: s for c, s in before.items() if not c.startswith("VV")
    }
    assert after["RO03"] == after["SV03"] == after["FS01"] == "green"
    assert list(agenda.since_last_meeting(cur).overdue_returns["indicator_code"]) == overdue_before


def test_overdue_returns_say_the_period_due_and_when(demo_store):
    ms02 = agenda.since_last_meeting(demo_store.cursor()).overdue_returns.iloc[0]
    assert ms02["due_period"] == D.latest_quarter.code
    assert ms02["due_date"] == calendar.due_date(D.latest_quarter, 45)


@pytest.mark.parametrize("seed", range(3))
def test_the_view_and_the_rule_agree_on_every_indicator_and_date(demo_store, seed):
    rng = random.Random(seed)
    cur = demo_store.cursor()
    for code in rng.sample([r[0] for r in cur.execute("SELECT code FROM indicator").fetchall()], 5):
        cur.execute(
            "INSERT OR REPLACE INTO return_due VALUES ('indicator', ?, 'quarterly', ?)",
            [code, rng.randint(0, 120)],
        )
    cur.execute(
        "INSERT OR REPLACE INTO return_due VALUES ('priority', 'street-violence', 'monthly', 3)"
    )
    cur.execute("INSERT OR REPLACE INTO return_due VALUES ('partnership', '', 'annual', 200)")
    for _ in range(8):
        on = D.today - timedelta(days=rng.randint(0, 900))
        cur.execute("UPDATE partnership SET as_at = ?", [on])
        rows = cur.execute(
            "SELECT r.indicator_code, r.frequency, r.period, r.due_days, r.behind, r.stale, r.due_end "
            "FROM indicator_rating r"
        ).df()
        for r in rows.to_dict("records"):
            kind = periods.FREQUENCY_KIND[r["frequency"]]
            latest = periods.parse_code(r["period"]) if isinstance(r["period"], str) else None
            due = calendar.latest_due(kind, int(r["due_days"]), on)
            assert pd.Timestamp(r["due_end"]).date() == due.end, (r, on)
            assert bool(r["behind"]) == calendar.is_behind(latest, kind, int(r["due_days"]), on)
            if latest is not None:
                assert bool(r["stale"]) == agenda.is_stale(r, on)


def test_an_indicator_rule_beats_its_priority_which_beats_the_partnership(demo_store):
    cur = demo_store.cursor()
    cur.execute("INSERT OR REPLACE INTO return_due VALUES ('partnership', '', 'quarterly', 30)")
    cur.execute(
        "INSERT OR REPLACE INTO return_due VALUES ('priority', 'vulnerable-victims', 'quarterly', 60)"
    )
    cur.execute("INSERT OR REPLACE INTO return_due VALUES ('indicator', 'VV01', 'quarterly', 10)")
    days = dict(cur.execute("SELECT indicator_code, due_days FROM indicator_due").fetchall())
    assert (days["VV01"], days["VV02"], days["RO01"], days["RO03"]) == (10, 60, 30, 20)


def test_each_lead_is_offered_their_own_next_return(demo_store):
    cur = demo_store.cursor()
    owed = calendar.next_return(cur, "vulnerable-victims", D.today)
    assert owed.period == D.latest_quarter.next() and not owed.overdue
    assert owed.due == calendar.due_date(D.latest_quarter.next(), 45)
    # Modern slavery's MS02 is behind: that lead still owes the latest quarter, and is told so.
    late = calendar.next_return(cur, "modern-slavery", D.today)
    assert late.period == D.latest_quarter and late.overdue
    assert late.sentence.startswith(
        f"Your {wording.period(D.latest_quarter.code)} return was due by"
    )
    # Issue 17: the lead is told from when the quarter can be sent (the day after it ends).
    opens = periods.long_date(owed.period.end + timedelta(days=1))
    assert f"return can be sent from {opens} and is due by" in owed.sentence


def test_a_meeting_is_judged_at_its_own_date(demo_store):
    cur = demo_store.cursor()
    assert calendar.judging_date(cur, date(2026, 1, 5)) == date(2026, 1, 5)
    cur.execute("UPDATE partnership SET as_at = DATE '2026-02-01'")
    assert calendar.judging_date(cur, date(2026, 1, 5)) == date(2026, 2, 1)


def test_the_agenda_says_which_returns_are_due_next_and_which_are_late(demo_store):
    due = agenda.since_last_meeting(demo_store.cursor()).next_due
    late, coming = D.latest_quarter, D.latest_quarter.next()
    assert due == [
        {
            "overdue": True,
            "waiting": False,
            "due_date": calendar.due_date(late, 45),
            "name": calendar.return_name(late),
            "priorities": 1,
        },
        {
            "overdue": False,
            "waiting": False,
            "due_date": calendar.due_date(coming, 45),
            "name": calendar.return_name(coming),
            "priorities": 6,
        },
    ]


def test_with_no_priority_the_next_return_is_by_the_partnership_s_calendar(demo_store):
    # The upload page asks before any priority exists (an empty framework); nothing is owed yet.
    cur = demo_store.cursor()
    owed = calendar.next_return(cur, None, D.today)
    days = cur.execute(
        "SELECT due_days FROM partnership_due WHERE frequency = 'quarterly'"
    ).fetchone()[0]
    last = calendar.latest_due("quarter", days, D.today)
    assert owed == calendar.Due(last.next(), calendar.due_date(last.next(), days), False)
    assert calendar.next_return(cur, "no-such-priority", D.today) == owed


def test_a_computed_indicator_is_never_a_lead_s_return(demo_store):
    """Issue 17: SV04 is computed from police.uk (``derived_from``); no lead types it, so its
    missing figure is no lead's overdue return and the lead's template does not ask for it."""
    from outcomes.workflows.template import due_rows

    cur = demo_store.cursor()
    assert "SV04" in calendar.computed_codes(cur)
    assert _statuses(cur)["SV04"] == "not rated"  # its figure is behind: it awaits police.uk
    overdue = agenda.since_last_meeting(cur).overdue_returns
    assert "SV04" not in set(overdue["indicator_code"])
    rows = due_rows(cur, D.latest_quarter.code, priority_id="street-violence")
    assert "SV04" not in set(rows["indicator_code"]) and len(rows) > 0
    by_lead = due_rows(cur, D.latest_quarter.code, lead="Local Policing Commander")
    assert "SV04" not in set(by_lead["indicator_code"])
