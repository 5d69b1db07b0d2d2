"""Loading figures: a lead's return or a public data file, checked, previewed, committed, undone.

The steps, each usable on its own (the command line and the upload page share them):

1. :func:`prepare` reads the file with the right loader and checks every row against the
   framework. Every problem is collected, none is raised: a lead sees them all at once, each with
   the file, sheet, row, column and value, and a sentence saying what to do.
2. :func:`preview` says what committing would change: which figures are new, revised (old and new)
   or unchanged, and each affected indicator's status before and after. It does so by writing
   inside a transaction and rolling it back, so the preview is exactly what commit would do.
3. :func:`commit` writes it all in one transaction, refusing while there are errors or warnings
   nobody accepted. The same file twice changes nothing and says so.
4. :func:`rollback` marks an upload rolled back; the figures it replaced are current again.

Every check's code, severity and wording is in the one problem catalogue,
:data:`loaders.problems.CATALOGUE`, in the manner of frictionless' error catalogue.

Each step is its own module: ``prepared`` (what a checked file is), ``reading``
(the format and the limits), ``return_checks`` (a lead's return against the framework),
``public_data`` (police.uk, ONS and Fingertips as series, and derived indicators), ``previewing``
and ``committing`` (commit, undo, restore and the uploads' history).
"""

from loaders.reading import detect_format
from outcomes.queries.observations import UploadResult, UploadWriter
from outcomes.workflows.uploads.committing import (
    UploadFacts,
    check_permitted,
    commit,
    commit_all,
    refusal,
    restore,
    rollback,
    upload_facts,
    uploads,
)
from outcomes.workflows.uploads.prepared import FORMATS, Prepared, UploadRefused
from outcomes.workflows.uploads.previewing import (
    Preview,
    commentary_lines,
    preview,
    told_summary,
    upload_commentary,
)
from outcomes.workflows.uploads.public_data import derived_figures
from outcomes.workflows.uploads.reading import (
    cursor_for,
    file_sha256,
    prepare,
    prepare_for,
    prepare_upload,
    prepare_upload_for,
    public_permission,
    shared_cursor,
    shared_uploads,
)
from outcomes.workflows.uploads.return_checks import BIG_CHANGE

__all__ = [
    "BIG_CHANGE",
    "FORMATS",
    "Prepared",
    "Preview",
    "UploadFacts",
    "UploadRefused",
    "UploadResult",
    "UploadWriter",
    "check_permitted",
    "commentary_lines",
    "commit",
    "commit_all",
    "derived_figures",
    "detect_format",
    "file_sha256",
    "prepare",
    "prepare_for",
    "prepare_upload_for",
    "public_permission",
    "cursor_for",
    "shared_cursor",
    "shared_uploads",
    "prepare_upload",
    "preview",
    "refusal",
    "restore",
    "rollback",
    "told_summary",
    "upload_commentary",
    "upload_facts",
    "uploads",
]
