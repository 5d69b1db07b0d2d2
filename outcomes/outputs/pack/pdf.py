"""The pack as a PDF (reportlab): A4 portrait, or A3 as the same layout enlarged.

The text is set in DejaVu Sans where it is installed (Debian: ``fonts-dejavu-core``), which has
the status symbols; without it the PDF falls back to Helvetica and draws each symbol as a shape.
Chinese, Japanese and Korean are set in a fallback font a run at a time (``pdf_fonts``).
Any length of typed text prints: a table row cannot break across pages, so a cell holds the
first few hundred characters and says "in full below", and the whole text follows the table,
flowing from page to page. The charts are vector (``pdf_charts``). reportlab 5.1's open-source
edition writes no tagged PDF (no structure tree: a screen reader reads in drawing order); the
document says its title, author, subject and language (en-GB) and has bookmarks.
"""

from __future__ import annotations

import io
import math
from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from loaders import periods
from outcomes.outputs.pack import chromium
from outcomes.outputs.pack import wording as w
from outcomes.outputs.pack.pdf_charts import Charting, ChartSlot, lay_charts
from outcomes.outputs.pack.pdf_fonts import Fonts, _plain, _safe, fonts
from outcomes.outputs.snapshot import Snapshot, clean
from outcomes.rules import status

CHART_W, CHART_H = 900, 300
CELL_CHARS = 420  # typed text in a table cell; the rest follows the table, in full
WIDE_CELL_CHARS = 1200  # in a cell as wide as the page
IN_FULL = "(in full below)"
CELL_GUARD = 600  # at most, in any cell: 60 lines of the narrowest column fit on a page
_CELL_STYLES = {"cell", "cellb", "head", "note", "small"}


class Layout:
    """The page, its fonts and paragraph styles, and the small builders every section uses."""

    def __init__(self, paper: str) -> None:
        self.fonts = fonts()
        self.k = 1.0 if paper == "A4" else math.sqrt(2)  # A3 is A4 enlarged
        self.page = A4 if paper == "A4" else A3
        self.margin = 15 * mm * self.k
        self.frame_w = self.page[0] - 2 * self.margin
        self.styles = {
            "title": self._style("title", 30, bold=True, lead=1.15, space=6),
            "subtitle": self._style("subtitle", 20, lead=1.2, space=10),
            "h1": self._style("h1", 17, bold=True, lead=1.2, space=4),
            "h2": self._style("h2", 12.5, bold=True, lead=1.25, space=3, spaceBefore=8 * self.k),
            "body": self._style("body", 10, space=4),
            "small": self._style("small", 8.5),
            "cell": self._style("cell", 8.8),
            "cellb": self._style("cellb", 8.8, bold=True),
            "head": self._style("head", 8.5, bold=True, color=colors.white),
            "note": self._style("note", 8.5, color=colors.HexColor(w.MUTED)),
            "kicker": self._style("kicker", 9.5, bold=True, color=colors.HexColor(w.MUTED)),
        }
        self.overflow: list[tuple[str, str]] = []  # (what, full text) cut short in a cell
        self.bookmarks = 0

    def _style(self, name: str, size: float, *, bold=False, lead=1.25, space=0.0, **kw):
        return ParagraphStyle(
            name,
            fontName=self.fonts.bold if bold else self.fonts.regular,
            fontSize=size * self.k,
            leading=size * self.k * lead,
            spaceAfter=space * self.k,
            textColor=kw.pop("color", colors.HexColor(w.INK)),
            alignment=kw.pop("alignment", TA_LEFT),
            **kw,
        )

    def P(self, text: Any, style: str = "cell") -> Paragraph:
        if style in _CELL_STYLES:
            # A table row cannot break across pages: no cell ever holds more than fits one
            # page, even in the narrowest column (text meant to print whole goes via cell()).
            text = w.shorten(text, CELL_GUARD, "(cut short)")
        return self._para(text, style)

    def _para(self, text: Any, style: str) -> Paragraph:
        return Paragraph(_safe(text, self.fonts), self.styles[style])

    def cell(self, text: Any, what: str, style: str = "cell", limit: int = CELL_CHARS):
        """Typed text for a table cell: what fits, with the whole kept for ``in_full``."""
        full = w.text_of(text)
        if len(full) <= limit:
            return self._para(full, style)
        self.overflow.append((what, full))
        return self._para(w.shorten(full, limit, IN_FULL), style)

    def in_full(self) -> list[Any]:
        """The texts cut short in the table above, each in full, flowing across pages."""
        if not self.overflow:
            return []
        story: list[Any] = [self.P("In full", "h2")]
        for what, full in self.overflow:
            story.append(self.P(what, "cellb"))
            story += [self.P(part, "body") for part in full.split("\n\n") if part.strip()]
        self.overflow = []
        return story

    def heading(self, text: str, style: str = "h1") -> Paragraph:
        """A heading that is also a bookmark in the PDF reader's outline."""
        para = self.P(text, style)
        self.bookmarks += 1
        para.outline = (f"s{self.bookmarks}", w.text_of(text)[:120], 0 if style == "h1" else 1)
        return para

    def heads(self, *names: str) -> list[Paragraph]:
        return [self.P(n, "head") for n in names]

    def cols(self, *fractions: float) -> list[float]:
        total = sum(fractions)
        return [self.frame_w * f / total for f in fractions]

    def badge(self, state: str, size: float = 8.8) -> Badge:
        return Badge(state, size * self.k, self.fonts)

    def table(self, rows, widths, *, header=True, extra=(), repeat=True, grid=True) -> Table:
        k = self.k
        t = Table(rows, colWidths=widths, repeatRows=1 if header and repeat else 0)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5 * k),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3.5 * k),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5 * k),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * k),
        ]
        if grid:
            cmds.append(("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")))
        if header:
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(w.HEADER_FILL)))
        t.setStyle(TableStyle(cmds + list(extra)))
        return t


class Badge(Flowable):
    """A status: symbol and word on its colour, outlined so it reads in black and white."""

    def __init__(self, state: str, size: float, f: Fonts):
        super().__init__()
        st = status.style(state)
        self.state, self.size, self.fonts = state, size, f
        self.fill, self.ink = colors.HexColor(st.colour), colors.HexColor(st.text_colour)
        self.text = f"{st.symbol} {st.word}" if f.unicode else st.word
        self.pad = 0.45 * self.size
        self.shape_w = 0 if f.unicode else self.size * 1.05
        self.width = stringWidth(self.text, f.bold, self.size) + self.shape_w + 2 * self.pad
        self.height = self.size * 1.6

    def wrap(self, *_):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.setFillColor(self.fill)
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.7)
        c.roundRect(0, 0, self.width, self.height, self.height / 3, fill=1, stroke=1)
        c.setFillColor(self.ink)
        c.setStrokeColor(self.ink)
        base = (self.height - self.size * 0.72) / 2
        x = self.pad
        if not self.fonts.unicode:
            self._shape(c, x, base, self.size * 0.75)
            x += self.shape_w
        c.setFont(self.fonts.bold, self.size)
        c.drawString(x, base, self.text)

    def _shape(self, c, x, y, s):
        c.setLineWidth(s * 0.18)
        if self.state == status.GREEN:
            c.lines([(x, y + s * 0.5, x + s * 0.35, y + s * 0.1)])
            c.lines([(x + s * 0.35, y + s * 0.1, x + s * 0.95, y + s * 0.95)])
        elif self.state == status.AMBER:
            p = c.beginPath()
            p.moveTo(x, y)
            p.lineTo(x + s, y)
            p.lineTo(x + s / 2, y + s)
            p.close()
            c.drawPath(p, fill=1, stroke=0)
        elif self.state == status.RED:
            c.lines([(x, y, x + s, y + s), (x, y + s, x + s, y)])
        else:
            c.setLineWidth(s * 0.12)
            c.circle(x + s / 2, y + s / 2, s / 2, fill=0, stroke=1)


# --- sections ----------------------------------------------------------------------------------


def _cover(snap: Snapshot, L: Layout) -> list[Any]:
    """The name, the pack's one date (the meeting's, or today's) and the statuses in total."""
    k = L.k
    totals = snap.totals
    return [
        Spacer(1, 35 * mm * k),
        L.P(snap.name, "title"),
        L.P(snap.kind, "subtitle"),
        L.heading(snap.heading),
        L.P(snap.explanation, "body"),
        Spacer(1, 10 * mm * k),
        L.P(f"{len(snap.indicators)} indicators across {len(snap.priorities)} priorities", "h2"),
        L.table(
            [L.heads("Status", "Indicators", "What it means")]
            + [
                [L.badge(s), L.P(str(totals[s]), "cellb"), L.P(status.style(s).meaning)]
                for s in status.STATUSES
            ],
            L.cols(1.3, 0.9, 3.5),
        ),
        Spacer(1, 4 * mm * k),
        L.P(
            "Every status is shown as a word and a symbol as well as a colour, so this pack "
            "reads the same printed in black and white.",
            "note",
        ),
        PageBreak(),
    ]


def _plan(snap: Snapshot, L: Layout) -> list[Any]:
    story = [
        L.heading("The plan on a page"),
        L.P(" ".join(x for x in (snap.explanation, snap.provenance, snap.approvals) if x), "note"),
        L.P("Our vision", "h2"),
        L.P(snap.partnership.get("vision"), "body"),
        L.P("Who we are", "h2"),
    ]
    if not snap.partners.empty:
        names = [w.text_of(n) for n in snap.partners["name"] if w.text_of(n)]
        story.append(L.P("; ".join(names) + ".", "body"))
    for key in ("doing_the_work", "working_together", "facing"):
        if w.text_of(snap.partnership.get(key)):
            story.append(L.P(snap.partnership[key], "body"))
    for tier in snap.tiers.to_dict("records"):
        own = [p for p in snap.priorities if p["tier_code"] == tier["code"]]
        if not own:
            continue
        about = w.text_of(tier.get("description"))
        label = w.text_of(tier["label"]) + (f": {about}" if about else "")
        rows = [L.heads("Priority", "Lead", snap.status_heading, "Indicators by status")]
        for p in own:
            rows.append(
                [
                    L.cell(p["title"], f"Priority: {w.shorten(p['title'], 80)}", "cellb"),
                    L.cell(w.lead(p), f"Lead of {w.shorten(p['title'], 80)}"),
                    L.badge(p["status"]),
                    L.P(
                        f"{p['indicators']}: {w.counts_text(w.counts(p), L.fonts.unicode, w.NBSP)}"
                    ),
                ]
            )
        story += [L.P(label, "h2"), L.table(rows, L.cols(3.2, 2.6, 1.3, 2.4)), *L.in_full()]
    story.append(PageBreak())
    return story


# Since the last meeting: one table per kind, in the order the board takes them.
_SINCE_TABLES = (  # title, the agenda's table, the columns after indicator and priority, widths
    (
        "Blockages escalated to the board",
        "blockages",
        ("Period", "Blockage", "Raised by"),
        (2.6, 1.9, 0.9, 2.7, 1.8),
    ),
    ("Actions overdue", "overdue_actions", (), ()),
    (
        "Statuses that changed",
        "changed",
        ("Was", "Now", "Better or worse"),
        (3.0, 2.4, 1.2, 1.2, 1.3),
    ),
    ("New figures", "new_data", ("Before", "New period", "Figure"), (3.0, 2.4, 1.2, 1.2, 1.2)),
    (
        "Returns overdue",
        "overdue_returns",
        ("Latest figure", "Due for", "Accountable"),
        (2.6, 2.0, 1.1, 1.1, 2.5),
    ),
    (
        "Returns sent, waiting for approval",
        "waiting_returns",
        ("Latest figure", "Sent for", "Sent by"),
        (2.6, 2.0, 1.1, 1.1, 2.5),
    ),
)
# Shown only when there is one: most partnerships never ask for approval.
_ONLY_WHEN_ANY = frozenset({"waiting_returns"})


def _since(snap: Snapshot, L: Layout) -> list[Any]:
    ex, titles = snap.exceptions, snap.titles
    units = {r["code"]: r for r in snap.indicators}

    def about(r: dict[str, Any]) -> list[Paragraph]:
        """The indicator and its priority: the first two cells of every indicator's row."""
        code = w.text_of(r.get("indicator_code"))
        return [
            L.cell(f"{code} {w.text_of(r.get('name'))}", f"Indicator {code}"),
            L.P(titles.get(clean(r.get("priority_id")), "–")),
        ]

    def figure(r: dict[str, Any]) -> Paragraph:
        unit = units.get(r["indicator_code"], {"unit": "count", "decimals": 0})
        return L.P(w.fmt({**unit, "value": clean(r.get("value"))}, "value"))

    def period(value: Any) -> Paragraph:
        return L.P(w.period_label(clean(value)) if clean(value) else "none")

    cells = {
        "blockages": lambda r: [
            *about(r),
            period(r.get("period")),
            L.cell(
                w.text_of(r.get("detail")) or "no detail given",
                f"Blockage on {w.text_of(r.get('indicator_code'))}",
            ),
            L.P(f"{w.text_of(r.get('author'))}, {periods.long_date(r.get('created_at'))}"),
        ],
        "changed": lambda r: [
            *about(r),
            L.badge(r["was"]),
            L.badge(r["now"]),
            L.P(w.text_of(r.get("direction")).capitalize(), "cellb"),
        ],
        "new_data": lambda r: [
            *about(r),
            period(r.get("period_was")),
            period(r.get("period_now")),
            figure(r),
        ],
        "overdue_returns": lambda r: [
            *about(r),
            period(r.get("latest_period")),
            period(r.get("due_period")),
            L.P(r.get("accountable_role")),
        ],
        "waiting_returns": lambda r: [
            *about(r),
            period(r.get("latest_period")),
            period(r.get("due_period")),
            L.P(f"{w.text_of(r.get('submitted_by'))}, {periods.long_date(r.get('submitted_at'))}"),
        ],
    }
    story: list[Any] = [L.heading("Since the last meeting"), L.P(snap.since, "body")]
    if snap.frozen:
        story.append(L.P(snap.provenance, "note"))
    # What the pack withholds is left out, never shown as "(0) None".
    for title, key, header, widths in (t for t in _SINCE_TABLES if t[1] not in snap.withheld):
        frame = getattr(ex, key)
        if frame.empty and key in _ONLY_WHEN_ANY:
            continue
        story.append(L.P(f"{title} ({len(frame)})", "h2"))
        if frame.empty:
            story.append(L.P("None.", "body"))
            continue
        if key == "overdue_actions":
            story += _action_table(L, frame, ("Ref", "Action", "Owner", "Due", "Status"))
            continue
        rows = [L.heads("Indicator", "Priority", *header)] + [
            cells[key](r) for r in frame.to_dict("records")
        ]
        story += [L.table(rows, L.cols(*widths)), *L.in_full()]
    return [*story, PageBreak()]


def _priority_head(snap: Snapshot, L: Layout, n: int, p: dict[str, Any]) -> list[Any]:
    k = L.k
    short = w.shorten(p["title"], 80)
    return [
        L.P(f"Priority {n} of {len(snap.priorities)} · {w.text_of(p['tier'])} tier", "kicker"),
        L.table(
            [[L.heading(w.shorten(p["title"], 300)), L.badge(p["status"], size=12)]],
            [L.frame_w - 42 * mm * k, 42 * mm * k],
            header=False,
            grid=False,
            extra=[
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ],
        ),
        L.P(
            (f"Status {snap.status_basis}. " if snap.status_basis else "")
            + f"Lead: {w.lead(p)}. Indicators: "
            f"{w.counts_text(w.counts(p), L.fonts.unicode, w.NBSP)}.",
            "body",
        ),
        L.table(
            [
                [L.P(h, "head") for h, _ in w.FOUR_COLUMNS],
                [L.cell(p.get(key), f"{h.capitalize()} ({short})") for h, key in w.FOUR_COLUMNS],
            ],
            L.cols(1, 1, 1, 1),
            repeat=False,
        ),
        *L.in_full(),
    ]


def _indicator_table(L: Layout, own: list[dict[str, Any]]) -> list[Any]:
    symbols = L.fonts.unicode
    rows = [L.heads("Status", "Indicator", "Latest figure", "Target", "Baseline", "Direction")]
    spans = []
    for r in own:
        code = w.text_of(r["code"])
        rows.append(
            [
                L.badge(r["effective"]),
                [
                    L.cell(f"{code} {w.text_of(r['name'])}", f"Indicator {code}", "cellb"),
                    L.cell(f"Why: {w.text_of(r['reason'])}", f"Why {code} has its status", "note"),
                    L.P(r.get("spc", ""), "note"),
                ],
                [L.P(w.fmt(r, "value"), "cellb"), L.P(w.period_label(r["period"]), "note")],
                L.P(w.fmt(r, "target")),
                [
                    L.P(w.fmt(r, "baseline")),
                    L.P(
                        w.period_label(r["baseline_period"]) if r["baseline_period"] else "", "note"
                    ),
                ],
                L.P(status.direction_text(r["direction"], symbols)),
            ]
        )
        notes = [
            L.cell(t, f"{what} on {code}", "small", WIDE_CELL_CHARS)
            for what, t in (
                ("The override", w.override_text(r, symbols)),
                ("Commentary", f"Commentary: {r['commentary']}" if r["commentary"] else None),
            )
            if t
        ]
        if notes:
            rows.append(["", notes, "", "", "", ""])
            spans.append(("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)))
    if not own:
        rows.append([L.P("This priority has no indicators."), "", "", "", "", ""])
        spans.append(("SPAN", (0, 1), (-1, 1)))
    table = L.table(rows, L.cols(1.65, 3.35, 1.5, 1.05, 1.35, 1.35), extra=spans)
    return [table, *L.in_full()]


def _trends(snap: Snapshot, L: Layout, charts: Charting, own: list[dict]) -> list[Any]:
    k = L.k
    drawn = []
    for r in own:
        chart = chromium.trend_chart(snap, charts.drawer, r["code"], CHART_W, CHART_H, "pdf")
        if chart is None:
            continue
        slot = ChartSlot(chart, L.frame_w, L.frame_w * CHART_H / CHART_W, charts.placed)
        title = f"{r['code']} {w.shorten(r['name'], 200)}: figures to {w.period_label(r['period'])}"
        drawn.append(
            KeepTogether(
                [L.P(title, "cellb"), Spacer(1, 1.5 * mm * k), slot, Spacer(1, 3 * mm * k)]
            )
        )
    if not drawn:
        return []
    note = ("Figures as they stood at the meeting. " if snap.frozen else "") + (
        "Each point's marker shape shows its status: "
    )
    return [
        CondPageBreak(60 * mm * k),
        L.P("Trends", "h2"),
        L.P(
            note + "circle Green, triangle Amber, cross Red, open circle Not rated; "
            "dashed line target, shaded band the Amber tolerance, dotted line baseline.",
            "note",
        ),
        Spacer(1, 2 * mm * k),
        *drawn,
    ]


def _priority(snap: Snapshot, L: Layout, charts: Charting, n: int, p: dict) -> list[Any]:
    own = snap.of(p["id"])
    return [
        *_priority_head(snap, L, n, p),
        L.P("Indicators", "h2"),
        *_indicator_table(L, own),
        *_trends(snap, L, charts, own),
        PageBreak(),
    ]


def _action_table(L: Layout, frame: pd.DataFrame, header: tuple[str, ...]) -> list[Any]:
    """Actions as a table: the overdue ones' status boxed and shaded, so it shows in grey."""
    rows = [L.heads(*header)]
    extra = []
    for a in frame.to_dict("records"):
        ref = w.text_of(a.get("reference"))
        # The agenda's overdue actions are all overdue; the log says which are.
        overdue = bool(clean(a["overdue"])) if "overdue" in a else True
        row = [
            L.P(ref, "cellb"),
            L.cell(a.get("text"), f"Action {ref}"),
            L.cell(a.get("owner"), f"Owner of action {ref}"),
            L.P(periods.long_date(a.get("due_date"))),
            L.P(w.action_state({**a, "overdue": overdue}), "cellb" if overdue else "cell"),
        ]
        if len(header) > 5:
            row.append(L.P(clean(a.get("priority_title")) or "–"))
        rows.append(row)
        if overdue:
            cell = (4, len(rows) - 1)
            extra.append(("BACKGROUND", cell, cell, colors.HexColor("#E0E0E0")))
            extra.append(("BOX", cell, cell, 1.6, colors.black))
    widths = (0.8, 3.6, 2.0, 1.3, 1.5, 2.1)[: len(header)]
    return [L.table(rows, L.cols(*widths), extra=extra), *L.in_full()]


def _actions(snap: Snapshot, L: Layout) -> list[Any]:
    story: list[Any] = [L.heading("Actions log")]
    acts = snap.actions
    if acts.empty:
        return story + [L.P("No actions are recorded.", "body")]
    overdue = int(acts["overdue"].fillna(False).astype(bool).sum())
    story.append(
        L.P(
            f"{len(acts)} actions: {int((acts['status'] == 'open').sum())} open, "
            f"{overdue} of them OVERDUE (open and past the due date).",
            "body",
        )
    )
    return story + _action_table(L, acts, ("Ref", "Action", "Owner", "Due", "Status", "Priority"))


class _NumberedCanvas(rl_canvas.Canvas):
    """Adds the footer and "Page n of N" once the page count is known."""

    layout: Layout
    footer: str
    counted: dict[str, int]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        L, total = self.layout, len(self._pages)
        self.counted["n"] = total
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(L.fonts.regular, 7.5 * L.k)
            self.setFillColor(colors.HexColor(w.MUTED))
            self.drawString(L.margin, L.margin / 2, _plain(self.footer, L.fonts))
            self.drawRightString(
                L.page[0] - L.margin, L.margin / 2, f"Page {self._pageNumber} of {total}"
            )
            super().showPage()
        super().save()


class _PackDocument(SimpleDocTemplate):
    """Puts each heading that asks for it in the PDF reader's outline."""

    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if outline:
            key, title, level = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level)


def write(snap: Snapshot, out: io.BytesIO, paper: str, drawer: chromium.Charts) -> int:
    """Write the PDF pack to ``out``; returns its number of pages."""
    L = Layout(paper)
    charts = Charting(drawer)
    story = [*_cover(snap, L), *_plan(snap, L), *_since(snap, L)]
    for n, p in enumerate(snap.priorities, start=1):
        story += _priority(snap, L, charts, n, p)
    story += [] if "actions" in snap.withheld else _actions(snap, L)
    counted: dict[str, int] = {}
    canvas = type(
        "PackCanvas",
        (_NumberedCanvas,),
        {"layout": L, "footer": f"{snap.name} · {snap.kind} · {snap.heading}", "counted": counted},
    )
    laid_out = io.BytesIO()
    doc = _PackDocument(
        laid_out,
        pagesize=L.page,
        leftMargin=L.margin,
        rightMargin=L.margin,
        topMargin=L.margin,
        bottomMargin=L.margin,
        title=snap.title,
        author=snap.name,
        subject=f"Outcomes framework {snap.kind.lower()}: the plan on a page, what changed since "
        "the last meeting and every priority",
        creator="Outcomes framework dashboard",
        keywords=[snap.kind.lower(), "community safety", "outcomes framework"],
        lang="en-GB",
        displayDocTitle=True,
    )
    doc.build(story, canvasmaker=canvas)
    out.write(lay_charts(laid_out.getvalue(), charts.placed))
    return counted.get("n", 0)
