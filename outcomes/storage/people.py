"""Who is who: the people the partnership knows, their roles, and what each role may change.

Every write in ``outcomes/`` names the person acting (a :class:`Person`) and checks
:data:`PERMISSIONS`, the one table of action x role, through :func:`require`; the pages only
hide what a person may not do. A write function declares its action with :func:`writes`, which
also puts it in :data:`WRITES`, so a test can walk every write and every role.

A person is identified by their e-mail address (compared without regard to case), as the
identity provider gives it; the database holds their name, role and, for a priority lead, the
priorities they report on. Removing someone clears ``active`` and keeps the row, so everything
they did stays attributed to them.
"""

from __future__ import annotations

import functools
import getpass
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import duckdb
import pandas as pd

from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage.store import audit, transaction

# A commissioner (issue 19) reads as a board member does, in each partnership they hold to
# account (outcomes/workflows/partnerships.py gives them the role in each one's people).
ROLES = ("board", "lead", "analyst", "admin", "commissioner")
ROLE_WORDS = {
    "board": "board member",
    "lead": "priority lead",
    "analyst": "analyst",
    "admin": "administrator",
    "commissioner": "commissioner",
}

ANY = "any"
OWN_PRIORITIES = "own priorities"
OWN_UPLOADS = "own uploads"
NAMED = "when named"  # only the person named for it (outcomes.workflows.approval checks the name)


@dataclass(frozen=True)
class Permission:
    """One action: what it is in the board's words, and the scope each role has for it."""

    words: str  # completes "may not ...": "load figures", "record a meeting"
    roles: dict[str, str]


# The one table of who may do what. A role missing from an action's row may not do it at all;
# a lead's rights stop at their own priorities (or their own uploads). Administrators may do
# everything, because the command line acts as one.
PERMISSIONS: dict[str, Permission] = {
    "returns.load": Permission(
        "load figures or commentary",
        {"lead": OWN_PRIORITIES, "analyst": ANY, "admin": ANY},
    ),
    "returns.approve": Permission(
        "approve or return a lead's return",
        {"board": NAMED, "lead": NAMED, "analyst": ANY, "admin": ANY},
    ),
    "returns.approval_rule": Permission(
        "say whether returns need approval, and who approves them", {"admin": ANY}
    ),
    "public_data.load": Permission(
        "load public data (police.uk, ONS, Fingertips)", {"analyst": ANY, "admin": ANY}
    ),
    # Public data shared by every partnership of a deployment (outcomes/workflows/shared_data.py):
    # loading or undoing it changes what every partnership sees.
    "public_data.share": Permission(
        "load or undo public data shared by every partnership", {"admin": ANY}
    ),
    "uploads.undo": Permission(
        "undo or restore an upload", {"lead": OWN_UPLOADS, "analyst": ANY, "admin": ANY}
    ),
    "commentary.add": Permission(
        "write commentary", {"lead": OWN_PRIORITIES, "analyst": ANY, "admin": ANY}
    ),
    "blockages.resolve": Permission(
        "resolve or withdraw a blockage", {"lead": OWN_PRIORITIES, "analyst": ANY, "admin": ANY}
    ),
    "status.override": Permission("override a status", {"lead": OWN_PRIORITIES, "admin": ANY}),
    "framework.change": Permission("change the framework", {"analyst": ANY, "admin": ANY}),
    "meetings.record": Permission("record a meeting", {"analyst": ANY, "admin": ANY}),
    "actions.change": Permission("add, change or close actions", {"analyst": ANY, "admin": ANY}),
    "people.manage": Permission("add, change or remove people and their roles", {"admin": ANY}),
    "settings.public_view": Permission("change the public view's settings", {"admin": ANY}),
    "partnerships.manage": Permission(
        "add partnerships or commissioners to the deployment", {"admin": ANY}
    ),
    "reminders.send": Permission("send reminders", {"analyst": ANY, "admin": ANY}),
    # Each person's own calendar subscription address (the write checks it is their own).
    "calendar.subscribe": Permission(
        "make a calendar subscription address",
        {"board": ANY, "lead": ANY, "analyst": ANY, "admin": ANY, "commissioner": ANY},
    ),
}


class NotPermitted(Refused):
    """The person acting may not do this; nothing was written."""

    code = "not-permitted"


@dataclass(frozen=True)
class Person:
    """Someone acting: signed in, chosen on the demo sign-in, or at the command line."""

    email: str | None
    name: str
    role: str
    priorities: frozenset[str] = field(default_factory=frozenset)
    how: str = "signed in"  # signed in, demo, command line, system

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def label(self) -> str:
        """How the audit trail and the pages name them: "Ann Lead <ann@example.org>"."""
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def signature(self) -> str:
        """The name written beside what they did (an upload's "loaded by", commentary's author)."""
        return self.name

    def may(
        self,
        action: str,
        *,
        priorities: Iterable[str] = (),
        upload: tuple[str | None, str] | None = None,
    ) -> bool:
        """Whether :func:`require` would let them (for pages deciding what to show)."""
        try:
            require(self, action, priorities=priorities, upload=upload)
        except NotPermitted:
            return False
        return True


def command_line_person() -> Person:
    """The command line acts as an administrator, recorded by the operating-system user."""
    return Person(
        email=None, name=f"{getpass.getuser()} (command line)", role="admin", how="command line"
    )


SYSTEM = Person(email=None, name="demo generator", role="admin", how="system")


def require(
    by: Person | None,
    action: str,
    *,
    priorities: Iterable[str] = (),
    upload: tuple[str | None, str] | None = None,
    titles: dict[str, str] | None = None,
) -> None:
    """Refuse, naming what they may not do, unless ``by`` may do ``action``.

    ``priorities`` are the priorities the write touches (for a lead's own-priorities scope);
    ``upload`` is (e-mail address, name) of whoever loaded the upload being undone; ``titles``
    (:func:`priority_titles`) names priorities as the board does, not by their ids.

    >>> lead = Person("ann@example.org", "Ann", "lead", frozenset({"street-violence"}))
    >>> require(lead, "returns.load", priorities=["street-violence"])
    >>> titles = {"street-violence": "Street violence", "domestic-abuse": "Domestic abuse"}
    >>> require(lead, "returns.load", priorities=["domestic-abuse"], titles=titles)
    Traceback (most recent call last):
    ...
    outcomes.storage.people.NotPermitted: Ann is the priority lead for Street violence and may not load figures or commentary for Domestic abuse.
    >>> require(Person("b@example.org", "Bo", "board"), "meetings.record")
    Traceback (most recent call last):
    ...
    outcomes.storage.people.NotPermitted: Bo is a board member and may not record a meeting. An analyst or an administrator may.
    """
    permission = PERMISSIONS[action]
    if not isinstance(by, Person):
        raise NotPermitted.worded("not-permitted", action=permission.words)
    scope = permission.roles.get(by.role)
    facts = {
        "who": by.name,
        "role": wording.with_article(ROLE_WORDS[by.role]),
        "action": permission.words,
    }
    if scope is None:
        raise NotPermitted.worded("not-permitted", "role", who_may=who_may(action), **facts)
    if scope == OWN_PRIORITIES:
        outside = sorted(set(priorities) - by.priorities)
        if outside:
            named = titles or {}
            theirs = "; ".join(sorted(named.get(p, p) for p in by.priorities))
            outside = "; ".join(named.get(p, p) for p in outside)
            theirs = theirs or "no priority yet"
            raise NotPermitted.worded(
                "not-permitted", "priority", theirs=theirs, outside=outside, **facts
            )
    if scope == OWN_UPLOADS and upload is not None:
        owner_email, owner_name = upload
        if not by.email or (owner_email or "").strip().lower() != by.email:
            raise NotPermitted.worded("not-permitted", "upload", owner=owner_name, **facts)


def priority_titles(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every priority's title by its id, for a refusal to name priorities as the board does."""
    return dict(cur.execute("SELECT id, title FROM priority").fetchall())


def who_may(action: str) -> str:
    """Who may do ``action``, as the subject of a sentence ("… may."), for a refusal to say
    where to turn and a page to say who its form is for.

    >>> who_may("people.manage")
    'An administrator'
    >>> who_may("returns.load")
    'A priority lead (for their own priorities), an analyst or an administrator'
    """
    scopes = {
        OWN_PRIORITIES: " (for their own priorities)",
        OWN_UPLOADS: " (their own uploads)",
        NAMED: " (when named as the approver)",
    }
    names = [
        wording.with_article(ROLE_WORDS[role]) + scopes.get(scope, "")
        for role, scope in PERMISSIONS[action].roles.items()
    ]
    listed = wording.join_and(names, "or")
    return listed[0].upper() + listed[1:]


# ---------------------------------------------------------------------------------------------
# The registry of write functions

F = TypeVar("F", bound=Callable[..., Any])

WRITES: dict[str, tuple[Callable[..., Any], str]] = {}


def writes(action: str) -> Callable[[F], F]:
    """Declare a write function's action: it must take ``by`` (the person acting), and is
    refused before it runs when their role may not do ``action`` at all. A write whose scope
    depends on what it touches (a lead's priorities) calls :func:`require` again inside.
    """
    if action not in PERMISSIONS:
        raise KeyError(f"no permission {action!r} in PERMISSIONS")

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)
        if "by" not in signature.parameters:
            raise TypeError(f"{fn.__qualname__} writes but takes no `by` (the person acting)")

        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            by = signature.bind_partial(*args, **kwargs).arguments.get("by")
            require(by, action)
            return fn(*args, **kwargs)

        checked.action = action  # type: ignore[attr-defined]
        WRITES[f"{fn.__module__}.{fn.__qualname__}"] = (checked, action)
        return checked  # type: ignore[return-value]

    return decorate


# ---------------------------------------------------------------------------------------------
# People in the database

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normal_email(email: str) -> str:
    """An e-mail address as stored and compared: trimmed, lower case, and plausible.

    >>> normal_email("  Ann.Lead@Example.ORG ")
    'ann.lead@example.org'
    """
    text = str(email or "").strip().lower()
    if not _EMAIL.match(text):
        raise Refused.worded("email-invalid", email=email)
    return text


def find(cur: duckdb.DuckDBPyConnection, email: str | None) -> dict[str, Any] | None:
    """The person with this e-mail address (active or removed), or None."""
    if not email:
        return None
    row = cur.execute(
        "SELECT id, email, name, role, active, demo FROM person WHERE email = ?",
        [str(email).strip().lower()],
    ).fetchone()
    if row is None:
        return None
    keys = ("id", "email", "name", "role", "active", "demo")
    found = dict(zip(keys, row, strict=True))
    found["priorities"] = _priorities(cur, found["id"])
    return found


def _priorities(cur, person_id: int) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT priority_id FROM person_priority WHERE person_id = ? ORDER BY priority_id",
            [person_id],
        ).fetchall()
    ]


def person(
    cur: duckdb.DuckDBPyConnection, email: str | None, *, name: str | None = None, how: str
) -> Person | None:
    """The acting :class:`Person` for an e-mail address, or None when the partnership does not
    know them (or has removed them). ``name`` is the identity provider's, when it gives one."""
    found = find(cur, email)
    if found is None or not found["active"]:
        return None
    return Person(
        email=found["email"],
        name=(name or "").strip() or found["name"],
        role=found["role"],
        priorities=frozenset(found["priorities"]),
        how=how,
    )


def people(cur: duckdb.DuckDBPyConnection, *, include_removed: bool = True) -> pd.DataFrame:
    """Everyone the partnership knows, with their priorities, in name order."""
    return cur.execute(
        """
        SELECT p.email, p.name, p.role, p.active, p.demo,
               coalesce(list(pp.priority_id ORDER BY pp.priority_id)
                        FILTER (WHERE pp.priority_id IS NOT NULL), []) AS priorities,
               p.added_at, p.removed_at
        FROM person p LEFT JOIN person_priority pp ON pp.person_id = p.id
        WHERE ? OR p.active
        GROUP BY p.id, p.email, p.name, p.role, p.active, p.demo, p.added_at, p.removed_at
        ORDER BY p.active DESC, lower(p.name), p.email
        """,
        [include_removed],
    ).df()


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database is the demo (``init --demo`` seeds the demo's people)."""
    return bool(cur.execute("SELECT count(*) FROM person WHERE demo").fetchone()[0])


def _check(cur, role: str, priorities: Iterable[str]) -> list[str]:
    if role not in ROLES:
        raise Refused.worded("role-unknown", role=role, roles=", ".join(ROLES))
    chosen = sorted({str(p).strip() for p in priorities if str(p).strip()})
    if chosen and role != "lead":
        raise Refused.worded("role-no-priorities", role=wording.with_article(ROLE_WORDS[role]))
    known = {r[0] for r in cur.execute("SELECT id FROM priority").fetchall()}
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise Refused.worded(
            "no-such-priority",
            "listed",
            known=", ".join(sorted(known)),
            priority=", ".join(unknown),
        )
    return chosen


def _set_priorities(cur, person_id: int, chosen: list[str]) -> None:
    cur.execute("DELETE FROM person_priority WHERE person_id = ?", [person_id])
    for priority_id in chosen:
        cur.execute("INSERT INTO person_priority VALUES (?, ?)", [person_id, priority_id])


def _snapshot(found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {k: found[k] for k in ("name", "role", "active", "priorities")}


@writes("people.manage")
def add_person(
    cur: duckdb.DuckDBPyConnection,
    email: str,
    *,
    name: str,
    role: str,
    priorities: Iterable[str] = (),
    by: Person,
    demo: bool = False,
) -> str:
    """Add someone (or bring back someone removed, with the role given now)."""
    address = normal_email(email)
    if not str(name or "").strip():
        raise Refused.worded("person-name-blank")
    chosen = _check(cur, role, priorities)
    before = find(cur, address)
    if before is not None and before["active"]:
        raise Refused.worded(
            "person-exists", name=before["name"], email=address, role=ROLE_WORDS[before["role"]]
        )
    with transaction(cur):
        if before is None:
            person_id = cur.execute(
                "INSERT INTO person (email, name, role, demo) VALUES (?, ?, ?, ?) RETURNING id",
                [address, name.strip(), role, demo],
            ).fetchone()[0]
        else:
            person_id = before["id"]
            cur.execute(
                "UPDATE person SET name = ?, role = ?, active = true, removed_at = NULL "
                "WHERE id = ?",
                [name.strip(), role, person_id],
            )
        _set_priorities(cur, person_id, chosen)
        audit(
            cur,
            by,
            "person",
            address,
            "added" if before is None else "restored",
            before=_snapshot(before),
            after=_snapshot(find(cur, address)),
        )
    words = ROLE_WORDS[role] + (f" for {', '.join(chosen)}" if chosen else "")
    return f"{name.strip()} <{address}> added as {words}."


@writes("people.manage")
def change_person(
    cur: duckdb.DuckDBPyConnection,
    email: str,
    *,
    by: Person,
    name: str | None = None,
    role: str | None = None,
    priorities: Iterable[str] | None = None,
) -> str:
    """Change someone's name, role or priorities (what is not given stays as it is)."""
    address = normal_email(email)
    before = find(cur, address)
    if before is None or not before["active"]:
        raise Refused.worded("unknown-person", email=address)
    new_role = role or before["role"]
    if priorities is None:
        # A lead who becomes something else loses their priorities; a lead keeps theirs.
        priorities = before["priorities"] if new_role == "lead" else []
    chosen = _check(cur, new_role, priorities)
    new_name = (name or "").strip() or before["name"]
    _refuse_last_admin(cur, before, new_role, by)
    with transaction(cur):
        cur.execute(
            "UPDATE person SET name = ?, role = ? WHERE id = ?", [new_name, new_role, before["id"]]
        )
        _set_priorities(cur, before["id"], chosen)
        after = find(cur, address)
        if _snapshot(after) == _snapshot(before):
            return f"{new_name} <{address}>: nothing to change."
        audit(
            cur, by, "person", address, "changed", before=_snapshot(before), after=_snapshot(after)
        )
    words = ROLE_WORDS[new_role] + (f" for {', '.join(chosen)}" if chosen else "")
    return f"{new_name} <{address}> is now {wording.with_article(words)}."


@writes("people.manage")
def remove_person(cur: duckdb.DuckDBPyConnection, email: str, *, by: Person) -> str:
    """Take away someone's access; what they did stays in the record under their name."""
    address = normal_email(email)
    before = find(cur, address)
    if before is None or not before["active"]:
        raise Refused.worded("unknown-person", "remove", email=address)
    if by.email and by.email == address:
        raise Refused.worded("remove-yourself")
    _refuse_last_admin(cur, before, None, by)
    with transaction(cur):
        cur.execute(
            "UPDATE person SET active = false, removed_at = current_localtimestamp() WHERE id = ?",
            [before["id"]],
        )
        audit(
            cur,
            by,
            "person",
            address,
            "removed",
            before=_snapshot(before),
            after=_snapshot(find(cur, address)),
        )
    return (
        f"{before['name']} <{address}> removed: they can no longer sign in; what they did stays "
        "in the record under their name."
    )


def _refuse_last_admin(cur, before: dict[str, Any], new_role: str | None, by: Person) -> None:
    """Keep at least one administrator who can sign in, or nobody could manage people from the
    dashboard. The command line (acting for no one in particular) is never locked out, so it may."""
    if before["role"] != "admin" or new_role == "admin" or by.email is None:
        return
    others = cur.execute(
        "SELECT count(*) FROM person WHERE role = 'admin' AND active AND id <> ?", [before["id"]]
    ).fetchone()[0]
    if not others:
        raise Refused.worded("last-administrator", name=before["name"])


# The demo's people: one per role, for the demo sign-in when no identity provider is set up.
DEMO_PEOPLE = (
    ("board.member@demo.example", "Bea Board (board member)", "board", ()),
    (
        "street.violence.lead@demo.example",
        "Sam Lead (street violence lead)",
        "lead",
        ("street-violence",),
    ),
    ("analyst@demo.example", "Ana Lyst (analyst)", "analyst", ()),
    ("admin@demo.example", "Adi Admin (administrator)", "admin", ()),
    ("commissioner@demo.example", "Cam Commissioner (commissioner)", "commissioner", ()),
)


def seed_demo_people(
    cur: duckdb.DuckDBPyConnection, *, by: Person = SYSTEM, place: str | None = None
) -> None:
    """Add the demo's people (those not there already). In a force-area demo's other
    partnerships (``place``: torbay) they are that partnership's own, at its own addresses, so
    a lead of one is nobody in another; the commissioner is the same person in each."""
    for email, name, role, priorities in DEMO_PEOPLE:
        if place and role != "commissioner":
            email = email.replace("@demo.example", f"@{place}.demo.example")
            name = name.replace(")", f", {place.title()})")
        if find(cur, email) is None:
            add_person(cur, email, name=name, role=role, priorities=priorities, by=by, demo=True)
