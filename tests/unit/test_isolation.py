"""Every file a person sends is measured by a real XML parser and read in a child process.

The far-cell workbooks are drawn by Hypothesis in the spellings XML allows (either quote,
namespace prefixes, leading zeros, whitespace, character references, a lying ``<dimension>``,
huge ``spans``): each must be refused in words, by the limits, while this process carries on.
And a reader that crashes, eats memory or never finishes is reported as the file's problem.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loaders import files
from loaders.isolation import ReadLimits, read_isolated
from loaders.problems import FileRefused
from loaders.sheet_xml import column_letter
from outcomes.storage.store import PROJECT_ROOT
from outcomes.workflows import uploads
from tests.actors import ADMIN
from tests.hostile import corpus
from tests.hostile.corpus import TRIAL_SPELLINGS, trial_workbook
from tests.states import scaled

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIMIT_CODES = {"too-many-rows", "too-many-columns", "too-many-cells"}


def _spelled(text: str, refs: list[bool]) -> str:
    """``text`` with some characters written as XML character references."""
    return (
        "".join(
            (f"&#{ord(ch)};" if i % 2 else f"&#x{ord(ch):X};") if as_ref else ch
            for i, (ch, as_ref) in enumerate(zip(text, refs, strict=False))
        )
        + text[len(refs) :]
    )


@st.composite
def far_cell_workbooks(draw) -> tuple[str, bytes]:
    """A one-sheet workbook under 2 KB whose one far cell is spelled in a way XML allows."""
    quote = draw(st.sampled_from(["'", '"']))
    prefix = draw(st.sampled_from(["", "x:", "ss:"]))
    space = draw(st.sampled_from([" ", "  ", "\n", "\t ", " \r\n "]))
    if draw(st.booleans()):
        row, column = draw(st.integers(250_001, 1_048_576)), draw(st.integers(1, 16_384))
    else:
        row, column = draw(st.integers(1, 250_000)), draw(st.integers(257, 16_384))
    zeros = "0" * draw(st.integers(0, 6))
    letters = column_letter(column)
    if draw(st.booleans()):
        letters = letters.lower()
    ref = letters + zeros + str(row)
    ref = _spelled(ref, draw(st.lists(st.booleans(), max_size=len(ref))))
    row_number = _spelled("0" * draw(st.integers(0, 3)) + str(row), [draw(st.booleans())])

    def attr(name: str, value: str) -> str:
        return f"{space}{name}{draw(st.sampled_from(['=', ' = ']))}{quote}{value}{quote}"

    declaration = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    dimension = draw(st.sampled_from(["", "A1", "A1:B2", f"A1:{letters}{row}"]))
    spans = draw(st.sampled_from(["", "1:1", "1:16384", f"1:{column}", "1:999999999"]))
    row_attrs = (attr("r", row_number) if draw(st.booleans()) else "") + (
        attr("spans", spans) if spans else ""
    )
    sheet = (
        f"<?xml version={quote}1.0{quote}?>"
        f"<{prefix}worksheet{attr(declaration, MAIN)}>"
        + (f"<{prefix}dimension{attr('ref', dimension)}/>" if dimension else "")
        + f"<{prefix}sheetData>"
        f"<{prefix}row{attr('r', '1')}><{prefix}c{attr('r', 'A1')}><{prefix}v>1</{prefix}v>"
        f"</{prefix}c></{prefix}row>"
        f"<{prefix}row{row_attrs}{space}><{prefix}c{attr('r', ref)}{space}>"
        f"<{prefix}v>7</{prefix}v></{prefix}c></{prefix}row>"
        f"</{prefix}sheetData></{prefix}worksheet>"
    )
    return "far.xlsx", corpus._workbook([sheet.encode()])


@pytest.mark.parametrize("spelling", sorted(TRIAL_SPELLINGS))
def test_each_far_cell_spelling_the_trial_sent_is_refused_in_words(demo_store, spelling):
    data = trial_workbook(spelling)
    assert len(data) < 2048
    prepared = uploads.prepare_upload(demo_store.cursor(), data, f"{spelling}.xlsx", by=ADMIN)
    assert {p.code for p in prepared.errors} <= LIMIT_CODES and prepared.errors
    assert "a sheet may have at most" in prepared.errors[0].message
    assert prepared.observations.empty


@settings(
    max_examples=int(os.environ.get("STATES_EXAMPLES", scaled(25))),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(workbook=far_cell_workbooks())
@example(workbook=("far.xlsx", trial_workbook("single-quoted")))
def test_a_far_cell_in_any_spelling_is_refused_by_the_limits(demo_store, workbook):
    name, data = workbook
    assert len(data) < 2048
    started = time.monotonic()
    prepared = uploads.prepare_upload(demo_store.cursor(), data, name, by=ADMIN)
    # Refused by the measured limits, not by the child's ceiling: the parse saw the far cell.
    assert {p.code for p in prepared.errors} <= LIMIT_CODES and prepared.errors, prepared.problems
    assert "a sheet may have at most" in prepared.errors[0].message
    assert time.monotonic() - started < 30


@given(workbook=far_cell_workbooks())
@settings(max_examples=scaled(15), deadline=None)
def test_the_measuring_parse_itself_sees_every_spelling(workbook):
    name, data = workbook
    with pytest.raises(FileRefused) as refused:
        files.inspect_workbook(data, name)
    assert {p.code for p in refused.value.problems} <= LIMIT_CODES


def test_a_workbook_declaring_entities_is_refused_as_damaged():
    name, data = corpus.billion_laughs()
    with pytest.raises(FileRefused) as refused:
        files.inspect_workbook(data, name)
    assert [p.code for p in refused.value.problems] == ["damaged-workbook"]
    assert "document type" in refused.value.problems[0].message


def test_a_sheet_the_workbook_keeps_outside_the_worksheets_folder_is_measured_too():
    name, data = corpus.far_cell()
    moved = corpus.relocated_sheet(data, "xl/elsewhere/data.xml")
    with pytest.raises(FileRefused) as refused:
        files.inspect_workbook(moved, name)
    assert [p.code for p in refused.value.problems] == ["too-many-rows"]


# --- A reader that misbehaves in its child ----------------------------------------------------

QUICK = ReadLimits(memory_mb=200, seconds=3)


def _abort() -> None:
    os.abort()


def _eat_memory() -> bytes:
    return b"x" * (1024 * 1024 * 1024)


def _spin() -> None:
    while True:
        pass


def _refuse() -> None:
    raise FileRefused([corpus_problem()])


def corpus_problem():
    from loaders.problems import Problem

    return Problem("unreadable-file", "error", "not a spreadsheet", "f.xlsx")


@pytest.mark.parametrize("reader", [_abort, _eat_memory, _spin], ids=["abort", "memory", "spin"])
def test_a_reader_that_crashes_eats_memory_or_never_ends_is_reported_not_propagated(reader):
    started = time.monotonic()
    with pytest.raises(FileRefused) as refused:
        read_isolated(reader, file="hostile.xlsx", limits=QUICK)
    assert [p.code for p in refused.value.problems] == ["beyond-reading-limits"]
    assert "hostile.xlsx could not be read within the limits (200 MB, 3 s)" in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert time.monotonic() - started < 20
    assert read_isolated(len, b"still here", file="next.csv") == 10  # this process carries on


def test_a_refusal_in_the_child_comes_back_as_the_same_refusal():
    with pytest.raises(FileRefused) as refused:
        read_isolated(_refuse, file="f.xlsx")
    assert refused.value.problems[0].message == "not a spreadsheet"


def test_the_command_line_refuses_all_five_trial_spellings_and_exits_non_zero(copy_demo, tmp_path):
    paths = []
    for spelling in sorted(TRIAL_SPELLINGS):
        path = tmp_path / f"{spelling}.xlsx"
        path.write_bytes(trial_workbook(spelling))
        paths.append(str(path))
    db = copy_demo(tmp_path / "copy.duckdb")
    # A real process, as the trial ran it: the point is that it neither aborts nor hangs.
    done = subprocess.run(
        [sys.executable, "-m", "outcomes", "load", *paths, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # not -6 (aborted), not a hang
    assert "Traceback" not in out
    for spelling in TRIAL_SPELLINGS:
        assert f"{spelling}.xlsx" in out
    assert out.count("a sheet may have at most") == len(TRIAL_SPELLINGS), out


def test_a_reader_never_runs_the_parents_main_script_again(tmp_path, monkeypatch):
    """Under ``streamlit run`` the page being drawn is ``__main__`` (and in a test run, the
    last script a test ran): a child that ran it again would draw the page, or fail, inside
    the reader. The child imports only what its function needs."""
    import types

    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the parent main script ran in the reader')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    page.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", page)
    assert read_isolated(os.getpid, file="page.py") != os.getpid()
