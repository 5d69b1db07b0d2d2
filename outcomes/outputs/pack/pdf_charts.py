"""Vector charts in the PDF pack: room kept in the layout, each chart's PDF page laid there.

kaleido draws each chart as a one-page PDF; the layout keeps a ``ChartSlot`` of its size, which
notes where it landed as the page is drawn; once reportlab has made the document, ``lay_charts``
draws each chart's page there as a form XObject. So the axes' figures are text in the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from outcomes.outputs.pack import chromium


@dataclass
class Charting:
    """The browser that draws the charts, and where each chart landed."""

    drawer: chromium.Charts
    placed: list = field(default_factory=list)


class ChartSlot(Flowable):
    """Room on the page for a vector chart: where it lands is noted as the page is drawn, and
    the chart's own PDF page is laid there once the document is made (``_lay_charts``)."""

    def __init__(self, chart_pdf: bytes, width: float, height: float, placed: list):
        super().__init__()
        self.chart, self.width, self.height, self.placed = chart_pdf, width, height, placed

    def wrap(self, *_):
        return self.width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.placed.append((self.canv.getPageNumber(), x, y, self.width, self.height, self.chart))


def lay_charts(document: bytes, placed: list) -> bytes:
    """The document with each chart's PDF page laid, scaled, into the room kept for it.

    Each chart goes in whole as a form XObject, drawn where its slot was: its content stream
    is copied, never parsed, so laying 20 charts takes milliseconds.
    """
    if not placed:
        return document
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    drawn: dict[int, list[bytes]] = {}
    for n, (page_number, x, y, width, height, chart_pdf) in enumerate(placed):
        chart = PdfReader(io.BytesIO(chart_pdf)).pages[0]
        box = [float(v) for v in chart.mediabox]
        form = DecodedStreamObject()
        form.set_data(chart.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
                NameObject("/Resources"): chart["/Resources"].clone(writer),
            }
        )
        page = writer.pages[page_number - 1]
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
        name = f"/PackChart{n}"
        xobjects[NameObject(name)] = writer._add_object(form)
        sx, sy = width / (box[2] - box[0]), height / (box[3] - box[1])
        drawn.setdefault(page_number, []).append(
            f"q {sx:.5f} 0 0 {sy:.5f} {x - box[0] * sx:.3f} {y - box[1] * sy:.3f} cm "
            f"{name} Do Q".encode()
        )
    for page_number, calls in drawn.items():
        page = writer.pages[page_number - 1]
        contents = page.get_contents()
        contents.set_data(contents.get_data() + b"\n" + b"\n".join(calls) + b"\n")
        page.replace_contents(contents)
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()
