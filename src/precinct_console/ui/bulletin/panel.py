"""The bulletin viewer: the weekly bulletin in a QtWebEngine view, saved as PDF or HTML."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import CHINA_TZ
from ...services.bulletin import render_html, weekly_bulletin
from ...services.context import ServiceContext
from ...services.ledgers.periods import Period, week_of
from ..context import AppContext
from ..error_text import os_reason
from ..theme import ui_font
from .pdf import base_url


def bulletin_html(ctx: ServiceContext, week: Period) -> str:
    """Worker-thread job: gather the week's figures and render the page."""
    return render_html(weekly_bulletin(ctx, week))


class BulletinPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.html = ""
        self._pdf_connected = False
        self._generation = 0
        self.setFont(ui_font())
        # The bulletin week defaults to the last complete week: that is the one bulletined.
        today = app.clock().astimezone(CHINA_TZ).date()
        last_week = week_of(today - timedelta(days=7)).first_day
        self.day = QDateEdit(QDate(last_week.year, last_week.month, last_week.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        prev_button, next_button = QPushButton("◀"), QPushButton("▶")
        for b in (prev_button, next_button):
            b.setFixedWidth(32)
        prev_button.setToolTip(self.tr("Previous week"))
        next_button.setToolTip(self.tr("Next week"))
        prev_button.clicked.connect(lambda: self.day.setDate(self.day.date().addDays(-7)))
        next_button.clicked.connect(lambda: self.day.setDate(self.day.date().addDays(7)))
        self.week_label = QLabel()
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        self.pdf_button.clicked.connect(self._ask_pdf)
        html_button = QPushButton(self.tr("Save as HTML…"))
        html_button.clicked.connect(self._ask_html)
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("Week")), prev_button, self.day, next_button, self.week_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (refresh, self.pdf_button, html_button):
            bar.addWidget(w)
        self.view: Any = self._make_view()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.day.dateChanged.connect(self.reload)
        self.reload()

    def _make_view(self) -> QWidget:
        try:
            # Imported here: QtWebEngine is heavy and only this panel needs it.
            from PySide6.QtWebEngineWidgets import QWebEngineView
        except ImportError:  # a build without QtWebEngine still shows the bulletin, plainly
            self.pdf_button.setEnabled(False)
            return QTextBrowser()
        return QWebEngineView()

    def week(self) -> Period:
        q = self.day.date()
        return week_of(date(q.year(), q.month(), q.day()))

    def reload(self) -> None:
        week = self.week()
        year, number, _ = week.first_day.isocalendar()
        self.week_label.setText(f"{year}-W{number:02d}  {week.label}")
        # Results may arrive out of order (two quick changes of the date): only the latest counts.
        self._generation += 1
        generation = self._generation
        self.app.run(bulletin_html, self.app.ctx, week,
                     on_done=lambda result: self._deliver(generation, result))

    def _deliver(self, generation: int, result: Any) -> None:
        if generation == self._generation:
            self.show_html(result)

    def show_html(self, html: str) -> None:
        self.html = html
        if isinstance(self.view, QTextBrowser):
            self.view.setHtml(html)
        else:
            self.view.setHtml(html, base_url())

    # saving ----------------------------------------------------------------------------------
    def _default_name(self, suffix: str) -> str:
        return str(self.app.settings.resolved_export_folder / f"警情周通报_{self.week().slug}{suffix}")

    def _cannot_save(self, path: str, exc: OSError) -> None:
        """A folder that cannot be made or written (a file in the way, no rights, a lost network
        drive) is a plain message naming the file, as a ledger export's is, never a crash."""
        self.app.notify(self.tr("Could not save the bulletin to %1: %2").replace("%1", path)
                        .replace("%2", os_reason(exc)), "error")

    def save_pdf(self, path: str) -> None:
        """Print the page as shown to A4 PDF; the result is announced when Chromium is done."""
        page = self.view.page()  # type: ignore[attr-defined]
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._cannot_save(path, exc)
            return
        if not self._pdf_connected:  # once: a failed disconnect warns (and see DESIGN.md)
            page.pdfPrintingFinished.connect(self._pdf_done)
            self._pdf_connected = True
        layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                             QMarginsF(0, 0, 0, 0))
        page.printToPdf(path, layout)

    def _pdf_done(self, path: str, ok: bool) -> None:
        if ok:
            self.app.notify(self.tr("Saved the bulletin to %1").replace("%1", path))
        else:
            self.app.notify(self.tr("Could not save the bulletin to %1").replace("%1", path), "error")

    def save_html(self, path: str) -> None:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(self.html, encoding="utf-8")
        except OSError as exc:
            self._cannot_save(path, exc)
            return
        self.app.notify(self.tr("Saved the bulletin to %1").replace("%1", path))

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save bulletin"), self._default_name(".pdf"),
                                              self.tr("PDF (*.pdf)"))
        if path:
            self.save_pdf(path if path.lower().endswith(".pdf") else path + ".pdf")

    def _ask_html(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save bulletin"), self._default_name(".html"),
                                              self.tr("Web page (*.html)"))
        if path:
            self.save_html(path if path.lower().endswith(".html") else path + ".html")


def create_panel(app: AppContext) -> QWidget:
    return BulletinPanel(app)
