"""The catalogue's refusals of a person's request, part one: periods, people and partnerships,
the plan, returns and their approval, and the board's records. Part of loaders.catalogue,
kept apart so that no catalogue module passes 700 lines; each section is one kind (its
heading in docs/problems.md is outcomes.cli.problems._HEADINGS)."""

from __future__ import annotations

from loaders.check import Check, E, I, W

_PERIOD = {
    "period-ambiguous-date": Check(
        E,
        "{raw} is ambiguous: day-first and month-first dates cannot be told apart. "
        "Write the date year-first, such as 2024-05-04, or write the period itself: "
        "{wanted}.",
        "Ambiguous date",
        "A date whose day and month could be either way round (04/05/2024); guessing "
        "would file a figure in the wrong month.",
    ),
    "period-blank": Check(
        E,
        "The period is blank ({raw}): write {wanted}.",
        "Period blank",
        "No period was given where one is needed.",
    ),
    "period-code-unreadable": Check(
        E,
        "{code} is not a period code: write 2024-04 (a month), 2024/25 Q1 (a "
        "financial quarter), 2024/25 (a financial year), YE 2024-12 (a year ending "
        "December 2024) or CY 2024 (a calendar year).",
        "Not a period code",
        "A stored or typed period code is not in any of the forms the dashboard writes.",
    ),
    "period-month-or-year": Check(
        E,
        "{raw} is neither a month (months run 01 to 12, as in {year}-04) nor a "
        "financial year (the years must be consecutive, as in {financial_year}).",
        "Neither a month nor a financial year",
        "A period written as two numbers that fit neither a month (YYYY-MM) nor a "
        "financial year (YYYY/YY); the sentence shows both forms.",
    ),
    "period-month-range": Check(
        E,
        "Month {month} is not between 1 and 12.",
        "Month out of range",
        "A month number outside 1 to 12.",
        wordings={
            "typed": "{raw} has month {month}, but months run from 1 to 12: write a month such "
            "as {year}-04 or Apr {year}.",
            "year-ending": "{raw} has month {month}, but months run from 1 to 12: write a year "
            "ending such as YE {year}-12 or year ending December {year}.",
        },
    ),
    "period-not-financial-year": Check(
        E,
        "{raw} is not a financial year: the two years must be consecutive, as in "
        "{financial_year} (April {start}–March {next_year}){as_month}.",
        "Not a financial year",
        "A financial year whose two years are not consecutive (2024/26).",
    ),
    "period-not-quarter": Check(
        E,
        "{raw} is not a financial quarter: quarters run Apr-Jun, Jul-Sep, Oct-Dec and "
        "Jan-Mar. Write a quarter such as {code} ({span}).",
        "Not a financial quarter",
        "Words or months that do not make one of the four financial quarters; the "
        "nearest quarter is offered.",
    ),
    "period-not-readable": Check(
        E,
        "{raw} is not a period this dashboard can read: write {wanted}.",
        "Not a period",
        "A cell or typed value that cannot be read as a period at all (a number, yes "
        "or no, an Excel serial number, a date that cannot exist); the sentence says "
        "what to write for the indicator's frequency.",
        wordings={
            "kind": "{raw} ({kind}) is not a period: write {wanted}.",
            "yes-no": "{raw} is a yes/no value, not a period: write {wanted}.",
            "number": "{raw} is a number, not a period: write {wanted}.",
            "serial": "{raw} looks like an Excel date serial number; format the cell as a date "
            "or type {wanted}.",
            "impossible": "{raw} is not a date or period that can exist: write {wanted}.",
        },
    ),
    "period-not-real-date": Check(
        E,
        "{raw} is not a real date: write a date as YYYY-MM-DD, such as 2024-06-30.",
        "Not a real date",
        "A date that does not exist on the calendar (31 June).",
    ),
    "period-out-of-years": Check(
        E,
        "{raw} falls in {year}, outside the years this dashboard takes ({earliest} to "
        "{latest}): check the year for a typing slip.",
        "Year out of range",
        "A period outside the years the dashboard takes "
        "(loaders.periods.EARLIEST_YEAR to LATEST_YEAR), almost always a typing slip.",
    ),
    "period-quarter-range": Check(
        E,
        "Quarter {quarter} is not between 1 (April–June) and 4 (January–March).",
        "Quarter out of range",
        "A quarter number outside 1 (April to June) to 4 (January to March).",
        wordings={
            "typed": "{raw} has quarter {quarter}, but financial quarters run from Q1 "
            "(April–June) to Q4 (January–March): write a quarter such as "
            "{financial_year} Q1.",
        },
    ),
    "period-range": Check(
        E,
        "Cannot list the periods from {first} to {last}: one is {first_kind} and the "
        "other a {last_kind}; both ends must be the same kind of period.",
        "Periods that cannot be listed",
        "A run of periods asked for between two ends of different kinds, or ends that "
        "cannot be reached from each other in whole steps.",
        wordings={
            "months": "Cannot list the periods from {first} to {last}: they end in different "
            "months, so one cannot be reached from the other in whole years.",
        },
    ),
    "period-wrong-kind": Check(
        E,
        "{raw} is {noun}, but this indicator is reported {reported}: write "
        "{wanted_noun} such as {example}.",
        "Period of the wrong frequency",
        "A month given for a quarterly indicator, or the like: the figure would not "
        "line up with the others.",
    ),
    "period-year-ending-month": Check(
        E,
        "{raw} does not say which month the year ends in: write, for example, YE "
        "{year}-12 (year ending December {year}) or YE {year}-03 (year ending March "
        "{year}).",
        "Year ending without its month",
        "A rolling year (year ending) that does not say which month it ends in, so it "
        "cannot be placed.",
    ),
    "period-year-unclear": Check(
        E,
        "{raw} does not say whether {year} is a calendar or financial year: write "
        "{financial} for {financial_span}, or {calendar} for {calendar_span}.",
        "Calendar or financial year?",
        "A year written without saying whether it runs January to December or April "
        "to March; both readings are offered, since a figure filed under the wrong "
        "one is a year out.",
        wordings={
            "bare": "{raw} could be calendar year {year} or financial year {financial_year}: "
            "write the financial year, such as {financial_year} (April {year}–March "
            "{next_year}) or {previous_financial_year} (April {previous_year}–March "
            "{year}){calendar}.",
        },
    ),
}

_PERMISSION = {
    "sign-in-ended": Check(
        E,
        "You were signed in more than {hours} hours ago: sign in again.",
        "Sign-in ended",
        "A sign-in lasts a set number of hours, and ends after a set time with nothing done "
        "([sign_in] in secrets.toml), so an unattended screen does not stay signed in.",
        wordings={
            "idle": "Nothing was done for more than {minutes} minutes: sign in again.",
        },
    ),
    "draft-needs-sign-in": Check(
        E,
        "A draft is kept for a signed-in person; sign in to save one.",
        "Sign in to keep a draft",
        "A return typed in the browser is kept as a draft only for a signed-in "
        "person, so that nobody else can see or change it.",
    ),
}

_PEOPLE = {
    "email-invalid": Check(
        E,
        "'{email}' is not an e-mail address (write it as name@example.org).",
        "Not an e-mail address",
        "A person's address is not written as an e-mail address, so they could never "
        "sign in or be reminded.",
    ),
    "last-administrator": Check(
        E,
        "{name} is the only administrator who can sign in: make someone else an "
        "administrator first (the command line can always do this).",
        "Last administrator",
        "The change would leave no administrator who can sign in, so nobody could "
        "manage people any more.",
    ),
    "person-exists": Check(
        E,
        "{email} is already known, as {name} ({role}): change them instead.",
        "Already known",
        "A person is added with an address the partnership already knows.",
    ),
    "person-name-blank": Check(
        E,
        "Give the person's name, as the board knows them.",
        "Name blank",
        "A person was added without a name; the board needs to know who they are.",
    ),
    "remove-yourself": Check(
        E,
        "You cannot remove yourself: ask another administrator.",
        "Removing yourself",
        "An administrator tried to remove their own access, which would lock them out mid-task.",
    ),
    "role-no-priorities": Check(
        E,
        "Only a priority lead has priorities; {role} does not.",
        "Only leads have priorities",
        "Priorities were given to someone whose role is not priority lead; only a "
        "lead answers for priorities.",
    ),
    "role-unknown": Check(
        E,
        "'{role}' is not a role: use one of {roles}.",
        "Not a role",
        "A role that is not one of outcomes.storage.people.ROLES.",
    ),
    "unknown-person": Check(
        E,
        "Nobody with the address {email} is known: add them first.",
        "Nobody with that address",
        "An e-mail address names nobody the partnership knows; nothing was done for or as them.",
        wordings={
            "approver": "{email} is not someone the partnership knows: add them first.",
            "command": "{email} {why}, so nothing can be done as them. `python -m outcomes user "
            "list` shows who is known.",
            "calendar": "Nobody with the address {email} is known here.",
            "remove": "Nobody with the address {email} is known, so nobody was removed.",
            "remind": "Nobody with the address {email} is known here, so nobody was reminded.",
        },
    ),
}

_PARTNERSHIP = {
    "commissioner-no-partnership": Check(
        E,
        "Name at least one partnership the commissioner holds to account.",
        "Commissioner without partnerships",
        "A commissioner (force-wide) must hold at least one partnership to account, "
        "or there is nothing for them to see.",
    ),
    "partnership-exists": Check(
        E,
        "There is already a partnership '{pid}': choose another id.",
        "Partnership already exists",
        "A new partnership was given an id already in use.",
    ),
    "partnership-id-invalid": Check(
        E,
        "'{partnership_id}' cannot be a partnership's id: use 2 to 39 lower-case "
        "letters, digits and hyphens, starting with a letter (plymouth, north-devon).",
        "Not a partnership id",
        "A partnership's id is used in schema names and addresses, so it takes only "
        "lower-case letters, digits and hyphens.",
    ),
    "partnership-name-blank": Check(
        E,
        "Give the partnership's name, as its board writes it.",
        "Partnership name blank",
        "A partnership was added without the name its board uses.",
    ),
    "partnership-not-named": Check(
        E,
        "This database holds {count} partnerships ({ids}): name one with --partnership ID.",
        "Which partnership?",
        "The database holds several partnerships and the command did not say which one it is for.",
    ),
    "partnership-unknown": Check(
        E,
        "There is no partnership '{wanted}' here: the partnerships are {ids}.",
        "No such partnership",
        "A partnership was named that this deployment does not hold.",
    ),
}

_PLAN = {
    "no-such-indicator": Check(
        E,
        "There is no indicator {code}.",
        "No such indicator",
        "An indicator was named that the framework does not have.",
        wordings={
            "framework": "{code} is not an indicator in the framework.",
        },
    ),
    "no-such-priority": Check(
        E,
        "There is no priority {priority}.",
        "No such priority",
        "A priority was named that the framework does not have.",
        wordings={
            "listed": "There is no priority {priority}; the priorities are {known}.",
            "template": "There is no priority {priority!r}. The priorities are: {priorities}.",
            "no-framework": "There is no priority {priority!r}. The priorities are: (none: "
            "import the framework first).",
            "action": "There is no priority '{priority}': use one of {listed}, or leave it blank.",
        },
    ),
}

_RETURNS = {
    "shared-data-none": Check(
        E,
        "No public data is shared in this database: on a database of one partnership public "
        "files load into the partnership's own figures.",
        "No shared public data",
        "Public data is shared between partnerships only where a deployment holds several; "
        "with one, it is that partnership's own.",
    ),
    "shared-data-return": Check(
        E,
        "{file_name} is a return: it belongs to one partnership, not to the public data every "
        "partnership shares. Load it with --partnership ID.",
        "A return is not shared data",
        "A lead's return was loaded as public data shared by every partnership; it is one "
        "partnership's own figures.",
    ),
    "template-priority-and-lead": Check(
        E,
        "Give a priority or a lead, not both (priority {priority!r}, lead {lead!r}): "
        "a priority's return has all its indicators, a lead's has every indicator "
        "they answer for.",
        "Priority and lead both given",
        "A return template is for one priority or one lead; given both, the dashboard "
        "cannot tell which was meant.",
    ),
    "template-unknown-lead": Check(
        E,
        "No priority lead or accountable officer matches {lead!r}. The leads are: {leads}.",
        "No such lead",
        "No priority lead or accountable officer matches the name or role given.",
        wordings={
            "no-framework": "No priority lead or accountable officer matches {lead!r}. The "
            "leads are: (none: import the framework first).",
        },
    ),
    "template-whose": Check(
        E,
        "Say whose return this is: give a priority (such as street-violence) or part "
        "of a lead's role or name (such as Victim Support).",
        "Whose return?",
        "A return template was asked for without saying whose return it is.",
    ),
    "upload-already": Check(
        E,
        "Upload {upload_id} ({file_name}) is already {state}; nothing changed.",
        "Upload already so",
        "An upload asked to be undone or restored is already in that state.",
    ),
    "upload-changed-meanwhile": Check(
        E,
        "Upload {upload_id} ({file_name}) was {done} by someone else a moment ago; "
        "nothing changed.",
        "Upload changed meanwhile",
        "Someone else undid or restored the same upload a moment before; their change stands.",
    ),
    "upload-has-errors": Check(
        E,
        "{errors} to fix in the file before it can be loaded. Nothing has been written.",
        "Errors to fix",
        "The file has errors; nothing is written until they are fixed and it is loaded again.",
    ),
    "upload-has-warnings": Check(
        W,
        "{warnings}: check each figure below.",
        "Warnings to check",
        "The preview of a file with warnings: each figure they name is checked before loading.",
        wordings={"rows": "{warnings}: check each below."},
    ),
    "upload-has-notes": Check(
        I,
        "{notes}",
        "Notes on the file",
        "The preview of a file with notes that need nothing doing, folded away.",
        wordings={"skipped": "{notes} on rows the file's own layout skips"},
    ),
    "upload-needs-yes": Check(
        E,
        "{warnings} need a yes: check them, then accept them; nothing was written.",
        "Warnings need a yes",
        "The file has warnings that a person must accept before the figures are written.",
    ),
    "upload-stale-preview": Check(
        E,
        "Someone else changed these figures since your preview: look again at the "
        "preview (it has been worked out afresh) and confirm again if it is still "
        "right. Nothing was written.",
        "Preview out of date",
        "The figures changed after the preview was shown, so confirming would write "
        "something other than what the person saw.",
    ),
    "upload-unknown": Check(
        E,
        "There is no upload {upload_id}. `python -m outcomes uploads` lists them.",
        "No such upload",
        "An upload was named that does not exist.",
    ),
}

_APPROVAL = {
    "approval-already-decided": Check(
        E,
        "This return was already {state} by {decided_by}; nothing changed.",
        "Already decided",
        "The return was already approved or sent back; a decision is made once.",
    ),
    "approval-decided-meanwhile": Check(
        E,
        "Someone else decided on this return a moment ago; nothing changed.",
        "Decided meanwhile",
        "Someone else approved or returned the same return a moment before; their decision stands.",
    ),
    "approval-no-return": Check(
        E,
        "There is no return {upload_id} waiting for approval.",
        "No return waiting",
        "No return with that number is waiting for approval.",
    ),
    "approval-reason-needed": Check(
        E,
        "Say why it goes back, so its lead knows what to change.",
        "Reason needed",
        "A return sent back must say why, so its lead knows what to change.",
    ),
}

_MEETINGS = {
    "meeting-plan-past": Check(
        E,
        "{dates} have passed: plan meetings to come; record one that took place with meeting add.",
        "Planned meeting already past",
        "The meeting plan lists meetings to come (their dates drive the reminders); a meeting "
        "that took place is recorded instead, with its statuses frozen.",
        wordings={
            "one": "{dates} has passed: plan meetings to come; record one that took place with "
            "meeting add.",
        },
    ),
    "action-fault": Check(
        E,
        "An action needs {missing}.",
        "Action breaks a rule",
        "One rule of an action broken (a blank field, a status that is neither open "
        "nor done); every one found is listed together in action-refused.",
        wordings={
            "status": "Its status '{status}' should be open or done.",
        },
    ),
    "action-meeting-unknown": Check(
        E,
        "No meeting on {when} is recorded: record it first, or leave the meeting blank.",
        "Action's meeting unknown",
        "An action names a meeting that is not recorded.",
    ),
    "action-refused": Check(
        E,
        "{faults}",
        "Action refused",
        "An action breaks one or more of its rules (each worded by action-fault, "
        "date-unreadable or no-such-priority); nothing was written.",
    ),
    "action-unknown": Check(
        E,
        "There is no action {reference}.",
        "No such action",
        "An action was named by a reference the log does not have.",
    ),
    "actions-import-refused": Check(
        E,
        "Nothing was imported. Fix these rows:\n{listed}",
        "Actions import refused",
        "An actions log with problems is imported all or nothing: the rows listed "
        "must be fixed first.",
        wordings={
            "heading": "Nothing was imported. Fix these rows:",
        },
    ),
    "blockage-not-open": Check(
        E,
        "{indicator_code} has no open blockage for {period}.",
        "No open blockage",
        "There is no open blockage for that indicator and period to close.",
    ),
    "blockage-note-needed": Check(
        E,
        "Say how the blockage was {outcome}: a note is needed.",
        "Blockage note needed",
        "Closing a blockage needs a note of how, for the record.",
    ),
    "blockage-outcome": Check(
        E,
        "A blockage is resolved or withdrawn, not '{outcome}'.",
        "Not a blockage outcome",
        "A blockage ends resolved or withdrawn, nothing else.",
    ),
    "commentary-empty": Check(
        E,
        "Nothing to record: write the commentary, mark a blockage or override the status.",
        "Nothing to record",
        "Commentary was saved with no words, no blockage and no override.",
    ),
    "commentary-not-public": Check(
        E,
        "The commentary on {code} for {period} has no words for the public: a "
        "blockage escalated to the board is never published. Add commentary for the "
        "public instead.",
        "No public words",
        "Commentary for the board is never published as it stands; the public pack "
        "needs words written for the public.",
    ),
    "commentary-over-limit": Check(
        E,
        "{label} is {length} characters; the limit is {most}. Shorten it to what the board needs.",
        "Commentary too long",
        "Commentary over the length the board pack can show "
        "(outcomes.workflows.commentary.COMMENTARY_MAX_CHARS).",
    ),
    "commentary-unknown": Check(
        E,
        "There is no commentary {commentary_id} (or its upload was undone).",
        "No such commentary",
        "The commentary asked for does not exist, or went with an upload that was undone.",
    ),
    "date-unreadable": Check(
        E,
        "{what} '{value}' is not a date: write it day first, as 31/05/2026, or as 31 May 2026.",
        "Not a date",
        "A date in the board's records (a meeting, a due date) cannot be read.",
    ),
    "meeting-already-recorded": Check(
        E,
        "A meeting on {when} is already recorded; its statuses stay as they were frozen.",
        "Meeting already recorded",
        "A meeting on that date is already recorded; its frozen statuses are never overwritten.",
    ),
    "meeting-in-future": Check(
        E,
        "{when} has not come yet: record a meeting on the day, once the board has "
        "seen the figures, so the statuses frozen are the ones it was shown.",
        "Meeting not yet held",
        "A meeting freezes the statuses the board was shown, so it is recorded on the "
        "day, not ahead of it.",
    ),
    "meeting-unknown": Check(
        E,
        "No board meeting on {when} is recorded.",
        "No such meeting",
        "No board meeting is recorded on that date.",
    ),
    "override-needs-reason": Check(
        E,
        "A status can only be overridden with a reason: say why the computed status is wrong.",
        "Override needs a reason",
        "A status is overridden only with a reason, so the board can see why the "
        "computed one was set aside.",
    ),
    "status-unknown": Check(
        E,
        "'{status}' is not a status: use one of {statuses}.",
        "Not a status",
        "A status override that is not one of the statuses the dashboard uses.",
    ),
}

ENTRIES = {
    "period": _PERIOD,
    "permission": _PERMISSION,
    "people": _PEOPLE,
    "partnership": _PARTNERSHIP,
    "plan": _PLAN,
    "returns": _RETURNS,
    "approval": _APPROVAL,
    "meetings": _MEETINGS,
}
