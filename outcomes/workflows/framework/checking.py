"""Coercion and validation: every cell to its column's type, every rule checked, every problem listed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from loaders import periods, values
from loaders.problems import Problem
from outcomes.rules import suppression
from outcomes.workflows.framework.tables import TABLES, Column, Framework, Table, fault

blank = values.blank  # one rule for an empty cell, the readers' own


class _NotOfKind(ValueError):
    """A cell not of its column's kind: which of framework-bad-value's wordings says so, and
    the facts it names (the cell as given, the choices)."""

    def __init__(self, wording: str | None, **facts: Any):
        super().__init__(wording)
        self.wording, self.facts = wording, facts


def _coerce_value(value: Any, column: Column) -> Any:
    """One cell to its column's type; raises :class:`_NotOfKind` saying which kind it is not."""
    if blank(value):
        return column.default
    if column.kind == "text":
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if column.choices and text not in column.choices:
            raise _NotOfKind("choices", given=text, choices=", ".join(column.choices))
        return text
    if column.kind == "number":
        if isinstance(value, bool):
            raise _NotOfKind(None, given=value)
        try:
            return float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except ValueError:
            raise _NotOfKind(None, given=value) from None
    if column.kind == "integer":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise _NotOfKind("integer", given=value) from None
        if not number.is_integer():
            raise _NotOfKind("integer", given=value)
        return int(number)
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "y", "1", "1.0"):
            return True
        if text in ("false", "no", "n", "0", "0.0"):
            return False
        raise _NotOfKind("bool", given=value)
    if column.kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise _NotOfKind("date", given=value) from None
    raise AssertionError(f"unknown column kind {column.kind}")


_DTYPES = {
    "text": "object",
    "number": "float64",
    "integer": "Int64",
    "bool": "bool",
    "date": "object",
}


def coerce_table(
    rows: list[dict[str, Any]], table: Table, problems: list[Problem], where: str
) -> pd.DataFrame:
    """Rows of one table to a typed DataFrame; problems are appended, not raised."""
    known = set(table.column_names)
    clean = []
    for number, row in enumerate(rows, start=1):
        label = _row_label(table, row, number, where)
        extra = sorted(k for k in row if k not in known)
        if extra:
            problems.append(
                fault(
                    "framework-unknown-field",
                    where=label,
                    fields=", ".join(extra),
                    expected=", ".join(table.column_names),
                )
            )
        out = {}
        for column in table.columns:
            try:
                out[column.name] = _coerce_value(row.get(column.name), column)
            except _NotOfKind as err:
                problems.append(
                    fault(
                        "framework-bad-value",
                        err.wording,
                        where=label,
                        field=column.name,
                        **err.facts,
                    )
                )
                out[column.name] = column.default
                continue  # one message per cell: "not a number" already says it all
            if column.required and blank(out[column.name]):
                problems.append(fault("framework-required", where=label, field=column.name))
        clean.append(out)
    frame = pd.DataFrame(clean, columns=table.column_names)
    for column in table.columns:
        dtype = _DTYPES[column.kind]
        if column.kind == "bool":
            frame[column.name] = frame[column.name].fillna(False).astype(bool)
        elif column.kind == "text":
            frame[column.name] = (
                frame[column.name].astype(object).where(frame[column.name].notna(), None)
            )
        else:
            frame[column.name] = frame[column.name].astype(dtype)
    return frame


def _row_label(table: Table, row: dict[str, Any], number: int, where: str) -> str:
    key = " / ".join(str(row.get(k)) for k in table.key if not blank(row.get(k)))
    return f"{where} {table.name} {key or f'row {number}'}".strip()


def validate(framework: Framework, problems: list[Problem] | None = None) -> list[Problem]:
    """Cross-table checks: unique keys, references, periods. Returns the problems found."""
    problems = [] if problems is None else problems
    t = framework.tables
    if len(t["partnership"]) != 1:
        problems.append(fault("framework-rule"))
    for name, table in TABLES.items():
        if table.key and not t[name].empty:
            dupes = t[name][t[name].duplicated(list(table.key), keep=False)]
            for key in sorted(
                {" / ".join(map(str, r)) for r in dupes[list(table.key)].itertuples(index=False)}
            ):
                problems.append(fault("framework-duplicate", table=name, key=key))

    def refs(child: str, column: str, parent: str, parent_key: str) -> None:
        allowed = set(t[parent][parent_key])
        for key, value in zip(t[child][TABLES[child].key[0]], t[child][column], strict=True):
            if value is not None and value not in allowed:
                problems.append(
                    fault(
                        "framework-unknown-reference",
                        table=child,
                        key=key,
                        field=column,
                        value=value,
                        parent=parent,
                        known=", ".join(sorted(allowed)),
                    )
                )

    refs("priority", "tier_code", "tier", "code")
    refs("priority", "lead_partner", "partner", "code")
    refs("indicator", "priority_id", "priority", "id")
    refs("indicator", "source_partner", "partner", "code")
    refs("indicator_target", "indicator_code", "indicator", "code")
    refs("indicator_derivation", "indicator_code", "indicator", "code")
    refs("indicator_spc", "indicator_code", "indicator", "code")
    refs("spc_event", "indicator_code", "indicator", "code")
    _validate_statistics(framework, frequency_of(t), problems)
    _validate_calendar(t, problems)
    if "all" not in set(t["area"]["code"]):
        problems.append(fault("framework-rule", "whole-area"))

    frequency = dict(zip(t["indicator"]["code"], t["indicator"]["frequency"], strict=True))
    for row in t["indicator"].itertuples(index=False):
        if row.baseline_period:
            try:
                t["indicator"].loc[t["indicator"]["code"] == row.code, "baseline_period"] = (
                    periods.parse_period(row.baseline_period, row.frequency).code
                )
            except periods.PeriodError as err:
                problems.append(fault("framework-period", indicator=row.code, reason=err))
        if not pd.isna(row.tolerance) and row.tolerance < 0:
            problems.append(
                fault(
                    "framework-rule",
                    "negative-tolerance",
                    indicator=row.code,
                    tolerance=f"{row.tolerance:g}",
                )
            )
        if not pd.isna(row.suppression):
            try:
                rule = suppression.parse_rule(row.suppression)
                t["indicator"].loc[t["indicator"]["code"] == row.code, "suppression"] = rule.name
            except suppression.RuleError as err:
                problems.append(
                    fault("framework-rule", "suppression", indicator=row.code, reason=err)
                )
        if row.status_method == "baseline" and pd.isna(row.baseline_value):
            problems.append(fault("framework-rule", "no-baseline", indicator=row.code))
    for index, row in t["indicator_target"].iterrows():
        freq = frequency.get(row["indicator_code"])
        if freq is None:
            continue
        try:
            t["indicator_target"].loc[index, "period"] = periods.parse_period(
                row["period"], freq
            ).code
        except periods.PeriodError as err:
            problems.append(
                fault("framework-period", "trajectory", indicator=row["indicator_code"], reason=err)
            )
    return problems


def _validate_calendar(t: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """Each rule names a real priority or indicator (an indicator's in its own frequency), and
    a number of days a return can sensibly take."""
    known = {"priority": set(t["priority"]["id"]), "indicator": frequency_of(t)}
    for r in t["return_due"].itertuples():
        who = f"return_due {r.scope} {'' if r.scope_key is None else r.scope_key}".rstrip()
        if r.scope == "partnership" and r.scope_key is not None:
            problems.append(fault("framework-calendar", rule=who))
        elif r.scope in known and r.scope_key not in known[r.scope]:
            problems.append(
                fault("framework-calendar", "unknown", rule=who, key=r.scope_key, scope=r.scope)
            )
        elif r.scope == "indicator" and known["indicator"][r.scope_key] != r.frequency:
            reported = known["indicator"][r.scope_key]
            problems.append(
                fault(
                    "framework-calendar",
                    "frequency",
                    rule=who,
                    reported=reported,
                    frequency=r.frequency,
                )
            )
        if not pd.isna(r.due_days) and not 0 <= int(r.due_days) <= 366:
            problems.append(fault("framework-calendar", "days", rule=who, days=int(r.due_days)))


def frequency_of(t: dict[str, pd.DataFrame]) -> dict[str, str]:
    return dict(zip(t["indicator"]["code"], t["indicator"]["frequency"], strict=True))


def _validate_statistics(
    framework: Framework, frequency: dict[str, str], problems: list[Problem]
) -> None:
    """SPC dates in the indicator's own kind of period; an SPC status method has a profile row;
    one "us" per comparator group."""
    t = framework.tables
    for index, row in t["spc_event"].iterrows():
        freq = frequency.get(row["indicator_code"])
        if freq is None:
            continue
        try:
            t["spc_event"].loc[index, "period"] = periods.parse_period(row["period"], freq).code
        except periods.PeriodError as err:
            problems.append(
                fault(
                    "framework-period",
                    "spc",
                    indicator=row["indicator_code"],
                    event=row["kind"],
                    reason=err,
                )
            )
    # status_method spc without a declared profile means the default profile, written out so
    # that the file and the database agree row for row.
    missing = [
        code
        for code, method in zip(
            t["indicator"]["code"], t["indicator"]["status_method"], strict=True
        )
        if method == "spc" and code not in set(t["indicator_spc"]["indicator_code"])
    ]
    if missing:
        extra = pd.DataFrame({"indicator_code": missing, "profile": "mdc"})
        t["indicator_spc"] = pd.concat([t["indicator_spc"], extra], ignore_index=True).astype(
            t["indicator_spc"].dtypes.to_dict()
        )
    groups = t["comparator_area"].groupby("group_name")["is_us"].sum()
    for name, n in groups.items():
        if n > 1:
            problems.append(fault("framework-rule", "one-us", group=name))
