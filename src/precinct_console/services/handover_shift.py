"""Which shift a handover (交接班) hands over: the station's own shifts, as its roster has them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import local
from ..domain.errors import ValidationError
from ..domain.shifts import PatternDef
from ..storage.models import RosterEntry, Shift, ShiftPattern
from .context import ServiceContext, service_action

# A report may be finished just after the handover: for this long after a shift ends it is still
# offered (at 20:45 the day shift that ended at 20:00), after the shift now running.
WRITE_UP = timedelta(hours=2)


@dataclass(frozen=True)
class ShiftChoice:
    """A shift the handover dialog offers: the one running, or one that ended within WRITE_UP
    (ended: its outgoing duty may still be writing up its report)."""
    start: datetime
    end: datetime
    ended: bool

    @property
    def span(self) -> tuple[datetime, datetime]:
        return self.start, self.end


def setting_shifts(at: datetime, handover_at: str = "08:30") -> list[ShiftChoice]:
    """The 24-hour duty shifts handing over at handover_at (the setting, for a station with no
    roster then): the one running at `at`, then the one that ended at most WRITE_UP before.

    At 08:45 with handover at 08:30: today 08:30 to tomorrow 08:30, then yesterday's that ended
    at 08:30; at 10:31 the running one only."""
    hh, mm = (int(x) for x in handover_at.split(":"))
    here = local(at)
    today = here.replace(hour=hh, minute=mm, second=0, microsecond=0)
    end = min(t for t in (today, today + timedelta(days=1)) if t > here)
    running = ShiftChoice(end - timedelta(days=1), end, ended=False)
    before = ShiftChoice(running.start - timedelta(days=1), running.start, ended=True)
    return [running, before] if before.end >= here - WRITE_UP else [running]


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
def handover_shifts(ctx: ServiceContext, at: datetime) -> list[ShiftChoice]:
    """The shifts a handover at `at` may hand over, as rostered: the one running first, then the
    one that ended at most WRITE_UP before, the command room's own (desk) shifts before any other.
    At 21:00 on a station changing at 08:00 and 20:00 that is the night shift (the incoming duty's)
    and then the day shift (the outgoing duty's write-up); at 22:01 the night shift alone. Empty
    when the roster has no shift then: the caller falls back on setting_shifts."""
    if at.tzinfo is None:
        raise ValidationError("give the time with its zone (e.g. 2026-11-21T08:30+08:00)", field="at")
    with ctx.read() as s:
        shifts = list(s.scalars(select(Shift).where(
            Shift.station_id == ctx.station_id, Shift.starts_at <= at, Shift.ends_at >= at - WRITE_UP)))
        if not shifts:
            return []
        desk = _desk_shift_ids(s, shifts)
        candidates = [x for x in shifts if x.id in desk] or shifts
        choices = []
        running = [x for x in candidates if x.ends_at > at]
        if running:
            # Overlapping shifts (a 24-hour desk duty beside day and night patrols, a roster
            # re-planned over an old one): the one begun last is the one the officer now works.
            now = max(running, key=lambda x: (x.starts_at, -x.ends_at.timestamp(), -x.id))
            choices.append(ShiftChoice(now.starts_at, now.ends_at, ended=False))
        ended = [x for x in candidates if x.ends_at <= at]
        if ended:
            last = max(ended, key=lambda x: (x.ends_at, x.starts_at, -x.id))
            choices.append(ShiftChoice(last.starts_at, last.ends_at, ended=True))
        return choices
