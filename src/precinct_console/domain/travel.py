"""Travel model shared by recommendation, the map's reach rings and patrol allocation.

Road distance is the straight-line distance times a detour factor; speed depends on the unit
kind and on the hour of day (rush hours slow cars, not drones); a unit needs a moment to set off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_008.8
# Urban road networks run ~1.3-1.4x the straight line (circuity studies of Chinese cities).
DETOUR_FACTOR = 1.35


@dataclass(frozen=True)
class UnitProfile:
    speed_kmh: float
    rush_hour_factor: float  # multiplies speed in rush hours
    set_off_s: float  # from order to wheels moving
    detour: float = DETOUR_FACTOR


UNIT_PROFILES: dict[str, UnitProfile] = {
    "car": UnitProfile(32.0, 0.6, 30.0),
    "motorbike": UnitProfile(30.0, 0.85, 20.0),
    "ebike": UnitProfile(20.0, 0.95, 15.0),
    "foot": UnitProfile(5.0, 1.0, 5.0),
    "drone": UnitProfile(50.0, 1.0, 60.0, detour=1.0),
}
RUSH_HOURS = frozenset({7, 8, 17, 18})


def profile(kind: str) -> UnitProfile:
    return UNIT_PROFILES.get(kind, UNIT_PROFILES["car"])


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distances_m(lon1: NDArray[np.float64], lat1: NDArray[np.float64],
                lon2: NDArray[np.float64], lat2: NDArray[np.float64]) -> NDArray[np.float64]:
    """distance_m between arrays of places, broadcast as numpy does (one to many, rows to columns)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a))), float)


def speed_ms(kind: str, local_hour: int) -> float:
    prof = profile(kind)
    factor = prof.rush_hour_factor if local_hour in RUSH_HOURS else 1.0
    return prof.speed_kmh * factor / 3.6


def travel_seconds(distance: float, kind: str, local_hour: int, *, include_set_off: bool = True) -> float:
    """Seconds for a unit of this kind to reach a point `distance` metres away (straight line)."""
    prof = profile(kind)
    seconds = distance * prof.detour / speed_ms(kind, local_hour)
    return seconds + (prof.set_off_s if include_set_off else 0.0)


def reach_radius_m(seconds: float, kind: str, local_hour: int, *, include_set_off: bool = True) -> float:
    """Straight-line radius a unit covers in `seconds` (the map's 1/3/5-minute rings)."""
    prof = profile(kind)
    moving = seconds - (prof.set_off_s if include_set_off else 0.0)
    return max(0.0, moving * speed_ms(kind, local_hour) / prof.detour)


def local_xy(lon: NDArray[np.float64] | float, lat: NDArray[np.float64] | float,
             origin_lon: float, origin_lat: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Equirectangular projection to metres around an origin: exact enough within a district."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    k = math.cos(math.radians(origin_lat))
    x = np.radians(lon_a - origin_lon) * EARTH_RADIUS_M * k
    y = np.radians(lat_a - origin_lat) * EARTH_RADIUS_M
    return x, y


def travel_seconds_matrix(
    from_lon: NDArray[np.float64], from_lat: NDArray[np.float64],
    to_lon: NDArray[np.float64], to_lat: NDArray[np.float64],
    kind: str, local_hour: int, *, include_set_off: bool = True,
) -> NDArray[np.float64]:
    """Travel seconds from every origin (rows) to every destination (columns)."""
    origin_lon, origin_lat = float(np.mean(to_lon)), float(np.mean(to_lat))
    fx, fy = local_xy(from_lon, from_lat, origin_lon, origin_lat)
    tx, ty = local_xy(to_lon, to_lat, origin_lon, origin_lat)
    dist = np.hypot(fx[:, None] - tx[None, :], fy[:, None] - ty[None, :])
    prof = profile(kind)
    seconds = dist * prof.detour / speed_ms(kind, local_hour)
    return seconds + (prof.set_off_s if include_set_off else 0.0)
