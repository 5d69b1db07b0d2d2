"""What the benchmark scripts share: the large database's reuse check and writing the results."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# bench/large_framework.py's build holds this many figures; a kept file with another count is stale.
LARGE_EXPECTED_OBSERVATIONS = 744_000


def reusable_large(path: Path) -> bool:
    """Whether a kept large database is whole, so a rerun can skip building it again."""
    if not path.exists():
        return False
    from outcomes.storage.store import open_store

    try:
        store = open_store(path)
    except Exception:
        return False
    try:
        n = store.cursor().execute("SELECT count(*) FROM observation").fetchone()[0]
    finally:
        store.close()
    return n == LARGE_EXPECTED_OBSERVATIONS


def write_results(results: dict[str, Any], out: Path, shown: str | None = None) -> None:
    """Write the results as JSON and say where (``shown`` names the file when given)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Results written to {out}" if shown is None else f"written to {shown}")


@contextmanager
def work_folder(keep: str | None, prefix: str) -> Iterator[Path]:
    """The folder a run works in: ``keep`` (kept after) or a temporary one (removed after)."""
    folder = Path(keep).expanduser().resolve() if keep else Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def add_json_option(parser: argparse.ArgumentParser, default: Path, root: Path) -> None:
    parser.add_argument(
        "--json",
        default=str(default),
        metavar="PATH",
        help=f"results file (default {default.relative_to(root)})",
    )


def add_keep_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--keep DIR``: where a benchmark builds its databases and keeps them, so the next run
    reuses what took longest to build; ``what`` says what is kept."""
    parser.add_argument("--keep", metavar="DIR", help=f"work here and keep {what} for the next run")


def machine() -> dict[str, Any]:
    """The machine a run was timed on; each benchmark adds the versions it depends on."""
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "processor": platform.machine(),
        "python": platform.python_version(),
    }


def run_worker(command: list[str], marker: str, what: str, cwd: Path) -> dict[str, Any]:
    """Run a worker in its own process and read the result it prints after ``marker``.

    A fresh process per database keeps one run's caches and memory out of the next one's figures.
    """
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith(marker)]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
        raise RuntimeError(f"the {what} failed (exit {done.returncode})")
    return json.loads(lines[-1][len(marker) :])
