"""Shared public data as a state machine (issue 19 item 4): force-wide police.uk files loaded,
undone and restored in any order, and after every step each of three partnerships reads
exactly its own district's current figures (its LSOAs, its total as ``all``) and nothing of the
others', the figures a model of revisions says are current."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from loaders.police_uk import POLICE_UK_COLUMNS, series_code
from outcomes.storage.store import open_store
from outcomes.workflows import partnerships, shared_data, uploads
from outcomes.workflows.framework import import_framework
from outcomes.workflows.framework.formats import from_nested
from tests.actors import ADMIN
from tests.states import examples

DISTRICTS = {None: "Plymouth", "p_torbay": "Torbay", "p_cornwall": "Cornwall"}
CRIMES = ("Burglary", "Drugs")
MONTHS = ("2019-01", "2019-02")


def _lsoa(district: str, n: int) -> tuple[str, str]:
    return f"E0{sorted(DISTRICTS.values()).index(district)}00000{n}", f"{district} 00{n}A"


@pytest.fixture(scope="module")
def three_partnerships(tmp_path_factory) -> Path:
    """Plymouth (the first, in the default schema), Torbay and Cornwall, sharing public data."""
    path = tmp_path_factory.mktemp("shared-states") / "three.duckdb"
    db = open_store(path)
    try:
        start = {"name": "Plymouth", "area_name": "Plymouth", "vision": "Safe."}
        plan = {"partnership": start, "partners": [], "tiers": [], "priorities": []}
        import_framework(db.cursor(None), from_nested(plan, "a start"), by=ADMIN)
        for pid in ("torbay", "cornwall"):
            partnerships.add(db, pid, name=pid.title(), by=ADMIN)
        shared_data.ensure(db)
    finally:
        db.close()
    return path


class SharedLoads(RuleBasedStateMachine):
    """The product, and a model: each load's figures, and which loads are in force."""

    template: Path
    folder: Path

    def __init__(self):
        super().__init__()
        self.path = self.folder / f"state-{id(self)}.duckdb"
        shutil.copyfile(self.template, self.path)
        self.db = open_store(self.path)
        self.public = shared_data.cursor(self.db)
        self.loads: list[tuple[int, dict, bool]] = []  # upload id, its figures, in force

    def current(self) -> dict:
        figures: dict = {}
        for _, written, in_force in self.loads:
            if in_force:
                figures.update(written)
        return figures

    @rule(
        month=st.sampled_from(MONTHS),
        crimes=st.lists(
            st.tuples(
                st.sampled_from(sorted(DISTRICTS.values())),
                st.integers(1, 2),
                st.sampled_from(CRIMES),
            ),
            min_size=1,
            max_size=10,
        ),
    )
    def load(self, month, crimes):
        path = self.folder / f"street-{id(self)}-{len(self.loads)}.csv"
        lines = [",".join(POLICE_UK_COLUMNS)]
        counted: dict = {}
        for district, n, crime in crimes:
            code, name = _lsoa(district, n)
            lines.append(",".join(["", month, "", "", "", "", "", code, name, crime, "", ""]))
            for area in (code, f"all:{district}"):
                key = (series_code(crime), month, area)
                counted[key] = counted.get(key, 0) + 1
        path.write_text("\n".join(lines) + "\n")
        prepared = uploads.prepare(self.public, path, by=ADMIN, fmt="police-uk")
        result = uploads.commit(self.public, prepared, by=ADMIN)
        now = self.current()
        written = {k: v for k, v in counted.items() if now.get(k) != v}
        if result.upload_id is not None:
            self.loads.append((result.upload_id, written, True))
        else:  # the same figures again: nothing is written
            assert not written

    @precondition(lambda self: any(in_force for *_, in_force in self.loads))
    @rule(data=st.data())
    def undo(self, data):
        k = data.draw(st.sampled_from([i for i, (*_, f) in enumerate(self.loads) if f]))
        upload_id, written, _ = self.loads[k]
        uploads.rollback(self.public, upload_id, by=ADMIN)
        self.loads[k] = (upload_id, written, False)

    @precondition(lambda self: any(not in_force for *_, in_force in self.loads))
    @rule(data=st.data())
    def restore(self, data):
        k = data.draw(st.sampled_from([i for i, (*_, f) in enumerate(self.loads) if not f]))
        upload_id, written, _ = self.loads[k]
        uploads.restore(self.public, upload_id, by=ADMIN)
        self.loads[k] = (upload_id, written, True)

    @invariant()
    def each_partnership_reads_its_own_current_figures(self):
        figures = self.current()
        for schema, district in DISTRICTS.items():
            expected = {
                (s, m, "all" if a == f"all:{district}" else a, float(v))
                for (s, m, a), v in figures.items()
                if a == f"all:{district}" or a in {_lsoa(district, n)[0] for n in (1, 2)}
            }
            seen = (
                self.db.cursor(schema)
                .execute("SELECT series_code, period, area, value FROM series_current WHERE shared")
                .fetchall()
            )
            assert set(seen) == expected, district
            assert len(seen) == len(expected)

    def teardown(self):
        self.db.close()


def test_shared_loads_undone_and_restored_in_any_order(three_partnerships, tmp_path):
    SharedLoads.template, SharedLoads.folder = three_partnerships, tmp_path
    machine = SharedLoads.TestCase
    machine.settings = settings(examples(6), stateful_step_count=6)
    machine().runTest()
