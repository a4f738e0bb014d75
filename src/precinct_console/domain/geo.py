"""Grid geometry: layers and levels, parsed features, projection to metres, area, GeoJSON out.

Pure. Coordinates are WGS84 longitude/latitude as police GIS systems export them; checking an
import file is geo_validation's job.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from .errors import ValidationError
from .travel import EARTH_RADIUS_M, local_xy

LAYERS = ("grid", "patrol_zone", "key_site", "post", "patrol_point", "patrol_line")
LEVEL_NAMES = {1: "district", 2: "small grid", 3: "micro grid"}
LEVEL_NAMES_ZH = {1: "警务区（大网格）", 2: "小网格", 3: "微网格"}
ZONE_KINDS = ("patrol", "key_zone")
POST_KINDS = ("post", "police_room")
PEOPLE_ROLES = ("community_officer", "auxiliary", "grid_leader", "grid_worker")
PEOPLE_ROLES_ZH = {"community_officer": "社区民警", "auxiliary": "辅警",
                   "grid_leader": "网格长", "grid_worker": "网格员"}


class FeatureProblem(ValidationError):
    """A problem of one feature of an import file, named by its index, code and property."""

    def __init__(self, message: str, *, index: int | None, code: str = "",
                 prop: str | None = None):
        super().__init__(message, field=prop, row=index)
        self.index = index
        self.code = code
        where = []
        if index is not None:
            where.append(f"feature {index}" + (f" ({code})" if code else ""))
        if prop:
            where.append(f"property '{prop}'")
        # Replace ValidationError's "row N" wording: an import file has features, not rows.
        self.args = ((", ".join(where) + ": " if where else "") + message,)

    def __str__(self) -> str:
        return str(self.args[0])


# -- parsed features ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    role: str
    name: str
    phone: str = ""


@dataclass(frozen=True)
class ParsedArea:
    """A grid or a patrol zone, ready to store."""

    layer: str  # grid | patrol_zone
    index: int
    code: str
    name: str
    geometry: dict[str, Any]  # normalised GeoJSON (Polygon or MultiPolygon)
    area_m2: float
    centroid: tuple[float, float]  # lon, lat
    level: int = 0  # grids: 1..3
    parent_code: str | None = None
    kind: str = ""  # zones: patrol | key_zone
    people: tuple[Person, ...] | None = None  # None: the file says nothing, keep what is stored


@dataclass(frozen=True)
class ParsedPoint:
    """A key site or a post / police room."""

    layer: str  # key_site | post | patrol_point
    index: int
    code: str
    name: str
    kind: str
    lon: float
    lat: float
    address: str = ""
    phone: str = ""
    target_minutes: int = 1
    window_start: str = "00:00"  # must-patrol points: the daily window (daily_window.py)
    window_end: str = "24:00"
    note: str = ""
    active: bool = True


@dataclass(frozen=True)
class ParsedLine:
    """A patrol line (巡逻线路): a route patrolled in a daily window (night-market closing)."""

    index: int
    code: str
    name: str
    geometry: dict[str, Any]  # GeoJSON LineString, WGS84
    length_m: float
    window_start: str = "00:00"
    window_end: str = "24:00"
    note: str = ""
    active: bool = True


@dataclass(frozen=True)
class ParsedGeometry:
    grids: tuple[ParsedArea, ...] = ()
    zones: tuple[ParsedArea, ...] = ()
    sites: tuple[ParsedPoint, ...] = ()
    posts: tuple[ParsedPoint, ...] = ()
    patrol_points: tuple[ParsedPoint, ...] = ()
    patrol_lines: tuple[ParsedLine, ...] = ()

    @property
    def count(self) -> int:
        return (len(self.grids) + len(self.zones) + len(self.sites) + len(self.posts)
                + len(self.patrol_points) + len(self.patrol_lines))


@dataclass(frozen=True)
class StoredArea:
    """A grid or zone already in the database, so a partial file is checked against it."""

    code: str
    level: int
    parent_code: str | None
    geometry: dict[str, Any]
    kind: str = ""  # zones: patrol | key_zone


# -- projection and area -----------------------------------------------------------------------
def project(geom: BaseGeometry, origin_lon: float, origin_lat: float) -> BaseGeometry:
    """The geometry in local metres (x east, y north) around an origin (travel.local_xy)."""

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = local_xy(coords[:, 0], coords[:, 1], origin_lon, origin_lat)
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def unproject_xy(x: Any, y: Any, origin_lon: float, origin_lat: float) -> tuple[Any, Any]:
    """Inverse of travel.local_xy: local metres back to lon/lat."""
    k = math.cos(math.radians(origin_lat))
    lon = origin_lon + np.degrees(np.asarray(x, dtype=np.float64) / (EARTH_RADIUS_M * k))
    lat = origin_lat + np.degrees(np.asarray(y, dtype=np.float64) / EARTH_RADIUS_M)
    return lon, lat


def _in_metres(geometry: Mapping[str, Any] | BaseGeometry) -> BaseGeometry | None:
    """The shape projected to metres around its own centre (exact within a city); None if empty."""
    geom = geometry if isinstance(geometry, BaseGeometry) else shape(geometry)
    if geom.is_empty:
        return None
    c = geom.centroid
    return project(geom, c.x, c.y)


def area_m2(geometry: Mapping[str, Any] | BaseGeometry) -> float:
    """Area in square metres."""
    geom = _in_metres(geometry)
    return 0.0 if geom is None else float(geom.area)


def length_m(geometry: Mapping[str, Any] | BaseGeometry) -> float:
    """A line's length in metres."""
    geom = _in_metres(geometry)
    return 0.0 if geom is None else float(geom.length)


def rings_of(geometry: Mapping[str, Any]) -> list[list[Sequence[float]]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon GeoJSON geometry."""
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


# -- writing GeoJSON back ----------------------------------------------------------------------
def feature(geometry: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": dict(geometry), "properties": dict(properties)}


def point_geometry(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def feature_collection(features: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def as_shape(geometry: Mapping[str, Any]) -> Polygon | MultiPolygon:
    return shape(geometry)  # type: ignore[return-value]


def reach_coverage(targets_x: Any, targets_y: Any, units_x: Any, units_y: Any, radii: Any) -> float:
    """Share of the target points (e.g. micro grids' centres) within some unit's reach radius."""
    tx, ty = np.asarray(targets_x, dtype=np.float64), np.asarray(targets_y, dtype=np.float64)
    ux, uy = np.asarray(units_x, dtype=np.float64), np.asarray(units_y, dtype=np.float64)
    r = np.asarray(radii, dtype=np.float64)
    if not len(tx):
        return 0.0
    if not len(ux):
        return 0.0
    d = np.hypot(tx[:, None] - ux[None, :], ty[:, None] - uy[None, :])
    return float(np.mean((d <= r[None, :]).any(axis=1)))


# Closer than this, two 16-px unit markers overlap at any useful zoom of a station's map.
CO_LOCATED_M = 15.0


def co_located(x: Any, y: Any, within_m: float = CO_LOCATED_M) -> list[list[int]]:
    """Indices grouped by place: a group holds the points within within_m of one another in a
    chain, in their order (a station's units are a few dozen, so all pairs are cheap)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(x)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n > 1:
        near = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= within_m
        for i, j in zip(*np.nonzero(np.triu(near, 1)), strict=True):
            parent[root(int(j))] = root(int(i))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
