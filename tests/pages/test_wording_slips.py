"""Small wording on the pages: counts in the singular, and no period or date codes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _problems_page(count: int) -> None:
    from loaders.problems import problem
    from ui import problems

    problems.show(
        [
            problem("no-figure", f"Figure {n} is missing.", file="r.xlsx", row=n + 2)
            for n in range(count)
        ]
    )


def test_one_problem_is_not_called_all_1():
    at = AppTest.from_function(_problems_page, args=(1,), default_timeout=30).run()
    assert [e.label for e in at.expander] == ["As a table, to copy"]
    at = AppTest.from_function(_problems_page, args=(3,), default_timeout=30).run()
    assert [e.label for e in at.expander] == ["All 3 as a table, to sort or copy"]
