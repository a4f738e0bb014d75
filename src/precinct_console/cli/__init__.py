"""Command-line verbs: `precinct-console VERB ...`; with no verb it starts the console window."""

from __future__ import annotations

import argparse
import logging
import os
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
    patrols,
    roster,
    simulate,
    snapshot,
    tasks,
    watch,
)
from .common import CliError
from .i18n import ArgumentParser, choose_language, error_text, speaking, tr

# Each module adds its verbs; a new verb group is one module and one line here.
VERB_MODULES = [admin, incidents, watch, snapshot, doctor, export, grids, demo, bulletin, simulate, allocate,
                tasks, patrols, roster]


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="precinct-console",
        description=tr("Precinct Console: the command-room console of a police station. It speaks "
                       "Chinese on a Chinese system and English otherwise; the language setting "
                       "(or $PRECINCT_LANGUAGE=en or zh_CN) chooses."),
    )
    parser.add_argument("--version", action="store_true", help=tr("print the version and exit"))
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    gui = sub.add_parser("gui", help=tr("start the console window (the default)"))
    gui.add_argument("--db", help=tr("database URL (default: the embedded SQLite file)"))
    gui.set_defaults(func=_run_gui)
    for module in VERB_MODULES:
        module.register(sub)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from ..ui.app import run_gui

    return run_gui(db_url=getattr(args, "db", None))


def main(argv: Sequence[str] | None = None) -> int:
    with speaking(choose_language()):
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
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
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, so that a reader gone away is caught below, not at exit
        return code
    except (KnownError, CliError, DatabaseUrlError) as exc:
        # A CliError is said in the verbs' language already; the services' errors go through the
        # window's catalogue, so a refusal reads the same at the console and in a scheduled task.
        text = str(exc) if isinstance(exc, CliError) else error_text(exc)
        print(tr("precinct-console {verb}: error: {error}").format(verb=args.verb, error=text), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`allocate | head`): nothing more to say, and no traceback.
        # stdout goes to /dev/null so that Python's own flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # as a shell reports a writer ended by SIGPIPE
