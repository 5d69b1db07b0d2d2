"""The audit trail as people read it: who changed what and when, and each field that changed,
before → after, in words (``outcomes.rules.wording``; priorities by name).

The record itself is written in one place, ``store.audit``, which keeps only the fields whose
value changed (``store.changed_fields``); this module reads it back.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import duckdb
import pandas as pd

from outcomes.rules import wording
from outcomes.storage.store import changed_fields


def audit_trail(
    cur: duckdb.DuckDBPyConnection,
    entity: str | None = None,
    limit: int = 200,
    *,
    person: str | None = None,
) -> pd.DataFrame:
    """The newest changes first; ``person`` keeps one person's (an e-mail address, or the name
    the command line or the demo generator was recorded under). ``what`` is what was changed
    and how (:func:`what_changed`), ``described`` each field that changed, in words
    (:func:`describe_change`, priorities by name)."""
    trail = cur.execute(
        "SELECT changed_at, who, who_email, who_role, entity, entity_key, change, before, after "
        "FROM audit_log WHERE (? IS NULL OR entity = ?) "
        "AND (? IS NULL OR lower(who_email) = lower(?) OR (who_email IS NULL AND who = ?)) "
        "ORDER BY id DESC LIMIT ?",
        [entity, entity, person, person, person, limit],
    ).df()
    names = dict(cur.execute("SELECT id, title FROM priority").fetchall())
    trail["what"] = [
        what_changed(e, k, c)
        for e, k, c in zip(trail["entity"], trail["entity_key"], trail["change"], strict=True)
    ]
    trail["described"] = [
        describe_change(b, a, names) for b, a in zip(trail["before"], trail["after"], strict=True)
    ]
    return trail


def what_changed(entity: str, key: str, change: str) -> str:
    """What an audit entry is about, in words: a setting by its name, an indicator's period as
    the board says it.

    >>> what_changed("setting", "public_view", "switched on")
    'setting public view: switched on'
    >>> what_changed("commentary", "SV01 2024/25 Q4", "added")
    'commentary SV01, Q4 2024/25, Jan–Mar 2025: added'
    >>> what_changed("upload", "2", "committed")
    'upload 2: committed'
    """
    if entity == "setting":
        key = key.replace("_", " ")
    elif entity in ("commentary", "blockage") and " " in key:
        code, period = key.split(" ", 1)
        # A period the calendar cannot read stays as it was recorded.
        with contextlib.suppress(ValueError):
            key = f"{code}, {wording.period_aside(period)}"
    return f"{entity} {key}: {change}"


def audit_people(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Everyone the audit trail names, as (key for :func:`audit_trail`, label), by name."""
    rows = cur.execute(
        "SELECT coalesce(who_email, who) AS key, arg_max(who, id) AS name, "
        "max(who_email) AS email FROM audit_log GROUP BY ALL ORDER BY lower(name)"
    ).fetchall()
    return [(key, f"{name} <{email}>" if email else name) for key, name, email in rows]


_PRIORITY_FIELDS = ("priority_id", "priority", "priorities")


def describe_change(before: Any, after: Any, names: dict[str, str] | None = None) -> str:
    """What an audit entry changed, field by field, from its before and after JSON, every
    value in words (``wording.in_words``; priorities by their names in ``names``). A field
    whose value did not change (compared as ``store.normal``: a date and a midnight datetime
    are the same day) is not listed, even in an entry recorded before the audit left them out.

    >>> describe_change('{"owner": "Chair", "status": "open"}', '{"owner": "Chair", "status": "done"}')
    'status: open → done'
    >>> describe_change('{"due_date": "2026-12-01 00:00:00"}', '{"due_date": "2026-12-01"}')
    'no field changed'
    >>> describe_change(None, '{"date": "2025-05-15", "title": null}')
    'date: 15 May 2025'
    >>> describe_change('{"active": true, "priorities": []}', '{"active": false, "priorities": ["sv"]}',
    ...                 {"sv": "Street violence"})
    'active: Yes → No; priorities: none → Street violence'
    >>> describe_change(None, '{"file_name": "q4.xlsx", "new": 11740, "revised": 0}')
    'file name: q4.xlsx; new: 11,740'
    """
    old, new = _json(before), _json(after)
    if isinstance(old, dict) and isinstance(new, dict):
        parts = [
            f"{_label(k)}: {_words(k, old.get(k), names)} → {_words(k, new.get(k), names)}"
            for k in changed_fields(old, new)[1]
        ]
        return "; ".join(parts) or "no field changed"
    if isinstance(new, dict):
        return "; ".join(
            f"{_label(k)}: {_words(k, v, names)}"
            for k, v in new.items()
            if v not in (None, "", False, [], 0)
        )
    return "" if new is None else _short(wording.in_words(new))


def _label(key: str) -> str:
    return "priority" if key == "priority_id" else key.replace("_", " ")


def _words(key: str, value: Any, names: dict[str, str] | None) -> str:
    """A field's value in words; a priority (or a list of them) by its name."""
    if key in _PRIORITY_FIELDS and names:
        value = (
            [names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value)
        )
    return _short(wording.in_words(value))


def _json(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return None
    return json.loads(value)


def _short(text: str) -> str:
    """Typed text cut to a few lines: the audit trail says what changed, not all of it."""
    return text if len(text) <= 240 else text[:237] + "…"
