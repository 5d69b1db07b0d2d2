"""What can be wrong with a file or a request, said once, with the exact place.

In the manner of frictionless' error catalogue: every problem any reader or check can raise has
a code in :data:`CATALOGUE`, with its severity and a plain-English template; a :class:`Problem`
carries that code, a sentence the person can act on and its location (file, sheet, row, column,
value). Every reader yields these; nothing parses a message back into parts. A code missing from
the catalogue is refused when the problem is made (and tests/unit/test_problems.py scans the
source for codes the catalogue lacks), so an unknown code never silently becomes an error.

:func:`as_text` is how the terminal shows a list of them (the pages use ``ui.problems``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue: how serious, and what it means in words.

    ``template`` is the sentence shown when a reader has nothing more particular to say; it may
    name the problem's ``value``, ``column``, ``sheet`` and ``row``.
    """

    severity: str
    template: str


E, W, I = "error", "warning", "info"  # noqa: E741
CATALOGUE: dict[str, Check] = {
    # The file itself, checked before anything is parsed (loaders.files).
    "file-too-large": Check(E, "The file is larger than a file may be."),
    "unreadable-file": Check(E, "The file cannot be opened as the kind of file it claims to be."),
    "beyond-reading-limits": Check(
        E, "The file could not be read within the memory and time a file may take."
    ),
    "damaged-workbook": Check(E, "The workbook is damaged: save it again."),
    "missing-sheet": Check(E, "The workbook has no sheet {sheet}."),
    "too-many-rows": Check(E, "Sheet {sheet} has more rows than a sheet may."),
    "too-many-columns": Check(E, "Sheet {sheet} has more columns than a sheet may."),
    "too-many-cells": Check(E, "Sheet {sheet} spans more cells than a sheet may."),
    "cell-too-long": Check(E, "A cell holds more text than a cell may."),
    "excel-error": Check(E, "The cell holds an Excel error ({value}), not a value."),
    # A lead's return, as read (loaders.returns).
    "no-header": Check(E, "No header row with the return's columns was found."),
    "missing-column": Check(E, "The return has no {column} column."),
    "empty": Check(E, "There are no rows of figures under the header."),
    "blank-code": Check(E, "A row has figures but no indicator code."),
    "skipped-row": Check(I, "A row with nothing in it was skipped."),
    "after-table": Check(W, "Something below the table was not read."),
    "note-below": Check(I, "A line under the table was read as a note, not as a figure."),
    "other-sheet": Check(I, "Sheet {sheet} was not read: the return is on one sheet."),
    "extra-column": Check(I, "Column {column} is not one of the return's and was not read."),
    "duplicate-column": Check(W, "Column {column} appears twice; the first one was read."),
    # A return checked against the framework (outcomes.uploads).
    "unknown-indicator": Check(E, "'{value}' is not an indicator code in the framework."),
    "period-unreadable": Check(E, "The period '{value}' cannot be read."),
    "period-wrong-frequency": Check(
        E, "The period does not match how often the indicator is reported."
    ),
    "period-future": Check(E, "The period has not finished yet."),
    "value-not-numeric": Check(E, "The value '{value}' is not a number."),
    "value-out-of-range": Check(E, "The value {value} is outside the possible range."),
    "duplicate": Check(E, "The same indicator, period and area appear more than once."),
    "unknown-area": Check(E, "The area '{value}' is not one of the partnership's areas."),
    "area-not-reported": Check(E, "The indicator is reported for the whole partnership only."),
    "blockage-invalid": Check(E, "The blockage column takes Y or N, not '{value}'."),
    "no-figure": Check(I, "No figure was given, so no figure is recorded for this row."),
    "value-read-as-percent": Check(I, "A fraction in a percentage cell was read as a percentage."),
    "big-change": Check(W, "The figure changed by more than half since the previous period."),
    "small-number": Check(W, "The count is below the indicator's small-number threshold."),
    "revises-shown-figure": Check(W, "The figure was already shown to the board."),
    "nothing-readable": Check(E, "Nothing in the file could be read as figures."),
    "no-figures": Check(E, "The return holds no figures."),
    "computed-indicator": Check(E, "The indicator is computed from public data, not typed."),
    "commentary-too-long": Check(E, "The commentary is longer than the limit."),
    "areas-do-not-add-up": Check(
        W, "The areas' figures do not add up to the partnership's figure."
    ),
    # Public data files: notes on what a loader left out, as its layout requires
    # (loaders.ons_csp, loaders.fingertips); police.uk's are errors (loaders.police_uk).
    "file-skipped": Check(I, "The file could not be read as this kind of public data."),
    "sheet-skipped": Check(I, "Sheet {sheet} was skipped."),
    "header-moved": Check(I, "The header is not on the row the layout expects; read from there."),
    "column-ignored": Check(I, "Column {column} was ignored."),
    "row-skipped": Check(I, "Row {row} was skipped."),
    "cell-not-a-figure": Check(I, "The cell '{value}' is not a figure; it was left empty."),
    "codes-disagree": Check(I, "The sheets give an area different codes or names."),
    "values-clash": Check(I, "Some values share a series, period and area with another."),
    "period-unsupported": Check(I, "The time period '{value}' is not supported."),
    "not-police-uk-file": Check(E, "The file is not a police.uk street-level file."),
    "month-unreadable": Check(E, "The month '{value}' is not a month (expected YYYY-MM)."),
    # The framework and the actions log, imported from a workbook or YAML.
    "framework-invalid": Check(E, "The framework breaks one of its rules."),
    "action-invalid": Check(E, "The action on row {row} cannot be saved."),
}
del E, W, I


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


def problem(
    code: str,
    message: str | None = None,
    *,
    file: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
) -> Problem:
    """A :class:`Problem` with the catalogue's severity; its template when no message is given.

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
        message = check.template.format(value=shown, column=column, sheet=sheet, row=row)
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

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

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

    @property
    def unreadable(self) -> bool:
        """Refused as not the kind of file it claims to be (rather than over a limit)."""
        return all(p.code == "unreadable-file" for p in self.problems)
