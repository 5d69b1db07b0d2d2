"""Recording figures: every batch of observations is an upload, and nothing is overwritten.

A figure that differs from the current one becomes the next revision; an identical figure is
counted as unchanged and not stored again. Rolling an upload back marks it, so the revisions
it replaced are current again (the views only read committed uploads).

Framework indicators' figures (``observation``) and public data series (``series_value``) follow
the same rules; a :class:`Target` says which table, view and columns a batch goes to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from loaders import periods
from loaders.series import SERIES_FIGURES
from outcomes.rules import wording
from outcomes.storage.people import Person, priority_titles, require, writes
from outcomes.storage.planning import hash_joins
from outcomes.storage.store import audit, insert_frame, registered, transaction

_NUMERIC = ["value", "numerator", "denominator", "lower_ci", "upper_ci"]


@dataclass(frozen=True)
class Target:
    """Where a batch of figures is recorded: the table, its current-revision view, the columns."""

    table: str
    current_view: str
    key: str  # the column naming what the figure is of
    numeric: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        return [self.key, "period", "area", *self.numeric, "note"]


OBSERVATIONS = Target(
    "observation", "observation_current_detail", "indicator_code", tuple(_NUMERIC)
)
SERIES = Target("series_value", "series_current", "series_code", SERIES_FIGURES)


@dataclass(frozen=True)
class UploadResult:
    upload_id: int | None  # None when nothing changed and no upload was recorded
    rows_new: int
    rows_revised: int
    rows_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.rows_new or self.rows_revised)


def normalise(frame: pd.DataFrame, target: Target = OBSERVATIONS) -> pd.DataFrame:
    """The canonical frame: every column present, typed, periods canonical."""
    out = frame.copy()
    for column in target.columns:
        if column not in out:
            # A figure column the frame lacks is missing on every row: NaN, already a number.
            out[column] = np.nan if column in target.numeric else None
    out = out[target.columns]
    out["area"] = out["area"].fillna("all").astype(str)
    for column in target.numeric:
        out[column] = pd.to_numeric(out[column], errors="raise").astype("float64")
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    # Each distinct period parsed once and its dates taken by position (a map of the text
    # column cost more than the rest of this together).
    position, codes = pd.factorize(out["period"])
    parsed = [periods.parse_code(code) for code in codes]
    starts = np.array([p.start for p in parsed] + [None], dtype=object)
    ends = np.array([p.end for p in parsed] + [None], dtype=object)
    out["period_start"] = starts[position]
    out["period_end"] = ends[position]
    return out


def content_hash(frame: pd.DataFrame, target: Target = OBSERVATIONS) -> str:
    """A stable SHA-256 of a frame's rows, for uploads that did not come from a file."""
    payload = (
        frame[target.columns].sort_values([target.key, "period", "area"]).to_json(orient="values")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stored_revisions(target: Target = OBSERVATIONS) -> str:
    """SQL for every stored revision of the figures whose code lies between two ``?``
    parameters (lowest and highest code wanted), each with ``committed_recency``: 1 for the
    current revision (the latest of an upload in force: committed, and approved where approval
    applies), counting down those, and NULL for a rolled-back, waiting or returned upload's.

    The range is a plain predicate on the table, so the engine reads only the row groups that
    hold those codes (figures are stored in code order, a partnership's or a file's together),
    never the whole table as a view of every current figure would.
    """
    return f"""
        SELECT o.*, CASE WHEN f.id IS NOT NULL THEN row_number() OVER (
                   PARTITION BY o.{target.key}, o.period, o.area, f.id IS NOT NULL
                   ORDER BY o.revision DESC) END AS committed_recency
        FROM {target.table} o LEFT JOIN upload_in_force f ON f.id = o.upload_id
        WHERE o.{target.key} BETWEEN ? AND ?
    """


def classify(
    cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, target: Target = OBSERVATIONS
) -> pd.DataFrame:
    """Each incoming row marked new, revised or unchanged against the current revision.

    Adds ``change``, ``old_<column>`` for each figure column and the note, and ``revision``
    (the number the row would get).
    """
    incoming = normalise(frame, target).reset_index(drop=True)
    keys = [target.key, "period", "area"]
    olds = ", ".join(f"c.{c} AS old_{c}" for c in (*target.numeric, "note"))
    codes = incoming[target.key]
    # Every incoming row by its position, answered in that order: the engine joins on the
    # text keys once, and no merge of them is needed here (it cost more than the query).
    probe = incoming[keys].assign(position=np.arange(len(incoming), dtype=np.int64))
    with registered(cur, "_incoming_keys", probe, columnar=True), hash_joins(cur):
        current = cur.execute(
            f"""
            WITH stored AS ({stored_revisions(target)}),
            latest AS (
                SELECT {target.key}, period, area, max(revision) AS max_revision
                FROM stored GROUP BY {target.key}, period, area
            )
            SELECT {olds},
                   c.{target.key} IS NOT NULL AS has_current,
                   coalesce(m.max_revision, 0) AS max_revision
            FROM _incoming_keys k
            LEFT JOIN (SELECT * FROM stored WHERE committed_recency = 1) c
              ON c.{target.key} = k.{target.key} AND c.period = k.period AND c.area = k.area
            LEFT JOIN latest m
              ON m.{target.key} = k.{target.key} AND m.period = k.period AND m.area = k.area
            ORDER BY k.position
            """,
            [codes.min(), codes.max()] if len(codes) else ["", ""],
        ).df()
    merged = pd.concat([incoming, current.set_axis(incoming.index)], axis=1)
    same = merged["note"].fillna("") == merged["old_note"].fillna("")
    for column in target.numeric:
        same &= _same(merged[column], merged[f"old_{column}"])
    has_current = merged["has_current"].fillna(False).astype(bool)
    merged["change"] = np.where(~has_current, "new", np.where(same, "unchanged", "revised"))
    merged["revision"] = merged["max_revision"].fillna(0).astype(int) + 1
    return merged.drop(columns=["has_current", "max_revision"])


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Equal to within 1e-12 (np.isclose's test, on plain arrays), or missing in both. A figure
    column missing on every row of both (a return's numerators and limits) is settled at once."""
    x = a.to_numpy(dtype="float64", na_value=np.nan)
    y = b.to_numpy(dtype="float64", na_value=np.nan)
    x_missing, y_missing = np.isnan(x), np.isnan(y)
    if x_missing.all() and y_missing.all():
        return pd.Series(True, index=a.index)
    with np.errstate(invalid="ignore"):
        close = (x == y) | (np.abs(x - y) <= 1e-12 + 1e-12 * np.abs(y))
    return pd.Series((x_missing & y_missing) | (close & ~x_missing & ~y_missing), index=a.index)


class UploadWriter:
    """One upload that may write to several targets (a public file's series and the indicators
    computed from them), so that rolling it back undoes all of it. Call inside a transaction."""

    def __init__(
        self,
        cur: duckdb.DuckDBPyConnection,
        *,
        by: Person,
        file_name: str,
        source_format: str,
        sha256: str,
        rehearsal: bool = False,
    ):
        self.cur = cur
        # A rehearsal (a preview, rolled back afterwards) takes no number from the upload
        # sequence, so the numbers leads see stay without gaps.
        self.rehearsal = rehearsal
        self.by = by
        self.meta = {
            "uploaded_by": by.signature,
            "uploaded_by_email": by.email,
            "file_name": file_name,
            "source_format": source_format,
            "sha256": sha256,
        }
        self.upload_id: int | None = None
        self.counts = {"new": 0, "revised": 0, "unchanged": 0}

    def add(
        self,
        frame: pd.DataFrame,
        target: Target = OBSERVATIONS,
        classified: pd.DataFrame | None = None,
    ) -> dict[str, int]:
        """Record ``frame``'s new and revised figures; ``classified``: :func:`classify` of
        it, when the caller has just worked it out in the same transaction."""
        if frame.empty:
            return {"new": 0, "revised": 0, "unchanged": 0}
        if classified is None:
            classified = classify(self.cur, frame, target)
        tally = classified["change"].value_counts()
        counts = {k: int(tally.get(k, 0)) for k in self.counts}
        for k, v in counts.items():
            self.counts[k] += v
        rows = classified[classified["change"] != "unchanged"].copy()
        if not rows.empty:
            rows["upload_id"] = self.ensure_upload()
            insert_frame(
                self.cur,
                target.table,
                rows[[*target.columns, "period_start", "period_end", "revision", "upload_id"]],
            )
        return counts

    def ensure_upload(self) -> int:
        """The upload's id, recording the upload row the first time something is written."""
        if self.upload_id is None:
            m = self.meta
            self.upload_id = self.cur.execute(
                "INSERT INTO upload (id, uploaded_by, uploaded_by_email, file_name, sha256, "
                "source_format) VALUES (CASE WHEN ? THEN -1 ELSE nextval('upload_id_seq') END, "
                "?, ?, ?, ?, ?) RETURNING id",
                [
                    self.rehearsal,
                    m["uploaded_by"],
                    m["uploaded_by_email"],
                    m["file_name"],
                    m["sha256"],
                    m["source_format"],
                ],
            ).fetchone()[0]
        return self.upload_id

    def finish(self) -> UploadResult:
        if self.upload_id is not None:
            self.cur.execute(
                "UPDATE upload SET rows_new = ?, rows_revised = ?, rows_unchanged = ? WHERE id = ?",
                [
                    self.counts["new"],
                    self.counts["revised"],
                    self.counts["unchanged"],
                    self.upload_id,
                ],
            )
            audit(
                self.cur,
                self.by,
                "upload",
                self.upload_id,
                "committed",
                after={"file_name": self.meta["file_name"], **self.counts},
            )
        return UploadResult(self.upload_id, **{f"rows_{k}": v for k, v in self.counts.items()})


@writes("returns.load")
def record_upload(
    cur: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    *,
    by: Person,
    file_name: str,
    source_format: str,
    sha256: str | None = None,
    target: Target = OBSERVATIONS,
) -> UploadResult:
    """Store the new and revised rows of ``frame`` as one upload, atomically.

    When nothing differs from the current figures no upload is recorded and ``upload_id`` is
    None: loading the same figures twice changes nothing.
    """
    if target is SERIES:
        require(by, "public_data.load")
    else:
        owned = priorities_of(cur, frame["indicator_code"])
        require(by, "returns.load", priorities=owned, titles=priority_titles(cur))
    sha256 = sha256 or content_hash(normalise(frame, target), target)
    with transaction(cur):
        writer = UploadWriter(
            cur,
            by=by,
            file_name=file_name,
            source_format=source_format,
            sha256=sha256,
        )
        writer.add(frame, target)
        result = writer.finish()
    return result


# ---------------------------------------------------------------------------------------------
# Corrections as the board reads them


def correction_words(seen: str, now: str, by: str, on: object, *, shown: bool = True) -> str:
    """A corrected figure in one sentence: what the board (or the first return) had, what it is
    now, who corrected it and when.

    >>> from datetime import date
    >>> correction_words("301", "341", "Service Manager", date(2026, 11, 30))
    'the board saw 301; corrected to 341 by Service Manager on 30 November 2026'
    >>> correction_words("301", "341", "Service Manager", date(2026, 11, 30), shown=False)
    'first reported as 301; corrected to 341 by Service Manager on 30 November 2026'
    """
    before = f"the board saw {seen}" if shown else f"first reported as {seen}"
    return f"{before}; corrected to {now} by {by} on {periods.long_date(on)}"


def corrections(cur: duckdb.DuckDBPyConnection, code: str | None = None) -> pd.DataFrame:
    """Every current partnership-wide figure that corrects an earlier one (of one indicator, or
    all): ``indicator_code``, ``period``, ``was`` (the figure the board last saw at a meeting, else
    the one it replaced), ``now``, ``shown`` (the board saw ``was``), ``by``, ``on`` and
    ``words``, the sentence every page, agenda and pack shows."""

    # One indicator's figures by a plain predicate the engine prunes the table by; a
    # "? IS NULL OR" form would read every indicator's (issue 19: the indicator page at 10^7).
    ones = ("d.indicator_code = ?", "o.indicator_code = ?") if code else ("TRUE", "TRUE")
    frame = cur.execute(
        f"""
        WITH cur AS (
            SELECT d.indicator_code, d.period, d.value, d.revision, u.uploaded_by, u.uploaded_at
            FROM observation_current_detail d JOIN upload u ON u.id = d.upload_id
            WHERE d.area = 'all' AND d.revision > 1 AND {ones[0]}
        ),
        earlier AS (
            SELECT o.indicator_code, o.period, o.value
            FROM observation o JOIN upload u ON u.id = o.upload_id AND u.state = 'committed'
            JOIN cur c ON c.indicator_code = o.indicator_code AND c.period = o.period
            WHERE o.area = 'all' AND o.revision < c.revision AND {ones[1]}
            QUALIFY row_number() OVER (PARTITION BY o.indicator_code, o.period
                                       ORDER BY o.revision DESC) = 1
        ),
        seen AS (
            SELECT s.indicator_code, s.period, s.value
            FROM meeting_status s JOIN meeting m ON m.id = s.meeting_id
            JOIN cur c ON c.indicator_code = s.indicator_code AND c.period = s.period
            WHERE m.recorded_at <= c.uploaded_at
            QUALIFY row_number() OVER (PARTITION BY s.indicator_code, s.period
                                       ORDER BY m.meeting_date DESC) = 1
        )
        SELECT c.indicator_code, c.period, coalesce(s.value, e.value) AS was, c.value AS now,
               s.indicator_code IS NOT NULL AS shown, c.uploaded_by AS by, c.uploaded_at AS "on",
               i.unit, i.decimals
        FROM cur c JOIN indicator i ON i.code = c.indicator_code
        LEFT JOIN earlier e USING (indicator_code, period)
        LEFT JOIN seen s USING (indicator_code, period)
        WHERE e.indicator_code IS NOT NULL OR s.indicator_code IS NOT NULL
        ORDER BY c.indicator_code, c.period
        """,
        [code, code] if code else [],
    ).df()
    frame["words"] = pd.Series(
        [
            correction_words(
                wording.format_value(r["was"], r["unit"], r["decimals"]),
                wording.format_value(r["now"], r["unit"], r["decimals"]),
                r["by"],
                r["on"],
                shown=bool(r["shown"]),
            )
            for r in frame.to_dict("records")
        ],
        index=frame.index,
        dtype=object,
    )
    return frame.drop(columns=["unit", "decimals"])


def priorities_of(cur: duckdb.DuckDBPyConnection, indicator_codes) -> set[str]:
    """The priorities the given indicators belong to (what a lead's right to load is about)."""
    # Each distinct code once: a return names a handful of indicators on thousands of rows.
    distinct = pd.unique(pd.Series(list(indicator_codes), dtype=object).dropna())
    codes = sorted({str(c) for c in distinct})
    if not codes:
        return set()
    return {
        r[0]
        for r in cur.execute(
            "SELECT DISTINCT priority_id FROM indicator WHERE list_contains(?, code)", [codes]
        ).fetchall()
    }
