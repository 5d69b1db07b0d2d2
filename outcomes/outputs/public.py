"""The public view for residents and scrutiny, and the public pack: what they may show.

An administrator switches the view on (``set_public_view``); until then it is off. It shows
only the indicators the framework marks ``public`` and only commentary its author marked for
publishing; never a blockage, an override's reason, a figure's note, an author's name, an
upload, a meeting or an action.

Every figure the public sees comes through :func:`published`, the one place the small-number
rule (``outcomes.rules.suppression``) is applied: the public pages, their charts and every format
of the public pack read :func:`public_snapshot` or the reads below it, and never see a figure
the rule withholds. Statuses are still shown for a suppressed figure (as NHS publications do):
a status says only on which side of a target the figure fell, which reveals its range coarsely
at most; the words explaining a status, which quote the figure, are replaced.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from loaders import periods
from outcomes.outputs.snapshot import Snapshot, clean, in_plan_order, snapshot
from outcomes.queries import board
from outcomes.rules import status, suppression, wording
from outcomes.storage import store
from outcomes.storage.people import Person, writes
from outcomes.workflows import agenda, meetings

SETTING = "public_view"
# What the public summary leaves out (``Snapshot.withheld``): the board's own business.
WITHHELD = frozenset(
    {"blockages", "overdue_actions", "overdue_returns", "waiting_returns", "actions"}
)
# A priority's status in public is rolled up from its published indicators only, and says so
# beside it on every page and in every format. Not the board's status: that one counts the
# indicators the partnership does not publish, so it would tell residents something about them
# (modern slavery is Red to the board from figures the public never sees) and could not be
# checked against anything on the page.
STATUS_BASIS = "worked out from the published indicators only"
STATUS_DIFFERS = "the board's, which counts every indicator, may differ"


# --- The switch ------------------------------------------------------------------------------


def public_view_enabled(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether residents may see the public view (off until an administrator switches it on)."""
    row = cur.execute("SELECT value FROM setting WHERE key = ?", [SETTING]).fetchone()
    return bool(row) and row[0] == "on"


@writes("settings.public_view")
def set_public_view(cur: duckdb.DuckDBPyConnection, enabled: bool, *, by: Person) -> bool:
    """Switch the public view on or off, recorded in the audit log under ``by``.

    Returns whether anything changed (switching on a view that is on changes nothing)."""
    value = "on" if enabled else "off"
    with store.transaction(cur):
        before = "on" if public_view_enabled(cur) else "off"
        if before == value:
            return False
        cur.execute(
            "INSERT OR REPLACE INTO setting (key, value, changed_by, changed_at) "
            "VALUES (?, ?, ?, current_localtimestamp())",
            [SETTING, value, by.signature],
        )
        store.audit(
            cur,
            by,
            "setting",
            SETTING,
            f"switched {value}",
            before={SETTING: before},
            after={SETTING: value},
        )
    return True


def public_view_facts(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Whether the view is on, who last changed it and when, and how many indicators it shows."""
    row = cur.execute(
        "SELECT value, changed_by, changed_at FROM setting WHERE key = ?", [SETTING]
    ).fetchone()
    shown, total = cur.execute(
        "SELECT count(*) FILTER (WHERE coalesce(public, false)), count(*) FROM indicator"
    ).fetchone()
    return {
        "enabled": bool(row) and row[0] == "on",
        "changed_by": row[1] if row else None,
        "changed_at": row[2] if row else None,
        "public_indicators": int(shown),
        "indicators": int(total),
    }


# --- The one place small numbers are suppressed ------------------------------------------------


def rule_of(ind: dict[str, Any]) -> suppression.Rule:
    return suppression.parse_rule(ind.get("suppression"))


def published(frame: pd.DataFrame, ind: dict[str, Any]) -> pd.DataFrame:
    """Figures as the public may see them: ``value`` replaced by what the indicator's
    small-number rule allows (None where withheld), ``value_text`` as it reads, ``withheld``
    saying why it differs (None where shown as reported). The counts behind a rate, confidence
    limits and the figures' notes are dropped. ``area`` other than ``all`` is below the
    partnership level; a frame without ``area`` is the partnership's."""
    rule, unit, decimals = rule_of(ind), ind["unit"], int(ind.get("decimals") or 0)
    out = frame.drop(
        columns=[
            c
            for c in ("numerator", "denominator", "lower_ci", "upper_ci", "note", "file_name")
            if c in frame.columns
        ]
    ).copy()
    areas = frame["area"] if "area" in frame.columns else pd.Series("all", index=frame.index)
    numerators = frame["numerator"] if "numerator" in frame.columns else [None] * len(frame)
    denominators = frame["denominator"] if "denominator" in frame.columns else [None] * len(frame)
    shown = [
        suppression.shown(v, unit=unit, rule=rule, area=a != "all", numerator=n, denominator=d)
        for v, a, n, d in zip(frame["value"], areas, numerators, denominators, strict=True)
    ]
    if unit in suppression.COUNT_UNITS and "period" in frame.columns:
        # The areas' counts of a period add up to the partnership's: one suppressed area would
        # be the total less the others, so the rule's secondary suppression applies per period.
        where = pd.Series(range(len(frame)), index=frame.index)[list(areas != "all")]
        for _, at in where.groupby(frame.loc[where.index, "period"], sort=False):
            for i, s in zip(at, suppression.secondary([shown[i] for i in at]), strict=True):
                shown[i] = s
    out["value"] = pd.Series([s.value for s in shown], index=frame.index, dtype="float64")
    out["value_text"] = [suppression.text(s, unit, decimals) for s in shown]
    out["withheld"] = pd.Series([s.note for s in shown], index=frame.index, dtype=object)
    return out


def _published_one(value: Any, ind: dict[str, Any], **counts: Any) -> suppression.Shown:
    frame = pd.DataFrame([{"value": value, **counts}])
    row = published(frame, ind).iloc[0]
    return suppression.Shown(None if pd.isna(row["value"]) else row["value"], row["withheld"])


# --- The public reads -------------------------------------------------------------------------


def public_codes(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT code FROM indicator WHERE coalesce(public, false) ORDER BY code"
        ).fetchall()
    ]


def public_indicator(cur: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    """An indicator's framework entry as the public sees it (None unless it is public): its
    baseline passed through the small-number rule, like every figure."""
    ind = board.indicator(cur, code)
    if ind is None or not bool(ind.get("public")):
        return None
    ind = {k: clean(v) for k, v in ind.items()}
    base = _published_one(ind["baseline_value"], ind)
    ind["baseline_value"] = base.value
    ind["baseline_text"] = suppression.text(base, ind["unit"], int(ind["decimals"] or 0))
    ind["rule"] = rule_of(ind).words
    return ind


_FIGURES = """
    SELECT d.period, d.period_start, d.area, a.name AS area_name, d.value, d.numerator,
           d.denominator, coalesce(t.target, i.target) AS target
    FROM observation_current_detail d
    JOIN indicator i ON i.code = d.indicator_code
    LEFT JOIN area a ON a.code = d.area
    LEFT JOIN indicator_target t ON t.indicator_code = d.indicator_code AND t.period = d.period
    WHERE d.indicator_code = ? AND coalesce(i.public, false)
    ORDER BY d.period_start, a.sort_order
"""


def public_history(cur: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The partnership's figures of a public indicator, each rated (from the figure as
    reported) and then published; a withheld point has no value and its reason says why."""
    ind = public_indicator(cur, code)
    if ind is None:
        return pd.DataFrame()
    frame = cur.execute(_FIGURES, [code]).df()
    frame = frame[frame["area"] == "all"].reset_index(drop=True)
    frame = board.rate_points(frame, board.indicator(cur, code))
    out = published(frame, ind)
    out["reason"] = [
        f"the figure ({why}) is not published" if why and pd.isna(v) else reason
        for v, why, reason in zip(out["value"], out["withheld"], out["reason"], strict=True)
    ]
    return out.drop(columns=["area", "area_name"])


def public_areas(cur: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """A public indicator's figures for each area (``period``, ``label``, ``area`` as its
    name, ``value``...), published: rounded to the nearest 5, small counts withheld."""
    ind = public_indicator(cur, code)
    if ind is None or not bool(ind.get("by_area")):
        return pd.DataFrame()
    frame = cur.execute(_FIGURES, [code]).df()
    frame = frame[frame["area"] != "all"].reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame()
    out = published(frame, ind)
    out["area"] = out["area_name"].fillna(out["area"])
    out["label"] = [wording.period_tick(p) for p in out["period"]]
    return out.drop(columns=["area_name"])


def public_commentary(cur: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    """The newest commentary marked for publishing (``period``, ``narrative``,
    ``actions_taken``); never its blockage, an override's reason or its author."""
    row = cur.execute(
        """
        SELECT period, narrative, actions_taken FROM commentary_live
        WHERE indicator_code = ? AND coalesce(published, false)
        ORDER BY created_at DESC, id DESC LIMIT 1
        """,
        [code],
    ).fetchone()
    if row is None or not any(p and str(p).strip() for p in row[1:]):
        return None
    return dict(zip(("period", "narrative", "actions_taken"), row, strict=True))


@writes("commentary.add")
def mark_published(
    cur: duckdb.DuckDBPyConnection, commentary_id: int, published: bool = True, *, by: Person
) -> bool:
    """Mark commentary already recorded (one sent in a return, say) for the public view, or
    withdraw it, as whoever may write commentary on its indicator may (its lead, an analyst).
    Returns whether anything changed. Commentary whose words are its blockage (a return's row
    marked Y carries them as both) cannot be published: a blockage never is."""
    frame = cur.execute(
        "SELECT indicator_code, period, narrative, actions_taken, blockage, blockage_detail, "
        "coalesce(published, false) AS published FROM commentary_live WHERE id = ?",
        [commentary_id],
    ).df()
    if frame.empty:
        raise meetings.MeetingError.worded("commentary-unknown", commentary_id=commentary_id)
    note = frame.iloc[0].to_dict()
    code, period, was = note["indicator_code"], note["period"], bool(note["published"])
    meetings.may_comment_on(cur, code, by)
    if published and not publishable(note):
        raise meetings.MeetingError.worded(
            "commentary-not-public", code=code, period=wording.period_aside(period)
        )
    if was == bool(published):
        return False
    with store.transaction(cur):
        cur.execute(
            "UPDATE commentary SET published = ? WHERE id = ?", [bool(published), commentary_id]
        )
        store.audit(
            cur,
            by,
            "commentary",
            f"{code} {period}",
            "published" if published else "withdrawn from the public view",
            before={"published": bool(was)},
            after={"published": bool(published)},
        )
    return True


def publishable(note: dict[str, Any]) -> bool:
    """Whether commentary has words the public may read: a story or what is being done, and
    not the words of its blockage (a return's row marked Y carries them as its story too).

    >>> publishable({"narrative": "Fewer fires.", "actions_taken": None, "blockage": False})
    True
    >>> publishable({"narrative": "No trainer.", "actions_taken": None, "blockage": True,
    ...              "blockage_detail": "No trainer."})
    False
    """
    story = meetings.typed_text(note.get("narrative"))
    if note.get("blockage") and story == meetings.typed_text(note.get("blockage_detail")):
        return False
    return bool(story or meetings.typed_text(note.get("actions_taken")))


def commentary_words(c: dict[str, Any] | None) -> str | None:
    """Public commentary as one line of the pack.

    >>> commentary_words({"period": "2024/25 Q4", "narrative": "Fewer fires.", "actions_taken": None})
    'Fewer fires. (2024/25 Q4)'
    """
    if not c:
        return None
    parts = [
        str(c[k]).strip() for k in ("narrative", "actions_taken") if c[k] and str(c[k]).strip()
    ]
    return f"{' '.join(parts)} ({c['period']})"


def _public_row(cur, r: dict[str, Any], ind: dict[str, Any]) -> dict[str, Any]:
    """A pack row (see ``outcomes.outputs.snapshot``) as the public may see it."""
    history = public_history(cur, r["code"])
    latest = history[history["period"] == r["period"]] if r["period"] else history.iloc[0:0]
    if latest.empty:
        figure = _published_one(r["value"], ind)
    else:
        value = latest["value"].iloc[0]
        figure = suppression.Shown(None if pd.isna(value) else value, latest["withheld"].iloc[0])
    unit, decimals = ind["unit"], int(ind["decimals"] or 0)
    base = _published_one(r["baseline"], ind)
    # Which way two small figures moved would say more than either status does: not shown.
    where = list(history["period"]).index(r["period"]) if not latest.empty else 0
    before = history.iloc[:where]
    before = before[before["value"].notna() | before["withheld"].notna()]  # had a figure
    previous_withheld = not before.empty and before["withheld"].iloc[-1] is not None
    direction = r["direction"]
    if direction and (figure.suppressed or previous_withheld):
        direction = "not published"
    withheld = figure.suppressed or base.suppressed
    # A suppressed figure's value is its words, which every format prints as they are.
    return {
        **r,
        "value": figure.value if not figure.suppressed else figure.note,
        "value_text": suppression.text(figure, unit, decimals),
        "withheld": figure.note,
        "baseline": base.value if not base.suppressed else base.note,
        "baseline_text": ind["baseline_text"],
        "direction": direction,
        "reason": (
            f"judged on the figure as reported, which is not published: {figure.note or base.note}"
            if withheld and r["effective"] != status.NOT_RATED
            else r["reason"]
        ),
        # Who overrode a status and why are the board's business; that it was overridden is not.
        "override_reason": "given to the board" if r.get("override") else None,
        "override_by": None,
        "commentary": commentary_words(note := public_commentary(cur, r["code"])),
        "public_commentary": note,
        "definition": ind["definition"],
        "source_name": ind["source_name"],
        "by_area": bool(ind["by_area"]),
        "rule": ind["rule"],
    }


def public_snapshot(cur: duckdb.DuckDBPyConnection, *, today: date | None = None) -> Snapshot:
    """What the public view and the public pack show, as it stands now: the board's snapshot
    with only the public indicators, their figures published, the public commentary, and no
    blockages, overdue returns or actions."""
    today = today or date.today()
    snap = snapshot(cur, today=today)
    details = {code: public_indicator(cur, code) for code in public_codes(cur)}
    indicators = [
        _public_row(cur, r, details[r["code"]]) for r in snap.indicators if r["code"] in details
    ]
    priorities = in_plan_order(cur, indicators)
    ex = snap.exceptions
    new_data = ex.new_data[ex.new_data["indicator_code"].isin(list(details))].copy()
    by_code = {r["code"]: r for r in indicators}
    new_data["value"] = [
        by_code[c]["value"] if by_code[c]["period"] == p else "not published"
        for c, p in zip(new_data["indicator_code"], new_data["period_now"], strict=True)
    ]
    exceptions = agenda.Exceptions(
        meeting=ex.meeting,
        changed=ex.changed[ex.changed["indicator_code"].isin(list(details))],
        new_data=new_data,
        overdue_returns=ex.overdue_returns.iloc[0:0],
        blockages=ex.blockages.iloc[0:0],
        overdue_actions=ex.overdue_actions.iloc[0:0],
        at=ex.at,
    )
    rule = suppression.NHS_ENGLAND.words
    return dataclasses.replace(
        snap,
        priorities=priorities,
        indicators=indicators,
        exceptions=exceptions,
        actions=snap.actions.iloc[0:0],
        kind="Public summary",
        status_basis=STATUS_BASIS,
        approvals="",
        # Withheld, not none: left out of every format rather than shown as "(0) None".
        withheld=WITHHELD,
        heading=f"Public summary, as at {periods.long_date(today)}",
        explanation=(
            snap.explanation
            + f" Only the indicators the partnership publishes are shown, and each priority's "
            f"status is {STATUS_BASIS} ({STATUS_DIFFERS}). Small numbers are "
            f"suppressed to protect the people behind them: {rule}."
        ),
        since=(
            f"Changes among the published indicators since the board meeting on "
            f"{periods.long_date(ex.meeting['meeting_date'])}."
            if ex.meeting
            else "No board meeting is recorded yet, so no statuses are compared."
        ),
        history=lambda code: public_history(cur, code),
        indicator_detail=lambda code: public_indicator(cur, code),
    )
