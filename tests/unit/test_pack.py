"""The board pack: PDF, PowerPoint and workbook; statuses in words; frozen meeting statuses.

Tests that draw charts need Chromium: they skip without it, except under ``CI=true`` where they
fail, so a CI run cannot go green without having drawn the pack's charts.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from datetime import date

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from outcomes.outputs import pack
from outcomes.outputs.pack import chromium as drawing
from outcomes.outputs.pack import pdf
from outcomes.queries import board
from outcomes.queries.observations import record_upload
from outcomes.rules import status
from outcomes.workflows import meetings
from outcomes.workflows.demo import facts
from tests.actors import acting

D = facts()  # where the demo's figures fall today

TODAY = date(2025, 5, 1)
WORDS = [status.style(s).word for s in status.STATUSES]
BADGE = "(" + "|".join(re.escape(status.badge_text(s)) for s in status.STATUSES) + ")"


def _text(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space made single spaces."""
    return list(_pages_read(pdf))


@functools.lru_cache(maxsize=4)
def _pages_read(pdf: bytes) -> tuple[str, ...]:
    # Reading a PDF's text parses every chart's vector paths (seconds for a pack); the module's
    # pack is read by several tests, so the same bytes are read once.
    return tuple(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _load(cur, code, period, value):
    frame = pd.DataFrame(
        [{"indicator_code": code, "period": period, "area": "all", "value": value}]
    )
    return record_upload(
        cur, frame, by=acting("lead"), file_name=f"{code}.xlsx", source_format="return"
    )


@pytest.fixture(scope="module")
def pdf_a4(busy_store, chromium):
    out = io.BytesIO()
    result = pack.build_pack(busy_store.cursor(), "pdf", out, today=TODAY)
    return result, out.getvalue()


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_names_every_priority_and_reads_every_status_in_words_and_symbols(busy_store, pdf_a4):
    result, data = pdf_a4
    pages = _text(data)
    text = " ".join(pages)
    assert result["pages"] == len(pages) > 10
    for title in board.priority_summary(busy_store.cursor())["title"]:
        assert title in text
    for s in status.STATUSES:
        assert status.style(s).word in text
        assert status.badge_text(s) in text  # the symbol, in a font that has it
    assert "Board pack" in pages[0] and "As at 1 May 2025" in pages[0]
    assert "The plan on a page" in pages[1] and "Our vision" in pages[1]
    assert "WE WILL" in text and "WITH SUCCESS MEASURED BY" in text
    # the exceptions, the override with both statuses, the commentary and the overdue action
    since = next(p for p in pages if p.startswith("Since the last meeting"))
    assert "No trainer funded for 2025/26" in since and "A1" in since and "OVERDUE" in since
    assert "computed ▲ Amber, board status ✖ Red. Reason: Response rate too low to trust" in text
    assert "Commentary: Fewer responses after the survey moved online." in text
    actions = pages[-1]
    assert actions.startswith("Actions log") and "OVERDUE" in actions
    assert re.search(r"A1 Fund a modern slavery trainer .*OVERDUE", actions)
    assert "A2" in actions and "Done" in actions  # A3 is done, so not overdue
    assert "A3 Agree the survey method" in actions and "A3 Agree the survey method" not in since


def test_pdf_has_a_trend_chart_for_every_indicator_with_figures(busy_store, pdf_a4):
    result, data = pdf_a4
    with_figures = [
        r for r in board.indicator_ratings(busy_store.cursor()).to_dict("records") if r["period"]
    ]
    assert result["charts"] == len(with_figures) == 21
    # vector charts: no pictures in the PDF; each chart's axes and legend are its text
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(data)).pages) == 0
    text = " ".join(_text(data))
    for r in with_figures:
        assert f"{r['indicator_code']} {r['name']}: figures to" in text
    assert result["seconds"] > 0


def test_pdf_is_a4_portrait_by_default_and_a3_on_request(busy_store, pdf_a4, no_charts):
    box = PdfReader(io.BytesIO(pdf_a4[1])).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    out = io.BytesIO()
    result = pack.build_pack(busy_store.cursor(), "pdf", out, paper="a3", today=TODAY)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 1191)
    assert result["pages"] == len(reader.pages) and result["charts"] == 0


def test_pdf_without_a_symbol_font_draws_the_symbols_and_keeps_the_words(
    busy_store, no_charts, monkeypatch
):
    fallback = pdf.Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", False)
    monkeypatch.setattr(pdf, "fonts", lambda: fallback)
    out = io.BytesIO()
    pack.build_pack(busy_store.cursor(), "pdf", out, today=TODAY)
    text = " ".join(_text(out.getvalue()))
    for word in WORDS:
        assert word in text
    # no glyph the font lacks (each would print as a box): the symbols are drawn as shapes
    assert not set("✔▲✖○↗↘→↑↓") & set(text)
    assert "improving" in text and "worsening" in text


def test_pack_goes_to_a_path_or_a_file_object(demo_store, tmp_path, no_charts):
    path = tmp_path / "pack.pdf"
    result = pack.build_pack(demo_store.cursor(), "pdf", path, today=TODAY)
    assert path.read_bytes().startswith(b"%PDF") and result["pages"] > 5
    with open(tmp_path / "pack.xlsx", "wb") as f:
        assert pack.build_pack(demo_store.cursor(), "xlsx", f, today=TODAY)["sheets"] == 5
    assert openpyxl.load_workbook(tmp_path / "pack.xlsx").sheetnames[:4] == [
        "Priorities",
        "Indicators",
        "Exceptions",
        "Actions",
    ]


# --- PowerPoint --------------------------------------------------------------------------------


def test_pptx_has_a_slide_per_priority_with_its_status_in_words_and_a_chart(busy_store, chromium):
    out = io.BytesIO()
    result = pack.build_pack(busy_store.cursor(), "pptx", out, today=TODAY)
    prs = Presentation(io.BytesIO(out.getvalue()))
    assert result["slides"] == len(prs.slides) == 1 + 1 + 7 + 1
    assert result["charts"] == 7
    assert round(prs.slide_width / prs.slide_height, 2) == round(16 / 9, 2)
    titles = [s.shapes.title.text if s.shapes.title else "" for s in prs.slides]
    assert titles[0] == "Safer Plymouth Partnership"
    assert titles[1] == "Since the last meeting" and titles[-1] == "Actions log"
    summary = board.priority_summary(busy_store.cursor())
    by_title = {t: s for t, s in zip(titles, prs.slides, strict=True)}
    for p in summary.to_dict("records"):
        slide = by_title[p["title"]]
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        cells = [
            c.text
            for sh in slide.shapes
            if sh.has_table
            for row in sh.table.rows
            for c in row.cells
        ]
        assert status.badge_text(p["status"]) in texts
        assert len([sh for sh in slide.shapes if sh.shape_type == 13]) == 1  # one picture
        assert any(re.fullmatch(BADGE + r"( \(override\))?", c) for c in cells)
        for shape in slide.shapes:  # nothing falls off the slide
            assert shape.left + shape.width <= prs.slide_width + Emu(1)
            assert shape.top + shape.height <= prs.slide_height + Emu(1)
    hate = by_title["Hate incidents against minority ethnic and faith communities"]
    cells = [
        c.text for sh in hate.shapes if sh.has_table for row in sh.table.rows for c in row.cells
    ]
    assert "✖ Red (override)" in cells
    actions = [
        c.text
        for sh in prs.slides[-1].shapes
        if sh.has_table
        for r in sh.table.rows
        for c in r.cells
    ]
    assert "OVERDUE" in actions
    since = " ".join(
        c.text
        for sh in prs.slides[1].shapes
        if sh.has_table
        for r in sh.table.rows
        for c in r.cells
    )
    assert "Action OVERDUE" in since and "Blockage" in since and "Return overdue" in since


# --- Excel -------------------------------------------------------------------------------------


def _sheet(wb, name) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_workbook_holds_statuses_as_words_with_fill_and_symbol(busy_store):
    out = io.BytesIO()
    result = pack.build_pack(busy_store.cursor(), "xlsx", out, today=TODAY)
    assert result == {"sheets": 5, "charts": 0, "seconds": result["seconds"]}
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Priorities", "Indicators", "Exceptions", "Actions", "About"]
    priorities = _sheet(wb, "Priorities")
    assert len(priorities) == 7
    assert {r["Status"] for r in priorities} <= set(WORDS)
    hate = next(r for r in priorities if r["Priority"].startswith("Hate"))
    assert (hate["Status"], hate["Symbol"], hate["Indicators"]) == ("Red", "✖", 3)
    indicators = {r["Code"]: r for r in _sheet(wb, "Indicators")}
    assert len(indicators) == 22
    assert {r["Effective status"] for r in indicators.values()} == set(WORDS)
    hc02 = indicators["HC02"]
    assert (hc02["Computed status"], hc02["Override"], hc02["Effective status"]) == (
        "Amber",
        "Red",
        "Red",
    )
    assert hc02["Override reason"].startswith("Response rate")
    assert (indicators["VV01"]["Value"], indicators["VV01"]["Target"]) == (76.2, 75.0)
    assert indicators["VV01"]["Direction"] == "improving"
    # the status cell is the word on its colour; the header is styled and frozen
    ws = wb["Indicators"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("Effective status") + 1)
    assert cell.value == "Green" and cell.fill.fgColor.rgb.endswith("00695C")
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    exceptions = _sheet(wb, "Exceptions")
    kinds = {r["Exception"] for r in exceptions}
    assert {"Return overdue", "Blockage", "Action OVERDUE"} <= kinds
    actions = {r["Reference"]: r for r in _sheet(wb, "Actions")}
    assert actions["A1"]["Overdue"] == "OVERDUE" and actions["A3"]["Overdue"] is None


# --- A recorded meeting: its statuses frozen -------------------------------------------------


def test_a_pack_for_a_meeting_shows_its_frozen_statuses_not_later_revisions(demo_store, no_charts):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("Democratic Support Officer"))
    _load(cur, "VV02", D.moved("2024/25 Q4"), 300)  # revised after the meeting: VV02 turns red

    def effective(meeting_date):
        out = io.BytesIO()
        pack.build_pack(cur, "xlsx", out, meeting_date=meeting_date, today=TODAY)
        rows = _sheet(openpyxl.load_workbook(io.BytesIO(out.getvalue())), "Indicators")
        return {r["Code"]: r for r in rows}

    then, now = effective("2025-05-15"), effective(None)
    assert (then["VV02"]["Effective status"], then["VV02"]["Value"]) == ("Amber", 405)
    assert (now["VV02"]["Effective status"], now["VV02"]["Value"]) == ("Red", 300)
    # recomputed from the frozen figures, every computed status agrees with the frozen one
    assert all(r["Computed status"] == r["Effective status"] for r in then.values())
    assert {c: r["Effective status"] for c, r in then.items() if c != "VV02"} == {
        c: r["Effective status"] for c, r in now.items() if c != "VV02"
    }

    def pdf(meeting_date):
        out = io.BytesIO()
        pack.build_pack(cur, "pdf", out, meeting_date=date(2025, 5, 15) if meeting_date else None)
        return _text(out.getvalue())

    frozen, live = pdf(True), pdf(False)
    assert "Board meeting, 15 May 2025" in frozen[0]
    assert "frozen when the meeting was recorded" in frozen[0]
    assert re.search(BADGE + r" VV02", " ".join(frozen)).group(1) == "▲ Amber"
    assert re.search(BADGE + r" VV02", " ".join(live)).group(1) == "✖ Red"
    assert "Since the last board meeting on 15 May 2025" in " ".join(live)


def test_a_meeting_pack_shows_the_spc_icons_of_the_figures_as_they_stood(demo_store, no_charts):
    """Issue 17: the Excel pack had no SPC icons, and a frozen pack showed today's."""
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    (latest,) = cur.execute(
        "SELECT period FROM observation_current_detail WHERE indicator_code = 'SV03' "
        "ORDER BY period_start DESC LIMIT 1"
    ).fetchone()
    _load(cur, "SV03", latest, 50)  # revised after the meeting: far below the limits

    def spc_of(meeting_date):
        out = io.BytesIO()
        pack.build_pack(cur, "xlsx", out, meeting_date=meeting_date, today=TODAY)
        rows = _sheet(openpyxl.load_workbook(io.BytesIO(out.getvalue())), "Indicators")
        return {r["Code"]: r["Signal or noise (SPC)"] for r in rows}

    then, now = spc_of("2025-05-15"), spc_of(None)
    assert "⬇ Concern (lower)" in now["SV03"]
    assert "Concern" not in then["SV03"] and then["SV03"].startswith("SPC: ")
    assert "Limits out of date" in then["SV03"]  # its caveat travels too
    assert all(v and v.startswith("SPC: ") for v in now.values())


def test_a_meeting_pack_charts_the_figures_as_they_stood(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    _load(cur, "VV02", D.moved("2024/25 Q4"), 300)
    _load(cur, "VV02", D.moved("2025/26 Q1"), 310)
    then = pack.snapshot(cur, meeting_date="2025-05-15").history("VV02")
    now = pack.snapshot(cur).history("VV02")
    assert (then["period"].iloc[-1], then["value"].iloc[-1], then["status"].iloc[-1]) == (
        D.moved("2024/25 Q4"),
        405.0,
        "amber",
    )
    assert (now["period"].iloc[-1], now["value"].iloc[-1]) == (D.moved("2025/26 Q1"), 310.0)
    assert len(now) == len(then) + 1


def test_a_later_meeting_pack_lists_what_changed_since_the_meeting_before(demo_store, no_charts):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    _load(cur, "VV02", D.moved("2024/25 Q4"), 300)
    meetings.record_meeting(cur, "2025-07-10", by=acting("clerk"))
    snap = pack.snapshot(cur, meeting_date="2025-07-10")
    changed = snap.exceptions.changed.set_index("indicator_code")
    assert (changed.at["VV02", "was"], changed.at["VV02", "now"]) == ("amber", "red")
    assert "15 May 2025" in snap.since
    first = pack.snapshot(cur, meeting_date="2025-05-15")
    assert first.exceptions.changed.empty and "first board meeting" in first.since


# --- Refusals ----------------------------------------------------------------------------------


def test_an_unknown_meeting_date_format_or_paper_is_refused(demo_store):
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    with pytest.raises(pack.PackError, match=r"No board meeting on 1 June 2025.*15 May 2025"):
        pack.build_pack(cur, "pdf", io.BytesIO(), meeting_date="2025-06-01")
    with pytest.raises(pack.PackError, match="not a date"):
        pack.build_pack(cur, "xlsx", io.BytesIO(), meeting_date="June")
    with pytest.raises(pack.PackError, match="pdf, pptx or xlsx"):
        pack.build_pack(cur, "docx", io.BytesIO())
    with pytest.raises(pack.PackError, match="A4 or A3"):
        pack.build_pack(cur, "pdf", io.BytesIO(), paper="Letter")


def test_no_chromium_is_a_pack_error_naming_it_and_nothing_is_written(
    demo_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    out = tmp_path / "pack.pdf"
    with pytest.raises(pack.PackError, match="BROWSER_PATH.*Chromium"):
        pack.build_pack(demo_store.cursor(), "pptx", out)
    assert not out.exists()
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    monkeypatch.setattr(drawing.os, "access", lambda *a: False)
    with pytest.raises(pack.PackError, match="Chromium.*apt-get install chromium"):
        pack.find_chromium()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_browser_that_will_not_start_is_a_pack_error_not_a_hang(demo_store, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # a program, but not a browser
    # /bin/false never draws, so the deadline is what ends the wait: a short one asserts the
    # same (an error, not a hang) without idling half a minute on the suite's longest path.
    monkeypatch.setattr(drawing, "START_TIMEOUT", 5.0)
    with pytest.raises(pack.PackError, match="Chromium"):
        pack.build_pack(demo_store.cursor(), "pptx", io.BytesIO())
    assert drawing._server["users"] == 0


class FakeKaleido:
    """kaleido's sync server as drawing sees it: started, stopped, and whether it is running."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.stopped = 0
        self.running = False
        self._global_server = self

    def is_running(self) -> bool:
        return self.running

    def start_sync_server(self, path: str, **kwargs) -> None:
        self.started.append(path)
        self.running = True

    def stop_sync_server(self, **kwargs) -> None:
        self.stopped += 1
        self.running = False


@pytest.mark.parametrize("keep", [True, False], ids=["kept", "stopped"])
def test_the_chart_browser_is_kept_between_packs_only_when_asked(monkeypatch, keep):
    fake = FakeKaleido()
    monkeypatch.setitem(sys.modules, "kaleido", fake)
    monkeypatch.setattr(drawing, "_server", {"users": 0, "ours": False, "path": None})
    monkeypatch.setattr(drawing, "KEEP_BETWEEN_PACKS", keep)
    monkeypatch.setattr(drawing, "find_chromium", lambda: "/usr/bin/chromium")
    for _ in range(3):
        with drawing.Charts() as drawer:
            drawer._path = drawing._acquire_server()  # what the first chart does
    assert fake.started == ["/usr/bin/chromium"] * (1 if keep else 3)
    assert fake.running is keep and fake.stopped == (0 if keep else 3)
    # Asked for another browser, the kept one is stopped and the other started.
    monkeypatch.setattr(drawing, "find_chromium", lambda: "/opt/chrome")
    with drawing.Charts() as drawer:
        drawer._path = drawing._acquire_server()
    assert fake.started[-1] == "/opt/chrome" and fake.stopped == (1 if keep else 4)
    # A pack that failed never lends its browser again; stop_kept_browser ends the last one.
    with pytest.raises(RuntimeError), drawing.Charts() as drawer:
        drawer._path = drawing._acquire_server()
        raise RuntimeError("the pack failed")
    assert not fake.running
    with drawing.Charts() as drawer:
        drawer._path = drawing._acquire_server()
    assert fake.running is keep
    drawing.stop_kept_browser()
    assert not fake.running and drawing._server["users"] == 0


def test_a_blockage_with_no_detail_reads_as_such_not_as_nan(demo_store, no_charts):
    """A blockage marked on a return with nothing typed beside it printed "nan" in the
    workbook and on the slide."""
    cur = demo_store.cursor()
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    meetings.add_commentary(cur, "DA02", D.moved("2024/25 Q4"), by=acting("Lead"), blockage=True)
    out = io.BytesIO()
    pack.build_pack(cur, "xlsx", out, today=TODAY)
    blockage = next(
        r for r in _sheet(openpyxl.load_workbook(out), "Exceptions") if r["Exception"] == "Blockage"
    )
    assert blockage["Detail"].startswith("no detail given (Lead, ")
    out = io.BytesIO()
    pack.build_pack(cur, "pptx", out, today=TODAY)
    cells = [
        cell.text
        for slide in Presentation(io.BytesIO(out.getvalue())).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert any(c.startswith("no detail given (Lead, ") for c in cells)
    assert not any("nan" in c.split() for c in cells)


def test_the_pack_says_a_blockage_that_is_its_narrative_once():
    from outcomes.outputs.snapshot import _commentary_text

    note = {"narrative": "No beds.", "actions_taken": None, "blockage": True,
            "blockage_detail": "No beds.", "author": "Lead", "period": "2025-03"}  # fmt: skip
    assert _commentary_text(note) == "Blockage escalated to the board: No beds. (Lead, March 2025)"
    told = {**note, "narrative": "Calls up.", "blockage": False}
    assert _commentary_text(told) == "Calls up. (Lead, March 2025)"


# --- Words, not codes -------------------------------------------------------------------------

PERIOD_CODE = re.compile(r"\b\d{4}/\d{2} Q\d\b|\b(19|20)\d{2}-\d{2}\b")


def test_every_format_names_periods_in_words_not_codes(busy_store, no_charts):
    """Issue 17: "Due for 2026/27 Q2" in the PDF and PowerPoint, "2026-10" in the workbook."""
    from outcomes.rules import wording

    cur = busy_store.cursor()
    out = io.BytesIO()
    pack.build_pack(cur, "pdf", out, today=TODAY)
    text = " ".join(_text(out.getvalue()))
    assert not PERIOD_CODE.search(text), PERIOD_CODE.search(text)
    assert wording.period(D.latest_quarter.code) in text

    out = io.BytesIO()
    pack.build_pack(cur, "xlsx", out, today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    periods_shown = {r["Code"]: r["Period"] for r in _sheet(wb, "Indicators")}
    assert periods_shown["VV01"] == wording.period(D.latest_quarter.code)
    assert not any(PERIOD_CODE.search(str(p)) for p in periods_shown.values() if p)
    cells = [
        c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)
    ]
    assert not [c for c in cells if PERIOD_CODE.search(c)]

    out = io.BytesIO()
    pack.build_pack(cur, "pptx", out, today=TODAY)
    shown = [
        text
        for slide in Presentation(io.BytesIO(out.getvalue())).slides
        for sh in slide.shapes
        for text in (
            [sh.text_frame.text]
            if sh.has_text_frame
            else [c.text for row in sh.table.rows for c in row.cells]
            if sh.has_table
            else []
        )
    ]
    assert not [t for t in shown if PERIOD_CODE.search(t)]


def test_each_format_s_title_reads_as_a_sentence(demo_store, no_charts):
    """Issue 17: the files' titles read "board pack, As at 1 May 2025"."""
    cur = demo_store.cursor()
    now = "Safer Plymouth Partnership: board pack as at 1 May 2025"
    out = io.BytesIO()
    pack.build_pack(cur, "pdf", out, today=TODAY)
    assert PdfReader(io.BytesIO(out.getvalue())).metadata.title == now
    out = io.BytesIO()
    pack.build_pack(cur, "xlsx", out, today=TODAY)
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue())).properties.title == now
    meetings.record_meeting(cur, "2025-05-15", by=acting("clerk"))
    out = io.BytesIO()
    pack.build_pack(cur, "pptx", out, meeting_date="2025-05-15")
    assert Presentation(io.BytesIO(out.getvalue())).core_properties.title == (
        "Safer Plymouth Partnership: board pack for Board meeting, 15 May 2025"
    )


class DrawingKaleido(FakeKaleido):
    """The fake server that also draws: each picture it makes is new bytes, so a picture handed
    back without being drawn is told from one drawn again."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[dict] = []

    def calc_fig_sync(self, spec, opts) -> bytes:
        self.drawn.append(opts)
        return f"picture {len(self.drawn)} {opts['width']}".encode()


def test_a_chart_already_drawn_is_not_drawn_again_and_a_changed_one_is(monkeypatch):
    import plotly.graph_objects as go

    fake = DrawingKaleido()
    monkeypatch.setitem(sys.modules, "kaleido", fake)
    monkeypatch.setattr(drawing, "_server", {"users": 0, "ours": False, "path": None})
    monkeypatch.setattr(drawing, "KEEP_BETWEEN_PACKS", False)
    monkeypatch.setattr(drawing, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(drawing, "_drawn", type(drawing._drawn)())
    figure = go.Figure(go.Scatter(y=[4, 5, 6]))
    with drawing.Charts() as first:
        picture = first.png(figure, 600, 300)
        assert first.png(go.Figure(go.Scatter(y=[4, 5, 6])), 600, 300) == picture
    assert (first.count, first.drawn, fake.started) == (2, 1, ["/usr/bin/chromium"])
    # The next pack with the same figures starts no browser at all.
    with drawing.Charts() as again:
        assert again.png(figure, 600, 300) == picture
    assert (again.count, again.drawn, len(fake.started)) == (1, 0, 1)
    # A figure that changed, another size or another browser is drawn afresh.
    with drawing.Charts() as changed:
        assert changed.png(go.Figure(go.Scatter(y=[4, 5, 7])), 600, 300) != picture
        assert changed.png(figure, 601, 300) != picture
        assert changed.pdf(figure, 600, 300) != picture
    monkeypatch.setattr(drawing, "find_chromium", lambda: "/opt/chrome")
    with drawing.Charts() as elsewhere:
        assert elsewhere.png(figure, 600, 300) != picture
    assert (changed.drawn, elsewhere.drawn, len(fake.drawn)) == (3, 1, 5)
    # Over the ceiling, the least recently used picture goes first.
    monkeypatch.setattr(drawing, "CACHE_BYTES", 2 * len(picture))
    with drawing.Charts() as small:
        for width in (700, 800, 700, 900, 800, 700):
            small.png(figure, width, 300)  # 700 used again keeps it over 800, drawn earlier
    assert [opts["width"] for opts in fake.drawn[5:]] == [700, 800, 900, 800, 700]
    drawing.forget_drawn()
    with drawing.Charts() as forgotten:
        forgotten.png(figure, 700, 300)
    assert forgotten.drawn == 1
