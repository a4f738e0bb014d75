"""The allocation problem and its answer as plain, immutable values."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# 1-3-5 tiers of force: a patrol unit within 3 minutes covers a place, a second one within
# 5 minutes backs it up; key sites want a unit within 1 minute.
COVER_SECONDS = 180.0
BACKUP_SECONDS = 300.0
KEY_SITE_SECONDS = 60.0
# Backup is worth less than first cover: the chief first wants every place reached at all.
BACKUP_WEIGHT = 0.3


@dataclass(frozen=True)
class DemandCell:
    """A micro grid (or any cell) with the incidents expected there during the shift."""

    id: int
    lon: float
    lat: float
    weight: float
    name: str = ""


@dataclass(frozen=True)
class CandidatePoint:
    """Where a unit may stand or patrol: a post, police room, must-patrol point, zone centre."""

    key: str  # stable, e.g. "post:3", "zone:12", "point:7"
    name: str
    kind: str  # post | police_room | must_patrol | zone_centre
    lon: float
    lat: float
    zones: tuple[int, ...] = ()  # patrol zones the point lies in
    capacity: int = 1  # units that may stand here at once


@dataclass(frozen=True)
class UnitSpec:
    id: int
    call_sign: str
    kind: str = "car"  # travel profile: car | motorbike | ebike | foot | drone
    pinned_to: str | None = None  # candidate key the chief fixed it to
    # Where the unit is now: equal posts are handed out nearest-first to save driving.
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class KeySiteRequirement:
    id: int
    name: str
    lon: float
    lat: float
    seconds: float = KEY_SITE_SECONDS


@dataclass(frozen=True)
class ZoneRequirement:
    zone_id: int
    name: str


@dataclass(frozen=True)
class AllocationProblem:
    demand: tuple[DemandCell, ...]
    candidates: tuple[CandidatePoint, ...]
    units: tuple[UnitSpec, ...]
    local_hour: int = 10
    key_sites: tuple[KeySiteRequirement, ...] = ()
    zones: tuple[ZoneRequirement, ...] = ()
    cover_seconds: float = COVER_SECONDS
    backup_seconds: float = BACKUP_SECONDS
    backup_weight: float = BACKUP_WEIGHT


@dataclass(frozen=True)
class UnitPlacement:
    unit_id: int
    call_sign: str
    candidate_key: str
    candidate_name: str
    lon: float
    lat: float
    pinned: bool = False


@dataclass(frozen=True)
class CoverageFigures:
    total_demand: float
    covered_once: float  # expected incidents with a unit within the cover time
    covered_twice: float  # ... and a second unit within the backup time
    objective: float
    key_sites_met: int = 0
    key_sites_total: int = 0
    zones_met: int = 0
    zones_total: int = 0

    @property
    def once_share(self) -> float:
        return self.covered_once / self.total_demand if self.total_demand > 0 else 0.0

    @property
    def twice_share(self) -> float:
        return self.covered_twice / self.total_demand if self.total_demand > 0 else 0.0


@dataclass(frozen=True)
class AllocationResult:
    placements: tuple[UnitPlacement, ...]
    figures: CoverageFigures
    method: str  # "milp" | "greedy"
    status: str  # "optimal" | "time_limit" | "greedy"
    gap: float  # relative gap to the best bound; 0 when proven optimal
    bound: float  # best proven upper bound on the objective
    solve_seconds: float
    demand_rows: int  # demand cells given
    merged_rows: int  # coverage rows the solver saw after merging identical coverage
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        f = self.figures
        return {
            "method": self.method,
            "status": self.status,
            # JSON has no NaN: a greedy plan has no proven bound, hence no gap.
            "gap": round(self.gap, 6) if math.isfinite(self.gap) else None,
            "bound": round(self.bound, 6) if math.isfinite(self.bound) else None,
            "solve_seconds": round(self.solve_seconds, 4),
            "demand_rows": self.demand_rows,
            "merged_rows": self.merged_rows,
            "figures": {
                "total_demand": round(f.total_demand, 4),
                "covered_once": round(f.covered_once, 4),
                "covered_twice": round(f.covered_twice, 4),
                "once_share": round(f.once_share, 4),
                "twice_share": round(f.twice_share, 4),
                "objective": round(f.objective, 6),
                "key_sites_met": f.key_sites_met,
                "key_sites_total": f.key_sites_total,
                "zones_met": f.zones_met,
                "zones_total": f.zones_total,
            },
            "placements": [
                {
                    "unit_id": p.unit_id, "call_sign": p.call_sign,
                    "candidate_key": p.candidate_key, "candidate_name": p.candidate_name,
                    "lon": p.lon, "lat": p.lat, "pinned": p.pinned,
                }
                for p in self.placements
            ],
            "notes": list(self.notes),
        }
