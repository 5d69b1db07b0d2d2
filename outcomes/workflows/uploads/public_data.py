"""Public data files (police.uk, ONS CSP, Fingertips) as series, and the indicators derived from them."""

from __future__ import annotations

import duckdb
import pandas as pd

from loaders import periods
from loaders.problems import problem
from outcomes.rules import wording
from outcomes.workflows.uploads.prepared import Prepared


def prepare_series(result, file_name: str, sha: str, fmt: str) -> Prepared:
    """A public file's series (read by its loader in loaders/) ready to preview and commit."""
    where = {"file": file_name}
    if fmt == "police-uk":
        values = result.series.rename(columns={"indicator_code": "series_code"})
        meta = pd.DataFrame({"code": sorted(values["series_code"].unique())})
        meta["name"] = [
            result.crime_types.get(c, c.removeprefix("police_uk.").replace("-", " ").capitalize())
            + " (police.uk)"
            for c in meta["code"]
        ]
        meta["source"], meta["unit"] = "police-uk", "count"
        problems = list(result.problems)
        summary = {
            "rows read": result.rows_read,
            "rows in the area": result.rows_in_area,
            "rows outside the area (not counted)": result.rows_outside_area,
            "rows without a location (not counted)": result.rows_without_location,
            "months": ", ".join(wording.period_short(m) for m in result.months),
        }
        if result.areas is not None:  # read force-wide, for every partnership
            districts = result.areas.loc[result.areas["kind"] == "district", "name"]
            summary["districts"] = ", ".join(districts)
    else:
        values, meta = result.values, result.series.copy()
        problems = list(result.problems)
        summary = {
            "rows read": result.rows_read,
            **{f"skipped: {k}": v for k, v in result.skipped.items()},
        }
    if values.empty:
        problems.append(problem("nothing-readable", kind=fmt, **where))
    return Prepared(
        file_name=file_name,
        sha256=sha,
        source_format=fmt,
        observations=pd.DataFrame(columns=["indicator_code", "period", "area", "value", "note"]),
        commentary=pd.DataFrame(columns=["indicator_code", "period", "narrative", "blockage"]),
        problems=problems,
        series=values,
        series_meta=meta,
        summary=summary,
        public_areas=getattr(result, "areas", None),
    )


def derived_figures(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every derived indicator's figures, recomputed from the current series values.

    A period is only computed when every month (or source period) in it is present, so a
    quarter with two months of police.uk data is not shown as a low quarter.
    """
    rules = cur.execute(
        "SELECT d.indicator_code, d.series_code, d.aggregate, d.areas, i.frequency "
        "FROM indicator_derivation d JOIN indicator i ON i.code = d.indicator_code"
    ).fetchall()
    out = []
    for code, series_code, aggregate, areas, frequency in rules:
        wanted = [a.strip() for a in (areas or "").split(";") if a.strip()] or ["all"]
        values = cur.execute(
            "SELECT period, period_start, area, value FROM series_current WHERE series_code = ? AND list_contains(?, area)",
            [series_code, wanted],
        ).df()
        if values.empty:
            continue
        kind = periods.FREQUENCY_KIND[frequency]
        values["target"] = [
            periods.period_containing(d, kind).code
            for d in pd.to_datetime(values["period_start"]).dt.date
        ]
        source_months = periods.parse_code(values["period"].iloc[0]).months
        for target, group in values.groupby("target"):
            period = periods.parse_code(target)
            expected = period.months // source_months
            present = group["period"].nunique()
            if present < expected:
                continue
            per_source = group.groupby("period")["value"].sum(min_count=1)
            value = (
                per_source.sum(min_count=len(per_source))
                if aggregate == "sum"
                else per_source.mean()
            )
            place = "the partnership" if wanted == ["all"] else f"{len(wanted)} areas"
            out.append(
                {
                    "indicator_code": code,
                    "period": target,
                    "area": "all",
                    "value": value,
                    "note": f"Computed from {series_code} ({aggregate} of {present} periods over {place})",
                }
            )
    return pd.DataFrame.from_records(
        out, columns=["indicator_code", "period", "area", "value", "note"]
    )
