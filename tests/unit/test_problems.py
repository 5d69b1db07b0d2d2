"""The one problem catalogue: every code the product uses is in it, and nothing else is accepted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from loaders.problems import CATALOGUE, SEVERITIES, Problem, UnknownProblem, as_text, problem

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["loaders", "outcomes", "ui", "pages"]
# The calls that make a problem, and which of their positional arguments is the code: the
# constructor, loaders.problems.problem, and the readers' own shorthands for it.
MAKERS = {"Problem": 0, "problem": 0, "failed": 0, "refuse": 1, "flag": 0, "note": 0, "report": 0}


def _choices(arg: ast.expr) -> list[str]:
    """The codes an argument can be: a literal, or either branch of ``a if ... else b``."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        return _choices(arg.body) + _choices(arg.orelse)
    return []


def codes_in_source() -> dict[str, list[str]]:
    """Each code passed to a problem-making call in the product's source, with where it is."""
    found: dict[str, list[str]] = {}
    for top in PRODUCT:
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in MAKERS or len(node.args) <= MAKERS[name]:
                    continue
                arg = node.args[MAKERS[name]]
                assert not isinstance(arg, ast.JoinedStr), (
                    f"{path.name}:{node.lineno} builds a problem code with an f-string; "
                    "name each code in full so it can be found in the catalogue"
                )
                for code in _choices(arg):
                    where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                    found.setdefault(code, []).append(where)
    return found


def test_every_code_used_in_the_product_is_in_the_catalogue():
    used = codes_in_source()
    assert len(used) >= 40, sorted(used)  # the scan sees the readers and checks
    missing = {code: where for code, where in used.items() if code not in CATALOGUE}
    assert not missing, f"codes used but not in loaders.problems.CATALOGUE: {missing}"


def test_every_catalogue_entry_is_used_and_well_formed():
    used = codes_in_source()
    assert set(CATALOGUE) - set(used) == set(), "catalogue entries nothing raises"
    for code, check in CATALOGUE.items():
        assert check.severity in SEVERITIES, code
        assert check.template.endswith("."), code
        # A template names only the fields a problem carries.
        check.template.format(value="v", column="c", sheet="s", row=1)


def test_an_unknown_code_is_refused_when_the_problem_is_made():
    with pytest.raises(UnknownProblem, match="'no-such-check' is not in"):
        Problem("no-such-check", "error", "m", "f.csv")
    with pytest.raises(UnknownProblem, match="'no-such-check' is not in"):
        problem("no-such-check", file="f.csv")


def test_a_severity_other_than_the_catalogues_is_refused():
    with pytest.raises(UnknownProblem, match="'big-change' is a warning"):
        Problem("big-change", "error", "m", "f.csv")


def test_a_problem_without_a_sentence_says_the_catalogues_template_with_its_place():
    p = problem("missing-column", file="r.xlsx", sheet="Return", row=4, column="Period")
    assert (p.severity, p.message) == ("error", "The return has no Period column.")
    assert as_text([p], with_file=True) == (
        "  - r.xlsx, sheet Return, row 4, column Period: The return has no Period column."
    )
