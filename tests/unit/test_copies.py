"""The demo is built once per run and copied per test (tests/conftest.py): each copy must hold
what the built file holds, catalogue, rows and sequences, and be a database of the test's own."""

from __future__ import annotations

import duckdb

from outcomes.storage.store import open_store
from outcomes.workflows import meetings
from tests.actors import acting

CATALOGUE = {
    "tables": "SELECT table_name, sql FROM duckdb_tables() ORDER BY ALL",
    "views": "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
    "constraints": "SELECT table_name, constraint_text FROM duckdb_constraints() ORDER BY ALL",
    "columns": "SELECT table_name, column_name, data_type, column_default, is_nullable "
    "FROM duckdb_columns() ORDER BY ALL",
    "sequences": "SELECT sequence_name, start_value, increment_by, last_value "
    "FROM duckdb_sequences() ORDER BY ALL",
}


def _everything(con: duckdb.DuckDBPyConnection) -> dict:
    held = {name: con.execute(sql).fetchall() for name, sql in CATALOGUE.items()}
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
        held[table] = con.execute(f'SELECT * FROM "{table}"').fetchall()  # in stored order
    return held


def _built(demo_built) -> dict:
    con = duckdb.connect(str(demo_built), read_only=True)
    try:
        return _everything(con)
    finally:
        con.close()


def test_the_in_memory_copy_holds_what_the_built_demo_holds(demo_store, demo_built):
    built = _built(demo_built)
    assert len(built["tables"]) > 20 and built["observation"] and built["upload"]
    assert any(last for *_, last in built["sequences"])  # ids handed out: the copy goes on
    assert _everything(demo_store.cursor()) == built


def test_a_copied_file_holds_what_the_built_demo_holds(copy_demo, demo_built, tmp_path):
    built = _built(demo_built)
    s = open_store(copy_demo(tmp_path / "copy.duckdb"))
    try:
        assert _everything(s.cursor()) == built
    finally:
        s.close()


def test_every_copy_is_a_database_of_its_own(demo_store, copy_demo, demo_built, tmp_path):
    before = _built(demo_built)
    meetings.record_meeting(demo_store.cursor(), "2025-05-15", by=acting("clerk"))
    s = open_store(copy_demo(tmp_path / "mine.duckdb"))
    try:
        meetings.record_meeting(s.cursor(), "2025-06-01", by=acting("clerk"))
        # Each copy's next meeting id follows the demo's, unaffected by the other copy's.
        ids = [demo_store.cursor().execute("SELECT max(id) FROM meeting").fetchone()]
        ids.append(s.cursor().execute("SELECT max(id) FROM meeting").fetchone())
        assert ids[0] == ids[1]
    finally:
        s.close()
    assert _built(demo_built) == before
