"""The command line's approval of returns: ``python -m outcomes approval on|off|status``."""

from __future__ import annotations

import argparse
import json

from outcomes.cli.common import _cursor, _json_default, _switch_command
from outcomes.cli.people import actor, actor_argument
from outcomes.workflows import approval


def cmd_approval(args: argparse.Namespace) -> int:
    with _cursor(args.db) as cur:
        said = None
        if args.switch in ("on", "off"):
            said = approval.set_rule(
                cur,
                required=args.switch == "on",
                priority_id=args.priority,
                approver_email=args.approver,
                by=actor(args, cur),
            )
        rule = approval.rule(cur, args.priority or approval.PARTNERSHIP)
        facts = {
            "scope": args.priority or approval.PARTNERSHIP,
            "required": rule.required,
            "approver_email": rule.approver_email,
            "approver": rule.approver_words(cur) if rule.required else None,
            "waiting": len(approval.waiting(cur)),
        }
    if args.json:
        print(json.dumps(facts, default=_json_default, indent=2))
        return 0
    if said:
        print(said)
    where = args.priority or "the partnership"
    print(
        f"returns for {where} wait for approval by {facts['approver']}"
        if rule.required
        else f"returns for {where} count as soon as their lead confirms them"
    )
    print(f"{facts['waiting']} waiting for approval")
    return 0


def add_parser(sub, db_argument) -> None:
    p = _switch_command(
        sub,
        "approval",
        "whether a lead's return must be approved before the board sees it, and by whom",
        db_argument,
    )
    p.add_argument("--priority", help="for one priority only (its id); else the partnership")
    p.add_argument("--approver", metavar="EMAIL", help="the person who approves; else any analyst")
    actor_argument(p)
    p.add_argument("--json", action="store_true", help="print the rule as JSON")
    p.set_defaults(func=cmd_approval)
