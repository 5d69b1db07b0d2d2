"""What a file becomes once read and checked (its problems' codes are in loaders.problems)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.problems import Problem
from outcomes.errors import Refused

FORMATS = ("auto", "return", "police-uk", "ons-csp", "fingertips")


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
