"""Command line: ``python -m outcomes COMMAND``. Run with ``--help`` for the list."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from loaders.problems import as_text, worded
from outcomes.cli import common as cli_common
from outcomes.cli import db as cli_db
from outcomes.cli import partnership as cli_partnership
from outcomes.cli import problems as cli_problems
from outcomes.cli import public as cli_public
from outcomes.cli import remind as cli_remind
from outcomes.cli import returns as cli_returns
from outcomes.cli import statistics as cli_statistics
from outcomes.cli.common import (
    CommandError,
    DatabaseBusy,
    _cursor,
    _db_argument,
    _open,
    _open_file,
    _print_json,
    _read,
    json_text,
)
from outcomes.cli.people import actor, actor_argument, add_user_commands
from outcomes.cli.shared import open_for, public_data_argument, uploads_of
from outcomes.errors import Refused
from outcomes.queries import board
from outcomes.rules import status, wording
from outcomes.storage.people import command_line_person
from outcomes.storage.store import remove_database, resolve_db_path, server_gone, shown
from outcomes.workflows import approval, framework, uploads
from outcomes.workflows.demo import DEMO_FRAMEWORK, build_demo, build_force_demo


def cmd_init(args: argparse.Namespace) -> int:
    target = resolve_db_path(args.db)
    path = shown(target)
    # Read the framework before touching the database, so a bad file changes nothing.
    source = Path(args.framework) if args.framework else DEMO_FRAMEWORK
    fw = framework.read_file(source, by=command_line_person())
    if args.replace:
        remove_database(target)
    try:
        # On a force area, `init --if-empty` (make run) finds it set up whichever partnership
        # it would name; only a --partnership named is looked for.
        store = _open(args.db) if cli_common.PARTNERSHIP.get() else _open_file(args.db)
    except DatabaseBusy as busy:
        if not args.if_empty:
            raise
        # `make run`: whoever holds the file has it set up; the dashboard starts and says
        # "the database is busy" until it is free.
        print(f"{busy} Not checked now; nothing to do.")
        return 0
    try:
        cur = store.cursor()
        has_framework = cur.execute("SELECT count(*) FROM partnership").fetchone()[0] > 0
        if has_framework:
            if args.if_empty:
                print(f"{path}: already set up; nothing to do.")
                return 0
            raise CommandError.worded("command-database-not-empty", path=path)
        if args.partnerships:
            if not args.demo:
                raise CommandError.worded("command-needs-demo")
            made = build_force_demo(store, args.partnerships)
            print(f"{path}: force-area demo built: {len(made)} partnerships ({', '.join(made)}).")
        elif args.demo:
            counts = build_demo(cur, fw)
            print(
                f"{path}: demo built from {source.name}: {counts['observations']:,} figures, {counts['revisions']} correction."
            )
        else:
            framework.import_framework(cur, fw, by=actor(args, cur))
            print(f"{path}: framework imported from {source.name} (no figures yet).")
        return 0
    finally:
        store.close()


def cmd_status(args: argparse.Namespace) -> int:
    rows = _read(args.db, board.status_rows_as_seen)
    if args.json:
        return _print_json(rows)
    header = f"{'priority':<22} {'indicator':<9} {'period':<11} {'value':>10} {'target':>10} {'polarity':<8} status"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = wording.format_value(r["value"], "count", 2, trim=True)
        target = wording.format_value(r["target"], "count", 2, trim=True)
        shown = status.badge_text(r["board_status"])
        if r["status_override"]:
            shown += f" (overridden; computed {status.badge_text(r['status'])})"
        print(
            f"{r['priority_id']:<22} {r['indicator_code']:<9} {r['period'] or '–':<11} {value:>10} "
            f"{target:>10} {r['polarity']:<8} {shown}"
        )
    return 0


def cmd_framework_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fw = _read(args.db, framework.read_framework)
    if out.suffix.lower() == ".xlsx":
        framework.to_xlsx(fw, out)
    elif out.suffix.lower() in (".yaml", ".yml"):
        framework.to_yaml(fw, out)
    else:
        raise CommandError.worded("command-framework-suffix", suffix=out.suffix)
    print(f"framework written to {out}")
    return 0


def cmd_framework_import(args: argparse.Namespace) -> int:
    with _cursor(args.db) as cur:
        person = actor(args, cur)
        fw = framework.read_file(args.file, by=person)
        counts = framework.import_framework(cur, fw, by=person)
    print(framework.imported_words(args.file, counts))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from outcomes.workflows.template import TemplateError, write_template

    store = _open(args.db)
    try:
        rows = write_template(
            store.cursor(), args.out, args.period, priority_id=args.priority, lead=args.lead
        )
    except TemplateError as err:
        raise CommandError.carrying(err) from None
    finally:
        store.close()
    if rows == 0:
        print(
            f"{args.out}: nothing is due for {args.period} from that selection (the sheet has only its header)."
        )
    else:
        print(f"{args.out}: return template with {rows} row(s) for {args.period}.")
    return 0


class _ProgressBar:
    """A one-line bar on stderr for long loads; silent when stderr is not a terminal."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.live = sys.stderr.isatty()

    def __call__(self, fraction: float, message: str) -> None:
        if not self.live:
            return
        overall = (self.done + fraction) / max(1, self.total)
        filled = int(overall * 30)
        print(
            f"\r[{'#' * filled}{'-' * (30 - filled)}] {overall:4.0%} {message[:40]:<40}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def next_file(self) -> None:
        self.done += 1
        if self.live and self.done == self.total:
            print(file=sys.stderr)


def _problem_dict(p) -> dict:
    return {
        k: getattr(p, k)
        for k in ("code", "severity", "message", "file", "sheet", "row", "column", "value")
    }


def cmd_load(args: argparse.Namespace) -> int:
    from outcomes.workflows import uploads

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise CommandError.worded("command-no-file", missing=", ".join(missing))
    store = _open(args.db)
    store.one_thread()  # a person's command, paid for in CPU; the clock gains little
    refused = None
    try:
        bar = _ProgressBar(len(args.files))
        prepared, into = [], {}
        person = actor(args, store.cursor())
        for name in args.files:
            bar(0.1, f"Reading {Path(name).name}")
            # A public file on a database of several partnerships loads once for them all.
            target, prep = uploads.prepare_for(store, name, by=person, fmt=args.format)
            into[id(target)] = cur = target
            prepared.append(prep)
            bar.next_file()
        if len(into) > 1:
            raise CommandError.worded("command-shared-and-returns")
        try:
            bar = _ProgressBar(1)
            results = uploads.commit_all(
                cur,
                prepared,
                by=person,
                accept_warnings=args.accept_warnings,
                progress=bar,
            )
            bar.next_file()
        except uploads.UploadRefused as err:
            refused, results = str(err), [None] * len(prepared)
        # What each upload put before the board besides figures: its commentary and blockages.
        told = [uploads.upload_commentary(cur, r.upload_id if r else None) for r in results]
        # Where the partnership asks for approval, a lead's return waits: said, not hidden.
        waits = [approval.waits(cur, r.upload_id if r else None) for r in results]
    finally:
        store.close()
    report = []
    for prep, result, notes, held in zip(prepared, results, told, waits, strict=True):
        entry = {
            "file": prep.file_name,
            "format": prep.source_format,
            "summary": prep.summary,
            "problems": prep.problems,
            "result": None,
            "commentary": notes,
        }
        if result is not None:
            entry["result"] = {
                "upload_id": result.upload_id,
                "new": result.rows_new,
                "revised": result.rows_revised,
                "unchanged": result.rows_unchanged,
                "already_loaded_as": prep.already_loaded,
                "waits_for_approval": held,
            }
        report.append(entry)
    if args.json:
        print(
            json_text(
                {
                    "ok": refused is None,
                    "refused": refused,
                    "files": [
                        {**e, "problems": [_problem_dict(p) for p in e["problems"]]} for e in report
                    ],
                }
            )
        )
    else:
        for entry in report:
            print(f"{entry['file']} ({entry['format']})")
            for key, value in entry["summary"].items():
                print(f"  {key}: {value}")
            if entry["problems"]:
                print(as_text(entry["problems"], severity=True))
            result = entry["result"]
            if result and result["already_loaded_as"] is not None:
                print(f"  already loaded as upload {result['already_loaded_as']}: nothing changed")
            elif result and result["upload_id"] is None:
                print(
                    f"  every figure is the same as the current one: nothing changed ({result['unchanged']} unchanged)"
                )
            elif result:
                print(
                    f"  loaded as upload {result['upload_id']}: {result['new']} new, {result['revised']} revised, {result['unchanged']} unchanged"
                )
                if result["waits_for_approval"]:
                    print(f"  {result['waits_for_approval']}")
            for line in uploads.commentary_lines(entry["commentary"]):
                print(f"  commentary for the board: {line}")
    if refused:
        print(refused, file=sys.stderr)
        return 1
    return 0


def cmd_uploads(args: argparse.Namespace) -> int:
    from outcomes.workflows import uploads

    store = open_for(args)
    try:
        frame = uploads.uploads(uploads_of(store, args))
    finally:
        store.close()
    if args.json:
        return _print_json(frame.astype(object).where(frame.notna(), None).to_dict("records"))
    for r in frame.itertuples():
        print(
            f"{r.id:>4}  {r.uploaded_at:%Y-%m-%d %H:%M}  {r.state_in_words:<11}  {r.rows_new:>6} new {r.rows_revised:>5} revised  {r.file_name}  ({r.uploaded_by})"
        )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from outcomes.workflows import uploads

    store = open_for(args)
    try:
        change = uploads.restore if args.command == "restore" else uploads.rollback
        by = actor(args, store.cursor())
        print(change(uploads_of(store, args), args.upload_id, by=by))
    finally:
        store.close()
    return 0


def cmd_meeting_add(args: argparse.Namespace) -> int:
    from outcomes.workflows import meetings

    store = _open(args.db)
    try:
        cur = store.cursor()
        meeting_id = meetings.record_meeting(cur, args.date, by=actor(args, cur), title=args.title)
        frozen = cur.execute(
            "SELECT count(*) FROM meeting_status WHERE meeting_id = ?", [meeting_id]
        ).fetchone()[0]
    except meetings.MeetingError as err:
        raise CommandError.carrying(err) from None
    finally:
        store.close()
    print(
        f"meeting {args.date} recorded; {frozen} indicator statuses frozen as the board saw them."
    )
    return 0


def cmd_meeting_list(args: argparse.Namespace) -> int:
    from outcomes.workflows import meeting_plan, meetings

    for day in reversed(_read(args.db, meeting_plan.planned)):
        print(f"{day:%Y-%m-%d}  planned")
    frame = _read(args.db, meetings.meetings)
    for r in frame.itertuples():
        print(f"{r.meeting_date:%Y-%m-%d}  {r.title or ''}  (recorded by {r.recorded_by})")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from outcomes.workflows import meetings

    store = _open(args.db)
    try:
        cur = store.cursor()
        if args.action == "export":
            n = meetings.export_actions(cur, args.file)
            print(f"{n} action(s) written to {args.file}")
        else:
            counts = meetings.import_actions(cur, args.file, by=actor(args, cur))
            print(
                f"actions imported from {args.file}: {counts['added']} added, {counts['changed']} changed, {counts['unchanged']} unchanged"
            )
    except meetings.MeetingError as err:
        raise CommandError.carrying(err) from None
    finally:
        store.close()
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from outcomes.outputs import pack

    out = Path(args.out)
    if out.suffix.lower().lstrip(".") != args.format:
        raise CommandError.worded("command-out-suffix", name=out.name, format=args.format)
    store = _open(args.db)
    try:
        made = pack.build_pack(
            store.cursor(),
            args.format,
            out,
            meeting_date=args.meeting,
            paper=args.paper,
            public=args.public,
        )
    except pack.PackError as err:
        raise CommandError.carrying(err) from None
    finally:
        store.close()
    facts = ", ".join(f"{v} {k}" for k, v in made.items() if k != "seconds")
    kind = "public pack" if args.public else "board pack"
    print(f"{kind} written to {out} ({facts}; {made.get('seconds', 0):.1f} s)")
    return 0


class _Unbuilt:
    """Stands in for the parser of a command not being run: accepts whatever is asked of a
    parser and builds nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self


class _OneCommand:
    """The commands' subparsers when the command line names one: only its parser is built. A
    parser costs its arguments' help text looked up in gettext's catalogues, and all of them
    together were 0.05 to 0.07 s of CPU, a tenth of loading a partnership's return."""

    def __init__(self, sub: Any, command: str) -> None:
        self.sub, self.command = sub, command

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return self.sub.add_parser(name, **kwargs) if name == self.command else _Unbuilt()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; or, given ``command``, that command's alone (its name is all the
    top-level parser then knows, so build it only for a name :func:`main` found is one)."""
    parser = argparse.ArgumentParser(
        prog="python -m outcomes", description="Outcomes framework dashboard: data commands."
    )
    sub: Any = parser.add_subparsers(dest="command", required=True)
    if command is not None:
        sub = _OneCommand(sub, command)

    p = sub.add_parser(
        "init", help="create the database and import the framework (optionally the demo figures)"
    )
    _db_argument(p)
    p.add_argument(
        "--demo", action="store_true", help="also build the demo figures (2021/22 Q1 to 2024/25 Q4)"
    )
    p.add_argument(
        "--framework",
        metavar="FILE",
        help="framework file, .yaml or .xlsx (default: data/framework.yaml)",
    )
    p.add_argument(
        "--partnerships",
        type=int,
        metavar="N",
        help="with --demo: a force area of N partnerships (2 to 5), each with its own figures",
    )
    p.add_argument(
        "--if-empty", action="store_true", help="do nothing if the database is already set up"
    )
    p.add_argument(
        "--replace", action="store_true", help="delete the database file first and start again"
    )
    actor_argument(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "status", help="the latest status of every indicator (the indicator_status view)"
    )
    _db_argument(p)
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("framework", help="export or import the framework")
    fsub = p.add_subparsers(dest="action", required=True)
    e = fsub.add_parser("export", help="write the framework to .xlsx or .yaml")
    _db_argument(e)
    e.add_argument("--out", required=True, metavar="FILE")
    e.set_defaults(func=cmd_framework_export)
    i = fsub.add_parser(
        "import", help="replace the framework from .xlsx or .yaml (figures are kept)"
    )
    _db_argument(i)
    i.add_argument("file", metavar="FILE")
    actor_argument(i)
    i.set_defaults(func=cmd_framework_import)

    _add_template(sub)

    p = sub.add_parser("load", help="check and load returns or public data files (all or nothing)")
    _db_argument(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    actor_argument(p)
    p.add_argument("--format", default="auto", choices=uploads.FORMATS)
    p.add_argument(
        "--accept-warnings",
        action="store_true",
        help="load despite warnings (big changes, small numbers, revisions of figures the board saw)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("uploads", help="list uploads, newest first")
    _db_argument(p)
    p.add_argument("--json", action="store_true")
    public_data_argument(p)
    p.set_defaults(func=cmd_uploads)

    for name, words in (
        ("rollback", "undo an upload: the figures it replaced are current again"),
        ("restore", "undo a rollback: the upload's figures count again"),
    ):
        p = sub.add_parser(name, help=words)
        _db_argument(p)
        p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
        actor_argument(p)
        public_data_argument(p)
        p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("meeting", help="record board meetings (freezes the statuses the board saw)")
    msub = p.add_subparsers(dest="meeting_action", required=True)
    a = msub.add_parser("add", help="record a meeting: DATE as 2025-03-13")
    _db_argument(a)
    a.add_argument("date", metavar="DATE")
    a.add_argument("--title", default=None)
    actor_argument(a)
    a.set_defaults(func=cmd_meeting_add)
    a = msub.add_parser("list", help="the meetings recorded, newest first, and those planned")
    _db_argument(a)
    a.set_defaults(func=cmd_meeting_list)
    cli_remind.add_meeting_plan(msub, _db_argument)

    p = sub.add_parser("actions", help="export the actions log to xlsx, or import it back")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", metavar="FILE.xlsx")
    _db_argument(p)
    actor_argument(p)
    p.set_defaults(func=cmd_actions)

    _add_pack(sub)
    cli_statistics.add_parsers(sub)
    cli_partnership.add_parsers(sub, _db_argument)
    cli_problems.add_parser(sub)
    add_user_commands(sub, _db_argument, _open)
    cli_remind.add_parsers(sub, _db_argument)
    return parser


def _add_template(sub) -> None:
    p = sub.add_parser(
        "template", help="write a pre-filled return workbook for a priority or a lead"
    )
    _db_argument(p)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--priority", metavar="ID", help="priority id, e.g. street-violence")
    who.add_argument(
        "--lead", metavar="NAME", help="a lead's or accountable person's role, or part of it"
    )
    p.add_argument("--period", required=True, help='the return period, e.g. "2024/25 Q3"')
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_template)


def _add_pack(sub) -> None:
    p = sub.add_parser("pack", help="the board pack: PDF, PowerPoint or Excel")
    _db_argument(p)
    p.add_argument("--format", required=True, choices=["pdf", "pptx", "xlsx"])
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument(
        "--meeting",
        metavar="DATE",
        help="the statuses frozen at this meeting (default: as they stand now)",
    )
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="PDF paper size")
    p.add_argument(
        "--public",
        action="store_true",
        help="the public pack: only the published indicators, small numbers suppressed",
    )
    p.set_defaults(func=cmd_pack)
    cli_public.add_parser(sub, _db_argument)
    cli_returns.add_parser(sub, _db_argument)
    cli_db.add_parser(sub, _db_argument)


#: every command's name (tests/unit/test_cli.py holds it to the full parser's list)
_COMMANDS = frozenset(
    [
        "actions",
        "approval",
        "calendar",
        "compare",
        "db",
        "framework",
        "init",
        "load",
        "meeting",
        "pack",
        "partnership",
        "problems",
        "public",
        "remind",
        "restore",
        "rollback",
        "spc",
        "status",
        "template",
        "uploads",
        "user",
    ]
)


def _command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` starts with, when it starts with one (else every command's parser
    is built, to list them or say which was meant)."""
    return argv[0] if argv and argv[0] in _COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_named(argv)).parse_args(argv)
    chosen = cli_common.PARTNERSHIP.set(getattr(args, "partnership", None))
    try:
        return args.func(args)
    except Refused as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            print(
                "error: the database is open in another program (probably the running "
                "dashboard). Stop it first, or point --db at another file.",
                file=sys.stderr,
            )
            return 2
        print(f"error: the database could not be read or written ({err}).", file=sys.stderr)
        return 1
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        print(f"error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped; nothing half-written was kept.", file=sys.stderr)
        return 130
    except Exception as err:
        if server_gone(err):
            # The PostgreSQL server went away part-way: its transaction was rolled back with it.
            print(f"error: {worded('command-failed', 'server-gone')}", file=sys.stderr)
            return 1
        if os.environ.get("OUTCOMES_DEBUG"):
            raise
        # A fault in the product, not the person's input: one line, and how to see more.
        print(f"error: {worded('command-failed', kind=type(err).__name__)}", file=sys.stderr)
        return 1
    finally:
        cli_common.PARTNERSHIP.reset(chosen)
