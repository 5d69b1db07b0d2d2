"""A day from a cell or a form, read as the UK writes it.

Year first (``2026-05-31``, ISO), day first (``31/05/2026``, ``31.5.26``, ``31-05-2026``), the
month in words (``31 May 2026``), a date or datetime, or an Excel day number (a date cell whose
number format was lost). Periods have their own reader (``loaders.periods``), which refuses
day-first dates because a period cell's ``04/05/2024`` is as often American; an action's due
date or a meeting's date is written by people here, day first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its phantom 29 February 1900
_EXCEL_LAST = 2_958_465  # 31 December 9999


def _from_text(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10] if len(text) >= 10 else text)
    except ValueError:
        pass
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            return None
    for layout in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def read_day(value: object) -> date | None:
    """The day ``value`` says, or None when it says none.

    >>> read_day("2025-05-15"), read_day("31/05/2026"), read_day("5.6.26")
    (datetime.date(2025, 5, 15), datetime.date(2026, 5, 31), datetime.date(2026, 6, 5))
    >>> read_day("1 June 2026"), read_day(46173), read_day("31/02/2026"), read_day("soon")
    (datetime.date(2026, 6, 1), datetime.date(2026, 5, 31), None, None)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        whole = int(value) if value == value else 0  # NaN is no day
        return _EXCEL_EPOCH + timedelta(days=whole) if 1 <= whole <= _EXCEL_LAST else None
    return _from_text(" ".join(str(value).split()))
