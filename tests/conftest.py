"""Fixtures that build real databases: a private in-memory store, and the demo in a file.

The demo is built once per test run (once per pytest-xdist worker) into ``demo_built``; every
test that wants the demo gets a copy of that file of its own, which costs a few hundredths of a
second where building it again costs most of a second. Nothing writes to ``demo_built`` itself.

A test module marked ``pytestmark = pytest.mark.engines`` runs each of its tests on both
engines: ``engine`` is then "duckdb" and "postgresql" in turn, and ``store``, ``demo_built``,
``copy_demo``, ``demo_store`` and ``demo_db_file`` are PostgreSQL databases in the second run
(on the run's own throwaway server, ``tests/postgres.py``; a copy of the demo there is
``CREATE DATABASE ... TEMPLATE``). Everywhere else ``engine`` is "duckdb".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from outcomes.outputs.pack import chromium as drawing
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows.demo import DEMO_FRAMEWORK, build_demo, build_force_demo, facts
from outcomes.workflows.framework import from_yaml
from tests import postgres
from tests.copies import in_memory_copy, written
from tests.returns import withhold_latest_quarter
from tests.scheduling import (  # noqa: F401  (hooks: the longest test files go first)
    pytest_collection_modifyitems,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)
from tests.states import FAST_EXAMPLES

# Hypothesis keeps the examples it has seen fail in a folder that outlives the run (git-ignored),
# and tries them first next time: a state that failed once is the first one drawn again.
HYPOTHESIS_EXAMPLES = PROJECT_ROOT / ".hypothesis" / "examples"
settings.register_profile("outcomes", database=DirectoryBasedExampleDatabase(HYPOTHESIS_EXAMPLES))
# `make test-fast` (the edit-run loop) asks for this one with --hypothesis-profile=fast: a tenth
# of the examples everywhere, the suites that name their own count too (tests.states.scaled).
# `make test` keeps the full counts. The example database is the same, so a failure kept from
# either is tried first by both.
settings.register_profile("fast", settings.get_profile("outcomes"), max_examples=FAST_EXAMPLES)
settings.load_profile("outcomes")

# The run's temporary files (every tmp_path, the databases copied per test, the PostgreSQL
# cluster, Chromium's profile, the servers' uploads) go to memory where the machine has a tmpfs
# with room: a run writes gigabytes of database copies, and on a disk the kernel's writeback of
# them cost about a sixth of the run's CPU. Passed tests' folders are removed as they finish
# (pyproject.toml: tmp_path_retention_policy), so the run never holds more than a few hundred MB.
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_ROOM = 4 * 2**30


def in_memory_scratch(folder: Path = MEMORY_FOLDER, room: int = MEMORY_ROOM) -> Path | None:
    """A folder for the run's temporary files on ``folder``, a tmpfs with ``room`` bytes free,
    or None where there is none (then the system's own temporary folder is used)."""
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            kinds = {fields[1]: fields[2] for fields in (line.split() for line in mounts)}
        if kinds.get(str(folder)) != "tmpfs" or shutil.disk_usage(folder).free < room:
            return None
        scratch = folder / f"outcomes-tests-{os.getuid()}"
        scratch.mkdir(mode=0o1777, exist_ok=True)  # the PostgreSQL cluster runs as nobody
        scratch.chmod(0o1777)
        return scratch
    except OSError:
        return None


def pytest_configure(config: pytest.Config) -> None:
    # Before pytest-xdist starts its workers, which inherit the environment.
    if "TMPDIR" not in os.environ and (scratch := in_memory_scratch()) is not None:
        os.environ["TMPDIR"] = str(scratch)
        tempfile.tempdir = None  # gettempdir() looks again


@pytest.fixture(scope="session", autouse=True)
def one_chart_browser():
    """The Chromium that draws the pack's charts is started once per test process, not once a
    pack: its start takes seconds (more than the charts of a whole pack)."""
    drawing.KEEP_BETWEEN_PACKS = True
    yield
    drawing.KEEP_BETWEEN_PACKS = False
    drawing.stop_kept_browser()


@pytest.fixture(scope="session")
def demo_framework():
    return from_yaml(DEMO_FRAMEWORK)


@pytest.fixture(scope="session")
def demo_facts():
    """Where the demo's figures fall today: its latest periods, corrected quarter and files."""
    return facts()


ENGINES = ("duckdb", "postgresql")


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("engines"):
        metafunc.parametrize("engine", ENGINES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request) -> str:
    """The engine this test runs on: "duckdb", or both in turn for a module marked ``engines``."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def empty_built(engine) -> str | None:
    """On PostgreSQL, an empty database with the schema applied, to copy (None on DuckDB)."""
    if engine != "postgresql":
        return None
    url = postgres.new_database()
    open_store(url).close()
    return postgres.name_of(url)


@pytest.fixture
def store(engine, empty_built):
    """An empty database with the schema applied."""
    s = open_store(postgres.new_database(empty_built) if empty_built else ":memory:")
    yield s
    s.close()
    postgres.drop(s.path)


@pytest.fixture
def blank_db(tmp_path, engine) -> Callable[[str], Path | str]:
    """``blank_db(name)``: where a command may make a new database: a file that is not there
    yet, or on PostgreSQL an empty database (as ``createdb`` leaves it)."""

    def blank(name: str) -> Path | str:
        return postgres.new_database() if engine == "postgresql" else tmp_path / name

    return blank


@pytest.fixture(scope="session")
def pg_demo_built(demo_framework) -> str:
    """The demo in a PostgreSQL database, built once for the run (its URL); copy it with
    ``postgres.copy_of``, never open it to write."""
    return written(postgres.new_database(), lambda cur: build_demo(cur, demo_framework))


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory, demo_framework, engine, request) -> Path | str:
    """The demo, built once for the whole run; copy it (``copy_demo``), never open it to write."""
    if engine == "postgresql":
        return request.getfixturevalue("pg_demo_built")
    path = tmp_path_factory.mktemp("demo-built") / "demo.duckdb"
    return written(path, lambda cur: build_demo(cur, demo_framework))


@pytest.fixture(scope="session")
def copy_demo(demo_built) -> Callable[[Path], Path | str]:
    """``copy_demo(path)``: the demo as a database file of this test's own at ``path`` (on
    PostgreSQL, a database of its own; its URL is returned and ``path`` unused)."""

    def copy(path: Path) -> Path | str:
        if isinstance(demo_built, str):
            return postgres.copy_of(demo_built)
        shutil.copyfile(demo_built, path)
        return path

    return copy


@pytest.fixture
def demo_store(demo_built):
    """A fresh database of this test's own holding the demo (in memory on DuckDB)."""
    if isinstance(demo_built, str):
        s = open_store(postgres.copy_of(demo_built))
    else:
        s = in_memory_copy(demo_built)
    yield s
    s.close()
    postgres.drop(s.path)


@pytest.fixture
def due_store(demo_built):
    """The demo in memory before the street violence lead sends the latest quarter (due, and
    overdue); ``due_store.quarter`` is its code."""
    s = in_memory_copy(demo_built)
    s.quarter = withhold_latest_quarter(s.cursor())
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory, copy_demo):
    """The demo in a database file, for the pages and the command line (shared by the run)."""
    return copy_demo(tmp_path_factory.mktemp("db") / "demo.duckdb")


@pytest.fixture(scope="session")
def force_built(tmp_path_factory) -> Path:
    """The force-area demo (``init --demo --partnerships 3``: Plymouth, Torbay, Cornwall),
    built once for the run; copy it, never open it to write."""
    path = tmp_path_factory.mktemp("force-built") / "force.duckdb"
    db = open_store(path)
    try:
        build_force_demo(db, 3)
    finally:
        db.close()
    return path


@pytest.fixture
def force_db_file(tmp_path, force_built) -> Path:
    """The force-area demo in a database file of this test's own."""
    path = tmp_path / "force.duckdb"
    shutil.copyfile(force_built, path)
    return path


@pytest.fixture(scope="session")
def pg_force_built() -> str:
    """The force-area demo in a PostgreSQL database, built once for the run (its URL); copy
    it with ``postgres.copy_of``, never open it to write."""
    url = postgres.new_database()
    db = open_store(url)
    try:
        build_force_demo(db, 3)
    finally:
        db.close()
    return url


@pytest.fixture
def force_store(engine, tmp_path, request):
    """The force-area demo (Plymouth, Torbay, Cornwall) open on a copy of this test's own, on
    the test's engine; its ``schema`` is the default (Plymouth's) until a test points it."""
    if engine == "postgresql":
        s = open_store(postgres.copy_of(request.getfixturevalue("pg_force_built")))
    else:
        path = tmp_path / "force.duckdb"
        shutil.copyfile(request.getfixturevalue("force_built"), path)
        s = open_store(path)
    yield s
    s.close()
    postgres.drop(s.path)


@pytest.fixture
def mail_server():
    """A real SMTP server on localhost (``tests/mailbox.py``) for this test."""
    from tests.mailbox import mailbox

    with mailbox() as box:
        yield box
