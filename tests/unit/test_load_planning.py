"""What a load asks of its engine besides the rows: PostgreSQL's statistics brought up to date
after loads changed a table much, its joins of every incoming row planned as hash joins without
JIT for that statement alone, DuckDB on one thread for a command; and the command's JSON answer
laid out with each problem on a line."""

from __future__ import annotations

import json
import time
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import psycopg

from outcomes.cli.common import json_text
from outcomes.storage.planning import fresh_statistics, hash_joins
from outcomes.storage.store import insert_frame, open_store, transaction
from tests import postgres


def _stats(url: str) -> tuple[float, int, int]:
    with psycopg.connect(url) as con:
        return con.execute(
            "SELECT c.reltuples, s.n_mod_since_analyze, s.analyze_count "
            "FROM pg_class AS c JOIN pg_stat_user_tables AS s ON s.relid = c.oid "
            "WHERE c.relname = 'bulk'"
        ).fetchone()


def test_a_table_a_load_changed_much_is_analysed_before_the_next_loads_queries():
    url = postgres.new_database()
    loading = open_store(url)
    try:
        cur = loading.cursor()
        # Autovacuum off for this table, so only the load's own ANALYZE can count its rows.
        cur.execute("CREATE TABLE bulk (x INTEGER) WITH (autovacuum_enabled = false)")
        with transaction(cur):
            insert_frame(cur, "bulk", pd.DataFrame({"x": np.arange(5000)}))
    finally:
        loading.close()  # as a command ends: its backend reports what it changed
    store = open_store(url)
    try:
        cur = store.cursor()
        for _ in range(100):
            if _stats(url)[1] >= 5000:
                break
            time.sleep(0.05)
        before = _stats(url)
        assert before[1] >= 5000 and before[2] == 0
        fresh_statistics(cur, "bulk")
        tuples, _, analysed = _stats(url)
        assert (tuples, analysed) == (5000, 1)
        fresh_statistics(cur, "bulk")  # nothing changed since: not analysed again
        assert _stats(url)[2] == 1
    finally:
        store.close()


def test_hash_joins_hold_for_their_block_alone_even_in_a_transaction_rolled_back():
    store = open_store(postgres.new_database())
    try:
        cur = store.cursor()

        def shown() -> tuple[str, ...]:
            return tuple(
                cur.execute_postgres(f"SHOW {name}").fetchone()[0]
                for name in ("enable_mergejoin", "enable_nestloop", "jit", "work_mem")
            )

        usual = shown()
        assert usual[:3] == ("on", "on", "off")  # no JIT for any of the product's connections
        assert cur.execute_postgres("SHOW lock_timeout").fetchone()[0] == "3s"
        with hash_joins(cur):
            assert shown() == ("off", "off", "off", "64MB")
        assert shown() == usual
        cur.execute("BEGIN TRANSACTION")
        with hash_joins(cur):
            assert shown()[0] == "off"
        cur.execute("ROLLBACK")
        assert shown() == usual
    finally:
        store.close()


def test_a_command_runs_duckdb_on_one_thread_and_the_dashboard_on_its_own(tmp_path):
    command, page = open_store(tmp_path / "one.duckdb"), open_store(tmp_path / "two.duckdb")
    try:
        command.one_thread()

        def threads(store) -> int:
            return store.cursor().execute("SELECT current_setting('threads')").fetchone()[0]

        assert threads(command) == 1
        with duckdb.connect() as fresh:  # the dashboard's store keeps DuckDB's own default
            assert threads(page) == fresh.execute("SELECT current_setting('threads')").fetchone()[0]
        with hash_joins(command.cursor()):  # nothing to say to DuckDB
            assert threads(command) == 1
    finally:
        command.close()
        page.close()


def test_the_json_answer_is_what_json_says_with_a_problem_on_each_line():
    answer = {
        "ok": False,
        "refused": "2 problems",
        "files": [
            {
                "file": "return.xlsx",
                "summary": {"rows read": 3, "sheet": "Return"},
                "problems": [
                    {"code": "duplicate", "row": np.int64(4), "value": "SV01", "message": "a\nb"},
                    {"code": "big-change", "row": 5, "value": 1.5, "message": "up 60%"},
                ],
                "result": None,
                "commentary": [],
                "when": date(2026, 12, 8),
            }
        ],
    }
    text = json_text(answer)
    expected = json.loads(
        json.dumps(answer, default=lambda v: v.item() if hasattr(v, "item") else v.isoformat())
    )
    assert json.loads(text) == expected
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == '  "ok": false,'
    problem_lines = [line for line in lines if '"code": ' in line]
    assert len(problem_lines) == 2
    assert all(line.startswith("        {") for line in problem_lines)
    assert json.loads(problem_lines[0].strip().rstrip(","))["row"] == 4
