"""The product's refusals: one base class, carrying its problems, never a traceback.

Anything the product refuses to do (a bad file, an unknown upload, a figure someone else changed
first) raises a :class:`Refused`. Its message is a plain sentence for a person; ``problems``
lists each located problem when there are several. The pages and the command line catch
:class:`Refused` alone and show the message; anything else is a fault in the product.
"""

from __future__ import annotations

# Declared beside the Problem it carries, below both packages: the loaders refuse too.
from loaders.problems import Refused

__all__ = ["Busy", "Conflict", "Refused", "StillLinked"]


class Conflict(Refused):
    """Someone else changed the same thing at the same moment; the other change won."""


class Busy(Refused):
    """Another program (the command line, say) holds the database file for the moment."""


class StillLinked(Refused):
    """A row others still point at cannot be removed or renamed (a priority an action links to)."""
