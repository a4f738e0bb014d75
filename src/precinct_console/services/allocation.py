"""Patrol allocation: propose a deployment for a shift, accept/edit/reject it (replay: plan_replay)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any, cast

import shapely
from shapely.geometry import shape
from sqlalchemy import func, select

from ..config import load_settings
from ..domain.allocation import (
    AllocationProblem,
    AllocationResult,
    CandidatePoint,
    CoverageFigures,
    DemandCell,
    KeySiteRequirement,
    UnitSpec,
    ZoneRequirement,
    allocate,
    evaluate_placements,
    reachable_key_sites,
)
from ..domain.allocation.visits import (
    STANDING_SHARE,
    TimedVisit,
    VisitPoint,
    assign_visits,
    stored_visits,
)
from ..domain.changes import Change
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
from ..domain.geo import rings_of
from ..domain.holidays import years_not_covered
from ..storage.models import (
    AuditEntry,
    Grid,
    Incident,
    KeySite,
    MoveUpOrder,
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
    User,
)
from .context import ServiceContext, service_action
from .units import orders_in_force, timed_duties

log = logging.getLogger("precinct_console.allocation")

HISTORY_DAYS = 56
# Candidate points' kinds as every plan view, list and sheet names them.
POINT_KIND_ZH = {"post": "警务站", "police_room": "警务室", "must_patrol": "必巡点", "zone_centre": "巡区中心"}
ON_DUTY = ("patrol", "post", "standby")


@dataclass(frozen=True)
class PlanInfo:
    id: int
    shift_id: int | None
    shift_name: str
    starts_at: datetime
    ends_at: datetime
    status: str  # proposed | accepted | rejected | superseded
    created_at: datetime
    figures: dict[str, Any]
    assignments: tuple[dict[str, Any], ...]
    constraints: dict[str, Any]
    decided_by: str
    decided_at: datetime | None
    note: str
    version: int
    notes: tuple[str, ...] = ()
    change: Change = field(default_factory=Change, compare=False)
    proposed_by: str = ""  # user name and seat of the proposal (from the audit log)
    proposed_on: str = ""
    # Units of this accepted plan that a later accepted plan of another shift took over where the
    # two overlap: unit id -> that plan's id (the rest of this plan stays in force).
    taken_over: dict[int, int] = field(default_factory=dict, compare=False)
    # The shift's timed duties, each with the unit the plan (as edited) puts nearest; none in a
    # plan list (list_plans).
    visits: tuple[TimedVisit, ...] = ()
    # Move-up orders (补位) the duty officers gave on this plan, sending back not counted: how
    # often the deployment had to be patched while it ran (list_plans only).
    move_ups: int = 0
    # The deciding chief's name as people know him (叶芳), where decided_by keeps his login.
    decided_by_name: str = ""

    @property
    def once_share(self) -> float:
        return float(self.figures.get("once_share", 0.0))

    @property
    def twice_share(self) -> float:
        return float(self.figures.get("twice_share", 0.0))


@dataclass(frozen=True)
class PatrolOrder:
    """Where a unit should be during the accepted plan: what the map and unit board show."""

    plan_id: int
    unit_id: int
    call_sign: str
    point_key: str
    point_name: str
    lon: float
    lat: float
    starts_at: datetime
    ends_at: datetime
    duties: str = ""  # its timed duties on that plan, "16:00-18:00 城关实验小学护学岗（晚）"
    moved_from: str = ""  # the plan's own point, where a move-up order (补位) sent it here


@dataclass(frozen=True)
class Unproven:
    """A proposal the solver did not prove the best in its time: how far from the best it may be."""

    shift: str
    gap: float  # relative; NaN when no bound was proven


def unproven(plans: list[PlanInfo]) -> list[Unproven]:
    """The proposals the solver did not prove optimal: those with no bound first, then by gap."""
    out = []
    for p in plans:
        figures = p.figures or {}
        if figures.get("method") == "milp" and figures.get("status") != "optimal":
            gap = figures.get("gap")
            # A plan with no shift (no roster yet) is named by its start alone: no English word.
            name = f"{p.shift_name} {p.starts_at.astimezone(CHINA_TZ):%m-%d %H:%M}".strip()
            out.append(Unproven(name, float(gap) if gap is not None else math.nan))
    return sorted(out, key=lambda u: -u.gap if u.gap == u.gap else -math.inf)


def _info(p: PatrolPlan, shift_name: str = "", notes: tuple[str, ...] = (),
          change: Change | None = None, proposer: tuple[str, str] = ("", ""),
          taken_over: dict[int, int] | None = None, with_visits: bool = True) -> PlanInfo:
    figures = p.figures or {}
    public = {k: v for k, v in figures.items()
              if k not in ("demand", "candidates", "units", "visit_points")}
    return PlanInfo(p.id, p.shift_id, shift_name, p.starts_at, p.ends_at, p.status, p.created_at,
                    public, tuple(p.assignments or ()), dict(p.constraints or {}), p.decided_by,
                    p.decided_at, p.note, p.version, notes, change or Change(),
                    proposer[0], proposer[1], dict(taken_over or {}),
                    tuple(stored_visits(figures, p.assignments or ())) if with_visits else ())


def _proposers(s: Any, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Plan id -> (user name, seat) that proposed it, from the audit log written with it."""
    if not ids:
        return {}
    rows = s.execute(select(AuditEntry.entity_id, AuditEntry.username, AuditEntry.workstation).where(
        AuditEntry.entity == "patrol_plan", AuditEntry.action == "plan.propose",
        AuditEntry.entity_id.in_(ids))).all()
    return {int(r.entity_id): (r.username, r.workstation) for r in rows}


def _display_names(s: Any, usernames: set[str | None]) -> dict[str, str]:
    """Login -> the name people know its holder by, for the logins given."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return {str(u): str(n) for u, n in s.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))) if n}


def _unit_ids(p: PatrolPlan) -> set[int]:
    return {int(a["unit_id"]) for a in p.assignments or ()}


def _accepted_overlapping(s: Any, p: PatrolPlan) -> list[PatrolPlan]:
    return list(s.scalars(select(PatrolPlan).where(
        PatrolPlan.station_id == p.station_id, PatrolPlan.status == "accepted",
        PatrolPlan.starts_at < p.ends_at, PatrolPlan.ends_at > p.starts_at,
        PatrolPlan.id != p.id)))


def _taken_over(s: Any, p: PatrolPlan) -> dict[int, int]:
    """Units of an accepted plan that later accepted plans of other shifts place too."""
    if p.status != "accepted" or p.decided_at is None:
        return {}
    mine = _unit_ids(p)
    out: dict[int, int] = {}
    later = [o for o in _accepted_overlapping(s, p) if o.decided_at is not None
             and (o.decided_at, o.id) > (p.decided_at, p.id)]
    for o in sorted(later, key=lambda o: (o.decided_at, o.id)):
        for uid in _unit_ids(o) & mine:
            out[uid] = o.id  # the latest decision wins
    return out


# -- building the problem --------------------------------------------------------------------
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
            f"no unit is crewed on shift {shift.name} ({_span(shift.starts_at, shift.ends_at)}): "
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


# -- proposing and deciding ------------------------------------------------------------------
def _stored_problem(p: PatrolPlan) -> AllocationProblem:
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


def _figures(result: AllocationResult, problem: AllocationProblem, visits: list[VisitPoint]
             ) -> dict[str, Any]:
    data = result.as_json()
    figs: dict[str, Any] = dict(cast(dict[str, Any], data["figures"]))
    figs.update({k: data[k] for k in ("method", "status", "gap", "bound", "solve_seconds",
                                      "demand_rows", "merged_rows")})
    figs["local_hour"] = problem.local_hour
    # Enough to rescore an edited plan and to draw it, without recomputing the forecast.
    figs["demand"] = [[d.id, d.lon, d.lat, round(d.weight, 6)] for d in problem.demand if d.weight > 0]
    figs["candidates"] = [[c.key, c.name, c.kind, c.lon, c.lat, list(c.zones), c.capacity]
                          for c in problem.candidates]
    figs["units"] = [[u.id, u.call_sign, u.kind] for u in problem.units]
    figs["key_site_rows"] = [[k.id, k.name, k.lon, k.lat, k.seconds] for k in problem.key_sites]
    figs["zone_rows"] = [[z.zone_id, z.name] for z in problem.zones]
    figs["visit_points"] = [v.as_row() for v in visits]
    return figs


@service_action("plan.propose")
def propose_plan(
    ctx: ServiceContext, *, shift_id: int | None = None, starts_at: datetime | None = None,
    constraints: Mapping[str, Any] | None = None, method: str = "milp", time_limit: float = 10.0,
    on_progress: Callable[[float, float, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PlanInfo:
    """Run the optimiser for a shift and store the result as a proposed plan."""
    problem, shift, start, end, notes, visits = build_problem(
        ctx, shift_id=shift_id, starts_at=starts_at, constraints=constraints)
    result = allocate(problem, method=method, time_limit=time_limit,
                      on_progress=on_progress, should_stop=should_stop)
    # Kept with the plan: a proposal the morning re-plan made is read by the chief at another
    # seat, who must see what it noted (a unit left out, no history to forecast from).
    figures = {**_figures(result, problem, visits), "notes": [*notes, *result.notes]}
    with ctx.uow() as uow:
        plan = uow.add("plan.propose", "patrol_plan", PatrolPlan(
            station_id=ctx.station_id, shift_id=shift.id if shift else None, starts_at=start,
            ends_at=end, status="proposed", created_at=uow.now,
            figures=figures,
            assignments=[_assignment(p) for p in result.placements],
            constraints={"pins": {str(k): v for k, v in
                                  ((u.id, u.pinned_to) for u in problem.units) if v},
                         "zones": [z.zone_id for z in problem.zones],
                         "key_sites": [k.id for k in problem.key_sites]},
        ))
        change = uow.commit()
        return _info(plan, shift.name if shift else "", tuple(notes) + result.notes, change,
                     proposer=(ctx.actor.username, ctx.actor.workstation))


@dataclass(frozen=True)
class PlanPreview:
    """A plan computed but not stored (the command line without a signed-in user)."""

    shift_id: int | None
    shift_name: str
    starts_at: datetime
    ends_at: datetime
    result: AllocationResult
    notes: tuple[str, ...]
    visits: tuple[TimedVisit, ...] = ()


@service_action("read")
def preview_plan(
    ctx: ServiceContext, *, shift_id: int | None = None, starts_at: datetime | None = None,
    constraints: Mapping[str, Any] | None = None, method: str = "milp", time_limit: float = 10.0,
) -> PlanPreview:
    problem, shift, start, end, notes, visit_points = build_problem(
        ctx, shift_id=shift_id, starts_at=starts_at, constraints=constraints)
    result = allocate(problem, method=method, time_limit=time_limit)
    visits = assign_visits(visit_points, [_assignment(p) for p in result.placements],
                           {u.id: u.kind for u in problem.units}, problem.local_hour)
    return PlanPreview(shift.id if shift else None, shift.name if shift else "", start, end,
                       result, tuple(notes) + result.notes, tuple(visits))


@service_action("read")
def edited_figures(ctx: ServiceContext, plan_id: int, edits: Mapping[int, str]) -> CoverageFigures:
    """The coverage a proposal would have with the chief's edits (unit id -> point key), as
    accepting it would store them: he sees what a move costs before he decides. A point that
    cannot hold the units put there is named as accepting would name it."""
    with ctx.read() as s:
        p = s.get(PatrolPlan, plan_id)
        if p is None or p.station_id != ctx.station_id:
            raise NotFound(f"plan {plan_id} does not exist")
        problem = _stored_problem(p)
        current = {int(a["unit_id"]): str(a["point_key"]) for a in p.assignments or ()}
    current.update({int(k): v for k, v in edits.items() if int(k) in current})
    return evaluate_placements(problem, current)


def _assignment(p: Any) -> dict[str, Any]:
    return {"unit_id": p.unit_id, "call_sign": p.call_sign, "point_key": p.candidate_key,
            "point_name": p.candidate_name, "lon": p.lon, "lat": p.lat, "pinned": p.pinned}


_DECIDE_LOCK = 0x504C414E  # "PLAN"


@service_action("plan.decide")
def decide_plan(ctx: ServiceContext, plan_id: int, version: int, decision: str, *,
                assignments: Mapping[int, str] | None = None, note: str = "") -> PlanInfo:
    """Accept (optionally with the chief's edits) or reject a proposal.

    Accepting makes it the shift's patrol orders. An accepted plan of the same shift (for plans
    without a shift: of the same window) is superseded. An accepted plan of another shift whose
    hours overlap stays in force: only the units both plans place follow the newer plan where
    the two overlap, and it is superseded only when this plan takes over every one of its units.
    Each plan touched is named in the notes, and every unit whose orders change is announced so
    the map and unit board redraw.
    """
    if decision not in ("accept", "reject"):
        raise ValidationError(f"'{decision}' is not accept or reject", field="decision")
    with ctx.uow() as uow:
        # Two chiefs accepting two proposals for one shift at the same moment take turns: each
        # would otherwise find no plan in force and both would stand as the shift's orders.
        uow.lock_station(_DECIDE_LOCK, ctx.station_id)
        plan = uow.get(PatrolPlan, plan_id, expected_version=version)
        if plan.status != "proposed":
            raise ValidationError(f"plan {plan_id} is already {plan.status}", field="status")
        if decision == "reject":
            uow.update("plan.reject", "patrol_plan", plan, status="rejected",
                       decided_by=ctx.actor.username, decided_at=uow.now, note=note)
            change = uow.commit()
            return _info(plan, change=change)
        values: dict[str, Any] = {"status": "accepted", "decided_by": ctx.actor.username,
                                  "decided_at": uow.now, "note": note}
        if assignments:
            problem = _stored_problem(plan)
            current = {int(a["unit_id"]): a["point_key"] for a in plan.assignments}
            unknown = set(assignments) - set(current)
            if unknown:
                raise ValidationError(f"unit {sorted(unknown)[0]} is not in this plan", field="unit")
            current.update({int(k): v for k, v in assignments.items()})
            figures = evaluate_placements(problem, current)  # names a bad point, writes nothing
            cands = {c.key: c for c in problem.candidates}
            units = {u.id: u for u in problem.units}
            values["assignments"] = [
                {"unit_id": uid, "call_sign": units[uid].call_sign, "point_key": key,
                 "point_name": cands[key].name, "lon": cands[key].lon, "lat": cands[key].lat,
                 "pinned": units[uid].pinned_to == key}
                for uid, key in sorted(current.items(), key=lambda kv: units[kv[0]].call_sign)
            ]
            new_figs = dict(plan.figures)
            new_figs.update({
                "covered_once": figures.covered_once, "covered_twice": figures.covered_twice,
                "once_share": round(figures.once_share, 4),
                "twice_share": round(figures.twice_share, 4),
                "objective": figures.objective, "edited": True,
                "key_sites_met": figures.key_sites_met, "zones_met": figures.zones_met,
            })
            values["figures"] = new_figs
        mine = _unit_ids(plan)
        notes: list[str] = []
        touched: set[int] = set(mine)
        others = sorted(_accepted_overlapping(uow.session, plan), key=lambda o: o.id)
        shift_names = dict(uow.session.execute(select(Shift.id, Shift.name).where(
            Shift.id.in_({o.shift_id for o in others if o.shift_id}))).all()) if others else {}
        for other in others:
            label = _plan_label(other, shift_names.get(other.shift_id or 0, ""))
            if _same_duty(plan, other):
                uow.update("plan.supersede", "patrol_plan", other, status="superseded")
                touched |= _unit_ids(other)
                notes.append(f"plan {other.id} ({label}) for the same shift was superseded")
                continue
            shared = _unit_ids(other) & mine
            if not shared:
                continue  # another shift's plan placing other units: both stay in force
            signs = ", ".join(sorted(str(a["call_sign"]) for a in other.assignments
                                     if int(a["unit_id"]) in shared))
            if shared == _unit_ids(other):
                uow.update("plan.supersede", "patrol_plan", other, status="superseded")
                notes.append(f"plan {other.id} ({label}) was superseded: this plan places all "
                             f"of its units ({signs})")
            else:
                notes.append(f"plan {other.id} ({label}) stays in force; {signs} follow this "
                             "plan where the two overlap")
        uow.update("plan.accept", "patrol_plan", plan, **values)
        for uid in sorted(touched):
            uow.changed("unit", uid, "orders")  # the unit board and map show the new orders
        change = uow.commit()
        return _info(plan, notes=tuple(notes), change=change)


# The change-feed entity of one whole morning re-plan, announced when its last proposal is made.
REPLAN_RAN = "replan"


@service_action("plan.propose")
def announce_replan(ctx: ServiceContext) -> None:
    """Say on the change feed that a re-plan has made all its proposals: the chief's seat then
    tells of them once, not once a shift as each proposal comes in."""
    with ctx.uow() as uow:
        uow.changed(REPLAN_RAN, None, "ran")
        uow.commit()


@service_action("plan.propose")
def supersede_undecided_proposals(ctx: ServiceContext, newer: PlanInfo) -> list[int]:
    """Mark this proposer's earlier undecided proposals for the same duty superseded by `newer`.

    Only proposals the same account made (the morning re-plan's own): a proposal a chief or
    duty officer made by hand, with constraints of their own, waits for its decision.
    """
    with ctx.uow() as uow:
        plan = uow.get(PatrolPlan, newer.id)
        own = select(AuditEntry.entity_id).where(
            AuditEntry.entity == "patrol_plan", AuditEntry.action == "plan.propose",
            AuditEntry.username == ctx.actor.username)
        stale = [p for p in uow.session.scalars(
            select(PatrolPlan).where(PatrolPlan.station_id == plan.station_id,
                                     PatrolPlan.status == "proposed", PatrolPlan.id != plan.id,
                                     PatrolPlan.id.in_(own)).order_by(PatrolPlan.id))
            if _same_duty(plan, p)]
        for p in stale:
            uow.update("plan.supersede", "patrol_plan", p, status="superseded")
        uow.commit()
        return [p.id for p in stale]


def _same_duty(a: PatrolPlan, b: PatrolPlan) -> bool:
    """Plans for the same shift (or, without a shift, for the same window) replace each other."""
    if a.shift_id is not None or b.shift_id is not None:
        return a.shift_id == b.shift_id
    return (a.starts_at, a.ends_at) == (b.starts_at, b.ends_at)


def _plan_label(p: PatrolPlan, shift_name: str) -> str:
    return f"{shift_name + ' ' if shift_name else ''}{_span(p.starts_at, p.ends_at)}"


def _span(starts_at: datetime, ends_at: datetime) -> str:
    """12-05 08:30–16:30; a night shift 12-05 16:30–00:30; a whole day of duty with its end
    date, 12-05 08:30–12-06 08:30 (not "08:30–08:30", which reads as no time at all)."""
    start, end = starts_at.astimezone(CHINA_TZ), ends_at.astimezone(CHINA_TZ)
    if end - start >= timedelta(hours=24):
        return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


# -- reading ---------------------------------------------------------------------------------
@service_action("read")
def get_plan(ctx: ServiceContext, plan_id: int) -> PlanInfo:
    with ctx.read() as s:
        p = s.get(PatrolPlan, plan_id)
        if p is None or p.station_id != ctx.station_id:
            raise NotFound(f"plan {plan_id} does not exist")
        shift = s.get(Shift, p.shift_id) if p.shift_id else None
        return replace(_info(p, shift.name if shift else "", proposer=_proposers(s, {p.id}).get(p.id, ("", "")),
                             taken_over=_taken_over(s, p)),
                       decided_by_name=_display_names(s, {p.decided_by}).get(p.decided_by, ""))


@service_action("read")
def list_plans(ctx: ServiceContext, *, limit: int = 50) -> list[PlanInfo]:
    with ctx.read() as s:
        rows = list(s.scalars(select(PatrolPlan).where(PatrolPlan.station_id == ctx.station_id)
                              .order_by(PatrolPlan.created_at.desc(), PatrolPlan.id.desc())
                              .limit(limit)))
        ids = {p.shift_id for p in rows if p.shift_id}
        names = dict(s.execute(select(Shift.id, Shift.name).where(Shift.id.in_(ids))).all()) if ids else {}
        who = _proposers(s, {p.id for p in rows})
        moves: dict[int, int] = {plan_id: n for plan_id, n in s.execute(
            select(MoveUpOrder.plan_id, func.count()).where(
                MoveUpOrder.plan_id.in_([p.id for p in rows]), MoveUpOrder.back.is_(False))
            .group_by(MoveUpOrder.plan_id))} if rows else {}
        # The list shows no duties: they are worked out for the plan opened (get_plan), not for
        # fifty plans at every reload.
        deciders = _display_names(s, {p.decided_by for p in rows})
        return [replace(_info(p, names.get(p.shift_id or 0, ""), proposer=who.get(p.id, ("", "")),
                              with_visits=False), move_ups=moves.get(p.id, 0),
                        decided_by_name=deciders.get(p.decided_by or "", ""))
                for p in rows]


@dataclass(frozen=True)
class PlanDrawing:
    """What a map needs to draw a plan: demand dots, candidate points and the placements."""

    demand: tuple[tuple[float, float, float], ...]  # lon, lat, expected incidents
    candidates: tuple[tuple[str, str, str, float, float], ...]  # key, name, kind, lon, lat
    assignments: tuple[dict[str, Any], ...]
    local_hour: int
    unit_kinds: dict[int, str] = field(default_factory=dict)  # for each unit's reach rings
    # Timed duties: lon, lat of the must-patrol point, the unit going there, a clash
    duties: tuple[tuple[float, float, int, bool], ...] = ()
    # The must-patrol points open for part of the shift, as stored (VisitPoint.as_row): the
    # duties fall anew when the chief edits the placement (edited_duties).
    visit_points: tuple[Any, ...] = ()
    # The station's police districts and patrol zones as they are now, under the plan: where a
    # unit stands reads against the jurisdiction the chief knows.
    outlines: tuple[Outline, ...] = ()


@dataclass(frozen=True)
class Outline:
    """A police district (警务区) or patrol zone (巡区) drawn under a plan, in lon/lat."""

    kind: str  # district | zone
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    label: tuple[float, float]  # lon, lat where its name goes


def _outlines(s: Any, station_id: int) -> tuple[Outline, ...]:
    """Level-1 grids and top-level patrol zones (their sections would crowd a small map)."""
    districts = s.execute(select(Grid.name, Grid.geometry, Grid.centroid_lon, Grid.centroid_lat)
                          .where(Grid.station_id == station_id, Grid.level == 1)
                          .order_by(Grid.code)).all()
    zones = s.execute(select(PatrolZone.name, PatrolZone.geometry, PatrolZone.centroid_lon,
                             PatrolZone.centroid_lat)
                      .where(PatrolZone.station_id == station_id, PatrolZone.kind == "patrol",
                             PatrolZone.parent_id.is_(None))
                      .order_by(PatrolZone.code)).all()
    return tuple(
        Outline(kind, name, tuple(tuple((float(p[0]), float(p[1])) for p in ring)
                                  for ring in rings_of(geometry)), (float(lon), float(lat)))
        for kind, rows in (("district", districts), ("zone", zones))
        for name, geometry, lon, lat in rows)


@service_action("read")
def plan_drawing(ctx: ServiceContext, plan_id: int) -> PlanDrawing:
    with ctx.read() as s:
        p = s.get(PatrolPlan, plan_id)
        if p is None or p.station_id != ctx.station_id:
            raise NotFound(f"plan {plan_id} does not exist")
        f = p.figures or {}
        return PlanDrawing(
            tuple((d[1], d[2], d[3]) for d in f.get("demand", [])),
            tuple((c[0], c[1], c[2], c[3], c[4]) for c in f.get("candidates", [])),
            tuple(p.assignments or ()), int(f.get("local_hour", 10)),
            {int(u[0]): str(u[2]) for u in f.get("units", [])},
            _duty_marks(stored_visits(f, p.assignments or ())), tuple(f.get("visit_points") or ()),
            _outlines(s, ctx.station_id))


def _duty_marks(visits: list[TimedVisit]) -> tuple[tuple[float, float, int, bool], ...]:
    """Where each duty is met (a line's nearest point to its unit), by whom, and whether a clash."""
    return tuple((v.lon, v.lat, v.unit_id, v.clash) for v in visits)


def edited_duties(plan: PlanInfo, drawing: PlanDrawing, edits: Mapping[int, str]
                  ) -> tuple[list[TimedVisit], PlanDrawing]:
    """The timed duties as they would fall with the chief's edits in the table (unit id ->
    point key), before he accepts: the unit nearest the school gate may now be another. No
    database: the plan and its drawing hold all it needs."""
    where = {c[0]: (c[1], c[3], c[4]) for c in drawing.candidates}
    assignments = []
    for a in plan.assignments:
        key = edits.get(int(a["unit_id"]), a["point_key"])
        name, lon, lat = where.get(key, (a["point_name"], a["lon"], a["lat"]))
        assignments.append({**a, "point_key": key, "point_name": name, "lon": lon, "lat": lat})
    figures = {"visit_points": drawing.visit_points, "local_hour": drawing.local_hour,
               "units": [[uid, "", kind] for uid, kind in drawing.unit_kinds.items()]}
    visits = stored_visits(figures, assignments)
    return visits, replace(drawing, duties=_duty_marks(visits))


@service_action("read")
def patrol_orders(ctx: ServiceContext, at: datetime | None = None) -> list[PatrolOrder]:
    """The orders in force at `at` (now by default), one per unit: every accepted plan whose
    hours hold `at` counts (the patrol shift's and a standby shift's side by side); where two
    place the same unit, the later decision wins (units.orders_in_force)."""
    at = at or ctx.clock()
    with ctx.read() as s:
        in_force = orders_in_force(s, ctx.station_id, at)
        duties = timed_duties(in_force)
        orders = [PatrolOrder(p.id, uid, a["call_sign"], a["point_key"], a["point_name"], a["lon"],
                              a["lat"], p.starts_at, p.ends_at, duties.get(uid, ""),
                              str(a.get("moved_from", "")))
                  for uid, (p, a) in in_force.items()]
        return sorted(orders, key=lambda o: (o.call_sign, o.unit_id))


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


__all__ = [
    "ConstraintOptions", "PatrolOrder", "PlanDrawing", "PlanInfo", "PlanPreview",
    "build_problem", "constraint_options", "decide_plan", "demand_accuracy", "edited_figures",
    "get_plan", "list_plans",
    "patrol_orders", "plan_drawing", "preview_plan", "propose_plan",
]
