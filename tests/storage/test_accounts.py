"""Accounts: hashing, sign-in, lockout, audit of every write, first-start set-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import (
    AuthenticationError,
    PermissionDenied,
    RoleChanged,
    ValidationError,
)
from precinct_console.domain.permissions import Role
from precinct_console.services import accounts, stations
from precinct_console.storage.models import AuditEntry, ChangeRecord, User


def test_added_user_can_sign_in_and_password_is_hashed(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "zhang.san", "s3cret-pass", Role.DUTY_OFFICER, display_name="张三")
    with db.sessions() as s:
        user = s.scalar(sa.select(User).where(User.username == "zhang.san"))
        assert user.password_hash.startswith("$argon2")
        assert "s3cret-pass" not in user.password_hash
    actor = accounts.authenticate(db, "zhang.san", "s3cret-pass", "seat-7", clock())
    assert actor.role is Role.DUTY_OFFICER
    assert actor.workstation == "seat-7"


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(db, make_ctx, clock):
    accounts.add_user(make_ctx(Role.ADMIN), "li.si", "right-password", Role.CLERK)
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="wrong user name or password"):
            accounts.authenticate(db, "li.si", "nope", "seat-1", clock())
    with pytest.raises(AuthenticationError, match="now locked"):
        accounts.authenticate(db, "li.si", "nope", "seat-1", clock())
    # Even the right password is refused while locked ...
    with pytest.raises(AuthenticationError, match="locked"):
        accounts.authenticate(db, "li.si", "right-password", "seat-1", clock())
    # ... and accepted once the lockout has passed.
    clock.advance(minutes=16)
    assert accounts.authenticate(db, "li.si", "right-password", "seat-1", clock()).username == "li.si"


def test_user_add_is_audited_with_actor_and_workstation(db, make_ctx):
    admin = make_ctx(Role.ADMIN)
    info = accounts.add_user(admin, "wang.wu", "another-pass", Role.CLERK)
    with db.sessions() as s:
        entry = s.scalar(
            sa.select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.entity_id == info.id)
        )
        assert entry.username == admin.actor.username
        assert entry.workstation == "seat-1"
        assert entry.after["username"] == "wang.wu"
        assert "password_hash" not in entry.after
        feed = s.scalars(sa.select(ChangeRecord).where(ChangeRecord.entity == "user")).all()
        assert [(f.entity_id, f.action) for f in feed] == [(info.id, "created")]


def test_bad_user_input_names_the_field_and_writes_nothing(db, make_ctx):
    admin = make_ctx(Role.ADMIN)
    with pytest.raises(ValidationError, match="field 'password'"):
        accounts.add_user(admin, "short", "1234", Role.CLERK)
    with pytest.raises(ValidationError, match="field 'role'"):
        accounts.add_user(admin, "nobody", "long-enough", "sheriff")
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(User.id)).where(User.username.in_(["short", "nobody"]))) == 0


def test_only_an_administrator_adds_users(make_ctx):
    with pytest.raises(PermissionDenied):
        accounts.add_user(make_ctx(Role.DUTY_OFFICER), "x.y", "long-enough", Role.CLERK)


def test_disabled_user_cannot_sign_in(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "zhao.liu", "long-enough", Role.CLERK)
    accounts.disable_user(admin, "zhao.liu")
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.authenticate(db, "zhao.liu", "long-enough", "seat-1", clock())


def test_bootstrap_sets_up_station_and_admin_only_on_an_empty_database(db, clock):
    info = stations.bootstrap_station(
        db, "S99", "新城派出所", "admin", "first-admin-pw", workstation="seat-1", clock=clock
    )
    assert info.name == "新城派出所"
    actor = accounts.authenticate(db, "admin", "first-admin-pw", "seat-1", clock() + timedelta(seconds=1))
    assert actor.role is Role.ADMIN and actor.station_id == info.id
    with pytest.raises(ValidationError, match="already has accounts"):
        stations.bootstrap_station(db, "S98", "x", "admin2", "first-admin-pw", workstation="s", clock=clock)


def test_a_seat_signed_in_with_an_account_since_disabled_saves_nothing_more(db, make_ctx, station):
    """A seat open under an account the administrator has just disabled is refused its next
    write, which is not saved; it used to save and audit it under the disabled name."""
    from precinct_console.i18n.catalogue import error_text
    from precinct_console.services import roster

    admin = make_ctx(Role.ADMIN)
    clerk = make_ctx(Role.STATION_CHIEF, "zhao.liu")  # signed in before the account was disabled
    roster.add_officer(clerk, "051001", "王磊")
    accounts.disable_user(admin, "zhao.liu")
    with pytest.raises(PermissionDenied, match="the account zhao.liu has been disabled") as refused:
        roster.add_officer(clerk, "051002", "赵敏")
    assert "账号 zhao.liu 已被停用" in error_text(refused.value, "zh_CN")
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.username == "zhao.liu", AuditEntry.action == "roster.officer_add")) == 1
    assert [o.name for o in roster.list_officers(admin)] == ["王磊"]


def _feed_and_audit(db, user_id):
    with db.sessions() as s:
        audit = [e.action for e in s.scalars(sa.select(AuditEntry).where(
            AuditEntry.entity == "user", AuditEntry.entity_id == user_id).order_by(AuditEntry.id))]
        feed = [f.action for f in s.scalars(sa.select(ChangeRecord).where(
            ChangeRecord.entity == "user", ChangeRecord.entity_id == user_id).order_by(ChangeRecord.id))]
    return audit, feed


def test_a_disabled_account_is_enabled_again_and_signs_in_with_its_password(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    info = accounts.add_user(admin, "zhao.liu", "long-enough", Role.CLERK)
    accounts.disable_user(admin, "zhao.liu")
    back = accounts.enable_user(admin, "zhao.liu")
    assert back.active
    assert accounts.authenticate(db, "zhao.liu", "long-enough", "seat-2", clock()).username == "zhao.liu"
    audit, feed = _feed_and_audit(db, info.id)
    assert audit[:3] == ["user.add", "user.disable", "user.enable"]
    assert feed[:3] == ["created", "updated", "updated"]
    with pytest.raises(ValidationError, match="field 'username': account 'zhao.liu' is enabled already"):
        accounts.enable_user(admin, "zhao.liu")
    with pytest.raises(PermissionDenied, match="may not perform 'user.enable'"):
        accounts.enable_user(make_ctx(Role.STATION_CHIEF), "zhao.liu")


def test_a_seat_signed_in_as_an_administrator_since_demoted_is_refused_its_next_write(
        db, make_ctx, station):
    """An administrator demoted to duty officer at another seat kept his rights at the seat he was
    signed in at until it signed out: he could still add accounts. His next write is refused,
    naming the new role, and nothing of it is saved."""
    from precinct_console.i18n.catalogue import error_text
    from precinct_console.services import roster

    admin = make_ctx(Role.ADMIN)
    old = make_ctx(Role.ADMIN, "admin.wang")  # signed in as administrator, still open
    accounts.add_user(old, "duty.a", "long-enough", Role.DUTY_OFFICER)
    accounts.change_role(admin, "admin.wang", Role.DUTY_OFFICER)
    with pytest.raises(RoleChanged, match="an administrator has made the account admin.wang "
                       "duty officer; nothing was saved \\(sign in again to work as duty officer\\)") as refused:
        accounts.add_user(old, "duty.b", "long-enough", Role.ADMIN)
    assert refused.value.role == "duty_officer" and refused.value.username == "admin.wang"
    assert error_text(refused.value, "zh_CN") == (
        "管理员已将账号 admin.wang 改为值班民警，本次操作未保存（请重新登录，以值班民警身份工作）")
    # A write every role may make is refused as well: the seat is no longer what it signed in as.
    with pytest.raises(RoleChanged):
        accounts.change_password(old, "correct horse", "another-long-one")
    assert [u.username for u in accounts.list_users(admin) if u.username.startswith("duty.")] == ["duty.a"]
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.username == "admin.wang")) == 1
    # Signed in again, he is what the administrator made him.
    again = make_ctx(Role.DUTY_OFFICER, "admin.wang")
    assert roster.list_officers(again) == []


def test_a_read_the_new_role_may_not_make_is_refused_and_one_every_role_may_is_not(
        db, make_ctx, station):
    """A station chief made clerk keeps reading the board (every role may), but the accounts list,
    which a clerk may not read, is refused at once: his seat was signed in as chief."""
    from precinct_console.services import exports, roster

    admin = make_ctx(Role.ADMIN)
    chief = make_ctx(Role.STATION_CHIEF, "chief.zhang")
    assert "chief.zhang" in [u.username for u in accounts.list_users(chief)]
    accounts.change_role(admin, "chief.zhang", Role.CLERK)
    assert roster.list_officers(chief) == []  # "read": every role may
    with pytest.raises(RoleChanged, match="made the account chief.zhang clerk"):
        accounts.list_users(chief)
    # The clerk he now is may export, though not with phone numbers shown unless allowed: the
    # chief's seat still offers what a chief may, so it is refused too.
    with pytest.raises(RoleChanged):
        exports.export_choices(chief)
    # Jobs act with no user and are never refused.
    job = admin.as_actor(replace(admin.actor, user_id=None, username="jobs"))
    accounts.list_users(job)


def test_a_role_is_changed_audited_and_taken_at_the_next_sign_in(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    info = accounts.add_user(admin, "duty.li", "long-enough", Role.DUTY_OFFICER)
    changed = accounts.change_role(admin, "duty.li", "station_chief")
    assert changed.role is Role.STATION_CHIEF
    assert accounts.authenticate(db, "duty.li", "long-enough", "seat-2", clock()).role is Role.STATION_CHIEF
    with db.sessions() as s:
        entry = s.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.change_role"))
        assert (entry.entity_id, entry.before, entry.after) == (
            info.id, {"role": "duty_officer"}, {"role": "station_chief"})
        assert entry.username == admin.actor.username
    with pytest.raises(ValidationError, match="field 'role': duty.li is already station chief"):
        accounts.change_role(admin, "duty.li", Role.STATION_CHIEF)
    with pytest.raises(ValidationError, match="field 'role': 'sheriff' is not a role"):
        accounts.change_role(admin, "duty.li", "sheriff")
    with pytest.raises(PermissionDenied, match="may not perform 'user.change_role'"):
        accounts.change_role(make_ctx(Role.STATION_CHIEF), "duty.li", Role.CLERK)


def test_an_administrator_cannot_demote_themselves(db, make_ctx):
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "admin2", "long-enough", Role.ADMIN)
    with pytest.raises(ValidationError, match="field 'role': you cannot change your own role"):
        accounts.change_role(admin, admin.actor.username, Role.CLERK)
    assert {u.username: u.role for u in accounts.list_users(admin)}["admin1"] is Role.ADMIN


def test_the_last_enabled_administrator_is_neither_disabled_nor_demoted(db, make_ctx, station):
    """Another administrator may go while one stays; the last one of the station may not."""
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "admin2", "long-enough", Role.ADMIN)
    second = make_ctx(Role.ADMIN, "admin2")
    accounts.disable_user(second, "admin1")  # admin2 stays
    with pytest.raises(ValidationError, match="enabled already"):
        accounts.enable_user(second, "admin2")
    # admin1 is disabled, so admin2 is the last one: a branch-wide administrator (no station)
    # is refused both ways, and nothing changes.
    with db.sessions() as s:
        s.add(User(username="branch.admin", display_name="分局", role="admin", station_id=None,
                   password_hash=accounts.hash_password("long-enough"), created_at=second.clock()))
        s.commit()
        branch_id = s.scalar(sa.select(User.id).where(User.username == "branch.admin"))
    from precinct_console.domain.permissions import Actor

    branch = second.as_actor(Actor(branch_id, "branch.admin", Role.ADMIN, None, "seat-9"))
    for refused in (lambda: accounts.disable_user(branch, "admin2"),
                    lambda: accounts.change_role(branch, "admin2", Role.STATION_CHIEF)):
        with pytest.raises(ValidationError,
                           match="admin2 is the last enabled administrator of 城关派出所"):
            refused()
    users = {u.username: u for u in accounts.list_users(branch)}
    assert users["admin2"].active and users["admin2"].role is Role.ADMIN
    # Enabled again, admin1 lets admin2 be demoted.
    accounts.enable_user(branch, "admin1")
    assert accounts.change_role(branch, "admin2", Role.STATION_CHIEF).role is Role.STATION_CHIEF


def test_list_shows_station_name_and_last_sign_in(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "duty.li", "long-enough", Role.DUTY_OFFICER)
    assert {u.username: u.last_login_at for u in accounts.list_users(admin)}["duty.li"] is None
    accounts.authenticate(db, "duty.li", "long-enough", "seat-2", clock())
    li = {u.username: u for u in accounts.list_users(admin)}["duty.li"]
    assert li.last_login_at is not None and li.station_name == "城关派出所"


def test_a_station_administrator_manages_only_its_own_accounts(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    with db.sessions() as s:
        s.add(User(username="branch.admin", display_name="分局", role="admin", station_id=None,
                   password_hash=accounts.hash_password("long-enough"), created_at=clock()))
        s.commit()
    from precinct_console.domain.errors import NotFound

    for refused in (lambda: accounts.enable_user(admin, "branch.admin"),
                    lambda: accounts.change_role(admin, "branch.admin", Role.VIEWER)):
        with pytest.raises(NotFound, match="user 'branch.admin' does not exist"):
            refused()


def test_a_password_reset_lifts_the_lockout_but_enables_nothing(db, make_ctx, clock):
    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "li.si", "right-password", Role.CLERK)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(db, "li.si", "forgotten", "seat-1", clock())
    assert {u.username: u for u in accounts.list_users(admin)}["li.si"].locked_until is not None
    accounts.reset_password(admin, "li.si", "new-password-1")
    assert accounts.authenticate(db, "li.si", "new-password-1", "seat-1", clock()).username == "li.si"
    accounts.disable_user(admin, "li.si")
    accounts.reset_password(admin, "li.si", "new-password-2")
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.authenticate(db, "li.si", "new-password-2", "seat-1", clock())


def test_an_administrator_cannot_reset_their_own_password_only_change_it(db, make_ctx):
    """A reset needs no current password: at an administrator's unattended seat it would hand the
    account to whoever sat down. One's own password is changed with the current one."""
    admin = make_ctx(Role.ADMIN)
    with pytest.raises(ValidationError, match="you cannot reset your own password") as refused:
        accounts.reset_password(admin, admin.actor.username, "taken-over-1")
    assert refused.value.field == "username"
    with db.sessions() as s:
        assert s.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "user.reset_password")).first() is None
