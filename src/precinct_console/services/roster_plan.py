"""Planning a period from a pattern in one call, as the plan dialog does, with a dry run and the
rules the new shifts break (the command line's `roster plan`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..domain.clock import CHINA_TZ
from ..domain.crews import DEFAULT_CREW_SIZE
from ..domain.errors import ValidationError
from ..domain.roster_rules import Violation
from ..storage.models import RosterEntry, ShiftPattern
from .context import ServiceContext, service_action
from .roster import PlannedShifts, _add_shifts, _pattern_row, read_roster
from .team_crews import CrewSummary


@dataclass(frozen=True)
class BrokenRule:
    """One rule broken the same way on one or more shifts: said once, with the shifts' days."""

    rule: str
    message: str  # as said of the first shift it was broken on
    shifts: int
    days: tuple[date, ...]


@dataclass(frozen=True)
class PlanOutcome:
    """What planning a period did (or, on a dry run, would do: then nothing is saved)."""

    pattern_id: int | None  # None: a new pattern on a dry run
    pattern_name: str
    planned: PlannedShifts
    entries: int  # officers put on the new shifts
    broken: tuple[BrokenRule, ...]
    saved: bool

    @property
    def crewing(self) -> CrewSummary | None:
        return self.planned.crewing


@service_action("roster.edit")
def plan_period(ctx: ServiceContext, first: date, last: date, *, pattern_id: int | None = None,
                new: dict[str, Any] | None = None, with_teams: bool = True,
                crew_units: bool = True, crew_size: int = DEFAULT_CREW_SIZE,
                dry_run: bool = False) -> PlanOutcome:
    """make_shifts (pattern_id) or add_pattern_with_shifts (new: name, kind, definition), then
    the rules the new shifts break, read in the same transaction; dry_run rolls it all back."""
    if (pattern_id is None) == (new is None):
        raise ValidationError("name one pattern: an existing one or a new one", field="pattern")
    row = _pattern_row(ctx, new["name"], new["kind"], new.get("definition")) if new else None
    with ctx.uow() as uow:
        if row is not None:
            p = uow.add("roster.pattern_add", "shift_pattern", row)
        else:
            assert pattern_id is not None  # one of the two, checked above
            p = uow.get(ShiftPattern, pattern_id)
        planned = _add_shifts(ctx, uow, p, first, last, with_teams, crew_units, crew_size)
        uow.session.flush()
        made = {x.id for x in planned}
        entries = uow.session.scalar(select(func.count(RosterEntry.id)).where(
            RosterEntry.shift_id.in_(made))) or 0 if made else 0
        broken: tuple[BrokenRule, ...] = ()
        if made:
            view = read_roster(uow.session, ctx.station_id, first, last)
            broken = grouped([v for v in view.violations if v.shift_id in made],
                             {x.id: x.starts_at.astimezone(CHINA_TZ).date() for x in planned})
        outcome = PlanOutcome(None if dry_run and row is not None else p.id, p.name, planned,
                              entries, broken, not dry_run)
        if not dry_run:
            uow.commit()
        return outcome


def grouped(violations: Sequence[Violation], day_of: dict[int, date]) -> tuple[BrokenRule, ...]:
    """Violations that differ only in their shift (a drone with no pilot, a car one short, on
    every shift of a month) as one, with how many shifts and which days; in order of first seen."""
    groups: dict[tuple[str, str], list[Violation]] = {}
    for v in violations:
        groups.setdefault((v.rule, _without_shift(v.message)), []).append(v)
    out = []
    for (rule, _text), vs in groups.items():
        days = sorted({day_of[v.shift_id] for v in vs if v.shift_id in day_of})
        out.append(BrokenRule(rule, vs[0].message, len({v.shift_id for v in vs}), tuple(days)))
    return tuple(out)


def _without_shift(message: str) -> str:
    """The message less the shift it names (its label: 白班 01-02 08:00–16:00)."""
    return _SHIFT_LABEL.sub("", message)


# roster_rules.ShiftRef.label: name, start, end (with its date when the shift runs past midnight).
_SHIFT_LABEL = re.compile(r"\S+ \d\d-\d\d \d\d:\d\d–(?:\d\d-\d\d )?\d\d:\d\d")
