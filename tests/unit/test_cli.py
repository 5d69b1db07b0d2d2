"""The command line on real database files: called in the test process (``tests/cli.py``), and
the real executable in a few smoke tests."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import yaml

from outcomes.storage.store import PROJECT_ROOT
from tests import postgres
from tests.actors import acting
from tests.cli import outcomes, outcomes_process
from tests.copies import held_by_the_command_line

pytestmark = pytest.mark.engines


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, engine):
    """The demo as ``init --demo`` builds it (a file, or a PostgreSQL database)."""
    if engine == "postgresql":
        path = postgres.new_database()
    else:
        path = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    done = outcomes("init", "--demo", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert "demo built" in done.stdout
    return path


def test_the_real_executable_builds_reads_and_refuses_as_a_person_sees_it(blank_db):
    """Smoke test of ``python -m outcomes`` itself (the other tests call its main in-process):
    exit codes, streams and the environment of a real process, and the same words either way."""
    db = str(blank_db("real.duckdb"))
    built = outcomes_process("init", "--demo", "--db", db)
    assert built.returncode == 0 and "demo built" in built.stdout, built.stderr
    status = outcomes_process("status", "--json", env={**os.environ, "OUTCOMES_DB": db})
    assert status.returncode == 0 and len(json.loads(status.stdout)) == 22, status.stderr
    table = outcomes_process("status", "--db", db)
    assert table.returncode == 0 and table.stdout == outcomes("status", "--db", db).stdout
    refused = outcomes_process(
        "meeting", "add", "2025-06-01", "--as", "nobody@x.example", "--db", db
    )
    assert refused.returncode == 2 and "nobody@x.example is not known" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stderr == outcomes("meeting", "add", "2025-06-01", "--as", "nobody@x.example",
                                      "--db", db).stderr  # fmt: skip


def test_status_json_has_exactly_the_view_columns_and_agrees_with_targets(demo_db):
    done = outcomes("status", "--db", str(demo_db), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 22
    assert all(
        list(r)
        == ["priority_id", "indicator_code", "period", "value", "target", "polarity", "status",
            "board_status", "status_override", "override_reason"]
        for r in rows
    )  # fmt: skip
    for r in rows:
        if r["status"] in ("green", "amber", "red") and r["indicator_code"] != "FS03":
            better_or_equal = (
                r["value"] >= r["target"]
                if r["polarity"] == "higher"
                else r["value"] <= r["target"]
            )
            assert better_or_equal == (r["status"] == "green"), r
        if r["polarity"] == "none" or r["target"] is None and r["indicator_code"] != "FS03":
            assert r["status"] == "not rated", r


def test_status_table_reads_in_words(demo_db):
    done = outcomes("status", "--db", str(demo_db))
    assert done.returncode == 0
    assert "✖ Red" in done.stdout and "○ Not rated" in done.stdout and "RO01" in done.stdout


def test_init_refuses_to_overwrite_and_if_empty_is_quiet(demo_db):
    again = outcomes("init", "--demo", "--db", str(demo_db))
    assert again.returncode == 2
    assert "already holds a framework" in again.stderr and "--replace" in again.stderr
    quiet = outcomes("init", "--if-empty", "--demo", "--db", str(demo_db))
    assert quiet.returncode == 0 and "nothing to do" in quiet.stdout


def test_init_replace_starts_again_on_either_engine(copy_demo, tmp_path):
    db = str(copy_demo(tmp_path / "again.duckdb"))
    plan = str(PROJECT_ROOT / "data" / "framework.yaml")
    done = outcomes("init", "--replace", "--db", db, "--framework", plan)
    assert done.returncode == 0, done.stderr
    status = json.loads(outcomes("status", "--db", db, "--json").stdout)
    assert len(status) == 22 and {r["status"] for r in status} == {"not rated"}  # no figures


def test_db_comes_from_the_environment(demo_db, tmp_path):
    env = {**os.environ, "OUTCOMES_DB": str(demo_db)}
    done = outcomes("status", "--json", env=env)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 22


def test_framework_export_and_import_through_xlsx(demo_db, tmp_path, blank_db):
    out = tmp_path / "plan.xlsx"
    done = outcomes("framework", "export", "--db", str(demo_db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    fresh = blank_db("fresh.duckdb")
    assert outcomes("init", "--db", str(fresh), "--framework", str(out)).returncode == 0
    status = json.loads(outcomes("status", "--db", str(fresh), "--json").stdout)
    assert len(status) == 22 and {r["status"] for r in status} == {"not rated"}  # no figures yet


def test_bad_framework_file_is_explained_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "partnership: {name: X}\npartners: []\ntiers: []\npriorities: []\n", encoding="utf-8"
    )
    db = tmp_path / "new.duckdb"
    done = outcomes("init", "--db", str(db), "--framework", str(bad))
    assert done.returncode == 2
    assert "area_name is required" in done.stderr and "vision is required" in done.stderr
    assert "Traceback" not in done.stderr
    assert not db.exists()


def test_replace_with_a_bad_framework_keeps_the_old_database(demo_db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("not: [valid", encoding="utf-8")
    done = outcomes("init", "--replace", "--db", str(demo_db), "--framework", str(bad))
    assert done.returncode == 2 and "not valid YAML" in done.stderr
    assert len(json.loads(outcomes("status", "--db", str(demo_db), "--json").stdout)) == 22


def test_renaming_a_priority_an_action_links_to_is_a_plain_refusal(tmp_path, blank_db):
    from outcomes.storage.store import open_store
    from outcomes.workflows import meetings

    db = blank_db("linked.duckdb")
    assert outcomes("init", "--db", str(db)).returncode == 0
    s = open_store(db)
    action = {"reference": "A1", "text": "Chase", "owner": "Sam", "priority_id": "hate-incidents"}
    meetings.save_action(s.cursor(), by=acting("clerk"), **action)
    s.close()
    doc = yaml.safe_load((PROJECT_ROOT / "data" / "framework.yaml").read_text(encoding="utf-8"))
    (priority,) = [p for p in doc["priorities"] if p["id"] == "hate-incidents"]
    priority["id"] = "hate-crime"
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(yaml.safe_dump(doc), encoding="utf-8")
    done = outcomes("framework", "import", str(renamed), "--db", str(db))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: The priority hate-incidents cannot be renamed or removed: 1 action still links "
        "to it. Move it to another priority first, or keep this one. Nothing was written."
    )
    doc["priorities"].remove(priority)
    removed = tmp_path / "removed.yaml"
    removed.write_text(yaml.safe_dump(doc), encoding="utf-8")
    done = outcomes("framework", "import", str(removed), "--db", str(db))
    assert done.returncode == 2
    assert "1 action still links to it" in done.stderr and "Traceback" not in done.stderr
    status = outcomes("status", "--db", str(db), "--json")
    assert status.returncode == 0


def test_status_json_gives_the_computed_and_the_overridden_status(copy_demo, tmp_path):
    """Issue 17: SV01 read "green" where the board saw the overridden Amber."""
    from outcomes.storage.store import open_store
    from outcomes.workflows import meetings

    path = copy_demo(tmp_path / "override.duckdb")
    store = open_store(path)
    cur = store.cursor()
    period, computed = cur.execute(
        "SELECT period, status FROM indicator_status WHERE indicator_code = 'SV01'"
    ).fetchone()
    other = "amber" if computed != "amber" else "red"
    meetings.add_commentary(cur, "SV01", period, by=acting("Lead", "admin"), narrative="n",
                            status_override=other, override_reason="Knife crime rising")  # fmt: skip
    store.close()
    done = outcomes("status", "--db", str(path), "--json")
    assert done.returncode == 0, done.stderr
    (sv01,) = [r for r in json.loads(done.stdout) if r["indicator_code"] == "SV01"]
    assert (sv01["status"], sv01["board_status"]) == (computed, other)
    assert sv01["status_override"] == other and sv01["override_reason"] == "Knife crime rising"
    table = outcomes("status", "--db", str(path)).stdout
    assert "overridden; computed" in table


def test_spc_refuses_an_area_that_does_not_exist_naming_those_that_do(demo_db):
    done = outcomes("spc", "SV03", "--area", "nowhere", "--db", str(demo_db))
    assert done.returncode != 0
    assert "no figures for an area called 'nowhere'" in done.stderr
    assert "its areas are all (Whole area)" in done.stderr
    shown = outcomes("spc", "SV03", "--db", str(demo_db))
    assert shown.returncode == 0
    assert "assurance: ✗F Limits out of date" in shown.stdout
    assert "Will consistently fail" not in shown.stdout
    out = json.loads(outcomes("spc", "SV03", "--json", "--db", str(demo_db)).stdout)
    assert out["shift"]["limits_out_of_date"] and out["shift"]["recalculable"]


def test_a_held_database_names_who_holds_it_and_make_run_still_starts(demo_db, tmp_path, engine):
    """Issue 17: `make run` while a command held the database stopped at its `init --if-empty`
    step with a wrong guess ("probably the running dashboard"), and the dashboard never started.
    Now the holder is named from the process itself, and `init --if-empty` lets the dashboard
    start (it says "the database is busy" until the file is free)."""
    if engine == "postgresql":
        pytest.skip("a PostgreSQL database is never held: many programs share it at once")
    held = tmp_path / "held.duckdb"
    shutil.copy(demo_db, held)
    with held_by_the_command_line(held) as proc:
        done = outcomes("status", "--db", str(held))
        assert done.returncode == 2
        assert "is in use by another program, python" in done.stderr
        assert f"(process {proc.pid})" in done.stderr and "probably" not in done.stderr
        done = outcomes("init", "--if-empty", "--demo", "--db", str(held))
        assert done.returncode == 0, done.stderr
        assert f"(process {proc.pid})" in done.stdout and "Not checked now" in done.stdout
        assert outcomes("init", "--demo", "--db", str(held)).returncode == 2
    done = outcomes("init", "--if-empty", "--demo", "--db", str(held))
    assert done.returncode == 0 and "already set up; nothing to do" in done.stdout


def test_a_command_named_builds_its_own_parser_and_the_same_arguments():
    """main builds only the named command's parser: the names it knows are every command's,
    and a command parsed that way reads its arguments as the full parser does."""
    import argparse

    from outcomes import cli

    full = cli.build_parser()
    (commands,) = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == cli._COMMANDS
    line = ["load", "a.csv", "b.csv", "--format", "police-uk", "--accept-warnings", "--json"]
    one = vars(cli.build_parser(cli._command_named(line)).parse_args(line))
    assert one == vars(full.parse_args(line))
    assert cli._command_named(["--help"]) is None and cli._command_named(["lod"]) is None
