"""How the suite itself runs: what Hypothesis remembers between runs, and what make test-fast
leaves out."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from outcomes.storage.store import PROJECT_ROOT
from tests import forked, scheduling
from tests.browser.server import dashboard_port, healthy
from tests.cli import outcomes
from tests.conftest import in_memory_scratch
from tests.states import FAST_EXAMPLES, FULL_EXAMPLES, examples, scaled


def test_hypothesis_keeps_failing_examples_in_a_git_ignored_folder_between_runs():
    for chosen in (settings.default, examples(3)):  # the state suites' own settings too
        assert isinstance(chosen.database, DirectoryBasedExampleDatabase), chosen.database
    folder = PROJECT_ROOT / ".hypothesis" / "examples"
    assert settings.default.database == DirectoryBasedExampleDatabase(folder)
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".hypothesis/" in ignored, "the example database must not be committed"


def test_make_test_fast_leaves_out_the_browser_the_real_data_and_the_benchmarks():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-fast:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert '-m "not browser and not realdata and not bench"' in recipe
    assert "tests/browser" not in recipe and "tests/realdata" not in recipe
    assert "tests/unit" in recipe and "tests/pages" in recipe


def test_make_test_fast_draws_a_tenth_of_the_examples_and_make_test_all_of_them():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    fast = re.search(r"^test-fast:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    full = re.search(r"^test:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert "--hypothesis-profile=fast" in fast and "hypothesis-profile" not in full
    quick, whole = settings.get_profile("fast"), settings.get_profile("outcomes")
    assert (quick.max_examples, whole.max_examples) == (FAST_EXAMPLES, FULL_EXAMPLES)
    assert quick.database == whole.database  # a failure found by either is tried first by both
    # This run's profile decides the suites' own counts; under make test they are as written.
    assert scaled(60) == round(60 * settings.default.max_examples / FULL_EXAMPLES)
    assert scaled(1) == 1
    if settings.get_current_profile_name() == "outcomes":
        assert [scaled(n) for n in (2, 6, 25, 60)] == [2, 6, 25, 60]


def test_the_files_are_handed_out_longest_first_by_figures_that_name_real_files():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    parallel = re.search(r"^PYTEST_PARALLEL = (.*)$", makefile, re.M).group(1)
    # xdist's own reordering (most tests first) would undo tests/scheduling.py's order.
    assert "--dist loadfile" in parallel and "--no-loadscope-reorder" in parallel
    seconds = json.loads(scheduling.COMMITTED.read_text(encoding="utf-8"))
    assert seconds, "tests/file_seconds.json is empty"
    missing = [name for name in seconds if not (PROJECT_ROOT / name).is_file()]
    assert not missing, f"figures for files that are gone (python -m tests.scheduling): {missing}"
    # A file with no figure counts as short: a browser file's server alone is longer.
    short = [n for n, s in seconds.items() if "/browser/" in n and s <= scheduling.UNKNOWN_SECONDS]
    assert not short, short


def test_a_forked_command_line_is_a_process_of_its_own_saying_what_the_command_line_says(
    demo_db_file, tmp_path
):
    """tests/forked.py: a real process (its own pid) that reads and refuses as
    ``python -m outcomes`` does, and whose streams and exit code come back."""
    db = str(demo_db_file)
    said = forked.run("status", "--db", db)
    assert said.returncode == 0 and said.stdout == outcomes("status", "--db", db).stdout
    refused = forked.run("meeting", "add", "2025-06-01", "--as", "nobody@x.example", "--db", db)
    assert refused.returncode == 2 and "nobody@x.example is not known" in refused.stderr
    missing = forked.start("load", str(tmp_path / "none.csv"), "--db", db)
    assert missing.pid != os.getpid()
    ended = missing.wait()
    assert ended.returncode == 2 and "no such file" in ended.stderr


def test_the_runs_temporary_files_go_to_a_tmpfs_with_room_and_nowhere_else(tmp_path):

    assert in_memory_scratch(tmp_path) is None  # a folder, not a tmpfs of its own
    assert in_memory_scratch(Path("/dev/shm"), room=2**62) is None  # no tmpfs has that room
    mounts = Path("/proc/mounts").read_text(encoding="utf-8").split()
    if "/dev/shm" in mounts and mounts[mounts.index("/dev/shm") + 1] == "tmpfs":
        scratch = in_memory_scratch(Path("/dev/shm"), room=1)
        assert scratch is not None and scratch.parent == Path("/dev/shm")
        assert scratch.stat().st_mode & 0o1777 == 0o1777  # the PostgreSQL cluster is nobody's
        if os.environ.get("TMPDIR") == str(scratch):  # this run chose it: everything goes there
            assert Path(tempfile.gettempdir()) == scratch
            assert str(tmp_path).startswith(str(scratch))
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'tmp_path_retention_policy = "failed"' in pyproject  # a passed test's folder goes


def test_a_forked_dashboard_server_answers_and_stops(tmp_path, demo_built):
    """tests/forked.py's dashboard: a real ``streamlit run`` in a process of its own, which
    answers its health check, and ends on terminate."""

    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_built, db)
    port = dashboard_port()
    args = ["run", str(PROJECT_ROOT / "dashboard.py"), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    server = forked.dashboard(
        args, {**os.environ, "OUTCOMES_DB": str(db)}, tmp_path / "out", tmp_path / "err"
    )
    try:
        assert server.pid != os.getpid() and server.poll() is None
        for _ in range(240):
            if healthy(f"http://127.0.0.1:{port}/_stcore/health"):
                break
            assert server.poll() is None, (tmp_path / "err").read_text()
            time.sleep(0.25)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        assert server.wait(timeout=20) == 0
