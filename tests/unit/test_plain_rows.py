"""A return's plain rows are checked on whole columns; every other row one at a time.

Both ways must come to the same figures and the same problems, whatever the rows hold: a
property test draws returns from cells of every kind a lead types (codes in any case, periods
of the wrong kind or not yet finished, areas by name or code or unknown, numbers as text,
fractions in a percentage, markers, commentary and blockages) and checks the column-wise
reading against the row-by-row one alone.
"""

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.returns import ROW_COLUMNS, ReturnRows
from outcomes.workflows.demo import facts
from outcomes.workflows.uploads import return_checks
from tests.states import scaled

D = facts()
TODAY = D.latest_quarter.next().end + timedelta(days=1)
LATEST = D.latest_quarter.code

CELLS = {
    "indicator_code": ["SV01", "sv01 ", "VV01", "VV03", "RO01", "XX99", None, "Notes"],
    "period_raw": [
        LATEST,
        D.latest_quarter.previous().code,
        D.latest_quarter.next().code,
        D.latest_quarter.next().next().code,  # not finished by TODAY
        "2025-05",
        "Q1 2025",
        datetime(2024, 7, 1),
        None,
    ],
    "area": [None, "", "  ", "Stonehouse", "devonport", "CITY-CENTRE", "Nowhere", "all"],
    "value_raw": [
        12,
        12.5,
        "34",
        " 1,234 ",
        "0.4",
        0.4,
        -3,
        "n/a",
        "12%",
        True,
        None,
        1e300,
        "7e1",
    ],
    "commentary": [None, None, None, "Going well", "  "],
    "blockage_raw": [None, None, "", "N", "Y", "maybe"],
}


def returns():
    row = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CELLS.items()})
    return st.lists(row, min_size=1, max_size=25)


def read(rows: list[dict]) -> ReturnRows:
    frame = pd.DataFrame(
        [{c: r.get(c) for c in ROW_COLUMNS} for r in rows], columns=list(ROW_COLUMNS), dtype=object
    )
    frame["source_row"] = list(range(2, len(rows) + 2))
    return ReturnRows(frame, "return.xlsx", "Return", 1, {"value": "Value", "area": "Area"})


def nothing_plain(rows, *_args):
    return pd.DataFrame(columns=return_checks._RECORD), np.zeros(len(rows), dtype=bool)


@settings(
    max_examples=scaled(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=returns())
def test_whole_columns_and_row_by_row_agree(demo_store, monkeypatch, rows):
    cur = demo_store.cursor()
    both = return_checks.prepare_return(cur, read(rows), "return.xlsx", "sha", TODAY)
    with monkeypatch.context() as patched:
        patched.setattr(return_checks, "_plain_rows", nothing_plain)
        alone = return_checks.prepare_return(cur, read(rows), "return.xlsx", "sha", TODAY)
    assert both.problems == alone.problems
    assert both.commentary.to_dict("records") == alone.commentary.to_dict("records")
    # NaN never equals NaN in a dict, so the figures are compared as frames (NaN matching NaN).
    pd.testing.assert_frame_equal(
        both.observations.astype(object), alone.observations.astype(object), check_dtype=False
    )


def test_a_plain_return_is_read_on_whole_columns(demo_store):
    rows = [
        {"indicator_code": "SV01", "period_raw": LATEST, "area": a, "value_raw": v}
        for a, v in ((None, 30), ("Stonehouse", "10"), ("devonport", 12.0), ("City Centre", 8))
    ]
    plain, mask = return_checks._plain_rows(
        read(rows).rows, *return_checks._framework_facts(demo_store.cursor()), TODAY
    )
    assert list(mask) == [True] * 4
    assert list(plain["area"]) == ["all", "stonehouse", "devonport", "city-centre"]
    assert list(plain["value"]) == [30.0, 10.0, 12.0, 8.0]
