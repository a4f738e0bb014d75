"""`export`: write a ledger (台账) for a period to an .xlsx file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services.exports import export_ledger
from ..services.ledgers import LEDGERS, Kind, describe
from ..services.ledgers.periods import parse_day
from .common import CliError, add_db_argument, add_user_argument, cli_context
from .i18n import joined, language, message_text, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export", help=tr("export a ledger (台账) to Excel"),
        description=tr("Export a ledger for the China-time days FROM..TO (inclusive) to an .xlsx "
                       "file. Phone and ID numbers are masked unless --unmask is given by a user "
                       "allowed to see them."),
    )
    p.add_argument("ledger", nargs="?", choices=list(LEDGERS), metavar="LEDGER",
                   help=tr("one of: {ledgers}").format(ledgers=joined(
                       f"{key} ({ledger.title})" for key, ledger in LEDGERS.items())))
    p.add_argument("--from", dest="first", metavar="DATE", help=tr("first day, e.g. 2026-11-16"))
    p.add_argument("--to", dest="last", metavar="DATE",
                   help=tr("last day (inclusive), e.g. 2026-11-22"))
    p.add_argument("--out", type=Path, metavar="FILE", help=tr("the .xlsx file to write"))
    p.add_argument("--unmask", action="store_true",
                   help=tr("write phone and ID numbers in full (audited; needs the permission)"))
    p.add_argument("--district", type=int, metavar="ID",
                   help=tr("only this police district (grid id)"))
    p.add_argument("--list", action="store_true", help=tr("print every ledger's columns and exit"))
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    if args.list:
        print(describe() if language() == "en" else _columns())
        return 0
    missing = [flag for flag, value in (("LEDGER", args.ledger), ("--from", args.first),
                                        ("--to", args.last), ("--out", args.out)) if not value]
    if missing:
        raise CliError(tr("missing {what} (see precinct-console export --help)").format(
            what=joined(missing)))
    first, last = parse_day(args.first, "from"), parse_day(args.last, "to")
    ctx = cli_context(args)
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int | None) -> None:
        if interactive:
            of = f"/{total}" if total else ""
            print("\r" + tr("{done} rows").format(done=f"{done}{of}"), end="", file=sys.stderr,
                  flush=True)

    result = export_ledger(ctx, args.ledger, first, last, args.out, args.unmask,
                           progress=progress, district_id=args.district, language=language())
    if interactive:
        print(file=sys.stderr)
    written = (tr("{path}: {title}, {period}, {rows} rows in {sheets} sheet(s), masked, "
                  "{seconds} s") if result.masked else
               tr("{path}: {title}, {period}, {rows} rows in {sheets} sheet(s), UNMASKED, "
                  "{seconds} s"))
    print(written.format(path=result.path, title=result.title, period=result.period,
                         rows=result.rows, sheets=result.sheets, seconds=f"{result.seconds:.1f}"))
    return 0


def _columns() -> str:
    """Each ledger's title and columns: the Chinese headers, how each is written and what it holds
    (the notes of services/ledgers, through the catalogue the window shares)."""
    kinds = {Kind.TEXT: tr("text"), Kind.DATETIME: tr("date and time"),
             Kind.DATE: tr("date"), Kind.DURATION: tr("duration"),
             Kind.INT: tr("whole number"), Kind.FLOAT: tr("decimal number"),
             Kind.COORD: tr("coordinate"), Kind.PERCENT: tr("percentage"),
             Kind.PHONE: tr("phone number"), Kind.ID_NUMBER: tr("ID number")}
    lines = []
    for key, ledger in LEDGERS.items():
        lines.append(tr("{title} ({key}): {description}. Its columns:").format(
            key=key, title=ledger.title, description=message_text(ledger.description)))
        for c in ledger.columns:
            kind = kinds.get(c.kind, c.kind.value)
            line = tr("{header} (type: {kind}): {doc}") if c.doc else tr("{header} (type: {kind})")
            lines.append("    " + line.format(header=c.header, kind=kind, doc=message_text(c.doc)))
    return "\n".join(lines)
