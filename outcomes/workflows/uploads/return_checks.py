"""Checking a lead's return row by row against the framework, then the checks that need a yes."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from loaders import files, periods
from loaders.problems import Problem, problem
from loaders.returns import ReturnRows
from loaders.values import PLAUSIBLE_MAX, parse_value
from outcomes.queries.observations import stored_revisions
from outcomes.rules import wording
from outcomes.storage.planning import hash_joins
from outcomes.storage.store import registered
from outcomes.workflows.meetings import COMMENTARY_MAX_CHARS
from outcomes.workflows.uploads.prepared import Prepared

BIG_CHANGE = 0.5  # a change of more than 50% on the previous figure asks for a second look


def _framework_facts(cur: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict[str, str]]:
    indicators = (
        cur.execute(
            "SELECT code, name, unit, frequency, by_area, small_number_threshold, decimals FROM indicator"
        )
        .df()
        .set_index("code")
    )
    derived = {
        r[0] for r in cur.execute("SELECT indicator_code FROM indicator_derivation").fetchall()
    }
    indicators["derived"] = [code in derived for code in indicators.index]
    areas = cur.execute("SELECT code, name FROM area ORDER BY sort_order, code").fetchall()
    lookup = _Areas()
    for code, name in areas:
        lookup[code.lower()] = code
        lookup[name.lower()] = code
    lookup.words = wording.join_and([name for code, name in areas if code != "all"] or ["none"])
    return indicators, lookup


class _Areas(dict):
    """An area's code by its code or name, lower-cased; ``words``: the areas by name."""

    words = ""


def prepare_return(cur, read: ReturnRows, file_name: str, sha: str, today: date) -> Prepared:
    """A return's rows (read by loaders.returns) checked against the framework."""
    problems = list(read.problems)
    indicators, area_lookup = _framework_facts(cur)
    # Plain dicts: a DataFrame row lookup per figure costs more than all the checks together.
    facts = indicators.to_dict("index")
    where = {"file": file_name, "sheet": read.sheet}
    col = read.columns
    plain, fast = _plain_rows(read.rows, indicators, area_lookup, today)
    records, notes = [], []
    for row in read.rows[~fast].to_dict("records"):

        def flag(check: str, field: str, raw: str | None, row=row, **facts: Any) -> None:
            """One problem on this row, in the column ``field`` came from, worded from ``facts``."""
            value = row.get(raw) if raw else None
            at = {**where, "row": int(row["source_row"])}
            problems.append(problem(check, column=col.get(field), value=value, **at, **facts))

        record = _check_row(row, facts, area_lookup, today, flag, notes)
        if record is not None:
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=_RECORD)
    # A note is text or None whichever way its row was read: pandas makes None NaN in a column
    # it takes for text, where the whole-column rows give None.
    frame["note"] = pd.Series([r["note"] for r in records], dtype=object)
    if not plain.empty:  # back in the file's order, as the rows were read
        frame = pd.concat([plain, frame], ignore_index=True) if records else plain
        frame = frame.sort_values("source_row", kind="stable").reset_index(drop=True)
        # A figure left out ('n/a') is NaN whichever way its row was read.
        frame["value"] = frame["value"].astype("float64")
    frame = _drop_duplicates(frame, problems, where, col.get("indicator_code"))
    _warn(cur, frame, indicators, problems, where, col.get("value"))
    _areas_add_up(frame, indicators, set(area_lookup.values()), problems, where, col.get("value"))
    if frame.empty and not any(p.severity == "error" for p in problems):
        problems.append(problem("no-figures", column=col.get("value"), **where))
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


_RECORD = ["indicator_code", "period", "area", "value", "note", "source_row", "period_start"]


def _per_distinct(column: pd.Series, fn: Callable[[Any], Any], *also: np.ndarray) -> np.ndarray:
    """``fn`` of each cell, worked out once for each distinct cell (of the same type, and the
    same in the ``also`` columns of small integers): a return repeats a handful of codes,
    periods and areas on thousands of rows."""
    values = column.to_numpy(dtype=object)
    if not len(values):
        return np.empty(0, dtype=object)
    kinds = files.cell_kinds(values)[0].astype(np.int64)
    found = pd.factorize(values)[0].astype(np.int64) + 1
    key = kinds * (found.max() + 1) + found
    for extra in also:
        key = key * (int(extra.max()) + 2) + extra + 1
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    results = np.empty(len(first), dtype=object)
    results[:] = [fn(i) for i in first]
    return results[inverse.reshape(-1)]


def _blank_cell(cell: Any) -> bool:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def _plain_rows(
    rows: pd.DataFrame, indicators: pd.DataFrame, area_lookup: dict[str, str], today: date
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows every check passes with nothing to say, worked out on whole columns: their
    figures, and a mask of them. Every other row goes through :func:`_check_row` one at a time,
    which says what is wrong with it; for these rows it would record the same figure.

    A plain row: a known code of an indicator typed in (not derived), a period of its frequency
    that has finished, no commentary or blockage, an area of the partnership (or blank) where
    the indicator is reported by area, and a number in range (a percentage's fraction, a
    marker or words take the careful way).
    """
    empty = pd.DataFrame(columns=_RECORD)
    if rows.empty:
        return empty, np.zeros(0, dtype=bool)
    raw_codes = rows["indicator_code"].to_numpy(dtype=object)
    codes = _per_distinct(
        rows["indicator_code"],
        lambda i: raw_codes[i].strip().upper() if isinstance(raw_codes[i], str) else None,
    )
    facts = indicators.reindex(codes)
    ok = facts["unit"].notna().to_numpy() & ~facts["derived"].fillna(True).to_numpy(dtype=bool)
    for column in ("commentary", "blockage_raw"):
        cells = rows[column].to_numpy(dtype=object)
        ok &= _per_distinct(rows[column], lambda i, c=cells: _blank_cell(c[i])).astype(bool)
    # Each distinct period of each frequency is read once.
    raw_period = rows["period_raw"].to_numpy(dtype=object)
    frequency = facts["frequency"].to_numpy(dtype=object)
    kind = pd.factorize(frequency)[0].astype(np.int64)

    starts: dict[str, date] = {}

    def read_period(i: int) -> str | None:
        try:
            found = _period(raw_period[i], frequency[i]) if isinstance(frequency[i], str) else None
        except periods.PeriodError:
            return None
        if found is None or found.end >= today:
            return None
        starts[found.code] = found.start
        return found.code

    period = _per_distinct(rows["period_raw"], read_period, kind)
    ok &= period != None  # noqa: E711 (element-wise)
    # Areas: blank is the partnership; a name or code by the lookup, for indicators by area.
    raw_area = rows["area"].to_numpy(dtype=object)

    def read_area(i: int) -> str | None:
        cell = raw_area[i]
        if _blank_cell(cell):
            return "all"
        return area_lookup.get(cell.strip().lower()) if isinstance(cell, str) else None

    area = _per_distinct(rows["area"], read_area)
    ok &= area != None  # noqa: E711
    ok &= (area == "all") | facts["by_area"].fillna(False).to_numpy(dtype=bool)
    value = _plain_numbers(rows["value_raw"])
    unit = facts["unit"].to_numpy()
    top = pd.Series(unit).map(PLAUSIBLE_MAX).to_numpy(dtype="float64")
    ok &= ~np.isnan(value) & (np.abs(value) <= top)
    percent, positive = unit == "percent", np.isin(unit, ("count", "rate_per_1000"))
    ok &= ~(percent & ((value < 0) | (value > 100) | ((value > 0) & (value < 1))))
    ok &= ~(positive & (value < 0))
    if not ok.any():
        return empty, ok
    chosen = pd.Series(period[ok], dtype=object)
    plain = pd.DataFrame(
        {
            "indicator_code": codes[ok],
            "period": chosen.to_numpy(),
            "area": area[ok],
            "value": value[ok] + 0.0,  # + 0.0 turns -0 into 0, as parse_value does
            "note": None,
            "source_row": rows["source_row"].to_numpy()[ok].astype("int64"),
            "period_start": chosen.map(starts).to_numpy(dtype=object),
        }
    )
    return plain, ok


def _plain_numbers(raw: pd.Series) -> np.ndarray:
    """Each cell as the number parse_value would read, or NaN where it takes a closer look:
    a real number (not a yes/no) or text that is a plain decimal number, finite."""
    cells = raw.to_numpy(dtype=object)
    kinds = files.cell_kinds(cells)
    numeric = files.of_kind(kinds, int, float)
    out = np.full(len(raw), np.nan)
    if numeric.any():
        out[numeric] = cells[numeric].astype("float64")
    text = np.flatnonzero(files.of_kind(kinds, str))
    if len(text):
        # Each distinct text once: a CSV's figures are all text, and a return repeats many.
        codes, distinct = pd.factorize(cells[text])
        numbers = np.full(len(distinct) + 1, np.nan)
        for i, cell in enumerate(distinct):
            stripped = cell.strip()
            if _PLAIN_RE.fullmatch(stripped) is not None:
                numbers[i] = float(stripped)
        out[text] = numbers[codes]
    out[~np.isfinite(out)] = np.nan
    return out


_PLAIN_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _check_row(
    row: dict[str, Any],
    facts: dict[str, dict[str, Any]],
    area_lookup: dict[str, str],
    today: date,
    flag: Callable[..., None],
    notes: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """One row of a return against the framework: the figure to record, or None.

    Every problem goes to ``flag`` (its check, column, raw field and facts); the row's
    commentary goes to ``notes`` even when its figure is refused.
    """
    code = str(row.get("indicator_code") or "").strip().upper()
    if code not in facts:
        hint = _suggest(code, list(facts))
        return flag(
            "unknown-indicator", "indicator_code", "indicator_code", indicator=code, hint=hint
        )
    ind = facts[code]
    try:
        period = _period(row.get("period_raw"), ind["frequency"])
    except periods.PeriodError as err:
        wrong_kind = "but this indicator is reported" in str(err)
        return flag(
            "period-wrong-frequency" if wrong_kind else "period-unreadable",
            "period",
            "period_raw",
            indicator=code,
            reason=err,
        )
    if period.end >= today:
        ends = periods.long_date(period.end)
        return flag(
            "period-future", "period", "period_raw", indicator=code, period=period.code, ends=ends
        )
    area = _area(row.get("area"), area_lookup)
    if area is None:
        areas = getattr(area_lookup, "words", "")
        return flag("unknown-area", "area", "area", indicator=code, areas=areas)
    if area != "all" and not bool(ind["by_area"]):
        return flag("area-not-reported", "area", "area", indicator=code)
    blockage = _blockage(row.get("blockage_raw"))
    if blockage is None:
        flag("blockage-invalid", "blockage", "blockage_raw", indicator=code)
        blockage = False
    commentary = str(row.get("commentary") or "").strip()
    if len(commentary) > COMMENTARY_MAX_CHARS:
        flag(
            "commentary-too-long",
            "commentary",
            None,
            label=f"{code} {period.code}",
            length=f"{len(commentary):,}",
            most=f"{COMMENTARY_MAX_CHARS:,}",
        )
        commentary = ""
    if commentary or blockage:
        notes.append(
            {
                "indicator_code": code,
                "period": period.code,
                "narrative": commentary or None,
                "blockage": blockage,
            }
        )
    label = f"{code} {period.code}"
    parsed = parse_value(row.get("value_raw"), ind["unit"])
    if parsed.error:
        return flag("value-not-numeric", "value", "value_raw", label=label, reason=parsed.error)
    if getattr(parsed, "warning", None):
        flag("value-read-as-percent", "value", "value_raw", label=label, reason=parsed.warning)
    if parsed.value is None and parsed.note is None:
        kept = " and ".join(
            w for w, on in (("commentary", commentary), ("blockage", blockage)) if on
        )
        verb = "are" if " and " in kept else "is"
        wording = "kept" if kept else None
        return flag("no-figure", "value", None, wording=wording, label=label, kept=kept, verb=verb)
    if ind["derived"]:
        return flag("computed-indicator", "value", "value_raw", indicator=code)
    out_of_range = None if parsed.value is None else _range_problem(parsed.value, ind["unit"])
    if out_of_range:
        return flag("value-out-of-range", "value", "value_raw", label=label, reason=out_of_range)
    return {
        "indicator_code": code,
        "period": period.code,
        "area": area,
        "value": parsed.value,
        "note": parsed.note,
        "source_row": int(row["source_row"]),
        "period_start": period.start,
    }


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


def _areas_add_up(
    frame: pd.DataFrame,
    indicators: pd.DataFrame,
    areas: set[str],
    problems: list[Problem],
    where: dict,
    column: str | None,
) -> None:
    """A warning where a count's area figures, all given, do not add up to the partnership's
    figure in the same return (or, some given, already come to more than it).

    Summed on whole arrays by each indicator and period's number (pandas' group-by on the
    text keys was a tenth of loading a partnership's return)."""
    value = frame["value"].to_numpy(dtype="float64")
    unit = frame["indicator_code"].map(indicators["unit"]).to_numpy(dtype=object)
    chosen = ~np.isnan(value) & (unit == "count")
    if not chosen.any():
        return
    counts = frame[chosen]
    value = value[chosen]
    code, codes = pd.factorize(counts["indicator_code"], sort=True)
    period, periods_ = pd.factorize(counts["period"], sort=True)
    group = code.astype(np.int64) * len(periods_) + period  # in (code, period) order
    n = len(codes) * len(periods_)
    area = counts["area"].to_numpy(dtype=object)
    is_total = area == "all"
    # The partnership's figure: the first row of each indicator and period that gives it.
    groups_total, first = np.unique(group[is_total], return_index=True)
    total_row = np.flatnonzero(is_total)[first]
    split = ~is_total
    if not len(groups_total) or not split.any():
        return
    summed = np.bincount(group[split], weights=value[split], minlength=n)
    has_split = np.bincount(group[split], minlength=n) > 0
    parts = areas - {"all"}
    known = split & np.isin(area, list(parts))
    area_no = pd.factorize(area[known])[0].astype(np.int64)
    given = np.bincount(np.unique(group[known] * (len(area) + 1) + area_no) // (len(area) + 1),
                        minlength=n)  # fmt: skip
    both = groups_total[has_split[groups_total]]
    rows = total_row[has_split[groups_total]]
    whole, sums, complete = value[rows], summed[both], given[both] == len(parts)
    wrong = (complete & (np.abs(sums - whole) > 0.5)) | (sums > whole + 0.5)
    source = counts["source_row"].to_numpy()
    for g, whole_i, summed_i, full, r in zip(
        both[wrong], whole[wrong], sums[wrong], complete[wrong], rows[wrong], strict=True
    ):
        code_i, period_i = codes[g // len(periods_)], periods_[g % len(periods_)]
        problems.append(
            problem(
                "areas-do-not-add-up",
                indicator=code_i,
                period=period_i,
                summed=f"{float(summed_i):,g}",
                partly="" if full else " (not every area given)",
                whole=f"{float(whole_i):,g}",
                row=int(source[r]),
                column=column,
                value=f"{float(whole_i):g}",
                **where,
            )
        )


def _drop_duplicates(
    frame: pd.DataFrame, problems: list[Problem], where: dict, column: str | None
) -> pd.DataFrame:
    keys = ["indicator_code", "period", "area"]
    # Rows keyed by one number from their codes, periods and areas factorized: duplicated() on
    # three text columns cost more than every other check of a partnership's return.
    key = np.zeros(len(frame), dtype=np.int64)
    for column in keys:
        found, distinct = pd.factorize(frame[column])
        key = key * (len(distinct) + 1) + found + 1
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return frame.reset_index(drop=True)
    dupes = frame[repeated]
    for (code, period, area), group in dupes.groupby(keys):
        rows = ", ".join(str(r) for r in group["source_row"])
        place = "" if area == "all" else f" for area {area}"
        for r in group["source_row"]:
            problems.append(
                problem(
                    "duplicate",
                    indicator=code,
                    period=period,
                    place=place,
                    rows=rows,
                    column=column,
                    row=int(r),
                    value=code,
                    **where,
                )
            )
    return frame[~repeated].reset_index(drop=True)


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
    keyed = frame.reset_index(drop=True)
    # Each distinct period's and code's facts once, taken by position (maps of the text
    # columns, and a join on the code, were most of this function's own time).
    at_period, distinct = pd.factorize(keyed["period"])
    previous_of = np.array([periods.parse_code(p).previous().code for p in distinct], dtype=object)
    keyed = keyed.assign(previous_period=previous_of[at_period])
    probe = keyed[["indicator_code", "period", "area", "previous_period", "value"]].assign(
        position=np.arange(len(keyed), dtype=np.int64)
    )
    with registered(cur, "_checking", probe, columnar=True), hash_joins(cur):
        # Only the stored figures of the return's own indicators are read (stored_revisions);
        # the answer comes in the frame's order, so nothing is merged on text keys here.
        before = cur.execute(
            f"""
            WITH current AS (
                SELECT indicator_code, period, area, value
                FROM ({stored_revisions()}) s WHERE committed_recency = 1
            ),
            shown AS (
                SELECT s.indicator_code, s.period, min(m.meeting_date) AS shown_at
                FROM meeting_status s JOIN meeting m ON m.id = s.meeting_id
                GROUP BY s.indicator_code, s.period
            )
            SELECT p.value AS previous_value, c.value AS current_value,
                   c.indicator_code IS NOT NULL AS has_current, w.shown_at,
                   f.value AS file_previous
            FROM _checking k
            LEFT JOIN current p
              ON p.indicator_code = k.indicator_code AND p.period = k.previous_period AND p.area = k.area
            LEFT JOIN current c
              ON c.indicator_code = k.indicator_code AND c.period = k.period AND c.area = k.area
            LEFT JOIN shown w ON w.indicator_code = k.indicator_code AND w.period = k.period
            -- The previous period's figure from this same file wins over the stored one.
            LEFT JOIN _checking f
              ON f.indicator_code = k.indicator_code AND f.period = k.previous_period AND f.area = k.area
            ORDER BY k.position
            """,
            [frame["indicator_code"].min(), frame["indicator_code"].max()],
        ).df()
    m = pd.concat([keyed, before.set_axis(keyed.index)], axis=1)
    prev = m["file_previous"].astype("float64").fillna(m["previous_value"].astype("float64"))
    value = m["value"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (value - prev) / prev.abs()
    big = value.notna() & prev.notna() & (prev != 0) & (change.abs() > BIG_CHANGE)
    at_code, codes = pd.factorize(m["indicator_code"])
    facts = indicators.reindex(codes)
    unit = np.append(facts["unit"].to_numpy(dtype=object), None)[at_code]
    threshold = pd.Series(
        np.append(facts["small_number_threshold"].astype("float64").to_numpy(), np.nan)[at_code],
        index=m.index,
    )
    small = (
        (unit == "count") & value.notna() & threshold.notna() & (value > 0) & (value < threshold)
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
                    label=label,
                    figure=f"{value[i]:g}",
                    change=f"{abs(change[i]):.0%}",
                    direction=direction,
                    previous=f"{prev[i]:g}",
                    previous_period=r["previous_period"],
                    **at,
                )
            )
        if small[i]:
            problems.append(
                problem(
                    "small-number",
                    label=label,
                    figure=f"{value[i]:g}",
                    threshold=int(threshold[i]),
                    **at,
                )
            )
        if shown[i]:
            problems.append(
                problem(
                    "revises-shown-figure",
                    label=label,
                    shown=f"{current[i]:g}",
                    shown_on=periods.long_date(pd.Timestamp(r["shown_at"])),
                    figure=f"{value[i]:g}",
                    **at,
                )
            )
