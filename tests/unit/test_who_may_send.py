"""A file is read only for someone who may load it: the core refuses it unread.

Every role, every kind of file, through the core (``prepare``, ``prepare_upload``, the framework
import) and through the command line. A file someone may not load is refused before a byte of
it is read: here the file does not even exist, so reading it would fail differently.
"""

from __future__ import annotations

import pytest

from outcomes.outputs import exports
from outcomes.storage.people import ROLES, NotPermitted, Person
from outcomes.workflows import framework, uploads
from tests.cli import outcomes
from tests.hostile import corpus

#: who may send each kind of file (the demo's people by role; None is someone not signed in)
MAY_SEND = {
    "auto": {"lead", "analyst", "admin"},  # a lead's file is read as a return
    "return": {"lead", "analyst", "admin"},
    "police-uk": {"analyst", "admin"},
    "ons-csp": {"analyst", "admin"},
    "fingertips": {"analyst", "admin"},
}
MAY_IMPORT_A_FRAMEWORK = {"analyst", "admin"}
WHO = [None, *ROLES]


def person(role: str | None) -> Person | None:
    if role is None:
        return None
    return Person(f"{role}@test.example", f"Someone ({role})", role, frozenset({"street-violence"}))


@pytest.mark.parametrize("fmt", sorted(MAY_SEND))
@pytest.mark.parametrize("role", WHO, ids=str)
def test_prepare_refuses_a_file_unread_unless_its_sender_may_load_it(
    demo_store, tmp_path, role, fmt
):
    never_there = tmp_path / "never-read.csv"
    if role in MAY_SEND[fmt]:
        with pytest.raises(FileNotFoundError):  # it went on to read the file
            uploads.prepare(demo_store.cursor(), never_there, by=person(role), fmt=fmt)
    else:
        with pytest.raises(NotPermitted, match="may not load|Sign in first") as refused:
            uploads.prepare(demo_store.cursor(), never_there, by=person(role), fmt=fmt)
        if role is not None:
            assert "may." in str(refused.value) or "priority lead for" in str(refused.value)


@pytest.mark.parametrize("role", WHO, ids=str)
def test_prepare_upload_refuses_before_the_bytes_are_written_down(demo_store, role, monkeypatch):
    written = []
    monkeypatch.setattr(
        "tempfile.TemporaryDirectory", lambda *a, **k: written.append(1) or pytest.fail("written")
    )
    name, data = corpus.far_cell()
    if role in MAY_SEND["auto"]:
        return  # covered by the upload tests; here only the refusals
    with pytest.raises(NotPermitted):
        uploads.prepare_upload(demo_store.cursor(), data, name, by=person(role))
    assert not written


@pytest.mark.parametrize("role", WHO, ids=str)
def test_a_framework_is_read_only_for_someone_who_may_change_it(tmp_path, role):
    never_there = tmp_path / "plan.yaml"
    if role in MAY_IMPORT_A_FRAMEWORK:
        with pytest.raises(framework.FrameworkError):
            exports.framework_from_upload(b"partnership: [", "plan.yaml", by=person(role))
        return
    with pytest.raises(NotPermitted, match="may not change the framework|Sign in first"):
        framework.read_file(never_there, by=person(role))
    with pytest.raises(NotPermitted):
        exports.framework_from_upload(b"partnership: [", "plan.yaml", by=person(role))


def test_a_lead_may_not_send_public_data_even_when_they_name_its_format(demo_store, tmp_path):
    lead = person("lead")
    with pytest.raises(NotPermitted, match="may not load public data"):
        uploads.prepare(demo_store.cursor(), tmp_path / "crime.csv", by=lead, fmt="police-uk")


@pytest.mark.parametrize(
    ("command", "who", "refusal"),
    [
        ("load", "board.member@demo.example", "may not load figures or commentary"),
        ("framework import", "street.violence.lead@demo.example", "may not change the framework"),
        ("actions import", "board.member@demo.example", "may not add, change or close actions"),
    ],
)
def test_the_command_line_refuses_a_file_unread_for_someone_who_may_not_load_it(
    copy_demo, tmp_path, command, who, refusal
):
    name, data = corpus.far_cell()  # read, it would be refused for its size instead
    path = tmp_path / name
    path.write_bytes(data)
    db = copy_demo(tmp_path / "copy.duckdb")
    done = outcomes(*command.split(), str(path), "--as", who, "--db", str(db))
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert refusal in out, out
    assert "a sheet may have at most" not in out and "Traceback" not in out
