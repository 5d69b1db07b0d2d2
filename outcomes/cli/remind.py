"""The command line's reminders and calendars: ``python -m outcomes remind`` (meant to run daily
from cron or a systemd timer), ``python -m outcomes calendar`` and ``meeting plan`` (the board's
future meeting dates, which calendars carry)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from loaders import days
from outcomes.cli.common import CommandError, _cursor, _json_default
from outcomes.cli.people import actor, actor_argument
from outcomes.outputs import feeds
from outcomes.workflows import meeting_plan, reminders


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    found = days.read_day(text)
    if found is None:
        raise CommandError.worded("command-date-unreadable", text=text)
    return found


def cmd_remind(args: argparse.Namespace) -> int:
    with _cursor(args.db) as cur:
        by = actor(args, cur)
        email = reminders.remindable(cur, args.person)["email"] if args.person else None
        outcome = reminders.remind(
            cur, by=by, on=_day(args.on), days=args.days, dry_run=args.dry_run, email=email
        )
    if args.json:
        print(json.dumps([r.as_json() for r in outcome.reminders], default=_json_default, indent=2))
    else:
        verb = "would be sent" if args.dry_run else "sent"
        for r in outcome.reminders:
            print(f"{'would send' if args.dry_run else 'sent'} to {r.to}: {r.subject}")
        for to, why in outcome.refused:
            print(f"not sent to {to}: the mail server refused the address ({why})", file=sys.stderr)
        count = len(outcome.reminders)
        tail = " (dry run: nothing sent, nothing recorded)" if args.dry_run else ""
        print(f"{count} {'reminder' if count == 1 else 'reminders'} {verb}{tail}.")
    # On stderr even with --json, so the printed list stays as promised and a cron log keeps it.
    for said in outcome.unreached_words():
        print(said, file=sys.stderr)
    return 1 if outcome.refused else 0


def cmd_calendar(args: argparse.Namespace) -> int:
    with _cursor(args.db) as cur:
        if args.reset:
            if not args.person:
                raise CommandError.worded("command-reset-needs-person")
            by = actor(args, cur)
            token = feeds.reset_token(cur, args.person, by=by)
            print(feeds.feed_url(reminders.base_url(), token))
            return 0
        ics = (
            feeds.person_calendar(cur, args.person, on=_day(args.on))
            if args.person
            else feeds.meetings_calendar(cur)
        )
    if hasattr(sys.stdout, "buffer"):  # the file's own bytes (CRLF line ends, as RFC 5545 has)
        sys.stdout.buffer.write(ics)
    else:
        sys.stdout.write(ics.decode("utf-8"))
    return 0


def cmd_meeting_plan(args: argparse.Namespace) -> int:
    if not args.dates and not args.clear:
        raise CommandError.worded("command-plan-needs-dates")
    with _cursor(args.db) as cur:
        said = meeting_plan.plan(cur, [] if args.clear else args.dates, by=actor(args, cur))
    print(said)
    return 0


def add_meeting_plan(msub, db_argument) -> None:
    """``meeting plan DATE ...``, under the ``meeting`` command."""
    a = msub.add_parser(
        "plan",
        help="the dates of the board's future meetings (for calendars), replacing those planned",
    )
    db_argument(a)
    a.add_argument("dates", metavar="DATE", nargs="*", help="as 2027-01-21 or 21/01/2027")
    a.add_argument("--clear", action="store_true", help="plan no future meetings")
    actor_argument(a)
    a.set_defaults(func=cmd_meeting_plan)


def add_parsers(sub, db_argument) -> None:
    p = sub.add_parser(
        "remind",
        help="e-mail each priority lead the returns they owe (run daily from cron or a timer)",
    )
    db_argument(p)
    p.add_argument("--on", metavar="DATE", help="the day to remind for (default: today)")
    p.add_argument(
        "--days",
        type=int,
        default=reminders.DEFAULT_DAYS,
        metavar="N",
        help=f"returns due within N days ahead (default {reminders.DEFAULT_DAYS}), and overdue",
    )
    p.add_argument("--dry-run", action="store_true", help="send nothing and record nothing")
    p.add_argument("--json", action="store_true", help="print the reminders as JSON")
    p.add_argument("--person", metavar="EMAIL", help='"remind now": only this person')
    actor_argument(p)
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser(
        "calendar",
        help="an .ics calendar: a person's returns and the meetings, or the meetings alone",
    )
    db_argument(p)
    p.add_argument("--person", metavar="EMAIL", help="their returns' due dates and the meetings")
    p.add_argument("--on", metavar="DATE", help="the day the calendar is made for (default today)")
    p.add_argument(
        "--reset",
        action="store_true",
        help="make a new subscription address for --person (the old one stops working)",
    )
    actor_argument(p)
    p.set_defaults(func=cmd_calendar)
