"""The shared public data's schema, below the store: its name, whether it is there, and each
partnership's views linked to it (see ``outcomes.workflows.shared_data`` for loading into it).

The store migrates ``public_data`` with the partnerships' schemas and links each partnership's
``series_current`` and ``series_named`` again after a migration, so this part needs nothing above
the floor.
"""

from __future__ import annotations

import duckdb

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
            # The schemata, not the tables: information_schema.tables lists every table of
            # every partnership, a second's work on a national deployment, on every open.
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?",
            [SCHEMA],
        ).fetchone()[0]
    )


def on_public_data(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``cur`` writes to the shared public data rather than a partnership."""
    return cur.execute("SELECT current_schema()").fetchone()[0] == SCHEMA


def link(cur: duckdb.DuckDBPyConnection) -> None:
    """Make a partnership's ``series_current`` and ``series_named`` read the shared public data
    too (``cur`` has the partnership's schema current). Every name is qualified, so each view
    reads its own partnership's tables and no other's, on both engines."""
    own = cur.execute("SELECT current_schema()").fetchone()[0]
    if own == SCHEMA:
        return
    for view in (_SERIES_CURRENT, _SERIES_NAMED):
        if getattr(cur, "engine", "duckdb") != "postgresql":
            cur.execute(view.format(own=own, shared=SCHEMA, columns=_COLUMNS))
            continue
        # Translated once for any partnership, its name put in after: sqlglot parsing the view
        # anew for each of a national deployment's ~300 partnerships cost 5.6 s of CPU on the
        # first shared load.
        from outcomes.storage.pg import TRANSLATIONS

        shape = view.format(own=_ANY_OWN, shared=SCHEMA, columns=_COLUMNS)
        [translated] = TRANSLATIONS.get(shape, cur.catalogue)
        cur.execute_postgres(translated.replace(_ANY_OWN, own))


# Stands for the partnership's schema in the views' one translation (no schema is named so).
_ANY_OWN = "p_any_partnership_linked"


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
