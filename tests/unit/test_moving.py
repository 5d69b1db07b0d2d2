"""Moving a whole database: ``db copy``, ``db backup`` and ``db restore`` lose nothing, refuse a
database that holds something unless told ``--replace``, and leave a refused target as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomes import moving, trail
from outcomes.store import open_store
from tests.cli import outcomes
from tests.copies import written
from tests.unit.conftest import board_business


@pytest.fixture(scope="module")
def busy_file(tmp_path_factory, copy_demo) -> Path:
    """The demo with what a year of board business adds: commentary, actions, a meeting, an
    upload rolled back (so its state and who undid it must travel too)."""
    path = copy_demo(tmp_path_factory.mktemp("moving") / "busy.duckdb")
    written(path, board_business)
    assert outcomes("meeting", "add", "2025-03-13", "--db", str(path)).returncode == 0
    assert outcomes("rollback", "2", "--db", str(path)).returncode == 0
    return path


@pytest.fixture
def demo_file(tmp_path, copy_demo) -> Path:
    return copy_demo(tmp_path / "demo.duckdb")


@pytest.fixture(params=["duckdb", "postgresql"])
def empty_place(request, tmp_path) -> Iterator[str]:
    """Where a copy or a restore goes: a database not yet made, on each engine in turn (a
    new database on the run's own PostgreSQL server, tests/postgres.py)."""
    if request.param == "duckdb":
        yield str(tmp_path / "target.duckdb")
        return
    postgres = pytest.importorskip("tests.postgres", reason="the PostgreSQL engine is not here yet")
    url = postgres.new_database()
    yield url
    postgres.drop(url)


def seen_by_a_person(db: str) -> dict:
    """What the board and an auditor read: statuses, uploads, the whole audit trail."""
    status = outcomes("status", "--json", "--db", db)
    uploads = outcomes("uploads", "--json", "--db", db)
    assert status.returncode == 0 and uploads.returncode == 0, status.stderr + uploads.stderr
    store = open_store(db)
    try:
        audit = trail.audit_trail(store.cursor(), limit=10**6)
    finally:
        store.close()
    return {
        "status": json.loads(status.stdout),
        "uploads": json.loads(uploads.stdout),
        "audit": audit.astype(str).to_dict("records"),
    }


def test_a_copy_reads_exactly_as_its_source(busy_file, empty_place, tmp_path):
    done = outcomes("db", "copy", "--from", str(busy_file), "--to", empty_place)
    assert done.returncode == 0, done.stderr
    assert "497 figures (every revision)" in done.stdout and "3 actions" in done.stdout
    source, copy = seen_by_a_person(str(busy_file)), seen_by_a_person(empty_place)
    assert copy == source
    assert any(u["state"] == "rolled back" for u in copy["uploads"])
    assert len(copy["audit"]) > 7
    back = tmp_path / "back.duckdb"  # and back again: nothing lost on the way
    assert outcomes("db", "copy", "--from", empty_place, "--to", str(back)).returncode == 0
    assert seen_by_a_person(str(back)) == source


def test_every_table_is_copied_whatever_the_migrations_add(busy_file, tmp_path):
    target = tmp_path / "copy.duckdb"
    moving.copy(busy_file, target)
    a, b = open_store(busy_file), open_store(target)
    try:
        tables = moving.tables_in_order(a.cursor())
        assert {"audit_log", "person", "setting", "series_value", "meeting"} <= set(tables)
        for table in tables:
            query = f'SELECT * FROM "{table}" ORDER BY ALL'
            assert a.cursor().execute(query).fetchall() == b.cursor().execute(query).fetchall()
    finally:
        a.close(), b.close()


def test_tables_come_after_the_tables_they_point_at(store):
    order = moving.tables_in_order(store.cursor())
    assert order.index("upload") < order.index("observation")
    assert order.index("indicator") < order.index("observation")
    assert order.index("meeting") < order.index("action")
    assert "schema_migrations" not in order


def test_numbers_carry_on_after_the_copied_ones(busy_file, empty_place):
    moving.copy(busy_file, empty_place)
    store = open_store(empty_place)
    try:
        cur = store.cursor()
        for table in ("upload", "audit_log", "action", "meeting"):
            top = cur.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            seq = {"audit_log": "audit_id_seq"}.get(table, f"{table}_id_seq")
            assert cur.execute(f"SELECT nextval('{seq}')").fetchone()[0] == top + 1
    finally:
        store.close()


def test_a_target_holding_a_database_is_refused_and_left_alone(busy_file, demo_file, empty_place):
    moving.copy(demo_file, empty_place)
    before = seen_by_a_person(empty_place)
    done = outcomes("db", "copy", "--from", str(busy_file), "--to", empty_place)
    assert done.returncode == 2
    assert "already holds a database" in done.stderr and "--replace" in done.stderr
    assert seen_by_a_person(empty_place) == before
    replaced = outcomes("db", "copy", "--from", str(busy_file), "--to", empty_place, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert seen_by_a_person(empty_place) == seen_by_a_person(str(busy_file))


def test_a_new_database_counts_as_empty(tmp_path, busy_file):
    fresh = tmp_path / "fresh.duckdb"
    written(fresh, lambda cur: None)
    assert outcomes("db", "copy", "--from", str(busy_file), "--to", str(fresh)).returncode == 0


def test_copying_onto_itself_or_from_nowhere_is_refused(busy_file, tmp_path):
    itself = outcomes("db", "copy", "--from", str(busy_file), "--to", str(busy_file), "--replace")
    assert itself.returncode == 2 and "same database" in itself.stderr
    nowhere = outcomes("db", "copy", "--from", str(tmp_path / "no.duckdb"), "--to", "x.duckdb")
    assert nowhere.returncode == 2 and "there is no database" in nowhere.stderr


def test_backup_and_restore_bring_back_everything(busy_file, empty_place, tmp_path):
    live = empty_place
    moving.copy(busy_file, live)
    backup = tmp_path / "outcomes.backup"
    made = outcomes("db", "backup", str(backup), "--db", live)
    assert made.returncode == 0, made.stderr
    assert moving.file_kind(backup) == ("pg_dump" if moving.is_url(live) else "duckdb")
    assert outcomes("meeting", "add", "2025-06-12", "--db", live).returncode == 0  # after it
    refused = outcomes("db", "restore", str(backup), "--db", live)
    assert refused.returncode == 2 and "--replace" in refused.stderr
    back = outcomes("db", "restore", str(backup), "--db", live, "--replace")
    assert back.returncode == 0, back.stderr
    assert seen_by_a_person(live) == seen_by_a_person(str(busy_file))


def test_a_duckdb_backup_restores_into_either_engine(busy_file, empty_place, tmp_path):
    backup = tmp_path / "outcomes.backup"
    assert outcomes("db", "backup", str(backup), "--db", str(busy_file)).returncode == 0
    kept = backup.read_bytes()
    done = outcomes("db", "restore", str(backup), "--db", empty_place)
    assert done.returncode == 0, done.stderr
    assert backup.read_bytes() == kept  # restoring never writes to the backup
    assert seen_by_a_person(empty_place) == seen_by_a_person(str(busy_file))


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all")
    done = outcomes("db", "restore", str(junk), "--db", str(tmp_path / "x.duckdb"))
    assert done.returncode == 2 and "not a backup" in done.stderr
