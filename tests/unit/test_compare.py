"""Confidence intervals and the Fingertips judgement, on worked figures; then the store's
comparison and the two new commands on the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from outcomes.queries import statistics
from outcomes.queries.observations import record_upload
from outcomes.rules import compare
from outcomes.storage.store import open_store
from outcomes.workflows.demo import facts
from outcomes.workflows.framework import from_nested, import_framework
from tests.actors import ADMIN, acting
from tests.cli import outcomes

pytestmark = pytest.mark.engines


def test_exact_poisson_matches_the_chi_square_limits():
    # Garwood limits, e.g. from qchisq(0.025, 2 * 3) / 2 and qchisq(0.975, 2 * 4) / 2.
    assert [round(x, 4) for x in compare.exact_poisson_interval(3)] == [0.6187, 8.7673]
    assert [round(x, 4) for x in compare.exact_poisson_interval(1, 0.998)] == [0.0010, 9.2334]


def test_small_counts_use_the_exact_interval_and_larger_ones_byar():
    assert compare.count_interval(9) == compare.exact_poisson_interval(9)
    assert compare.count_interval(10) == compare.byar_interval(10)
    assert compare.count_interval(9, exact_below=0) == compare.byar_interval(9)


def test_wilson_stays_within_nought_and_one_hundred_percent():
    _, lo, hi = compare.wilson_interval(20, 20)
    assert hi == 100.0 and 80 < lo < 90


def test_ninety_nine_point_eight_is_wider_than_ninety_five():
    row = compare.area_row("A", "A", 130, 10_000, kind="rate", multiplier=1000, benchmark=10,
                           polarity="lower")  # fmt: skip
    assert row.lower_998 < row.lower_95 < row.value < row.upper_95 < row.upper_998
    assert row.compared == "worse" and row.significant is False  # 95% yes, 99.8% no


@pytest.mark.parametrize(
    "polarity, high, low",
    [
        ("higher", "better", "worse"),
        ("lower", "worse", "better"),
        ("none", "higher", "lower"),
    ],  # fmt: skip
)
def test_judgement_follows_the_polarity(polarity, high, low):
    assert compare.compared(11, 12, 10, polarity) == high
    assert compare.compared(8, 9, 10, polarity) == low
    assert compare.compared(9, 11, 10, polarity) == "similar"


def test_missing_count_is_never_compared_and_never_zero():
    row = compare.area_row("X", "X", None, 5000, kind="rate", multiplier=1000, benchmark=5,
                           polarity="lower")  # fmt: skip
    assert row.value is None and row.compared == "not compared"


def test_funnel_narrows_as_the_denominator_grows():
    small = compare.funnel_limits(20, 10_000, "rate", 1000, 0.95)
    large = compare.funnel_limits(20, 1_000_000, "rate", 1000, 0.95)
    assert small[0] < large[0] < 20 < large[1] < small[1]


def test_demo_comparator_group_rank_and_pooled_value(demo_store):
    cur = demo_store.cursor()
    r = statistics.compare_code(cur, "demo.violence-against-the-person", group="Similar cities")
    assert r.period == facts().latest["annual"].code and r.us == "E22000056" and len(r.rows) == 9
    total = sum(x.count for x in r.rows) / sum(x.denominator for x in r.rows) * 1000
    assert r.group_value == pytest.approx(total)
    values = sorted((x.value for x in r.rows), reverse=True)
    plymouth = next(x for x in r.rows if x.area == "E22000056")
    assert r.rank == (values.index(plymouth.value) + 1, 9)
    with pytest.raises(statistics.ComparisonError, match="no comparator group"):
        statistics.compare_code(cur, "demo.violence-against-the-person", group="Nowhere")


def test_spc_summary_shows_improvement_and_concern_in_the_demo(demo_store):
    summary = statistics.spc_summary(demo_store.cursor()).set_index("indicator_code")
    assert summary.loc["HC02", "variation"] == "concern_low"
    assert summary["variation"].str.startswith("improvement").any()
    assert pd.isna(summary.loc["SV02", "variation"])  # four annual figures: run chart only
    assert "need 13" in summary.loc["SV02", "spc_reason"]


MDC = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


@pytest.fixture(scope="module")
def mdc_db(tmp_path_factory):
    """A one-indicator framework holding the Making Data Count test data as quarters."""
    path = tmp_path_factory.mktemp("mdc") / "mdc.duckdb"
    doc = {
        "partnership": {"name": "Test", "area_name": "Test", "vision": "Test"},
        "partners": [{"code": "p", "name": "P", "sector": "Council"}],
        "tiers": [{"code": "t", "label": "T"}],
        "priorities": [{
            "id": "x", "tier": "t", "title": "X", "aim": "a", "outputs": "o", "outcomes": "o",
            "success_measures": "s", "lead_role": "r", "lead_partner": "p",
            "indicators": [{
                "code": "MDC1", "name": "MDC test data", "definition": "d", "level": "outcome",
                "unit": "count", "polarity": "higher", "frequency": "quarterly",
                "source_partner": "p", "accountable_role": "r", "target": 40,
            }],
        }],
    }  # fmt: skip
    store = open_store(path)
    cur = store.cursor()
    import_framework(cur, from_nested(doc), by=ADMIN)
    quarters = [f"{2020 + q // 4}/{(21 + q // 4) % 100:02d} Q{q % 4 + 1}" for q in range(15)]
    frame = pd.DataFrame({"indicator_code": "MDC1", "period": quarters, "area": "all",
                          "value": [float(v) for v in MDC], "note": None})  # fmt: skip
    record_upload(cur, frame, by=acting("test"), file_name="mdc", source_format="return")
    store.close()
    return path


def test_outcomes_spc_json_reproduces_the_mdc_mean_and_limits(mdc_db):
    done = outcomes("spc", "MDC1", "--json", "--db", str(mdc_db))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["points"]) == 15
    first = out["points"][0]
    assert set(first) >= {"period", "value", "mean", "lower_limit", "upper_limit",
                          "special_cause", "rules"}  # fmt: skip
    assert (round(first["mean"], 2), round(first["lower_limit"], 2),
            round(first["upper_limit"], 2)) == (23.20, 8.76, 37.64)  # fmt: skip
    assert first["period"] == "2020/21 Q1" and first["special_cause"] is None
    assert out["variation"] == "common_cause" and out["assurance"] == "consistent_fail"


def test_outcomes_spc_text_and_unknown_code(mdc_db):
    done = outcomes("spc", "MDC1", "--profile", "plotthedots", "--db", str(mdc_db))
    assert (
        done.returncode == 0
        and "plotthedots" in done.stdout
        and "Will consistently fail" in done.stdout
    )
    bad = outcomes("spc", "NOPE", "--db", str(mdc_db))
    assert bad.returncode == 2 and "neither an indicator nor a series" in bad.stderr


def test_outcomes_compare_json_on_the_demo(demo_db_file):
    done = outcomes("compare", "demo.violence-against-the-person", "--group", "Similar cities",
                    "--polarity", "lower", "--json", "--db", str(demo_db_file))  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["benchmark"]["name"] == "All areas" and out["benchmark"]["value"] > 0
    assert {r["area"] for r in out["rows"]} >= {"E22000056", "W14000011"}
    for r in out["rows"]:
        assert r["lower_998"] <= r["lower_95"] <= r["value"] <= r["upper_95"] <= r["upper_998"]
        bench = out["benchmark"]["value"]
        expected = ("similar" if r["lower_95"] <= bench <= r["upper_95"]
                    else "worse" if r["lower_95"] > bench else "better")  # fmt: skip
        assert r["compared"] == expected


def test_status_method_spc_takes_the_board_status_from_spc(demo_store, tmp_path):
    from outcomes.queries import board
    from outcomes.workflows import framework

    cur = demo_store.cursor()
    before = board.indicator_ratings(cur).set_index("indicator_code")
    assert before.loc["HC02", "status"] == "amber"
    fw = framework.read_framework(cur)
    fw["indicator"].loc[fw["indicator"]["code"] == "HC02", "status_method"] = "spc"
    framework.validate(fw)
    framework.import_framework(cur, fw, by=ADMIN)
    after = board.indicator_ratings(cur).set_index("indicator_code")
    assert after.loc["HC02", "status"] == "red"
    assert after.loc["HC02", "reason"] == "SPC: the latest figure is a special cause of concern"
    # every other indicator keeps its RAG
    others = after.index != "HC02"
    assert (after.loc[others, "status"] == before.loc[others, "status"]).all()
    # and the framework says so on the way out and back in
    path = tmp_path / "plan.yaml"
    framework.to_yaml(framework.read_framework(cur), path)
    assert "status_method: spc" in path.read_text()
    assert framework.from_yaml(path).equals(framework.read_framework(cur))
