"""Figures are never overwritten: revisions, unchanged re-loads, atomic uploads."""

from __future__ import annotations

import pandas as pd
import pytest

from outcomes.errors import StillLinked
from outcomes.queries.observations import record_upload
from outcomes.workflows import framework
from tests.actors import ADMIN, acting

pytestmark = pytest.mark.engines


@pytest.fixture
def framed(store, demo_framework):
    framework.import_framework(store.cursor(), demo_framework, by=ADMIN)
    return store


def _rows(*values):
    return pd.DataFrame(
        [{"indicator_code": "VV02", "period": p, "area": "all", "value": v} for p, v in values]
    )


def _send(cur, file_name: str, *values):
    """VV02's figures for ``values`` (period, value), loaded by a lead as a return."""
    return record_upload(
        cur, _rows(*values), by=acting("lead"), file_name=file_name, source_format="return"
    )


def _current(cur, period):
    return cur.execute(
        "SELECT value FROM observations_current WHERE indicator_code='VV02' AND period=?", [period]
    ).fetchone()


def test_new_then_identical_then_revised(framed):
    cur = framed.cursor()
    first = _send(cur, "a.xlsx", ("2024/25 Q1", 400), ("2024/25 Q2", 410))
    assert (first.rows_new, first.rows_revised, first.rows_unchanged) == (2, 0, 0)
    again = _send(cur, "a.xlsx", ("2024/25 Q1", 400), ("2024/25 Q2", 410))
    assert again.upload_id is None and again.rows_unchanged == 2 and not again.changed
    fixed = _send(cur, "b.xlsx", ("2024/25 Q1", 400), ("2024/25 Q2", 415))
    assert (fixed.rows_new, fixed.rows_revised, fixed.rows_unchanged) == (0, 1, 1)
    assert _current(cur, "2024/25 Q2") == (415.0,)
    # the old figure is still there, as revision 1
    kept = cur.execute(
        "SELECT revision, value FROM observation WHERE indicator_code='VV02' AND period='2024/25 Q2' ORDER BY revision"
    ).fetchall()
    assert kept == [(1, 410.0), (2, 415.0)]
    assert cur.execute("SELECT count(*) FROM upload").fetchone()[0] == 2


def test_rolling_back_makes_the_earlier_revision_current(framed):
    cur = framed.cursor()
    _send(cur, "a", ("2024/25 Q1", 400))
    second = _send(cur, "b", ("2024/25 Q1", 999))
    cur.execute("UPDATE upload SET state='rolled back' WHERE id=?", [second.upload_id])
    assert _current(cur, "2024/25 Q1") == (400.0,)
    # a new correction after the rollback takes the next revision number, never reusing one
    third = _send(cur, "c", ("2024/25 Q1", 401))
    assert third.rows_revised == 1
    assert (
        cur.execute("SELECT max(revision) FROM observation WHERE indicator_code='VV02'").fetchone()[
            0
        ]
        == 3
    )


def test_missing_value_with_note_is_a_figure_not_a_zero(framed):
    cur = framed.cursor()
    frame = pd.DataFrame(
        [
            {
                "indicator_code": "VV02",
                "period": "2024/25 Q1",
                "area": "all",
                "value": None,
                "note": "[x] not available",
            }
        ]
    )
    record_upload(cur, frame, by=acting("lead"), file_name="a", source_format="return")
    assert cur.execute("SELECT value, note FROM observations_current").fetchone() == (
        None,
        "[x] not available",
    )


def test_a_failure_part_way_leaves_the_database_as_it_was(framed):
    cur = framed.cursor()
    _send(cur, "a", ("2024/25 Q1", 400))
    before = (
        cur.execute("SELECT count(*) FROM observation").fetchone()[0],
        cur.execute("SELECT count(*) FROM upload").fetchone()[0],
    )
    bad = pd.concat(
        [
            _rows(("2024/25 Q2", 1)),
            pd.DataFrame(
                [{"indicator_code": "NOPE", "period": "2024/25 Q2", "area": "all", "value": 1}]
            ),
        ]
    )
    with pytest.raises(StillLinked, match="There is no NOPE to link to"):
        record_upload(cur, bad, by=acting("lead"), file_name="bad", source_format="return")
    after = (
        cur.execute("SELECT count(*) FROM observation").fetchone()[0],
        cur.execute("SELECT count(*) FROM upload").fetchone()[0],
    )
    assert after == before
