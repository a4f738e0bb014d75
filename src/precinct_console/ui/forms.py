"""Form dialog plumbing: OK and Cancel wired to accept and reject, the error line under a form,
and a form shown again, input kept, when the service refuses what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..domain.errors import KnownError
from .board.guard import guarded
from .error_text import error_text
from .theme import BREACH

Failed = Callable[[BaseException], None]


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK accepts the dialog (its accept() checks the input first), Cancel rejects it."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_line() -> QLabel:
    """Where a dialog says what is wrong with the input (and where), in the breach colour."""
    label = QLabel()
    label.setStyleSheet(f"color: {BREACH.name()}")
    label.setWordWrap(True)
    return label


def form_with_buttons(dialog: QDialog, form: QFormLayout, *below: QWidget) -> QDialogButtonBox:
    """The form, then the given widgets (the error line), then OK and Cancel."""
    buttons = ok_cancel(dialog)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    for widget in below:
        layout.addWidget(widget)
    layout.addWidget(buttons)
    return buttons


def submit_form(dlg: Any, owner: QWidget, report_error: Failed,
                send: Callable[[dict[str, Any], Failed], None]) -> None:
    """Show the form (exec, values() and an error line), then send() what was typed, off the GUI
    thread. A refusal the service explains shows the form again with the reason and the input
    kept; anything else goes to report_error."""
    if dlg.exec() != QDialog.DialogCode.Accepted:
        # Cancelled: nothing will show it again, so it goes now rather than when its panel
        # closes (a chief opening and cancelling forms all shift kept every one alive). Unless
        # its panel went while it was open, taking it along.
        if shiboken6.isValid(dlg):
            dlg.deleteLater()
        return

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            report_error(exc)
            return
        dlg.error.setText(error_text(exc))
        submit_form(dlg, owner, report_error, send)

    send(dlg.values(), guarded(owner, refused))
