"""Roster rules checked as the chief plans; every violation names the officer, shift and rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import pairwise
from math import lcm
from typing import Any

from .clock import CHINA_TZ
from .driving import may_drive, needed_class
from .errors import ValidationError
from .shifts import MIN_TEAMS, PatternDef, pattern_shifts

OFF_DUTIES = frozenset({"leave", "training"})  # rostered but not working
# Every rule a Violation can name: the UI labels each one (a code without a label showed raw,
# "[off_roll]", in the Chinese violation list); a test holds this list to the checks below.
RULE_CODES = ("min_staff", "post_min", "double_booked", "rest", "max_hours", "absence", "off_roll",
              "unit_crew")


@dataclass(frozen=True)
class RuleSet:
    min_rest_hours: float = 8.0  # between the end of one shift and the start of the next
    max_hours_per_week: float = 60.0  # Monday-Sunday, China time
    min_officers_per_unit: int = 1  # 辅警 may not patrol without a 民警

    # The two limits a station sets for itself (a station setting): local rules differ, and the
    # built-in patterns themselves exceed 60 h (24-hour duty with 3 teams: 63.5 h every third week).
    @staticmethod
    def from_dict(data: dict[str, Any] | None) -> RuleSet:
        data = data or {}
        try:
            rest = float(data.get("min_rest_hours", RuleSet.min_rest_hours))
            week = float(data.get("max_hours_per_week", RuleSet.max_hours_per_week))
        except (TypeError, ValueError):
            raise ValidationError("give the hours as numbers", field="roster_rules") from None
        if not 0 <= rest <= 48:
            raise ValidationError("the rest between shifts is 0 to 48 hours", field="min_rest_hours")
        if not 1 <= week <= 168:
            raise ValidationError("the weekly hours are 1 to 168", field="max_hours_per_week")
        return RuleSet(min_rest_hours=rest, max_hours_per_week=week)

    def as_dict(self) -> dict[str, Any]:
        return {"min_rest_hours": self.min_rest_hours, "max_hours_per_week": self.max_hours_per_week}


@dataclass(frozen=True)
class OfficerRef:
    id: int
    name: str
    badge: str = ""
    kind: str = "officer"  # officer | auxiliary
    licences: tuple[str, ...] = ()  # driving-licence classes (准驾车型), the drone pilot's licence
    active: bool = True  # on the roll; an officer taken off it works no shift

    @property
    def label(self) -> str:
        return f"{self.name}（{self.badge}）" if self.badge else self.name


@dataclass(frozen=True)
class ShiftRef:
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    team: str = ""
    min_staff: int = 0
    post_min: tuple[tuple[int, int], ...] = ()  # (post id, officers needed)

    @property
    def label(self) -> str:
        s = self.starts_at.astimezone(CHINA_TZ)
        e = self.ends_at.astimezone(CHINA_TZ)
        # A shift into the next day names its end date too: a 24-hour duty is not 08:30–08:30.
        end = f"{e:%H:%M}" if e.date() == s.date() else f"{e:%m-%d %H:%M}"
        return f"{self.name} {s:%m-%d %H:%M}–{end}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(frozen=True)
class EntryRef:
    id: int
    shift_id: int
    officer_id: int
    duty: str = "patrol"  # patrol | post | desk | standby | leave | training
    unit_id: int | None = None
    post_id: int | None = None


@dataclass(frozen=True)
class AbsenceRef:
    officer_id: int
    kind: str  # leave | training
    starts_at: datetime
    ends_at: datetime
    note: str = ""


@dataclass(frozen=True)
class UnitRef:
    id: int
    call_sign: str
    seats: int = 2
    kind: str = ""  # car | motorbike | … ; "" (not given) skips the driver check
    standby: bool = False  # marked as the station's standby car (备勤车): not for patrol crews


@dataclass(frozen=True)
class Violation:
    rule: str  # one of RULE_CODES
    message: str
    shift_id: int | None = None
    officer_id: int | None = None
    entry_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class RosterSnapshot:
    shifts: tuple[ShiftRef, ...]
    entries: tuple[EntryRef, ...]
    officers: tuple[OfficerRef, ...]
    absences: tuple[AbsenceRef, ...] = ()
    units: tuple[UnitRef, ...] = ()
    post_names: tuple[tuple[int, str], ...] = ()


def check_roster(snap: RosterSnapshot, rules: RuleSet = RuleSet()) -> list[Violation]:
    """All violations of the roster, in a stable order (by rule, then time)."""
    shifts = {s.id: s for s in snap.shifts}
    officers = {o.id: o for o in snap.officers}
    units = {u.id: u for u in snap.units}
    posts = dict(snap.post_names)
    working = [e for e in snap.entries if e.duty not in OFF_DUTIES and e.shift_id in shifts]
    out: list[Violation] = []
    # Staffing counts who will really be there: not an officer away over the shift (leave,
    # training) nor one taken off the roll. Those entries are named by their own rules below.
    present = [e for e in working if officers.get(e.officer_id, OfficerRef(0, "")).active
               and not _away(e, shifts[e.shift_id], snap.absences)]
    out += _staffing(snap.shifts, present, posts)
    out += _double_booked(working, shifts, officers)
    out += _rest(working, shifts, officers, rules)
    out += _max_hours(working, shifts, officers, rules)
    out += _absences(working, shifts, officers, snap.absences)
    out += _off_roll(working, shifts, officers)
    # A crew is who will ride in it: with its 民警 on leave or off the roll, the 辅警 left in the
    # car patrols alone (and the driver may be the one away), whatever the entries still say.
    out += _unit_crews(present, shifts, officers, units, rules)
    return out


def _staffing(shift_list: Iterable[ShiftRef], working: list[EntryRef],
              posts: dict[int, str]) -> list[Violation]:
    out = []
    by_shift: dict[int, list[EntryRef]] = defaultdict(list)
    for e in working:
        by_shift[e.shift_id].append(e)
    for s in sorted(shift_list, key=lambda s: s.starts_at):
        have = len(by_shift[s.id])
        if have < s.min_staff:
            out.append(Violation(
                "min_staff",
                f"{s.label}: {have} officer(s) on duty, the shift needs at least {s.min_staff}",
                shift_id=s.id,
            ))
        for post_id, need in s.post_min:
            at_post = sum(1 for e in by_shift[s.id] if e.post_id == post_id)
            if at_post < need:
                name = posts.get(post_id, f"post {post_id}")
                out.append(Violation(
                    "post_min",
                    f"{s.label}: {name} has {at_post} officer(s), it needs at least {need}",
                    shift_id=s.id,
                ))
    return out


def _away(e: EntryRef, s: ShiftRef, absences: Iterable[AbsenceRef]) -> bool:
    return any(a.officer_id == e.officer_id and a.starts_at < s.ends_at and s.starts_at < a.ends_at
               for a in absences)


def _off_roll(working: list[EntryRef], shifts: dict[int, ShiftRef],
              officers: dict[int, OfficerRef]) -> list[Violation]:
    out = []
    for e in sorted(working, key=lambda e: (shifts[e.shift_id].starts_at, e.officer_id)):
        o = officers.get(e.officer_id)
        if o is not None and not o.active:
            s = shifts[e.shift_id]
            out.append(Violation(
                "off_roll", f"{o.label} is off the roll but rostered on {s.label}",
                shift_id=s.id, officer_id=o.id, entry_ids=(e.id,),
            ))
    return out


def _by_officer(working: list[EntryRef], shifts: dict[int, ShiftRef]
                ) -> dict[int, list[tuple[ShiftRef, EntryRef]]]:
    rows: dict[int, list[tuple[ShiftRef, EntryRef]]] = defaultdict(list)
    for e in working:
        rows[e.officer_id].append((shifts[e.shift_id], e))
    for lst in rows.values():
        lst.sort(key=lambda se: (se[0].starts_at, se[0].id))
    return rows


def _name(officers: dict[int, OfficerRef], oid: int) -> str:
    o = officers.get(oid)
    return o.label if o else f"officer {oid}"


def _double_booked(working: list[EntryRef], shifts: dict[int, ShiftRef],
                   officers: dict[int, OfficerRef]) -> list[Violation]:
    out = []
    for oid, lst in sorted(_by_officer(working, shifts).items()):
        for i, (a, ea) in enumerate(lst):
            for b, eb in lst[i + 1:]:
                if b.starts_at >= a.ends_at:
                    break
                out.append(Violation(
                    "double_booked",
                    f"{_name(officers, oid)} is on {a.label} and {b.label} at the same time",
                    shift_id=b.id, officer_id=oid, entry_ids=(ea.id, eb.id),
                ))
    return out


def _rest(working: list[EntryRef], shifts: dict[int, ShiftRef], officers: dict[int, OfficerRef],
          rules: RuleSet) -> list[Violation]:
    out = []
    for oid, lst in sorted(_by_officer(working, shifts).items()):
        for (a, ea), (b, eb) in pairwise(lst):
            gap = b.starts_at - a.ends_at
            if _short_rest(gap, rules):
                out.append(Violation(
                    "rest",
                    f"{_name(officers, oid)} has only {gap.total_seconds() / 3600:.1f} h of rest "
                    f"between {a.label} and {b.label} (at least {rules.min_rest_hours:g} h)",
                    shift_id=b.id, officer_id=oid, entry_ids=(ea.id, eb.id),
                ))
    return out


# The two limits a station sets, as check_roster and pattern_load both judge them: a plan the dialog
# warns about is one the calendar then flags, and no other.
def _short_rest(gap: timedelta, rules: RuleSet) -> bool:
    return timedelta(0) <= gap < timedelta(hours=rules.min_rest_hours)  # below 0 is double-booked


def _over_week(hours: float, rules: RuleSet) -> bool:
    return hours > rules.max_hours_per_week + 1e-9


def _week_start(dt: datetime) -> datetime:
    local = dt.astimezone(CHINA_TZ)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), CHINA_TZ)


def _week_parts(starts_at: datetime, ends_at: datetime) -> Iterator[tuple[datetime, float]]:
    """(Monday 00:00, hours) of a shift: one across midnight on Sunday counts in both weeks by the
    hours in each."""
    start = starts_at
    while start < ends_at:
        week = _week_start(start)
        end = min(ends_at, week + timedelta(days=7))
        yield week, (end - start).total_seconds() / 3600
        start = end


def _max_hours(working: list[EntryRef], shifts: dict[int, ShiftRef],
               officers: dict[int, OfficerRef], rules: RuleSet) -> list[Violation]:
    out = []
    for oid, lst in sorted(_by_officer(working, shifts).items()):
        hours: dict[datetime, float] = defaultdict(float)
        last_shift: dict[datetime, ShiftRef] = {}
        week_entries: dict[datetime, list[int]] = defaultdict(list)
        for s, e in lst:
            for week, h in _week_parts(s.starts_at, s.ends_at):
                hours[week] += h
                last_shift[week] = s
                week_entries[week].append(e.id)
        for week, h in sorted(hours.items()):
            if _over_week(h, rules):
                out.append(Violation(
                    "max_hours",
                    f"{_name(officers, oid)} is rostered {h:g} h in the week of {week:%Y-%m-%d} "
                    f"(at most {rules.max_hours_per_week:g} h); last shift {last_shift[week].label}",
                    shift_id=last_shift[week].id, officer_id=oid,
                    entry_ids=tuple(week_entries[week]),
                ))
    return out


def _absences(working: list[EntryRef], shifts: dict[int, ShiftRef],
              officers: dict[int, OfficerRef], absences: Iterable[AbsenceRef]) -> list[Violation]:
    out = []
    by_officer: dict[int, list[AbsenceRef]] = defaultdict(list)
    for a in absences:
        by_officer[a.officer_id].append(a)
    kind_label = {"leave": "leave", "training": "training"}
    for e in sorted(working, key=lambda e: (shifts[e.shift_id].starts_at, e.officer_id)):
        s = shifts[e.shift_id]
        for a in by_officer.get(e.officer_id, ()):
            if a.starts_at < s.ends_at and s.starts_at < a.ends_at:
                note = f" ({a.note})" if a.note else ""
                out.append(Violation(
                    "absence",
                    f"{_name(officers, e.officer_id)} is on {kind_label.get(a.kind, a.kind)}{note} "
                    f"{a.starts_at.astimezone(CHINA_TZ):%m-%d %H:%M}–"
                    f"{a.ends_at.astimezone(CHINA_TZ):%m-%d %H:%M} but rostered on {s.label}",
                    shift_id=s.id, officer_id=e.officer_id, entry_ids=(e.id,),
                ))
    return out


def _unit_crews(working: list[EntryRef], shifts: dict[int, ShiftRef],
                officers: dict[int, OfficerRef], units: dict[int, UnitRef],
                rules: RuleSet) -> list[Violation]:
    out = []
    crews: dict[tuple[int, int], list[EntryRef]] = defaultdict(list)
    for e in working:
        if e.unit_id is not None:
            crews[(e.shift_id, e.unit_id)].append(e)
    for (sid, uid), crew in sorted(crews.items(), key=lambda kv: (shifts[kv[0][0]].starts_at, kv[0][1])):
        s = shifts[sid]
        unit = units.get(uid)
        name = unit.call_sign if unit else f"unit {uid}"
        sworn = sum(1 for e in crew if officers.get(e.officer_id, OfficerRef(0, "")).kind == "officer")
        if sworn < rules.min_officers_per_unit:
            out.append(Violation(
                "unit_crew",
                f"{s.label}: unit {name} has no police officer (民警) in its crew; auxiliaries "
                "may not patrol alone",
                shift_id=sid, entry_ids=tuple(e.id for e in crew),
            ))
        need = needed_class(unit.kind) if unit is not None else None
        if unit is not None and need is not None and not any(
                may_drive(officers.get(e.officer_id, OfficerRef(0, "")).licences, unit.kind)
                for e in crew):
            out.append(Violation(
                "unit_crew",
                f"{s.label}: nobody in the crew of unit {name} holds a drone pilot's licence"
                if unit.kind == "drone" else
                f"{s.label}: nobody in the crew of unit {name} holds a licence to drive it "
                f"(class {need}, or a class that allows it)",
                shift_id=sid, entry_ids=tuple(e.id for e in crew),
            ))
        # Planning never gives a patrol team a standby car; put there by hand (or copied from a
        # week before the mark), it is said, as the chief may not see the mark from the calendar.
        if unit is not None and unit.standby and any(e.duty == "patrol" for e in crew):
            out.append(Violation(
                "unit_crew",
                f"{s.label}: unit {name} is a standby car (备勤车): kept for standby, not patrol",
                shift_id=sid, entry_ids=tuple(e.id for e in crew if e.duty == "patrol"),
            ))
        # A drone carries nobody (0 seats): its crew flies it from the ground.
        if unit is not None and unit.kind != "drone" and len(crew) > unit.seats:
            out.append(Violation(
                "unit_crew",
                f"{s.label}: unit {name} has {len(crew)} crew for {unit.seats} seats",
                shift_id=sid, entry_ids=tuple(e.id for e in crew),
            ))
    return out


# -- a pattern's load, before any shift is planned ---------------------------------------------
@dataclass(frozen=True)
class TeamLoad:
    """What a pattern asks of one team, from the pattern alone."""

    team: str
    average_week_hours: float  # over whole cycles
    busiest_week_hours: float  # the most in one Monday–Sunday week, the week the limit counts
    shortest_rest: timedelta | None  # between two of its shifts in a row; None: never on a shift
    rest_between: tuple[str, str] = ("", "")  # the shifts either side of that shortest rest

    @property
    def shortest_rest_hours(self) -> float | None:
        return None if self.shortest_rest is None else self.shortest_rest.total_seconds() / 3600


@dataclass(frozen=True)
class PatternLoad:
    teams: tuple[TeamLoad, ...]  # in the pattern's order
    # The turns the rotation is made for (四班三运转 4, 三班二运转 3); a duty or standby rota turns
    # through every team named. 0: not worked out from a pattern.
    rotation: int = 0

    @property
    def idle_teams(self) -> tuple[str, ...]:
        """The teams never on a shift, in the pattern's order: those named past the turns of a
        rotation (a 5th on 四班三运转) are left off every shift it makes, with no error."""
        return tuple(t.team for t in self.teams if t.busiest_week_hours == 0)

    @property
    def average_week_hours(self) -> float:
        return max((t.average_week_hours for t in self.teams), default=0.0)

    @property
    def busiest_week_hours(self) -> float:
        return max((t.busiest_week_hours for t in self.teams), default=0.0)

    @property
    def least_rested(self) -> TeamLoad | None:
        """The team with the shortest rest between shifts (None: no team has two shifts)."""
        return min((t for t in self.teams if t.shortest_rest is not None),
                   key=lambda t: t.shortest_rest or timedelta(0), default=None)

    def broken(self, rules: RuleSet) -> tuple[str, ...]:
        """The rules (in RULE_CODES order) the pattern breaks in every cycle: check_roster names
        them once the teams are on their shifts for long enough."""
        least = self.least_rested
        rest = least.shortest_rest if least is not None else None
        out = []
        if rest is not None and _short_rest(rest, rules):
            out.append("rest")
        if _over_week(self.busiest_week_hours, rules):
            out.append("max_hours")
        return tuple(out)


def pattern_load(p: PatternDef) -> PatternLoad:
    """Each team's weekly hours and shortest rest under the pattern.

    Worked out over one cycle: the days after which both the rotation and the calendar week are
    back where they started, so every week a team will ever work is seen once. Weeks run Monday
    to Sunday (China time) as in _max_hours: a 24-hour duty one team in three averages 56 h, but
    with three shifts starting in one week (Monday, Thursday, Sunday 08:30) works 63.5 h in it."""
    days = lcm(p.period_days, 7)
    monday = p.anchor - timedelta(days=p.anchor.weekday())
    first_week = datetime.combine(monday, time(0, 0), CHINA_TZ)
    after = first_week + timedelta(days=days)
    # From the day before, for a shift into the first Monday; a rotation past the end, so the
    # cycle's last shift of each team has the next one to rest before.
    shifts = pattern_shifts(p, monday - timedelta(days=1),
                            monday + timedelta(days=days + p.period_days))
    loads = []
    for team in dict.fromkeys(p.teams):  # a team named twice works both turns
        mine = sorted((s for s in shifts if s.team == team), key=lambda s: s.starts_at)
        hours: dict[datetime, float] = defaultdict(float)
        for s in mine:
            for week, h in _week_parts(s.starts_at, s.ends_at):
                hours[week] += h
        in_cycle = [h for week, h in hours.items() if first_week <= week < after]
        rests = [(b.starts_at - a.ends_at, a.name, b.name) for a, b in pairwise(mine)
                 if first_week <= a.starts_at < after]
        gap, before, next_ = min(rests, key=lambda r: r[0], default=(None, "", ""))
        loads.append(TeamLoad(team, sum(in_cycle) * 7 / days, max(in_cycle, default=0.0), gap,
                              (before, next_)))
    return PatternLoad(tuple(loads), MIN_TEAMS.get(p.kind, len(p.teams)))
