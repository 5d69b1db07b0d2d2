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
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from loaders import periods
from outcomes.outputs.pack import chromium
from outcomes.outputs.pack import wording as w
from outcomes.outputs.pack.wording import HEADER_FILL, INK, MUTED
from outcomes.outputs.snapshot import Snapshot
from outcomes.rules import status, wording

INDICATORS_PER_SLIDE = 4  # with the aim and the outcome above them, four fit
# A table's rows grow with their text, and a slide's boxes do not: each row is given the height
# its wrapped text takes (measured as lines: a character at most CHAR_EM of the type size wide,
# a line LINE_EM of it high), and a list goes on to the next slide before it reaches BOTTOM.
CHAR_EM = 0.56
LINE_EM = 1.2
CELL_MARGIN_IN = 0.1  # a cell's inner margins, top and bottom together
BOTTOM_IN = 6.85  # where a slide's table must end: "Continued on the next slide" goes below
# The slides' trend chart: drawn at this many pixels for 5.6 inches, in type this size, so its
# axis labels print at about 13 pt (16 px across 760 px printed at 8.5 pt).
CHART_W, CHART_H, CHART_FONT = 560, 330, 18
CHART_WIDTH_IN = 5.6


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def lines(text: str, width_in: float, size_pt: float) -> int:
    """Lines ``text`` takes wrapped in a box ``width_in`` inches wide at ``size_pt``: each
    paragraph at least one, a word longer than a line broken across lines.

    >>> lines("Board pack", 5, 28), lines("x" * 100, 2, 12), lines("a\\nb", 5, 12)
    (1, 5, 2)
    """
    per_line = max(1, int(width_in * 72 / (size_pt * CHAR_EM)))
    total = 0
    for para in text.split("\n") or [""]:
        n, used = 1, 0
        for word in para.split(" "):
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                n, used = n + 1, 0
                need = len(word)
            while need > per_line:  # a word longer than a line
                n, need = n + 1, need - per_line
            used += need
        total += n
    return total


def text_height(text: str, width_in: float, size_pt: float) -> float:
    """Inches a text box needs for ``text``: its lines and the box's own margins."""
    return lines(text, width_in, size_pt) * size_pt * LINE_EM / 72 + CELL_MARGIN_IN


def row_height(row: list[str], col_in: tuple[float, ...], size_pt: float) -> float:
    """Inches a table row takes: its tallest cell (a cell's margins are 0.1 inch each side)."""
    return max(
        text_height(w.text_of(v), c - 0.2, size_pt) for v, c in zip(row, col_in, strict=True)
    )


def fit_rows(
    rows: list[list[str]], col_in: tuple[float, ...], size_pt: float, room_in: float
) -> list[list[list[str]]]:
    """The rows split into slides' worth: as many as fit ``room_in`` under the header row.

    >>> len(fit_rows([["a"]] * 10, (2.0,), 12, 1.0)), fit_rows([], (2.0,), 12, 1.0)
    (4, [[]])
    """
    parts: list[list[list[str]]] = [[]]
    used = 0.0
    for row in rows:
        h = row_height(row, col_in, size_pt)
        if parts[-1] and used + h > room_in:
            parts.append([])
            used = 0.0
        parts[-1].append(row)
        used += h
    return parts


class Deck:
    """The presentation and the few shapes every slide is made of."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.width = self.prs.slide_width

    def slide(self, title: str):
        """A slide with its title: in 30 pt on one line, 24 pt when it takes two."""
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
        size = 30 if lines(title, (self.width - Inches(1.2)) / Inches(1), 30) == 1 else 24
        for para in t.text_frame.paragraphs:
            para.alignment = PP_ALIGN.LEFT
            for run in para.runs:
                run.font.size, run.font.bold = Pt(size), True
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
        heights = [row_height(r, col_in, size) for r in rows]
        height = Inches(sum(heights))
        shape = s.shapes.add_table(len(rows), len(rows[0]), left, top, width, height)
        tbl = shape.table
        for j, inches in enumerate(col_in):
            tbl.columns[j].width = Inches(inches)
        for i, h in enumerate(heights):
            tbl.rows[i].height = Inches(h)
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
    """The name and the pack's one date: the meeting's, or today's. Both boxes are placed in
    full (a placeholder given only its left and width keeps a zero top and height)."""
    s = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    width = deck.width - Inches(1.6)
    name = w.shorten(snap.name, 120)
    title_h = max(1.2, text_height(name, width / Inches(1), 36))
    sub_lines = [
        (snap.kind, 28),
        (w.text_of(snap.heading), 28),
        (w.text_of(snap.explanation), 16),
        # When the figures were approved (issue 20), where approval applies: the cover says it,
        # as the PDF's and the workbook's do.
        *([(w.shorten(w.text_of(snap.approvals), 400), 14)] if snap.approvals else []),
    ]
    sub_h = sum(text_height(t, width / Inches(1), pt) for t, pt in sub_lines)
    top = max(0.4, (7.5 - title_h - 0.3 - sub_h) / 2)
    for shape, pieces, height, sizes, anchor in (
        (s.shapes.title, [name], title_h, [36], MSO_ANCHOR.BOTTOM),
        (
            s.placeholders[1],
            [t for t, _ in sub_lines],
            sub_h,
            [p for _, p in sub_lines],
            MSO_ANCHOR.TOP,
        ),
    ):
        shape.left, shape.top, shape.width, shape.height = (
            Inches(0.8),
            Inches(top),
            width,
            Inches(height),
        )
        # One paragraph a piece: a newline typed into a name breaks its line instead of
        # starting a paragraph with no size of its own.
        shape.text = "\n".join(piece.replace("\n", "\v") for piece in pieces)
        frame = shape.text_frame
        frame.word_wrap, frame.vertical_anchor = True, anchor
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for para, size in zip(frame.paragraphs, sizes, strict=True):
            para.alignment = PP_ALIGN.LEFT
            for run in para.runs:
                run.font.size = Pt(size)
        top += height + 0.3


SINCE_COLUMNS = (2.2, 5.0, 5.13)


def _since(snap: Snapshot, deck: Deck) -> None:
    """Blockages and overdue actions first, then status changes, new figures and overdue
    returns, on as many slides as they take; "continued" goes under the table, never on it."""
    items = w.exception_items(snap)
    width = deck.width - Inches(1.0)
    intro_h = text_height(w.text_of(snap.since), width / Inches(1), 15)
    top = 1.3 + intro_h + 0.1
    rows = [
        [x["kind"], w.shorten(f"{x['ref']} {x['name']}", 90), w.shorten(x["detail"], 100)]
        for x in items
    ]
    head = ["What", "Indicator or action", "Detail"]
    room = BOTTOM_IN - top - row_height(head, SINCE_COLUMNS, 12)
    parts = fit_rows(rows, SINCE_COLUMNS, 12, room)
    done = 0
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title("Since the last meeting", i, len(parts)))
        deck.text(s, Inches(0.5), Inches(1.3), width, Inches(intro_h), snap.since, size=15)
        if not part:
            deck.text(s, Inches(0.5), Inches(top), width, Inches(1), "Nothing to report.", 20)
            continue
        table = deck.grid(s, [head, *part], Inches(0.5), Inches(top), width, SINCE_COLUMNS, 12)
        done += len(part)
        if i < len(parts):
            more = f"Continued on the next slide: {len(items) - done} more."
            below = table.top + table.height + Inches(0.08)
            deck.text(s, Inches(0.5), below, Inches(8), Inches(0.4), more, 13, color=MUTED)


def _priority(snap: Snapshot, deck: Deck, drawer: chromium.Charts, n: int, p: dict) -> None:
    """The priority's aim and outcome, its indicators with their statuses, its worst
    indicator's trend, and the commentary; more indicators than fit go on to a further slide."""
    own = snap.of(p["id"])
    parts = _indicator_slides(own)
    title = w.shorten(p["title"], 110)
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title(title, i, len(parts)))
        deck.badge(s, p["status"], Inches(0.5), Inches(1.35))
        about = [
            f"Priority {n} of {len(snap.priorities)} · {w.text_of(p['tier'])} tier · "
            f"Lead: {w.shorten(w.lead(p), 70)}",
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
            12,
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
        top = 6.2 if charted else 2.1
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


INDICATOR_HEAD = ["Status", "Indicator", "Latest", "Target"]
INDICATOR_COLUMNS = (1.35, 3.25, 1.2, 0.8)
INDICATORS_TOP_IN = 3.4
INDICATOR_PT = 10  # four indicators with their SPC words fit under the aim and outcome


def _indicator_row(r: dict[str, Any]) -> list[str]:
    label = status.badge_text(r["effective"]) + (" (override)" if r["override"] else "")
    latest = f"{w.fmt(r, 'value')}\n{wording.period_short(r['period'])}"
    name = w.shorten(f"{r['code']} {w.text_of(r['name'])}", 70)
    return [label, name + (f"\n{r['spc']}" if r.get("spc") else ""), latest, w.fmt(r, "target")]


def _indicator_slides(own: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A priority's indicators split over slides: at most four a slide, and no more than fit
    above the slide's foot however many lines each row's words take."""
    room = (
        BOTTOM_IN - INDICATORS_TOP_IN - row_height(INDICATOR_HEAD, INDICATOR_COLUMNS, INDICATOR_PT)
    )
    parts: list[list[dict[str, Any]]] = [[]]
    used = 0.0
    for r in own:
        h = row_height(_indicator_row(r), INDICATOR_COLUMNS, INDICATOR_PT)
        if parts[-1] and (used + h > room or len(parts[-1]) == INDICATORS_PER_SLIDE):
            parts.append([])
            used = 0.0
        parts[-1].append(r)
        used += h
    return parts


def _indicators(deck: Deck, s, part: list[dict[str, Any]]) -> None:
    if not part:
        deck.text(s, Inches(0.5), Inches(3.4), Inches(6.6), Inches(0.5), "No indicators yet.", 14)
        return
    rows = [INDICATOR_HEAD] + [_indicator_row(r) for r in part]
    fills = {(i, 0): r["effective"] for i, r in enumerate(part, start=1)}
    deck.grid(
        s,
        rows,
        Inches(0.5),
        Inches(INDICATORS_TOP_IN),
        Inches(6.6),
        INDICATOR_COLUMNS,
        INDICATOR_PT,
        fills,
    )


def _chart(snap: Snapshot, deck: Deck, drawer, s, chosen: dict[str, Any] | None) -> bool:
    """The trend, under its title: the picture starts where the title's lines end."""
    if chosen is None:
        return False
    png = chromium.trend_chart(
        snap, drawer, chosen["code"], CHART_W, CHART_H, font_size=CHART_FONT, scale=2
    )
    if png is None:
        return False
    title = w.shorten(f"Trend: {chosen['code']} {w.text_of(chosen['name'])}", 70)
    title_h = text_height(title, CHART_WIDTH_IN, 14)
    deck.text(
        s, Inches(7.3), Inches(2.05), Inches(CHART_WIDTH_IN), Inches(title_h), title, 14, True
    )
    pic_w = Inches(CHART_WIDTH_IN)
    s.shapes.add_picture(
        io.BytesIO(png), Inches(7.3), Inches(2.05 + title_h + 0.05), pic_w,
        Emu(int(pic_w * CHART_H / CHART_W)),
    )  # fmt: skip
    return True


ACTION_COLUMNS = (1.0, 5.9, 2.8, 1.5, 1.13)


def _actions(snap: Snapshot, deck: Deck) -> None:
    rows = [
        [
            a["reference"],
            w.shorten(a["text"], 140),
            w.shorten(a["owner"], 60),
            periods.long_date(a["due_date"]),
            w.action_state(a),
        ]
        for a in snap.actions.to_dict("records")
    ]
    head = ["Ref", "Action", "Owner", "Due", "Status"]
    parts = fit_rows(
        rows, ACTION_COLUMNS, 12, BOTTOM_IN - 1.4 - row_height(head, ACTION_COLUMNS, 12)
    )
    for i, part in enumerate(parts, start=1):
        s = deck.slide(w.part_title("Actions log", i, len(parts)))
        if not part:
            deck.text(
                s, Inches(0.5), Inches(1.5), Inches(8), Inches(1), "No actions are recorded.", 20
            )
            continue
        width = deck.width - Inches(1.0)
        deck.grid(s, [head, *part], Inches(0.5), Inches(1.4), width, ACTION_COLUMNS, 12)


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
    deck.prs.core_properties.title = w.text_of(snap.title)
    deck.prs.core_properties.author = w.text_of(snap.name)
    deck.prs.core_properties.language = "en-GB"
    deck.prs.save(out)
    return len(deck.prs.slides)
