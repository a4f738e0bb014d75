"""Crewing a team's units for a shift: who rides which patrol car, motorbike or foot patrol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .driving import may_drive, needed_class

# 双人巡逻: a unit goes out with two at least, one of them a 民警, as planning does by default.
DEFAULT_CREW_SIZE = 2


@dataclass(frozen=True)
class CrewUnit:
    id: int
    call_sign: str
    kind: str  # car | foot | motorbike | ebike | drone
    seats: int


@dataclass(frozen=True)
class CrewMember:
    id: int
    licences: tuple[str, ...]
    auxiliary: bool = False  # 辅警: never in a unit without a 民警


@dataclass(frozen=True)
class Crewing:
    """Each officer's unit (officers left out have none: every seat taken), the vehicles that
    have crew but nobody allowed to drive them, or that went without a crew for want of a driver,
    and the cars left in because the team had too few hands left to give them a whole crew."""

    unit_of: dict[int, int]
    no_driver: tuple[str, ...]
    short: tuple[str, ...] = ()
    alone: int = 0  # officers in no unit because no crew went out for them to join


def _room(u: CrewUnit) -> int:
    """A unit's seats; a drone (0 seats) still has its pilot."""
    return max(u.seats, 1)


def least_crew(u: CrewUnit, crew_size: int) -> int:
    """The fewest a unit goes out with: the crew size (双人巡逻: two), or all it seats when it
    seats fewer (a motorbike, an e-bike); a drone is flown by its pilot."""
    return 1 if u.kind == "drone" else max(1, min(crew_size, _room(u)))


def crew_units(officers: Sequence[CrewMember], units: Sequence[CrewUnit],
               previous: Mapping[int, int], crew_size: int = 1) -> Crewing:
    """Put the officers (in the station's stable order) in the units (in order of preference).

    First each officer keeps the unit he rode before (previous), while it has a seat. Then every
    vehicle whose crew has nobody allowed to drive it gets a driver: one not yet placed, else one
    taken from a crew that keeps its own driver, and a carried crew short of crew_size is made
    up from those not yet placed. Then the officers left form new crews, a unit at a time (a
    vehicle only with a driver of it, a 民警 in each, crew_size aboard; with crew_size over one,
    the units that seat a whole crew first): a unit for which too few are left stays in. No unit
    goes out with 辅警 alone or short of its crew, carried crews included: such a crew takes a
    民警 a crew can spare, or its members join other crews. The rest go to the units with the
    fewest aboard while seats last: crews as even as the team allows."""
    by_id = {u.id: u for u in units}
    if crew_size > 1:  # pairs before singles: a 民警 rides alone only when no pair is left to make
        units = sorted(units, key=lambda u: least_crew(u, crew_size) < min(crew_size, 2))
    crew: dict[int, list[CrewMember]] = {u.id: [] for u in units}
    free: list[CrewMember] = []
    for o in officers:
        uid = previous.get(o.id)
        if uid in by_id and len(crew[uid]) < _room(by_id[uid]):
            crew[uid].append(o)
        else:
            free.append(o)

    def drives(o: CrewMember, u: CrewUnit) -> bool:
        return may_drive(o.licences, u.kind)

    def driven(u: CrewUnit, members: Sequence[CrewMember]) -> bool:
        return needed_class(u.kind) is None or any(drives(m, u) for m in members)

    def scarcity(o: CrewMember) -> tuple[int, bool]:
        # The officer who may drive the fewest of the units is the one to spend: a motorbike
        # rider is kept for the motorbike, a 民警 before a 辅警.
        return sum(needed_class(u.kind) is not None and drives(o, u) for u in units), o.auxiliary

    # A carried crew that lost its driver (on leave, moved) gets one.
    for u in units:
        if not crew[u.id] or driven(u, crew[u.id]):
            continue
        spare = [o for o in free if drives(o, u)]
        if spare:
            pick = min(spare, key=scarcity)
            free.remove(pick)
            crew[u.id].insert(0, pick)
            continue
        for other in units:  # a crew with a second driver, or a unit that needs none, lends one
            if other.id == u.id:
                continue
            lend = [m for m in crew[other.id] if drives(m, u)
                    and driven(other, [x for x in crew[other.id] if x is not m])]
            if lend and len(crew[u.id]) < _room(u):
                pick = min(lend, key=scarcity)
                crew[other.id].remove(pick)
                crew[u.id].insert(0, pick)
                break
    # A vehicle still with nobody allowed to drive it (a drone whose pilot is away) stays in: its
    # crew joins the others, not kept aboard a unit they may not take out, shift after shift.
    wanting: list[str] = []
    for u in units:
        if crew[u.id] and not driven(u, crew[u.id]):
            free.extend(crew[u.id])
            crew[u.id] = []
            wanting.append(u.call_sign)
    # A carried crew short of hands (a crewmate away, a crew of one from before pairs were
    # asked) is made up first: 辅警 before 民警, who may start crews of their own.
    for u in units:
        while crew[u.id] and free and len(crew[u.id]) < least_crew(u, crew_size):
            pick = min(free, key=lambda o: (not o.auxiliary, scarcity(o)[0]))
            free.remove(pick)
            crew[u.id].append(pick)
    # A crew to each empty unit, in order, a vehicle only with someone allowed to drive it. A unit
    # goes out with a 民警 aboard or not at all: the roster rules refuse a crew of 辅警 alone
    # (roster_rules "auxiliaries may not patrol alone"), so a 辅警 driver takes a 民警 with him,
    # and once the 民警 run out the rest join the crews already formed. A unit that needs more
    # hands than are left stays in.
    short: list[str] = []
    for u in units:
        if not free:
            if not crew[u.id] and u.kind == "car":
                short.append(u.call_sign)
            continue
        sworn = [o for o in free if not o.auxiliary]
        if crew[u.id] or not (sworn or needed_class(u.kind) is not None):
            continue
        if needed_class(u.kind) is None:
            # Not a driver if a non-driver will do: the drivers are wanted for the vehicles.
            picks = [min(sworn, key=lambda o: scarcity(o)[0])]
        else:
            able = [o for o in free if drives(o, u)]
            if not able:
                wanting.append(u.call_sign)
                continue
            if not sworn:
                if u.kind == "car":
                    short.append(u.call_sign)  # a driver is there, the 民警 to go with him is not
                continue
            pick = min(able, key=scarcity)
            picks = [pick]
            if pick.auxiliary:
                if _room(u) < 2:
                    continue  # a 辅警 alone on a motorbike: not sent out
                picks.append(min(sworn, key=scarcity))
        need = least_crew(u, crew_size)
        if len(free) < need:
            if u.kind == "car":
                short.append(u.call_sign)
            continue
        rest = [o for o in free if o not in picks]
        # Made up with 辅警 first, then those who drive the fewest units: the 民警 and the
        # drivers left start the next crews.
        rest.sort(key=lambda o: (not o.auxiliary, scarcity(o)[0]))
        picks += rest[:max(0, need - len(picks))]
        for pick in picks:
            free.remove(pick)
            crew[u.id].append(pick)
    # A crew carried forward whose 民警 are all away that day takes one from a crew that keeps
    # another, or else its 辅警 join the crews that have one.
    for u in units:
        if not crew[u.id] or any(not m.auxiliary for m in crew[u.id]):
            continue
        donor = next((m for other in units if other.id != u.id
                      for m in crew[other.id]
                      if not m.auxiliary and sum(not x.auxiliary for x in crew[other.id]) > 1
                      and driven(other, [x for x in crew[other.id] if x is not m])), None)
        if donor is not None and len(crew[u.id]) < _room(u):
            for other in units:
                if donor in crew[other.id]:
                    crew[other.id].remove(donor)
            crew[u.id].append(donor)
        else:
            free.extend(crew[u.id])
            crew[u.id] = []
    # A crew still short of hands does not go out: its members join the crews that do.
    for u in units:
        if crew[u.id] and len(crew[u.id]) < least_crew(u, crew_size):
            free.extend(crew[u.id])
            crew[u.id] = []
            if u.kind == "car":
                short.append(u.call_sign)
    # The rest where fewest are aboard, a seat free; ties to the earlier unit.
    order = {u.id: i for i, u in enumerate(units)}
    for o in list(free):
        open_ = [u for u in units if crew[u.id] and len(crew[u.id]) < _room(u)]
        if not open_:
            break
        u = min(open_, key=lambda x: (len(crew[x.id]), order[x.id]))
        crew[u.id].append(o)
        free.remove(o)
    undriven = [u.call_sign for u in units if crew[u.id] and not driven(u, crew[u.id])]
    order_of = {u.call_sign: i for i, u in enumerate(units)}
    # Those still free found every crew's seats taken, or no crew at all to join.
    alone = len(free) if not any(crew.values()) else 0
    return Crewing({m.id: uid for uid, members in crew.items() for m in members},
                   tuple(dict.fromkeys([*undriven, *wanting])),
                   tuple(sorted({cs for cs in short if not any(
                       crew[u.id] for u in units if u.call_sign == cs)}, key=order_of.__getitem__)),
                   alone)
