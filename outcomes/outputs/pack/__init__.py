"""The board pack: the plan on a page, the exceptions, every priority and the actions log.

One call, three formats: a PDF to print (A4 portrait, or A3), a PowerPoint to present (16:9)
and a workbook to work from. ``meeting_date`` makes the pack show the statuses frozen when that
meeting was recorded (``meeting_status``), so a later revision never rewrites a past pack;
without it the pack shows the statuses as they stand now.

* ``snapshot``: what every format shows, read once (live, or as frozen at a meeting). The
  agenda, the priority roll-ups and the staleness rule come from the modules that own them.
* ``chromium``: drawing the charts (plotly through kaleido and one headless Chromium).
* ``pdf``, ``pptx``, ``xlsx``: one module per format, a small function per section.
* ``wording``: the words and figures the three formats share.

A status is never shown by colour alone: every status reads as its word and its symbol, so a
pack printed in black and white says the same as one on screen.
"""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from outcomes.errors import PackError
from outcomes.outputs.pack.chromium import find_chromium
from outcomes.outputs.snapshot import Snapshot, as_date, snapshot

FORMATS = ("pdf", "pptx", "xlsx")
PAPER = ("A4", "A3")

__all__ = ["FORMATS", "PAPER", "PackError", "Snapshot", "build_pack", "find_chromium", "snapshot"]


def build_pack(
    cur: duckdb.DuckDBPyConnection,
    fmt: str,
    out: Any,
    *,
    meeting_date: Any = None,
    paper: str = "A4",
    today: date | None = None,
    public: bool = False,
) -> dict[str, Any]:
    """Write the board pack as ``fmt`` (pdf, pptx or xlsx) to ``out`` (a path or a binary file).

    Returns what was made: ``{"pages": n}`` (PDF), ``{"slides": n}`` (PowerPoint) or
    ``{"sheets": n}`` (workbook), with ``"charts"`` (how many were drawn) and ``"seconds"``.
    Nothing is written to ``out`` unless the whole pack was made. ``public`` makes the public
    pack: the public view's snapshot (``outcomes.outputs.public``), small numbers suppressed.

    >>> build_pack(None, "docx", io.BytesIO())
    Traceback (most recent call last):
    ...
    outcomes.errors.PackError: A board pack can be pdf, pptx or xlsx, not 'docx'.
    """
    from outcomes.outputs.pack import chromium

    started = time.perf_counter()
    fmt = str(fmt).strip().lower()
    if fmt not in FORMATS:
        raise PackError.worded(
            "pack-format", fmt=fmt, formats=", ".join(FORMATS[:-1]), last=FORMATS[-1]
        )
    paper = _paper(paper)
    today = as_date(today, "Today's date") if today is not None else date.today()
    if public:
        from outcomes.outputs.public import public_snapshot

        if meeting_date is not None and str(meeting_date).strip():
            raise PackError.worded("pack-public-no-meeting")
        snap = public_snapshot(cur, today=today)
    else:
        snap = snapshot(cur, meeting_date=meeting_date, today=today)
    # SPC icons beside each status (they never change the status): from the figures as they
    # stand now, or, in a pack for a meeting, as they stood at that meeting.
    from outcomes.queries.statistics import icon_words, icon_words_from

    # Not in the public pack: icons read from figures it may not show would hint at them.
    spc_words = {}
    if cur is not None and not public:
        spc_words = (
            icon_words_from(cur, {r["code"]: snap.history(r["code"]) for r in snap.indicators})
            if snap.frozen
            else icon_words(cur)
        )
    for r in snap.indicators:
        r["spc"] = spc_words.get(r["code"], "")
    buffer = io.BytesIO()
    with chromium.Charts() as drawer:
        # Each format's library is imported only when that format is asked for.
        if fmt == "pdf":
            from outcomes.outputs.pack import pdf

            result = {"pages": pdf.write(snap, buffer, paper, drawer)}
        elif fmt == "pptx":
            from outcomes.outputs.pack import pptx

            result = {"slides": pptx.write(snap, buffer, drawer)}
        else:
            from outcomes.outputs.pack import xlsx

            result = {"sheets": xlsx.write(snap, buffer)}
    data = buffer.getvalue()
    if hasattr(out, "write"):
        out.write(data)
    else:
        Path(out).write_bytes(data)
    result["charts"] = drawer.count
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _paper(paper: str) -> str:
    """A4 or A3, however it is typed.

    >>> _paper("a3"), _paper(" A4 ")
    ('A3', 'A4')
    >>> _paper("Letter")
    Traceback (most recent call last):
    ...
    outcomes.errors.PackError: Paper size 'Letter' is not available: use A4 or A3.
    """
    clean = str(paper).strip().upper()
    if clean not in PAPER:
        raise PackError.worded("pack-paper", paper=paper, papers=" or ".join(PAPER))
    return clean
