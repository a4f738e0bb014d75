"""What a patrol plan is worked out from: the shift's window, units, candidate points, demand
forecast and the chief's constraints, read from the database (allocation.py proposes and decides)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import select

from ..config import load_settings
from ..domain.allocation import (
    AllocationProblem,
    CandidatePoint,
    DemandCell,
    KeySiteRequirement,
    UnitSpec,
    ZoneRequirement,
    reachable_key_sites,
)
from ..domain.allocation.visits import (
    STANDING_SHARE,
    VisitPoint,
)
from ..domain.clock import CHINA_TZ, local
from ..domain.daily_window import meets, overlap_minutes, parts_within
from ..domain.demand import (
    AccuracyReport,
    Cell,
    PastIncident,
    evaluate_forecast,
    expected_incidents,
)
from ..domain.errors import NotFound, ValidationError
from ..domain.holidays import years_not_covered
from ..storage.models import (
    Grid,
    Incident,
    KeySite,
    Officer,
    OfficerAbsence,
    PatrolLine,
    PatrolPlan,
    PatrolPoint,
    PatrolZone,
    Post,
    RosterEntry,
    Shift,
    Unit,
)
from .context import ServiceContext, service_action

# Days of incidents the demand forecast learns from.
HISTORY_DAYS = 56
# Roster duties that put a unit on the street for the plan.
ON_DUTY = ("patrol", "post", "standby")


def span_label(starts_at: datetime, ends_at: datetime) -> str:
    """12-05 08:30–16:30; a night shift 12-05 16:30–00:30; a whole day of duty with its end
    date, 12-05 08:30–12-06 08:30 (not "08:30–08:30", which reads as no time at all)."""
    start, end = starts_at.astimezone(CHINA_TZ), ends_at.astimezone(CHINA_TZ)
    if end - start >= timedelta(hours=24):
        return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


def _window(ctx: ServiceContext, s: Any, shift_id: int | None, starts_at: datetime | None
            ) -> tuple[Shift | None, datetime, datetime]:
    st = ctx.station_id
    if shift_id is not None:
        shift = s.get(Shift, shift_id)
        if shift is None or shift.station_id != st:
            raise NotFound(f"shift {shift_id} does not exist")
        return shift, shift.starts_at, shift.ends_at
    at = starts_at or ctx.clock()
    if at.tzinfo is None:
        raise ValidationError("give the time with its zone (e.g. 2026-11-21T08:30+08:00)", field="at")
    q = select(Shift).where(Shift.station_id == st)
    if starts_at is None:
        # The coming shift: the next to start; the running one if nothing is planned after it.
        first = s.scalar(q.where(Shift.starts_at > at).order_by(Shift.starts_at).limit(1))
        options = list(s.scalars(q.where(Shift.starts_at == first.starts_at))) if first else []
        if not options:
            options = list(s.scalars(q.where(Shift.starts_at <= at, Shift.ends_at > at)))
    else:
        options = list(s.scalars(q.where(Shift.starts_at <= at, Shift.ends_at > at)))
    # Several shifts at once (the command room's 24-hour duty beside the patrol shift): plan
    # the one that crews the most units, then the latest started.
    shift = max(options, key=lambda x: (_unit_count(s, x.id), x.starts_at, -x.id), default=None)
    if shift is not None:
        return shift, shift.starts_at, shift.ends_at
    # No roster yet: a 24-hour duty from the next handover.
    hh, mm = (int(x) for x in load_settings().handover_time.split(":"))
    local = at.astimezone(CHINA_TZ)
    start = datetime.combine(local.date(), time(hh, mm), CHINA_TZ)
    if starts_at is None and start <= local:
        start += timedelta(days=1)
    elif starts_at is not None and start > local:
        start -= timedelta(days=1)
    return None, start, start + timedelta(hours=24)


def _unit_count(s: Any, shift_id: int) -> int:
    return len(set(s.scalars(select(RosterEntry.unit_id).where(
        RosterEntry.shift_id == shift_id, RosterEntry.unit_id.is_not(None),
        RosterEntry.duty.in_(ON_DUTY)))))


def _cells(s: Any, station: int) -> list[Grid]:
    levels = s.scalars(select(Grid.level).where(Grid.station_id == station).distinct()).all()
    if not levels:
        raise ValidationError("the station has no grids; import the grid map first", field="grids")
    finest = max(levels)
    return list(s.scalars(select(Grid).where(Grid.station_id == station, Grid.level == finest)
                          .order_by(Grid.id)))


def _history(s: Any, station: int, since: datetime, until: datetime,
             cell_of: Mapping[int, int]) -> list[PastIncident]:
    rows = s.execute(select(Incident.received_at, Incident.grid_id, Incident.category_code).where(
        Incident.station_id == station, Incident.received_at >= since,
        Incident.received_at < until, Incident.grid_id.is_not(None))).all()
    return [PastIncident(r.received_at, cell_of.get(r.grid_id, r.grid_id), r.category_code)
            for r in rows]


def _parent_map(s: Any, station: int, cells: list[Grid]) -> dict[int, int]:
    """Grid id -> forecast cell. Incidents located only to a coarser grid are left out (their
    place within it is unknown); the finest cells map to themselves."""
    return {c.id: c.id for c in cells}


def _standing(point: PatrolPoint, start: datetime, end: datetime) -> bool | None:
    """True: a must-patrol point open for most of [start, end), a place to stand; False: open
    for a part of it only, a timed duty; None: closed all that time."""
    window = (point.window_start or "00:00", point.window_end or "24:00")
    if not meets(*window, start, end):
        return None
    shift_minutes = (end - start).total_seconds() / 60
    return overlap_minutes(*window, start, end) >= STANDING_SHARE * shift_minutes


def _candidates(s: Any, st: int, start: datetime, end: datetime
                ) -> tuple[list[PatrolZone], list[CandidatePoint], list[VisitPoint]]:
    """The station's patrol zones, where units may stand during [start, end), and the
    must-patrol points open for only a part of it (timed duties)."""
    zones = list(s.scalars(select(PatrolZone).where(PatrolZone.station_id == st,
                                                     PatrolZone.kind == "patrol")
                           .order_by(PatrolZone.id)))
    zone_shapes = [(z.id, shape(z.geometry)) for z in zones]

    def zones_of(lon: float, lat: float) -> tuple[int, ...]:
        pt = shapely.points(lon, lat)
        return tuple(zid for zid, g in zone_shapes if g.covers(pt))

    cands: list[CandidatePoint] = []
    visits: list[VisitPoint] = []
    for p in s.scalars(select(Post).where(Post.station_id == st).order_by(Post.id)):
        kind = "police_room" if p.kind == "police_room" else "post"
        cands.append(CandidatePoint(f"post:{p.id}", p.name, kind, p.lon, p.lat,
                                    zones_of(p.lon, p.lat), capacity=2))
    for pt in s.scalars(select(PatrolPoint).where(PatrolPoint.station_id == st,
                                                   PatrolPoint.active.is_(True))
                        .order_by(PatrolPoint.id)):
        standing = _standing(pt, start, end)
        if standing:
            cands.append(CandidatePoint(f"point:{pt.id}", pt.name, "must_patrol", pt.lon, pt.lat,
                                        zones_of(pt.lon, pt.lat)))
        elif standing is not None:
            visits.append(VisitPoint(f"point:{pt.id}", pt.name, pt.lon, pt.lat, tuple(
                parts_within(pt.window_start or "00:00", pt.window_end or "24:00", start, end))))
    # A patrol line is walked or driven, not stood at: the part of its window inside the shift
    # is always a timed duty, joined where the route passes nearest the unit.
    for ln in s.scalars(select(PatrolLine).where(PatrolLine.station_id == st, PatrolLine.active.is_(True))
                        .order_by(PatrolLine.id)):
        window = (ln.window_start or "00:00", ln.window_end or "24:00")
        if meets(*window, start, end):
            route = tuple((float(p[0]), float(p[1])) for p in ln.geometry["coordinates"])
            visits.append(VisitPoint(f"line:{ln.id}", ln.name, *route[0],
                                     tuple(parts_within(*window, start, end)), route))
    for z in zones:
        cands.append(CandidatePoint(f"zone:{z.id}", z.name, "zone_centre", z.centroid_lon,
                                    z.centroid_lat, (z.id, *[i for i in zones_of(
                                        z.centroid_lon, z.centroid_lat) if i != z.id])))
    return zones, cands, visits


def _units_on(s: Any, st: int, shift: Shift | None, notes: list[str]) -> list[Unit]:
    """The units crewed on the shift by an officer who is there; every active unit only when
    nobody is rostered on the shift at all (a station without a roster yet)."""
    q = select(Unit).where(Unit.station_id == st, Unit.active.is_(True)).order_by(Unit.call_sign)
    all_units = list(s.scalars(q))
    if not all_units:
        # Said as it is: "no units are on this shift" sent a new station's chief to the roster.
        raise ValidationError("the station has no units in service; add them under Roster › "
                              "Units… first", field="units")
    entries = [] if shift is None else s.execute(
        select(RosterEntry.unit_id, RosterEntry.duty, Officer.id, Officer.name, Officer.active)
        .join(Officer, Officer.id == RosterEntry.officer_id)
        .where(RosterEntry.shift_id == shift.id)).all()
    if not entries:
        notes.append("no crews are rostered on this shift: every unit of the station is planned")
        return all_units
    assert shift is not None
    # Leave or training over any part of the shift: that officer is not in the car.
    away = set(s.scalars(select(OfficerAbsence.officer_id).where(
        OfficerAbsence.station_id == st, OfficerAbsence.starts_at < shift.ends_at,
        OfficerAbsence.ends_at > shift.starts_at)))
    present: set[int] = set()
    missing: dict[int, list[str]] = {}
    for unit_id, duty, officer_id, name, active in entries:
        if unit_id is None or duty not in ON_DUTY:
            continue
        if active and officer_id not in away:
            present.add(unit_id)
        else:
            missing.setdefault(unit_id, []).append(name)
    for u in all_units:
        if u.id in missing and u.id not in present:
            notes.append(f"{u.call_sign} is left out: its whole crew is on leave, in training or "
                         f"off the roll ({', '.join(missing[u.id])})")
    crewed = [u for u in all_units if u.id in present]
    if not crewed:
        raise ValidationError(
            f"no unit is crewed on shift {shift.name} ({span_label(shift.starts_at, shift.ends_at)}): "
            "roster officers into its units first", field="shift")
    return crewed


def _whole(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"must be a whole number, not '{value}'", field=field) from None


def build_problem(ctx: ServiceContext, *, shift_id: int | None = None,
                  starts_at: datetime | None = None, constraints: Mapping[str, Any] | None = None
                  ) -> tuple[AllocationProblem, Shift | None, datetime, datetime, list[str],
                             list[VisitPoint]]:
    """Demand, candidate points, units on duty and the chief's constraints for one shift; and
    the timed duties of the shift (must-patrol points open for only a part of it)."""
    cons = dict(constraints or {})
    notes: list[str] = []
    st = ctx.station_id
    now = ctx.clock()
    with ctx.read() as s:
        shift, start, end = _window(ctx, s, shift_id, starts_at)
        # The forecast weighs holidays as rest days: a day past the tables (New Year's Day of a
        # year not published yet) is forecast as an ordinary one, and the chief must know it.
        years = years_not_covered(local(start).date(), local(end - timedelta(seconds=1)).date())
        if years:
            notes.append(f"the public holidays and adjusted working days of "
                         f"{', '.join(map(str, years))} are not in the calendar tables yet: the "
                         "forecast takes those days as ordinary weekdays and weekends")
        cells = _cells(s, st)
        # A shift already over (--at a past day) is forecast from what was known as it began,
        # not from the weeks after it: those held its own incidents, and the forecast of a
        # shift a year back came from a history it never had. A coming or running shift is
        # forecast from everything up to now.
        origin = now if end > now else start
        history = _history(s, st, origin - timedelta(days=HISTORY_DAYS), origin,
                           _parent_map(s, st, cells))
        expected = expected_incidents(
            history, [Cell(c.id, c.centroid_lon, c.centroid_lat, c.area_m2) for c in cells],
            start, end, origin)
        if not any(expected.values()):
            # Every placement then scores 0 %: said, so the figures are not read as a plan's.
            notes.append(f"no incidents in the {HISTORY_DAYS} days before this shift to forecast "
                         "from: the units are spread to reach as many micro grids as they can, "
                         "each counted alike, until incidents are recorded")
        demand = tuple(DemandCell(c.id, c.centroid_lon, c.centroid_lat, expected[c.id], c.name)
                       for c in cells)
        zones, cands, visits = _candidates(s, st, start, end)
        units_rows = _units_on(s, st, shift, notes)
        pins = {_whole(k, "pins"): str(v) for k, v in (cons.get("pins") or {}).items()}
        known_units = {u.id: u for u in units_rows}
        for uid in pins:
            if uid not in known_units:
                raise ValidationError(f"unit {uid} is not on this shift and cannot be pinned",
                                      field="pins")
        by_key = {c.key: c for c in cands}
        pinned_here: dict[str, list[str]] = {}
        for uid, key in sorted(pins.items(), key=lambda kv: known_units[kv[0]].call_sign):
            if key not in by_key:
                raise ValidationError(f"unit {known_units[uid].call_sign} is pinned to '{key}', "
                                      "which is not a candidate point", field="pinned_to")
            pinned_here.setdefault(key, []).append(known_units[uid].call_sign)
        for key, signs in pinned_here.items():
            if len(signs) > by_key[key].capacity:
                raise ValidationError(
                    f"{len(signs)} units ({', '.join(signs)}) are pinned to {by_key[key].name}, "
                    f"which holds at most {by_key[key].capacity}", field="pins")
        units = tuple(UnitSpec(u.id, u.call_sign, u.kind, pins.get(u.id),
                               u.lon if u.lon is not None else u.home_lon,
                               u.lat if u.lat is not None else u.home_lat) for u in units_rows)
        sites = []
        for raw in cons.get("key_sites") or []:
            sid = _whole(raw, "key_sites")
            ks = s.get(KeySite, sid)
            if ks is None or ks.station_id != st:
                raise ValidationError(f"key site {sid} does not exist", field="key_sites")
            sites.append(KeySiteRequirement(ks.id, ks.name, ks.lon, ks.lat, 60.0 * ks.target_minutes))
        zone_reqs = []
        names = {z.id: z.name for z in zones}
        for raw in cons.get("zones") or []:
            zid = _whole(raw, "zones")
            if zid not in names:
                other = s.get(PatrolZone, zid)
                if other is not None and other.station_id == st:
                    # A key zone (重点区域) is not patrolled as a zone: its key sites are the
                    # requirement to set.
                    raise ValidationError(
                        f"zone {zid} ({other.name}) is a key zone, not a patrol zone; require "
                        "its key sites instead", field="zones")
                raise ValidationError(f"patrol zone {zid} does not exist", field="zones")
            zone_reqs.append(ZoneRequirement(zid, names[zid]))
    hour = start.astimezone(CHINA_TZ).hour
    problem = AllocationProblem(demand, tuple(cands), units, local_hour=hour,
                                key_sites=tuple(sites), zones=tuple(zone_reqs))
    return problem, shift, start, end, notes, visits


@dataclass(frozen=True)
class ConstraintOptions:
    """What the chief may constrain for one shift: its units (each with the point it is based
    at), the candidate points, the patrol zones and the key sites."""

    shift_id: int | None
    shift_name: str
    starts_at: datetime
    ends_at: datetime
    units: tuple[tuple[int, str, str, str], ...]  # id, call sign, kind, home point key
    candidates: tuple[tuple[str, str, str, int], ...]  # key, name, kind, capacity
    zones: tuple[tuple[int, str], ...]  # patrol zones: id, name
    key_sites: tuple[tuple[int, str, int], ...]  # id, name, ring in minutes
    key_zones: tuple[tuple[int, str], ...] = ()  # 重点区域: not patrol zones, named in errors
    # Key sites no candidate point reaches within their ring: requiring one would be refused.
    unreachable_sites: frozenset[int] = frozenset()
    # Of those, the ones a timed duty of this shift reaches (a school whose gate is open 07:00-08:30):
    # a unit goes there while the gate is open, though none stands there all shift.
    timed_sites: frozenset[int] = frozenset()


@service_action("read")
def constraint_options(ctx: ServiceContext, *, shift_id: int | None = None,
                       starts_at: datetime | None = None) -> ConstraintOptions:
    st = ctx.station_id
    with ctx.read() as s:
        shift, start, end = _window(ctx, s, shift_id, starts_at)
        zones, cands, visits = _candidates(s, st, start, end)
        try:
            units_rows = _units_on(s, st, shift, [])
        except ValidationError:  # a desk shift: constraints to choose from, but no unit to pin
            units_rows = []
        keys = {c.key for c in cands}
        posts = [c for c in cands if c.key.startswith("post:")]

        def home(u: Unit) -> str:
            if f"post:{u.post_id}" in keys:
                return f"post:{u.post_id}"
            pool = posts or cands
            if not pool:
                return ""
            return min(pool, key=lambda c: (c.lon - u.home_lon) ** 2 + (c.lat - u.home_lat) ** 2).key

        sites = list(s.scalars(select(KeySite).where(KeySite.station_id == st).order_by(KeySite.id)))
        reqs = [KeySiteRequirement(k.id, k.name, k.lon, k.lat, 60.0 * k.target_minutes)
                for k in sites]
        kinds = sorted({u.kind for u in units_rows}) or ["car", "foot"]
        reached = reachable_key_sites(cands, reqs, kinds, start.astimezone(CHINA_TZ).hour)
        duty_points = [CandidatePoint(v.key, v.name, "must_patrol", v.lon, v.lat) for v in visits]
        by_duty = reachable_key_sites(duty_points, reqs, kinds, start.astimezone(CHINA_TZ).hour)
        key_zones = s.scalars(select(PatrolZone).where(PatrolZone.station_id == st,
                                                        PatrolZone.kind != "patrol")
                              .order_by(PatrolZone.id))
        return ConstraintOptions(
            shift.id if shift else None, shift.name if shift else "", start, end,
            tuple((u.id, u.call_sign, u.kind, home(u)) for u in units_rows),
            tuple((c.key, c.name, c.kind, c.capacity) for c in cands),
            tuple((z.id, z.name) for z in zones),
            tuple((k.id, k.name, k.target_minutes) for k in sites),
            tuple((z.id, z.name) for z in key_zones),
            frozenset(k.id for k in sites) - reached,
            frozenset(by_duty - reached))


def stored_problem(p: PatrolPlan) -> AllocationProblem:
    f = p.figures or {}
    c = p.constraints or {}
    # Plans stored before capacities were kept: a post or police room held 2 (build_problem),
    # and whatever the plan itself placed at a point it evidently holds.
    placed: dict[str, int] = {}
    for a in p.assignments or []:
        placed[a["point_key"]] = placed.get(a["point_key"], 0) + 1

    def capacity(row: list[Any]) -> int:
        if len(row) > 6:
            return int(row[6])
        return max(2 if row[2] in ("post", "police_room") else 1, placed.get(row[0], 0))

    return AllocationProblem(
        tuple(DemandCell(int(d[0]), d[1], d[2], d[3]) for d in f.get("demand", [])),
        tuple(CandidatePoint(row[0], row[1], row[2], row[3], row[4], tuple(row[5]),
                             capacity=capacity(row)) for row in f.get("candidates", [])),
        tuple(UnitSpec(int(u[0]), u[1], u[2], c.get("pins", {}).get(str(u[0]))) for u in f.get("units", [])),
        local_hour=int(f.get("local_hour", 10)),
        key_sites=tuple(KeySiteRequirement(int(k[0]), k[1], k[2], k[3], k[4])
                        for k in f.get("key_site_rows", [])),
        zones=tuple(ZoneRequirement(int(z[0]), z[1]) for z in f.get("zone_rows", [])),
    )


@service_action("read")
def demand_accuracy(ctx: ServiceContext, *, weeks: int = 4, area_share: float = 0.1) -> AccuracyReport:
    """The forecast's hit rate and PAI on the last `weeks` weeks, against a last-28-days count."""
    now = ctx.clock()
    local = now.astimezone(CHINA_TZ)
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0), CHINA_TZ)
    tests = [monday - timedelta(weeks=w) for w in range(weeks, 0, -1)]
    with ctx.read() as s:
        cells = _cells(s, ctx.station_id)
        history = _history(s, ctx.station_id, tests[0] - timedelta(days=HISTORY_DAYS), monday,
                           {c.id: c.id for c in cells})
    return evaluate_forecast(history, [Cell(c.id, c.centroid_lon, c.centroid_lat, c.area_m2)
                                       for c in cells], tests, area_share=area_share)
