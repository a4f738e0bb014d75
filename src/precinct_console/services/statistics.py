"""Incident statistics for a period: by day and hour, by category, 同比/环比, 1-3-5 trend, workload,
repeat incidents."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..domain.categories import by_code
from ..domain.clock import CHINA_TZ
from ..domain.figures import percent
from ..domain.response import ResponseProfile
from ..storage.models import Dispatch, Incident, Station, Unit
from .context import ServiceContext, service_action
from .duty_alerts import duty_keeping_counts
from .ledgers.columns import Scope
from .ledgers.common import scoped, stream
from .ledgers.masking import mask_phone
from .ledgers.periods import Period, local_day
from .ledgers.response import judged_rows
from .ledgers.response_rules import Tally, judge, profile_for


@dataclass(frozen=True)
class Comparison:
    """A figure against a reference period: change is None when the reference is zero."""

    current: int
    reference: int

    @property
    def change(self) -> float | None:
        return None if self.reference == 0 else (self.current - self.reference) / self.reference

    def phrase(self) -> str:
        """'上升12.5%' / '下降3.0%' / '持平' / '—' as bulletins write it."""
        c = self.change
        if c is None:
            return "—"
        if abs(c) < 0.0005:
            return "持平"
        return f"{'上升' if c > 0 else '下降'}{percent(abs(c))}"


@dataclass(frozen=True)
class CategoryFigure:
    code: str
    name: str
    count: int
    year_on_year: Comparison
    period_on_period: Comparison
    name_en: str = ""  # for an English window; the bulletin and ledgers print `name`


@dataclass(frozen=True)
class TargetFigure:
    key: str
    label_zh: str
    label_en: str
    met: int
    decided: int
    rate: float | None
    mean_s: float | None


@dataclass(frozen=True)
class Compliance:
    """1-3-5 figures of a group of incidents, one per target of the response profile."""

    label: str
    incidents: int
    decided: int
    targets: tuple[TargetFigure, ...]
    all_met_rate: float | None

    @classmethod
    def of(cls, label: str, t: Tally, profile: ResponseProfile) -> Compliance:
        figures = tuple(
            TargetFigure(p.key, p.label_zh, p.label_en, tt.met, tt.decided, tt.rate, tt.mean_s)
            for p, tt in zip(profile.targets, t.per_target, strict=True)
        )
        return cls(label, t.incidents, t.decided, figures, t.all_met_rate)

    def target(self, key: str) -> TargetFigure | None:
        return next((f for f in self.targets if f.key == key), None)

    def rate(self, key: str) -> float | None:
        f = self.target(key)
        return None if f is None else f.rate

    def mean(self, key: str) -> float | None:
        f = self.target(key)
        return None if f is None else f.mean_s

    # The default profile's three targets, by the names bulletins use.
    @property
    def set_off_rate(self) -> float | None:
        return self.rate("on_way")

    @property
    def arrival_rate(self) -> float | None:
        return self.rate("on_scene")

    @property
    def reinforcement_rate(self) -> float | None:
        return self.rate("reinforcement")

    @property
    def mean_arrival_s(self) -> float | None:
        return self.mean("on_scene")


@dataclass(frozen=True)
class RepeatGroup:
    kind: str  # caller (一人多警) | place (一地多警); the window names them
    key: str  # masked phone or address
    count: int
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Statistics:
    period: Period
    station_names: tuple[str, ...]
    profile_name: str  # the response profile the 1-3-5 figures are judged by
    total: Comparison  # against the year before (同比)
    total_previous: Comparison  # against the period before (环比)
    by_day: tuple[tuple[date, int], ...]
    by_hour: tuple[int, ...]  # 24 counts, China time
    by_category: tuple[CategoryFigure, ...]
    compliance: Compliance
    compliance_by_day: tuple[Compliance, ...]
    units: tuple[tuple[str, int], ...]  # call sign, dispatches
    officers: tuple[tuple[str, int], ...]  # name, incidents attended
    repeat_flags: tuple[tuple[str, int], ...]  # caller / place / matter (一人多警 / 一地多警 / 一事多警) counts
    repeats: tuple[RepeatGroup, ...]
    # Stretches of timed duties (定时守点) beginning in the period that a live position judged:
    # there from the start, there only after being found away, away.
    duties_kept: int = 0
    duties_late: int = 0
    duties_away: int = 0
    profile_name_en: str = ""  # the profile's name for an English window

    @property
    def duties_judged(self) -> int:
        return self.duties_kept + self.duties_late + self.duties_away

    @property
    def duty_keeping_rate(self) -> float | None:
        """按时到岗率: the share of judged stretches kept from the start; None where none was
        judged."""
        return self.duties_kept / self.duties_judged if self.duties_judged else None


def _scope(ctx: ServiceContext, period: Period, station_ids: tuple[int, ...] | None) -> Scope:
    own = ctx.actor.station_id
    if own is not None:
        stations: tuple[int, ...] = (own,)
    elif station_ids:
        stations = tuple(station_ids)
    else:
        with ctx.read() as s:
            stations = tuple(s.scalars(select(Station.id).order_by(Station.id)))
    return Scope(stations, period.start, period.end)


def _comparable(ctx: ServiceContext, period: Period, other: Period, scope: Scope) -> Scope:
    """The comparison period, cut to the same elapsed time while this period is still running:
    Monday and Tuesday of this week against Monday and Tuesday of the last (not the whole week)."""
    elapsed = min(ctx.clock(), period.end) - period.start
    end = other.end if elapsed >= period.end - period.start else min(other.end, other.start + elapsed)
    return Scope(scope.station_ids, other.start, max(other.start, end))


def _counts_by_top(ctx: ServiceContext, scope: Scope) -> Counter[str]:
    with ctx.read() as s:
        rows = s.execute(scoped(select(Incident.category_code, func.count()), Incident,
                                Incident.received_at, scope).group_by(Incident.category_code))
        out: Counter[str] = Counter()
        for code, n in rows:
            out[code[:2]] += n
        return out


@service_action("read")
def incident_statistics(
    ctx: ServiceContext, period: Period, station_ids: tuple[int, ...] | None = None,
    *, top_repeats: int = 10,
) -> Statistics:
    scope = _scope(ctx, period, station_ids)
    year_before = _counts_by_top(ctx, _comparable(ctx, period, period.year_before(), scope))
    previous = _counts_by_top(ctx, _comparable(ctx, period, period.previous(), scope))
    days: Counter[date] = Counter({period.first_day + timedelta(days=i): 0 for i in range(period.days)})
    hours = [0] * 24
    tops: Counter[str] = Counter()
    flags = Counter[str]()
    by_caller: dict[str, list[str]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    now = ctx.clock()
    i = Incident
    with ctx.read() as s:
        profile = profile_for(s, scope.station_ids)
        total_tally = Tally(len(profile.targets))
        day_tally: dict[date, Tally] = defaultdict(lambda: Tally(len(profile.targets)))
        names = tuple(s.scalars(select(Station.name).where(Station.id.in_(scope.station_ids))
                                .order_by(Station.id)))
        stmt = judged_rows(s, scope).add_columns(
            i.caller_phone, i.address, i.repeat_caller, i.repeat_place, i.repeat_matter)
        for r in stream(s, stmt):
            local = r.received_at.astimezone(CHINA_TZ)
            days[local.date()] += 1
            hours[local.hour] += 1
            tops[r.category_code[:2]] += 1
            j = judge(profile, r, now)
            total_tally.add(j)
            day_tally[local.date()].add(j)
            e = r
            flags["caller"] += e.repeat_caller
            flags["place"] += e.repeat_place
            flags["matter"] += e.repeat_matter
            if e.caller_phone:
                by_caller[e.caller_phone].append(r.number)
            if e.address:
                by_place[e.address].append(r.number)
        # Workload belongs to the period its incidents were received in, like every other
        # figure and the ledger's 按处警单位 sheet: a unit sent at 00:00:19 Monday to Sunday's
        # 23:59:59 call counts in Sunday's week.
        in_scope = scoped(select(Incident.id), Incident, Incident.received_at, scope, Incident.grid_id)
        units = s.execute(
            select(Unit.call_sign, func.count(Dispatch.id)).join(Unit, Unit.id == Dispatch.unit_id)
            .where(Dispatch.incident_id.in_(in_scope))
            .group_by(Unit.call_sign).order_by(func.count(Dispatch.id).desc(), Unit.call_sign)
        ).all()
        officers: Counter[str] = Counter()
        for (text,) in s.execute(select(Dispatch.officers).where(Dispatch.incident_id.in_(in_scope))):
            for name in (text or "").replace(",", "、").replace("，", "、").split("、"):
                if name.strip():
                    officers[name.strip()] += 1
        kept, late, away = duty_keeping_counts(s, scope.station_ids, scope.start, scope.end)
    cats = by_code()
    total = sum(tops.values())
    by_category = tuple(
        CategoryFigure(code, cats[code].name_zh if code in cats else code, n,
                       Comparison(n, year_before[code]), Comparison(n, previous[code]),
                       cats[code].name_en if code in cats else code)
        for code, n in sorted(tops.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    repeats = [RepeatGroup("caller", mask_phone(k), len(v), tuple(v)) for k, v in by_caller.items() if len(v) > 1]
    repeats += [RepeatGroup("place", k, len(v), tuple(v)) for k, v in by_place.items() if len(v) > 1]
    repeats.sort(key=lambda g: (-g.count, g.kind, g.key))
    return Statistics(
        period=period,
        station_names=names,
        profile_name=profile.name_zh,
        total=Comparison(total, sum(year_before.values())),
        total_previous=Comparison(total, sum(previous.values())),
        by_day=tuple(sorted(days.items())),
        by_hour=tuple(hours),
        by_category=by_category,
        compliance=Compliance.of("合计", total_tally, profile),
        compliance_by_day=tuple(Compliance.of(d.isoformat(), day_tally[d], profile) for d in sorted(days)),
        units=tuple((u, int(n)) for u, n in units),
        officers=tuple(officers.most_common()),
        repeat_flags=tuple((k, flags[k]) for k in ("caller", "place", "matter")),
        repeats=tuple(repeats[:top_repeats]),
        duties_kept=kept,
        duties_late=late,
        duties_away=away,
        profile_name_en=profile.name_en,
    )


__all__ = ["Comparison", "Compliance", "Statistics", "incident_statistics", "local_day"]
