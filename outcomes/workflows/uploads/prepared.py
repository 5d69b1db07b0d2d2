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
    # a force-wide police.uk file read for every partnership: the areas it places crimes in
    # (code, name, kind, within), recorded in public_area (outcomes/workflows/shared_data.py)
    public_areas: pd.DataFrame | None = None
    shared: bool = False  # read for the public data every partnership shares

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def facts(self) -> str:
        """The summary as a person reads it: counts before their nouns, with thousands
        separators ("36,367 rows read · sheet: Return · headers on row 3")."""
        return " · ".join(summary_words(k, v) for k, v in self.summary.items())


class UploadRefused(Refused):
    """Commit refused; ``problems`` says why (nothing was written)."""

    code = "upload-refused"


def summary_words(key: str, value: Any) -> str:
    """One fact of a file's summary as words.

    >>> summary_words("rows read", 36367), summary_words("header row", 3)
    ('36,367 rows read', 'headers on row 3')
    >>> summary_words("skipped: no location", 12), summary_words("sheet", "Return")
    ('12 rows skipped (no location)', 'sheet: Return')
    >>> summary_words("rows in the area", 1)
    '1 row in the area'
    """
    if key == "header row":
        return f"headers on row {value}"
    if isinstance(value, int) and not isinstance(value, bool):
        if key.startswith("skipped: "):
            return f"{value:,} {'row' if value == 1 else 'rows'} skipped ({key.removeprefix('skipped: ')})"
        if value == 1 and key.startswith("rows "):
            key = "row " + key.removeprefix("rows ")
        return f"{value:,} {key}"
    return f"{key}: {value}"
