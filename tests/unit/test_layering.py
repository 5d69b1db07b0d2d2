"""The packages' layering, read from the source: what each may import.

``loaders/`` reads files and knows nothing of the domain, so ``outcomes/`` can build on it
without the two depending on each other; neither imports Streamlit, which only ``ui/``,
``pages/`` and ``dashboard.py`` use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def imported(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function, as its top-level package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


FORBIDDEN = {
    "loaders": {"outcomes", "ui", "pages", "dashboard", "streamlit"},
    "outcomes": {"ui", "pages", "dashboard", "streamlit"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_it(package):
    wrong = {
        str(path.relative_to(PROJECT_ROOT)): sorted(imported(path) & FORBIDDEN[package])
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
    }
    wrong = {name: mods for name, mods in wrong.items() if mods}
    assert not wrong, f"{package}/ must not import {sorted(FORBIDDEN[package])}: {wrong}"


def test_the_scan_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from outcomes import periods\n    import streamlit as st\n")
    assert imported(sample) == {"outcomes", "streamlit"}


def test_no_module_of_the_domain_is_over_700_lines_nor_any_function_over_120():
    """The sizes issue 8 set: a module holds one concern, a function one step."""
    long_modules, long_functions = {}, {}
    for package in ("outcomes", "loaders"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            name = str(path.relative_to(PROJECT_ROOT))
            lines = len(text.splitlines())
            if package == "outcomes" and lines > 700:
                long_modules[name] = lines
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > 120:
                        long_functions[f"{name}:{node.lineno} {node.name}"] = length
    assert not long_modules, f"modules over 700 lines: {long_modules}"
    assert not long_functions, f"functions over 120 lines: {long_functions}"
