"""Typed text is text: commentary, actions and framework wording never become images, links
or Streamlit markup on any page, whichever way the page renders them.

Streamlit runs ``st.markdown``, captions, titles and labels as Markdown, so a typed
``![x](http://host/pixel.png)`` would make every board member's browser fetch that address.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting
from tests.pages.conftest import clear_caches

D = facts()  # where the demo's figures fall today

IMAGE = "![x](http://evil.example/p.png)"
LINK = "[click](http://evil.example)"
TAG = "<img src=x onerror=alert(1)>"
EVIL = f"{IMAGE} {LINK} {TAG} :red[x] $x$ http://evil.example/bare"

PAGES = [
    ("pages/overview.py", {}),
    ("pages/priority.py", {"priority": "harmful-reoffending"}),
    ("pages/indicator.py", {"indicator": "RO01"}),
    ("pages/meeting.py", {}),
    ("pages/present.py", {"screen": "1"}),
    ("pages/present.py", {"screen": "3"}),
    ("pages/present.py", {"screen": "9"}),
]


@pytest.fixture
def typed_db(fresh_db):
    s = open_store(fresh_db)
    cur = s.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting(f"Clerk {EVIL}"))
    for sql in (
        "UPDATE partnership SET name = ? || name, vision = ?",
        "UPDATE priority SET title = title || ?, aim = ? WHERE id = 'harmful-reoffending'",
        "UPDATE priority SET outputs = ?, outcomes = ? WHERE id = 'harmful-reoffending'",
        "UPDATE indicator SET name = name || ?, definition = ? WHERE code = 'RO01'",
        "UPDATE indicator SET accountable_role = ? || accountable_role WHERE code = 'RO01'",
        "UPDATE tier SET label = label || ?, description = ? WHERE code = 'individuals'",
    ):
        cur.execute(sql, [f" {EVIL}"] * sql.count("?"))
    meetings.add_commentary(
        cur,
        "RO01",
        D.moved("2024/25 Q4"),
        by=acting(f"Lead {EVIL}"),
        narrative=EVIL,
        actions_taken=EVIL,
        blockage=True,
        blockage_detail=EVIL,
        status_override="amber",
        override_reason=EVIL,
    )
    meetings.save_action(
        cur,
        by=acting("clerk"),
        reference="A1",
        text=EVIL,
        owner=f"Owner {EVIL}",
        due_date="2025-01-31",
        priority_id="harmful-reoffending",
    )
    s.close()
    clear_caches()
    return fresh_db


def _sources(at: AppTest) -> tuple[list[str], list[str]]:
    """What Streamlit will run as Markdown, and what it will place as HTML."""
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    markdown += [t.value for t in at.title] + [h.value for h in at.header]
    markdown += [s.value for s in at.subheader]
    for kind in ("info", "warning", "success", "error"):
        markdown += [e.value for e in getattr(at, kind)]
    markdown += [link.proto.label for link in at.get("page_link")]
    html = [e.proto.body for e in at.get("html")]
    return markdown, html


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_typed_markup_never_becomes_an_image_a_link_or_streamlit_markup(typed_db, page, params):
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    markdown, html = _sources(at)
    everything = "\n".join(markdown + html)
    assert "evil.example" in everything, "the typed text should be on the page"
    for text in markdown + html:
        assert "<img" not in text
        assert not re.search(r"<a [^>]*href=\"?https?://evil", text)
    for text in markdown:
        # Markdown would build an image or a link from these, a coloured span, maths, or
        # (GFM) a live link from the bare address.
        assert "](http" not in text and "![" not in text
        assert ":red[" not in text and "$x$" not in text
        assert "http://evil" not in text
    clear_caches()


@pytest.mark.parametrize(
    ("email", "box", "said"),
    [(EVIL, "error", "is not an e-mail address"), ("new.person@demo.example", "success", "added")],
)
def test_what_a_write_says_back_shows_typed_text_as_typed(fresh_db, email, box, said):
    """A refusal repeats what was typed ("'…' is not an e-mail address"), and so does what a
    write did ("… added as an analyst"): the box shows it as typed, never as the link or
    image Markdown would build from it."""
    at = AppTest.from_file(PROJECT_ROOT / "dashboard.py", default_timeout=60)
    at.session_state["demo_person"] = "admin@demo.example"
    at.switch_page("pages/admin.py").run()
    fields = (
        next(t for t in at.text_input if t.label == label) for label in ("E-mail address", "Name")
    )
    next(fields).input(email)
    next(fields).input(f"Name {EVIL}")
    next(b for b in at.button if b.key.startswith("FormSubmitter:add_person")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in getattr(at, box)]
    assert any(said in text for text in shown), shown
    for text in shown:
        assert "](http" not in text and "![" not in text and "http://evil" not in text, text
        assert ":red[" not in text and "<img" not in text, text


def test_no_page_hands_a_refusal_to_streamlit_unescaped():
    """Every refusal a page shows goes through ui.problems.refused, and every message a write
    leaves through ui.components.done (both make quoted text plain): no st.error, st.warning,
    st.info or st.success is given str() of something, nor st.success a message from elsewhere."""
    import ast

    boxes = {"error", "warning", "info", "success", "toast"}
    found = []
    for path in [*(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in boxes):
                continue
            if getattr(node.func.value, "id", None) != "st" or not node.args:
                continue
            shown = node.args[0]
            # str(err), or a message a write left (a flash, what was said): neither is the
            # page's own constant words, and either may quote what someone typed.
            made_plain = any(
                isinstance(n, ast.Call)
                and "plain" in (getattr(n.func, "id", ""), getattr(n.func, "attr", ""))
                for n in ast.walk(shown)
            )
            if (isinstance(shown, ast.Call) and getattr(shown.func, "id", None) == "str") or (
                node.func.attr == "success"
                and not made_plain
                and not isinstance(shown, ast.Constant | ast.JoinedStr)
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
