"""Expected incidents per micro grid for a shift, and how well that forecast ranks places.

The forecast multiplies each cell's recent rate per top-level category (exponentially decayed,
so last week counts more than last month) by that category's share of incidents falling in the
shift's hours on that kind of day (workday or rest day, holidays counted as rest days), then adds
a near-repeat term: incidents of the last days raise the risk in and around their cell.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .clock import CHINA_TZ
from .holidays import calendar_day
from .travel import local_xy


@dataclass(frozen=True)
class PastIncident:
    at: datetime
    cell_id: int
    category: str  # category code; its first two digits are the top level


@dataclass(frozen=True)
class Cell:
    id: int
    lon: float
    lat: float
    area_m2: float = 0.0


@dataclass(frozen=True)
class DemandParams:
    lookback_days: int = 56
    half_life_days: float = 14.0
    near_repeat_days: float = 7.0  # near-repeat risk decays over about a week ...
    near_repeat_radius_m: float = 300.0  # ... and a few hundred metres (burglary studies)
    near_repeat_weight: float = 0.15  # extra incidents one incident brings nearby, over the decay
    smoothing: float = 1.0  # Laplace prior on the hour profile


def _rest_day(dt: datetime) -> bool:
    return calendar_day(dt.astimezone(CHINA_TZ).date()).is_rest_day


def _hours_of(start: datetime, end: datetime) -> list[tuple[bool, int, float]]:
    """(rest day?, local hour, fraction of that hour) for every clock hour the shift touches."""
    out = []
    t = start.astimezone(CHINA_TZ)
    end_l = end.astimezone(CHINA_TZ)
    while t < end_l:
        nxt = min(end_l, (t + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0))
        out.append((_rest_day(t), t.hour, (nxt - t).total_seconds() / 3600))
        t = nxt
    return out


def expected_incidents(
    history: Sequence[PastIncident], cells: Sequence[Cell], start: datetime, end: datetime,
    now: datetime, params: DemandParams = DemandParams(),
) -> dict[int, float]:
    """Expected incidents per cell between start and end, from incidents before `now`."""
    since = now - timedelta(days=params.lookback_days)
    past = [h for h in history if since <= h.at < now]
    index = {c.id: i for i, c in enumerate(cells)}
    if not cells:
        return {}
    decay = math.log(2) / params.half_life_days
    # Normalise the decayed weights so a steady cell's rate is incidents per day.
    norm = sum(math.exp(-decay * (d + 0.5)) for d in range(params.lookback_days))
    cats = sorted({h.category[:2] for h in past})
    rate = np.zeros((len(cats), len(cells)))
    cat_i = {c: i for i, c in enumerate(cats)}
    profile = np.full((len(cats), 2, 24), params.smoothing)
    days_of = np.zeros(2)
    d0 = since.astimezone(CHINA_TZ).date()
    for k in range((now - since).days):
        days_of[int(calendar_day(d0 + timedelta(days=k)).is_rest_day)] += 1
    for h in past:
        i = index.get(h.cell_id)
        if i is None:
            continue
        age = (now - h.at).total_seconds() / 86400
        rate[cat_i[h.category[:2]], i] += math.exp(-decay * age) / norm
        lt = h.at.astimezone(CHINA_TZ)
        profile[cat_i[h.category[:2]], int(_rest_day(h.at)), lt.hour] += 1
    # Share of a day's incidents of this category in each hour, by kind of day.
    per_day = profile / np.maximum(days_of, 1)[None, :, None]
    daily = per_day.sum(axis=2, keepdims=True)
    share = per_day / daily
    # Rest days may bring more or fewer incidents than workdays: scale by the observed ratio.
    level = daily[:, :, 0] / np.maximum(daily.mean(axis=1), 1e-12)
    factor = np.zeros(len(cats))
    for rest, hour, frac in _hours_of(start, end):
        factor += share[:, int(rest), hour] * level[:, int(rest)] * frac
    expected = (rate * factor[:, None]).sum(axis=0) if cats else np.zeros(len(cells))
    expected += _near_repeat(past, cells, index, start, end, params)
    return {c.id: float(expected[i]) for i, c in enumerate(cells)}


def _near_repeat(past: Sequence[PastIncident], cells: Sequence[Cell], index: dict[int, int],
                 start: datetime, end: datetime, params: DemandParams) -> np.ndarray:
    recent = [h for h in past if (start - h.at).total_seconds() < 3 * params.near_repeat_days * 86400]
    out = np.zeros(len(cells))
    if not recent:
        return out
    lon = np.array([c.lon for c in cells])
    lat = np.array([c.lat for c in cells])
    x, y = local_xy(lon, lat, float(lon.mean()), float(lat.mean()))
    shift_days = (end - start).total_seconds() / 86400
    src = np.array([index[h.cell_id] for h in recent if h.cell_id in index], dtype=int)
    # A shift planned once it has begun (the running shift) already has incidents of its own:
    # they are as fresh as can be, age 0. A negative age would weigh one exp(days / 7) times,
    # and a shift planned weeks after it began came out with 10^150 expected incidents.
    ages = np.array([max(0.0, (start - h.at).total_seconds() / 86400)
                     for h in recent if h.cell_id in index])
    if len(src) == 0:
        return out
    w_time = np.exp(-ages / params.near_repeat_days)
    d = np.hypot(x[:, None] - x[src][None, :], y[:, None] - y[src][None, :])
    w_space = np.exp(-((d / params.near_repeat_radius_m) ** 2))
    # Each recent incident adds near_repeat_weight extra incidents spread over about
    # near_repeat_days around it, shared among nearby cells by distance.
    w_space /= np.maximum(w_space.sum(axis=0, keepdims=True), 1e-12)
    per_day = params.near_repeat_weight / params.near_repeat_days
    return per_day * shift_days * (w_space * w_time[None, :]).sum(axis=1)


def last_days_count(history: Sequence[PastIncident], cells: Sequence[Cell], now: datetime,
                    days: int = 28) -> dict[int, float]:
    """The plain baseline: incidents per cell in the last N days."""
    since = now - timedelta(days=days)
    counts: dict[int, float] = defaultdict(float)
    for h in history:
        if since <= h.at < now:
            counts[h.cell_id] += 1
    return {c.id: counts.get(c.id, 0.0) for c in cells}


@dataclass(frozen=True)
class AccuracyRow:
    week_start: datetime
    incidents: int
    hit_rate: float  # share of the week's incidents in the top-ranked cells
    pai: float  # hit rate / share of area flagged (predictive accuracy index)
    baseline_hit_rate: float
    baseline_pai: float


@dataclass(frozen=True)
class AccuracyReport:
    rows: tuple[AccuracyRow, ...]
    area_share: float
    baseline_days: int

    @property
    def hit_rate(self) -> float:
        n = sum(r.incidents for r in self.rows)
        return sum(r.hit_rate * r.incidents for r in self.rows) / n if n else 0.0

    @property
    def baseline_hit_rate(self) -> float:
        n = sum(r.incidents for r in self.rows)
        return sum(r.baseline_hit_rate * r.incidents for r in self.rows) / n if n else 0.0

    @property
    def pai(self) -> float:
        return self.hit_rate / self.area_share if self.area_share else 0.0

    @property
    def baseline_pai(self) -> float:
        return self.baseline_hit_rate / self.area_share if self.area_share else 0.0


def _top_hits(scores: dict[int, float], cells: Sequence[Cell], actual: dict[int, int],
              area_share: float) -> tuple[float, float]:
    """Hit rate and the area share actually flagged when the top cells by score are picked."""
    areas = {c.id: (c.area_m2 or 1.0) for c in cells}
    total_area = sum(areas.values())
    # Ties broken by cell id so the report is reproducible.
    order = sorted(cells, key=lambda c: (-scores.get(c.id, 0.0), c.id))
    picked: set[int] = set()
    used = 0.0
    for c in order:
        if used + areas[c.id] > area_share * total_area + 1e-9 and picked:
            break
        picked.add(c.id)
        used += areas[c.id]
    n = sum(actual.values())
    hits = sum(v for k, v in actual.items() if k in picked)
    return (hits / n if n else 0.0), used / total_area


def evaluate_forecast(
    history: Sequence[PastIncident], cells: Sequence[Cell], test_weeks: Sequence[datetime],
    *, area_share: float = 0.1, baseline_days: int = 28, params: DemandParams = DemandParams(),
) -> AccuracyReport:
    """Forecast each held-back week from what came before it; score against what happened."""
    rows = []
    flagged = []
    for week in test_weeks:
        end = week + timedelta(days=7)
        actual: dict[int, int] = defaultdict(int)
        for h in history:
            if week <= h.at < end:
                actual[h.cell_id] += 1
        model = expected_incidents(history, cells, week, end, week, params)
        base = last_days_count(history, cells, week, baseline_days)
        hit, share = _top_hits(model, cells, actual, area_share)
        bhit, bshare = _top_hits(base, cells, actual, area_share)
        flagged.append(share)
        rows.append(AccuracyRow(week, sum(actual.values()), hit, hit / share if share else 0.0,
                                bhit, bhit / bshare if bshare else 0.0))
    share = float(np.mean(flagged)) if flagged else area_share
    return AccuracyReport(tuple(rows), share, baseline_days)
