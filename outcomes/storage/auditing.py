"""The audit record (who changed what, when, and what it was before) and how its values compare.

Below the store, which re-exports :func:`audit`, :func:`normal` and :func:`changed_fields`
from here (where the product has always imported them from).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

if TYPE_CHECKING:  # people writes through the store, so the record names Person for types only
    from outcomes.storage.people import Person


def audit(
    cur: duckdb.DuckDBPyConnection,
    by: Person,
    entity: str,
    key: object,
    change: str,
    *,
    before: object = None,
    after: object = None,
) -> None:
    """The audit record: who changed what, when, and what it was before. Written only here.

    ``by`` is the person acting (signed in, or the command line's operating-system user):
    never typed text, so the trail names people as the identity provider knows them.
    """
    if not all(hasattr(by, a) for a in ("name", "email", "role")):
        raise TypeError(f"audit needs the Person acting, not {type(by).__name__}")
    if isinstance(before, dict) and isinstance(after, dict):
        before, after = changed_fields(before, after)
    cur.execute(
        "INSERT INTO audit_log (who, who_email, who_role, entity, entity_key, change, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            by.name,
            by.email,
            by.role,
            entity,
            str(key),
            change,
            _as_json(before),
            _as_json(after),
        ],
    )


def normal(value: Any) -> Any:
    """A stored value as the audit compares it: blank text and NaN are None, a date and a
    midnight datetime (how pandas reads a date back) are the same day, whole floats and ints
    the same number, lists the same as tuples.

    >>> normal("2026-12-01 00:00:00") == normal(pd.Timestamp("2026-12-01")) == normal("2026-12-01")
    True
    >>> normal(5.0) == normal(5), normal(" "), normal(["a"]) == normal(("a",)), normal(True)
    (True, None, True, True)
    """
    from outcomes.rules.wording import as_when

    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":  # a list column
        return tuple(normal(v) for v in value)
    if value is None or (not isinstance(value, (str, dict)) and pd.isna(value)):
        return None
    if (moment := as_when(value)) is not None:
        return moment
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields of ``after`` whose value changed, before and after, compared as
    :func:`normal` values (a due date read back as a midnight datetime has not changed).

    >>> changed_fields({"due": "2026-12-01 00:00:00", "owner": "Chair"},
    ...                {"due": "2026-12-01", "owner": "Vice-chair"})
    ({'owner': 'Chair'}, {'owner': 'Vice-chair'})
    """
    keys = [k for k in after if normal(before.get(k)) != normal(after[k])]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _as_json(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)
