"""The command line's way to the public data every partnership shares: ``--public-data`` on
``uploads``, ``rollback`` and ``restore`` (``load`` finds it by itself: a public file on a
database of several partnerships goes there)."""

from __future__ import annotations

import argparse

from outcomes.cli.common import PARTNERSHIP, _open, _open_file
from outcomes.workflows import shared_data


def public_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--public-data",
        action="store_true",
        help="the public data loaded once for every partnership (police.uk, ONS, Fingertips), "
        "not the partnership's own uploads",
    )


def uploads_of(store, args: argparse.Namespace):
    """The cursor a command about uploads works on: the partnership's, or the shared public
    data's with ``--public-data``."""
    return shared_data.cursor(store) if getattr(args, "public_data", False) else store.cursor()


def open_for(args: argparse.Namespace):
    """The store for a command about uploads: with ``--public-data`` and no ``--partnership``
    the shared public data needs no partnership named (``--as`` then names a person of the
    first)."""
    if getattr(args, "public_data", False) and PARTNERSHIP.get() is None:
        return _open_file(args.db)
    return _open(args.db)
