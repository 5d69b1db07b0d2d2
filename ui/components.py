"""Status badges, the page style, and small pieces the pages share.

HTML comes from the templates in ``ui/templates`` (see ``ui.markup``), never from strings
built here: framework wording and commentary are typed by people.
"""

from __future__ import annotations

from datetime import date
from html import escape  # for pages/upload.py, which still builds its own HTML
from typing import Any

import streamlit as st

from loaders import periods
from ui.markup import badge, plain, render

__all__ = [
    "badge",
    "choose",
    "counts_html",
    "escape",
    "inject_css",
    "md",
    "pack_download",
    "period_label",
    "plain",
]

CSS = """
<style>
  .block-container { padding-top: 2.2rem; max-width: 1400px; }
  .badge { display: inline-block; padding: 0.12em 0.6em; border-radius: 0.4em; font-weight: 700;
           white-space: nowrap; border: 2px solid #1F2328; line-height: 1.5; }
  .badge.big { font-size: 1.25rem; padding: 0.2em 0.75em; }
  .badge.notrated { border-style: dashed; }
  .muted { color: #4B5563; }
  .vision { border-left: 6px solid #004488; background: #F2F4F7; padding: 0.8rem 1.1rem;
            font-size: 1.15rem; border-radius: 0.3rem; margin-bottom: 0.6rem; }
  .partners span { display: inline-block; border: 1px solid #9CA3AF; border-radius: 1rem;
                   padding: 0.05rem 0.7rem; margin: 0.15rem 0.25rem 0.15rem 0; background: #FFFFFF; }
  .counts { font-size: 1rem; }
  .counts span { margin-right: 0.8rem; white-space: nowrap; }
  .fourcol h2, .fourcol h3, .fourcol h4 { font-size: 1.05rem; letter-spacing: 0.04em; color: #004488; margin: 0 0 0.3rem 0; }
  .fourcol h2, .fourcol h3 { padding: 0; font-weight: 700; line-height: 1.4; }  /* undo Streamlit's h3 spacing */
  .fourcol p { font-size: 1.08rem; margin: 0; }
  table.ind { width: 100%; border-collapse: collapse; font-size: 1rem; }
  table.ind th { text-align: left; border-bottom: 2px solid #1F2328; padding: 0.4rem; }
  table.ind td { border-bottom: 1px solid #D1D5DB; padding: 0.45rem 0.4rem; vertical-align: top; }
  .scroll { overflow-x: auto; }
  .tiles { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.4rem 0; }
  .tile { flex: 1 1 10rem; border: 1px solid #D1D5DB; border-radius: 0.5rem; padding: 0.4rem 0.6rem;
          text-align: center; }
  .tile .n { font-size: 2rem; font-weight: 800; display: block; }
  /* Streamlit's Plotly theme draws axis labels in #808495: 3.7:1 on white, under WCAG AA's 4.5:1
     (axe cannot measure SVG text, so tests/browser/test_accessibility.py checks this itself).
     !important beats Plotly's inline fill; #374151 is 10.3:1 on white. */
  .js-plotly-plot .xtick text, .js-plotly-plot .ytick text,
  .js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text { fill: #374151 !important; }
</style>
"""


def inject_css() -> None:
    st.html(CSS)


def counts_html(row: dict[str, Any]) -> str:
    """A priority's indicators counted by status (its ``n_green``... columns), as HTML."""
    return render("counts.html", row=row)


def period_label(code: str | None) -> str:
    if not code:
        return "no figures yet"
    return periods.parse_code(code).label


def choose(label: str, options: list[str], param: str, format_func) -> str:
    """A selectbox that follows and sets ``?param=value`` so every screen has its own URL.

    Not ``bind="query-params"``: that writes the displayed label into the URL, and a board
    member's bookmark should read ``?priority=street-violence``, not a sentence.
    """
    wanted = st.query_params.get(param)
    index = options.index(wanted) if wanted in options else 0
    # No key: the index is part of the widget's identity, so a link to another item
    # builds a fresh selectbox showing it.
    chosen = st.selectbox(label, options, index=index, format_func=format_func)
    if st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen


PACK_KINDS = {"pdf": "PDF (A4)", "pptx": "PowerPoint", "xlsx": "Excel"}
PACK_MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def pack_download(key: str, noun: str, build, *, day: str | None = None) -> None:
    """Choose a format, prepare the pack (``build(kind)`` gives its bytes), then download it.

    ``key`` keeps two packs' widgets apart (the board pack and the public summary); ``day``
    names the pack a recorded meeting's (its file is dated that day), so a pack prepared for
    one meeting is never offered for another."""
    kind = st.radio("Format", list(PACK_KINDS), format_func=PACK_KINDS.get, key=f"{key}_format")
    asked = (kind, day)
    if st.button(f"Prepare the {noun}", key=f"{key}_prepare"):
        with st.spinner("Drawing the charts and laying out the pack…"):
            try:
                st.session_state[f"{key}_ready"] = (asked, build(kind))
            except ValueError as err:  # PackError: e.g. Chromium missing for the charts
                st.error(str(err))
    ready = st.session_state.get(f"{key}_ready")
    if ready and ready[0] == asked:
        st.download_button(
            f"Download the {PACK_KINDS[kind]} {noun}",
            ready[1],
            file_name=f"{noun.replace(' ', '-')}-{day or date.today().isoformat()}.{kind}",
            mime=PACK_MIME[kind],
            icon=":material/download:",
            key=f"{key}_download",
        )


def md(text: str) -> None:
    """HTML from a template rendered with ``markdown=True`` (typed text inside defused)."""
    st.markdown(text, unsafe_allow_html=True)
