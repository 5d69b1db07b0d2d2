"""The force-area demo's other partnerships in their own words (``init --demo --partnerships N``).

The demo framework is Plymouth's; Torbay, Cornwall, Exeter and North Devon each get it with
their own council, neighbourhoods, agencies and comparator group, so nothing of theirs names
Plymouth except where Plymouth is one of the areas they compare themselves with. Every figure
stays made up; the CSP codes and populations are the ONS's (year ending December 2022, Table C5).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.workflows.framework import Framework

# The Plymouth demo's own neighbourhoods, in AREA_SHARES order (outcomes/workflows/demo.py).
PLYMOUTH_NEIGHBOURHOODS = (
    ("stonehouse", "Stonehouse"),
    ("devonport", "Devonport"),
    ("city-centre", "City Centre"),
)


@dataclass(frozen=True)
class Place:
    area: str  # as police.uk's LSOA names spell it
    council: str
    neighbourhoods: tuple[tuple[str, str], ...]  # (code, name), three, like Plymouth's
    csp_code: str
    words: tuple[tuple[str, str], ...] = ()  # further (Plymouth's words, its own), longest first


DEVON_CORNWALL_CSPS = {  # CSP code: (name, population mid-2021)
    "E22000056": ("Plymouth", 264_700),
    "E22000060": ("Torbay", 139_400),
    "E22000356": ("Cornwall", 572_000),
    "E22000049": ("Exeter", 129_300),
    "E22000363": ("North Devon", 167_900),
}

PLACES = {
    "torbay": Place(
        "Torbay",
        "Torbay Council",
        (("torquay", "Torquay"), ("paignton", "Paignton"), ("brixham", "Brixham")),
        "E22000060",
        (("University of Plymouth and Marjon University", "South Devon College"),),
    ),
    "cornwall": Place(
        "Cornwall",
        "Cornwall Council",
        (("truro", "Truro"), ("camborne-redruth", "Camborne and Redruth"), ("newquay", "Newquay")),
        "E22000356",
        (
            ("University of Plymouth and Marjon University", "Falmouth University"),
            (
                "NHS Devon Integrated Care Board",
                "NHS Cornwall and Isles of Scilly Integrated Care Board",
            ),
            (
                "Probation Service (Devon and Torbay)",
                "Probation Service (Cornwall and Isles of Scilly)",
            ),
            ("Devon and Somerset Fire and Rescue Service", "Cornwall Fire and Rescue Service"),
            ("Victim Support (Devon)", "Victim Support (Cornwall)"),
        ),
    ),
    "exeter": Place(
        "Exeter",
        "Exeter City Council",
        (("heavitree", "Heavitree"), ("st-thomas", "St Thomas"), ("city-centre", "City Centre")),
        "E22000049",
        (("University of Plymouth and Marjon University", "University of Exeter"),),
    ),
    "north-devon": Place(
        "North Devon",
        "North Devon Council",
        (("barnstaple", "Barnstaple"), ("ilfracombe", "Ilfracombe"), ("bideford", "Bideford")),
        "E22000363",
        (("University of Plymouth and Marjon University", "Petroc"),),
    ),
}


def replacements(place: Place) -> list[tuple[str, str]]:
    """Plymouth's words and this place's, longest first so a longer phrase wins."""
    (_, n1), (_, n2), (_, n3) = place.neighbourhoods
    found = [
        *place.words,
        ("Stonehouse, Devonport and the City Centre", f"{n1}, {n2} and {n3}"),
        ("Plymouth City Council", place.council),
        ("Plymouth City Centre", f"{place.area}, {n3}"),
        ("Stonehouse", n1),
        ("Devonport", n2),
        ("City Centre", n3),
        ("Plymouth", place.area),
    ]
    return sorted(found, key=lambda pair: len(pair[0]), reverse=True)


def in_words_of(text: object, place: Place) -> object:
    """One of the demo's texts as ``place`` would write it.

    >>> in_words_of("Head of Community Safety, Plymouth City Council", PLACES["torbay"])
    'Head of Community Safety, Torbay Council'
    >>> in_words_of("Violent street crime in Stonehouse, Devonport and the City Centre", PLACES["cornwall"])
    'Violent street crime in Truro, Camborne and Redruth and Newquay'
    """
    if not isinstance(text, str):
        return text
    for plymouth, own in replacements(place):
        text = text.replace(plymouth, own)
    return text


def localised(framework: Framework, pid: str, name: str) -> Framework:
    """The demo framework as partnership ``pid`` (one of :data:`PLACES`) would write it: its
    name and area, its words everywhere, its neighbourhoods, and its comparator group (Devon
    and Cornwall's partnerships, itself marked as us)."""
    place = PLACES[pid]
    codes = dict(
        zip(
            (c for c, _ in PLYMOUTH_NEIGHBOURHOODS),
            (c for c, _ in place.neighbourhoods),
            strict=True,
        )
    )
    tables = {}
    for table, frame in framework.tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(lambda v: in_words_of(v, place))
        tables[table] = frame
    tables["partnership"] = tables["partnership"].assign(name=name, area_name=place.area)
    tables["area"] = tables["area"].assign(code=tables["area"]["code"].replace(codes))
    tables["comparator_area"] = comparator_group(place, tables["comparator_area"].columns)
    return Framework(tables)


def neighbourhood_codes(pid: str | None) -> dict[str, str]:
    """Plymouth's neighbourhood codes to ``pid``'s (unchanged for Plymouth itself)."""
    if pid not in PLACES:
        return {c: c for c, _ in PLYMOUTH_NEIGHBOURHOODS}
    return dict(
        zip(
            (c for c, _ in PLYMOUTH_NEIGHBOURHOODS),
            (c for c, _ in PLACES[pid].neighbourhoods),
            strict=True,
        )
    )


def comparator_group(place: Place, columns) -> pd.DataFrame:
    rows = [
        {
            "group_name": "Devon and Cornwall's partnerships",
            "area_code": code,
            "area_name": csp,
            "is_us": code == place.csp_code,
            "sort_order": 1001 + k,
        }
        for k, (code, (csp, _)) in enumerate(DEVON_CORNWALL_CSPS.items())
    ]
    return pd.DataFrame(rows)[list(columns)]


def uploader(name: str, pid: str | None) -> str:
    """Who the demo's figures are attributed to, in ``pid``'s words."""
    return name if pid not in PLACES else str(in_words_of(name, PLACES[pid]))
