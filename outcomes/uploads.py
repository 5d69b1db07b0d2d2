"""Loading figures: a lead's return or a public data file, checked, previewed, committed, undone.

The steps, each usable on its own (the command line and the upload page share them):

1. :func:`prepare` reads the file with the right loader and checks every row against the
   framework. Every problem is collected, none is raised: a lead sees them all at once, each with
   the file, sheet, row, column and value, and a sentence saying what to do.
2. :func:`preview` says what committing would change: which figures are new, revised (old and new)
   or unchanged, and each affected indicator's status before and after. It does so by writing
   inside a transaction and rolling it back, so the preview is exactly what commit would do.
3. :func:`commit` writes it all in one transaction, refusing while there are errors or warnings
   nobody accepted. The same file twice changes nothing and says so.
4. :func:`rollback` marks an upload rolled back; the figures it replaced are current again.

The checks are declared in ``CHECKS`` (a code, a severity and what the lead should do), in the
manner of frictionless' error catalogue.
"""

from __future__ import annotations

import difflib
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from loaders import files
from loaders.problems import FileRefused, Problem
from loaders.returns import ReturnRows, read_return
from loaders.values import PLAUSIBLE_MAX, parse_value
from outcomes import periods
from outcomes.errors import Refused
from outcomes.observations import (
    OBSERVATIONS,
    SERIES,
    UploadResult,
    UploadWriter,
    priorities_of,
)
from outcomes.people import Person, require, writes
from outcomes.store import audit, registered, rehearsal, transaction

FORMATS = ("auto", "return", "police-uk", "ons-csp", "fingertips")
BIG_CHANGE = 0.5  # a change of more than 50% on the previous figure asks for a second look

# code -> (severity, what it means for the lead)
CHECKS: dict[str, tuple[str, str]] = {
    "unknown-indicator": ("error", "is not an indicator code in the framework"),
    "period-unreadable": ("error", "the period cannot be read"),
    "period-wrong-frequency": (
        "error",
        "the period does not match how often the indicator is reported",
    ),
    "period-future": ("error", "the period has not finished yet"),
    "value-not-numeric": ("error", "the value is not a number"),
    "value-out-of-range": ("error", "the value is outside the possible range"),
    "duplicate": ("error", "the same indicator, period and area appear more than once"),
    "unknown-area": ("error", "the area is not one of the partnership's areas"),
    "area-not-reported": ("error", "the indicator is reported for the whole partnership only"),
    "blockage-invalid": ("error", "the blockage column takes Y or N"),
    "no-figure": ("info", "no figure was given, so nothing is recorded for this row"),
    "value-read-as-percent": ("info", "a fraction in a percentage cell was read as a percentage"),
    "big-change": ("warning", "the figure changed by more than half since the previous period"),
    "small-number": ("warning", "the count is below the indicator's small-number threshold"),
    "revises-shown-figure": ("warning", "the figure was already shown to the board"),
    "already-loaded": ("info", "this exact file was loaded before"),
    "loader-note": ("info", "a row or sheet of a public file was skipped, as its layout requires"),
    "nothing-readable": ("error", "nothing in the file could be read as figures"),
}


def problem(
    code: str, message: str, *, file: str, sheet=None, row=None, column=None, value=None
) -> Problem:
    severity = CHECKS[code][0] if code in CHECKS else "error"
    shown = None if value is None else str(value)
    return Problem(code, severity, message, file, sheet, row, column, shown)


@dataclass
class Prepared:
    """A file read and checked, ready to preview and commit."""

    file_name: str
    sha256: str
    source_format: str
    observations: pd.DataFrame  # indicator_code, period, area, value, note (+ source_row)
    commentary: pd.DataFrame  # indicator_code, period, narrative, blockage
    problems: list[Problem]
    series: pd.DataFrame | None = None  # public data: series values
    series_meta: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    already_loaded: int | None = None  # upload id of an identical committed file

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def can_commit(self, accept_warnings: bool = False) -> bool:
        return not self.errors and (accept_warnings or not self.warnings)


class UploadRefused(Refused):
    """Commit refused; ``problems`` says why (nothing was written)."""


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: str | Path) -> str:
    """Which loader a file needs, from its extension and its first line or sheet names."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace").splitlines()[:1]
        first = head[0] if head else ""
        if first.startswith("Crime ID,Month,Reported by"):
            return "police-uk"
        if first.startswith("Indicator ID,Indicator Name"):
            return "fingertips"
        return "return"
    if suffix in files.WORKBOOK_SUFFIXES:
        # From the zip's list of sheets: nothing is parsed before the limits are checked.
        sheets = files.sheet_names(files.read_bytes(path, path.name), path.name)
        if any(name.startswith("Table C") for name in sheets):
            return "ons-csp"
    return "return"


def prepare(
    cur: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    file_name: str | None = None,
    fmt: str = "auto",
    today: date | None = None,
    area_name: str | None = None,
) -> Prepared:
    """Read and check one file; never raises for bad content."""
    path = Path(path)
    file_name = file_name or path.name
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    try:
        files.check_suffix(file_name)
        fmt = detect_format(path) if fmt == "auto" else fmt
        sha = file_sha256(path)
        if fmt == "return":
            prepared = _prepare_return(cur, path, file_name, sha, today or date.today())
        else:
            prepared = _prepare_series(cur, path, file_name, sha, fmt, area_name)
    except FileRefused as refused:
        # Too big, damaged or the wrong kind: refused before anything was parsed.
        return _refused(file_name, fmt, refused.problems)
    prepared.already_loaded = _already_loaded(cur, sha)
    return prepared


def prepare_upload(
    cur: duckdb.DuckDBPyConnection, content: bytes, file_name: str, **options: Any
) -> Prepared:
    """Read and check bytes a visitor sent under ``file_name``.

    The bytes go into a fresh temporary folder under a name of the server's making
    (:func:`loaders.files.safe_file_name`), never under the name the browser gave; that name
    is only a label in messages and the upload's record.
    """
    if len(content) > files.LIMITS.file_bytes:
        return _refused(file_name, "auto", [files.oversize_problem(file_name, len(content))])
    with tempfile.TemporaryDirectory(prefix="outcomes-upload-") as folder:
        path = Path(folder) / files.safe_file_name(file_name)
        path.write_bytes(content)
        return prepare(cur, path, file_name=file_name, **options)


def _refused(file_name: str, fmt: str, problems: list[Problem]) -> Prepared:
    return Prepared(
        file_name=file_name,
        sha256="",
        source_format=fmt,
        observations=pd.DataFrame(columns=["indicator_code", "period", "area", "value", "note"]),
        commentary=pd.DataFrame(columns=["indicator_code", "period", "narrative", "blockage"]),
        problems=list(problems),
    )


def _already_loaded(cur: duckdb.DuckDBPyConnection, sha: str) -> int | None:
    row = cur.execute(
        "SELECT id FROM upload WHERE sha256 = ? AND state = 'committed' ORDER BY id DESC LIMIT 1",
        [sha],
    ).fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------------------------------------
# Returns


def _framework_facts(cur: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict[str, str]]:
    indicators = (
        cur.execute(
            "SELECT code, name, unit, frequency, by_area, small_number_threshold, decimals FROM indicator"
        )
        .df()
        .set_index("code")
    )
    areas = cur.execute("SELECT code, name FROM area").fetchall()
    lookup = {}
    for code, name in areas:
        lookup[code.lower()] = code
        lookup[name.lower()] = code
    return indicators, lookup


def _prepare_return(cur, path: Path, file_name: str, sha: str, today: date) -> Prepared:
    read: ReturnRows = read_return(path, file_name=file_name)
    problems = list(read.problems)
    indicators, area_lookup = _framework_facts(cur)
    # Plain dicts: a DataFrame row lookup per figure costs more than all the checks together.
    facts = indicators.to_dict("index")
    known = list(facts)
    where = {"file": file_name, "sheet": read.sheet}
    col = read.columns
    records, notes = [], []
    for row in read.rows.to_dict("records"):
        at = {**where, "row": int(row["source_row"])}
        code = str(row.get("indicator_code") or "").strip().upper()
        if code not in facts:
            hint = _suggest(code, known)
            problems.append(
                problem(
                    "unknown-indicator",
                    f"'{code}' is not an indicator code in the framework.{hint}",
                    column=col.get("indicator_code"),
                    value=row.get("indicator_code"),
                    **at,
                )
            )
            continue
        ind = facts[code]
        try:
            period = _period(row.get("period_raw"), ind["frequency"])
        except periods.PeriodError as err:
            wrong_kind = "but this indicator is reported" in str(err)
            problems.append(
                problem(
                    "period-wrong-frequency" if wrong_kind else "period-unreadable",
                    f"{code}: {err}",
                    column=col.get("period"),
                    value=row.get("period_raw"),
                    **at,
                )
            )
            continue
        if period.end >= today:
            problems.append(
                problem(
                    "period-future",
                    f"{code}: {period.code} has not finished yet (it ends {period.end:%d %B %Y}); report it once it has.",
                    column=col.get("period"),
                    value=row.get("period_raw"),
                    **at,
                )
            )
            continue
        area = _area(row.get("area"), area_lookup)
        if area is None:
            problems.append(
                problem(
                    "unknown-area",
                    f"{code}: area '{row.get('area')}' is not one of the partnership's areas ({', '.join(sorted(set(area_lookup.values())))}); leave it blank for the whole partnership.",
                    column=col.get("area"),
                    value=row.get("area"),
                    **at,
                )
            )
            continue
        if area != "all" and not bool(ind["by_area"]):
            problems.append(
                problem(
                    "area-not-reported",
                    f"{code} is reported for the whole partnership only: leave the Area blank.",
                    column=col.get("area"),
                    value=row.get("area"),
                    **at,
                )
            )
            continue
        blockage = _blockage(row.get("blockage_raw"))
        if blockage is None:
            problems.append(
                problem(
                    "blockage-invalid",
                    f"{code}: the blockage column takes Y or N, not '{row.get('blockage_raw')}'.",
                    column=col.get("blockage"),
                    value=row.get("blockage_raw"),
                    **at,
                )
            )
            blockage = False
        commentary = str(row.get("commentary") or "").strip()
        if commentary or blockage:
            notes.append(
                {
                    "indicator_code": code,
                    "period": period.code,
                    "narrative": commentary or None,
                    "blockage": blockage,
                }
            )
        parsed = parse_value(row.get("value_raw"), ind["unit"])
        if parsed.error:
            problems.append(
                problem(
                    "value-not-numeric",
                    f"{code} {period.code}: {parsed.error}",
                    column=col.get("value"),
                    value=row.get("value_raw"),
                    **at,
                )
            )
            continue
        if getattr(parsed, "warning", None):
            problems.append(
                problem(
                    "value-read-as-percent",
                    f"{code} {period.code}: {parsed.warning}",
                    column=col.get("value"),
                    value=row.get("value_raw"),
                    **at,
                )
            )
        if parsed.value is None and parsed.note is None:
            problems.append(
                problem(
                    "no-figure",
                    f"{code} {period.code}: no figure given, so nothing is recorded for it.",
                    column=col.get("value"),
                    **at,
                )
            )
            continue
        if parsed.value is not None:
            out_of_range = _range_problem(parsed.value, ind["unit"])
            if out_of_range:
                problems.append(
                    problem(
                        "value-out-of-range",
                        f"{code} {period.code}: {out_of_range}",
                        column=col.get("value"),
                        value=row.get("value_raw"),
                        **at,
                    )
                )
                continue
        records.append(
            {
                "indicator_code": code,
                "period": period.code,
                "area": area,
                "value": parsed.value,
                "note": parsed.note,
                "source_row": at["row"],
                "period_start": period.start,
            }
        )
    frame = pd.DataFrame.from_records(
        records,
        columns=["indicator_code", "period", "area", "value", "note", "source_row", "period_start"],
    )
    frame = _drop_duplicates(frame, problems, where, col.get("indicator_code"))
    _warn(cur, frame, indicators, problems, where, col.get("value"))
    return Prepared(
        file_name=file_name,
        sha256=sha,
        source_format="return",
        observations=frame,
        commentary=pd.DataFrame.from_records(
            notes, columns=["indicator_code", "period", "narrative", "blockage"]
        ),
        problems=problems,
        # Only what was found: an unreadable file has no sheet or header row to speak of.
        summary={
            k: v
            for k, v in (
                ("rows read", len(read.rows)),
                ("sheet", read.sheet),
                ("header row", read.header_row),
            )
            if v or k == "rows read"
        },
    )


_LOOKALIKES = str.maketrans({"O": "0", "L": "1", "I": "1"})


def _suggest(code: str, codes: list[str]) -> str:
    """A hint for a mistyped code; letters typed for digits (O for 0, l for 1) come first.

    >>> _suggest("VV0L", ["VV01", "VV02", "VV03"])
    ' Did you mean VV01?'
    >>> _suggest("QQ", ["VV01"])
    ' Use the codes in the template.'
    """
    head, tail = code[:2], code[2:].translate(_LOOKALIKES)
    if head + tail in codes:
        return f" Did you mean {head + tail}?"
    close = difflib.get_close_matches(code, codes, n=3)
    if not close:
        return " Use the codes in the template."
    return f" Did you mean {' or '.join(close)}?"


_PERIOD_CACHE: dict[tuple[Any, str], periods.Period | periods.PeriodError] = {}


def _period(raw: Any, frequency: str) -> periods.Period:
    """parse_period, remembered: a return repeats a handful of periods on thousands of rows."""
    try:
        key = (type(raw).__name__, raw, frequency)
        hash(key)
    except TypeError:
        return periods.parse_period(raw, frequency)
    found = _PERIOD_CACHE.get(key)
    if found is None:
        try:
            found = periods.parse_period(raw, frequency)
        except periods.PeriodError as err:
            found = err
        if len(_PERIOD_CACHE) < 10_000:
            _PERIOD_CACHE[key] = found
    if isinstance(found, periods.PeriodError):
        raise found
    return found


def _area(raw: Any, lookup: dict[str, str]) -> str | None:
    text = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw).strip()
    if not text:
        return "all"
    return lookup.get(text.lower())


def _blockage(raw: Any) -> bool | None:
    text = (
        "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw).strip().lower()
    )
    if text in ("", "n", "no", "false", "0"):
        return False
    if text in ("y", "yes", "true", "1"):
        return True
    return None


def _range_problem(value: float, unit: str) -> str | None:
    """What is impossible for the unit, in words.

    >>> _range_problem(104, "percent")
    '104 is not a percentage between 0 and 100.'
    >>> _range_problem(-3, "count") is None
    False
    >>> _range_problem(0, "count") is None
    True
    >>> _range_problem(1e300, "count")
    '1e+300 is too large to be real for this indicator (the most it takes is 100,000,000): check the figure for a typing slip.'
    """
    if unit == "percent" and not 0 <= value <= 100:
        return f"{value:g} is not a percentage between 0 and 100."
    if unit in ("count", "rate_per_1000") and value < 0:
        return f"{value:g} is negative, and a {'count' if unit == 'count' else 'rate'} cannot be."
    if abs(value) > PLAUSIBLE_MAX[unit]:
        return (
            f"{value:g} is too large to be real for this indicator (the most it takes is "
            f"{PLAUSIBLE_MAX[unit]:,.0f}): check the figure for a typing slip."
        )
    return None


def _drop_duplicates(
    frame: pd.DataFrame, problems: list[Problem], where: dict, column: str | None
) -> pd.DataFrame:
    keys = ["indicator_code", "period", "area"]
    dupes = frame[frame.duplicated(keys, keep=False)]
    for (code, period, area), group in dupes.groupby(keys):
        rows = ", ".join(str(r) for r in group["source_row"])
        place = "" if area == "all" else f" for area {area}"
        for r in group["source_row"]:
            problems.append(
                problem(
                    "duplicate",
                    f"{code} {period}{place} is given more than once (rows {rows}): keep one row.",
                    column=column,
                    row=int(r),
                    value=code,
                    **where,
                )
            )
    return frame.drop_duplicates(keys, keep=False).reset_index(drop=True)


def _warn(
    cur,
    frame: pd.DataFrame,
    indicators: pd.DataFrame,
    problems: list[Problem],
    where: dict,
    column: str | None,
) -> None:
    """Checks that need a person's yes: big changes, small numbers, revising what the board saw.

    Worked out on whole columns; a Python loop runs only over the rows that are flagged.
    """
    if frame.empty:
        return
    previous_of = {p: periods.parse_code(p).previous().code for p in frame["period"].unique()}
    keyed = frame.assign(previous_period=frame["period"].map(previous_of))
    with registered(
        cur, "_checking", keyed[["indicator_code", "period", "area", "previous_period"]]
    ):
        before = cur.execute(
            """
            SELECT k.indicator_code, k.period, k.area, p.value AS previous_value,
                   c.value AS current_value, c.indicator_code IS NOT NULL AS has_current,
                   (SELECT min(m.meeting_date) FROM meeting_status s JOIN meeting m ON m.id = s.meeting_id
                     WHERE s.indicator_code = k.indicator_code AND s.period = k.period) AS shown_at
            FROM _checking k
            LEFT JOIN observation_current_detail p
              ON p.indicator_code = k.indicator_code AND p.period = k.previous_period AND p.area = k.area
            LEFT JOIN observation_current_detail c
              ON c.indicator_code = k.indicator_code AND c.period = k.period AND c.area = k.area
            """
        ).df()
    m = keyed.merge(before, on=["indicator_code", "period", "area"], how="left")
    # The previous period's figure from this same file wins over the stored one.
    same_file = frame.rename(columns={"period": "previous_period", "value": "file_previous"})
    m = m.merge(
        same_file[["indicator_code", "previous_period", "area", "file_previous"]],
        on=["indicator_code", "previous_period", "area"],
        how="left",
    )
    prev = m["file_previous"].astype("float64").fillna(m["previous_value"].astype("float64"))
    value = m["value"].astype("float64")
    change = (value - prev) / prev.abs()
    big = value.notna() & prev.notna() & (prev != 0) & (change.abs() > BIG_CHANGE)
    facts = indicators[["unit", "small_number_threshold"]]
    m = m.join(facts, on="indicator_code")
    threshold = m["small_number_threshold"].astype("float64")
    small = (
        (m["unit"] == "count")
        & value.notna()
        & threshold.notna()
        & (value > 0)
        & (value < threshold)
    )
    current = m["current_value"].astype("float64")
    differs = ~((value.isna() & current.isna()) | ((value - current).abs() < 1e-9))
    shown = m["has_current"].fillna(False).astype(bool) & m["shown_at"].notna() & differs
    for i in m.index[big | small | shown]:
        r = m.loc[i]
        at = {**where, "row": int(r["source_row"]), "column": column, "value": r["value"]}
        label = f"{r['indicator_code']} {r['period']}"
        if big[i]:
            direction = "up" if change[i] > 0 else "down"
            problems.append(
                problem(
                    "big-change",
                    f"{label}: {value[i]:g} is {abs(change[i]):.0%} {direction} on {prev[i]:g} for {r['previous_period']}. Check it; if it is right, accept the warnings.",
                    **at,
                )
            )
        if small[i]:
            problems.append(
                problem(
                    "small-number",
                    f"{label}: {value[i]:g} is below the small-number threshold of {int(threshold[i])}. Check it is right and that publishing it cannot identify anyone.",
                    **at,
                )
            )
        if shown[i]:
            problems.append(
                problem(
                    "revises-shown-figure",
                    f"{label}: the board was shown {current[i]:g} on {pd.Timestamp(r['shown_at']):%d %B %Y}; this changes it to {value[i]:g}. The earlier figure stays in the audit trail.",
                    **at,
                )
            )


def _same_value(a: Any, b: Any) -> bool:
    a_missing = a is None or pd.isna(a)
    b_missing = b is None or pd.isna(b)
    return (a_missing and b_missing) or (
        not a_missing and not b_missing and abs(float(a) - float(b)) < 1e-9
    )


# ---------------------------------------------------------------------------------------------
# Public data


def _prepare_series(
    cur, path: Path, file_name: str, sha: str, fmt: str, area_name: str | None
) -> Prepared:
    where = {"file": file_name}
    if fmt == "police-uk":
        from loaders.police_uk import read_police_uk

        area = (
            area_name or cur.execute("SELECT area_name FROM partnership WHERE id = 1").fetchone()[0]
        )
        result = read_police_uk([path], area_name=area)
        values = result.series.rename(columns={"indicator_code": "series_code"})
        meta = pd.DataFrame({"code": sorted(values["series_code"].unique())})
        meta["name"] = [
            c.removeprefix("police_uk.").replace("-", " ").capitalize() + " (police.uk)"
            for c in meta["code"]
        ]
        meta["source"], meta["unit"] = "police-uk", "count"
        problems = [
            problem("unreadable", p, **where) if isinstance(p, str) else p for p in result.problems
        ]
        summary = {
            "rows read": result.rows_read,
            "rows in the area": result.rows_in_area,
            "rows outside the area (not counted)": result.rows_outside_area,
            "rows without a location (not counted)": result.rows_without_location,
            "months": ", ".join(result.months),
        }
    else:
        if fmt == "ons-csp":
            from loaders.ons_csp import read_ons_csp as reader
        else:
            from loaders.fingertips import read_fingertips as reader
        result = reader(path)
        values, meta = result.values, result.series.copy()
        problems = [problem("loader-note", p, **where) for p in result.problems]
        summary = {
            "rows read": result.rows_read,
            **{f"skipped: {k}": v for k, v in result.skipped.items()},
        }
    if values.empty:
        problems.append(
            problem(
                "nothing-readable",
                f"Nothing in {file_name} could be read as {fmt} figures: check it is the right file, and the notes above.",
                **where,
            )
        )
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


# ---------------------------------------------------------------------------------------------
# Preview, commit, rollback


@dataclass
class Preview:
    rows: pd.DataFrame  # what, period, area, change, old_value, value
    statuses: pd.DataFrame  # indicator_code, name, before, after
    counts: dict[str, int]
    fingerprint: str = ""  # of exactly these changes; commit refuses if they are no longer so


STALE_PREVIEW = (
    "Someone else changed these figures since your preview: look again at the preview (it "
    "has been worked out afresh) and confirm again if it is still right. Nothing was written."
)


def _fingerprint(rows: pd.DataFrame) -> str:
    """What a preview showed, as one hash: the same changes to the same figures."""
    if rows.empty:
        return hashlib.sha256(b"").hexdigest()
    shown = rows[["what", "period", "area", "change", "old_value", "value"]]
    shown = shown.sort_values(["what", "period", "area"]).reset_index(drop=True)
    return hashlib.sha256(shown.to_json(orient="values").encode("utf-8")).hexdigest()


def _write(
    cur,
    prepared: Prepared,
    by: Person,
    progress: Callable[[float, str], None] | None,
    rehearsal: bool = False,
) -> tuple[UploadResult, pd.DataFrame]:
    """Write everything in the caller's transaction; returns the result and the classified rows."""
    tell = progress or (lambda _f, _m: None)
    writer = UploadWriter(
        cur,
        by=by,
        file_name=prepared.file_name,
        source_format=prepared.source_format,
        sha256=prepared.sha256,
        rehearsal=rehearsal,
    )
    from outcomes.observations import classify

    classified = []
    if prepared.series is not None and not prepared.series.empty:
        tell(0.2, "Recording the series")
        with registered(cur, "_series_meta", prepared.series_meta):
            cur.execute(
                "INSERT INTO series (code, name, source, unit) SELECT code, name, source, unit FROM _series_meta m "
                "WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.code = m.code)"
            )
        part = classify(cur, prepared.series, SERIES).rename(columns={"series_code": "what"})
        classified.append(part)
        writer.add(prepared.series, SERIES)
        tell(0.6, "Recomputing indicators defined from the series")
        derived = derived_figures(cur)
        if not derived.empty:
            part = classify(cur, derived, OBSERVATIONS)
            changed = (part["change"] != "unchanged").to_numpy()
            classified.append(part[changed].rename(columns={"indicator_code": "what"}))
            # Only what the new series changed counts towards this upload (a left merge keeps
            # the rows in order, so the mask lines up with ``derived``).
            writer.add(derived[changed], OBSERVATIONS)
    if not prepared.observations.empty:
        tell(0.5, "Recording the figures")
        figures = prepared.observations[["indicator_code", "period", "area", "value", "note"]]
        classified.append(
            classify(cur, figures, OBSERVATIONS).rename(columns={"indicator_code": "what"})
        )
        writer.add(figures, OBSERVATIONS)
    notes = _new_commentary(cur, prepared.commentary)
    if not notes.empty:
        # Commentary belongs to an upload too, so undoing the upload withdraws it.
        notes = notes.assign(author=by.signature, upload_id=writer.ensure_upload())
        with registered(cur, "_commentary", notes):
            cur.execute(
                "INSERT INTO commentary (indicator_code, period, narrative, blockage, author, upload_id) "
                "SELECT indicator_code, period, narrative, blockage, author, upload_id FROM _commentary"
            )
    result = writer.finish()
    tell(1.0, "Done")
    rows = (
        pd.concat(classified, ignore_index=True)
        if classified
        else pd.DataFrame(columns=["what", "period", "area", "change", "old_value", "value"])
    )
    return result, rows


def _new_commentary(cur, notes: pd.DataFrame) -> pd.DataFrame:
    """The return's commentary less what already stands as the latest word on each period."""
    if notes.empty:
        return notes
    with registered(cur, "_notes", notes):
        return cur.execute(
            """
            SELECT n.* FROM _notes n
            LEFT JOIN (
                SELECT indicator_code, period, narrative, blockage FROM current_commentary
            ) c ON c.indicator_code = n.indicator_code AND c.period = n.period
            WHERE c.indicator_code IS NULL
               OR coalesce(c.narrative, '') <> coalesce(n.narrative, '')
               OR c.blockage <> n.blockage
            """
        ).df()


def _statuses(cur) -> pd.DataFrame:
    return cur.execute("SELECT indicator_code, name, status FROM indicator_rating").df()


# A preview is rehearsed and rolled back; it writes under no one's name.
_PREVIEWER = Person(email=None, name="preview", role="admin", how="system")


def check_permitted(cur: duckdb.DuckDBPyConnection, prepared: Prepared, by: Person | None) -> None:
    """Refuse, naming what they may not load, unless ``by`` may load everything in the file:
    public data needs an analyst; a lead's figures and commentary must be for their priorities.
    """
    if prepared.series is not None and not prepared.series.empty:
        require(by, "public_data.load")
    codes = [
        *prepared.observations.get("indicator_code", []),
        *prepared.commentary.get("indicator_code", []),
    ]
    require(by, "returns.load", priorities=priorities_of(cur, codes))


def refusal(cur: duckdb.DuckDBPyConnection, prepared: Prepared, by: Person | None) -> str | None:
    """Why ``by`` may not load this file, or None (for the page to say before its preview)."""
    try:
        check_permitted(cur, prepared, by)
    except Refused as refused:
        return str(refused)
    return None


def preview(cur: duckdb.DuckDBPyConnection, prepared: Prepared) -> Preview:
    """What commit would change, found by doing it in a transaction and rolling back."""
    with rehearsal(cur):
        before = _statuses(cur)
        result, rows = _write(cur, prepared, _PREVIEWER, None, rehearsal=True)
        after = _statuses(cur)
    both = before.merge(after, on=["indicator_code", "name"], suffixes=("_before", "_after"))
    touched = set(rows.loc[rows["change"] != "unchanged", "what"]) if not rows.empty else set()
    statuses = both[
        both["indicator_code"].isin(touched) | (both["status_before"] != both["status_after"])
    ]
    statuses = statuses.rename(
        columns={"status_before": "before", "status_after": "after"}
    ).reset_index(drop=True)
    counts = {
        "new": result.rows_new,
        "revised": result.rows_revised,
        "unchanged": result.rows_unchanged,
    }
    return Preview(
        rows[["what", "period", "area", "change", "old_value", "value"]],
        statuses,
        counts,
        _fingerprint(rows),
    )


@writes("returns.load")
def commit(
    cur: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    by: Person,
    accept_warnings: bool = False,
    progress: Callable[[float, str], None] | None = None,
    previewed: Preview | None = None,
) -> UploadResult:
    """Write the prepared file in one transaction, or refuse and write nothing.

    With ``previewed``, the commit is refused (:data:`STALE_PREVIEW`) unless it makes exactly
    the changes that preview showed: a second tab's stale preview never overwrites figures
    someone else has just loaded.
    """
    return commit_all(
        cur,
        [prepared],
        by=by,
        accept_warnings=accept_warnings,
        progress=progress,
        previewed=None if previewed is None else [previewed],
    )[0]


@writes("returns.load")
def commit_all(
    cur: duckdb.DuckDBPyConnection,
    batch: list[Prepared],
    *,
    by: Person,
    accept_warnings: bool = False,
    progress: Callable[[float, str], None] | None = None,
    previewed: list[Preview] | None = None,
) -> list[UploadResult]:
    """Several files as one all-or-nothing load: any error or unaccepted warning in any file
    refuses the lot, and a failure part-way leaves the database as it was."""
    for prep in batch:
        check_permitted(cur, prep, by)
    # A file loaded before changes nothing, so its warnings need no answer.
    fresh = [prep for prep in batch if prep.already_loaded is None]
    errors = [p for prep in fresh for p in prep.errors]
    if errors:
        raise UploadRefused(f"{len(errors)} error(s) to fix first; nothing was written.", errors)
    warnings = [p for prep in fresh for p in prep.warnings]
    if warnings and not accept_warnings:
        raise UploadRefused(
            f"{len(warnings)} warning(s) need a yes: check them, then accept them; nothing was written.",
            warnings,
        )
    results = []
    with transaction(cur):
        for number, prep in enumerate(batch):

            def step(
                fraction: float, message: str, number: int = number, name: str = prep.file_name
            ) -> None:
                if progress:
                    progress((number + fraction) / len(batch), f"{name}: {message}")

            if prep.already_loaded is not None:
                unchanged = len(prep.observations) + (
                    0 if prep.series is None else len(prep.series)
                )
                results.append(UploadResult(None, 0, 0, unchanged))
                continue
            result, rows = _write(cur, prep, by, step)
            if previewed is not None and _fingerprint(rows) != previewed[number].fingerprint:
                raise UploadRefused(STALE_PREVIEW)
            results.append(result)
    return results


def uploads(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every upload, newest first."""
    return cur.execute(
        """
        SELECT id, uploaded_at, uploaded_by, uploaded_by_email, file_name, source_format,
               rows_new, rows_revised, rows_unchanged, state, rolled_back_at, rolled_back_by
        FROM upload ORDER BY id DESC
        """
    ).df()


@dataclass(frozen=True)
class UploadFacts:
    """What undoing (or restoring) an upload would do, in the words the page asks with."""

    upload_id: int
    file_name: str
    uploaded_by: str
    uploaded_by_email: str | None
    uploaded_at: Any
    state: str
    figures: int  # new and revised figures it holds (what undo withdraws, restore brings back)
    commentary: int  # commentary that came with it

    def describe(self) -> str:
        at = pd.Timestamp(self.uploaded_at)
        when = f"{at.day} {at:%B %Y} at {at:%H:%M}"
        notes = f" and {self.commentary} commentary" if self.commentary else ""
        return (
            f"upload {self.upload_id}, {self.file_name}, loaded by {self.uploaded_by} on {when}: "
            f"{self.figures:,} figure{'s' if self.figures != 1 else ''}{notes}"
        )


def upload_facts(cur: duckdb.DuckDBPyConnection, upload_id: int) -> UploadFacts:
    row = cur.execute(
        """
        SELECT u.id, u.file_name, u.uploaded_by, u.uploaded_by_email, u.uploaded_at, u.state,
               coalesce(u.rows_new, 0) + coalesce(u.rows_revised, 0),
               (SELECT count(*) FROM commentary c WHERE c.upload_id = u.id)
        FROM upload u WHERE u.id = ?
        """,
        [upload_id],
    ).fetchone()
    if row is None:
        raise UploadRefused(
            f"There is no upload {upload_id}. `python -m outcomes uploads` lists them."
        )
    return UploadFacts(*row)


@writes("uploads.undo")
def rollback(cur: duckdb.DuckDBPyConnection, upload_id: int, *, by: Person) -> str:
    """Mark an upload rolled back: the revisions it replaced are current again.

    Two people undoing the same upload at once: one wins, the other is told, and the audit
    trail has one entry (the state changes only from committed, inside the transaction).
    """
    return _set_state(cur, upload_id, by, "committed", "rolled back")


@writes("uploads.undo")
def restore(cur: duckdb.DuckDBPyConnection, upload_id: int, *, by: Person) -> str:
    """Undo an undo: a rolled-back upload's figures and commentary count again."""
    return _set_state(cur, upload_id, by, "rolled back", "committed")


def _set_state(cur, upload_id: int, by: Person, was: str, now: str) -> str:
    facts = upload_facts(cur, upload_id)
    # A lead undoes only what they loaded; "undo or restore upload N" names it.
    require(by, "uploads.undo", upload=(facts.uploaded_by_email, facts.uploaded_by))
    undoing = now == "rolled back"
    if facts.state != was:
        raise UploadRefused(
            f"Upload {upload_id} ({facts.file_name}) is already "
            f"{'rolled back' if undoing else 'in force'}; nothing changed."
        )
    with transaction(cur):
        changed = cur.execute(
            "UPDATE upload SET state = ?, "
            "rolled_back_at = CASE WHEN ? THEN current_localtimestamp() END, "
            "rolled_back_by = CASE WHEN ? THEN ? END "
            "WHERE id = ? AND state = ?",  # no RETURNING: DuckDB's foreign keys refuse it here
            [now, undoing, undoing, by.signature, upload_id, was],
        ).fetchone()[0]
        if not changed:
            raise UploadRefused(
                f"Upload {upload_id} ({facts.file_name}) was "
                f"{'undone' if undoing else 'restored'} by someone else a moment ago; "
                "nothing changed."
            )
        audit(
            cur,
            by,
            "upload",
            upload_id,
            "rolled back" if undoing else "restored",
            before={"state": was},
            after={"state": now},
        )
    if undoing:
        return (
            f"Upload {upload_id} ({facts.file_name}) rolled back: its {facts.figures:,} figure(s) are "
            "withdrawn and the figures they replaced are current again. It can be restored."
        )
    return f"Upload {upload_id} ({facts.file_name}) restored: its {facts.figures:,} figure(s) count again."
