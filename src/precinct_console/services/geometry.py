"""Geometry services: locate points in their grid (shapely STRtree), import and export GeoJSON."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import delete, func, select

from ..domain import geo, geo_validation
from ..domain.changes import Change
from ..domain.errors import ConflictError, NotFound, ValidationError, ValidationErrors
from ..storage.models import Grid, GridPerson, KeySite, PatrolLine, PatrolPoint, PatrolZone, Post
from .context import ServiceContext, service_action


# -- point to grid -----------------------------------------------------------------------------
@dataclass
class _GridIndex:
    key: tuple[int, int, int]
    tree: shapely.STRtree
    ids: np.ndarray
    levels: np.ndarray


_cache: dict[tuple[str, int], _GridIndex] = {}
_lock = threading.Lock()


def _index(ctx: ServiceContext, session: Any = None) -> _GridIndex:
    station = ctx.station_id
    # A caller inside its own transaction (intake) lends its session: one connection checkout
    # and one statement fewer per call taken.
    with contextlib.nullcontext(session) if session is not None else ctx.read() as s:
        # Count, highest id and version sum change whenever a grid is added, removed or edited.
        key_row = s.execute(
            select(func.count(Grid.id), func.coalesce(func.max(Grid.id), 0),
                   func.coalesce(func.sum(Grid.version), 0)).where(Grid.station_id == station)
        ).one()
        key = (int(key_row[0]), int(key_row[1]), int(key_row[2]))
        cache_key = (ctx.db.url, station)
        with _lock:
            cached = _cache.get(cache_key)
        if cached is not None and cached.key == key:
            return cached
        rows = s.execute(
            select(Grid.id, Grid.level, Grid.geometry).where(Grid.station_id == station)
        ).all()
    geoms = [shape(r.geometry) for r in rows]
    shapely.prepare(geoms)
    index = _GridIndex(key, shapely.STRtree(geoms), np.array([r.id for r in rows], dtype=np.int64),
                       np.array([r.level for r in rows], dtype=np.int64))
    with _lock:
        _cache[cache_key] = index
    return index


def _finest(index: _GridIndex, point_idx: np.ndarray, tree_idx: np.ndarray, n: int) -> np.ndarray:
    """Per point, the id of the finest grid hit; on a shared border the lower id wins."""
    out = np.zeros(n, dtype=np.int64)
    if len(point_idx) == 0:
        return out
    ids, levels = index.ids[tree_idx], index.levels[tree_idx]
    # Sort by point, then level descending, then id ascending: the first row per point wins.
    order = np.lexsort((ids, -levels, point_idx))
    p_sorted = point_idx[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = p_sorted[1:] != p_sorted[:-1]
    out[p_sorted[first]] = ids[order][first]
    return out


def locate_grid(ctx: ServiceContext, lon: float, lat: float, *, session: Any = None) -> int | None:
    """The finest grid (micro grid if there is one) containing the point, or None."""
    found = locate_grids(ctx, [lon], [lat], session=session)
    return found[0]


def locate_grids(ctx: ServiceContext, lons: Sequence[float] | np.ndarray,
                 lats: Sequence[float] | np.ndarray, *, session: Any = None) -> list[int | None]:
    """locate_grid for many points at once (imports, hot spots): one vectorised tree query."""
    index = _index(ctx, session)
    lon_a = np.asarray(lons, dtype=np.float64)
    lat_a = np.asarray(lats, dtype=np.float64)
    if len(lon_a) == 0 or len(index.ids) == 0:
        return [None] * len(lon_a)
    points = shapely.points(lon_a, lat_a)
    # "intersects" keeps points lying exactly on a border (contains would drop them).
    hits = index.tree.query(points, predicate="intersects")
    ids = _finest(index, hits[0], hits[1], len(lon_a))
    return [int(i) if i else None for i in ids]


# -- import ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportSummary:
    created: Mapping[str, int]
    updated: Mapping[str, int]
    features: int
    unchanged: Mapping[str, int] = field(default_factory=dict)
    # Points of the file that stand in none of the station's grids ("P04 南关警务站"): imported, as
    # a post may stand at the border, but named, as a mistyped coordinate puts one 25 km away.
    outside: tuple[str, ...] = ()

    def by_layer(self) -> list[tuple[str, int, int, int]]:
        """(layer, new, updated, unchanged) for each layer the file touched, in layer order: what
        the window and the command line each word in their language."""
        counts = ((layer, self.created.get(layer, 0), self.updated.get(layer, 0),
                   self.unchanged.get(layer, 0)) for layer in geo.LAYERS)
        return [c for c in counts if any(c[1:])]

    def describe(self) -> str:
        parts = [f"{layer}: {c} new, {u} updated" + (f", {n} unchanged" if n else "")
                 for layer, c, u, n in self.by_layer()]
        return "; ".join(parts) or "nothing to import"


def _upsert(uow: Any, layer_name: str, row: Any, make: Any, values: dict[str, Any]) -> tuple[Any, str]:
    """Add the row, or update only a row whose values differ (no version bump for nothing)."""
    if row is None:
        return uow.add("geometry.import", layer_name, make(**values)), "created"
    if all(getattr(row, k) == v for k, v in values.items()):
        return row, "unchanged"
    uow.update("geometry.import", layer_name, row, **values)
    return row, "updated"


def read_geojson(source: Mapping[str, Any] | str | Path) -> Mapping[str, Any]:
    """A FeatureCollection given as data or as a file path (UTF-8, with or without BOM)."""
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"file {path} does not exist", field="file") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path} is not UTF-8 text: {exc}", field="file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}",
                              field="file") from None
    if not isinstance(data, Mapping):
        raise ValidationError(f"{path} holds no GeoJSON object", field="file")
    return data


def _stored(session: Any, station: int) -> tuple[list[geo.StoredArea], list[geo.StoredArea]]:
    grids = session.execute(select(Grid.id, Grid.code, Grid.level, Grid.parent_id, Grid.geometry)
                            .where(Grid.station_id == station)).all()
    code_of = {g.id: g.code for g in grids}
    zones = session.execute(select(PatrolZone.id, PatrolZone.code, PatrolZone.kind,
                                   PatrolZone.parent_id, PatrolZone.geometry)
                            .where(PatrolZone.station_id == station)).all()
    zcode_of = {z.id: z.code for z in zones}
    return (
        [geo.StoredArea(g.code, g.level, code_of.get(g.parent_id), g.geometry) for g in grids],
        [geo.StoredArea(z.code, 0, zcode_of.get(z.parent_id), z.geometry, z.kind) for z in zones],
    )


@service_action("geometry.import")
def import_geometry(ctx: ServiceContext, source: Mapping[str, Any] | str | Path, *,
                    layer: str | None = None) -> ImportSummary:
    """Validate a GeoJSON file whole, then upsert its features by code in one transaction.

    Any problem raises ValidationErrors listing every problem by feature; nothing is written.
    """
    data = read_geojson(source)
    with ctx.uow() as uow:
        uow.lock_station(MAP_LOCK, ctx.station_id)
        summary = import_in(uow, ctx.station_id, data, layer=layer)
        uow.commit()
    return summary


# Serialises a station's map writes (a file's import, a map form's save) on PostgreSQL, from the
# checks that read the stored map (a code free, a zone overlapping none of its siblings) to the
# commit: two seats checking at once both passed, and the later undid the earlier.
MAP_LOCK = 0x4D415053  # "MAPS"


def import_in(uow: Any, station: int, data: Mapping[str, Any], *,
              layer: str | None = None) -> ImportSummary:
    """The import's checks and upsert in a unit of work the caller commits: a map form checks
    its record in that same transaction first (services.map_points.save_from_form), so another
    seat's save can no longer land between its check and its write. The caller holds MAP_LOCK."""
    s = uow.session
    stored_grids, stored_zones = _stored(s, station)
    parsed = geo_validation.parse_features(data, stored_grids=stored_grids, stored_zones=stored_zones,
                                default_layer=layer)
    counts: dict[str, dict[str, int]] = {"created": {}, "updated": {}, "unchanged": {}}

    def count(layer_name: str, outcome: str) -> None:
        counts[outcome][layer_name] = counts[outcome].get(layer_name, 0) + 1

    grids = {g.code: g for g in s.scalars(select(Grid).where(Grid.station_id == station))}
    for level in (1, 2, 3):  # parents first, so children find their ids
        for g in (g for g in parsed.grids if g.level == level):
            values = dict(
                name=g.name, level=g.level, geometry=g.geometry, area_m2=round(g.area_m2, 1),
                centroid_lon=g.centroid[0], centroid_lat=g.centroid[1],
                parent_id=grids[g.parent_code].id if g.parent_code else None,
            )
            row, outcome = _upsert(uow, "grid", grids.get(g.code),
                                   lambda code=g.code, **v: Grid(station_id=station, code=code, **v), values)
            grids[g.code] = row
            if g.people is not None and _replace_people(uow, station, row.id, g.people) \
                    and outcome == "unchanged":
                outcome = "updated"
            count("grid", outcome)

    zones = {z.code: z for z in s.scalars(select(PatrolZone).where(PatrolZone.station_id == station))}
    for z in parsed.zones:
        values = dict(name=z.name, kind=z.kind, geometry=z.geometry,
                      centroid_lon=z.centroid[0], centroid_lat=z.centroid[1])
        zones[z.code], outcome = _upsert(
            uow, "patrol_zone", zones.get(z.code),
            lambda code=z.code, **v: PatrolZone(station_id=station, code=code, **v), values)
        count("patrol_zone", outcome)
    for z in parsed.zones:  # parents may come later in the file than their children
        parent_id = zones[z.parent_code].id if z.parent_code else None
        if zones[z.code].parent_id != parent_id:
            uow.update("geometry.import", "patrol_zone", zones[z.code], parent_id=parent_id)

    uow.flush()
    grid_of = _point_locator(s, station)
    # A point in none of the station's grids is imported (a post may stand on the border) but
    # named: 25 km off, it is a typo in the coordinates the chief should hear of at once.
    has_grids = s.scalar(select(Grid.id).where(Grid.station_id == station).limit(1)) is not None
    outside: list[str] = []
    for layer_name, model, points in (("key_site", KeySite, parsed.sites),
                                      ("post", Post, parsed.posts)):
        existing: dict[str, Any] = {
            p.code: p for p in s.scalars(select(model).where(model.station_id == station))}  # type: ignore[attr-defined]
        for p in points:
            values = dict(name=p.name, kind=p.kind, lon=p.lon, lat=p.lat,
                          grid_id=grid_of(p.lon, p.lat))
            if has_grids and values["grid_id"] is None:
                outside.append(f"{p.code} {p.name}")
            if model is KeySite:
                values.update(address=p.address, target_minutes=p.target_minutes)
            else:
                values.update(phone=p.phone)
            _row, outcome = _upsert(uow, layer_name, existing.get(p.code),
                                    lambda code=p.code, model=model, **v: model(
                                        station_id=station, code=code, **v), values)
            count(layer_name, outcome)
    stored_points = {p.code: p for p in s.scalars(
        select(PatrolPoint).where(PatrolPoint.station_id == station))}
    for p in parsed.patrol_points:
        if has_grids and grid_of(p.lon, p.lat) is None:
            outside.append(f"{p.code} {p.name}")
        values = dict(name=p.name, lon=p.lon, lat=p.lat, window_start=p.window_start,
                      window_end=p.window_end, note=p.note, active=p.active)
        _row, outcome = _upsert(uow, "patrol_point", stored_points.get(p.code),
                                lambda code=p.code, **v: PatrolPoint(station_id=station,
                                                                     code=code, **v), values)
        count("patrol_point", outcome)
    stored_lines = {ln.code: ln for ln in s.scalars(
        select(PatrolLine).where(PatrolLine.station_id == station))}
    for ln in parsed.patrol_lines:
        values = dict(name=ln.name, geometry=ln.geometry, length_m=round(ln.length_m, 1),
                      window_start=ln.window_start, window_end=ln.window_end, note=ln.note,
                      active=ln.active)
        _row, outcome = _upsert(uow, "patrol_line", stored_lines.get(ln.code),
                                lambda code=ln.code, **v: PatrolLine(station_id=station,
                                                                     code=code, **v), values)
        count("patrol_line", outcome)
    return ImportSummary(counts["created"], counts["updated"], parsed.count, counts["unchanged"],
                         tuple(outside))


def _people_now(session: Any, grid_id: int) -> list[dict[str, str]]:
    return [{"role": p.role, "name": p.name, "phone": p.phone}
            for p in session.scalars(select(GridPerson).where(GridPerson.grid_id == grid_id)
                                     .order_by(GridPerson.id))]


@service_action("geometry.import")
def set_grid_people(ctx: ServiceContext, grid_id: int, people: Iterable[Mapping[str, Any]], *,
                    expected: Iterable[Mapping[str, Any]] | None = None) -> Change:
    """Replace the people of a grid (its notice board), in the order given.

    `expected` is the list the editor started from: when another seat changed the people since,
    the save is refused with a conflict instead of silently overwriting their change.
    """
    checked = geo_validation.check_people(people)
    with ctx.uow() as uow:
        grid = uow.get(Grid, grid_id)
        now = _people_now(uow.session, grid_id)
        def key(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, ...]]:
            return sorted(tuple(str(p.get(k) or "") for k in ("role", "name", "phone")) for p in rows)

        if expected is not None and key(expected) != key(now):
            # current: the list as it is now, so the editor's OK again (told of the change)
            # saves over it, as every form does after such a refusal (ui/forms.try_again_over).
            raise ConflictError(f"the people of grid {grid.code} were changed by another seat "
                                "since you opened them; your change was not saved: save again to "
                                "put yours over theirs, or close to keep theirs",
                                current=[dict(p) for p in now])
        _replace_people(uow, ctx.station_id, grid_id, checked, action="grid.people")
        return uow.commit()


def _replace_people(uow: Any, station: int, grid_id: int, people: Iterable[geo.Person], *,
                    action: str = "geometry.import") -> bool:
    s = uow.session
    before = _people_now(s, grid_id)
    after = [{"role": p.role, "name": p.name, "phone": p.phone} for p in people]
    if before == after:
        return False
    s.execute(delete(GridPerson).where(GridPerson.grid_id == grid_id))
    for p in people:
        s.add(GridPerson(station_id=station, grid_id=grid_id, role=p.role, name=p.name, phone=p.phone))
    uow.audit(action, "grid", grid_id, {"people": before}, {"people": after})
    uow.changed("grid", grid_id)
    return True


def _point_locator(session: Any, station: int) -> Any:
    """Finest-grid lookup over the grids as they stand inside this transaction."""
    rows = session.execute(select(Grid.id, Grid.level, Grid.geometry)
                           .where(Grid.station_id == station)).all()
    if not rows:
        return lambda lon, lat: None
    index = _GridIndex((0, 0, 0), shapely.STRtree([shape(r.geometry) for r in rows]),
                       np.array([r.id for r in rows], dtype=np.int64),
                       np.array([r.level for r in rows], dtype=np.int64))

    def locate(lon: float, lat: float) -> int | None:
        hits = index.tree.query(shapely.points([lon], [lat]), predicate="intersects")
        found = int(_finest(index, hits[0], hits[1], 1)[0])
        return found or None

    return locate


# -- export ------------------------------------------------------------------------------------
@service_action("read")
def export_geometry(ctx: ServiceContext, layers: Iterable[str] = geo.LAYERS) -> dict[str, Any]:
    """The station's geometry as a FeatureCollection that `import_geometry` reads back unchanged."""
    wanted = set(layers)
    unknown = wanted - set(geo.LAYERS)
    if unknown:
        raise ValidationError(f"unknown layer(s) {', '.join(sorted(unknown))}; "
                              f"choose from {', '.join(geo.LAYERS)}", field="layer")
    station = ctx.station_id
    features: list[dict[str, Any]] = []
    with ctx.read() as s:
        if "grid" in wanted:
            grids = s.scalars(select(Grid).where(Grid.station_id == station)
                              .order_by(Grid.level, Grid.code)).all()
            code_of = {g.id: g.code for g in grids}
            people: dict[int, list[dict[str, str]]] = {}
            for p in s.scalars(select(GridPerson).where(GridPerson.station_id == station)
                               .order_by(GridPerson.id)):
                people.setdefault(p.grid_id, []).append({"role": p.role, "name": p.name, "phone": p.phone})
            for g in grids:
                props: dict[str, Any] = {"layer": "grid", "code": g.code, "name": g.name,
                                         "level": g.level}
                if g.parent_id:
                    props["parent"] = code_of[g.parent_id]
                if g.id in people:
                    props["people"] = people[g.id]
                features.append(geo.feature(g.geometry, props))
        if "patrol_zone" in wanted:
            zones = s.scalars(select(PatrolZone).where(PatrolZone.station_id == station)
                              .order_by(PatrolZone.code)).all()
            zcode = {z.id: z.code for z in zones}
            for z in zones:
                props = {"layer": "patrol_zone", "code": z.code, "name": z.name, "kind": z.kind}
                if z.parent_id:
                    props["parent"] = zcode[z.parent_id]
                features.append(geo.feature(z.geometry, props))
        if "key_site" in wanted:
            for k in s.scalars(select(KeySite).where(KeySite.station_id == station).order_by(KeySite.code)):
                features.append(geo.feature(geo.point_geometry(k.lon, k.lat), {
                    "layer": "key_site", "code": k.code, "name": k.name, "kind": k.kind,
                    "address": k.address, "target_minutes": k.target_minutes}))
        if "post" in wanted:
            for post in s.scalars(select(Post).where(Post.station_id == station).order_by(Post.code)):
                features.append(geo.feature(geo.point_geometry(post.lon, post.lat), {
                    "layer": "post", "code": post.code, "name": post.name, "kind": post.kind,
                    "phone": post.phone}))
        if "patrol_point" in wanted:
            for pt in s.scalars(select(PatrolPoint).where(PatrolPoint.station_id == station)
                                .order_by(PatrolPoint.code)):
                features.append(geo.feature(geo.point_geometry(pt.lon, pt.lat),
                                            _windowed_props("patrol_point", pt)))
        if "patrol_line" in wanted:
            for ln in s.scalars(select(PatrolLine).where(PatrolLine.station_id == station)
                                .order_by(PatrolLine.code)):
                features.append(geo.feature(ln.geometry, _windowed_props("patrol_line", ln)))
    return geo.feature_collection(features)


def _windowed_props(layer: str, row: PatrolPoint | PatrolLine) -> dict[str, Any]:
    """A must-patrol point's or a patrol line's properties as the import reads them back."""
    props: dict[str, Any] = {"layer": layer, "code": row.code, "name": row.name,
                             "window_start": row.window_start, "window_end": row.window_end,
                             "active": row.active}
    if row.note:
        props["note"] = row.note
    return props


@service_action("read")
def find_grid(ctx: ServiceContext, code: str) -> int:
    """The id of the station's grid with this code."""
    with ctx.read() as s:
        gid = s.scalar(select(Grid.id).where(Grid.station_id == ctx.station_id, Grid.code == code.strip()))
    if gid is None:
        raise NotFound(f"no grid with code {code!r} in this station")
    return int(gid)


__all__ = ["ImportSummary", "ValidationErrors", "export_geometry", "find_grid", "import_geometry",
           "locate_grid", "locate_grids", "read_geojson"]
