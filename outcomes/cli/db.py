"""The command line's whole-database commands: ``python -m outcomes db copy|backup|restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from outcomes.cli.common import _open
from outcomes.storage.store import resolve_db_path


def _moving():
    # Imported when a db command runs: it brings psycopg and sqlglot, which no other command
    # on DuckDB needs, and every command (each `outcomes load`) paid for them at start-up.
    from outcomes.storage import moving

    return moving


def _db(value: str | None) -> str:
    """``--db``, then ``OUTCOMES_DB``, then the default file (a URL is kept as it is)."""
    return str(resolve_db_path(value))


def cmd_copy(args: argparse.Namespace) -> int:
    moving = _moving()
    copied = moving.copy(args.source, args.target, replace=args.replace, opener=_open)
    print(
        f"copied {moving._public_url(str(args.source))} to {moving._public_url(str(args.target))}:"
    )
    print(f"  {copied.in_words()}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    print(_moving().backup(_db(args.db), Path(args.file), opener=_open))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    print(_moving().restore(_db(args.db), Path(args.file), replace=args.replace, opener=_open))
    return 0


def add_parser(sub, db_argument) -> None:
    p = sub.add_parser("db", help="copy a whole database between engines, back it up, restore it")
    dsub = p.add_subparsers(dest="db_action", required=True)
    c = dsub.add_parser(
        "copy",
        help="copy every table (framework, figures, uploads, audit trail, people, meetings, "
        "actions, settings) from one database to another, DuckDB file or postgresql:// URL",
    )
    c.add_argument("--from", dest="source", required=True, metavar="SOURCE")
    c.add_argument("--to", dest="target", required=True, metavar="TARGET")
    c.add_argument(
        "--replace", action="store_true", help="overwrite a target that already holds a database"
    )
    c.set_defaults(func=cmd_copy)
    b = dsub.add_parser(
        "backup",
        help="write a consistent backup to FILE (a DuckDB file; pg_dump's format on PostgreSQL)",
    )
    db_argument(b)
    b.add_argument("file", metavar="FILE")
    b.set_defaults(func=cmd_backup)
    r = dsub.add_parser("restore", help="put a backup back (refuses a database holding anything)")
    db_argument(r)
    r.add_argument("file", metavar="FILE")
    r.add_argument(
        "--replace", action="store_true", help="overwrite a database that already holds anything"
    )
    r.set_defaults(func=cmd_restore)
