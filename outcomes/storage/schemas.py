"""Many partnerships' schemas asked at once, and a new schema made in one round trip.

A national deployment holds ~300 partnership schemas. Asking each of them something (is it up
to date, does it know this person) one query at a time costs a round trip and a plan a schema
on every open or sign-in; :func:`across` asks them all in one statement, a ``UNION ALL`` of
the same question put to each schema by name. The names come from the registry, never from a
person, and are checked against the one pattern a schema may have.

Below the store: nothing here imports it, so the store can use it while opening.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def across(cur, schemas: Sequence[str], select: str, params: Sequence[Any] = ()) -> list[tuple]:
    """``select`` put to each schema and the answers together, in one statement.

    ``select`` names the schema's tables as ``{schema}.table`` and may use ``{name}`` (the
    schema's name as a text literal) and ``$1``, ``$2``... (the same ``params`` for every
    schema: both engines number them so, and PostgreSQL runs it untranslated, as sqlglot would
    parse a statement of 300 parts anew for every new partnership).
    """
    if not schemas:
        return []
    for schema in schemas:
        if not _NAME.match(schema):
            raise ValueError(f"not a schema name: {schema!r}")
    sql = "\nUNION ALL\n".join(f"({select.format(schema=s, name=repr(s))})" for s in schemas)
    if getattr(cur, "engine", "duckdb") == "postgresql":
        return cur.execute_postgres(sql, list(params)).fetchall()
    return cur.execute(sql, list(params)).fetchall()


def behind(
    cur, schemas: Iterable[str], shipped: Sequence[int], errors: tuple[type[BaseException], ...]
) -> list[str]:
    """The schemas whose migrations are not exactly ``shipped`` (older, newer or half made):
    the ones opening must migrate. One statement for all of them, where a schema's own
    ``schema_migrations`` were read one open at a time, a second of CPU at 323 schemas."""
    schemas = list(schemas)
    if not schemas:
        return []
    try:
        found = across(
            cur,
            schemas,
            "SELECT {name} AS schema_name, count(*) AS n, max(version) AS top, "
            "sum(version) AS total FROM {schema}.schema_migrations",
        )
    except errors:
        # A schema a failure left without its migrations table is made again by migrating it;
        # which one it is, only asking each says.
        return schemas
    want = (len(shipped), max(shipped), sum(shipped))
    seen = {str(s): (int(n), top, total) for s, n, top, total in found}
    return [s for s in schemas if seen.get(s) != want]


class FreshScripts:
    """What migrating a new, empty schema ran on PostgreSQL, kept per set of migrations: the
    next new schema runs the same statements in one round trip instead of sqlglot translating
    each migration again (a second of CPU) and a round trip a statement. A new schema starts
    empty, so the same statements make the same schema, whatever its name."""

    def __init__(self) -> None:
        self._kept: dict[tuple, list[str]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> list[str] | None:
        return self._kept.get(key)

    def keep(self, key: tuple, statements: list[str]) -> None:
        with self._lock:
            self._kept[key] = list(statements)

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


FRESH = FreshScripts()
