"""The exact model: maximal covering with backup coverage as a MILP, solved by HiGHS.

Columns: x[c] units at column c = (unit kind, candidate point), integer; per demand row g,
y1[g] (covered within the cover time) and y2[g] (backed up within the backup time), continuous
in [0, 1] because integral x makes their optimum integral. Rows, per demand row g:
    y1[g]          <= sum of x over columns reaching g in the cover time
    y1[g] + y2[g]  <= sum of x over columns reaching g in the backup time
    y2[g]          <= y1[g]                       (backup only counts where cover exists)
plus: units of each kind placed exactly, candidate capacity, pinned units as lower bounds,
key sites with a unit within their ring, zones holding a unit.
Maximise sum over g of weight[g] * (y1[g] + backup_weight * y2[g]).

With more than one kind of unit, HiGHS sees the unit columns in position space (positions.py):
units standing at each point, then the kind mix. Before branching, the LP relaxation is tightened with backup pair cuts (see cuts.py): the plain
relaxation backs up an isolated hot spot held by one unit with a fraction of a second one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from .coverage import CoverageModel, MergedRows
from .cuts import separate_pair_cuts
from .highs import new_highs
from .positions import PositionSpace


@dataclass(frozen=True)
class MilpOutcome:
    counts: NDArray[np.int64]
    status: str  # optimal | time_limit | interrupted
    gap: float
    bound: float
    objective: float
    seconds: float
    rows: int
    cuts: int = 0  # pair cuts added to the relaxation before branching


def _csc(rows: NDArray[np.int64], cols: NDArray[np.int64], vals: NDArray[np.float64], n_cols: int
         ) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    order = np.lexsort((rows, cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    start = np.zeros(n_cols + 1, np.int64)
    np.add.at(start, cols + 1, 1)
    return np.cumsum(start).astype(np.int32), rows.astype(np.int32), vals


@dataclass
class PreparedMilp:
    """The model in HiGHS with its relaxation tightened, waiting for a start and the search."""

    h: highspy.Highs
    model: CoverageModel
    rows: MergedRows
    pos: PositionSpace | None
    n_x: int
    cuts: int
    lp_bound: float  # the tightened relaxation's value, an upper bound on every plan
    started: float  # perf_counter() when preparation began: the solve's seconds count from it


def solve_milp(
    model: CoverageModel,
    rows: MergedRows,
    *,
    time_limit: float = 30.0,
    mip_gap: float = 1e-3,
    start: NDArray[np.int64] | None = None,
    cut_rounds: int = 8,
    positions: bool = True,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[float, float, float], None] | None = None,
    strong_branching: bool = False,
    objective_cutoff: bool = True,
) -> MilpOutcome:
    """Solve to the relative gap or until the time limit (then the best plan found and its gap)."""
    prepared = prepare_milp(model, rows, time_limit=time_limit, cut_rounds=cut_rounds,
                            positions=positions, should_stop=should_stop)
    return finish_milp(prepared, time_limit=time_limit, mip_gap=mip_gap, start=start,
                       should_stop=should_stop, on_progress=on_progress,
                       strong_branching=strong_branching, objective_cutoff=objective_cutoff)


def prepare_milp(
    model: CoverageModel,
    rows: MergedRows,
    *,
    time_limit: float = 30.0,
    cut_rounds: int = 8,
    positions: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> PreparedMilp:
    """Build the model and tighten its relaxation with pair cut rounds (for 30% of time_limit).

    Needs no start, so it can run beside the local search (HiGHS lets go of Python's lock while
    it solves): the allocation does so, and the two together take the longer one's time."""
    t0 = time.perf_counter()
    n_x = model.n_columns
    n_g = len(rows.weight)
    lam = model.problem.backup_weight
    k, c = len(model.kinds), model.n_candidates
    y1 = n_x + np.arange(n_g)
    y2 = n_x + n_g + np.arange(n_g)
    surplus = n_x + 2 * n_g + np.arange(n_g)
    n_cols = n_x + 3 * n_g

    r_parts: list[NDArray[np.int64]] = []
    c_parts: list[NDArray[np.int64]] = []
    v_parts: list[NDArray[np.float64]] = []

    def put(r: NDArray[np.int64], col: NDArray[np.int64], v: float) -> None:
        r_parts.append(np.asarray(r, np.int64))
        c_parts.append(np.asarray(col, np.int64))
        v_parts.append(np.full(len(r), v))

    g = np.arange(n_g)
    # Row block 1: y1 + s - sum(x reaching in cover time) = 0, s >= 0 the cover surplus
    put(g, y1, 1.0)
    put(g, surplus, 1.0)
    gr, gc = np.nonzero(rows.a3)
    put(gr, gc, -1.0)
    # Row block 2: y2 - s - sum(x reaching in the backup time only) <= 0, which is
    # y1 + y2 <= sum(x reaching in backup time) with a quarter fewer nonzeros (cover sets lie
    # inside backup sets), so each LP and each cut round of HiGHS is cheaper. Against the plain
    # rows (y1 <= cover count, y1 + y2 <= backup count, no surplus) on 2,000-cell districts 1, 2,
    # 3 and 5 (2026-12-05, a slow host): 5.4 / 11.5 / 13.2 / 15.8 s to proof, not 12.5 / 20.8 /
    # 12.0 / 19.8 s.
    put(n_g + g, y2, 1.0)
    put(n_g + g, surplus, -1.0)
    gr, gc = np.nonzero(rows.a5 & ~rows.a3)
    put(n_g + gr, gc, -1.0)
    # Row block 3: y2 - y1 <= 0
    put(2 * n_g + g, y2, 1.0)
    put(2 * n_g + g, y1, -1.0)
    lo: list[float] = [0.0] * n_g + [-np.inf] * (2 * n_g)
    hi: list[float] = [0.0] * (3 * n_g)
    r = 3 * n_g
    # Every unit of each kind is placed somewhere.
    for ki in range(k):
        put(np.full(c, r), ki * c + np.arange(c), 1.0)
        lo.append(float(model.units_per_kind[ki]))
        hi.append(float(model.units_per_kind[ki]))
        r += 1
    # Candidate capacity across kinds.
    for j in range(c):
        put(np.full(k, r), np.arange(k) * c + j, 1.0)
        lo.append(-np.inf)
        hi.append(float(model.capacity[j]))
        r += 1
    # Key sites and zones: at least one unit among the columns that satisfy them.
    for mask in (*model.key_reach, *model.zone_cols):
        cols_ = np.nonzero(mask)[0]
        put(np.full(len(cols_), r), cols_, 1.0)
        lo.append(1.0)
        hi.append(np.inf)
        r += 1
    x_upper = np.maximum(np.minimum(
        np.repeat(model.units_per_kind, c), np.tile(model.capacity, k)
    ).astype(float), model.lower)
    x_lower = model.lower.astype(float)
    triplets = (np.concatenate(r_parts), np.concatenate(c_parts), np.concatenate(v_parts))
    # With more than one kind of unit the solver works in position space (see positions.py).
    pos = PositionSpace(model) if positions and k > 1 else None
    if pos is not None:
        triplets, x_lower, x_upper, base_lo, base_hi = pos.transform(triplets, x_lower, x_upper, r)
        lo.extend(base_lo)
        hi.extend(base_hi)
        r += len(base_lo)
    n_rows = r

    start_idx, index, value = _csc(*triplets, n_cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.zeros(n_x), rows.weight, lam * rows.weight, np.zeros(n_g)])
    lp.col_lower_ = np.concatenate([x_lower, np.zeros(3 * n_g)])
    lp.col_upper_ = np.concatenate([x_upper, np.ones(2 * n_g), np.full(n_g, np.inf)])
    lp.row_lower_ = np.array(lo, float)
    lp.row_upper_ = np.array(hi, float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = start_idx
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [highspy.HighsVarType.kContinuous] * (3 * n_g)

    h = new_highs()
    # Two threads where there are two cores (highs.THREADS), with HiGHS's tree search still
    # serial ("parallel" left at "choose"): the second thread takes the root's side tasks (the analytic centre,
    # symmetry detection), which one thread runs inline where HiGHS waits for them (the centre
    # after its fifth cut round). Those waits are at fixed points, so the plan and the node count
    # are the same as on one thread.
    # Measured on five synthetic 2,000-cell districts (2026-12-05 evening): 2.27 / 6.91 / 5.64 /
    # 25.17 / 6.64 s to proof against 2.46 / 7.12 / 5.72 / 25.24 / 6.71 s on one thread.
    # Not the parallel tree search (parallel=on): on three districts from the same start it took
    # 5.6 / 10.8 / 14.4 s against 4.8 / 13.1 / 15.4 s (2026-12-05 afternoon).
    # The count is the process's one (highs.py): HiGHS keeps the first run's scheduler, and a
    # run asking another count fails with no plan.
    h.setOptionValue("time_limit", float(time_limit))
    h.passModel(lp)
    added = 0
    # The relaxation with the pair cuts bounds every plan: it stands for the bound whenever
    # HiGHS stops before its own root bound is better (on a big district or a slow seat, a
    # stop at a few seconds used to report a 9% gap, or none, for a plan within 1% of the best).
    lp_bound = float("inf")
    if cut_rounds > 0 and n_g > 1:
        added, lp_bound = _add_pair_cuts(h, model, rows, n_x, cut_rounds, pos,
                                         deadline=t0 + 0.3 * float(time_limit),
                                         should_stop=should_stop)
    return PreparedMilp(h, model, rows, pos, n_x, added, lp_bound, t0)


def finish_milp(
    prepared: PreparedMilp,
    *,
    time_limit: float = 30.0,
    mip_gap: float = 1e-3,
    start: NDArray[np.int64] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[float, float, float], None] | None = None,
    strong_branching: bool = False,
    objective_cutoff: bool = True,
) -> MilpOutcome:
    """Branch and bound from the start (if any), to the gap or time_limit after preparing began.

    objective_cutoff=False leaves out the row holding the objective to the start's (the plain
    formulation, the benchmark's reference, has none)."""
    h, model, rows, pos, n_x = prepared.h, prepared.model, prepared.rows, prepared.pos, prepared.n_x
    added, lp_bound, t0 = prepared.cuts, prepared.lp_bound, prepared.started
    n_g = len(rows.weight)
    h.setOptionValue("time_limit", max(0.05, float(time_limit) - (time.perf_counter() - t0)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    # Branch on pseudo-costs from the first node instead of strong branching until each column
    # has 8 reliable samples: here the proof is won by the root's cuts, and strong branching at
    # the root cost 5,800 of its 11,000 LP iterations. Measured from the same start on six
    # synthetic 2,000-cell districts (2026-12-03): 3.2 / 11.4 / 7.2 / 10.7 / 11.1 s to proof
    # against 4.0 / 14.8 / 27.3 / 18.8 / 15.4 s, and the sixth at 40 s within 0.67% against
    # 1.18%; on 5,000 cells the gap at 30 s is 0.86% / 1.24% against 1.11% / 1.38%. Checked again
    # on 2026-12-06: strong branching closes district 1 at the root node, but in 2.8-3.1 s against
    # 2.3 s; probing every point the relaxation uses against the 0.1% target does the same and
    # fixes 41 of 86 points out, but its 172 LPs take 4.6 s through highspy.
    # The plain formulation (the benchmark's reference) keeps HiGHS's default: without the pair
    # cuts its root is weak and strong branching pays (17.7 s to proof instead of over 60 s).
    h.setOptionValue("mip_pscost_minreliable", 8 if strong_branching else 0)
    # Cuts at the root only: below it, HiGHS's separators rarely move the bound of this model
    # and each round costs LP iterations. Measured from the same start on five synthetic
    # 2,000-cell districts (2026-12-04): 2.89 / 8.97 / 7.08 / 8.53 / 9.04 s to proof against
    # 3.29 / 9.63 / 7.96 / 11.05 / 10.94 s; on 5,000 cells the gap at 10 s is no worse.
    h.setOptionValue("mip_allow_cut_separation_at_nodes", strong_branching)
    # Not mip_lifting_for_probing: off by default in HiGHS and wrong here. With it on (1), the
    # 2,000-cell benchmark "proves" 95.943 at the root in 0.45 s, but with no start it "proves"
    # 54.975 optimal, against a true optimum of 95.943 (HiGHS issue 3307, open on 1.15.1).
    if start is not None:
        # The local search's start is near-optimal already: HiGHS's own primal heuristics and
        # root restarts then cost seconds and find nothing better (measured on the demo station:
        # 4-6 s down to 0.35 s); its effort goes to the bound instead.
        # Nor do they pay where no proof comes: on seven 5,000-cell districts at the panel's
        # 20 s limit, with them on the plan was better on three, worse on three (by up to
        # 0.3%), the same on one, and the bound no tighter (2026-12-06).
        for name in ("mip_heuristic_run_rins", "mip_heuristic_run_rens",
                     "mip_heuristic_run_root_reduced_cost", "mip_heuristic_run_feasibility_jump",
                     "mip_allow_restart"):
            h.setOptionValue(name, False)
        h.setOptionValue("mip_heuristic_effort", 0.0)
        # Given before the run, not handed in by HiGHS's user-solution callback once the root LP
        # is solved (which would let that LP run beside the local search). That callback drops a
        # plan in a maximisation once there is an incumbent (HiGHS 1.15: addIncumbent compares
        # the plan's objective before turning it into its minimising form); posed as a
        # minimisation it works, but the first root cut round then runs against the greedy's
        # weaker incumbent and the tree changes: 4.2 / 16.6 / 12.5 / 21.6 s to proof on 2,000-cell
        # districts 1, 2, 3 and 5, against 5.4 / 11.5 / 13.2 / 15.8 s (2026-12-05, a slow host).
        sol = highspy.HighsSolution()
        full = _completed_start(model, rows, start)
        if pos is not None:
            full[:n_x] = pos.from_plan(full[:n_x])
        sol.col_value = list(full)
        sol.value_valid = True
        if objective_cutoff:  # before the start is given: a change to the model drops it
            _add_objective_cutoff(h, model, rows, n_x, full)
        h.setSolution(sol)
    if should_stop is not None or on_progress is not None:
        h.cbMipInterrupt += _interrupt_callback(should_stop, on_progress, lp_bound)
    # Where this run's time goes (2,000-cell district 1, 2026-12-06, under a sampling profiler):
    # the root node takes three quarters of it, two thirds of that in HiGHS's own separation
    # rounds (which move the bound only from 0.53% to 0.45%); 22 nodes take the rest. HiGHS 1.15
    # has no option to limit those rounds. Not reduced-cost fixing before the run, from the cut
    # rounds' duals and the start: it fixes 19 of the 400 unit columns and the proof took 8.1 s
    # instead of 1.9 s (a different tree). Nor dropping the pair cuts left slack by
    # the last cut round (half of them): 4.2 / 8.5 / 5.1 / 18.5 / 6.9 s to proof on districts 1-5
    # against 2.0 / 7.2 / 5.7 / 25.9 / 6.7 s. Nor one cover row per distinct cover set (687 for
    # the 834 rows of district 1; rows sharing a cover set share y1 at every optimum, so the
    # relaxation is the same and 5% smaller): 3.6-4.4 / 5.5-5.9 / 6.9-7.7 / 32-34 / 10.1-10.3 s
    # against 2.8-3.1 / 7.3-7.8 / 6.1-6.2 / 26-28 / 6.8-7.8 s, two runs each (2026-12-06).
    # Nor a branch and bound of our own over this LP, skipping HiGHS's root (best bound first,
    # most fractional column, pair cuts separated at every node): 110 nodes and 5.1 s on
    # district 1, 254 nodes and 11.6 s on district 3. Nor a smaller cut pool or cuts aged out of
    # the LP sooner, to make those rounds cheaper: on districts 1, 2, 3 and 5, 3.27 / 6.83 / 7.31 /
    # 8.56 s to proof as set here, 3.07 / 10.00 / 8.90 / 10.04 s with mip_pool_soft_limit 2,000
    # and 3.54 / 9.82 / 9.40 / 9.86 s with mip_lp_age_limit 3 (2026-12-06, a slow host). Nor
    # presolve off (so the root might start from the cut rounds' basis): 9.01 / 8.87 / 11.00 /
    # 11.57 s. Nor (2026-12-06, evening, a slower host: district 1 at 2.0-2.5 s as set here)
    # integer columns counting the units in each of 8, or 4 and 16, k-means regions of the
    # points, for HiGHS to branch on: 2.36-2.52 / 8.2-8.3 / 6.8-7.1 s on districts 1-3 against
    # 2.51 / 7.34 / 6.51 s. Nor the root and node LPs by interior point (mip_lp_solver ipm):
    # 1.78 / 4.88 / 10.20 / 30.30 / 9.48 s on districts 1-5 against 1.96 / 7.09 / 5.79 / 25.55 /
    # 6.24 s. Nor HiGHS 1.16.0: 2.48 / 5.91 / 7.00 s on districts 1-3. Nor dominance rows
    # (z[j] <= z[j'] where j' reaches every row j reaches, for every kind): only 5-7 of 200-300
    # points are dominated in the benchmark's districts.
    # With the objective row (2026-12-07, districts 1-3 from preparing, as set here 2.10 / 6.21 /
    # 7.32 s): not y1 or y2 declared integer, for HiGHS to branch and cut on: 7.0 / over 60 /
    # 13.2 s (y1), 14.8 / 26.9 / 42.1 s (y2). Not mip_detect_symmetry off: 2-4% sooner with the
    # same tree (no symmetry in a synthetic district), kept on for stations whose points repeat.
    # Not 4, 6, 12 or 20 cut rounds, nor 150 or 600 cuts a round: within the host's noise (district
    # 3 alone took 7.8-13.4 s as set here).
    # Not a race of two copies of the prepared model with different random seeds on the two
    # cores, the first proof winning: the seed moves the time to proof a lot (district 2: 2.8 to
    # 14.6 s over seeds 1, 2, 7 and 8) but the two runs slow each other down by about 40%: seeds 7
    # and 8 raced proved districts 1-3 in 3.00 / 6.06 / 5.35 s, against 2.09 / 5.29 / 6.20 s for
    # seed 7 alone and 6.35 / 6.87 / 4.13 s for seed 8 alone (2026-12-07, morning).
    h.run()
    seconds = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise ValidationError(
            "the chief's constraints cannot all be met with the units on this shift "
            "(pinned units, key sites in their 1-minute ring, zones that must have a unit); "
            "relax one of them or add a unit", field="constraints",
        )
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        raise ValidationError(f"the solver found no plan ({h.modelStatusToString(status)})",
                              field="constraints")
    values = np.asarray(h.getSolution().col_value[:n_x])
    if pos is not None:
        values = pos.to_plan(values)
    counts = np.rint(values).astype(np.int64)
    objective = float(info.objective_function_value)
    bound = _tighter_bound(float(info.mip_dual_bound), lp_bound)
    # No finite bound yet (stopped before any LP was solved): the gap is unknown, not 100%.
    gap = _gap(objective, bound)
    if status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        label = "time_limit"
    else:
        label = "interrupted"
    return MilpOutcome(counts, label, gap, bound, objective, seconds, n_g, added)


def _tighter_bound(highs_bound: float, lp_bound: float) -> float:
    """The lower of two upper bounds (HiGHS reports +inf or a trivial bound before its root)."""
    if not np.isfinite(highs_bound):
        return lp_bound
    return min(highs_bound, lp_bound)


def _gap(objective: float, bound: float) -> float:
    """Relative gap as HiGHS states it (bound minus plan, over the plan); NaN without a bound."""
    if not (np.isfinite(bound) and np.isfinite(objective)):
        return float("nan")
    return max(0.0, bound - objective) / max(abs(objective), 1e-9)


def _add_pair_cuts(h: highspy.Highs, model: CoverageModel, rows: MergedRows, n_x: int,
                   rounds: int, pos: PositionSpace | None, *, deadline: float,
                   should_stop: Callable[[], bool] | None) -> tuple[int, float]:
    """Solve the LP relaxation, add the violated pair cuts, repeat; the rows stay for the MIP.

    Returns the cuts added and the last relaxation's value, an upper bound on every plan. The
    first relaxation is always solved, so even a solve stopped at once reports a bound."""
    n_g = len(rows.weight)
    integer = np.arange(n_x, dtype=np.int32)
    h.changeColsIntegrality(n_x, integer, np.full(n_x, highspy.HighsVarType.kContinuous))
    added = 0
    lp_bound = float("inf")
    for round_ in range(rounds):
        if round_ > 0 and (time.perf_counter() > deadline or (should_stop is not None and should_stop())):
            break
        # The first relaxation from scratch by interior point (with crossover, so later rounds
        # start from its basis): 1.5 s instead of 2.3 s by dual simplex on 5,000 cells, 0.5 s
        # instead of 0.8 s on 2,000; the rounds after it add a few rows and re-solve by simplex.
        h.setOptionValue("solver", "ipm" if round_ == 0 else "choose")
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break  # infeasible or stopped: the MIP run reports it with its own message
        lp_bound = float(h.getInfo().objective_function_value)
        values = np.asarray(h.getSolution().col_value)
        x = values[:n_x] if pos is None else pos.to_plan(values[:n_x])
        cuts = separate_pair_cuts(rows, x, values[n_x:n_x + n_g],
                                  values[n_x + n_g:n_x + 2 * n_g])
        if not cuts:
            break
        # Over the plan's columns, not over h's cover surplus (y2[g] - s[h] - x(backup reach of
        # g outside h's cover reach) <= 0: the same cut with fewer nonzeros): that proved
        # district 1 sooner and three others later (3.5 / 13.9 / 13.7 / 20.8 s against 5.4 /
        # 11.5 / 13.2 / 15.8 s, 2026-12-05): it changes the tree, not the work per node.
        for g, k, cols in cuts:
            coef = np.zeros(n_x)
            coef[cols] = -1.0
            if pos is not None:
                coef = pos.row(coef)
            nz = np.nonzero(coef)[0]
            index = np.concatenate([[n_x + n_g + g, n_x + k], nz]).astype(np.int32)
            value = np.concatenate([[1.0, 1.0], coef[nz]])
            h.addRow(-np.inf, 0.0, len(index), index, value)
        added += len(cuts)
    h.setOptionValue("solver", "choose")
    h.changeColsIntegrality(n_x, integer, np.full(n_x, highspy.HighsVarType.kInteger))
    return added, lp_bound


def _add_objective_cutoff(h: highspy.Highs, model: CoverageModel, rows: MergedRows, n_x: int,
                          start: NDArray[np.float64]) -> None:
    """Add the row "the objective is at least the start's": only a plan as good is of interest.

    HiGHS prunes by the incumbent's value already; as a row of the model the same fact also
    enters its cut separation and its propagation at every node. Measured from the same start
    on the five synthetic 2,000-cell districts, twice each (2026-12-07): 2.02-2.12 / 6.07-6.09 /
    7.30-7.47 / 34.2 / 8.85-8.86 s to proof from preparing, against 2.75-2.84 / 8.59-8.64 /
    7.10-7.13 / 32.1-32.9 / 8.36-10.57 s (a geometric mean 12% lower); on 5,000-cell districts
    1-3 at the panel's 20 s limit, gaps of 0.98 / 1.28 / 0.48% against 0.94 / 1.38 / 0.94% (the
    third with a better plan). Not the row raised to the start plus the 0.1% target, so that
    HiGHS proves no better plan exists (infeasibility): 6.5 / 17.2 / 18.7 s on districts 1-3."""
    n_g = len(rows.weight)
    cost = np.concatenate([rows.weight, model.problem.backup_weight * rows.weight])
    value = float(cost @ start[n_x:n_x + 2 * n_g])
    index = np.arange(n_x, n_x + 2 * n_g, dtype=np.int32)
    # A hair below the start's value, so rounding never makes the start itself infeasible.
    h.addRow(value - 1e-6 * max(1.0, abs(value)), np.inf, len(index), index, cost)


def _completed_start(model: CoverageModel, rows: MergedRows, counts: NDArray[np.int64]
                     ) -> NDArray[np.float64]:
    """A full feasible vector (x, y1, y2, cover surplus) for the given placement, so HiGHS accepts it as is."""
    c3 = rows.a3.astype(np.int64) @ counts
    c5 = rows.a5.astype(np.int64) @ counts
    y1 = (c3 >= 1).astype(float)
    y2 = ((c3 >= 1) & (c5 >= 2)).astype(float)
    return np.concatenate([counts.astype(float), y1, y2, c3 - y1])


def _interrupt_callback(
    should_stop: Callable[[], bool] | None,
    on_progress: Callable[[float, float, float], None] | None,
    lp_bound: float = float("inf"),
) -> Callable[[highspy.HighsCallbackEvent], None]:
    """Polled by HiGHS during branch and bound: report the incumbent and bound, honour a stop."""
    last = [0.0]

    def callback(event: highspy.HighsCallbackEvent) -> None:
        out = event.data_out
        now = time.perf_counter()
        if on_progress is not None and now - last[0] > 0.2:
            last[0] = now
            best = float(out.mip_primal_bound)
            bound = _tighter_bound(float(out.mip_dual_bound), lp_bound)
            on_progress(best, bound, _gap(best, bound))
        if should_stop is not None and should_stop():
            event.interrupt()

    return callback
