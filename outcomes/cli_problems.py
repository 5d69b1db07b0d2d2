"""The ``problems`` command: the catalogue of every problem a person can meet, as the terminal
lists it or as ``docs/problems.md`` (``--markdown``), which is generated from it."""

from __future__ import annotations

import argparse

from loaders.catalogue import CATALOGUE, markdown


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
