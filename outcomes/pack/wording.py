"""The words, figures and colours the pack's three formats share."""

from __future__ import annotations

from typing import Any

from loaders import periods
from outcomes import board, status

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
    return board.format_value(row.get(key), row["unit"], row["decimals"])


def lead(p: dict[str, Any]) -> str:
    return board.lead_text(p["lead_role"], p["lead_partner"])


def period_label(code: str | None) -> str:
    return periods.parse_code(code).short_label if code else "no figures yet"


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
