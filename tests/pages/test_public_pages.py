"""The public view's pages through the real router (issue 10), on the demo."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes import public, wording
from outcomes.demo import facts
from outcomes.store import PROJECT_ROOT, open_store
from tests.actors import acting
from tests.pages.conftest import clear_caches


def _texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "html"):
        parts += [getattr(el, "value", None) or el.proto.body for el in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def app(fresh_db):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.run()
    yield at
    clear_caches()


def _open(at: AppTest, page: str, **params: str) -> str:
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return _texts(at)


def test_the_plan_in_public_says_it_is_a_preview_until_the_view_is_on(app, fresh_db):
    text = _open(app, "pages/public.py")
    assert app.title[0].value == "Safer Plymouth Partnership: our plan"
    assert "Preview: the public view is switched off" in text
    # The sidebar offers the public summary, never the board pack.
    assert [b.label for b in app.sidebar.button] == ["Prepare the public summary"]
    assert "Since the last meeting" not in text  # the board's agenda is not public
    clear_caches()
    s = open_store(fresh_db)
    public.set_public_view(s.cursor(), True, by=acting("Jo Admin"))
    s.close()
    text = _open(app, "pages/public.py")
    assert "Preview" not in text
    assert [h.value for h in app.header] == ["Individuals", "Communities", "Issues"]
    assert "None of this priority's indicators is published yet." in text  # modern slavery


def test_a_public_priority_shows_published_indicators_with_small_numbers_suppressed(app):
    text = _open(app, "pages/public_priority.py", priority="safety-in-homes")
    assert [s.value for s in app.subheader] == [
        "FS01: Home fire safety visits to households at risk",
        "FS02: Accidental dwelling fires",
        "FS03: Casualties from accidental dwelling fires",
    ]
    latest = wording.period_aside(facts().moved("2024/25 Q4"))  # the demo is current
    assert f"**Latest:** fewer than 8 ({latest})" in text  # one pair of brackets (Issue 17)
    assert "periods are not plotted: the figure is a small number" in text
    assert "Add commentary" not in text and "Blockage" not in text
    text = _open(app, "pages/public_priority.py", priority="street-violence")
    assert "Area figures are rounded to the nearest 5" in text
    codes = [s.value.split(":")[0] for s in app.subheader]
    assert codes == ["SV01", "SV02", "SV03", "SV04"]


def test_a_private_priority_link_shows_nothing_private(app):
    text = _open(app, "pages/public_priority.py", priority="modern-slavery")
    assert "None of this priority's indicators is published yet." in text
    assert "MS0" not in text
