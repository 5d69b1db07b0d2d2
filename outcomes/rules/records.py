"""What the board's records have in common: their refusal (MeetingError), dates as the UK
writes them, typed text, and the limits the pages show. The floor under outcomes.workflows.meetings,
outcomes.workflows.commentary and outcomes.workflows.actions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from loaders import days
from loaders.problems import worded
from outcomes.errors import Refused

ACTION_STATUSES = ("open", "done")
# The longest commentary (each of its texts) taken, at every entry: the form and a return's
# Commentary column. About a page of the board pack: longer stories belong in a paper.
COMMENTARY_MAX_CHARS = 2_000


class MeetingError(Refused, ValueError):
    """A request the board's records cannot take, in plain English."""

    code = "meeting-refused"


# The first line of an actions import refused; the problems follow, one a row.
IMPORT_REFUSED = worded("actions-import-refused", "heading")


def parse_date(value: Any, what: str) -> date:
    """A date from a date, an Excel day number or text, day first as the UK writes it
    (``loaders.days``); ``what`` names it in the error.

    >>> parse_date("2025-05-15", "The meeting date"), parse_date("31/05/2026", "The due date")
    (datetime.date(2025, 5, 15), datetime.date(2026, 5, 31))
    """
    found = days.read_day(value)
    if found is None:
        raise MeetingError.worded("date-unreadable", what=what, value=value)
    return found


def typed_text(value: Any) -> str | None:
    """Typed text, or None when there is none (missing, NaN or blank)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None
