"""The catalogue's entries for the workflows: the framework and the actions log as imported,
and the kinds of refusal (each ``Refused`` subclass names one). Part of loaders.catalogue,
kept apart so that neither module passes 700 lines."""

from __future__ import annotations

from loaders.check import Check, E

_FRAMEWORK = {
    "framework-invalid": Check(
        E,
        "The framework breaks one of its rules.",
        "Framework breaks a rule",
        "A framework file that breaks its rules: each problem has its own code below, listed "
        "together under this one (nothing of the framework is changed).",
        wordings={
            "listed": "{source}: {errors} to fix:\n{listed}",
            "summary": "{errors} in {source} to fix first; nothing has been changed.",
        },
    ),
    "framework-unknown-field": Check(
        E,
        "{where}: unknown field(s) {fields}; expected some of {expected}",
        "Unknown field",
        "A row of the framework has a field its table does not have.",
    ),
    "framework-bad-value": Check(
        E,
        "{where}: {field} '{given}' is not a number",
        "Value of the wrong kind",
        "A cell of the framework is not of its column's kind (a number, a date, yes or no).",
        wordings={
            "choices": "{where}: {field} '{given}' is not one of {choices}",
            "integer": "{where}: {field} '{given}' is not a whole number",
            "bool": "{where}: {field} '{given}' is not yes or no",
            "date": "{where}: {field} '{given}' is not a date (write it as 2025-03-31)",
        },
    ),
    "framework-required": Check(
        E,
        "{where}: {field} is required",
        "Required field blank",
        "A field every row of its table needs is blank.",
    ),
    "framework-duplicate": Check(
        E,
        "{table} {key}: appears more than once; each must be unique",
        "Key given twice",
        "Two rows of one table have the same key.",
    ),
    "framework-unknown-reference": Check(
        E,
        "{table} {key}: {field} '{value}' is not a known {parent} ({known})",
        "Unknown reference",
        "A row names a priority, partner, tier or indicator the framework does not have.",
    ),
    "framework-rule": Check(
        E,
        "partnership: exactly one partnership is needed",
        "Framework rule broken",
        "The framework breaks one of its whole-file rules.",
        wordings={
            "whole-area": "area: the list of areas must include 'all', the whole partnership",
            "one-us": "comparator group {group}: mark only one area as us (us: true)",
            "negative-tolerance": "indicator {indicator}: tolerance {tolerance} is negative; "
            "give the width of the amber band as 0 or more",
            "no-baseline": "indicator {indicator}: status method is baseline but no baseline "
            "value is given",
            "suppression": "indicator {indicator}: {reason}",
            "still-used": "indicator {indicator} has {figures}; keep it in "
            "the framework (its history would be lost)",
        },
    ),
    "suppression-rule": Check(
        E,
        "suppression {text!r} is not a rule: use {rules}",
        "Not a suppression rule",
        "An indicator's small-numbers rule (outcomes.rules.suppression) is none of those the public "
        "view knows, so its figures could not be published safely.",
        wordings={
            "threshold": "suppression {text!r}: the threshold must be a whole number from 2 to 1000",
        },
    ),
    "framework-period": Check(
        E,
        "indicator {indicator}: baseline period {reason}",
        "Unreadable period in the framework",
        "A baseline, trajectory or SPC period cannot be read in the indicator's frequency.",
        wordings={
            "trajectory": "indicator_target {indicator}: trajectory period {reason}",
            "spc": "spc_event {indicator}: {event} period {reason}",
        },
    ),
    "framework-calendar": Check(
        E,
        "{rule}: leave scope_key blank for the partnership's own rule",
        "Reporting calendar rule",
        "A rule of the reporting calendar names nothing real or an impossible number of days.",
        wordings={
            "unknown": "{rule}: '{key}' is not a known {scope}",
            "frequency": "{rule}: the indicator is reported {reported}, not {frequency}",
            "days": "{rule}: due_days {days} should be a number of days from 0 to 366",
        },
    ),
    "framework-shape": Check(
        E,
        "{where}: due_days should be {{monthly: DAYS, quarterly: DAYS, annual: DAYS}}",
        "Framework entry of the wrong shape",
        "A YAML entry is not written in the shape the framework takes.",
        wordings={
            "derived": "indicator {indicator}: derived_from should be "
            "{{series: CODE, aggregate: sum, areas: [AREA, ...]}}",
            "baseline": "indicator {indicator}: baseline should be {{value: NUMBER, period: PERIOD}}",
            "baseline-twice": "indicator {indicator}: give the baseline once, either as "
            "baseline: {{value, period}} or as baseline_value and baseline_period",
            "spc": "indicator {indicator}: spc should be {{profile: mdc, recalculate: "
            "{{PERIOD: reason}}, ghost: {{PERIOD: reason}}}}",
            "group": "comparator group {group}: give it a name and a list of areas",
        },
    ),
    "framework-file": Check(
        E,
        "the file is not UTF-8 text: save it as UTF-8",
        "Framework file unreadable",
        "The framework file is not one the dashboard reads, or lacks a part.",
        wordings={
            "yaml": "not valid YAML: {reason}",
            "mapping": "the file should be a mapping with partnership, partners, tiers, areas "
            "and priorities",
            "sections": "missing section(s): {sections}",
            "sheets": "missing sheet(s): {sheets}; export a framework to see the layout",
            "suffix": "'{suffix}' files are not supported: use .yaml or .xlsx",
            "not-a-framework": "'{suffix}' files are not a framework: send the .xlsx or .yaml",
        },
    ),
}

_ACTIONS = {
    "action-invalid": Check(
        E,
        "{reason}",
        "Action cannot be saved",
        "A row of the actions log breaks a rule of an action (its reason is the refusal "
        "saving that one action would meet).",
    ),
    "action-repeated": Check(
        E,
        "action {value} appears on more than one row (rows {rows}): keep one row per action.",
        "Action on two rows",
        "One action's reference is used by more than one row of the same import.",
    ),
    "action-columns": Check(
        E,
        "The Actions sheet is missing column(s): {columns} (export the log to see the layout).",
        "Actions sheet lacks columns",
        "The actions log lacks a column every action needs; nothing is imported.",
    ),
}

# The kinds of refusal: each Refused subclass names its code (``Refused.code``), so every
# refusal a person can meet is listed with what it means.
_REFUSALS = {
    "refused": Check(
        E,
        "The request was refused; nothing was written.",
        "Refused",
        "A request broke a rule of the product (a blank name, an unknown address); its message "
        "says which and what to do.",
    ),
    "not-permitted": Check(
        E,
        "Sign in first: only a signed-in person may {action}.",
        "Not permitted",
        "The person's role does not allow what they asked (outcomes.storage.people.PERMISSIONS).",
        wordings={
            "role": "{who} is {role} and may not {action}. {who_may} may.",
            "priority": "{who} is the priority lead for {theirs} and may not {action} for "
            "{outside}.",
            "upload": "{who} is {role} and may {action} only if they loaded it; this one was "
            "loaded by {owner}.",
            "approve": "{name} may not approve or return this return: {who} may (never the "
            "person who sent it).",
        },
    ),
    "period-invalid": Check(
        E,
        "The period cannot be read.",
        "Period not readable",
        "A period typed or given cannot be read as a period of the frequency asked for "
        "(loaders.periods); the message says what to write instead.",
    ),
    "comparison-refused": Check(
        E,
        "The comparison cannot be made.",
        "Comparison cannot be made",
        "An indicator or series cannot be compared with its comparator group (no counts, no "
        "figures for the period, no such group).",
    ),
    "pack-unavailable": Check(
        E,
        "The board pack cannot be made.",
        "Board pack cannot be made",
        "The board pack or its charts could not be drawn (Chromium missing or failing, a paper "
        "size not offered, a snapshot that cannot be read).",
    ),
    "meeting-refused": Check(
        E,
        "The meeting or action cannot be saved.",
        "Meeting or action refused",
        "A meeting, a snapshot, commentary, an override or an action breaks one of their rules.",
    ),
    "upload-refused": Check(
        E,
        "The upload cannot be loaded.",
        "Upload refused",
        "A return or public data file has problems to fix, or the upload cannot be undone.",
    ),
    "template-refused": Check(
        E,
        "The return cannot be made.",
        "Return template refused",
        "A return template cannot be written for what was asked.",
    ),
    "export-refused": Check(
        E,
        "The export cannot be made.",
        "Export refused",
        "An export was asked for something that cannot be exported.",
    ),
    "command-refused": Check(
        E,
        "The command cannot do that.",
        "Command refused",
        "The command line was asked for something it cannot do; it exits with status 2.",
    ),
    "conflict": Check(
        E,
        "Someone else changed the same figures or records at the same moment, and their change "
        "was saved first. Nothing of yours was written: look again at the page, then try again.",
        "Someone else changed it first",
        "Two people changed one thing at once; one wins and the other is told.",
    ),
    "busy": Check(
        E,
        "The database is busy.",
        "Database busy",
        "Another program holds the database file for the moment.",
    ),
    "still-linked": Check(
        E,
        "The {parent} {key} cannot be renamed or removed: {linked} still link to it. Move "
        "them to another {parent} first, or keep this one. Nothing was written.",
        "Still linked",
        "A row others still point at cannot be removed or renamed.",
        wordings={
            "one": "The {parent} {key} cannot be renamed or removed: {linked} still links to it. "
            "Move it to another {parent} first, or keep this one. Nothing was written.",
        },
    ),
    "page-failed": Check(
        E,
        "Something went wrong showing this page, and it has been logged for the partnership's "
        "administrator. Nothing was changed. Try again, or go back to the plan on a page.",
        "Page failed",
        "A fault in the product while showing a page: logged in full for the administrator, "
        "shown to the visitor as this sentence and a way home.",
    ),
}
