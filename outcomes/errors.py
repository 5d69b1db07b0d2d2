"""The product's refusals: one base class, carrying its problems, never a traceback.

Anything the product refuses to do (a bad file, an unknown upload, a figure someone else changed
first) raises a :class:`Refused`. Its message is a plain sentence for a person; ``problems``
lists each located problem when there are several. The pages and the command line catch
:class:`Refused` alone and show the message; anything else is a fault in the product.
"""

from __future__ import annotations

import re
from pathlib import Path

# Declared beside the Problem it carries, below both packages: the loaders refuse too.
from loaders.problems import Refused

__all__ = ["Busy", "Conflict", "PackError", "Refused", "StillLinked", "Unreachable", "lock_holder"]


class Conflict(Refused):
    """Someone else changed the same thing at the same moment; the other change won."""

    code = "conflict"


class Busy(Refused):
    """Another program (the command line, say) holds the database file for the moment."""

    code = "busy"


class Unreachable(Refused):
    """The database server cannot be reached or will not let us in (PostgreSQL only)."""


class PackError(Refused, ValueError):
    """A board pack that cannot be made, said in plain English.

    A refusal like any other (pages catch :class:`Refused` alone); still a ValueError for
    callers that caught it as one."""

    code = "pack-unavailable"


class StillLinked(Refused):
    """A row others still point at cannot be removed or renamed (a priority an action links to)."""

    code = "still-linked"


_HOLDER = re.compile(r"lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def lock_holder(err: BaseException) -> str:
    """Who holds the file, from DuckDB's message and the process's own command line: the
    dashboard, another command, or the program DuckDB names; never a guess."""
    found = _HOLDER.search(str(err))
    if not found:
        return "another program"
    pid = found["pid"]
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().split()
    except OSError:
        words = []
    if any("streamlit" in w for w in words):
        return f"the dashboard (process {pid})"
    if "outcomes" in words:
        command = " ".join(words[words.index("outcomes") + 1 :][:2])
        return f"another command, `python -m outcomes {command}` (process {pid})"
    return f"another program, {Path(found['program']).name} (process {pid})"
