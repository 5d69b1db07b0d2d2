"""Every problem and refusal the product can show a person, worded here and nowhere else.

In the manner of frictionless' error classes: each code has a severity, a title, a description
(what it means and why it matters) and a message template with named facts. A call site names
the code and passes the facts (``problem("too-many-rows", file=..., lines=..., most=...)``);
it never writes the sentence. Where one code is met in several situations that need different
advice, each situation is a named *wording* of the same code (``wording="csv"``): the code stays
what programs and tests check, the words stay here.

``docs/problems.md`` is generated from this table (``python -m outcomes problems --markdown``)
and tests/unit/test_problems.py fails when it falls behind.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
KINDS = ("file", "return", "public-data", "framework", "actions", "refusal")


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


E, W, I = "error", "warning", "info"  # noqa: E741


def _kind(kind: str, entries: dict[str, Check]) -> dict[str, Check]:
    return {code: Check(**{**c.__dict__, "kind": kind}) for code, c in entries.items()}


_DELETE = (
    "Delete the unused rows and columns (select them, right-click, Delete) or copy the table "
    "into a new workbook, then save and load it again."
)

_FILE = {
    "file-too-large": Check(
        E,
        "{file} is {size}; the largest file this dashboard takes is {most}. "
        "Split it into smaller files and load each.",
        "File too large",
        "The file is over the size limit (loaders.files.LIMITS); nothing of it is read.",
        wordings={
            "streamed": "{file} is over {most}, the largest file this dashboard takes. "
            "Split it into smaller files and load each.",
            "unzipped": "{file} unpacks to {size}; a workbook may unpack to at most {most}. "
            "Split it into smaller workbooks.",
        },
    ),
    "unreadable-file": Check(
        E,
        "{file} could not be read as a spreadsheet. Open it in Excel and save it again as .xlsx.",
        "Unreadable file",
        "The file cannot be opened as the kind of file it claims to be.",
        wordings={
            "suffix": "{file} is not a file this dashboard reads: send {kinds}.{hint}",
            "not-a-workbook": "{file} is not an Excel workbook (or it is damaged). Open it in "
            "Excel and save it again as an Excel workbook (.xlsx).",
            "compression": "{file} is damaged or uses a kind of compression Excel does not "
            "write. Open it in Excel and save it again as .xlsx.",
            "zip-not-workbook": "{file} is a zip file but not an Excel workbook: save the return "
            "from Excel as .xlsx.",
            "csv": "{file}, line {line}, cannot be read as CSV ({reason}). Save the file again "
            "from Excel as CSV (comma delimited).",
            "not-opened": "{file} could not be opened ({reason}).",
            "not-text": "{file} is not a text CSV file. Save the return from Excel as .xlsx or "
            "as CSV (comma delimited).",
        },
    ),
    "beyond-reading-limits": Check(
        E,
        "{file} could not be read within the limits ({memory}, {seconds}); nothing was written. "
        "Check it is the file you meant to send; if it is, save it again from Excel (only the "
        "table, without unused rows, columns or pictures) and send that.",
        "Beyond the reading limits",
        "Reading the file ran out of the memory or time one file may take (loaders.isolation), "
        "or the reading died; the server carries on.",
    ),
    "damaged-workbook": Check(
        E,
        "{file} is damaged ({reason}). Open it in Excel and save it again as .xlsx.",
        "Damaged workbook",
        "The workbook's own parts are not well-formed, so it cannot be read safely.",
    ),
    "missing-sheet": Check(
        E,
        "{file} has no sheet named {sheets}: use the workbook this dashboard exported, or "
        "rename the sheet.",
        "Missing sheet",
        "The workbook lacks a sheet that the reader needs.",
    ),
    "too-many-rows": Check(
        E,
        "{file} has {lines} lines; a file may have at most {most} rows. "
        "Split it into smaller files and load each.",
        "Too many rows",
        "A sheet or CSV has more rows than a file may (loaders.files.LIMITS).",
        wordings={
            "sheet": "Sheet {sheet} of {file} reaches row {found}; a sheet may have at "
            "most {most} rows. " + _DELETE
        },
    ),
    "too-many-columns": Check(
        E,
        "{file}, line {line}: {columns} columns; a file may have at most {most}.",
        "Too many columns",
        "A sheet or CSV has more columns than a file may (loaders.files.LIMITS).",
        wordings={
            "sheet": "Sheet {sheet} of {file} reaches column {found} ({cell}); a sheet "
            "may have at most {most} columns. " + _DELETE
        },
    ),
    "too-many-cells": Check(
        E,
        "Sheet {sheet} of {file} spans at least {found} cells (it reaches {cell}); a sheet may "
        "have at most {most} cells. " + _DELETE,
        "Too many cells",
        "A sheet spans more cells than a sheet may, measured from the sheet XML itself.",
    ),
    "cell-too-long": Check(
        E,
        "{file}, line {line}: a field is longer than {most} characters (Excel's own limit for "
        "a cell). Shorten it; commentary belongs in a few paragraphs.",
        "Cell too long",
        "A cell holds more text than Excel allows in a cell.",
    ),
    "excel-error": Check(
        E,
        "The cell holds an Excel error ({value}), not a value.",
        "Excel error in a cell",
        "A cell holds an Excel error (#DIV/0!, #N/A) or a formula saved without its value.",
        wordings={"row": "Row {row}: {fault}.", "cell": "{fault}."},
    ),
}

_RETURN = {
    "no-header": Check(
        E,
        "No header row found in the first {rows} rows of {where}. The return needs a row of "
        "column headings including: {needs}.",
        "No header row",
        "No row of the sheet names the return's columns, so no figure can be read.",
    ),
    "missing-column": Check(
        E,
        "The return has no {column} column.",
        "Missing column",
        "The header lacks a column every return needs.",
        wordings={
            "header": "The header on row {row} has no {missing} {noun}. Add {add} headed {needs}."
        },
    ),
    "empty": Check(
        E,
        "There are no rows of figures under the header.",
        "No rows",
        "The return has a header but no figures, or nothing at all.",
        wordings={
            "file": "{file} is empty: there is nothing in any cell.",
            "header": "There are no rows of figures under the header on row {row}.",
        },
    ),
    "blank-code": Check(
        E,
        "Row {row} has a value ({value}) but no indicator code: add the code, or delete the "
        "row if it is a total or a note.",
        "Figure without an indicator code",
        "A row has figures but no indicator code, so nobody can say what it counts.",
    ),
    "skipped-row": Check(
        I,
        "Row {row} ('{text}') has no indicator code, so it was read as a heading inside the "
        "table and skipped.",
        "Heading skipped",
        "A row of words inside the table was taken for a heading.",
    ),
    "after-table": Check(
        W,
        "Row {row} looks like a row of figures but comes after blank rows that end the table, "
        "so it was read as a note and not imported. If it belongs to the return, delete the "
        "blank rows above it.",
        "Figures below the table",
        "Something that looks like figures sits below the blank rows that end the table.",
    ),
    "note-below": Check(
        I,
        "Row {row} ('{text}') is under the table, so it was read as a note and not as a figure.",
        "Note below the table",
        "A line under the table was kept as a note.",
    ),
    "other-sheet": Check(
        I,
        "Sheet {sheet} also looks like a return but only sheet {read} was read: put all the "
        "figures on one sheet.",
        "Other sheet not read",
        "A return is read from one sheet; the others are left alone.",
    ),
    "extra-column": Check(
        I,
        "Column '{column}' is not part of the return and was ignored.",
        "Extra column",
        "A column the return does not have was left unread.",
    ),
    "duplicate-column": Check(
        W,
        "Column '{column}' means the same as column '{first}', so it was ignored: keep one of "
        "them.",
        "Column twice",
        "Two columns have the same heading; only the first is read.",
    ),
    "unknown-indicator": Check(
        E,
        "'{indicator}' is not an indicator code in the framework.{hint}",
        "Unknown indicator",
        "The row's indicator code is not in the framework.",
    ),
    "period-unreadable": Check(
        E,
        "{indicator}: {reason}",
        "Unreadable period",
        "The period cannot be read as a period of the indicator's frequency.",
    ),
    "period-wrong-frequency": Check(
        E,
        "{indicator}: {reason}",
        "Period of the wrong frequency",
        "The period is a month where the indicator is quarterly, or the like.",
    ),
    "period-future": Check(
        E,
        "{indicator}: {period} has not finished yet (it ends {ends}); report it once it has.",
        "Period not finished",
        "A figure cannot be given for a period that has not ended.",
    ),
    "value-not-numeric": Check(
        E,
        "{label}: {reason}",
        "Value not a number",
        "The Value cell holds words, not a figure.",
    ),
    "value-out-of-range": Check(
        E,
        "{label}: {reason}",
        "Value out of range",
        "The figure cannot be right for its unit (a percentage over 100, a count of 1e300).",
    ),
    "duplicate": Check(
        E,
        "{indicator} {period}{place} is given more than once (rows {rows}): keep one row.",
        "Figure given twice",
        "The same indicator, period and area appear on more than one row.",
    ),
    "unknown-area": Check(
        E,
        "{indicator}: area '{value}' is not one of the partnership's areas ({areas}); "
        "leave it blank for the whole partnership.",
        "Unknown area",
        "The area is not one the framework lists.",
    ),
    "area-not-reported": Check(
        E,
        "{indicator} is reported for the whole partnership only: leave the Area blank.",
        "Area not reported",
        "An area figure was given for an indicator reported for the whole partnership only.",
    ),
    "blockage-invalid": Check(
        E,
        "{indicator}: the blockage column takes Y or N, not '{value}'.",
        "Blockage not Y or N",
        "The Blockage column says whether something stands in the way: Y or N.",
    ),
    "no-figure": Check(
        I,
        "{label}: no figure given, so nothing is recorded for it.",
        "No figure",
        "The row says n/a or leaves the figure blank; nothing is recorded.",
        wordings={
            "kept": "{label}: no figure given, so no figure is recorded; its {kept} {verb} kept."
        },
    ),
    "value-read-as-percent": Check(
        I,
        "{label}: {reason}",
        "Fraction read as a percentage",
        "0.42 in a percentage cell is read as 42%.",
    ),
    "big-change": Check(
        W,
        "{label}: {figure} is {change} {direction} on {previous} for {previous_period}. "
        "Check it; if it is right, accept the warnings.",
        "Big change",
        "The figure changed by more than half since the previous period.",
    ),
    "small-number": Check(
        W,
        "{label}: {figure} is below the small-number threshold of {threshold}. Check it is "
        "right and that publishing it cannot identify anyone.",
        "Small number",
        "The count is below the indicator's small-number threshold.",
    ),
    "revises-shown-figure": Check(
        W,
        "{label}: the board was shown {shown} on {shown_on}; this changes it to {figure}. "
        "The earlier figure stays in the audit trail.",
        "Revises a figure the board saw",
        "The figure was already shown to the board at a meeting.",
    ),
    "no-figures": Check(
        E,
        "This return has no figures in it: type each figure in the Value column (or n/a with "
        "a note where one is not available), save the file and upload it again.",
        "No figures",
        "The return holds no figures to load.",
    ),
    "computed-indicator": Check(
        E,
        "{indicator} is computed from public data, not typed: loading the public files works "
        "it out. Leave its Value blank.",
        "Computed indicator",
        "The indicator's figures come from public data; a return cannot give them.",
    ),
    "commentary-too-long": Check(
        E,
        "{label}: the commentary is {length} characters; the limit is {most}. Shorten it to "
        "the story the board needs and send the rest to the board's officer.",
        "Commentary too long",
        "The commentary is longer than commentary may be.",
    ),
    "areas-do-not-add-up": Check(
        W,
        "{indicator} {period}: the areas' figures add up to {summed}{partly}, but the "
        "partnership's figure is {whole}. Check both; if they are right, accept the warnings.",
        "Areas do not add up",
        "The areas' figures of a count do not add up to the partnership's figure.",
    ),
}

_PUBLIC = {
    "file-skipped": Check(
        I,
        "{file}: could not be read as a workbook; file skipped",
        "File skipped",
        "A file of public data was passed over; the others are read.",
        wordings={
            "workbook": "{file}: could not be read as a workbook ({reason}); file skipped",
            "ons-sheets": "{file}: no sheets named 'Table C1', 'Table C2', ...; sheets found: "
            "{sheets}",
            "csv": "{file}: could not be read as a CSV file ({reason}); file skipped",
            "empty": "{file}: the file is empty; nothing read",
            "fingertips": "{file}: not a Fingertips indicator export (missing columns: "
            "{columns}); file skipped",
        },
    ),
    "sheet-skipped": Check(
        I,
        "{where}: no column for {columns}; sheet skipped",
        "Sheet skipped",
        "A sheet the layout cannot read: no header, a title that does not say what or when.",
        wordings={
            "no-code-column": "{where}: no 'Community Safety Partnership code' column on row "
            "{header_row} or above; sheet skipped",
            "title": "{where}: title {title} does not say {unsaid} (expected e.g. 'Number of "
            "... crimes ..., year ending December 2022'); sheet skipped",
        },
    ),
    "header-moved": Check(
        I,
        "{where}: header found on row {row}, not row {expected} as in the December 2022 "
        "edition; read from there",
        "Header moved",
        "The header was found on another row than the layout expects.",
    ),
    "column-ignored": Check(
        I,
        "{where}: column {header} repeats {canonical}; the second one was ignored",
        "Column ignored",
        "A column that repeats another was left unread.",
        wordings={
            "both": "{where}: columns {first} and {header} both give {series}; the second was "
            "ignored",
        },
    ),
    "row-skipped": Check(
        I,
        "{here}: {fields} fields where the header has {expected}; row skipped",
        "Row skipped",
        "A row the layout cannot read, or a row that is not one area.",
        wordings={
            "no-key": "{here}: no {column}; row skipped",
            "unassigned": "{here}: {name} carries CSP code {csp_code}, but an 'Unassigned' row is "
            "not a CSP; row skipped",
            "no-csp-code": "{here}: {name} ({force}) has no CSP code; row skipped",
            "not-csp-code": "{here}: the CSP code column says {csp_code} for {name}{authority}, not a "
            "CSP code; row skipped",
            "code-twice": "{where}: CSP code {value} is given to {rows}; all these rows skipped",
        },
    ),
    "cell-not-a-figure": Check(
        I,
        "{here}: {column} {text} is not a number; left empty",
        "Cell not a figure",
        "A cell of public data holds words, not a figure; it is left empty.",
        wordings={"ons": "{here} ({name}), column {header}: {fault}"},
    ),
    "codes-disagree": Check(
        I,
        "{file}: CSP {name} ({force}) has different codes in different sheets ({given}); its "
        "figures are loaded under the code each sheet gives",
        "Codes disagree",
        "Two sheets name one area differently.",
        wordings={
            "names": "{file}: CSP code {value} names different CSPs in different sheets "
            "({given}); its figures are loaded as each sheet gives them",
        },
    ),
    "values-clash": Check(
        I,
        "{file}: {count} rows share a series, period and area with another (first: {first}); "
        "all are kept",
        "Values clash",
        "Two values claim the same series, period and area.",
        wordings={
            "sheets": "{file}: {count} values share a series, period and area with another "
            "(first: {first}); two sheets may hold the same table",
        },
    ),
    "period-unsupported": Check(
        I,
        "{file}: time period {text} is not supported (expected {wanted}); {skipped} skipped",
        "Period not supported",
        "A time period the dashboard does not read.",
    ),
    "not-police-uk-file": Check(
        E,
        "{file}: not a police.uk street-level file ({columns}); file skipped",
        "Not a police.uk file",
        "The file lacks the columns of a police.uk street-level file, or has others.",
    ),
    "month-unreadable": Check(
        E,
        "{file} line {row}: Month {month} is not a month (expected YYYY-MM); row skipped",
        "Unreadable month",
        "A police.uk month must be written YYYY-MM.",
    ),
    "nothing-readable": Check(
        E,
        "Nothing in {file} could be read as {kind} figures: check it is the right file, and "
        "the notes above.",
        "Nothing readable",
        "No row of the file could be read as figures.",
    ),
}

_FRAMEWORK = {
    "framework-invalid": Check(
        E,
        "The framework breaks one of its rules.",
        "Framework breaks a rule",
        "A framework file that cannot be read at all, or breaks a rule no other code names.",
    ),
    "framework-unknown-field": Check(
        E,
        "{where}: unknown field(s) {fields}; expected some of {expected}",
        "Unknown field",
        "A row of the framework has a field its table does not have.",
    ),
    "framework-bad-value": Check(
        E,
        "{where}: {field} {reason}",
        "Value of the wrong kind",
        "A cell of the framework is not of its column's kind (a number, a date, yes or no).",
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
            "still-used": "indicator {indicator} has {figures} recorded figure(s); keep it in "
            "the framework (its history would be lost)",
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
        "The person's role does not allow what they asked (outcomes.people.PERMISSIONS).",
        wordings={
            "role": "{who} is {role} and may not {action}. {who_may}",
            "priority": "{who} is the priority lead for {theirs} and may not {action} for "
            "{outside}.",
            "upload": "{who} is {role} and may {action} only if they loaded it; this one was "
            "loaded by {owner}.",
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
        "Someone else changed the same thing at the same moment; the other change won.",
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
        "It is still linked to other rows.",
        "Still linked",
        "A row others still point at cannot be removed or renamed.",
    ),
}

CATALOGUE: dict[str, Check] = {
    **_kind("file", _FILE),
    **_kind("return", _RETURN),
    **_kind("public-data", _PUBLIC),
    **_kind("framework", _FRAMEWORK),
    **_kind("actions", _ACTIONS),
    **_kind("refusal", _REFUSALS),
}
del E, W, I


_HEADINGS = {
    "file": "The file itself, measured before anything is parsed (`loaders.files`)",
    "return": "A lead's return, as read and as checked against the framework",
    "public-data": "Public data files (ONS, Fingertips, police.uk)",
    "framework": "The framework, imported from YAML or a workbook",
    "actions": "The actions log, imported from a workbook",
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
    """A sentence as the docs show it: literal braces unescaped, the whole in backquotes."""
    return "`" + sentence.replace("{{", "{").replace("}}", "}").replace("`", "'") + "`"
