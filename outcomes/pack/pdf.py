"""The pack as a PDF (reportlab): A4 portrait, or A3 as the same layout enlarged.

The text is set in DejaVu Sans where it is installed (Debian: ``fonts-dejavu-core``), which has
the status symbols; without it the PDF falls back to Helvetica and draws each symbol as a shape.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

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
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from loaders import periods
from outcomes import status
from outcomes.pack import chromium
from outcomes.pack.snapshot import Snapshot, clean
from outcomes.pack.wording import (
    FOUR_COLUMNS,
    HEADER_FILL,
    INK,
    MUTED,
    NBSP,
    action_state,
    counts,
    counts_text,
    fmt,
    lead,
    override_text,
    period_label,
)

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
)
_NEEDED_GLYPHS = "".join(s.symbol for s in status.STYLES.values()) + "".join(
    status.DIRECTION_SYMBOLS.values()
)
CHART_W, CHART_H = 900, 300


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    unicode: bool  # True: the status symbols are in the font; False: draw them as shapes


_fonts_cache: dict[str, Fonts] = {}


def fonts() -> Fonts:
    if "fonts" in _fonts_cache:
        return _fonts_cache["fonts"]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    chosen = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", False)
    for folder in _FONT_DIRS:
        files = {
            k: Path(folder) / f"DejaVuSans{suffix}.ttf"
            for k, suffix in (("regular", ""), ("bold", "-Bold"), ("italic", "-Oblique"))
        }
        if not all(f.is_file() for f in files.values()):
            continue
        try:
            faces = {k: TTFont(f"PackSans-{k}", str(f)) for k, f in files.items()}
        except Exception:  # an unreadable font file: try the next folder
            continue
        # Never let a symbol render as an empty box: use the font only if it has them all.
        if all(
            ord(ch) in face.face.charToGlyph for face in faces.values() for ch in _NEEDED_GLYPHS
        ):
            for face in faces.values():
                pdfmetrics.registerFont(face)
            pdfmetrics.registerFontFamily(
                "PackSans",
                normal="PackSans-regular",
                bold="PackSans-bold",
                italic="PackSans-italic",
                boldItalic="PackSans-bold",
            )
            chosen = Fonts("PackSans-regular", "PackSans-bold", "PackSans-italic", True)
            break
    _fonts_cache["fonts"] = chosen
    return chosen


def _safe(text: Any, f: Fonts) -> str:
    """Text for a reportlab paragraph: escaped, and within what the font can show."""
    text = "" if text is None else str(text)
    if not f.unicode:
        # Statuses and directions are always in words too, so their symbols can go.
        for ch in _NEEDED_GLYPHS:
            text = text.replace(ch, "")
        text = text.encode("cp1252", "replace").decode("cp1252")
    return escape(text.strip())


def _plain(text: str, f: Fonts) -> str:
    return text if f.unicode else text.encode("cp1252", "replace").decode("cp1252")


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
            "note": self._style("note", 8.5, color=colors.HexColor(MUTED)),
            "kicker": self._style("kicker", 9.5, bold=True, color=colors.HexColor(MUTED)),
        }

    def _style(self, name: str, size: float, *, bold=False, lead=1.25, space=0.0, **kw):
        return ParagraphStyle(
            name,
            fontName=self.fonts.bold if bold else self.fonts.regular,
            fontSize=size * self.k,
            leading=size * self.k * lead,
            spaceAfter=space * self.k,
            textColor=kw.pop("color", colors.HexColor(INK)),
            alignment=kw.pop("alignment", TA_LEFT),
            **kw,
        )

    def P(self, text: Any, style: str = "cell") -> Paragraph:
        return Paragraph(_safe(text, self.fonts), self.styles[style])

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
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)))
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
    k = L.k
    totals = snap.totals
    return [
        Spacer(1, 35 * mm * k),
        L.P(snap.name, "title"),
        L.P("Board pack", "subtitle"),
        L.P(snap.heading, "h1"),
        L.P(snap.explanation, "body"),
        L.P(f"Prepared {periods.long_date(snap.today)}.", "note"),
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
        L.P("The plan on a page", "h1"),
        L.P("Our vision", "h2"),
        L.P(snap.partnership.get("vision"), "body"),
        L.P("Who we are", "h2"),
    ]
    if not snap.partners.empty:
        story.append(L.P("; ".join(snap.partners["name"]) + ".", "body"))
    for key in ("doing_the_work", "working_together", "facing"):
        if snap.partnership.get(key):
            story.append(L.P(snap.partnership[key], "body"))
    for tier in snap.tiers.to_dict("records"):
        own = [p for p in snap.priorities if p["tier_code"] == tier["code"]]
        if not own:
            continue
        label = tier["label"] + (f": {tier['description']}" if tier.get("description") else "")
        rows = [L.heads("Priority", "Lead", "Status", "Indicators by status")]
        for p in own:
            rows.append(
                [
                    L.P(p["title"], "cellb"),
                    L.P(lead(p)),
                    L.badge(p["status"]),
                    L.P(f"{p['indicators']}: {counts_text(counts(p), L.fonts.unicode, NBSP)}"),
                ]
            )
        story += [L.P(label, "h2"), L.table(rows, L.cols(3.2, 2.6, 1.3, 2.4))]
    story.append(PageBreak())
    return story


def _section(L: Layout, title: str, frame: pd.DataFrame, header: list[str], widths, make_row):
    story = [L.P(f"{title} ({len(frame)})", "h2")]
    if frame.empty:
        return story + [L.P("None.", "body")]
    rows = [L.heads(*header)] + [make_row(r) for r in frame.to_dict("records")]
    return story + [L.table(rows, L.cols(*widths))]


def _since(snap: Snapshot, L: Layout) -> list[Any]:
    ex, titles = snap.exceptions, snap.titles
    units = {r["code"]: r for r in snap.indicators}

    def indicator(r: dict[str, Any]) -> Paragraph:
        return L.P(f"{r['indicator_code']} {r['name']}")

    def priority(r: dict[str, Any]) -> Paragraph:
        return L.P(titles.get(r["priority_id"], r["priority_id"]))

    def figure(r: dict[str, Any]) -> Paragraph:
        unit = units.get(r["indicator_code"], {"unit": "count", "decimals": 0})
        return L.P(fmt({**unit, **r}, "value"))

    return [
        L.P("Since the last meeting", "h1"),
        L.P(snap.since, "body"),
        *_section(
            L,
            "Statuses that changed",
            ex.changed,
            ["Indicator", "Priority", "Was", "Now", "Better or worse"],
            (3.2, 2.4, 1.3, 1.3, 1.2),
            lambda r: [
                indicator(r),
                priority(r),
                L.badge(r["was"]),
                L.badge(r["now"]),
                L.P(str(r["direction"]).capitalize(), "cellb"),
            ],
        ),
        *_section(
            L,
            "New figures",
            ex.new_data,
            ["Indicator", "Priority", "Before", "New period", "Figure"],
            (3.2, 2.4, 1.2, 1.2, 1.2),
            lambda r: [
                indicator(r),
                priority(r),
                L.P(clean(r["period_was"]) or "–"),
                L.P(r["period_now"]),
                figure(r),
            ],
        ),
        *_section(
            L,
            "Returns overdue",
            ex.overdue_returns,
            ["Indicator", "Latest figure", "Due for", "Accountable"],
            (3.2, 1.3, 1.3, 3.0),
            lambda r: [
                indicator(r),
                L.P(clean(r["latest_period"]) or "none"),
                L.P(r["due_period"]),
                L.P(r["accountable_role"]),
            ],
        ),
        *_section(
            L,
            "Blockages escalated to the board",
            ex.blockages,
            ["Indicator", "Period", "Blockage", "Raised by"],
            (2.6, 1.1, 4.0, 1.6),
            lambda r: [
                indicator(r),
                L.P(r["period"]),
                L.P(" ".join(str(x) for x in (r["blockage_detail"], r["narrative"]) if clean(x))),
                L.P(f"{r['author']}, {periods.long_date(r['created_at'])}"),
            ],
        ),
        *_section(
            L,
            "Actions overdue",
            ex.overdue_actions,
            ["Ref", "Action", "Owner", "Due", "Status"],
            (0.8, 4.0, 2.0, 1.2, 1.2),
            lambda r: [
                L.P(r["reference"], "cellb"),
                L.P(r["text"]),
                L.P(r["owner"]),
                L.P(periods.long_date(r["due_date"])),
                L.P("OVERDUE", "cellb"),
            ],
        ),
        PageBreak(),
    ]


def _priority_head(snap: Snapshot, L: Layout, n: int, p: dict[str, Any]) -> list[Any]:
    k = L.k
    return [
        L.P(f"Priority {n} of {len(snap.priorities)} · {p['tier']} tier", "kicker"),
        L.table(
            [[L.P(p["title"], "h1"), L.badge(p["status"], size=12)]],
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
            f"Lead: {lead(p)}. Indicators: {counts_text(counts(p), L.fonts.unicode, NBSP)}.",
            "body",
        ),
        L.table(
            [[L.P(h, "head") for h, _ in FOUR_COLUMNS], [L.P(p[key]) for _, key in FOUR_COLUMNS]],
            L.cols(1, 1, 1, 1),
            repeat=False,
        ),
    ]


def _indicator_table(L: Layout, own: list[dict[str, Any]]) -> Table:
    symbols = L.fonts.unicode
    rows = [L.heads("Status", "Indicator", "Latest figure", "Target", "Baseline", "Direction")]
    spans = []
    for r in own:
        rows.append(
            [
                L.badge(r["effective"]),
                [L.P(f"{r['code']} {r['name']}", "cellb"), L.P(f"Why: {r['reason']}", "note")]
                + [L.P(r.get("spc", ""), "note")],
                [L.P(fmt(r, "value"), "cellb"), L.P(period_label(r["period"]), "note")],
                L.P(fmt(r, "target")),
                [L.P(fmt(r, "baseline")), L.P(r["baseline_period"] or "", "note")],
                L.P(status.direction_text(r["direction"], symbols)),
            ]
        )
        notes = [
            t
            for t in (
                override_text(r, symbols),
                f"Commentary: {r['commentary']}" if r["commentary"] else None,
            )
            if t
        ]
        if notes:
            rows.append(["", [L.P(t, "small") for t in notes], "", "", "", ""])
            spans.append(("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)))
    if not own:
        rows.append([L.P("This priority has no indicators."), "", "", "", "", ""])
    return L.table(rows, L.cols(1.65, 3.35, 1.5, 1.05, 1.35, 1.35), extra=spans)


def _trends(snap: Snapshot, L: Layout, drawer: chromium.Charts, own: list[dict]) -> list[Any]:
    k = L.k
    drawn = []
    for r in own:
        png = chromium.trend_png(snap, drawer, r["code"], CHART_W, CHART_H, scale=2 * k)
        if png is None:
            continue
        img = Image(io.BytesIO(png), width=L.frame_w, height=L.frame_w * CHART_H / CHART_W)
        title = f"{r['code']} {r['name']}: figures to {period_label(r['period'])}"
        drawn.append(
            KeepTogether([L.P(title, "cellb"), Spacer(1, 1.5 * mm * k), img, Spacer(1, 3 * mm * k)])
        )
    if not drawn:
        return []
    note = (
        "Figures as they stood at the meeting. "
        if snap.frozen
        else "Each point's marker shape shows its status: "
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


def _priority(snap: Snapshot, L: Layout, drawer: chromium.Charts, n: int, p: dict) -> list[Any]:
    own = snap.of(p["id"])
    return [
        *_priority_head(snap, L, n, p),
        L.P("Indicators", "h2"),
        _indicator_table(L, own),
        *_trends(snap, L, drawer, own),
        PageBreak(),
    ]


def _actions(snap: Snapshot, L: Layout) -> list[Any]:
    story: list[Any] = [L.P("Actions log", "h1")]
    acts = snap.actions
    if acts.empty:
        return story + [L.P("No actions are recorded.", "body")]
    story.append(
        L.P(
            f"{len(acts)} actions: {int((acts['status'] == 'open').sum())} open, "
            f"{int(acts['overdue'].sum())} of them OVERDUE (open and past the due date).",
            "body",
        )
    )
    rows = [L.heads("Ref", "Action", "Owner", "Due", "Status", "Priority")]
    extra = []
    for a in acts.to_dict("records"):
        rows.append(
            [
                L.P(a["reference"], "cellb"),
                L.P(a["text"]),
                L.P(a["owner"]),
                L.P(periods.long_date(a["due_date"])),
                L.P(action_state(a), "cellb" if a["overdue"] else "cell"),
                L.P(clean(a.get("priority_title")) or "–"),
            ]
        )
        if a["overdue"]:
            cell = (4, len(rows) - 1)
            extra.append(("BACKGROUND", cell, cell, colors.HexColor("#E0E0E0")))
            extra.append(("BOX", cell, cell, 1.6, colors.black))
    return story + [L.table(rows, L.cols(0.8, 3.6, 2.0, 1.3, 1.5, 2.1), extra=extra)]


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
            self.setFillColor(colors.HexColor(MUTED))
            self.drawString(L.margin, L.margin / 2, _plain(self.footer, L.fonts))
            self.drawRightString(
                L.page[0] - L.margin, L.margin / 2, f"Page {self._pageNumber} of {total}"
            )
            super().showPage()
        super().save()


def write(snap: Snapshot, out: io.BytesIO, paper: str, drawer: chromium.Charts) -> int:
    """Write the PDF pack to ``out``; returns its number of pages."""
    L = Layout(paper)
    story = [*_cover(snap, L), *_plan(snap, L), *_since(snap, L)]
    for n, p in enumerate(snap.priorities, start=1):
        story += _priority(snap, L, drawer, n, p)
    story += _actions(snap, L)
    counted: dict[str, int] = {}
    canvas = type(
        "PackCanvas",
        (_NumberedCanvas,),
        {"layout": L, "footer": f"{snap.name} · Board pack · {snap.heading}", "counted": counted},
    )
    doc = SimpleDocTemplate(
        out,
        pagesize=L.page,
        leftMargin=L.margin,
        rightMargin=L.margin,
        topMargin=L.margin,
        bottomMargin=L.margin,
        title=f"{snap.name}: board pack, {snap.heading}",
        author=snap.name,
        subject="Outcomes framework board pack",
    )
    doc.build(story, canvasmaker=canvas)
    return counted.get("n", 0)
