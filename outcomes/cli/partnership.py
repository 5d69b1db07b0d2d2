"""``partnership add|list|commissioner``: the partnerships one deployment serves (issue 19)."""

from __future__ import annotations

import argparse
from pathlib import Path

from outcomes.cli.common import _open_file, _print_json
from outcomes.cli.people import actor, actor_argument
from outcomes.workflows import framework, partnerships


def cmd_partnership_list(args: argparse.Namespace) -> int:
    store = _open_file(args.db)
    try:
        rows = partnerships.summary(store)
    finally:
        store.close()
    if args.json:
        return _print_json(rows)
    if not rows:
        print("No partnership yet: `python -m outcomes init` makes the first.")
        return 0
    print(f"{'id':<16} {'priorities':>10} {'indicators':>10} {'people':>6}  name")
    for r in rows:
        print(
            f"{r['id']:<16} {r['priorities']:>10} {r['indicators']:>10} {r['people']:>6}  "
            f"{r['name']}"
        )
    return 0


def cmd_partnership_add(args: argparse.Namespace) -> int:
    # Read the framework before touching the database, so a bad file changes nothing.
    store = _open_file(args.db)
    try:
        by = actor(args, store.cursor(None))
        fw = framework.read_file(Path(args.framework), by=by) if args.framework else None
        made = partnerships.add(store, args.id, name=args.name, by=by)
        if fw is not None:
            framework.import_framework(store.cursor(made.schema), fw, by=by)
    finally:
        store.close()
    then = (
        f"framework imported from {args.framework}"
        if fw is not None
        else f"next: `python -m outcomes framework import FILE --partnership {made.id}`"
    )
    print(f"partnership {made.id} ({made.name}) added; {then}.")
    return 0


def cmd_partnership_commissioner(args: argparse.Namespace) -> int:
    store = _open_file(args.db)
    try:
        said = partnerships.add_commissioner(
            store,
            args.email,
            name=args.name,
            partnership_ids=args.of,
            by=actor(args, store.cursor(None)),
        )
    finally:
        store.close()
    print(said)
    return 0


def cmd_partnership_pack(args: argparse.Namespace) -> int:
    from outcomes.outputs import force

    store = _open_file(args.db)
    try:
        top = store.cursor(None)
        chosen = (
            [partnerships.chosen(top, pid) for pid in args.of]
            if args.of
            else partnerships.listed(top)
        )
        Path(args.out).write_bytes(force.pack(store, chosen))
    finally:
        store.close()
    print(f"force-wide pack of {len(chosen)} partnerships written to {args.out}")
    return 0


def add_parsers(sub, db_argument) -> None:
    p = sub.add_parser("partnership", help="the partnerships this deployment serves")
    psub = p.add_subparsers(dest="partnership_action", required=True)
    a = psub.add_parser("list", help="every partnership, with what it holds")
    db_argument(a)
    a.add_argument("--json", action="store_true", help="print a JSON list of objects")
    a.set_defaults(func=cmd_partnership_list)
    a = psub.add_parser("add", help="add a partnership (its own framework, figures and people)")
    db_argument(a)
    a.add_argument("id", metavar="ID", help="short id for addresses and commands, e.g. torbay")
    a.add_argument("--name", required=True, help="its name, e.g. 'Safer Communities Torbay'")
    a.add_argument("--framework", metavar="FILE", help="import this framework into it too")
    actor_argument(a)
    a.set_defaults(func=cmd_partnership_add)
    a = psub.add_parser(
        "commissioner", help="give someone the commissioner role across a set of partnerships"
    )
    db_argument(a)
    a.add_argument("email", metavar="EMAIL")
    a.add_argument("--name", required=True)
    a.add_argument(
        "--of", action="append", required=True, metavar="ID", help="a partnership (repeat)"
    )
    actor_argument(a)
    a.set_defaults(func=cmd_partnership_commissioner)
    a = psub.add_parser(
        "pack", help="the force-wide pack (.xlsx): partnerships side by side, returns, shared"
    )
    db_argument(a)
    a.add_argument("--out", required=True, metavar="FILE.xlsx")
    a.add_argument("--of", action="append", metavar="ID", help="a partnership (default: all)")
    a.set_defaults(func=cmd_partnership_pack)
