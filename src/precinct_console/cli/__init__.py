"""Command-line verbs: `precinct-console VERB ...`; with no verb it starts the console window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ..domain.errors import KnownError
from ..storage.engine import DatabaseUrlError
from . import (
    admin,
    allocate,
    bulletin,
    demo,
    doctor,
    export,
    grids,
    incidents,
    simulate,
    snapshot,
    tasks,
    watch,
)
from .common import CliError

# Each module adds its verbs; a new verb group is one module and one line here.
VERB_MODULES = [admin, incidents, watch, snapshot, doctor, export, grids, demo, bulletin, simulate, allocate,
                tasks]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="precinct-console",
        description="Precinct Console: the command-room console of a police station.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    gui = sub.add_parser("gui", help="start the console window (the default)")
    gui.add_argument("--db", help="database URL (default: the embedded SQLite file)")
    gui.set_defaults(func=_run_gui)
    for module in VERB_MODULES:
        module.register(sub)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from ..ui.app import run_gui

    return run_gui(db_url=getattr(args, "db", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from .. import __version__

        print(f"precinct-console {__version__}")
        return 0
    if not args.verb:
        return _run_gui(args)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except (KnownError, CliError, DatabaseUrlError) as exc:
        print(f"precinct-console {args.verb}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
