"""Move-up (补位): with units of the plan out on calls, which free unit to send where so that the
shift's expected demand stays within reach, scored as the plan itself is (cover in 3 minutes,
backup in 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..travel import distance_m, distances_m, travel_seconds, travel_seconds_matrix
from .model import BACKUP_SECONDS, BACKUP_WEIGHT, COVER_SECONDS

# A move is only worth a radio call if it brings this share of the shift's expected demand
# back within reach (3% of 35 expected incidents is one incident in a shift).
MIN_GAIN_SHARE = 0.03
MAX_MOVES = 2
# A point this close to a unit is where it stands already; one this close to another counted
# unit is taken.
SAME_PLACE_M = 300.0


@dataclass(frozen=True)
class PlanUnit:
    """A unit of the plan in force, as it is now."""

    unit_id: int
    call_sign: str
    kind: str
    lon: float | None  # where it is now; None while it is out on a call or off duty
    lat: float | None
    movable: bool  # free, and not held by a timed duty under way
    order_key: str  # the point it is ordered to now, and where that is
    order_lon: float
    order_lat: float
    # Its own point in the plan, where a move-up order sent it elsewhere (else order_*).
    plan_key: str = ""
    plan_lon: float | None = None
    plan_lat: float | None = None
    # Why it may not move, where it may not: "busy" (on a call, off duty), "pinned" (by the
    # chief), "duty" (a timed duty under way); the duty officer is told which.
    held: str = ""


@dataclass(frozen=True)
class Point:
    key: str
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Move:
    unit_id: int
    call_sign: str
    point: Point
    minutes: float  # the drive there, setting off included
    back: bool  # to its own point in the plan
    # The point is its order already (its plan point, or where a move-up order sent it): the
    # crew needs telling, there is no order to give.
    already_ordered: bool = False
    order_key: str = ""  # the point it is ordered to as the move was worked out


@dataclass(frozen=True)
class CoverNow:
    # The share of expected demand covered in 3 minutes with every unit at its plan point, at
    # this hour's speeds (the plan's own figure is at its first hour's: rush hour is slower).
    planned_once: float
    once: float  # the same share with the units as they are now
    out: tuple[str, ...]  # units of the plan not counted: out on calls or off duty
    moves: tuple[Move, ...] = ()
    once_after: float = 0.0  # the share once the moves are made
    plan_id: int = 0  # the plan in force it is worked out on (0: none named)

    @property
    def short(self) -> bool:
        """Is the cover now visibly below the plan's (a point or more)?"""
        return self.once < self.planned_once - 0.01


def cover_now(demand: NDArray[np.float64], points: Sequence[Point], units: Sequence[PlanUnit],
              local_hour: int, *, cover_s: float = COVER_SECONDS,
              backup_s: float = BACKUP_SECONDS, backup_weight: float = BACKUP_WEIGHT,
              max_moves: int = MAX_MOVES, min_gain_share: float = MIN_GAIN_SHARE) -> CoverNow:
    """The cover of `demand` (rows of lon, lat, expected incidents) by the units where they are,
    and up to max_moves moves of free units to the plan's points, best first, each bringing at
    least min_gain_share of the demand back within reach (cover, plus backup at its weight)."""
    out = tuple(u.call_sign for u in units if u.lon is None or u.lat is None)
    here = [u for u in units if u.lon is not None and u.lat is not None]
    w = np.asarray(demand[:, 2], float) if len(demand) else np.zeros(0)
    total = float(w.sum())
    if total <= 0 or not units:
        return CoverNow(0.0, 0.0, out)
    d_lon, d_lat = demand[:, 0], demand[:, 1]

    def reach(lon: NDArray[np.float64], lat: NDArray[np.float64], kind: str
              ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        t = travel_seconds_matrix(lon, lat, d_lon, d_lat, kind, local_hour)
        return t <= cover_s, t <= backup_s

    planned = np.zeros(len(w), bool)
    for u in units:  # at the plan's points, not where move-up orders sent units since
        lon, lat = (u.plan_lon, u.plan_lat) if u.plan_key else (u.order_lon, u.order_lat)
        planned |= reach(np.array([lon]), np.array([lat]), u.kind)[0][0]
    planned_once = float(w[planned].sum()) / total
    if not here:
        return CoverNow(planned_once, 0.0, out)
    r3 = np.zeros((len(here), len(w)), bool)
    r5 = np.zeros((len(here), len(w)), bool)
    for i, u in enumerate(here):
        a3, a5 = reach(np.array([u.lon]), np.array([u.lat]), u.kind)
        r3[i], r5[i] = a3[0], a5[0]
    once = float(w[(r3.sum(axis=0)) >= 1].sum()) / total
    p_lon = np.array([p.lon for p in points])
    p_lat = np.array([p.lat for p in points])
    by_kind = {k: reach(p_lon, p_lat, k) for k in {u.kind for u in here if u.movable}} if points else {}
    where = [(float(u.lon), float(u.lat)) for u in here]  # type: ignore[arg-type]
    chosen, c3 = choose_moves(
        w, r3, r5, where, [u.kind if u.movable else None for u in here], points, by_kind,
        lambda i, xy, p: travel_seconds(distance_m(*xy, p.lon, p.lat), here[i].kind, local_hour) / 60,
        backup_weight=backup_weight, max_moves=max_moves, min_gain_share=min_gain_share)
    moves = [Move(here[i].unit_id, here[i].call_sign, points[j], minutes,
                  points[j].key == (here[i].plan_key or here[i].order_key),
                  points[j].key == here[i].order_key, here[i].order_key) for i, j, minutes in chosen]
    after = float(w[c3 >= 1].sum()) / total
    return CoverNow(planned_once, once, out, tuple(moves), after)


# Within the cover time, the backup time: as booleans, or as 0/1 floats (which multiply faster).
Reach = tuple[NDArray[np.bool_] | NDArray[np.float64], NDArray[np.bool_] | NDArray[np.float64]]


def choose_moves(w: NDArray[np.float64], r3: NDArray[np.bool_], r5: NDArray[np.bool_],
                 where: list[tuple[float, float]], movable_kinds: Sequence[str | None],
                 points: Sequence[Point], by_kind: Mapping[str, Reach],
                 minutes: Callable[[int, tuple[float, float], Point], float], *,
                 backup_weight: float = BACKUP_WEIGHT, max_moves: int = MAX_MOVES,
                 min_gain_share: float = MIN_GAIN_SHARE
                 ) -> tuple[list[tuple[int, int, float]], NDArray[np.int64]]:
    """The cover line's choice: up to max_moves moves (unit index, point index, minutes' drive),
    best gain first (cover plus backup at its weight), the nearer of equal ones first, each
    worth at least min_gain_share of the demand w; and the cover counts once they are made.

    r3, r5 (units x rows) are the units' reach where they are (`where`); movable_kinds gives
    each unit's kind, None for one that may not move; by_kind the points' reach by kind
    (points x rows, booleans or 0/1 floats). The
    unit board's cover line and the replay's move-ups both choose with it. r3, r5 and where
    are updated as the moves are made."""
    total = float(w.sum())
    c3, c5 = r3.sum(axis=0), r5.sum(axis=0)
    p_lon = np.array([p.lon for p in points])
    p_lat = np.array([p.lat for p in points])
    moves: list[tuple[int, int, float]] = []
    for _ in range(max_moves):
        best: tuple[float, float, int, int] | None = None  # gain, -minutes, unit, point
        movers = [i for i, kind in enumerate(movable_kinds)
                  if kind is not None and kind in by_kind and all(m[0] != i for m in moves)]
        if not movers:
            break
        # Points where a unit already is (or another unit): no move goes there.
        xy = np.array(where)
        near = np.asarray(distances_m(xy[:, :1], xy[:, 1:], p_lon[None, :], p_lat[None, :])
                          < SAME_PLACE_M, bool)
        taken = np.asarray(near.any(axis=0), bool)
        gains = _move_gains(w, c3, c5, r3, r5, movers, movable_kinds, by_kind, backup_weight)
        for row, i in enumerate(movers):
            for j in np.argsort(-gains[row], kind="stable")[:8]:  # the best few: most are far behind
                if taken[j]:
                    continue  # where it (or another unit) already is
                gain = float(gains[row, j])
                if best is None or gain >= best[0]:  # the drive only breaks ties
                    key = (gain, -minutes(i, where[i], points[int(j)]), i, int(j))
                    if best is None or key[:2] > best[:2]:
                        best = key
                break
        if best is None or best[0] < min_gain_share * total:
            break
        _gain, neg_minutes, i, j = best
        a3, a5 = by_kind[movable_kinds[i]]  # type: ignore[index]
        c3, c5 = c3 - r3[i] + (a3[j] > 0), c5 - r5[i] + (a5[j] > 0)
        r3[i], r5[i] = a3[j] > 0, a5[j] > 0
        where[i] = (points[j].lon, points[j].lat)
        moves.append((i, j, -neg_minutes))
    return moves, c3


def _move_gains(w: NDArray[np.float64], c3: NDArray[np.int64], c5: NDArray[np.int64],
                r3: NDArray[np.bool_], r5: NDArray[np.bool_], movers: list[int],
                kinds: Sequence[str | None], by_kind: Mapping[str, Reach], lam: float
                ) -> NDArray[np.float64]:
    """(movers x points): the change of the objective if each mover went to each point, all at
    once (one product per kind, not one per unit: the replay asks thousands of times)."""
    o3 = c3[None, :] - r3[movers]  # the cover counts without each mover
    o5 = c5[None, :] - r5[movers]
    once = o3 >= 1
    without = (w * once).sum(axis=1) + lam * (w * (once & (o5 >= 2))).sum(axis=1)
    first = w * (o3 == 0) * (1.0 + lam * (o5 >= 1))  # as _added, for each mover
    second = w * lam * (once & (o5 == 1))
    added = np.empty((len(movers), 0 if not by_kind else len(next(iter(by_kind.values()))[0])))
    for kind in {kinds[i] for i in movers}:
        rows = [n for n, i in enumerate(movers) if kinds[i] == kind]
        a3, a5 = by_kind[kind]  # type: ignore[index]
        added[rows] = first[rows] @ a3.T + second[rows] @ a5.T
    return np.asarray(added + (without - _objective(w, c3, c5, lam))[:, None], float)


def _objective(w: NDArray[np.float64], c3: NDArray[np.int64], c5: NDArray[np.int64], lam: float) -> float:
    once = c3 >= 1
    return float(w[once].sum() + lam * w[once & (c5 >= 2)].sum())


def _added(w: NDArray[np.float64], c3: NDArray[np.int64], c5: NDArray[np.int64],
           a3: NDArray[np.bool_] | NDArray[np.float64], a5: NDArray[np.bool_] | NDArray[np.float64],
           lam: float) -> NDArray[np.float64]:
    """For each point (rows of a3, a5): what one more unit there adds to the objective."""
    first = w * (c3 == 0) * (1.0 + lam * (c5 >= 1))  # covered now, and backed up if one was near
    second = w * lam * ((c3 >= 1) & (c5 == 1))  # a second unit within the backup time
    return np.asarray(a3 @ first + a5 @ second, float)


@dataclass(frozen=True)
class MoveOption:
    """One of the plan's points a unit could be sent to, and what the cover would be then."""

    point: Point
    minutes: float  # the drive there from where the unit is
    once_after: float  # the share of expected demand covered in 3 minutes with the unit there
    gain: float  # the change of the plan's objective (cover plus backup at its weight), per unit of demand
    back: bool  # its own point in the plan
    ordered: bool  # the point it is ordered to now


def move_options(demand: NDArray[np.float64], points: Sequence[Point], units: Sequence[PlanUnit],
                 unit_id: int, local_hour: int, *, cover_s: float = COVER_SECONDS,
                 backup_s: float = BACKUP_SECONDS, backup_weight: float = BACKUP_WEIGHT
                 ) -> tuple[MoveOption, ...]:
    """Every plan point for one unit (the duty officer's own choice of move-up), best cover first
    and the nearer of two equal ones first, with the other units counted as they are now. A unit
    out on a call or off duty drives from its order point."""
    unit = next(u for u in units if u.unit_id == unit_id)
    w = np.asarray(demand[:, 2], float) if len(demand) else np.zeros(0)
    total = float(w.sum())
    if total <= 0 or not points:
        return ()
    d_lon, d_lat = demand[:, 0], demand[:, 1]
    c3 = np.zeros(len(w), np.int64)
    c5 = np.zeros(len(w), np.int64)
    for u in units:
        if u.unit_id == unit_id or u.lon is None or u.lat is None:
            continue
        t = travel_seconds_matrix(np.array([u.lon]), np.array([u.lat]), d_lon, d_lat, u.kind, local_hour)[0]
        c3 += t <= cover_s
        c5 += t <= backup_s
    p_lon = np.array([p.lon for p in points])
    p_lat = np.array([p.lat for p in points])
    t = travel_seconds_matrix(p_lon, p_lat, d_lon, d_lat, unit.kind, local_hour)
    a3, a5 = t <= cover_s, t <= backup_s
    covered = float(w[c3 >= 1].sum())
    once_after = (covered + a3 @ (w * (c3 == 0))) / total
    gains = (_objective(w, c3, c5, backup_weight) + _added(w, c3, c5, a3, a5, backup_weight)) / total
    lon, lat = (unit.lon, unit.lat) if unit.lon is not None and unit.lat is not None \
        else (unit.order_lon, unit.order_lat)
    options = [
        MoveOption(p, travel_seconds(distance_m(lon, lat, p.lon, p.lat), unit.kind, local_hour) / 60,
                   float(once_after[j]), float(gains[j]), p.key == (unit.plan_key or unit.order_key),
                   p.key == unit.order_key)
        for j, p in enumerate(points)
    ]
    return tuple(sorted(options, key=lambda o: (-round(o.once_after, 4), -round(o.gain, 4), o.minutes,
                                                o.point.key)))
