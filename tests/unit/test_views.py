"""The analysts' views, and that the SQL status logic agrees with outcomes.rules.status everywhere."""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
import pytest

from outcomes.queries import board
from outcomes.queries.observations import record_upload
from outcomes.rules import status
from outcomes.workflows import agenda, demo
from tests.actors import acting

pytestmark = pytest.mark.engines

DEMO_STATUSES = {
    "VV01": "green", "VV02": "amber", "VV03": "green",
    "RO01": "red", "RO02": "green", "RO03": "green",
    "SV01": "green", "SV02": "green", "SV03": "green", "SV04": "not rated",
    "HC01": "green", "HC02": "amber", "HC03": "not rated",
    "MS01": "red", "MS02": "not rated", "MS03": "not rated",
    "DA01": "green", "DA02": "amber", "DA03": "green",
    "FS01": "green", "FS02": "green", "FS03": "green",
}  # fmt: skip


def test_indicator_status_has_exactly_the_documented_columns(demo_store):
    cols = [d[0] for d in demo_store.cursor().execute("SELECT * FROM indicator_status").description]
    assert cols == [
        "priority_id",
        "indicator_code",
        "period",
        "value",
        "target",
        "polarity",
        "status",
    ]
    cols = [
        d[0] for d in demo_store.cursor().execute("SELECT * FROM observations_current").description
    ]
    assert cols == ["indicator_code", "period", "area", "value", "note", "upload_id"]


def test_demo_shows_every_status(demo_store):
    rows = {r["indicator_code"]: r["status"] for r in board.status_rows(demo_store.cursor())}
    assert rows == DEMO_STATUSES
    reasons = board.indicator_ratings(demo_store.cursor()).set_index("indicator_code")[
        "not_rated_because"
    ]
    assert reasons["HC03"] == "no judgement"
    assert reasons["MS02"] == "stale data"
    assert reasons["MS03"] == "no target"
    assert reasons["SV04"] == "no data"  # computed from police.uk files, none loaded in the demo


def test_trajectory_target_applies_to_its_period(demo_store):
    row = (
        demo_store.cursor()
        .execute("SELECT period, target FROM indicator_status WHERE indicator_code = 'SV01'")
        .fetchone()
    )
    assert row == (demo.facts().latest_quarter.code, 310.0)


def _python_status(row: dict) -> str:
    stale = agenda.is_stale(row, row["as_at"])
    return status.rate(
        None if pd.isna(row["value"]) else row["value"],
        polarity=row["polarity"],
        target=None if pd.isna(row["target"]) else row["target"],
        baseline=None if pd.isna(row["baseline_value"]) else row["baseline_value"],
        method=row["status_method"],
        tolerance=row["tolerance"],
        tolerance_kind=row["tolerance_kind"],
        stale=stale,
    ).status


def test_sql_view_agrees_with_the_status_rules_on_the_demo(demo_store):
    ratings = board.indicator_ratings(demo_store.cursor())
    for row in ratings.to_dict("records"):
        assert row["status"] == _python_status(row), row["indicator_code"]


@pytest.mark.parametrize("seed", range(6))
def test_sql_view_agrees_with_the_status_rules_on_random_figures(demo_store, seed):
    """Random targets, tolerances, polarities and figures, including exact edges."""
    rng = random.Random(seed)
    cur = demo_store.cursor()
    codes = [r[0] for r in cur.execute("SELECT code FROM indicator").fetchall()]
    for code in codes:
        target = rng.choice([0.0, 10.0, 100.0, 37.5, None])
        tol = rng.choice([0.0, 5.0, 10.0, 2.5])
        kind = rng.choice(["percent", "absolute"])
        cur.execute(
            "UPDATE indicator SET target = ?, tolerance = ?, tolerance_kind = ?, polarity = ?, status_method = ? WHERE code = ?",
            [
                target,
                tol,
                kind,
                rng.choice(["higher", "lower", "none"]),
                rng.choice(["target", "target", "baseline"]),
                code,
            ],
        )
    cur.execute("DELETE FROM indicator_target")
    latest = cur.execute(
        "SELECT indicator_code, period FROM indicator_status WHERE period IS NOT NULL"
    ).fetchall()
    targets = dict(cur.execute("SELECT code, coalesce(target, 50) FROM indicator").fetchall())
    edges = []
    for code, period in latest:
        t = targets[code]
        edges.append(
            {
                "indicator_code": code,
                "period": period,
                "area": "all",
                "value": rng.choice(
                    [t, t * 1.05, t * 0.95, t + 5, t - 5, t * 1.0500001, t + 1e-12, None]
                ),
            }
        )
    record_upload(
        cur, pd.DataFrame(edges), by=acting("test"), file_name="edges", source_format="test"
    )
    for row in board.indicator_ratings(cur).to_dict("records"):
        assert row["status"] == _python_status(row), row["indicator_code"]


def test_rolled_back_upload_is_not_current(demo_store):
    cur = demo_store.cursor()
    sql = "SELECT value FROM observations_current WHERE indicator_code='VV01' AND period = ?"
    corrected = [demo.facts().correction_period.code]
    before = cur.execute(sql, corrected).fetchone()[0]
    assert before == 74.1  # the demo's correction
    cur.execute("UPDATE upload SET state = 'rolled back' WHERE file_name LIKE 'VV return%'")
    after = cur.execute(sql, corrected).fetchone()[0]
    assert after != 74.1


def test_staleness_follows_the_reporting_horizon(demo_store):
    cur = demo_store.cursor()
    later = demo.facts().latest_quarter.end + timedelta(days=182)
    cur.execute("UPDATE partnership SET as_at = ?", [later])
    statuses = dict(cur.execute("SELECT indicator_code, status FROM indicator_status").fetchall())
    # six months on, the latest monthly and quarterly figures are out of date...
    assert statuses["RO03"] == "not rated" and statuses["VV01"] == "not rated"
    # ...but the latest annual survey is not
    assert statuses["SV02"] == "green"
