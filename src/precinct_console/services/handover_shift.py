"""Which shift a handover (交接班) hands over: the station's own shifts, as its roster has them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import ValidationError
from ..domain.shifts import PatternDef
from ..storage.models import RosterEntry, Shift, ShiftPattern
from .context import ServiceContext, service_action

# A report is written just after the handover: for this long after a shift ends it is still the
# shift handed over (at 08:45 the night that ended at 08:30), as the dialog has always taken it.
WRITE_UP = timedelta(hours=2)


def _desk_shift_ids(s: Session, shifts: list[Shift]) -> set[int]:
    """The shifts the command room works (值班台): its pattern's duty is the desk, or someone on
    the shift is rostered at the desk."""
    pattern_ids = {x.pattern_id for x in shifts if x.pattern_id is not None}
    desk_patterns = set()
    for p in s.scalars(select(ShiftPattern).where(ShiftPattern.id.in_(pattern_ids))):
        try:
            if PatternDef.from_dict(p.kind, p.definition).duty == "desk":
                desk_patterns.add(p.id)
        except ValidationError:
            continue  # a pattern that no longer reads: its shifts are judged by their entries
    by_entry = set(s.scalars(select(RosterEntry.shift_id).where(
        RosterEntry.shift_id.in_([x.id for x in shifts]), RosterEntry.duty == "desk")))
    return {x.id for x in shifts if x.pattern_id in desk_patterns} | by_entry


@service_action("read")
def handover_shift(ctx: ServiceContext, at: datetime) -> tuple[datetime, datetime] | None:
    """(start, end) of the shift handed over at `at`: of the station's rostered shifts begun by
    then and ended at most WRITE_UP before, the first to end, the command room's own (desk) shifts
    before any other. None when the roster has no shift there (no roster yet): the caller then
    falls back on the handover_time setting."""
    if at.tzinfo is None:
        raise ValidationError("give the time with its zone (e.g. 2026-11-21T08:30+08:00)", field="at")
    with ctx.read() as s:
        shifts = list(s.scalars(select(Shift).where(
            Shift.station_id == ctx.station_id, Shift.starts_at <= at, Shift.ends_at >= at - WRITE_UP)))
        if not shifts:
            return None
        desk = _desk_shift_ids(s, shifts)
        candidates = [x for x in shifts if x.id in desk] or shifts
        chosen = min(candidates, key=lambda x: (x.ends_at, -x.starts_at.timestamp(), x.id))
        return chosen.starts_at, chosen.ends_at
