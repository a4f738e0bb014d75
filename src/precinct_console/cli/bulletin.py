"""`bulletin`: render the weekly bulletin (周通报) of an ISO week to PDF (or HTML)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..services.bulletin import render_html, weekly_bulletin
from ..services.ledgers.periods import parse_week
from .common import CliError, add_db_argument, add_user_argument, cli_context
from .i18n import language, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bulletin", help=tr("render the weekly bulletin to PDF"),
                       description=tr("Render the weekly bulletin of an ISO week (Monday to "
                                      "Sunday, China time) to a PDF file, or to HTML when FILE "
                                      "ends in .html."))
    p.add_argument("--week", required=True, metavar="YYYY-Www", help=tr("ISO week, e.g. 2026-W47"))
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help=tr("FILE.pdf or FILE.html"))
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_bulletin)


def _bulletin(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise CliError(tr("--out '{path}' must end in .pdf or .html").format(path=args.out))
    week = parse_week(args.week)
    ctx = cli_context(args)
    html = render_html(weekly_bulletin(ctx, week))
    if suffix == ".html":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(html, encoding="utf-8")
    else:
        _print_pdf(html, args.out)
    print(args.out)
    return 0


def _print_pdf(html: str, out: Path) -> None:
    # A headless application is enough for QtWebEngine to lay out and print the page.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    from ..ui.bulletin.pdf import PdfError, html_to_pdf, prepare_webengine
    from ..ui.i18n import translating

    prepare_webengine()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["precinct-console"])
    try:
        with translating(app, language()):  # the PDF's errors are worded in the verbs' language
            html_to_pdf(html, out)
    except PdfError as exc:
        raise CliError(str(exc)) from exc
    finally:
        del app
