"""What-if replay: a discrete-event simulation of past incidents against a deployment.

Units wait at their planned points while their shift is on; each incident is dispatched, after
the call-handling time, to the nearest free unit (by travel time), stays on scene for its
category's time and returns to its point; when none is free it queues, urgent first. The
result is the 1-3-5 compliance the plan would have reached next to what really happened.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from .clock import CHINA_TZ
from .travel import distance_m, travel_seconds

# Minutes on scene by top-level category: disputes and crimes take longest to handle.
ON_SCENE_MINUTES: dict[str, float] = {
    "01": 60, "02": 40, "03": 45, "04": 30, "05": 45, "06": 40, "07": 30, "08": 25,
    "09": 20, "10": 5,
}
DEFAULT_ON_SCENE = 30.0
CALL_HANDLING_S = 60.0  # from the call to the dispatch order (接警 -> 派警)
BANDS_S = (60.0, 180.0, 300.0)
# A call nobody in the plan can take within this time went to other forces: count it unserved.
MAX_WAIT_S = 3600.0


@dataclass(frozen=True)
class ReplayIncident:
    id: int
    received_at: datetime
    lon: float
    lat: float
    category: str
    priority: int = 2
    needs_reinforcement: bool = False
    actual_arrival_s: float | None = None  # what really happened, from the ledger


@dataclass(frozen=True)
class ReplayUnit:
    id: int
    call_sign: str
    kind: str
    # (start, end, lon, lat): on duty in [start, end) and waiting at (lon, lat) when free.
    windows: tuple[tuple[datetime, datetime, float, float], ...]


@dataclass(frozen=True)
class ReplayOutcome:
    incident_id: int
    unit_id: int | None
    response_s: float | None  # receipt to first arrival; None when nobody could go
    reinforcement_s: float | None = None


@dataclass(frozen=True)
class ReplayReport:
    incidents: int
    within: tuple[float, float, float]  # share reached within 1, 3, 5 minutes (simulated)
    actual_within: tuple[float, float, float]  # the same from the real arrival times
    actual_known: int  # incidents with a real arrival time
    reinforcement_within_5: float
    median_response_s: float
    unserved: int
    queued: int
    utilisation: dict[int, float]  # unit id -> share of its duty time busy
    hourly_within_3: tuple[float | None, ...]  # by local hour of day (None: no calls then)
    outcomes: tuple[ReplayOutcome, ...] = field(repr=False, default=())

    def as_json(self) -> dict[str, object]:
        return {
            "incidents": self.incidents,
            "within_1_3_5": [round(v, 4) for v in self.within],
            "actual_within_1_3_5": [round(v, 4) for v in self.actual_within],
            "actual_known": self.actual_known,
            "reinforcement_within_5": round(self.reinforcement_within_5, 4),
            "median_response_s": round(self.median_response_s, 1),
            "unserved": self.unserved,
            "queued": self.queued,
        }


class _Unit:
    __slots__ = ("busy_s", "busy_until", "duty_s", "from_lat", "from_lon", "home_lat",
                 "home_lon", "kind", "ref", "return_until", "spec", "windows")

    def __init__(self, spec: ReplayUnit):
        self.spec = spec
        self.kind = spec.kind
        self.windows = [(s.timestamp(), e.timestamp(), lo, la) for s, e, lo, la in spec.windows]
        self.windows.sort()
        self.busy_until = -1.0
        self.return_until = -1.0
        self.from_lon = self.from_lat = 0.0
        self.home_lon = self.home_lat = 0.0
        self.busy_s = 0.0
        self.duty_s = sum(e - s for s, e, _, _ in self.windows)

    def window(self, t: float) -> tuple[float, float, float, float] | None:
        for w in self.windows:
            if w[0] <= t < w[1]:
                return w
        return None

    def position(self, t: float) -> tuple[float, float]:
        """Where the unit is: on its way back from the last scene, or at its point."""
        w = self.window(t)
        home = (w[2], w[3]) if w else (self.home_lon, self.home_lat)
        if t >= self.return_until or self.return_until <= self.busy_until:
            return home
        span = self.return_until - self.busy_until
        f = (t - self.busy_until) / span if span > 0 else 1.0
        return (self.from_lon + (home[0] - self.from_lon) * f,
                self.from_lat + (home[1] - self.from_lat) * f)


def replay(
    incidents: Sequence[ReplayIncident], units: Sequence[ReplayUnit], *,
    on_scene_minutes: Mapping[str, float] = ON_SCENE_MINUTES,
    call_handling_s: float = CALL_HANDLING_S,
    max_wait_s: float = MAX_WAIT_S,
) -> ReplayReport:
    """Replay incidents in time order; the same input always gives the same report."""
    pool = [_Unit(u) for u in sorted(units, key=lambda u: u.id)]
    order = sorted(incidents, key=lambda i: (i.received_at, i.id))
    queue: list[tuple[int, float, int, int]] = []  # (priority, received, seq, incident index)
    outcomes: dict[int, ReplayOutcome] = {}
    queued = 0
    events: list[tuple[float, int, int]] = []  # (time, kind 0=free 1=call, index)
    for n, inc in enumerate(order):
        heapq.heappush(events, (inc.received_at.timestamp() + call_handling_s, 1, n))
    hour = {n: inc.received_at.astimezone(CHINA_TZ).hour for n, inc in enumerate(order)}

    def dispatch(n: int, t: float, role: str) -> tuple[_Unit, float] | None:
        inc = order[n]
        best: tuple[float, int, _Unit] | None = None
        for u in pool:
            if u.busy_until > t or u.window(t) is None:
                continue
            lon, lat = u.position(t)
            secs = travel_seconds(distance_m(lon, lat, inc.lon, inc.lat), u.kind, hour[n])
            if best is None or (secs, u.spec.id) < (best[0], best[1]):
                best = (secs, u.spec.id, u)
        if best is None:
            return None
        secs, _, u = best
        scene = on_scene_minutes.get(inc.category[:2], DEFAULT_ON_SCENE) * 60
        arrive = t + secs
        u.busy_until = arrive + scene
        back = travel_seconds(distance_m(inc.lon, inc.lat, *_home(u, t)), u.kind, hour[n],
                              include_set_off=False)
        u.return_until = u.busy_until + back
        u.from_lon, u.from_lat = inc.lon, inc.lat
        u.busy_s += secs + scene
        heapq.heappush(events, (u.busy_until, 0, -1))
        return u, arrive

    def serve(n: int, t: float) -> bool:
        inc = order[n]
        first = dispatch(n, t, "first")
        if first is None:
            return False
        u, arrive = first
        received = inc.received_at.timestamp()
        reinf = None
        if inc.needs_reinforcement:
            second = dispatch(n, t, "reinforcement")
            reinf = (second[1] - received) if second else None
        outcomes[inc.id] = ReplayOutcome(inc.id, u.spec.id, arrive - received, reinf)
        return True

    seq = 0
    while events:
        t, kind, n = heapq.heappop(events)
        if kind == 1 and not serve(n, t):
            queued += 1
            heapq.heappush(queue, (order[n].priority, order[n].received_at.timestamp(), seq, n))
            seq += 1
            # Retry when the next unit comes on duty, should nobody free up before.
            nxt = min((w[0] for u in pool for w in u.windows if w[0] > t), default=None)
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
    for _, _, _, n in queue:
        outcomes[order[n].id] = ReplayOutcome(order[n].id, None, None)
    return _report(order, outcomes, pool, queued)


def _home(u: _Unit, t: float) -> tuple[float, float]:
    w = u.window(t)
    return (w[2], w[3]) if w else (u.home_lon, u.home_lat)


def _report(order: Sequence[ReplayIncident], outcomes: dict[int, ReplayOutcome],
            pool: list[_Unit], queued: int) -> ReplayReport:
    n = len(order)
    resp = np.array([outcomes[i.id].response_s if outcomes[i.id].response_s is not None else np.inf
                     for i in order])
    within = tuple(float((resp <= b).mean()) if n else 0.0 for b in BANDS_S)
    actual = np.array([i.actual_arrival_s for i in order if i.actual_arrival_s is not None])
    actual_within = tuple(float((actual <= b).mean()) if len(actual) else 0.0 for b in BANDS_S)
    reinf = [outcomes[i.id].reinforcement_s for i in order if i.needs_reinforcement]
    reinf_ok = sum(1 for r in reinf if r is not None and r <= BANDS_S[2])
    finite = resp[np.isfinite(resp)]
    hours = np.array([i.received_at.astimezone(CHINA_TZ).hour for i in order], dtype=int)
    hourly: list[float | None] = []
    for h in range(24):
        mask = hours == h
        hourly.append(float((resp[mask] <= BANDS_S[1]).mean()) if mask.any() else None)
    return ReplayReport(
        incidents=n,
        within=within,  # type: ignore[arg-type]
        actual_within=actual_within,  # type: ignore[arg-type]
        actual_known=len(actual),
        reinforcement_within_5=reinf_ok / len(reinf) if reinf else 1.0,
        median_response_s=float(np.median(finite)) if len(finite) else float("nan"),
        unserved=int((~np.isfinite(resp)).sum()),
        queued=queued,
        utilisation={u.spec.id: (u.busy_s / u.duty_s if u.duty_s else 0.0) for u in pool},
        hourly_within_3=tuple(hourly),
        outcomes=tuple(outcomes[i.id] for i in order),
    )
