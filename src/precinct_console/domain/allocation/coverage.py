"""Who can reach what: coverage matrices per (unit kind, candidate) column, merged demand rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..travel import travel_seconds_matrix
from .model import AllocationProblem, CandidatePoint, CoverageFigures, KeySiteRequirement


@dataclass(frozen=True)
class MergedRows:
    """Demand rows with identical cover and backup sets, collapsed into one row each."""

    a3: NDArray[np.bool_]  # (groups, columns)
    a5: NDArray[np.bool_]
    weight: NDArray[np.float64]  # summed weights of the merged cells

    # Float copies made once: a bool matrix in a product is converted on every call, which
    # made the local search ten times slower on 5,000 cells.
    @cached_property
    def a3f(self) -> NDArray[np.float32]:
        return self.a3.astype(np.float32)

    @cached_property
    def a5f(self) -> NDArray[np.float32]:
        return self.a5.astype(np.float32)

    @cached_property
    def a3f_distinct(self) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
        """The distinct cover columns, and for each column the index of its copy among them."""
        packed = np.packbits(self.a3, axis=0)
        _, first, inverse = np.unique(packed.T, axis=0, return_index=True, return_inverse=True)
        return np.ascontiguousarray(self.a3f[:, first]), inverse.ravel()

    @cached_property
    def columns_int(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Column-major integer copies of a3 and a5 for the local search's column updates."""
        return (np.asfortranarray(self.a3, dtype=np.int64),
                np.asfortranarray(self.a5, dtype=np.int64))


@dataclass(frozen=True)
class CoverageModel:
    """The problem turned into arrays. A column is one (unit kind, candidate point) pair."""

    problem: AllocationProblem
    kinds: tuple[str, ...]
    units_per_kind: NDArray[np.int64]  # (kinds,)
    a3: NDArray[np.bool_]  # (demand, columns): reachable within the cover time
    a5: NDArray[np.bool_]  # (demand, columns): reachable within the backup time
    weight: NDArray[np.float64]  # (demand,)
    lower: NDArray[np.int64]  # (columns,): units the chief pinned there
    capacity: NDArray[np.int64]  # (candidates,)
    key_reach: NDArray[np.bool_]  # (key sites, columns)
    zone_cols: NDArray[np.bool_]  # (zones, columns)

    @property
    def n_candidates(self) -> int:
        return len(self.problem.candidates)

    @property
    def n_columns(self) -> int:
        return len(self.kinds) * self.n_candidates

    def column(self, kind_index: int, candidate_index: int) -> int:
        return kind_index * self.n_candidates + candidate_index

    def split(self, column: int) -> tuple[int, int]:
        return divmod(column, self.n_candidates)

    def merged(self, *, drop_uncoverable: bool = True) -> MergedRows:
        """Identical rows give identical constraints, so one row with the summed weight is exact."""
        keep = self.weight > 0
        if drop_uncoverable:
            # A cell no column reaches in the cover time can never count (backup needs cover).
            keep &= self.a3.any(axis=1)
        a3, a5, w = self.a3[keep], self.a5[keep], self.weight[keep]
        if len(w) == 0:
            cols = self.n_columns
            return MergedRows(np.zeros((0, cols), bool), np.zeros((0, cols), bool), np.zeros(0))
        packed = np.packbits(np.concatenate([a3, a5], axis=1), axis=1)
        row_view = np.ascontiguousarray(packed).view(
            np.dtype((np.void, packed.dtype.itemsize * packed.shape[1]))
        ).ravel()
        _, first, inverse = np.unique(row_view, return_index=True, return_inverse=True)
        weight = np.asarray(np.bincount(inverse.ravel(), weights=w, minlength=len(first)), float)
        return MergedRows(a3[first], a5[first], weight)

    def unmerged(self) -> MergedRows:
        """The plain formulation: one row per demand cell (the benchmark's reference)."""
        return MergedRows(self.a3, self.a5, self.weight)

    def figures(self, counts: NDArray[np.int64]) -> CoverageFigures:
        """Coverage figures of a placement given as units per column."""
        x = np.asarray(counts, dtype=np.int64)
        c3 = self.a3.astype(np.int64) @ x
        c5 = self.a5.astype(np.int64) @ x
        once_mask = c3 >= 1
        twice_mask = once_mask & (c5 >= 2)
        once = float(self.weight[once_mask].sum())
        twice = float(self.weight[twice_mask].sum())
        key_met = int((self.key_reach.astype(np.int64) @ x >= 1).sum()) if len(self.key_reach) else 0
        zones_met = int((self.zone_cols.astype(np.int64) @ x >= 1).sum()) if len(self.zone_cols) else 0
        return CoverageFigures(
            total_demand=float(self.weight.sum()),
            covered_once=once,
            covered_twice=twice,
            objective=once + self.problem.backup_weight * twice,
            key_sites_met=key_met,
            key_sites_total=len(self.problem.key_sites),
            zones_met=zones_met,
            zones_total=len(self.problem.zones),
        )


def _lonlat(points: tuple) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # type: ignore[type-arg]
    return (np.fromiter((p.lon for p in points), float, len(points)),
            np.fromiter((p.lat for p in points), float, len(points)))


def build_coverage(problem: AllocationProblem) -> CoverageModel:
    """Validate the problem and compute the reach of every (kind, candidate) column."""
    if not problem.units:
        raise ValidationError("no units are on this shift; nothing to allocate", field="units")
    if not problem.candidates:
        raise ValidationError(
            "no candidate points (posts, police rooms, must-patrol points or zone centres)",
            field="candidates",
        )
    if problem.backup_seconds < problem.cover_seconds:
        raise ValidationError("the backup time must not be shorter than the cover time",
                              field="backup_seconds")
    index = {}
    for i, c in enumerate(problem.candidates):
        if c.key in index:
            raise ValidationError(f"candidate point '{c.key}' is listed twice", field="candidates")
        index[c.key] = i
    for row, d in enumerate(problem.demand, start=1):
        if not np.isfinite(d.weight) or d.weight < 0:
            raise ValidationError(f"expected incidents of cell {d.id} must be a number >= 0",
                                  field="weight", row=row)
    kinds = tuple(sorted({u.kind for u in problem.units}))
    kind_index = {k: i for i, k in enumerate(kinds)}
    n_cand = len(problem.candidates)
    n_cols = len(kinds) * n_cand
    units_per_kind = np.zeros(len(kinds), np.int64)
    lower = np.zeros(n_cols, np.int64)
    for u in problem.units:
        units_per_kind[kind_index[u.kind]] += 1
        if u.pinned_to is not None:
            if u.pinned_to not in index:
                raise ValidationError(
                    f"unit {u.call_sign} is pinned to '{u.pinned_to}', which is not a candidate point",
                    field="pinned_to",
                )
            lower[kind_index[u.kind] * n_cand + index[u.pinned_to]] += 1
    capacity = np.array([max(1, c.capacity) for c in problem.candidates], np.int64)
    pinned_per_point = lower.reshape(len(kinds), n_cand).sum(axis=0)
    capacity = np.maximum(capacity, pinned_per_point)

    c_lon, c_lat = _lonlat(problem.candidates)
    d_lon, d_lat = _lonlat(problem.demand)
    s_lon, s_lat = _lonlat(problem.key_sites)
    a3_parts, a5_parts, key_parts = [], [], []
    for kind in kinds:
        if len(problem.demand):
            t = travel_seconds_matrix(c_lon, c_lat, d_lon, d_lat, kind, problem.local_hour).T
        else:
            t = np.zeros((0, n_cand))
        a3_parts.append(t <= problem.cover_seconds)
        a5_parts.append(t <= problem.backup_seconds)
        if problem.key_sites:
            ts = travel_seconds_matrix(c_lon, c_lat, s_lon, s_lat, kind, problem.local_hour).T
            key_parts.append(ts <= np.array([s.seconds for s in problem.key_sites])[:, None])
        else:
            key_parts.append(np.zeros((0, n_cand), bool))
    key_reach = np.concatenate(key_parts, axis=1)
    for i, site in enumerate(problem.key_sites):
        if not key_reach[i].any():
            raise ValidationError(
                f"key site {site.name} cannot be reached within {site.seconds:.0f} s from any "
                "candidate point; add a post or must-patrol point near it, or drop the requirement",
                field="key_sites",
            )
    zone_cols = np.zeros((len(problem.zones), n_cols), bool)
    for zi, zone in enumerate(problem.zones):
        in_zone = np.array([zone.zone_id in c.zones for c in problem.candidates], bool)
        if not in_zone.any():
            raise ValidationError(
                f"zone {zone.name} has no candidate point inside it; add a zone centre or post",
                field="zones",
            )
        zone_cols[zi] = np.tile(in_zone, len(kinds))
    weight = np.fromiter((d.weight for d in problem.demand), float, len(problem.demand))
    return CoverageModel(
        problem=problem,
        kinds=kinds,
        units_per_kind=units_per_kind,
        a3=np.concatenate(a3_parts, axis=1),
        a5=np.concatenate(a5_parts, axis=1),
        weight=weight,
        lower=lower,
        capacity=capacity,
        key_reach=key_reach,
        zone_cols=zone_cols,
    )


def reachable_key_sites(candidates: Sequence[CandidatePoint], sites: Sequence[KeySiteRequirement],
                        kinds: Sequence[str], local_hour: int) -> set[int]:
    """Ids of the key sites some candidate point reaches within the site's ring, by any of the
    unit kinds: the others cannot be required (the chief should see that before proposing)."""
    if not candidates or not sites:
        return set()
    c_lon, c_lat = _lonlat(tuple(candidates))
    s_lon, s_lat = _lonlat(tuple(sites))
    ring = np.array([s.seconds for s in sites])
    reach = np.zeros(len(sites), bool)
    for kind in kinds:
        t = travel_seconds_matrix(c_lon, c_lat, s_lon, s_lat, kind, local_hour).T
        reach |= (t <= ring[:, None]).any(axis=1)
    return {s.id for s, ok in zip(sites, reach, strict=True) if ok}
