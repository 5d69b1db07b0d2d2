"""Nothing of one partnership shows in another (issue 19): Hypothesis draws a second partnership
beside the demo's, with the same indicator codes and priority ids, names that echo the first's,
figures and commentary of its own, and its own lead; then reads the first partnership's pages
(AppTest), charts, view exports, board pack and commands, and finds none of it."""

from __future__ import annotations

import io
import json
import time
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from outcomes.outputs import charts, exports, pack
from outcomes.queries import board
from outcomes.queries.observations import record_upload
from outcomes.storage import people
from outcomes.storage.people import SYSTEM
from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import meetings, partnerships
from outcomes.workflows.demo import DEMO_FRAMEWORK, PLANS, demo_observations, facts
from outcomes.workflows.framework import Framework, from_yaml, import_framework
from tests.actors import acting
from tests.cli import outcomes
from tests.pages.conftest import clear_caches
from tests.pages.test_sign_in_pages import AUTH, _all_text
from tests.states import scaled

FRAMEWORK = from_yaml(DEMO_FRAMEWORK)
# The indicators the demo has figures for (SV04 is worked out from police.uk, not returned).
CODES = sorted(set(FRAMEWORK["indicator"]["code"]) & set(PLANS))


def _other(db, token: str, codes: list[str], figure: int) -> str:
    """A partnership beside the demo's: the same codes and ids, its own names, figures,
    commentary and lead. Returns its lead's address."""
    made = partnerships.add(db, "other", name=f"Safer Plymouth {token}", by=SYSTEM)
    cur = db.cursor(made.schema)
    tables = {k: v.copy() for k, v in FRAMEWORK.tables.items()}
    tables["partnership"] = tables["partnership"].assign(name=f"Safer Plymouth {token}")
    tables["priority"]["title"] = tables["priority"]["title"] + f" {token}"
    ind = tables["indicator"]
    ind["name"] = [
        f"{n} {token}" if c in codes else n for c, n in zip(ind["code"], ind["name"], strict=True)
    ]
    import_framework(cur, Framework(tables), by=SYSTEM)
    at = facts()
    frame = demo_observations(FRAMEWORK, at, variant=7)
    frame = frame[frame["indicator_code"].isin(codes) & (frame["area"] == "all")].copy()
    frame["value"] = float(figure)
    record_upload(cur, frame, by=SYSTEM, file_name=f"{token}.csv", source_format="return")
    latest = frame.sort_values("period").groupby("indicator_code")["period"].last()
    for code, period in latest.items():
        meetings.add_commentary(
            cur, code, period, by=acting("Analyst"), narrative=f"Commentary {token}"
        )
    lead = f"{token.lower()}@other.example"
    priority = ind.set_index("code").loc[codes[0], "priority_id"]
    people.add_person(cur, lead, name=token, role="lead", priorities=[priority], by=SYSTEM)
    return lead


def _first_partnership_texts(db_file, codes: list[str]) -> str:
    """Everything the first partnership shows: pages, charts, exports, pack and commands."""
    db = open_store(db_file)
    try:
        cur = db.cursor(None)
        parts = [board.priority_summary(cur).to_csv(), board.indicator_ratings(cur).to_csv()]
        for code in codes:
            parts.append(
                charts.trend(board.history(cur, code), board.indicator(cur, code)).to_json()
            )
        for view in exports.views(cur):
            parts.append(exports.view_frame(cur, view).to_csv())
        out = io.BytesIO()
        pack.build_pack(cur, "xlsx", out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as book:
            parts += [book.read(n).decode("utf-8", "replace") for n in book.namelist()]
    finally:
        db.close()
    for args in (["status", "--json"], ["user", "list", "--json"], ["uploads", "--json"]):
        done = outcomes(*args, "--db", str(db_file), "--partnership", "plymouth")
        assert done.returncode == 0, done.stderr
        parts.append(done.stdout)
    pages = [("pages/overview.py", {}), ("pages/priority.py", {}),
             ("pages/indicator.py", {"code": codes[0]}), ("pages/data.py", {})]  # fmt: skip
    for page, query in pages:
        at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
        at.query_params["partnership"] = "plymouth"
        for k, v in query.items():
            at.query_params[k] = v
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        parts.append(_all_text(at) + " ".join(str(d.value) for d in at.dataframe))
        clear_caches()
    return "\n".join(parts)


@settings(
    max_examples=scaled(2),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    token=st.from_regex(r"Zq[a-z]{4,8}", fullmatch=True),
    codes=st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
    figure=st.integers(900_001, 999_999),
)
def test_nothing_of_one_partnership_shows_in_another(
    tmp_path_factory, copy_demo, monkeypatch, token, codes, figure
):
    db_file = copy_demo(tmp_path_factory.mktemp("isolation") / "two.duckdb")
    db = open_store(db_file)
    try:
        lead = _other(db, token, codes, figure)
    finally:
        db.close()
    monkeypatch.setenv("OUTCOMES_DB", str(db_file))
    try:
        seen = _first_partnership_texts(db_file, codes)
        assert token not in seen and token.lower() not in seen
        assert f"{figure:,}" not in seen and str(figure) not in seen
        # The other partnership's lead, signed in, finds no role in the first.
        at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "iat": time.time(), "email": lead, "name": token}
        at.query_params["partnership"] = "plymouth"
        at.run()
        assert [t.value for t in at.title] == ["No role here yet"]
        assert "Safer Plymouth Partnership" not in _all_text(at)
    finally:
        clear_caches()
    # And the other's own figures are there to be found, so the search could fail.
    other = outcomes("status", "--json", "--db", str(db_file), "--partnership", "other")
    values = {r["indicator_code"]: r["value"] for r in json.loads(other.stdout)}
    assert all(values[c] == figure for c in codes)
