"""Accounts: sign-in with argon2 and lockout, user administration, first-start station set-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.errors import AuthenticationError, NotFound, ValidationError
from ..domain.permissions import ROLE_LABELS, Actor, Role
from ..storage.database import Database
from ..storage.models import Station, User
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    station_id: int | None
    active: bool
    locked_until: datetime | None
    may_see_personal_data: bool
    last_login_at: datetime | None = None
    station_name: str = ""  # the station's name; empty for a branch-wide account


def _info(u: User, station_name: str = "") -> UserInfo:
    return UserInfo(
        u.id, u.username, u.display_name, Role(u.role), u.station_id, u.active, u.locked_until,
        u.may_see_personal_data, u.last_login_at, station_name,
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"must be at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 60 or any(c.isspace() for c in name):
        raise ValidationError("must be 1-60 characters without spaces", field="username")
    return name


def _check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            f"'{role}' is not a role (one of: {', '.join(r.value for r in Role)})", field="role"
        ) from None


def actor_for(user: User, workstation: str) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        station_id=user.station_id,
        workstation=workstation,
        may_see_personal_data=user.may_see_personal_data,
    )


SYSTEM_USER = "system"  # how the audit log and the plan list name the console's own work


def system_actor(workstation: str, station_id: int | None = None) -> Actor:
    """The console itself (migrations, scheduled jobs' bookkeeping, first-start set-up)."""
    return Actor(None, SYSTEM_USER, Role.ADMIN, station_id, workstation)


def has_users(db: Database) -> bool:
    with db.sessions() as s:
        return bool(s.scalar(select(func.count(User.id))))


def authenticate(
    db: Database, username: str, password: str, workstation: str, now: datetime
) -> Actor:
    """Sign in; five wrong passwords lock the account for 15 minutes. Every attempt is audited."""
    ctx = ServiceContext(db, system_actor(workstation), lambda: now)
    with ctx.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise AuthenticationError("wrong user name or password")
        if not user.active:
            raise AuthenticationError(f"account '{user.username}' is disabled")
        if user.locked_until is not None and user.locked_until > now:
            left = int((user.locked_until - now).total_seconds() // 60) + 1
            raise AuthenticationError(
                f"account '{user.username}' is locked after repeated failures; "
                f"try again in {left} minute(s) or ask an administrator"
            )
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            attempts = user.failed_attempts + 1
            locked = now + LOCKOUT if attempts >= MAX_FAILED_ATTEMPTS else None
            uow.update(
                "user.login_failed", "user", user,
                failed_attempts=0 if locked else attempts, locked_until=locked,
            )
            uow.commit()
            if locked:
                raise AuthenticationError(
                    f"wrong password; account '{user.username}' is now locked for "
                    f"{int(LOCKOUT.total_seconds() // 60)} minutes"
                ) from None
            raise AuthenticationError("wrong user name or password") from None
        values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
        if _hasher.check_needs_rehash(user.password_hash):
            values["password_hash"] = hash_password(password)
        uow.update("user.login", "user", user, **values)
        uow.audit("user.login", "user", user.id, None, {"workstation": workstation},
                  station_id=user.station_id)
        uow.commit()
        return actor_for(user, workstation)


@service_action("user.add")
def add_user(
    ctx: ServiceContext,
    username: str,
    password: str,
    role: Role | str,
    *,
    display_name: str = "",
    station_id: int | None = None,
    may_see_personal_data: bool = False,
) -> UserInfo:
    name = _check_username(username)
    role = _check_role(role)
    _check_password_rules(password)
    with ctx.uow() as uow:
        if uow.session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationError(f"user '{name}' already exists", field="username")
        station = station_id if station_id is not None else ctx.actor.station_id
        if station is not None and uow.session.get(Station, station) is None:
            raise ValidationError(f"station {station} does not exist", field="station")
        user = uow.add(
            "user.add", "user",
            User(
                username=name,
                display_name=display_name or name,
                role=role.value,
                station_id=station,
                password_hash=hash_password(password),
                may_see_personal_data=may_see_personal_data,
                created_at=uow.now,
            ),
        )
        uow.commit()
        return _info(user)


@service_action("user.list")
def list_users(ctx: ServiceContext) -> list[UserInfo]:
    with ctx.read() as s:
        q = (select(User, Station.name).outerjoin(Station, Station.id == User.station_id)
             .order_by(User.username))
        if ctx.actor.station_id is not None:
            q = q.where((User.station_id == ctx.actor.station_id) | (User.station_id.is_(None)))
        return [_info(u, station_name or "") for u, station_name in s.execute(q)]


def _managed_user(ctx: ServiceContext, session: Session, username: str) -> User:
    """An account this administrator manages: one of their own station's. A station's administrator
    must not disable, or take over by a new password, another station's accounts or the
    branch-wide ones (no station), which only an administrator without a station manages."""
    user = session.scalar(select(User).where(User.username == username))
    station = ctx.actor.station_id
    if user is None or (station is not None and user.station_id != station):
        raise NotFound(f"user '{username}' does not exist")
    return user


# Serialises the account changes that take an administrator away (disable, change of role), so
# two administrators disabling each other at once cannot both pass the last-administrator check.
_ADMINS_LOCK = 0x55534552  # "USER"


def _keep_an_administrator(uow: UnitOfWork, user: User) -> None:
    """Refuse to take away the last enabled administrator of the user's station (or the last
    branch-wide one): nobody would be left to manage its accounts in the window or with `user`."""
    if not (user.active and user.role == Role.ADMIN.value):
        return
    uow.lock_station(_ADMINS_LOCK, user.station_id or 0)
    same_station = (User.station_id == user.station_id if user.station_id is not None
                    else User.station_id.is_(None))
    others = uow.session.scalar(
        select(func.count(User.id)).where(
            same_station, User.id != user.id, User.active.is_(True),
            User.role == Role.ADMIN.value)
    )
    if others:
        return
    station = uow.session.get(Station, user.station_id) if user.station_id is not None else None
    if station is None:
        raise ValidationError(f"{user.username} is the last enabled branch-wide administrator; "
                              "enable or add another one first", field="username")
    raise ValidationError(f"{user.username} is the last enabled administrator of {station.name}; "
                          "enable or add another one first", field="username")


@service_action("user.disable")
def disable_user(ctx: ServiceContext, username: str) -> UserInfo:
    with ctx.uow() as uow:
        user = _managed_user(ctx, uow.session, username)
        if user.id == ctx.actor.user_id:
            raise ValidationError("you cannot disable your own account", field="username")
        _keep_an_administrator(uow, user)
        uow.update("user.disable", "user", user, active=False)
        uow.commit()
        return _info(user)


@service_action("user.enable")
def enable_user(ctx: ServiceContext, username: str) -> UserInfo:
    """A disabled account in use again, with the password it had (reset it if it was forgotten)."""
    with ctx.uow() as uow:
        user = _managed_user(ctx, uow.session, username)
        if user.active:
            raise ValidationError(f"account '{user.username}' is enabled already", field="username")
        uow.update("user.enable", "user", user, active=True, failed_attempts=0, locked_until=None)
        uow.commit()
        return _info(user)


@service_action("user.change_role")
def change_role(ctx: ServiceContext, username: str, role: Role | str) -> UserInfo:
    """A new role for an account (a duty officer made chief); the seats it is signed in at are
    refused their next save and sign out (storage/uow.refuse_a_changed_account), to sign in again
    with the new role."""
    new_role = _check_role(role)
    with ctx.uow() as uow:
        user = _managed_user(ctx, uow.session, username)
        if user.role == new_role.value:
            raise ValidationError(
                f"{user.username} is already {ROLE_LABELS[new_role]}", field="role")
        if user.id == ctx.actor.user_id:
            raise ValidationError("you cannot change your own role", field="role")
        if new_role is not Role.ADMIN:
            _keep_an_administrator(uow, user)
        uow.update("user.change_role", "user", user, role=new_role.value)
        uow.commit()
        return _info(user)


@service_action("user.change_password")
def change_password(ctx: ServiceContext, old_password: str, new_password: str) -> None:
    _check_password_rules(new_password)
    with ctx.uow() as uow:
        user = uow.get(User, ctx.actor.user_id or 0)
        try:
            _hasher.verify(user.password_hash, old_password)
        except (VerificationError, InvalidHashError):
            raise ValidationError("the current password is wrong", field="old_password") from None
        uow.update("user.change_password", "user", user, password_hash=hash_password(new_password))
        uow.commit()


@service_action("user.reset_password")
def reset_password(ctx: ServiceContext, username: str, new_password: str) -> UserInfo:
    """An administrator sets a new password for someone who forgot theirs, and lifts the lockout
    their guesses set off (they were locked out another 15 minutes with the new password in hand);
    it re-enables nothing: a disabled account stays disabled."""
    _check_password_rules(new_password)
    with ctx.uow() as uow:
        user = _managed_user(ctx, uow.session, username)
        if user.id == ctx.actor.user_id:
            # One's own password is changed with the current one (change_password): a reset
            # would let anyone at an administrator's unattended seat take the account over.
            raise ValidationError("you cannot reset your own password: change it with your current "
                                  "one (File › Change password, or user passwd)", field="username")
        uow.update("user.reset_password", "user", user, password_hash=hash_password(new_password),
                   failed_attempts=0, locked_until=None)
        uow.commit()
        return _info(user)
