"""Public data loaded once serves every partnership (issue 19 item 4), on both engines: the real
Devon and Cornwall police.uk force file for January 2019, loaded once into a force-area demo,
is stored once, and each partnership reads its own LSOAs and its own total and none of
another's; undoing it withdraws it for all; only an administrator may load or undo it."""

from __future__ import annotations

import pandas as pd
import pytest

from outcomes.queries import public_series
from outcomes.storage import people, public_schema
from outcomes.storage.people import NotPermitted
from outcomes.workflows import uploads
from tests.cli import outcomes

pytestmark = pytest.mark.engines

FORCE_FILE = "police_uk/2019-01-devon-and-cornwall-street.csv"
PLACES = {None: "Plymouth", "p_torbay": "Torbay", "p_cornwall": "Cornwall"}


@pytest.fixture(scope="module")
def force_file(realdata):
    return realdata / FORCE_FILE


@pytest.fixture(scope="module")
def expected(force_file) -> dict[str, pd.DataFrame]:
    """From the file itself: each district's crimes by LSOA (the police.uk rule: an LSOA is in
    Torbay when its name starts with "Torbay ")."""
    rows = pd.read_csv(force_file, dtype=str, keep_default_na=False)
    placed = rows[rows["LSOA code"] != ""]
    return {
        place: placed[placed["LSOA name"].str.startswith(place + " ")] for place in PLACES.values()
    }


def _person(store, schema, email):
    return people.person(store.cursor(schema), email, how="test")


def _load_shared(store, force_file, schema="p_torbay"):
    """The force file loaded by Torbay's administrator, shared by all (the cursor it went to)."""
    store.schema = schema
    admin = _person(store, schema, f"admin@{schema.removeprefix('p_')}.demo.example")
    cur, prepared = uploads.prepare_for(store, force_file, by=admin)
    assert prepared.shared and public_schema.on_public_data(cur)
    result = uploads.commit(cur, prepared, by=admin)
    return cur, result, admin


def _police(cur) -> pd.DataFrame:
    return cur.execute(
        "SELECT series_code, area, value, shared FROM series_current "
        "WHERE series_code LIKE 'police_uk.%'"
    ).df()


def test_one_load_serves_each_partnership_its_own_areas(force_store, force_file, expected):
    public, result, _ = _load_shared(force_store, force_file)
    stored = public.execute("SELECT count(*) FROM series_value").fetchone()[0]
    assert stored == result.rows_new > 0
    for schema, place in PLACES.items():
        cur = force_store.cursor(schema)
        # Stored once: no partnership holds a copy of its own.
        own = "SELECT count(*) FROM series_value WHERE series_code LIKE 'police_uk.%'"
        assert cur.execute(own).fetchone()[0] == 0
        seen = _police(cur)
        assert seen["shared"].all()
        mine = expected[place]
        assert set(seen["area"]) - {"all"} == set(mine["LSOA code"])
        total = seen.loc[seen["area"] == "all", "value"].sum()
        assert total == len(mine), place
        others = set().union(*(set(f["LSOA code"]) for p, f in expected.items() if p != place))
        assert not others & set(seen["area"])
    # The partnership's total is Plymouth's 2,254 rows of that month (SOURCES.md).
    assert _police(force_store.cursor(None)).query("area == 'all'")["value"].sum() == 2254


def test_each_partnership_is_told_where_its_figures_came_from(force_store, force_file):
    _load_shared(force_store, force_file)
    for schema in PLACES:
        told = public_series.sources(force_store.cursor(schema))
        assert told["File"].tolist() == [force_file.name]
        assert told["Loaded for"].tolist() == ["every partnership (shared upload 1)"]
        assert told["Loaded by"].tolist() == ["Adi Admin (administrator, Torbay)"]


def test_undo_of_the_shared_load_withdraws_it_for_all(force_store, force_file):
    public, result, admin = _load_shared(force_store, force_file)
    uploads.rollback(public, result.upload_id, by=admin)
    assert all(_police(force_store.cursor(s)).empty for s in PLACES)
    uploads.restore(public, result.upload_id, by=admin)
    assert all(not _police(force_store.cursor(s)).empty for s in PLACES)
    trail = public.execute(
        "SELECT change FROM audit_log WHERE entity = 'upload' ORDER BY id"
    ).fetchall()
    assert [c for (c,) in trail] == ["committed", "rolled back", "restored"]


def test_a_lead_or_an_analyst_cannot_load_or_undo_public_data_for_all(force_store, force_file):
    force_store.schema = "p_torbay"
    lead = _person(force_store, "p_torbay", "street.violence.lead@torbay.demo.example")
    analyst = _person(force_store, "p_torbay", "analyst@torbay.demo.example")
    for who in (lead, analyst):
        with pytest.raises(NotPermitted):
            uploads.prepare_for(force_store, force_file, by=who, fmt="police-uk")
    public, result, admin = _load_shared(force_store, force_file)
    # The core refuses on the shared data whichever way it is reached.
    prepared = uploads.prepare(public, force_file, by=admin)
    with pytest.raises(NotPermitted):
        uploads.commit(public, prepared, by=analyst)
    for who in (lead, analyst):
        with pytest.raises(NotPermitted):
            uploads.rollback(public, result.upload_id, by=who)
    assert not _police(force_store.cursor("p_torbay")).empty


def test_a_partnership_added_later_reads_the_shared_load(force_store, force_file):
    from outcomes.workflows.partnerships import add

    _load_shared(force_store, force_file)
    made = add(force_store, "exeter", name="Exeter CSP", by=people.command_line_person())
    seen = _police(force_store.cursor(made.schema))
    assert seen.empty  # its framework names no area yet ("Exeter CSP")
    cur = force_store.cursor(made.schema)
    cur.execute("UPDATE partnership SET area_name = 'Exeter'")
    assert _police(cur).query("area == 'all'")["value"].sum() > 0


def test_the_command_line_loads_once_and_lists_and_undoes_the_shared_load(force_store, force_file):
    db = str(force_store.path)
    force_store.close()
    loaded = outcomes("load", "--partnership", "cornwall", "--db", db, str(force_file))
    assert loaded.returncode == 0, loaded.stderr
    assert "districts: Cornwall, East Devon" in loaded.stdout
    listed = outcomes("uploads", "--public-data", "--db", db)
    assert force_file.name in listed.stdout
    refused = outcomes(
        "rollback", "1", "--public-data", "--db", db,
        "--partnership", "cornwall", "--as", "analyst@cornwall.demo.example",
    )  # fmt: skip
    assert refused.returncode != 0 and "An administrator may" in refused.stderr
    undone = outcomes("rollback", "1", "--public-data", "--db", db)
    assert undone.returncode == 0 and "rolled back" in undone.stdout


def test_a_database_of_one_partnership_loads_into_its_own_figures(demo_store, force_file):
    admin = people.command_line_person()
    cur, prepared = uploads.prepare_for(demo_store, force_file, by=admin)
    assert not prepared.shared and not public_schema.exists(cur)
    uploads.commit(cur, prepared, by=admin)
    seen = _police(cur)
    assert not seen["shared"].any()
    assert seen.query("area == 'all'")["value"].sum() == 2254


def test_the_ons_workbook_loaded_once_gives_each_its_comparator_areas(force_store, realdata):
    workbook = realdata / "ons_csp/ons_csp_recorded_crime_ye_dec2022.xlsx"
    force_store.schema = "p_cornwall"
    admin = _person(force_store, "p_cornwall", "admin@cornwall.demo.example")
    public, prepared = uploads.prepare_for(force_store, workbook, by=admin)
    result = uploads.commit(public, prepared, by=admin, accept_warnings=True)
    assert public.execute("SELECT count(*) FROM series_value").fetchone()[0] == result.rows_new
    in_file = {a for (a,) in public.execute("SELECT DISTINCT area FROM series_value").fetchall()}
    for schema in PLACES:
        cur = force_store.cursor(schema)
        group = {a for (a,) in cur.execute("SELECT area_code FROM comparator_area").fetchall()}
        seen = cur.execute(
            "SELECT DISTINCT area FROM series_current WHERE series_code LIKE 'ons_csp.%'"
        ).fetchall()
        assert {a for (a,) in seen} == group & in_file
        said = public_series.came_from(cur, "ons_csp.population")
        assert said.startswith(f"Figures from {workbook.name}, loaded once for every partnership")


def test_a_copy_keeps_the_shared_data_and_each_partnerships_view_of_it(
    force_store, force_file, tmp_path
):
    from outcomes.storage import moving
    from outcomes.storage.store import open_store

    _load_shared(force_store, force_file)
    before = {s: len(_police(force_store.cursor(s))) for s in PLACES}
    source = force_store.path
    force_store.close()
    moving.copy(source, tmp_path / "copy.duckdb", replace=False, opener=open_store)
    copy = open_store(tmp_path / "copy.duckdb")
    try:
        assert {s: len(_police(copy.cursor(s))) for s in PLACES} == before
    finally:
        copy.close()


# ---------------------------------------------------------------------------------------------
# Indicators derived from the shared data, recomputed in each partnership (its own areas only)

VIOLENCE = "police_uk.violence-and-sexual-offences"
QUARTER = "2018/19 Q4"  # January to March 2019


@pytest.fixture(scope="module")
def quarter_files(force_file, tmp_path_factory) -> list:
    """The force file for January, and the same crimes dated February and March: a whole
    quarter, so each partnership's quarterly violence (SV04, derived from police.uk) is due."""
    folder = tmp_path_factory.mktemp("force-quarter")
    rows = pd.read_csv(force_file, dtype=str, keep_default_na=False)
    files = [force_file]
    for month in ("2019-02", "2019-03"):
        path = folder / f"{month}-devon-and-cornwall-street.csv"
        rows.assign(Month=month).to_csv(path, index=False)
        files.append(path)
    return files


def _derived(cur) -> pd.DataFrame:
    return cur.execute(
        "SELECT o.indicator_code, o.area, o.value, o.upload_id, u.sha256 "
        "FROM observations_current AS o JOIN upload AS u ON u.id = o.upload_id "
        "WHERE u.source_format = 'derived' ORDER BY o.indicator_code"
    ).df()


def _violence_in(expected_rows: pd.DataFrame) -> int:
    return int((expected_rows["Crime type"] == "Violence and sexual offences").sum())


def test_derived_indicators_follow_a_shared_load_in_each_partnership(
    force_store, quarter_files, expected
):
    for schema in PLACES:  # each derives SV04 from police.uk violence, for its whole area
        rule = force_store.cursor(schema).execute(
            "SELECT series_code, areas FROM indicator_derivation WHERE indicator_code = 'SV04'"
        )
        assert rule.fetchall() == [(VIOLENCE, None)], schema
    loads = [_load_shared(force_store, path)[1] for path in quarter_files]
    for schema, place in PLACES.items():
        cur = force_store.cursor(schema)
        seen = _derived(cur)
        sv04 = seen[seen["indicator_code"] == "SV04"]
        # Its own district's violence, three months of it: none of another's.
        assert sv04["value"].tolist() == [3 * _violence_in(expected[place])], place
        assert sv04["area"].tolist() == ["all"]
        # Computed once the quarter was whole: from the March load, and marked as such.
        assert set(seen["sha256"]) == {f"shared:{loads[-1].upload_id}"}, place
        quarter = cur.execute(
            "SELECT count(*) FROM observations_current WHERE indicator_code = 'SV04' "
            "AND period = ? AND value = ?",
            [QUARTER, 3 * _violence_in(expected[place])],
        )
        assert quarter.fetchone() == (1,), place
    assert len({_violence_in(expected[p]) for p in PLACES.values()}) == 3


def test_recomputing_derived_indicators_again_changes_nothing(force_store, quarter_files):
    from outcomes.workflows.uploads import shared_derived

    public = None
    for path in quarter_files:
        public, result, admin = _load_shared(force_store, path)
    counts = {s: _uploads(force_store.cursor(s)) for s in PLACES}
    assert shared_derived.rederive(public, result.upload_id, by=admin) == {}
    # Loading the same file again is "already loaded": nothing shared, nothing derived.
    again = _load_shared(force_store, quarter_files[-1])[1]
    assert again.upload_id is None
    assert {s: _uploads(force_store.cursor(s)) for s in PLACES} == counts


def _uploads(cur) -> int:
    return cur.execute("SELECT count(*) FROM upload").fetchone()[0]


def test_undoing_the_shared_load_withdraws_each_partnerships_derived_figures(
    force_store, quarter_files
):
    for path in quarter_files:
        public, result, admin = _load_shared(force_store, path)
    assert all(not _derived(force_store.cursor(s)).empty for s in PLACES)
    uploads.rollback(public, result.upload_id, by=admin)
    assert all(_derived(force_store.cursor(s)).empty for s in PLACES)
    # The shared cursor is on the shared data still, whatever it visited meanwhile.
    assert public_schema.on_public_data(public)
    uploads.restore(public, result.upload_id, by=admin)
    assert all(not _derived(force_store.cursor(s)).empty for s in PLACES)
    trail = (
        force_store.cursor("p_cornwall")
        .execute("SELECT change FROM audit_log WHERE entity = 'upload' ORDER BY id")
        .fetchall()
    )
    assert [c for (c,) in trail][-3:] == ["committed", "rolled back", "restored"]
