"""police.uk street-level crime CSVs in, monthly counts per crime type out (no database writes).

police.uk publishes one row per recorded crime or anti-social behaviour (ASB) incident, with the
columns in :data:`POLICE_UK_COLUMNS`. ``Month`` is ``YYYY-MM``; ASB rows have an empty
``Crime ID``; the location is snapped to an anonymised point and carries the Lower layer Super
Output Area (LSOA) it falls in, e.g. ``E01015025`` / ``Plymouth 001A``.

Counting rules, applied row by row:

* **In the area** — the ``LSOA name`` starts with ``area_name`` and a space (``Plymouth 001A``
  is in Plymouth; ``Plymouth`` alone or ``Plymouthshire 001A`` is not). These rows are counted,
  per crime type and month, for their LSOA (``area`` = the LSOA code) and for the partnership
  as a whole (``area`` = ``"all"``).
* **Outside the area** — the row has an LSOA but it belongs to another area (force-wide files
  cover every district the force polices). Counted in ``rows_outside_area`` and left out.
* **Without location** — the ``LSOA code`` is empty: police.uk could not place the crime, so
  nothing says it happened in the area. Such rows are counted in ``rows_without_location`` and
  reported, but *not* added to ``"all"``: adding them would credit the partnership with crimes
  that may have happened anywhere in the force area, and ``"all"`` would then no longer equal
  the sum of its LSOAs.

So, for every month, ``rows_in_area + rows_outside_area + rows_without_location`` is the number
of rows read, and the ``"all"`` values summed over crime types equal ``rows_in_area``.

Nothing is raised for bad input. A file whose header is not the police.uk header is skipped with
a problem naming the missing and unexpected columns; a row whose ``Month`` cannot be read is
skipped with a problem naming the file, the spreadsheet line number and the value.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders import files
from loaders.periods import PeriodError, parse_period
from loaders.problems import Problem, problem

POLICE_UK_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
_COUNTED = ("Month", "LSOA code", "LSOA name", "Crime type")
SERIES_COLUMNS = ("indicator_code", "period", "area", "value", "note")
ALL_AREAS = "all"
CODE_PREFIX = "police_uk."
_HEADER_LINES = 1  # data row i (0-based) is spreadsheet line i + 1 + _HEADER_LINES


@dataclass(frozen=True)
class PoliceUkResult:
    series: pd.DataFrame  # indicator_code, period, area, value, note — monthly counts
    rows_read: int
    rows_in_area: int
    rows_outside_area: int  # have an LSOA, but its name does not start with the area name
    rows_without_location: int  # no LSOA: cannot be placed; counted, left out of "all"
    months: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # each series' crime type in police.uk's own words ("Anti-social behaviour"), by its code
    crime_types: dict[str, str] = field(default_factory=dict)
    # read force-wide (FORCE_WIDE): each area counted, code, name, kind (lsoa or district) and
    # the district it is within; None when read for one partnership's area
    areas: pd.DataFrame | None = None


# The area name that reads a file for every district in it (a load shared by a force area's
# partnerships): each LSOA, and each district's total under DISTRICT_PREFIX + its name.
FORCE_WIDE = "*"
DISTRICT_PREFIX = "all:"


def district_of(lsoa_name: pd.Series) -> pd.Series:
    """The district an LSOA is in: its name less the last word ("Torbay 012B" -> "Torbay").

    >>> district_of(pd.Series(["Plymouth 001A", "North Devon 003C"])).tolist()
    ['Plymouth', 'North Devon']
    """
    # A regular expression, not rsplit: Arrow runs it over the whole column at C speed, where
    # rsplit made a Python list per row (0.23 s of a 36,000-row month's 0.46 s).
    return lsoa_name.str.replace(r" [^ ]*$", "", regex=True)


def series_code(crime_type: str) -> str:
    """The indicator code for a police.uk crime type.

    >>> series_code("Violence and sexual offences")
    'police_uk.violence-and-sexual-offences'
    >>> series_code("Anti-social behaviour")
    'police_uk.anti-social-behaviour'
    >>> series_code("  Theft from the person / other  ")
    'police_uk.theft-from-the-person-other'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(crime_type).lower()).strip("-")
    return CODE_PREFIX + slug


def _header_problem(path: Path, columns: list[str]) -> Problem | None:
    missing = [c for c in POLICE_UK_COLUMNS if c not in columns]
    extra = [c for c in columns if c not in POLICE_UK_COLUMNS]
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append("missing columns: " + ", ".join(missing))
    if extra:
        parts.append("unexpected columns: " + ", ".join(extra))
    return problem("not-police-uk-file", file=path.name, columns="; ".join(parts))


def _month_codes(path: Path, months: pd.Series, problems: list[Problem]) -> pd.Series:
    """Canonical month code per row, None where the value cannot be read (reported)."""
    cache: dict[str, str | None] = {}
    for value in months.unique():
        try:
            cache[value] = parse_period(value, "monthly").code
        except PeriodError:
            cache[value] = None
    codes = months.map(cache)
    for position in codes.index[codes.isna()]:
        line = int(position) + 1 + _HEADER_LINES
        problems.append(
            problem(
                "month-unreadable",
                month=repr(months.loc[position]),
                file=path.name,
                row=line,
                column="Month",
                value=months.loc[position],
            )
        )
    return codes


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS}).astype(
        {"value": float}
    )


def read_police_uk(paths: Iterable[str | Path], area_name: str = "Plymouth") -> PoliceUkResult:
    """Read police.uk street-level CSVs (one month or many each) and count crimes in
    ``area_name`` per crime type, month and LSOA, plus the partnership total (``"all"``)."""
    problems: list[Problem] = []
    frames: list[pd.DataFrame] = []
    rows_read = 0
    for raw in paths:
        path = Path(raw)
        data = files.read_bytes(path, path.name)
        files.check_csv(data, path.name)
        header = pd.read_csv(io.BytesIO(data), dtype=str, nrows=0, encoding="utf-8-sig")
        wrong = _header_problem(path, [str(c).strip() for c in header.columns])
        if wrong:
            problems.append(wrong)
            continue
        # Only the four columns counted are parsed: a month is 36,000 rows of twelve.
        wanted = [c for c in header.columns if str(c).strip() in _COUNTED]
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            usecols=wanted,
        )
        frame.columns = [str(c).strip() for c in frame.columns]
        rows_read += len(frame)
        frame = frame.reset_index(drop=True)
        frame["period"] = _month_codes(path, frame["Month"].str.strip(), problems)
        frames.append(frame[["period", "LSOA code", "LSOA name", "Crime type"]])

    if not frames:
        return PoliceUkResult(_empty_series(), rows_read, 0, 0, 0, [], problems)

    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["period"].notna()]
    code = rows["LSOA code"].str.strip()
    name = rows["LSOA name"].str.strip()
    without_location = code == ""
    force_wide = area_name == FORCE_WIDE
    in_area = ~without_location & (force_wide | name.str.startswith(area_name + " "))
    outside = ~without_location & ~in_area

    placed = rows[in_area].assign(area=code[in_area])
    by_lsoa = placed.groupby(["Crime type", "period", "area"]).size().rename("value").reset_index()
    areas = None
    if force_wide:
        placed = placed.assign(district=district_of(name[in_area]))
        totals = (
            placed.groupby(["Crime type", "period", "district"])
            .size()
            .rename("value")
            .reset_index()
        )
        totals["area"] = DISTRICT_PREFIX + totals.pop("district")
        areas = _areas(placed)
    else:
        totals = placed.groupby(["Crime type", "period"]).size().rename("value").reset_index()
        totals["area"] = ALL_AREAS
    series = pd.concat([by_lsoa, totals], ignore_index=True)
    # A month has thousands of rows of a dozen crime types: each type's code made once.
    types = series["Crime type"].unique()
    series["indicator_code"] = series["Crime type"].map({t: series_code(t) for t in types})
    series["value"] = series["value"].astype(float)
    series["note"] = None
    series = (
        series[list(SERIES_COLUMNS)]
        .sort_values(["indicator_code", "period", "area"])
        .reset_index(drop=True)
    )
    if series.empty:
        series = _empty_series()

    return PoliceUkResult(
        series=series,
        rows_read=rows_read,
        rows_in_area=int(in_area.sum()),
        rows_outside_area=int(outside.sum()),
        rows_without_location=int(without_location.sum()),
        months=sorted(rows["period"].unique().tolist()),
        problems=problems,
        crime_types={series_code(t): " ".join(str(t).split()) for t in rows["Crime type"].unique()},
        areas=areas,
    )


def _areas(placed: pd.DataFrame) -> pd.DataFrame:
    """Each LSOA of a force-wide read and each district's total, with the district it is in."""
    lsoas = placed.drop_duplicates("area")
    lsoas = pd.DataFrame(
        {
            "code": lsoas["area"],
            "name": lsoas["LSOA name"].str.strip(),
            "kind": "lsoa",
            "within": lsoas["district"],
        }
    )
    names = sorted(placed["district"].unique())
    districts = pd.DataFrame(
        {
            "code": [DISTRICT_PREFIX + d for d in names],
            "name": names,
            "kind": "district",
            "within": names,
        }
    )
    return pd.concat([lsoas, districts], ignore_index=True)
