"""Move-up (补位) benchmark: the unit board's cover line, worked out at most every 5 s off the GUI
thread, on the largest district the allocation benchmark uses (5,000 cells x 300 points x 30
units, six of them out on calls) and on a demo-sized one; and the duty officer's own choice
(Ctrl+M): every point of the plan for one unit with the cover it would give there.

Reference in the same run: the obvious way, which scores every (free unit, point) move by
counting the cover afresh; both must suggest the same first move.
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m pytest tests/bench/bench_move_up.py -s -o addopts=""
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

from precinct_console.domain.allocation.model import BACKUP_SECONDS, BACKUP_WEIGHT, COVER_SECONDS
from precinct_console.domain.allocation.move_up import PlanUnit, Point, cover_now
from precinct_console.domain.allocation.synthetic import synthetic_problem
from precinct_console.domain.travel import travel_seconds_matrix

HOUR = 10
CASES = [("demo-sized: 300 cells x 35 points x 6 units", 300, 35, 6, 4.0),
         ("5,000 cells x 300 points x 30 units", 5000, 300, 30, 14.0)]


def _district(cells: int, points: int, units: int, side: float
              ) -> tuple[np.ndarray, list[Point], list[PlanUnit]]:
    p = synthetic_problem(cells, points, units, seed=1, side_km=side)
    demand = np.array([[d.lon, d.lat, d.weight] for d in p.demand])
    pts = [Point(c.key, c.name, c.lon, c.lat) for c in p.candidates]
    rng = np.random.default_rng(1)
    plan = []
    for i, u in enumerate(p.units):
        at = pts[int(rng.integers(len(pts)))]
        out = i % 5 == 0  # every fifth unit out on a call
        plan.append(PlanUnit(u.id, u.call_sign, u.kind, None if out else at.lon, None if out else at.lat,
                             not out, at.key, at.lon, at.lat))
    return demand, pts, plan


def _best_move_by_recount(demand: np.ndarray, pts: list[Point], units: list[PlanUnit]) -> tuple[int, str]:
    """The reference: for every free unit and every point, move it there and count the cover."""
    w = demand[:, 2]
    here = [u for u in units if u.lon is not None]

    def reach(lon: float, lat: float, kind: str) -> tuple[np.ndarray, np.ndarray]:
        t = travel_seconds_matrix(np.array([lon]), np.array([lat]), demand[:, 0], demand[:, 1], kind, HOUR)[0]
        return t <= COVER_SECONDS, t <= BACKUP_SECONDS

    def objective(where: list[tuple[float, float]]) -> float:
        c3 = np.zeros(len(w), int)
        c5 = np.zeros(len(w), int)
        for u, (lon, lat) in zip(here, where, strict=True):
            a3, a5 = reach(lon, lat, u.kind)
            c3 += a3
            c5 += a5
        return float(w[c3 >= 1].sum() + BACKUP_WEIGHT * w[(c3 >= 1) & (c5 >= 2)].sum())

    now = [(float(u.lon), float(u.lat)) for u in here]  # type: ignore[arg-type]
    best = (objective(now), -1, "")
    for i, u in enumerate(here):
        for p in pts:
            moved = [*now[:i], (p.lon, p.lat), *now[i + 1:]]
            score = objective(moved)
            if score > best[0] + 1e-9:
                best = (score, u.unit_id, p.key)
    return best[1], best[2]


@pytest.mark.parametrize(("label", "cells", "points", "units", "side"), CASES)
def test_the_cover_line_against_recounting_every_move(label, cells, points, units, side):
    demand, pts, plan = _district(cells, points, units, side)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        cover = cover_now(demand, pts, plan, HOUR)
        times.append(time.perf_counter() - t0)
    ours = statistics.median(times)
    t0 = time.perf_counter()
    ref_unit, ref_point = _best_move_by_recount(demand, pts, plan)
    ref = time.perf_counter() - t0
    print(f"\n{label}: cover line {ours * 1000:.1f} ms (median of 5; max {max(times) * 1000:.1f} ms), "
          f"recounting every move {ref * 1000:.0f} ms, ratio {ref / ours:.0f}x; "
          f"cover now {cover.once:.1%} of as planned {cover.planned_once:.1%}, "
          f"{len(cover.moves)} move(s) back to {cover.once_after:.1%}")
    # The first move is the best single move, unless the best is onto a place a unit holds.
    assert cover.moves, "units are out: a move should help"
    first = cover.moves[0]
    assert (first.unit_id, first.point.key) == (ref_unit, ref_point)


def _options_by_recount(demand: np.ndarray, pts: list[Point], units: list[PlanUnit], unit_id: int
                        ) -> list[float]:
    """The reference for the duty officer's own choice: the cover with the unit at each point,
    counted afresh."""
    w = demand[:, 2]
    shares = []
    for p in pts:
        c3 = np.zeros(len(w), bool)
        for u in units:
            lon, lat = (p.lon, p.lat) if u.unit_id == unit_id else (u.lon, u.lat)
            if lon is None or lat is None:
                continue
            t = travel_seconds_matrix(np.array([lon]), np.array([lat]), demand[:, 0], demand[:, 1],
                                      u.kind, HOUR)[0]
            c3 |= t <= COVER_SECONDS
        shares.append(float(w[c3].sum() / w.sum()))
    return shares


@pytest.mark.parametrize(("label", "cells", "points", "units", "side"), CASES)
def test_the_choice_of_points_against_recounting_each(label, cells, points, units, side):
    """Ctrl+M on the unit board: every point of the plan for one unit with the cover there."""
    from precinct_console.domain.allocation.move_up import move_options

    demand, pts, plan = _district(cells, points, units, side)
    unit = next(u for u in plan if u.movable)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        options = move_options(demand, pts, plan, unit.unit_id, HOUR)
        times.append(time.perf_counter() - t0)
    ours = statistics.median(times)
    t0 = time.perf_counter()
    ref = _options_by_recount(demand, pts, plan, unit.unit_id)
    ref_s = time.perf_counter() - t0
    print(f"\n{label}: the choice of {len(options)} points {ours * 1000:.1f} ms (median of 5; max "
          f"{max(times) * 1000:.1f} ms), recounting each {ref_s * 1000:.0f} ms, ratio {ref_s / ours:.0f}x")
    by_key = {p.key: share for p, share in zip(pts, ref, strict=True)}
    assert all(abs(o.once_after - by_key[o.point.key]) < 1e-9 for o in options)
