"""A reproducible synthetic district (hot spots over a town) for benchmarks and tests."""

from __future__ import annotations

import math

import numpy as np

from .model import AllocationProblem, CandidatePoint, DemandCell, UnitSpec

ORIGIN = (116.40, 39.90)


def synthetic_problem(
    n_demand: int, n_candidates: int, n_units: int, *, seed: int = 1,
    side_km: float = 8.0, kinds: tuple[str, ...] = ("car", "car", "car", "motorbike"),
    local_hour: int = 10, history_days: int = 28,
) -> AllocationProblem:
    """Micro grids on a jittered lattice with incident hot spots; candidates drawn near demand."""
    rng = np.random.default_rng(seed)
    side = side_km * 1000.0
    n = math.ceil(math.sqrt(n_demand))
    xs, ys = np.meshgrid(np.arange(n), np.arange(n))
    pts = np.c_[xs.ravel(), ys.ravel()][:n_demand].astype(float)
    pts = (pts + 0.5 + rng.uniform(-0.3, 0.3, pts.shape)) * side / n
    hot = rng.uniform(0.1 * side, 0.9 * side, (12, 2))
    spread = rng.uniform(300, 1200, 12)
    strength = rng.lognormal(0.0, 0.7, 12)
    d2 = ((pts[:, None, :] - hot[None, :, :]) ** 2).sum(axis=2)
    intensity = (strength * np.exp(-d2 / (2 * spread**2))).sum(axis=1) + 0.02
    # Expected incidents as the demand model gives them: four weeks of history at ~80 incidents
    # a day per 2,000 cells, so quiet cells carry no demand at all, as in a real station.
    rate = intensity / intensity.sum() * 80.0 * (n_demand / 2000.0)
    history = rng.poisson(rate * history_days)
    weight = history / history_days
    lon, lat = _to_lonlat(pts)
    demand = tuple(DemandCell(i + 1, float(lon[i]), float(lat[i]), float(weight[i]),
                              f"MG{i + 1:05d}") for i in range(n_demand))
    pick = rng.choice(n_demand, size=n_candidates, replace=n_candidates > n_demand,
                      p=np.sqrt(rate) / np.sqrt(rate).sum())
    cpts = pts[pick] + rng.normal(0, 150, (n_candidates, 2))
    clon, clat = _to_lonlat(cpts)
    kinds_cycle = ("post", "police_room", "must_patrol", "zone_centre")
    candidates = tuple(
        CandidatePoint(f"point:{j + 1}", f"P{j + 1:03d}", kinds_cycle[j % 4], float(clon[j]),
                       float(clat[j]), zones=(j % 16 + 1,))
        for j in range(n_candidates)
    )
    units = tuple(UnitSpec(u + 1, f"巡{u + 1:02d}", kinds[u % len(kinds)]) for u in range(n_units))
    return AllocationProblem(demand, candidates, units, local_hour=local_hour)


def _to_lonlat(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = math.cos(math.radians(ORIGIN[1]))
    lat = ORIGIN[1] + np.degrees(pts[:, 1] / 6_371_008.8)
    lon = ORIGIN[0] + np.degrees(pts[:, 0] / (6_371_008.8 * k))
    return lon, lat
