"""Spreadsheet layouts declared as data: which columns a return has and how leads spell them.

A :class:`Layout` names each canonical column and the header spellings accepted for it. The
generic reader (:func:`loaders.returns.read_return`) finds the header row by matching cells
against these spellings after :func:`normalise`, so a lead who writes ``Quarter`` instead of
``Period``, moves columns about or adds a title block above the table still gets read. Adding a
spelling is a one-line change here; no reader code changes.

:data:`MARKERS` declares the missing-value markers a lead may type instead of a number (the
ONS/GSS symbols such as ``[x]`` and ``[c]`` plus the everyday ``n/a`` and ``-``) and what each
means. ``nil`` is deliberately *not* a marker: in older UK statistics it meant "zero or
negligible", to most readers it means zero, and a marker would store it as "no figure". Rather
than guess, :func:`loaders.values.parse_value` refuses it and asks for ``0`` or ``n/a``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_HINTS = re.compile(r"\(\s*(y\s*/\s*n|yes\s*/\s*no)\s*\)|\by\s*/\s*n\s*$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(header: object) -> str:
    """A header cell reduced to what matters for matching: lower case, ``(Y/N)`` hints and
    punctuation removed, whitespace (including non-breaking spaces and line breaks) collapsed.

    >>> normalise("  Blockage for the board (Y/N) ")
    'blockage for the board'
    >>> normalise("Indicator\\ncode*")
    'indicator code'
    >>> normalise("Value:")
    'value'
    >>> normalise("PI_code")
    'pi code'
    >>> normalise("Value\\u00a0(%)")
    'value'
    >>> normalise(None)
    ''
    """
    if header is None or (isinstance(header, float) and header != header):
        return ""
    text = unicodedata.normalize("NFKC", str(header)).lower().strip()
    text = _HINTS.sub(" ", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Layout:
    """A table layout: canonical column -> accepted header spellings (as a person writes them;
    compared after :func:`normalise`)."""

    name: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    header_search_rows: int = 20  # the header may sit under a title block
    preferred_sheets: tuple[str, ...] = ("Return",)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for canonical, spellings in self.columns.items():
            for spelling in (canonical, *spellings):
                key = normalise(spelling)
                if lookup.get(key, canonical) != canonical:
                    raise ValueError(
                        f"layout {self.name}: header {spelling!r} is accepted for both "
                        f"{lookup[key]} and {canonical}"
                    )
                lookup[key] = canonical
        unknown = [c for c in self.required if c not in self.columns]
        if unknown:
            raise ValueError(f"layout {self.name}: required columns not declared: {unknown}")
        object.__setattr__(self, "_lookup", lookup)

    def canonical(self, header: object) -> str | None:
        """The canonical column a header cell names, or None.

        >>> RETURN_LAYOUT.canonical("Story behind the curve")
        'commentary'
        >>> RETURN_LAYOUT.canonical(" PI CODE: ") is None
        False
        >>> RETURN_LAYOUT.canonical("RAG rating") is None
        True
        """
        return self._lookup.get(normalise(header))

    def spellings(self, canonical: str) -> tuple[str, ...]:
        """The spellings accepted for a canonical column, for messages."""
        return self.columns[canonical]


RETURN_LAYOUT = Layout(
    name="quarterly return",
    columns={
        "indicator_code": (
            "Indicator code",
            "Code",
            "Indicator ID",
            "Indicator ref",
            "PI code",
            "PI ref",
            "Ref",
            "Reference",
        ),
        "indicator_name": ("Indicator", "Indicator name", "Measure", "PI", "Description"),
        "period": ("Period", "Quarter", "Reporting period", "Month", "Period covered"),
        "unit": ("Unit", "Units", "Unit of measure"),
        "previous_value": (
            "Previous value",
            "Last value",
            "Previous",
            "Previous quarter",
            "Last quarter",
        ),
        "target": ("Target", "Target value", "Target this period"),
        "value": (
            "Value",
            "Figure",
            "Actual",
            "Result",
            "This quarter",
            "Value this period",
            "Current value",
        ),
        "commentary": (
            "Commentary",
            "Comments",
            "Comment",
            "Narrative",
            "Story behind the curve",
            "Notes",
        ),
        "blockage": (
            "Blockage for the board (Y/N)",
            "Blockage",
            "Blockages",
            "Escalate to board",
            "Escalate",
        ),
        "area": ("Area", "Ward", "Neighbourhood", "Area code", "Locality"),
    },
    required=("indicator_code", "period", "value"),
)

# Missing-value markers (compared stripped and in lower case) -> what they mean.
MARKERS: dict[str, str] = {
    "n/a": "not applicable / not available",
    "na": "not applicable / not available",
    "n.a.": "not applicable / not available",
    "-": "not available",
    "–": "not available",  # en dash
    "—": "not available",  # em dash
    "..": "not available",
    "x": "not available",
    "[x]": "not available",
    "*": "suppressed (small number)",
    "[c]": "confidential",
    "[z]": "not applicable",
    "tbc": "to be confirmed",
}
