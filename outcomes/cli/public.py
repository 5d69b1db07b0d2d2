"""The command line's public view commands: ``python -m outcomes public on|off|status``."""

from __future__ import annotations

import argparse
import json

from loaders import periods
from outcomes.cli.common import _cursor, _json_default, _switch_command
from outcomes.cli.people import actor, actor_argument


def cmd_public(args: argparse.Namespace) -> int:
    # Imported when the command runs: the public view's pages and pack are no other
    # command's start-up cost.
    from outcomes.outputs import public

    with _cursor(args.db) as cur:
        changed = None
        if args.switch in ("on", "off"):
            changed = public.set_public_view(cur, args.switch == "on", by=actor(args, cur))
        facts = public.public_view_facts(cur)
    if args.json:  # JSON only on stdout, so a script can read it: whether it changed is a field
        print(json.dumps({**facts, "changed": changed}, default=_json_default, indent=2))
        return 0
    if changed is not None:
        print(
            f"the public view is now {args.switch}"
            if changed
            else f"the public view was already {args.switch}; nothing changed"
        )
    line = f"the public view is {'on' if facts['enabled'] else 'off'}"
    if facts["changed_by"]:
        line += f" (set by {facts['changed_by']} on {periods.long_datetime(facts['changed_at'])})"
    print(line)
    print(
        f"{facts['public_indicators']} of {facts['indicators']} indicators are marked public "
        "in the framework"
    )
    return 0


def add_parser(sub, db_argument) -> None:
    p = _switch_command(
        sub,
        "public",
        "switch the public view for residents and scrutiny on or off, or see it",
        db_argument,
    )
    actor_argument(p)
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(func=cmd_public)
