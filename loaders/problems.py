"""What can be wrong with a file a visitor sends, said once, with the exact place.

In the manner of frictionless' error catalogue: a :class:`Problem` has a code, a severity, a
sentence the person can act on and its location (file, sheet, row, column, value). Every reader
yields these; nothing parses a message back into parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Refused(Exception):
    """Something a person asked for was refused; nothing was written.

    The one base of every refusal in the product (``outcomes.errors`` names it for the domain):
    its message is a plain sentence for a person; ``problems`` lists each located problem.
    """

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


@dataclass(frozen=True)
class Problem:
    code: str  # unreadable-file, empty, no-header, missing-column, blank-code, ...
    severity: str  # "error" | "warning" | "info"
    message: str  # a sentence the lead can act on
    file: str
    sheet: str | None = None
    row: int | None = None  # as Excel numbers it (1-based); for CSV the line number
    column: str | None = None  # the header text as it appears in the file (or a cell's letter)
    value: str | None = None

    def location(self) -> str:
        """Where the problem is, as the lead would look for it.

        >>> Problem("blank-code", "error", "...", "returns.xlsx", "Return", 7, "Value").location()
        'returns.xlsx, sheet Return, row 7, column Value'
        >>> Problem("blank-code", "error", "...", "returns.csv", None, 7).location()
        'returns.csv, line 7'
        """
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"{'row' if self.sheet is not None else 'line'} {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class FileRefused(Refused):
    """A file refused before it was parsed (too big, damaged, the wrong kind); nothing was read.

    ``problems`` holds one :class:`Problem` per reason, each saying the limit and what to do.
    """

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(p.message for p in problems), problems)

    @property
    def unreadable(self) -> bool:
        """Refused as not the kind of file it claims to be (rather than over a limit)."""
        return all(p.code == "unreadable-file" for p in self.problems)
