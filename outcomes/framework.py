"""The outcomes framework as data: read from YAML or xlsx, validated, imported, exported.

The framework (partnership, partners, tiers, areas, priorities, indicators and their target
trajectories) is declared here once, as ``TABLES``: each table's columns, types and allowed
values. That one declaration drives validation, the DuckDB import, the xlsx export and the xlsx
import, so a workbook exported and imported back comes back identical.

The YAML file nests indicators under their priority because that is how an administrator reads
the plan; everything else works on the flat tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

from loaders import files
from loaders.problems import FileRefused
from outcomes import periods, spreadsheets
from outcomes.errors import Refused
from outcomes.people import Person, writes
from outcomes.status import POLARITIES, ROLL_UPS, TOLERANCE_KINDS
from outcomes.store import audit, insert_frame, registered, transaction

LEVELS = ("outcome", "output")
UNITS = ("count", "percent", "rate_per_1000", "score")
FREQUENCIES = ("monthly", "quarterly", "annual")
# spc: the status is read from the indicator's SPC icons (see outcomes/statistics.py).
STATUS_METHODS = ("target", "baseline", "spc")
AGGREGATES = ("sum", "mean")
SPC_PROFILES = ("mdc", "plotthedots")  # outcomes.spc.PROFILES
SPC_EVENTS = ("recalculate", "ghost")
# Sheets an older export may lack; read as empty rather than refused.
OPTIONAL_SHEETS = ("indicator_derivation", "indicator_spc", "spc_event", "comparator_area")


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
        Table(
            "partner",
            ("code",),
            (
                Column("code", required=True),
                Column("name", required=True),
                Column("sector", required=True),
                Column("sort_order", "integer", required=True),
            ),
        ),
        Table(
            "tier",
            ("code",),
            (
                Column("code", required=True),
                Column("label", required=True),
                Column("description"),
                Column("sort_order", "integer", required=True),
            ),
        ),
        Table(
            "area",
            ("code",),
            (
                Column("code", required=True),
                Column("name", required=True),
                Column("kind", required=True),
                Column("sort_order", "integer", required=True),
            ),
        ),
        Table(
            "priority",
            ("id",),
            (
                Column("id", required=True),
                Column("tier_code", required=True),
                Column("sort_order", "integer", required=True),
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
        ),
        Table(
            "indicator",
            ("code",),
            (
                Column("code", required=True),
                Column("priority_id", required=True),
                Column("sort_order", "integer", required=True),
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
            ),
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

# Parents before children, for inserting; the reverse for deleting.
IMPORT_ORDER = (
    "partnership",
    "partner",
    "tier",
    "area",
    "priority",
    "indicator",
    "indicator_target",
    "indicator_derivation",
    "indicator_spc",
    "spc_event",
    "comparator_area",
)
# Rows that hang off an indicator and are simply replaced on every import.
REPLACED_WHOLE = (
    "indicator_target",
    "indicator_derivation",
    "indicator_spc",
    "spc_event",
    "comparator_area",
)


class FrameworkError(Refused, ValueError):
    """Every problem found in a framework file, listed together."""

    def __init__(self, problems: list[str], source: str = "framework"):
        self.problems = problems
        self.source = source
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) to fix:\n{listing}", problems)


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


# ---------------------------------------------------------------------------------------------
# Coercion and validation


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _coerce_value(value: Any, column: Column) -> Any:
    """One cell to its column's type; raises ValueError with a reason."""
    if _blank(value):
        return column.default
    if column.kind == "text":
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if column.choices and text not in column.choices:
            raise ValueError(f"'{text}' is not one of {', '.join(column.choices)}")
        return text
    if column.kind == "number":
        if isinstance(value, bool):
            raise ValueError(f"'{value}' is not a number")
        try:
            return float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    if column.kind == "integer":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"'{value}' is not a whole number") from None
        if not number.is_integer():
            raise ValueError(f"'{value}' is not a whole number")
        return int(number)
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "y", "1", "1.0"):
            return True
        if text in ("false", "no", "n", "0", "0.0"):
            return False
        raise ValueError(f"'{value}' is not yes or no")
    if column.kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValueError(f"'{value}' is not a date (write it as 2025-03-31)") from None
    raise AssertionError(f"unknown column kind {column.kind}")


_DTYPES = {
    "text": "object",
    "number": "float64",
    "integer": "Int64",
    "bool": "bool",
    "date": "object",
}


def coerce_table(
    rows: list[dict[str, Any]], table: Table, problems: list[str], where: str
) -> pd.DataFrame:
    """Rows of one table to a typed DataFrame; problems are appended, not raised."""
    known = set(table.column_names)
    clean = []
    for number, row in enumerate(rows, start=1):
        label = _row_label(table, row, number, where)
        extra = sorted(k for k in row if k not in known)
        if extra:
            problems.append(
                f"{label}: unknown field(s) {', '.join(extra)}; expected some of {', '.join(table.column_names)}"
            )
        out = {}
        for column in table.columns:
            try:
                out[column.name] = _coerce_value(row.get(column.name), column)
            except ValueError as err:
                problems.append(f"{label}: {column.name} {err}")
                out[column.name] = column.default
                continue  # one message per cell: "not a number" already says it all
            if column.required and _blank(out[column.name]):
                problems.append(f"{label}: {column.name} is required")
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
    key = " / ".join(str(row.get(k)) for k in table.key if not _blank(row.get(k)))
    return f"{where} {table.name} {key or f'row {number}'}".strip()


def validate(framework: Framework, problems: list[str] | None = None) -> list[str]:
    """Cross-table checks: unique keys, references, periods. Returns the problems found."""
    problems = [] if problems is None else problems
    t = framework.tables
    if len(t["partnership"]) != 1:
        problems.append("partnership: exactly one partnership is needed")
    for name, table in TABLES.items():
        if table.key and not t[name].empty:
            dupes = t[name][t[name].duplicated(list(table.key), keep=False)]
            for key in sorted(
                {" / ".join(map(str, r)) for r in dupes[list(table.key)].itertuples(index=False)}
            ):
                problems.append(f"{name} {key}: appears more than once; each must be unique")

    def refs(child: str, column: str, parent: str, parent_key: str) -> None:
        allowed = set(t[parent][parent_key])
        for key, value in zip(t[child][TABLES[child].key[0]], t[child][column], strict=True):
            if value is not None and value not in allowed:
                problems.append(
                    f"{child} {key}: {column} '{value}' is not a known {parent} ({', '.join(sorted(allowed))})"
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
    if "all" not in set(t["area"]["code"]):
        problems.append("area: the list of areas must include 'all', the whole partnership")

    frequency = dict(zip(t["indicator"]["code"], t["indicator"]["frequency"], strict=True))
    for row in t["indicator"].itertuples(index=False):
        if row.baseline_period:
            try:
                t["indicator"].loc[t["indicator"]["code"] == row.code, "baseline_period"] = (
                    periods.parse_period(row.baseline_period, row.frequency).code
                )
            except periods.PeriodError as err:
                problems.append(f"indicator {row.code}: baseline period {err}")
        if not pd.isna(row.tolerance) and row.tolerance < 0:
            problems.append(
                f"indicator {row.code}: tolerance {row.tolerance:g} is negative; "
                "give the width of the amber band as 0 or more"
            )
        if row.status_method == "baseline" and pd.isna(row.baseline_value):
            problems.append(
                f"indicator {row.code}: status method is baseline but no baseline value is given"
            )
    for index, row in t["indicator_target"].iterrows():
        freq = frequency.get(row["indicator_code"])
        if freq is None:
            continue
        try:
            t["indicator_target"].loc[index, "period"] = periods.parse_period(
                row["period"], freq
            ).code
        except periods.PeriodError as err:
            problems.append(f"indicator_target {row['indicator_code']}: trajectory period {err}")
    return problems


def frequency_of(t: dict[str, pd.DataFrame]) -> dict[str, str]:
    return dict(zip(t["indicator"]["code"], t["indicator"]["frequency"], strict=True))


def _validate_statistics(
    framework: Framework, frequency: dict[str, str], problems: list[str]
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
            problems.append(f"spc_event {row['indicator_code']}: {row['kind']} period {err}")
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
            problems.append(f"comparator group {name}: mark only one area as us (us: true)")


# ---------------------------------------------------------------------------------------------
# YAML


def from_yaml(path: str | Path) -> Framework:
    """Read the administrator's YAML file; raises FrameworkError listing every problem."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise FrameworkError([f"not valid YAML: {err}"], str(path)) from None
    if not isinstance(doc, dict):
        raise FrameworkError(
            [
                "the file should be a mapping with partnership, partners, tiers, areas and priorities"
            ],
            str(path),
        )
    return from_nested(doc, source=str(path))


def from_nested(doc: dict[str, Any], source: str = "framework") -> Framework:
    problems: list[str] = []
    missing = [k for k in ("partnership", "partners", "tiers", "priorities") if k not in doc]
    if missing:
        raise FrameworkError([f"missing section(s): {', '.join(missing)}"], source)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["partnership"] = [dict(doc["partnership"])]
    for section, table in (("partners", "partner"), ("tiers", "tier"), ("areas", "area")):
        for order, item in enumerate(doc.get(section) or [], start=1):
            rows[table].append({"sort_order": order, **item})
    if not rows["area"]:
        rows["area"] = [
            {
                "code": "all",
                "name": doc["partnership"].get("name", "Partnership"),
                "kind": "partnership",
                "sort_order": 1,
            }
        ]
    for p_order, item in enumerate(doc["priorities"] or [], start=1):
        item = dict(item)
        indicators = item.pop("indicators", None) or []
        if "tier" in item:
            item["tier_code"] = item.pop("tier")
        rows["priority"].append({"sort_order": p_order, **item})
        for i_order, ind in enumerate(indicators, start=1):
            ind = dict(ind)
            trajectory = ind.pop("trajectory", None) or {}
            _spc_rows(ind.get("code"), ind.pop("spc", None), rows, problems)
            derived = ind.pop("derived_from", None)
            if derived is not None:
                if not isinstance(derived, dict) or "series" not in derived:
                    problems.append(
                        f"indicator {ind.get('code')}: derived_from should be "
                        "{series: CODE, aggregate: sum, areas: [AREA, ...]}"
                    )
                else:
                    areas = derived.get("areas") or []
                    rows["indicator_derivation"].append(
                        {
                            "indicator_code": ind.get("code"),
                            "series_code": derived["series"],
                            "aggregate": derived.get("aggregate"),
                            "areas": ";".join(map(str, areas))
                            if isinstance(areas, list)
                            else areas,
                        }
                    )
            if "baseline" in ind:
                baseline = ind.pop("baseline") or {}
                if not isinstance(baseline, dict) or set(baseline) - {"value", "period"}:
                    problems.append(
                        f"indicator {ind.get('code')}: baseline should be "
                        "{value: NUMBER, period: PERIOD}"
                    )
                    baseline = {}
                if "baseline_value" in ind or "baseline_period" in ind:
                    problems.append(
                        f"indicator {ind.get('code')}: give the baseline once, either as "
                        "baseline: {value, period} or as baseline_value and baseline_period"
                    )
                ind["baseline_value"] = baseline.get("value")
                ind["baseline_period"] = baseline.get("period")
            rows["indicator"].append({"priority_id": item.get("id"), "sort_order": i_order, **ind})
            for period, target in trajectory.items():
                rows["indicator_target"].append(
                    {"indicator_code": ind.get("code"), "period": period, "target": target}
                )
    for g_order, group in enumerate(doc.get("comparator_groups") or [], start=1):
        if not isinstance(group, dict) or "name" not in group:
            problems.append(f"comparator group {g_order}: give it a name and a list of areas")
            continue
        for a_order, area in enumerate(group.get("areas") or [], start=1):
            area = dict(area) if isinstance(area, dict) else {}
            rows["comparator_area"].append(
                {
                    "group_name": group["name"],
                    "area_code": area.get("code"),
                    "area_name": area.get("name"),
                    "is_us": area.get("us", False),
                    "sort_order": g_order * 1000 + a_order,
                }
            )
    tables = {name: coerce_table(rows[name], TABLES[name], problems, "") for name in TABLES}
    framework = Framework(tables)
    validate(framework, problems)
    if problems:
        raise FrameworkError(problems, source)
    return framework


def _spc_rows(code: Any, spc: Any, rows: dict[str, list], problems: list[str]) -> None:
    """An indicator's ``spc: {profile, recalculate: {PERIOD: reason}, ghost: {PERIOD: reason}}``."""
    if spc is None:
        return
    if not isinstance(spc, dict) or set(spc) - {"profile", "recalculate", "ghost"}:
        problems.append(
            f"indicator {code}: spc should be {{profile: mdc, recalculate: {{PERIOD: reason}}, "
            "ghost: {PERIOD: reason}}"
        )
        return
    if "profile" in spc:
        rows["indicator_spc"].append({"indicator_code": code, "profile": spc["profile"]})
    for kind in SPC_EVENTS:
        for period, reason in (spc.get(kind) or {}).items():
            rows["spc_event"].append(
                {"indicator_code": code, "period": period, "kind": kind, "reason": reason}
            )


def to_nested(framework: Framework) -> dict[str, Any]:
    """The YAML shape: indicators nested under priorities, blanks left out."""

    def plain(record: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
        out = {}
        for key, value in record.items():
            if key in drop or _blank(value) or value is pd.NA:
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif hasattr(value, "item"):
                value = value.item()
            out[key] = value
        return out

    t = framework.tables
    doc: dict[str, Any] = {"partnership": plain(framework.partnership)}
    doc["partners"] = [
        plain(r, ("sort_order",)) for r in t["partner"].sort_values("sort_order").to_dict("records")
    ]
    doc["tiers"] = [
        plain(r, ("sort_order",)) for r in t["tier"].sort_values("sort_order").to_dict("records")
    ]
    doc["areas"] = [
        plain(r, ("sort_order",)) for r in t["area"].sort_values("sort_order").to_dict("records")
    ]
    doc["priorities"] = []
    for p in t["priority"].sort_values("sort_order").to_dict("records"):
        item = plain(p, ("sort_order",))
        item["tier"] = item.pop("tier_code")
        item["indicators"] = []
        inds = t["indicator"][t["indicator"]["priority_id"] == p["id"]].sort_values("sort_order")
        for ind in inds.to_dict("records"):
            entry = plain(ind, ("sort_order", "priority_id", "baseline_value", "baseline_period"))
            if not _blank(ind["baseline_value"]):
                entry["baseline"] = plain(
                    {"value": ind["baseline_value"], "period": ind["baseline_period"]}
                )
            derived = t["indicator_derivation"][
                t["indicator_derivation"]["indicator_code"] == ind["code"]
            ]
            for d in derived.itertuples():
                entry["derived_from"] = plain({"series": d.series_code, "aggregate": d.aggregate})
                if d.areas:
                    entry["derived_from"]["areas"] = d.areas.split(";")
            spc = _spc_block(t, ind["code"])
            if spc:
                entry["spc"] = spc
            traj = t["indicator_target"][t["indicator_target"]["indicator_code"] == ind["code"]]
            if not traj.empty:
                entry["trajectory"] = {
                    r.period: plain({"t": r.target})["t"] for r in traj.itertuples()
                }
            item["indicators"].append(entry)
        doc["priorities"].append(item)
    groups: dict[str, list] = {}
    for r in t["comparator_area"].sort_values("sort_order").itertuples():
        area = {"code": r.area_code, "name": r.area_name}
        if r.is_us:
            area["us"] = True
        groups.setdefault(r.group_name, []).append(area)
    if groups:
        doc["comparator_groups"] = [{"name": k, "areas": v} for k, v in groups.items()]
    return doc


def _spc_block(t: dict[str, pd.DataFrame], code: str) -> dict[str, Any]:
    block: dict[str, Any] = {}
    own = t["indicator_spc"][t["indicator_spc"]["indicator_code"] == code]
    method = t["indicator"].loc[t["indicator"]["code"] == code, "status_method"]
    for r in own.itertuples():
        # The default profile of an spc-status indicator is implied; write it only if chosen.
        if not (r.profile == "mdc" and (method == "spc").any()):
            block["profile"] = r.profile
    events = t["spc_event"][t["spc_event"]["indicator_code"] == code]
    for kind in SPC_EVENTS:
        chosen = events[events["kind"] == kind]
        if not chosen.empty:
            block[kind] = {r.period: r.reason for r in chosen.itertuples()}
    return block


def to_yaml(framework: Framework, path: str | Path) -> None:
    Path(path).write_text(
        yaml.safe_dump(to_nested(framework), sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )


# ---------------------------------------------------------------------------------------------
# Excel

_ABOUT = [
    (
        "What this is",
        "The outcomes framework: one sheet per table. Edit and import it back with "
        "`python -m outcomes framework import FILE.xlsx`.",
    ),
    (
        "Keys",
        "partner.code, tier.code, area.code, priority.id and indicator.code must be unique; "
        "indicators name their priority in priority_id.",
    ),
    ("level", "outcome (outcome measure) or output (output PI)"),
    ("unit", ", ".join(UNITS)),
    ("polarity", "higher (higher is better), lower (lower is better) or none (no judgement)"),
    ("frequency", ", ".join(FREQUENCIES)),
    (
        "tolerance",
        "the amber band: percent of the target, or an absolute amount when tolerance_kind is absolute",
    ),
    ("status_method", "target (default), baseline, or spc (the status read from the SPC icons)"),
    ("indicator_spc", "optional: an indicator's SPC rule profile, mdc (default) or plotthedots"),
    (
        "spc_event",
        "optional: recalculate (a change in the process from that period) or ghost (leave "
        "that period's figure out of the SPC calculation), each with a reason",
    ),
    (
        "comparator_area",
        "optional: the areas of each comparator group by public-data area code; is_us marks ours",
    ),
    (
        "indicator_target",
        "optional per-period targets (a trajectory) that override indicator.target",
    ),
    ("Periods", "months 2024-04, financial quarters 2024/25 Q1, financial years 2024/25"),
]


def to_xlsx(framework: Framework, path: str | Path) -> None:
    """One sheet per table, headers are the column names, plus an About sheet."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(_ABOUT, columns=["Topic", "Notes"]).to_excel(
            writer, sheet_name="About", index=False
        )
        for name in IMPORT_ORDER:
            frame = framework[name].copy()
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for idx, column in enumerate(frame.columns, start=1):
                longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
                sheet.column_dimensions[sheet.cell(1, idx).column_letter].width = min(
                    60, max(10, longest + 2)
                )
            sheet.freeze_panes = "A2"
        about = writer.sheets["About"]
        about.column_dimensions["A"].width = 18
        about.column_dimensions["B"].width = 110
        spreadsheets.neutralise_workbook(writer.book)


def from_xlsx(path: str | Path) -> Framework:
    """Read a workbook written by ``to_xlsx`` (or edited from one)."""
    path = Path(path)
    try:
        sheets, faults = files.read_tables(files.read_bytes(path, path.name), path.name)
    except FileRefused as refused:
        raise FrameworkError([p.message for p in refused.problems], str(path)) from None
    problems: list[str] = [p.message for p in faults]
    for name in OPTIONAL_SHEETS:
        sheets.setdefault(name, pd.DataFrame(columns=TABLES[name].column_names))
    missing = [name for name in TABLES if name not in sheets]
    if missing:
        raise FrameworkError(
            [f"missing sheet(s): {', '.join(missing)}; export a framework to see the layout"],
            str(path),
        )
    tables = {}
    for name, table in TABLES.items():
        frame = sheets[name].dropna(how="all")
        rows = [
            {k: v for k, v in r.items() if not str(k).startswith("Unnamed")}
            for r in frame.to_dict("records")
        ]
        tables[name] = coerce_table(rows, table, problems, f"sheet {name}:")
    framework = Framework(tables)
    validate(framework, problems)
    if problems:
        raise FrameworkError(problems, str(path))
    return framework


def read_file(path: str | Path) -> Framework:
    """A framework from ``.yaml``/``.yml`` or ``.xlsx``, chosen by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return from_yaml(path)
    if suffix == ".xlsx":
        return from_xlsx(path)
    raise FrameworkError([f"'{suffix}' files are not supported: use .yaml or .xlsx"], str(path))


# ---------------------------------------------------------------------------------------------
# Database


@writes("framework.change")
def import_framework(
    cur: duckdb.DuckDBPyConnection, framework: Framework, *, by: Person
) -> dict[str, int]:
    """Make the database's framework equal to ``framework``, in one transaction.

    Rows are upserted rather than deleted and re-inserted, so observations keep pointing at
    their indicator. An indicator or priority that the file drops but that still has figures is
    refused rather than deleted with its history.
    """
    counts = {}
    with transaction(cur):
        _refuse_dropping_used(cur, framework)
        for name in reversed(IMPORT_ORDER):
            table = TABLES[name]
            if name in REPLACED_WHOLE:
                cur.execute(f"DELETE FROM {name}")
            elif table.key:
                keep = list(framework[name][table.key[0]])
                cur.execute(
                    f"DELETE FROM {name} WHERE NOT list_contains(?, {table.key[0]})", [keep]
                )
        for name in IMPORT_ORDER:
            frame = framework[name].copy()
            if name == "partnership":
                frame.insert(0, "id", 1)
            if name == "indicator":
                # indicator.status_method's CHECK predates spc; indicator_spc carries it.
                frame["status_method"] = frame["status_method"].replace("spc", "target")
            _upsert(cur, name, frame, ("id",) if name == "partnership" else TABLES[name].key)
            counts[name] = len(frame)
        spc_status = list(
            framework["indicator"].loc[framework["indicator"]["status_method"] == "spc", "code"]
        )
        cur.execute(
            "UPDATE indicator_spc SET status_by_spc = list_contains(?, indicator_code)",
            [spc_status],
        )
        audit(cur, by, "framework", "all", "imported", after=counts)
    return counts


def _upsert(
    cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, key: tuple[str, ...]
) -> None:
    # UPDATE then INSERT, not INSERT OR REPLACE: DuckDB replaces by delete-and-insert, which
    # its foreign keys refuse while indicators and figures still point at the row.
    columns = list(frame.columns)
    with registered(cur, "_framework_rows", frame):
        match = " AND ".join(f"t.{k} = f.{k}" for k in key)
        settable = [c for c in columns if c not in key]
        if settable:
            assignments = ", ".join(f"{c} = f.{c}" for c in settable)
            cur.execute(
                f"UPDATE {name} AS t SET {assignments} FROM _framework_rows AS f WHERE {match}"
            )
        listed = ", ".join(columns)
        cur.execute(
            f"INSERT INTO {name} ({listed}) SELECT {listed} FROM _framework_rows AS f "
            f"WHERE NOT EXISTS (SELECT 1 FROM {name} AS t WHERE {match})"
        )


def _refuse_dropping_used(cur: duckdb.DuckDBPyConnection, framework: Framework) -> None:
    keep = list(framework["indicator"]["code"])
    used = cur.execute(
        "SELECT indicator_code, count(*) FROM observation WHERE NOT list_contains(?, indicator_code) "
        "GROUP BY ALL ORDER BY 1",
        [keep],
    ).fetchall()
    if used:
        raise FrameworkError(
            [
                f"indicator {code} has {n} recorded figure(s); keep it in the framework (its history would be lost)"
                for code, n in used
            ]
        )


def read_framework(cur: duckdb.DuckDBPyConnection) -> Framework:
    """The framework as it stands in the database."""
    tables = {}
    for name, table in TABLES.items():
        order = "sort_order" if "sort_order" in table.column_names else ", ".join(table.key) or "1"
        frame = cur.execute(
            f"SELECT {', '.join(table.column_names)} FROM {name} ORDER BY {order}"
        ).df()
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        tables[name] = coerce_table(rows, table, [], "")
    by_spc = {
        code
        for (code,) in cur.execute(
            "SELECT indicator_code FROM indicator_spc WHERE status_by_spc"
        ).fetchall()
    }
    tables["indicator"].loc[tables["indicator"]["code"].isin(by_spc), "status_method"] = "spc"
    return Framework(tables)


__all__ = [
    "TABLES",
    "Framework",
    "FrameworkError",
    "from_yaml",
    "from_xlsx",
    "read_file",
    "to_xlsx",
    "to_yaml",
    "import_framework",
    "read_framework",
    "insert_frame",
]
