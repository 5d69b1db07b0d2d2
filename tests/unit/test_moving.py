"""Moving a whole database: ``db copy``, ``db backup`` and ``db restore`` lose nothing, refuse a
database that holds something unless told ``--replace``, and leave a refused target as it was.

Run on both engines (``engines``): on PostgreSQL the busy database is there, and the copies go
PostgreSQL -> DuckDB file -> PostgreSQL, so both directions between the engines are tried."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outcomes.queries import trail
from outcomes.storage import moving
from outcomes.storage.store import open_store
from tests.cli import outcomes
from tests.copies import written
from tests.unit.conftest import board_business

pytestmark = pytest.mark.engines


@pytest.fixture(scope="module")
def busy(tmp_path_factory, copy_demo, engine) -> str:
    """The demo with what a year of board business adds: commentary, actions, a meeting, an
    upload rolled back (so its state and who undid it must travel too)."""
    db = str(copy_demo(tmp_path_factory.mktemp("moving") / "busy.duckdb"))
    written(db, board_business)
    assert outcomes("meeting", "add", "2025-03-13", "--db", db).returncode == 0
    assert outcomes("rollback", "2", "--db", db).returncode == 0
    return db


def seen_by_a_person(db: str | Path) -> dict:
    """What the board and an auditor read: statuses, uploads, the whole audit trail."""
    status = outcomes("status", "--json", "--db", str(db))
    uploads = outcomes("uploads", "--json", "--db", str(db))
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


def test_a_copy_reads_exactly_as_its_source_there_and_back(busy, blank_db, tmp_path):
    middle = tmp_path / "copy.duckdb"
    done = outcomes("db", "copy", "--from", busy, "--to", str(middle))
    assert done.returncode == 0, done.stderr
    assert "497 figures (every revision)" in done.stdout and "3 actions" in done.stdout
    source = seen_by_a_person(busy)
    assert seen_by_a_person(middle) == source
    assert any(u["state"] == "rolled back" for u in source["uploads"])
    assert len(source["audit"]) > 7
    back = str(blank_db("back.duckdb"))  # and back onto the engine it came from
    again = outcomes("db", "copy", "--from", str(middle), "--to", back)
    assert again.returncode == 0, again.stderr
    assert seen_by_a_person(back) == source


def test_every_table_is_copied_whatever_the_migrations_add(busy, blank_db):
    target = blank_db("copy.duckdb")
    moving.copy(busy, target)
    a, b = open_store(busy), open_store(target)
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


def test_numbers_carry_on_after_the_copied_ones(busy, blank_db):
    target = blank_db("copy.duckdb")
    moving.copy(busy, target)
    store = open_store(target)
    try:
        cur = store.cursor()
        for table in ("upload", "audit_log", "action", "meeting"):
            top = cur.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            seq = {"audit_log": "audit_id_seq"}.get(table, f"{table}_id_seq")
            assert cur.execute(f"SELECT nextval('{seq}')").fetchone()[0] == top + 1
    finally:
        store.close()


def test_a_target_holding_a_database_is_refused_and_left_alone(busy, copy_demo, tmp_path):
    target = str(copy_demo(tmp_path / "other.duckdb"))
    before = seen_by_a_person(target)
    done = outcomes("db", "copy", "--from", busy, "--to", target)
    assert done.returncode == 2
    assert "already holds a database" in done.stderr and "--replace" in done.stderr
    assert seen_by_a_person(target) == before
    replaced = outcomes("db", "copy", "--from", busy, "--to", target, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert seen_by_a_person(target) == seen_by_a_person(busy)


def test_a_new_database_counts_as_empty(busy, blank_db):
    fresh = blank_db("fresh.duckdb")
    written(fresh, lambda cur: None)  # migrated, seeded, nothing a person put there
    assert outcomes("db", "copy", "--from", busy, "--to", str(fresh)).returncode == 0


def test_copying_onto_itself_or_from_nowhere_is_refused(busy, tmp_path):
    itself = outcomes("db", "copy", "--from", busy, "--to", busy, "--replace")
    assert itself.returncode == 2 and "same database" in itself.stderr
    nowhere = outcomes("db", "copy", "--from", str(tmp_path / "no.duckdb"), "--to", "x.duckdb")
    assert nowhere.returncode == 2 and "there is no database" in nowhere.stderr


def test_backup_and_restore_bring_back_everything(busy, blank_db, tmp_path):
    live = str(blank_db("live.duckdb"))
    moving.copy(busy, live)
    backup = tmp_path / "outcomes.backup"
    made = outcomes("db", "backup", str(backup), "--db", live)
    assert made.returncode == 0, made.stderr
    assert moving.file_kind(backup) == ("pg_dump" if moving.is_url(live) else "duckdb")
    assert outcomes("rollback", "1", "--db", live).returncode == 0  # a change after it
    refused = outcomes("db", "restore", str(backup), "--db", live)
    assert refused.returncode == 2 and "--replace" in refused.stderr
    back = outcomes("db", "restore", str(backup), "--db", live, "--replace")
    assert back.returncode == 0, back.stderr
    assert seen_by_a_person(live) == seen_by_a_person(busy)


def test_a_duckdb_backup_restores_into_either_engine(busy, blank_db, tmp_path):
    backup = tmp_path / "outcomes.backup"
    in_duckdb = tmp_path / "busy-copy.duckdb"
    moving.copy(busy, in_duckdb)
    assert outcomes("db", "backup", str(backup), "--db", str(in_duckdb)).returncode == 0
    kept = backup.read_bytes()
    target = str(blank_db("restored.duckdb"))
    done = outcomes("db", "restore", str(backup), "--db", target)
    assert done.returncode == 0, done.stderr
    assert backup.read_bytes() == kept  # restoring never writes to the backup
    assert seen_by_a_person(target) == seen_by_a_person(busy)


def test_a_file_that_is_no_backup_is_refused(tmp_path, blank_db):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all")
    done = outcomes("db", "restore", str(junk), "--db", str(blank_db("x.duckdb")))
    assert done.returncode == 2 and "not a backup" in done.stderr


def test_a_server_that_is_down_is_one_sentence_and_nothing_is_made(tmp_path):
    down = "postgresql://nobody@127.0.0.1:1/outcomes"  # port 1: nothing listens there
    target = tmp_path / "copy.duckdb"
    done = outcomes("db", "copy", "--from", down, "--to", str(target))
    assert done.returncode == 2 and "cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr and not target.exists()
    backup = outcomes("db", "backup", str(tmp_path / "x.backup"), "--db", down)
    assert backup.returncode == 2 and "cannot be reached" in backup.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_force_area_travels_with_every_partnership(force_db_file, blank_db, tmp_path):
    """Partnerships added after the first keep their tables in schemas of their own: a copy
    there (this engine) and back to a file reads the same for each of them."""
    middle = blank_db("moved.duckdb")
    assert moving.copy(force_db_file, middle).rows["observation"] > 0
    back = tmp_path / "back.duckdb"
    moving.copy(middle, back)
    listed = outcomes("partnership", "list", "--json", "--db", str(force_db_file))
    assert listed.returncode == 0, listed.stderr
    ids = [p["id"] for p in json.loads(listed.stdout)]
    assert len(ids) == 3
    for db in (middle, back):
        assert json.loads(outcomes("partnership", "list", "--json", "--db", str(db)).stdout) == (
            json.loads(listed.stdout)
        )
    for pid in ids:
        seen = [
            outcomes("status", "--json", "--partnership", pid, "--db", str(db)).stdout
            for db in (force_db_file, middle, back)
        ]
        assert seen[0] and seen[0] == seen[1] == seen[2], pid
