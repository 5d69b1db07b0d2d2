"""People for the tests to act as: the core's writes take the Person acting, never typed text."""

from __future__ import annotations

import re

from outcomes.storage.people import Person


def acting(name: str, role: str = "admin", priorities: tuple[str, ...] = ()) -> Person:
    """Someone called ``name`` (an administrator unless told), with an address made from it."""
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "someone"
    return Person(f"{slug}@test.example", name, role, frozenset(priorities))


ADMIN = acting("Test Administrator")
