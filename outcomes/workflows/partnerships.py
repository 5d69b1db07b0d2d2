"""Many partnerships in one deployment (issue 19): the registry, and which one a cursor is for.

Each partnership's framework, figures, people, meetings and audit trail live in a database
schema of its own (``p_torbay``), made by the same numbered migrations as the default schema,
where the first partnership lives (so a database made before partnerships existed is simply
that first one, unchanged). A cursor for a partnership has its schema current
(:func:`outcomes.storage.store.use_schema`), so every query in the product runs as written and cannot
name another partnership's rows. The registry (``deployment_partnership``, ``commissioner_span``,
migration 010) is in the default schema and is read only through a default-schema cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from outcomes.errors import Refused
from outcomes.storage import people, schemas
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, make_schema, transaction

_ID = re.compile(r"^[a-z][a-z0-9-]{1,38}$")


@dataclass(frozen=True)
class Partnership:
    """One partnership of the deployment: its id (``?partnership=``), name and schema."""

    id: str
    name: str
    schema: str | None  # None: the default schema

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name}


def schema_for(partnership_id: str) -> str:
    """The schema a partnership added after the first lives in.

    >>> schema_for("north-devon")
    'p_north_devon'
    """
    return "p_" + partnership_id.replace("-", "_")


def slug(text: str) -> str:
    """An id made from a name: "Safer Plymouth" -> "safer-plymouth".

    >>> slug("Plymouth"), slug("  Torbay & South Devon ")
    ('plymouth', 'torbay-south-devon')
    """
    made = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:39]
    return made if _ID.match(made) else "partnership"


def checked_id(partnership_id: str) -> str:
    text = str(partnership_id or "").strip().lower()
    if not _ID.match(text):
        raise Refused.worded("partnership-id-invalid", partnership_id=partnership_id)
    return text


def listed(cur: duckdb.DuckDBPyConnection) -> list[Partnership]:
    """Every partnership of the deployment, in the order they were added; ``cur`` is on the
    default schema. A database from before partnerships (nothing registered) is its one
    partnership, named by its framework (or nothing at all while it has none)."""
    rows = cur.execute(
        "SELECT id, name, schema_name FROM deployment_partnership ORDER BY sort_order"
    ).fetchall()
    found = [Partnership(*row) for row in rows]
    if not any(p.schema is None for p in found):
        first = cur.execute("SELECT name, area_name FROM partnership").fetchone()
        if first is not None:
            found.insert(0, Partnership(slug(first[1] or first[0]), first[0], None))
    return found


def chosen(cur: duckdb.DuckDBPyConnection, wanted: str | None) -> Partnership | None:
    """The partnership a command or a page is for: ``wanted``, or the only one there is. On a
    database of several, naming none (or one it lacks) is refused with their ids. None only
    while the database holds no partnership at all (before ``init``)."""
    found = listed(cur)
    ids = ", ".join(p.id for p in found)
    if wanted is None:
        if len(found) <= 1:
            return found[0] if found else None
        raise Refused.worded("partnership-not-named", ids=ids, count=len(found))
    for p in found:
        if p.id == str(wanted).strip().lower():
            return p
    if not found and wanted:
        return None
    raise Refused.worded("partnership-unknown", wanted=wanted, ids=ids)


def _register(cur: duckdb.DuckDBPyConnection, p: Partnership, by: Person) -> None:
    order = cur.execute(
        "SELECT coalesce(max(sort_order), 0) + 1 FROM deployment_partnership"
    ).fetchone()[0]
    cur.execute(
        "INSERT INTO deployment_partnership (id, schema_name, name, sort_order) "
        "VALUES (?, ?, ?, ?)",
        [p.id, p.schema, p.name, order],
    )
    audit(cur, by, "partnership", p.id, "added", after={"name": p.name})


def _register_first(cur: duckdb.DuckDBPyConnection, by: Person) -> None:
    """Register the first partnership, known until now only by its framework."""
    registered = {r[0] for r in cur.execute("SELECT id FROM deployment_partnership").fetchall()}
    for p in listed(cur):
        if p.id not in registered:
            _register(cur, p, by)


@writes("partnerships.manage")
def add(store, partnership_id: str, *, name: str, by: Person) -> Partnership:
    """Register a partnership and make its schema, with a starting framework naming it (its
    own is imported over that). The first partnership of an empty database takes the default
    schema."""
    pid = checked_id(partnership_id)
    if not str(name or "").strip():
        raise Refused.worded("partnership-name-blank")
    cur = store.cursor(None)
    found = listed(cur)
    if any(p.id == pid for p in found):
        raise Refused.worded("partnership-exists", pid=pid)
    schema = schema_for(pid) if found else None
    if schema is not None:
        # Schemas cannot be made inside the registry's transaction, so the schema comes
        # first; one left unregistered by a failure is made again.
        make_schema(store, schema)
    with transaction(cur):
        _register_first(cur, by)
        made = Partnership(pid, name.strip(), schema)
        _register(cur, made, by)
    if schema is not None:
        _start(store.cursor(schema), made, by)
        from outcomes.storage import public_schema

        if public_schema.exists(cur):  # public data already shared: the new one reads it too
            public_schema.link(store.cursor(schema))
    if by.email and schema is not None:
        # Whoever adds it (signed in) is its first administrator: a partnership nobody is
        # known in could never be signed in to.
        people.add_person(store.cursor(schema), by.email, name=by.name, role="admin", by=by)
    return made


def _start(cur: duckdb.DuckDBPyConnection, made: Partnership, by: Person) -> None:
    """A new partnership's starting framework: its name and nothing else yet, so every page
    has a partnership to name until its own framework is imported over it."""
    from outcomes.workflows.framework import import_framework
    from outcomes.workflows.framework.formats import from_nested

    start = {
        "partnership": {
            "name": made.name,
            "area_name": made.name,
            "vision": "Not written yet: import the partnership's framework.",
        },
        "partners": [],
        "tiers": [],
        "priorities": [],
    }
    import_framework(cur, from_nested(start, "the starting framework"), by=by)


def known_to(store, email: str | None) -> set[str]:
    """The ids of the partnerships whose people include ``email`` (and have not removed them):
    whom sign-in offers a choice of. Asked of every partnership's people in one statement, not
    a query a partnership (323 of them at national scale)."""
    if not email:
        return set()
    top = store.cursor(None)
    default = top.execute("SELECT current_schema()").fetchone()[0]
    by_schema = {(p.schema or default): p.id for p in listed(top)}
    rows = schemas.across(
        top,
        list(by_schema),
        "SELECT {name} FROM {schema}.person WHERE email = $1 AND active",
        [str(email).strip().lower()],
    )
    return {by_schema[r[0]] for r in rows}


def spans(cur: duckdb.DuckDBPyConnection, email: str | None) -> list[str]:
    """The partnerships a commissioner spans (``cur`` on the default schema)."""
    if not email:
        return []
    return [
        r[0]
        for r in cur.execute(
            "SELECT s.partnership_id FROM commissioner_span s "
            "JOIN deployment_partnership d ON d.id = s.partnership_id "
            "WHERE s.email = ? ORDER BY d.sort_order",
            [str(email).strip().lower()],
        ).fetchall()
    ]


@writes("partnerships.manage")
def add_commissioner(
    store, email: str, *, name: str, partnership_ids: list[str], by: Person, demo: bool = False
) -> str:
    """Give someone the ``commissioner`` role in each of a set of partnerships: a person in
    each one's own people (so signing in there works as for anyone), and the span recorded."""
    address = people.normal_email(email)
    top = store.cursor(None)
    chosen_ones = [chosen(top, pid) for pid in partnership_ids]
    if not chosen_ones:
        raise Refused.worded("commissioner-no-partnership")
    for p in chosen_ones:
        cur = store.cursor(p.schema)
        if people.find(cur, address) is None or not people.find(cur, address)["active"]:
            people.add_person(cur, address, name=name, role="commissioner", by=by, demo=demo)
    ids = ", ".join(p.id for p in chosen_ones)
    with transaction(top):
        _register_first(top, by)
        for p in chosen_ones:
            top.execute(
                "INSERT INTO commissioner_span (email, partnership_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [address, p.id],
            )
        audit(top, by, "commissioner", address, "spans", after={"partnerships": ids})
    return f"{name.strip()} <{address}> is a commissioner for {ids}."


def summary(store) -> list[dict]:
    """Each partnership with what it holds, for ``partnership list`` and the administration
    page (each count read in that partnership's own schema)."""
    rows = []
    for p in listed(store.cursor(None)):
        cur = store.cursor(p.schema)
        count = {
            t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
            for t in ("priority", "indicator", "person")
        }
        rows.append(
            {
                **p.as_dict(),
                "priorities": count["priority"],
                "indicators": count["indicator"],
                "people": count["person"],
            }
        )
    return rows
