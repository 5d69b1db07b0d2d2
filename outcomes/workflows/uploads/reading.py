"""Reading a file with the right loader: its format, its fingerprint, the limits first."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from loaders import files, reading
from loaders.isolation import read_isolated
from loaders.police_uk import FORCE_WIDE
from loaders.problems import FileRefused, Problem
from outcomes.storage import public_schema
from outcomes.storage.people import Person, require
from outcomes.storage.planning import fresh_statistics
from outcomes.workflows import shared_data
from outcomes.workflows.uploads.committing import uploads as upload_history
from outcomes.workflows.uploads.prepared import FORMATS, Prepared
from outcomes.workflows.uploads.public_data import prepare_series
from outcomes.workflows.uploads.return_checks import prepare_return


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


PUBLIC_FORMATS = ("police-uk", "ons-csp", "fingertips")


def may_send(by: Person | None, fmt: str) -> str:
    """The format to read a file from ``by`` as; refused (:class:`NotPermitted`, saying who
    may) before a byte of it is read when they may load no file of that kind.

    A person who may load returns but not public data (a priority lead) has every file read as
    a return, so choosing "auto" reads nothing they may not load either.

    >>> from outcomes.storage.people import Person
    >>> may_send(Person("l@x.org", "Lee", "lead", frozenset({"p"})), "auto")
    'return'
    >>> may_send(Person("b@x.org", "Bo", "board"), "auto")
    Traceback (most recent call last):
    ...
    outcomes.storage.people.NotPermitted: Bo is a board member and may not load figures or commentary. A priority lead (for their own priorities), an analyst or an administrator may.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt in PUBLIC_FORMATS:
        require(by, "public_data.load")
        return fmt
    if fmt == "auto" and isinstance(by, Person) and by.may("public_data.load"):
        return fmt
    require(by, "returns.load")
    return "return"


def prepare(
    cur: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    by: Person | None,
    file_name: str | None = None,
    fmt: str = "auto",
    today: date | None = None,
    area_name: str | None = None,
) -> Prepared:
    """Read and check one file ``by`` sent; never raises for bad content (its problems are
    listed), but refuses before reading it when they may not load it (:func:`may_send`)."""
    path = Path(path)
    file_name = file_name or path.name
    fmt = may_send(by, fmt)
    try:
        files.check_suffix(file_name)
        sha = file_sha256(path)
        area = area_name or _partnership_area(cur)
        fresh_statistics(cur, "observation", "series_value")
        # Read in a child process held to the reading limits: a file that would take the
        # server down takes only its child (loaders.isolation).
        fmt, read = read_isolated(reading.read_file, path, fmt, file_name, area, file=file_name)
        if fmt == "return":
            prepared = prepare_return(cur, read, file_name, sha, today or date.today())
        else:
            prepared = prepare_series(read, file_name, sha, fmt)
    except FileRefused as refused:
        # Too big, damaged or the wrong kind: refused before anything was parsed.
        return _refused(file_name, fmt, refused.problems)
    prepared.already_loaded = already_loaded(cur, sha)
    return prepared


def prepare_upload(
    cur: duckdb.DuckDBPyConnection,
    content: bytes,
    file_name: str,
    *,
    by: Person | None,
    fmt: str = "auto",
    **options: Any,
) -> Prepared:
    """Read and check bytes ``by`` sent under ``file_name`` (refused first if they may not).

    The bytes go into a fresh temporary folder under a name of the server's making
    (:func:`loaders.files.safe_file_name`), never under the name the browser gave; that name
    is only a label in messages and the upload's record.
    """
    fmt = may_send(by, fmt)
    if len(content) > files.LIMITS.file_bytes:
        return _refused(file_name, fmt, [files.oversize_problem(file_name, len(content))])
    with tempfile.TemporaryDirectory(prefix="outcomes-upload-") as folder:
        path = Path(folder) / files.safe_file_name(file_name)
        path.write_bytes(content)
        return prepare(cur, path, by=by, file_name=file_name, fmt=fmt, **options)


def _refused(file_name: str, fmt: str, problems: list[Problem]) -> Prepared:
    return Prepared(
        file_name=file_name,
        sha256="",
        source_format=fmt,
        observations=pd.DataFrame(columns=["indicator_code", "period", "area", "value", "note"]),
        commentary=pd.DataFrame(columns=["indicator_code", "period", "narrative", "blockage"]),
        problems=list(problems),
    )


def _partnership_area(cur: duckdb.DuckDBPyConnection) -> str:
    """The area police.uk rows are counted for: the partnership's own, or every district in
    the file where the load is shared by every partnership."""
    if public_schema.on_public_data(cur):
        return FORCE_WIDE
    row = cur.execute("SELECT area_name FROM partnership WHERE id = 1").fetchone()
    return row[0] if row and row[0] else ""


def prepare_for(
    store, path: str | Path, *, by: Person | None, fmt: str = "auto", **options: Any
) -> tuple[Any, Prepared]:
    """Read and check one file for the store's partnership, and the cursor to preview and
    commit it on (:func:`_routed`)."""
    return _routed(store, by, fmt, lambda cur, f: prepare(cur, path, by=by, fmt=f, **options))


def prepare_upload_for(
    store, content: bytes, file_name: str, *, by: Person | None, fmt: str = "auto"
) -> tuple[Any, Prepared]:
    """:func:`prepare_for` for bytes sent from the browser (:func:`prepare_upload`)."""
    return _routed(
        store, by, fmt, lambda cur, f: prepare_upload(cur, content, file_name, by=by, fmt=f)
    )


def public_permission(store) -> str:
    """What loading a public file here needs: on a database of several partnerships the load
    is shared by them all (an administrator's), else the partnership's own (an analyst's)."""
    return "public_data.share" if shared_data.is_shared(store) else "public_data.load"


def shared_uploads(store) -> pd.DataFrame | None:
    """The uploads of the public data every partnership shares (None where nothing is)."""
    if not public_schema.exists(store.cursor(None)):
        return None
    return upload_history(shared_data.cursor(store))


def shared_cursor(store):
    """A cursor on the public data every partnership shares."""
    return shared_data.cursor(store)


def cursor_for(store, prepared: Prepared):
    """The cursor a prepared file is previewed and committed on."""
    return shared_data.cursor(store) if prepared.shared else store.cursor()


def _routed(store, by: Person | None, fmt: str, read) -> tuple[Any, Prepared]:
    """``read(cursor, format)`` on the store's partnership, or, for a public file on a database
    of several partnerships, on the shared public data every partnership reads
    (``outcomes.workflows.shared_data``), which only someone who may share public data may load."""
    cur = store.cursor()
    fmt = may_send(by, fmt)
    if fmt == "auto":  # which kind of file it is decides where it goes
        prepared = read(cur, fmt)
        if prepared.source_format not in PUBLIC_FORMATS or not shared_data.is_shared(store):
            return cur, prepared
        fmt = prepared.source_format
    elif fmt not in PUBLIC_FORMATS or not shared_data.is_shared(store):
        return cur, read(cur, fmt)
    require(by, "public_data.share")
    public = shared_data.ensure(store)
    prepared = read(public, fmt)
    prepared.shared = True
    return public, prepared


def already_loaded(cur: duckdb.DuckDBPyConnection, sha: str) -> int | None:
    row = cur.execute(
        # A return its approver sent back is no reason to refuse the same figures sent again.
        "SELECT id FROM upload WHERE sha256 = ? AND state = 'committed' AND id NOT IN "
        "(SELECT upload_id FROM return_submission WHERE state = 'returned') "
        "ORDER BY id DESC LIMIT 1",
        [sha],
    ).fetchone()
    return row[0] if row else None
