"""Reminders by e-mail: each priority lead, once a day at most, the returns they owe.

What a lead owes comes from the reporting calendar (``outcomes.workflows.calendar``): for each indicator
of their priorities that a lead's return carries (not one computed from public data), the
latest period that has fallen due when its figure is missing (overdue), and the next period
when it falls due within the days asked (7 by default) and its figure is not in yet. Each is
linked straight to "Your returns" for that priority and quarter (``OUTCOMES_BASE_URL``).

A reminder is recorded (``reminder_sent``) only once the mail server has accepted the message,
one row per return and day, and a return already reminded of that day is left out: running the
command twice in a day sends nothing new, and a run that could not reach the server records
nothing, so the next run sends it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from loaders import periods
from loaders.periods import Period
from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.storage.people import Person, find, require, writes
from outcomes.storage.store import audit, insert_frame, transaction
from outcomes.workflows import approval, calendar, mail, typed_returns

DEFAULT_DAYS = 7
DEFAULT_BASE_URL = "http://localhost:8501"
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Owed:
    """One figure a lead owes: an indicator's return for a period."""

    priority_id: str
    priority: str  # the priority's title
    indicator: str  # the indicator's code
    indicator_name: str
    period: Period
    due_date: date
    overdue: bool
    link: str

    @property
    def quarter(self) -> Period:
        """The quarterly return that carries this figure (a month's in its quarter's, a year's
        in its Q4's)."""
        return periods.period_containing(self.period.end, "quarter")

    def as_json(self) -> dict[str, Any]:
        return {
            "priority": self.priority_id,
            "indicator": self.indicator,
            "period": self.period.code,
            "due_date": self.due_date.isoformat(),
            "overdue": self.overdue,
            "link": self.link,
        }


@dataclass(frozen=True)
class Waiting:
    """A lead's submitted return waiting for this approver."""

    upload_id: int
    priority_id: str
    priority: str
    period: str  # the period's code
    submitted_by: str
    submitted_at: datetime
    link: str

    def as_json(self) -> dict[str, Any]:
        return {
            "upload": self.upload_id,
            "priority": self.priority_id,
            "period": self.period,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat(),
            "link": self.link,
        }


@dataclass(frozen=True)
class Reminder:
    """One e-mail: to one person, listing every return they owe and every submission waiting
    for their approval that they were not yet reminded of that day."""

    to: str
    name: str
    returns: tuple[Owed, ...]
    link: str
    partnership: str
    on: date
    approvals: tuple[Waiting, ...] = ()

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.returns)

    @property
    def subject(self) -> str:
        """What the inbox shows.

        >>> r = Reminder("a@x.org", "Ann", (), "", "Safer Plymouth", date(2026, 12, 7))
        >>> r.subject
        'Safer Plymouth: no returns due'
        """
        overdue, due = self.overdue, len(self.returns) - self.overdue
        said = []
        if overdue:
            said.append(f"{overdue} {'return' if overdue == 1 else 'returns'} overdue")
        if due:
            first = min(r.due_date for r in self.returns if not r.overdue)
            said.append(f"{due} due by {periods.long_date(first)}")
        if self.approvals:
            n = len(self.approvals)
            said.append(f"{n} {'return' if n == 1 else 'returns'} waiting for your approval")
        return f"{self.partnership}: {', '.join(said) or 'no returns due'}"

    def groups(self) -> list[dict[str, Any]]:
        """The returns by priority and quarter, each with its link, most urgent first."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for r in self.returns:
            key = (r.priority_id, r.quarter.code)
            group = found.setdefault(
                key,
                {
                    "priority": r.priority,
                    "quarter": wording.period(r.quarter.code),
                    "link": r.link,
                    "returns": [],
                },
            )
            group["returns"].append(r)
        return list(found.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "to": self.to,
            "subject": self.subject,
            "returns": [r.as_json() for r in self.returns],
            "approvals": [w.as_json() for w in self.approvals],
            "link": self.link,
        }


def base_url(env: Mapping[str, str] | None = None) -> str:
    """The dashboard's address as people reach it, for links in e-mails and calendars."""
    env = os.environ if env is None else env
    return (env.get("OUTCOMES_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")


def returns_link(base: str, priority_id: str | None = None, quarter: Period | None = None) -> str:
    """The link straight to "Your returns" for a priority and quarter (the page's own address,
    ``typed_returns.returns_link``, after the dashboard's).

    >>> returns_link("https://csp.example.org", "street-violence", periods.quarter(2026, 2))
    'https://csp.example.org/returns?priority=street-violence&period=2026%2F27+Q2'
    """
    if priority_id is None:
        return f"{base}/{typed_returns.PAGE}"
    return f"{base}/{typed_returns.returns_link(priority_id, quarter.code if quarter else None)}"


# ---------------------------------------------------------------------------------------------
# What each lead owes


def _indicators(cur: duckdb.DuckDBPyConnection) -> list[tuple]:
    return cur.execute(
        "SELECT i.priority_id, pr.title, i.code, i.name, i.frequency, u.due_days "
        "FROM indicator i JOIN priority pr ON pr.id = i.priority_id "
        "JOIN indicator_due u ON u.indicator_code = i.code "
        f"WHERE {calendar.NOT_COMPUTED} ORDER BY pr.sort_order, pr.id, i.sort_order, i.code"
    ).fetchall()


# How far back a reminder lists the periods missing since an indicator's latest figure: a
# year of months; an indicator silent for longer is a conversation, not a reminder.
MISSING_BACK = 12


def owed(
    cur: duckdb.DuckDBPyConnection, on: date, days: int = DEFAULT_DAYS, *, base: str
) -> dict[str, list[Owed]]:
    """Every priority's returns overdue at ``on`` (each period fallen due since the indicator's
    latest figure) or due within ``days`` after it, by priority."""
    sent = set(
        cur.execute(
            "SELECT indicator_code, period FROM observation_current_detail WHERE area = 'all'"
        ).fetchall()
    )
    latest = dict(
        cur.execute(
            "SELECT indicator_code, max(period_end) FROM observation_current_detail "
            "WHERE area = 'all' GROUP BY indicator_code"
        ).fetchall()
    )
    found: dict[str, list[Owed]] = {}
    for pid, title, code, name, frequency, due_days in _indicators(cur):
        last = calendar.latest_due(periods.FREQUENCY_KIND[frequency], due_days, on)
        since = latest.get(code)
        missing = [
            (p, True)
            for p in (last.previous(n) for n in range(MISSING_BACK))
            if since is None or p.end > _as_date(since)
        ][: 1 if since is None else MISSING_BACK]
        for period, overdue in [*reversed(missing), (last.next(), False)]:
            due = calendar.due_date(period, due_days)
            if (code, period.code) in sent or (not overdue and due > on + timedelta(days=days)):
                continue
            quarter = periods.period_containing(period.end, "quarter")
            found.setdefault(pid, []).append(
                Owed(pid, title, code, name, period, due, overdue, returns_link(base, pid, quarter))
            )
    return found


def unreached(
    cur: duckdb.DuckDBPyConnection, on: date, days: int = DEFAULT_DAYS, *, base: str
) -> dict[str, list[Owed]]:
    """The returns owed at ``on`` (as :func:`owed`) of each priority that no active priority
    lead is recorded for, by priority: there is nobody to e-mail, so nobody is reminded of them
    until the partnership adds its lead."""
    led = {pid for _, _, pid in _leads(cur)}
    return {pid: rs for pid, rs in owed(cur, on, days, base=base).items() if pid not in led}


def unreached_words(priority_id: str, returns: list[Owed], verb: str = "was") -> str:
    """What ``remind`` and the dashboard say of a priority's returns owed with no lead to remind
    (``verb``: "was" after a run, "would be" after a dry run, "is" on the dashboard).

    >>> r = Owed("modern-slavery", "Modern slavery", "MS02", "Referrals", periods.quarter(2026, 1),
    ...          date(2026, 8, 14), True, "")
    >>> unreached_words("modern-slavery", [r])
    "Nobody was reminded of Modern slavery's returns: MS02 Referrals for Q1 2026/27 (Apr–Jun 2026), overdue since 14 August 2026. The partnership has no priority lead for it with an e-mail address: add one with python -m outcomes user add EMAIL --name NAME --role lead --priority modern-slavery (or on the People and roles page)."
    """
    each = [
        f"{r.indicator} {r.indicator_name} for {wording.period(r.period.code)}, "
        + (f"overdue since {periods.long_date(r.due_date)}" if r.overdue else "due by ")
        + ("" if r.overdue else periods.long_date(r.due_date))
        for r in returns
    ]
    return (
        f"Nobody {verb} reminded of {returns[0].priority}'s returns: {'; '.join(each)}. "
        "The partnership has no priority lead for it with an e-mail address: add one with "
        f"python -m outcomes user add EMAIL --name NAME --role lead --priority {priority_id} "
        "(or on the People and roles page)."
    )


def _as_date(value: Any) -> date:
    return date(value.year, value.month, value.day)


def _leads(cur: duckdb.DuckDBPyConnection, email: str | None = None) -> list[tuple[str, str, str]]:
    """(e-mail, name, priority) for every active priority lead, or only ``email``'s."""
    only = "" if email is None else "AND p.email = ?"
    return cur.execute(
        "SELECT p.email, p.name, pp.priority_id FROM person p "
        "JOIN person_priority pp ON pp.person_id = p.id "
        f"WHERE p.active AND p.role = 'lead' {only} ORDER BY p.email, pp.priority_id",
        [] if email is None else [email],
    ).fetchall()


def plan(
    cur: duckdb.DuckDBPyConnection,
    on: date,
    days: int = DEFAULT_DAYS,
    *,
    base: str,
    email: str | None = None,
) -> list[Reminder]:
    """The e-mails a run on ``on`` would send: one per lead owing something not yet reminded of
    that day (only ``email``'s when given), in address order."""
    if days < 0:
        raise Refused.worded("remind-days-negative")
    by_priority = owed(cur, on, days, base=base)
    already = set(
        cur.execute(
            "SELECT email, kind, about, period FROM reminder_sent WHERE reminded_on = ?", [on]
        ).fetchall()
    )
    row = cur.execute("SELECT name FROM partnership WHERE id = 1").fetchone()
    partnership = row[0] if row else "The partnership"
    theirs: dict[str, tuple[str, list[Owed]]] = {}
    for address, name, pid in _leads(cur, email):
        _, listed = theirs.setdefault(address, (name, []))
        listed.extend(
            r
            for r in by_priority.get(pid, [])
            if (address, "return", r.indicator, r.period.code) not in already
        )
    waiting = _waiting(cur, base, email, already)
    names = dict(cur.execute("SELECT email, name FROM person").fetchall())
    reminders = []
    for address in sorted(set(theirs) | set(waiting)):
        name, listed = theirs.get(address, (names.get(address, address), []))
        approvals = tuple(waiting.get(address, ()))
        if not listed and not approvals:
            continue
        listed.sort(key=lambda r: (not r.overdue, r.due_date))
        links = {r.link for r in listed} | {w.link for w in approvals}
        link = next(iter(links)) if len(links) == 1 else returns_link(base)
        reminders.append(Reminder(address, name, tuple(listed), link, partnership, on, approvals))
    return reminders


def _waiting(
    cur: duckdb.DuckDBPyConnection, base: str, email: str | None, already: set[tuple]
) -> dict[str, list[Waiting]]:
    """The submissions waiting for each approver (only ``email``'s when given), less those
    they were reminded of that day."""
    found: dict[str, list[Waiting]] = {}
    for address, rows in approval.waiting_for(cur).items():
        if email is not None and address != email:
            continue
        for r in rows:
            if (address, "approval", r["priority_id"], r["period"]) in already:
                continue
            quarter = typed_returns.read_period(r["period"])
            found.setdefault(address, []).append(
                Waiting(
                    int(r["upload_id"]),
                    r["priority_id"],
                    r["priority"],
                    r["period"],
                    r["submitted_by"],
                    r["submitted_at"],
                    returns_link(base, r["priority_id"], quarter),
                )
            )
    return found


# ---------------------------------------------------------------------------------------------
# The e-mail


@cache
def _environment() -> Environment:
    # The HTML part autoescaped; the plain text is text, where escaping would show "&amp;".
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(day=periods.long_date, period=wording.period)
    return env


def bodies(reminder: Reminder) -> tuple[str, str]:
    """The e-mail's plain text and its HTML part (from an autoescaped template)."""
    env = _environment()
    facts = {"r": reminder, "groups": reminder.groups()}
    text = env.get_template("reminder.txt").render(**facts)
    return text, env.get_template("reminder.html").render(**facts)


# ---------------------------------------------------------------------------------------------
# Sending and recording


@writes("reminders.send")
def record_sent(cur: duckdb.DuckDBPyConnection, reminder: Reminder, *, by: Person) -> None:
    """Record that ``reminder`` was accepted by the mail server: its returns are not sent again
    that day. Called only after the server said yes."""
    frame = pd.DataFrame(
        {
            "email": reminder.to,
            "kind": ["return"] * len(reminder.returns) + ["approval"] * len(reminder.approvals),
            "about": [r.indicator for r in reminder.returns]
            + [w.priority_id for w in reminder.approvals],
            "period": [r.period.code for r in reminder.returns]
            + [w.period for w in reminder.approvals],
            "reminded_on": reminder.on,
            "overdue": [r.overdue for r in reminder.returns] + [False] * len(reminder.approvals),
            "sent_at": datetime.now().replace(microsecond=0),
            "sent_by": by.label,
        }
    ).drop_duplicates(["kind", "about", "period"])
    with transaction(cur):
        insert_frame(cur, "reminder_sent", frame)
        audit(
            cur,
            by,
            "reminder",
            reminder.to,
            "sent",
            after={
                "on": reminder.on.isoformat(),
                "returns": [f"{r.indicator} {r.period.code}" for r in reminder.returns],
                "approvals": [f"{w.priority_id} {w.period}" for w in reminder.approvals],
            },
        )


@dataclass
class Outcome:
    """What a run did: the reminders sent (or, on a dry run, that would be)."""

    reminders: list[Reminder] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (address, the server's reason)
    # Returns owed by priorities with no lead to remind, by priority (:func:`unreached`).
    unreached: dict[str, list[Owed]] = field(default_factory=dict)
    dry_run: bool = False

    def unreached_words(self) -> list[str]:
        verb = "would be" if self.dry_run else "was"
        return [unreached_words(pid, rs, verb) for pid, rs in self.unreached.items()]


def send(
    cur: duckdb.DuckDBPyConnection,
    reminders: Iterable[Reminder],
    *,
    by: Person,
    settings: mail.MailSettings,
    connect: Callable[[mail.MailSettings], Any] = mail.connected,
) -> Outcome:
    """Hand each reminder to the mail server and record each one it accepts."""
    import smtplib

    done = Outcome()
    pending = list(reminders)
    if not pending:
        return done
    with connect(settings) as server:
        for reminder in pending:
            text, html = bodies(reminder)
            msg = mail.message(settings, reminder.to, reminder.subject, text, html)
            try:
                server.send_message(msg)
            except smtplib.SMTPRecipientsRefused as err:
                done.refused.append((reminder.to, _reason(err)))
                continue
            except (OSError, smtplib.SMTPException) as err:
                raise mail.MailUnreachable.worded(
                    "mail-stopped",
                    where=settings.where,
                    sent=len(done.reminders),
                    pending=len(pending),
                    reason=_reason(err),
                ) from None
            record_sent(cur, reminder, by=by)
            done.reminders.append(reminder)
    return done


def _reason(err: BaseException) -> str:
    if isinstance(err, Exception) and getattr(err, "recipients", None):
        code, words = next(iter(err.recipients.values()))
        return f"{code} {words.decode(errors='replace') if isinstance(words, bytes) else words}"
    return getattr(err, "strerror", None) or str(err) or type(err).__name__


def remind(
    cur: duckdb.DuckDBPyConnection,
    *,
    by: Person,
    on: date | None = None,
    days: int = DEFAULT_DAYS,
    dry_run: bool = False,
    email: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """The daily run: every lead's reminder (only ``email``'s when given), sent and recorded;
    on a dry run only listed, with nothing sent and nothing recorded."""
    on = on or date.today()
    if not dry_run:  # refused before a message goes out, not when recording it afterwards
        require(by, "reminders.send")
    settings = None if dry_run else mail.settings(env)  # refused before anything is looked at
    reminders = plan(cur, on, days, base=base_url(env), email=email)
    # Reminding one person ("remind now") is not the run that must notice a priority no one leads.
    nobody = {} if email is not None else unreached(cur, on, days, base=base_url(env))
    if dry_run:
        return Outcome(reminders, unreached=nobody, dry_run=True)
    done = send(cur, reminders, by=by, settings=settings)
    done.unreached = nobody
    return done


def remindable(cur: duckdb.DuckDBPyConnection, email: str) -> dict[str, Any]:
    """The person ``email`` names, refused in words unless the partnership knows them."""
    found = find(cur, email)
    if found is None or not found["active"]:
        raise Refused.worded("unknown-person", "remind", email=email)
    return found


def remind_person(
    cur: duckdb.DuckDBPyConnection,
    email: str,
    *,
    by: Person,
    on: date | None = None,
    days: int = DEFAULT_DAYS,
    env: Mapping[str, str] | None = None,
) -> str:
    """ "Remind now": one person's reminder, sent at once; a sentence saying what happened.

    The once-a-day rule holds here too: returns they were already reminded of today are not
    sent again, and the sentence says so.
    """
    found = remindable(cur, email)
    result = remind(cur, by=by, on=on, days=days, email=found["email"], env=env)
    if result.refused:
        raise Refused.worded("mail-recipient-refused", email=found["email"])
    if not result.reminders:
        return (
            f"{found['name']} has no return owed in the next {days} days, and none waiting for "
            "their approval, that they were not already reminded of today; nothing was sent."
        )
    sent = result.reminders[0]
    return f"{found['name']} was sent a reminder: {sent.subject}."


def lead_choices(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each active priority lead's address and how "remind now" names them (name and
    priorities), in name order."""
    found: dict[str, tuple[str, list[str]]] = {}
    titles = dict(cur.execute("SELECT id, title FROM priority").fetchall())
    for address, name, pid in _leads(cur):
        found.setdefault(address, (name, []))[1].append(titles.get(pid, pid))
    return {
        address: f"{name} ({'; '.join(listed)})"
        for address, (name, listed) in sorted(found.items(), key=lambda kv: kv[1][0].lower())
    }


# ---------------------------------------------------------------------------------------------
# Sent by the dashboard itself, each morning (serve.py)

# Who the audit trail names for the reminders serve.py sends on its own.
DAILY = Person(email=None, name="daily reminders (the dashboard)", role="admin", how="system")


def remind_at(env: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """The time of day ``OUTCOMES_REMIND_AT`` asks the dashboard to send reminders, or None.

    >>> remind_at({"OUTCOMES_REMIND_AT": "7:30"}), remind_at({})
    ((7, 30), None)
    """
    env = os.environ if env is None else env
    text = (env.get("OUTCOMES_REMIND_AT") or "").strip()
    if not text:
        return None
    try:
        hour, minute = (int(part) for part in text.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise Refused.worded("remind-time-unreadable", text=text) from None
    return hour, minute


def next_run(now: datetime, at: tuple[int, int]) -> datetime:
    """The next moment at ``at`` (hour, minute) after ``now``.

    >>> next_run(datetime(2026, 12, 7, 6, 0), (7, 30)), next_run(datetime(2026, 12, 7, 8, 0), (7, 30))
    (datetime.datetime(2026, 12, 7, 7, 30), datetime.datetime(2026, 12, 8, 7, 30))
    """
    today = now.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)
