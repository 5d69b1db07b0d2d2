"""Many partnerships, cheaply (issue 19 at national scale), on both engines: opening asks every
schema whether it is up to date in one statement and migrates only those that are not; a new
partnership's schema on PostgreSQL is made in one round trip once one has been made; sign-in
finds the partnerships that know a person in one statement."""

from __future__ import annotations

import pytest

from outcomes.storage import people, schemas
from outcomes.storage import store as store_module
from outcomes.storage.people import SYSTEM
from outcomes.storage.store import NewerDatabase, migrations, open_store
from outcomes.workflows import partnerships

pytestmark = pytest.mark.engines

SHIPPED = [n for n, _, _ in migrations()]


def _everyone(store) -> list[str]:
    return [p.schema for p in partnerships.listed(store.cursor(None)) if p.schema]


def _reopened(store):
    store.close()
    return open_store(store.path)


def test_opening_migrates_every_schema_behind_and_then_asks_once(
    force_store, tmp_path, monkeypatch
):
    top = force_store.cursor(None)
    assert schemas.behind(top, _everyone(force_store), SHIPPED, (Exception,)) == []
    force_store.cursor("p_torbay").execute("DELETE FROM schema_migrations WHERE version = 1")
    assert schemas.behind(top, _everyone(force_store), SHIPPED, (Exception,)) == ["p_torbay"]
    force_store.cursor("p_torbay").execute(
        "INSERT INTO schema_migrations (version, name) VALUES (1, 'again')"
    )
    # A new version ships a migration: opening applies it to the default schema and to each
    # partnership's own, and then every schema is up to date.
    shipped = tmp_path / "migrations"
    shipped.mkdir()
    for _, _, path in migrations():
        (shipped / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (shipped / "998_scale_probe.sql").write_text("CREATE TABLE scale_probe (x INTEGER);\n")
    monkeypatch.setattr(store_module, "MIGRATIONS_DIR", shipped)
    store = _reopened(force_store)
    try:
        now = [n for n, _, _ in migrations()]
        assert now[-1] == 998
        for schema in [None, *_everyone(store)]:
            assert store.cursor(schema).execute("SELECT count(*) FROM scale_probe").fetchone() == (
                0,
            ), schema
        assert schemas.behind(store.cursor(None), _everyone(store), now, (Exception,)) == []
    finally:
        store.close()


def test_a_schema_a_failure_left_empty_is_made_whole_on_opening(force_store):
    top = force_store.cursor(None)
    top.execute("CREATE SCHEMA p_exeter")
    top.execute(
        "INSERT INTO deployment_partnership (id, schema_name, name, sort_order) "
        "VALUES ('exeter', 'p_exeter', 'Exeter', 99)"
    )
    # Without its migrations table the one statement cannot be asked: every schema is.
    assert schemas.behind(top, _everyone(force_store), SHIPPED, (Exception,)) == _everyone(
        force_store
    )
    store = _reopened(force_store)
    try:
        exeter = store.cursor("p_exeter")
        done = exeter.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [r[0] for r in done] == SHIPPED
        assert exeter.execute("SELECT count(*) FROM indicator").fetchone() == (0,)
    finally:
        store.close()


def test_a_partnership_from_a_newer_version_is_refused_on_opening(force_store):
    force_store.cursor("p_cornwall").execute(
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')"
    )
    force_store.close()
    with pytest.raises(NewerDatabase, match="999"):
        open_store(force_store.path)


def _shape(store, schema: str) -> set[tuple]:
    cur = store.cursor(None)
    columns = cur.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = ?",
        [schema],
    ).fetchall()
    constraints = cur.execute(
        "SELECT table_name, constraint_type, count(*) FROM information_schema.table_constraints "
        "WHERE table_schema = ? GROUP BY ALL",
        [schema],
    ).fetchall()
    return {
        *((t, c, d, n, str(x).replace(schema, "S") if x else x) for t, c, d, n, x in columns),
        *constraints,
    }


def test_a_new_partnership_made_at_once_is_made_as_one_made_migration_by_migration(
    force_store, engine
):
    schemas.FRESH.forget()
    first = partnerships.add(force_store, "exeter", name="Exeter", by=SYSTEM)
    if engine == "postgresql":
        # The first new schema of the process was migrated one by one, and what it ran kept.
        assert schemas.FRESH.get(_fresh_key()) is not None
    second = partnerships.add(force_store, "plymouth-north", name="Plymouth North", by=SYSTEM)
    made_at_once, made_slowly = (
        _shape(force_store, second.schema),
        _shape(force_store, first.schema),
    )
    assert made_at_once == made_slowly
    assert len(made_at_once) > 300  # every table and column of a partnership, not an empty set
    own = force_store.cursor(second.schema)
    if engine == "postgresql":  # one transaction made it: every migration recorded at one time
        when = "SELECT count(DISTINCT applied_at) FROM schema_migrations"
        assert own.execute(when).fetchone() == (1,)
        assert force_store.cursor(first.schema).execute(when).fetchone()[0] > 1
    done = own.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [r[0] for r in done] == SHIPPED
    assert own.execute("SELECT name FROM partnership").fetchone() == ("Plymouth North",)
    # Its sequences are its own: a person added to it does not move another's ids.
    people.add_person(own, "lead@north.example", name="Lead", role="lead", by=SYSTEM)
    assert force_store.cursor(first.schema).execute("SELECT count(*) FROM person").fetchone() == (
        0,
    )


def _fresh_key() -> tuple:
    return (tuple((n, name) for n, name, _ in migrations()), False)


def test_sign_in_finds_the_partnerships_that_know_someone_in_one_statement(force_store):
    torbay = force_store.cursor("p_torbay")
    people.add_person(torbay, "Lead@Torbay.example", name="Lee", role="lead", by=SYSTEM)
    people.add_person(torbay, "gone@torbay.example", name="Gone", role="board", by=SYSTEM)
    people.remove_person(torbay, "gone@torbay.example", by=SYSTEM)
    partnerships.add_commissioner(
        force_store, "pcc@opcc.example", name="PCC", partnership_ids=["plymouth", "cornwall"],
        by=SYSTEM,
    )  # fmt: skip
    assert partnerships.known_to(force_store, " LEAD@torbay.example ") == {"torbay"}
    assert partnerships.known_to(force_store, "pcc@opcc.example") == {"plymouth", "cornwall"}
    assert partnerships.known_to(force_store, "gone@torbay.example") == set()
    assert partnerships.known_to(force_store, "nobody@x.example") == set()
    assert partnerships.known_to(force_store, None) == set()
    # The answer agrees with asking each partnership's people in turn.
    each = {
        p.id
        for p in partnerships.listed(force_store.cursor(None))
        if people.person(force_store.cursor(p.schema), "pcc@opcc.example", how="test")
    }
    assert each == {"plymouth", "cornwall"}


def test_across_refuses_a_name_that_is_not_a_schema(force_store):
    with pytest.raises(ValueError, match="not a schema name"):
        schemas.across(force_store.cursor(None), ["p_x; DROP TABLE person"], "SELECT 1")


def test_a_thread_visiting_every_partnership_keeps_few_connections(
    force_store, engine, monkeypatch
):
    if engine != "postgresql":
        pytest.skip("a DuckDB cursor holds no server connection")
    monkeypatch.setattr(store_module, "_KEPT_A_THREAD", 2)
    top = force_store.cursor(None)
    # Client connections only: the server's autovacuum also works in a freshly copied database.
    ask = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_type = 'client backend'"
    )
    before = top.execute(ask).fetchone()[0]
    visited = ["p_torbay", "p_cornwall", "p_torbay", "p_cornwall"]
    for schema in visited:
        cur = force_store.cursor(schema)
        assert cur.execute("SELECT current_schema()").fetchone() == (schema,)
    # The default schema's cursor and the last one asked for; the others were closed, and
    # the server counts only those.
    assert top.execute(ask).fetchone()[0] <= before + 1
    assert force_store.cursor("p_torbay").execute("SELECT count(*) FROM partnership").fetchone()
