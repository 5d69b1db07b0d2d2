"""Public data loaded once serves every partnership of a deployment (issue 19 item 4).

On a database of several partnerships, a police.uk force file, the ONS all-CSP workbook or a
Fingertips export is loaded once, into the schema ``public_data`` (made by the same numbered
migrations as a partnership's, so its loads have their own ``upload`` rows, revisions, undo and
audit trail). Each partnership reads its own areas from it: its ``series_current`` and
``series_named`` views are made again here (:func:`link`) as its own rows plus the shared rows
for its ``area`` codes, its comparator areas, the LSOAs within its ``area_name`` and that
district's total as ``all``; a figure of its own wins over a shared one with the same key.

On a database of one partnership nothing is shared: public files load into its own tables
and the views of migration 013 read only those, as before.

Loading or undoing shared public data changes what every partnership sees, so it needs
``public_data.share`` (an administrator); checked in the core (``outcomes.uploads``) whichever
way it is reached.
"""

from __future__ import annotations

import duckdb

from outcomes.errors import Refused

SCHEMA = "public_data"

# The columns of series_current, in order (migration 013), so the linked view keeps them.
_COLUMNS = (
    "series_code, period, period_start, period_end, area, revision, value, numerator, "
    "denominator, lower_ci_95, upper_ci_95, lower_ci_998, upper_ci_998, note, upload_id, "
    "recorded_at"
)


def exists(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database has shared public data (its schema is made on the first load)."""
    return bool(
        cur.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = 'series_value'",
            [SCHEMA],
        ).fetchone()[0]
    )


def on_public_data(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``cur`` writes to the shared public data rather than a partnership."""
    return cur.execute("SELECT current_schema()").fetchone()[0] == SCHEMA


def is_shared(store) -> bool:
    """Whether public files load into public_data: the deployment holds several partnerships."""
    from outcomes.partnerships import listed

    return len(listed(store.cursor(None))) > 1


def cursor(store):
    """A cursor on the shared public data (refused where there is none)."""
    if not exists(store.cursor(None)):
        raise Refused.worded("shared-data-none")
    return store.cursor(SCHEMA)


def ensure(store):
    """The shared public data's schema, made (and every partnership linked to it) on first use;
    returns a cursor on it."""
    from outcomes.partnerships import listed
    from outcomes.store import migrate, use_schema

    top = store.cursor(None)
    if not exists(top):
        # A schema is made outside any transaction, as a partnership's is (partnerships.add).
        top.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        own = use_schema(store.con.cursor(), SCHEMA)
        try:
            migrate(own, deployment=False)
        finally:
            own.close()
        for p in listed(top):
            link(store.cursor(p.schema))
    return store.cursor(SCHEMA)


def link(cur: duckdb.DuckDBPyConnection) -> None:
    """Make a partnership's ``series_current`` and ``series_named`` read the shared public data
    too (``cur`` has the partnership's schema current). Every name is qualified, so each view
    reads its own partnership's tables and no other's, on both engines."""
    own = cur.execute("SELECT current_schema()").fetchone()[0]
    if own == SCHEMA:
        return
    cur.execute(_SERIES_CURRENT.format(own=own, shared=SCHEMA, columns=_COLUMNS))
    cur.execute(_SERIES_NAMED.format(own=own, shared=SCHEMA))


# A shared figure is the partnership's when its area is one of the partnership's own codes or
# comparator areas, an LSOA within its area_name, or its district's total (read as 'all').
_SERIES_CURRENT = """
CREATE OR REPLACE VIEW {own}.series_current AS
WITH own_current AS (
    SELECT {columns}, false AS shared
    FROM (
        SELECT v.*, row_number() OVER (
                   PARTITION BY v.series_code, v.period, v.area ORDER BY v.revision DESC
               ) AS recency
        FROM {own}.series_value AS v
        JOIN {own}.upload AS u ON u.id = v.upload_id AND u.state = 'committed'
    ) AS ranked
    WHERE recency = 1
),
place AS (
    SELECT area_name FROM {own}.partnership WHERE id = 1
),
mine AS (
    SELECT code, false AS whole FROM {own}.area WHERE code <> 'all'
    UNION SELECT area_code, false FROM {own}.comparator_area
    UNION SELECT a.code, a.kind = 'district' FROM {shared}.public_area AS a
    WHERE a.within = (SELECT area_name FROM place)
),
shared_current AS (
    SELECT s.series_code, s.period, s.period_start, s.period_end,
           CASE WHEN m.whole THEN 'all' ELSE s.area END AS area,
           s.revision, s.value, s.numerator, s.denominator, s.lower_ci_95, s.upper_ci_95,
           s.lower_ci_998, s.upper_ci_998, s.note, s.upload_id, s.recorded_at, true AS shared
    FROM {shared}.series_current AS s
    JOIN (SELECT code, max(CASE WHEN whole THEN 1 ELSE 0 END) = 1 AS whole
          FROM mine GROUP BY code) AS m ON m.code = s.area
)
SELECT * FROM own_current
UNION ALL
SELECT * FROM shared_current AS s
WHERE NOT EXISTS (
    SELECT 1 FROM own_current AS o
    WHERE o.series_code = s.series_code AND o.period = s.period AND o.area = s.area
)
"""

_SERIES_NAMED = """
CREATE OR REPLACE VIEW {own}.series_named AS
SELECT code, name, source, unit, false AS shared FROM {own}.series
UNION ALL
SELECT p.code, p.name, p.source, p.unit, true FROM {shared}.series AS p
WHERE NOT EXISTS (SELECT 1 FROM {own}.series AS s WHERE s.code = p.code)
"""


def loads(cur: duckdb.DuckDBPyConnection, series_code: str | None = None) -> list[dict]:
    """Where the public figures a partnership reads came from (of one series, or all): each
    load in force (its own, or the shared one), its file, who loaded it and when, and how many
    of its figures this partnership reads. ``cur`` is the partnership's."""
    where, params = ("WHERE series_code = ? ", [series_code]) if series_code else ("", [])
    counts = cur.execute(
        f"SELECT shared, upload_id, count(*) FROM series_current {where}"  # noqa: S608
        "GROUP BY shared, upload_id",
        params,
    ).fetchall()
    found = []
    shared_ok = exists(cur)
    for shared, upload_id, figures in counts:
        table = f"{SCHEMA}.upload" if shared else "upload"
        if shared and not shared_ok:
            continue
        row = cur.execute(
            f"SELECT file_name, source_format, uploaded_by, uploaded_at FROM {table} "  # noqa: S608
            "WHERE id = ?",
            [upload_id],
        ).fetchone()
        if row is None or row[1] == "demo":
            continue
        found.append(
            {
                "upload_id": upload_id,
                "shared": bool(shared),
                "file_name": row[0],
                "source_format": row[1],
                "uploaded_by": row[2],
                "uploaded_at": row[3],
                "figures": figures,
            }
        )
    return sorted(found, key=lambda r: (str(r["uploaded_at"]), r["upload_id"]), reverse=True)
