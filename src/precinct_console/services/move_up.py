"""Cover now and move-up (补位): the accepted plan's cover with its units as they are, and which
free unit to send where when some are out on calls (警力跟着警情走, between two plans)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select

from ..domain.allocation.move_up import (
    CoverNow,
    MoveOption,
    PlanUnit,
    Point,
    cover_now,
    move_options,
)
from ..domain.changes import Change
from ..domain.clock import CHINA_TZ, local
from ..domain.errors import ConflictError, ValidationError
from ..storage.models import MoveUpOrder, Unit
from .context import ServiceContext, service_action
from .units import (
    UNIT_STATES,
    UnitRow,
    duties_by_unit,
    duty_spot,
    list_units,
    orders_in_force,
    set_out_from,
)

FREE = ("available", "returning")  # a returning crew can be sent on as it drives back


@service_action("read")
def plan_cover_now(ctx: ServiceContext, rows: Sequence[UnitRow] | None = None) -> CoverNow | None:
    """The cover of the plan in force now (None without one), from the unit board's rows when
    the board has them. A free unit stands where it last reported during the plan's hours, else
    at its plan point; a unit the chief pinned to its point, or on a timed duty under way, is
    counted where it is but not moved."""
    inputs = _cover_inputs(ctx, rows)
    if inputs is None:
        return None
    plan_id, demand, points, units, hour, _states = inputs
    return replace(cover_now(demand, points, units, hour), plan_id=plan_id)


@dataclass(frozen=True)
class MoveChoices:
    """The duty officer's own choice of move-up for one unit: every plan point, best cover first."""

    unit_id: int
    call_sign: str
    plan_id: int  # the plan the choices are on, and the point the unit is ordered to now: the
    order_key: str  # order is refused if either has changed since
    movable: bool  # free, not pinned, not on a timed duty: only going back is open otherwise
    once: float  # the 3-minute cover now
    options: tuple[MoveOption, ...]
    held: str = ""  # why it may not move: busy, pinned or duty (PlanUnit.held)
    state: str = ""  # its state as the board names it (已派, 到场…), for "busy"


@service_action("read")
def move_up_choices(ctx: ServiceContext, unit_id: int,
                    rows: Sequence[UnitRow] | None = None) -> MoveChoices:
    """Every point of the unit's plan in force, with the cover it would give there (none if the
    plan lists no points or expects no calls)."""
    inputs = _cover_inputs(ctx, rows, unit_id)
    unit = next((u for u in inputs[3] if u.unit_id == unit_id), None) if inputs is not None else None
    if inputs is None or unit is None:
        raise ValidationError("this unit has no point in a patrol plan in force now", field="unit")
    plan_id, demand, points, units, hour, states = inputs
    return MoveChoices(unit_id, unit.call_sign, plan_id, unit.order_key, unit.movable,
                       cover_now(demand, points, units, hour, max_moves=0).once,
                       move_options(demand, points, units, unit_id, hour), unit.held,
                       UNIT_STATES.get(states.get(unit_id, ""), ""))


def _cover_inputs(ctx: ServiceContext, rows: Sequence[UnitRow] | None, unit_id: int | None = None
                  ) -> tuple[int, NDArray[np.float64], list[Point], list[PlanUnit], int,
                             dict[int, str]] | None:
    """The plan in force (the unit's own with unit_id, else the one placing most units), its
    expected demand, its points and its units as they are now, the hour, and each unit's
    state; None without one."""
    now = ctx.clock()
    units_now = {r.id: r for r in (rows if rows is not None else list_units(ctx))}
    with ctx.read() as s:
        in_force = orders_in_force(s, ctx.station_id, now)
        if not in_force:
            return None
        if unit_id is not None and unit_id in in_force:
            plan = in_force[unit_id][0]
        else:
            # The plan placing most units now: the patrol shift's, not a standby shift's beside it.
            placed: dict[int, int] = {}
            for p, _a in in_force.values():
                placed[p.id] = placed.get(p.id, 0) + 1
            plan = max((p for p, _a in in_force.values()), key=lambda p: (placed[p.id], p.id))
        figures = dict(plan.figures or {})
        starts = plan.starts_at
        orders = {uid: a for uid, (p, a) in in_force.items() if p.id == plan.id}
    demand = np.array([[d[1], d[2], d[3]] for d in figures.get("demand", [])], float).reshape(-1, 3)
    points = [Point(str(c[0]), str(c[1]), float(c[3]), float(c[4])) for c in figures.get("candidates", [])]
    units = []
    for uid, order in sorted(orders.items(), key=lambda kv: str(kv[1]["call_sign"])):
        r = units_now.get(uid)
        if r is None:
            continue
        free = r.status in FREE
        # Where the map draws it: its last position if reported during this plan's hours (stale
        # or not: the map and the move agree), else its plan point.
        if r.lon is not None and r.lat is not None and r.position_at is not None \
                and r.position_at >= starts:
            lon, lat = float(r.lon), float(r.lat)
        else:
            lon, lat = float(order["lon"]), float(order["lat"])
        # Pinned to its point by the chief, or at a timed duty under way: counted, not moved.
        pinned = bool(order.get("pinned"))
        on_duty = any(d.in_force(now) for d in r.duty_list)
        why = "busy" if not free else "pinned" if pinned else "duty" if on_duty else ""
        units.append(PlanUnit(uid, r.call_sign, r.kind, lon if free else None, lat if free else None,
                              not why, str(order["point_key"]), float(order["lon"]),
                              float(order["lat"]), *_plan_point(plan, uid, order), held=why))
    states = {uid: r.status for uid, r in units_now.items()}
    return plan.id, demand, points, units, now.astimezone(CHINA_TZ).hour, states


def _plan_point(plan: Any, unit_id: int, order: dict[str, Any]) -> tuple[str, float | None, float | None]:
    """The unit's own point in the plan (key, lon, lat) where a move-up order moved it; else none."""
    if not order.get("moved_from_key"):
        return "", None, None
    own = next(a for a in plan.assignments if int(a["unit_id"]) == unit_id)
    return str(own["point_key"]), float(own["lon"]), float(own["lat"])


@dataclass(frozen=True)
class MoveUpInfo:
    """A move-up order as given: which unit goes where (or back to its own point)."""

    unit_id: int
    call_sign: str
    point_key: str
    point_name: str
    back: bool
    ordered_at: datetime
    change: Change = field(default_factory=Change, compare=False)


@service_action("unit.move_up")
def order_move_up(ctx: ServiceContext, unit_id: int, point_key: str, *,
                  seen_point_key: str | None = None, seen_plan_id: int | None = None) -> MoveUpInfo:
    """Send a unit of the plan in force to another of the plan's points (补位), or back to its
    own one, until the plan ends or another order. The map, the unit board, the cover line and
    the handover follow the new point on every seat.

    seen_plan_id and seen_point_key are the plan and the point the duty officer saw as the
    unit's order: if the chief has accepted another plan since, or another seat has moved the
    unit, the order is refused and says who did. The 3-minute cover before and after, as things
    are when it is given, is kept with the order."""
    figures = _cover_figures(ctx, unit_id, point_key)
    with ctx.uow() as uow:
        unit = uow.get(Unit, unit_id, lock=True)  # two seats ordering one unit take turns
        # An order given on another seat while this one waited for the unit counts as earlier,
        # even if this transaction began first: this order comes after it.
        latest = uow.session.scalar(select(func.max(MoveUpOrder.ordered_at)).where(
            MoveUpOrder.unit_id == unit_id))
        now = max(uow.now, latest) if latest is not None else uow.now
        in_force = orders_in_force(uow.session, ctx.station_id, now)
        if unit_id not in in_force:
            raise ValidationError(f"{unit.call_sign} has no patrol order now: no accepted plan "
                                  "in force places it", field="unit")
        plan, order = in_force[unit_id]
        if seen_plan_id is not None and plan.id != seen_plan_id:
            raise ConflictError(f"{unit.call_sign}'s patrol plan changed meanwhile: plan {plan.id}, "
                                f"accepted by {plan.decided_by} at {_hm(plan.decided_at)}, is in "
                                "force now; nothing was changed")
        own = next(a for a in plan.assignments if int(a["unit_id"]) == unit_id)
        if seen_point_key is not None and order["point_key"] != seen_point_key:
            by = order.get("order_by") or plan.decided_by
            at = order.get("order_at") or plan.decided_at
            raise ConflictError(f"{unit.call_sign} was meanwhile ordered to {order['point_name']} "
                                f"by {by} at {_hm(at)}; nothing was changed")
        points = {str(c[0]): c for c in (plan.figures or {}).get("candidates", [])}
        if point_key not in points:
            raise ValidationError(f"'{point_key}' is not one of the points of plan {plan.id}",
                                  field="point")
        name = str(points[point_key][1])
        if order["point_key"] == point_key:
            raise ValidationError(f"{unit.call_sign} is already ordered to {name}", field="point")
        back = point_key == own["point_key"]
        # Back to its own point is always allowed: a crew on a call may be told where to return.
        if not back and unit.status not in FREE:
            raise ValidationError(
                f"{unit.call_sign} is {UNIT_STATES.get(unit.status, unit.status)}: only a free unit "
                "(available or returning) can be moved up", field="unit")
        if not back and own.get("pinned"):
            raise ValidationError(f"{unit.call_sign} is pinned to {own['point_name']} by the plan",
                                  field="unit")
        # On its way as the board times it: from its live fix, or where a move-up sent it.
        where = set_out_from(unit, in_force.get(unit_id), now)
        under_way = [v for v in duties_by_unit(in_force).get(unit_id, ())
                     if duty_spot(v, where).in_force(now)]
        if not back and under_way:
            raise ValidationError(f"{unit.call_sign} is on its timed duty {under_way[0].text()}",
                                  field="unit")
        before, after = figures[1] if figures is not None and figures[0] == plan.id else (None, None)
        uow.add("unit.move_up", "move_up_order", MoveUpOrder(
            station_id=ctx.station_id, plan_id=plan.id, unit_id=unit_id, point_key=point_key,
            point_name=name, lon=float(points[point_key][3]), lat=float(points[point_key][4]),
            back=back, ordered_at=now, ordered_by=ctx.actor.username,
            cover_before=before, cover_after=after))
        uow.changed("unit", unit_id, "orders")  # the board, the map and the cover line redraw
        change = uow.commit()
        return MoveUpInfo(unit_id, unit.call_sign, point_key, name, back, now, change)


def _cover_figures(ctx: ServiceContext, unit_id: int, point_key: str
                   ) -> tuple[int, tuple[float, float]] | None:
    """(plan id, (the 3-minute cover now, the same with the unit at the point)), read before
    the order is written; None where the unit or the point is not in a plan in force."""
    inputs = _cover_inputs(ctx, None, unit_id)
    if inputs is None:
        return None
    plan_id, demand, points, units, hour, _states = inputs
    if not any(u.unit_id == unit_id for u in units):
        return None
    now = cover_now(demand, points, units, hour, max_moves=0).once
    after = next((o.once_after for o in move_options(demand, points, units, unit_id, hour)
                  if o.point.key == point_key), None)
    return None if after is None else (plan_id, (now, after))


def _hm(at: datetime | None) -> str:
    return local(at).strftime("%H:%M") if at is not None else "?"
