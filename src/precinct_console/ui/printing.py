"""A4 printing of an HTML sheet (work list, patrol orders): print preview and PDF, one layout."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from .error_text import os_reason

if TYPE_CHECKING:  # the command line's work list prints through here without the window's context
    from .context import AppContext


def html_document(html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc


def a4_printer(printer: QPrinter | None = None) -> QPrinter:
    """A4 portrait with 12 mm margins, as the station's forms are printed."""
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    return printer


def print_to_pdf(document: QTextDocument, printer: QPrinter, path: Path) -> Path:
    """Print the document as a PDF file, whole or not at all; OSError says why not.

    QPrinter fails silently on a path it cannot open (a folder since removed, a read-only
    share, a file open in a PDF reader on Windows), and the seat would be told "saved". So it
    prints into a file of our own beside the target, which the system opens first (naming what
    is wrong), and that file replaces the target in one step (same folder, same drive)."""
    printed = path.with_name(f".{path.name}.{os.getpid()}.part")
    printed.open("wb").close()  # with the seat's usual permissions (mkstemp's are private)
    try:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        document.print_(printer)
        if printed.stat().st_size == 0:
            raise OSError(errno.EIO, "the PDF could not be printed", str(path))
        os.replace(printed, path)
    finally:
        printed.unlink(missing_ok=True)
    return path


def save_pdf(html: str, path: Path) -> Path:
    """The sheet as an A4 PDF (see print_to_pdf)."""
    return print_to_pdf(html_document(html), a4_printer(), path)


def save_pdf_and_say(app: AppContext, html: str, path: Path, saved: str, failed: str) -> Path | None:
    """Save the sheet as PDF and tell the seat: `saved` with %1 the file, or `failed` with %1
    the file and %2 why it could not be written."""
    try:
        save_pdf(html, path)
    except OSError as exc:
        app.notify(failed.replace("%1", str(path)).replace("%2", os_reason(exc)), "error")
        return None
    app.notify(saved.replace("%1", str(path)))
    return path


def print_preview(html: str, parent: QWidget) -> None:
    """The system's print preview, from which the sheet goes to a printer."""
    dialog = QPrintPreviewDialog(a4_printer(), parent)
    dialog.paintRequested.connect(lambda p: html_document(html).print_(p))
    dialog.exec()
