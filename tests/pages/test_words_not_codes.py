"""Words, not codes, wherever a person reads: every page's rendered text, on a demo that has
had a meeting, an override, a blockage and actions, is scanned for what only a database says.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT
from tests.pages.conftest import after_a_meeting, clear_caches

# What a person should never read: a month as 2025-03, a figure with a trailing .0, an id in
# snake or kebab case, "problem(s)", a datetime as the database writes it, a nested bracket.
CODE_LIKE = {
    "a month code": re.compile(r"(?<![\d/-])(19|20)\d\d-(0[1-9]|1[0-2])(?![\d-])"),
    "a trailing .0": re.compile(r"(?<![\d.v])\d[\d,]*\.0(?![\d%])\b"),
    "an id": re.compile(r"(?<![\w/#.=?&-])[a-z]+(?:[_-][a-z]+)+(?![\w/.=-])"),
    "a plural in brackets": re.compile(r"\w\(s\)"),
    "a database time": re.compile(r"\d\d:\d\d:\d\d"),
    "a bracket in a bracket": re.compile(r"\([^()]*\([^()]*\)\)"),
    "a status with its own words again": re.compile(r"Not rated: Not rated"),
}
# Words that are written with a hyphen in English, not ids.
HYPHENATED = {
    "year-on-year",
    "long-term",
    "short-term",
    "anti-social",
    "re-offending",
    "co-ordinated",
    "follow-up",
    "hit-or-miss",
    "street-level",
    "sign-in",
    "self-reported",
    "well-being",
    "non-domestic",
}


def _visible_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [h.value for h in at.header] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [e.proto.body for e in at.get("html")]
    parts += (
        [a.value for a in at.info] + [a.value for a in at.warning] + [a.value for a in at.error]
    )
    parts += [a.value for a in at.success]
    parts += [e.label for e in at.expander] + [b.label for b in at.button]
    parts += [str(o) for s in at.selectbox for o in s.options]
    for grid in at.dataframe:
        frame = grid.value
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    # The audit trail quotes stored values as they were stored: it is the record, not prose.
    text = "\n".join(p for p in parts if "Before → after" not in p)
    # Markup is not read: drop tags, their attributes, links' targets and entity references.
    text = re.sub(r"<style.*?</style>|<script.*?</script>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)|&#?\w+;", " ", text)
    return text


def _leaks(text: str) -> list[str]:
    found = []
    for what, pattern in CODE_LIKE.items():
        for m in pattern.finditer(text):
            if what == "an id" and m.group(0).lower() in HYPHENATED:
                continue
            around = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            found.append(f"{what}: {m.group(0)!r} in …{around}…")
    return found


@pytest.fixture(scope="module")
def met_db(tmp_path_factory, demo_db_file):
    """The demo after a meeting: an override since, a blockage escalated, actions open."""
    path = tmp_path_factory.mktemp("words") / "met.duckdb"
    after_a_meeting(demo_db_file, path)
    return path


PAGES = [
    ("pages/overview.py", {}),
    *[("pages/priority.py", {"priority": p}) for p in ("vulnerable-victims", "street-violence")],
    *[("pages/indicator.py", {"indicator": c}) for c in ("SV01", "SV04", "VV01", "DA01")],
    ("pages/compare.py", {}),
    ("pages/upload.py", {}),
    ("pages/meeting.py", {}),
    *[("pages/present.py", {"screen": str(n)}) for n in (1, 2, 4, 9)],
]


@pytest.mark.parametrize(("page", "params"), PAGES, ids=lambda v: str(v))
def test_no_codes_where_a_person_reads(met_db, monkeypatch, page, params):
    monkeypatch.setenv("OUTCOMES_DB", str(met_db))
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    try:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        leaks = _leaks(_visible_text(at))
    finally:
        clear_caches()
    assert not leaks, f"{len(leaks)} codes where a person reads:\n" + "\n".join(leaks)
