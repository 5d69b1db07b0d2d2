"""The national benchmark runs end to end at 10^5 (CI's smoke test; the real run is 10^7).

It builds both databases through ``outcomes load``, times every page in its worker, loads a
return and (where the real data is here) police.uk's file, and prints every measure beside its
goal. What it measures is not asserted here (a busy machine moves it): that it measured it is.
"""

import json

import pytest

from bench import bench_national

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
        "areas chart (core)",
        "figures a CPU second",
        "-row return: outcomes load",
        "server memory beside a database of",
    ):
        assert measure in printed, printed
    found = json.loads(results.read_text())
    national = found["datasets"]["national"]
    shape = bench_national.Shape.of(1e5)
    assert national["build"]["observations"] == shape.observations == 100_440
    assert found["datasets"]["10^4"]["build"]["observations"] == 9_920
    assert set(national["pages"]) == {"plan on a page", "priority", "indicator"}
    assert all(p["median_cpu_s"] > 0 and p["rss_mb"] > 0 for p in national["pages"].values())
    assert found["return"]["new"] == found["return"]["rows"] > 0
