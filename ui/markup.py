"""HTML from templates, and typed text made safe for Markdown.

Every page builds its HTML from ``ui/templates/*.html`` with autoescaping on, never by hand.
Typed text (framework wording, commentary, actions, names) is text: it must never become a
link, an image or Streamlit's own markup. Two ways keep it so:

* ``render`` fills a template for ``st.html``, which is not Markdown-processed.
* ``render(..., markdown=True)`` and ``plain`` are for what goes through ``st.markdown``,
  ``st.caption``, titles and labels, which Streamlit runs as Markdown: every typed value is
  HTML-escaped and its Markdown punctuation written as character references, so it shows as
  typed and builds nothing.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, Undefined
from markupsafe import Markup

from loaders import periods, values
from outcomes.rules import status, wording
from outcomes.workflows import agenda, blockages

TEMPLATES = Path(__file__).parent / "templates"

# Markdown punctuation (CommonMark, GFM tables and strikethrough, Streamlit's $maths$ and
# :colour[text]) as character references: decoded to the same character, but only after the
# Markdown has been parsed, so none of them can open a construct.
_PUNCTUATION = {c: f"&#{ord(c)};" for c in "\\`*_[]{}$~|#"}
_LINE_START = re.compile(r"^([ \t]*\d{0,9})([.)](?=[ \t]|$)|[-+=>])", re.MULTILINE)
# GFM turns a bare address into a live link even when its punctuation is written as a
# character reference, so an invisible word joiner goes inside the pattern instead: the
# address still reads as typed, but nothing recognises it as an address.
_JOIN = "\u2060"
_AUTOLINKS = (
    (re.compile(r"(?<=:)(?=//)"), _JOIN),  # http://host
    (re.compile(r"(?i)(?<=\bwww)(?=\.)"), _JOIN),  # www.host
    (re.compile(r"(?=@)"), _JOIN),  # name@host
    (re.compile(r"(?i)(?<=:)(?=material/)"), _JOIN),  # :material/icon: would draw an icon
)


def plain(text: Any, *, line_start: bool = True) -> str:
    """Typed text for anything Streamlit reads as Markdown: shown as typed, never markup.

    >>> plain("![x](http://evil.example/p.png)")
    '!&#91;x&#93;(http:\u2060//evil.example/p.png)'
    >>> plain(":red[x] costs $5 and $6 <b>")
    ':red&#91;x&#93; costs &#36;5 and &#36;6 &lt;b&gt;'
    >>> plain("- not a list"), plain("1. nor this"), plain("66.0% (2021/22 Q1)"), plain(None)
    ('&#45; not a list', '1&#46; nor this', '66.0% (2021/22 Q1)', '')
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    out = html.escape(str(text), quote=False)
    out = "".join(_PUNCTUATION.get(c, c) for c in out)
    if line_start:  # a list, quote or heading underline; text inside HTML starts no line
        out = _LINE_START.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", out)
    for pattern, replacement in _AUTOLINKS:
        out = pattern.sub(replacement, out)
    return out


def short(text: Any, limit: int = 110, first_sentence: bool = True) -> str:
    """The first sentence of a framework cell (or, with ``first_sentence=False``, as much of
    the text as fits), cut at a word if it is still long.

    >>> short("Reduce harm. Then more.")
    'Reduce harm.'
    >>> short("Reduce harm. Then more.", first_sentence=False)
    'Reduce harm. Then more.'
    >>> short("one two three four", limit=9)
    'one two…'
    >>> short(None)
    '–'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return "–"
    text = " ".join(str(text).split())
    end = text.find(". ") if first_sentence else -1
    if 0 < end < limit:
        return text[: end + 1]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


_missing = values.missing  # the one rule for a value that is not there


def _text(value: Any, default: str = "") -> Any:
    """A typed field for a template: missing (None, NaN, blank) becomes ``default``."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return default
    return value


class MarkdownHTML(Markup):
    """HTML from a template rendered for Markdown (``render(..., markdown=True)``): every value
    in it was escaped and defused for Markdown. The only HTML ``ui.md`` lets through.

    Whatever joins it (``+``, ``%``, ``.format``, ``.join``) is escaped the same way, not only
    for HTML as :class:`~markupsafe.Markup` would: typed text added to a badge stays text.

    >>> str(badge("green") + "[click](http://evil.example)").endswith("&#91;click&#93;(http:\u2060//evil.example)")
    True
    >>> MarkdownHTML("<p>{}</p>").format("**bold**")
    MarkdownHTML('<p>&#42;&#42;bold&#42;&#42;</p>')
    """

    @classmethod
    def escape(cls, s: Any, /) -> MarkdownHTML:
        return s if isinstance(s, MarkdownHTML) else cls(_for_markdown(s))


class HTMLOnly(Markup):
    """HTML from a template rendered for ``st.html`` (``render(...)``): its values are escaped
    for HTML but not defused for Markdown, so it is never HTML inside Markdown."""


def _for_markdown(value: Any) -> Any:
    # Every {{ value }} of a template headed for Markdown: escaped and defused, once. HTML
    # rendered for st.html (HTMLOnly) would carry typed **bold** or [links] into Markdown, so
    # it is shown as text; a macro's output or MarkdownHTML is already defused.
    if isinstance(value, Markup) and not isinstance(value, HTMLOnly):
        return value
    if isinstance(value, Undefined) or value is None:
        return Markup("")
    # One line: a blank line in typed text would end the HTML block it sits in. A double quote
    # as a reference too: a value may sit in an attribute (title="..."), which it would end
    # (the templates quote every attribute with ", tests/unit/test_markup.py).
    text = plain(" ".join(str(value).split()), line_start=False)
    return Markup(text.replace('"', "&#34;"))


@cache
def _environment(markdown: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_for_markdown if markdown else None,
    )
    env.filters.update(
        day=periods.long_date,
        moment=periods.long_datetime,
        period=wording.period,
        period_aside=wording.period_aside,
        period_short=wording.period_short,
        text=_text,
        badge_text=status.badge_text,
        direction=status.direction_text,
        figure=lambda v, unit="count", decimals=0: wording.format_value(
            v, unit, int(decimals or 0)
        ),
    )
    env.globals.update(
        badge=badge,
        style=status.style,
        STATUSES=status.STATUSES,
        records=records,
        short=short,
        change_words=agenda.change_words,
        plural=wording.plural,
        story_of=blockages.story,
        blockage_text=blockages.blockage_text,
    )
    env.tests["missing"] = _missing
    return env


STATIC = Path(__file__).resolve().parent / "static"


@cache
def _static(name: str) -> Markup:
    """A stylesheet or script of ``ui/static``: the product's own file, never typed text.

    Streamlit's sanitiser (DOMPurify) silently drops a script or style whose text holds "<"
    then a letter, "/" or "!", so these files never do (tests/unit/test_markup.py)."""
    return Markup((STATIC / name).read_text(encoding="utf-8"))


def stylesheet(*names: str) -> Markup:
    """The ``ui/static`` stylesheets ``names``, as one <style> element a page can load."""
    return render("static_style.html", sheets=[_static(n) for n in names])


def script(name: str, **globals: Any) -> Markup:
    """The ``ui/static`` script ``name``, after setting the window globals it reads (JSON)."""
    return render("static_script.html", code=_static(name), globals=globals)


def render(name: str, *, markdown: bool = False, **context: Any) -> Markup:
    """Fill ``ui/templates/<name>``; ``markdown=True`` when it goes through ``st.markdown``."""
    out = _environment(markdown).get_template(name).render(**context)
    if markdown:
        # No blank or indented lines: Markdown would end the HTML there, or start code.
        out = "\n".join(line.strip() for line in out.splitlines() if line.strip())
        return MarkdownHTML(out)
    return HTMLOnly(out)


def records(frame: pd.DataFrame, limit: int | None = None) -> list[dict[str, Any]]:
    """A table's rows for a template, the first ``limit`` of them."""
    return frame.head(limit).to_dict("records") if limit is not None else frame.to_dict("records")


def badge(state: str, big: bool = False) -> Markup:
    """A status as HTML: symbol and word on the status colour (never colour alone)."""
    return render("badge.html", markdown=True, state=state, big=big)
