"""What the product imports is declared, locked with hashes, and installed by the lock alone.

A sign-in that answered "Internal Server Error" on a clean install (httpx came only through a
test tool) is the fault these guard against: every module the product or Streamlit's sign-in
imports must import in a venv built from requirements.lock alone (tests/clean_venv.py).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess

from tests.clean_venv import REPO, clean_python, product_imports, sign_in_imports

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)", re.M)


def _name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _pins(path: str) -> dict[str, str]:
    text = (REPO / path).read_text(encoding="utf-8")
    return {_name(m[1]): m[3] for m in PIN.finditer(text)}


def test_the_scan_finds_what_the_product_and_the_sign_in_import():
    """The scan itself: it must see the imports that matter, or the checks below prove nothing."""
    assert {"streamlit", "duckdb", "jinja2", "markupsafe", "yaml"} <= product_imports()
    assert {"authlib.integrations.starlette_client", "httpx"} <= sign_in_imports()


def test_every_module_the_product_imports_is_declared_in_requirements_txt():
    """Jinja2 and MarkupSafe once arrived only through Streamlit: each module the product
    imports comes from a distribution requirements.txt names itself."""
    declared = set(_pins("requirements.txt"))
    providers = importlib.metadata.packages_distributions()
    undeclared = {
        module: providers.get(module)
        for module in sorted(product_imports())
        if not any(_name(d) in declared for d in providers.get(module, []))
    }
    assert not undeclared, f"imported but not in requirements.txt: {undeclared}"


def test_the_locks_pin_every_package_with_hashes_and_agree_with_the_inputs():
    for inputs, lock in (
        ("requirements.txt", "requirements.lock"),
        ("requirements-dev.txt", "requirements-dev.lock"),
    ):
        text = (REPO / lock).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
        assert entries, lock
        for entry in entries:
            assert PIN.match(entry) and "--hash=sha256:" in entry, f"{lock}: {entry[:80]}"
        locked = _pins(lock)
        wanted = _pins(inputs) | (_pins("requirements.txt") if "dev" in inputs else {})
        stale = {n: (v, locked.get(n)) for n, v in wanted.items() if locked.get(n) != v}
        assert not stale, f"{lock} is stale (run `make lock`): {stale}"
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {n: v for n, v in runtime.items() if dev.get(n) != v} == {}


TRY_EACH = """
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as err:  # ModuleNotFoundError above all
        failed[name] = repr(err)
print(json.dumps(failed))
"""


def test_the_product_and_its_sign_in_import_in_a_venv_built_from_the_lock_alone():
    python = clean_python()
    modules = sorted(product_imports() | sign_in_imports())
    run = subprocess.run(
        [python, "-c", TRY_EACH, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {}, (
        f"not importable from requirements.lock alone: {run.stdout}"
    )
    # The clean venv is the product's alone: no test tool in it.
    names = subprocess.run(
        [
            python,
            "-c",
            "import importlib.metadata as m; print([d.name for d in m.distributions()])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    assert "oidc" not in names and "pytest" not in names and "playwright" not in names
