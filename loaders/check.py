"""One entry of the problem catalogue (loaders.catalogue): its severity, title, description
and wordings, and the facts they name."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
KINDS = (
    "file",
    "return",
    "public-data",
    "framework",
    "actions",
    "period",
    "permission",
    "people",
    "partnership",
    "plan",
    "returns",
    "approval",
    "meetings",
    "comparison",
    "statistics",
    "export",
    "pack",
    "reminders",
    "calendar",
    "database",
    "command",
    "refusal",
)


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue.

    ``template`` is the sentence shown when the call site names no wording; ``wordings`` holds
    the other sentences of the same code, by name. Every sentence may name the problem's place
    (``file``, ``sheet``, ``row``, ``column``, ``value``) and the facts its call site passes.
    """

    severity: str
    template: str
    title: str = ""
    description: str = ""
    kind: str = "file"
    wordings: dict[str, str] = field(default_factory=dict)

    def sentence(self, wording: str | None = None) -> str:
        if wording is None:
            return self.template
        return self.wordings[wording]

    def facts(self) -> set[str]:
        """The names every sentence of this code may use, beyond the problem's place."""
        names = set()
        for text in (self.template, *self.wordings.values()):
            names |= {f for _, f, _, _ in string.Formatter().parse(text) if f}
        return names


E, W, I = "error", "warning", "info"  # noqa: E741  (the tables' shorthand)


def of_kind(kind: str, entries: dict[str, Check]) -> dict[str, Check]:
    """The entries of one section of the catalogue, each marked with its kind."""
    return {code: Check(**{**c.__dict__, "kind": kind}) for code, c in entries.items()}
