"""Cover now and move-up (补位): the accepted plan's cover with its units as they are, and which
free unit to send where when some are out on calls (警力跟着警情走, between two plans)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..domain.allocation.move_up import CoverNow, PlanUnit, Point, cover_now
from ..domain.clock import CHINA_TZ
from .context import ServiceContext, service_action
from .units import UnitRow, list_units, orders_in_force

FREE = ("available", "returning")  # a returning crew can be sent on as it drives back


@service_action("read")
def plan_cover_now(ctx: ServiceContext, rows: Sequence[UnitRow] | None = None) -> CoverNow | None:
    """The cover of the plan in force now (None without one), from the unit board's rows when
    the board has them. A free unit stands where it last reported during the plan's hours, else
    at its plan point; a unit the chief pinned to its point, or on a timed duty under way, is
    counted where it is but not moved."""
    now = ctx.clock()
    units_now = {r.id: r for r in (rows if rows is not None else list_units(ctx))}
    with ctx.read() as s:
        in_force = orders_in_force(s, ctx.station_id, now)
        if not in_force:
            return None
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
        held = bool(order.get("pinned")) or any(d.in_force(now) for d in r.duty_list)
        units.append(PlanUnit(uid, r.call_sign, r.kind, lon if free else None, lat if free else None,
                              free and not held, str(order["point_key"]), float(order["lon"]),
                              float(order["lat"])))
    return cover_now(demand, points, units, now.astimezone(CHINA_TZ).hour)
