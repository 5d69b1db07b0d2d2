"""A board's business for the tests: commentary (overrides, blockages) and actions, written
through the product's own functions by the people named."""

from __future__ import annotations

from typing import Any

import duckdb

from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting

# (indicator, the demo's quarter it is about as written for it, who wrote it, what they wrote)
Note = tuple[str, str, str, dict[str, Any]]
# (reference, text, owner, anything more: due_date, status_, priority_id)
Action = tuple[str, str, str, dict[str, Any]]


def record_business(
    cur: duckdb.DuckDBPyConnection, notes: list[Note], actions: list[Action]
) -> None:
    """Each note as commentary on the demo's figures (its quarter moved to where they fall
    today), then each action as the clerk records it."""
    for code, quarter, who, written in notes:
        meetings.add_commentary(cur, code, facts().moved(quarter), by=acting(who), **written)
    for reference, text, owner, more in actions:
        meetings.save_action(
            cur, by=acting("clerk"), reference=reference, text=text, owner=owner, **more
        )
