"""Live 110 feed for a demo station: new calls, and units working them, through the real services.

Every write goes through the same services a duty officer uses, so audit rows and the change
feed are written and a console on the same database shows a live shift. Time stays real:
`speed` compresses what happens (calls come `speed` times as often, units move `speed` times as
fast), so the timestamps a console compares with its own clock are never in the future.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import func, select

from ..domain.categories import by_code
from ..domain.clock import Clock, local, system_clock
from ..domain.errors import KnownError, ValidationError
from ..domain.travel import distance_m, travel_seconds
from ..services.accounts import actor_for
from ..services.context import ServiceContext
from ..services.incidents import (
    IncidentDraft,
    advance_incident,
    dispatch_unit,
    get_incident_rows,
    intake_incident,
    list_open_incidents,
    recommend_units,
)
from ..services.units import list_units, set_unit_status, update_unit_position
from ..storage.database import Database
from ..storage.models import Grid, Incident, Station, User
from . import calls, names

log = logging.getLogger("precinct_console.demo")

SIM_USER = "sim"
SIM_WORKSTATION = "110模拟接警"
# Units free of calls keep their patrol orders: checked this often (real seconds), and a unit
# standing still reports its position at least this often, as a patrol terminal does.
ORDERS_EVERY = timedelta(seconds=15)
STANDING_REPORT = timedelta(seconds=60)
AT_PLACE_M = 50.0  # this close to where its order puts it, a unit is there


@dataclass
class SimStats:
    incidents: int = 0
    dispatches: int = 0
    steps: int = 0
    positions: int = 0
    skipped: int = 0  # actions another seat got to first, or that no longer apply
    seconds: float = 0.0
    # Surge figures: the rate asked for and reached, how long one intake took, and how far
    # behind its schedule the feed was at the end (0 when it kept up).
    target_rate: float | None = None
    rate: float = 0.0
    intake_ms_median: float = 0.0
    intake_ms_max: float = 0.0
    behind_s: float = 0.0
    intake_ms: list[float] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "intake_ms"}
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in out.items()}


@dataclass
class _Trip:
    unit_id: int
    kind: str
    from_lon: float
    from_lat: float
    to_lon: float
    to_lat: float
    leaves: datetime
    arrives: datetime
    incident_id: int | None  # None: driving home


@dataclass
class _Place:
    grid_id: int
    name: str
    polygon: Any


@dataclass(order=True)
class _Due:
    at: datetime
    seq: int
    action: Callable[[], object] = field(compare=False)


class SimulationRefused(KnownError):
    """The simulator only feeds a demo station."""


class Simulator:
    """Schedules calls and unit actions on a clock; `step()` does what is due, `run()` loops."""

    def __init__(
        self, db: Database, *, per_hour: float = 20.0, speed: float = 1.0,
        per_second: float | None = None, seed: int | None = None, clock: Clock = system_clock,
        username: str = SIM_USER, position_every_s: float = 3.0, seats: int = 1,
    ):
        if per_hour <= 0 or speed <= 0 or (per_second is not None and per_second <= 0):
            raise ValidationError("rates and speed must be positive", field="per_hour/speed")
        if not 1 <= seats <= 16:
            raise ValidationError("must be 1-16", field="seats")
        self.db = db
        self.per_hour = per_hour
        self.speed = speed
        self.per_second = per_second
        self.rng = random.Random(seed)
        self.clock = clock
        self.position_every = timedelta(seconds=position_every_s)
        self.ctx = self._context(username)
        self.stats = SimStats()
        self._queue: list[_Due] = []
        self._seq = itertools.count()
        self._trips: dict[int, _Trip] = {}
        self._on_scene: set[int] = set()  # incidents whose handling is under way (scheduled)
        self._homes: dict[int, tuple[float, float]] = {}
        self._places: list[_Place] = []
        self._weights: list[float] = []
        self._recent_phones: list[str] = []
        self._codes = list(calls.CATEGORY_MIX)
        self._started = False
        self._next_call_at: datetime | None = None
        self._until: datetime | None = None  # run()'s end: nothing is started after it
        # A surge is several call-takers' work: with seats > 1, calls are taken in by that many
        # seats at once (threads, each its own workstation), the feed waiting when all are busy.
        self.seats = seats
        self._pool: ThreadPoolExecutor | None = None
        self._free = threading.Semaphore(seats)
        self._stats_lock = threading.Lock()
        self._seat_ctx = threading.local()

    # -- set-up ------------------------------------------------------------------------------
    def _context(self, username: str) -> ServiceContext:
        with self.db.sessions() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or user.station_id is None:
                raise SimulationRefused(
                    f"no user '{username}' in a station; build the demo precinct first "
                    "(`precinct-console demo`)"
                )
            station = s.get(Station, user.station_id)
            if station is None or not station.is_demo:
                raise SimulationRefused(
                    f"station {station.code if station else user.station_id} is not a demo "
                    "station; the simulator never writes invented incidents into real data"
                )
            actor = actor_for(user, SIM_WORKSTATION)
        return ServiceContext(self.db, actor, self.clock)

    def start(self) -> None:
        """Load the station's grids and units, take over its open incidents, schedule calls."""
        now = self.clock()
        station = self.ctx.station_id
        with self.ctx.read() as s:
            grids = s.execute(select(Grid.id, Grid.name, Grid.geometry, Grid.level)
                              .where(Grid.station_id == station)).all()
            finest = max((g.level for g in grids), default=0)
            counts = dict(s.execute(
                select(Incident.grid_id, func.count(Incident.id))
                .where(Incident.station_id == station,
                       Incident.received_at >= now - timedelta(days=30))
                .group_by(Incident.grid_id)
            ).all())
            self._recent_phones = [p for p in s.scalars(
                select(Incident.caller_phone).where(Incident.station_id == station,
                                                    Incident.repeat_caller.is_(True)).limit(200)
            ) if p]
        for g in grids:
            if g.level == finest:
                self._places.append(_Place(g.id, g.name, shape(g.geometry)))
                # Calls come where they came before, with a floor so quiet grids get some.
                self._weights.append(counts.get(g.id, 0) + 1.0)
        if not self._places:
            raise SimulationRefused("the station has no grids to place calls in")
        self._next_call_at = now + self._next_gap(now)
        self._schedule(self._next_call_at, self._new_call)
        self._started = True
        if self.per_second is not None:
            return  # a surge only takes calls in: no unit is rostered, moved or sent
        units = list_units(self.ctx)
        for u in units:
            self._homes[u.id] = (u.home_lon, u.home_lat)
        rostered = [u for u in units if u.status == "off_duty" and u.crew]
        if not any(u.status in ("available", "returning") for u in units) and not rostered:
            rostered = [u for u in units if u.status == "off_duty" and u.kind != "drone"]
        for u in rostered:
            self._act(set_unit_status, u.id, "available")
        for u in units:
            if u.status == "returning" and u.lon is not None and u.lat is not None:
                self._drive_back(u.id, u.kind, u.lon, u.lat, now)
        for row in list_open_incidents(self.ctx):
            self._adopt(row, now)
        self._schedule(now + self.position_every, self._report_positions)
        self._schedule(now, self._follow_orders)

    # -- scheduling --------------------------------------------------------------------------
    def _schedule(self, at: datetime, action: Callable[[], object]) -> None:
        heapq.heappush(self._queue, _Due(at, next(self._seq), action))

    def _later(self, seconds: float) -> datetime:
        """A moment `seconds` of simulated time from now, in real time."""
        return self.clock() + timedelta(seconds=max(0.05, seconds / self.speed))

    def step(self) -> float:
        """Do everything due by now; seconds until the next thing is due."""
        if not self._started:
            self.start()
        now = self.clock()
        while self._queue and self._queue[0].at <= now:
            if self._until is not None and self.clock() >= self._until:
                break  # a feed that fell behind stops on time, its backlog unwritten
            heapq.heappop(self._queue).action()
        if not self._queue:
            return 1.0
        return max(0.0, (self._queue[0].at - self.clock()).total_seconds())

    def run(self, duration_s: float | None = None, stop: threading.Event | None = None,
            sleep: Callable[[float], None] = time.sleep) -> SimStats:
        if not self._started:
            self.start()  # before the clock starts: loading the station is not feed time
        started = time.monotonic()
        begin = self.clock()
        if self.per_second is not None:
            self._reschedule_calls(begin)
        end = None if duration_s is None else begin + timedelta(seconds=duration_s)
        self._until = end
        while stop is None or not stop.is_set():
            wait = self.step()
            if end is not None and self.clock() >= end:
                break
            sleep(min(wait, 0.5))
        if self._pool is not None:  # calls already on a seat are finished, not dropped
            self._pool.shutdown(wait=True)
            self._pool = None
        st = self.stats
        st.seconds = round(time.monotonic() - started, 2)
        st.target_rate = self.per_second
        st.rate = st.incidents / st.seconds if st.seconds > 0 else 0.0
        if st.intake_ms:
            st.intake_ms_median = statistics.median(st.intake_ms)
            st.intake_ms_max = max(st.intake_ms)
        if self._next_call_at is not None:
            st.behind_s = max(0.0, (self.clock() - self._next_call_at).total_seconds())
        return st

    def _reschedule_calls(self, begin: datetime) -> None:
        """Start the surge's fixed call grid at `begin`."""
        self._queue = [d for d in self._queue if d.action != self._new_call]
        heapq.heapify(self._queue)
        self._next_call_at = begin + self._next_gap(begin)
        self._schedule(self._next_call_at, self._new_call)

    def _act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a service; what another seat already did (or undid) is skipped, not fatal."""
        try:
            return fn(self.ctx, *args, **kwargs)
        except KnownError as exc:
            self.stats.skipped += 1
            log.info("simulator skipped %s: %s", getattr(fn, "__name__", fn), exc)
            return None

    # -- calls -------------------------------------------------------------------------------
    def _next_gap(self, now: datetime) -> timedelta:
        if self.per_second is not None:
            return timedelta(seconds=1.0 / self.per_second)
        hour = local(now).hour
        mean = sum(calls.HOUR_PROFILE) / 24
        rate_per_s = self.per_hour * calls.HOUR_PROFILE[hour] / mean / 3600 * self.speed
        return timedelta(seconds=self.rng.expovariate(rate_per_s))

    def _new_call(self) -> None:
        now = self.clock()
        if self.per_second is not None and self._next_call_at is not None:
            # A fixed grid of call times: a call that ran late does not push every later one
            # back, so a feed that falls behind catches up and the rate reached is the real one.
            self._next_call_at += self._next_gap(now)
        else:
            self._next_call_at = now + self._next_gap(now)
        self._schedule(self._next_call_at, self._new_call)
        draft = self._draft(now)
        if self.per_second is not None and self.seats > 1:
            self._free.acquire()  # every seat busy: the feed falls behind, and says so
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.seats, thread_name_prefix="sim-seat")
            self._pool.submit(self._take_on_a_seat, draft)
            return
        view = self._take(self.ctx, draft)
        if view is None or self.per_second is not None:
            return  # a surge only feeds the board; nobody is sent
        self._after_intake(view.id, view.category_code, view.needs_reinforcement)

    def _take(self, ctx: ServiceContext, draft: IncidentDraft) -> Any:
        t = time.perf_counter()
        try:
            view = intake_incident(ctx, draft)
        except KnownError as exc:
            with self._stats_lock:
                self.stats.skipped += 1
            log.info("simulator skipped a call: %s", exc)
            return None
        with self._stats_lock:
            self.stats.intake_ms.append((time.perf_counter() - t) * 1000)
            self.stats.incidents += 1
        return view

    def _take_on_a_seat(self, draft: IncidentDraft) -> None:
        try:
            ctx = getattr(self._seat_ctx, "ctx", None)
            if ctx is None:
                seat = threading.current_thread().name.rsplit("_", 1)[-1]
                actor = replace(self.ctx.actor, workstation=f"{SIM_WORKSTATION}-{int(seat) + 1}")
                ctx = self._seat_ctx.ctx = self.ctx.as_actor(actor)
            self._take(ctx, draft)
        except Exception:  # a worker's error must not vanish with its thread
            log.exception("simulator seat failed")
        finally:
            self._free.release()

    def _draft(self, now: datetime) -> IncidentDraft:
        hour = local(now).hour
        code = self.rng.choices(
            self._codes, weights=[calls.CATEGORY_MIX[c] * calls.hour_factor(c, hour) for c in self._codes]
        )[0]
        place = self.rng.choices(self._places, weights=self._weights)[0]
        lon, lat = _point_in(place.polygon, self.rng)
        compound = place.name.removesuffix("微网格")
        address = f"{compound}{self.rng.randint(1, 24)}号楼{self.rng.randint(1, 6)}单元"
        channel = calls.channel_for(code, self.rng)
        if channel in ("video", "patrol"):
            caller, phone = "", ""
        elif self._recent_phones and self.rng.random() < 0.05:
            caller, phone = names.person_name(self.rng), self.rng.choice(self._recent_phones)
        else:
            caller, phone = names.person_name(self.rng), names.mobile(self.rng)
        return IncidentDraft(
            channel=channel, category_code=code, address=address, caller_name=caller,
            caller_phone=phone, content=calls.content_for(code, self.rng, address, channel),
            lon=lon, lat=lat,
        )

    def _after_intake(self, incident_id: int, code: str, reinforce: bool) -> None:
        if self.rng.random() < calls.NO_DISPATCH_SHARE.get(code, 0.0):
            handled = _lognormal(self.rng, 50 if code.startswith("10") else 240, 0.5)
            self._schedule(self._later(handled), lambda: self._close_out(incident_id, code))
            return
        urgent = by_code().get(code) is not None and by_code()[code].default_priority == 1
        delay = _lognormal(self.rng, 25 if urgent else 40, 0.4)
        self._schedule(self._later(delay), lambda: self._dispatch(incident_id, code))
        if reinforce:
            self._schedule(self._later(delay + _lognormal(self.rng, 60, 0.4)),
                           lambda: self._dispatch(incident_id, code))

    # -- units on an incident ----------------------------------------------------------------
    def _dispatch(self, incident_id: int, code: str) -> None:
        rows = self._act(get_incident_rows, [incident_id]) or []
        if not rows or rows[0].handled_at is not None:
            return  # handled meanwhile (by phone, or by another seat): nobody more to send
        # The role is the incident's state when a unit is found, not the order the dispatcher
        # meant: when every unit was busy, the reinforcement's attempt may find the first free
        # unit, and sent as reinforcement it would arrive as one and the incident, with no
        # first arrival, would never be handled, its unit on scene for good.
        role = "first" if rows[0].dispatched_at is None else "reinforcement"
        rec = self._act(recommend_units, incident_id)
        option = rec.best if rec is not None else None
        if option is None:
            # Every unit busy: the dispatcher tries again shortly, for as long as the call
            # waits, as a station does (giving up after a quarter of an hour left calls open
            # on the board for good once a busy evening outran the units).
            self._schedule(self._later(45), lambda: self._dispatch(incident_id, code))
            return
        view = self._act(dispatch_unit, incident_id, option.unit_id, role=role)
        if view is None:
            return
        self.stats.dispatches += 1
        unit_id, kind = option.unit_id, option.kind
        signed = _lognormal(self.rng, 12, 0.5)
        set_off = signed + _lognormal(self.rng, 8 if kind == "foot" else 25, 0.4)
        self._schedule(self._later(signed), lambda: self._step(incident_id, "signed", unit_id))
        self._schedule(self._later(set_off), lambda: self._set_off(incident_id, unit_id, kind, code))

    def _step(self, incident_id: int, step: str, unit_id: int | None = None, **kw: Any) -> bool:
        view = self._act(advance_incident, incident_id, step, unit_id=unit_id, **kw)
        if view is not None:
            self.stats.steps += 1
        return view is not None

    def _set_off(self, incident_id: int, unit_id: int, kind: str, code: str) -> None:
        if not self._step(incident_id, "set_off", unit_id):
            return
        units = {u.id: u for u in list_units(self.ctx)}
        rows = self._act(get_incident_rows, [incident_id]) or []
        unit, row = units.get(unit_id), (rows[0] if rows else None)
        if unit is None or row is None or row.lon is None or row.lat is None:
            return
        lon, lat = (unit.lon, unit.lat) if unit.lon is not None and unit.lat is not None else self._homes[unit_id]
        now = self.clock()
        hour = local(now).hour
        seconds = travel_seconds(distance_m(lon, lat, row.lon, row.lat), kind, hour,
                                 include_set_off=False)
        arrives = self._later(max(20.0, seconds))
        self._trips[unit_id] = _Trip(unit_id, kind, lon, lat, row.lon, row.lat, now, arrives, incident_id)
        self._schedule(arrives, lambda: self._arrive(incident_id, unit_id, code))

    def _arrive(self, incident_id: int, unit_id: int, code: str) -> None:
        trip = self._trips.pop(unit_id, None)
        if trip is not None:
            self._act(update_unit_position, unit_id, trip.to_lon, trip.to_lat)
        # The scene is worked from whichever unit gets there first (a reinforcement from
        # nearby may beat the first unit), and handled once.
        if not self._step(incident_id, "arrived", unit_id) or incident_id in self._on_scene:
            return
        self._on_scene.add(incident_id)
        on_scene = _lognormal(self.rng, calls.ON_SCENE_MINUTES.get(code[:2], 25) * 60, 0.4)
        self._schedule(self._later(on_scene), lambda: self._close_out(incident_id, code))

    def _close_out(self, incident_id: int, code: str) -> None:
        """Handled (which releases the units), then fed back, then closed."""
        self._on_scene.discard(incident_id)
        result, summary, _to = calls.result_for(code, self.rng)
        before = {u.id: u for u in list_units(self.ctx) if u.incident_id == incident_id}
        if not self._step(incident_id, "handled", summary=summary, result=result):
            return
        now = self.clock()
        for u in before.values():
            if u.lon is not None and u.lat is not None:
                self._drive_back(u.id, u.kind, u.lon, u.lat, now)
        fed_back = _lognormal(self.rng, 300, 0.5)
        self._schedule(self._later(fed_back), lambda: self._step(incident_id, "fed_back"))
        self._schedule(self._later(fed_back + _lognormal(self.rng, 600, 0.5)),
                       lambda: self._step(incident_id, "closed"))

    def _place_of(self, unit: Any, now: datetime) -> tuple[float, float] | None:
        """Where the unit belongs between calls: where its patrol order puts it now (its point,
        or a timed duty from the time to set out for it), else its post."""
        _name, lon, lat = unit.due_at(now)
        return (lon, lat) if lon is not None and lat is not None else self._homes.get(unit.id)

    def _follow_orders(self) -> None:
        """Units free of calls go where their orders put them (the plan's point, the school gate
        at its time, back after it) and report their position now and then while they stand."""
        now = self.clock()
        self._schedule(now + ORDERS_EVERY, self._follow_orders)
        units = list_units(self.ctx)
        # Units come on and go off duty with their rostered crews, shift by shift (read once at
        # the start, the units of later shifts never came on and a finished shift's stayed on).
        # A station with nobody rostered now keeps its units as they are.
        rostered = any(u.crew for u in units)
        for u in units:
            if rostered and u.status == "off_duty" and u.crew:
                self._act(set_unit_status, u.id, "available")
                continue
            if u.status != "available" or u.id in self._trips:
                continue
            here = (u.lon, u.lat) if u.lon is not None and u.lat is not None else self._homes.get(u.id)
            if rostered and not u.crew:
                # Its crew's shift is over: back to its post, and off duty there.
                home = self._homes.get(u.id)
                if here is not None and home is not None and distance_m(*here, *home) > AT_PLACE_M:
                    self._drive_back(u.id, u.kind, here[0], here[1], now, to=home)
                else:
                    self._act(set_unit_status, u.id, "off_duty")
                continue
            place = self._place_of(u, now)
            if place is None or here is None:
                continue
            if distance_m(*here, *place) > AT_PLACE_M:
                self._drive_back(u.id, u.kind, here[0], here[1], now, to=place)
            elif (u.position_at is None or now - u.position_at >= STANDING_REPORT) \
                    and self._act(update_unit_position, u.id, here[0], here[1]) is not None:
                self.stats.positions += 1

    def _drive_back(self, unit_id: int, kind: str, lon: float, lat: float, now: datetime,
                    to: tuple[float, float] | None = None) -> None:
        """Drive to `to`, by default where the unit belongs after a call (its orders' place)."""
        if to is None:
            unit = next((u for u in list_units(self.ctx) if u.id == unit_id), None)
            to = self._place_of(unit, now) if unit is not None else self._homes.get(unit_id)
        if to is None:
            return
        dest = to  # not None from here: the arrival below closes over it
        seconds = travel_seconds(distance_m(lon, lat, *dest), kind, local(now).hour, include_set_off=False)
        arrives = self._later(max(10.0, seconds))
        self._trips[unit_id] = _Trip(unit_id, kind, lon, lat, dest[0], dest[1], now, arrives, None)

        def back() -> None:
            if self._trips.get(unit_id) is not None and self._trips[unit_id].incident_id is None:
                del self._trips[unit_id]
                self._act(update_unit_position, unit_id, dest[0], dest[1])
                units = {u.id: u for u in list_units(self.ctx)}
                if unit_id in units and units[unit_id].status == "returning":
                    self._act(set_unit_status, unit_id, "available")

        self._schedule(arrives, back)

    def _report_positions(self) -> None:
        """Every moving unit reports where it is (GPS), a few seconds apart."""
        now = self.clock()
        self._schedule(now + self.position_every, self._report_positions)
        for trip in list(self._trips.values()):
            span = (trip.arrives - trip.leaves).total_seconds()
            f = 1.0 if span <= 0 else min(1.0, max(0.0, (now - trip.leaves).total_seconds() / span))
            lon = trip.from_lon + (trip.to_lon - trip.from_lon) * f
            lat = trip.from_lat + (trip.to_lat - trip.from_lat) * f
            if self._act(update_unit_position, trip.unit_id, lon, lat) is not None:
                self.stats.positions += 1

    def _adopt(self, row: Any, now: datetime) -> None:
        """Carry on with an incident that was open when the simulator started."""
        code, iid = row.category_code, row.id
        if row.status == "received":
            self._after_intake(iid, code, row.needs_reinforcement)
        elif row.status in ("dispatched", "signed"):
            for unit_id in row.unit_ids:
                if row.status == "dispatched":
                    self._schedule(self._later(5), partial(self._step, iid, "signed", unit_id))
                self._schedule(self._later(15), partial(self._set_off, iid, unit_id,
                                                        _kind_of(self, unit_id), code))
        elif row.status == "set_off":
            for unit_id in row.unit_ids:
                self._schedule(self._later(60), partial(self._arrive, iid, unit_id, code))
        elif row.status == "arrived":
            self._on_scene.add(iid)
            self._schedule(self._later(_lognormal(self.rng, 600, 0.5)), lambda: self._close_out(iid, code))
        elif row.status == "handled":
            self._schedule(self._later(120), lambda: self._step(iid, "fed_back"))
            self._schedule(self._later(400), lambda: self._step(iid, "closed"))
        elif row.status == "fed_back":
            self._schedule(self._later(_lognormal(self.rng, 600, 0.5)), lambda: self._step(iid, "closed"))


def _kind_of(sim: Simulator, unit_id: int) -> str:
    for u in list_units(sim.ctx):
        if u.id == unit_id:
            return u.kind
    return "car"


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _point_in(polygon: Any, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = polygon.bounds
    for _ in range(200):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(shapely.points(lon, lat)):
            return lon, lat
    p = polygon.representative_point()
    return p.x, p.y
