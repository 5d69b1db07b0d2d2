"""Words, not codes: how periods, figures, counts and areas read wherever a person reads them.

Pages, presentation mode and the pack all take their wording from here (and dates from
``periods.long_date`` / ``periods.long_datetime``), so each rule is written once.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from loaders import periods, values

WHOLE_AREA = "all"  # the area code of a figure for the whole partnership


_missing = values.missing  # the one rule for a value that is not there


def format_value(value: Any, unit: str, decimals: int = 0, *, trim: bool = False) -> str:
    """A figure as the board reads it: the one figure formatter (pages, pack, command line).

    ``trim`` drops the zeros a figure does not need (the command line's status table):

    >>> format_value(12.5, "count", 2, trim=True), format_value(12.0, "count", 2, trim=True)
    ('12.5', '12')

    >>> format_value(1234.0, "count")
    '1,234'
    >>> format_value(76.25, "percent", 1)
    '76.2%'
    >>> format_value(0.613, "rate_per_1000", 2)
    '0.61 per 1,000'
    >>> format_value(None, "count")
    '–'

    Words stand for a figure that may not be shown (the public view's "fewer than 8"):

    >>> format_value("fewer than 8", "count")
    'fewer than 8'
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return "–"
    text = f"{float(value):,.{int(decimals)}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text}%"
    if unit == "rate_per_1000":
        return f"{text} per 1,000"
    return text


def period(code: Any, missing: str = "no figures yet") -> str:
    """A period as the board says it.

    >>> period("2025-03"), period("2024/25 Q4"), period(None)
    ('March 2025', 'Q4 2024/25 (Jan–Mar 2025)', 'no figures yet')
    """
    if _missing(code) or not str(code).strip():
        return missing
    return periods.parse_code(str(code)).label


def period_short(code: Any, missing: str = "no figures yet") -> str:
    """A period where space is short (a projector's table cell, a legend): the words of
    :func:`period` without the months in brackets.

    >>> period_short("2025-03"), period_short("2024/25 Q4"), period_short(None, "none yet")
    ('Mar 2025', 'Q4 2024/25', 'none yet')
    >>> period_short("CY 2015"), period_short("YE 2022-12"), period_short("2024/25")
    ('2015', 'Year to Dec 2022', '2024/25')
    """
    if _missing(code) or not str(code).strip():
        return missing
    p = periods.parse_code(str(code))
    if p.kind == "quarter":
        return p.label.partition(" (")[0]
    if p.kind == "calendar_year":
        return str(p.start.year)
    if p.kind == "year_ending":
        return f"Year to {p.short_label.removeprefix('YE ')}"
    return p.short_label


def period_tick(code: Any) -> str:
    """A period as a chart's axis says it: the shortest words that still read as a period.

    >>> period_tick("2022/23 Q3"), period_tick("2025-03"), period_tick("2024/25")
    ('Q3 22/23', 'Mar 2025', '2024/25')
    >>> period_tick("CY 2015"), period_tick("YE 2022-12")
    ('2015', 'Yr to Dec 2022')
    """
    words = period_short(code, "")
    p = periods.parse_code(str(code))
    if p.kind == "quarter":
        head, fy = words.split(" ")
        return f"{head} {fy[2:]}"
    return words.replace("Year to", "Yr to")


def period_ticks(codes: Any) -> list[str]:
    """:func:`period_tick` of each code in a column, each distinct period worded once (an
    areas chart repeats every period once per area).

    >>> period_ticks(["2022/23 Q3", "2022/23 Q3", "2025-03"])
    ['Q3 22/23', 'Q3 22/23', 'Mar 2025']
    """
    codes = list(codes)
    said = {code: period_tick(code) for code in dict.fromkeys(codes)}
    return [said[code] for code in codes]


def period_aside(code: Any, missing: str = "no figures yet") -> str:
    """A period to go inside brackets after a figure: no brackets of its own.

    >>> period_aside("2024/25 Q4"), period_aside("2024/25"), period_aside("2021-04")
    ('Q4 2024/25, Jan–Mar 2025', 'Financial year 2024/25, Apr 2024–Mar 2025', 'April 2021')
    """
    words = period(code, missing)
    head, bracket, rest = words.partition(" (")
    return f"{head}, {rest.removesuffix(')')}" if bracket else words


def number(value: Any, decimals: int | None = None) -> str:
    """A figure with thousands separators and no trailing ".0"; a missing one is a dash.

    >>> number(11740.0), number(185.0), number(38.8), number(0.6131, 2), number(None)
    ('11,740', '185', '38.8', '0.61', '–')
    >>> number(1234.5, 0), number(2.50)
    ('1,234', '2.5')
    """
    if _missing(value):
        return "–"
    x = float(value)
    if not math.isfinite(x):
        return "–"
    if decimals is not None:
        return f"{x:,.{int(decimals)}f}"
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def decimals_for(values: Any, most: int = 2) -> int:
    """The decimals a column of figures needs, at most ``most``, so that every row of the
    column shows the same number of them ("45.40" beside "33.34", not "45.4").

    >>> decimals_for([45.4, 33.34, 12.0]), decimals_for([3.0, 4.0, None]), decimals_for([0.12345])
    (2, 0, 2)
    """
    need = 0
    for v in values:
        if _missing(v) or not math.isfinite(float(v)):
            continue
        x = float(v)
        need = max(need, next(d for d in range(most + 1) if round(x, d) == round(x, most)))
    return need


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun.

    >>> plural(1, "problem"), plural(2, "problem"), plural(0, "blockage"), plural(3, "is", "are")
    ('1 problem', '2 problems', '0 blockages', '3 are')
    >>> plural(36367, "row")
    '36,367 rows'
    """
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# How a person counts a table's rows, the one list (copying a database counts what it wrote with
# it; a refused delete counts what still links to the row): the schema's words, not its names.
ROW_WORDS = {
    "action": ("action", "actions"),
    "area": ("area", "areas"),
    "audit_log": ("audit record", "audit records"),
    "commentary": ("piece of commentary", "pieces of commentary"),
    "indicator": ("indicator", "indicators"),
    "indicator_target": ("trajectory target", "trajectory targets"),
    "meeting": ("meeting", "meetings"),
    "meeting_status": ("status frozen at a meeting", "statuses frozen at meetings"),
    "observation": ("figure (every revision)", "figures (every revision)"),
    "partner": ("partner", "partners"),
    "partnership": ("partnership", "partnerships"),
    "person": ("person", "people"),
    "priority": ("priority", "priorities"),
    "series_value": ("public series value", "public series values"),
    "setting": ("setting", "settings"),
    "upload": ("upload", "uploads"),
    "tier": ("tier", "tiers"),
    "return_due": ("reporting calendar entry", "reporting calendar entries"),
    "comparator_area": ("comparator area", "comparator areas"),
    "series": ("public series", "public series"),
    "spc_event": ("SPC event", "SPC events"),
    "indicator_spc": ("SPC setting", "SPC settings"),
    "indicator_derivation": ("derivation rule", "derivation rules"),
    "person_priority": ("person's priority", "people's priorities"),
    "blockage_resolution": ("blockage resolved", "blockages resolved"),
}


def rows_of(table: str, n: int) -> str:
    """``n`` rows of a table, counted as a person counts them.

    >>> rows_of("action", 3), rows_of("person", 1), rows_of("observation", 497)
    ('3 actions', '1 person', '497 figures (every revision)')
    >>> rows_of("shadow_table", 2)
    '2 rows of shadow_table'
    """
    one, many = ROW_WORDS.get(table, (f"row of {table}", f"rows of {table}"))
    return plural(n, one, many)


def with_article(words: str) -> str:
    """A noun with "a" or "an" before it.

    >>> with_article("board member"), with_article("analyst")
    ('a board member', 'an analyst')
    """
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def join_and(words: list[str], conjunction: str = "and") -> str:
    """Words in a list as a sentence says them.

    >>> join_and(["a"]), join_and(["a", "b"]), join_and(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    >>> join_and(["an analyst", "an administrator"], "or")
    'an analyst or an administrator'
    """
    return ", ".join(words[:-1]) + (f" {conjunction} " if len(words) > 1 else "") + words[-1]


def area_name(code: Any, name: Any = None) -> str:
    """An area by its name (from the ``area`` table); the partnership's own figure as the
    whole area.

    >>> area_name("city-centre", "City Centre"), area_name("all"), area_name("x-y", None)
    ('City Centre', 'Whole area', 'x-y')
    """
    if _missing(code) or code == WHOLE_AREA:
        return "Whole area"
    return str(name) if not _missing(name) and str(name).strip() else str(code)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def as_when(value: Any) -> date | datetime | None:
    """A date or a moment from a date, a datetime (pandas' Timestamp too) or ISO text; a moment
    at midnight is its day, since a date read back through pandas is a midnight Timestamp.
    None for anything else.

    >>> as_when("2026-12-01 00:00:00") == as_when("2026-12-01") == date(2026, 12, 1)
    True
    >>> as_when("2026-11-30 19:50:39.5"), as_when("Chair"), as_when(12)
    (datetime.datetime(2026, 11, 30, 19, 50, 39, 500000), None, None)
    """
    if isinstance(value, str):
        if not _ISO.fullmatch(value.strip()):
            return None
        value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        if _missing(value):
            return None
        moment = value.replace(tzinfo=None)
        if hasattr(moment, "to_pydatetime"):
            moment = moment.to_pydatetime()
        return moment.date() if moment.time() == datetime.min.time() else moment
    return value if isinstance(value, date) else None


def when(value: Any) -> str:
    """A date, or a moment to the minute, in words; a midnight moment is its day.

    >>> when("2026-12-01 00:00:00"), when("2026-11-30 19:50:39"), when(None)
    ('1 December 2026', '30 November 2026 at 19:50', '–')
    """
    moment = as_when(value)
    if moment is None:
        return "–" if _missing(value) else str(value)
    if isinstance(moment, datetime):
        return periods.long_datetime(moment)
    return periods.long_date(moment)


def in_words(value: Any) -> str:
    """A stored value as a person reads it: Yes or No, figures with thousands separators,
    dates in words, a list as its items; missing is a dash.

    >>> in_words(True), in_words(11740), in_words("2026-12-01 00:00:00"), in_words(["a", "b"])
    ('Yes', '11,740', '1 December 2026', 'a, b')
    >>> in_words(None), in_words([]), in_words("open")
    ('–', 'none', 'open')
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(in_words(v) for v in value) or "none"
    if _missing(value):
        return "–"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Yes" if value else "No"
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        return number(value)
    if as_when(value) is not None:
        return when(value)
    return str(value)
