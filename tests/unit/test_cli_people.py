"""``python -m outcomes user ...`` and ``--as``, run as an administrator would, on a real database
file (the command line's main in the test process: tests/cli.py)."""

from __future__ import annotations

import getpass
import json

import duckdb
import pytest

from outcomes.storage.store import open_store
from tests.cli import outcomes
from tests.returns import filled_return

LEAD = "Jo.Lead@Council.Example"
LEAD_PRIORITY = "street-violence"
OTHER_PRIORITY = "vulnerable-victims"


@pytest.fixture
def db(copy_demo, tmp_path):
    """The demo as ``init --demo`` builds it, in a file of this test's own."""
    return str(copy_demo(tmp_path / "demo.duckdb"))


def _return(db: str, tmp_path, priority: str) -> str:
    store = open_store(db)
    try:
        return str(filled_return(store.cursor(), tmp_path / f"{priority}.xlsx", priority))
    finally:
        store.close()


def _add_lead(db: str):
    return outcomes(
        "user", "add", LEAD, "--name", "Jo Lead", "--role", "lead", "--priority", LEAD_PRIORITY,
        "--db", db,
    )  # fmt: skip


def _audit(db: str) -> list[tuple]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT who, who_email, who_role, entity, entity_key, change FROM audit_log ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def test_user_add_list_change_remove(db):
    added = _add_lead(db)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == (
        f"Jo Lead <jo.lead@council.example> added as priority lead for {LEAD_PRIORITY}."
    )
    listed = json.loads(outcomes("user", "list", "--json", "--db", db).stdout)
    jo = next(p for p in listed if p["email"] == "jo.lead@council.example")
    assert jo == {
        "email": "jo.lead@council.example",
        "name": "Jo Lead",
        "role": "lead",
        "priorities": [LEAD_PRIORITY],
        "active": True,
        "demo": False,
    }
    changed = outcomes(
        "user",
        "change",
        LEAD,
        "--priority",
        LEAD_PRIORITY,
        "--priority",
        OTHER_PRIORITY,
        "--db",
        db,
    )
    assert changed.returncode == 0, changed.stderr
    assert "priority lead for street-violence, vulnerable-victims" in changed.stdout
    removed = outcomes("user", "remove", LEAD, "--db", db)
    assert removed.returncode == 0 and "can no longer sign in" in removed.stdout
    me = f"{getpass.getuser()} (command line)"
    assert [r for r in _audit(db) if r[3] == "person" and r[4] == "jo.lead@council.example"] == [
        (me, None, "admin", "person", "jo.lead@council.example", "added"),
        (me, None, "admin", "person", "jo.lead@council.example", "changed"),
        (me, None, "admin", "person", "jo.lead@council.example", "removed"),
    ]


def test_as_a_lead_the_command_line_applies_their_permissions(db, tmp_path):
    assert _add_lead(db).returncode == 0
    theirs = _return(db, tmp_path, OTHER_PRIORITY)
    refused = outcomes("load", theirs, "--as", LEAD, "--accept-warnings", "--db", db)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: Jo Lead is the priority lead for Violent street crime in Stonehouse, Devonport "
        "and the City Centre and may not load figures or commentary for Victims who are most "
        "vulnerable."
    )
    mine = _return(db, tmp_path, LEAD_PRIORITY)
    loaded = outcomes("load", mine, "--as", LEAD, "--accept-warnings", "--db", db)
    assert loaded.returncode == 0, loaded.stderr
    upload_id = loaded.stdout.split("loaded as upload ")[1].split(":")[0]
    # Their own upload they may undo; another's, not; a meeting, not at all.
    other = outcomes("rollback", "2", "--as", LEAD, "--db", db)
    assert (
        other.returncode == 2
        and "loaded by Service Manager, Victim Support (Devon)" in other.stderr
    )
    assert outcomes("rollback", upload_id, "--as", LEAD, "--db", db).returncode == 0
    meeting = outcomes("meeting", "add", "2025-06-01", "--as", LEAD, "--db", db)
    assert meeting.returncode == 2
    assert "Jo Lead is a priority lead and may not record a meeting." in meeting.stderr
    trail = [r for r in _audit(db) if r[1] == "jo.lead@council.example"]
    assert [(r[2], r[3], r[5]) for r in trail] == [
        ("lead", "upload", "committed"),
        ("lead", "upload", "rolled back"),
    ]


def test_as_someone_unknown_does_nothing(db):
    unknown = outcomes("meeting", "add", "2025-06-01", "--as", "nobody@nowhere.example", "--db", db)
    assert unknown.returncode == 2
    assert "nobody@nowhere.example is not known to this partnership" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_by_is_gone_with_a_way_on(db):
    done = outcomes("meeting", "add", "2025-06-01", "--by", "Jo", "--db", db)
    assert done.returncode == 2
    assert "--by is gone" in done.stderr and "--as EMAIL" in done.stderr
