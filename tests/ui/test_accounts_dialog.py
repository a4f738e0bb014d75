"""Accounts in the window: an administrator adds, resets, disables, enables and changes roles;
refusals are said in the form or under the list, and another seat's change shows at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from precinct_console.config import Settings
from precinct_console.domain.errors import AuthenticationError
from precinct_console.domain.permissions import Role
from precinct_console.services import accounts
from precinct_console.storage.changefeed import read_feed
from precinct_console.ui.accounts_dialog import (
    AccountsDialog,
    NewAccountDialog,
    ResetPasswordDialog,
    RoleDialog,
)
from precinct_console.ui.context import AppContext


@pytest.fixture
def db_url(sqlite_url):
    """SQLite only: the services' tests run on PostgreSQL too (tests/storage/test_accounts.py)."""
    return sqlite_url


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _filling(*fills):
    """exec() for a form shown once per fill: each fills it as the administrator would, then OK;
    the errors the form showed on each showing are kept in seen."""
    seen: list[str] = []

    def exec_(dialog):
        seen.append(dialog.error.text())
        fills[min(len(seen), len(fills)) - 1](dialog)
        dialog.accept()
        return dialog.result()

    return exec_, seen


@pytest.fixture
def admin_app(db, make_ctx):
    return AppContext(make_ctx(Role.ADMIN, "admin"), Settings())


@pytest.fixture
def dialog(qtbot, admin_app):
    dlg = AccountsDialog(admin_app)
    qtbot.addWidget(dlg)
    _settle(qtbot, admin_app)
    return dlg


def _rows(dlg):
    return {dlg.table.item(r, 0).text(): [dlg.table.item(r, c).text() for c in range(6)]
            for r in range(dlg.table.rowCount())}


def _select(dlg, username):
    row = next(r for r in range(dlg.table.rowCount()) if dlg.table.item(r, 0).text() == username)
    dlg.table.selectRow(row)


def test_administrator_adds_an_account_after_a_taken_name_is_refused(
        qtbot, db, clock, admin_app, dialog, monkeypatch):
    accounts.add_user(admin_app.ctx, "duty.li", "long-enough", Role.DUTY_OFFICER)

    def first(d):
        d.username.setText("duty.li")
        d.name.setText("王芳")
        d.role.setCurrentIndex(d.role.findData("clerk"))
        d.new.setText("clerk-pass-1")
        d.again.setText("clerk-pass-1")

    def second(d):
        assert d.name.text() == "王芳"  # what was typed is kept
        d.username.setText("clerk.wang")

    exec_, seen = _filling(first, second)
    monkeypatch.setattr(NewAccountDialog, "exec", exec_)
    dialog.add_account()
    _settle(qtbot, admin_app)
    assert seen[0] == "" and "field 'username': user 'duty.li' already exists" in seen[1], seen
    assert _rows(dialog)["clerk.wang"][1:3] == ["王芳", "Clerk"]
    assert dialog.current.username == "clerk.wang"
    assert accounts.authenticate(db, "clerk.wang", "clerk-pass-1", "s", clock()).role is Role.CLERK
    # One station: its column stays hidden.
    assert dialog.table.isColumnHidden(3)


def test_the_new_password_is_checked_before_anything_is_sent(qtbot):
    form = NewAccountDialog()
    qtbot.addWidget(form)
    form.username.setText("x.y")
    form.new.setText("short")
    form.again.setText("short")
    form.accept()
    assert form.result() == 0 and "at least 8 characters" in form.error.text()
    form.new.setText("long-enough")
    form.again.setText("long-enuogh")
    form.accept()
    assert form.result() == 0 and "differ" in form.error.text() and form.again.text() == ""


def test_administrator_resets_a_password_disables_enables_and_changes_a_role(
        qtbot, db, clock, admin_app, dialog, monkeypatch):
    accounts.add_user(admin_app.ctx, "duty.li", "long-enough", Role.DUTY_OFFICER,
                      display_name="李强")
    dialog.reload()
    _settle(qtbot, admin_app)
    _select(dialog, "duty.li")
    assert dialog.reset_btn.isEnabled() and dialog.disable_btn.isEnabled()
    assert not dialog.enable_btn.isEnabled()

    def new_password(d):
        d.new.setText("forgot-it-2")
        d.again.setText("forgot-it-2")

    monkeypatch.setattr(ResetPasswordDialog, "exec", _filling(new_password)[0])
    dialog.reset_password()
    _settle(qtbot, admin_app)
    assert accounts.authenticate(db, "duty.li", "forgot-it-2", "s", clock()).username == "duty.li"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.disable_account()
    _settle(qtbot, admin_app)
    assert _rows(dialog)["duty.li"][4] == "Disabled"
    assert dialog.enable_btn.isEnabled() and not dialog.disable_btn.isEnabled()
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.authenticate(db, "duty.li", "forgot-it-2", "s", clock())
    dialog.enable_account()
    _settle(qtbot, admin_app)
    assert _rows(dialog)["duty.li"][4] == "In use"

    def chief(d):
        d.role.setCurrentIndex(d.role.findData("station_chief"))

    monkeypatch.setattr(RoleDialog, "exec", _filling(chief)[0])
    dialog.change_role()
    _settle(qtbot, admin_app)
    assert _rows(dialog)["duty.li"][2] == "Station chief"
    # Asked for the role it has already: the form comes back saying so.
    shown: list[str] = []

    def exec_(d):
        shown.append(d.error.text())
        if len(shown) > 1:
            return 0  # cancelled the second time
        d.accept()
        return d.result()

    monkeypatch.setattr(RoleDialog, "exec", exec_)
    dialog.change_role()
    _settle(qtbot, admin_app)
    assert "field 'role': duty.li is already station chief" in shown[1], shown


def test_the_role_form_says_seats_signed_in_with_the_account_sign_out_at_their_next_save(
        qtbot, admin_app, tmp_path):
    """The form told the administrator the account's open seats kept the old role until they
    signed in again; they are signed out at their next save (storage/uow.py)."""
    from PySide6.QtWidgets import QLabel

    accounts.add_user(admin_app.ctx, "duty.li", "long-enough", Role.DUTY_OFFICER)
    [user] = [u for u in accounts.list_users(admin_app.ctx) if u.username == "duty.li"]
    form = RoleDialog(user)
    qtbot.addWidget(form)
    form.show()
    notes = [label.text() for label in form.findChildren(QLabel) if "sign" in label.text()]
    assert notes == ["Seats signed in with this account are signed out at their next save, and "
                     "sign in again with the new role."]
    form.grab().save(str(tmp_path / "role_form.png"))


def _branch_seat(db, make_ctx, clock):
    """A branch-wide administrator (no station) at seat-9."""
    from precinct_console.domain.permissions import Actor
    from precinct_console.storage.models import User

    with db.sessions() as s:
        user = User(username="branch.admin", display_name="分局管理员", role="admin",
                    station_id=None, password_hash=accounts.hash_password("long-enough"),
                    created_at=clock())
        s.add(user)
        s.commit()
        actor = Actor(user.id, "branch.admin", Role.ADMIN, None, "seat-9")
    return AppContext(make_ctx(Role.ADMIN, "admin").as_actor(actor), Settings())


def test_the_last_administrator_of_a_station_is_refused_with_the_reason(
        qtbot, db, make_ctx, clock, admin_app, monkeypatch):
    branch = _branch_seat(db, make_ctx, clock)
    dlg = AccountsDialog(branch)
    qtbot.addWidget(dlg)
    _settle(qtbot, branch)
    # Accounts of a station and the branch's own: the station column shows which.
    assert not dlg.table.isColumnHidden(3)
    rows = _rows(dlg)
    assert rows["admin"][3] == "城关派出所" and rows["branch.admin"][3] == "(branch-wide)"
    _select(dlg, "admin")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dlg.disable_account()
    _settle(qtbot, branch)
    assert "admin is the last enabled administrator of 城关派出所" in dlg.error.text()
    assert _rows(dlg)["admin"][4] == "In use"
    shown: list[str] = []

    def demote(d):
        shown.append(d.error.text())
        if len(shown) > 1:
            return 0
        d.role.setCurrentIndex(d.role.findData("station_chief"))
        d.accept()
        return d.result()

    monkeypatch.setattr(RoleDialog, "exec", demote)
    dlg.change_role()
    _settle(qtbot, branch)
    assert "admin is the last enabled administrator of 城关派出所" in shown[1], shown
    assert _rows(dlg)["admin"][2] == "Administrator"


def test_own_account_and_branch_accounts_are_not_offered_to_a_station_administrator(
        qtbot, db, make_ctx, clock, admin_app):
    _branch_seat(db, make_ctx, clock)
    dlg = AccountsDialog(admin_app)
    qtbot.addWidget(dlg)
    _settle(qtbot, admin_app)
    _select(dlg, "admin")
    # One's own password is changed with the current one (File › Change password), not reset.
    assert not dlg.reset_btn.isEnabled()
    assert not dlg.disable_btn.isEnabled() and not dlg.role_btn.isEnabled()
    assert "your own account" in dlg.hint.text()
    _select(dlg, "branch.admin")
    assert not any(b.isEnabled() for b in (dlg.reset_btn, dlg.role_btn, dlg.disable_btn))
    assert "not of this station" in dlg.hint.text()


def test_another_seats_change_shows_in_the_open_list(qtbot, make_ctx, admin_app, dialog):
    from dataclasses import replace

    other = make_ctx(Role.ADMIN, "admin2")
    other = other.as_actor(replace(other.actor, workstation="seat-2"))
    accounts.add_user(other, "duty.zhou", "long-enough", Role.DUTY_OFFICER)
    assert "duty.zhou" not in _rows(dialog)
    admin_app.on_feed(read_feed(admin_app.ctx.db, 0))
    _settle(qtbot, admin_app)
    assert _rows(dialog)["duty.zhou"][4] == "In use"
    accounts.disable_user(other, "duty.zhou")
    admin_app.on_feed(read_feed(admin_app.ctx.db, 0))
    _settle(qtbot, admin_app)
    assert _rows(dialog)["duty.zhou"][4] == "Disabled"


def test_keyboard_only_enter_in_the_list_opens_nothing_and_tab_reaches_the_actions(
        qtbot, admin_app, dialog, monkeypatch):
    opened: list[object] = []
    monkeypatch.setattr(NewAccountDialog, "exec", lambda d: opened.append(d) or 0)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.hasFocus() or dialog.focusWidget() is dialog.table
    assert dialog.current is not None and dialog.current.username == "admin"  # the first row
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # the only row: it stays picked
    assert dialog.current.username == "admin"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened == [] and dialog.isVisible()
    order = []
    widget = dialog.table
    for _ in range(4):
        widget = widget.nextInFocusChain()
        while not (widget.isEnabled() and widget.isVisible()
                   and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
        order.append(widget)
    # The only row is the administrator's own: Reset password is greyed and Tab passes it.
    assert order[0] is dialog.add_btn and dialog.reset_btn not in order


def test_the_accounts_menu_is_shown_to_an_administrator_only(qtbot, make_ctx, monkeypatch):
    from precinct_console.ui.main_window import MainWindow

    shown: list[AccountsDialog] = []
    monkeypatch.setattr(AccountsDialog, "exec", lambda d: shown.append(d) or 0)
    for role, visible in ((Role.ADMIN, True), (Role.STATION_CHIEF, False), (Role.DUTY_OFFICER, False)):
        window = MainWindow(AppContext(make_ctx(role), Settings()), [])
        qtbot.addWidget(window)
        assert window.accounts_action.isVisible() is visible, role
    admin = MainWindow(AppContext(make_ctx(Role.ADMIN), Settings()), [])
    qtbot.addWidget(admin)
    admin.accounts_action.trigger()
    assert len(shown) == 1


def test_a_locked_account_says_until_when_and_a_reset_lifts_it(
        qtbot, db, clock, admin_app, dialog, monkeypatch):
    accounts.add_user(admin_app.ctx, "li.si", "right-password", Role.CLERK)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(db, "li.si", "forgotten", "seat-4", clock())
    dialog.reload()
    _settle(qtbot, admin_app)
    assert _rows(dialog)["li.si"][4].startswith("Locked until ")
    _select(dialog, "li.si")

    def new_password(d):
        d.new.setText("new-password-1")
        d.again.setText("new-password-1")

    monkeypatch.setattr(ResetPasswordDialog, "exec", _filling(new_password)[0])
    dialog.reset_password()
    _settle(qtbot, admin_app)
    assert _rows(dialog)["li.si"][4] == "In use"
