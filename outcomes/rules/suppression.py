"""Small numbers: what the public view and the public pack may show of a figure.

The rule is declared here once and applied in one place, the public reads in
``outcomes.outputs.public``; the renderers only ever see figures that have already passed through it.

By default NHS England's rule (the one its statistics and Hospital Episode Statistics use):

* a count of 1 to 7 is shown as "fewer than 8" and its figure is withheld;
* any other count below the whole partnership (an area's figure) is rounded to the nearest 5,
  so a small area's exact count cannot be read off, nor worked out from the others;
* a rate or percentage is withheld when the count it is built on (its numerator), or the
  number it is a share of (its denominator), is itself 1 to 7;
* zero is shown as zero: "none happened" discloses no one;
* **secondary suppression** (NHS England's guidance on small numbers): where exactly one area's
  count in a period is suppressed, the partnership's total less the other areas would reveal it,
  so the next-smallest area count is withheld too (:func:`secondary`).

An indicator may declare another rule (the framework's ``suppression`` field): ``none`` (figures
that count no people, such as patrol hours, or that are already published openly), ``threshold
N`` (counts of 1 to N-1 suppressed, areas rounded to 5) or ``withhold`` (no figure is ever
published, only the status). See docs/framework.md, "Small numbers".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from loaders.problems import worded
from outcomes.rules.wording import format_value

COUNT_UNITS = ("count",)  # units whose figures are counts of events or people
DEFAULT = "nhs-england"
RULE_WORDS = ("nhs-england", "none", "threshold N", "withhold")


class RuleError(ValueError):
    """A suppression rule that cannot be read, worded by the catalogue (``suppression-rule``);
    the framework's checks list it against the indicator."""

    def __init__(self, wording: str | None, **facts: Any):
        super().__init__(worded("suppression-rule", wording, **facts))


@dataclass(frozen=True)
class Rule:
    """How small numbers are treated: counts from 1 to ``below - 1`` are suppressed; counts
    below the partnership level are rounded to the nearest ``round_to``."""

    name: str
    below: int = 8
    round_to: int = 5
    withhold_all: bool = False

    @property
    def words(self) -> str:
        """The rule as a reader of the public view is told it.

        >>> parse_rule(None).words
        'counts of 1 to 7 are shown as "fewer than 8"; area counts are rounded to the nearest 5'
        >>> parse_rule("none").words
        'figures are shown as reported'
        """
        if self.withhold_all:
            return "figures are not published, only the status"
        if self.below <= 1:
            return "figures are shown as reported"
        return (
            f'counts of 1 to {self.below - 1} are shown as "fewer than {self.below}"; '
            f"area counts are rounded to the nearest {self.round_to}"
        )


NHS_ENGLAND = Rule("nhs-england")
NO_SUPPRESSION = Rule("none", below=0, round_to=1)
WITHHOLD = Rule("withhold", withhold_all=True)
_THRESHOLD = re.compile(r"threshold\s+(\d+)")


def parse_rule(text: Any) -> Rule:
    """The rule an indicator declares; no declaration means NHS England's.

    >>> parse_rule("threshold 10")
    Rule(name='threshold 10', below=10, round_to=5, withhold_all=False)
    >>> parse_rule("  NHS-England ").name
    'nhs-england'
    >>> parse_rule("threshold 0")
    Traceback (most recent call last):
    ...
    outcomes.rules.suppression.RuleError: suppression 'threshold 0': the threshold must be a whole number from 2 to 1000
    >>> parse_rule("hide")
    Traceback (most recent call last):
    ...
    outcomes.rules.suppression.RuleError: suppression 'hide' is not a rule: use nhs-england, none, threshold N or withhold
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return NHS_ENGLAND
    clean = " ".join(str(text).strip().lower().split())
    if clean == "nhs-england":
        return NHS_ENGLAND
    if clean == "none":
        return NO_SUPPRESSION
    if clean == "withhold":
        return WITHHOLD
    match = _THRESHOLD.fullmatch(clean)
    if match:
        below = int(match.group(1))
        if not 2 <= below <= 1000:
            raise RuleError("threshold", text=text)
        return Rule(f"threshold {below}", below=below)
    raise RuleError(None, text=text, rules=f"{', '.join(RULE_WORDS[:-1])} or {RULE_WORDS[-1]}")


@dataclass(frozen=True)
class Shown:
    """What may be published of one figure: ``value`` (None when missing or withheld) and,
    when it differs from the figure reported, ``note`` saying why."""

    value: float | None
    note: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None and self.note is not None


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def is_small(value: Any, rule: Rule) -> bool:
    """Whether a count is small enough to suppress under ``rule``: above zero, below its limit.

    >>> [n for n in range(10) if is_small(n, NHS_ENGLAND)]
    [1, 2, 3, 4, 5, 6, 7]
    >>> is_small(7.5, NHS_ENGLAND), is_small(float("nan"), NHS_ENGLAND), is_small(3, NO_SUPPRESSION)
    (True, False, False)
    """
    return not _missing(value) and 0 < float(value) < rule.below


def round_half_up(value: float, step: int) -> float:
    """To the nearest ``step``, halves upwards (Python's round() would send 12.5 to 12).

    >>> round_half_up(12, 5), round_half_up(12.5, 5), round_half_up(8, 5), round_half_up(0, 5)
    (10.0, 15.0, 10.0, 0.0)
    """
    return float(math.floor(float(value) / step + 0.5) * step)


def shown(
    value: Any,
    *,
    unit: str,
    rule: Rule = NHS_ENGLAND,
    area: bool = False,
    numerator: Any = None,
    denominator: Any = None,
) -> Shown:
    """What the public may see of one figure (``area``: below the partnership level).

    A count of 1 to 7 is withheld; an area's count is rounded to the nearest 5; the partnership's
    own count of 8 or more is shown as reported:

    >>> shown(3, unit="count")
    Shown(value=None, note='fewer than 8')
    >>> shown(0, unit="count", area=True), shown(23, unit="count")
    (Shown(value=0.0, note=None), Shown(value=23.0, note=None))
    >>> shown(23, unit="count", area=True)
    Shown(value=25.0, note='rounded to the nearest 5')

    A rate or percentage is withheld when the count it is built on is small:

    >>> shown(42.9, unit="percent", numerator=3, denominator=7)
    Shown(value=None, note='withheld: based on fewer than 8')
    >>> shown(0.61, unit="rate_per_1000", numerator=162, area=True)
    Shown(value=0.61, note=None)

    Missing stays missing, and an indicator may declare another rule:

    >>> shown(float("nan"), unit="count")
    Shown(value=None, note=None)
    >>> shown(3, unit="count", rule=parse_rule("none")), shown(30, unit="count", rule=WITHHOLD)
    (Shown(value=3.0, note=None), Shown(value=None, note='not published'))
    """
    if _missing(value):
        return Shown(None)
    if rule.withhold_all:
        return Shown(None, "not published")
    figure = float(value)
    if unit in COUNT_UNITS:
        if is_small(figure, rule):
            return Shown(None, f"fewer than {rule.below}")
        if area and rule.round_to > 1:
            rounded = round_half_up(figure, rule.round_to)
            if rounded != figure:
                return Shown(rounded, f"rounded to the nearest {rule.round_to}")
        return Shown(figure)
    if is_small(numerator, rule) or is_small(denominator, rule):
        return Shown(None, f"withheld: based on fewer than {rule.below}")
    return Shown(figure)


COMPLEMENTARY = "not shown, so that a small number cannot be worked out"


def secondary(group: list[Shown]) -> list[Shown]:
    """Secondary suppression in one group of counts that add up to a total the public sees (the
    areas' counts of one period, and the partnership's): when exactly one is suppressed, the
    total less the others would reveal it, so the next-smallest figure shown is withheld too.

    "Next-smallest" is judged on the figures as published (already rounded), the first of
    equals in the group's order, so the choice itself gives away nothing the rounding hid.

    >>> small, shown_ = Shown(None, "fewer than 8"), Shown(20.0, "rounded to the nearest 5")
    >>> [s.note for s in secondary([small, Shown(45.0), shown_])]
    ['fewer than 8', None, 'not shown, so that a small number cannot be worked out']

    Two suppressed already reveal only their sum; with nothing else shown there is nothing to
    withhold; a zero is a figure like any other here:

    >>> secondary([small, small, Shown(30.0)]) == [small, small, Shown(30.0)]
    True
    >>> secondary([small, Shown(None)]) == [small, Shown(None)]
    True
    >>> [s.value for s in secondary([small, Shown(0.0), Shown(10.0)])]
    [None, None, 10.0]
    """
    out = list(group)
    if sum(1 for s in group if s.suppressed) != 1:
        return out
    shown_at = [i for i, s in enumerate(group) if s.value is not None]
    if shown_at:
        pick = min(shown_at, key=lambda i: (group[i].value, i))
        out[pick] = Shown(None, COMPLEMENTARY)
    return out


def text(figure: Shown, unit: str, decimals: int = 0) -> str:
    """The published figure as the public reads it.

    >>> text(shown(3, unit="count"), "count")
    'fewer than 8'
    >>> text(shown(1234, unit="count", area=True), "count")
    '1,235'
    >>> text(shown(76.25, unit="percent"), "percent", 1), text(Shown(None), "count")
    ('76.2%', '–')
    """
    if figure.value is None and figure.note:
        return figure.note
    return format_value(figure.value, unit, decimals)
