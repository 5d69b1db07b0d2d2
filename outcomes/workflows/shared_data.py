"""Public data loaded once serves every partnership of a deployment (issue 19 item 4).

On a database of several partnerships, a police.uk force file, the ONS all-CSP workbook or a
Fingertips export is loaded once, into the schema ``public_data`` (made by the same numbered
migrations as a partnership's, so its loads have their own ``upload`` rows, revisions, undo and
audit trail). Each partnership reads its own areas from it: its ``series_current`` and
``series_named`` views are made again here (:func:`link`) as its own rows plus the shared rows
for its ``area`` codes, its comparator areas, the LSOAs within its ``area_name`` and that
district's total as ``all``; a figure of its own wins over a shared one with the same key.

On a database of one partnership nothing is shared: public files load into its own tables
and the views of migration 013 read only those, as before.

Loading or undoing shared public data changes what every partnership sees, so it needs
``public_data.share`` (an administrator); checked in the core (``outcomes.workflows.uploads``) whichever
way it is reached.
"""

from __future__ import annotations

from outcomes.errors import Refused
from outcomes.storage.public_schema import SCHEMA, exists, link


def is_shared(store) -> bool:
    """Whether public files load into public_data: the deployment holds several partnerships."""
    from outcomes.workflows.partnerships import listed

    return len(listed(store.cursor(None))) > 1


def cursor(store):
    """A cursor on the shared public data (refused where there is none)."""
    if not exists(store.cursor(None)):
        raise Refused.worded("shared-data-none")
    return store.cursor(SCHEMA)


def ensure(store):
    """The shared public data's schema, made (and every partnership linked to it) on first use;
    returns a cursor on it."""
    from outcomes.storage.store import make_schema
    from outcomes.workflows.partnerships import listed

    top = store.cursor(None)
    if not exists(top):
        make_schema(store, SCHEMA)
        for p in listed(top):
            link(store.cursor(p.schema))
    return store.cursor(SCHEMA)
