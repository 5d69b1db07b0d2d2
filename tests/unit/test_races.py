"""Writes that race: one winner and a plain message for the other, never a traceback.

Two tabs previewing the same figures, two people revising one figure or undoing one upload at
the same moment, twenty leads committing at once, and the process killed part-way through a
commit. The dashboard runs every visitor in a thread of one process with a cursor each, so
threads with their own cursors on one store are exactly what happens in production.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from datetime import date

import pytest

from outcomes.errors import Conflict, Refused
from outcomes.storage.store import open_store, transaction
from outcomes.workflows import uploads
from outcomes.workflows.demo import facts
from tests import forked
from tests.actors import ADMIN, acting

pytestmark = pytest.mark.engines

D = facts()  # where the demo's figures fall today

TODAY = date(2026, 11, 22)


def csv(*rows: tuple[str, str, object]) -> bytes:
    lines = ["Indicator code,Period,Value"] + [f"{c},{p},{v}" for c, p, v in rows]
    return ("\n".join(lines) + "\n").encode()


def prepared(cur, body: bytes, name: str = "return.csv"):
    prep = uploads.prepare_upload(cur, body, name, today=TODAY, by=ADMIN)
    assert not prep.errors, prep.errors
    return prep


def figure(cur, code="VV02", period="2024/25 Q4"):
    return cur.execute(
        "SELECT value FROM observation_current_detail WHERE indicator_code = ? AND period = ? "
        "AND area = 'all'",
        [code, period],
    ).fetchone()[0]


def audit_count(cur, change: str) -> int:
    return cur.execute("SELECT count(*) FROM audit_log WHERE change = ?", [change]).fetchone()[0]


def in_threads(*jobs):
    """Run each job in its own thread; return what each returned or raised."""
    results: list[object] = [None] * len(jobs)

    def run(i, job):
        try:
            results[i] = job()
        except BaseException as err:  # collected, and asserted on by the test
            results[i] = err

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_a_stale_preview_in_a_second_tab_cannot_overwrite(demo_store):
    first_tab, second_tab = demo_store.cursor(), demo_store.con.cursor()
    mine = prepared(first_tab, csv(("VV02", "2024/25 Q4", 41)))
    theirs = prepared(second_tab, csv(("VV02", "2024/25 Q4", 39)))
    mine_seen = uploads.preview(first_tab, mine)
    theirs_seen = uploads.preview(second_tab, theirs)
    uploads.commit(
        first_tab, mine, by=acting("lead one"), accept_warnings=True, previewed=mine_seen
    )
    before = figure(first_tab)
    with pytest.raises(uploads.UploadRefused, match="Someone else changed these figures since"):
        uploads.commit(
            second_tab, theirs, by=acting("lead two"), accept_warnings=True, previewed=theirs_seen
        )
    assert figure(first_tab) == before == 41
    # Looking again gives a fresh preview, and that one can be confirmed.
    fresh = uploads.preview(second_tab, theirs)
    assert fresh.rows["old_value"].tolist() == [41]
    uploads.commit(second_tab, theirs, by=acting("lead two"), accept_warnings=True, previewed=fresh)
    assert figure(first_tab) == 39


def test_two_people_revising_one_figure_at_once_give_one_winner(demo_store):
    barrier = threading.Barrier(2)

    def revise(value: int, who: str):
        cur = demo_store.cursor()
        prep = prepared(cur, csv(("VV02", "2024/25 Q4", value)), f"{who}.csv")

        def wait_for_the_other(fraction, _message):
            if fraction >= 1.0:  # both have written, neither has committed
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=5)

        return uploads.commit(
            cur, prep, by=acting(who), accept_warnings=True, progress=wait_for_the_other
        )

    results = in_threads(lambda: revise(41, "one"), lambda: revise(39, "two"))
    winners = [r for r in results if isinstance(r, uploads.UploadResult)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Refused), repr(losers[0])
    assert "at the same moment" in str(losers[0])
    cur = demo_store.cursor()
    assert figure(cur) in (41, 39)
    revisions = cur.execute(
        "SELECT count(*) FROM upload WHERE uploaded_by IN ('one', 'two')"
    ).fetchone()[0]
    assert revisions == 1 and audit_count(cur, "committed") == 3  # the demo's two, and one


def test_two_people_undoing_one_upload_at_once_give_one_winner(demo_store):
    cur = demo_store.cursor()
    before = figure(cur, "VV01", D.correction_period.code)
    holding = threading.Event()
    release = threading.Event()

    def first():
        own = demo_store.cursor()
        with transaction(own):
            message = uploads.rollback(own, 2, by=acting("first"))
            holding.set()
            release.wait(10)  # the second person clicks while this one is still saving
        return message

    def second():
        holding.wait(10)
        try:
            return uploads.rollback(demo_store.cursor(), 2, by=acting("second"))
        finally:
            release.set()

    results = in_threads(first, second)
    assert isinstance(results[0], str) and "rolled back" in results[0], results
    assert isinstance(results[1], Refused), repr(results[1])
    assert audit_count(cur, "rolled back") == 1
    assert cur.execute("SELECT state, rolled_back_by FROM upload WHERE id = 2").fetchone() == (
        "rolled back",
        "first",
    )
    assert figure(cur, "VV01", D.correction_period.code) != before
    # And once it has been undone, a second undo is told so plainly.
    with pytest.raises(uploads.UploadRefused, match="already rolled back"):
        uploads.rollback(cur, 2, by=acting("second"))


def test_twenty_leads_committing_at_once_lose_nothing(demo_store):
    quarters = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(2016, 2021) for q in (1, 2, 3, 4)]
    assert len(quarters) == 20

    def load(n: int, period: str):
        cur = demo_store.cursor()
        prep = prepared(cur, csv(("VV02", period, 100 + n)), f"lead-{n}.csv")
        return uploads.commit(cur, prep, by=acting(f"lead {n}"), accept_warnings=True)

    results = in_threads(*[lambda n=n, p=p: load(n, p) for n, p in enumerate(quarters)])
    failed = [r for r in results if isinstance(r, BaseException)]
    # A lost race is allowed to be refused plainly, never to lose or half-write a figure.
    assert all(isinstance(r, Conflict) for r in failed), failed
    cur = demo_store.cursor()
    for n, (period, result) in enumerate(zip(quarters, results, strict=True)):
        if isinstance(result, uploads.UploadResult):
            assert figure(cur, "VV02", period) == 100 + n
        else:
            assert figure_or_none(cur, period) is None
    stored = cur.execute("SELECT count(*) FROM upload WHERE uploaded_by LIKE 'lead %'").fetchone()
    assert stored[0] == len(results) - len(failed) >= 18


def figure_or_none(cur, period):
    row = cur.execute(
        "SELECT value FROM observation_current_detail WHERE indicator_code = 'VV02' AND period = ?",
        [period],
    ).fetchone()
    return None if row is None else row[0]


def _state(path) -> dict[str, list]:
    store = open_store(path)
    con = store.cursor()
    try:
        tables = ("observation", "upload", "commentary", "audit_log")
        state = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
        state["orphans"] = con.execute(
            "SELECT count(*) FROM observation o WHERE NOT EXISTS "
            "(SELECT 1 FROM upload u WHERE u.id = o.upload_id)"
        ).fetchall()
        return state
    finally:
        store.close()


def test_killing_the_command_line_mid_commit_leaves_before_or_after(copy_demo, tmp_path):
    # A big enough return that the commit takes a while: every quarterly count, 1995 to 2020.
    codes = ["VV02", "HC01", "MS01", "MS02", "FS02", "FS03"]
    quarters = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(1995, 2021) for q in (1, 2, 3, 4)]
    body = csv(*[(c, p, 10 + i) for c in codes for i, p in enumerate(quarters)])
    source = tmp_path / "big-return.csv"
    source.write_bytes(body)
    command = ["load", str(source), "--accept-warnings"]

    def fresh(name: str):
        return copy_demo(tmp_path / name)

    reference = fresh("reference.duckdb")
    before = _state(reference)
    # Real processes, killed for real; forked with the imports done, so the clock times the
    # load itself and each kill lands part-way through the work, not in Python's start.
    started = time.perf_counter()
    done = forked.run(*command, "--db", str(reference))
    whole = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    after = _state(reference)
    assert after["upload"] != before["upload"]

    outcomes = []
    for n, fraction in enumerate((0.55, 0.65, 0.75, 0.8, 0.85, 0.9, 0.95)):
        db = fresh(f"killed-{n}.duckdb")
        proc = forked.start(*command, "--db", str(db))
        time.sleep(whole * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        state = _state(db)
        assert state["orphans"] == [(0,)]
        # Upload times differ between runs, so compare what the figures are, not when.
        figures = {k: v for k, v in state.items() if k == "observation"}
        if state["upload"] == before["upload"]:
            outcomes.append("before")
            assert state == before
        else:
            outcomes.append("after")
            assert len(state["upload"]) == len(after["upload"])
            assert [r[:5] for r in figures["observation"]] == [r[:5] for r in after["observation"]]
    assert set(outcomes) <= {"before", "after"}


def test_the_store_translates_a_lost_race_into_a_plain_conflict(store):
    one, two = store.con.cursor(), store.con.cursor()
    one.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)")
    one.execute("INSERT INTO t VALUES (1, 1)")
    one.execute("BEGIN TRANSACTION")
    one.execute("UPDATE t SET v = 2 WHERE k = 1")
    with pytest.raises(Conflict, match="at the same moment"), transaction(two):
        two.execute("UPDATE t SET v = 3 WHERE k = 1")
    one.execute("COMMIT")
    assert two.execute("SELECT v FROM t").fetchone() == (2,)


def test_two_people_adding_actions_at_once_get_every_action(demo_store):
    """Issue 9, item 4: the reference is taken inside the write, so no action replaces another."""
    from outcomes.workflows import meetings

    def adder(who):
        cur = demo_store.con.cursor()
        return [
            meetings.add_action(cur, by=acting(who), text=f"{who} action {n}", owner="Chair")
            for n in range(6)
        ]

    results = in_threads(lambda: adder("first"), lambda: adder("second"))
    assert all(isinstance(r, list) for r in results), results
    given = results[0] + results[1]
    cur = demo_store.cursor()
    stored = dict(cur.execute("SELECT reference, text FROM action").fetchall())
    assert len(set(given)) == 12 and set(given) == set(stored)
    assert sorted(stored.values()) == sorted(
        f"{w} action {n}" for w in ("first", "second") for n in range(6)
    )
    added = "SELECT count(*) FROM audit_log WHERE entity = 'action' AND change = 'added'"
    assert cur.execute(added).fetchone()[0] == 12
