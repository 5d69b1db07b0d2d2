"""What an analyst takes out of the dashboard, and the framework they put back in.

* :func:`views` and :func:`view_file`: any documented view (docs/schema.md, "Views") as CSV, an
  Excel workbook or Parquet. Text a person typed stays text: CSV cells go through
  :func:`outcomes.rules.spreadsheets.to_csv` and workbooks through
  :func:`~outcomes.rules.spreadsheets.neutralise_workbook`, so no figure's note runs as a formula.
  Parquet is typed, so it needs neither.
* :func:`framework_file`, :func:`framework_from_upload` and :func:`framework_changes`: the
  framework out as xlsx or YAML (the files ``python -m outcomes framework export`` writes) and
  back in from bytes a visitor sent, with what an import would add, change and drop.

The command line and the dashboard share these, so each download is made in one place.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from loaders import files
from outcomes.errors import Refused
from outcomes.rules import spreadsheets
from outcomes.storage.people import Person, require
from outcomes.workflows import framework

FORMATS = {"csv": "CSV", "xlsx": "Excel workbook", "parquet": "Parquet"}
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "yaml": "application/yaml",
}
#: One line on each view an analyst is offered; docs/schema.md says the rest.
ABOUT = {
    "observations_current": "The current revision of every figure, in a few columns.",
    "indicator_status": "Each indicator's latest whole-partnership figure, target and status.",
    "indicator_rating": "Each indicator's latest figure, rated, with why it is not rated.",
    "observation_current_detail": "Every column of the current revision of every figure.",
    "comparison_figures": "Figures beside those of similar areas (the comparator groups).",
    "series_current": "The current revision of every public figure (police.uk, ONS, Fingertips).",
    "series_named": "Every public series this partnership reads: its own, and those shared by the deployment.",
    "current_override": "Statuses an accountable person set in place of the computed one.",
    "current_commentary": "The newest live commentary for each indicator and period.",
    "commentary_live": "Every commentary, less that withdrawn with an undone upload.",
    "upload_in_force": "The uploads whose figures count: committed, and approved if asked.",
    "reporting_horizon": "The date every status is judged at.",
    "partnership_due": "The reporting calendar: days after a period ends that figures fall due.",
    "priority_due": "Each priority's reporting calendar, by frequency.",
    "indicator_due": "Each indicator's reporting calendar: when its figures fall due.",
}
#: The most rows a workbook sheet holds, less its header.
XLSX_ROWS = 1_048_575


class ExportRefused(Refused):
    """A download that cannot be made, with the reason in plain words."""

    code = "export-refused"


def views(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The database's own views (the partnership's, in its schema), those for analysts first.

    Every one is documented in docs/schema.md (tests/unit/test_exports.py checks it).
    """
    names = [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'VIEW' AND table_schema = current_schema() ORDER BY table_name"
        ).fetchall()
    ]
    first = [v for v in ("observations_current", "indicator_status") if v in names]
    return first + [v for v in names if v not in first]


def view_frame(cur: duckdb.DuckDBPyConnection, view: str) -> pd.DataFrame:
    """A view's rows. Only a name :func:`views` lists is accepted, so no text reaches SQL."""
    if view not in views(cur):
        raise ExportRefused.worded("export-unknown-view", view=view)
    return cur.execute(f'SELECT * FROM "{view}"').df()


def view_file(cur: duckdb.DuckDBPyConnection, view: str, fmt: str) -> bytes:
    """A view as the bytes of a CSV, xlsx or Parquet file."""
    if fmt not in FORMATS:
        raise ExportRefused.worded("export-format", fmt=fmt, formats=", ".join(FORMATS))
    frame = view_frame(cur, view)
    if fmt == "csv":
        return spreadsheets.frame_to_csv(frame).encode("utf-8-sig")
    if fmt == "parquet":
        out = io.BytesIO()
        frame.to_parquet(out, index=False)
        return out.getvalue()
    if len(frame) > XLSX_ROWS:
        raise ExportRefused.worded(
            "export-too-many-rows",
            view=view,
            rows=format(len(frame), ","),
            most=format(XLSX_ROWS, ","),
        )
    return _workbook(frame, view)


def _workbook(frame: pd.DataFrame, sheet: str) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        spreadsheets.writable(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        ws.freeze_panes = "A2"
        spreadsheets.neutralise_workbook(writer.book)
    return out.getvalue()


# --- the framework, out and back in ----------------------------------------------------------


def framework_file(cur: duckdb.DuckDBPyConnection, fmt: str) -> bytes:
    """The framework as ``python -m outcomes framework export`` writes it (xlsx or yaml)."""
    if fmt not in ("xlsx", "yaml"):
        raise ExportRefused.worded("export-format", "framework", fmt=fmt)
    fw = framework.read_framework(cur)
    with tempfile.TemporaryDirectory(prefix="outcomes-export-") as folder:
        path = Path(folder) / f"framework.{fmt}"
        (framework.to_xlsx if fmt == "xlsx" else framework.to_yaml)(fw, path)
        return path.read_bytes()


def framework_from_upload(
    content: bytes, file_name: str, *, by: Person | None
) -> framework.Framework:
    """A framework from bytes ``by`` sent; raises FrameworkError listing every problem, and
    refuses (NotPermitted) before reading a byte unless they may change the framework.

    As for returns, the bytes go under a name of the server's making; the visitor's name is
    only a label in the messages.
    """
    require(by, "framework.change")  # before the bytes are even written down
    allowed = (".xlsx", ".yaml", ".yml")
    suffix = Path(file_name).suffix.lower()
    if suffix not in allowed:
        not_one = framework.fault("framework-file", "not-a-framework", suffix=suffix or file_name)
        raise framework.FrameworkError([not_one], file_name)
    if len(content) > files.LIMITS.file_bytes:
        raise framework.FrameworkError([files.oversize_problem(file_name, len(content))], file_name)
    with tempfile.TemporaryDirectory(prefix="outcomes-framework-") as folder:
        path = Path(folder) / f"framework{suffix}"
        path.write_bytes(content)
        try:
            return framework.read_file(path, by=by)
        except framework.FrameworkError as err:
            # The problems name the server's temporary file; the visitor knows their own name.
            raise framework.FrameworkError(
                [replace(p, file=file_name) for p in err.problems], file_name
            ) from None


@dataclass
class FrameworkChanges:
    """What importing a framework would do to the priorities and indicators."""

    added: list[str]
    dropped: list[str]
    changed: list[str]
    unchanged: int

    @property
    def any(self) -> bool:
        return bool(self.added or self.dropped or self.changed)


def _labelled(fw: framework.Framework) -> dict[tuple[str, str], tuple[str, dict]]:
    """Each priority and indicator by its key, with the label a person reads and its fields."""
    rows = {}
    for kind, key in (("priority", "id"), ("indicator", "code")):
        frame = fw[kind].drop(columns=["sort_order"], errors="ignore")
        for r in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            rows[(kind, r[key])] = (f"{kind} {r[key]}: {r.get('title') or r.get('name')}", r)
    return rows


def framework_changes(
    cur: duckdb.DuckDBPyConnection, incoming: framework.Framework
) -> FrameworkChanges:
    """Priorities and indicators the import would add, drop or change (by their fields)."""
    now, new = _labelled(framework.read_framework(cur)), _labelled(incoming)
    return FrameworkChanges(
        added=[label for k, (label, _) in new.items() if k not in now],
        dropped=[label for k, (label, _) in now.items() if k not in new],
        changed=[label for k, (label, r) in new.items() if k in now and now[k][1] != r],
        unchanged=sum(1 for k, (_, r) in new.items() if k in now and now[k][1] == r),
    )
