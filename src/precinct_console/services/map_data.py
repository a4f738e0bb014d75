"""What the map draws and shows: layers in local metres, the grid card, place search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from shapely.geometry import shape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..domain import geo
from ..domain.daily_window import ALL_DAY
from ..domain.errors import NotFound
from ..domain.lifecycle import STATUS_LABELS_ZH
from ..domain.travel import local_xy
from ..storage.models import (
    Category,
    Grid,
    GridPerson,
    Incident,
    KeySite,
    Officer,
    PatrolLine,
    PatrolPoint,
    PatrolZone,
    Post,
    Station,
    Task,
)
from .context import ServiceContext, service_action
from .task_views import OPEN_STATUSES  # the task board's meaning of open, not a second one

RECENT_DAYS = 30


@dataclass(frozen=True, eq=False)
class AreaShape:
    """A grid or zone: rings in local metres (x east, y north), closed, ready to draw."""

    id: int
    code: str
    name: str
    level: int  # grids 1..3; zones 0
    parent_id: int | None
    kind: str
    rings: tuple[np.ndarray, ...]  # each (n, 2), first point repeated last
    label_x: float
    label_y: float
    area_m2: float
    extent_m: float  # the smaller side of its bounding box: how much room a label has


@dataclass(frozen=True)
class LineShape:
    """A patrol line (巡逻线路) in local metres, with its daily window."""

    id: int
    code: str
    name: str
    xy: np.ndarray  # (n, 2), the route in order
    length_m: float
    window: str = ""  # "22:00-24:00", empty all day
    note: str = ""

    @property
    def middle(self) -> tuple[float, float]:
        """A vertex half way along (by count): where its hover marker sits."""
        x, y = self.xy[len(self.xy) // 2]
        return float(x), float(y)


@dataclass(frozen=True)
class PointShape:
    """A post, police room, key site or must-patrol point."""

    id: int
    code: str
    name: str
    kind: str
    x: float
    y: float
    lon: float
    lat: float
    grid_id: int | None = None
    phone: str = ""
    address: str = ""
    target_minutes: int = 0
    window: str = ""  # must-patrol points: "07:00-08:30", empty all day
    note: str = ""


@dataclass(frozen=True, eq=False)
class MapData:
    station_name: str
    origin_lon: float
    origin_lat: float
    grids: dict[int, tuple[AreaShape, ...]]  # by level 1..3
    zones: tuple[AreaShape, ...]
    posts: tuple[PointShape, ...]
    sites: tuple[PointShape, ...]
    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in metres
    patrol_points: tuple[PointShape, ...] = ()  # must-patrol points (必巡点) in use
    # Not drawn, but listed where a chief may put one back in use.
    patrol_points_off: tuple[PointShape, ...] = ()
    patrol_lines: tuple[LineShape, ...] = ()  # in use

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = local_xy(lon, lat, self.origin_lon, self.origin_lat)
        return float(x), float(y)

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = geo.unproject_xy(x, y, self.origin_lon, self.origin_lat)
        return float(lon), float(lat)

    @property
    def all_grids(self) -> list[AreaShape]:
        return [g for level in sorted(self.grids) for g in self.grids[level]]


def _rings(geometry: dict, origin: tuple[float, float]) -> tuple[np.ndarray, ...]:
    out = []
    for ring in geo.rings_of(geometry):
        a = np.asarray(ring, dtype=np.float64)[:, :2]
        x, y = local_xy(a[:, 0], a[:, 1], *origin)
        out.append(np.column_stack([x, y]))
    return tuple(out)


def _area(row_id: int, code: str, name: str, level: int, parent_id: int | None, kind: str,
          geometry: dict, area_m2: float, origin: tuple[float, float]) -> AreaShape:
    rings = _rings(geometry, origin)
    poly = shape(geometry)
    # A label goes where it is surely inside the shape (a bent grid's centroid may not be).
    label = poly.centroid if poly.contains(poly.centroid) else poly.representative_point()
    lx, ly = local_xy(label.x, label.y, *origin)
    allxy = np.vstack(rings) if rings else np.zeros((1, 2))
    extent = float(min(np.ptp(allxy[:, 0]), np.ptp(allxy[:, 1])))
    return AreaShape(row_id, code, name, level, parent_id, kind, rings, float(lx), float(ly),
                     area_m2, extent)


def station_origin(s: Session, station_id: int) -> tuple[float, float]:
    """Where the map's local metres start: the station, else the middle of its grids."""
    station = s.get(Station, station_id)
    if station is not None and station.lon is not None and station.lat is not None:
        return float(station.lon), float(station.lat)
    row = s.execute(select(func.avg(Grid.centroid_lon), func.avg(Grid.centroid_lat))
                    .where(Grid.station_id == station_id)).one()
    if row[0] is not None:
        return float(row[0]), float(row[1])
    return 116.40, 39.90


@service_action("read")
def map_layers(ctx: ServiceContext) -> MapData:
    """Every static layer of the station's map, projected around the station (or its grids)."""
    station_id = ctx.station_id
    with ctx.read() as s:
        station = s.get(Station, station_id)
        grids = s.execute(select(Grid.id, Grid.code, Grid.name, Grid.level, Grid.parent_id,
                                 Grid.geometry, Grid.area_m2, Grid.centroid_lon, Grid.centroid_lat)
                          .where(Grid.station_id == station_id).order_by(Grid.level, Grid.code)).all()
        zones = s.execute(select(PatrolZone).where(PatrolZone.station_id == station_id)
                          .order_by(PatrolZone.code)).scalars().all()
        posts = s.scalars(select(Post).where(Post.station_id == station_id).order_by(Post.code)).all()
        sites = s.scalars(select(KeySite).where(KeySite.station_id == station_id)
                          .order_by(KeySite.code)).all()
        patrol_points = s.scalars(select(PatrolPoint).where(PatrolPoint.station_id == station_id)
                                  .order_by(PatrolPoint.code)).all()
        patrol_lines = s.scalars(select(PatrolLine).where(PatrolLine.station_id == station_id,
                                                          PatrolLine.active.is_(True))
                                 .order_by(PatrolLine.code)).all()
        origin = station_origin(s, station_id)
        by_level: dict[int, list[AreaShape]] = {1: [], 2: [], 3: []}
        for g in grids:
            by_level.setdefault(g.level, []).append(
                _area(g.id, g.code, g.name, g.level, g.parent_id, "", g.geometry, g.area_m2, origin))
        zone_shapes = tuple(_area(z.id, z.code, z.name, 0, z.parent_id, z.kind, z.geometry,
                                  geo.area_m2(z.geometry), origin) for z in zones)

        def point(p: Post | KeySite, **extra: object) -> PointShape:
            x, y = local_xy(p.lon, p.lat, *origin)
            return PointShape(p.id, p.code, p.name, p.kind, float(x), float(y), p.lon, p.lat,
                              p.grid_id, **extra)  # type: ignore[arg-type]

        post_shapes = tuple(point(p, phone=p.phone) for p in posts)
        site_shapes = tuple(point(k, address=k.address, target_minutes=k.target_minutes) for k in sites)

        def patrol_point(p: PatrolPoint) -> PointShape:
            x, y = local_xy(p.lon, p.lat, *origin)
            window = "" if (p.window_start, p.window_end) == ALL_DAY else f"{p.window_start}-{p.window_end}"
            return PointShape(p.id, p.code, p.name, "must_patrol", float(x), float(y), p.lon, p.lat,
                              window=window, note=p.note)

        patrol_shapes = tuple(patrol_point(p) for p in patrol_points if p.active)
        patrol_off = tuple(patrol_point(p) for p in patrol_points if not p.active)

        def patrol_line(ln: PatrolLine) -> LineShape:
            coords = np.asarray(ln.geometry["coordinates"], dtype=float)
            x, y = local_xy(coords[:, 0], coords[:, 1], *origin)
            window = "" if (ln.window_start, ln.window_end) == ALL_DAY else f"{ln.window_start}-{ln.window_end}"
            return LineShape(ln.id, ln.code, ln.name, np.column_stack([x, y]), ln.length_m, window, ln.note)

        line_shapes = tuple(patrol_line(ln) for ln in patrol_lines)
        name = station.name if station is not None else ""
    coords = [r for lv in by_level.values() for a in lv for r in a.rings]
    coords += [r for z in zone_shapes for r in z.rings]
    coords += [ln.xy for ln in line_shapes]
    pts = [(p.x, p.y) for p in (*post_shapes, *site_shapes, *patrol_shapes)]
    if coords or pts:
        allxy = np.vstack([*coords, *(np.array([p]) for p in pts)])
        bounds = (float(allxy[:, 0].min()), float(allxy[:, 1].min()),
                  float(allxy[:, 0].max()), float(allxy[:, 1].max()))
    else:
        bounds = (-1000.0, -1000.0, 1000.0, 1000.0)
    return MapData(name, origin[0], origin[1], {lv: tuple(v) for lv, v in by_level.items()},
                   zone_shapes, post_shapes, site_shapes, bounds, patrol_shapes, patrol_off, line_shapes)


# -- grid card ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonLine:
    role: str
    role_zh: str
    name: str
    phone: str
    inherited_from: str = ""  # a parent grid's code when the grid has no one of this role itself


@dataclass(frozen=True)
class IncidentLine:
    id: int
    number: str
    received_at: datetime
    category: str
    status: str
    status_label: str
    address: str


@dataclass(frozen=True)
class TaskLine:
    id: int
    number: str
    title: str
    status: str
    feedback_due_at: datetime
    assignee: str
    overdue: bool


@dataclass(frozen=True)
class GridCard:
    id: int
    code: str
    name: str
    level: int
    level_name_zh: str
    parent_code: str
    parent_name: str
    area_m2: float
    children: int
    people: tuple[PersonLine, ...]
    key_sites: tuple[tuple[str, str, str], ...]  # code, name, kind
    posts: tuple[tuple[str, str, str], ...]  # code, name, phone
    recent_incidents: tuple[IncidentLine, ...]
    incidents_30d: int
    open_tasks: tuple[TaskLine, ...]
    station_name: str
    station_phone: str
    geometry: dict = field(default_factory=dict)

    def people_in(self, role: str) -> tuple[PersonLine, ...]:
        return tuple(p for p in self.people if p.role == role)


def _descendants(s, grid_id: int) -> list[int]:
    ids, frontier = [grid_id], [grid_id]
    while frontier:
        frontier = list(s.scalars(select(Grid.id).where(Grid.parent_id.in_(frontier))))
        ids += frontier
    return ids


@service_action("read")
def grid_card(ctx: ServiceContext, grid_id: int, *, recent: int = 10) -> GridCard:
    """Everything the command room asks about a grid, its sub-grids included."""
    now = ctx.clock()
    with ctx.read() as s:
        g = s.get(Grid, grid_id)
        if g is None or g.station_id != ctx.station_id:
            raise NotFound(f"grid {grid_id} does not exist")
        parent = s.get(Grid, g.parent_id) if g.parent_id else None
        station = s.get(Station, g.station_id)
        area_ids = _descendants(s, g.id)
        # A district's notice board names the people of the district itself; a micro grid's
        # falls back on its parents' community officer when it has none of its own.
        people = list(s.scalars(select(GridPerson).where(GridPerson.grid_id == g.id)
                                .order_by(GridPerson.id)))
        inherited: dict[int, str] = {}
        if not any(p.role == "community_officer" for p in people):
            up = parent
            while up is not None:
                officer = s.scalars(select(GridPerson).where(
                    GridPerson.grid_id == up.id, GridPerson.role == "community_officer")).first()
                if officer is not None:
                    people.insert(0, officer)
                    inherited[id(officer)] = up.code
                    break
                up = s.get(Grid, up.parent_id) if up.parent_id else None
        order = {r: i for i, r in enumerate(geo.PEOPLE_ROLES)}
        people.sort(key=lambda p: order.get(p.role, 9))
        sites = s.execute(select(KeySite.code, KeySite.name, KeySite.kind)
                          .where(KeySite.grid_id.in_(area_ids)).order_by(KeySite.code)).all()
        posts = s.execute(select(Post.code, Post.name, Post.phone)
                          .where(Post.grid_id.in_(area_ids)).order_by(Post.code)).all()
        since = now - timedelta(days=RECENT_DAYS)
        inc_rows = s.execute(
            select(Incident.id, Incident.number, Incident.received_at, Incident.status,
                   Incident.address, Category.name_zh)
            .join(Category, Category.code == Incident.category_code, isouter=True)
            .where(Incident.grid_id.in_(area_ids), Incident.received_at >= since,
                   Incident.received_at <= now)
            .order_by(Incident.received_at.desc()).limit(recent)).all()
        inc_count = s.scalar(select(func.count(Incident.id)).where(
            Incident.grid_id.in_(area_ids), Incident.received_at >= since,
            Incident.received_at <= now)) or 0
        task_rows = s.execute(
            select(Task.id, Task.number, Task.title, Task.status, Task.feedback_due_at, Officer.name)
            .join(Officer, Officer.id == Task.assignee_officer_id, isouter=True)
            .where(Task.grid_id.in_(area_ids), Task.status.in_(OPEN_STATUSES))
            .order_by(Task.feedback_due_at)).all()
        children = s.scalar(select(func.count(Grid.id)).where(Grid.parent_id == g.id)) or 0
        return GridCard(
            g.id, g.code, g.name, g.level, geo.LEVEL_NAMES_ZH.get(g.level, str(g.level)),
            parent.code if parent else "", parent.name if parent else "", g.area_m2, children,
            tuple(PersonLine(p.role, geo.PEOPLE_ROLES_ZH.get(p.role, p.role), p.name, p.phone,
                             inherited.get(id(p), "")) for p in people),
            tuple((r.code, r.name, r.kind) for r in sites),
            tuple((r.code, r.name, r.phone) for r in posts),
            tuple(IncidentLine(r.id, r.number, r.received_at, r.name_zh or "", r.status,
                               STATUS_LABELS_ZH.get(r.status, r.status), r.address)
                  for r in inc_rows),
            int(inc_count),
            tuple(TaskLine(r.id, r.number, r.title, r.status, r.feedback_due_at, r.name or "",
                           r.status != "fed_back" and r.feedback_due_at < now) for r in task_rows),
            station.name if station else "", station.phone if station else "",
            g.geometry,
        )


# -- search ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaceHit:
    kind: str  # grid | key_site | post | address
    id: int
    label: str
    lon: float
    lat: float


@service_action("read")
def search_places(ctx: ServiceContext, text: str, *, limit: int = 20) -> list[PlaceHit]:
    """Grids by code or name, then key sites and posts, then addresses incidents were at."""
    q = text.strip()
    if not q:
        return []
    like = f"%{q}%"
    station = ctx.station_id
    hits: list[PlaceHit] = []
    with ctx.read() as s:
        for r in s.execute(select(Grid.id, Grid.code, Grid.name, Grid.centroid_lon, Grid.centroid_lat)
                           .where(Grid.station_id == station,
                                  or_(Grid.code.ilike(like), Grid.name.ilike(like)))
                           .order_by(Grid.level, Grid.code).limit(limit)):
            hits.append(PlaceHit("grid", r.id, f"{r.code} {r.name}", r.centroid_lon, r.centroid_lat))
        for model, kind in ((KeySite, "key_site"), (Post, "post")):
            cond = or_(model.name.ilike(like), model.code.ilike(like))
            if model is KeySite:
                cond = or_(cond, KeySite.address.ilike(like))
            for p in s.scalars(select(model).where(model.station_id == station, cond).limit(limit)):
                hits.append(PlaceHit(kind, p.id, p.name, p.lon, p.lat))  # type: ignore[attr-defined]
        # Addresses come from incidents: the command room searches where calls came from.
        seen: set[str] = set()
        for a in s.execute(select(Incident.id, Incident.address, Incident.lon, Incident.lat)
                           .where(Incident.station_id == station, Incident.address.ilike(like),
                                  Incident.lon.is_not(None))
                           .order_by(Incident.received_at.desc()).limit(limit * 5)):
            if a.address in seen:
                continue
            seen.add(a.address)
            hits.append(PlaceHit("address", a.id, a.address, float(a.lon), float(a.lat or 0.0)))
    return hits[:limit]
