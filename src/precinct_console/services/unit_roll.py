"""The station's units on the roll: add, edit, retire and reinstate (the chief's, not the board's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import local
from ..domain.errors import ConflictError, ValidationError
from ..storage.models import AuditEntry, Incident, PatrolPlan, Post, RosterEntry, Shift, Unit
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action
from .roster import checked_text
from .units import UNIT_KINDS

MAX_CALL_SIGN = 32  # units.call_sign's width
ON_AN_INCIDENT = frozenset({"dispatched", "en_route", "on_scene"})


@dataclass(frozen=True)
class UnitInfo:
    id: int
    call_sign: str
    kind: str
    seats: int
    post_id: int | None
    post_name: str
    status: str
    active: bool
    version: int
    standby: bool = False  # the station's standby car (备勤车): crewed only by standby shifts


@dataclass(frozen=True)
class Retirement:
    unit: UnitInfo
    # Crews of shifts not yet over that rode in the unit: they stay rostered, without a unit.
    entries_cleared: int
    # Accepted patrol plans in force or to come that give the unit a post: the chief re-plans.
    plans: tuple[datetime, ...] = ()


def _info(u: Unit, posts: dict[int, str]) -> UnitInfo:
    return UnitInfo(u.id, u.call_sign, u.kind, u.seats, u.post_id, posts.get(u.post_id or 0, ""),
                    u.status, u.active, u.version, u.standby)


def _post_names(session: Session, station_id: int) -> dict[int, str]:
    return {int(i): str(n) for i, n in session.execute(
        select(Post.id, Post.name).where(Post.station_id == station_id))}


def _call_sign(uow: UnitOfWork, station_id: int, value: str, unit_id: int | None) -> str:
    call_sign = checked_text(value, "call_sign", MAX_CALL_SIGN)
    other = uow.session.scalar(select(Unit.id).where(Unit.station_id == station_id,
                                                     Unit.call_sign == call_sign))
    if other is not None and other != unit_id:
        raise _taken(call_sign)
    return call_sign


def _taken(call_sign: str) -> ValidationError:
    return ValidationError(f"call sign {call_sign} is taken", field="call_sign")


def _kind_and_seats(kind: str, seats: int) -> None:
    if kind not in UNIT_KINDS:
        raise ValidationError(f"'{kind}' is not a unit kind (one of: {', '.join(UNIT_KINDS)})",
                              field="kind")
    if kind == "drone":
        if seats != 0:
            raise ValidationError("a drone carries nobody: 0 seats", field="seats")
    elif not 1 <= seats <= 12:
        raise ValidationError("must be 1-12", field="seats")


@service_action("read")
def list_unit_roll(ctx: ServiceContext, *, include_retired: bool = True) -> list[UnitInfo]:
    """Every unit of the station, in service first, by call sign."""
    with ctx.read() as s:
        q = select(Unit).where(Unit.station_id == ctx.station_id)
        if not include_retired:
            q = q.where(Unit.active.is_(True))
        posts = _post_names(s, ctx.station_id)
        units = s.scalars(q.order_by(Unit.active.desc(), Unit.call_sign))
        return [_info(u, posts) for u in units]


@service_action("roster.edit")
def add_unit(ctx: ServiceContext, call_sign: str, kind: str, home_lon: float | None = None,
             home_lat: float | None = None, *, seats: int | None = None,
             post_id: int | None = None, standby: bool = False) -> int:
    """A unit (car, motorbike, foot patrol…) based at a post: its home is the post's position
    unless a position is given. Two seats unless given; a drone none. standby: the station's
    standby car (备勤车), which planning never gives to a patrol team."""
    if seats is None:
        seats = 0 if kind == "drone" else 2
    _kind_and_seats(kind, seats)
    with ctx.uow() as uow:
        call_sign = _call_sign(uow, ctx.station_id, call_sign, None)
        if home_lon is None or home_lat is None:
            post = uow.get(Post, post_id) if post_id is not None else None
            if post is None:
                raise ValidationError("give the unit's home post (or a position)", field="post")
            home_lon, home_lat = post.lon, post.lat
        with uow.refusing_duplicate(Unit, ("station_id", "call_sign"), _taken(call_sign)):
            u = uow.add("roster.unit_add", "unit", Unit(
                station_id=ctx.station_id, call_sign=call_sign, kind=kind, seats=seats,
                post_id=post_id, home_lon=home_lon, home_lat=home_lat, standby=standby))
        uow.commit()
        return u.id


# What the chief's unit form edits: another seat changing these since the form opened is a conflict;
# the unit going on a call and coming back (its status, every few minutes on a live shift) is not.
ROLL_FIELDS = ("call_sign", "kind", "seats", "post_id", "active", "standby")


@service_action("roster.edit")
def update_unit(ctx: ServiceContext, unit_id: int, version: int | None, *, call_sign: str, kind: str,
                seats: int, post_id: int | None, standby: bool | None = None,
                opened: UnitInfo | None = None) -> UnitInfo:
    """New call sign, kind, seats or home post, or marked as the standby car or no longer (None:
    left as it is). A new post moves the unit's home (where it returns to, and where the
    allocation and the dispatch suggestions count it from when idle).

    opened: the unit as the form showed it; refused only if another seat has changed what the form
    edits since. Without it the whole row's version is checked (None: saved over whatever is there)."""
    _kind_and_seats(kind, seats)
    with ctx.uow() as uow:
        u = uow.get(Unit, unit_id, expected_version=version if opened is None else None)
        if opened is not None:
            changed = [f for f in ROLL_FIELDS if getattr(u, f) != getattr(opened, f)]
            if changed:
                raise _changed_since(uow.session, u, changed)
        call_sign = _call_sign(uow, ctx.station_id, call_sign, u.id)
        values: dict[str, object] = {"call_sign": call_sign,
                                     "kind": kind, "seats": seats}
        if standby is not None:
            values["standby"] = standby
        if post_id != u.post_id:
            if post_id is None:
                raise ValidationError("give the unit's home post", field="post")
            post = uow.get(Post, post_id)
            values.update(post_id=post.id, home_lon=post.lon, home_lat=post.lat)
        with uow.refusing_duplicate(Unit, ("station_id", "call_sign"), _taken(call_sign)):
            uow.update("roster.unit_update", "unit", u, **values)
        uow.commit()
        return _info(u, _post_names(uow.session, ctx.station_id))


def _changed_since(s: Session, u: Unit, changed: list[str]) -> ConflictError:
    last = s.scalars(select(AuditEntry).where(AuditEntry.entity == "unit", AuditEntry.entity_id == u.id,
                                              AuditEntry.action.like("roster.unit%"))
                     .order_by(AuditEntry.id.desc()).limit(1)).first()
    fields = ", ".join(changed)
    shown = _info(u, _post_names(s, u.station_id))  # what OK again, told of it, saves over
    if last is None:
        return ConflictError(f"unit {u.call_sign} was changed by another seat since you opened it "
                             f"({fields}); your change was not saved: save again to put yours over it",
                             current=shown)
    when = local(last.at).strftime("%H:%M:%S")
    return ConflictError(f"unit {u.call_sign} was changed by {last.username} at {last.workstation} "
                         f"({when}: {fields}) since you opened it; your change was not saved: save "
                         "again to put yours over it", current=shown)


@service_action("roster.edit")
def retire_unit(ctx: ServiceContext, unit_id: int, version: int) -> Retirement:
    """Take a unit out of service. Refused while it is on an incident (clear it first); crews of
    shifts not yet over lose the unit but stay on their shifts; its history keeps its call sign."""
    with ctx.uow() as uow:
        u = uow.get(Unit, unit_id, expected_version=version)
        if not u.active:
            raise ValidationError(f"{u.call_sign} is already out of service", field="unit")
        if u.status in ON_AN_INCIDENT or u.current_incident_id is not None:
            number = uow.session.scalar(select(Incident.number).where(
                Incident.id == u.current_incident_id)) if u.current_incident_id else None
            on = f" on incident {number}" if number else ""
            raise ValidationError(f"{u.call_sign} is {u.status.replace('_', ' ')}{on}: clear it "
                                  "from the incident before taking it out of service", field="unit")
        now = uow.now
        open_shifts = select(Shift.id).where(Shift.station_id == ctx.station_id, Shift.ends_at > now)
        crews = list(uow.session.scalars(select(RosterEntry).where(
            RosterEntry.unit_id == u.id, RosterEntry.shift_id.in_(open_shifts))))
        for e in crews:
            uow.update("roster.unit_retire", "roster_entry", e, unit_id=None)
        plans = tuple(p.starts_at for p in uow.session.scalars(select(PatrolPlan).where(
            PatrolPlan.station_id == ctx.station_id, PatrolPlan.status == "accepted",
            PatrolPlan.ends_at > now).order_by(PatrolPlan.starts_at))
            if any(int(a.get("unit_id", 0)) == u.id for a in p.assignments or ()))
        uow.update("roster.unit_retire", "unit", u, active=False, status="off_duty",
                   status_since=now, lon=None, lat=None, position_at=None)
        uow.commit()
        return Retirement(_info(u, _post_names(uow.session, ctx.station_id)), len(crews), plans)


@service_action("roster.edit")
def reinstate_unit(ctx: ServiceContext, unit_id: int, version: int) -> UnitInfo:
    """Back in service, off duty at its post until the dispatcher sets it available."""
    with ctx.uow() as uow:
        u = uow.get(Unit, unit_id, expected_version=version)
        if u.active:
            raise ValidationError(f"{u.call_sign} is in service", field="unit")
        uow.update("roster.unit_reinstate", "unit", u, active=True, status_since=uow.now)
        uow.commit()
        return _info(u, _post_names(uow.session, ctx.station_id))
