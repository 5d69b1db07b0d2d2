"""How the suite itself runs: what Hypothesis remembers between runs, and what make test-fast
leaves out."""

from __future__ import annotations

import re

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from outcomes.store import PROJECT_ROOT
from tests.states import examples


def test_hypothesis_keeps_failing_examples_in_a_git_ignored_folder_between_runs():
    for chosen in (settings.default, examples(3)):  # the state suites' own settings too
        assert isinstance(chosen.database, DirectoryBasedExampleDatabase), chosen.database
    folder = PROJECT_ROOT / ".hypothesis" / "examples"
    assert settings.default.database == DirectoryBasedExampleDatabase(folder)
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".hypothesis/" in ignored, "the example database must not be committed"


def test_make_test_fast_leaves_out_the_browser_and_the_real_data():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-fast:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert '-m "not browser and not realdata"' in recipe
    assert "tests/browser" not in recipe and "tests/realdata" not in recipe
    assert "tests/unit" in recipe and "tests/pages" in recipe
