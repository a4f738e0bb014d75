"""Crewing a team's units for a shift: who rides which patrol car, motorbike or foot patrol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .driving import may_drive, needed_class


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
    """Each officer's unit (officers left out have none: every seat taken), and the vehicles that
    have crew but nobody allowed to drive them, or that went without a crew for want of a driver."""

    unit_of: dict[int, int]
    no_driver: tuple[str, ...]


def _room(u: CrewUnit) -> int:
    """A unit's seats; a drone (0 seats) still has its pilot."""
    return max(u.seats, 1)


def crew_units(officers: Sequence[CrewMember], units: Sequence[CrewUnit],
               previous: Mapping[int, int]) -> Crewing:
    """Put the officers (in the station's stable order) in the units (in order of preference).

    First each officer keeps the unit he rode before (previous), while it has a seat. Then every
    vehicle whose crew has nobody allowed to drive it gets a driver: one not yet placed, else one
    taken from a crew that keeps its own driver. Then the officers left are spread one to a unit
    (a vehicle only to a driver of it, a 民警 before a 辅警) while a 民警 is left to go with
    each: no unit goes out with 辅警 alone, carried crews included. The rest go to the units
    with the fewest aboard while seats last: crews as even as the team allows."""
    by_id = {u.id: u for u in units}
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
    # One to each empty unit, in order, a vehicle only to someone allowed to drive it. A unit
    # goes out with a 民警 aboard or not at all: the roster rules refuse a crew of 辅警 alone
    # (roster_rules "auxiliaries may not patrol alone"), so a 辅警 driver takes a 民警 with him,
    # and once the 民警 run out the rest join the crews already formed.
    wanting: list[str] = []
    for u in units:
        if not free:
            break
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
                continue  # said of no vehicle: a driver is there, the 民警 to go with him is not
            pick = min(able, key=scarcity)
            picks = [pick]
            if pick.auxiliary:
                if _room(u) < 2:
                    continue  # a 辅警 alone on a motorbike: not sent out
                picks.append(min(sworn, key=scarcity))
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
    return Crewing({m.id: uid for uid, members in crew.items() for m in members},
                   tuple(dict.fromkeys([*undriven, *wanting])))
