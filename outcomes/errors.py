"""The product's refusals: one base class, carrying its problems, never a traceback.

Anything the product refuses to do (a bad file, an unknown upload, a figure someone else changed
first) raises a :class:`Refused`. Its message is a plain sentence for a person; ``problems``
lists each located problem when there are several. The pages and the command line catch
:class:`Refused` alone and show the message; anything else is a fault in the product.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """Something a person asked for was refused; nothing was written."""

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class Conflict(Refused):
    """Someone else changed the same thing at the same moment; the other change won."""


class Busy(Refused):
    """Another program (the command line, say) holds the database file for the moment."""
