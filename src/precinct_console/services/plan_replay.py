"""What-if replay of a plan (推演回放): the calls of a past period against its placement, beside the
units on standby in its hours, next to what really happened; two plans side by side, each with
or without the move-ups (补位) the unit board's cover line would have asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import select

from ..domain.allocation.move_up import Point
from ..domain.allocation.visits import VisitPoint, stored_visits
from ..domain.clock import CHINA_TZ
from ..domain.errors import NotFound, ValidationError
from ..domain.replay import ON_SCENE_MINUTES, ReplayIncident, ReplayReport, ReplayUnit, replay
from ..domain.replay_move_up import ReplayMoveUps
from ..storage.models import Incident, PatrolPlan, RosterEntry, Shift, Unit
from .allocation import PlanInfo, get_plan
from .context import ServiceContext, service_action
from .incidents.profile import profile_in


class StandbyUnit(NamedTuple):
    """A unit on standby (备勤) beside a plan: where it waits, and when, from the plan's start."""

    id: int
    call_sign: str
    lon: float
    lat: float
    spans: tuple[tuple[timedelta, timedelta], ...]


def _standby_units(s: Any, plan: PatrolPlan) -> list[StandbyUnit]:
    """Units the roster puts on standby during the plan's hours that the plan does not place:
    they took calls too, so a replay without them judges the plan against what more units did.
    Each waits where an accepted plan of its own shift puts it, else at its home base."""
    placed = {int(a["unit_id"]) for a in plan.assignments or ()}
    rows = s.execute(
        select(RosterEntry.unit_id, Shift.id, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == RosterEntry.shift_id)
        .where(Shift.station_id == plan.station_id, RosterEntry.duty == "standby",
               RosterEntry.unit_id.is_not(None), Shift.starts_at < plan.ends_at,
               Shift.ends_at > plan.starts_at)).all()
    rows = [r for r in rows if r.unit_id not in placed]
    if not rows:
        return []
    spots: dict[tuple[int, int], tuple[float, float]] = {}
    for other in s.scalars(select(PatrolPlan).where(
            PatrolPlan.shift_id.in_({r.id for r in rows}), PatrolPlan.status == "accepted")
            .order_by(PatrolPlan.decided_at)):
        for a in other.assignments or ():  # the later decision wins, as for the orders
            spots[(other.shift_id, int(a["unit_id"]))] = (float(a["lon"]), float(a["lat"]))
    units = {u.id: u for u in s.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))}
    spans: dict[int, list[tuple[timedelta, timedelta]]] = {}
    where: dict[int, tuple[float, float]] = {}
    for r in rows:
        a = max(r.starts_at, plan.starts_at) - plan.starts_at
        b = min(r.ends_at, plan.ends_at) - plan.starts_at
        spans.setdefault(r.unit_id, []).append((a, b))
        u = units[r.unit_id]
        where.setdefault(r.unit_id, spots.get((r.id, r.unit_id), (u.home_lon, u.home_lat)))
    out = []
    for uid in sorted(spans, key=lambda i: units[i].call_sign):
        merged: list[tuple[timedelta, timedelta]] = []
        for a, b in sorted(set(spans[uid])):  # two standby shifts back to back: one stretch
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        out.append(StandbyUnit(uid, units[uid].call_sign, *where[uid], tuple(merged)))
    return out


def _replay_units(plan: PatrolPlan, first: datetime, last: datetime, kinds: dict[int, str],
                  standby: Sequence[StandbyUnit] = ()) -> list[ReplayUnit]:
    """The plan's placement on duty at the plan's hours of every day of the period, and the
    standby units beside it at their hours of those days."""
    span = plan.ends_at - plan.starts_at
    offset = plan.starts_at.astimezone(CHINA_TZ)
    day = datetime.combine(first.astimezone(CHINA_TZ).date() - timedelta(days=1), offset.timetz())
    windows = []
    while day < last:
        windows.append((day, day + span))
        day += timedelta(days=1) if span <= timedelta(days=1) else span
    duties = _duty_stretches(plan)
    out = []
    for a in plan.assignments:
        uid = int(a["unit_id"])
        stays: list[Stay] = []
        for s, e in windows:
            for w in _with_duties(s, e, float(a["lon"]), float(a["lat"]), duties.get(uid, [])):
                if w.start == w.end and stays and stays[-1].end == w.start:
                    continue  # on duty round the clock: it left its point in time, as mid-shift
                stays.append(w)
        # A unit is at a timed duty's point when it begins, so it sets out from its own in time;
        # on a patrol line's duty it drives the route.
        out.append(ReplayUnit(uid, a["call_sign"], kinds.get(uid, "car"),
                              tuple((w.start, w.end, w.lon, w.lat) for w in stays),
                              frozenset(w.start for w in stays if w.duty),
                              tuple((w.start, w.route) for w in stays if w.route)))
    for u in standby:
        out.append(ReplayUnit(u.id, u.call_sign, kinds.get(u.id, "car"),
                              tuple((s + a, s + b, u.lon, u.lat) for s, _e in windows for a, b in u.spans)))
    return out


class Stretch(NamedTuple):
    """A timed duty within the plan's shift, as offsets from the plan's start."""

    start: timedelta
    end: timedelta
    lon: float  # where the unit meets the duty
    lat: float
    route: tuple[tuple[float, float], ...] = ()  # a patrol line's route


class Stay(NamedTuple):
    """Where a unit is while free from start to end: its point, or a timed duty's."""

    start: datetime
    end: datetime
    lon: float
    lat: float
    duty: bool = False
    route: tuple[tuple[float, float], ...] = ()


def _duty_stretches(plan: PatrolPlan) -> dict[int, list[Stretch]]:
    """Each unit's timed duties as stretches of its shift spent at the must-patrol point; one
    the unit is already due elsewhere for (a clash) is left out: it cannot stand at both."""
    figures = plan.figures or {}
    points = {str(r[0]): VisitPoint.from_row(r) for r in figures.get("visit_points") or ()}
    out: dict[int, list[Stretch]] = {}
    for v in stored_visits(figures, plan.assignments or ()):
        point = points.get(v.point_key)
        if point is None or v.clash:
            continue
        mine = out.setdefault(v.unit_id, [])
        for a, b in point.spans:
            start, end = a - plan.starts_at, b - plan.starts_at
            if all(end <= d.start or d.end <= start for d in mine):
                mine.append(Stretch(start, end, v.lon, v.lat, point.route))
    return {uid: sorted(stretches) for uid, stretches in out.items()}


def _with_duties(start: datetime, end: datetime, lon: float, lat: float, duties: list[Stretch]
                 ) -> list[Stay]:
    """One day's shift of a unit: at its point, but at each timed duty's point while it lasts
    (the replay then sends it from the school gate at 08:10, not from its post)."""
    out: list[Stay] = []
    at = start
    for d in duties:
        a_t, b_t = max(start + d.start, at), min(start + d.end, end)
        if b_t <= a_t:
            continue
        if a_t > at or not out:
            # A duty that begins with the shift: the unit still comes from its point (a stay
            # of no length), and is late at the gate by the drive.
            out.append(Stay(at, a_t, lon, lat))
        out.append(Stay(a_t, b_t, d.lon, d.lat, True, d.route))
        at = b_t
    if at < end:
        out.append(Stay(at, end, lon, lat))
    return out


def _in_plan_hours(plan: PatrolPlan, at: datetime) -> bool:
    """Is this moment inside the plan's daily window (a plan for 16:00-24:00 covers evenings)?"""
    span = plan.ends_at - plan.starts_at
    if span >= timedelta(days=1):
        return True
    start = plan.starts_at.astimezone(CHINA_TZ)
    t = at.astimezone(CHINA_TZ)
    since = (t - t.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)) % timedelta(days=1)
    return since < span


def _on_scene_minutes(rows: list[Any]) -> dict[str, float]:
    """The station's own median time on scene by top-level category (arrival to handled)."""
    spans: dict[str, list[float]] = {}
    for r in rows:
        if r.arrived_at and r.handled_at and r.handled_at > r.arrived_at:
            spans.setdefault(r.category_code[:2], []).append(
                (r.handled_at - r.arrived_at).total_seconds() / 60)
    out = dict(ON_SCENE_MINUTES)
    for code, values in spans.items():
        if len(values) >= 5:  # a handful of cases before trusting the station's own figure
            values.sort()
            out[code] = values[len(values) // 2]
    return out


def _move_ups(plan: PatrolPlan) -> ReplayMoveUps:
    """The cover line's inputs for the plan: its expected demand, its points, its units."""
    f = plan.figures or {}
    return ReplayMoveUps(
        np.array([[d[1], d[2], d[3]] for d in f.get("demand", [])], float).reshape(-1, 3),
        tuple(Point(str(c[0]), str(c[1]), float(c[3]), float(c[4])) for c in f.get("candidates", [])),
        {int(a["unit_id"]): str(a["point_key"]) for a in plan.assignments or ()},
        frozenset(int(a["unit_id"]) for a in plan.assignments or () if a.get("pinned")))


@service_action("read")
def replay_plan(ctx: ServiceContext, plan_id: int, first: datetime, last: datetime, *,
                move_ups: bool = False) -> ReplayReport:
    """Replay the calls of [first, last) that fell in the plan's hours against the plan, next to
    what really happened, both judged by the station's response profile; time on scene is the
    station's own median by category. With move_ups, the plan's free units are moved up as the
    unit board's cover line would have asked each time one of them went out or came free."""
    return _replayed(ctx, plan_id, first, last, move_ups)[0]


def _replayed(ctx: ServiceContext, plan_id: int, first: datetime, last: datetime,
              move_ups: bool = False) -> tuple[ReplayReport, tuple[str, ...]]:
    """The replay, and the call signs of the standby units it counted beside the plan."""
    if last <= first:
        raise ValidationError("the period ends before it starts", field="last")
    if last - first > timedelta(days=366):
        raise ValidationError("replay at most a year at a time", field="last")
    with ctx.read() as s:
        p = s.get(PatrolPlan, plan_id)
        if p is None or p.station_id != ctx.station_id:
            raise NotFound(f"plan {plan_id} does not exist")
        kinds = dict(s.execute(select(Unit.id, Unit.kind).where(Unit.station_id == ctx.station_id)).all())
        response_profile = profile_in(s, ctx.station_id)
        rows = s.execute(select(
            Incident.id, Incident.received_at, Incident.lon, Incident.lat, Incident.category_code,
            Incident.priority, Incident.needs_reinforcement, Incident.place_tier,
            Incident.dispatched_at, Incident.set_off_at, Incident.arrived_at,
            Incident.reinforcement_arrived_at, Incident.handled_at).where(
            Incident.station_id == ctx.station_id, Incident.received_at >= first,
            Incident.received_at < last, Incident.lon.is_not(None))).all()
        standby = _standby_units(s, p)
        units = _replay_units(p, first, last, kinds, standby)
        rows = [r for r in rows if _in_plan_hours(p, r.received_at)]
        policy = _move_ups(p) if move_ups else None
    incidents = [ReplayIncident(
        r.id, r.received_at, r.lon, r.lat, r.category_code, r.priority, r.needs_reinforcement,
        actual_arrival_s=_since(r.received_at, r.arrived_at),
        actual_set_off_s=_since(r.received_at, r.set_off_at),
        actual_reinforcement_s=_since(r.received_at, r.reinforcement_arrived_at),
        actual_dispatch_s=_since(r.received_at, r.dispatched_at),
        actual_handled_s=_since(r.received_at, r.handled_at),
        place_tier=r.place_tier or "other") for r in rows]
    # Both sides are judged by the station's own response profile, as its ledgers are.
    return (replay(incidents, units, on_scene_minutes=_on_scene_minutes(rows),
                   response_profile=response_profile, now=ctx.clock(), move_ups=policy),
            tuple(u.call_sign for u in standby))


def _since(received: datetime, step: datetime | None) -> float | None:
    return None if step is None else (step - received).total_seconds()


@dataclass(frozen=True)
class PlanComparison:
    a: PlanInfo
    b: PlanInfo
    replay_a: ReplayReport
    replay_b: ReplayReport
    # Call signs of the standby units replayed beside each plan (see _standby_units).
    standby_a: tuple[str, ...] = ()
    standby_b: tuple[str, ...] = ()


@service_action("read")
def compare_plans(ctx: ServiceContext, plan_a: int, plan_b: int, first: datetime, last: datetime,
                  *, move_ups_a: bool = False, move_ups_b: bool = False) -> PlanComparison:
    """Two plans replayed over the same calls, each with or without move-ups: the same plan
    twice, once with them, shows what moving units up would have bought."""
    (replay_a, standby_a), (replay_b, standby_b) = (_replayed(ctx, plan_a, first, last, move_ups_a),
                                                    _replayed(ctx, plan_b, first, last, move_ups_b))
    return PlanComparison(get_plan(ctx, plan_a), get_plan(ctx, plan_b), replay_a, replay_b,
                          standby_a, standby_b)


__all__ = ["PlanComparison", "compare_plans", "replay_plan"]
