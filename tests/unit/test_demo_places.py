"""The force-area demo's partnerships in their own words: Torbay's and Cornwall's frameworks,
areas, people, uploads and comparator groups name their own places, not Plymouth's."""

from __future__ import annotations

import pytest

from outcomes.storage.store import open_store

OTHERS = {"p_torbay": ("Torbay", "E22000060"), "p_cornwall": ("Cornwall", "E22000356")}


@pytest.fixture
def force(force_db_file):
    db = open_store(force_db_file)
    yield db
    db.close()


def _texts(cur, schema):
    """Every text column of every table in the schema (the comparator group may name Plymouth:
    it is one of the areas the others compare themselves with)."""
    return [
        (t, c)
        for t, c in cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND data_type = 'VARCHAR' AND table_name IN "
            "(SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "AND table_type = 'BASE TABLE') AND table_name <> 'comparator_area'",
            [schema, schema],
        ).fetchall()
    ]


@pytest.mark.parametrize("schema", sorted(OTHERS))
def test_no_other_partnership_names_plymouth_as_its_own(force, schema):
    cur = force.cursor(schema)
    named = {
        f"{t}.{c}": cur.execute(
            f'SELECT count(*) FROM {schema}."{t}" WHERE "{c}" LIKE ?',  # noqa: S608 (catalogue names)
            ["%Plymouth%"],
        ).fetchone()[0]
        for t, c in _texts(cur, schema)
    }
    assert {k: n for k, n in named.items() if n} == {}
    assert named  # the columns were found and read


@pytest.mark.parametrize("schema", sorted(OTHERS))
def test_each_partnership_has_its_own_areas_and_comparator_group(force, schema):
    place, csp = OTHERS[schema]
    cur = force.cursor(schema)
    assert cur.execute("SELECT area_name FROM partnership").fetchone()[0] == place
    areas = {c for (c,) in cur.execute("SELECT code FROM area").fetchall()}
    assert not areas & {"stonehouse", "devonport", "city-centre"}
    split = {a for (a,) in cur.execute("SELECT DISTINCT area FROM observation").fetchall()}
    assert split <= areas
    us = cur.execute("SELECT area_code FROM comparator_area WHERE is_us").fetchall()
    assert us == [(csp,)]
    compared = cur.execute(
        "SELECT DISTINCT area FROM series_current WHERE series_code LIKE 'demo.%'"
    ).fetchall()
    assert (csp,) in compared
