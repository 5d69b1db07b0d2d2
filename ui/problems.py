"""The one way a page shows problems: each as a sentence, then all of them as a table.

Used by the upload page (a return's or public file's problems) and the meetings page (the
actions import). Every problem is a :class:`loaders.problems.Problem`; its place comes from its
fields, never from its message, and typed text goes through ``plain`` before Streamlit reads it
as Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from loaders.problems import Problem, worded
from outcomes.rules.wording import plural
from ui.markup import plain


def where(p: Problem) -> str:
    """The place within the file, as a lead would look for it (the file is named above)."""
    parts = (
        p.sheet and f"sheet {p.sheet}",
        p.row and f"row {p.row}",
        p.column and f"column {p.column}",
    )
    return ", ".join(x for x in parts if x) or "the file"


def named(p: Problem) -> str:
    """The place of a problem in a return typed in the browser: its indicator and field
    ("SV01 Q2 2026/27 (Jul–Sep 2026), figure"; outcomes.workflows.typed_returns puts it in ``column``)."""
    return p.column or "the return"


def table(problems: list[Problem], place: Callable[[Problem], str] = where) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Where": place(p), "Value": p.value or "", "What to do": p.message} for p in problems]
    )


def refused(err: BaseException | str, kind: str = "error", **options) -> None:
    """A refusal as a person reads it: its sentence exactly as the catalogue and the facts say
    it. A refusal may quote a file's name, a typed value or an address, which must never become
    a link or markup, so the whole message goes through ``plain``; its line breaks are kept.
    ``kind`` is the box: "error" (refused), "warning" (nothing to show yet)."""
    box = {"error": st.error, "warning": st.warning}[kind]
    box(plain(str(err)).replace("\n", "  \n"), **options)


def show(problems: list[Problem], shown: int = 25, place: Callable[[Problem], str] = where) -> None:
    """Each problem as a sentence (readable at any width), then all of them as a table;
    ``place`` says where each is (:func:`where` in a file, :func:`named` in a typed return)."""
    lines = [
        f"- **{plain(place(p))}**"
        # The value in brackets only where the sentence does not quote it already.
        + (f" ({plain(p.value)})" if p.value and p.value not in p.message else "")
        + f": {plain(p.message)}"
        for p in problems[:shown]
    ]
    if len(problems) > shown:
        lines.append(f"- … and {len(problems) - shown:,} more, in the table below.")
    st.markdown("\n".join(lines))
    title = (
        "As a table, to copy"
        if len(problems) == 1
        else f"All {len(problems):,} as a table, to sort or copy"
    )
    with st.expander(title):
        st.dataframe(table(problems, place), hide_index=True, width="stretch")


def notes(problems: list[Problem], title: str, place: Callable[[Problem], str] = where) -> None:
    """Notes that need nothing doing, folded away as a table."""
    with st.expander(title):
        st.dataframe(table(problems, place), hide_index=True, width="stretch")


def report(found: list[Problem], *, rows: bool = False) -> bool:
    """A file's problems as a preview shows them, all at once: the errors (nothing is written),
    the warnings to check, the notes folded away; each group under its catalogue sentence.
    ``rows``: the file is public data, whose warnings are about rows, not a return's figures.
    True when the file has errors, so cannot be loaded."""
    errors, warnings, infos = (
        [p for p in found if p.severity == severity] for severity in ("error", "warning", "info")
    )
    if errors:
        st.error(worded("upload-has-errors", errors=plural(len(errors), "problem")))
        show(errors)
    if warnings:
        st.warning(
            worded(
                "upload-has-warnings",
                "rows" if rows else None,
                warnings=plural(len(warnings), "warning"),
            )
        )
        show(warnings)
    if infos:
        notes(
            infos,
            worded(
                "upload-has-notes", "skipped" if rows else None, notes=plural(len(infos), "note")
            ),
        )
    return bool(errors)


def refused_file(found: list[Problem], file_name: str) -> None:
    """A file refused whole (a framework that breaks its rules): how many problems, in which
    file, that nothing changed, then each of them."""
    errors = plural(len(found), "problem")
    st.error(worded("framework-invalid", "summary", errors=errors, source=plain(file_name)))
    show(found)
