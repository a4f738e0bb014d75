"""Timed duties (定时守点): a must-patrol point open for only part of a shift is no place to
stand all shift; a planned unit goes there while it is open, then back to its point."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from ..clock import CHINA_TZ
from ..geo import unproject_xy
from ..travel import distance_m, local_xy, travel_seconds
from .highs import new_highs

# A must-patrol point open for at least this share of a shift is a place to stand (a night
# market 20:00-02:00 on a 16:00-24:00 shift); open for less (a school gate 07:00-08:30 on the
# day shift) it is a timed duty.
STANDING_SHARE = 0.5

Span = tuple[datetime, datetime]
CLASH_MARK = "▲"


# The window TimedVisit.text opens with (_hhmm): its end, read back by stretch_end.
_WINDOW = re.compile(r"\d\d:\d\d-(\d\d):(\d\d)(?:\s|$)")


def _hhmm(start: datetime, end: datetime) -> str:
    a, b = start.astimezone(CHINA_TZ), end.astimezone(CHINA_TZ)
    close = "24:00" if b.hour == 0 and b.minute == 0 and b.date() > a.date() else f"{b:%H:%M}"
    return f"{a:%H:%M}-{close}"


def stretch_end(starts: datetime, text: str) -> datetime | None:
    """When the stretch begun at `starts` and listed as `text` ("16:30-17:30 学府路护学岗", as
    TimedVisit.text wrote it) ends; None if the text does not open with its window. A reminder
    keeps only these two, and must tell a duty taken away from a duty that is over."""
    window = _WINDOW.match(text)
    if window is None:
        return None
    day = starts.astimezone(CHINA_TZ)
    hour, minute = int(window.group(1)), int(window.group(2))
    end = day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=hour, minutes=minute)
    return end if end > day else end + timedelta(days=1)  # 22:00-02:00 and 16:00-24:00 end the next day


def joined(route: Sequence[tuple[float, float]], lon: float, lat: float) -> tuple[float, float]:
    """The point of a route (two vertices or more) nearest (lon, lat)."""
    x, y = local_xy(np.array([p[0] for p in route]), np.array([p[1] for p in route]), lon, lat)
    a = np.column_stack([x[:-1], y[:-1]])
    ab = np.column_stack([x[1:], y[1:]]) - a
    # The foot of the perpendicular from the unit (the origin) on each segment, kept on it.
    t = np.clip(-(a * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-9), 0.0, 1.0)
    q = a + t[:, None] * ab
    i = int(np.argmin((q * q).sum(axis=1)))
    j_lon, j_lat = unproject_xy(q[i, 0], q[i, 1], lon, lat)
    return float(j_lon), float(j_lat)


@dataclass(frozen=True)
class VisitPoint:
    key: str  # "point:7"
    name: str
    lon: float
    lat: float
    spans: tuple[Span, ...]  # the stretches of the shift the point is open
    # A patrol line's route (lon, lat vertices, in order); empty for a must-patrol point.
    route: tuple[tuple[float, float], ...] = ()

    def joined_from(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a unit standing at (lon, lat) reaches this duty first: the point itself, or the
        nearest point of the line's route (a unit joins the night market's route at its corner)."""
        return joined(self.route, lon, lat) if len(self.route) >= 2 else (self.lon, self.lat)

    @property
    def window(self) -> str:
        """"08:00-08:30" (the part of 07:00-08:30 inside a shift from 08:00)."""
        return "、".join(_hhmm(a, b) for a, b in self.spans)

    def as_row(self) -> list[Any]:
        row = [self.key, self.name, self.lon, self.lat,
               [[a.isoformat(), b.isoformat()] for a, b in self.spans]]
        return [*row, [list(p) for p in self.route]] if self.route else row

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> VisitPoint:
        spans = tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row[4])
        route = tuple((float(p[0]), float(p[1])) for p in row[5]) if len(row) > 5 else ()
        return cls(str(row[0]), str(row[1]), float(row[2]), float(row[3]), spans, route)


@dataclass(frozen=True)
class TimedVisit:
    point_key: str
    point_name: str
    window: str
    unit_id: int
    call_sign: str
    seconds: float  # travel from the unit's planned point, setting off included
    clash: bool = False  # every planned unit is already due elsewhere at that time
    until: datetime | None = None  # the end of its last stretch in the shift: over after that
    starts: datetime | None = None  # the start of its first stretch
    lon: float = 0.0  # where the unit meets the duty: the point, or its nearest point of the line
    lat: float = 0.0
    # Its stretches in the shift, in order (a 24-hour plan meets a 07:30-09:00 gate twice):
    # each is a duty of its own to remind of, check and hand to one crew (by_window).
    spans: tuple[Span, ...] = ()
    # A patrol line's route: a unit elsewhere than its point joins it elsewhere (joined_from).
    route: tuple[tuple[float, float], ...] = ()

    def joined_from(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a unit at (lon, lat) meets this duty: the point, or the route's nearest point
        (a car already on the night market's street is there, wherever its plan meets it)."""
        return joined(self.route, lon, lat) if len(self.route) >= 2 else (self.lon, self.lat)

    def by_window(self) -> list[TimedVisit]:
        """One duty per stretch ("08:00-09:00 …" and "07:30-08:00 …" the next morning): two
        plans in force may send different crews to the gate at different hours of the day."""
        if len(self.spans) < 2:
            return [self]
        return [replace(self, window=_hhmm(a, b), starts=a, until=b, spans=((a, b),))
                for a, b in self.spans]

    def text(self) -> str:
        """"08:00-08:30 城关实验小学护学岗（早）": how an order or a plan lists it; "▲" after a
        duty the unit is due at elsewhere at the same time (CLASH_MARK), for the duty officer."""
        return f"{self.window} {self.point_name}" + (CLASH_MARK if self.clash else "")


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _matching(cost: NDArray[np.float64]) -> list[tuple[int, int]]:
    """As many (row, column) pairs as can be, one per row and per column, of least total cost:
    the assignment LP, whose simplex optimum is whole (HiGHS, already the allocation's solver)."""
    n, m = cost.shape
    big = float(cost.sum()) + 1.0  # a pair more always beats any saving in travel
    h = new_highs()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n * m, n + m
    lp.col_cost_ = (cost - big).ravel()
    lp.col_lower_, lp.col_upper_ = np.zeros(n * m), np.ones(n * m)
    lp.row_lower_, lp.row_upper_ = np.full(n + m, -np.inf), np.ones(n + m)
    cols = np.arange(n * m)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n * m + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = np.column_stack([cols // m, n + cols % m]).ravel().astype(np.int32)
    lp.a_matrix_.value_ = np.ones(2 * n * m)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n * m, n + m
    h.passModel(lp)
    h.run()
    x = np.asarray(h.getSolution().col_value).reshape(n, m)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(x > 0.5), strict=True)]


def assign_visits(points: Iterable[VisitPoint], assignments: Iterable[Mapping[str, Any]],
                  kinds: Mapping[int, str], local_hour: int) -> list[TimedVisit]:
    """Each timed duty to a planned unit, from where the plan puts it. Duties open at the same
    time (six school gates at 08:00) go to as many different units as can take them, least
    total travel first, among units not already due elsewhere then (one unit cannot stand at
    two gates at 08:00); a duty left over goes to the unit that reaches it soonest all the
    same, marked as a clash for the chief to settle. Earlier duties are handed out first."""
    placed = [(int(a["unit_id"]), str(a["call_sign"]), float(a["lon"]), float(a["lat"]))
              for a in assignments]
    if not placed:
        return []
    groups: dict[tuple[Span, ...], list[VisitPoint]] = {}
    for p in points:
        groups.setdefault(p.spans, []).append(p)
    due: dict[int, list[Span]] = {}
    out: list[TimedVisit] = []
    for spans in sorted(groups, key=lambda sp: sp[0][0] if sp else datetime.min.replace(tzinfo=CHINA_TZ)):
        duties = sorted(groups[spans], key=lambda v: v.name)
        seconds = np.array([[travel_seconds(distance_m(lon, lat, *p.joined_from(lon, lat)),
                                            kinds.get(uid, "car"), local_hour)
                             for uid, _s, lon, lat in placed]
                            for p in duties])
        free = [j for j, (uid, *_rest) in enumerate(placed) if not _overlap(due.get(uid, []), spans)]
        chosen = {i: free[j] for i, j in _matching(seconds[:, free])} if free else {}
        for i, p in enumerate(duties):
            j = chosen.get(i, int(np.argmin(seconds[i])))
            uid, sign = placed[j][0], placed[j][1]
            due.setdefault(uid, []).extend(spans)
            join_lon, join_lat = p.joined_from(placed[j][2], placed[j][3])
            out.append(TimedVisit(p.key, p.name, p.window, uid, sign, float(seconds[i, j]),
                                  clash=i not in chosen, until=p.spans[-1][1] if p.spans else None,
                                  starts=p.spans[0][0] if p.spans else None, lon=join_lon, lat=join_lat,
                                  spans=p.spans, route=p.route))
    return out


def stored_visits(figures: Mapping[str, Any], assignments: Iterable[Mapping[str, Any]]
                  ) -> list[TimedVisit]:
    """A stored plan's timed duties from its figures and its assignments as they stand (the
    chief's edits included); plans stored before timed duties have none."""
    points = [VisitPoint.from_row(r) for r in figures.get("visit_points") or ()]
    if not points:
        return []
    kinds = {int(u[0]): str(u[2]) for u in figures.get("units") or ()}
    return assign_visits(points, assignments, kinds, int(figures.get("local_hour", 10)))
