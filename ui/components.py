"""Status badges, the page style, and small pieces the pages share.

HTML comes from the templates in ``ui/templates`` (see ``ui.markup``), never from strings
built here: framework wording and commentary are typed by people.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st
from markupsafe import Markup

from outcomes.errors import Refused
from outcomes.rules import status, wording
from outcomes.rules.status import STATUSES
from ui import markup, problems
from ui.markup import MarkdownHTML, badge, plain, render

__all__ = [
    "badge",
    "choose",
    "counts_html",
    "facts_and_link",
    "inject_css",
    "md",
    "pack_download",
    "period_label",
    "plain",
    "status_key",
]


def inject_css() -> None:
    st.html(markup.stylesheet("dashboard.css"))


def counts_html(row: dict[str, Any]) -> Markup:
    """A priority's indicators counted by status (its ``n_green``... columns), as HTML."""
    return render("counts.html", markdown=True, row=row)


def period_label(code: str | None) -> str:
    return wording.period(code)


def choose(label: str, options: list[str], param: str, format_func, page: str) -> str:
    """A selectbox that follows and sets ``?param=value`` so every screen has its own URL.

    Not ``bind="query-params"``: that writes the displayed label into the URL, and a board
    member's bookmark should read ``?priority=street-violence``, not a sentence. Choosing
    another item changes the URL, which Streamlit records as a new history entry, so Back
    returns to the previous item. A link to an item that does not exist says so and lists
    the ones that do (``page`` is the page they open on).
    """
    wanted = st.query_params.get(param)
    if not options:
        st.info(f"There is no {label.lower()} yet: add them to the framework file.")
        st.stop()
    if wanted is not None and wanted not in options:
        _not_found(label, wanted, options, param, format_func, page)
    current = options[0] if wanted is None else wanted
    # Keyed on the item in the URL, and the URL changed by the callback before the page runs:
    # the run after a choice, and a run after Back, each build a fresh selectbox showing the
    # URL's item, so no selectbox holds on to an earlier choice and undoes Back.
    key = f"choose_{param}_{current}"
    st.selectbox(
        label,
        options,
        index=options.index(current),
        format_func=format_func,
        key=key,
        on_change=_follow,
        args=(param, key),
    )
    return current


def _follow(param: str, key: str) -> None:
    st.query_params[param] = st.session_state[key]


def _not_found(label: str, wanted: str, options: list[str], param: str, format_func, page: str):
    st.title(f"There is no {label.lower()} '{plain(wanted)}'")
    st.markdown("The link may be old or mistyped. Open one of these instead:")
    for option in options:
        st.page_link(page, label=plain(format_func(option)), query_params={param: option})
    st.stop()


def facts_and_link(
    facts: list[tuple[str, Any]], link: tuple[str, str, str], params: dict[str, str]
) -> None:
    """A few labelled facts, one a line, then a link (page, label, icon) to more."""
    st.markdown("  \n".join(f"**{label}:** {plain(value)}" for label, value in facts))
    page, label, icon = link
    st.page_link(page, label=label, icon=icon, query_params=params)


def status_key() -> None:
    """What each status means, in one line under a page."""
    st.caption(" ".join(f"{status.badge_text(s)}: {status.style(s).meaning}." for s in STATUSES))


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
            except Refused as err:  # e.g. Chromium missing for the charts
                problems.refused(err)
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


def file_facts(name: str, prepared: Any, kind: str | None = None) -> bool:
    """What a checked file holds, under its (inert) name; True when this exact file was
    loaded before, which is said, since loading it again changes nothing."""
    shown = f" ({kind})" if kind else ""
    st.markdown(f"**{plain(name)}**{shown} · {plain(prepared.facts)}")
    if prepared.already_loaded is None:
        return False
    st.info(
        f"This exact file was already loaded as upload {prepared.already_loaded}. "
        "Loading it again changes nothing."
    )
    return True


def cards(headings: list[str], rows: list[list[Any]]) -> None:
    """A table as cards (cards.html): one card a row on a phone, a wrapping table on a screen,
    where a grid would hide its last columns at 1280 px or scroll sideways."""
    md(render("cards.html", markdown=True, headings=headings, rows=rows))


def md(html: Markup) -> None:
    """HTML from a template rendered with ``markdown=True``: the one place the pages let HTML
    through. Only :class:`~markupsafe.Markup` from :func:`ui.markup.render` (or a helper built on
    it) is taken, where every ``{{ value }}`` was escaped and defused for Markdown on the way in;
    a plain string, which could carry text someone typed, is refused rather than shown."""
    if not isinstance(html, MarkdownHTML):
        raise TypeError(
            "ui.md takes HTML from ui.markup.render(..., markdown=True), not a plain string"
        )
    st.markdown(html, unsafe_allow_html=True)


def plan_columns(priority: dict[str, Any]) -> None:
    """The priority's plan as the board's papers set it out, four columns in a box: the aim,
    the outputs, the outcomes and how success is measured (the board's page and the public
    one show the same four)."""
    headings = (
        ("WE WILL (aim)", priority["aim"]),
        ("SO THAT… (outputs)", priority["outputs"]),
        ("AND ULTIMATELY… (outcomes)", priority["outcomes"]),
        ("WITH SUCCESS MEASURED BY… (indicators)", priority["success_measures"]),
    )
    with st.container(border=True):
        for col, (heading, text) in zip(st.columns(4), headings, strict=True):
            col.html(render("fourcol.html", heading=heading, text=text))


def status_facts(
    latest: str, period: Any, target: str, direction: str, reason: str, *, why: str = "this"
) -> None:
    """Beside an indicator's badge: its latest figure and when, its target and better
    direction, and why it has the status it has (``why``: "the computed" where the board
    overrode it). The figures come formatted; the reason is shown as written."""
    st.markdown(
        f"**Latest:** {latest} ({wording.period_aside(period)})  \n"
        f"**Target:** {target} · **Direction:** {status.direction_text(direction)}  \n"
        f"**Why {why} status:** {plain(reason)}"
    )


def attempt(write: Callable[[], str], said: str) -> None:
    """A write a form asked for: refused, the refusal is shown here; done, what it said is kept
    under ``said`` for the next run to show (:func:`done`) and the page runs again, so the form
    is drawn afresh and the write cannot be sent twice."""
    try:
        st.session_state[said] = write()
    except Refused as err:
        problems.refused(err)
    else:
        st.rerun()


def done(message: str, **options) -> None:
    """What a write did, in its green box, shown as typed: the sentence names things people
    typed (a person's name, a file's name, an action's reference), which must never become a
    link or markup; its line breaks are kept."""
    st.success(plain(message).replace("\n", "  \n"), **options)
