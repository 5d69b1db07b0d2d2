"""The documentation is tested against the code, as datasette does: a table, view, column or
migration missing from docs/schema.md, or a framework field missing from docs/framework.md,
fails here, so the docs cannot quietly fall behind the schema."""

from __future__ import annotations

import re

import pytest

from outcomes.storage.store import PROJECT_ROOT, open_store
from outcomes.workflows import framework

SCHEMA = (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
FRAMEWORK = (PROJECT_ROOT / "docs" / "framework.md").read_text(encoding="utf-8")
MIGRATIONS = sorted((PROJECT_ROOT / "outcomes" / "migrations").glob("*.sql"))


def _sections(text: str) -> dict[str, str]:
    """Each ``### `name` `` section of a page, by name."""
    parts = re.split(r"^### `([a-z_]+)`.*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _documented_columns(section: str) -> set[str]:
    """The names in the first cell of each row of a section's tables (`a`, `b` counts both)."""
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return names


@pytest.fixture(scope="module")
def schema():
    s = open_store(":memory:")
    cur = s.cursor()
    rows = cur.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    columns = {
        name: [c[0] for c in cur.execute(f'DESCRIBE "{name}"').fetchall()] for name, _ in rows
    }
    yield {name: (kind, columns[name]) for name, kind in rows}
    s.close()


SECTIONS = _sections(SCHEMA)


def test_every_migration_is_listed(schema):
    missing = [m.name for m in MIGRATIONS if f"`{m.name}`" not in SCHEMA]
    assert not missing, f"docs/schema.md does not list migration(s) {missing}"


def test_every_table_and_view_has_its_section(schema):
    missing = sorted(name for name in schema if name not in SECTIONS)
    assert not missing, f"docs/schema.md has no section for {missing}"


def test_every_column_of_every_table_is_documented(schema):
    missing = [
        f"{name}.{column}"
        for name, (kind, columns) in schema.items()
        if kind == "BASE TABLE" and name in SECTIONS
        for column in columns
        if column not in _documented_columns(SECTIONS[name])
    ]
    assert not missing, f"docs/schema.md does not describe column(s) {missing}"


def test_every_column_of_a_view_with_a_column_table_is_documented(schema):
    missing = [
        f"{name}.{column}"
        for name, (kind, columns) in schema.items()
        if kind == "VIEW" and _documented_columns(SECTIONS.get(name, ""))
        for column in columns
        if column not in _documented_columns(SECTIONS[name])
    ]
    assert not missing, f"docs/schema.md does not describe view column(s) {missing}"


def test_no_table_is_said_to_be_unwritten():
    assert "Not yet written" not in SCHEMA and "not yet written" not in SCHEMA


def test_every_framework_field_is_documented():
    fields = _documented_columns(FRAMEWORK)
    missing = [
        f"{table.name}.{column}"
        for table in framework.TABLES.values()
        for column in table.column_names
        if column not in fields and f"`{column}`" not in FRAMEWORK
    ]
    assert not missing, f"docs/framework.md does not describe field(s) {missing}"


def test_the_docs_do_not_call_a_priority_id_safe_to_change():
    safe = FRAMEWORK[FRAMEWORK.index("What can safely change") :].split("\n\n")[0]
    assert "priority's id" not in safe


def test_how_it_is_built_names_every_folder_and_package_there_is():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How it is built") :]
    tree = section[section.index("```") + 3 :]
    tree = tree[: tree.index("```")]
    named = {line.split()[0] for line in tree.splitlines() if line and not line.startswith(" ")}
    for name in named:
        assert (PROJECT_ROOT / name).exists(), f"README names {name}, which is not there"
    folders = {
        f"{p.name}/"
        for p in PROJECT_ROOT.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    } - {"node_modules/", "test-artifacts/"}
    packages = {
        f"{p.parent.relative_to(PROJECT_ROOT)}/"
        for top in ("outcomes", "loaders", "ui")
        for p in (PROJECT_ROOT / top).glob("*/__init__.py")
    } | {f"{p.relative_to(PROJECT_ROOT)}/" for p in PROJECT_ROOT.glob("ui/templates")}
    missing = sorted((folders | packages) - named)
    assert not missing, f"README's How it is built does not name {missing}"


def test_every_setting_the_product_reads_is_documented():
    """An OUTCOMES_* environment setting read anywhere in the product is named in the README
    or docs/, so an operator can find every knob (datasette's test of its settings)."""
    product = [
        path
        for top in ("outcomes", "loaders", "ui", "pages")
        for path in (PROJECT_ROOT / top).rglob("*.py")
    ] + [PROJECT_ROOT / "dashboard.py"]
    read = {
        name
        for path in product
        for name in re.findall(r"\b(OUTCOMES_[A-Z_]+)\b", path.read_text(encoding="utf-8"))
    }
    assert {"OUTCOMES_DB", "OUTCOMES_READ_MEMORY_MB", "OUTCOMES_READ_SECONDS"} <= read
    docs = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "docs").glob("*.md")
    )
    missing = sorted(name for name in read if f"`{name}" not in docs)
    assert not missing, f"settings read by the product but not documented: {missing}"
