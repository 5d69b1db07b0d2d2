"""The command line's people: ``user add|list|change|remove`` and who a command acts as.

A command acts as an administrator, recorded in the audit trail by the operating-system user
("alice (command line)"), unless ``--as EMAIL`` names someone the partnership knows: then that
person's permissions apply, exactly as if they had signed in to the dashboard.
"""

from __future__ import annotations

import argparse
import json

import duckdb

from outcomes.errors import Refused
from outcomes.storage import people
from outcomes.storage.people import Person


class _RetiredBy(argparse.Action):
    """``--by NAME`` recorded typed text; refuse it with the way on rather than ignore it."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(
            "--by is gone: the audit trail names people, not typed text. A command acts as "
            "the administrator you are logged in as; use --as EMAIL to act as someone else."
        )


def actor_argument(parser: argparse.ArgumentParser) -> None:
    """``--as EMAIL`` on a command that writes (and a clear word for the retired ``--by``)."""
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="act as this person, with their permissions (default: an administrator, "
        "recorded by your login name)",
    )
    parser.add_argument("--by", action=_RetiredBy, help=argparse.SUPPRESS)


def actor(args: argparse.Namespace, cur: duckdb.DuckDBPyConnection) -> Person:
    """The person a command acts as."""
    email = getattr(args, "as_email", None)
    if not email:
        return people.command_line_person()
    acting = people.person(cur, email, how="command line")
    if acting is None:
        found = people.find(cur, email)
        why = "was removed" if found is not None else "is not known to this partnership"
        raise Refused.worded("unknown-person", "command", email=email, why=why)
    return acting


def _role_words(role: str, priorities) -> str:
    words = people.ROLE_WORDS[role]
    return f"{words} for {', '.join(priorities)}" if len(priorities) else words


def cmd_user(args: argparse.Namespace, open_db) -> int:
    store = open_db(args.db)
    try:
        cur = store.cursor()
        if args.user_action == "list":
            return _list(cur, args)
        by = actor(args, cur)
        if args.user_action in ("add", "change"):
            write = people.add_person if args.user_action == "add" else people.change_person
            # A new person with no --priority has none; a change without it keeps theirs.
            chosen = args.priority or () if args.user_action == "add" else args.priority
            print(write(cur, args.email, name=args.name, role=args.role, priorities=chosen, by=by))
        else:
            print(people.remove_person(cur, args.email, by=by))
        return 0
    finally:
        store.close()


def _list(cur, args: argparse.Namespace) -> int:
    frame = people.people(cur, include_removed=args.all or args.json)
    rows = [
        {
            "email": r.email,
            "name": r.name,
            "role": r.role,
            "priorities": list(r.priorities),
            "active": bool(r.active),
            "demo": bool(r.demo),
        }
        for r in frame.itertuples()
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("Nobody is known yet: `python -m outcomes user add EMAIL --name NAME --role ROLE`.")
    for r in rows:
        gone = "" if r["active"] else "  (removed)"
        print(f"{r['email']:<40} {r['name']:<36} {_role_words(r['role'], r['priorities'])}{gone}")
    return 0


def add_user_commands(sub, db_argument, open_db) -> None:
    """``user add|list|change|remove`` on the top-level parser's subcommands."""
    p = sub.add_parser("user", help="the people the partnership knows and their roles")
    usub = p.add_subparsers(dest="user_action", required=True)

    def run(args: argparse.Namespace) -> int:
        return cmd_user(args, open_db)

    roles = list(people.ROLES)

    def command(name: str, help: str, *, email: bool = True) -> argparse.ArgumentParser:
        a = usub.add_parser(name, help=help)
        db_argument(a)
        if email:
            a.add_argument("email", metavar="EMAIL")
        a.set_defaults(func=run)
        return a

    a = command("add", "add someone: their e-mail address, name and role")
    a.add_argument("--name", required=True, help="their name, as the board knows them")
    a.add_argument("--role", required=True, choices=roles)
    a.add_argument(
        "--priority", action="append", metavar="ID",
        help="a priority a lead reports on (repeat for several)",
    )  # fmt: skip
    actor_argument(a)

    a = command("list", "everyone known, with their roles", email=False)
    a.add_argument("--all", action="store_true", help="include people who were removed")
    a.add_argument("--json", action="store_true", help="print a JSON list (removed people too)")

    a = command("change", "change someone's name, role or priorities")
    a.add_argument("--name")
    a.add_argument("--role", choices=roles)
    a.add_argument(
        "--priority", action="append", metavar="ID",
        help="the priorities a lead reports on, replacing the ones they had (repeat for several)",
    )  # fmt: skip
    actor_argument(a)

    a = command("remove", "take away someone's access (what they did stays in the record)")
    actor_argument(a)
