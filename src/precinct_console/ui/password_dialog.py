"""Change one's own password: the current one, the new one twice; a refusal keeps the form open."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QWidget

from ..services.accounts import change_password
from .board.guard import guarded
from .context import AppContext
from .forms import Failed, error_line, form_with_buttons, submit_form


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class PasswordDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change password"))
        self.setMinimumWidth(360)
        self.current = _secret()
        self.new = _secret()
        self.again = _secret()
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Current password"), self.current)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.again)
        form_with_buttons(self, form, self.error)

    def accept(self) -> None:
        if not self.current.text():
            self.error.setText(self.tr("Current password: required"))
        elif self.new.text() != self.again.text():
            self.error.setText(self.tr("New password again: the two new passwords differ"))
            self.again.clear()
            self.again.setFocus()
        else:
            super().accept()

    def values(self) -> dict[str, Any]:
        return {"current": self.current.text(), "new": self.new.text()}


def change_own_password(app: AppContext, parent: QWidget) -> None:
    """Ask, send off the GUI thread; a wrong current password or a short new one reopens the form."""
    def send(v: dict[str, Any], failed: Failed) -> None:
        app.run(change_password, app.ctx, v["current"], v["new"],
                on_done=guarded(parent, lambda _r: app.notify(
                    QCoreApplication.translate("PasswordDialog", "Password changed"))),
                on_error=failed)

    submit_form(PasswordDialog(parent), parent, app.report_error, send)
