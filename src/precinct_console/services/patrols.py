"""Patrol records (巡逻登记): what a unit reports when a patrol ends, the patrol ledger's rows."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain.changes import Change
from ..domain.clock import CHINA_TZ
from ..domain.errors import ValidationError
from ..storage.models import PatrolLog, PatrolZone, Unit
from ..storage.serialize import snapshot
from .context import ServiceContext, service_action
from .roster import checked_text

MAX_HOURS = 24  # one record per shift's patrol: a longer one is two patrols run together
FUTURE_SLACK = timedelta(minutes=5)  # a seat's clock a little ahead of the server's
MAX_COUNT = 9999
COUNT_FIELDS = ("people_checked", "vehicles_checked", "stakeouts", "arrests")


@dataclass(frozen=True)
class PatrolDraft:
    starts_at: datetime
    ends_at: datetime
    unit_id: int | None = None
    zone_id: int | None = None
    route: str = ""
    officers: str = ""
    people_checked: int = 0
    vehicles_checked: int = 0
    stakeouts: int = 0
    arrests: int = 0
    result: str = ""


@dataclass(frozen=True)
class PatrolRecord:
    id: int
    starts_at: datetime
    ends_at: datetime
    unit: str
    zone: str
    officers: str
    route: str
    people_checked: int
    vehicles_checked: int
    stakeouts: int
    arrests: int
    result: str
    change: Change = field(default_factory=Change, compare=False)


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{value!r} is not a whole number", field=name)
    if not 0 <= value <= MAX_COUNT:
        raise ValidationError(f"must be 0-{MAX_COUNT}", field=name)
    return value


@service_action("patrol.record")
def record_patrol(ctx: ServiceContext, draft: PatrolDraft) -> PatrolRecord:
    """Check the record whole, then write it (audited, announced); a refusal writes nothing."""
    if draft.starts_at.tzinfo is None or draft.ends_at.tzinfo is None:
        raise ValidationError("give the time with its zone (China time)", field="starts_at")
    if draft.ends_at <= draft.starts_at:
        raise ValidationError("the patrol ends before it starts", field="ends_at")
    if draft.ends_at - draft.starts_at > timedelta(hours=MAX_HOURS):
        raise ValidationError(f"a patrol of more than {MAX_HOURS} hours; record each shift's "
                              "patrol on its own", field="ends_at")
    if draft.ends_at > ctx.clock() + FUTURE_SLACK:
        raise ValidationError("the patrol ends in the future; record it when it is over",
                              field="ends_at")
    counts = {name: _count(getattr(draft, name), name) for name in COUNT_FIELDS}
    route = checked_text(draft.route, "route", 200, required=False)
    officers = checked_text(draft.officers, "officers", 200, required=False)
    result = checked_text(draft.result, "result", 2000, required=False)
    if not officers:
        raise ValidationError("name the officers on the patrol", field="officers")
    station = ctx.station_id
    with ctx.uow() as uow:
        s = uow.session
        unit = s.get(Unit, draft.unit_id) if draft.unit_id is not None else None
        if draft.unit_id is not None and (unit is None or unit.station_id != station):
            raise ValidationError(f"unit {draft.unit_id} is not one of this station's",
                                  field="unit_id")
        zone = s.get(PatrolZone, draft.zone_id) if draft.zone_id is not None else None
        if draft.zone_id is not None and (zone is None or zone.station_id != station):
            raise ValidationError(f"patrol zone {draft.zone_id} is not one of this station's",
                                  field="zone_id")
        log = uow.add("patrol.record", "patrol_log", PatrolLog(
            station_id=station, unit_id=draft.unit_id, zone_id=draft.zone_id,
            starts_at=draft.starts_at, ends_at=draft.ends_at, route=route, officers=officers,
            result=result, **counts))
        record = _record(log, unit.call_sign if unit else "", zone.name if zone else "")
        change = uow.commit()
    return replace(record, change=change)


@service_action("patrol.record")
def withdraw_patrol(ctx: ServiceContext, patrol_id: int, reason: str) -> Change:
    """Take a mistaken record out of the ledger. The audit log keeps the whole record, who
    withdrew it and why, so nothing is lost; record it again corrected."""
    why = checked_text(reason, "reason", 200)
    with ctx.uow() as uow:
        log = uow.session.get(PatrolLog, patrol_id)
        if log is None or log.station_id != ctx.station_id:
            raise ValidationError(f"patrol record {patrol_id} does not exist", field="patrol_id")
        uow.audit("patrol.withdraw", "patrol_log", log.id, {**snapshot(log), "reason": why}, None)
        uow.changed("patrol_log", log.id, "deleted")
        uow.session.delete(log)
        return uow.commit()


def _record(log: PatrolLog, unit: str, zone: str) -> PatrolRecord:
    return PatrolRecord(log.id, log.starts_at, log.ends_at, unit, zone, log.officers, log.route,
                        log.people_checked, log.vehicles_checked, log.stakeouts, log.arrests,
                        log.result)


@service_action("read")
def recent_patrols(ctx: ServiceContext, *, limit: int = 20) -> list[PatrolRecord]:
    """The latest patrols recorded at the station, newest first."""
    with ctx.read() as s:
        q = (select(PatrolLog, Unit.call_sign, PatrolZone.name)
             .outerjoin(Unit, Unit.id == PatrolLog.unit_id)
             .outerjoin(PatrolZone, PatrolZone.id == PatrolLog.zone_id)
             .where(PatrolLog.station_id == ctx.station_id))
        rows = s.execute(q.order_by(PatrolLog.ends_at.desc(), PatrolLog.id.desc()).limit(limit)).all()
        return [_record(log, sign or "", zone or "") for log, sign, zone in rows]


@service_action("read")
def patrol_zone_names(ctx: ServiceContext) -> list[tuple[int, str]]:
    """The station's patrol zones (not the key zones), for the record's zone list."""
    with ctx.read() as s:
        return [(int(i), str(n)) for i, n in s.execute(
            select(PatrolZone.id, PatrolZone.name).where(PatrolZone.station_id == ctx.station_id,
                                                         PatrolZone.kind == "patrol")
            .order_by(PatrolZone.code))]


_KEYS = {"starts_at", "ends_at", "unit", "zone", "route", "officers", "result", *COUNT_FIELDS}


def _when(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise ValidationError("is required: an ISO time such as 2026-12-06T20:00", field=name)
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not an ISO time such as 2026-12-06T20:00",
                              field=name) from None
    return at if at.tzinfo is not None else at.replace(tzinfo=CHINA_TZ)  # as the board shows it


@service_action("read")
def draft_from_mapping(ctx: ServiceContext, data: object) -> PatrolDraft:
    """A record as the command line reads it (JSON): times in China time unless they say
    otherwise, the unit by call sign and the zone by name or code; unknown keys are refused."""
    if not isinstance(data, dict):
        raise ValidationError("give the patrol as one JSON object", field="input")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValidationError(f"unknown key(s) {', '.join(unknown)}; the keys are "
                              f"{', '.join(sorted(_KEYS))}", field=unknown[0])
    unit_id = zone_id = None
    with ctx.read() as s:
        sign = str(data.get("unit") or "").strip()
        if sign:
            unit_id = s.scalar(select(Unit.id).where(Unit.station_id == ctx.station_id,
                                                     Unit.call_sign == sign))
            if unit_id is None:
                raise ValidationError(f"no unit with call sign {sign} in this station", field="unit")
        zone = str(data.get("zone") or "").strip()
        if zone:
            zone_id = s.scalar(select(PatrolZone.id).where(
                PatrolZone.station_id == ctx.station_id,
                (PatrolZone.name == zone) | (PatrolZone.code == zone)))
            if zone_id is None:
                raise ValidationError(f"no patrol zone named {zone} in this station", field="zone")
    return PatrolDraft(
        starts_at=_when(data.get("starts_at"), "starts_at"), ends_at=_when(data.get("ends_at"), "ends_at"),
        unit_id=unit_id, zone_id=zone_id, route=str(data.get("route") or ""),
        officers=str(data.get("officers") or ""), result=str(data.get("result") or ""),
        **{name: data.get(name, 0) for name in COUNT_FIELDS},  # type: ignore[arg-type]
    )
