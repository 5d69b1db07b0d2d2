"""Command line: ``python -m outcomes COMMAND``. Run with ``--help`` for the list."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb

from outcomes import board, framework, status
from outcomes.demo import DEMO_FRAMEWORK, build_demo
from outcomes.store import open_store, resolve_db_path


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $OUTCOMES_DB, else data/outcomes.duckdb)",
    )


def _open(db: str | None):
    path = resolve_db_path(db)
    try:
        return open_store(path)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise CommandError(
                f"{path} is open in another program (probably the running dashboard). "
                "Stop it first, or point --db at another file."
            ) from None
        raise CommandError(f"cannot open {path}: {err}") from None


def cmd_init(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    # Read the framework before touching the database, so a bad file changes nothing.
    source = Path(args.framework) if args.framework else DEMO_FRAMEWORK
    fw = framework.read_file(source)
    if args.replace and path.exists():
        path.unlink()
        Path(f"{path}.wal").unlink(missing_ok=True)
    store = _open(args.db)
    try:
        cur = store.cursor()
        has_framework = cur.execute("SELECT count(*) FROM partnership").fetchone()[0] > 0
        if has_framework:
            if args.if_empty:
                print(f"{path}: already set up; nothing to do.")
                return 0
            raise CommandError(
                f"{path} already holds a framework and figures. Use --replace to delete it and "
                "start again, or `python -m outcomes framework import FILE` to update the framework."
            )
        if args.demo:
            counts = build_demo(cur, fw)
            print(
                f"{path}: demo built from {source.name}: {counts['observations']:,} figures, {counts['revisions']} correction."
            )
        else:
            framework.import_framework(cur, fw)
            print(f"{path}: framework imported from {source.name} (no figures yet).")
        return 0
    finally:
        store.close()


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def cmd_status(args: argparse.Namespace) -> int:
    store = _open(args.db)
    try:
        rows = board.status_rows(store.cursor())
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, default=_json_default, indent=2))
        return 0
    header = f"{'priority':<22} {'indicator':<9} {'period':<11} {'value':>10} {'target':>10} {'polarity':<8} status"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = "–" if r["value"] is None else f"{r['value']:,.2f}".rstrip("0").rstrip(".")
        target = "–" if r["target"] is None else f"{r['target']:,.2f}".rstrip("0").rstrip(".")
        print(
            f"{r['priority_id']:<22} {r['indicator_code']:<9} {r['period'] or '–':<11} {value:>10} "
            f"{target:>10} {r['polarity']:<8} {status.badge_text(r['status'])}"
        )
    return 0


def cmd_framework_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    store = _open(args.db)
    try:
        fw = framework.read_framework(store.cursor())
    finally:
        store.close()
    if out.suffix.lower() == ".xlsx":
        framework.to_xlsx(fw, out)
    elif out.suffix.lower() in (".yaml", ".yml"):
        framework.to_yaml(fw, out)
    else:
        raise CommandError(f"cannot write '{out.suffix}' files: name the output .xlsx or .yaml")
    print(f"framework written to {out}")
    return 0


def cmd_framework_import(args: argparse.Namespace) -> int:
    fw = framework.read_file(args.file)
    store = _open(args.db)
    try:
        counts = framework.import_framework(store.cursor(), fw, who=args.by)
    finally:
        store.close()
    print(
        f"framework imported from {args.file}: {counts['priority']} priorities, "
        f"{counts['indicator']} indicators, {counts['indicator_target']} trajectory targets"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m outcomes", description="Outcomes framework dashboard: data commands."
    )
    sub = parser.add_subparsers(dest="command", required=True)

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
        "--if-empty", action="store_true", help="do nothing if the database is already set up"
    )
    p.add_argument(
        "--replace", action="store_true", help="delete the database file first and start again"
    )
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
    i.add_argument(
        "--by",
        default="administrator",
        metavar="NAME",
        help="who is importing, for the audit trail",
    )
    i.set_defaults(func=cmd_framework_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CommandError, framework.FrameworkError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
