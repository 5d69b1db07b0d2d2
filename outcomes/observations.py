"""Recording figures: every batch of observations is an upload, and nothing is overwritten.

A figure that differs from the current one becomes the next revision; an identical figure is
counted as unchanged and not stored again. Rolling an upload back marks it, so the revisions
it replaced are current again (the views only read committed uploads).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from outcomes import periods
from outcomes.store import insert_frame, registered

OBSERVATION_COLUMNS = [
    "indicator_code",
    "period",
    "area",
    "value",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "note",
]
_NUMERIC = ["value", "numerator", "denominator", "lower_ci", "upper_ci"]


@dataclass(frozen=True)
class UploadResult:
    upload_id: int | None  # None when nothing changed and no upload was recorded
    rows_new: int
    rows_revised: int
    rows_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.rows_new or self.rows_revised)


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical observation frame: every column present, typed, periods canonical."""
    out = frame.copy()
    for column in OBSERVATION_COLUMNS:
        if column not in out:
            out[column] = None
    out = out[OBSERVATION_COLUMNS]
    out["area"] = out["area"].fillna("all").astype(str)
    for column in _NUMERIC:
        out[column] = pd.to_numeric(out[column], errors="raise").astype("float64")
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    parsed = {code: periods.parse_code(code) for code in out["period"].unique()}
    out["period_start"] = [parsed[p].start for p in out["period"]]
    out["period_end"] = [parsed[p].end for p in out["period"]]
    return out


def content_hash(frame: pd.DataFrame) -> str:
    """A stable SHA-256 of a frame's rows, for uploads that did not come from a file."""
    payload = (
        frame[OBSERVATION_COLUMNS]
        .sort_values(["indicator_code", "period", "area"])
        .to_json(orient="values")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def classify(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """Each incoming row marked new, revised or unchanged against the current revision.

    Adds ``change``, ``old_value``, ``old_note`` and ``revision`` (the number it would get).
    """
    incoming = normalise(frame)
    with registered(
        cur, "_incoming_keys", incoming[["indicator_code", "period", "area"]].drop_duplicates()
    ):
        current = cur.execute(
            """
            SELECT k.indicator_code, k.period, k.area, c.value AS old_value, c.note AS old_note,
                   c.numerator AS old_numerator, c.denominator AS old_denominator,
                   c.lower_ci AS old_lower_ci, c.upper_ci AS old_upper_ci,
                   c.indicator_code IS NOT NULL AS has_current,
                   (SELECT coalesce(max(o.revision), 0) FROM observation o
                     WHERE o.indicator_code = k.indicator_code AND o.period = k.period
                       AND o.area = k.area) AS max_revision
            FROM _incoming_keys k
            LEFT JOIN observation_current_detail c
              ON c.indicator_code = k.indicator_code AND c.period = k.period AND c.area = k.area
            """
        ).df()
    merged = incoming.merge(current, on=["indicator_code", "period", "area"], how="left")
    same = (
        _same(merged["value"], merged["old_value"])
        & _same(merged["numerator"], merged["old_numerator"])
        & _same(merged["denominator"], merged["old_denominator"])
        & _same(merged["lower_ci"], merged["old_lower_ci"])
        & _same(merged["upper_ci"], merged["old_upper_ci"])
        & (merged["note"].fillna("") == merged["old_note"].fillna(""))
    )
    has_current = merged["has_current"].fillna(False).astype(bool)
    merged["change"] = np.where(~has_current, "new", np.where(same, "unchanged", "revised"))
    merged["revision"] = merged["max_revision"].fillna(0).astype(int) + 1
    return merged.drop(columns=["has_current", "max_revision"])


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    both_missing = a.isna() & b.isna()
    close = np.isclose(a.fillna(0).to_numpy(), b.fillna(0).to_numpy(), rtol=1e-12, atol=1e-12)
    return both_missing | (close & a.notna() & b.notna())


def record_upload(
    cur: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    *,
    uploaded_by: str,
    file_name: str,
    source_format: str,
    sha256: str | None = None,
    in_transaction: bool = False,
) -> UploadResult:
    """Store the new and revised rows of ``frame`` as one upload, atomically.

    When nothing differs from the current figures no upload is recorded and ``upload_id`` is
    None: loading the same figures twice changes nothing.
    """
    sha256 = sha256 or content_hash(normalise(frame))
    if not in_transaction:
        cur.execute("BEGIN TRANSACTION")
    try:
        classified = classify(cur, frame)
        counts = classified["change"].value_counts()
        result_counts = {k: int(counts.get(k, 0)) for k in ("new", "revised", "unchanged")}
        upload_id = None
        if result_counts["new"] or result_counts["revised"]:
            upload_id = cur.execute(
                """
                INSERT INTO upload (uploaded_by, file_name, sha256, source_format,
                                    rows_new, rows_revised, rows_unchanged)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [uploaded_by, file_name, sha256, source_format, *result_counts.values()],
            ).fetchone()[0]
            rows = classified[classified["change"] != "unchanged"].copy()
            rows["upload_id"] = upload_id
            insert_frame(
                cur,
                "observation",
                rows[[*OBSERVATION_COLUMNS, "period_start", "period_end", "revision", "upload_id"]],
            )
            cur.execute(
                "INSERT INTO audit_log (who, entity, entity_key, change, after) VALUES (?, 'upload', ?, 'committed', ?)",
                [
                    uploaded_by,
                    str(upload_id),
                    json.dumps({"file_name": file_name, **result_counts}),
                ],
            )
        if not in_transaction:
            cur.execute("COMMIT")
    except Exception:
        if not in_transaction:
            cur.execute("ROLLBACK")
        raise
    return UploadResult(upload_id, **{f"rows_{k}": v for k, v in result_counts.items()})
