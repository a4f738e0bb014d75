"""Station reference data intake reads on every call, cached per database until the change feed names an edit."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, bindparam, case, func, select
from sqlalchemy.orm import Session

from ...domain.repeats import RepeatRules
from ...domain.response import ResponseProfile
from ...domain.travel import distance_m
from ...storage.models import ChangeRecord, Grid, KeySite, PatrolZone
from .profile import profile_in, repeat_rules_in

# Feed entities whose edit can change what is cached here. "station" covers a demo rebuild
# (which announces itself as reloaded); "category" is listed for an editor that announces it.
INVALIDATING = ("station", "grid", "key_site", "patrol_zone", "setting", "category")


class PlaceResolver:
    """Key sites and key zones of a station: the place tier of a point (key_site | key_zone | other)."""

    def __init__(self, session: Session, station_id: int, radius_m: float):
        self.radius_m = radius_m
        self.sites = [(float(lon), float(lat)) for lon, lat in session.execute(
            select(KeySite.lon, KeySite.lat).where(KeySite.station_id == station_id)
        )]
        zones = session.scalars(
            select(PatrolZone.geometry).where(PatrolZone.station_id == station_id,
                                              PatrolZone.kind == "key_zone")
        ).all()
        self.zones = [shape(g) for g in zones]
        for z in self.zones:
            shapely.prepare(z)
        # GEOS builds a prepared geometry's index lazily on first use: not safe from two threads.
        self._lock = threading.Lock()

    def tier(self, lon: float | None, lat: float | None) -> str:
        if lon is None or lat is None:
            return "other"
        if any(distance_m(lon, lat, s_lon, s_lat) <= self.radius_m for s_lon, s_lat in self.sites):
            return "key_site"
        point = shapely.points(lon, lat)
        with self._lock:
            if any(z.intersects(point) for z in self.zones):
                return "key_zone"
        return "other"


@dataclass(frozen=True)
class StationReference:
    profile: ResponseProfile
    rules: RepeatRules
    places: PlaceResolver
    grids: dict[int, tuple[str, str]]  # id -> (code, name), for the view of a new incident

    def grid_label(self, session: Session, grid_id: int | None) -> tuple[str | None, str | None]:
        """A grid's code and name; one read for a grid added since (by hand, without the feed)."""
        if grid_id is None:
            return None, None
        hit = self.grids.get(grid_id)
        if hit is None:
            row = session.execute(select(Grid.code, Grid.name).where(Grid.id == grid_id)).first()
            return (row.code, row.name) if row is not None else (None, None)
        return hit


_FEED_SINCE = (
    select(func.max(ChangeRecord.id),
           func.max(case((ChangeRecord.entity.in_(INVALIDATING), ChangeRecord.id))))
    .where(ChangeRecord.id > bindparam("seen"))
)


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.feed_id: int | None = None  # highest change-feed id already looked at
        self.generation = 0  # bumped on every drop, so a read that raced a drop is not kept
        self.stations: dict[int, StationReference] = {}


# Keyed by engine: a database opened again (a test's fresh file, a restored backup) starts cold.
_caches: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(session: Session) -> _Cache:
    engine = session.get_bind().engine
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = _Cache()
        return cache


def station_reference(session: Session, station_id: int) -> StationReference:
    """The station's profile, repeat rules and place resolver, read again only after an edit.

    Every write through the services adds change-feed rows in its own transaction, so one
    read of the feed rows after the last one seen (a primary-key range: a handful of rows in
    a surge) tells whether anything cached may be stale. Feed ids become visible in commit
    order (the unit of work serialises them), so a row can never appear behind the mark.
    """
    cache = _cache_for(session)
    with cache.lock:
        seen = cache.feed_id
    if seen is None:
        latest = session.scalar(select(func.max(ChangeRecord.id)))
        stale = True
    else:
        latest, relevant = session.execute(_FEED_SINCE, {"seen": seen}).one()
        stale = relevant is not None
    with cache.lock:
        if stale:
            cache.stations.clear()
            cache.generation += 1
        generation = cache.generation
        if latest is not None and (cache.feed_id is None or latest > cache.feed_id):
            cache.feed_id = int(latest)
        elif cache.feed_id is None:
            cache.feed_id = 0
        ref = cache.stations.get(station_id)
    if ref is not None:
        return ref
    # Read after the mark was taken: an edit committed in between is past the mark, so the
    # next call reads again (once too often, never once too few).
    profile = profile_in(session, station_id)
    grids = {gid: (code, name) for gid, code, name in session.execute(
        select(Grid.id, Grid.code, Grid.name).where(Grid.station_id == station_id))}
    ref = StationReference(profile, repeat_rules_in(session, station_id),
                           PlaceResolver(session, station_id, profile.key_site_radius_m), grids)
    with cache.lock:
        if cache.generation == generation:
            cache.stations[station_id] = ref
    return ref


def forget(engine: Engine) -> None:
    """Drop what is cached for a database (after an edit made behind the services' back)."""
    with _caches_lock:
        _caches.pop(engine, None)
