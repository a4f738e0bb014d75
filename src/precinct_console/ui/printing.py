"""A4 printing of an HTML sheet (work list, patrol orders): print preview and PDF, one layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget


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


def save_pdf(html: str, path: Path) -> Path:
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    html_document(html).print_(printer)
    return path


def print_preview(html: str, parent: QWidget) -> None:
    """The system's print preview, from which the sheet goes to a printer."""
    dialog = QPrintPreviewDialog(a4_printer(), parent)
    dialog.paintRequested.connect(lambda p: html_document(html).print_(p))
    dialog.exec()
