"""What every command shares: opening the database, a refusal's kind, JSON out.

A floor below ``cli`` and its sub-command modules (``cli_statistics``, ``cli_public``), so none
of them imports another to reach these.
"""

from __future__ import annotations

import argparse
import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import duckdb

from outcomes.errors import Refused, lock_holder
from outcomes.storage.store import open_store, resolve_db_path


class CommandError(Refused):
    """A problem the user can fix; printed without a traceback, exit code 2."""

    code = "command-refused"


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="database file or postgresql://USER@HOST:PORT/DB URL "
        "(default: $OUTCOMES_DB, else data/outcomes.duckdb)",
    )
    parser.add_argument(
        "--partnership",
        metavar="ID",
        help="the partnership this is for (needed only where the database holds several; "
        "`partnership list` names them)",
    )


def _switch_command(sub, name: str, help: str, db_argument=_db_argument) -> argparse.ArgumentParser:
    """The parser of a command that switches a rule ``on``, ``off`` or shows its ``status``."""
    p = sub.add_parser(name, help=help)
    db_argument(p)
    p.add_argument("switch", choices=["on", "off", "status"])
    return p


# The --partnership of the command running (set by cli.main): every command opens the
# database through _open, which points the store at that partnership's schema, so no command
# needs to pass it along.
PARTNERSHIP: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "partnership", default=None
)


class DatabaseBusy(CommandError):
    """Another process holds the database file (DuckDB lets one process open it)."""

    code = "busy"


def _open(db: str | None):
    """The database, its store pointed at the partnership the command is for (refused, with
    their ids, where there are several and it named none)."""
    store = _open_file(db)
    try:
        from outcomes.workflows.partnerships import chosen

        found = chosen(store.cursor(None), PARTNERSHIP.get())
    except BaseException:
        store.close()
        raise
    store.schema = found.schema if found else None
    return store


def _open_file(db: str | None):
    path = resolve_db_path(db)
    try:
        return open_store(path)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise DatabaseBusy.worded(
                "database-in-use", path=path, holder=lock_holder(err)
            ) from None
        raise CommandError.worded("command-cannot-open", path=path, err=err) from None


@contextmanager
def _cursor(db: str | None) -> Iterator:
    """A cursor on the database for one command; the store is closed after, whatever happens."""
    store = _open(db)
    try:
        yield store.cursor()
    finally:
        store.close()


def _read(db: str | None, read):
    """What ``read`` finds in the store, which is closed again: the commands that only look."""
    store = _open(db)
    try:
        return read(store.cursor())
    finally:
        store.close()


def _print_json(value) -> int:
    print(json.dumps(value, default=_json_default, indent=2))
    return 0


def json_text(value: Any, depth: int = 0) -> str:
    """``value`` as JSON laid out as ``indent=2`` lays it out, but each record in a list (a
    dict of plain values: a problem, a commentary) on a line of its own, written by json's C
    encoder: the indented layout is written in Python, which cost 0.3 s of CPU for a
    200,000-row return's 1,775 problems and its commentary."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        items = [f"{inner}{json.dumps(k)}: {json_text(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value:
        items = [
            inner
            + (
                json.dumps(v, default=_json_default)
                if isinstance(v, dict) and not any(isinstance(x, dict | list) for x in v.values())
                else json_text(v, depth + 1)
            )
            for v in value
        ]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, default=_json_default, indent=2).replace("\n", "\n" + pad)


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
