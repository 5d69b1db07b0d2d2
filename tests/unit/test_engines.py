"""One core, two engines: the same demo on DuckDB and on PostgreSQL gives the same answers, to the
last figure: statuses, every indicator's SPC chart and assurance, every comparison; and what goes
wrong says so in one sentence on either."""

from __future__ import annotations

import gc
import json
import threading

import pandas as pd
import psycopg
import pytest

from outcomes.errors import Unreachable
from outcomes.queries import board, statistics
from outcomes.storage.store import (
    NewerDatabase,
    engine_of,
    insert_frame,
    open_store,
    resolve_db_path,
)
from tests import postgres
from tests.cli import outcomes


@pytest.fixture(scope="module")
def both(demo_db_file, pg_demo_built):
    """The demo on each engine: the run's DuckDB file, and a PostgreSQL copy of its own."""
    url = postgres.copy_of(pg_demo_built)
    yield {"duckdb": str(demo_db_file), "postgresql": url}
    postgres.drop(url)


def _answers(db: str, *args: str):
    done = outcomes(*args, "--json", "--db", db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _same(both, *args: str):
    duck, pg = (_answers(db, *args) for db in (both["duckdb"], both["postgresql"]))
    assert duck == pg, args
    return duck


def test_statuses_are_identical_on_both_engines(both):
    assert len(_same(both, "status")) == 22


def test_every_spc_chart_is_identical_on_both_engines(both, demo_framework):
    for code in demo_framework["indicator"]["code"]:
        _same(both, "spc", code)


def test_every_comparison_is_identical_on_both_engines(both):
    store = open_store(both["postgresql"])
    try:
        cur = store.cursor()
        comparable, groups = statistics.comparable(cur), statistics.comparator_groups(cur)
    finally:
        store.close()
    assert len(comparable) and len(groups)
    for code in comparable["code"]:
        for group in groups["group_name"].unique():
            _same(both, "compare", code, "--group", group, "--polarity", "lower")


def test_the_core_reads_identical_frames_on_both_engines(both):
    frames = {}
    for engine, db in both.items():
        store = open_store(db)
        try:
            cur = store.cursor()
            frames[engine] = [
                board.indicator_ratings(cur),
                statistics.spc_summary(cur),
                statistics.comparable(cur),
                board.history(cur, "VV02"),
            ]
        finally:
            store.close()
    # When each demo was written differs by the seconds between the builds; nothing else may.
    written = ["uploaded_at", "recorded_at", "created_at"]
    for duck, pg in zip(frames["duckdb"], frames["postgresql"], strict=True):
        when = [c for c in written if c in duck]
        pd.testing.assert_frame_equal(duck.drop(columns=when), pg.drop(columns=when))


def test_a_postgresql_url_is_the_database_and_a_path_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTCOMES_DB", "postgres://csp@db.example/outcomes")
    assert resolve_db_path() == "postgres://csp@db.example/outcomes"
    monkeypatch.setenv("OUTCOMES_DB", str(tmp_path / "x.duckdb"))
    assert resolve_db_path() == tmp_path / "x.duckdb"
    assert engine_of(resolve_db_path()) == "duckdb"
    assert engine_of("postgresql://csp@db.example/outcomes") == "postgresql"


@pytest.mark.parametrize(
    "url, words",
    [
        (lambda c: postgres.nobody_listening(), "cannot be reached: check that it is running"),
        (lambda c: c.url().replace(postgres.SUPERUSER, "stranger"), "did not accept stranger"),
        (lambda c: c.url("no_such_db"), "There is no database no_such_db"),
        (lambda c: "postgresql://[::1", "not a PostgreSQL URL"),
    ],
    ids=["server down", "wrong credentials", "no database", "wrong URL"],
)
def test_a_database_that_cannot_be_opened_is_one_sentence_and_a_failed_command(url, words):
    target = url(postgres.server())
    with pytest.raises(Unreachable, match=words):
        open_store(target)
    done = outcomes("status", "--db", target)
    assert done.returncode != 0 and words in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "url", ["postgressql://pg:secret@localhost:5432/outcomes", "mysql://x@y/z"]
)
def test_a_mistyped_scheme_is_one_sentence_and_makes_no_folder(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Unreachable, match="neither a postgresql:// address nor a DuckDB file"):
        open_store(url)
    done = outcomes("status", "--db", url)
    assert done.returncode == 2 and "neither a postgresql:// address" in done.stderr
    assert "secret" not in done.stderr and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no folder named like the URL


def test_a_database_from_a_newer_version_is_refused_on_both_engines(tmp_path):
    for target in (tmp_path / "newer.duckdb", postgres.new_database()):
        store = open_store(target)
        store.cursor().execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'x')")
        store.close()
        with pytest.raises(NewerDatabase, match="newer version of the product"):
            open_store(target)
        done = outcomes("status", "--db", str(target))
        assert done.returncode == 2 and "(migration 999)" in done.stderr


def test_a_failed_migration_leaves_nothing_on_postgresql(monkeypatch, tmp_path):
    from outcomes.storage import store as store_module

    broken = tmp_path / "migrations"
    broken.mkdir()
    for _, _, path in store_module.migrations():
        (broken / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "998_half.sql").write_text(
        "CREATE TABLE half_made (x INTEGER);\nSELECT no_such_column FROM half_made;\n",
        encoding="utf-8",
    )
    url = postgres.new_database()
    monkeypatch.setattr(store_module, "MIGRATIONS_DIR", broken)
    with pytest.raises(psycopg.errors.UndefinedColumn):
        open_store(url)
    with psycopg.connect(url) as con:
        assert con.execute("SELECT to_regclass('half_made')").fetchone() == (None,)
        done = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    assert done == (9,) or done[0] < 998


def test_a_thread_per_page_run_does_not_leave_a_connection_per_run(both):
    """The dashboard runs each rerun of a page in a new thread: their connections are reused."""
    store = open_store(both["postgresql"])
    try:

        def run():
            store.cursor().execute("SELECT count(*) FROM indicator_status").fetchone()

        for _ in range(30):
            worker = threading.Thread(target=run)
            worker.start()
            worker.join()
        gc.collect()
        with psycopg.connect(both["postgresql"]) as con:
            (connections,) = con.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            ).fetchone()
        assert connections <= 3  # this check's own, and the one the threads shared
    finally:
        store.close()


def test_bulk_rows_arrive_identical_on_both_engines(tmp_path):
    """COPY on PostgreSQL and Arrow on DuckDB store the same values, awkward text included."""
    frame = pd.DataFrame(
        {
            "s": ["plain", "tab\there", "line\nbreak", "back\\slash", "\\N", "", None, "=1+1"],
            "f": [1.5, float("nan"), 0.1 + 0.2, -0.0, 1e300, 2.0, None, 3.25],
            "i": pd.array([1, 2, None, 4, 5, 6, 7, 8], dtype="Int64"),
            "b": [True, False, None, True, False, True, False, True],
            "d": pd.to_datetime(["2026-01-31", None] + ["2025-04-01"] * 6),
        }
    )
    read = {}
    for target in (tmp_path / "bulk.duckdb", postgres.new_database()):
        store = open_store(target)
        try:
            cur = store.cursor()
            cur.execute("CREATE TABLE bulk (s VARCHAR, f DOUBLE, i INTEGER, b BOOLEAN, d DATE)")
            with store.transaction() as cur:
                assert insert_frame(cur, "bulk", frame) == len(frame)
            read[store.engine] = cur.execute("SELECT * FROM bulk").df()
        finally:
            store.close()
    pd.testing.assert_frame_equal(read["duckdb"], read["postgresql"])
    assert read["postgresql"]["s"].tolist()[:6] == frame["s"].tolist()[:6]
