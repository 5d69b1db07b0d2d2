"""The clean install: a venv built from requirements.lock alone, as ``make run`` builds one.

The test venv has more in it than the product's own requirements (a test tool brings httpx,
for one), so a module the product needs could arrive only through a test tool and every test
would still pass. ``make test`` therefore builds ``.venv-clean`` from requirements.lock alone
(the Makefile's ``$(CLEAN_VENV)/.installed``); the tests that use it import the product's
modules there (tests/unit/test_dependencies.py) and sign in with a dashboard served by its
Python (tests/browser/test_sign_in.py). Without it they skip, except under ``CI=true``,
where they fail.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLEAN_VENV = REPO / ".venv-clean"
# What the product is: everything ``make run`` runs.
PRODUCT = ("dashboard.py", "serve.py", "pages", "ui", "outcomes", "loaders")
# Streamlit's own sign-in (st.login, the /auth/login and /oauth2callback routes).
STREAMLIT_SIGN_IN = (
    "auth_util.py",
    "user_info.py",
    "web/server/starlette/starlette_auth_routes.py",
)


def clean_python() -> str:
    """The clean venv's python; skips (fails under ``CI=true``) while it is missing or stale."""
    stamp = CLEAN_VENV / ".installed"
    lock = REPO / "requirements.lock"
    if not stamp.exists():
        why = "the clean venv is not built"
    elif stamp.stat().st_mtime < lock.stat().st_mtime:
        why = "the clean venv is older than requirements.lock"
    else:
        return str(CLEAN_VENV / "bin" / "python")
    why += ": run `make .venv-clean/.installed` (make test builds it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (CI=true, so the clean install must be checked)", pytrace=False)
    pytest.skip(why)


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(paths: Iterable[Path], *, submodules: bool = False) -> set[str]:
    """Every module these files import by absolute name, the standard library's left out; with
    ``submodules``, ``from a import b`` is ``a.b`` where ``b`` is a module."""
    found: set[str] = set()
    for file in _files(paths):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    dotted = f"{node.module}.{alias.name}"
                    found.add(dotted if submodules and _is_module(dotted) else node.module)
    return {name for name in found if name.split(".")[0] not in sys.stdlib_module_names}


def _is_module(name: str) -> bool:
    with warnings.catch_warnings():  # Authlib warns on importing its deprecated parts
        warnings.simplefilter("ignore")
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False


def product_imports() -> set[str]:
    """The top-level modules the product imports from outside itself."""
    own = {"dashboard", "pages", "ui", "outcomes", "loaders"}
    tops = {name.split(".")[0] for name in imported(REPO / p for p in PRODUCT)}
    return tops - own


def sign_in_imports() -> set[str]:
    """What Streamlit's sign-in imports from outside Streamlit: Authlib's Starlette client (and
    through it Authlib's httpx client, hence httpx), and the token libraries."""
    import streamlit

    root = Path(streamlit.__file__).parent
    found = imported((root / p for p in STREAMLIT_SIGN_IN), submodules=True)
    return {name for name in found if not name.startswith("streamlit")} | {
        "authlib.integrations.httpx_client",
        "httpx",
    }
