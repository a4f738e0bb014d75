"""Changing one's own password from the window: a wrong current password keeps the form open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from precinct_console.config import Settings
from precinct_console.domain.errors import AuthenticationError
from precinct_console.domain.permissions import Role
from precinct_console.services import accounts
from precinct_console.ui.context import AppContext
from precinct_console.ui.password_dialog import PasswordDialog, change_own_password


def test_wrong_current_password_reopens_the_form_then_the_new_one_signs_in(
        qtbot, db, make_ctx, clock, monkeypatch):
    app = AppContext(make_ctx(Role.DUTY_OFFICER, "duty.li"), Settings())
    seen = []

    def exec_(dlg):
        seen.append(dlg.error.text())
        dlg.current.setText("correct horse" if len(seen) > 1 else "wrong horse")
        dlg.new.setText("battery staple")
        dlg.again.setText("battery staple")
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(PasswordDialog, "exec", exec_)
    parent = QWidget()
    qtbot.addWidget(parent)
    change_own_password(app, parent)
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)
    assert len(seen) == 2 and "current password is wrong" in seen[1]
    assert accounts.authenticate(db, "duty.li", "battery staple", "seat-1", clock()).username == "duty.li"
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "duty.li", "correct horse", "seat-1", clock())


def test_the_two_new_passwords_must_match(qtbot):
    dlg = PasswordDialog()
    qtbot.addWidget(dlg)
    dlg.current.setText("correct horse")
    dlg.new.setText("battery staple")
    dlg.again.setText("battery stapel")
    dlg.accept()
    assert dlg.result() == 0 and "differ" in dlg.error.text() and dlg.again.text() == ""
