"""outcomes.outputs.exports: views out as CSV, xlsx and Parquet; the framework out and back in."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from outcomes.outputs import exports
from outcomes.rules import spreadsheets
from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows import framework, meetings
from tests.actors import ADMIN

SCHEMA = (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def test_every_view_offered_is_documented_in_the_schema(demo_store):
    names = exports.views(demo_store.cursor())
    assert names[:2] == ["observations_current", "indicator_status"]
    assert {"comparison_figures", "series_current", "indicator_rating"} <= set(names)
    documented = set(re.findall(r"^### `(\w+)`", SCHEMA, flags=re.M))
    assert set(names) <= documented, set(names) - documented
    assert set(names) <= set(exports.ABOUT), set(names) - set(exports.ABOUT)


@pytest.mark.parametrize("fmt", list(exports.FORMATS))
def test_a_view_reads_back_as_stored_and_typed_formulas_stay_text(demo_store, fmt):
    cur = demo_store.cursor()
    meetings.add_commentary(cur, "VV01", "2024/25 Q3", by=ADMIN, narrative=HOSTILE)
    stored = cur.execute("SELECT * FROM current_commentary ORDER BY id").df()
    content = exports.view_file(cur, "current_commentary", fmt)
    if fmt == "csv":
        back = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
        raw = list(back["narrative"])
        assert f"'{HOSTILE}" in raw  # the apostrophe a spreadsheet program shows as text
        assert HOSTILE in [spreadsheets.from_csv(v) for v in raw]
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [c.value for c in sheet[1]]
        cells = [r[header.index("narrative")] for r in sheet.iter_rows(min_row=2)]
        mine = [c for c in cells if c.value == HOSTILE]
        assert mine and mine[0].data_type == "s" and mine[0].quotePrefix
        assert sheet.max_row - 1 == len(stored)
    else:
        back = pd.read_parquet(io.BytesIO(content))
        assert list(back.columns) == list(stored.columns)
        assert HOSTILE in list(back["narrative"])
        assert len(back) == len(stored)


def test_an_unknown_view_or_format_is_refused_in_words(demo_store):
    cur = demo_store.cursor()
    with pytest.raises(exports.ExportRefused, match="no view called 'upload; DROP'"):
        exports.view_file(cur, "upload; DROP", "csv")
    with pytest.raises(exports.ExportRefused, match="not 'docx'"):
        exports.view_file(cur, "indicator_status", "docx")


def test_control_characters_typed_in_the_framework_still_make_a_workbook(demo_store):
    cur = demo_store.cursor()
    cur.execute("UPDATE priority SET title = 'Safer\x07 streets' WHERE id = 'street-violence'")
    sheet = openpyxl.load_workbook(
        io.BytesIO(exports.view_file(cur, "indicator_status", "xlsx"))
    ).active
    assert sheet.max_row > 1


def test_the_framework_exported_imports_back_unchanged_and_changes_are_listed(demo_store):
    cur = demo_store.cursor()
    for fmt in ("xlsx", "yaml"):
        incoming = exports.framework_from_upload(
            exports.framework_file(cur, fmt), f"f.{fmt}", by=ADMIN
        )
        changes = exports.framework_changes(cur, incoming)
        assert not changes.any and changes.unchanged == 29, fmt
    fw = framework.read_framework(cur)
    fw["indicator"].loc[fw["indicator"]["code"] == "VV01", "target"] = 80.0
    t = fw.tables
    t["priority"] = t["priority"][t["priority"]["id"] != "safety-in-homes"]
    t["indicator"] = t["indicator"][t["indicator"]["priority_id"] != "safety-in-homes"]
    changes = exports.framework_changes(cur, fw)
    assert [c.split(":")[0] for c in changes.changed] == ["indicator VV01"]
    assert "priority safety-in-homes: Safety in people's homes" in changes.dropped
    assert changes.added == []


def test_a_framework_upload_that_is_not_one_is_refused_with_its_problems():
    with pytest.raises(framework.FrameworkError) as refused:
        exports.framework_from_upload(b"%PDF-1.7", "plan.pdf", by=ADMIN)
    assert [p.message for p in refused.value.problems] == [
        "'.pdf' files are not a framework: send the .xlsx or .yaml"
    ]
    with pytest.raises(framework.FrameworkError) as refused:
        exports.framework_from_upload(b"partnership: [", "plan.yaml", by=ADMIN)
    assert refused.value.source == "plan.yaml"
    assert refused.value.problems[0].message.startswith("not valid YAML")
    assert refused.value.problems[0].file == "plan.yaml"
