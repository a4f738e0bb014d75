"""Set-out alerts: a unit due to leave for a timed duty of its patrol order (定时守点) is an alert.

The unit board shows the reminder in its patrol point cell; the alert puts it where the duty
officer cannot miss it (a sound, the alert list, an acknowledgement on the record), once per
unit and duty, from SET_OUT_WARNING before the time to set out until the duty begins.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..storage.models import Alert, Unit
from .alerts import ALERT_LOCK, AlertView, record_raised
from .context import ServiceContext, service_action
from .units import duties_by_start, duty_spot, fresh_fix

SET_OUT_TARGET = "duty_set_out"


@service_action("alert.evaluate")
def raise_set_out_alerts(ctx: ServiceContext, now: datetime | None = None) -> list[AlertView]:
    """Raise a near alert for each unit whose time to set out for a timed duty has come (a few
    minutes ahead; from its live position where that is further off than its planned point),
    on the plan that will be its order when the duty begins. Idempotent across seats: returns
    only the alerts this call raised."""
    now = now or ctx.clock()
    with ctx.uow() as uow:
        s = uow.session
        uow.lock_station(ALERT_LOCK, ctx.station_id)  # the incident alerts' lock
        duties = duties_by_start(s, ctx.station_id, now)
        if not duties:
            return []
        units = {u.id: u for u in s.scalars(select(Unit).where(
            Unit.id.in_({uid for uid, _v in duties}), Unit.active.is_(True)))}
        have = {(u, d) for u, d in s.execute(select(Alert.unit_id, Alert.due_at).where(
            Alert.station_id == ctx.station_id, Alert.target == SET_OUT_TARGET,
            Alert.unit_id.in_(units)))}
        raised: list[Alert] = []
        for unit_id, v in duties:
            unit = units.get(unit_id)
            # A clash (the unit due elsewhere at that time too) is the chief's to settle first.
            if unit is None or v.clash or (unit_id, v.starts) in have:
                continue
            spot = duty_spot(v, fresh_fix(unit.kind, unit.lon, unit.lat, unit.position_at, now))
            if not spot.time_to_leave(now):
                continue
            have.add((unit_id, v.starts))
            raised.append(Alert(station_id=ctx.station_id, unit_id=unit_id, due_at=v.starts,
                                leave_by=spot.sets_out, subject=spot.text[:160],
                                target=SET_OUT_TARGET, level="near", raised_at=now))
        return record_raised(uow, raised, ctx.station_id, lambda a: {
            "unit_id": a.unit_id, "duty": a.subject,
            "due_at": a.due_at.isoformat() if a.due_at else None,
            "leave_by": a.leave_by.isoformat() if a.leave_by else None})
