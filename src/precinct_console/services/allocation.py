"""Patrol allocation: propose a deployment for a shift, accept/edit/reject it (replay: plan_replay)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select

from ..domain.allocation import (
    AllocationProblem,
    AllocationResult,
    CoverageFigures,
    allocate,
    evaluate_placements,
)
from ..domain.allocation.visits import (
    TimedVisit,
    VisitPoint,
    assign_visits,
    stored_visits,
)
from ..domain.changes import Change
from ..domain.clock import CHINA_TZ
from ..domain.errors import NotFound, ValidationError
from ..domain.geo import rings_of
from ..storage.models import (
    AuditEntry,
    Grid,
    MoveUpOrder,
    PatrolPlan,
    PatrolZone,
    Shift,
    User,
)
from .allocation_problem import (
    ConstraintOptions,
    build_problem,
    constraint_options,
    demand_accuracy,
    span_label,
    stored_problem,
)
from .context import ServiceContext, service_action
from .units import orders_in_force, timed_duties

log = logging.getLogger("precinct_console.allocation")

# Candidate points' kinds as every plan view, list and sheet names them.
POINT_KIND_ZH = {"post": "警务站", "police_room": "警务室", "must_patrol": "必巡点", "zone_centre": "巡区中心"}


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
# -- proposing and deciding ------------------------------------------------------------------
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
        problem = stored_problem(p)
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
            problem = stored_problem(plan)
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
    return f"{shift_name + ' ' if shift_name else ''}{span_label(p.starts_at, p.ends_at)}"



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


__all__ = [
    "ConstraintOptions", "PatrolOrder", "PlanDrawing", "PlanInfo", "PlanPreview",
    "build_problem", "constraint_options", "decide_plan", "demand_accuracy", "edited_figures",
    "get_plan", "list_plans",
    "patrol_orders", "plan_drawing", "preview_plan", "propose_plan",
]
