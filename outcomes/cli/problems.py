"""The ``problems`` command: the catalogue of every problem a person can meet, as the terminal
lists it or as ``docs/problems.md`` (``--markdown``), which is generated from it."""

from __future__ import annotations

import argparse

from loaders.catalogue import CATALOGUE, KINDS


def cmd_problems(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown(), end="")
        return 0
    for code, check in CATALOGUE.items():
        print(f"{code:<28} {check.severity:<8} {check.title}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("problems", help="list every problem a person can meet, by its code")
    p.add_argument(
        "--markdown", action="store_true", help="print docs/problems.md, generated from it"
    )
    p.set_defaults(func=cmd_problems)


_HEADINGS = {
    "file": "The file itself, measured before anything is parsed (`loaders.files`)",
    "return": "A lead's return, as read and as checked against the framework",
    "public-data": "Public data files (ONS, Fingertips, police.uk)",
    "framework": "The framework, imported from YAML or a workbook",
    "actions": "The actions log, imported from a workbook",
    "period": "Periods, as typed or read from a file (`loaders.periods`)",
    "permission": "Permission: who may do what",
    "people": "People and their roles",
    "partnership": "Partnerships in a deployment",
    "plan": "The plan's priorities and indicators, named in a request",
    "returns": "Returns: templates, uploads and undoing them",
    "approval": "Approving returns",
    "meetings": "Meetings, commentary, blockages and actions",
    "comparison": "Comparing with a comparator group",
    "statistics": "Statistical process control",
    "export": "Downloads",
    "pack": "Board packs",
    "reminders": "Reminders and the mail server",
    "calendar": "Calendar subscriptions",
    "database": "The database: addresses, copies and backups",
    "command": "The command line",
    "refusal": "Refusals: each kind of `Refused` names its code (`Refused.code`)",
}


def markdown() -> str:
    """The catalogue as ``docs/problems.md``: one section a kind, one entry a code.

    >>> "## Refusals" in markdown() and "`not-permitted`" in markdown()
    True
    """
    lines = [
        "# Problems a person can meet",
        "",
        "Generated from `loaders/catalogue.py` by `python -m outcomes problems --markdown`;",
        "do not edit by hand (`tests/unit/test_problems.py` fails when this file falls behind).",
        "",
        "Each code has a severity, a title, what it means, and the sentence a person reads.",
        "The sentence names facts in braces, filled in where the problem is found; where one",
        "code is met in several situations, each has a named wording. The place (file, sheet,",
        "row, column, value) is shown beside every problem. Errors stop a load; warnings",
        "need a person's yes; notes (info) need nothing doing.",
    ]
    for kind in KINDS:
        lines += ["", f"## {_HEADINGS[kind]}", ""]
        for code, check in CATALOGUE.items():
            if check.kind != kind:
                continue
            lines += [
                f"### `{code}`: {check.title}",
                "",
                f"{check.severity.capitalize()}. {check.description}",
                "",
                f"- {_shown(check.template)}",
            ]
            lines += [f"- *{name}*: {_shown(text)}" for name, text in check.wordings.items()]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _shown(sentence: str) -> str:
    """A sentence as the docs show it: literal braces unescaped, a line break as ↵ (a list
    item in Markdown is one line), the whole in backquotes."""
    shown = sentence.replace("{{", "{").replace("}}", "}").replace("`", "'").replace("\n", " ↵ ")
    return "`" + shown + "`"
