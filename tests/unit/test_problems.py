"""The one problem catalogue: every code the product uses is in it, and nothing else is accepted."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from loaders.problems import (
    CATALOGUE,
    SEVERITIES,
    Problem,
    Refused,
    UnknownProblem,
    as_text,
    problem,
)
from outcomes.cli.problems import markdown

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["loaders", "outcomes", "ui", "pages"]
# The calls that make a problem, and which of their positional arguments is the code: the
# constructor, loaders.problems.problem, and the readers' own shorthands for it.
# ``fault`` is the framework's, ``worded`` a refusal worded by the catalogue.
MAKERS = {
    "Problem": 0,
    "problem": 0,
    "failed": 0,
    "refuse": 1,
    "flag": 0,
    "note": 0,
    "report": 0,
    "fault": 0,
    "worded": 0,
}
PLACE = {"file", "sheet", "row", "column", "value"}
# The kinds whose problems are found reading a file (made by ``problem``, their wordings named
# by keyword); the rest are refusals of a request, made by ``worded``.
_READ_KINDS = {"file", "return", "public-data", "framework", "actions"}


def _choices(arg: ast.expr) -> list[str]:
    """The codes an argument can be: a literal, or either branch of ``a if ... else b``."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        return _choices(arg.body) + _choices(arg.orelse)
    return []


def _product_trees():
    for top in PRODUCT:
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _refusal_codes(tree: ast.AST) -> list[tuple[str, int]]:
    """``code = "..."`` in a class body: the code a kind of refusal names."""
    return [
        (item.value.value, item.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.Assign)
        and [getattr(t, "id", None) for t in item.targets] == ["code"]
        and isinstance(item.value, ast.Constant)
    ]


def codes_in_source() -> dict[str, list[str]]:
    """Each code passed to a problem-making call in the product's source (or named by a kind
    of refusal), with where it is."""
    found: dict[str, list[str]] = {}
    for path, tree in _product_trees():
        for code, line in _refusal_codes(tree):
            found.setdefault(code, []).append(f"{path.relative_to(PROJECT_ROOT)}:{line}")
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
        assert check.title and check.description.endswith("."), code
        for wording in (None, *check.wordings):
            facts = dict.fromkeys(check.facts() | PLACE, "x")
            check.sentence(wording).format(**facts)  # well-formed: every brace a fact or {{


def test_call_sites_pass_facts_never_sentences():
    """The catalogue words every problem: no maker is handed a sentence of its own."""
    handed = []
    for path, tree in _product_trees():
        for node in ast.walk(tree):
            name = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            )
            if name not in MAKERS or name == "Problem":
                continue
            after = node.args[MAKERS[name] + 1 : MAKERS[name] + 2]
            message = [k.value for k in node.keywords if k.arg == "message"]
            for arg in after + message:
                if isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                    isinstance(arg, ast.Constant) and " " in str(arg.value)
                ):
                    handed.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert handed == [], f"sentences written at the call site, not in the catalogue: {handed}"


def test_every_kind_of_refusal_names_a_code_in_the_catalogue():
    import outcomes.cli  # noqa: F401  (imports every kind of refusal the product has)
    import outcomes.outputs.pack  # noqa: F401

    def kinds(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from kinds(sub)

    found = {
        k.__qualname__: k.code for k in kinds(Refused) if k.__module__.split(".")[0] in PRODUCT
    }
    assert {"NotPermitted", "PeriodError", "ComparisonError", "PackError"} <= set(found)
    assert {name: code for name, code in found.items() if code not in CATALOGUE} == {}
    assert CATALOGUE[found["ComparisonError"]].kind == "refusal"


def test_a_refusal_worded_by_the_catalogue_carries_its_code():
    from outcomes.storage.people import NotPermitted

    refused = NotPermitted.worded("not-permitted", action="load returns")
    assert (refused.code, str(refused)) == (
        "not-permitted",
        "Sign in first: only a signed-in person may load returns.",
    )
    with pytest.raises(UnknownProblem, match="needs 'action'"):
        NotPermitted.worded("not-permitted")


def test_docs_problems_md_is_generated_from_the_catalogue():
    written = (PROJECT_ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert written == markdown(), (
        "docs/problems.md is behind the catalogue: "
        "python -m outcomes problems --markdown > docs/problems.md"
    )
    assert all(f"### `{code}`" in written for code in CATALOGUE)


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


def _refusal_kinds() -> set[str]:
    """The names of every kind of refusal the product has (Refused and its subclasses)."""
    import outcomes.cli  # noqa: F401  (imports every kind of refusal the product has)
    import outcomes.outputs.pack  # noqa: F401

    def kinds(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from kinds(sub)

    return {k.__name__ for k in kinds(Refused)}


def _worded_by_hand(arg: ast.expr) -> bool:
    """A message written at the call site: a literal, an f-string, text joined with +, or a
    sentence kept in a constant (NAME_IN_CAPITALS)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    if isinstance(arg, ast.JoinedStr | ast.BinOp):
        return True
    name = getattr(arg, "id", None) or getattr(arg, "attr", None)
    return bool(name) and name.lstrip("_").isupper()


def test_no_refusal_is_raised_with_a_sentence_of_its_own():
    """Every refusal names its catalogue code and passes facts (``Kind.worded(code, ...)``);
    a refusal built from a literal, an f-string or a constant's sentence is refused here."""
    kinds = _refusal_kinds()
    assert {"Refused", "PeriodError", "MeetingError", "Conflict", "StillLinked"} <= kinds
    handed = []
    for path, tree in _product_trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in kinds:
                continue
            given = node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
            if any(_worded_by_hand(arg) for arg in given):
                handed.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert handed == [], f"refusals worded at the call site, not in the catalogue: {handed}"


def _worded_calls():
    """Each ``worded(code, wording, **facts)`` call with a literal code: where, the code, the
    wordings it may name, the facts it passes (None when it passes ``**facts`` on)."""
    for path, tree in _product_trees():
        for node in ast.walk(tree):
            name = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            )
            if name != "worded" or not node.args:
                continue
            codes = _choices(node.args[0])
            wording = node.args[1:2] or [k.value for k in node.keywords if k.arg == "wording"]
            wordings = _choices(wording[0]) if wording else []
            if wording and isinstance(wording[0], ast.IfExp):
                wordings += [None] * any(
                    isinstance(b, ast.Constant) and b.value is None
                    for b in (wording[0].body, wording[0].orelse)
                )
            facts = {k.arg for k in node.keywords}
            passed = None if None in facts else facts - {"wording", "problems"}
            where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
            for code in codes:
                yield where, code, wordings or [None], passed


def test_each_worded_refusal_names_a_wording_the_catalogue_has_and_every_fact_it_needs():
    found = list(_worded_calls())
    assert len(found) >= 150, len(found)  # the scan sees the refusals
    wrong = []
    for where, code, wordings, passed in found:
        check = CATALOGUE[code]
        for wording in wordings:
            if wording is not None and wording not in check.wordings:
                wrong.append(f"{where}: {code} has no wording {wording!r}")
                continue
            needs = {f for _, f, _, _ in string.Formatter().parse(check.sentence(wording)) if f}
            if passed is not None and needs - passed:
                wrong.append(f"{where}: {code} ({wording}) needs {sorted(needs - passed)}")
    assert wrong == []


def test_every_wording_of_a_refusal_is_used():
    """A wording nothing names is a situation the product no longer meets: delete it."""
    named = {(code, w) for _, code, wordings, _ in _worded_calls() for w in wordings}
    refusals = {c for c, check in CATALOGUE.items() if check.kind not in _READ_KINDS}
    unused = [
        (code, w) for code in refusals for w in CATALOGUE[code].wordings if (code, w) not in named
    ]
    assert unused == []
