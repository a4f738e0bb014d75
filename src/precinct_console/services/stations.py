"""Stations: first-start set-up of a station with its first administrator, and look-ups."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import Role
from ..storage.database import Database
from ..storage.models import Station, User
from .accounts import _check_password_rules, _check_username, has_users, hash_password, system_actor
from .context import ServiceContext, service_action


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    kind: str
    branch: str
    lon: float | None
    lat: float | None
    is_demo: bool


def _info(s: Station) -> StationInfo:
    return StationInfo(s.id, s.code, s.name, s.kind, s.branch, s.lon, s.lat, s.is_demo)


def _create_station(
    ctx: ServiceContext, code: str, name: str, admin_username: str, admin_password: str,
    *, branch: str = "", kind: str = "station", display_name: str = "",
) -> StationInfo:
    code = code.strip()
    name = name.strip()
    if not code:
        raise ValidationError("is required", field="station code")
    if not name:
        raise ValidationError("is required", field="station name")
    username = _check_username(admin_username)
    _check_password_rules(admin_password)
    with ctx.uow() as uow:
        if uow.session.scalar(select(Station.id).where(Station.code == code)) is not None:
            raise ValidationError(f"station code '{code}' is already used", field="station code")
        if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError(f"user '{username}' already exists", field="username")
        station = uow.add("station.setup", "station", Station(code=code, name=name, branch=branch, kind=kind))
        uow.add(
            "user.add", "user",
            User(
                # The name given (张建国), as `user add --name` gives any later account its own.
                username=username, display_name=display_name.strip() or username,
                role=Role.ADMIN.value,
                station_id=station.id, password_hash=hash_password(admin_password),
                may_see_personal_data=True, created_at=uow.now,
            ),
        )
        uow.commit()
        return _info(station)


def bootstrap_station(
    db: Database, code: str, name: str, admin_username: str, admin_password: str,
    *, workstation: str, clock, branch: str = "", display_name: str = "",  # type: ignore[no-untyped-def]
) -> StationInfo:
    """First start on an empty database: nobody can sign in yet, so nobody's permission is asked."""
    if has_users(db):
        raise ValidationError("this database already has accounts; sign in as an administrator")
    ctx = ServiceContext(db, system_actor(workstation), clock)
    return _create_station(ctx, code, name, admin_username, admin_password, branch=branch,
                           display_name=display_name)


@service_action("station.setup")
def add_station(
    ctx: ServiceContext, code: str, name: str, admin_username: str, admin_password: str,
    *, branch: str = "", kind: str = "station",
) -> StationInfo:
    return _create_station(ctx, code, name, admin_username, admin_password, branch=branch, kind=kind)


def list_stations(db: Database) -> list[StationInfo]:
    with db.sessions() as s:
        return [_info(x) for x in s.scalars(select(Station).order_by(Station.code))]


@service_action("read")
def get_station(ctx: ServiceContext, station_id: int | None = None) -> StationInfo:
    sid = station_id if station_id is not None else ctx.actor.station_id
    with ctx.read() as s:
        station = s.get(Station, sid) if sid is not None else None
        if station is None:
            raise NotFound(f"station {sid} does not exist")
        return _info(station)
