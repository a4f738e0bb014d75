"""`bulletin`: render the weekly bulletin (周通报) of an ISO week to PDF (or HTML)."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from ..domain.errors import file_error_reason
from ..services.bulletin import render_html, weekly_bulletin
from ..services.ledgers.periods import parse_week
from .common import CliError, add_db_argument, add_user_argument, cli_context
from .i18n import language, message_text, tr


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
        _write_html(html, args.out)
    else:
        _print_pdf(html, args.out)
    print(args.out)
    return 0


def _write_html(html: str, out: Path) -> None:
    """Write the page next to its name first, then rename: a failed write leaves no half file."""
    part = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        part.write_text(html, encoding="utf-8")
        os.replace(part, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # no folder, no part file to remove
            part.unlink(missing_ok=True)
        raise CliError(tr("cannot write {path}: {reason}").format(
            path=out, reason=message_text(file_error_reason(exc)))) from exc


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
