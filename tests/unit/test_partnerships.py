"""Many partnerships in one deployment (issue 19): a schema each, chosen by every command."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from outcomes.errors import Refused
from outcomes.outputs import force
from outcomes.storage import people
from outcomes.storage.people import SYSTEM
from outcomes.storage.store import open_store
from outcomes.workflows import partnerships
from tests.cli import outcomes
from tests.returns import approval_on, send_typed, withhold_latest_quarter

REGISTRY = {"deployment_partnership", "commissioner_span"}


def _objects(cur, schema: str) -> set[str]:
    tables = cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]
    ).fetchall()
    return {t[0] for t in tables}


def test_every_partnership_has_every_table_so_none_falls_back_to_the_first(force_db_file):
    # DuckDB looks in the default schema for a name the current one lacks: were a partnership's
    # schema missing a table, its queries would silently read the first partnership's.
    db = open_store(force_db_file)
    try:
        cur = db.cursor(None)
        first = _objects(cur, "main") - REGISTRY
        assert {"observation", "indicator_status", "person", "audit_log"} <= first
        for schema in ("p_torbay", "p_cornwall"):
            assert _objects(cur, schema) == first, schema
        assert not REGISTRY & _objects(cur, "p_torbay")
    finally:
        db.close()


def test_views_and_sequences_read_and_write_their_own_schema(force_db_file):
    db = open_store(force_db_file)
    try:
        main, torbay = db.cursor(None), db.cursor("p_torbay")
        own = torbay.execute("SELECT value FROM indicator_status WHERE indicator_code = 'VV01'")
        ours = own.fetchone()[0]
        # The view read through its qualified name from the default schema is still Torbay's.
        qualified = main.execute(
            "SELECT value FROM p_torbay.indicator_status WHERE indicator_code = 'VV01'"
        ).fetchone()[0]
        plymouth = main.execute(
            "SELECT value FROM indicator_status WHERE indicator_code = 'VV01'"
        ).fetchone()[0]
        assert ours == qualified and ours != plymouth
        before = main.execute("SELECT max(id) FROM person").fetchone()[0]
        people.add_person(torbay, "new@torbay.example", name="New", role="board", by=SYSTEM)
        assert main.execute("SELECT max(id) FROM person").fetchone()[0] == before
        assert people.find(main, "new@torbay.example") is None
        assert people.find(torbay, "new@torbay.example")["role"] == "board"
    finally:
        db.close()


def test_a_database_from_before_partnerships_is_its_one_partnership(demo_store):
    cur = demo_store.cursor()
    [only] = partnerships.listed(cur)
    assert (only.id, only.schema) == ("plymouth", None)
    assert partnerships.chosen(cur, None) == only
    with pytest.raises(Refused, match="There is no partnership 'torbay' here: .* plymouth"):
        partnerships.chosen(cur, "torbay")


def test_adding_a_partnership_registers_the_first_and_refuses_a_second_of_one_id(demo_store):
    made = partnerships.add(demo_store, "torbay", name="Safer Communities Torbay", by=SYSTEM)
    assert made.schema == "p_torbay"
    cur = demo_store.cursor(None)
    assert [p.id for p in partnerships.listed(cur)] == ["plymouth", "torbay"]
    with pytest.raises(Refused, match="already a partnership 'torbay'"):
        partnerships.add(demo_store, "torbay", name="Again", by=SYSTEM)
    with pytest.raises(Refused, match="cannot be a partnership's id"):
        partnerships.add(demo_store, "Tor Bay", name="Spaces", by=SYSTEM)
    # Its schema is there with a starting framework naming it; its own is imported next.
    own = demo_store.cursor(made.schema)
    assert own.execute("SELECT count(*) FROM indicator").fetchone() == (0,)
    assert own.execute("SELECT name FROM partnership").fetchone() == ("Safer Communities Torbay",)
    lead = people.Person("lead@x.example", "Lee", "lead", frozenset({"street-violence"}))
    with pytest.raises(people.NotPermitted):
        partnerships.add(demo_store, "exeter", name="Exeter", by=lead)


def test_the_force_demo_from_the_command_line(tmp_path):
    db = str(tmp_path / "force.duckdb")
    made = outcomes("init", "--demo", "--partnerships", "3", "--db", db)
    assert made.returncode == 0, made.stderr
    assert "3 partnerships (plymouth, torbay, cornwall)" in made.stdout
    listed = json.loads(outcomes("partnership", "list", "--json", "--db", db).stdout)
    assert [(p["id"], p["indicators"]) for p in listed] == [
        ("plymouth", 22),
        ("torbay", 22),
        ("cornwall", 22),
    ]
    # `make run` (init --if-empty) finds a force area set up, naming no partnership.
    again = outcomes("init", "--if-empty", "--db", db)
    assert again.returncode == 0 and "already set up" in again.stdout
    # Naming none where there are several is refused in one sentence naming them.
    refused = outcomes("status", "--json", "--db", db)
    assert refused.returncode == 2
    assert "3 partnerships (plymouth, torbay, cornwall): name one with --partnership" in (
        refused.stderr
    )
    figures = {
        pid: {
            r["indicator_code"]: r["value"]
            for r in json.loads(
                outcomes("status", "--json", "--db", db, "--partnership", pid).stdout
            )
        }
        for pid in ("plymouth", "torbay", "cornwall")
    }
    # Each has its own figures: most indicators' latest figures differ between any two.
    for a, b in (("plymouth", "torbay"), ("torbay", "cornwall")):
        same = sum(figures[a][c] == figures[b][c] for c in figures[a])
        assert same < 5, (a, b, same)
    # Each has its own people; the commissioner is known in all three.
    users = outcomes("user", "list", "--json", "--db", db, "--partnership", "torbay").stdout
    emails = {u["email"]: u["role"] for u in json.loads(users)}
    assert emails["commissioner@demo.example"] == "commissioner"
    assert "street.violence.lead@torbay.demo.example" in emails
    assert "street.violence.lead@demo.example" not in emails


def test_a_commissioner_spans_the_partnerships_named(force_db_file):
    db = open_store(force_db_file)
    try:
        said = partnerships.add_commissioner(
            db,
            "PCC@opcc.example",
            name="The Commissioner",
            partnership_ids=["torbay", "cornwall"],
            by=SYSTEM,
        )
        assert said.endswith("commissioner for torbay, cornwall.")
        top = db.cursor(None)
        assert partnerships.spans(top, "pcc@opcc.example") == ["torbay", "cornwall"]
        assert people.find(db.cursor("p_cornwall"), "pcc@opcc.example")["role"] == "commissioner"
        assert people.find(top, "pcc@opcc.example") is None  # not Plymouth's
    finally:
        db.close()


def test_the_force_wide_pack_sets_the_partnerships_side_by_side(force_db_file, tmp_path):
    out = tmp_path / "force.xlsx"
    done = outcomes("partnership", "pack", "--out", str(out), "--db", str(force_db_file))
    assert done.returncode == 0, done.stderr
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Priorities", "Shared indicators", "Returns"]
    names = ["Safer Plymouth Partnership", "Safer Communities Torbay", "Safer Cornwall"]
    assert list(sheets["Priorities"].columns) == ["Priority", *names]
    assert list(sheets["Returns"]["Partnership"]) == names
    shared = sheets["Shared indicators"]
    assert {"VV01", "VV02", "SV01"} <= set(shared["Code"])
    assert shared.groupby("Code")["Partnership"].nunique().eq(3).all()
    one = outcomes(
        "partnership", "pack", "--out", str(out), "--of", "torbay", "--db", str(force_db_file)
    )
    assert one.returncode == 2 and "two or more partnerships" in one.stderr


def test_a_database_from_before_partnerships_keeps_its_people_and_their_ids(tmp_path, monkeypatch):
    from outcomes.storage import store as store_module

    path = tmp_path / "before.duckdb"
    shipped = store_module.migrations()
    monkeypatch.setattr(store_module, "migrations", lambda: [m for m in shipped if m[0] < 10])
    old = open_store(path)
    cur = old.cursor()
    cur.execute(
        "INSERT INTO person (email, name, role) VALUES ('lead@x.org', 'Lee', 'lead'), "
        "('admin@x.org', 'Ada', 'admin')"
    )
    cur.execute("INSERT INTO person_priority VALUES (1, 'street-violence')")
    old.close()
    monkeypatch.undo()
    db = open_store(path)  # migration 010 now
    try:
        cur = db.cursor()
        assert people.find(cur, "lead@x.org")["priorities"] == ["street-violence"]
        assert people.find(cur, "admin@x.org")["id"] == 2
        people.add_person(cur, "pcc@x.org", name="P", role="commissioner", by=SYSTEM)
        assert people.find(cur, "pcc@x.org")["id"] == 3  # the sequence carries on
    finally:
        db.close()


def test_the_force_area_counts_a_return_waiting_for_approval_apart(force_db_file):
    db = open_store(force_db_file)
    try:
        torbay = db.cursor("p_torbay")
        quarter = withhold_latest_quarter(torbay)
        approval_on(torbay)
        chosen = partnerships.listed(db.cursor(None))
        before = force.returns(db, chosen).set_index("Partnership")
        lead = people.person(torbay, "street.violence.lead@torbay.demo.example", how="demo")
        send_typed(torbay, lead, quarter)
        after = force.returns(db, chosen).set_index("Partnership")
        name = "Safer Communities Torbay"
        assert after.loc[name, "Waiting for approval"] == 1
        assert after.loc[name, "Returns overdue"] == before.loc[name, "Returns overdue"] - 1
        assert after.loc["Safer Cornwall"].equals(before.loc["Safer Cornwall"])
    finally:
        db.close()
