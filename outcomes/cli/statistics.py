"""The statistics commands: ``spc`` (an XmR chart as a table) and ``compare`` (areas with
intervals against a benchmark)."""

from __future__ import annotations

import argparse

from outcomes.cli.common import CommandError, _db_argument, _print_json, _read
from outcomes.queries import statistics
from outcomes.rules import compare, spc, wording


def _statistic(db: str | None, read):
    """A statistic read from the store; nothing to compare is said plainly."""
    try:
        return _read(db, read)
    except statistics.ComparisonError as err:
        raise CommandError.carrying(err) from None


def _figure(x) -> str:
    return wording.format_value(x, "count", 2)


def cmd_spc(args: argparse.Namespace) -> int:
    chart = _statistic(
        args.db, lambda cur: statistics.code_chart(cur, args.code, args.area, args.profile)
    )
    if args.json:
        return _print_json(spc.to_dict(chart))
    num = _figure
    print(f"{args.code}: XmR chart, profile {chart.profile} ({spc.PROFILES[chart.profile].title})")
    print(f"{'period':<12} {'value':>10} {'mean':>10} {'lower':>10} {'upper':>10}  special cause")
    for p in chart.points:
        cause = p.special_cause or ""
        if p.rules:
            cause += " (" + ", ".join(spc.RULE_WORDS[r] for r in p.rules) + ")"
        if p.ghosted:
            cause = f"left out: {p.ghosted}"
        mark = "↻ " if p.recalculated else ""
        print(
            f"{mark + p.period:<12} {num(p.value):>10} {num(p.mean):>10} "
            f"{num(p.lower_limit):>10} {num(p.upper_limit):>10}  {cause}"
        )
    if chart.reason:
        print(f"run chart only: {chart.reason}")
    print(f"variation: {spc.icon_text(chart.variation)}")
    shift = chart.shift if chart.assurance else None
    print(f"assurance: {spc.assurance_text(chart.assurance, shift)}")
    if shift:
        print(spc.shift_words(shift, wording.period))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    result = _statistic(
        args.db,
        lambda cur: statistics.compare_code(
            cur,
            args.code,
            period=args.period,
            group=args.group,
            polarity=args.polarity,
            area=args.area,
        ),
    )
    if args.json:
        return _print_json(statistics.comparison_dict(result))
    num = _figure
    bench = num(result.benchmark_value)
    print(
        f"{result.code}: {result.name}, {result.period}; benchmark {result.benchmark_name} {bench}"
    )
    if result.group:
        rank = f", {result.us} ranks {result.rank[0]} of {result.rank[1]}" if result.rank else ""
        print(f"comparator group {result.group}: pooled {num(result.group_value)}{rank}")
    print(f"{'area':<11} {'name':<28} {'count':>9} {'value':>9} {'95% interval':>19}  compared")
    for r in result.rows:
        ci = f"{num(r.lower_95)} to {num(r.upper_95)}" if r.value is not None else "–"
        word = compare.COMPARED_WORDS[r.compared] + (" (99.8%)" if r.significant else "")
        print(
            f"{r.area:<11} {r.name[:28]:<28} {num(r.count):>9} {num(r.value):>9} {ci:>19}  {word}"
        )
    if result.note:
        print(result.note)
    return 0


def _code_command(sub, name: str, says: str, code: str, shows: str, run) -> argparse.ArgumentParser:
    """A statistics command about one indicator or series: its database, its CODE, and
    ``--json`` for what it ``shows``."""
    p = sub.add_parser(name, help=says)
    _db_argument(p)
    p.add_argument("code", metavar="CODE", help=code)
    p.add_argument("--json", action="store_true", help=f"print the {shows} as JSON")
    p.set_defaults(func=run)
    return p


def add_parsers(sub) -> None:
    """SPC and comparison with other areas (issue 11)."""
    p = _code_command(
        sub,
        "spc",
        "an indicator's or series' SPC (XmR) chart: limits, special causes, icons",
        "indicator code (SV01) or series code",
        "chart",
        cmd_spc,
    )
    p.add_argument("--area", default="all", help="area code (default: all, the whole partnership)")
    p.add_argument(
        "--profile",
        choices=["mdc", "plotthedots"],
        help="rule profile (default: the framework's, else mdc)",
    )

    p = _code_command(
        sub,
        "compare",
        "compare areas: intervals and better/similar/worse than a benchmark",
        "indicator code or series code",
        "comparison",
        cmd_compare,
    )
    p.add_argument("--area", help="the area to rank in the group (default: the group's own, us)")
    p.add_argument(
        "--period", help="period code, e.g. 'YE 2022-12' or '2024/25' (default: the latest)"
    )
    p.add_argument("--group", metavar="NAME", help="a comparator group from the framework")
    p.add_argument(
        "--polarity",
        choices=["higher", "lower"],
        help="which way is better (default: the indicator's; none for a series)",
    )
