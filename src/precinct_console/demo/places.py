"""The demo precinct's places: grids, streets, posts, key sites, patrol and key zones, hot spots."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shapely.geometry import Point, Polygon

from . import names
from .geo import jurisdiction, random_point_in, tile

DISTRICTS = 4
SMALL_PER_DISTRICT = 5
MICRO_PER_SMALL = (12, 18)  # a few hundred micro grids in all


@dataclass
class GridPlan:
    code: str
    name: str
    level: int
    parent_code: str | None
    polygon: Polygon
    compound: str = ""
    weight: float = 1.0  # how many incidents its people and shops make, relative


@dataclass(frozen=True)
class Street:
    name: str
    horizontal: bool  # runs east-west at y=at, else north-south at x=at
    at: float


@dataclass(frozen=True)
class PointPlan:
    code: str
    name: str
    kind: str
    x: float
    y: float
    target_minutes: int = 0


@dataclass(frozen=True)
class PatrolPointPlan:
    """A must-patrol point (必巡点) with its daily window, "HH:MM" to "HH:MM"."""

    code: str
    name: str
    x: float
    y: float
    window: tuple[str, str] = ("00:00", "24:00")
    note: str = ""


@dataclass(frozen=True)
class PatrolLinePlan:
    """A patrol line (巡逻线路): a route walked or driven in its daily window."""

    code: str
    name: str
    corners: tuple[tuple[float, float], ...]
    window: tuple[str, str]
    note: str = ""


@dataclass
class ZonePlan:
    code: str
    name: str
    kind: str
    parent_code: str | None
    polygon: Polygon


@dataclass(frozen=True)
class HotSpot:
    """A place that draws incidents: which kinds, when, and how strongly."""

    name: str
    x: float
    y: float
    radius: float
    weight: float  # share of all located incidents drawn here
    categories: dict[str, float]  # category code -> extra weight here
    night: bool = False  # busiest in the evening and at night


@dataclass
class Places:
    area: Polygon
    station_xy: tuple[float, float]
    grids: list[GridPlan] = field(default_factory=list)
    streets: list[Street] = field(default_factory=list)
    posts: list[PointPlan] = field(default_factory=list)
    sites: list[PointPlan] = field(default_factory=list)
    zones: list[ZonePlan] = field(default_factory=list)
    hotspots: list[HotSpot] = field(default_factory=list)
    patrol_points: list[PatrolPointPlan] = field(default_factory=list)
    patrol_lines: list[PatrolLinePlan] = field(default_factory=list)

    @property
    def micro(self) -> list[GridPlan]:
        return [g for g in self.grids if g.level == 3]

    def address(self, x: float, y: float, rng: random.Random, compound: str = "") -> str:
        """A street address that fits the point: nearest street, house number along it."""
        street = min(self.streets, key=lambda s: abs((y if s.horizontal else x) - s.at))
        along = x if street.horizontal else y
        # Numbers rise from the west/south end, odd on one side and even on the other.
        side = (y if street.horizontal else x) > street.at
        number = max(1, int((along + 3500) / 12)) * 2 + (1 if side else 0)
        text = f"{street.name}{number}号"
        if compound and rng.random() < 0.6:
            text += f"{compound}{rng.randint(1, 24)}号楼{rng.randint(1, 6)}单元"
        return text


def _streets(area: Polygon, rng: random.Random) -> list[Street]:
    minx, miny, maxx, maxy = area.bounds
    pool = list(names.STREETS)
    rng.shuffle(pool)
    out = []
    for i in range(6):
        out.append(Street(pool[i], True, miny + (i + 0.5) * (maxy - miny) / 6 + rng.uniform(-80, 80)))
    for i in range(7):
        out.append(Street(pool[6 + i], False, minx + (i + 0.5) * (maxx - minx) / 7 + rng.uniform(-80, 80)))
    return out


def _grids(area: Polygon, rng: random.Random) -> list[GridPlan]:
    compounds = iter(names.compound_names(rng, 400))
    out: list[GridPlan] = []
    for di, dpoly in enumerate(tile(area, DISTRICTS, rng), start=1):
        dname = names.DISTRICT_NAMES[di - 1]
        dcode = f"JWQ{di:02d}"
        out.append(GridPlan(dcode, f"{dname}警务区", 1, None, dpoly))
        for si, spoly in enumerate(tile(dpoly, SMALL_PER_DISTRICT, rng), start=1):
            scode = f"{dcode}-{si:02d}"
            out.append(GridPlan(scode, f"{dname}第{names.zh_number(si)}网格", 2, dcode, spoly))
            for mi, mpoly in enumerate(tile(spoly, rng.randint(*MICRO_PER_SMALL), rng), start=1):
                compound = next(compounds)
                # Heavy-tailed: a few dense old compounds and shopping blocks, many quiet ones.
                weight = rng.lognormvariate(0.0, 0.6) * (mpoly.area / 40_000.0) ** 0.5
                out.append(GridPlan(f"{scode}-{mi:02d}", f"{compound}微网格", 3, scode, mpoly,
                                    compound, weight))
    return out


_SITES = (
    # kind, names, target minutes (tiers of place: key sites 1 min, markets 3)
    ("school", ("城关实验小学", "第一中学", "育才小学", "阳光幼儿园", "第五中学", "南湖小学"), 1),
    ("hospital", ("市第一人民医院", "城关社区卫生服务中心"), 1),
    ("bank", ("工商银行城关支行", "建设银行人民路支行", "农业银行解放路支行", "中国银行新华路支行",
              "邮储银行北关支行"), 1),
    ("market", ("城关农贸市场", "百货大楼", "夜市美食街", "建材批发市场"), 3),
    ("transport", ("城关火车站", "人民路地铁站", "公交枢纽站"), 1),
)


def _points(places: Places, rng: random.Random) -> None:
    area = places.area
    inner = area.buffer(-250.0)
    n = 0
    for kind, site_names, target in _SITES:
        for site_name in site_names:
            n += 1
            x, y = random_point_in(inner, rng)
            places.sites.append(PointPlan(f"ZD{n:02d}", site_name, kind, x, y, target))
    by_name = {s.name: s for s in places.sites}
    # Posts stand where crowds are; police rooms sit in the residential districts.
    posts = [
        ("JWZ01", "火车站警务站", "post", by_name["城关火车站"]),
        ("JWZ02", "步行街警务站", "post", by_name["百货大楼"]),
    ]
    for code, pname, kind, site in posts:
        places.posts.append(PointPlan(code, pname, kind, site.x + 40, site.y + 30))
    districts = [g for g in places.grids if g.level == 1]
    for i, d in enumerate(districts[:3], start=1):
        c = d.polygon.centroid
        x, y = (c.x, c.y) if d.polygon.contains(c) else random_point_in(d.polygon, rng)
        places.posts.append(PointPlan(f"JWS{i:02d}", f"{d.name[:-3]}社区警务室", "police_room", x, y))


def _zones(places: Places, rng: random.Random) -> None:
    for bi, big in enumerate(tile(places.area, 4, rng), start=1):
        code = f"XQ{bi}"
        label = names.zh_number(bi)
        places.zones.append(ZonePlan(code, f"{label}号巡区", "patrol", None, big))
        for si, small in enumerate(tile(big, 4, rng), start=1):
            places.zones.append(ZonePlan(f"{code}-{si}", f"{label}号巡区{si}段", "patrol", code, small))
    by_name = {s.name: s for s in places.sites}
    key_zones = (
        ("ZDQ1", "站前广场", "城关火车站", 260.0),
        ("ZDQ2", "步行街商圈", "百货大楼", 320.0),
        ("ZDQ3", "夜市美食街", "夜市美食街", 220.0),
    )
    for code, zname, site, radius in key_zones:
        s = by_name[site]
        # Irregular blobs (a square's streets), kept inside the jurisdiction.
        blob = Point(s.x, s.y).buffer(radius, quad_segs=3)
        blob = Polygon([(x + rng.uniform(-30, 30), y + rng.uniform(-30, 30)) for x, y in blob.exterior.coords[:-1]])
        places.zones.append(ZonePlan(code, zname, "key_zone", None, blob.intersection(places.area)))


def _hotspots(places: Places, rng: random.Random) -> None:
    by_name = {s.name: s for s in places.sites}
    old = max(places.micro, key=lambda g: g.weight)
    c = old.polygon.centroid
    places.hotspots = [
        HotSpot("夜市美食街", by_name["夜市美食街"].x, by_name["夜市美食街"].y, 250, 0.06,
                {"0206": 6, "0202": 4, "0605": 4, "0201": 3, "0207": 2}, night=True),
        HotSpot("酒吧街", *random_point_in(places.area.buffer(-400), rng), 200, 0.04,
                {"0206": 8, "0202": 5, "0201": 4, "0203": 3, "0404": 2}, night=True),
        HotSpot("城关火车站", by_name["城关火车站"].x, by_name["城关火车站"].y, 300, 0.07,
                {"010103": 8, "0701": 3, "0705": 5, "0208": 3, "010402": 3}),
        HotSpot("城关农贸市场", by_name["城关农贸市场"].x, by_name["城关农贸市场"].y, 180, 0.04,
                {"0605": 6, "010103": 4, "0403": 3}),
        HotSpot(old.name.removesuffix("微网格"), c.x, c.y, 200, 0.04,
                {"0602": 6, "0601": 5, "060101": 3, "0607": 4, "0207": 3}),
        HotSpot("第一中学", by_name["第一中学"].x, by_name["第一中学"].y, 150, 0.02,
                {"0402": 6, "0403": 4, "040102": 3}),
    ]


def build_places(rng: random.Random) -> Places:
    area = jurisdiction(rng)
    places = Places(area=area, station_xy=(rng.uniform(-150, 150), rng.uniform(-150, 150)))
    places.grids = _grids(area, rng)
    places.streets = _streets(area, rng)
    _points(places, rng)
    _zones(places, rng)
    _hotspots(places, rng)
    _patrol_points(places)
    return places


# Must-patrol points at the key sites, as a station's patrol plan lists them: school gates at
# the start and the end of the school day (护学岗), banks in business hours, hospitals and the
# transport hubs all day, the night market and the bar street in the evening and past midnight.
_SITE_WINDOWS: dict[str, tuple[tuple[str, tuple[str, str], str], ...]] = {
    "school": (("护学岗（早）", ("07:00", "08:30"), "上学高峰"),
               ("护学岗（晚）", ("16:00", "18:00"), "放学高峰")),
    "bank": (("门前", ("08:30", "17:30"), "营业时间，含解款"),),
    "hospital": (("门前", ("00:00", "24:00"), ""),),
    "transport": (("广场", ("00:00", "24:00"), ""),),
}
_NIGHT_SPOTS = {"夜市美食街": ("18:00", "02:00"), "酒吧街": ("20:00", "03:00")}
_LINE_WINDOWS = {"夜市美食街": (("22:00", "02:00"), "收市清场"), "酒吧街": (("00:00", "03:00"), "散场巡逻")}


def _patrol_points(places: Places) -> None:
    """No random draws here: the rest of the demo stays as it was without these points."""
    n = 0
    for site in places.sites:
        for suffix, window, note in _SITE_WINDOWS.get(site.kind, ()):
            n += 1
            # At the gate, a few tens of metres from the site's own point.
            places.patrol_points.append(PatrolPointPlan(
                f"BX{n:02d}", f"{site.name}{suffix}", site.x + 25, site.y - 20, window, note))
    for spot in places.hotspots:
        if spot.name in _NIGHT_SPOTS:
            n += 1
            places.patrol_points.append(PatrolPointPlan(
                f"BX{n:02d}", f"{spot.name}巡逻点", spot.x, spot.y, _NIGHT_SPOTS[spot.name], "夜间重点"))
    # Patrol lines round the night spots as they close (收市清场, 散场), a few hundred metres of
    # streets each.
    for k, spot in enumerate(s for s in places.hotspots if s.name in _LINE_WINDOWS):
        r = max(spot.radius, 150.0)
        corners = ((spot.x - r, spot.y - r), (spot.x + r, spot.y - r), (spot.x + r, spot.y + r),
                   (spot.x - r, spot.y + r), (spot.x - r, spot.y))
        window, note = _LINE_WINDOWS[spot.name]
        places.patrol_lines.append(PatrolLinePlan(f"XL{k + 1:02d}", f"{spot.name}巡逻线", corners, window, note))
