"""What a file becomes once read and checked, and the checks' catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.problems import Problem
from outcomes.errors import Refused

FORMATS = ("auto", "return", "police-uk", "ons-csp", "fingertips")

# code -> (severity, what it means for the lead)
CHECKS: dict[str, tuple[str, str]] = {
    "unknown-indicator": ("error", "is not an indicator code in the framework"),
    "period-unreadable": ("error", "the period cannot be read"),
    "period-wrong-frequency": (
        "error",
        "the period does not match how often the indicator is reported",
    ),
    "period-future": ("error", "the period has not finished yet"),
    "value-not-numeric": ("error", "the value is not a number"),
    "value-out-of-range": ("error", "the value is outside the possible range"),
    "duplicate": ("error", "the same indicator, period and area appear more than once"),
    "unknown-area": ("error", "the area is not one of the partnership's areas"),
    "area-not-reported": ("error", "the indicator is reported for the whole partnership only"),
    "blockage-invalid": ("error", "the blockage column takes Y or N"),
    "no-figure": ("info", "no figure was given, so nothing is recorded for this row"),
    "value-read-as-percent": ("info", "a fraction in a percentage cell was read as a percentage"),
    "big-change": ("warning", "the figure changed by more than half since the previous period"),
    "small-number": ("warning", "the count is below the indicator's small-number threshold"),
    "revises-shown-figure": ("warning", "the figure was already shown to the board"),
    "already-loaded": ("info", "this exact file was loaded before"),
    "loader-note": ("info", "a row or sheet of a public file was skipped, as its layout requires"),
    "nothing-readable": ("error", "nothing in the file could be read as figures"),
    "no-figures": ("error", "the return holds no figures"),
    "computed-indicator": ("error", "the indicator is computed from public data, not typed"),
    "commentary-too-long": ("error", "the commentary is longer than the limit"),
    "areas-do-not-add-up": (
        "warning",
        "the areas' figures do not add up to the partnership's figure",
    ),
}


def problem(
    code: str, message: str, *, file: str, sheet=None, row=None, column=None, value=None
) -> Problem:
    severity = CHECKS[code][0] if code in CHECKS else "error"
    shown = None if value is None else str(value)
    return Problem(code, severity, message, file, sheet, row, column, shown)


@dataclass
class Prepared:
    """A file read and checked, ready to preview and commit."""

    file_name: str
    sha256: str
    source_format: str
    observations: pd.DataFrame  # indicator_code, period, area, value, note (+ source_row)
    commentary: pd.DataFrame  # indicator_code, period, narrative, blockage
    problems: list[Problem]
    series: pd.DataFrame | None = None  # public data: series values
    series_meta: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    already_loaded: int | None = None  # upload id of an identical committed file

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def can_commit(self, accept_warnings: bool = False) -> bool:
        return not self.errors and (accept_warnings or not self.warnings)


class UploadRefused(Refused):
    """Commit refused; ``problems`` says why (nothing was written)."""
