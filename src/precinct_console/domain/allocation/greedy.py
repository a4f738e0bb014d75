"""Greedy placement with a swap pass: the instant fallback and the MILP's starting solution."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..travel import local_xy
from .coverage import CoverageModel, MergedRows

# The iterated search stops once this many rounds in a row found nothing better. On the
# 2,000-cell benchmark districts (seeds 1-4) the last improvement of 200 rounds came by round 80
# and improvements were at most 30 rounds apart; stopping there saves a third of the search,
# which runs ahead of the exact solver's start.
# Not extended by exact regional re-solves (the units within 2.5 km of one freed, the rest
# fixed, HiGHS on the rest: 50-150 ms each): on the 5,000-cell benchmark 15 of them moved the
# plan from 230.636 to 230.657 only. With 4.5 km regions, the one re-solve that found a better
# plan (231.546) freed 21 of the 30 units and took HiGHS 184 s (2026-12-06).
STALL_ROUNDS = 50
# Then rounds that place a unit and its nearest neighbours afresh, up to this many units: on the
# 5,000-cell benchmark districts random drops stall 0.4-0.6% short of what these reach (district
# 1: 230.636 against 231.582, with the optimum at 231.593; 2026-12-07).
REGION_UNITS = 6


def _gains(rows: MergedRows, c3: NDArray[np.int64], c5: NDArray[np.int64], lam: float
           ) -> NDArray[np.float64]:
    """Objective gained by adding one unit at each column, given current cover counts.

    Exact on a grid of powers of two (as fine as float32 allows for this district), whatever
    the machine: the terms are whole multiples of the grid step and every partial sum stays
    below 2**24, so float32 adds them without rounding, in any order. Plain float32 sums rounded ties
    differently by CPU (BLAS kernels add in different orders), so two seats proposed different
    plans for the same shift, and the benchmark's start moved between 95.943 and 95.882."""
    w = rows.weight
    # A first cover is worth 1 (plus the backup share if another unit already reaches in 5 min).
    first = w * (c3 == 0) * (1.0 + lam * (c5 >= 1))
    # A second unit within the backup time of an already covered row is worth the backup share.
    second = w * lam * ((c3 >= 1) & (c5 == 1))
    # Each product is below 2**23 steps (the rounding adds at most half a step a row), so
    # their sum is below 2**24.
    step = 2.0 ** np.ceil(np.log2(max(float(w.sum()) * (1.0 + lam), 1e-12) / 2.0**23))
    # float32 halves the memory traffic; gains only rank moves, each move is scored exactly.
    # Only rows still open to a first cover or a backup count (a good plan leaves a few in
    # ten), so the products read those rows alone; and kinds that reach the same cells in the
    # cover time share one product (a car and a motorbike do: half the cover columns repeat).
    a3u, a3_of_column = rows.a3f_distinct
    open1, open2 = np.flatnonzero(first), np.flatnonzero(second)
    by_cover = np.rint(first[open1] / step).astype(np.float32) @ a3u[open1]
    by_backup = np.rint(second[open2] / step).astype(np.float32) @ rows.a5f[open2]
    return (by_cover[a3_of_column] + by_backup).astype(np.float64) * step


class _State:
    def __init__(self, model: CoverageModel, rows: MergedRows,
                 counts: NDArray[np.int64] | None = None):
        self.m = model
        self.rows = rows
        self.x = (model.lower if counts is None else counts).copy()
        # Column-major copies, made once per search: adding a unit reads one column.
        self.a3i, self.a5i = rows.columns_int
        self.c3 = self.a3i @ self.x
        self.c5 = self.a5i @ self.x
        k, c = len(model.kinds), model.n_candidates
        self.left = model.units_per_kind - self.x.reshape(k, c).sum(axis=1)
        self.cap_left = model.capacity - self.x.reshape(k, c).sum(axis=0)

    def copy(self) -> _State:
        """A state to perturb; cheaper than recounting cover from the placement."""
        other = object.__new__(_State)
        other.m, other.rows, other.a3i, other.a5i = self.m, self.rows, self.a3i, self.a5i
        other.x, other.c3, other.c5 = self.x.copy(), self.c3.copy(), self.c5.copy()
        other.left, other.cap_left = self.left.copy(), self.cap_left.copy()
        return other

    def allowed(self) -> NDArray[np.bool_]:
        """Columns that can take one more unit: its kind has one left and the point has room."""
        return ((self.left[:, None] > 0) & (self.cap_left[None, :] > 0)).ravel()

    def add(self, col: int, sign: int = 1) -> None:
        k, j = self.m.split(col)
        self.x[col] += sign
        self.c3 += sign * self.a3i[:, col]
        self.c5 += sign * self.a5i[:, col]
        self.left[k] -= sign
        self.cap_left[j] -= sign

    def objective(self) -> float:
        once = self.c3 >= 1
        twice = once & (self.c5 >= 2)
        w = self.rows.weight
        return float(w[once].sum() + self.m.problem.backup_weight * w[twice].sum())

    def unmet(self) -> list[NDArray[np.bool_]]:
        """Column masks of must-constraints (key sites, zones) not yet met."""
        masks = []
        for reach in (*self.m.key_reach, *self.m.zone_cols):
            if not (reach & (self.x > 0)).any():
                masks.append(reach)
        return masks


def _fill(st: _State, rows: MergedRows, lam: float,
          rng: np.random.Generator | None = None) -> None:
    """Place the units still free: unmet key sites and zones first, then the best marginal gain."""
    # Most constrained requirement first, so a key site with one reaching point gets it.
    for reach in sorted(st.unmet(), key=lambda r: int(r.sum())):
        if (reach & (st.x > 0)).any():
            continue
        options = reach & st.allowed()
        if not options.any():
            continue
        gains = np.where(options, _gains(rows, st.c3, st.c5, lam), -np.inf)
        st.add(int(np.argmax(gains)))
    while st.left.sum() > 0:
        allowed = st.allowed()
        if not allowed.any():
            break  # more units than places; the rest stay where they are
        gains = np.where(allowed, _gains(rows, st.c3, st.c5, lam), -np.inf)
        if rng is None:
            st.add(int(np.argmax(gains)))
        else:
            # Randomised refill (one of the three best moves) lets the search leave the
            # greedy's own choices; the swap pass that follows repairs a poor pick.
            top = np.argsort(-gains, kind="stable")[:3]
            top = top[np.isfinite(gains[top])]
            st.add(int(rng.choice(top)))


def solve_greedy(model: CoverageModel, rows: MergedRows | None = None, *,
                 improve_rounds: int = 0, improve_seconds: float = 2.0,
                 seed: int = 7) -> tuple[NDArray[np.int64], bool]:
    """Units per column, and whether every must-constraint was met.

    Greedy, then single moves while they help; with improve_rounds, an iterated local search
    (drop a few units at random, refill among the best moves, move again; keep the best) that
    ends after improve_rounds or STALL_ROUNDS rounds without a better plan, then the same with a
    unit and its nearest neighbours dropped together. Rounds, not seconds,
    bound it and the seed is fixed, so the same problem always gives the same plan;
    improve_seconds is only a safety stop on a machine far slower than expected.
    """
    rows = rows if rows is not None else model.merged()
    lam = model.problem.backup_weight
    st = _State(model, rows)
    _fill(st, rows, lam)
    _swap_pass(st, rows, lam, max_sweeps=10)
    best = _Best(st, st.objective(), len(st.unmet()))
    if improve_rounds > 0:
        rng = np.random.default_rng(seed)
        deadline = time.perf_counter() + improve_seconds

        def at_random(free: NDArray[np.int64]) -> NDArray[np.int64] | None:
            if len(free) == 0:
                return None
            k = int(rng.integers(1, min(4, len(free)) + 1))
            return np.asarray(rng.choice(free, size=k, replace=False))

        best = _iterate(rows, lam, rng, best, at_random, improve_rounds, deadline)
        if REGION_UNITS >= 2:
            best = _iterate(rows, lam, rng, best, _nearby(model, rng), improve_rounds, deadline)
    return best.state.x.copy(), best.unmet == 0


class _Best(NamedTuple):
    state: _State
    objective: float
    unmet: int  # key sites and zones not met

    def beaten_by(self, other: _Best) -> bool:
        return (other.unmet, -other.objective) < (self.unmet, -self.objective - 1e-12)


def _iterate(rows: MergedRows, lam: float, rng: np.random.Generator, best: _Best,
             drop: Callable[[NDArray[np.int64]], NDArray[np.int64] | None], rounds: int,
             deadline: float) -> _Best:
    """Iterated local search from the best plan: drop the units `drop` picks among the free ones
    (None: nothing left to try), refill among the best moves, repair by single moves; keep the
    best. Ends after `rounds`, or STALL_ROUNDS rounds in a row without a better plan."""
    last_better = 0
    for round_ in range(rounds):
        if time.perf_counter() > deadline or round_ - last_better >= STALL_ROUNDS:
            break
        st = best.state.copy()
        cols = drop(np.repeat(np.arange(len(st.x)), st.x - st.m.lower))
        if cols is None:
            break
        for col in cols:
            st.add(int(col), -1)
        _fill(st, rows, lam, rng)
        # Repair until no single move helps (at most 5 sweeps): on 5,000 cells x 300 points
        # x 30 units, 100 rounds reach 231.6 this way against 230.0 with 2 sweeps.
        _swap_pass(st, rows, lam, max_sweeps=5)
        tried = _Best(st, st.objective(), len(st.unmet()))
        if best.beaten_by(tried):
            best, last_better = tried, round_ + 1
    return best


def _nearby(model: CoverageModel, rng: np.random.Generator
            ) -> Callable[[NDArray[np.int64]], NDArray[np.int64] | None]:
    """Where dropping units at random stalls: a unit and its nearest neighbours (2 to
    REGION_UNITS of them), so that refilling rearranges one part of the district as a whole."""
    p = model.problem
    lon = np.array([c.lon for c in p.candidates])
    lat = np.array([c.lat for c in p.candidates])
    px, py = local_xy(lon, lat, float(lon.mean()), float(lat.mean()))

    def drop(free: NDArray[np.int64]) -> NDArray[np.int64] | None:
        if len(free) < 2:
            return None
        points = free % model.n_candidates
        centre = points[int(rng.integers(len(free)))]
        k = int(rng.integers(2, min(REGION_UNITS, len(free)) + 1))
        near = np.argsort(np.hypot(px[points] - px[centre], py[points] - py[centre]), kind="stable")
        return free[near[:k]]

    return drop


def _swap_pass(st: _State, rows: MergedRows, lam: float, max_sweeps: int = 20) -> None:
    """Move one free unit at a time to the column where it adds most, while that helps.

    Bounded by sweeps, not time, so that the same problem always gives the same plan."""
    improved = True
    sweeps = 0
    while improved and sweeps < max_sweeps:
        sweeps += 1
        improved = False
        free_cols = np.nonzero(st.x - st.m.lower > 0)[0]
        before = st.objective()
        for col in free_cols:
            had_unmet = len(st.unmet())
            st.add(int(col), -1)
            allowed = st.allowed()
            for reach in st.unmet():
                allowed = allowed & reach  # the moved unit must keep what it alone satisfied
            gains = np.where(allowed, _gains(rows, st.c3, st.c5, lam), -np.inf)
            best = int(np.argmax(gains)) if allowed.any() else int(col)
            st.add(best)
            if best == col:
                continue  # back where it was: nothing to score
            after = st.objective()
            if after > before + 1e-9 and len(st.unmet()) <= had_unmet:
                improved = True
                before = after
            else:
                st.add(best, -1)
                st.add(int(col))
