"""Demo geography in local metres: an irregular jurisdiction tiled into Voronoi cells, then lon/lat."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from ..domain.travel import EARTH_RADIUS_M

# 城关派出所 sits in the middle of a city; every demo coordinate is relative to this point.
ORIGIN_LON = 116.40
ORIGIN_LAT = 39.90
_K = math.cos(math.radians(ORIGIN_LAT))
_DEG_PER_M_LAT = 180.0 / (math.pi * EARTH_RADIUS_M)
_DEG_PER_M_LON = _DEG_PER_M_LAT / _K


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    return ORIGIN_LON + x * _DEG_PER_M_LON, ORIGIN_LAT + y * _DEG_PER_M_LAT


def to_xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon - ORIGIN_LON) / _DEG_PER_M_LON, (lat - ORIGIN_LAT) / _DEG_PER_M_LAT


def geometry_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """The same shape in WGS84 degrees; a linear map, so shared borders stay shared."""
    return shapely.transform(
        geom, lambda xy: xy * [_DEG_PER_M_LON, _DEG_PER_M_LAT] + [ORIGIN_LON, ORIGIN_LAT]
    )


def geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON of a metre-space geometry, in lon/lat (lists, not tuples, so it round-trips)."""
    data = mapping(geometry_lonlat(geom))

    def lists(v: Any) -> Any:
        return [lists(x) for x in v] if isinstance(v, (list, tuple)) else v

    return {"type": data["type"], "coordinates": lists(data["coordinates"])}


def jurisdiction(rng: random.Random, radius_m: float = 1600.0, vertices: int = 18) -> Polygon:
    """An irregular, roughly round area of ~7 km² (a city-centre station's patch)."""
    # Smooth the random radii so the outline looks like streets and a river, not a star.
    raw = [rng.uniform(0.78, 1.18) for _ in range(vertices)]
    smooth = [(raw[i - 1] + 2 * raw[i] + raw[(i + 1) % vertices]) / 4 for i in range(vertices)]
    pts = []
    for i, f in enumerate(smooth):
        a = 2 * math.pi * i / vertices + rng.uniform(-0.08, 0.08)
        # Wider east-west than north-south, like most old town centres along a main road.
        pts.append((math.cos(a) * radius_m * f * 1.15, math.sin(a) * radius_m * f * 0.9))
    return Polygon(pts)


def random_point_in(geom: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(1000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(x, y)):
            return x, y
    rp = geom.representative_point()
    return rp.x, rp.y


def random_points(geom: BaseGeometry, n: int, rng: random.Random) -> list[tuple[float, float]]:
    """n points inside a shape, sampled in batches (one vectorised containment test per batch)."""
    minx, miny, maxx, maxy = geom.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        xs = [rng.uniform(minx, maxx) for _ in range(2 * n)]
        ys = [rng.uniform(miny, maxy) for _ in range(2 * n)]
        inside = shapely.contains_xy(geom, xs, ys)
        out.extend((x, y) for x, y, ok in zip(xs, ys, inside, strict=True) if ok)
    return out[:n]


def _polygonal(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]


def _voronoi(parent: Polygon, seeds: list[tuple[float, float]]) -> list[BaseGeometry]:
    cells = shapely.voronoi_polygons(
        MultiPoint(seeds), extend_to=parent.envelope.buffer(100.0), ordered=True
    )
    return [cell.intersection(parent) for cell in cells.geoms]


def tile(parent: Polygon, n: int, rng: random.Random, *, relax: int = 2) -> list[Polygon]:
    """Split a polygon into n irregular cells that cover it exactly and never overlap.

    Voronoi cells of random seeds, relaxed a little (Lloyd) so no cell is a sliver; a cell that
    the clipping cut in two gives its smaller pieces to the neighbour sharing the longest border.
    """
    seeds = [random_point_in(parent, rng) for _ in range(n)]
    for _ in range(relax):
        cells = _voronoi(parent, seeds)
        seeds = [
            (c.centroid.x, c.centroid.y) if not c.is_empty and parent.contains(c.centroid) else s
            for c, s in zip(cells, seeds, strict=True)
        ]
    pieces = [_polygonal(c) for c in _voronoi(parent, seeds)]
    cells_out: list[BaseGeometry] = []
    strays: list[Polygon] = []
    for parts in pieces:
        if not parts:
            continue
        parts.sort(key=lambda p: p.area, reverse=True)
        cells_out.append(parts[0])
        strays.extend(parts[1:])
    for stray in strays:
        best = max(
            range(len(cells_out)),
            key=lambda i: cells_out[i].boundary.intersection(stray.boundary).length,
        )
        cells_out[best] = cells_out[best].union(stray)
    result: list[Polygon] = []
    for c in cells_out:
        polys = _polygonal(c)
        # A merged stray touches its new cell along a border, so the union is one polygon.
        result.append(max(polys, key=lambda p: p.area) if len(polys) > 1 else polys[0])
    # Reading order (north-west first) so codes run across the map like a grid register's.
    result.sort(key=lambda p: (-round(p.centroid.y / 400.0), p.centroid.x))
    return result


@dataclass(frozen=True)
class Cell:
    """A tiled cell with what the grid and zone tables store."""

    polygon: Polygon

    @property
    def area_m2(self) -> float:
        return float(self.polygon.area)

    @property
    def centroid_lonlat(self) -> tuple[float, float]:
        c = self.polygon.centroid
        return to_lonlat(c.x, c.y)

    @property
    def geojson(self) -> dict[str, Any]:
        return geojson(self.polygon)
