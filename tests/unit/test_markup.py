"""The pages' HTML helper: templates autoescape, typed text is defused for Markdown, and the
agenda template copes with every optional field missing (None, NaN or NaT)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from outcomes.queries import board
from outcomes.workflows import agenda
from ui import markup, present

NAN = math.nan


@pytest.mark.parametrize(
    ("typed", "gone"),
    [
        ("![x](http://evil.example/p.png)", ["![", "](", "http://"]),
        ("[click](http://evil.example)", ["[click]", "http://"]),
        ("<img src=x onerror=alert(1)>", ["<img"]),
        (":red[x] and :material/home:", [":red[", ":material/"]),
        ("costs $x$ and `code` and *bold* and ~~gone~~", ["$x$", "`", "*bold*", "~~"]),
        ("see www.evil.example or me@evil.example", ["www.evil", "me@evil"]),
        ("# heading\n- item\n1. first\n> quote", ["# heading", "\n- ", "\n1. ", "\n> "]),
    ],
)
def test_plain_leaves_no_markdown_to_build(typed, gone):
    out = markup.plain(typed)
    for construct in gone:
        assert construct not in out, (typed, out)


def test_plain_keeps_ordinary_words_and_figures_as_they_are():
    for text in ("Safety in people's homes", "66.0% (2021/22 Q1)", "Lead: Chief Inspector"):
        assert markup.plain(text) == text


def test_templates_escape_typed_text_both_ways():
    evil = "<script>alert(1)</script> ![x](http://evil.example/p.png)"
    html = markup.render("fourcol.html", heading="WE WILL", text=evil)
    assert "<script>" not in html and "&lt;script&gt;" in html
    for_markdown = markup.render("fourcol.html", markdown=True, heading="WE WILL", text=evil)
    assert "<script>" not in for_markdown and "![" not in for_markdown
    assert 'class="fourcol"' in for_markdown  # the template's own markup is kept


def test_typed_text_in_an_attribute_of_markdown_html_stays_inside_it():
    """A template's value may sit in an attribute (title="..."): a typed quote must not end
    it and add attributes of its own, on the Markdown path as on st.html's."""
    from html.parser import HTMLParser

    typed = 'Knife crime " onmouseover="alert(1)" x="'
    found: list[list[tuple[str, str | None]]] = []

    class Spans(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "span":
                found.append(attrs)

    for markdown in (True, False):
        found.clear()
        Spans().feed(str(markup.render("present_bar.html", markdown=markdown, context=typed)))
        assert [name for name, _ in found[0]] == ["class", "title"], found
        assert "alert(1)" in found[0][1][1]  # the typed text, all of it, inside the title


def test_every_attribute_holding_a_value_is_double_quoted():
    """Values are defused for an attribute in double quotes; one in single quotes, or none,
    would be ended by a typed apostrophe or space."""
    import re

    tag = re.compile(r"<[a-zA-Z][^<>]*>")
    unquoted = re.compile(r"""\s[\w:-]+\s*=\s*(?:'[^']*|(?!["'])[^\s>]*)\{\{""")
    for template in sorted(markup.TEMPLATES.glob("*.html")):
        for found in tag.finditer(template.read_text(encoding="utf-8")):
            assert not unquoted.search(found.group(0)), (template.name, found.group(0))


def _agenda_with_nothing_filled_in() -> agenda.Exceptions:
    def frame(columns, **values):
        return pd.DataFrame([{c: values.get(c, NAN) for c in columns}], columns=columns)

    return agenda.Exceptions(
        meeting={"id": 1, "meeting_date": pd.Timestamp("2025-05-15"), "title": NAN},
        changed=frame(
            agenda.CHANGED_COLUMNS,
            indicator_code="VV01",
            name="Victims",
            priority_id=NAN,
            was="green",
            now="red",
            direction="worse",
        ),
        new_data=frame(agenda.NEW_DATA_COLUMNS, indicator_code="VV01", name="Victims"),
        overdue_returns=frame(
            ["indicator_code", "name", "priority_id", "latest_period", "due_period"]
            + ["accountable_role"],
            indicator_code="MS02",
            name="Referrals",
            due_period="2024/25 Q4",
        ),
        blockages=frame(
            agenda.BLOCKAGE_COLUMNS, indicator_code="VV01", name="Victims", created_at=pd.NaT
        ),
        overdue_actions=frame(agenda.OVERDUE_ACTION_COLUMNS, reference="A1", due_date=pd.NaT),
    )


@pytest.mark.parametrize("view", ["brief", "full", "screen"])
def test_the_agenda_template_copes_with_every_optional_field_missing(view):
    ex = _agenda_with_nothing_filled_in()
    if view == "screen":  # as presentation mode draws its four boxes
        html = present.since_html(ex)
    else:
        html = markup.render(
            "agenda.html",
            markdown=True,
            ex=ex,
            view=view,
            limit={"changed": 4, "other": 2},
            titles={},
            units={},
        )
    assert "VV01" in html and "nan" not in html.lower() and "NaT" not in html
    if view != "screen":
        assert "no detail given" in html


def test_the_chart_order_is_worst_first_then_outcome_measures_then_the_plan():
    rows = [
        {"code": "A", "effective_status": "green", "level": "outcome", "sort_order": 1, "period": "p"},
        {"code": "B", "effective_status": "red", "level": "output", "sort_order": 2, "period": "p"},
        {"code": "C", "effective_status": "red", "level": "outcome", "sort_order": 3, "period": "p"},
        {"code": "D", "effective_status": "red", "level": "outcome", "sort_order": 0, "period": None},
    ]  # fmt: skip
    assert [r["code"] for r in board.chart_order(rows)] == ["C", "B", "A"]


def test_short_keeps_the_first_sentence_and_copes_with_nothing():
    assert markup.short("Reduce harm. Then more.") == "Reduce harm."
    assert markup.short("one two three four", limit=9) == "one two…"
    assert markup.short(None) == "–" and markup.short(NAN) == "–"


def test_the_one_place_html_reaches_the_page_takes_only_rendered_templates():
    """ui.md is the only st.markdown(unsafe_allow_html=True): a plain string, which could carry
    typed text, is refused; a template's typed text arrives escaped and defused."""
    from ui import components

    typed = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) =SUM(A1)"
    with pytest.raises(TypeError, match="not a plain string"):
        components.md(typed)
    html = markup.render("cards.html", markdown=True, headings=["Note"], rows=[[typed]])
    assert "<img" not in html and "](javascript" not in html and "**bold**" not in html


def test_html_not_rendered_for_markdown_never_reaches_markdown_as_html():
    """HTML is escaped for HTML alone unless rendered for Markdown: typed **bold** or a
    [link](...) in it would still be Markdown. ui.md refuses it, and a Markdown template that is
    handed it shows it as text rather than letting it through."""
    from markupsafe import Markup

    from ui import components

    typed = "**bold** [link](javascript:alert(1))"
    for_html = markup.render("cards.html", headings=["Note"], rows=[[typed]])
    with pytest.raises(TypeError):
        components.md(for_html)
    with pytest.raises(TypeError):
        components.md(Markup(f"<b>{typed}</b>"))
    nested = markup.render("cards.html", markdown=True, headings=["Note"], rows=[[for_html]])
    assert "**bold**" not in nested and "](javascript" not in nested
    assert nested.count("<table") == 1 and "&lt;table" in nested  # the inner one is text
    # The product's own badges and counts are rendered for Markdown, so they pass through whole.
    assert isinstance(markup.badge("red"), markup.MarkdownHTML)
    counts = components.counts_html({"n_green": 3, "n_amber": 0, "n_red": 0, "n_not_rated": 0})
    assert isinstance(counts, markup.MarkdownHTML) and "3" in counts


def test_the_static_styles_and_scripts_survive_streamlits_sanitiser():
    """DOMPurify drops a script or style whose text holds "<" then a letter, "/" or "!" (its
    guard against mutation XSS), so the links listener silently stopped running when a comment
    in it named a tag. Every file in ui/static is loaded whole, comments too."""
    import re

    from ui import markup

    files = sorted([*markup.STATIC.glob("*.css"), *markup.STATIC.glob("*.js")])
    assert {f.name for f in files} >= {"dashboard.css", "in_app_links.js", "present_keys.js"}
    for f in files:
        assert not re.search(r"<[/\w!]", f.read_text(encoding="utf-8")), f.name
    shown = markup.script("in_app_links.js", __outcomesPages=["", "priority"])
    assert shown.startswith('<script>window.__outcomesPages = ["", "priority"];')
    assert markup.stylesheet("spc_icons.css").startswith("<style>/* The SPC icons")


@pytest.mark.parametrize(
    "join",
    [
        lambda html, typed: html + typed,
        lambda html, typed: typed + html,
        lambda html, typed: markup.MarkdownHTML("<p>%s</p>") % typed,
        lambda html, typed: markup.MarkdownHTML("<p>{}</p>").format(typed),
        lambda html, typed: markup.MarkdownHTML(" ").join([html, typed]),
    ],
)
def test_typed_text_joined_to_markdown_html_stays_text(join):
    """HTML rendered for ui.md, joined with typed text by any of Markup's operators, is still
    HTML ui.md takes, so the typed part is defused for Markdown as a template would."""
    joined = join(markup.badge("green"), "[click](http://evil.example) **bold** <img src=x>")
    assert isinstance(joined, markup.MarkdownHTML)
    for construct in ("[click]", "http://", "**bold**", "<img"):
        assert construct not in joined, joined
