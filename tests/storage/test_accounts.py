"""Accounts: hashing, sign-in, lockout, audit of every write, first-start set-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import AuthenticationError, PermissionDenied, ValidationError
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
