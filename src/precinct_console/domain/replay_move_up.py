"""Move-ups in the what-if replay: the unit board's cover line followed as a duty officer would,
each time a unit of the plan goes out on a call or comes free again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .allocation.model import BACKUP_SECONDS, BACKUP_WEIGHT, COVER_SECONDS
from .allocation.move_up import MAX_MOVES, MIN_GAIN_SHARE, Point, Reach, choose_moves
from .travel import RUSH_HOURS, distance_m, travel_seconds, travel_seconds_matrix


@dataclass(frozen=True)
class ReplayMoveUps:
    """What the cover line needs of the plan: its expected demand, its points and its units."""

    demand: NDArray[np.float64]  # rows of lon, lat, expected incidents in the plan's hours
    points: tuple[Point, ...]
    own: Mapping[int, str]  # unit id -> the key of its point in the plan, for the plan's units
    pinned: frozenset[int] = frozenset()  # units the chief pinned: counted, never moved
    max_moves: int = MAX_MOVES
    min_gain_share: float = MIN_GAIN_SHARE


@dataclass(frozen=True)
class Seen:
    """A unit of the plan as the cover line sees it at a moment: free, where it stands (its
    point, a point it was moved to, or a timed duty's), and whether it may be moved."""

    unit_id: int
    kind: str
    lon: float
    lat: float
    movable: bool


# Remembered reach and choices, at most (past these the memory is cleared: a few tens of MB at
# most). Units are seen at the plan's points, so places repeat; whole states less often.
MAX_REMEMBERED_REACH = 4000
MAX_REMEMBERED_CHOICES = 20000


@dataclass
class MoveUpChooser:
    """Chooses the moves for the units seen; reach and choices are remembered, since the same
    few states come back all day (everyone at their points, one car out…)."""

    policy: ReplayMoveUps
    _reach: dict[tuple[float, float, str, bool], tuple[NDArray[np.bool_], NDArray[np.bool_]]] = field(default_factory=dict)
    _points: dict[tuple[str, bool], Reach] = field(default_factory=dict)
    _chosen: dict[tuple[object, ...], tuple[tuple[int, Point], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = np.asarray(self.policy.demand, float).reshape(-1, 3)
        self._lon, self._lat, self._w = d[:, 0], d[:, 1], d[:, 2]
        self._p_lon = np.array([p.lon for p in self.policy.points])
        self._p_lat = np.array([p.lat for p in self.policy.points])

    def is_plan_unit(self, unit_id: int) -> bool:
        return unit_id in self.policy.own

    def may_move(self, unit_id: int) -> bool:
        """Not pinned to its point by the chief (a unit at a timed duty is held by the replay)."""
        return unit_id in self.policy.own and unit_id not in self.policy.pinned

    def choose(self, seen: Sequence[Seen], hour: int) -> tuple[tuple[int, Point], ...]:
        """The cover line's moves (unit id, point) for the free units of the plan as seen."""
        if float(self._w.sum()) <= 0 or not self.policy.points or not seen:
            return ()
        key = (hour in RUSH_HOURS, tuple(seen))  # speeds differ only in rush hours
        if key not in self._chosen:
            if len(self._chosen) >= MAX_REMEMBERED_CHOICES:
                self._chosen.clear()
            self._chosen[key] = self._choose(seen, hour)
        return self._chosen[key]

    def _choose(self, seen: Sequence[Seen], hour: int) -> tuple[tuple[int, Point], ...]:
        n = len(self._w)
        r3 = np.zeros((len(seen), n), bool)
        r5 = np.zeros((len(seen), n), bool)
        for i, u in enumerate(seen):
            r3[i], r5[i] = self._unit_reach(u, hour)
        by_kind = {u.kind: self._point_reach(u.kind, hour) for u in seen if u.movable}
        chosen, _c3 = choose_moves(
            self._w, r3, r5, [(u.lon, u.lat) for u in seen],
            [u.kind if u.movable else None for u in seen], self.policy.points, by_kind,
            lambda i, xy, p: travel_seconds(distance_m(*xy, p.lon, p.lat), seen[i].kind, hour) / 60,
            backup_weight=BACKUP_WEIGHT, max_moves=self.policy.max_moves,
            min_gain_share=self.policy.min_gain_share)
        return tuple((seen[i].unit_id, self.policy.points[j]) for i, j, _m in chosen)

    def _unit_reach(self, u: Seen, hour: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        key = (u.lon, u.lat, u.kind, hour in RUSH_HOURS)
        if key not in self._reach:
            if len(self._reach) >= MAX_REMEMBERED_REACH:
                self._reach.clear()
            t = travel_seconds_matrix(np.array([u.lon]), np.array([u.lat]), self._lon, self._lat,
                                      u.kind, hour)[0]
            self._reach[key] = (t <= COVER_SECONDS, t <= BACKUP_SECONDS)
        return self._reach[key]

    def _point_reach(self, kind: str, hour: int) -> Reach:
        """The points' reach as 0/1 floats: the gains of each move multiply it by the demand,
        and a boolean matrix would be converted at every product (most of the replay's time)."""
        key = (kind, hour in RUSH_HOURS)
        if key not in self._points:
            t = travel_seconds_matrix(self._p_lon, self._p_lat, self._lon, self._lat, kind, hour)
            self._points[key] = ((t <= COVER_SECONDS).astype(float), (t <= BACKUP_SECONDS).astype(float))
        return self._points[key]
