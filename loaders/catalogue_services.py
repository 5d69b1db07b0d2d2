"""The catalogue's refusals of a person's request, part two: comparisons and SPC, downloads and
packs, reminders and the calendar, the database and the command line. Part of
loaders.catalogue, kept apart so that no catalogue module passes 700 lines."""

from __future__ import annotations

from loaders.check import Check, E

_COMPARISON = {
    "comparison-no-counts": Check(
        E,
        "{code} has no counts with denominators to compare",
        "No counts to compare",
        "A comparison needs counts with denominators, which this indicator does not have.",
    ),
    "comparison-no-period": Check(
        E,
        "{code} has no figures for {period}; it has {periods}",
        "No figures for the period",
        "The indicator has no figures for the period asked for.",
    ),
    "comparison-unknown-area": Check(
        E,
        "{code} has no figures for an area called {area!r}; its areas are {listed}.",
        "No such area",
        "The indicator or series has no figures for the area named.",
        wordings={
            "none": "{code} has no figures for an area called {area!r}; it has no figures for "
            "any area yet.",
        },
    ),
    "comparison-unknown-group": Check(
        E,
        "no comparator group named {group!r} (groups: {known})",
        "No such comparator group",
        "A comparator group was named that the framework does not have.",
    ),
    "comparison-unknown-series": Check(
        E,
        "{code} is neither an indicator nor a loaded series",
        "Nothing to compare",
        "The code is neither an indicator nor a loaded series with figures.",
        wordings={
            "area": "{code} is neither an indicator nor a series with figures for {area}",
        },
    ),
}

_STATISTICS = {
    "recalculation-already": Check(
        E,
        "{code}'s limits already start again from {period}.",
        "Already recalculated",
        "The limits already start again from that period.",
    ),
    "recalculation-no-figure": Check(
        E,
        "{code} has no figure for {period} to recalculate from.",
        "No figure to recalculate from",
        "The chart has no figure for the period its limits would start again from.",
    ),
    "recalculation-no-shift": Check(
        E,
        "{code}'s latest figures are no sustained shift, so its limits still describe "
        "the process: there is nothing to recalculate from.",
        "No shift",
        "The latest figures show no sustained shift, so the limits still describe the process.",
    ),
    "recalculation-reason-needed": Check(
        E,
        "Say why the limits are recalculated (what changed in the process).",
        "Reason needed",
        "Recalculating an SPC chart's limits needs the reason the process changed, for the record.",
    ),
    "recalculation-too-soon": Check(
        E,
        "Limits out of date: the {figures} figures since {since} are all {side} the "
        "mean, a sustained shift. They can be recalculated from {since} once there "
        "are {needed} figures since.",
        "Shift not yet recalculable",
        "A sustained shift is there, but the limits can be recalculated from it only "
        "once enough figures have come since.",
    ),
}

_EXPORT = {
    "export-format": Check(
        E,
        "A view can be downloaded as {formats}, not '{fmt}'.",
        "Format not offered",
        "A download was asked for in a format that is not offered.",
        wordings={
            "framework": "The framework can be downloaded as xlsx or yaml, not '{fmt}'.",
        },
    ),
    "export-too-many-rows": Check(
        E,
        "{view} has {rows} rows, more than a workbook sheet holds ({most}): download "
        "it as CSV or Parquet.",
        "Too many rows for a workbook",
        "The view has more rows than an Excel sheet holds; CSV and Parquet have no such limit.",
    ),
    "export-unknown-view": Check(
        E,
        "There is no view called '{view}' to download.",
        "No such view",
        "A download was asked for a view the database does not have.",
    ),
}

_PACK = {
    "browser-path-invalid": Check(
        E,
        "BROWSER_PATH is {chosen!r}, which is not a program. The pack's charts are "
        "drawn by Chromium: point BROWSER_PATH at Chromium or Chrome, or unset it to "
        "use /usr/bin/chromium.",
        "BROWSER_PATH not a program",
        "BROWSER_PATH names something that is not a program, so the pack's charts cannot be drawn.",
    ),
    "chromium-failed": Check(
        E,
        "Chromium ({path}) could not draw a chart: {kind}: {err}",
        "Chromium failed",
        "Chromium could not start, stopped, or took too long while drawing the pack's charts.",
        wordings={
            "stopped": "Chromium ({path}) could not start or stopped while drawing a chart.",
            "timeout": "Chromium ({path}) did not draw a chart within {timeout} seconds.",
            "start": "Chromium ({path}) could not start: {err}",
        },
    ),
    "chromium-missing": Check(
        E,
        "The pack's charts are drawn by Chromium (the web browser kaleido drives) and "
        "none was found. Install Debian's chromium package (apt-get install chromium) "
        "or set BROWSER_PATH to a Chrome or Chromium program. An Excel pack needs no "
        "browser.",
        "Chromium not found",
        "The pack's charts are drawn by Chromium, and none was found.",
    ),
    "force-pack-too-few": Check(
        E,
        "The force-wide pack is for two or more partnerships side by side.",
        "Force-wide pack needs two",
        "The force-wide pack sets partnerships side by side, so it needs two or more.",
    ),
    "kaleido-missing": Check(
        E,
        "The pack's charts need kaleido: pip install -r requirements.txt.",
        "kaleido missing",
        "The library that drives Chromium to draw the charts is not installed.",
    ),
    "pack-format": Check(
        E,
        "A board pack can be {formats} or {last}, not {fmt!r}.",
        "Pack format not offered",
        "A board pack was asked for in a format that is not offered.",
    ),
    "pack-no-meeting": Check(
        E,
        "No board meeting on {when} is recorded, so there are no statuses frozen for "
        "it.{listed} Leave the date out for the statuses as they stand now.",
        "No meeting on that date",
        "A pack was asked for as at a meeting that is not recorded, so there are no "
        "frozen statuses to show.",
    ),
    "pack-paper": Check(
        E,
        "Paper size {paper!r} is not available: use {papers}.",
        "Paper size not offered",
        "A board pack was asked for on a paper size that is not offered.",
    ),
    "pack-public-no-meeting": Check(
        E,
        "The public pack shows the published figures as they stand now: leave the "
        "meeting date out.",
        "Public pack with a meeting date",
        "The public pack shows the published figures as they stand; it has no "
        "meeting's frozen statuses.",
    ),
}

_REMINDERS = {
    "mail-login-refused": Check(
        E,
        "The mail server at {where} refused the user name and password in "
        "OUTCOMES_SMTP_URL; nothing was sent.",
        "Mail server refused the login",
        "The mail server refused the user name and password; nothing was sent.",
    ),
    "mail-no-starttls": Check(
        E,
        "The mail server at {where} offers no STARTTLS, so the password in "
        "OUTCOMES_SMTP_URL would cross the network in the clear; nothing was sent. "
        "Use smtps://, or a relay that needs no password.",
        "Mail server offers no TLS",
        "The mail server would take the password in the clear, which the dashboard "
        "refuses to send.",
    ),
    "mail-not-set": Check(
        E,
        "No mail server is set: set OUTCOMES_SMTP_URL "
        "(smtp://user:password@host:port, or smtps:// for TLS), or use --dry-run to "
        "see what would be sent.",
        "No mail server",
        "No mail server is configured (OUTCOMES_SMTP_URL), so no reminder can be sent.",
    ),
    "mail-recipient-refused": Check(
        E,
        "The mail server would not take mail for {email}.",
        "Recipient refused",
        "The mail server would not take mail for one person's address.",
    ),
    "mail-sender-not-set": Check(
        E,
        "Set OUTCOMES_MAIL_FROM to the address reminders come from, e.g. csp@example.org.",
        "No sender address",
        "OUTCOMES_MAIL_FROM is not set, so mail would have no sender.",
    ),
    "mail-stopped": Check(
        E,
        "The mail server at {where} stopped answering ({reason}) after {sent} of "
        "{pending} reminders; those sent are recorded, the rest go on the next run.",
        "Mail server stopped answering",
        "The mail server stopped part way through a run of reminders; those sent are "
        "recorded, the rest go on the next run.",
    ),
    "mail-unreachable": Check(
        E,
        "The mail server at {where} could not be reached ({why}); nothing was sent.",
        "Mail server unreachable",
        "The mail server could not be reached; nothing was sent.",
    ),
    "mail-url-unreadable": Check(
        E,
        "OUTCOMES_SMTP_URL must look like smtp://user:password@host:port (or smtps://…).",
        "Mail server address unreadable",
        "OUTCOMES_SMTP_URL is not written as an smtp:// or smtps:// address.",
        wordings={
            "port": "The port in OUTCOMES_SMTP_URL is not a number.",
        },
    ),
    "remind-days-negative": Check(
        E,
        "The number of days ahead cannot be negative.",
        "Negative days ahead",
        "Reminders look a number of days ahead, which cannot be negative.",
    ),
    "remind-time-unreadable": Check(
        E,
        "OUTCOMES_REMIND_AT '{text}' is not a time of day: write it as 07:30.",
        "Reminder time unreadable",
        "OUTCOMES_REMIND_AT is not a time of day.",
    ),
}

_CALENDAR = {
    "calendar-not-yours": Check(
        E,
        "{name} may make a calendar subscription address only for themselves.",
        "Someone else's calendar",
        "A calendar subscription address is made only by the person it is for (it "
        "shows their due returns).",
    ),
}

_DATABASE = {
    "backup-missing": Check(
        E,
        "there is no backup at {file}",
        "No backup there",
        "There is no backup file at the place named.",
    ),
    "backup-over-itself": Check(
        E,
        "a backup cannot be written over the database itself",
        "Backup over the database",
        "A backup was to be written over the database it backs up.",
    ),
    "backup-tool-failed": Check(
        E,
        "{name} failed, and nothing was changed: {last}",
        "Backup program failed",
        "pg_dump or pg_restore failed; nothing was changed.",
    ),
    "backup-tool-missing": Check(
        E,
        "{name} is not installed on this machine, so a PostgreSQL backup cannot be "
        "made or restored here. Install PostgreSQL's client programs (Debian: apt-get "
        "install postgresql-client), or copy the database to a DuckDB file with "
        "`python -m outcomes db copy --from URL --to backup.duckdb`",
        "PostgreSQL client missing",
        "Backing up or restoring PostgreSQL needs its client programs (pg_dump, pg_restore).",
    ),
    "backup-unknown-kind": Check(
        E,
        "{file} is not a backup this product made (neither DuckDB nor pg_dump)",
        "Not a backup",
        "The file is not a backup this product made, or a kind that restores elsewhere.",
        wordings={
            "pg-dump": "{file} is a PostgreSQL backup (pg_dump); restore it into a postgresql:// "
            "database, then `db copy` it to a DuckDB file if that is where it should "
            "live",
        },
    ),
    "copy-circular-tables": Check(
        E,
        "the tables point at each other in a circle ({tables})",
        "Tables in a circle",
        "The tables point at each other in a circle, so there is no order to copy "
        "them in (a fault in the migrations).",
    ),
    "copy-no-source": Check(
        E,
        "there is no database at {source}",
        "No source database",
        "There is no database where the copy should come from.",
    ),
    "copy-same-database": Check(
        E,
        "the source and the target are the same database; name another target",
        "Copy onto itself",
        "The source and target of a copy are the same database.",
    ),
    "copy-table-missing": Check(
        E,
        "the source has no {missing} table",
        "Source lacks a table",
        "The database copied from lacks a table the product needs.",
    ),
    "copy-target-not-empty": Check(
        E,
        "{name} already holds a database; nothing was written. Add --replace to "
        "overwrite everything in it, or name an empty target",
        "Target not empty",
        "The copy's target already holds a database; without --replace nothing is overwritten.",
        wordings={
            "file": "{name} already holds a database; nothing was written. Add --replace to "
            "overwrite it, or name a new file",
            "restore": "{name} already holds a database; nothing was restored. Add --replace to "
            "overwrite everything in it",
        },
    ),
    "copy-versions-differ": Check(
        E,
        "the two databases are at different versions of the product (migrations "
        "{migrations} are in one and not the other); open both with this version "
        "first",
        "Databases at different versions",
        "A copy between two databases needs both at the same migrations.",
    ),
    "database-address": Check(
        E,
        "The database address is not a PostgreSQL URL this product can read: write it "
        "as postgresql://USER@HOST:PORT/DATABASE.",
        "Database address unreadable",
        "The database address is neither a postgresql:// URL the product can read nor "
        "a DuckDB file.",
        wordings={
            "scheme": "The database {scheme}://… is neither a postgresql:// address nor a "
            "DuckDB file: write postgresql://USER@HOST:PORT/DATABASE, or the path of "
            "a file.",
        },
    ),
    "database-busy": Check(
        E,
        "The database is busy: another program (probably the command line) has it "
        "open for a moment. Try again in a moment; nothing has been lost.",
        "Database busy",
        "Another program holds the database file for a moment; nothing has been lost.",
    ),
    "database-in-use": Check(
        E,
        "{path} is in use by {holder}: DuckDB lets one program open it at a time. "
        "Wait for a command to finish, or stop the dashboard, then try again; or "
        "point --db at another file.",
        "Database file in use",
        "DuckDB lets one program open a database file at a time, and another has it.",
    ),
    "database-newer": Check(
        E,
        "This database has been updated by a newer version of the product (migration "
        "{migration}); install that version to open it, or restore a backup.",
        "Database from a newer version",
        "The database has migrations this version does not know; opening it could damage it.",
    ),
    "database-unreachable": Check(
        E,
        "The database server at {where} cannot be reached: check that it is running "
        "and that the address is right, then try again.",
        "Database unreachable",
        "The PostgreSQL server did not answer, refused the login, or has no such database.",
        wordings={
            "login": "PostgreSQL at {where} did not accept {user}: check the user name and "
            "password (in the URL or ~/.pgpass), then try again.",
            "no-database": "There is no database {db} on {where}: create it first (createdb {db}).",
            "page": "The database is unreachable, try again: its server did not answer or "
            "refused the connection. Nothing has been changed.",
        },
    ),
    "link-target-gone": Check(
        E,
        "There is no {what} to link to any more (someone may have just removed it). "
        "Nothing was written: look again, then try again.",
        "Linked row gone",
        "A row being saved links to one someone removed a moment before; nothing was written.",
    ),
}

_COMMAND = {
    "command-plan-needs-dates": Check(
        E,
        "Give the dates of the meetings to come (or --clear to plan none).",
        "Meeting plan needs dates",
        "meeting plan was run with neither dates nor --clear, so there is nothing to plan.",
    ),
    "command-shared-and-returns": Check(
        E,
        "Public files are shared by every partnership here, returns are one partnership's "
        "own: load them in separate commands.",
        "Shared files and returns together",
        "One load command was given both public files (shared by every partnership) and "
        "returns (one partnership's own); each goes in its own command.",
    ),
    "command-failed": Check(
        E,
        "something went wrong ({kind}); nothing half-written was kept. Run again with "
        "OUTCOMES_DEBUG=1 to see the details for a bug report.",
        "Command failed",
        "A fault in the product, not in what was asked: the command stops, its transaction is "
        "rolled back, and the details are shown only when asked for (exit status 1).",
        wordings={
            "server-gone": "the database server stopped answering; nothing half-written was "
            "kept. Check that it is running, then try again.",
        },
    ),
    "command-cannot-open": Check(
        E,
        "cannot open {path}: {err}",
        "Cannot open the database",
        "The database file could not be opened.",
    ),
    "command-database-not-empty": Check(
        E,
        "{path} already holds a framework and figures. Use --replace to delete it and "
        "start again, or `python -m outcomes framework import FILE` to update the "
        "framework.",
        "Database not empty",
        "init was asked to start a database that already holds a framework and figures.",
    ),
    "command-date-unreadable": Check(
        E,
        "--on '{text}' is not a date: write it as 2026-12-07 or 7/12/2026.",
        "Not a date",
        "A date given to a command cannot be read.",
    ),
    "command-framework-suffix": Check(
        E,
        "cannot write '{suffix}' files: name the output .xlsx or .yaml",
        "Framework output kind",
        "A framework can be written only as .xlsx or .yaml.",
    ),
    "command-needs-demo": Check(
        E,
        "--partnerships builds the force-area demo: give --demo with it.",
        "Option needs --demo",
        "An option only makes sense with the demo.",
    ),
    "command-no-file": Check(
        E,
        "no such file: {missing}",
        "No such file",
        "A file named on the command line does not exist.",
    ),
    "command-out-suffix": Check(
        E,
        "--out {name} does not end in .{format}: name the file FILE.{format}",
        "Output name and format differ",
        "The output file's name does not end in the format asked for.",
    ),
    "command-reset-needs-person": Check(
        E,
        "--reset makes a new subscription address for --person EMAIL.",
        "Reset needs a person",
        "A new calendar subscription address is made for one person, who must be named.",
    ),
    "demo-partnerships": Check(
        E,
        "The force-area demo has 1 to {most} partnerships.",
        "Demo partnerships out of range",
        "The force-area demo has a fixed number of partnerships to choose from.",
    ),
}

ENTRIES = {
    "comparison": _COMPARISON,
    "statistics": _STATISTICS,
    "export": _EXPORT,
    "pack": _PACK,
    "reminders": _REMINDERS,
    "calendar": _CALENDAR,
    "database": _DATABASE,
    "command": _COMMAND,
}
