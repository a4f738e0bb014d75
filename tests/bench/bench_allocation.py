"""Patrol allocation benchmark (issue 5): the exact MILP (merged rows, pair cuts, position space) against the plain one.

Targets: 2,000 demand cells x 200 candidate points x 16 units proven optimal (gap <= 0.1%) in
<= 2 s; 5,000 x 300 x 30 in <= 5 s. Reference in the same run: the plain formulation (one row
per cell, no merging, no pair cuts, a column per unit kind and point, HiGHS's default strong
branching, which suits it better than our pseudo-cost branching) given 60 s, and the greedy plan's coverage. The district is
synthetic but shaped like a station's (incident hot spots, four weeks of history, cars and
motorbikes). HiGHS searches its tree on one thread (a second takes the root's side tasks); the
machine is shared, so the time to proof is the median of PRECINCT_BENCH_REPEATS runs (3) and the
load average is printed next to it. Four more districts of each size (PRECINCT_BENCH_DISTRICTS)
are solved at the target to show the spread. Run numpy's BLAS on one thread: on a loaded machine
its worker threads spin, and the local search on 5,000 cells took 27 s instead of 0.9 s.
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m pytest tests/bench/bench_allocation.py -s -o addopts=""
PRECINCT_BENCH_REF_LIMIT lowers the reference's 60 s while iterating.
"""

from __future__ import annotations

import math
import os
import statistics
import time

import pytest

from precinct_console.domain.allocation import allocate, build_coverage
from precinct_console.domain.allocation.synthetic import synthetic_problem

REF_LIMIT = float(os.environ.get("PRECINCT_BENCH_REF_LIMIT", "60"))
REPEATS = int(os.environ.get("PRECINCT_BENCH_REPEATS", "3"))
PROVE_LIMIT = 60.0  # how long the merged model may run to show its time to proof
# More synthetic districts of the same size, solved at the target only: one district says little
# about a station's next one (on 2026-12-05 the 2,000-cell districts 2-5 took 5.6-25 s to proof
# where district 1 took 2.3 s).
OTHER_DISTRICTS = tuple(range(2, 2 + int(os.environ.get("PRECINCT_BENCH_DISTRICTS", "4"))))

CASES = [
    # label, cells, points, units, side of the district (km), target seconds
    ("2,000 x 200 x 16", 2000, 200, 16, 10.0, 2.0),
    ("5,000 x 300 x 30", 5000, 300, 30, 14.0, 5.0),
]


def _line(name: str, r) -> str:
    f = r.figures
    gap = "—" if r.method == "greedy" else f"{r.gap:.3%}"
    return (f"  {name:<30} {r.status:<11} gap {gap:>7}  {r.solve_seconds:7.2f} s  rows {r.merged_rows:>5}"
            f"  3-min {f.once_share:6.2%}  5-min backup {f.twice_share:6.2%}  objective {f.objective:9.3f}")


def _load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


@pytest.mark.timeout(1800)  # the reference's 60 s and up to 60 s for each district to prove
@pytest.mark.parametrize(("label", "cells", "points", "units", "side", "target"), CASES)
def test_exact_allocation_against_plain_milp_and_greedy(label, cells, points, units, side, target):
    problem = synthetic_problem(cells, points, units, seed=1, side_km=side)
    load_before = _load()
    t0 = time.perf_counter()
    model = build_coverage(problem)
    merged_rows = len(model.merged().weight)
    build_s = time.perf_counter() - t0
    greedy = allocate(problem, method="greedy")
    at_target = allocate(problem, time_limit=target)
    runs = [allocate(problem, time_limit=PROVE_LIMIT)]
    # A run stopped by the limit says nothing more when repeated: its time is the limit.
    while runs[0].status == "optimal" and len(runs) < REPEATS:
        runs.append(allocate(problem, time_limit=PROVE_LIMIT))
    merged = runs[0]
    median_s = statistics.median(r.solve_seconds for r in runs)
    plain = allocate(problem, time_limit=REF_LIMIT, merge=False, cuts=False, positions=False)
    print(f"\n{label} in a {side:g} km square; coverage matrices {build_s:.2f} s; "
          f"{cells} cells -> {merged_rows} merged rows; {load_before} (before), {_load()} (after); "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(_line("greedy + local search (start)", greedy))
    print(_line(f"exact, {target:g} s limit", at_target))
    print(_line(f"exact, {PROVE_LIMIT:g} s limit", merged))
    print(_line(f"plain MILP, {REF_LIMIT:g} s limit", plain))
    proved = all(r.status == "optimal" and r.gap <= 1e-3 for r in runs)
    times = ", ".join(f"{r.solve_seconds:.2f}" for r in runs)
    print(f"  target: proven optimal in <= {target:g} s: "
          f"{'MET' if proved and median_s <= target else 'NOT MET'}"
          f" (time to proof, median of {len(runs)}: {median_s:.2f} s [{times}]"
          + ("" if proved else ", not proven") + ")")
    if proved and plain.status == "optimal":
        print(f"  ratio plain/exact time to proof: {plain.solve_seconds / median_s:.1f}x"
              f"  (plain gap {plain.gap:.3%}, objective {plain.figures.objective:.3f})")
    else:
        # A time ratio says nothing when a run stopped at its limit: compare the gaps instead.
        print(f"  stopped at the limit: gap at {REF_LIMIT:g} s plain {plain.gap:.3%} against ours "
              f"{merged.gap:.3%} at {PROVE_LIMIT:g} s (objective plain {plain.figures.objective:.3f})")
    problems = [synthetic_problem(cells, points, units, seed=d, side_km=side) for d in OTHER_DISTRICTS]
    others = [allocate(p, time_limit=target) for p in problems]
    if others:
        within = sum(r.status == "optimal" and r.solve_seconds <= target for r in others)
        print(f"  districts {', '.join(map(str, OTHER_DISTRICTS))} at the {target:g} s limit: {within} of "
              f"{len(others)} proven; gaps " + ", ".join(f"{r.gap:.2%}" for r in others))
        # And how long each takes to prove (one run each), so the spread is not only gaps.
        proofs = [r if r.status == "optimal" else allocate(p, time_limit=PROVE_LIMIT)
                  for p, r in zip(problems, others, strict=True)]
        print("  their time to proof: " + ", ".join(
            f"{r.solve_seconds:.1f} s" if r.status == "optimal" else f"not in {PROVE_LIMIT:g} s ({r.gap:.2%})"
            for r in proofs))
    print(f"  greedy reaches {greedy.figures.objective / merged.figures.objective:.2%} of the exact plan "
          f"({greedy.figures.once_share:.2%} vs {merged.figures.once_share:.2%} covered in 3 min)")
    # What must hold whatever the machine: the exact plan is never worse than the greedy one,
    # and no plan beats a proven bound (merging and cuts are exact). Not the plan at the target
    # against the greedy: the local search stops at half the time limit, so on a slow machine
    # (2026-12-05) a 2 s limit cut it short of the start the unhurried greedy reached.
    assert merged.figures.objective >= greedy.figures.objective - 1e-9
    for plan in (plain, merged, at_target):
        for other in (plain, merged, at_target):
            if math.isfinite(other.bound):
                assert plan.figures.objective <= other.bound * (1 + 1e-6) + 1e-9
