"""Reading incidents: the open board, rows by id, search with history, unit recommendation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain.allocation.visits import TimedVisit
from ...domain.clock import local
from ...domain.driving import may_drive, needed_class
from ...domain.errors import NotFound, ValidationError
from ...domain.lifecycle import Status
from ...domain.recommend import DutyHold, UnitFacts, duty_presses, rank_units
from ...storage.models import (
    Dispatch,
    Grid,
    Incident,
    IncidentEvent,
    Unit,
)
from ..context import ServiceContext, service_action
from ..units import (
    CrewMember,
    crews_now,
    duties_by_start,
    duties_by_unit,
    duty_spot,
    orders_in_force,
    set_out_from,
)
from .profile import profile_in
from .views import (
    DispatchView,
    IncidentDetail,
    IncidentRow,
    Recommendation,
    build_rows,
    event_view,
    facts_of,
    load_rows,
)

MAX_SEARCH = 5000
LOAD_WINDOW = timedelta(hours=4)
RECENT = timedelta(days=30)


@service_action("read")
def list_open_incidents(ctx: ServiceContext) -> list[IncidentRow]:
    """Every open incident of the station, newest first."""
    with ctx.read() as s:
        return load_rows(s, [Incident.station_id == ctx.station_id, Incident.closed_at.is_(None)])


@service_action("read")
def get_incident_rows(ctx: ServiceContext, ids: Iterable[int]) -> list[IncidentRow]:
    """Fresh rows for these incidents (what a change-feed event names), in any order."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    out: list[IncidentRow] = []
    with ctx.read() as s:
        for i in range(0, len(wanted), 900):
            out += load_rows(s, [Incident.station_id == ctx.station_id,
                                 Incident.id.in_(wanted[i: i + 900])])
    return out


@service_action("read")
def search_incidents(
    ctx: ServiceContext, text: str = "", *, since: datetime | None = None,
    until: datetime | None = None, status: str | None = None, category: str | None = None,
    grid_id: int | None = None, limit: int = 500,
) -> list[IncidentRow]:
    """Incidents (open or closed) whose number, address, content, caller or phone contain the
    text, received in [since, until), newest first."""
    if status is not None and status not in {s.value for s in Status} | {"open"}:
        raise ValidationError(f"'{status}' is not a status", field="status")
    if not 1 <= limit <= MAX_SEARCH:
        raise ValidationError(f"must be 1-{MAX_SEARCH}", field="limit")
    words = text.split()
    # With words to find, the station condition must not pick the station index (see load_rows).
    station = (Incident.station_id + 0) if words else Incident.station_id
    where = [station == ctx.station_id]
    if since is not None:
        where.append(Incident.received_at >= since)
    if until is not None:
        where.append(Incident.received_at < until)
    if status == "open":
        where.append(Incident.closed_at.is_(None))
    elif status is not None:
        where.append(Incident.status == status)
    if category:
        where.append(Incident.category_code.startswith(category, autoescape=True))
    if grid_id is not None:
        child = select(Grid.id).where(or_(Grid.id == grid_id, Grid.parent_id == grid_id))
        grand = select(Grid.id).where(Grid.parent_id.in_(child))
        where.append(or_(Incident.grid_id.in_(child), Incident.grid_id.in_(grand)))
    for word in words:
        like = f"%{word}%"
        where.append(or_(
            Incident.number.contains(word, autoescape=True),
            Incident.address.contains(word, autoescape=True),
            Incident.content.contains(word, autoescape=True),
            Incident.caller_name.contains(word, autoescape=True),
            Incident.caller_phone.contains(word, autoescape=True),
            Incident.handling_summary.ilike(like),
        ))
    with ctx.read() as s:
        recent = ctx.clock() - RECENT
        if words and (since is None or since < recent):
            # Most searches are for recent incidents: when the last month already holds enough
            # matches they are the newest ones overall, found without reading the whole history.
            rows = load_rows(s, [*where, Incident.received_at >= recent], limit=limit)
            if len(rows) >= limit:
                return rows
        return load_rows(s, where, limit=limit, scan=bool(words))


@service_action("read")
def get_incident(ctx: ServiceContext, incident_id: int) -> IncidentDetail:
    """One incident with its whole history (every event, corrections included) and dispatches."""
    with ctx.read() as s:
        inc = s.get(Incident, incident_id)
        if inc is None or inc.station_id != ctx.station_id:
            raise NotFound(f"incident {incident_id} does not exist")
        grid = s.get(Grid, inc.grid_id) if inc.grid_id else None
        row = build_rows(s, [(inc, grid.code if grid else None, grid.name if grid else None)])[0]
        units = {u.id: u for u in s.scalars(
            select(Unit).join(Dispatch, Dispatch.unit_id == Unit.id).where(Dispatch.incident_id == inc.id)
        )}
        signs = {uid: u.call_sign for uid, u in units.items()}
        events = tuple(event_view(e, signs) for e in s.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == inc.id).order_by(IncidentEvent.id)
        ))
        dispatches = tuple(
            DispatchView(d.id, d.unit_id, signs.get(d.unit_id, ""), units[d.unit_id].kind, d.role,
                         d.dispatched_at, d.signed_at, d.set_off_at, d.arrived_at, d.cleared_at,
                         d.version)
            for d in s.scalars(select(Dispatch).where(Dispatch.incident_id == inc.id).order_by(Dispatch.id))
        )
        linked = s.get(Incident, inc.linked_to_id) if inc.linked_to_id else None
        return IncidentDetail(row, events, dispatches, linked.number if linked else "")


def _no_driver(kind: str, crew: list[CrewMember] | None) -> str | None:
    """The licence class a rostered crew lacks to drive its vehicle (None: someone may, or no crew is known)."""
    need = needed_class(kind)
    if need is None or not crew or any(may_drive(m.licences, kind) for m in crew):
        return None
    return need


def _duty_holds(s: Session, station_id: int, units: list[Unit], now: datetime
                ) -> dict[int, DutyHold]:
    """By unit: the timed duty of its patrol order a call now would make it late for, or take
    it off (domain.recommend.duty_presses), the earliest where there are several. The time to
    set out is the unit board's (duty_spot: from its live fix when that is further off)."""
    in_force = orders_in_force(s, station_id, now)
    if not in_force:
        return {}
    plan_visits: dict[int, list[TimedVisit]] = {}  # each plan's duties worked out once
    by_id = {u.id: u for u in units}
    current = [(uid, v) for uid, visits in duties_by_unit(in_force, plan_visits).items()
               for v in visits if v.starts is not None and v.starts <= now]
    holds: dict[int, DutyHold] = {}
    for uid, v in [*current, *duties_by_start(s, station_id, now, in_force, plan_visits)]:
        unit = by_id.get(uid)
        if unit is None or v.starts is None or v.until is None:
            continue
        sets_out = duty_spot(v, set_out_from(unit, in_force.get(uid), now)).leave_by(now)[0]
        if not duty_presses(sets_out, v.starts, v.until, now):
            continue
        hold = DutyHold(v.point_name, len(v.route) >= 2, v.starts, v.until, v.starts <= now)
        if uid not in holds or hold.starts < holds[uid].starts:
            holds[uid] = hold
    return holds


@service_action("read")
def recommend_units(ctx: ServiceContext, incident_id: int, *, required_officers: int | None = None
                    ) -> Recommendation:
    """Available units ranked for this incident; says plainly when none makes the on-scene target."""
    now = ctx.clock()
    with ctx.read() as s:
        inc = s.get(Incident, incident_id)
        if inc is None or inc.station_id != ctx.station_id:
            raise NotFound(f"incident {incident_id} does not exist")
        lon, lat = inc.lon, inc.lat
        if (lon is None or lat is None) and inc.grid_id:
            grid = s.get(Grid, inc.grid_id)
            if grid is not None:
                lon, lat = grid.centroid_lon, grid.centroid_lat
        profile = profile_in(s, ctx.station_id)
        # The target the next unit races: the first arrival, or once someone is on scene, the
        # reinforcement's.
        wanted = "arrived" if inc.arrived_at is None else "reinforcement_arrived"
        target_s = 180.0
        limit: float | None = None
        due_at: datetime | None = None
        for t in profile.targets:
            if t.milestone == wanted:
                limit = profile.limit_seconds(t, facts_of(inc))
                if limit is not None:
                    # What is left of the target, counted from the call, not from now.
                    target_s = max(0.0, limit - (now - inc.received_at).total_seconds())
                    due_at = inc.received_at + timedelta(seconds=limit)
                break
        if lon is None or lat is None:
            return Recommendation(inc.id, (), target_s,
                                  "The incident has no location: pick it on the map or give its grid.",
                                  located=False, due_at=due_at)
        crews = crews_now(s, ctx.station_id, now)
        # Load: incidents each unit took in the last hours, so work spreads over the shift.
        loads = dict(s.execute(
            select(Dispatch.unit_id, func.count(Dispatch.id))
            .where(Dispatch.station_id == ctx.station_id,
                   Dispatch.dispatched_at >= now - LOAD_WINDOW)
            .group_by(Dispatch.unit_id)
        ).all())
        units = list(s.scalars(select(Unit).where(Unit.station_id == ctx.station_id,
                                                  Unit.active.is_(True))))
        # A car due at (or on) a timed duty of its patrol order is offered with the duty said,
        # after an equally good free car (domain.recommend).
        holds = _duty_holds(s, ctx.station_id, units, now)
        facts = [
            UnitFacts(u.id, u.call_sign, u.kind, u.seats, u.status, u.lon, u.lat, u.home_lon,
                      u.home_lat, len(crews.get(u.id, ())), int(loads.get(u.id, 0)),
                      (now - u.position_at).total_seconds() if u.position_at is not None else None,
                      _no_driver(u.kind, crews.get(u.id)), holds.get(u.id))
            for u in units
        ]
        required = required_officers or (4 if inc.needs_reinforcement else 2)
        ranking = rank_units(lon, lat, facts, local_hour=local(now).hour,
                             required_officers=required, target_s=target_s, place=inc.address,
                             target_limit_s=limit)
        return Recommendation(inc.id, ranking.options, ranking.target_s, ranking.shortfall,
                              ranking.unavailable, due_at=due_at)
