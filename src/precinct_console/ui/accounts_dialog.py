"""Accounts (账号管理): an administrator adds accounts, resets passwords, disables, enables and
changes roles in the window, as `user` does on the command line; the services check again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.changes import Change, ChangeItem
from ..domain.clock import local
from ..domain.errors import KnownError
from ..domain.permissions import Role
from ..services import accounts
from ..services.accounts import MIN_PASSWORD_LENGTH, UserInfo
from .board.guard import guarded
from .context import AppContext
from .error_text import error_text
from .forms import Failed, error_line, form_with_buttons, submit_form
from .roles import role_name
from .theme import MUTED, ui_font

COLUMNS = 6  # user name, name, role, station, state, last sign-in
STATION_COLUMN = 3


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _role_box(current: Role | None = None) -> QComboBox:
    box = QComboBox()
    for role in Role:
        box.addItem(role_name(role), role.value)
    if current is not None:
        box.setCurrentIndex(box.findData(current.value))
    return box


def _passwords_ok(new: QLineEdit, again: QLineEdit, error: QLabel) -> bool:
    """The new password typed twice, checked as the services check it before anything is sent."""
    if len(new.text()) < MIN_PASSWORD_LENGTH:
        error.setText(QCoreApplication.translate("AccountsDialog", "Password: at least %1 characters")
                      .replace("%1", str(MIN_PASSWORD_LENGTH)))
        new.setFocus()
        return False
    if new.text() != again.text():
        error.setText(QCoreApplication.translate("AccountsDialog",
                                                 "Password again: the two passwords differ"))
        again.clear()
        again.setFocus()
        return False
    return True


class NewAccountDialog(QDialog):
    """A new account of this station: user name, name, role, and its first password twice."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New account"))
        self.setMinimumWidth(420)
        self.username = QLineEdit()
        self.username.setMaxLength(60)
        self.username.setPlaceholderText(self.tr("e.g. zhang.wei (no spaces)"))
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.role = _role_box(Role.DUTY_OFFICER)
        self.personal = QCheckBox(self.tr("May see phone and ID numbers in full"))
        self.new = _secret()
        self.again = _secret()
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow("", self.personal)
        form.addRow(self.tr("Password"), self.new)
        form.addRow(self.tr("Password again"), self.again)
        form_with_buttons(self, form, self.error)

    def accept(self) -> None:
        if not self.username.text().strip():
            self.error.setText(self.tr("User name: required"))
            self.username.setFocus()
        elif _passwords_ok(self.new, self.again, self.error):
            super().accept()

    def values(self) -> dict[str, Any]:
        return {"username": self.username.text().strip(), "name": self.name.text().strip(),
                "role": self.role.currentData(), "personal": self.personal.isChecked(),
                "password": self.new.text()}


class ResetPasswordDialog(QDialog):
    """A new password for someone who forgot theirs, typed twice; tell it to them in person."""

    def __init__(self, user: UserInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reset password"))
        self.setMinimumWidth(380)
        self.new = _secret()
        self.again = _secret()
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Account"), QLabel(f"{user.username}（{user.display_name}）"))
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.again)
        form_with_buttons(self, form, self.error)

    def accept(self) -> None:
        if _passwords_ok(self.new, self.again, self.error):
            super().accept()

    def values(self) -> dict[str, Any]:
        return {"password": self.new.text()}


class RoleDialog(QDialog):
    """Another role for an account; seats signed in with it are signed out at their next save."""

    def __init__(self, user: UserInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change role"))
        self.setMinimumWidth(380)
        self.role = _role_box(user.role)
        self.error = error_line()
        note = QLabel(self.tr("Seats signed in with this account are signed out at their next "
                              "save, and sign in again with the new role."))
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED.name()}")
        form = QFormLayout()
        form.addRow(self.tr("Account"), QLabel(f"{user.username}（{user.display_name}）"))
        form.addRow(self.tr("Role"), self.role)
        form.addRow(note)
        form_with_buttons(self, form, self.error)

    def values(self) -> dict[str, Any]:
        return {"role": self.role.currentData()}


class AccountsDialog(QDialog):
    """One row per account, disabled ones greyed; another seat's change reloads the list."""

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.users: list[UserInfo] = []
        self._select_next: str | None = None  # the account this seat just saved
        self.setWindowTitle(self.tr("Accounts"))
        self.resize(820, 460)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setHorizontalHeaderLabels([
            self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Station"),
            self.tr("State"), self.tr("Last sign-in")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons, not round the cells
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the list fills the dialog's width
        self.table.setFont(ui_font(10))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_btn = QPushButton(self.tr("&Add…"))
        self.reset_btn = QPushButton(self.tr("&Reset password…"))
        self.role_btn = QPushButton(self.tr("Change r&ole…"))
        self.disable_btn = QPushButton(self.tr("&Disable"))
        self.enable_btn = QPushButton(self.tr("&Enable"))
        self.add_btn.clicked.connect(self.add_account)
        self.reset_btn.clicked.connect(self.reset_password)
        self.role_btn.clicked.connect(self.change_role)
        self.disable_btn.clicked.connect(self.disable_account)
        self.enable_btn.clicked.connect(self.enable_account)
        side = QVBoxLayout()
        for b in (self.add_btn, self.reset_btn, self.role_btn, self.disable_btn, self.enable_btn):
            b.setAutoDefault(False)  # Enter in the list must not add an account or disable one
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        # Why an action is greyed for this row, or why the last one was refused.
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {MUTED.name()}")
        self.error = error_line()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self._update_buttons()
        # Another administrator's seat may add or disable an account while this list is open; a
        # sign-in anywhere changes its last sign-in.
        app.changed.connect(self._on_change)
        self.table.setFocus()
        self.reload()

    def _on_change(self, change: Change) -> None:
        if change.touches("user"):
            self.reload()

    # data -------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.app.run(accounts.list_users, self.app.ctx, on_done=guarded(self, self._show))

    def _show(self, users: list[UserInfo]) -> None:
        keep = self._select_next or (self.current.username if self.current else None)
        self._select_next = None
        self.users = users
        now = self.app.clock()
        # The station only where accounts of several (or branch-wide ones) share the database.
        self.table.setColumnHidden(STATION_COLUMN, len({u.station_id for u in users}) < 2)
        self.table.setRowCount(len(users))
        for r, u in enumerate(users):
            cells = (u.username, u.display_name, role_name(u.role),
                     u.station_name or self.tr("(branch-wide)"), self._state(u, now),
                     _when(u.last_login_at) if u.last_login_at else self.tr("never"))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not u.active:
                    item.setForeground(QBrush(MUTED))
                self.table.setItem(r, c, item)
        row = next((i for i, u in enumerate(users) if u.username == keep), None)
        if row is None and users and self.table.currentRow() < 0:
            row = 0  # a row picked from the start: Tab to an action acts on it, arrows move on
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def _state(self, u: UserInfo, now: datetime) -> str:
        if not u.active:
            return self.tr("Disabled")
        if u.locked_until is not None and u.locked_until > now:
            return self.tr("Locked until %1").replace("%1", local(u.locked_until).strftime("%H:%M"))
        return self.tr("In use")

    @property
    def current(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def _managed(self, u: UserInfo) -> bool:
        """As the services decide (accounts._managed_user): a station's administrator manages
        its own station's accounts, not another's nor the branch-wide ones."""
        station = self.app.ctx.actor.station_id
        return station is None or u.station_id == station

    def _update_buttons(self) -> None:
        u = self.current
        managed = u is not None and self._managed(u)
        own = u is not None and u.id == self.app.ctx.actor.user_id
        self.reset_btn.setEnabled(managed and not own)
        self.role_btn.setEnabled(managed and not own)
        self.disable_btn.setEnabled(managed and not own and u is not None and u.active)
        self.enable_btn.setEnabled(managed and u is not None and not u.active)
        if u is not None and not managed:
            self.hint.setText(self.tr("%1 is not of this station: an administrator of its own "
                                      "station or of the branch manages it").replace("%1", u.username))
        elif own:
            self.hint.setText(self.tr("This is your own account: change your password with File › "
                                      "Change password; another administrator disables it or "
                                      "changes its role"))
        else:
            self.hint.setText("")

    # actions ----------------------------------------------------------------------------------
    def _saved(self, user: UserInfo, message: str) -> None:
        self.error.setText("")
        self.app.notify(message)
        self._select_next = user.username
        # The announcement reaches _on_change too, which reloads the list once, selecting this one.
        self.app.announce(Change((ChangeItem("user", user.id, "updated"),)))

    def _refused(self, exc: BaseException) -> None:
        """A refusal of a one-key action (disable, enable) is said under the list."""
        if isinstance(exc, KnownError):
            self.error.setText(error_text(exc))
        else:
            self.app.report_error(exc)

    def add_account(self) -> None:
        self.error.setText("")
        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(accounts.add_user, self.app.ctx, v["username"], v["password"], v["role"],
                         display_name=v["name"], may_see_personal_data=v["personal"],
                         on_error=failed,
                         on_done=guarded(self, lambda user: self._saved(
                             user, self.tr("Account %1 added").replace("%1", user.username))))

        submit_form(NewAccountDialog(self), self, self.app.report_error, send)

    def reset_password(self) -> None:
        self.error.setText("")
        u = self.current
        if u is None:
            return

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(accounts.reset_password, self.app.ctx, u.username, v["password"],
                         on_error=failed,
                         on_done=guarded(self, lambda user: self._saved(
                             user, self.tr("%1: password reset").replace("%1", user.username))))

        submit_form(ResetPasswordDialog(u, self), self, self.app.report_error, send)

    def change_role(self) -> None:
        self.error.setText("")
        u = self.current
        if u is None:
            return

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(accounts.change_role, self.app.ctx, u.username, v["role"],
                         on_error=failed,
                         on_done=guarded(self, lambda user: self._saved(
                             user, self.tr("%1 is now %2").replace("%1", user.username)
                             .replace("%2", role_name(user.role)))))

        submit_form(RoleDialog(u, self), self, self.app.report_error, send)

    def disable_account(self) -> None:
        self.error.setText("")
        u = self.current
        if u is None or not u.active:
            return
        answer = QMessageBox.question(
            self, self.tr("Disable"),
            self.tr("Disable the account %1 (%2)? It can no longer sign in, and seats signed in "
                    "with it are signed out at their next save. It can be enabled again.")
            .replace("%1", u.username).replace("%2", u.display_name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.app.run(accounts.disable_user, self.app.ctx, u.username,
                     on_error=guarded(self, self._refused),
                     on_done=guarded(self, lambda user: self._saved(
                         user, self.tr("Account %1 disabled").replace("%1", user.username))))

    def enable_account(self) -> None:
        self.error.setText("")
        u = self.current
        if u is None or u.active:
            return
        self.app.run(accounts.enable_user, self.app.ctx, u.username,
                     on_error=guarded(self, self._refused),
                     on_done=guarded(self, lambda user: self._saved(
                         user, self.tr("Account %1 enabled").replace("%1", user.username))))


def _when(at: datetime) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M")
