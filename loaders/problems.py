"""What can be wrong with a file or a request, said once, with the exact place.

In the manner of frictionless' error catalogue: every problem any reader or check can raise has
a code in :data:`CATALOGUE` (``loaders.catalogue``), with its severity, title, description and
message template; a :class:`Problem` carries that code, the sentence the catalogue words from the
facts its maker passed, and its location (file, sheet, row, column, value). Every reader yields these; nothing parses a message back into parts. A code missing from
the catalogue is refused when the problem is made (and tests/unit/test_problems.py scans the
source for codes the catalogue lacks), so an unknown code never silently becomes an error.

:func:`as_text` is how the terminal shows a list of them (the pages use ``ui.problems``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The catalogue lives in its own module (it is long); it is named here, where problems are made.
from loaders.catalogue import CATALOGUE, SEVERITIES, Check  # noqa: E402

__all__ = ["CATALOGUE", "SEVERITIES", "Check", "Problem", "Refused", "problem", "worded"]


class UnknownProblem(ValueError):
    """A problem made with a code the catalogue lacks: a fault in the product, not the file."""


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

    def __post_init__(self) -> None:
        check = CATALOGUE.get(self.code)
        if check is None:
            raise UnknownProblem(f"problem code {self.code!r} is not in loaders.problems.CATALOGUE")
        if self.severity != check.severity:
            raise UnknownProblem(
                f"problem {self.code!r} is a {check.severity} in the catalogue, not a {self.severity}"
            )

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


def worded(code: str, wording: str | None = None, /, **facts: Any) -> str:
    """The catalogue's sentence for ``code`` (or its named ``wording``), with the facts in it.

    >>> worded("missing-column", column="Period")
    'The return has no Period column.'
    >>> worded("not-permitted", action="load returns")
    'Sign in first: only a signed-in person may load returns.'
    """
    check = CATALOGUE.get(code)
    if check is None:
        raise UnknownProblem(f"problem code {code!r} is not in loaders.problems.CATALOGUE")
    try:
        return check.sentence(wording).format(**facts)
    except KeyError as missing:
        # A fault in the product, not the file: the maker did not pass a fact its words name.
        raise UnknownProblem(
            f"problem {code!r} ({wording or 'template'}) needs {missing}"
        ) from None


def problem(
    code: str,
    message: str | None = None,
    *,
    file: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    wording: str | None = None,
    **facts: Any,
) -> Problem:
    """A :class:`Problem` with the catalogue's severity, worded by the catalogue from its facts.

    The place (``file``, ``sheet``, ``row``, ``column``, ``value``) is a fact too. ``message``
    is kept for callers not yet moved to the catalogue; new code passes facts alone.

    >>> problem("excel-error", file="r.xlsx", sheet="Return", row=7, value="#DIV/0!").message
    'The cell holds an Excel error (#DIV/0!), not a value.'
    >>> problem("nonsense", file="r.xlsx")
    Traceback (most recent call last):
    loaders.problems.UnknownProblem: problem code 'nonsense' is not in loaders.problems.CATALOGUE
    """
    check = CATALOGUE.get(code)
    if check is None:
        raise UnknownProblem(f"problem code {code!r} is not in loaders.problems.CATALOGUE")
    shown = None if value is None else str(value)
    if message is None:
        place = {"file": file, "sheet": sheet, "row": row, "column": column, "value": shown}
        message = worded(code, wording, **{**place, **facts})
    return Problem(code, check.severity, message, file, sheet, row, column, shown)


def as_text(problems: list[Problem], *, with_file: bool = False, severity: bool = False) -> str:
    """Problems as the terminal lists them, one a line: where (when known), then what to do.

    >>> print(as_text([problem("blank-code", "Give the code.", file="r.xlsx", sheet="Return", row=7),
    ...                problem("framework-invalid", "area: include 'all'", file="f.yaml")]))
      - sheet Return, row 7: Give the code.
      - area: include 'all'
    >>> print(as_text([problem("big-change", "Check it.", file="r.csv", row=3)], severity=True))
      WARNING  line 3: Check it.
    """
    lines = []
    for p in problems:
        where = p.location() if with_file else p.location().removeprefix(p.file).lstrip(", ")
        mark = f"{p.severity.upper():8}" if severity else "-"
        lines.append(f"  {mark} {where + ': ' if where else ''}{p.message}")
    return "\n".join(lines)


class Refused(Exception):
    """Something a person asked for was refused; nothing was written.

    The one base of every refusal in the product (``outcomes.errors`` names it for the domain):
    its message is a plain sentence for a person; ``problems`` lists each located problem.
    """

    code = "refused"  # each kind of refusal names its entry in the catalogue

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    @classmethod
    def worded(
        cls,
        code: str,
        wording: str | None = None,
        /,
        *,
        problems: list[Any] | None = None,
        **facts: Any,
    ) -> Refused:
        """This kind of refusal, worded by the catalogue's entry ``code`` from ``facts``.

        >>> Refused.worded("period-blank", raw="''", wanted="a month such as 2024-04").code
        'period-blank'
        """
        refused = cls(worded(code, wording, **facts), problems)
        refused.code = code
        return refused

    @classmethod
    def carrying(cls, other: Refused) -> Refused:
        """This kind of refusal, saying what ``other`` said: its words, code and problems.

        A layer that turns a refusal from below into its own kind (a period refused, passed
        on as a template refused) keeps the catalogue's words and code rather than rewording.
        """
        refused = cls(str(other), getattr(other, "problems", None))
        refused.code = getattr(other, "code", cls.code)
        return refused

    def __reduce__(self):
        # A file is read in a child process (loaders.isolation), and its refusal comes back
        # pickled: rebuilt as the same kind with the same problems, whatever its __init__ takes.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(kind: type[Refused], args: tuple, state: dict) -> Refused:
    refused = Exception.__new__(kind)
    refused.args = args
    refused.__dict__.update(state)
    return refused


class FileRefused(Refused):
    """A file refused before it was parsed (too big, damaged, the wrong kind); nothing was read.

    ``problems`` holds one :class:`Problem` per reason, each saying the limit and what to do.
    """

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(p.message for p in problems), problems)
        if problems:
            self.code = problems[0].code  # the first reason is the refusal's kind

    @property
    def unreadable(self) -> bool:
        """Refused as not the kind of file it claims to be (rather than over a limit)."""
        return all(p.code == "unreadable-file" for p in self.problems)
