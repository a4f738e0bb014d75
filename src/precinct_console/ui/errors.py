"""The one notifier: sys.excepthook, threading.excepthook and job errors end here.

Known errors (database unreachable, bad input, conflicts) were already shown as messages by
their panels; anything else is logged with its traceback and shown in a crash dialog that the
duty officer can dismiss and keep working.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from ..services.context import known_error
from .error_text import error_text

log = logging.getLogger("precinct_console.crash")


class ErrorNotifier(QObject):
    known = Signal(str)
    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.crashed.connect(self._show_crash, Qt.ConnectionType.QueuedConnection)
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        known = known_error(exc)  # a driver error from an outage is the database away, not a bug
        if known is not None:
            log.info("known error: %s", known)
            self.known.emit(error_text(known))
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error:\n%s", text)
        self.crashed.emit(text)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def job_error(self, exc: BaseException) -> None:
        """APScheduler job errors and background failures."""
        self.excepthook(type(exc), exc, exc.__traceback__)

    @Slot(str)
    def _show_crash(self, text: str) -> None:
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(self.tr("Unexpected error"))
            box.setText(self.tr(
                "Something went wrong. Your saved work is safe; the details are in the log. "
                "You can keep working."
            ))
            box.setDetailedText(text)
            box.exec()
        finally:
            self._showing = False
