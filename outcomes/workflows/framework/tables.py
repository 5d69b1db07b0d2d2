"""The framework's tables declared once: columns, types and allowed values.

That one declaration drives validation, the DuckDB import, the xlsx export and the xlsx import.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from loaders.problems import Problem, as_text, problem, worded
from loaders.values import UNITS
from outcomes.errors import Refused
from outcomes.rules.status import LEVELS, METHODS, POLARITIES, ROLL_UPS, TOLERANCE_KINDS
from outcomes.rules.wording import plural

FREQUENCIES = ("monthly", "quarterly", "annual")
# spc: the status is read from the indicator's SPC icons (see outcomes/queries/statistics.py).
STATUS_METHODS = (*METHODS, "spc")
AGGREGATES = ("sum", "mean")
SPC_PROFILES = ("mdc", "plotthedots")  # outcomes.rules.spc.PROFILES
SPC_EVENTS = ("recalculate", "ghost")
# Sheets an older export may lack; read as empty rather than refused.
OPTIONAL_SHEETS = (
    "indicator_derivation",
    "indicator_spc",
    "spc_event",
    "comparator_area",
    "return_due",
)
# The reporting calendar's scopes (the database's 'default' rows are no framework's).
DUE_SCOPES = ("partnership", "priority", "indicator")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | number | integer | bool | date
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _listed(name: str, *between: Column) -> Table:
    """A list the framework orders by hand (partners, tiers, areas): a code, what it says,
    and its place in the list."""
    return Table(
        name,
        ("code",),
        (Column("code", required=True), *between, Column("sort_order", "integer", required=True)),
    )


def _placed(names: tuple[str, str, str], *rest: Column) -> Table:
    """A row the framework places under another (a priority in its tier, an indicator in its
    priority), ``names`` being the table's, its key's and its parent's key's: the key, the
    parent's, its place among its parent's rows, then what it says."""
    name, key, parent = names
    return Table(
        name,
        (key,),
        (
            Column(key, required=True),
            Column(parent, required=True),
            Column("sort_order", "integer", required=True),
            *rest,
        ),
    )


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "partnership",
            (),
            (
                Column("name", required=True),
                Column("area_name", required=True),
                Column("vision", required=True),
                Column("working_together"),
                Column("doing_the_work"),
                Column("facing"),
                Column("roll_up", choices=ROLL_UPS, default="worst"),
                Column("as_at", "date"),
            ),
        ),
        _listed("partner", Column("name", required=True), Column("sector", required=True)),
        _listed("tier", Column("label", required=True), Column("description")),
        _listed("area", Column("name", required=True), Column("kind", required=True)),
        _placed(
            ("priority", "id", "tier_code"),
            Column("title", required=True),
            Column("aim", required=True),
            Column("outputs", required=True),
            Column("outcomes", required=True),
            Column("success_measures", required=True),
            Column("lead_role", required=True),
            Column("lead_email"),  # the lead as a person: who owes the return
            Column("lead_partner", required=True),
            Column("roll_up", choices=ROLL_UPS),
        ),
        _placed(
            ("indicator", "code", "priority_id"),
            Column("name", required=True),
            Column("definition", required=True),
            Column("level", required=True, choices=LEVELS),
            Column("unit", required=True, choices=UNITS),
            Column("polarity", required=True, choices=POLARITIES),
            Column("frequency", required=True, choices=FREQUENCIES),
            Column("source_partner", required=True),
            Column("accountable_role", required=True),
            Column("accountable_email"),
            Column("target", "number"),
            Column("tolerance", "number", default=5.0),
            Column("tolerance_kind", choices=TOLERANCE_KINDS, default="percent"),
            Column("baseline_value", "number"),
            Column("baseline_period"),
            Column("status_method", choices=STATUS_METHODS, default="target"),
            Column("small_number_threshold", "integer"),
            Column("by_area", "bool", default=False),
            Column("decimals", "integer", default=0),
            # issue 10: the public view (outcomes/outputs/public.py, outcomes/rules/suppression.py)
            Column("public", "bool", default=False),
            Column("suppression"),
        ),
        Table(
            "indicator_derivation",
            ("indicator_code",),
            (
                Column("indicator_code", required=True),
                Column("series_code", required=True),
                Column("aggregate", choices=AGGREGATES, default="sum"),
                Column("areas"),
            ),
        ),
        Table(
            "indicator_spc",
            ("indicator_code",),
            (
                Column("indicator_code", required=True),
                Column("profile", choices=SPC_PROFILES, default="mdc"),
            ),
        ),
        Table(
            "spc_event",
            ("indicator_code", "period", "kind"),
            (
                Column("indicator_code", required=True),
                Column("period", required=True),
                Column("kind", required=True, choices=SPC_EVENTS),
                Column("reason", required=True),
            ),
        ),
        Table(
            "comparator_area",
            ("group_name", "area_code"),
            (
                Column("group_name", required=True),
                Column("area_code", required=True),
                Column("area_name", required=True),
                Column("is_us", "bool", default=False),
                Column("sort_order", "integer", required=True),
            ),
        ),
        # The reporting calendar: a period's return is due due_days after it ends (scope_key:
        # blank for the partnership, else the priority id or indicator code).
        Table(
            "return_due",
            ("scope", "scope_key", "frequency"),
            (
                Column("scope", required=True, choices=DUE_SCOPES),
                Column("scope_key"),
                Column("frequency", required=True, choices=FREQUENCIES),
                Column("due_days", "integer", required=True),
            ),
        ),
        Table(
            "indicator_target",
            ("indicator_code", "period"),
            (
                Column("indicator_code", required=True),
                Column("period", required=True),
                Column("target", "number", required=True),
            ),
        ),
    )
}

# Rows that hang off an indicator and are simply replaced on every import.
REPLACED_WHOLE = (
    "indicator_target",
    "indicator_derivation",
    "indicator_spc",
    "spc_event",
    "comparator_area",
    "return_due",
)
# Parents before children, for inserting; the reverse for deleting.
IMPORT_ORDER = ("partnership", "partner", "tier", "area", "priority", "indicator", *REPLACED_WHOLE)


def fault(code: str, wording: str | None = None, **facts: Any) -> Problem:
    """A problem the framework's checks found, worded by the catalogue; the file it is in is
    named when the :class:`FrameworkError` listing it is raised."""
    return problem(code, file="", wording=wording, **facts)


class FrameworkError(Refused, ValueError):
    """Every problem found in a framework file, listed together."""

    code = "framework-invalid"

    def __init__(self, problems: list[Problem], source: str = "framework"):
        # The checks say where in their sentence (a table and its key); the file is the source.
        found = [replace(p, file=source) if not p.file else p for p in problems]
        if found:
            self.code = found[0].code
        self.source = source
        listed = as_text(found)
        super().__init__(
            worded(
                "framework-invalid",
                "listed",
                source=source,
                errors=plural(len(found), "problem"),
                listed=listed,
            ),
            found,
        )


@dataclass
class Framework:
    """The framework as flat tables, one DataFrame per entry of ``TABLES``."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def partnership(self) -> dict[str, Any]:
        return self.tables["partnership"].iloc[0].to_dict()

    def equals(self, other: Framework) -> bool:
        return all(
            _sorted(self[name], TABLES[name]).equals(_sorted(other[name], TABLES[name]))
            for name in TABLES
        )


def _sorted(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    if not table.key or frame.empty:
        return frame.reset_index(drop=True)
    return frame.sort_values(list(table.key)).reset_index(drop=True)
