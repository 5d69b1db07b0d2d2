"""DuckDB SQL as PostgreSQL runs it: the product's one SQL, transpiled by sqlglot.

Every statement the product writes is DuckDB SQL with ``?`` placeholders (the migrations too).
On PostgreSQL each statement is parsed once as DuckDB and written out as PostgreSQL, and the
result kept per statement text. sqlglot translates almost all of it; the few DuckDB forms it
leaves alone are written out here (``_TRANSFORMS``), and two need the catalogue (``Catalogue``):
``QUALIFY`` over ``*`` (PostgreSQL has no ``QUALIFY``; the filtered subquery must not bring its
row number along, so the star is spelled out first) and ``INSERT OR REPLACE`` (PostgreSQL's
``ON CONFLICT`` must name the primary key).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType

# The isolation level every write runs at on PostgreSQL (docs/schema.md says why).
BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ"


def _arg_max(gen: Postgres.Generator, node: exp.ArgMax) -> str:
    value, key = gen.sql(node, "this"), gen.sql(node, "expression")
    return f"(ARRAY_AGG({value} ORDER BY {key} DESC NULLS LAST))[1]"


def _arg_min(gen: Postgres.Generator, node: exp.ArgMin) -> str:
    value, key = gen.sql(node, "this"), gen.sql(node, "expression")
    return f"(ARRAY_AGG({value} ORDER BY {key} ASC NULLS LAST))[1]"


_TRANSFORMS = {
    # PostgreSQL has no isnan(): NaN is the one float equal to 'NaN' there.
    exp.IsNan: lambda gen, node: f"({gen.sql(node, 'this')} = CAST('NaN' AS DOUBLE PRECISION))",
    exp.DateFromParts: lambda gen, node: (
        f"MAKE_DATE(CAST({gen.sql(node, 'year')} AS INT), CAST({gen.sql(node, 'month')} AS INT), "
        f"CAST({gen.sql(node, 'day')} AS INT))"
    ),
    exp.ArgMax: _arg_max,
    exp.ArgMin: _arg_min,
    # any_value() arrives in PostgreSQL 16; min() is one of the values, which is all it promises.
    exp.AnyValue: lambda gen, node: f"MIN({gen.sql(node, 'this')})",
    # Placeholders are numbered ($1, $2, ...) before parsing, and stay numbered.
    exp.Placeholder: lambda gen, node: f"${node.name}",
}


class Outcomes(Postgres):
    class Generator(Postgres.Generator):
        TRANSFORMS = {**Postgres.Generator.TRANSFORMS, **_TRANSFORMS}


class Catalogue:
    """What the translation needs to know of the database: a table's or view's columns, and a
    table's primary key. ``lookup(sql, params)`` runs a query on the database itself."""

    def __init__(self, lookup: Callable[[str, list], list[tuple]]):
        self._lookup = lookup

    def columns(self, name: str) -> list[str]:
        return [c for c, _ in self.typed_columns(name)]

    def typed_columns(self, name: str) -> list[tuple[str, str]]:
        # pg_catalog, not information_schema: its views check privileges on every column of
        # every schema, which at ~300 partnerships' schemas is a server's second a question.
        return self._lookup(
            "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute AS a "
            "JOIN pg_class AS c ON c.oid = a.attrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = $1 "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            [name],
        )

    def column_types(self) -> dict[str, str]:
        """Each column name the tables use, with its type where every table agrees on one."""
        rows = self._lookup(
            "SELECT a.attname, min(format_type(a.atttypid, NULL)) FROM pg_attribute AS a "
            "JOIN pg_class AS c ON c.oid = a.attrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v') "
            "AND a.attnum > 0 AND NOT a.attisdropped GROUP BY a.attname "
            "HAVING count(DISTINCT a.atttypid) = 1",
            [],
        )
        return dict(rows)

    def primary_key(self, name: str) -> list[str]:
        rows = self._lookup(
            "SELECT a.attname FROM pg_index AS i "
            "JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = CAST($1 AS regclass) AND i.indisprimary ORDER BY a.attnum",
            [name],
        )
        return [r[0] for r in rows]


def numbered(sql: str) -> str:
    """``?`` placeholders as ``$1``, ``$2``, ... in order, leaving any ``?`` in a string alone."""
    tokens = [
        t for t in sqlglot.tokenize(sql, read="duckdb") if t.token_type == TokenType.PLACEHOLDER
    ]
    if not tokens:
        return sql
    out, last = [], 0
    for n, token in enumerate(tokens, start=1):
        out += [sql[last : token.start], f"${n}"]
        last = token.end + 1
    out.append(sql[last:])
    return "".join(out)


def _spell_out_stars(select: exp.Select, catalogue: Catalogue) -> None:
    """``SELECT *`` / ``SELECT o.*`` with QUALIFY, its columns named (see the module's note)."""
    sources: dict[str, str] = {}
    for source in [select.args.get("from_"), *(select.args.get("joins") or [])]:
        table = source.this if source is not None else None
        if isinstance(table, exp.Table):
            sources[table.alias_or_name] = table.name
    if len(sources) != len(select.args.get("joins") or []) + 1:
        return  # a subquery among the sources: leave it to sqlglot
    projections = []
    for item in select.expressions:
        if isinstance(item, exp.Star):
            wanted = list(sources.items())
        elif isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
            wanted = [(item.table, sources.get(item.table, item.table))]
        else:
            projections.append(item)
            continue
        for alias, table in wanted:
            projections += [exp.column(c, table=alias) for c in catalogue.columns(table)]
    select.set("expressions", projections)


def _upsert(insert: exp.Insert, catalogue: Catalogue) -> None:
    """``INSERT OR REPLACE`` as ``INSERT ... ON CONFLICT (key) DO UPDATE``."""
    target = insert.this
    table = target.this if isinstance(target, exp.Schema) else target
    columns = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else []
    key = catalogue.primary_key(table.name)
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in key)
    keys = ", ".join(f'"{c}"' for c in key)
    insert.set("alternative", None)
    conflict = sqlglot.parse_one(
        f"INSERT INTO x VALUES (1) ON CONFLICT ({keys}) DO "
        + (f"UPDATE SET {updates}" if updates else "NOTHING"),
        read="postgres",
    ).args["conflict"]
    insert.set("conflict", conflict)


def parse(sql: str) -> list[exp.Expression]:
    """The statements of ``sql`` (DuckDB, ``?`` placeholders numbered)."""
    return [tree for tree in sqlglot.parse(numbered(sql), read="duckdb") if tree is not None]


def translate(tree: exp.Expression, catalogue: Catalogue) -> str:
    """One parsed DuckDB statement as PostgreSQL."""
    if isinstance(tree, exp.Transaction):
        return BEGIN
    for select in tree.find_all(exp.Select):
        if select.args.get("qualify") is not None:
            _spell_out_stars(select, catalogue)
    for test in tree.find_all(exp.Is):
        # "? IS NULL" tells PostgreSQL nothing of the parameter's type; any type will do.
        if isinstance(test.this, exp.Placeholder):
            test.set("this", exp.cast(test.this.copy(), "TEXT"))
    for array in list(tree.find_all(exp.Array)):
        # An empty list literal: '{}' takes the array type its context wants, as [] does.
        if not array.expressions:
            array.replace(exp.Literal.string("{}"))
    for select in tree.find_all(exp.Select):
        _aliases_in_order(select)
    for order in tree.find_all(exp.Order):
        first = order.expressions[0] if order.expressions else None
        if first is not None and isinstance(first.this, exp.Var) and first.name.upper() == "ALL":
            _order_by_all(order, catalogue)
    for group in tree.find_all(exp.Group):
        if group.args.get("all"):
            _group_by_all(group)
    if isinstance(tree, exp.Insert) and tree.args.get("alternative") == "REPLACE":
        _upsert(tree, catalogue)
    return tree.sql(dialect=Outcomes)


def _aliases_in_order(select: exp.Select) -> None:
    """An output column's alias used inside an ORDER BY expression (``lower(name)``), which
    PostgreSQL reads only bare, replaced by what it stands for."""
    order = select.args.get("order")
    if order is None:
        return
    aliased = {e.alias: e.this for e in select.expressions if isinstance(e, exp.Alias)}
    for ordered in order.expressions:
        if isinstance(ordered.this, exp.Column) or not aliased:
            continue
        for column in list(ordered.this.find_all(exp.Column)):
            if not column.table and column.name in aliased:
                column.replace(aliased[column.name].copy())


def _order_by_all(order: exp.Order, catalogue: Catalogue) -> None:
    """``ORDER BY ALL`` as every column's position (JSON, which has no order, as its text)."""
    select = order.parent
    types: dict[str, str] = {}
    for table in select.find_all(exp.Table):
        types.update(dict(catalogue.typed_columns(table.name)))
    _spell_out_stars(select, catalogue)
    keys = []
    for i, item in enumerate(select.expressions, start=1):
        if types.get(item.alias_or_name) in ("json", "jsonb"):
            keys.append(exp.cast(item.copy().unalias(), "TEXT"))
        else:
            keys.append(exp.Literal.number(i))
    order.set("expressions", [exp.Ordered(this=k, nulls_first=False) for k in keys])


def _group_by_all(group: exp.Group) -> None:
    """``GROUP BY ALL`` as the positions of the columns that are not aggregates."""
    select = group.parent
    positions = [
        exp.Literal.number(i)
        for i, item in enumerate(select.expressions, start=1)
        if not item.find(exp.AggFunc, exp.Window)
    ]
    group.set("all", None)
    group.set("expressions", positions)


def to_postgres(sql: str, catalogue: Catalogue) -> list[str]:
    """The statements of ``sql`` (DuckDB, ``?`` placeholders) as PostgreSQL."""
    return [translate(tree, catalogue) for tree in parse(sql)]


def views_in_order(scripts: list[str]) -> list[exp.Create]:
    """The latest definition of every view the scripts create, each after the views it reads.

    PostgreSQL fixes a view's ``*`` when the view is made, where DuckDB reads it afresh: after a
    migration adds a column, the views are made again so that both engines show it."""
    latest: dict[str, exp.Create] = {}
    for script in scripts:
        for tree in parse(script):
            if isinstance(tree, exp.Create) and tree.kind == "VIEW":
                latest[tree.this.name] = tree
    ordered: list[exp.Create] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)
        tree = latest[name]
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        for table in tree.expression.find_all(exp.Table):
            if table.name in latest and table.name not in ctes and table.name != name:
                place(table.name)
        ordered.append(tree)

    for name in latest:
        place(name)
    return ordered


class Translations:
    """Statement text -> its PostgreSQL statements, kept for the life of the process."""

    def __init__(self) -> None:
        self._done: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def get(self, sql: str, catalogue: Catalogue) -> list[str]:
        found = self._done.get(sql)
        if found is None:
            found = to_postgres(sql, catalogue)
            if len(found) != 1:
                raise ValueError("one statement at a time; a script goes through run_script")
            with self._lock:
                self._done[sql] = found
        return found

    def forget(self) -> None:
        """After the schema changes (a migration), translations that read it may be stale."""
        with self._lock:
            self._done.clear()


TRANSLATIONS = Translations()
