"""The national benchmark runs end to end at 10^5 (CI's smoke test; the real run is 10^7).

It builds a force area and a national database of real partnerships (each its own schema,
the force area's through ``outcomes load``, the rest copied), times every page for one
partnership and the force-wide view for its commissioner in a worker, loads a return and
(where the real data is here) police.uk's file, and prints every measure beside its goal.
What it measures is not asserted here (a busy machine moves it): that it measured it is.
"""

import json

import pytest

from bench import bench_national
from bench.national_build import Shape

pytestmark = pytest.mark.bench


def test_the_national_benchmark_measures_every_page_load_and_parse_at_a_small_scale(
    tmp_path, capsys
):
    results = tmp_path / "national.json"
    code = bench_national.main(
        ["--scale", "1e5", "--runs", "1", "--keep", str(tmp_path), "--json", str(results)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    for measure in (
        "plan on a page",
        "priority",
        "indicator",
        "force-wide view",
        "areas chart (core)",
        "figures a CPU second",
        "copied schema to schema",
        "-row return: outcomes load",
        "server memory (RSS above, after each page) beside a database of",
    ):
        assert measure in printed, printed
    found = json.loads(results.read_text())
    duckdb = found["engines"]["duckdb"]
    national, force = duckdb["national"], duckdb["force"]
    shape = Shape.of(1e5)
    assert (shape.partnerships, shape.force) == (3, 2)
    assert national["build"]["observations"] == shape.observations == 93_000
    assert (national["build"]["loaded"], national["build"]["copied"]) == (2, 1)
    assert force["build"]["observations"] == 62_000 and force["build"]["copied"] == 0
    for d in (force, national):
        assert set(d["pages"]) == set(bench_national.PAGES)
        assert all(p["median_cpu_s"] > 0 and p["rss_mb"] > 0 for p in d["pages"].values())
        assert d["areas_chart"]["median_cpu_s"] > 0
    assert duckdb["return"]["new"] == duckdb["return"]["rows"] > 0
