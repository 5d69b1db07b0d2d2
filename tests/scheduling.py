"""Longest test files first, so neither pytest-xdist worker is left with a long file at the end.

pytest-xdist's ``--dist loadfile`` hands out whole files in the order it meets them (with
``--no-loadscope-reorder``; otherwise the files with the most tests go first, which sends the
one-test Hypothesis files, among the longest, last). A worker that picks up a 40-second file
while the other has nothing left is a 40-second wait for the whole run. Sorting the files by how
long they took last time, longest first, is the classic longest-job-first rule: the short files
at the end fill the gaps.

How long a file takes comes from the last run on this machine (pytest's cache,
``.pytest_cache``), else from ``tests/file_seconds.json``, the committed figures of a full
run; a file in neither counts as one second, or a minute under tests/browser (a server of its
own and Chromium). Within a file the order never changes.
``python -m tests.scheduling`` rewrites the committed figures from the cache.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest

COMMITTED = Path(__file__).with_name("file_seconds.json")
CACHE_KEY = "outcomes/file-seconds"
UNKNOWN_SECONDS = 1.0
UNKNOWN_BROWSER_SECONDS = 60.0

_taken: dict[str, float] = defaultdict(float)


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def file_seconds(config: pytest.Config) -> dict[str, float]:
    """Seconds per test file: the last run's where the cache has them, else the committed."""
    seconds = json.loads(COMMITTED.read_text()) if COMMITTED.exists() else {}
    cache = getattr(config, "cache", None)
    if cache is not None:
        seconds.update(cache.get(CACHE_KEY, {}))
    return seconds


def longest_first(items: list[pytest.Item], seconds: dict[str, float]) -> list[pytest.Item]:
    """The items with whole files longest first; a file's own items keep their order.

    >>> class Item:
    ...     def __init__(self, nodeid): self.nodeid = nodeid
    >>> items = [Item("a.py::x"), Item("b.py::y"), Item("a.py::z"), Item("c.py::w")]
    >>> [i.nodeid for i in longest_first(items, {"b.py": 9.0, "a.py": 2.0})]
    ['b.py::y', 'a.py::x', 'a.py::z', 'c.py::w']
    >>> [i.nodeid for i in longest_first(items + [Item("tests/browser/new.py::v")], {})][0]
    'tests/browser/new.py::v'
    """
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        first_seen.setdefault(_file(item.nodeid), i)

    def key(pair: tuple[int, pytest.Item]) -> tuple[float, int, int]:
        i, item = pair
        name = _file(item.nodeid)
        unknown = UNKNOWN_BROWSER_SECONDS if "/browser/" in name else UNKNOWN_SECONDS
        return (-seconds.get(name, unknown), first_seen[name], i)

    return [item for _, item in sorted(enumerate(items), key=key)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items[:] = longest_first(items, file_seconds(config))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Under pytest-xdist the controller sees every worker's reports: setup, call and teardown.
    _taken[_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    cache = getattr(session.config, "cache", None)
    if cache is None or not _taken or hasattr(session.config, "workerinput"):
        return  # a worker leaves the figures to the controller, which saw every file
    seconds = cache.get(CACHE_KEY, {})
    seconds.update({name: round(value, 2) for name, value in _taken.items()})
    cache.set(CACHE_KEY, seconds)


def main() -> None:
    """Write the cache's figures (the last runs on this machine) to tests/file_seconds.json."""
    cache = Path(".pytest_cache") / "v" / CACHE_KEY
    if not cache.exists():
        sys.exit(f"no figures in {cache}: run the tests first")
    seconds = json.loads(COMMITTED.read_text()) if COMMITTED.exists() else {}
    seconds.update(json.loads(cache.read_text()))
    ranked = dict(sorted(seconds.items(), key=lambda kv: -kv[1]))
    COMMITTED.write_text(json.dumps(ranked, indent=1) + "\n")


if __name__ == "__main__":
    main()
