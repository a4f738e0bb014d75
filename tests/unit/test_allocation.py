"""Patrol allocation: the MILP is optimal (brute force agrees), constraints hold, greedy is close."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import numpy as np
import pytest

from precinct_console.domain.allocation import (
    CandidatePoint,
    KeySiteRequirement,
    UnitSpec,
    ZoneRequirement,
    allocate,
    build_coverage,
    evaluate_placements,
    solve_greedy,
    solve_milp,
)
from precinct_console.domain.allocation.cuts import separate_pair_cuts
from precinct_console.domain.allocation.positions import PositionSpace
from precinct_console.domain.allocation.synthetic import synthetic_problem
from precinct_console.domain.errors import ValidationError


def _brute_force(problem):
    """Best objective over every way to place the units (capacity 1, all constraints)."""
    model = build_coverage(problem)
    best = -1.0
    c = model.n_candidates
    kinds = [model.kinds.index(u.kind) for u in problem.units]
    for combo in itertools.permutations(range(c), len(problem.units)):
        counts = np.zeros(model.n_columns, np.int64)
        for k, j in zip(kinds, combo, strict=True):
            counts[model.column(k, j)] += 1
        if (counts < model.lower).any():
            continue
        if any(not (m & (counts > 0)).any() for m in (*model.key_reach, *model.zone_cols)):
            continue
        best = max(best, model.figures(counts).objective)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_milp_matches_brute_force_on_small_instances(seed):
    p = synthetic_problem(60, 8, 3, seed=seed, side_km=4.0, kinds=("car", "motorbike", "foot"))
    result = allocate(p, mip_gap=0.0)
    assert result.status == "optimal"
    assert result.figures.objective == pytest.approx(_brute_force(p), abs=1e-6)
    assert len(result.placements) == 3
    assert len({pl.candidate_key for pl in result.placements}) == 3  # capacity 1 each


def _placements(problem):
    """Every whole-unit placement (capacity 1) as units per column."""
    model = build_coverage(problem)
    kinds = [model.kinds.index(u.kind) for u in problem.units]
    for combo in itertools.permutations(range(model.n_candidates), len(problem.units)):
        counts = np.zeros(model.n_columns, np.int64)
        for k, j in zip(kinds, combo, strict=True):
            counts[model.column(k, j)] += 1
        yield counts


@pytest.mark.parametrize("seed", [2, 5])
def test_pair_cuts_never_cut_off_a_real_placement(seed):
    p = synthetic_problem(60, 8, 3, seed=seed, side_km=4.0, kinds=("car", "motorbike", "foot"))
    rows = build_coverage(p).merged()
    a3, a5 = rows.a3.astype(np.int64), rows.a5.astype(np.int64)
    for counts in _placements(p):
        c3, c5 = a3 @ counts, a5 @ counts
        y1 = (c3 >= 1).astype(int)
        y2 = ((c3 >= 1) & (c5 >= 2)).astype(int)
        # Every (g, h) pair: units reaching g in 5 min or h in 3 min, each counted once.
        union = (rows.a5[:, None, :] | rows.a3[None, :, :]).astype(np.int64) @ counts
        assert (y2[:, None] + y1[None, :] <= union).all()
        # The separator finds nothing to cut at a real placement.
        assert separate_pair_cuts(rows, counts.astype(float), y1.astype(float),
                                  y2.astype(float)) == []


def test_pair_cuts_tighten_the_relaxation_and_keep_the_optimum():
    p = synthetic_problem(400, 30, 5, seed=5, side_km=6.0)
    model = build_coverage(p)
    rows = model.merged()
    with_cuts = solve_milp(model, rows, mip_gap=0.0)
    without = solve_milp(model, rows, mip_gap=0.0, cut_rounds=0)
    assert with_cuts.cuts > 0 and without.cuts == 0
    assert with_cuts.status == without.status == "optimal"
    assert with_cuts.objective == pytest.approx(without.objective, abs=1e-6)


def test_position_space_maps_plans_and_rows_back_and_forth():
    p = synthetic_problem(60, 8, 5, seed=2, side_km=4.0, kinds=("car", "car", "motorbike", "foot"))
    model = build_coverage(p)
    pos = PositionSpace(model)
    assert model.kinds[pos.base] == "car"  # the kind with most units stays implicit
    rng = np.random.default_rng(0)
    plan = rng.integers(0, 2, model.n_columns).astype(float)
    assert np.array_equal(pos.to_plan(pos.from_plan(plan)), plan)
    # Each of the solver's point columns counts every unit standing there.
    z = pos.from_plan(plan).reshape(len(model.kinds), -1)[pos.base]
    assert np.array_equal(z, plan.reshape(len(model.kinds), -1).sum(axis=0))
    # A row keeps its value: the same left-hand side in either set of variables.
    coef = rng.normal(size=model.n_columns)
    assert pos.row(coef) @ pos.from_plan(plan) == pytest.approx(coef @ plan)


@pytest.mark.parametrize("seed", [3, 6])
def test_position_space_keeps_the_optimum_with_pins_key_sites_and_zones(seed):
    p = synthetic_problem(120, 9, 4, seed=seed, side_km=4.0, kinds=("car", "motorbike"))
    site = KeySiteRequirement(1, "第一小学", p.candidates[2].lon + 0.0004, p.candidates[2].lat)
    # A car (the implicit kind, whose bounds become rows) and a motorbike pinned to posts.
    units = (replace(p.units[0], pinned_to=p.candidates[0].key),
             replace(p.units[1], pinned_to=p.candidates[4].key), *p.units[2:])
    cands = tuple(replace(c, zones=(99,)) if i == 8 else c for i, c in enumerate(p.candidates))
    p2 = replace(p, units=units, candidates=cands, key_sites=(site,),
                 zones=(ZoneRequirement(99, "夜市巡区"),))
    solved = allocate(p2, mip_gap=0.0)
    plain = allocate(p2, mip_gap=0.0, positions=False)
    assert solved.status == plain.status == "optimal"
    assert solved.figures.objective == pytest.approx(_brute_force(p2), abs=1e-6)
    assert solved.figures.objective == pytest.approx(plain.figures.objective, abs=1e-6)
    by_unit = {pl.unit_id: pl for pl in solved.placements}
    assert by_unit[units[0].id].candidate_key == cands[0].key
    assert by_unit[units[1].id].candidate_key == cands[4].key
    assert solved.figures.key_sites_met == 1 and solved.figures.zones_met == 1


def test_greedy_is_feasible_and_never_beats_the_optimum():
    p = synthetic_problem(300, 30, 5, seed=9, side_km=6.0)
    exact = allocate(p)
    greedy = allocate(p, method="greedy")
    assert greedy.figures.objective <= exact.figures.objective + 1e-6
    assert greedy.figures.objective >= 0.8 * exact.figures.objective


def test_placing_a_unit_and_its_neighbours_afresh_finds_a_start_random_drops_miss(monkeypatch):
    """On this district the random drops stall at 42.464; rearranging the units around one unit
    reaches 43.214, which the exact solver confirms as no better than its optimum. Where the
    random drops already found the best, the extra rounds keep it."""
    from precinct_console.domain.allocation import greedy

    def starts(seed: int) -> tuple[float, float, float]:
        p = synthetic_problem(1000, 100, 12, seed=seed, side_km=8.0)
        model = build_coverage(p)
        with_regions, _ = solve_greedy(model, improve_rounds=200, improve_seconds=60)
        with monkeypatch.context() as m:
            m.setattr(greedy, "REGION_UNITS", 0)  # no rounds of neighbours
            random_only, _ = solve_greedy(model, improve_rounds=200, improve_seconds=60)
        return (model.figures(with_regions).objective, model.figures(random_only).objective,
                allocate(p, mip_gap=1e-6).figures.objective)

    regions, random_only, best = starts(7)
    assert (round(random_only, 3), round(regions, 3)) == (42.464, 43.214)
    assert regions <= best + 1e-9
    regions, random_only, _best = starts(9)
    assert regions == pytest.approx(random_only)


def test_merging_identical_rows_gives_the_same_optimum_with_fewer_rows():
    p = synthetic_problem(400, 20, 4, seed=3, side_km=5.0)
    # Duplicate every cell: identical coverage, so merged rows must not grow.
    dup = replace(p, demand=p.demand + tuple(replace(d, id=d.id + 10_000) for d in p.demand))
    merged = allocate(dup, mip_gap=0.0)
    plain = allocate(dup, mip_gap=0.0, merge=False)
    assert merged.merged_rows <= len(p.demand) < plain.merged_rows
    assert merged.figures.objective == pytest.approx(plain.figures.objective, rel=1e-9)


def test_pinned_unit_stays_at_its_post_and_key_site_and_zone_are_served():
    p = synthetic_problem(200, 12, 3, seed=4, side_km=5.0, kinds=("car",))
    post = p.candidates[5]
    site = KeySiteRequirement(1, "第一小学", p.candidates[7].lon + 0.0005, p.candidates[7].lat)
    units = (replace(p.units[0], pinned_to=post.key), *p.units[1:])
    cands = tuple(replace(c, zones=(99,)) if i == 11 else c for i, c in enumerate(p.candidates))
    p2 = replace(p, units=units, candidates=cands, key_sites=(site,),
                 zones=(ZoneRequirement(99, "夜市巡区"),))
    r = allocate(p2)
    by_unit = {pl.unit_id: pl for pl in r.placements}
    assert by_unit[units[0].id].candidate_key == post.key and by_unit[units[0].id].pinned
    assert r.figures.key_sites_met == 1 and r.figures.zones_met == 1
    assert cands[11].key in {pl.candidate_key for pl in r.placements}


def test_a_key_site_nobody_can_reach_in_a_minute_is_named():
    p = synthetic_problem(50, 5, 2, seed=1, side_km=3.0)
    far = KeySiteRequirement(3, "火车站", 117.5, 40.5)
    with pytest.raises(ValidationError, match="火车站"):
        allocate(replace(p, key_sites=(far,)))


def test_more_required_zones_than_units_is_infeasible_with_a_clear_message():
    p = synthetic_problem(50, 6, 1, seed=1, side_km=3.0)
    cands = tuple(replace(c, zones=(i + 1,)) for i, c in enumerate(p.candidates))
    zones = (ZoneRequirement(1, "一号巡区"), ZoneRequirement(2, "二号巡区"))
    with pytest.raises(ValidationError, match="cannot all be met"):
        allocate(replace(p, candidates=cands, zones=zones))


def test_time_limited_solve_reports_its_gap_and_is_never_worse_than_greedy():
    p = synthetic_problem(2000, 200, 16, seed=2, side_km=8.0)
    r = allocate(p, time_limit=1.5)
    model = build_coverage(p)
    plain_greedy = model.figures(solve_greedy(model)[0])  # no local search: the floor
    assert r.figures.objective >= plain_greedy.objective - 1e-9
    assert r.status != "optimal"  # this district takes the solver several seconds to prove
    if r.gap == r.gap:  # a bound was proven in time: the gap says how far off the plan may be
        assert 0 < r.gap < 1 and r.bound >= r.figures.objective - 1e-6
        assert any("within" in n for n in r.notes)
    else:  # a loaded machine may stop before the root bound; the note says so
        assert any("before any bound was proven" in n for n in r.notes)
    assert r.as_json()["gap"] is None or 0 < r.as_json()["gap"] < 1


def test_a_solve_stopped_at_once_still_says_how_far_from_the_best_the_plan_may_be():
    # The chief presses Stop as soon as the solver starts: the relaxation solved before
    # branching still bounds every plan, so the note gives a gap instead of "no bound yet".
    p = synthetic_problem(400, 30, 5, seed=5, side_km=6.0)
    stopped = allocate(p, should_stop=lambda: True)
    best = allocate(p, mip_gap=0.0)
    assert stopped.status == "interrupted" and best.status == "optimal"
    assert stopped.bound >= best.figures.objective - 1e-6  # a true upper bound
    assert stopped.gap == pytest.approx((stopped.bound - stopped.figures.objective)
                                        / stopped.figures.objective)
    assert 0 < stopped.gap < 0.05
    assert any(f"within {stopped.gap:.1%}" in n for n in stopped.notes)


def test_editing_a_plan_rescores_it_and_names_bad_points():
    p = synthetic_problem(100, 10, 2, seed=6, side_km=4.0)
    r = allocate(p)
    plan = {pl.unit_id: pl.candidate_key for pl in r.placements}
    assert evaluate_placements(p, plan).objective == pytest.approx(r.figures.objective)
    plan[p.units[0].id] = "nowhere"
    with pytest.raises(ValidationError, match="'nowhere' is not a candidate point"):
        evaluate_placements(p, plan)


def test_an_edit_stacking_two_units_on_a_one_unit_point_is_refused_with_both_call_signs():
    p = synthetic_problem(100, 10, 2, seed=6, side_km=4.0)
    one_place = p.candidates[0]
    assert one_place.capacity == 1
    plan = {u.id: one_place.key for u in p.units}
    signs = ", ".join(sorted(u.call_sign for u in p.units))
    with pytest.raises(ValidationError, match=re.escape(
            f"2 units ({signs}) are placed at {one_place.name}, which holds at most 1")):
        evaluate_placements(p, plan)
    roomy = replace(p, candidates=(replace(one_place, capacity=2), *p.candidates[1:]))
    assert evaluate_placements(roomy, plan).objective > 0


def test_pinning_to_an_unknown_point_names_the_unit():
    p = synthetic_problem(20, 3, 1, seed=1)
    p2 = replace(p, units=(UnitSpec(1, "巡01", "car", pinned_to="post:404"),))
    with pytest.raises(ValidationError, match="巡01"):
        allocate(p2)


def test_candidate_listed_twice_is_refused():
    p = synthetic_problem(20, 3, 1, seed=1)
    dup = CandidatePoint(p.candidates[0].key, "x", "post", 116.4, 39.9)
    with pytest.raises(ValidationError, match="listed twice"):
        allocate(replace(p, candidates=(*p.candidates, dup)))


def test_a_new_station_with_no_incidents_yet_gets_its_units_spread_over_the_jurisdiction():
    """A new station's first plan had nothing to forecast from: every placement covered nothing,
    and both cars were stacked on one post with the other district's patrol zone left empty.
    Each micro grid now counts alike until incidents are recorded; the figures stay at zero."""
    from precinct_console.domain.allocation import AllocationProblem, DemandCell

    cells = tuple(DemandCell(i, lon, lat, 0.0) for i, (lon, lat) in enumerate(
        (116.38 + 0.005 + 0.01 * x, 39.88 + 0.005 + 0.01 * y) for x in range(4) for y in range(2)))
    cands = (CandidatePoint("post:1", "东关警务站", "post", 116.39, 39.895, capacity=2),
             CandidatePoint("post:2", "西关警务室", "police_room", 116.41, 39.885, capacity=2),
             CandidatePoint("zone:1", "一号巡区", "zone_centre", 116.39, 39.89, zones=(1,)),
             CandidatePoint("zone:2", "二号巡区", "zone_centre", 116.41, 39.89, zones=(2,)))
    units = (UnitSpec(1, "巡01", "car", lon=116.39, lat=39.895),
             UnitSpec(2, "巡02", "car", lon=116.41, lat=39.885))
    for method in ("milp", "greedy"):
        r = allocate(AllocationProblem(cells, cands, units), method=method)
        where = {pl.call_sign: pl.lon for pl in r.placements}
        assert sorted(lon > 116.40 for lon in where.values()) == [False, True], (method, where)
        assert r.figures.total_demand == 0
