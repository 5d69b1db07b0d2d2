"""Data and exports, and Public figures: the analyst's pages, through the real router.

A real police.uk file is loaded through the page and read back on Public figures; every view
is downloaded in every format and read back; the framework goes out and comes back in.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from outcomes.outputs import exports
from outcomes.outputs.pack import chromium as drawing
from outcomes.rules import spreadsheets
from outcomes.storage.store import PROJECT_ROOT
from tests.actors import ADMIN
from tests.pages.conftest import clear_caches
from tests.realdata.conftest import realdata  # noqa: F401, F811 (the real public files)

POLICE = "police_uk/2019-01-devon-and-cornwall-street.csv"


@pytest.fixture
def downloads(monkeypatch):
    """What each download button on the page hands Streamlit, by file name.

    AppTest keeps the files of a run only for that run; this keeps a copy of each as it is
    added (the real media manager still stores it).
    """
    files: dict[str, bytes] = {}
    original = MediaFileManager.add

    def add(self, content, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            files[file_name] = content if isinstance(content, bytes) else bytes(content)
        return original(self, content, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return files


@pytest.fixture
def at(fresh_db):
    app = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=120)
    app.session_state["demo_person"] = "analyst@demo.example"  # the demo's sign-in
    app.run()
    return app


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    _ok(at)
    return at


def _preview(at: AppTest, field: str, sent: tuple) -> str:
    """Send a file to the page's field ``field``; what its preview says, in one text."""
    at.file_uploader(key=f"{field}_file_0").set_value(sent)
    at.run()
    _ok(at)
    return "\n".join(m.value for m in at.markdown)


def _confirm(at: AppTest, field: str) -> None:
    at.button(key=f"{field}_confirm").click().run()
    _ok(at)


def _query(path: Path, sql: str):
    clear_caches()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _plymouth_counts(path: Path) -> Counter:
    """The file's street crimes in Plymouth's LSOAs, by crime type, counted straight from it."""
    with path.open(newline="", encoding="utf-8") as handle:
        return Counter(
            row["Crime type"]
            for row in csv.DictReader(handle)
            if row["LSOA name"].startswith("Plymouth ")
        )


def test_a_real_police_uk_file_loads_through_the_page_and_shows_on_public_figures(
    at,
    fresh_db,
    realdata,  # noqa: F811
):
    source = realdata / POLICE
    _page(at, "pages/data.py")
    said = _preview(at, "data", (source.name, source.read_bytes(), "text/csv"))
    assert "Loading it would add" in said and "new" in said
    _confirm(at, "data")
    assert at.success and at.success[0].value.startswith(f"Loaded {source.name} as upload 3:")
    [(by, fmt)] = _query(fresh_db, "SELECT uploaded_by, source_format FROM upload WHERE id = 3")
    assert fmt == "police-uk" and by

    _page(at, "pages/figures.py")
    expected = _plymouth_counts(source)
    table = next(d.value for d in at.dataframe if "Month" in d.value.columns)
    assert list(table["Month"]) == ["January 2019"]
    for crime_type in ("Burglary", "Shoplifting", "Violence and sexual offences"):
        assert table[crime_type].iloc[0] == expected[crime_type]
    assert int(table.drop(columns="Month").iloc[0].sum()) == sum(expected.values())
    charts = at.get("plotly_chart")
    assert charts, "no chart of the police.uk figures"


def test_public_figures_says_so_when_nothing_is_loaded(at):
    at.switch_page("pages/figures.py")
    at.run()
    assert not at.exception
    assert [i.value for i in at.info][0].startswith("No public figures are loaded yet")


def _read(fmt: str, content: bytes) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False).map(
            spreadsheets.from_csv
        )
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        return pd.DataFrame(rows[1:], columns=rows[0])
    return pd.read_parquet(io.BytesIO(content))


def test_every_view_downloads_in_every_format_and_reads_back(at, fresh_db, downloads):
    _page(at, "pages/data.py")
    views = at.selectbox(key="view_name").options
    expected = {
        v: _query(fresh_db, f'SELECT count(*) FROM "{v}"')[0][0]
        for v in ("observations_current", "indicator_status", "comparison_figures")
    }
    assert {"observations_current", "indicator_status", "comparison_figures"} <= set(
        v.split(":")[0] for v in views
    )
    names = [v.split(":")[0] for v in views]
    for view in names:
        for fmt in exports.FORMATS:
            at.selectbox(key="view_name").set_value(view)
            at.radio(key="view_format").set_value(fmt)
            at.run()
            _ok(at)
            frame = _read(fmt, downloads[f"{view}.{fmt}"])
            if view in expected:
                assert len(frame) == expected[view], (view, fmt)
            assert len(frame.columns) > 0, (view, fmt)
    # A figure read back is the figure stored, in each format.
    stored = _query(
        fresh_db,
        "SELECT value FROM observations_current WHERE indicator_code = 'VV01' "
        "AND period = '2024/25 Q3' AND area = 'all'",
    )[0][0]
    for fmt in exports.FORMATS:
        frame = _read(fmt, downloads[f"observations_current.{fmt}"])
        row = frame[(frame["indicator_code"] == "VV01") & (frame["period"] == "2024/25 Q3")]
        assert float(row[row["area"] == "all"]["value"].iloc[0]) == pytest.approx(stored)


def test_the_framework_goes_out_and_comes_back_in(at, fresh_db, downloads):
    _page(at, "pages/data.py")
    workbook = downloads["framework.xlsx"]
    doc = yaml.safe_load(downloads["framework.yaml"])
    assert len(doc["priorities"]) == 7

    # As it stands: nothing would change.
    at.file_uploader(key="framework_file_0").set_value(("plan.xlsx", workbook, "application/x"))
    at.run()
    _ok(at)
    assert "all the same" in at.info[0].value

    # A title changed and a priority's indicator target moved: both listed, then imported.
    doc["priorities"][0]["title"] = "Victims who are most vulnerable, and their families"
    changed = yaml.safe_dump(doc, allow_unicode=True).encode()
    said = _preview(at, "framework", ("plan.yaml", changed, "application/x"))
    assert "**1 changed**" in said and "vulnerable-victims" in said
    _confirm(at, "framework")
    assert at.success[0].value.startswith("Framework imported from plan.yaml: 7 priorities")
    assert _query(fresh_db, "SELECT title FROM priority WHERE id = 'vulnerable-victims'") == [
        ("Victims who are most vulnerable, and their families",)
    ]
    assert (
        _query(
            fresh_db,
            "SELECT who FROM audit_log WHERE entity = 'framework' ORDER BY changed_at DESC LIMIT 1",
        )
        != []
    )


def test_a_framework_with_problems_lists_every_one_and_changes_nothing(at, fresh_db):
    _page(at, "pages/data.py")
    bad = b"partnership: {name: X}\npartners: []\ntiers: []\npriorities:\n  - {id: p, tier: nowhere}\n"
    at.file_uploader(key="framework_file_0").set_value(("plan.yaml", bad, "application/x"))
    at.run()
    assert not at.exception
    assert "to fix first; nothing has been changed" in at.error[0].value
    listed = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    assert "nowhere" in listed
    assert _query(fresh_db, "SELECT count(*) FROM priority") == [(7,)]


def test_the_a3_pack_is_made_on_the_page(at, downloads, monkeypatch):
    monkeypatch.setattr(drawing, "trend_chart", lambda *a, **k: None)  # the layout, not charts
    _page(at, "pages/data.py")
    at.button(key="pack_a3").click().run()
    _ok(at)
    page = PdfReader(io.BytesIO(downloads["board-pack-A3.pdf"])).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 1191)  # A3 portrait, in points


def test_the_ons_workbook_shows_by_csp_on_public_figures(at, fresh_db, realdata):  # noqa: F811
    from outcomes.storage.store import open_store
    from outcomes.workflows import uploads

    clear_caches()
    store = open_store(fresh_db)
    try:
        cur = store.cursor()
        prepared = uploads.prepare(
            cur, realdata / "ons_csp/ons_csp_recorded_crime_ye_dec2022.xlsx", by=ADMIN
        )
        uploads.commit(cur, prepared, by=ADMIN, accept_warnings=True)
        stored = cur.execute(
            "SELECT v.value FROM series_current v JOIN series s ON s.code = v.series_code "
            "WHERE s.name = 'Burglary' AND v.area = 'E22000120' AND v.period = 'YE 2022-12'"
        ).fetchone()[0]
        csps = cur.execute(
            "SELECT count(DISTINCT area) FROM series_current WHERE period = 'YE 2022-12' "
            "AND series_code LIKE 'ons_csp.%'"
        ).fetchone()[0]
    finally:
        store.close()
    clear_caches()
    _page(at, "pages/figures.py")
    assert at.selectbox(key="ons_period").value == "YE 2022-12"
    assert "Year ending December 2022" in at.selectbox(key="ons_period").options
    table = next(d.value for d in at.dataframe if "Community Safety Partnership" in d.value.columns)
    assert len(table) == csps
    southampton = table[table["Code"] == "E22000120"]
    assert list(southampton["Community Safety Partnership"]) == ["Southampton"]
    assert southampton["Burglary"].iloc[0] == stored > 0
    # Devon and Cornwall's figures are published as [x]: blank, and the page says why.
    plymouth = table[table["Code"] == "E22000056"]
    assert pd.isna(plymouth["Burglary"].iloc[0])
    assert any("A blank" in c.value for c in at.caption)
    at.selectbox(key="ons_offence").set_value("Burglary").run()
    _ok(at)
    assert len(at.get("plotly_chart")) == 1  # the ONS chart; no police.uk file is loaded


def test_a_framework_that_is_not_yaml_says_where_in_the_administrators_own_terms(at, fresh_db):
    """PyYAML's own sentence names its "<unicode string>" and draws carets; the page says what
    is wrong and the line and column, as the administrator's editor numbers them."""
    _page(at, "pages/data.py")
    at.file_uploader(key="framework_file_0").set_value(
        ("plan.yaml", b"priorities: [1, 2\n  bad: : yaml", "application/x")
    )
    at.run()
    assert not at.exception
    listed = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    assert "line 2, column 6" in listed, listed
    assert "unicode string" not in listed and "^" not in listed, listed
    assert _query(fresh_db, "SELECT count(*) FROM priority") == [(7,)]
