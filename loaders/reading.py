"""Which reader a file needs, and reading it: the one function a child process runs per file.

:func:`read_file` is what :func:`loaders.isolation.read_isolated` runs for a return or a public
data file, so deciding the format (which opens the file) happens inside the limits too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders import files
from loaders.fingertips import read_fingertips
from loaders.ons_csp import read_ons_csp
from loaders.police_uk import read_police_uk
from loaders.returns import read_return


def detect_format(path: str | Path) -> str:
    """Which loader a file needs, from its extension and its first line or sheet names."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace").splitlines()[:1]
        first = head[0] if head else ""
        if first.startswith("Crime ID,Month,Reported by"):
            return "police-uk"
        if first.startswith("Indicator ID,Indicator Name"):
            return "fingertips"
        return "return"
    if suffix in files.WORKBOOK_SUFFIXES:
        # From the zip's list of sheets: no sheet is parsed before the limits are checked.
        sheets = files.sheet_names(files.read_bytes(path, path.name), path.name)
        if any(name.startswith("Table C") for name in sheets):
            return "ons-csp"
    return "return"


def read_file(path: Path, fmt: str, file_name: str, area_name: str) -> tuple[str, Any]:
    """``(format, what its reader returned)`` for one file; ``fmt`` may be ``"auto"``.

    A return gives :class:`loaders.returns.ReturnRows`; police.uk a ``PoliceUkResult`` for
    ``area_name``; ONS and Fingertips a :class:`loaders.series.SeriesLoad`. Raises FileRefused.
    """
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "return":
        return fmt, read_return(path, file_name=file_name)
    if fmt == "police-uk":
        return fmt, read_police_uk([path], area_name=area_name)
    if fmt == "ons-csp":
        return fmt, read_ons_csp(path)
    return fmt, read_fingertips(path)
