"""Crewing the units of shifts planned with teams: each team rides the same units shift after shift."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.crews import DEFAULT_CREW_SIZE, Crewing, CrewMember, CrewUnit, crew_units
from ..storage.models import Officer, RosterEntry, Shift, Unit


@dataclass(frozen=True)
class CrewSummary:
    """What crewing the planned shifts did: crews formed (a unit with officers on one shift), and
    each vehicle that stayed in with nobody allowed to drive it (how many shifts)."""

    crews: int = 0
    no_driver: tuple[tuple[str, int], ...] = ()
    shifts: int = 0  # shifts crewed
    seatless: int = 0  # officer-shifts left out of every unit: all seats taken
    # Cars left in for want of hands (how many shifts): the team could not give them a full crew.
    short: tuple[tuple[str, int], ...] = ()
    alone: int = 0  # officer-shifts in no unit: too few on the shift to make a crew
    standby: tuple[str, ...] = ()  # the standby cars a patrol team was not given (standby_units)
    no_pilot: tuple[tuple[str, int], ...] = ()  # drones no one on the team may fly (how many shifts)
    unit_of: dict[tuple[int, int], int] = field(default_factory=dict, compare=False, repr=False)


def plan_crews(s: Session, station_id: int, shifts: Sequence[Shift],
               present: dict[int, list[int]], crew_size: int = DEFAULT_CREW_SIZE,
               duty: str = "patrol") -> CrewSummary:
    """The unit of each (shift id, officer id) for the officers present on each shift.

    Each team is first crewed as a whole: an officer keeps the unit he rode on the team's last
    shift before these (by hand or planned), the rest spread over the units in service. Each
    shift then takes that plan, less the officers away that day, their cars given another
    driver of the team; a unit another shift at the same time has crewed is not used.

    The station's standby cars (standby_units: marked so, or known by their crews) are kept for
    standby: a patrol team never gets one, whether the standby shifts of the period are planned
    before or after it; a standby team rides them only (any unit in service while the station
    has none yet), as many as it has hands for, no car named as left in for want of them."""
    if not shifts:
        return CrewSummary()
    made = {x.id for x in shifts}
    start, end = min(x.starts_at for x in shifts), max(x.ends_at for x in shifts)
    in_service = list(s.scalars(select(Unit).where(Unit.station_id == station_id,
                                                   Unit.active.is_(True)).order_by(Unit.call_sign)))
    kept = standby_units(s, station_id, start, end, made)
    if duty == "standby":
        in_service = [u for u in in_service if u.id in kept] or in_service
    else:
        in_service = [u for u in in_service if u.id not in kept]
    units = [CrewUnit(u.id, u.call_sign, u.kind, u.seats) for u in in_service]
    standby = tuple(u.call_sign for u in s.scalars(select(Unit).where(
        Unit.id.in_(kept), Unit.active.is_(True)).order_by(Unit.call_sign))) if duty != "standby" else ()
    if not units:
        return CrewSummary(standby=standby)
    officers = {o.id: CrewMember(o.id, tuple(o.licences or ()), o.kind == "auxiliary")
                for o in s.scalars(select(Officer).where(Officer.station_id == station_id))}
    # Units crewed on the station's other shifts over the period (a standby car, another
    # pattern's patrol): not given to these teams at the same time.
    busy = [(sh_start, sh_end, uid) for sh_id, sh_start, sh_end, uid in s.execute(
        select(Shift.id, Shift.starts_at, Shift.ends_at, RosterEntry.unit_id)
        .join(RosterEntry, RosterEntry.shift_id == Shift.id)
        .where(Shift.station_id == station_id, RosterEntry.unit_id.is_not(None),
               Shift.starts_at < end, Shift.ends_at > start)) if sh_id not in made]
    base: dict[str, Crewing] = {}
    for team in dict.fromkeys(x.team for x in shifts):
        first = min(x.starts_at for x in shifts if x.team == team)
        members = [officers[i] for x in shifts if x.team == team for i in present.get(x.id, [])]
        members = sorted(dict.fromkeys(members), key=lambda m: _order(s, m.id))
        base[team] = crew_units(members, units, _last_crews(s, station_id, team, first), crew_size)
    unit_of: dict[tuple[int, int], int] = {}
    crews = seatless = alone = 0
    wanting: dict[str, int] = {}
    short: dict[str, int] = {}
    for x in shifts:
        on = [officers[i] for i in present.get(x.id, [])]
        if not on:
            continue
        taken = {uid for a, b, uid in busy if a < x.ends_at and b > x.starts_at}
        plan = crew_units(on, [u for u in units if u.id not in taken], base[x.team].unit_of,
                          crew_size)
        for oid, uid in plan.unit_of.items():
            unit_of[(x.id, oid)] = uid
        crews += len(set(plan.unit_of.values()))
        seatless += len(on) - len(plan.unit_of) - plan.alone
        alone += plan.alone
        # The team's vehicles nobody in it may drive stay in on every shift: said for each.
        crewed = {u.call_sign for u in units if u.id in plan.unit_of.values()}
        idle = [cs for cs in base[x.team].no_driver if cs not in crewed]
        no_driver = dict.fromkeys([*plan.no_driver, *idle])
        for call_sign in no_driver:
            wanting[call_sign] = wanting.get(call_sign, 0) + 1
        for call_sign in plan.short:  # a car wanting a driver is said to want one, not hands
            # The standby cars serve every standby pattern (two by day, one by night): a standby
            # team takes as many as it has hands for, and leaves the rest in by design. Its
            # shifts short of hands are the roster's minimum-staff rule's to name.
            if call_sign not in no_driver and duty != "standby":
                short[call_sign] = short.get(call_sign, 0) + 1
    # A drone is flown, not driven: named apart, once with the shifts it stayed in.
    drones = {u.call_sign for u in units if u.kind == "drone"}
    return CrewSummary(crews, tuple(sorted((cs, n) for cs, n in wanting.items() if cs not in drones)),
                       len(shifts), seatless, tuple(sorted(short.items())), alone, standby,
                       tuple(sorted((cs, n) for cs, n in wanting.items() if cs in drones)),
                       unit_of=unit_of)


def standby_units(s: Session, station_id: int, start: datetime, end: datetime,
                  planned: Set[int] = frozenset()) -> set[int]:
    """The units kept for standby (备勤车) over start..end: those in service the chief marked as
    standby cars (Unit.standby), whatever their crews did, and, for the others, those a standby
    shift of the period rides and those whose last crewed shift in the weeks before was a
    standby one: a patrol car lent to standby once goes back to patrol as soon as a patrol crew
    rides it. The mark lets a new station, with no standby history yet, plan patrol first.
    planned: shifts being planned now, not yet a record of anything."""
    rows = s.execute(select(RosterEntry.unit_id, RosterEntry.duty, Shift.starts_at, Shift.id)
                     .join(Shift, RosterEntry.shift_id == Shift.id)
                     .where(Shift.station_id == station_id, RosterEntry.unit_id.is_not(None),
                            Shift.starts_at >= start - _STANDBY_LOOK_BACK, Shift.starts_at < end))
    kept: set[int] = set()
    last: dict[int, tuple[datetime, bool]] = {}
    for uid, duty, starts_at, sid in rows:
        if sid in planned or uid is None:
            continue
        if starts_at >= start:
            if duty == "standby":
                kept.add(uid)
        elif uid not in last or starts_at > last[uid][0]:
            last[uid] = (starts_at, duty == "standby")
    marked = set(s.scalars(select(Unit.id).where(Unit.station_id == station_id,
                                                 Unit.active.is_(True), Unit.standby.is_(True))))
    return marked | kept | {uid for uid, (_at, standby) in last.items() if standby}


def _order(s: Session, officer_id: int) -> str:
    o = s.get(Officer, officer_id)
    return o.badge if o is not None else ""


def _last_crews(s: Session, station_id: int, team: str, before: datetime) -> dict[int, int]:
    """Each officer's unit on the team's last shift before `before` that had crews; for one who
    was away on it (leave, a day off swapped), his unit on the team's shift before that one."""
    last = list(s.scalars(select(Shift.id).join(RosterEntry, RosterEntry.shift_id == Shift.id)
                          .where(Shift.station_id == station_id, Shift.team == team,
                                 Shift.starts_at < before, RosterEntry.unit_id.is_not(None))
                          .group_by(Shift.id, Shift.starts_at)
                          .order_by(Shift.starts_at.desc(), Shift.id.desc()).limit(_LOOK_BACK)))
    if not last:
        return {}
    newest = {sid: i for i, sid in enumerate(last)}
    out: dict[int, tuple[int, int]] = {}
    for sid, oid, uid in s.execute(select(RosterEntry.shift_id, RosterEntry.officer_id,
                                          RosterEntry.unit_id)
                                   .where(RosterEntry.shift_id.in_(last))):
        if uid is not None and (oid not in out or newest[sid] < out[oid][0]):
            out[oid] = (newest[sid], uid)
    return {oid: uid for oid, (_i, uid) in out.items()}


# How far back the station's standby shifts say which units are its standby cars: a month, so a
# standby rota of every other day or once a week is seen.
_STANDBY_LOOK_BACK = timedelta(days=28)
# The team's crewed shifts looked back over for an officer who was away on the last one: a
# 四班三运转 cycle (8 days, 6 shifts a team) and a fortnight's leave of a 24-hour team.
_LOOK_BACK = 8
