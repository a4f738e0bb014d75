"""Hot spots: incident counts per grid, a kernel density surface and repeat places for a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select

from ..domain.clock import local
from ..domain.errors import ValidationError
from ..domain.travel import local_xy
from ..storage.models import Category, Grid, Incident
from .context import ServiceContext, service_action
from .map_data import station_origin

MAX_DAYS = 366
REPEAT_MIN = 3  # incidents at one place in the period that make it a repeat place (一地多警)
REPEAT_CELL_M = 40.0  # incidents without a usable address group by this cell


@dataclass(frozen=True, eq=False)
class DensityGrid:
    """Kernel density in incidents per km², cells of `cell_m` from (x0, y0), rows south to north."""

    values: np.ndarray  # (ny, nx)
    x0: float
    y0: float
    cell_m: float
    bandwidth_m: float

    @property
    def peak(self) -> float:
        return float(self.values.max()) if self.values.size else 0.0


@dataclass(frozen=True)
class RepeatPlace:
    label: str
    x: float
    y: float
    lon: float
    lat: float
    count: int
    top_category: str
    incident_ids: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class HotspotData:
    since: datetime
    until: datetime
    incidents: int  # with coordinates, after the filters
    without_position: int
    grid_counts: dict[int, int]  # grid id -> incidents in it and its sub-grids
    density: DensityGrid
    repeat_places: tuple[RepeatPlace, ...]


def _in_hours(hours_local: np.ndarray, window: tuple[int, int] | None) -> np.ndarray:
    if window is None:
        return np.ones(len(hours_local), dtype=bool)
    start, end = window
    if start <= end:
        return (hours_local >= start) & (hours_local < end)
    return (hours_local >= start) | (hours_local < end)  # across midnight, e.g. 22-6


def _smooth(counts: np.ndarray, sigma_cells: float) -> np.ndarray:
    """Separable Gaussian blur (numpy only): the kernel density of binned points."""
    radius = max(1, round(3 * sigma_cells))
    t = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (t / sigma_cells) ** 2)
    kernel /= kernel.sum()
    rows = np.apply_along_axis(lambda r: np.convolve(r, kernel, mode="same"), 1, counts)
    return np.apply_along_axis(lambda c: np.convolve(c, kernel, mode="same"), 0, rows)


@service_action("read")
def hotspots(ctx: ServiceContext, since: datetime, until: datetime, category_prefix: str | None = None,
             hours: tuple[int, int] | None = None, *, cell_m: float = 50.0,
             bandwidth_m: float = 150.0) -> HotspotData:
    """Where incidents of [since, until) cluster; `hours` is a local time-of-day window [start, end)."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValidationError("give aware datetimes", field="since")
    if until <= since:
        raise ValidationError("the period ends before it starts", field="until")
    if (until - since).days > MAX_DAYS:
        raise ValidationError(f"choose at most {MAX_DAYS} days", field="since")
    if hours is not None and not all(0 <= h <= 24 for h in hours):
        raise ValidationError("hours run from 0 to 24", field="hours")
    if not 10 <= cell_m <= 500 or not 20 <= bandwidth_m <= 2000:
        raise ValidationError("cell 10-500 m, bandwidth 20-2000 m", field="cell_m")
    station = ctx.station_id
    with ctx.read() as s:
        origin = station_origin(s, station)
        q = (select(Incident.id, Incident.received_at, Incident.lon, Incident.lat, Incident.grid_id,
                    Incident.address, Incident.category_code)
             .where(Incident.station_id == station, Incident.received_at >= since,
                    Incident.received_at < until))
        if category_prefix:
            q = q.where(Incident.category_code.startswith(category_prefix, autoescape=True))
        rows = s.execute(q).all()
        parents = dict(s.execute(select(Grid.id, Grid.parent_id).where(Grid.station_id == station)).all())
        bounds = s.execute(select(Grid.geometry).where(Grid.station_id == station, Grid.level == 1)).scalars().all()
        categories = dict(s.execute(select(Category.code, Category.name_zh)).all())

    hours_local = np.array([local(r.received_at).hour for r in rows], dtype=np.int64)
    keep = _in_hours(hours_local, hours)
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    placed = [r for r in rows if r.lon is not None and r.lat is not None]

    grid_counts: dict[int, int] = defaultdict(int)
    for r in rows:
        g = r.grid_id
        while g is not None:  # a district counts its small and micro grids' incidents
            grid_counts[g] += 1
            g = parents.get(g)

    lon = np.array([r.lon for r in placed], dtype=np.float64)
    lat = np.array([r.lat for r in placed], dtype=np.float64)
    x, y = local_xy(lon, lat, *origin)
    # The surface covers the jurisdiction (or the points when there are no grids).
    ext = [np.asarray(c, dtype=np.float64).reshape(-1, 2) for g in bounds
           for c in _outer_rings(g)]
    if ext:
        allp = np.vstack(ext)
        bx, by = local_xy(allp[:, 0], allp[:, 1], *origin)
    else:
        bx, by = x, y
    if len(bx):
        pad = 2 * bandwidth_m
        x0, y0 = float(bx.min()) - pad, float(by.min()) - pad
        nx = max(1, int(np.ceil((float(bx.max()) + pad - x0) / cell_m)))
        ny = max(1, int(np.ceil((float(by.max()) + pad - y0) / cell_m)))
    else:
        x0, y0, nx, ny = 0.0, 0.0, 1, 1
    counts = np.zeros((ny, nx), dtype=np.float64)
    if len(x):
        ix = np.clip(((x - x0) / cell_m).astype(np.int64), 0, nx - 1)
        iy = np.clip(((y - y0) / cell_m).astype(np.int64), 0, ny - 1)
        np.add.at(counts, (iy, ix), 1.0)
    per_km2 = 1e6 / (cell_m * cell_m)
    values = _smooth(counts, bandwidth_m / cell_m) * per_km2 if len(x) else counts
    density = DensityGrid(values, x0, y0, cell_m, bandwidth_m)

    return HotspotData(since, until, len(placed), len(rows) - len(placed), dict(grid_counts),
                       density, _repeat_places(placed, x, y, categories))


def _outer_rings(geometry: dict) -> list[list]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [p[0] for p in geometry["coordinates"]]
    return []


def _place_key(address: str) -> str:
    return "".join(address.split())


def _repeat_places(placed: list, x: np.ndarray, y: np.ndarray,
                   categories: dict[str, str]) -> tuple[RepeatPlace, ...]:
    """Places with REPEAT_MIN or more incidents: the same address, else the same 40 m cell."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(placed):
        key = _place_key(r.address or "")
        if len(key) < 4:  # "路口", "" and the like say nothing about the place
            key = f"@{int(x[i] // REPEAT_CELL_M)},{int(y[i] // REPEAT_CELL_M)}"
        groups[key].append(i)
    out = []
    for key, idx in groups.items():
        if len(idx) < REPEAT_MIN:
            continue
        cats: dict[str, int] = defaultdict(int)
        for i in idx:
            cats[placed[i].category_code[:2]] += 1
        top = max(cats, key=lambda c: cats[c])
        first = placed[idx[0]]
        label = first.address if not key.startswith("@") else f"{first.lon:.5f}, {first.lat:.5f}"
        ids = tuple(sorted((placed[i].id for i in idx), reverse=True))
        out.append(RepeatPlace(label, float(np.mean(x[idx])), float(np.mean(y[idx])),
                               float(np.mean([placed[i].lon for i in idx])),
                               float(np.mean([placed[i].lat for i in idx])),
                               len(idx), categories.get(top, top), ids))
    out.sort(key=lambda p: (-p.count, p.label))
    return tuple(out)
