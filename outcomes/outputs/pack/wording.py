"""The words, figures and colours the pack's three formats share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders import periods
from outcomes.outputs.snapshot import clean
from outcomes.queries import board
from outcomes.rules import status, wording

if TYPE_CHECKING:
    from outcomes.outputs.snapshot import Snapshot

FOUR_COLUMNS = (
    ("WE WILL", "aim"),
    ("SO THAT", "outputs"),
    ("AND ULTIMATELY", "outcomes"),
    ("WITH SUCCESS MEASURED BY", "success_measures"),
)
INK = "#1F2328"
HEADER_FILL = "#1F2328"
MUTED = "#555B62"
NBSP = "\u00a0"  # keeps "2 ✔ Green" on one line
CONTINUED = "(continued in the PDF pack)"


def counts_text(counts: dict[str, int], symbols: bool = True, space: str = " ") -> str:
    """How many indicators have each status, in words (zeros left out).

    >>> counts_text({"green": 2, "amber": 1, "red": 0, "not rated": 1})
    '2 ✔ Green · 1 ▲ Amber · 1 ○ Not rated'
    >>> counts_text({"green": 0, "amber": 0, "red": 0, "not rated": 0}, symbols=False)
    'none'
    """
    parts = [
        f"{n} {status.badge_text(s) if symbols else status.style(s).word}".replace(" ", space)
        for s in status.STATUSES
        if (n := counts.get(s, 0))
    ]
    return " · ".join(parts) or "none"


def counts(p: dict[str, Any]) -> dict[str, int]:
    """A priority's indicators counted by status, from its ``n_green``... columns."""
    return {s: int(p.get(f"n_{s.replace(' ', '_')}", 0)) for s in status.STATUSES}


def fmt(row: dict[str, Any], key: str) -> str:
    return wording.format_value(row.get(key), row["unit"], row["decimals"])


def lead(p: dict[str, Any]) -> str:
    return board.lead_text(p["lead_role"], p["lead_partner"])


def period_label(code: str | None) -> str:
    """A period as the pack names it, in words (never its code); none is "no figures yet".

    >>> period_label("2024/25 Q4"), period_label("2026-10"), period_label(None)
    ('Q4 2024/25 (Jan–Mar 2025)', 'October 2026', 'no figures yet')
    """
    try:
        return wording.period(clean(code))
    except periods.PeriodError:  # a period the calendar cannot read is shown as it was typed
        return str(code)


def override_text(r: dict[str, Any], symbols: bool = True) -> str | None:
    if not r.get("override"):
        return None

    def show(s: str) -> str:
        return status.badge_text(s) if symbols else status.style(s).word

    by = f" by {r['override_by']}" if r.get("override_by") else ""
    return (
        f"Status overridden{by}: computed {show(r['computed'])}, board status "
        f"{show(r['override'])}. Reason: {r.get('override_reason') or '–'}"
    )


def chart_choice(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The indicator a slide charts: the first in the board's chart order."""
    chosen = board.chart_order(rows, state="effective")
    return chosen[0] if chosen else None


def action_state(a: dict[str, Any]) -> str:
    return "OVERDUE" if a["overdue"] else ("Done" if a["status"] == "done" else "Open")


def text_of(value: Any) -> str:
    """Typed text as the pack prints it: '' for a missing value (None, NaN), control characters
    other than line breaks and tabs dropped (they stop a PDF or a workbook from opening).

    >>> text_of(None), text_of(float("nan")), text_of("  a\\x00b\\nc  ")
    ('', '', 'ab\\nc')
    """
    value = clean(value)
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()


def shorten(value: Any, limit: int, more: str = CONTINUED) -> str:
    """Text cut to about ``limit`` characters at a word's end, saying where the rest is.

    >>> shorten("The trainer left in May and no one was funded.", 20)
    'The trainer left in… (continued in the PDF pack)'
    >>> shorten("short", 20)
    'short'
    >>> len(shorten("x" * 50_000, 100)) <= 100 + len(CONTINUED) + 2
    True
    """
    text = text_of(value)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:  # a long unbroken word is cut where the limit falls
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "… " + more


def part_title(title: str, i: int, n: int) -> str:
    """A slide or section title, numbered when it runs to more than one.

    >>> part_title("Actions log", 2, 3), part_title("Actions log", 1, 1)
    ('Actions log (2 of 3)', 'Actions log')
    """
    return title + (f" ({i} of {n})" if n > 1 else "")


def exception_items(snap: Snapshot) -> list[dict[str, Any]]:
    """Everything "since the last meeting" as one list, in the order the board takes it:
    blockages and overdue actions first, then statuses that changed, new figures and overdue
    returns. Each item: kind, ref (indicator code or action reference), name, priority,
    detail, and the statuses was and now (status changes only)."""
    ex, titles = snap.exceptions, snap.titles
    units = {r["code"]: r for r in snap.indicators}

    def item(kind: str, r: dict[str, Any], detail: str, ref_key: str = "indicator_code", **kw):
        return {
            "kind": kind,
            "ref": text_of(r.get(ref_key)),
            "name": text_of(r.get("text" if ref_key == "reference" else "name")),
            "priority": titles.get(clean(r.get("priority_id")), ""),
            "detail": detail,
            "was": kw.get("was"),
            "now": kw.get("now"),
        }

    def figure(r: dict[str, Any]) -> str:
        unit = units.get(r["indicator_code"], {"unit": "count", "decimals": 0})
        return fmt({**unit, "value": clean(r.get("value"))}, "value")

    items = [
        item(
            "Blockage",
            r,
            f"{text_of(r.get('detail')) or 'no detail given'} "
            f"({text_of(r.get('author')) or 'unsigned'}, {periods.long_date(r.get('created_at'))})",
        )
        for r in _records(ex.blockages)
    ]
    items += [
        item(
            "Action OVERDUE",
            r,
            f"{text_of(r.get('owner')) or 'no owner'}, due {periods.long_date(r.get('due_date'))}",
            "reference",
        )
        for r in _records(ex.overdue_actions)
    ]
    items += [
        item(
            f"Status {text_of(r.get('direction')) or 'changed'}",
            r,
            f"was {status.badge_text(r['was'])}, now {status.badge_text(r['now'])}",
            was=r["was"],
            now=r["now"],
        )
        for r in _records(ex.changed)
    ]
    items += [
        item(
            "New figure",
            r,
            f"{period_label(clean(r.get('period_now')))}: {figure(r)}"
            f" (before: {period_label(clean(r.get('period_was')))})",
        )
        for r in _records(ex.new_data)
    ]
    items += [
        item(
            "Return overdue",
            r,
            f"latest figure: {period_label(clean(r.get('latest_period')))}; due: "
            f"{period_label(clean(r.get('due_period')))}; {text_of(r.get('accountable_role'))}",
        )
        for r in _records(ex.overdue_returns)
    ]
    items += [
        item(
            "Return waiting for approval",
            r,
            f"sent for {period_label(clean(r.get('due_period')))} by "
            f"{text_of(r.get('submitted_by'))} on {periods.long_date(r.get('submitted_at'))}",
        )
        for r in _records(getattr(ex, "waiting_returns", None))
    ]
    return items


def _records(frame: Any) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else frame.to_dict("records")
