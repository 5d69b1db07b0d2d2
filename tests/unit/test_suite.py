"""How the suite itself runs: what Hypothesis remembers between runs, and what make test-fast
leaves out."""

from __future__ import annotations

import json
import os
import re

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from outcomes.storage.store import PROJECT_ROOT
from tests import forked, scheduling
from tests.cli import outcomes
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
