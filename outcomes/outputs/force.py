"""The force-wide view (issue 19, item 2): the partnerships a commissioner holds to account,
side by side. Each partnership's answers come from its own schema through the same functions
its own pages use (``board.priority_summary``, ``board.indicator_ratings``, the agenda's returns
due and overdue); nothing here reads two partnerships' rows in one query.
"""

from __future__ import annotations

from io import BytesIO

import pandas as pd

from outcomes.errors import Refused
from outcomes.queries import board
from outcomes.rules import compare, status
from outcomes.storage.people import Person
from outcomes.workflows import partnerships
from outcomes.workflows.agenda import since_last_meeting

CONFIDENCE = 0.95


def spanned(store, person: Person | None) -> list[partnerships.Partnership]:
    """The partnerships ``person`` sees side by side: a commissioner's span (at least two)."""
    if person is None or person.role != "commissioner":
        return []
    top = store.cursor(None)
    ids = set(partnerships.spans(top, person.email))
    return [p for p in partnerships.listed(top) if p.id in ids]


def _each(store, chosen: list[partnerships.Partnership]):
    for p in chosen:
        yield p, store.cursor(p.schema)


def priorities_side_by_side(store, chosen: list[partnerships.Partnership]) -> pd.DataFrame:
    """A row per priority (matched by id), a column per partnership: its rolled-up status."""
    frames = []
    for p, cur in _each(store, chosen):
        summary = board.priority_summary(cur)
        frames.append(
            summary[["id", "title", "status"]].assign(
                partnership=p.name, status=summary["status"].map(status.badge_text)
            )
        )  # fmt: skip
    if not frames:
        return pd.DataFrame()
    long = pd.concat(frames, ignore_index=True)
    wide = long.pivot_table(
        index=["id"], columns="partnership", values="status", aggfunc="first", sort=False
    )
    titles = long.drop_duplicates("id").set_index("id")["title"]
    wide.insert(0, "Priority", titles.reindex(wide.index))
    wide.columns.name = None
    return wide.reset_index(drop=True)[["Priority", *[p.name for p in chosen]]].fillna("—")


def shared_indicators(store, chosen: list[partnerships.Partnership]) -> pd.DataFrame:
    """The indicators two or more of them share (the same code): each one's latest figure, its
    95% interval where the figure is a count, its status, and how it compares with the force
    area's average (similar where the interval includes it)."""
    frames = []
    for p, cur in _each(store, chosen):
        ratings = board.indicator_ratings(cur)
        frames.append(
            ratings[["indicator_code", "name", "unit", "polarity", "period", "value",
                     "effective_status"]].assign(partnership=p.name)
        )  # fmt: skip
    if not frames:
        return pd.DataFrame()
    long = pd.concat(frames, ignore_index=True)
    held = long.groupby("indicator_code")["partnership"].transform("nunique")
    long = long[held >= 2].copy()
    average = long.groupby("indicator_code")["value"].transform("mean")
    rows = []
    for r, benchmark in zip(long.to_dict("records"), average, strict=True):
        value = r["value"]
        lower = upper = None
        if value is not None and not pd.isna(value) and r["unit"] == "count":
            _, lower, upper = compare.interval("count", float(value), None, 1, CONFIDENCE)
        rows.append(
            {
                "Code": r["indicator_code"],
                "Indicator": r["name"],
                "Partnership": r["partnership"],
                "Period": r["period"],
                "Figure": value,
                "Lower 95%": lower,
                "Upper 95%": upper,
                "Status": status.badge_text(r["effective_status"]),
                "Force-area average": None if pd.isna(benchmark) else round(benchmark, 2),
                "Compared with the average": compare.compared(
                    lower, upper, None if pd.isna(benchmark) else benchmark, r["polarity"]
                ),
            }
        )
    return pd.DataFrame(rows)


def returns(store, chosen: list[partnerships.Partnership]) -> pd.DataFrame:
    """Each partnership's returns: the next due by its reporting calendar (and whether
    overdue, or sent and waiting for approval), and the indicators whose figures for the latest period due are missing."""
    rows = []
    for p, cur in _each(store, chosen):
        agenda = since_last_meeting(cur)
        due = agenda.returns_due
        overdue, waiting = due["overdue"].astype(bool), due["waiting"].astype(bool)
        rows.append(
            {
                "Partnership": p.name,
                "Returns due": int((~overdue & ~waiting).sum()),
                "Returns overdue": int(overdue.sum()),
                "Waiting for approval": int(waiting.sum()),
                "Indicators missing figures": len(agenda.overdue_returns),
                "Next due": None if due.empty else min(due["due_date"]),
            }
        )
    return pd.DataFrame(rows)


def pack(store, chosen: list[partnerships.Partnership]) -> bytes:
    """The force-wide pack as an Excel workbook: the three views, a sheet each, typed text
    kept as text (outcomes/rules/spreadsheets.py)."""
    from openpyxl import load_workbook

    from outcomes.rules.spreadsheets import neutralise_workbook

    if len(chosen) < 2:
        raise Refused.worded("force-pack-too-few")
    out = BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        priorities_side_by_side(store, chosen).to_excel(
            writer, sheet_name="Priorities", index=False
        )
        shared_indicators(store, chosen).to_excel(
            writer, sheet_name="Shared indicators", index=False
        )
        returns(store, chosen).to_excel(writer, sheet_name="Returns", index=False)
    book = load_workbook(BytesIO(out.getvalue()))
    neutralise_workbook(book)
    final = BytesIO()
    book.save(final)
    return final.getvalue()
