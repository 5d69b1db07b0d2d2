"""The pack as a PowerPoint (python-pptx), 16:9: a title, the exceptions, one slide per
priority with its worst indicator charted, and the actions log."""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from loaders import periods
from outcomes import status
from outcomes.pack import chromium
from outcomes.pack.snapshot import Snapshot, clean
from outcomes.pack.wording import (
    HEADER_FILL,
    INK,
    MUTED,
    action_state,
    chart_choice,
    counts,
    counts_text,
    fmt,
    lead,
    override_text,
    period_label,
)

SINCE_ROWS = 8  # exceptions on the slide; the rest are in the PDF
ACTIONS_PER_SLIDE = 8


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class Deck:
    """The presentation and the few shapes every slide is made of."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.width = self.prs.slide_width

    def slide(self, title: str):
        s = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # title only
        t = s.shapes.title
        t.left, t.top, t.width, t.height = (
            Inches(0.5),
            Inches(0.3),
            self.width - Inches(1.0),
            Inches(1.0),
        )
        t.text = title
        t.text_frame.word_wrap = True
        for para in t.text_frame.paragraphs:
            para.alignment = PP_ALIGN.LEFT
            for run in para.runs:
                run.font.size, run.font.bold = Pt(30), True
                run.font.color.rgb = _rgb(INK)
        return s

    def text(self, s, left, top, w, h, lines, size=16, bold=False, color=INK):
        box = s.shapes.add_textbox(left, top, w, h)
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate([lines] if isinstance(lines, str) else lines):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = para.add_run()
            run.text = line
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _rgb(color)
        return box

    def badge(self, s, state, left, top, size=20):
        st = status.style(state)
        shape = s.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, left, top, Inches(2.2), Inches(0.55)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(st.colour)
        shape.line.color.rgb = _rgb("#000000")
        shape.line.width = Pt(1.25)
        tf = shape.text_frame
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = tf.paragraphs[0]
        para.alignment = PP_ALIGN.CENTER
        run = para.add_run()
        run.text = status.badge_text(state)
        run.font.size, run.font.bold = Pt(size), True
        run.font.color.rgb = _rgb(st.text_colour)
        return shape

    def grid(self, s, rows, left, top, w, col_in, size=13, fills=None):
        """A table: a dark header row, stripes, and a status's colour where ``fills`` says."""
        fills = fills or {}
        shape = s.shapes.add_table(len(rows), len(rows[0]), left, top, w, Inches(0.4 * len(rows)))
        tbl = shape.table
        for j, inches in enumerate(col_in):
            tbl.columns[j].width = Inches(inches)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = tbl.cell(i, j)
                cell.text = "" if value is None else str(value)
                state = fills.get((i, j))
                if i == 0:
                    fill, ink = HEADER_FILL, "#FFFFFF"
                elif state:
                    fill, ink = status.style(state).colour, status.style(state).text_colour
                else:
                    fill, ink = ("#FFFFFF" if i % 2 else "#F3F4F6"), INK
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fill)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size)
                        run.font.bold = i == 0 or state is not None
                        run.font.color.rgb = _rgb(ink)
        return shape


def _title(snap: Snapshot, deck: Deck) -> None:
    s = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    s.shapes.title.text = snap.name
    s.shapes.title.left, s.shapes.title.width = Inches(0.8), deck.width - Inches(1.6)
    sub = s.placeholders[1]
    sub.left, sub.width = Inches(0.8), deck.width - Inches(1.6)
    sub.text = f"Board pack\n{snap.heading}\n{snap.explanation}"
    for i, para in enumerate(sub.text_frame.paragraphs):
        for run in para.runs:
            run.font.size = Pt(28 if i < 2 else 16)


def _since_rows(snap: Snapshot) -> list[list[str]]:
    ex = snap.exceptions
    items = [
        [
            f"Status {r['direction']}",
            f"{r['indicator_code']} {r['name']}",
            f"was {status.badge_text(r['was'])}, now {status.badge_text(r['now'])}",
        ]
        for r in ex.changed.to_dict("records")
    ]
    items += [
        [
            "Return overdue",
            f"{r['indicator_code']} {r['name']}",
            f"latest {clean(r['latest_period']) or 'none'}; due for {r['due_period']}",
        ]
        for r in ex.overdue_returns.to_dict("records")
    ]
    items += [
        ["Blockage", f"{r['indicator_code']} {r['name']}", r["detail"] or "no detail given"]
        for r in ex.blockages.to_dict("records")
    ]
    items += [
        [
            "Action OVERDUE",
            f"{r['reference']} {r['text']}",
            f"{r['owner']}, due {periods.long_date(r['due_date'])}",
        ]
        for r in ex.overdue_actions.to_dict("records")
    ]
    if len(ex.new_data):
        items.append(["New figures", f"{len(ex.new_data)} indicators", "see the PDF pack"])
    return items


def _since(snap: Snapshot, deck: Deck) -> None:
    s = deck.slide("Since the last meeting")
    w = deck.width - Inches(1.0)
    deck.text(s, Inches(0.5), Inches(1.2), w, Inches(0.5), snap.since, size=16)
    items = _since_rows(snap)
    if not items:
        deck.text(s, Inches(0.5), Inches(2.0), w, Inches(1), "Nothing to report.", 20)
        return
    header = ["What", "Indicator or action", "Detail"]
    deck.grid(s, [header, *items[:SINCE_ROWS]], Inches(0.5), Inches(1.9), w, (2.4, 5.6, 4.33), 13)
    if len(items) > SINCE_ROWS:
        more = f"and {len(items) - SINCE_ROWS} more: see the PDF pack."
        deck.text(s, Inches(0.5), Inches(6.8), Inches(8), Inches(0.4), more, 13)


def _priority(snap: Snapshot, deck: Deck, drawer: chromium.Charts, n: int, p: dict) -> None:
    own = snap.of(p["id"])
    s = deck.slide(p["title"])
    deck.badge(s, p["status"], Inches(0.5), Inches(1.35))
    about = [
        f"Priority {n} of {len(snap.priorities)} · {p['tier']} tier · Lead: {lead(p)}",
        f"Indicators: {counts_text(counts(p))}",
    ]
    deck.text(
        s, Inches(2.9), Inches(1.3), deck.width - Inches(3.4), Inches(0.7), about, 14, color=MUTED
    )
    rows = [["Status", "Indicator", "Latest", "Target"]]
    fills: dict[tuple[int, int], str] = {}
    for i, r in enumerate(own, start=1):
        label = status.badge_text(r["effective"]) + (" (override)" if r["override"] else "")
        latest = f"{fmt(r, 'value')} ({period_label(r['period'])})"
        name = f"{r['code']} {r['name']}" + (f"\n{r['spc']}" if r.get("spc") else "")
        rows.append([label, name, latest, fmt(r, "target")])
        fills[(i, 0)] = r["effective"]
    if len(rows) > 1:
        deck.grid(s, rows, Inches(0.5), Inches(2.25), Inches(6.6), (1.5, 2.9, 1.3, 0.9), 12, fills)
    _chart(snap, deck, drawer, s, chart_choice(own))
    overrides = [t for r in own if (t := override_text(r))]
    if overrides:
        deck.text(
            s, Inches(0.5), Inches(6.4), Inches(6.6), Inches(0.8), overrides[:2], 11, color=MUTED
        )


def _chart(snap: Snapshot, deck: Deck, drawer, s, chosen: dict[str, Any] | None) -> None:
    if chosen is None:
        return
    png = chromium.trend_png(snap, drawer, chosen["code"], 760, 470, font_size=16, scale=2)
    if png is None:
        return
    title = f"Trend: {chosen['code']} {chosen['name']}"
    deck.text(s, Inches(7.3), Inches(2.2), Inches(5.6), Inches(0.5), title, size=14, bold=True)
    pic_w = Inches(5.6)
    s.shapes.add_picture(
        io.BytesIO(png), Inches(7.3), Inches(2.85), pic_w, Emu(int(pic_w * 470 / 760))
    )


def _actions(snap: Snapshot, deck: Deck) -> None:
    acts = snap.actions
    step = ACTIONS_PER_SLIDE
    chunks = [acts.iloc[i : i + step] for i in range(0, len(acts), step)] or [acts]
    for i, chunk in enumerate(chunks, start=1):
        s = deck.slide("Actions log" + (f" ({i} of {len(chunks)})" if len(chunks) > 1 else ""))
        if chunk.empty:
            deck.text(
                s, Inches(0.5), Inches(1.5), Inches(8), Inches(1), "No actions are recorded.", 20
            )
            continue
        rows = [["Ref", "Action", "Owner", "Due", "Status"]]
        for a in chunk.to_dict("records"):
            due = periods.long_date(a["due_date"])
            rows.append([a["reference"], a["text"], a["owner"], due, action_state(a)])
        w = deck.width - Inches(1.0)
        deck.grid(s, rows, Inches(0.5), Inches(1.4), w, (1.0, 5.9, 2.8, 1.5, 1.13), 12)


def write(snap: Snapshot, out: io.BytesIO, drawer: chromium.Charts) -> int:
    """Write the PowerPoint pack to ``out``; returns its number of slides."""
    deck = Deck()
    _title(snap, deck)
    _since(snap, deck)
    for n, p in enumerate(snap.priorities, start=1):
        _priority(snap, deck, drawer, n, p)
    _actions(snap, deck)
    deck.prs.save(out)
    return len(deck.prs.slides)
