"""Shared set-up for the incident service tests: a grid, a key site, units, a second seat."""

from __future__ import annotations

from dataclasses import replace

from precinct_console.services.context import ServiceContext
from precinct_console.storage.models import Grid, KeySite, Unit

LON, LAT = 116.40, 39.90


def square(lon: float, lat: float, half: float) -> dict:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_grid(db, station_id: int, code: str = "D01-S01", lon: float = LON, lat: float = LAT) -> int:
    with db.sessions() as s:
        g = Grid(station_id=station_id, code=code, name=f"{code}网格", level=2,
                 geometry=square(lon, lat, 0.01), centroid_lon=lon, centroid_lat=lat)
        s.add(g)
        s.commit()
        return g.id


def add_key_site(db, station_id: int, lon: float, lat: float, name: str = "城关小学") -> int:
    with db.sessions() as s:
        k = KeySite(station_id=station_id, code="K1", name=name, kind="school", lon=lon, lat=lat)
        s.add(k)
        s.commit()
        return k.id


def add_units(db, station_id: int, specs: list[tuple[str, str, float]]) -> dict[str, int]:
    """(call sign, kind, longitude offset from the incident point) -> ids; all available."""
    ids = {}
    with db.sessions() as s:
        for sign, kind, dlon in specs:
            u = Unit(station_id=station_id, call_sign=sign, kind=kind, seats=2,
                     home_lon=LON + dlon, home_lat=LAT, lon=LON + dlon, lat=LAT, status="available")
            s.add(u)
            s.flush()
            ids[sign] = u.id
        s.commit()
    return ids


def seat(ctx: ServiceContext, workstation: str) -> ServiceContext:
    return ctx.as_actor(replace(ctx.actor, workstation=workstation))
