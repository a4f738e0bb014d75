"""Entry points: allocate units for a shift, and score a placement the chief edited by hand."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..travel import distance_m
from .coverage import CoverageModel, build_coverage
from .greedy import solve_greedy
from .milp import finish_milp, prepare_milp
from .model import AllocationProblem, AllocationResult, CoverageFigures, UnitPlacement

# Local-search rounds for a problem of 1e7 (rows x columns x units) work units and less; bigger
# problems get proportionally fewer (at least a few), so the search costs about a second here.
# A better start shortens the proof: on 2,000 cells x 200 points x 16 units, 40 rounds start
# HiGHS at 95.61 and it proves in ~25 s; 200 rounds reach the optimum 95.94 (on every machine
# since ties are broken the same everywhere; other seeds give 95.88), and from the optimum HiGHS
# proves about twice as fast as from 95.88 (5.8 s against 9.4 s on 2026-12-03).
IMPROVE_WORK = 2.0e9
MAX_ROUNDS, MIN_ROUNDS = 200, 4


def improve_rounds(rows: int, columns: int, units: int) -> int:
    work = max(1, rows * columns * units)
    return int(min(MAX_ROUNDS, max(MIN_ROUNDS, IMPROVE_WORK // work)))


def allocate(
    problem: AllocationProblem,
    *,
    method: str = "milp",
    time_limit: float = 30.0,
    mip_gap: float = 1e-3,
    merge: bool = True,
    cuts: bool = True,
    positions: bool = True,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[float, float, float], None] | None = None,
) -> AllocationResult:
    """Place every unit. "milp" proves optimality (to mip_gap) or reports its gap at time_limit.

    merge=False, cuts=False and positions=False give the plain formulation, the benchmark's
    reference, solved with HiGHS's default (strong) branching, which suits it best."""
    if method not in ("milp", "greedy"):
        raise ValidationError(f"unknown method '{method}' (milp or greedy)", field="method")
    t0 = time.perf_counter()
    forecast = problem
    if problem.demand and not any(c.weight > 0 for c in problem.demand):
        # Nothing to forecast from (a new station's first plan): every placement covers nothing,
        # all tie, and the solver stacked two cars on one post with a patrol zone left empty.
        # Counting each micro grid alike spreads the units to reach as much of the jurisdiction
        # as they can; the figures stay those of the forecast, which expects nothing.
        problem = dataclasses.replace(problem, demand=tuple(
            dataclasses.replace(c, weight=1.0) for c in problem.demand))
    model = build_coverage(problem)
    scored = model if forecast is problem else build_coverage(forecast)
    rows = model.merged() if merge else model.unmerged()
    # Rounds, not the clock, bound the local search so a plan is reproducible; the clock is only
    # a safety stop for a slow seat or a short limit (0.9-2 s for 2,000 cells, by machine). It
    # leaves the exact solver half the limit, so that even a short solve proves a bound.
    search_rows = rows if merge else model.merged()

    def local_search() -> tuple[NDArray[np.int64], bool]:
        return solve_greedy(
            model, search_rows, improve_seconds=0.5 * time_limit,
            improve_rounds=improve_rounds(len(search_rows.weight), model.n_columns,
                                          len(problem.units)))

    notes: list[str] = []
    if method == "greedy":
        counts, feasible = local_search()
        if not feasible:
            notes.append("greedy could not meet every key-site and zone requirement")
        return AllocationResult(
            _placements(model, counts), scored.figures(counts), "greedy", "greedy", float("nan"),
            float("nan"), time.perf_counter() - t0, len(problem.demand), len(rows.weight),
            tuple(notes),
        )
    # The exact model and its cut rounds need no start: they run on a second thread while the
    # local search finds one (HiGHS lets go of Python's lock), so both cost the longer one's time
    # (on the 2,000-cell benchmark the cut rounds, 0.4-0.6 s, used to come after the search).
    with ThreadPoolExecutor(1, thread_name_prefix="allocation-model") as pool:
        pending = pool.submit(prepare_milp, model, rows,
                              time_limit=max(0.1, time_limit - (time.perf_counter() - t0)),
                              cut_rounds=8 if cuts else 0, positions=positions,
                              should_stop=should_stop)
        counts, feasible = local_search()
        prepared = pending.result()
    greedy_counts = counts
    plain = not (merge or cuts or positions)  # the benchmark's reference, as HiGHS takes it
    greedy_obj = model.figures(counts).objective
    outcome = finish_milp(
        prepared, time_limit=max(0.1, time_limit - (prepared.started - t0)), mip_gap=mip_gap,
        start=counts if feasible else None, should_stop=should_stop, on_progress=on_progress,
        strong_branching=plain, objective_cutoff=not plain,
    )
    counts = outcome.counts
    figures = model.figures(counts)
    if figures.objective + 1e-9 < greedy_obj and feasible:
        notes.append("the solver stopped before beating the greedy plan; the greedy plan is kept")
        counts = greedy_counts
        figures = model.figures(counts)
    if outcome.status != "optimal" and outcome.gap == outcome.gap:
        notes.append(f"stopped early ({outcome.status}); the plan is within {outcome.gap:.1%} "
                     "of the best possible")
    elif outcome.status != "optimal":
        notes.append(f"stopped early ({outcome.status}) before any bound was proven; "
                     "give the solver more time to know how far from the best this plan is")
    return AllocationResult(
        _placements(model, counts), scored.figures(counts), "milp", outcome.status, outcome.gap, outcome.bound,
        time.perf_counter() - t0, len(problem.demand), outcome.rows, tuple(notes),
    )


def _placements(model: CoverageModel, counts: NDArray[np.int64]) -> tuple[UnitPlacement, ...]:
    """Hand the slots of each kind to its units: pinned ones first, then nearest unit first."""
    p = model.problem
    slots: dict[str, list[int]] = {}
    for col in np.nonzero(counts)[0]:
        k, j = model.split(int(col))
        slots.setdefault(model.kinds[k], []).extend([j] * int(counts[col]))
    index = {c.key: i for i, c in enumerate(p.candidates)}
    result: list[UnitPlacement] = []
    for kind in model.kinds:
        free = list(slots.get(kind, []))
        units = [u for u in p.units if u.kind == kind]
        pending = []
        for u in units:
            if u.pinned_to is not None and index[u.pinned_to] in free:
                free.remove(index[u.pinned_to])
                result.append(_placement(p, u, index[u.pinned_to], pinned=True))
            else:
                pending.append(u)
        # Nearest unit to the nearest slot, repeatedly: short, predictable moves at shift start.
        pairs = []
        for u in pending:
            for s_i, j in enumerate(free):
                c = p.candidates[j]
                d = distance_m(u.lon, u.lat, c.lon, c.lat) if u.lon is not None and u.lat is not None else 0.0
                pairs.append((d, u.id, s_i, u, j))
        pairs.sort(key=lambda t: (t[0], t[1], t[2]))
        used_units: set[int] = set()
        used_slots: set[int] = set()
        for _d, uid, s_i, u, j in pairs:
            if uid in used_units or s_i in used_slots:
                continue
            used_units.add(uid)
            used_slots.add(s_i)
            result.append(_placement(p, u, j, pinned=False))
    result.sort(key=lambda pl: pl.call_sign)
    return tuple(result)


def _placement(p: AllocationProblem, u, j: int, *, pinned: bool) -> UnitPlacement:  # type: ignore[no-untyped-def]
    c = p.candidates[j]
    return UnitPlacement(u.id, u.call_sign, c.key, c.name, c.lon, c.lat, pinned)


def evaluate_placements(problem: AllocationProblem, placements: Mapping[int, str]) -> CoverageFigures:
    """Coverage of a plan given as unit id -> candidate key (a chief's edit of a proposal)."""
    model = build_coverage(problem)
    index = {c.key: i for i, c in enumerate(problem.candidates)}
    kinds = {k: i for i, k in enumerate(model.kinds)}
    units = {u.id: u for u in problem.units}
    counts = np.zeros(model.n_columns, np.int64)
    for unit_id, key in placements.items():
        if unit_id not in units:
            raise ValidationError(f"unit {unit_id} is not on this shift", field="unit")
        if key not in index:
            raise ValidationError(
                f"'{key}' is not a candidate point for unit {units[unit_id].call_sign}",
                field="candidate",
            )
        counts[model.column(kinds[units[unit_id].kind], index[key])] += 1
    # A hand edit may stack units on a point the solver would not (two cars on one post).
    by_point = counts.reshape(len(model.kinds), model.n_candidates).sum(axis=0)
    for j in np.nonzero(by_point > model.capacity)[0]:
        point = problem.candidates[int(j)]
        signs = sorted(units[u].call_sign for u, key in placements.items() if key == point.key)
        raise ValidationError(
            f"{len(signs)} units ({', '.join(signs)}) are placed at {point.name}, which holds at "
            f"most {int(model.capacity[j])}", field="candidate")
    return model.figures(counts)
