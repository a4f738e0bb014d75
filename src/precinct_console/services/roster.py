"""Roster: officers, units and crews, shift patterns and shifts, entries, leave; rules checked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.changes import Change
from ..domain.clock import CHINA_TZ, local
from ..domain.crews import DEFAULT_CREW_SIZE
from ..domain.driving import LICENCE_CLASSES, unknown_classes
from ..domain.errors import ConflictError, NotFound, ValidationError
from ..domain.holidays import CalendarDay, calendar_day
from ..domain.officer_phone import checked_phone
from ..domain.roster_rules import (
    AbsenceRef,
    EntryRef,
    OfficerRef,
    RosterSnapshot,
    RuleSet,
    ShiftRef,
    UnitRef,
    Violation,
    check_roster,
)
from ..domain.shifts import PatternDef, ShiftSlot, generate_shifts, pattern_shifts, team_sort_key
from ..storage.models import (
    AuditEntry,
    Officer,
    OfficerAbsence,
    Post,
    RosterEntry,
    Setting,
    Shift,
    ShiftPattern,
    Unit,
)
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action
from .team_crews import CrewSummary, plan_crews

DUTIES = {"patrol": "巡逻", "post": "驻站", "desk": "值班台", "standby": "备勤", "leave": "休假",
          "training": "培训"}
# Two seats planning, copying or putting officers on the same days at once take turns: each would
# otherwise find the days empty and make every shift and entry a second time (or, for an entry,
# fail on the database's one-officer-once-a-shift rule with no word the chief could read).
_SHIFTS_LOCK = 0x53484654  # "SHFT"
_ROLL_LOCK = 0x524F4C4C  # "ROLL"

# Duties whose teams ride units, so planning may crew them: patrol, and standby in the standby cars.
CREWED_DUTIES = ("patrol", "standby")

OFFICER_KINDS = {"officer": "民警", "auxiliary": "辅警"}
OFFICER_ROLES = {
    "patrol": "巡逻防控", "command": "指挥室", "community": "社区警务", "case": "办案队",
    "deputy": "副所长", "instructor": "教导员", "chief": "所长",
}


@dataclass(frozen=True)
class OfficerInfo:
    id: int
    badge: str
    name: str
    kind: str
    rank: str
    role: str
    team: str
    phone: str
    skills: tuple[str, ...]
    licences: tuple[str, ...]
    active: bool
    version: int


@dataclass(frozen=True)
class ShiftInfo:
    id: int
    pattern_id: int | None
    name: str
    team: str
    starts_at: datetime
    ends_at: datetime
    min_staff: int
    post_min: tuple[tuple[int, int], ...]
    day: CalendarDay


class PlannedShifts(list[ShiftInfo]):
    """The shifts planning made, and what crewing their units did (None: not asked, or no team
    put on a patrol duty)."""

    def __init__(self, shifts: Sequence[ShiftInfo] = (), crewing: CrewSummary | None = None):
        super().__init__(shifts)
        self.crewing = crewing


@dataclass(frozen=True)
class EntryInfo:
    id: int
    shift_id: int
    officer_id: int
    officer_name: str
    unit_id: int | None
    post_id: int | None
    duty: str
    note: str
    version: int


@dataclass(frozen=True)
class PatternInfo:
    id: int
    name: str
    kind: str
    min_staff: int
    holiday_extra_staff: int
    # Its teams, handover and shift times: the plan dialog works out each team's hours and rest
    # from them (roster_rules.pattern_load) before any shift is made.
    pattern: PatternDef


@dataclass(frozen=True)
class AbsenceInfo:
    id: int
    officer_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    note: str
    version: int


@dataclass(frozen=True)
class LeftOff:
    """Part of a week that copy_week could not carry over, and why."""

    officer_name: str
    shift_name: str
    starts_at: datetime  # of the shift in the new week
    reason: str  # off_roll | leave | training | unit_retired
    unit_call_sign: str = ""  # the unit left off a crew (unit_retired)


@dataclass(frozen=True)
class WeekCopy:
    made: tuple[EntryInfo, ...]
    left_off: tuple[LeftOff, ...]


@dataclass(frozen=True)
class RosterView:
    """A week or month of the roster as the calendar shows it, with every rule violation."""

    first: date
    last: date
    shifts: tuple[ShiftInfo, ...]
    entries: tuple[EntryInfo, ...]
    officers: tuple[OfficerInfo, ...]
    absences: tuple[AbsenceInfo, ...]
    units: tuple[tuple[int, str], ...]  # every unit, so past entries keep their call signs
    posts: tuple[tuple[int, str], ...]
    violations: tuple[Violation, ...]
    days: tuple[CalendarDay, ...]
    change: Change = field(default_factory=Change, compare=False)
    retired_units: frozenset[int] = frozenset()  # out of service: not offered for new entries
    standby_units: frozenset[int] = frozenset()  # marked as standby cars (备勤车): said where offered
    rules: RuleSet = field(default_factory=RuleSet)  # the limits the violations were checked against

    def entries_of(self, shift_id: int) -> list[EntryInfo]:
        return [e for e in self.entries if e.shift_id == shift_id]


def _officer(o: Officer) -> OfficerInfo:
    return OfficerInfo(o.id, o.badge, o.name, o.kind, o.rank, o.role, o.team, o.phone,
                       tuple(o.skills or ()), tuple(o.licences or ()), o.active, o.version)


def _shift(s: Shift) -> ShiftInfo:
    posts = tuple(sorted((int(k), int(v)) for k, v in (s.requirements or {}).get("posts", {}).items()))
    return ShiftInfo(s.id, s.pattern_id, s.name, s.team, s.starts_at, s.ends_at, s.min_staff, posts,
                     calendar_day(s.starts_at.astimezone(CHINA_TZ).date()))


def _entry(e: RosterEntry, names: dict[int, str]) -> EntryInfo:
    return EntryInfo(e.id, e.shift_id, e.officer_id, names.get(e.officer_id, ""), e.unit_id,
                     e.post_id, e.duty, e.note, e.version)


def _names(s: Session, officer_id: int) -> dict[int, str]:
    o = s.get(Officer, officer_id)
    return {officer_id: o.name if o else str(officer_id)}


def _absence(a: OfficerAbsence) -> AbsenceInfo:
    return AbsenceInfo(a.id, a.officer_id, a.kind, a.starts_at, a.ends_at, a.note, a.version)


def checked_text(value: str, name: str, max_len: int, *, required: bool = True) -> str:
    """Trimmed; refused when empty (if required) or longer than max_len, naming the field."""
    v = (value or "").strip()
    if required and not v:
        raise ValidationError("must not be empty", field=name)
    if len(v) > max_len:
        raise ValidationError(f"at most {max_len} characters", field=name)
    return v


# -- officers, units, patterns ---------------------------------------------------------------
@service_action("roster.edit")
def add_officer(ctx: ServiceContext, badge: str, name: str, *, kind: str = "officer",
                rank: str = "", role: str = "patrol", team: str = "", phone: str = "",
                skills: Sequence[str] = (), licences: Sequence[str] = ()) -> OfficerInfo:
    v = checked_officer_values({"badge": badge, "name": name, "kind": kind, "rank": rank,
                                "role": role, "team": team, "phone": phone, "skills": skills,
                                "licences": licences})
    with ctx.uow() as uow:
        lock_roll(ctx, uow)
        taken = ValidationError(f"badge {v['badge']} is already on this station's roll", field="badge")
        if uow.session.scalar(select(Officer.id).where(Officer.station_id == ctx.station_id,
                                                       Officer.badge == v["badge"])):
            raise taken
        # The roll lock makes seats take turns; the database's one-badge rule still refuses a
        # writer that holds no lock (an older seat), and that refusal reads as the check's.
        with uow.refusing_duplicate(Officer, ("station_id", "badge"), taken):
            o = uow.add("roster.officer_add", "officer", Officer(station_id=ctx.station_id, **v))
        uow.commit()
        return _officer(o)


def lock_roll(ctx: ServiceContext, uow: UnitOfWork) -> None:
    """Seats adding officers (one by one or from a 花名册) take turns: each checks the badge is
    free, then inserts; at once, the second met the database's one-badge rule as a driver error
    with no word the chief could read. (SQLite's writer holds the whole database already.)"""
    uow.lock_station(_ROLL_LOCK, ctx.station_id)


# The fields of an officer as the roll keeps them, checked in one place: the officer form (through
# add_officer and update_officer) and the 花名册 import refuse the same values the same way.
OFFICER_FIELDS = ("badge", "name", "kind", "rank", "role", "team", "phone", "skills", "licences",
                  "active")


def checked_officer_value(key: str, value: Any) -> Any:
    """One field as it will be stored, or a ValidationError naming the field."""
    if key == "badge":
        return checked_text(value, "badge", 32)
    if key == "name":
        return checked_text(value, "officer_name", 60)
    if key == "kind":
        if value not in OFFICER_KINDS:
            raise ValidationError(f"'{value}' is not officer or auxiliary", field="kind")
        return value
    if key == "role":
        _role(value)
        return value
    if key == "skills":
        return _skills(value)
    if key == "licences":
        return _licences(value)
    if key == "active":
        return bool(value)
    # The columns' widths (storage.models.people): past them SQLite kept anything and PostgreSQL
    # refused the whole save with a database error that named no field.
    if key == "rank":
        return checked_text(value, "rank", 40, required=False)
    if key == "team":
        return checked_text(value, "team", 16, required=False)
    if key == "phone":
        return checked_phone(value)
    raise ValidationError(f"cannot change {key}", field=key)


def checked_officer_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every given field checked (checked_officer_value); the first bad one is refused."""
    return {key: checked_officer_value(key, value) for key, value in values.items()}


def split_items(text: str) -> list[str]:
    """A list typed in one box or cell: 急救、调解 / C1, E (the separators people type)."""
    return [s for s in re.split(r"[、,，;；/\s]+", text or "") if s]


def _role(role: str) -> None:
    if role not in OFFICER_ROLES:
        raise ValidationError(f"'{role}' is not a role (one of: {', '.join(OFFICER_ROLES)})",
                              field="role")


def _skills(skills: Sequence[str]) -> list[str]:
    """Distinct, trimmed, in the order given (急救, 调解, 外语…)."""
    out: list[str] = []
    for s in skills:
        s = s.strip()
        if len(s) > 20:
            raise ValidationError(f"'{s}' is longer than 20 characters", field="skills")
        if s and s not in out:
            out.append(s)
    return out


def _licences(licences: Sequence[str]) -> list[str]:
    """Known classes only (a typo would make the driver rule fail silently), in table order."""
    given = {x.strip().upper() for x in licences if x.strip()}  # "c1" is C1
    unknown = unknown_classes(sorted(given))
    if unknown:
        raise ValidationError(f"'{unknown[0]}' is not a licence class (one of: "
                              f"{', '.join(LICENCE_CLASSES)})", field="licences")
    return [c for c in LICENCE_CLASSES if c in given]


@service_action("roster.edit")
def update_officer(ctx: ServiceContext, officer_id: int, version: int, **values: Any) -> OfficerInfo:
    unknown = set(values) - (set(OFFICER_FIELDS) - {"badge"})  # the badge is who the officer is
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    # The same rules as on the way in: an edit cannot slip past them. The role is checked below.
    values = {k: (v if k == "role" else checked_officer_value(k, v)) for k, v in values.items()}
    with ctx.uow() as uow:
        o = uow.get(Officer, officer_id, expected_version=version)
        if "role" in values and values["role"] != o.role:  # an older role is kept, not refused
            _role(values["role"])
        uow.update("roster.officer_update", "officer", o, **values)
        uow.commit()
        return _officer(o)


@service_action("read")
def list_officers(ctx: ServiceContext, *, active_only: bool = True) -> list[OfficerInfo]:
    with ctx.read() as s:
        q = select(Officer).where(Officer.station_id == ctx.station_id)
        if active_only:
            q = q.where(Officer.active.is_(True))
        # Teams in their natural order (一组, 二组, 三组), not by character code (see team_sort_key).
        return [_officer(o) for o in sorted(s.scalars(q), key=lambda o: (team_sort_key(o.team), o.badge))]


@service_action("roster.edit")
def add_pattern(ctx: ServiceContext, name: str, kind: str, definition: dict[str, Any] | None = None
                ) -> int:
    row = _pattern_row(ctx, name, kind, definition)
    with ctx.uow() as uow:
        p = uow.add("roster.pattern_add", "shift_pattern", row)
        uow.commit()
        return p.id


def _pattern_row(ctx: ServiceContext, name: str, kind: str, definition: dict[str, Any] | None
                 ) -> ShiftPattern:
    """A checked new pattern, before any write: a bad name, kind or definition is named first."""
    name = checked_text(name, "name", 60)
    pattern = PatternDef.from_dict(kind, definition or {}, strict=True)
    if pattern.post_min:
        with ctx.read() as s:
            known = set(s.scalars(select(Post.id).where(Post.station_id == ctx.station_id)))
        for pid, _n in pattern.post_min:
            if pid not in known:
                raise ValidationError(f"post {pid} does not exist in this station", field="posts")
    return ShiftPattern(station_id=ctx.station_id, name=name, kind=pattern.kind.value,
                        definition=pattern.as_dict())


@service_action("read")
def list_patterns(ctx: ServiceContext) -> list[PatternInfo]:
    """The station's shift patterns, oldest first (the one it has always worked comes first)."""
    with ctx.read() as s:
        out = []
        for p in s.scalars(select(ShiftPattern).where(ShiftPattern.station_id == ctx.station_id)
                           .order_by(ShiftPattern.id)):
            d = PatternDef.from_dict(p.kind, p.definition)
            out.append(PatternInfo(p.id, p.name, p.kind, d.min_staff, d.holiday_extra_staff, d))
        return out


@service_action("roster.edit")
def make_shifts(ctx: ServiceContext, pattern_id: int, first: date, last: date, *,
                with_teams: bool = False, crew_units: bool = False,
                crew_size: int = DEFAULT_CREW_SIZE) -> PlannedShifts:
    """Concrete shifts of a pattern for a period; shifts that already exist are kept as they are.

    with_teams: each new shift gets its team's officers on the pattern's duty (see _put_teams_on).
    crew_units: on a patrol pattern, those officers are put in the station's units as well (see
    team_crews.plan_crews), crew_size of them at least in a unit that seats as many (双人巡逻:
    two); what that did is the result's crewing."""
    with ctx.uow() as uow:
        p = uow.get(ShiftPattern, pattern_id)
        made = _add_shifts(ctx, uow, p, first, last, with_teams, crew_units, crew_size)
        uow.commit()
        return made


@service_action("roster.edit")
def add_pattern_with_shifts(ctx: ServiceContext, name: str, kind: str,
                            definition: dict[str, Any] | None, first: date, last: date, *,
                            with_teams: bool = False, crew_units: bool = False,
                            crew_size: int = DEFAULT_CREW_SIZE) -> tuple[int, PlannedShifts]:
    """A new pattern and its shifts for a period, in one transaction: all of it or nothing."""
    row = _pattern_row(ctx, name, kind, definition)
    with ctx.uow() as uow:
        p = uow.add("roster.pattern_add", "shift_pattern", row)
        made = _add_shifts(ctx, uow, p, first, last, with_teams, crew_units, crew_size)
        uow.commit()
        return p.id, made


def _add_shifts(ctx: ServiceContext, uow: UnitOfWork, p: ShiftPattern, first: date, last: date,
                with_teams: bool = False, crew_units: bool = False,
                crew_size: int = DEFAULT_CREW_SIZE) -> PlannedShifts:
    pattern = PatternDef.from_dict(p.kind, p.definition)
    slots = generate_shifts(pattern, first, last)
    if not slots:
        return PlannedShifts()
    uow.lock_station(_SHIFTS_LOCK, ctx.station_id)
    existing = {
        (s.starts_at, s.name) for s in uow.session.scalars(select(Shift).where(
            Shift.pattern_id == p.id, Shift.starts_at >= slots[0].starts_at,
            Shift.starts_at <= slots[-1].starts_at))
    }
    made = []
    for slot in slots:
        if (slot.starts_at, slot.name) in existing:
            continue
        made.append(uow.add("roster.shift_add", "shift", Shift(
            station_id=ctx.station_id, pattern_id=p.id, name=slot.name, team=slot.team,
            starts_at=slot.starts_at, ends_at=slot.ends_at, min_staff=slot.min_staff,
            requirements={"posts": {str(pid): n for pid, n in pattern.post_min}})))
    crewing = None
    if with_teams and made:
        crewing = _put_teams_on(ctx, uow, made, pattern.duty,
                                crew_units and pattern.duty in CREWED_DUTIES, crew_size)
    return PlannedShifts([_shift(s) for s in made], crewing)


def _put_teams_on(ctx: ServiceContext, uow: UnitOfWork, shifts: list[Shift], duty: str,
                  crew_units: bool = False, crew_size: int = DEFAULT_CREW_SIZE
                  ) -> CrewSummary | None:
    """Each shift's team on it, on the pattern's duty (patrol; standby for a standby pattern): the
    rotation a station works, done for the chief, who then moves people. An officer with leave or
    training over the shift is left off. crew_units: each in a unit too, as team_crews plans."""
    s = uow.session
    by_team: dict[str, list[int]] = {}
    for o in s.scalars(select(Officer).where(Officer.station_id == ctx.station_id,
                                             Officer.active.is_(True)).order_by(Officer.badge)):
        if o.team:
            by_team.setdefault(o.team, []).append(o.id)
    away = list(s.scalars(select(OfficerAbsence).where(
        OfficerAbsence.station_id == ctx.station_id,
        OfficerAbsence.ends_at > min(x.starts_at for x in shifts),
        OfficerAbsence.starts_at < max(x.ends_at for x in shifts))))
    present = {shift.id: [officer_id for officer_id in by_team.get(shift.team, [])
                          if not any(a.officer_id == officer_id and a.starts_at < shift.ends_at
                                     and a.ends_at > shift.starts_at for a in away)]
               for shift in shifts}
    crewing = plan_crews(s, ctx.station_id, shifts, present, crew_size, duty) if crew_units else None
    unit_of = crewing.unit_of if crewing is not None else {}
    for shift in shifts:
        for officer_id in present[shift.id]:
            unit_id = unit_of.get((shift.id, officer_id))
            uow.add("roster.assign_team", "roster_entry", RosterEntry(
                station_id=ctx.station_id, shift_id=shift.id, officer_id=officer_id,
                unit_id=unit_id, duty=duty))
    for unit_id in sorted(set(unit_of.values())):
        uow.changed("unit", unit_id)  # their crews on the unit board
    return crewing


@service_action("roster.edit")
def add_shift(ctx: ServiceContext, name: str, starts_at: datetime, ends_at: datetime, *,
              team: str = "", min_staff: int = 0, post_min: dict[int, int] | None = None) -> ShiftInfo:
    name = checked_text(name, "name", 60)
    if ends_at <= starts_at:
        raise ValidationError("the shift must end after it starts", field="ends_at")
    if ends_at - starts_at > timedelta(hours=36):
        raise ValidationError("a shift lasts at most 36 hours", field="ends_at")
    if min_staff < 0:
        raise ValidationError("must be 0 or more", field="min_staff")
    with ctx.uow() as uow:
        s = uow.add("roster.shift_add", "shift", Shift(
            station_id=ctx.station_id, name=name, team=team, starts_at=starts_at, ends_at=ends_at,
            min_staff=min_staff,
            requirements={"posts": {str(k): int(v) for k, v in (post_min or {}).items()}}))
        uow.commit()
        return _shift(s)


# -- roster entries --------------------------------------------------------------------------
def _check_entry_refs(s: Session, station: int, shift_id: int, officer_id: int, unit_id: int | None,
                      post_id: int | None, duty: str, *, kept_unit: int | None = None) -> None:
    """Every reference exists in the station; a unit newly given (not kept_unit) is in service."""
    if duty not in DUTIES:
        raise ValidationError(f"'{duty}' is not a duty (one of: {', '.join(DUTIES)})", field="duty")
    for model, value, name in ((Shift, shift_id, "shift"), (Officer, officer_id, "officer"),
                               (Unit, unit_id, "unit"), (Post, post_id, "post")):
        if value is None:
            continue
        row = s.get(model, value)
        if row is None or getattr(row, "station_id", None) != station:
            raise ValidationError(f"{name} {value} does not exist in this station", field=name)
        if isinstance(row, Unit) and not row.active and value != kept_unit:
            raise ValidationError(f"unit {row.call_sign} is out of service", field="unit")


@service_action("roster.edit")
def assign(ctx: ServiceContext, shift_id: int, officer_id: int, *, duty: str = "patrol",
           unit_id: int | None = None, post_id: int | None = None, note: str = "") -> EntryInfo:
    """Put an officer on a shift. Rules are checked by roster_view, so the chief can plan freely
    and see every violation named, as a paper roster would never tell."""
    with ctx.uow() as uow:
        uow.lock_station(_SHIFTS_LOCK, ctx.station_id)
        _check_entry_refs(uow.session, ctx.station_id, shift_id, officer_id, unit_id, post_id, duty)
        if uow.session.scalar(select(RosterEntry.id).where(RosterEntry.shift_id == shift_id,
                                                           RosterEntry.officer_id == officer_id)):
            o = uow.session.get(Officer, officer_id)
            raise ValidationError(f"{o.name if o else officer_id} is already on this shift",
                                  field="officer")
        e = uow.add("roster.assign", "roster_entry", RosterEntry(
            station_id=ctx.station_id, shift_id=shift_id, officer_id=officer_id, unit_id=unit_id,
            post_id=post_id, duty=duty, note=note))
        if unit_id is not None:
            uow.changed("unit", unit_id)  # its crew on the unit board
        uow.commit()
        return _entry(e, _names(uow.session, officer_id))


@service_action("roster.edit")
def update_entry(ctx: ServiceContext, entry_id: int, version: int, **values: Any) -> EntryInfo:
    allowed = {"duty", "unit_id", "post_id", "note"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    with ctx.uow() as uow:
        e = uow.get(RosterEntry, entry_id, expected_version=version)
        _check_entry_refs(uow.session, ctx.station_id, e.shift_id, e.officer_id,
                          values.get("unit_id", e.unit_id), values.get("post_id", e.post_id),
                          values.get("duty", e.duty), kept_unit=e.unit_id)
        old_unit = e.unit_id
        uow.update("roster.entry_update", "roster_entry", e, **values)
        for uid in {old_unit, e.unit_id} - {None}:
            uow.changed("unit", uid)
        uow.commit()
        return _entry(e, _names(uow.session, e.officer_id))


@service_action("roster.edit")
def remove_entry(ctx: ServiceContext, entry_id: int, version: int) -> Change:
    with ctx.uow() as uow:
        e = uow.get(RosterEntry, entry_id, expected_version=version)
        uow.audit("roster.remove", "roster_entry", e.id, {"shift_id": e.shift_id,
                                                          "officer_id": e.officer_id}, None)
        uow.changed("roster_entry", e.id, "deleted")
        if e.unit_id is not None:
            uow.changed("unit", e.unit_id)
        uow.session.delete(e)
        return uow.commit()


@service_action("roster.edit")
def swap_entries(ctx: ServiceContext, entry_a: int, version_a: int, entry_b: int, version_b: int
                 ) -> Change:
    """Two officers trade shifts (换班): each takes the other's shift with its duty and unit."""
    with ctx.uow() as uow:
        a = uow.get(RosterEntry, entry_a, expected_version=version_a)
        b = uow.get(RosterEntry, entry_b, expected_version=version_b)
        if a.shift_id == b.shift_id:
            raise ValidationError("both entries are on the same shift; nothing to swap", field="entry")
        oa, ob = a.officer_id, b.officer_id
        if oa == ob:  # two cells of one row: it used to say the officer was "already on the other shift"
            name = _names(uow.session, oa).get(oa, str(oa))
            raise ValidationError(f"both shifts are {name}'s; select one shift each of two officers",
                                  field="entry")
        for target, officer in ((a, ob), (b, oa)):
            clash = uow.session.scalar(select(RosterEntry.id).where(
                RosterEntry.shift_id == target.shift_id, RosterEntry.officer_id == officer))
            if clash:
                name = _names(uow.session, officer).get(officer, str(officer))
                raise ValidationError(f"{name} is already on the other shift", field="entry")
        # Different shifts and no clash (checked above): the unique (shift, officer) pair holds.
        uow.update("roster.swap", "roster_entry", a, officer_id=ob)
        uow.update("roster.swap", "roster_entry", b, officer_id=oa)
        return uow.commit()


@service_action("roster.edit")
def copy_week(ctx: ServiceContext, from_monday: date, to_monday: date) -> WeekCopy:
    """Copy a week's entries onto the same shifts a whole number of weeks later (made if missing).

    Refused, copying nothing, when the week holds shifts of a pattern whose rotation does not
    repeat over that distance (四班三运转 every 8 days): see _check_rotation.

    What cannot be carried over is named in the result, so the chief can fill the gaps: an
    officer off the roll or away (leave, training) over the new shift is left off, and a crew
    whose unit is out of service is copied without it. Entries already there are kept."""
    if from_monday.weekday() != 0 or to_monday.weekday() != 0:
        raise ValidationError("weeks start on a Monday", field="week")
    if from_monday == to_monday:
        raise ValidationError("the weeks are the same", field="week")
    shift_by = to_monday - from_monday
    start = datetime.combine(from_monday, datetime.min.time(), CHINA_TZ)
    end = start + timedelta(days=7)
    made: list[EntryInfo] = []
    left_off: list[LeftOff] = []
    with ctx.uow() as uow:
        uow.lock_station(_SHIFTS_LOCK, ctx.station_id)
        s = uow.session
        sources = list(s.scalars(select(Shift).where(
            Shift.station_id == ctx.station_id, Shift.starts_at >= start, Shift.starts_at < end)
            .order_by(Shift.starts_at, Shift.id)))
        by_pattern = _check_rotation(s, sources, shift_by, to_monday)
        officers = s.execute(select(Officer.id, Officer.name, Officer.active)
                             .where(Officer.station_id == ctx.station_id)).all()
        names = {o.id: o.name for o in officers}
        on_roll = {o.id for o in officers if o.active}
        units = s.execute(select(Unit.id, Unit.call_sign, Unit.active)
                          .where(Unit.station_id == ctx.station_id)).all()
        call_signs = {u.id: u.call_sign for u in units}
        in_service = {u.id for u in units if u.active}
        away = list(s.scalars(select(OfficerAbsence).where(
            OfficerAbsence.station_id == ctx.station_id,
            OfficerAbsence.ends_at > start + shift_by,
            OfficerAbsence.starts_at < end + shift_by + timedelta(days=2))))
        # Three reads for the whole week, not three per shift: the target week's shifts by
        # (name, start), the officers already on them, and every source entry.
        targets = {(t.name, t.starts_at): t for t in s.scalars(select(Shift).where(
            Shift.station_id == ctx.station_id, Shift.starts_at >= start + shift_by,
            Shift.starts_at < end + shift_by))}
        taken_by_shift: dict[int, set[int]] = {}
        if targets:
            for shift_id, officer_id in s.execute(select(
                    RosterEntry.shift_id, RosterEntry.officer_id).where(
                    RosterEntry.shift_id.in_([t.id for t in targets.values()]))):
                taken_by_shift.setdefault(shift_id, set()).add(officer_id)
        entries_by_shift: dict[int, list[RosterEntry]] = {}
        if sources:
            for e in s.scalars(select(RosterEntry).where(
                    RosterEntry.shift_id.in_([x.id for x in sources])).order_by(RosterEntry.id)):
                entries_by_shift.setdefault(e.shift_id, []).append(e)
        for src in sources:
            t_start, t_end = src.starts_at + shift_by, src.ends_at + shift_by
            target = targets.get((src.name, t_start))
            if target is None:
                # The staffing its pattern asks on that day: a week copied onto the week of
                # 1 October needs the holidays' extra hands, and one copied from it does not.
                made_by = by_pattern.get((src.pattern_id, src.name, t_start))
                target = uow.add("roster.shift_add", "shift", Shift(
                    station_id=ctx.station_id, pattern_id=src.pattern_id, name=src.name,
                    team=src.team, starts_at=t_start, ends_at=t_end,
                    min_staff=made_by.min_staff if made_by is not None else src.min_staff,
                    requirements=dict(src.requirements or {})))
                targets[(src.name, t_start)] = target
            taken = taken_by_shift.setdefault(target.id, set())
            for e in entries_by_shift.get(src.id, ()):
                if e.officer_id in taken:
                    continue  # already rostered there: nothing to copy
                name = names.get(e.officer_id, str(e.officer_id))
                absence = next((a for a in away if a.officer_id == e.officer_id
                                and a.starts_at < t_end and a.ends_at > t_start), None)
                if e.officer_id not in on_roll or absence is not None:
                    left_off.append(LeftOff(name, src.name, t_start,
                                            "off_roll" if absence is None else absence.kind))
                    continue
                unit_id = e.unit_id
                if unit_id is not None and unit_id not in in_service:
                    left_off.append(LeftOff(name, src.name, t_start, "unit_retired",
                                            call_signs.get(unit_id, str(unit_id))))
                    unit_id = None
                new = uow.add("roster.copy_week", "roster_entry", RosterEntry(
                    station_id=ctx.station_id, shift_id=target.id, officer_id=e.officer_id,
                    unit_id=unit_id, post_id=e.post_id, duty=e.duty, note=e.note))
                taken.add(e.officer_id)
                made.append(_entry(new, names))
        uow.commit()
        return WeekCopy(tuple(made), tuple(left_off))


def _check_rotation(s: Session, sources: list[Shift], shift_by: timedelta, to_monday: date
                    ) -> dict[tuple[int | None, str, datetime], ShiftSlot]:
    """Refuse to copy a pattern's shifts onto days where its rotation puts other teams on; else
    the shifts each pattern makes in the new week, by (pattern id, name, start).

    A 四班三运转 repeats every 8 days, not 7: a week copied two weeks on put the wrong team on 14
    of 21 shifts, and since the pattern knows its shifts by start and name it later skipped them,
    leaving zero-hour rests. Copying only the other entries would leave a week that looks done
    and is not, so nothing is copied and the chief is told to plan that week from the pattern."""
    pattern_ids = {x.pattern_id for x in sources if x.pattern_id is not None}
    made: dict[tuple[int | None, str, datetime], ShiftSlot] = {}
    if not pattern_ids:
        return made
    for p in s.scalars(select(ShiftPattern).where(ShiftPattern.id.in_(pattern_ids))
                       .order_by(ShiftPattern.id)):
        pattern = PatternDef.from_dict(p.kind, p.definition)
        # The day before: a night shift after midnight belongs to the evening before's duty day.
        slots = generate_shifts(pattern, to_monday - timedelta(days=1), to_monday + timedelta(days=7))
        made.update(((p.id, x.name, x.starts_at), x) for x in slots)
        teams = {(x.name, x.starts_at): x.team for x in slots}
        for src in sources:
            want = teams.get((src.name, src.starts_at + shift_by)) if src.pattern_id == p.id else None
            if want is not None and want != src.team:
                when = (src.starts_at + shift_by).astimezone(CHINA_TZ)
                raise ValidationError(
                    f"pattern {p.name} rotates every {pattern.period_days} days, not by whole "
                    f"weeks: copied {shift_by.days} days on, {src.name} {when:%m-%d %H:%M} would "
                    f"get team {src.team} instead of {want}. Nothing was copied; plan the week "
                    f"of {to_monday:%m-%d} from the pattern instead (Plan shifts…)", field="week")
    return made


# -- leave and training ----------------------------------------------------------------------
@service_action("roster.edit")
def add_absence(ctx: ServiceContext, officer_id: int, kind: str, starts_at: datetime,
                ends_at: datetime, note: str = "") -> AbsenceInfo:
    if kind not in ("leave", "training"):
        raise ValidationError(f"'{kind}' is not leave or training", field="kind")
    if ends_at <= starts_at:
        raise ValidationError("must end after it starts", field="ends_at")
    with ctx.uow() as uow:
        # The officer's row held until commit: leave typed at two seats at once is checked in
        # turn, and the second finds the first's days taken.
        o = uow.session.get(Officer, officer_id, with_for_update=True)
        if o is None or o.station_id != ctx.station_id:
            raise ValidationError(f"officer {officer_id} does not exist in this station",
                                  field="officer")
        _refuse_overlap(uow.session, o, starts_at, ends_at)
        a = uow.add("roster.absence_add", "officer_absence", OfficerAbsence(
            station_id=ctx.station_id, officer_id=officer_id, kind=kind, starts_at=starts_at,
            ends_at=ends_at, note=note))
        uow.commit()
        return _absence(a)


@service_action("roster.edit")
def remove_absence(ctx: ServiceContext, absence_id: int, version: int) -> Change:
    """Take back leave or training recorded by mistake or cancelled (销假); the audit keeps it."""
    with ctx.uow() as uow:
        a = uow.get(OfficerAbsence, absence_id, expected_version=version)
        uow.audit("roster.absence_remove", "officer_absence", a.id, {
            "officer_id": a.officer_id, "kind": a.kind, "starts_at": a.starts_at.isoformat(),
            "ends_at": a.ends_at.isoformat(), "note": a.note}, None)
        uow.changed("officer_absence", a.id, "deleted")
        uow.session.delete(a)
        return uow.commit()


def _refuse_overlap(s: Session, o: Officer, starts_at: datetime, ends_at: datetime) -> None:
    """Leave or training over days already recorded is refused, naming the record: two records of
    one absence (a leave typed twice, training inside a leave) counted twice in the ledgers and left
    the calendar cell showing only one of them."""
    other = s.scalar(select(OfficerAbsence).where(
        OfficerAbsence.officer_id == o.id, OfficerAbsence.starts_at < ends_at,
        OfficerAbsence.ends_at > starts_at).order_by(OfficerAbsence.starts_at).limit(1))
    if other is None:
        return
    first = other.starts_at.astimezone(CHINA_TZ)
    last = (other.ends_at - timedelta(seconds=1)).astimezone(CHINA_TZ)  # the last day it covers
    if other.kind == "leave":
        raise ValidationError(f"{o.name} is already on leave {first:%m-%d}–{last:%m-%d}: these days "
                              "overlap it", field="starts_at")
    raise ValidationError(f"{o.name} is already in training {first:%m-%d}–{last:%m-%d}: these days "
                          "overlap it", field="starts_at")


# -- rule thresholds --------------------------------------------------------------------------
RULES_KEY = "roster.rules"


@service_action("read")
def get_roster_rules(ctx: ServiceContext) -> RuleSet:
    """The station's rest and weekly-hours limits (8 h and 60 h until the chief sets others)."""
    with ctx.read() as s:
        row = s.get(Setting, (ctx.station_id, RULES_KEY))
        return RuleSet.from_dict(row.value if row is not None else None)


# roster.edit, not settings.edit (administrators only): the chief who plans the roster owns its limits.
@service_action("roster.edit")
def set_roster_rules(ctx: ServiceContext, min_rest_hours: float, max_hours_per_week: float, *,
                     expected: RuleSet | None = None) -> RuleSet:
    """expected: the limits the chief's form was opened on; refused, naming who changed them, if
    another seat has saved others since (the form would silently put back the one it did not touch)."""
    rules = RuleSet.from_dict({"min_rest_hours": min_rest_hours,
                               "max_hours_per_week": max_hours_per_week})
    with ctx.uow() as uow:
        row = uow.session.get(Setting, (ctx.station_id, RULES_KEY), with_for_update=True)
        before = dict(row.value) if row is not None else None
        stored = RuleSet.from_dict(before)
        if expected is not None and stored != expected:
            raise _rules_changed(uow.session, ctx.station_id, stored)
        if row is None:
            uow.session.add(Setting(station_id=ctx.station_id, key=RULES_KEY, value=rules.as_dict()))
        else:
            row.value = rules.as_dict()
        uow.audit("roster.rules", "setting", None, {"key": RULES_KEY, "value": before},
                  {"key": RULES_KEY, "value": rules.as_dict()})
        uow.changed("setting", None)  # every seat's roster re-checks with the new limits
        uow.commit()
    return rules


def _rules_changed(s: Session, station_id: int, stored: RuleSet) -> ConflictError:
    last = s.scalars(select(AuditEntry).where(
        AuditEntry.station_id == station_id, AuditEntry.action == "roster.rules")
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    rest, week = f"{stored.min_rest_hours:g}", f"{stored.max_hours_per_week:g}"
    if last is None:
        return ConflictError(f"the roster rules were changed by another seat since you opened them "
                             f"(at least {rest} h of rest, at most {week} h a week); your change "
                             "was not saved: save again to put yours over it", current=stored)
    when = local(last.at).strftime("%H:%M:%S")
    return ConflictError(f"the roster rules were changed by {last.username} at {last.workstation} "
                         f"({when}: at least {rest} h of rest, at most {week} h a week) since you "
                         "opened them; your change was not saved: save again to put yours over it",
                         current=stored)


# -- the calendar view ----------------------------------------------------------------------
@service_action("read")
def roster_view(ctx: ServiceContext, first: date, last: date, rules: RuleSet | None = None
                ) -> RosterView:
    """Shifts whose start falls on days first..last (China time) and every rule they break.

    Rest and weekly hours look a week either side, so a violation across the edge still shows.
    rules: the station's own limits (get_roster_rules) unless given.
    """
    if last < first:
        raise ValidationError("the period ends before it starts", field="last")
    with ctx.read() as s:
        return read_roster(s, ctx.station_id, first, last, rules)


def read_roster(s: Session, st: int, first: date, last: date, rules: RuleSet | None = None
                ) -> RosterView:
    """roster_view of one station inside a session already open (the roster ledger's export)."""
    start = datetime.combine(first, datetime.min.time(), CHINA_TZ)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), CHINA_TZ)
    ctx_shifts = list(s.scalars(select(Shift).where(
        Shift.station_id == st, Shift.starts_at >= start - timedelta(days=7),
        Shift.starts_at < end + timedelta(days=7)).order_by(Shift.starts_at, Shift.id)))
    ids = [x.id for x in ctx_shifts]
    entries = list(s.scalars(select(RosterEntry).where(RosterEntry.shift_id.in_(ids)))) if ids else []
    officers = list(s.scalars(select(Officer).where(Officer.station_id == st)))
    absences = list(s.scalars(select(OfficerAbsence).where(
        OfficerAbsence.station_id == st, OfficerAbsence.ends_at > start - timedelta(days=7),
        OfficerAbsence.starts_at < end + timedelta(days=7))))
    units = list(s.scalars(select(Unit).where(Unit.station_id == st)))
    posts = [(p.id, p.name) for p in s.scalars(select(Post).where(Post.station_id == st))]
    names = {o.id: o.name for o in officers}
    shift_infos = _as_patterns_ask(s, [_shift(x) for x in ctx_shifts])
    snap = RosterSnapshot(
        tuple(ShiftRef(x.id, x.name, x.starts_at, x.ends_at, x.team, x.min_staff, x.post_min)
              for x in shift_infos),
        tuple(EntryRef(e.id, e.shift_id, e.officer_id, e.duty, e.unit_id, e.post_id)
              for e in entries),
        tuple(OfficerRef(o.id, o.name, o.badge, o.kind, tuple(o.licences or ()), o.active)
              for o in officers),
        tuple(AbsenceRef(a.officer_id, a.kind, a.starts_at, a.ends_at, a.note) for a in absences),
        tuple(UnitRef(u.id, u.call_sign, u.seats, u.kind, u.standby) for u in units),
        tuple(posts),
    )
    if rules is None:
        row = s.get(Setting, (st, RULES_KEY))
        rules = RuleSet.from_dict(row.value if row is not None else None)
    in_view = {x.id for x in shift_infos if start <= x.starts_at < end}
    violations = _in_view(check_roster(snap, rules), in_view, shift_infos, entries)
    days = tuple(calendar_day(first + timedelta(days=i)) for i in range((last - first).days + 1))
    return RosterView(
        first, last,
        tuple(x for x in shift_infos if x.id in in_view),
        tuple(_entry(e, names) for e in entries if e.shift_id in in_view),
        # The calendar's rows: teams in their natural order (一组, 二组, 三组; 甲, 乙, 丙, 丁).
        tuple(_officer(o) for o in sorted(officers, key=lambda o: (team_sort_key(o.team), o.badge))),
        tuple(_absence(a) for a in absences),
        tuple((u.id, u.call_sign) for u in units),
        tuple(posts),
        violations,
        days,
        retired_units=frozenset(u.id for u in units if not u.active),
        standby_units=frozenset(u.id for u in units if u.standby),
        rules=rules,
    )


def _as_patterns_ask(s: Session, shifts: list[ShiftInfo]) -> list[ShiftInfo]:
    """Each pattern's shift with the staffing its pattern asks on its day today. Holidays come from
    the calendar tables: February 2027 planned before the tables held 2027 got an ordinary day's
    staffing (the roster said so), and once the console is updated its Spring Festival shifts
    need the holiday's extra hands without being planned again. (Patterns are never edited.)"""
    ids = {x.pattern_id for x in shifts if x.pattern_id is not None}
    if not ids:
        return shifts
    asked: dict[tuple[int, str, datetime], int] = {}
    first = min(x.starts_at for x in shifts).astimezone(CHINA_TZ).date() - timedelta(days=1)
    last = max(x.starts_at for x in shifts).astimezone(CHINA_TZ).date()
    for p in s.scalars(select(ShiftPattern).where(ShiftPattern.id.in_(ids))):
        for slot in pattern_shifts(PatternDef.from_dict(p.kind, p.definition), first, last):
            asked[(p.id, slot.name, slot.starts_at)] = slot.min_staff
    return [replace(x, min_staff=asked.get((x.pattern_id, x.name, x.starts_at), x.min_staff))
            if x.pattern_id is not None else x for x in shifts]


def _in_view(violations: list[Violation], in_view: set[int], shifts: list[ShiftInfo],
             entries: list[RosterEntry]) -> tuple[Violation, ...]:
    """The violations of the period: those of its shifts, and those with an entry on one of them.

    A week over the limit is named at its last shift and a short rest at the shift after it; across
    the period's edge (the week of 28 December ends on 3 January) that shift lies outside, and
    December's view said the month was clean. Shown there at its latest shift in the period."""
    starts = {x.id: x.starts_at for x in shifts}
    shift_of = {e.id: e.shift_id for e in entries}
    out = []
    for v in violations:
        if v.shift_id is None or v.shift_id in in_view:
            out.append(v)
            continue
        mine = [shift_of[i] for i in v.entry_ids if shift_of.get(i) in in_view]
        if mine:
            out.append(replace(v, shift_id=max(mine, key=lambda sid: (starts[sid], sid))))
    return tuple(out)


@service_action("read")
def get_shift(ctx: ServiceContext, shift_id: int) -> ShiftInfo:
    with ctx.read() as s:
        x = s.get(Shift, shift_id)
        if x is None or x.station_id != ctx.station_id:
            raise NotFound(f"shift {shift_id} does not exist")
        return _shift(x)


@service_action("read")
def shift_at(ctx: ServiceContext, at: datetime) -> ShiftInfo | None:
    """The shift running at `at` (the latest started, if several overlap), or the next one."""
    with ctx.read() as s:
        x = s.scalar(select(Shift).where(Shift.station_id == ctx.station_id, Shift.starts_at <= at,
                                         Shift.ends_at > at)
                     .order_by(Shift.starts_at.desc(), Shift.id).limit(1))
        if x is None:
            x = s.scalar(select(Shift).where(Shift.station_id == ctx.station_id, Shift.starts_at > at)
                         .order_by(Shift.starts_at, Shift.id).limit(1))
        return _shift(x) if x is not None else None
