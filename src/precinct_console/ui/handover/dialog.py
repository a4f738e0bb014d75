"""Handover dialog: pick the shift, compile, review and add notes, sign twice, print or save a PDF."""

from __future__ import annotations

import weakref
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...domain.errors import KnownError
from ...domain.permissions import is_permitted
from ...services.accounts import authenticate
from ...services.handover import HandoverView, build_handover, list_handovers, sign_handover
from ...services.handover_shift import ShiftChoice, handover_shifts, setting_shifts
from ...services.stations import get_station
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import error_text, os_reason
from ..forms import china_datetime, ok_cancel, open_within_screen, qdatetime
from ..printing import print_to_pdf
from ..theme import BREACH, OK, ui_font
from .report import handover_html

# Notes typed for a shift and not signed yet, kept for this session (per AppContext) by officer and
# shift, and put back when the dialog opens on that shift again. Esc at 4 a.m. is most often a
# reflex to get back to the board for a new call, not a decision to throw the notes away; a
# "discard your notes?" question at that moment gets answered by reflex too, so nothing is asked
# and nothing is lost. Signing stores the notes with the report, which ends the draft.
_drafts: weakref.WeakKeyDictionary[AppContext, dict[tuple[str, datetime, datetime], str]] = (
    weakref.WeakKeyDictionary())


class IncomingSignIn(QDialog):
    """The incoming officer signs with their own account at this seat."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Incoming officer signs"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(ok_cancel(self))


class HandoverDialog(QDialog):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.view: HandoverView | None = None
        self._compiles = 0  # compiles asked for; only the latest one's report is shown
        self.station_name = ""
        self.setWindowTitle(self.tr("Shift handover (交接班)"))
        self.setFont(ui_font(11))
        # At 760 px the sign buttons lay below a 1366x768 screen (728 px above the taskbar).
        open_within_screen(self, 980, 760)
        # The shifts offered: the one running first, then one just ended whose outgoing duty may
        # still be writing up (the roster's, read below; until then, or with no roster, the
        # setting's 24 hours from handover_time).
        self.choices = setting_shifts(app.clock(), app.settings.handover_time or "08:30")
        start, end = self.choices[0].span
        self.start = QDateTimeEdit(qdatetime(start))
        self.end = QDateTimeEdit(qdatetime(end))
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd HH:mm")
            w.setCalendarPopup(True)
            w.dateTimeChanged.connect(self._match_choice)
        self.shift_box = QComboBox()
        self.shift_box.setToolTip(self.tr("The shift running now, and the one just handed over "
                                          "while its report may still be finished"))
        self.shift_box.activated.connect(self._pick)
        self._fill_choices()
        self.build = QPushButton(self.tr("Compile report (F5)"))
        self.build.setShortcut("F5")
        self.build.clicked.connect(self.compile)
        top = QHBoxLayout()
        top.addWidget(self.shift_box)
        top.addWidget(QLabel(self.tr("from")))
        top.addWidget(self.start)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.end)
        top.addWidget(self.build)
        top.addStretch(1)
        self.report = QTextBrowser()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes for the incoming shift (stored with the report)"))
        self.notes.setFixedHeight(70)
        self.notes.setTabChangesFocus(True)  # Tab reaches the sign buttons, as in the intake form
        self.state = QLabel()
        self.state.setFont(ui_font(12, bold=True))
        self.sign_out = QPushButton(self.tr("Sign as outgoing officer"))
        self.sign_in = QPushButton(self.tr("Incoming officer signs…"))
        self.print_button = QPushButton(self.tr("Print preview…"))
        self.pdf_button = QPushButton(self.tr("Save PDF…"))
        self.sign_out.clicked.connect(self.sign_outgoing)
        self.sign_in.clicked.connect(self.ask_incoming)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self.ask_pdf)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        for b in (self.sign_out, self.sign_in, self.print_button, self.pdf_button):
            bottom.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.notes)
        layout.addLayout(bottom)
        self._restore_draft()
        self._update_buttons()
        app.run(get_station, app.ctx, on_done=guarded(self, self._station), on_error=lambda _e: None)
        # Opened to hand over: the shift's report is there at once, not after F5. The shift is the
        # station's own as rostered (08:00-20:00, say); the setting's 24 hours from handover_time
        # only while the roster has none.
        self._assumed = (start, end)
        app.run(_opening, app.ctx, app.clock(), on_done=guarded(self, self._open_current),
                on_error=lambda _e: None)

    def _open_current(self, opening: tuple[list[ShiftChoice], list[HandoverView]]) -> None:
        """Open on the shift running now, or on the one just ended while its handover is under
        way (a report compiled and not signed by both: 20:05, the incoming officer about to sign),
        and show its report."""
        if self._compiles:
            return  # the officer has already compiled a shift of their choosing
        rostered, reports = opening
        if rostered:
            self.choices = rostered
            self._fill_choices()
        target = self.choices[0]
        for c in self.choices[1:]:
            report = _report_of(reports, c.span)
            if c.ended and report is not None and not report.complete:
                target = c
        # Unless changed by hand meanwhile: then the officer's choice stands.
        if self._span() == self._assumed and target.span != self._assumed:
            # The roster's shift, with the notes kept for it rather than the assumed shift's
            # (unless the officer has typed meanwhile).
            assumed_draft = _drafts.get(self.app, {}).get(self._draft_key(), "")
            self._set_span(target.span)
            if self.notes.toPlainText() == assumed_draft:
                self.notes.clear()
                self._restore_draft()
        self._show_or_compile(reports)

    def _show_or_compile(self, reports: list[HandoverView]) -> None:
        """Show the chosen shift's report; one nobody has signed yet is compiled afresh (it may be
        hours old), a signed one is shown as signed, since it can no longer change."""
        current = _report_of(reports, self._span())
        if current is not None:
            self.show_view(current)
        may_compile = is_permitted(self.app.ctx.actor.role, "handover.create")
        if may_compile and (current is None or current.outgoing_signed_at is None):
            self.compile()

    # -- the shift handed over -------------------------------------------------------------
    def _span(self) -> tuple[datetime, datetime]:
        return china_datetime(self.start.dateTime()), china_datetime(self.end.dateTime())

    def _set_span(self, span: tuple[datetime, datetime]) -> None:
        self.start.setDateTime(qdatetime(span[0]))
        self.end.setDateTime(qdatetime(span[1]))

    def _fill_choices(self) -> None:
        self.shift_box.clear()
        for c in self.choices:
            self.shift_box.addItem(self.choice_text(c))
        self._match_choice()

    def choice_text(self, c: ShiftChoice) -> str:
        """"This shift 11-20 20:00 – 11-21 08:00", or the one just handed over named as such."""
        a, b = local(c.start), local(c.end)
        span = f"{a:%m-%d %H:%M} – {b:%H:%M}" if a.date() == b.date() else f"{a:%m-%d %H:%M} – {b:%m-%d %H:%M}"
        if c.ended:
            return self.tr("Just handed over, %1 (write-up)").replace("%1", span)
        return self.tr("This shift, %1").replace("%1", span)

    def _match_choice(self) -> None:
        """The box names the shift the times give, or none when they were set by hand."""
        span = self._span()
        self.shift_box.setCurrentIndex(next(
            (i for i, c in enumerate(self.choices) if c.span == span), -1))

    def _pick(self, index: int) -> None:
        """Another offered shift: its own unsigned notes, and its report shown or compiled."""
        if not 0 <= index < len(self.choices) or self.choices[index].span == self._span():
            return
        self._keep_draft()
        self._set_span(self.choices[index].span)
        self.notes.clear()
        self._restore_draft()
        self.view = None
        self.report.clear()
        self._update_buttons()
        self._compiles += 1  # a compile of the shift left behind is no longer shown
        self.app.run(list_handovers, self.app.ctx, on_done=guarded(self, self._show_or_compile),
                     on_error=guarded(self, self._failed))

    def _station(self, info: Any) -> None:
        self.station_name = info.name
        if self.view is not None:
            self.show_view(self.view)

    # -- notes kept between openings -------------------------------------------------------
    def _draft_key(self) -> tuple[str, datetime, datetime]:
        return self.app.ctx.actor.username, china_datetime(self.start.dateTime()), china_datetime(self.end.dateTime())

    def _restore_draft(self) -> None:
        if not self.notes.toPlainText():
            self.notes.setPlainText(_drafts.get(self.app, {}).get(self._draft_key(), ""))

    def done(self, result: int) -> None:
        """However the dialog closes (Esc, the window's ✕): unsigned notes wait for the next opening."""
        self._keep_draft()
        super().done(result)

    def _keep_draft(self) -> None:
        drafts = _drafts.setdefault(self.app, {})
        text = self.notes.toPlainText()
        signed = self.view is not None and self.view.outgoing_signed_at is not None
        if text.strip() and not signed:
            drafts[self._draft_key()] = text
        else:
            drafts.pop(self._draft_key(), None)

    # -- compile and show ------------------------------------------------------------------
    def compile(self) -> None:
        self._restore_draft()  # another shift picked: its own unsigned notes, if any
        self.build.setEnabled(False)
        self._compiles += 1
        seq = self._compiles
        self.app.run(build_handover, self.app.ctx, china_datetime(self.start.dateTime()), china_datetime(self.end.dateTime()),
                     notes=self.notes.toPlainText().strip(),
                     on_done=guarded(self, lambda view: self._compiled(seq, view)),
                     on_error=guarded(self, self._failed))

    def _compiled(self, seq: int, view: HandoverView) -> None:
        if seq != self._compiles:
            return  # an earlier compile finished late: the newer one (another shift, perhaps) wins
        self.build.setEnabled(True)
        self.show_view(view)

    def show_view(self, view: HandoverView) -> None:
        self.view = view
        self.report.setHtml(self.html())
        if view.outgoing_signed_at is not None:
            if self.notes.toPlainText() != view.notes:
                self.notes.setPlainText(view.notes)  # what was signed, not a draft of this seat
        elif view.notes and not self.notes.toPlainText():
            self.notes.setPlainText(view.notes)
        self._update_buttons()

    def html(self) -> str:
        return handover_html(self.view, self.station_name) if self.view else ""

    def _update_buttons(self) -> None:
        v = self.view
        self.sign_out.setEnabled(v is not None and v.outgoing_signed_at is None)
        self.sign_in.setEnabled(v is not None and v.outgoing_signed_at is not None
                                and v.incoming_signed_at is None)
        self.print_button.setEnabled(v is not None)
        self.pdf_button.setEnabled(v is not None)
        self.notes.setReadOnly(v is not None and v.outgoing_signed_at is not None)
        if v is None:
            self.state.setText(self.tr("Compile the report to review it"))
            self.state.setStyleSheet("")
        elif v.complete:
            self.state.setText("✓ " + self.tr("Signed by both officers"))
            self.state.setStyleSheet(f"color: {OK.name()}")
        elif v.outgoing_signed_at:
            self.state.setText("◷ " + self.tr("Waiting for the incoming officer"))
            self.state.setStyleSheet("")
        else:
            self.state.setText("◷ " + self.tr("Not signed yet"))
            self.state.setStyleSheet("")

    def _failed(self, exc: BaseException) -> None:
        self.build.setEnabled(True)
        if isinstance(exc, KnownError):
            self.state.setText("✖ " + error_text(exc))
            self.state.setStyleSheet(f"color: {BREACH.name()}")
        else:
            self.app.report_error(exc)

    # -- signing ---------------------------------------------------------------------------
    def sign_outgoing(self) -> None:
        if self.view is None:
            return
        self.app.run(sign_handover, self.app.ctx, self.view.id, "outgoing",
                     notes=self.notes.toPlainText(), expected_version=self.view.version,
                     on_done=guarded(self, self.show_view), on_error=guarded(self, self._failed))

    def ask_incoming(self) -> None:
        dialog = IncomingSignIn(self)
        if dialog.exec():
            self.sign_incoming(dialog.username.text(), dialog.password.text())

    def sign_incoming(self, username: str, password: str) -> None:
        """The incoming officer proves who they are with their own password, then signs."""
        if self.view is None:
            return
        ctx, view = self.app.ctx, self.view

        def work() -> HandoverView:
            actor = authenticate(ctx.db, username, password, ctx.actor.workstation, ctx.clock())
            return sign_handover(ctx.as_actor(actor), view.id, "incoming", expected_version=view.version)

        self.app.run(work, on_done=guarded(self, self.show_view), on_error=guarded(self, self._failed))

    # -- printing --------------------------------------------------------------------------
    def document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(ui_font(10))
        doc.setHtml(self.html())
        return doc

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        return printer

    def save_pdf(self, path: Path) -> Path:
        """Write the report as PDF, whole or not at all; OSError says why not."""
        return print_to_pdf(self.document(), self._printer(), path)

    def export_pdf(self, path: Path) -> None:
        """Save the PDF and say so, or say which file could not be written and why."""
        try:
            self.save_pdf(path)
        except OSError as exc:
            self.app.notify(self.tr("Could not save the handover report to %1: %2")
                            .replace("%1", str(path)).replace("%2", os_reason(exc)), "error")
            return
        self.app.notify(self.tr("Saved %1").replace("%1", str(path)))

    def ask_pdf(self) -> None:
        if self.view is None:
            return
        name = f"交接班-{local(self.view.shift_end).strftime('%Y%m%d-%H%M')}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), name, "PDF (*.pdf)")
        if path:
            self.export_pdf(Path(path))

    def print_preview(self) -> None:
        preview = QPrintPreviewDialog(self._printer(), self)
        preview.paintRequested.connect(lambda p: self.document().print_(p))
        preview.setWindowState(Qt.WindowState.WindowMaximized)
        preview.exec()


def _opening(ctx: Any, now: datetime) -> tuple[list[ShiftChoice], list[HandoverView]]:
    """Off the GUI thread: the shifts handed over now (none: no roster then) and the reports."""
    return handover_shifts(ctx, now), list_handovers(ctx)


def _report_of(reports: list[HandoverView], span: tuple[datetime, datetime]) -> HandoverView | None:
    return next((r for r in reports if (r.shift_start, r.shift_end) == span), None)


def open_handover(app: AppContext, parent: QWidget | None = None) -> HandoverDialog:
    dialog = HandoverDialog(app, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["HandoverDialog", "open_handover"]
