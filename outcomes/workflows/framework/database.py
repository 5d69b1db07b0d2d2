"""The framework in DuckDB: imported in one transaction, read back as flat tables."""

from __future__ import annotations

import duckdb
import pandas as pd

from outcomes.rules.wording import join_and, plural, rows_of
from outcomes.storage.people import Person, writes
from outcomes.storage.store import audit, registered, transaction
from outcomes.workflows.framework.checking import coerce_table
from outcomes.workflows.framework.tables import (
    IMPORT_ORDER,
    REPLACED_WHOLE,
    TABLES,
    Framework,
    FrameworkError,
    fault,
)


def imported_words(source: str, counts: dict[str, int]) -> str:
    """What an import wrote, in a sentence: the command line and the data page say the same.

    >>> imported_words("plan.yaml", {"priority": 7, "indicator": 21, "indicator_target": 1})
    'Framework imported from plan.yaml: 7 priorities, 21 indicators and 1 trajectory target.'
    """
    written = [
        rows_of(table, counts.get(table, 0))
        for table in ("priority", "indicator", "indicator_target")
    ]
    return f"Framework imported from {source}: {join_and(written)}."


@writes("framework.change")
def import_framework(
    cur: duckdb.DuckDBPyConnection, framework: Framework, *, by: Person
) -> dict[str, int]:
    """Make the database's framework equal to ``framework``, in one transaction.

    Rows are upserted rather than deleted and re-inserted, so observations keep pointing at
    their indicator. An indicator or priority that the file drops but that still has figures is
    refused rather than deleted with its history.
    """
    counts = {}
    with transaction(cur):
        _refuse_dropping_used(cur, framework)
        for name in reversed(IMPORT_ORDER):
            table = TABLES[name]
            if name == "return_due":
                cur.execute("DELETE FROM return_due WHERE scope <> 'default'")
            elif name in REPLACED_WHOLE:
                cur.execute(f"DELETE FROM {name}")
            elif table.key:
                keep = list(framework[name][table.key[0]])
                cur.execute(
                    f"DELETE FROM {name} WHERE NOT list_contains(?, {table.key[0]})", [keep]
                )
        for name in IMPORT_ORDER:
            frame = framework[name].copy()
            if name == "partnership":
                frame.insert(0, "id", 1)
            if name == "return_due":
                frame["scope_key"] = frame["scope_key"].fillna("")  # the partnership's: blank
            if name == "indicator":
                # indicator.status_method's CHECK predates spc; indicator_spc carries it.
                frame["status_method"] = frame["status_method"].replace("spc", "target")
            _upsert(cur, name, frame, ("id",) if name == "partnership" else TABLES[name].key)
            counts[name] = len(frame)
        spc_status = list(
            framework["indicator"].loc[framework["indicator"]["status_method"] == "spc", "code"]
        )
        cur.execute(
            "UPDATE indicator_spc SET status_by_spc = list_contains(?, indicator_code)",
            [spc_status],
        )
        audit(cur, by, "framework", "all", "imported", after=counts)
    return counts


def _upsert(
    cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, key: tuple[str, ...]
) -> None:
    # UPDATE then INSERT, not INSERT OR REPLACE: DuckDB replaces by delete-and-insert, which
    # its foreign keys refuse while indicators and figures still point at the row.
    columns = list(frame.columns)
    with registered(cur, "_framework_rows", frame):
        match = " AND ".join(f"t.{k} = f.{k}" for k in key)
        settable = [c for c in columns if c not in key]
        if settable:
            assignments = ", ".join(f"{c} = f.{c}" for c in settable)
            cur.execute(
                f"UPDATE {name} AS t SET {assignments} FROM _framework_rows AS f WHERE {match}"
            )
        listed = ", ".join(columns)
        cur.execute(
            f"INSERT INTO {name} ({listed}) SELECT {listed} FROM _framework_rows AS f "
            f"WHERE NOT EXISTS (SELECT 1 FROM {name} AS t WHERE {match})"
        )


def _refuse_dropping_used(cur: duckdb.DuckDBPyConnection, framework: Framework) -> None:
    keep = list(framework["indicator"]["code"])
    used = cur.execute(
        "SELECT indicator_code, count(*) FROM observation WHERE NOT list_contains(?, indicator_code) "
        "GROUP BY ALL ORDER BY 1",
        [keep],
    ).fetchall()
    if used:
        raise FrameworkError(
            [
                fault(
                    "framework-rule",
                    "still-used",
                    indicator=code,
                    figures=plural(n, "recorded figure"),
                )
                for code, n in used
            ]
        )


def read_framework(cur: duckdb.DuckDBPyConnection) -> Framework:
    """The framework as it stands in the database."""
    tables = {}
    for name, table in TABLES.items():
        order = "sort_order" if "sort_order" in table.column_names else ", ".join(table.key) or "1"
        where = " WHERE scope <> 'default'" if name == "return_due" else ""
        frame = cur.execute(
            f"SELECT {', '.join(table.column_names)} FROM {name}{where} ORDER BY {order}"
        ).df()
        if name == "return_due":
            frame["scope_key"] = frame["scope_key"].replace("", None)
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        tables[name] = coerce_table(rows, table, [], "")
    by_spc = {
        code
        for (code,) in cur.execute(
            "SELECT indicator_code FROM indicator_spc WHERE status_by_spc"
        ).fetchall()
    }
    tables["indicator"].loc[tables["indicator"]["code"].isin(by_spc), "status_method"] = "spc"
    return Framework(tables)
