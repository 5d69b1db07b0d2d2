"""The framework's files: the administrator's YAML (indicators nested under priorities) and the xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from loaders import files
from loaders.isolation import read_isolated
from loaders.problems import FileRefused, Problem
from outcomes.rules import spreadsheets
from outcomes.storage.people import Person, require
from outcomes.workflows.framework.checking import blank, coerce_table, validate
from outcomes.workflows.framework.tables import (
    FREQUENCIES,
    IMPORT_ORDER,
    OPTIONAL_SHEETS,
    SPC_EVENTS,
    TABLES,
    UNITS,
    Framework,
    FrameworkError,
    fault,
)


def from_yaml(path: str | Path) -> Framework:
    """Read the administrator's YAML file; raises FrameworkError listing every problem."""
    path = Path(path)
    try:
        text = files.read_bytes(path, path.name).decode("utf-8")
        doc = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise FrameworkError([fault("framework-file")], str(path)) from None
    except yaml.YAMLError as err:
        raise FrameworkError(
            [fault("framework-file", "yaml", reason=_yaml_reason(err))], str(path)
        ) from None
    if not isinstance(doc, dict):
        raise FrameworkError([fault("framework-file", "mapping")], str(path))
    return from_nested(doc, source=str(path))


def _yaml_reason(err: yaml.YAMLError) -> str:
    r"""What PyYAML found wrong, where an administrator would look: its own sentence names the
    parser's "<unicode string>" and draws carets, which mean nothing in a browser.

    >>> try:
    ...     yaml.safe_load("priorities: [1, 2\n  bad: : yaml")
    ... except yaml.YAMLError as err:
    ...     print(_yaml_reason(err))
    expected ',' or ']', but got ':' (line 2, column 6)
    """
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None)
    if problem is None or mark is None:
        return " ".join(str(err).split())
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


def from_nested(doc: dict[str, Any], source: str = "framework") -> Framework:
    problems: list[Problem] = []
    missing = [k for k in ("partnership", "partners", "tiers", "priorities") if k not in doc]
    if missing:
        sections = ", ".join(missing)
        raise FrameworkError([fault("framework-file", "sections", sections=sections)], source)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["partnership"] = [dict(doc["partnership"])]
    _due_rows("partnership", None, rows["partnership"][0].pop("due_days", None), rows, problems)
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
        _due_rows("priority", item.get("id"), item.pop("due_days", None), rows, problems)
        rows["priority"].append({"sort_order": p_order, **item})
        for i_order, ind in enumerate(indicators, start=1):
            ind = dict(ind)
            trajectory = ind.pop("trajectory", None) or {}
            due = ind.pop("due_days", None)
            if due is not None:
                _due_rows("indicator", ind.get("code"), {ind.get("frequency"): due}, rows, problems)
            _spc_rows(ind.get("code"), ind.pop("spc", None), rows, problems)
            derived = ind.pop("derived_from", None)
            if derived is not None:
                if not isinstance(derived, dict) or "series" not in derived:
                    problems.append(fault("framework-shape", "derived", indicator=ind.get("code")))
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
                    problems.append(fault("framework-shape", "baseline", indicator=ind.get("code")))
                    baseline = {}
                if "baseline_value" in ind or "baseline_period" in ind:
                    problems.append(
                        fault("framework-shape", "baseline-twice", indicator=ind.get("code"))
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
            problems.append(fault("framework-shape", "group", group=g_order))
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


def _due_rows(
    scope: str, key: Any, due: Any, rows: dict[str, list], problems: list[Problem]
) -> None:
    """``due_days: {monthly: 20, quarterly: 45}`` (an indicator's one number arrives keyed by its
    own frequency) as rows of the reporting calendar."""
    if due is None:
        return
    if not isinstance(due, dict):
        problems.append(fault("framework-shape", where=f"{scope} {key or ''}".strip()))
        return
    for frequency, days in due.items():
        rows["return_due"].append(
            {"scope": scope, "scope_key": key, "frequency": frequency, "due_days": days}
        )


def _due_of(t: dict[str, pd.DataFrame], scope: str, key: Any) -> dict[str, int]:
    rule = t["return_due"]
    own = rule[(rule["scope"] == scope) & (rule["scope_key"].fillna("") == (key or ""))]
    return {r.frequency: int(r.due_days) for r in own.itertuples()}


def _spc_rows(code: Any, spc: Any, rows: dict[str, list], problems: list[Problem]) -> None:
    """An indicator's ``spc: {profile, recalculate: {PERIOD: reason}, ghost: {PERIOD: reason}}``."""
    if spc is None:
        return
    if not isinstance(spc, dict) or set(spc) - {"profile", "recalculate", "ghost"}:
        problems.append(fault("framework-shape", "spc", indicator=code))
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
            if key in drop or blank(value) or value is pd.NA:
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif hasattr(value, "item"):
                value = value.item()
            out[key] = value
        return out

    t = framework.tables
    doc: dict[str, Any] = {"partnership": plain(framework.partnership)}
    if due := _due_of(t, "partnership", None):
        doc["partnership"]["due_days"] = due
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
        if due := _due_of(t, "priority", p["id"]):
            item["due_days"] = due
        item["indicators"] = []
        inds = t["indicator"][t["indicator"]["priority_id"] == p["id"]].sort_values("sort_order")
        for ind in inds.to_dict("records"):
            entry = plain(ind, ("sort_order", "priority_id", "baseline_value", "baseline_period"))
            if not blank(ind["baseline_value"]):
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
            if due := _due_of(t, "indicator", ind["code"]):
                entry["due_days"] = next(iter(due.values()))
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
    (
        "return_due",
        "optional: the reporting calendar, a period's return due due_days after it ends; scope "
        "partnership (scope_key blank), priority (its id) or indicator (its code, its frequency)",
    ),
    (
        "public",
        "TRUE to show the indicator in the public view and the public pack (default FALSE)",
    ),
    (
        "suppression",
        "small numbers in public: nhs-england (default: 1 to 7 shown as fewer than 8, area "
        "counts rounded to 5), none, threshold N, or withhold (only the status is published)",
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
            frame = spreadsheets.writable(framework[name])
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
        raise FrameworkError(refused.problems, str(path)) from None
    problems: list[Problem] = list(faults)
    for name in OPTIONAL_SHEETS:
        sheets.setdefault(name, pd.DataFrame(columns=TABLES[name].column_names))
    missing = [name for name in TABLES if name not in sheets]
    if missing:
        sheets = ", ".join(missing)
        raise FrameworkError([fault("framework-file", "sheets", sheets=sheets)], str(path))
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


def read_file(path: str | Path, *, by: Person | None) -> Framework:
    """A framework ``by`` sent, from ``.yaml``/``.yml`` or ``.xlsx`` by the file's extension.

    Refused before a byte is read unless ``by`` may change the framework. Read in a child
    process held to the reading limits (loaders.isolation), like every file a person sends: a
    YAML of a billion aliases or a hostile workbook takes only the child.
    """
    require(by, "framework.change")
    try:
        return read_isolated(_read_file, Path(path), file=Path(path).name)
    except FileRefused as refused:
        if isinstance(refused, FrameworkError):
            raise
        raise FrameworkError(refused.problems, str(path)) from None


def _read_file(path: Path) -> Framework:
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return from_yaml(path)
    if suffix == ".xlsx":
        return from_xlsx(path)
    raise FrameworkError([fault("framework-file", "suffix", suffix=suffix)], str(path))
