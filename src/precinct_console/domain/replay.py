"""What-if replay: a discrete-event simulation of past incidents against a deployment.

Units wait at their planned points while their shift is on (drones only watch, never go), set
out in time for their timed duties and drive their patrol lines end to end while on them; each
incident is dispatched, after the call-handling time, to the nearest free unit (by travel time),
which sets off after its kind's set-off delay, stays on scene for its category's time and
returns to its point; when none is free the call queues, urgent first. The result is the 1-3-5 compliance the plan would have
reached, judged by the response profile's own rules (domain.response), next to what really
happened judged by the same rules. With move-ups (replay_move_up), each time a unit of the plan
goes out or comes free the unit board's cover line is followed: free units drive to the points
it names and wait there.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from .clock import CHINA_TZ
from .geo import unproject_xy
from .recommend import OBSERVER_KINDS
from .replay_move_up import MoveUpChooser, ReplayMoveUps, Seen
from .response import DEFAULT_PROFILE, IncidentFacts, ResponseProfile, Target, TimerState, evaluate
from .travel import distance_m, local_xy, profile, travel_seconds

# Minutes on scene by top-level category: disputes and crimes take longest to handle.
ON_SCENE_MINUTES: dict[str, float] = {
    "01": 60, "02": 40, "03": 45, "04": 30, "05": 45, "06": 40, "07": 30, "08": 25,
    "09": 20, "10": 5,
}
DEFAULT_ON_SCENE = 30.0
# From the call to the dispatch order (接警 -> 派警). The command room sends the recommended
# unit within seconds of taking the call (the demo history's 15-22 s are drawn from that
# practice); a full minute here would make every 1-minute set-off target unreachable.
CALL_HANDLING_S = 20.0
# The arrival distribution's bands (receipt to first unit on scene), kept next to compliance.
BANDS_S = (60.0, 180.0, 300.0)
# A call nobody in the plan can take within this time went to other forces: count it unserved.
MAX_WAIT_S = 3600.0
# How fast a unit moves along a patrol line it is patrolling (km/h): slowly, looking around.
PATROL_KMH: dict[str, float] = {"car": 15.0, "motorbike": 12.0, "ebike": 10.0, "foot": 4.0}
# The steps the simulation produces; targets on other steps (signing, feedback) are not replayed.
SIMULATED_MILESTONES = frozenset({"dispatched", "set_off", "arrived", "reinforcement_arrived"})


@dataclass(frozen=True)
class ReplayIncident:
    id: int
    received_at: datetime
    lon: float
    lat: float
    category: str
    priority: int = 2
    needs_reinforcement: bool = False
    # What really happened, from the ledger: seconds from receipt (None: the step was not taken).
    actual_arrival_s: float | None = None
    actual_set_off_s: float | None = None
    actual_reinforcement_s: float | None = None
    actual_dispatch_s: float | None = None
    actual_handled_s: float | None = None  # settled without a step: the target may not apply
    place_tier: str = "other"


@dataclass(frozen=True)
class ReplayUnit:
    id: int
    call_sign: str
    kind: str
    # (start, end, lon, lat): on duty in [start, end) and waiting at (lon, lat) when free; the
    # windows of one unit do not overlap (one place at a time). A window of no length only says
    # where the unit comes from (its point, for a timed duty that begins as the shift does).
    windows: tuple[tuple[datetime, datetime, float, float], ...]
    # Starts of the windows the unit must be at by their start (a timed duty at a school gate):
    # it leaves the window before in time to get there. Into any other window that follows on
    # from the last (back to its point after the duty), it sets out when that window starts.
    on_time: frozenset[datetime] = frozenset()
    # Windows spent patrolling a line (巡逻线路), by their start: the route's (lon, lat) vertices.
    # The unit joins it at the window's place and drives it end to end and back while free.
    routes: tuple[tuple[datetime, tuple[tuple[float, float], ...]], ...] = ()


@dataclass(frozen=True)
class ReplayOutcome:
    """One simulated call; every time is seconds from receipt, None when it did not happen."""

    incident_id: int
    unit_id: int | None
    response_s: float | None  # first arrival; None when nobody could go
    reinforcement_s: float | None = None  # reinforcement arrival
    dispatch_s: float | None = None
    set_off_s: float | None = None  # dispatch plus the unit kind's set-off delay
    handled_s: float | None = None  # first arrival plus the time on scene
    settled_without_unit: bool = False  # really settled on the phone: no plan changes that

    @property
    def unserved(self) -> bool:
        return self.unit_id is None and not self.settled_without_unit


@dataclass(frozen=True)
class TargetShare:
    """One target of the response profile over the replayed calls: met out of decided."""

    key: str
    label_zh: str
    label_en: str
    milestone: str
    seconds: int
    met: int
    decided: int

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass(frozen=True)
class ReplayReport:
    incidents: int
    # 1-3-5 compliance by the profile's targets (default: set off in 1, on scene in 3,
    # reinforcement on scene in 5 minutes), simulated and as really happened.
    compliance: tuple[TargetShare, ...]
    actual_compliance: tuple[TargetShare, ...]
    all_met: float | None  # share of decided calls that met every applicable target
    actual_all_met: float | None
    # Arrival distribution: share of calls a unit was sent to (or should have been) with it on
    # scene within 1, 3, 5 minutes; calls really settled without a unit are left out.
    within: tuple[float, float, float]
    actual_within: tuple[float, float, float]  # the same from the real arrival times
    actual_known: int  # incidents with a real arrival time
    median_response_s: float  # receipt to first arrival
    actual_median_response_s: float
    unserved: int
    queued: int
    utilisation: dict[int, float]  # unit id -> share of its duty time busy
    # The on-scene target's share met by local hour of day (None: no decided calls then).
    hourly_on_scene: tuple[float | None, ...]
    actual_hourly_on_scene: tuple[float | None, ...]
    outcomes: tuple[ReplayOutcome, ...] = field(repr=False, default=())
    # Replayed with move-ups: the moves the cover line made, and how many of them sent a unit
    # back to its own point. None: replayed without.
    move_ups: int | None = None
    sent_back: int = 0

    def share(self, key: str, *, actual: bool = False) -> float | None:
        """A target's share met by key (on_way, on_scene, reinforcement), None if absent."""
        for t in self.actual_compliance if actual else self.compliance:
            if t.key == key:
                return t.share
        return None

    def as_json(self) -> dict[str, object]:
        def shares(ts: tuple[TargetShare, ...]) -> dict[str, float | None]:
            return {t.key: None if t.share is None else round(t.share, 4) for t in ts}

        return {
            "incidents": self.incidents,
            "compliance": shares(self.compliance),
            "actual_compliance": shares(self.actual_compliance),
            "all_met": None if self.all_met is None else round(self.all_met, 4),
            "actual_all_met": None if self.actual_all_met is None else round(self.actual_all_met, 4),
            "arrival_within_1_3_5": [round(v, 4) for v in self.within],
            "actual_arrival_within_1_3_5": [round(v, 4) for v in self.actual_within],
            "actual_known": self.actual_known,
            "median_response_s": round(self.median_response_s, 1),
            "actual_median_response_s": round(self.actual_median_response_s, 1),
            "unserved": self.unserved,
            "queued": self.queued,
            **({} if self.move_ups is None else {"move_ups": self.move_ups, "sent_back": self.sent_back}),
        }


class _Route:
    """A patrol line driven end to end and back from where the unit joined it."""

    __slots__ = ("cum", "lat", "length", "lon", "offset", "since", "speed_ms", "x", "y")

    def __init__(self, route: tuple[tuple[float, float], ...], join: tuple[float, float],
                 since: float, kind: str):
        self.lon, self.lat = join
        x, y = local_xy(np.array([p[0] for p in route]), np.array([p[1] for p in route]), *join)
        self.x, self.y = x, y
        self.cum = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])
        self.length = float(self.cum[-1])
        # The join point's distance along the route: the foot of the perpendicular from it (the
        # origin here) on the nearest segment.
        ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
        dx, dy = bx - ax, by - ay
        f = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-9), 0.0, 1.0)
        seg = int(np.argmin((ax + f * dx) ** 2 + (ay + f * dy) ** 2))
        self.offset = float(self.cum[seg] + f[seg] * (self.cum[seg + 1] - self.cum[seg]))
        self.since = since
        self.speed_ms = PATROL_KMH.get(kind, PATROL_KMH["car"]) / 3.6

    def at(self, t: float) -> tuple[float, float]:
        """Where on the route the unit is at t. A call taken meanwhile does not hold the patrol
        up: the unit comes back to where it would have been (the route is a beat, not a tour)."""
        if self.length <= 0.0:
            return self.lon, self.lat
        run = (self.offset + self.speed_ms * max(0.0, t - self.since)) % (2 * self.length)
        s = run if run <= self.length else 2 * self.length - run  # back along the route
        x, y = float(np.interp(s, self.cum, self.x)), float(np.interp(s, self.cum, self.y))
        lon, lat = unproject_xy(x, y, self.lon, self.lat)
        return float(lon), float(lat)


class _Unit:
    __slots__ = ("arrive", "busy_s", "busy_until", "duty_s", "from_lat", "from_lon", "home_lat",
                 "home_lon", "kind", "leave", "moved", "ref", "return_until", "routes", "set_off_s",
                 "spec", "starts", "windows")

    def __init__(self, spec: ReplayUnit):
        self.spec = spec
        self.kind = spec.kind
        self.set_off_s = profile(spec.kind).set_off_s
        self.windows = [(s.timestamp(), e.timestamp(), lo, la) for s, e, lo, la in spec.windows]
        self.windows.sort()
        # A unit's windows do not overlap (a day's shift, cut at its timed duties), so the one
        # holding a moment is found by bisection: 90 days of shifts with duties are ~400 windows.
        self.starts = [w[0] for w in self.windows]
        self.busy_until = -1.0
        self.return_until = -1.0
        self.from_lon = self.from_lat = 0.0
        self.home_lon = self.home_lat = 0.0
        self.busy_s = 0.0
        self.duty_s = sum(e - s for s, e, _, _ in self.windows)
        self.leave, self.arrive = self._moves(spec.on_time)
        by_start = {start.timestamp(): route for start, route in spec.routes if len(route) >= 2}
        self.routes = {i: _Route(by_start[w[0]], (w[2], w[3]), self.arrive[i], self.kind)
                       for i, w in enumerate(self.windows) if w[0] in by_start}
        # A move-up in force: (window, from, to, ordered at, there at). It holds for the rest of
        # that window, as an order holds for the rest of the plan's shift; but a timed duty
        # ends the window, and after it the unit goes back to its own point (live, the order
        # would still stand).
        self.moved: tuple[int, tuple[float, float], tuple[float, float], float, float] | None = None

    def _moves(self, on_time: frozenset[datetime]) -> tuple[list[float], list[float]]:
        """Between windows that follow on from each other at two places, the unit travels: it
        leaves window i's place at leave[i] and reaches window i + 1's at arrive[i + 1]. Due on
        time there, it sets out early enough, or as early as window i allows and is late by the
        rest; otherwise it sets out when window i ends. No move: leave[i] is window i's end and
        arrive[i] its start."""
        due = {t.timestamp() for t in on_time}
        leave = [w[1] for w in self.windows]
        arrive = [w[0] for w in self.windows]
        for i in range(1, len(self.windows)):
            (begun, end, lon0, lat0), (start, _, lon1, lat1) = self.windows[i - 1], self.windows[i]
            if start != end or (lon0, lat0) == (lon1, lat1):
                continue
            hour = datetime.fromtimestamp(start, CHINA_TZ).hour
            secs = travel_seconds(distance_m(lon0, lat0, lon1, lat1), self.kind, hour,
                                  include_set_off=False)
            leave[i - 1] = max(begun, start - secs) if start in due else start
            arrive[i] = min(self.windows[i][1], leave[i - 1] + secs)
        return leave, arrive

    def index(self, t: float) -> int | None:
        """The window holding t, if any."""
        i = bisect.bisect_right(self.starts, t) - 1
        return i if i >= 0 and t < self.windows[i][1] else None

    def place(self, i: int, t: float) -> tuple[float, float]:
        """Where window i keeps the unit at t when free: its point (or the point a move-up sent
        it to), or along its patrol line."""
        if self.moved is not None and self.moved[0] == i:
            return self.moved[2]
        route = self.routes.get(i)
        return route.at(t) if route is not None else (self.windows[i][2], self.windows[i][3])

    def movable(self, i: int, on_time: frozenset[float]) -> bool:
        """Window i is a stay at its plan point (not a timed duty's, nor a patrol line's)."""
        return i not in self.routes and self.windows[i][0] not in on_time

    def move(self, i: int, t: float, to: tuple[float, float], hour: int) -> None:
        """Ordered at t to `to` for the rest of window i: it drives there from where it is."""
        here = self.position(t)
        secs = travel_seconds(distance_m(*here, *to), self.kind, hour)
        self.return_until = min(self.return_until, t)  # on its way back: it turns for `to`
        self.moved = (i, here, to, t, t + secs)

    def home(self, t: float) -> tuple[float, float]:
        """Where the unit goes back to after a call at t."""
        i = self.index(t)
        return self.place(i, t) if i is not None else (self.home_lon, self.home_lat)

    def position(self, t: float) -> tuple[float, float]:
        """Where the unit is: on its way back from the last scene, between two of its places
        (its point and a timed duty's), along a patrol line, or at its point."""
        i = self.index(t)
        if t >= self.return_until or self.return_until <= self.busy_until:
            return self._on_the_way(i, t) if i is not None else (self.home_lon, self.home_lat)
        home = self.place(i, t) if i is not None else (self.home_lon, self.home_lat)
        return _between((self.from_lon, self.from_lat), home, self.busy_until, self.return_until, t)

    def _on_the_way(self, i: int, t: float) -> tuple[float, float]:
        """Window i's place, or a point on the way to or from it while the unit moves."""
        if t >= self.leave[i]:  # setting out for the next window's place
            return self._leg(i + 1, t)
        if t < self.arrive[i]:  # still on the way here from the last window's place
            return self._leg(i, t)
        if self.moved is not None and self.moved[0] == i and t < self.moved[4]:  # moving up
            return _between(self.moved[1], self.moved[2], self.moved[3], self.moved[4], t)
        return self.place(i, t)

    def _leg(self, i: int, t: float) -> tuple[float, float]:
        """Where the unit is at t on its way from window i - 1's place to window i's."""
        here = self.windows[i]
        return _between(self.place(i - 1, self.leave[i - 1]), (here[2], here[3]),
                        self.leave[i - 1], self.arrive[i], t)

def _between(a: tuple[float, float], b: tuple[float, float], t0: float, t1: float, t: float
             ) -> tuple[float, float]:
    """Where a unit going from a (at t0) to b (at t1) is at t, on the straight line."""
    f = min(1.0, max(0.0, (t - t0) / (t1 - t0))) if t1 > t0 else 1.0
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


@dataclass(frozen=True)
class _Sent:
    unit: _Unit
    dispatched: float
    set_off: float
    arrived: float
    handled: float


def replay(
    incidents: Sequence[ReplayIncident], units: Sequence[ReplayUnit], *,
    on_scene_minutes: Mapping[str, float] = ON_SCENE_MINUTES,
    call_handling_s: float = CALL_HANDLING_S,
    max_wait_s: float = MAX_WAIT_S,
    response_profile: ResponseProfile = DEFAULT_PROFILE,
    now: datetime | None = None,
    move_ups: ReplayMoveUps | None = None,
) -> ReplayReport:
    """Replay incidents in time order; the same input always gives the same report.

    `now` judges the real incidents: one still running then is left out of the real figures
    (as the compliance ledger does); by default every real incident counts as finished.
    With `move_ups`, the plan's free units are moved up as the cover line says.
    """
    pool = [_Unit(u) for u in sorted(units, key=lambda u: u.id)]
    # Drones see but cannot act (domain.recommend): a drone on scene is nobody on scene, so
    # the replay never sends one to a call; it would count the 1-3-5 targets met by a camera.
    responders = [u for u in pool if u.kind not in OBSERVER_KINDS]
    order = sorted(incidents, key=lambda i: (i.received_at, i.id))
    queue: list[tuple[int, float, int, int]] = []  # (priority, received, seq, incident index)
    outcomes: dict[int, ReplayOutcome] = {}
    queued = 0
    events: list[tuple[float, int, int]] = []  # (time, kind 0=free 1=call, index)
    for n, inc in enumerate(order):
        if inc.actual_dispatch_s is None and inc.actual_handled_s is not None:
            # Settled without sending anyone (advice on the phone, an invalid call): another
            # deployment would not have sent anyone either, so the call keeps its real ending
            # and both sides judge it alike.
            outcomes[inc.id] = ReplayOutcome(inc.id, None, None, handled_s=inc.actual_handled_s,
                                             settled_without_unit=True)
            continue
        heapq.heappush(events, (inc.received_at.timestamp() + call_handling_s, 1, n))
    hour = {n: inc.received_at.astimezone(CHINA_TZ).hour for n, inc in enumerate(order)}

    chooser = MoveUpChooser(move_ups) if move_ups is not None else None

    def dispatch(n: int, t: float) -> _Sent | None:
        inc = order[n]
        best: tuple[float, int, _Unit] | None = None
        for u in responders:
            if u.busy_until > t or u.index(t) is None:
                continue
            lon, lat = u.position(t)
            secs = travel_seconds(distance_m(lon, lat, inc.lon, inc.lat), u.kind, hour[n])
            if best is None or (secs, u.spec.id) < (best[0], best[1]):
                best = (secs, u.spec.id, u)
        if best is None:
            return None
        secs, _, u = best  # secs includes the unit's set-off delay
        scene = on_scene_minutes.get(inc.category[:2], DEFAULT_ON_SCENE) * 60
        arrive = t + secs
        u.busy_until = arrive + scene
        back = travel_seconds(distance_m(inc.lon, inc.lat, *u.home(t)), u.kind, hour[n],
                              include_set_off=False)
        u.return_until = u.busy_until + back
        u.from_lon, u.from_lat = inc.lon, inc.lat
        u.busy_s += secs + scene
        heapq.heappush(events, (u.busy_until, 0, -1))
        return _Sent(u, t, t + u.set_off_s, arrive, arrive + scene)

    def serve(n: int, t: float) -> bool:
        inc = order[n]
        first = dispatch(n, t)
        if first is None:
            return False
        received = inc.received_at.timestamp()
        reinf = None
        if inc.needs_reinforcement:
            second = dispatch(n, t)
            reinf = (second.arrived - received) if second else None
        outcomes[inc.id] = ReplayOutcome(
            inc.id, first.unit.spec.id, first.arrived - received, reinf,
            first.dispatched - received, first.set_off - received, first.handled - received)
        return True

    plan_units = [u for u in responders if chooser is not None and chooser.is_plan_unit(u.spec.id)]
    duty_starts = {u.spec.id: frozenset(s.timestamp() for s in u.spec.on_time) for u in plan_units}
    moved = [0, 0]  # move-ups ordered, of which back to the unit's own point

    def move_up(t: float) -> None:
        """Follow the cover line: the plan's free units seen where they stand, moved as it says."""
        assert chooser is not None
        seen, window = [], {}
        for u in plan_units:
            i = u.index(t)
            if i is None or u.busy_until > t:
                continue  # out on a call, or off duty: not counted
            window[u.spec.id] = i
            movable = chooser.may_move(u.spec.id) and u.movable(i, duty_starts[u.spec.id])
            # Counted where it is heading (its point, or the one it was sent to), not where it
            # has got to: a gap that closes by itself as a crew drives back is not worth an
            # order, and two crews heading for one place are seen as such at once. (Counted at
            # their positions, the replay had to look again at every arrival: twice the moves,
            # mostly undone minutes later, and 10.7 / 14.8 s for the benchmark's 90 days, not 4.8 / 4.4 s.) A
            # unit on a patrol line counts where it joins the line.
            spot = u.place(i, t) if i not in u.routes else (u.windows[i][2], u.windows[i][3])
            seen.append(Seen(u.spec.id, u.kind, *spot, movable))
        hour_now = datetime.fromtimestamp(t, CHINA_TZ).hour
        by_id = {u.spec.id: u for u in plan_units}
        for unit_id, point in chooser.choose(seen, hour_now):
            u = by_id[unit_id]
            if u.place(window[unit_id], t) == (point.lon, point.lat):
                continue  # on its way there already: no order to give
            u.move(window[unit_id], t, (point.lon, point.lat), hour_now)
            moved[0] += 1
            moved[1] += move_ups.own[unit_id] == point.key  # type: ignore[union-attr]

    seq = 0
    while events:
        t, kind, n = heapq.heappop(events)
        if kind == 1 and not serve(n, t):
            queued += 1
            heapq.heappush(queue, (order[n].priority, order[n].received_at.timestamp(), seq, n))
            seq += 1
            # Retry when the next unit comes on duty, should nobody free up before.
            nxt = min((w[0] for u in responders for w in u.windows if w[0] > t), default=None)
            if nxt is not None:
                heapq.heappush(events, (nxt, 0, -1))
        while queue and kind == 0:
            n_q = queue[0][3]
            if t - order[n_q].received_at.timestamp() > max_wait_s:
                heapq.heappop(queue)
                outcomes[order[n_q].id] = ReplayOutcome(order[n_q].id, None, None)
                continue
            if not serve(n_q, t):
                break
            heapq.heappop(queue)
        # A unit of the plan went out, or came free: the cover line is looked at again.
        if chooser is not None and (kind == 0 or order[n].id in outcomes):
            move_up(t)
    for _, _, _, n in queue:
        outcomes[order[n].id] = ReplayOutcome(order[n].id, None, None)
    report = _report(order, outcomes, pool, queued, response_profile, now)
    return report if chooser is None else replace(report, move_ups=moved[0], sent_back=moved[1])


def _facts(inc: ReplayIncident, dispatch: float | None, set_off: float | None,
           arrived: float | None, reinforcement: float | None, handled: float | None
           ) -> IncidentFacts:
    def at(s: float | None) -> datetime | None:
        return None if s is None else inc.received_at + timedelta(seconds=s)

    return IncidentFacts(
        received_at=inc.received_at, category_code=inc.category, priority=inc.priority,
        place_tier=inc.place_tier, needs_reinforcement=inc.needs_reinforcement,
        milestones={"dispatched": at(dispatch), "set_off": at(set_off), "arrived": at(arrived),
                    "reinforcement_arrived": at(reinforcement)},
        handled_at=at(handled),
    )


class _Judge:
    """Adds up the profile's replayable targets over calls, as the compliance ledger does."""

    def __init__(self, targets: tuple[Target, ...], prof: ResponseProfile, now: datetime):
        self.prof = ResponseProfile(prof.key, prof.name_zh, prof.name_en, targets,
                                    prof.overrides, prof.near_fraction, prof.key_site_radius_m)
        self.now = now
        self.met = [0] * len(targets)
        self.decided = [0] * len(targets)
        self.calls_decided = self.calls_all_met = 0
        self.arrived = next((k for k, t in enumerate(targets) if t.milestone == "arrived"), None)
        self.hour_met = [0] * 24
        self.hour_decided = [0] * 24

    def add(self, facts: IncidentFacts, hour: int) -> None:
        states = [t.state for t in evaluate(self.prof, facts, self.now)]
        for k, s in enumerate(states):
            if s is TimerState.MET or s is TimerState.BREACHED:
                self.decided[k] += 1
                self.met[k] += s is TimerState.MET
                if k == self.arrived:
                    self.hour_decided[hour] += 1
                    self.hour_met[hour] += s is TimerState.MET
        running = TimerState.PENDING in states or TimerState.NEAR in states
        if not running and (TimerState.MET in states or TimerState.BREACHED in states):
            self.calls_decided += 1
            self.calls_all_met += TimerState.BREACHED not in states

    def shares(self) -> tuple[TargetShare, ...]:
        return tuple(TargetShare(t.key, t.label_zh, t.label_en, t.milestone, t.seconds, m, d)
                     for t, m, d in zip(self.prof.targets, self.met, self.decided, strict=True))

    def all_met(self) -> float | None:
        return self.calls_all_met / self.calls_decided if self.calls_decided else None

    def hourly(self) -> tuple[float | None, ...]:
        return tuple(m / d if d else None for m, d in zip(self.hour_met, self.hour_decided,
                                                           strict=True))


def _report(order: Sequence[ReplayIncident], outcomes: dict[int, ReplayOutcome],
            pool: list[_Unit], queued: int, prof: ResponseProfile,
            now: datetime | None) -> ReplayReport:
    n = len(order)
    targets = tuple(t for t in prof.targets if t.milestone in SIMULATED_MILESTONES)
    # Simulated calls all run to their end: judge them after the last could have finished.
    end = (order[-1].received_at + timedelta(days=2) if order
           else now or datetime.fromtimestamp(0, CHINA_TZ))
    sim, real = _Judge(targets, prof, end), _Judge(targets, prof, now or end)
    for inc in order:
        o = outcomes[inc.id]
        h = inc.received_at.astimezone(CHINA_TZ).hour
        sim.add(_facts(inc, o.dispatch_s, o.set_off_s, o.response_s, o.reinforcement_s,
                       o.handled_s), h)
        real.add(_facts(inc, inc.actual_dispatch_s, inc.actual_set_off_s, inc.actual_arrival_s,
                        inc.actual_reinforcement_s, inc.actual_handled_s), h)
    sent = [outcomes[i.id] for i in order if not outcomes[i.id].settled_without_unit]
    resp = np.array([o.response_s if o.response_s is not None else np.inf for o in sent])
    within = tuple(float((resp <= b).mean()) if len(resp) else 0.0 for b in BANDS_S)
    actual = np.array([i.actual_arrival_s for i in order if i.actual_arrival_s is not None])
    actual_within = tuple(float((actual <= b).mean()) if len(actual) else 0.0 for b in BANDS_S)
    finite = resp[np.isfinite(resp)]
    return ReplayReport(
        incidents=n,
        compliance=sim.shares(),
        actual_compliance=real.shares(),
        all_met=sim.all_met(),
        actual_all_met=real.all_met(),
        within=within,  # type: ignore[arg-type]
        actual_within=actual_within,  # type: ignore[arg-type]
        actual_known=len(actual),
        median_response_s=float(np.median(finite)) if len(finite) else float("nan"),
        actual_median_response_s=float(np.median(actual)) if len(actual) else float("nan"),
        unserved=int((~np.isfinite(resp)).sum()),
        queued=queued,
        utilisation={u.spec.id: (u.busy_s / u.duty_s if u.duty_s else 0.0) for u in pool},
        hourly_on_scene=sim.hourly(),
        actual_hourly_on_scene=real.hourly(),
        outcomes=tuple(outcomes[i.id] for i in order),
    )
