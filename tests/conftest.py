"""Fixtures that build real databases: a private in-memory store, and the demo in a file."""

from __future__ import annotations

import pytest

from outcomes.demo import DEMO_FRAMEWORK, build_demo, facts
from outcomes.framework import from_yaml
from outcomes.store import open_store


@pytest.fixture(scope="session")
def demo_framework():
    return from_yaml(DEMO_FRAMEWORK)


@pytest.fixture(scope="session")
def demo_facts():
    """Where the demo's figures fall today: its latest periods, corrected quarter and files."""
    return facts()


@pytest.fixture
def store():
    """An empty database with the schema applied."""
    s = open_store(":memory:")
    yield s
    s.close()


@pytest.fixture
def demo_store(demo_framework):
    """A fresh in-memory database holding the demo."""
    s = open_store(":memory:")
    build_demo(s.cursor(), demo_framework)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory, demo_framework):
    """The demo in a database file, for the pages and the command line."""
    path = tmp_path_factory.mktemp("db") / "demo.duckdb"
    s = open_store(path)
    build_demo(s.cursor(), demo_framework)
    s.close()
    return path
