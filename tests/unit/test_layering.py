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


FIRST_PARTY = ("outcomes", "loaders", "ui", "pages", "tests", "bench", "scripts")


def _first_party_python():
    yield from sorted(PROJECT_ROOT.glob("*.py"))
    for top in FIRST_PARTY:
        yield from sorted((PROJECT_ROOT / top).rglob("*.py"))


def test_no_module_anywhere_is_over_700_lines_nor_any_function_over_120():
    """The sizes issue 8 set, over the whole tree, tests included: a module holds one concern,
    a function one step."""
    long_modules, long_functions = {}, {}
    for path in _first_party_python():
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PROJECT_ROOT))
        lines = len(text.splitlines())
        if lines > 700:
            long_modules[name] = lines
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 120:
                    long_functions[f"{name}:{node.lineno} {node.name}"] = length
    assert not long_modules, f"modules over 700 lines: {long_modules}"
    assert not long_functions, f"functions over 120 lines: {long_functions}"


# outcomes/ in layers, lowest first: a module may import its own layer and those before it.
# errors.py is the floor every layer refuses with; the command line is the top.
LAYERS = ("errors", "rules", "storage", "queries", "workflows", "outputs", "cli")
OUTCOMES = PROJECT_ROOT / "outcomes"


def layer_of(dotted: str) -> str | None:
    """The layer of a module below ``outcomes`` ("outcomes.queries.board" is in "queries").

    >>> layer_of("outcomes.queries.board"), layer_of("outcomes.errors"), layer_of("pandas")
    ('queries', 'errors', None)
    """
    parts = dotted.split(".")
    if parts[0] != "outcomes" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def outcomes_imports(path: Path) -> set[str]:
    """The ``outcomes`` modules a file imports, everywhere in it (inside functions too, and
    under ``TYPE_CHECKING``: a name a layer may not know at run time it may not name at all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("outcomes"))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "outcomes":
                found.update(f"outcomes.{a.name}" for a in node.names)
            elif node.module.startswith("outcomes."):
                found.add(node.module)
    return found


def _modules():
    for path in sorted(OUTCOMES.rglob("*.py")):
        dotted = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        yield path, dotted.removesuffix(".__init__")


def test_every_module_of_the_domain_sits_in_a_layer():
    loose = [
        p.name
        for p in OUTCOMES.iterdir()
        if p.name not in {"__init__.py", "__main__.py", "errors.py", "__pycache__"}
        and p.name not in LAYERS
    ]
    assert not loose, f"put these in one of the layers {LAYERS}: {loose}"


def test_no_import_runs_up_a_layer():
    upward = {}
    for path, dotted in _modules():
        own = layer_of(dotted)
        if own is None:  # outcomes/__init__ and __main__ stand above every layer
            continue
        for name in outcomes_imports(path):
            theirs = layer_of(name)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(own):
                upward.setdefault(dotted, []).append(name)
    assert not upward, f"imports that run up a layer (order {LAYERS}): {upward}"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from outcomes.outputs import pack\n")
    names = outcomes_imports(sample)
    assert names == {"outcomes.outputs"}
    assert LAYERS.index(layer_of("outcomes.outputs.pack")) > LAYERS.index("rules")


def _import_graph() -> dict[str, set[str]]:
    """Module -> the ``outcomes`` modules it imports at run time (``from a import b`` counts
    as importing ``a.b`` where that is a module); ``TYPE_CHECKING`` imports do not run."""
    known = {dotted for _, dotted in _modules()}
    graph = {}
    for path, dotted in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        edges = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in known)
            elif isinstance(node, ast.ImportFrom) and node.module in known | {"outcomes"}:
                for a in node.names:
                    edges.add(
                        f"{node.module}.{a.name}"
                        if f"{node.module}.{a.name}" in known
                        else node.module
                    )
        graph[dotted] = edges - {dotted, "outcomes"}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle of imports, found by a depth-first walk.

    >>> circles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b', 'a']]
    >>> circles({"a": {"b"}, "b": set()})
    []
    """
    found, done = [], set()

    def walk(node, path):
        if node in path:
            found.append(path[path.index(node) :] + [node])
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            walk(nxt, path + [node])
        done.add(node)

    for start in sorted(graph):
        walk(start, [])
    return found


def test_no_module_imports_another_that_imports_it_back():
    """Circles were hidden by imports inside functions (store and people, pack and public);
    what both sides of a circle need belongs a floor down."""
    assert not circles(_import_graph())
