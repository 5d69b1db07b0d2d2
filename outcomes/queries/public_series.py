"""The public figures loaded (police.uk street crime, ONS recorded crime by CSP), as the board
and its analysts read them: whether or not an indicator is defined from them.

Each function reads ``series_current`` (the current revision from committed uploads) and
returns a tidy frame with words for columns; the page draws tables and charts from them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from loaders import periods
from outcomes.storage import public_schema


def loaded(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What public series are loaded: source, how many series, figures and areas, and the
    months they cover, in words."""
    frame = cur.execute(
        """
        SELECT CASE WHEN s.source = 'police-uk' THEN 'police.uk street crime'
                    ELSE s.source END AS "Source",
               count(DISTINCT s.code) AS series, count(*) AS figures,
               count(DISTINCT v.area) AS areas,
               min(v.period_start) AS first, max(v.period_end) AS last
        FROM series_named s JOIN series_current v ON v.series_code = s.code
        WHERE s.source <> 'demo'
        GROUP BY 1 ORDER BY 1
        """
    ).df()
    for column in ("series", "figures", "areas"):
        frame[column.capitalize()] = frame[column].map("{:,}".format)
    frame["Covers"] = [
        f"{a:%B %Y} to {b:%B %Y}" for a, b in zip(frame["first"], frame["last"], strict=True)
    ]
    return frame[["Source", "Series", "Figures", "Areas", "Covers"]]


SOURCE_WORDS = {"police-uk": "police.uk", "ons-csp": "ONS", "fingertips": "Fingertips"}


def sources(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Where the public figures this partnership reads came from, a row per load in force: the
    file, whether it is the load every partnership shares or the partnership's own, who loaded
    it and when, and how many of its figures the partnership reads."""
    rows = loads(cur)
    return pd.DataFrame(
        {
            "Source": [SOURCE_WORDS.get(r["source_format"], r["source_format"]) for r in rows],
            "File": [r["file_name"] for r in rows],
            "Loaded for": [
                f"every partnership (shared upload {r['upload_id']})"
                if r["shared"]
                else f"this partnership (upload {r['upload_id']})"
                for r in rows
            ],
            "Loaded by": [r["uploaded_by"] for r in rows],
            "When": [periods.long_datetime(pd.Timestamp(r["uploaded_at"])) for r in rows],
            "Figures read here": [f"{r['figures']:,}" for r in rows],
        }
    )


def came_from(cur: duckdb.DuckDBPyConnection, series_code: str) -> str | None:
    """Where a public series' figures came from, in a sentence (None for an indicator's).

    Each load is named with its file, who loaded it and when, and whether it is the load every
    partnership shares."""
    rows = loads(cur, series_code)
    if not rows:
        return None
    said = [
        f"{r['file_name']}, loaded {'once for every partnership' if r['shared'] else 'here'} "
        f"by {r['uploaded_by']} on {periods.long_datetime(pd.Timestamp(r['uploaded_at']))}"
        for r in rows
    ]
    return "Figures from " + "; ".join(said) + "."


def police_uk_by_month(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Street crimes recorded each month by crime type, over every area loaded.

    Columns: ``month`` (the first day), ``Month`` (as "March 2025"), ``Crime type``, ``Crimes``.
    The police.uk files count by LSOA; the partnership's figure is their sum.
    """
    frame = cur.execute(
        """
        SELECT v.period, v.period_start AS month, s.name AS crime_type, sum(v.value) AS crimes
        FROM series_current v JOIN series_named s ON s.code = v.series_code
        WHERE s.source = 'police-uk' AND v.area <> 'all'
        GROUP BY ALL ORDER BY month, crime_type
        """
    ).df()
    frame["crime_type"] = frame["crime_type"].str.removesuffix(" (police.uk)")
    frame["crimes"] = frame["crimes"].round().astype("Int64")
    frame["Month"] = frame["period"].map(lambda p: periods.parse_code(p).label)
    return frame.rename(columns={"crime_type": "Crime type", "crimes": "Crimes"})[
        ["month", "Month", "Crime type", "Crimes"]
    ]


def police_uk_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`police_uk_by_month` with a row per month and a column per crime type."""
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot_table(
        index=["month", "Month"], columns="Crime type", values="Crimes", aggfunc="sum"
    )
    wide = wide.reset_index().drop(columns="month")
    wide.columns.name = None
    return wide.astype({c: "Int64" for c in wide.columns if c != "Month"})


def ons_periods(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The ONS periods loaded, latest first."""
    return [
        r[0]
        for r in cur.execute(
            "SELECT DISTINCT v.period, v.period_end FROM series_current v "
            "JOIN series_named s ON s.code = v.series_code WHERE s.source LIKE 'ONS%' "
            "ORDER BY v.period_end DESC"
        ).fetchall()
    ]


def ons_by_csp(cur: duckdb.DuckDBPyConnection, period: str | None = None) -> pd.DataFrame:
    """Recorded crimes by Community Safety Partnership for one ONS period (the latest by
    default): a row per CSP, a column per offence (counts only; the rates and changes the file
    also gives are in ``series_current``). CSPs in a comparator group carry their name."""
    choices = ons_periods(cur)
    if not choices:
        return pd.DataFrame()
    period = period if period in choices else choices[0]
    frame = cur.execute(
        """
        SELECT v.area, coalesce(any_value(c.area_name), v.area) AS csp, s.name AS offence,
               v.value
        FROM series_current v
        JOIN series_named s ON s.code = v.series_code
        LEFT JOIN comparator_area c ON c.area_code = v.area
        WHERE s.source LIKE 'ONS%' AND s.unit = 'count' AND v.period = ?
        GROUP BY v.area, s.name, v.value
        """,
        [period],
    ).df()
    wide = frame.pivot_table(index=["csp", "area"], columns="offence", values="value")
    wide = wide.reset_index().rename(
        columns={"csp": "Community Safety Partnership", "area": "Code"}
    )
    wide.columns.name = None
    wide = wide.astype({c: "Int64" for c in wide.columns[2:]})
    return wide.sort_values("Community Safety Partnership", kind="stable").reset_index(drop=True)


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
    shared_ok = public_schema.exists(cur)
    for shared, upload_id, figures in counts:
        table = f"{public_schema.SCHEMA}.upload" if shared else "upload"
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
