"""`followup` and `worklist`: run the follow-up rules once; print an officer's daily work list."""

from __future__ import annotations

import argparse
import contextlib
import os
from datetime import date
from pathlib import Path

from ..domain.clock import local
from ..domain.errors import file_error_reason
from ..jobs.followup import run_followup
from ..services.stations import get_station
from ..services.tasks import daily_work_list, list_officers
from .common import CliError, add_db_argument, add_user_argument, cli_context
from .i18n import message_text, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "followup", help=tr("apply the follow-up rules and escalate overdue tasks, once"),
        description=tr("What the scheduled follow-up job does every few minutes, run once for "
                       "the acting user's station (useful from a scheduled task on a machine "
                       "without the console)."))
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_followup)

    w = sub.add_parser(
        "worklist", help=tr("print a community officer's daily work list to PDF"),
        description=tr("The officer's overdue tasks, tasks due on the day and dispute revisits, "
                       "as the printed sheet handed out each morning (PDF, or HTML when FILE "
                       "ends in .html)."))
    w.add_argument("--officer", required=True, metavar="BADGE",
                   help=tr("the officer's badge number"))
    w.add_argument("--day", metavar="YYYY-MM-DD", help=tr("the day (default: today, China time)"))
    w.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help=tr("FILE.pdf or FILE.html"))
    add_db_argument(w)
    add_user_argument(w)
    w.set_defaults(func=_worklist)


def _followup(args: argparse.Namespace) -> int:
    result = run_followup(cli_context(args))
    # As FollowUpResult.summary() says it, in the verbs' language.
    print(tr("{created} follow-up task(s) created, {escalated} escalated, {near} near and "
             "{overdue} overdue alert(s)").format(
        created=len(result.created), escalated=len(result.escalated), near=result.near_alerts,
        overdue=result.breach_alerts))
    for number in result.created:
        print(tr("created {number}").format(number=number))
    for number in result.escalated:
        print(tr("escalated {number}").format(number=number))
    return 0


def _worklist(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise CliError(tr("--out '{path}' must end in .pdf or .html").format(path=args.out))
    try:
        day = date.fromisoformat(args.day) if args.day else None
    except ValueError:
        raise CliError(tr("--day '{text}' is not a date like 2026-11-20").format(
            text=args.day)) from None
    ctx = cli_context(args)
    officer = next((o for o in list_officers(ctx) if o[2] == args.officer.strip()), None)
    if officer is None:
        raise CliError(tr("no active officer with badge '{badge}' in this station").format(
            badge=args.officer))
    work = daily_work_list(ctx, officer[0], day or local(ctx.clock()).date())
    # Qt renders the same page the console prints; headless is enough for a PDF.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ..ui.printing import save_pdf
    from ..ui.tasks.worklist import worklist_html

    html = worklist_html(work, get_station(ctx).name)
    part = args.out.with_name(args.out.name + ".part")  # no half file if it fails
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".html":
            part.write_text(html, encoding="utf-8")
            os.replace(part, args.out)
        else:
            app = QApplication.instance() or QApplication(["precinct-console"])
            save_pdf(html, args.out)  # whole or not at all
            del app
    except OSError as exc:
        with contextlib.suppress(OSError):  # no folder, no part file to remove
            part.unlink(missing_ok=True)
        raise CliError(tr("cannot write {path}: {reason}").format(
            path=args.out, reason=message_text(file_error_reason(exc)))) from exc
    print(args.out)
    return 0
