"""`export`: write a ledger (台账) for a period to an .xlsx file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services.exports import export_ledger
from ..services.ledgers import LEDGERS, describe
from ..services.ledgers.periods import parse_day
from .common import CliError, add_db_argument, add_user_argument, cli_context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export", help="export a ledger (台账) to Excel",
        description="Export a ledger for the China-time days FROM..TO (inclusive) to an .xlsx "
        "file. Phone and ID numbers are masked unless --unmask is given by a user allowed to see them.",
    )
    p.add_argument("ledger", nargs="?", choices=list(LEDGERS), metavar="LEDGER",
                   help=f"one of: {', '.join(LEDGERS)}")
    p.add_argument("--from", dest="first", metavar="DATE", help="first day, e.g. 2026-11-16")
    p.add_argument("--to", dest="last", metavar="DATE", help="last day (inclusive), e.g. 2026-11-22")
    p.add_argument("--out", type=Path, metavar="FILE", help="the .xlsx file to write")
    p.add_argument("--unmask", action="store_true",
                   help="write phone and ID numbers in full (audited; needs the permission)")
    p.add_argument("--district", type=int, metavar="ID", help="only this police district (grid id)")
    p.add_argument("--list", action="store_true", help="print every ledger's columns and exit")
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    if args.list:
        print(describe())
        return 0
    missing = [flag for flag, value in (("LEDGER", args.ledger), ("--from", args.first),
                                        ("--to", args.last), ("--out", args.out)) if not value]
    if missing:
        raise CliError(f"missing {', '.join(missing)} (see precinct-console export --help)")
    first, last = parse_day(args.first, "from"), parse_day(args.last, "to")
    ctx = cli_context(args)
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int | None) -> None:
        if interactive:
            of = f"/{total}" if total else ""
            print(f"\r{done}{of} rows", end="", file=sys.stderr, flush=True)

    result = export_ledger(ctx, args.ledger, first, last, args.out, args.unmask,
                           progress=progress, district_id=args.district)
    if interactive:
        print(file=sys.stderr)
    print(f"{result.path}: {result.title}, {result.period}, {result.rows} rows in "
          f"{result.sheets} sheet(s), {'masked' if result.masked else 'UNMASKED'}, "
          f"{result.seconds:.1f} s")
    return 0
