"""Incident history of the demo precinct: when, what, where, who called, and each life-cycle step."""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import Point, Polygon
from shapely.ops import unary_union

from ..domain.categories import by_code
from ..domain.clock import CHINA_TZ
from ..domain.repeats import CallFacts, RepeatRules, find_repeats, normalise_phone
from ..domain.travel import travel_seconds
from . import calls, names
from .geo import random_point_in, random_points, to_lonlat, to_xy
from .places import Places
from .staff import Staff

MEAN_PER_DAY = 80.0


@dataclass
class EventRow:
    kind: str
    at: datetime
    recorded_at: datetime
    username: str
    call_sign: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    dispatch: int | None = None  # index into the incident's dispatches (its id once stored)


@dataclass
class DispatchRow:
    call_sign: str
    role: str
    dispatched_at: datetime
    signed_at: datetime | None
    set_off_at: datetime | None
    arrived_at: datetime | None
    cleared_at: datetime | None
    officers: str
    auxiliaries: int
    vehicles: int


@dataclass
class IncidentRow:
    number: str
    channel: str
    category_code: str
    priority: int
    status: str
    caller_name: str
    caller_phone: str
    address: str
    lon: float
    lat: float
    grid_code: str | None
    content: str
    needs_reinforcement: bool
    received_at: datetime
    call_taker: str
    times: dict[str, datetime | None] = field(default_factory=dict)
    result: str = ""
    handling_summary: str = ""
    transferred_to: str = ""
    people_rescued: int = 0
    people_injured: int = 0
    people_arrested: int = 0
    repeat_caller: bool = False
    repeat_place: bool = False
    repeat_matter: bool = False
    linked_to: int | None = None  # index of the earlier incident of the same matter
    events: list[EventRow] = field(default_factory=list)
    dispatches: list[DispatchRow] = field(default_factory=list)


@dataclass(frozen=True)
class Regular:
    """Someone who calls again and again (一人多警): a feud, a wandering parent, a lonely caller."""

    name: str
    phone: str
    x: float
    y: float
    address: str
    codes: tuple[str, ...]
    weight: float


_REGULAR_KINDS = (
    (("0602", "0207"), 3.0),  # a neighbour feud that flares up every week
    (("0601", "060101"), 2.5),  # a violent household
    (("070101",), 1.5),  # a family whose father with dementia wanders off
    (("1001", "0706"), 3.5),  # a lonely caller
    (("0605", "0802"), 1.5),  # a shop owner at odds with everyone
    (("0607", "0602"), 1.5),  # a compound at war with its property manager
)


def _regulars(places: Places, rng: random.Random, n: int = 24) -> list[Regular]:
    out = []
    micro = places.micro
    for i in range(n):
        codes, weight = _REGULAR_KINDS[i % len(_REGULAR_KINDS)]
        grid = rng.choice(micro)
        x, y = random_point_in(grid.polygon, rng)
        out.append(Regular(names.person_name(rng), names.mobile(rng), x, y,
                           places.address(x, y, rng, grid.compound), codes,
                           weight * rng.uniform(0.5, 1.5)))
    return out


def incident_number(received_local: datetime, seq: int) -> str:
    """接警编号 as intake numbers them: the China-time day and its sequence, 20261120-0042."""
    return f"{received_local:%Y%m%d}-{seq:04d}"


class UnitPool:
    """Which units are crewed and free at a moment, and where each waits between calls."""

    def __init__(self, staff: Staff, homes: dict[str, tuple[float, float]],
                 beats: dict[str, Polygon] | None = None):
        self.staff = staff
        self.homes = homes
        # Where each unit patrols between calls (cars roam a patrol area, the rest stay near
        # their post); without beats, units wait at home.
        self.beats = beats or {}
        self.where: dict[str, tuple[float, float]] = {}
        self._pools: dict[str, list[tuple[float, float]]] = {}
        self.kinds = {u.call_sign: u.kind for u in staff.units}
        self.busy_until: dict[str, datetime] = {}
        self._crews: dict[tuple[str, ...], tuple[str, int]] = {}

    def crew(self, at: datetime, call_sign: str) -> tuple[str, int]:
        """Names of the crew and how many of them are auxiliaries."""
        badges = tuple(self.staff.crew_at(at, call_sign))
        if badges not in self._crews:
            self._crews[badges] = (self.staff.names_of(list(badges)),
                                   self.staff.auxiliaries_in(list(badges)))
        return self._crews[badges]

    def in_service(self, at: datetime) -> list[str]:
        return self.staff.in_service(at)

    def position(self, call_sign: str, rng: random.Random) -> tuple[float, float]:
        beat = self.beats.get(call_sign)
        if beat is None:
            return self.homes[call_sign]
        pool = self._pools.get(call_sign)
        if pool is None:
            # Where a patrolling unit may be: a fixed spread of points over its beat.
            pool = self._pools[call_sign] = random_points(beat, 256, rng)
        return pool[rng.randrange(len(pool))]

    def pick(self, at: datetime, x: float, y: float, exclude: set[str],
             rng: random.Random) -> tuple[str, datetime]:
        """The free unit that reaches the point first; when all are busy, the first to be free."""
        hour = at.astimezone(CHINA_TZ).hour
        best: tuple[float, str, datetime] | None = None
        for cs in self.in_service(at):
            if cs in exclude:
                continue
            free_at = max(at, self.busy_until.get(cs, at))
            hx, hy = self.where[cs] = self.position(cs, rng)
            reach = travel_seconds(math.hypot(hx - x, hy - y), self.kinds[cs], hour)
            score = (free_at - at).total_seconds() + reach
            if best is None or score < best[0]:
                best = (score, cs, free_at)
        if best is None:  # nobody crewed (should not happen): the station's first car goes
            return self.staff.units[0].call_sign, at
        return best[1], best[2]


def beats(places: Places, staff: Staff,
          homes: dict[str, tuple[float, float]]) -> dict[str, Polygon]:
    """Cars roam the patrol area around their base; riders and walkers stay within ~600 m."""
    # Cars share out the 16 small patrol zones: each takes the free zones nearest its base in
    # turn, so the cars in service at any time are spread over the map rather than bunched.
    zones = [z.polygon for z in places.zones if z.kind == "patrol" and z.parent_code is not None]
    cars = [u for u in staff.units if u.kind == "car"]
    taken: dict[str, list[Polygon]] = {u.call_sign: [] for u in cars}
    free = list(range(len(zones)))
    while free:
        for u in cars:
            if not free:
                break
            home = Point(*homes[u.call_sign])
            mine = taken[u.call_sign]
            anchor = unary_union(mine) if mine else home
            best = min(free, key=lambda i: zones[i].distance(anchor) + zones[i].centroid.distance(home) / 4)
            free.remove(best)
            mine.append(zones[best])
    out: dict[str, Polygon] = {}
    for u in staff.units:
        home = Point(*homes[u.call_sign])
        if u.kind == "car":
            out[u.call_sign] = unary_union(taken[u.call_sign])
        else:
            out[u.call_sign] = home.buffer(600 if u.kind != "foot" else 350).intersection(places.area)
    return out


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


@dataclass
class History:
    incidents: list[IncidentRow]
    counters: dict[str, int]  # local day (YYYYMMDD) -> last sequence number used


def _daily_counts(rng: random.Random, first_day: datetime, days: int) -> list[int]:
    out = []
    for d in range(days + 1):
        day = first_day + timedelta(days=d)
        mean = MEAN_PER_DAY * calls.WEEKDAY_FACTOR[day.weekday()]
        # Over-dispersed like real counts (weather, events), kept in a city station's range.
        lam = rng.gammavariate(30.0, mean / 30.0)
        out.append(max(50, min(120, _poisson(rng, lam))))
    return out


def _poisson(rng: random.Random, lam: float) -> int:
    # Normal approximation is exact enough at these rates and deterministic across platforms.
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def _pick_weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def generate_history(
    places: Places, staff: Staff, homes: dict[str, tuple[float, float]], rng: random.Random,
    *, now: datetime, days: int, duty_users: tuple[str, ...] = ("duty", "duty2"),
    rules: RepeatRules | None = None,
) -> History:
    """Every incident received in the `days` before `now`, with the steps already taken by `now`."""
    start = now - timedelta(days=days)
    start_local = start.astimezone(CHINA_TZ)
    first_day = start_local.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = _daily_counts(rng, first_day, days)
    hour_weights = list(calls.HOUR_PROFILE)
    codes = list(calls.CATEGORY_MIX)
    code_weights = [[calls.CATEGORY_MIX[c] * calls.hour_factor(c, h) for c in codes] for h in range(24)]
    regulars = _regulars(places, rng)
    micro = places.micro
    micro_weights = [g.weight for g in micro]

    # 1. when: each day's calls spread over the hours by the hour profile.
    stamps: list[datetime] = []
    for d, n in enumerate(counts):
        day = first_day + timedelta(days=d)
        hours = rng.choices(range(24), weights=hour_weights, k=n)
        for h in hours:
            t = day + timedelta(hours=h, seconds=rng.randrange(3600))
            if start <= t <= now:
                stamps.append(t)
    stamps.sort()

    units = UnitPool(staff, homes, beats(places, staff, homes))
    rows: list[IncidentRow] = []
    seq_by_day: dict[str, int] = {}
    for t in stamps:
        local = t.astimezone(CHINA_TZ)
        hour = local.hour
        night = hour >= 20 or hour < 4
        # 2. who calls and what about.
        regular: Regular | None = None
        if rng.random() < 0.07:
            regular = _pick_weighted(rng, regulars, [r.weight for r in regulars])
        if regular is not None and rng.random() < 0.8:
            code = rng.choice(regular.codes)
        else:
            code = _pick_weighted(rng, codes, code_weights[hour])
        # 3. where: the regular's home, a hot spot that draws this kind of call, or anywhere
        # in proportion to the people living and shopping there.
        if regular is not None:
            x, y = regular.x + rng.gauss(0, 15), regular.y + rng.gauss(0, 15)
            if not places.area.contains(Point(x, y)):
                x, y = regular.x, regular.y
            address = regular.address
        else:
            spot_w = [
                h.weight * (1.0 + h.categories.get(code, 0.0) + h.categories.get(code[:4], 0.0))
                * (2.0 if h.night and night else 0.6 if h.night else 1.0)
                for h in places.hotspots
            ]
            background = max(0.0, 1.0 - sum(h.weight for h in places.hotspots))
            choice = _pick_weighted(rng, [*places.hotspots, None], [*spot_w, background])
            if choice is not None:
                for _ in range(20):
                    x, y = choice.x + rng.gauss(0, choice.radius), choice.y + rng.gauss(0, choice.radius)
                    if places.area.contains(Point(x, y)):
                        break
                else:
                    x, y = choice.x, choice.y
                address = places.address(x, y, rng) if rng.random() < 0.5 else f"{choice.name}附近"
            else:
                grid = _pick_weighted(rng, micro, micro_weights)
                x, y = random_point_in(grid.polygon, rng)
                address = places.address(x, y, rng, grid.compound)
        channel = calls.channel_for(code, rng)
        if regular is not None:
            caller_name, caller_phone = regular.name, regular.phone
        elif channel in ("video", "patrol"):
            caller_name, caller_phone = "", ""
        else:
            caller_name = names.person_name(rng) if rng.random() < 0.85 else ""
            caller_phone = names.mobile(rng) if rng.random() < 0.93 else names.landline(rng)
        day_key = f"{local:%Y%m%d}"
        seq = seq_by_day.get(day_key, 0) + 1
        seq_by_day[day_key] = seq
        cat = by_code()[code]
        lon, lat = to_lonlat(x, y)
        row = IncidentRow(
            number=incident_number(local, seq), channel=channel, category_code=code,
            priority=cat.default_priority, status="received", caller_name=caller_name,
            caller_phone=caller_phone, address=address, lon=lon, lat=lat, grid_code=None,
            content=calls.content_for(code, rng, address, channel), needs_reinforcement=cat.needs_reinforcement,
            received_at=t, call_taker=duty_users[local.toordinal() % len(duty_users)],
        )
        _life_cycle(row, x, y, units, staff, rng, now)
        rows.append(row)

    _locate_grids(rows, places)
    _flag_repeats(rows, rules or RepeatRules())
    return History(rows, seq_by_day)


def _life_cycle(row: IncidentRow, x: float, y: float, units: UnitPool, staff: Staff,
                rng: random.Random, now: datetime) -> None:
    """The steps of one incident as they happened, cut off at `now` (later steps not yet taken)."""
    t0 = row.received_at
    code = row.category_code
    top = code[:2]
    hour = t0.astimezone(CHINA_TZ).hour
    user = row.call_taker
    Step = tuple[str, datetime, str | None, dict[str, Any], int | None]
    steps: list[Step] = [("received", t0, None, {"channel": row.channel}, None)]
    dispatches: list[DispatchRow] = []
    urgent = row.priority == 1
    if rng.random() < calls.NO_DISPATCH_SHARE.get(code, 0.0):
        handled = t0 + timedelta(seconds=_lognormal(rng, 240 if top != "10" else 50, 0.6))
    else:
        busy: set[str] = set()
        roles = ["first"] + (["reinforcement"] if row.needs_reinforcement else [])
        handled = t0
        for role in roles:
            cs, free_at = units.pick(t0, x, y, busy, rng)
            busy.add(cs)
            kind = units.kinds[cs]
            # The command room sends the recommended unit within seconds, unless every unit is busy.
            delay = _lognormal(rng, 15 if urgent else 22, 0.5)
            if role == "reinforcement":
                delay += _lognormal(rng, 20, 0.5)  # flagged at intake: sent right after the first
            dispatched = max(t0, free_at) + timedelta(seconds=delay)
            # Signing is usually within the 30 s band; a few are late (radio out of reach).
            signed = dispatched + timedelta(seconds=_lognormal(rng, 8, 0.6) if rng.random() > 0.05
                                            else rng.uniform(35, 150))
            # A patrolling unit is already moving; now and then a crew is out of the car.
            set_off = signed + timedelta(seconds=_lognormal(rng, 10 if kind != "foot" else 4, 0.5)
                                         + (rng.uniform(60, 240) if rng.random() < 0.05 else 0))
            hx, hy = units.where[cs]
            travel = travel_seconds(math.hypot(hx - x, hy - y), kind, hour, include_set_off=False)
            arrived = set_off + timedelta(seconds=max(20.0, travel * math.exp(rng.gauss(0, 0.25))))
            cleared: datetime | None = None
            if role == "first":
                on_scene = _lognormal(rng, calls.ON_SCENE_MINUTES.get(top, 30) * 60, 0.5)
                handled = arrived + timedelta(seconds=on_scene)
            else:
                # Reinforcement leaves once the scene is under control, or stays to the end.
                handled = max(handled, arrived + timedelta(minutes=5))
                leave = arrived + timedelta(seconds=_lognormal(rng, 900, 0.4))
                cleared = leave if leave < handled else None
            index = len(dispatches)
            dispatches.append(DispatchRow(
                cs, role, dispatched, signed, set_off, arrived, cleared, *units.crew(dispatched, cs),
                0 if kind == "foot" else 1,
            ))
            steps.append(("dispatched", dispatched, cs, {"role": role, "call_sign": cs}, index))
            steps.append(("signed", signed, cs, {}, index))
            steps.append(("set_off", set_off, cs, {}, index))
            steps.append(("arrived" if role == "first" else "reinforcement_arrived", arrived, cs, {}, index))
            if cleared is not None:
                steps.append(("cleared", cleared, cs, {}, index))
        # Handling releases every unit still on the incident (as advance_incident does).
        for index, d in enumerate(dispatches):
            if d.cleared_at is None:
                d.cleared_at = handled
                steps.append(("cleared", handled, d.call_sign, {"auto": True}, index))
            back = travel_seconds(math.hypot(units.where[d.call_sign][0] - x,
                                             units.where[d.call_sign][1] - y),
                                  units.kinds[d.call_sign], hour, include_set_off=False)
            units.busy_until[d.call_sign] = d.cleared_at + timedelta(seconds=back)
    fed_back = handled + timedelta(seconds=_lognormal(rng, 600, 0.7))
    closed = fed_back + timedelta(seconds=_lognormal(rng, 30 * 60, 0.8))
    result, summary, transferred = calls.result_for(code, rng)
    steps.append(("handled", handled, None, {"result": result, "summary": summary}, None))
    steps.append(("fed_back", fed_back, None, {}, None))
    steps.append(("closed", closed, None, {}, None))
    # Stable sort: an automatic clearing stays just before the handling that caused it.
    steps.sort(key=lambda s: s[1])

    times: dict[str, datetime | None] = {k: None for k in (
        "dispatched", "signed", "set_off", "arrived", "reinforcement_arrived", "handled",
        "fed_back", "closed")}
    status: str = "received"
    order = ("received", "dispatched", "signed", "set_off", "arrived", "handled", "fed_back", "closed")
    for kind, at, step_unit, payload, step_dispatch in steps:
        if at > now:
            continue
        # The seat records a step a few seconds after it hears of it.
        recorded = min(now, at + timedelta(seconds=rng.uniform(1, 20) if kind != "received" else 0))
        row.events.append(EventRow(kind, at, recorded, user, step_unit, payload, step_dispatch))
        if kind in times and times[kind] is None:
            times[kind] = at
        if kind in order and order.index(kind) > order.index(status):
            status = kind
    row.times = times
    row.status = status
    for d in dispatches:
        # A dispatch knows only the steps taken by now.
        d.signed_at = d.signed_at if d.signed_at and d.signed_at <= now else None
        d.set_off_at = d.set_off_at if d.set_off_at and d.set_off_at <= now else None
        d.arrived_at = d.arrived_at if d.arrived_at and d.arrived_at <= now else None
        d.cleared_at = d.cleared_at if d.cleared_at and d.cleared_at <= now else None
    row.dispatches = [d for d in dispatches if d.dispatched_at <= now]
    if times["handled"] is not None:
        row.result, row.handling_summary, row.transferred_to = result, summary, transferred
        if top == "07" and code in ("0701", "070101", "070102", "0704", "0703"):
            row.people_rescued = 1
        if code in ("0201", "0105", "040101", "060101", "0202", "020201"):
            row.people_injured = rng.choice((0, 1, 1, 2))
        if code in ("0202", "020201", "0203", "0206", "0102", "0103", "0404") and rng.random() < 0.35:
            row.people_arrested = rng.choice((1, 1, 2))


def _locate_grids(rows: list[IncidentRow], places: Places) -> None:
    micro = places.micro
    tree = shapely.STRtree([g.polygon for g in micro])
    pts = shapely.points([to_xy(r.lon, r.lat) for r in rows])
    # "intersects", so a call exactly on a shared border still finds a grid (the first one).
    hit_pts, hit_grids = tree.query(pts, predicate="intersects")
    for p, g in zip(hit_pts.tolist(), hit_grids.tolist(), strict=True):
        if rows[p].grid_code is None:
            rows[p].grid_code = micro[g].code


def _flag_repeats(rows: list[IncidentRow], rules: RepeatRules) -> None:
    """一人多警 / 一地多警 / 一事多警 by the same rules intake applies; a repeat of the same matter
    from the same caller is linked to the first call about it."""
    window = rules.longest_window
    facts = []
    for i, r in enumerate(rows):
        x, y = to_xy(r.lon, r.lat)
        facts.append((CallFacts(r.received_at, r.category_code, r.caller_phone, r.address, r.lon,
                                r.lat, r.content, i), x, y, normalise_phone(r.caller_phone)))
    # Indexes of earlier calls by phone, address and map cell (as wide as the farthest a repeat
    # can be); each list holds row indexes in time order, so the window's start is found by
    # bisection.
    by_key: dict[tuple[str, object], list[int]] = defaultdict(list)
    cell = max(rules.place_radius_m, rules.matter_radius_m, 1.0)
    start = 0
    for i, (new, x, y, phone) in enumerate(facts):
        while new.received_at - facts[start][0].received_at > window:
            start += 1
        cx, cy = int(x // cell), int(y // cell)
        keys: list[tuple[str, object]] = [("addr", new.address)]
        if phone:
            keys.append(("phone", phone))
        near = [("cell", (cx + dx, cy + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        seen: set[int] = set()
        for key in keys + near:
            rows_of = by_key.get(key)
            if not rows_of:
                continue
            for j in rows_of[bisect_left(rows_of, start):]:
                seen.add(j)
        # Cheap pre-filter (same phone or address, or near enough to be one place or one
        # matter), then the domain's own rules decide.
        candidates = []
        for j in sorted(seen):
            f, fx, fy, fphone = facts[j]
            if ((phone and fphone == phone) or f.address == new.address
                    or abs(fx - x) + abs(fy - y) <= 1.5 * cell):
                candidates.append(f)
        for key in keys:
            by_key[key].append(i)
        by_key[("cell", (cx, cy))].append(i)
        if not candidates:
            continue
        found = find_repeats(new, candidates, rules)
        r = rows[i]
        r.repeat_caller, r.repeat_place, r.repeat_matter = found.caller, found.place, found.matter
        for hit in found.hits:
            if "matter" in hit.kinds and "caller" in hit.kinds and hit.incident_id is not None:
                first = rows[hit.incident_id]
                r.linked_to = first.linked_to if first.linked_to is not None else hit.incident_id
                break
