"""Board pack timings: a chart with and without the persistent browser, and each format's pack.

A chart drawn "one-shot" starts Chromium for itself (what ``plotly``'s ``write_image`` does when
no kaleido server is running); a chart through the persistent server reuses one browser, which
``outcomes.outputs.pack`` keeps open for a whole pack. Both draw the same trend chart (VV01, the PDF's
size), ``--charts`` times each after one warm-up; then each format's pack is built on the demo.

    .venv/bin/python bench/bench_pack.py                  # 5 charts each way, every format
    .venv/bin/python bench/bench_pack.py --charts 9 --skip-packs

Results are printed and written to ``bench/results/pack.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outcomes.outputs import charts, pack  # noqa: E402
from outcomes.queries import board  # noqa: E402
from outcomes.storage.store import open_store  # noqa: E402
from outcomes.workflows.demo import build_demo  # noqa: E402

WIDTH, HEIGHT = 900, 300


def _timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=5, help="charts timed each way")
    parser.add_argument("--skip-packs", action="store_true", help="time the charts only")
    args = parser.parse_args()

    store = open_store(":memory:")
    cur = store.cursor()
    build_demo(cur)
    fig = charts.trend(board.history(cur, "VV01"), board.indicator(cur, "VV01"), height=HEIGHT)
    print(f"Chromium: {pack.find_chromium()}   load average: {os.getloadavg()[0]:.1f}")

    pack.chromium.render_one_shot(fig, WIDTH, HEIGHT)  # warm the disk cache before timing
    one_shot = _timed(lambda: pack.chromium.render_one_shot(fig, WIDTH, HEIGHT), args.charts)
    with pack.chromium.Charts() as drawer:
        started = time.perf_counter()
        drawer.png(fig, WIDTH, HEIGHT)  # starts the browser
        first = time.perf_counter() - started
        # Each timed chart is drawn, not handed back from the charts already drawn.
        persistent = _timed(
            lambda: (pack.chromium.forget_drawn(), drawer.png(fig, WIDTH, HEIGHT)), args.charts
        )
    ratio = statistics.median(one_shot) / statistics.median(persistent)
    results = {
        "python": platform.python_version(),
        "load_average": os.getloadavg()[0],
        "chart_one_shot_s": {"median": statistics.median(one_shot), "min": min(one_shot)},
        "chart_persistent_s": {"median": statistics.median(persistent), "min": min(persistent)},
        "server_start_and_first_chart_s": first,
        "ratio": ratio,
        "packs": {},
    }
    print(
        f"Chart, one-shot browser : median {statistics.median(one_shot):.2f} s "
        f"(min {min(one_shot):.2f})"
    )
    print(
        f"Chart, persistent server: median {statistics.median(persistent):.2f} s "
        f"(min {min(persistent):.2f}); starting the server and the first chart {first:.2f} s"
    )
    print(f"Ratio (one-shot / persistent): {ratio:.1f}x")

    if not args.skip_packs:
        packs = (("pdf", "A4"), ("pdf", "A3"), ("pptx", "A4"), ("xlsx", "A4"), ("pdf", "again"))
        for fmt, paper in packs:
            if paper == "again":  # the A4 PDF once more, its charts kept from the first
                paper = "A4"
            else:
                pack.chromium.forget_drawn()
            result = pack.build_pack(cur, fmt, io.BytesIO(), paper=paper, today=date(2025, 5, 1))
            label = f"{fmt} {paper}" if fmt == "pdf" else fmt
            label += " again" if label in results["packs"] else ""
            size = {k: v for k, v in result.items() if k not in ("charts", "seconds")}
            per_chart = result["seconds"] / result["charts"] if result["charts"] else 0
            print(
                f"Pack {label:7}: {result['seconds']:6.2f} s, {result['charts']:2} charts, {size}"
                + (f" ({per_chart:.2f} s per chart, all in)" if result["charts"] else "")
            )
            results["packs"][label] = result
    out = ROOT / "bench" / "results" / "pack.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
