"""Form dialog plumbing: OK and Cancel wired to accept and reject, the error line under a form."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from .theme import BREACH


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
