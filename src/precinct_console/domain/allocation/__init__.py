"""Patrol allocation: a maximal-covering model with backup coverage, solved exactly or greedily."""

from .coverage import CoverageModel, build_coverage, reachable_key_sites
from .greedy import solve_greedy
from .milp import solve_milp
from .model import (
    AllocationProblem,
    AllocationResult,
    CandidatePoint,
    CoverageFigures,
    DemandCell,
    KeySiteRequirement,
    UnitPlacement,
    UnitSpec,
    ZoneRequirement,
)
from .solve import allocate, evaluate_placements

__all__ = [
    "AllocationProblem",
    "AllocationResult",
    "CandidatePoint",
    "CoverageFigures",
    "CoverageModel",
    "DemandCell",
    "KeySiteRequirement",
    "UnitPlacement",
    "UnitSpec",
    "ZoneRequirement",
    "allocate",
    "build_coverage",
    "evaluate_placements",
    "reachable_key_sites",
    "solve_greedy",
    "solve_milp",
]
