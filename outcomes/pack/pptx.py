"""The pack as a PowerPoint (python-pptx), 16:9: a title, the exceptions, one slide per
priority with its worst indicator charted, and the actions log.

A slide's boxes do not grow, so typed text is cut to what fits and says "continued in the PDF
pack"; a list longer than a slide holds goes on to a further slide, never silently stops."""

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
from outcomes.pack import wording as w
from outcomes.pack.snapshot import Snapshot
from outcomes.pack.wording import HEADER_FILL, INK, MUTED

SINCE_ROWS = 7  # exceptions a slide holds; the rest go on to the next slide
ACTIONS_PER_SLIDE = 8
INDICATORS_PER_SLIDE = 4  # with the aim and the outcome above them, four fit


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

    def text(self, s, left, top, width, h, lines, size=16, bold=False, color=INK):
        box = s.shapes.add_textbox(left, top, width, h)
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate([lines] if isinstance(lines, str) else lines):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = para.add_run()
            run.text = w.text_of(line)
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

    def grid(self, s, rows, left, top, width, col_in, size=13, fills=None):
        """A table: a dark header row, stripes, and a status's colour where ``fills`` says."""
        fills = fills or {}
        height = Inches(0.4 * len(rows))
        shape = s.shapes.add_table(len(rows), len(rows[0]), left, top, width, height)
        tbl = shape.table
        for j, inches in enumerate(col_in):
            tbl.columns[j].width = Inches(inches)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = tbl.cell(i, j)
                cell.text = w.text_of(value)
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
    """The name and the pack's one date: the meeting's, or today's."""
    s = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    s.shapes.title.text = w.shorten(snap.name, 120)
    s.shapes.title.left, s.shapes.title.width = Inches(0.8), deck.width - Inches(1.6)
    sub = s.placeholders[1]
    sub.left, sub.width = Inches(0.8), deck.width - Inches(1.6)
    sub.text = f"{snap.kind}\n{snap.heading}\n{snap.explanation}"
    for i, para in enumerate(sub.text_frame.paragraphs):
        for run in para.runs:
            run.font.size = Pt(28 if i < 2 else 16)


def _since(snap: Snapshot, deck: Deck) -> None:
    """Blockages and overdue actions first, then status changes, new figures and overdue
    returns, on as many slides as they take."""
    items = w.exception_items(snap)
    parts = w.chunks(items, SINCE_ROWS)
    width = deck.width - Inches(1.0)
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title("Since the last meeting", i, len(parts)))
        deck.text(s, Inches(0.5), Inches(1.3), width, Inches(0.6), snap.since, size=15)
        if not part:
            deck.text(s, Inches(0.5), Inches(2.0), width, Inches(1), "Nothing to report.", 20)
            continue
        rows = [["What", "Indicator or action", "Detail"]] + [
            [x["kind"], w.shorten(f"{x['ref']} {x['name']}", 90), w.shorten(x["detail"], 100)]
            for x in part
        ]
        deck.grid(s, rows, Inches(0.5), Inches(2.0), width, (2.2, 5.0, 5.13), 12)
        if i < len(parts):
            more = f"Continued on the next slide: {len(items) - i * SINCE_ROWS} more."
            deck.text(s, Inches(0.5), Inches(6.9), Inches(8), Inches(0.4), more, 13, color=MUTED)


def _priority(snap: Snapshot, deck: Deck, drawer: chromium.Charts, n: int, p: dict) -> None:
    """The priority's aim and outcome, its indicators with their statuses, its worst
    indicator's trend, and the commentary; more indicators than fit go on to a further slide."""
    own = snap.of(p["id"])
    parts = w.chunks(own, INDICATORS_PER_SLIDE)
    title = w.shorten(p["title"], 110)
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title(title, i, len(parts)))
        deck.badge(s, p["status"], Inches(0.5), Inches(1.35))
        about = [
            f"Priority {n} of {len(snap.priorities)} · {w.text_of(p['tier'])} tier · "
            f"Lead: {w.shorten(w.lead(p), 90)}",
            f"Indicators: {w.counts_text(w.counts(p))}"
            + (f" · status {snap.status_basis}" if snap.status_basis else ""),
        ]
        deck.text(
            s,
            Inches(2.9),
            Inches(1.3),
            deck.width - Inches(3.4),
            Inches(0.7),
            about,
            14,
            color=MUTED,
        )
        for top, (head, key) in ((2.05, w.FOUR_COLUMNS[0]), (2.7, w.FOUR_COLUMNS[2])):
            line = f"{head}: {w.shorten(p.get(key), 150) or '–'}"
            deck.text(s, Inches(0.5), Inches(top), Inches(6.6), Inches(0.62), line, 12)
        _indicators(deck, s, part)
        chosen = w.chart_choice(part) if i == 1 else None
        charted = _chart(snap, deck, drawer, s, chosen)
        notes = [t for r in part if (t := w.override_text(r))] + [
            f"Commentary on {r['code']}: {r['commentary']}" for r in part if r["commentary"]
        ]
        top = 6.1 if charted else 2.1
        # Each note gets its share of the box, so one long story does not hide the others.
        share = (300 if charted else 1400) // max(1, len(notes))
        deck.text(
            s,
            Inches(7.3),
            Inches(top),
            Inches(5.6),
            Inches(7.3 - top),
            [w.shorten(t, share) for t in notes] or ["No commentary on these figures."],
            11 if charted or len(notes) < 4 else 10,
            color=INK if notes else MUTED,
        )


def _indicators(deck: Deck, s, part: list[dict[str, Any]]) -> None:
    if not part:
        deck.text(s, Inches(0.5), Inches(3.4), Inches(6.6), Inches(0.5), "No indicators yet.", 14)
        return
    rows = [["Status", "Indicator", "Latest", "Target"]]
    fills: dict[tuple[int, int], str] = {}
    for i, r in enumerate(part, start=1):
        label = status.badge_text(r["effective"]) + (" (override)" if r["override"] else "")
        latest = f"{w.fmt(r, 'value')}\n{w.period_label(r['period'])}"
        name = w.shorten(f"{r['code']} {w.text_of(r['name'])}", 70)
        rows.append(
            [label, name + (f"\n{r['spc']}" if r.get("spc") else ""), latest, w.fmt(r, "target")]
        )
        fills[(i, 0)] = r["effective"]
    deck.grid(s, rows, Inches(0.5), Inches(3.4), Inches(6.6), (1.35, 3.25, 1.2, 0.8), 11, fills)


def _chart(snap: Snapshot, deck: Deck, drawer, s, chosen: dict[str, Any] | None) -> bool:
    if chosen is None:
        return False
    png = chromium.trend_chart(snap, drawer, chosen["code"], 760, 470, font_size=16, scale=2)
    if png is None:
        return False
    title = w.shorten(f"Trend: {chosen['code']} {w.text_of(chosen['name'])}", 70)
    deck.text(s, Inches(7.3), Inches(2.1), Inches(5.6), Inches(0.5), title, size=14, bold=True)
    pic_w = Inches(5.6)
    s.shapes.add_picture(
        io.BytesIO(png), Inches(7.3), Inches(2.6), pic_w, Emu(int(pic_w * 470 / 760))
    )
    return True


def _actions(snap: Snapshot, deck: Deck) -> None:
    parts = w.chunks(snap.actions.to_dict("records"), ACTIONS_PER_SLIDE)
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title("Actions log", i, len(parts)))
        if not part:
            deck.text(
                s, Inches(0.5), Inches(1.5), Inches(8), Inches(1), "No actions are recorded.", 20
            )
            continue
        rows = [["Ref", "Action", "Owner", "Due", "Status"]] + [
            [
                a["reference"],
                w.shorten(a["text"], 140),
                w.shorten(a["owner"], 60),
                periods.long_date(a["due_date"]),
                w.action_state(a),
            ]
            for a in part
        ]
        width = deck.width - Inches(1.0)
        deck.grid(s, rows, Inches(0.5), Inches(1.4), width, (1.0, 5.9, 2.8, 1.5, 1.13), 12)


def write(snap: Snapshot, out: io.BytesIO, drawer: chromium.Charts) -> int:
    """Write the PowerPoint pack to ``out``; returns its number of slides."""
    deck = Deck()
    _title(snap, deck)
    _since(snap, deck)
    for n, p in enumerate(snap.priorities, start=1):
        _priority(snap, deck, drawer, n, p)
    if "actions" not in snap.withheld:  # withheld: left out, not "No actions are recorded."
        _actions(snap, deck)
    # The file's properties are XML too: a control character typed into a name cannot go there.
    deck.prs.core_properties.title = w.text_of(f"{snap.name}: {snap.kind.lower()}, {snap.heading}")
    deck.prs.core_properties.author = w.text_of(snap.name)
    deck.prs.core_properties.language = "en-GB"
    deck.prs.save(out)
    return len(deck.prs.slides)
