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

from loaders import catalogue_refusals, catalogue_services
from loaders.catalogue_workflows import _ACTIONS, _FRAMEWORK, _REFUSALS
from loaders.check import KINDS, SEVERITIES, Check, E, I, W
from loaders.check import of_kind as _kind

__all__ = ["CATALOGUE", "KINDS", "SEVERITIES", "Check"]

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


CATALOGUE: dict[str, Check] = {
    **_kind("file", _FILE),
    **_kind("return", _RETURN),
    **_kind("public-data", _PUBLIC),
    **_kind("framework", _FRAMEWORK),
    **_kind("actions", _ACTIONS),
    **{
        code: check
        for part in (catalogue_refusals.ENTRIES, catalogue_services.ENTRIES)
        for kind, entries in part.items()
        for code, check in _kind(kind, entries).items()
    },
    **_kind("refusal", _REFUSALS),
}
