"""The framework file: the seven priorities, validation, and the xlsx/YAML round trips."""

from __future__ import annotations

import pytest
import yaml

from outcomes.errors import Refused, StillLinked
from outcomes.workflows import framework
from outcomes.workflows.demo import DEMO_FRAMEWORK
from tests.actors import ADMIN
from tests.board import record_business

SEVEN = [
    "Victims who are most vulnerable",
    "Reoffenders who cause the most harm",
    "Violent street crime in Stonehouse, Devonport and the City Centre",
    "Hate incidents against minority ethnic and faith communities",
    "Safety in people's homes",
    "Unknown scale of modern slavery",
    "Need to increase awareness about domestic abuse",
]


def test_demo_framework_has_the_plan_on_a_page(demo_framework):
    p = demo_framework.partnership
    assert p["name"] == "Safer Plymouth Partnership"
    assert p["vision"].startswith("We want a community where people feel safe and secure.")
    assert list(demo_framework["tier"]["label"]) == ["Individuals", "Communities", "Issues"]
    assert sorted(demo_framework["priority"]["title"]) == sorted(SEVEN)
    sectors = list(demo_framework["partner"]["sector"])
    assert sectors == [
        "Council",
        "Police",
        "Health",
        "Probation",
        "Fire",
        "Universities",
        "Communities",
    ]


def test_every_priority_has_an_outcome_measure_and_an_output_pi(demo_framework):
    ind = demo_framework["indicator"]
    for pid in demo_framework["priority"]["id"]:
        levels = set(ind[ind["priority_id"] == pid]["level"])
        assert levels == {"outcome", "output"} or {"outcome", "output"} <= levels, pid


def test_every_indicator_is_fully_defined(demo_framework):
    ind = demo_framework["indicator"]
    for column in (
        "definition",
        "unit",
        "polarity",
        "frequency",
        "source_partner",
        "accountable_role",
    ):
        assert ind[column].notna().all(), column
    # Role titles, not the names of people from the minutes.
    for name in ("Pete Aley", "Andy Boulting", "Bronwyn", "Tim Broom"):
        assert not ind["accountable_role"].str.contains(name).any()
    # Every indicator that is judged has a target or (for the baseline method) a baseline,
    # apart from the two the demo deliberately leaves without one.
    judged = ind[(ind["polarity"] != "none") & (ind["status_method"] == "target")]
    assert set(judged[judged["target"].isna()]["code"]) == {"MS03"}
    assert ind["baseline_value"].notna().sum() >= 19
    derived = demo_framework["indicator_derivation"].set_index("indicator_code")
    assert derived.at["SV04", "series_code"] == "police_uk.violence-and-sexual-offences"


def test_fire_service_priority_is_present(demo_framework):
    pr = demo_framework["priority"].set_index("id")
    assert pr.at["safety-in-homes", "lead_partner"] == "fire"


def test_baseline_periods_are_stored_canonical(demo_framework):
    ind = demo_framework["indicator"].set_index("code")
    assert ind.at["VV01", "baseline_period"] == "2021/22 Q1"
    assert ind.at["RO03", "baseline_period"] == "2021-04"
    assert ind.at["SV02", "baseline_period"] == "2021/22"


def test_xlsx_round_trip_loses_nothing(demo_framework, tmp_path):
    path = tmp_path / "plan.xlsx"
    framework.to_xlsx(demo_framework, path)
    back = framework.from_xlsx(path)
    assert back.equals(demo_framework)


def test_database_round_trip_loses_nothing(store, demo_framework, tmp_path):
    cur = store.cursor()
    framework.import_framework(cur, demo_framework, by=ADMIN)
    from_db = framework.read_framework(cur)
    assert from_db.equals(demo_framework)
    # and through a workbook, back into a second database
    framework.to_xlsx(from_db, tmp_path / "plan.xlsx")
    framework.import_framework(cur, framework.from_xlsx(tmp_path / "plan.xlsx"), by=ADMIN)
    assert framework.read_framework(cur).equals(demo_framework)


def test_yaml_round_trip_loses_nothing(demo_framework, tmp_path):
    framework.to_yaml(demo_framework, tmp_path / "plan.yaml")
    assert framework.from_yaml(tmp_path / "plan.yaml").equals(demo_framework)


def _doc():
    return yaml.safe_load(DEMO_FRAMEWORK.read_text(encoding="utf-8"))


def test_every_problem_is_reported_at_once(tmp_path):
    doc = _doc()
    first = doc["priorities"][0]
    first["tier"] = "neighbourhoods"
    first["indicators"][0]["polarity"] = "up"
    first["indicators"][1]["target"] = "lots"
    first["indicators"][2]["code"] = first["indicators"][0]["code"]
    del doc["priorities"][1]["aim"]
    doc["priorities"][2]["indicators"][0]["baseline"]["period"] = "Q1 2021"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(framework.FrameworkError) as caught:
        framework.from_yaml(path)
    text = str(caught.value)
    assert "tier_code 'neighbourhoods' is not a known tier" in text
    assert "polarity 'up' is not one of higher, lower, none" in text
    assert "target 'lots' is not a number" in text
    assert "indicator VV01: appears more than once" in text
    assert "aim is required" in text
    assert "baseline period" in text and "Q1 2021" in text
    assert len(caught.value.problems) >= 6


def test_unknown_fields_are_named(tmp_path):
    doc = _doc()
    doc["priorities"][0]["indicators"][0]["polarity_typo"] = "higher"
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(framework.FrameworkError, match="unknown field\\(s\\) polarity_typo"):
        framework.from_yaml(path)


def test_a_partners_missing_priority_can_be_added(store, demo_framework, tmp_path):
    cur = store.cursor()
    framework.import_framework(cur, demo_framework, by=ADMIN)
    doc = framework.to_nested(demo_framework)
    doc["priorities"].append(
        {
            "id": "night-time-economy",
            "tier": "issues",
            "title": "Safety in the night-time economy",
            "aim": "Make the city centre at night safer.",
            "outputs": "More venues trained.",
            "outcomes": "Fewer assaults at night.",
            "success_measures": "Night-time violence.",
            "lead_role": "Licensing Service Manager, Plymouth City Council",
            "lead_partner": "council",
            "indicators": [],
        }
    )
    path = tmp_path / "plus.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    framework.import_framework(cur, framework.from_yaml(path), by=ADMIN)
    assert cur.execute("SELECT count(*) FROM priority").fetchone()[0] == 8


def test_dropping_an_indicator_with_figures_is_refused_and_changes_nothing(
    demo_store, demo_framework
):
    cur = demo_store.cursor()
    smaller = framework.Framework({k: v.copy() for k, v in demo_framework.tables.items()})
    smaller.tables["indicator"] = smaller["indicator"][smaller["indicator"]["code"] != "VV02"]
    with pytest.raises(framework.FrameworkError, match="indicator VV02 has .* recorded figure"):
        framework.import_framework(cur, smaller, by=ADMIN)
    assert cur.execute("SELECT count(*) FROM indicator").fetchone()[0] == 22


def renamed_priority(fw: framework.Framework, old: str, new: str) -> framework.Framework:
    tables = {k: v.copy() for k, v in fw.tables.items()}
    for name, column in (("priority", "id"), ("indicator", "priority_id")):
        tables[name][column] = tables[name][column].replace(old, new)
    return framework.Framework(tables)


def test_renaming_a_priority_an_action_links_to_is_refused_in_words(store, demo_framework):
    cur = store.cursor()
    framework.import_framework(cur, demo_framework, by=ADMIN)
    linked = {"priority_id": "hate-incidents"}
    record_business(cur, [], [("A1", "Chase", "Sam", linked), ("A2", "Ask", "Jo", linked)])
    with pytest.raises(StillLinked) as refused:
        framework.import_framework(
            cur, renamed_priority(demo_framework, "hate-incidents", "hate"), by=ADMIN
        )
    assert str(refused.value) == (
        "The priority hate-incidents cannot be renamed or removed: 2 actions still link to it. "
        "Move them to another priority first, or keep this one. Nothing was written."
    )
    assert isinstance(refused.value, Refused)
    assert cur.execute("SELECT count(*) FROM priority WHERE id = 'hate'").fetchone()[0] == 0
    assert (
        cur.execute("SELECT count(*) FROM audit_log WHERE entity = 'framework'").fetchone()[0] == 1
    )  # the first import only


def test_unsupported_file_type_is_explained(tmp_path):
    with pytest.raises(framework.FrameworkError, match="use .yaml or .xlsx"):
        framework.read_file(tmp_path / "plan.docx", by=ADMIN)


def test_flat_baseline_fields_are_kept_and_negative_tolerance_is_refused(tmp_path):
    doc = _doc()
    ind = doc["priorities"][0]["indicators"][0]
    del ind["baseline"]
    ind["baseline_value"] = 60
    ind["baseline_period"] = "Q1 2021/22"
    path = tmp_path / "flat.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    fw = framework.from_yaml(path)
    row = fw["indicator"].set_index("code").loc["VV01"]
    assert (row["baseline_value"], row["baseline_period"]) == (60.0, "2021/22 Q1")
    ind["tolerance"] = -5
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(framework.FrameworkError, match="tolerance -5 is negative"):
        framework.from_yaml(path)


def test_a_bad_choice_is_reported_once(tmp_path):
    doc = _doc()
    doc["priorities"][0]["indicators"][0]["polarity"] = "up"
    path = tmp_path / "once.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(framework.FrameworkError) as caught:
        framework.from_yaml(path)
    assert [p.message for p in caught.value.problems if "polarity" in p.message] == [
        "indicator VV01: polarity 'up' is not one of higher, lower, none"
    ]


def test_the_reporting_calendar_round_trips_through_yaml_xlsx_and_the_database(tmp_path, store):
    import yaml

    from outcomes.workflows.framework import (
        from_nested,
        import_framework,
        read_framework,
        to_nested,
    )
    from outcomes.workflows.framework.formats import from_xlsx, to_xlsx

    doc = yaml.safe_load(DEMO_FRAMEWORK.read_text(encoding="utf-8"))
    doc["priorities"][0]["due_days"] = {"quarterly": 30}
    doc["priorities"][0]["indicators"][0]["due_days"] = 10
    plan = from_nested(doc)
    assert from_nested(to_nested(plan)).equals(plan)
    to_xlsx(plan, tmp_path / "plan.xlsx")
    assert from_xlsx(tmp_path / "plan.xlsx").equals(plan)
    cur = store.cursor()
    import_framework(cur, plan, by=ADMIN)
    assert read_framework(cur).equals(plan)
    days = dict(cur.execute("SELECT indicator_code, due_days FROM indicator_due").fetchall())
    assert (days["VV01"], days["VV02"], days["RO01"], days["RO03"]) == (10, 30, 45, 20)
    doc["priorities"][0]["indicators"][0]["due_days"] = 999
    doc["priorities"][1]["due_days"] = {"weekly": 5}
    with pytest.raises(framework.FrameworkError) as refused:
        from_nested(doc)
    said = str(refused.value)
    assert "due_days 999 should be a number of days from 0 to 366" in said and "weekly" in said
