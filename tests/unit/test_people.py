"""Who may do what, enforced in the core: every write function against every role, and the table.

The walk finds write functions two ways: the :func:`outcomes.storage.people.writes` registry, and by
reading every function in ``outcomes/`` for a transaction or an audit record. A new write that
is not declared with a permission, or has no way to be called here, fails this file.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import shutil
from datetime import date, timedelta
from io import BytesIO

import pandas as pd
import pytest
from openpyxl import load_workbook

import outcomes
from loaders import periods
from loaders.police_uk import POLICE_UK_COLUMNS
from outcomes.outputs import feeds
from outcomes.queries import observations, statistics
from outcomes.queries.trail import audit_trail
from outcomes.storage import people, public_schema
from outcomes.storage.people import PERMISSIONS, ROLES, WRITES, NotPermitted, Person
from outcomes.storage.store import Store, open_store
from outcomes.workflows import (
    approval,
    blockages,
    demo,
    framework,
    meeting_plan,
    meetings,
    partnerships,
    reminders,
    shared_data,
    typed_returns,
    uploads,
)
from tests.actors import ADMIN
from tests.returns import filled_return

LEAD_PRIORITY = "street-violence"
OTHER_PRIORITY = "vulnerable-victims"
# Writes that act for no person: the made-up demo is built by the demo generator.
NOT_A_PERSON_S = {"outcomes.workflows.demo.build_demo"}


def _all_modules():
    for info in pkgutil.walk_packages(outcomes.__path__, "outcomes."):
        if not info.name.endswith("__main__"):  # importing it runs the command line
            yield importlib.import_module(info.name)


def _writes_found_by_reading() -> set[str]:
    """Every public function in outcomes/ that opens a transaction or writes an audit record."""
    found = set()
    for module in _all_modules():
        if module.__name__ in ("outcomes.storage.store", "outcomes.storage.auditing"):
            continue  # the write path itself, and its audit record
        for name, fn in vars(module).items():
            fn = inspect.unwrap(fn) if callable(fn) else fn
            if not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if name.startswith("_"):
                continue  # a private step of a public write, reached through it
            source = inspect.getsource(fn)
            if "transaction(" in source or "audit(" in source:
                found.add(f"{module.__name__}.{name}")
    return found


def test_every_write_in_the_core_declares_its_permission():
    undeclared = _writes_found_by_reading() - set(WRITES) - NOT_A_PERSON_S
    assert not undeclared, (
        f"{sorted(undeclared)} write without a permission: declare one with "
        "@outcomes.storage.people.writes(ACTION) and take `by: Person`"
    )


def test_every_declared_write_takes_the_person_acting():
    for qualified, (fn, action) in WRITES.items():
        assert action in PERMISSIONS
        assert "by" in inspect.signature(fn).parameters, qualified


def test_the_table_names_every_role_it_uses():
    for action, permission in PERMISSIONS.items():
        assert set(permission.roles) <= set(ROLES), action
        assert "admin" in permission.roles, (
            f"the command line (an administrator) could not {action}"
        )


# --- every write x every role ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory, copy_demo):
    return copy_demo(tmp_path_factory.mktemp("people") / "demo.duckdb")


def _someone(role: str) -> Person:
    priorities = frozenset({LEAD_PRIORITY}) if role == "lead" else frozenset()
    return Person(f"{role}@roles.example", f"The {role}", role, priorities)


def _indicator(cur, priority: str) -> str:
    return cur.execute(
        "SELECT code FROM indicator WHERE priority_id = ? ORDER BY sort_order LIMIT 1",
        [priority],
    ).fetchone()[0]


def _commentary(cur, by: Person, **said):
    """Commentary on the lead's priority's first indicator for 2024/25 Q4, by ``by``."""
    return meetings.add_commentary(cur, _indicator(cur, LEAD_PRIORITY), "2024/25 Q4", by=by, **said)


def _return(cur, tmp_path, priority: str):
    return uploads.prepare(
        cur, filled_return(cur, tmp_path / f"return-{priority}.xlsx", priority), by=ADMIN
    )


def _their_own_upload(cur, tmp_path, by: Person) -> int:
    """An upload that ``by`` loaded (written as an administrator with their address)."""
    themselves = Person(by.email, by.name, "admin")
    result = uploads.commit(
        cur, _return(cur, tmp_path, LEAD_PRIORITY), by=themselves, accept_warnings=True
    )
    return result.upload_id


def _figures(cur, priority: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"indicator_code": _indicator(cur, priority), "period": "2025/26 Q1", "value": 12.0}]
    )


def _series() -> pd.DataFrame:
    return demo.demo_series(demo.facts()).head(2).assign(value=lambda f: f["value"] + 1)


def _actions_workbook(cur) -> BytesIO:
    meetings.save_action(
        cur, by=people.SYSTEM, reference="R1", text="Walk the route", owner="Chair"
    )
    out = BytesIO()
    meetings.export_actions(cur, out)
    wb = load_workbook(BytesIO(out.getvalue()))
    wb["Actions"]["B2"] = "Walk the route twice"  # a change, so the import is recorded
    changed = BytesIO()
    wb.save(changed)
    changed.seek(0)
    return changed


# How to call each write, in scope for a lead (their own priority, their own upload): the
# table alone decides who is refused. (action, call) pairs; a write may check two actions.
RECIPES = {
    "outcomes.workflows.meetings.record_meeting": [
        # Today: a meeting cannot be recorded before it has happened.
        ("meetings.record", lambda cur, by, tmp: meetings.record_meeting(cur, date.today(), by=by))
    ],
    "outcomes.workflows.commentary.add_commentary": [
        (
            "commentary.add",
            lambda cur, by, tmp: _commentary(cur, by, narrative="Why."),
        ),
        (
            "status.override",
            lambda cur, by, tmp: _commentary(
                cur,
                by,
                status_override="amber",
                override_reason="The survey was late.",
            ),
        ),
    ],
    "outcomes.workflows.actions.save_action": [
        (
            "actions.change",
            lambda cur, by, tmp: meetings.save_action(
                cur, by=by, reference="Z9", text="Do it", owner="Chair"
            ),
        )
    ],
    "outcomes.workflows.actions.add_action": [
        (
            "actions.change",
            lambda cur, by, tmp: meetings.add_action(cur, by=by, text="Do it", owner="Chair"),
        )
    ],
    "outcomes.workflows.blockages.resolve_blockage": [
        (
            "blockages.resolve",
            lambda cur, by, tmp: (
                _commentary(
                    cur,
                    people.SYSTEM,
                    blockage=True,
                    blockage_detail="No funding.",
                ),
                blockages.resolve_blockage(
                    cur,
                    _indicator(cur, LEAD_PRIORITY),
                    "2024/25 Q4",
                    outcome="resolved",
                    note="Funded.",
                    by=by,
                ),
            ),
        )
    ],
    "outcomes.workflows.actions.close_action": [
        (
            "actions.change",
            lambda cur, by, tmp: (
                meetings.save_action(
                    cur, by=people.SYSTEM, reference="C1", text="Close me", owner="Chair"
                ),
                meetings.close_action(cur, "C1", by=by),
            ),
        )
    ],
    "outcomes.workflows.actions.import_actions": [
        (
            "actions.change",
            lambda cur, by, tmp: meetings.import_actions(cur, _actions_workbook(cur), by=by),
        )
    ],
    "outcomes.queries.observations.record_upload": [
        (
            "returns.load",
            lambda cur, by, tmp: observations.record_upload(
                cur,
                _figures(cur, LEAD_PRIORITY),
                by=by,
                file_name="figures",
                source_format="return",
            ),
        ),
        (
            "public_data.load",
            lambda cur, by, tmp: observations.record_upload(
                cur,
                _series(),
                by=by,
                file_name="series",
                source_format="ons-csp",
                target=observations.SERIES,
            ),
        ),
    ],
    "outcomes.workflows.uploads.committing.commit": [
        (
            "returns.load",
            lambda cur, by, tmp: uploads.commit(
                cur, _return(cur, tmp, LEAD_PRIORITY), by=by, accept_warnings=True
            ),
        )
    ],
    "outcomes.workflows.uploads.committing.commit_all": [
        (
            "returns.load",
            lambda cur, by, tmp: uploads.commit_all(
                cur, [_return(cur, tmp, LEAD_PRIORITY)], by=by, accept_warnings=True
            ),
        )
    ],
    "outcomes.workflows.uploads.committing.rollback": [
        (
            "uploads.undo",
            lambda cur, by, tmp: uploads.rollback(cur, _their_own_upload(cur, tmp, by), by=by),
        )
    ],
    "outcomes.workflows.uploads.committing.restore": [
        (
            "uploads.undo",
            lambda cur, by, tmp: uploads.restore(
                cur,
                (
                    n := _their_own_upload(cur, tmp, by),
                    uploads.rollback(cur, n, by=people.SYSTEM),
                )[0],
                by=by,
            ),
        )
    ],
    "outcomes.workflows.framework.database.import_framework": [
        (
            "framework.change",
            lambda cur, by, tmp: framework.import_framework(
                cur, framework.read_framework(cur), by=by
            ),
        )
    ],
    "outcomes.storage.people.add_person": [
        (
            "people.manage",
            lambda cur, by, tmp: people.add_person(
                cur, "new.person@roles.example", name="New", role="board", by=by
            ),
        )
    ],
    "outcomes.storage.people.change_person": [
        (
            "people.manage",
            lambda cur, by, tmp: people.change_person(
                cur, "analyst@demo.example", name="Renamed", by=by
            ),
        )
    ],
    "outcomes.storage.people.remove_person": [
        (
            "people.manage",
            lambda cur, by, tmp: people.remove_person(cur, "board.member@demo.example", by=by),
        )
    ],
}


try:  # the public view's switch (issue 10, item 6), once it has landed
    from outcomes.outputs import public
except ImportError:
    public = None
if public is not None:
    RECIPES["outcomes.outputs.public.set_public_view"] = [
        (
            "settings.public_view",
            lambda cur, by, tmp: public.set_public_view(cur, True, by=by),
        )
    ]
    # Commentary already recorded (by someone else: a return, say), marked for publishing.
    RECIPES["outcomes.outputs.public.mark_published"] = [
        (
            "commentary.add",
            lambda cur, by, tmp: public.mark_published(
                cur,
                _commentary(cur, people.SYSTEM, narrative="Why."),
                by=by,
            ),
        )
    ]

# An indicator's SPC limits recalculated from its sustained shift (SV03 has one in the demo).
# A partnership added beside the demo's, and a commissioner across both (issue 19).
RECIPES["outcomes.workflows.partnerships.add"] = [
    (
        "partnerships.manage",
        lambda cur, by, tmp: partnerships.add(
            Store(tmp / "unused", cur), "torbay", name="Safer Communities Torbay", by=by
        ),
    )
]
RECIPES["outcomes.workflows.partnerships.add_commissioner"] = [
    (
        "partnerships.manage",
        lambda cur, by, tmp: partnerships.add_commissioner(
            Store(tmp / "unused", cur),
            "pcc@roles.example",
            name="PCC",
            partnership_ids=["plymouth"],
            by=by,
        ),
    )
]

RECIPES["outcomes.queries.statistics.recalculate_limits"] = [
    (
        "framework.change",
        lambda cur, by, tmp: statistics.recalculate_limits(
            cur, "SV03", by=by, reason="The service changed in May."
        ),
    )
]


# Reminders (issue 20): a reminder the mail server accepted, recorded; a calendar subscription
# address, made by the person it is for.
RECIPES["outcomes.workflows.reminders.record_sent"] = [
    (
        "reminders.send",
        lambda cur, by, tmp: reminders.record_sent(
            cur,
            reminders.Reminder(
                "street.violence.lead@demo.example",
                "Sam",
                (
                    reminders.Owed(
                        LEAD_PRIORITY,
                        "Street violence",
                        _indicator(cur, LEAD_PRIORITY),
                        "",
                        periods.quarter(2026, 2),
                        date(2026, 11, 14),
                        True,
                        "",
                    ),
                ),
                "",
                "Safer Plymouth",
                date(2026, 12, 7),
            ),
            by=by,
        ),
    )
]
RECIPES["outcomes.outputs.feeds.reset_token"] = [
    ("calendar.subscribe", lambda cur, by, tmp: feeds.reset_token(cur, by.email, by=by))
]
RECIPES["outcomes.workflows.meeting_plan.plan"] = [
    (
        "meetings.record",
        lambda cur, by, tmp: meeting_plan.plan(cur, [date.today() + timedelta(days=30)], by=by),
    )
]


# Returns typed in the browser and their approval (issue 20).
TYPED_PERIOD = "2025/26 Q1"


def _typed_rows(cur, by: Person):
    rows = typed_returns.form_rows(cur, LEAD_PRIORITY, TYPED_PERIOD, person=by)
    return rows.assign(value=["12345"] + [""] * (len(rows) - 1))


def _lead_typed(step, cur, by: Person, *first, **more):
    """A step of typing a return (``step`` from typed_returns), for the lead's priority and
    TYPED_PERIOD, by ``by``."""
    return step(cur, *first, priority_id=LEAD_PRIORITY, return_period=TYPED_PERIOD, by=by, **more)


def _decided(cur, by: Person, tmp, decide) -> None:
    """A lead's return waiting for ``by``: named as its approver where their role may approve
    only when named (a board member, a lead), then ``decide(upload_id)``."""
    named = PERMISSIONS["returns.approve"].roles.get(by.role) == people.NAMED
    if named:
        people.add_person(
            cur, by.email, name=by.name, role=by.role, priorities=by.priorities, by=people.SYSTEM
        )
    approval.set_rule(
        cur, required=True, approver_email=by.email if named else None, by=people.SYSTEM
    )
    sender = Person("sender@roles.example", "Sender", "lead", frozenset({LEAD_PRIORITY}))
    sent = uploads.commit(cur, _return(cur, tmp, LEAD_PRIORITY), by=sender, accept_warnings=True)
    decide(sent.upload_id)


RECIPES["outcomes.workflows.approval.set_rule"] = [
    ("returns.approval_rule", lambda cur, by, tmp: approval.set_rule(cur, required=True, by=by))
]
RECIPES["outcomes.workflows.approval.approve"] = [
    (
        "returns.approve",
        lambda cur, by, tmp: _decided(cur, by, tmp, lambda n: approval.approve(cur, n, by=by)),
    )
]
RECIPES["outcomes.workflows.approval.send_back"] = [
    (
        "returns.approve",
        lambda cur, by, tmp: _decided(
            cur, by, tmp, lambda n: approval.send_back(cur, n, "Check SV01.", by=by)
        ),
    )
]
RECIPES["outcomes.workflows.typed_returns.save_draft"] = [
    (
        "returns.load",
        lambda cur, by, tmp: _lead_typed(typed_returns.save_draft, cur, by, _typed_rows(cur, by)),
    )
]
RECIPES["outcomes.workflows.typed_returns.discard_draft"] = [
    (
        "returns.load",
        lambda cur, by, tmp: _lead_typed(typed_returns.discard_draft, cur, by),
    )
]
RECIPES["outcomes.workflows.typed_returns.submit"] = [
    (
        "returns.load",
        lambda cur, by, tmp: _lead_typed(
            typed_returns.submit,
            cur,
            by,
            _lead_typed(typed_returns.prepare_typed, cur, by, _typed_rows(cur, by)),
            accept_warnings=True,
        ),
    )
]


def _shared_load(cur, by: Person, tmp):
    """A police.uk file committed to the public data every partnership shares."""
    public = shared_data.ensure(Store(tmp / "unused", cur))
    path = tmp / "force-street.csv"
    row = ["", "2019-01", "", "", "", "", "", "E01015025", "Plymouth 001A", "Drugs", "", ""]
    path.write_text(",".join(POLICE_UK_COLUMNS) + "\n" + ",".join(row) + "\n")
    prepared = uploads.prepare(public, path, by=people.SYSTEM, fmt="police-uk")
    return uploads.commit(public, prepared, by=by)


RECIPES["outcomes.workflows.uploads.committing.commit"].append(("public_data.share", _shared_load))


def _trail_count(cur, where: str, params: list) -> int:
    """Entries of the audit trail, the shared public data's included (a shared load's)."""
    trails = ["audit_log"] + (["public_data.audit_log"] if public_schema.exists(cur) else [])
    return sum(
        cur.execute(f"SELECT count(*) FROM {t} WHERE {where}", params).fetchone()[0]  # noqa: S608
        for t in trails
    )


def test_every_declared_write_has_a_recipe_and_every_action_is_walked():
    assert set(WRITES) == set(RECIPES), "each write needs a way to be called in RECIPES"
    walked = {action for pairs in RECIPES.values() for action, _ in pairs}
    # The public view's switch (issue 10 item 6) arrives with its own write.
    pending = {"settings.public_view"} - {a for _, a in WRITES.values()}
    assert walked | pending == set(PERMISSIONS)


CASES = [
    (qualified, action, call, role)
    for qualified, pairs in RECIPES.items()
    for action, call in pairs
    for role in ROLES
]


@pytest.mark.parametrize(
    ("qualified", "action", "call", "role"),
    CASES,
    ids=[f"{q.rsplit('.', 1)[1]}-{a}-{r}" for q, a, _, r in CASES],
)
def test_each_write_refuses_exactly_the_roles_the_table_refuses(
    qualified, action, call, role, demo_file, tmp_path
):
    path = tmp_path / "db.duckdb"
    shutil.copy(demo_file, path)
    store = open_store(path)
    cur = store.cursor()
    by = _someone(role)
    try:
        theirs = "who_email = ? AND who_role = ?"
        before = _trail_count(cur, theirs, [by.email, role])
        if role in PERMISSIONS[action].roles:
            call(cur, by, tmp_path)
            named = _trail_count(cur, theirs, [by.email, role]) - before
            assert named >= 1, "the audit trail names the person acting"
        else:
            with pytest.raises(NotPermitted) as refused:
                call(cur, by, tmp_path)
            assert by.name in str(refused.value)
            # Named: what they may not do (or, where a role may do neither, the write's own action).
            declared = PERMISSIONS[WRITES[qualified][1]].words
            assert any(w in str(refused.value) for w in (PERMISSIONS[action].words, declared))
            # Nothing written under their name (set-up steps act as someone else).
            assert _trail_count(cur, theirs, [by.email, role]) == before
    finally:
        store.close()


# --- a lead's scope ---------------------------------------------------------------------------


@pytest.fixture
def demo_cur(demo_file, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(demo_file, path)
    store = open_store(path)
    yield store.cursor()
    store.close()


def test_a_lead_is_refused_another_prioritys_figures_by_name(demo_cur, tmp_path):
    lead = _someone("lead")
    other = _return(demo_cur, tmp_path, OTHER_PRIORITY)
    titles = people.priority_titles(demo_cur)
    # Issue 17: priorities by their titles, as the board names them, not by their ids
    said = (
        f"The lead is the priority lead for {titles[LEAD_PRIORITY]} and may not load figures or "
        f"commentary for {titles[OTHER_PRIORITY]}."
    )
    with pytest.raises(NotPermitted) as refused:
        uploads.commit(demo_cur, other, by=lead, accept_warnings=True)
    assert str(refused.value) == said
    assert uploads.refusal(demo_cur, other, lead) == said
    with pytest.raises(NotPermitted, match=re.escape(titles[OTHER_PRIORITY])):
        meetings.add_commentary(
            demo_cur, _indicator(demo_cur, OTHER_PRIORITY), "2024/25 Q4", by=lead, narrative="x"
        )
    # A file holding both priorities' figures is refused whole.
    both = pd.concat([_figures(demo_cur, LEAD_PRIORITY), _figures(demo_cur, OTHER_PRIORITY)])
    with pytest.raises(NotPermitted):
        observations.record_upload(
            demo_cur, both, by=lead, file_name="both", source_format="return"
        )


def test_a_lead_undoes_only_their_own_uploads(demo_cur, tmp_path):
    lead = _someone("lead")
    with pytest.raises(NotPermitted, match="loaded by Service Manager, Victim Support"):
        uploads.rollback(demo_cur, 2, by=lead)
    mine = _their_own_upload(demo_cur, tmp_path, lead)
    assert "rolled back" in uploads.rollback(demo_cur, mine, by=lead)


def test_no_person_may_write_anything(demo_cur, tmp_path):
    with pytest.raises(NotPermitted, match="Sign in first"):
        meetings.record_meeting(demo_cur, "2030-01-01", by=None)
    with pytest.raises(NotPermitted, match="Sign in first"):
        uploads.commit(demo_cur, _return(demo_cur, tmp_path, LEAD_PRIORITY), by=None)


# --- people -------------------------------------------------------------------------------------


def test_people_are_matched_without_regard_to_case_and_never_deleted(demo_cur):
    admin = people.person(demo_cur, "ADMIN@demo.example", how="test")
    assert admin is not None and admin.role == "admin"
    people.add_person(
        demo_cur,
        " Jo.Lead@Council.Example ",
        name="Jo Lead",
        role="lead",
        priorities=[LEAD_PRIORITY],
        by=admin,
    )
    with pytest.raises(outcomes.errors.Refused, match="already known"):
        people.add_person(demo_cur, "jo.lead@council.example", name="Jo", role="board", by=admin)
    jo = people.person(demo_cur, "jo.lead@COUNCIL.example", name="Jo from the provider", how="t")
    assert jo.priorities == {LEAD_PRIORITY} and jo.name == "Jo from the provider"
    meetings.add_commentary(
        demo_cur, _indicator(demo_cur, LEAD_PRIORITY), "2024/25 Q4", by=jo, narrative="Mine."
    )
    people.remove_person(demo_cur, "jo.lead@council.example", by=admin)
    assert people.person(demo_cur, "jo.lead@council.example", how="t") is None
    kept = people.find(demo_cur, "jo.lead@council.example")
    assert kept is not None and not kept["active"]
    trail = audit_trail(demo_cur, person="jo.lead@council.example")
    assert list(trail["change"]) == ["added"] and list(trail["who"]) == ["Jo from the provider"]
    changes = list(audit_trail(demo_cur, entity="person")["change"])
    assert changes[:2] == ["removed", "added"]


def test_roles_priorities_and_the_last_administrator(demo_cur):
    admin = people.person(demo_cur, "admin@demo.example", how="test")
    with pytest.raises(outcomes.errors.Refused, match="Only a priority lead has priorities"):
        people.add_person(
            demo_cur, "a@b.example", name="A", role="board", priorities=[LEAD_PRIORITY], by=admin
        )
    with pytest.raises(outcomes.errors.Refused, match="There is no priority nowhere"):
        people.add_person(
            demo_cur, "a@b.example", name="A", role="lead", priorities=["nowhere"], by=admin
        )
    with pytest.raises(outcomes.errors.Refused, match="not an e-mail address"):
        people.add_person(demo_cur, "not an address", name="A", role="board", by=admin)
    other = Person("other.admin@roles.example", "Other", "admin")
    with pytest.raises(outcomes.errors.Refused, match="only administrator"):
        people.change_person(demo_cur, "admin@demo.example", role="board", by=other)
    # The command line may (it can always add another).
    people.change_person(demo_cur, "admin@demo.example", role="board", by=people.SYSTEM)
    # A lead made an analyst loses their priorities.
    people.change_person(demo_cur, "street.violence.lead@demo.example", role="analyst", by=admin)
    assert people.find(demo_cur, "street.violence.lead@demo.example")["priorities"] == []


def test_the_demo_is_known_by_its_people(demo_cur):
    assert people.is_demo(demo_cur)
    roles = sorted(people.people(demo_cur)["role"])
    assert roles == sorted(ROLES)
    blank = open_store(":memory:")
    try:
        assert not people.is_demo(blank.cursor())
    finally:
        blank.close()
