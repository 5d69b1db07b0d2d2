"""What committing would change, found by writing in a transaction and rolling it back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from loaders import periods
from outcomes.queries.observations import OBSERVATIONS, SERIES, UploadResult, UploadWriter
from outcomes.rules import wording
from outcomes.storage.people import Person
from outcomes.storage.store import registered, rehearsal
from outcomes.workflows import blockages
from outcomes.workflows.uploads.prepared import Prepared
from outcomes.workflows.uploads.public_data import derived_figures


@dataclass
class Preview:
    rows: pd.DataFrame  # what, period, area, change, old_value, value
    statuses: pd.DataFrame  # indicator_code, name, before, after
    counts: dict[str, int]
    fingerprint: str = ""  # of exactly these changes; commit refuses if they are no longer so
    # Each commentary the return carries that the board has not read yet, as it will read it
    # (see ``as_the_board_reads``): indicator_code, name, period, story, blockage.
    commentary: list[dict] = field(default_factory=list)


def fingerprint(rows: pd.DataFrame) -> str:
    """What a preview showed, as one hash: the same changes to the same figures."""
    if rows.empty:
        return hashlib.sha256(b"").hexdigest()
    shown = rows[["what", "period", "area", "change", "old_value", "value"]]
    shown = shown.sort_values(["what", "period", "area"]).reset_index(drop=True)
    return hashlib.sha256(shown.to_json(orient="values").encode("utf-8")).hexdigest()


def write(
    cur,
    prepared: Prepared,
    by: Person,
    progress: Callable[[float, str], None] | None,
    rehearsal: bool = False,
) -> tuple[UploadResult, pd.DataFrame]:
    """Write everything in the caller's transaction; returns the result and the classified rows."""
    tell = progress or (lambda _f, _m: None)
    writer = UploadWriter(
        cur,
        by=by,
        file_name=prepared.file_name,
        source_format=prepared.source_format,
        sha256=prepared.sha256,
        rehearsal=rehearsal,
    )
    from outcomes.queries.observations import classify

    classified = []
    if prepared.series is not None and not prepared.series.empty:
        tell(0.2, "Recording the series")
        with registered(cur, "_series_meta", prepared.series_meta):
            cur.execute(
                "INSERT INTO series (code, name, source, unit) SELECT code, name, source, unit FROM _series_meta m "
                "WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.code = m.code)"
            )
        if prepared.public_areas is not None and not prepared.public_areas.empty:
            with registered(cur, "_public_areas", prepared.public_areas):
                cur.execute(
                    "INSERT INTO public_area (code, name, kind, within) "
                    "SELECT code, name, kind, within FROM _public_areas m "
                    "WHERE NOT EXISTS (SELECT 1 FROM public_area a WHERE a.code = m.code)"
                )
        part = classify(cur, prepared.series, SERIES)
        classified.append(part.rename(columns={"series_code": "what"}))
        writer.add(prepared.series, SERIES, classified=part)
        tell(0.6, "Recomputing indicators defined from the series")
        derived = derived_figures(cur)
        if not derived.empty:
            part = classify(cur, derived, OBSERVATIONS)
            changed = (part["change"] != "unchanged").to_numpy()
            classified.append(part[changed].rename(columns={"indicator_code": "what"}))
            # Only what the new series changed counts towards this upload (a left merge keeps
            # the rows in order, so the mask lines up with ``derived``).
            writer.add(derived[changed], OBSERVATIONS, classified=part[changed])
    if not prepared.observations.empty:
        tell(0.5, "Recording the figures")
        figures = prepared.observations[["indicator_code", "period", "area", "value", "note"]]
        part = classify(cur, figures, OBSERVATIONS)
        classified.append(part.rename(columns={"indicator_code": "what"}))
        writer.add(figures, OBSERVATIONS, classified=part)
    notes = _new_commentary(cur, prepared.commentary)
    if not notes.empty:
        # Commentary belongs to an upload too, so undoing the upload withdraws it.
        notes = notes.assign(author=by.signature, upload_id=writer.ensure_upload())
        with registered(cur, "_commentary", notes):
            cur.execute(
                # A row marked Y carries its commentary as what is blocked: the template asks
                # the lead to explain the blockage there.
                "INSERT INTO commentary (indicator_code, period, narrative, blockage, blockage_detail, "
                "author, upload_id) SELECT indicator_code, period, narrative, blockage, "
                "CASE WHEN blockage THEN narrative END, author, upload_id FROM _commentary"
            )
    result = writer.finish()
    tell(1.0, "Done")
    rows = (
        pd.concat(classified, ignore_index=True)
        if classified
        else pd.DataFrame(columns=["what", "period", "area", "change", "old_value", "value"])
    )
    return result, rows


def _new_commentary(cur, notes: pd.DataFrame) -> pd.DataFrame:
    """The return's commentary less what already stands as the latest word on each period."""
    if notes.empty:
        return notes
    with registered(cur, "_notes", notes):
        return cur.execute(
            """
            SELECT n.* FROM _notes n
            LEFT JOIN (
                SELECT indicator_code, period, narrative, blockage FROM current_commentary
            ) c ON c.indicator_code = n.indicator_code AND c.period = n.period
            WHERE c.indicator_code IS NULL
               OR coalesce(c.narrative, '') <> coalesce(n.narrative, '')
               OR c.blockage <> n.blockage
            """
        ).df()


def as_the_board_reads(cur: duckdb.DuckDBPyConnection, notes: pd.DataFrame) -> list[dict]:
    """Commentary (``indicator_code``, ``period``, ``narrative``, ``blockage`` and, once
    written, ``blockage_detail``) as the board will read it: the story behind the curve and
    the blockage escalated to it, a blockage that is its narrative's own text said once."""
    if notes.empty:
        return []
    names = dict(cur.execute("SELECT code, name FROM indicator").fetchall())
    out = []
    for note in notes.to_dict("records"):
        if "blockage_detail" not in note:  # as written: a row marked Y blocks on its text
            note["blockage_detail"] = note["narrative"] if note["blockage"] else None
        out.append(
            {
                "indicator_code": note["indicator_code"],
                "name": names.get(note["indicator_code"], ""),
                "period": note["period"],
                "story": blockages.story(note),
                "blockage": blockages.blockage_text(note),
            }
        )
    return out


def upload_commentary(cur: duckdb.DuckDBPyConnection, upload_id: int | None) -> list[dict]:
    """The commentary an upload brought, as the board reads it (for the confirmation)."""
    if upload_id is None:
        return []
    notes = cur.execute(
        "SELECT indicator_code, period, narrative, blockage, blockage_detail FROM commentary "
        "WHERE upload_id = ? ORDER BY indicator_code, period",
        [upload_id],
    ).df()
    return as_the_board_reads(cur, notes)


def commentary_lines(told: list[dict]) -> list[str]:
    """Each commentary in a line of plain text, for the command line.

    >>> commentary_lines([{"indicator_code": "SV01", "name": "Violence", "period": "2025-03",
    ...                    "story": None, "blockage": "No beds."}])
    ['SV01 Violence, March 2025: ⚑ blockage escalated to the board: No beds.']
    """
    lines = []
    for t in told:
        parts = []
        if t["story"]:
            parts.append(f"the story behind the curve: {t['story']}")
        if t["blockage"]:
            parts.append(f"⚑ blockage escalated to the board: {t['blockage']}")
        head = f"{t['indicator_code']} {t['name']}, {wording.period(t['period'])}"
        lines.append(f"{head}: {'; '.join(parts)}")
    return lines


def told_summary(told: list[dict]) -> str:
    """How much commentary goes to the board, in words.

    >>> told_summary([{"story": "a", "blockage": None}, {"story": "b", "blockage": "c"}])
    '2 commentaries and 1 blockage for the board'
    >>> told_summary([])
    'no new commentary or blockage for the board'
    """
    stories = sum(1 for t in told if t["story"])
    blocked = sum(1 for t in told if t["blockage"])
    parts = [wording.plural(stories, "commentary", "commentaries")] if stories else []
    parts += [wording.plural(blocked, "blockage")] if blocked else []
    if not parts:
        return "no new commentary or blockage for the board"
    return f"{' and '.join(parts)} for the board"


def _in_words(cur: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """The preview's rows with what a person reads beside the codes: each indicator's or
    series' name, the period in words and the area by its name."""
    names = dict(
        cur.execute(
            "SELECT code, name FROM indicator UNION ALL SELECT code, name FROM series_named"
        ).fetchall()
    )
    areas = dict(
        cur.execute(
            "SELECT code, name FROM area UNION ALL SELECT code, name FROM public_area"
        ).fetchall()
    )
    return rows.assign(
        name=[names.get(c, "") for c in rows["what"]],
        period_words=[_period_words(p) for p in rows["period"]],
        area_words=[wording.area_name(a, areas.get(a)) for a in rows["area"]],
    )


def _period_words(code: str) -> str:
    try:
        return wording.period(code)
    except periods.PeriodError:  # a public file's own period, shown as it came
        return str(code)


def _statuses(cur) -> pd.DataFrame:
    return cur.execute("SELECT indicator_code, name, status FROM indicator_rating").df()


# A preview is rehearsed and rolled back; it writes under no one's name.
_PREVIEWER = Person(email=None, name="preview", role="admin", how="system")


def preview(cur: duckdb.DuckDBPyConnection, prepared: Prepared) -> Preview:
    """What commit would change, found by doing it in a transaction and rolling back."""
    told = as_the_board_reads(cur, _new_commentary(cur, prepared.commentary))
    with rehearsal(cur):
        before = _statuses(cur)
        result, rows = write(cur, prepared, _PREVIEWER, None, rehearsal=True)
        after = _statuses(cur)
    both = before.merge(after, on=["indicator_code", "name"], suffixes=("_before", "_after"))
    touched = set(rows.loc[rows["change"] != "unchanged", "what"]) if not rows.empty else set()
    statuses = both[
        both["indicator_code"].isin(touched) | (both["status_before"] != both["status_after"])
    ]
    statuses = statuses.rename(
        columns={"status_before": "before", "status_after": "after"}
    ).reset_index(drop=True)
    counts = {
        "new": result.rows_new,
        "revised": result.rows_revised,
        "unchanged": result.rows_unchanged,
    }
    return Preview(
        _in_words(cur, rows[["what", "period", "area", "change", "old_value", "value"]]),
        statuses,
        counts,
        fingerprint(rows),
        told,
    )
