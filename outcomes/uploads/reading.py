"""Reading a file with the right loader: its format, its fingerprint, the limits first."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from loaders import files
from loaders.problems import FileRefused, Problem
from outcomes.uploads.prepared import FORMATS, Prepared
from outcomes.uploads.public_data import prepare_series
from outcomes.uploads.return_checks import prepare_return


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
            prepared = prepare_return(cur, path, file_name, sha, today or date.today())
        else:
            prepared = prepare_series(cur, path, file_name, sha, fmt, area_name)
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
