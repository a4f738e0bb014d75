"""1-3-5 快速反应达标台账: response compliance per incident, with totals by day, category,
district and unit.

The target columns follow the station's response profile (domain.response): a time column and
a verdict column per target. With the default profile (tiers of force) they are 1分钟出警,
3分钟到场 and 5分钟增援, as documented in COLUMNS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.response import DEFAULT_PROFILE, ResponseProfile
from ...storage.models import Dispatch, Incident
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import count, scoped, stream
from .lookups import PRIORITY_ZH, Lookups
from .periods import local_day
from .response_rules import STATE_ZH, Tally, judge, profile_for

C, K = Column, Kind


def incident_columns(profile: ResponseProfile) -> tuple[Column, ...]:
    target_cols: list[Column] = []
    for t in profile.targets:
        target_cols.append(C(f"{t.label_zh}用时", K.DURATION, 12, total="mean",
                             doc=f"receipt to {t.milestone}; the totals row shows the mean"))
        target_cols.append(C(t.label_zh, width=max(10, len(t.label_zh) * 2 + 2),
                             doc="达标 / 超时 / 不适用 / 进行中"))
    return (
        C("警情编号", width=20),
        C("接警时间", K.DATETIME, 20),
        C("警情类别", width=10),
        C("警情类型", width=12),
        C("优先级", width=8),
        C("警务区", width=14),
        C("首派单位", width=12),
        C("需增援", width=8),
        *target_cols,
        C("全部达标", K.INT, 9, total="sum", doc="1 when every applicable target was met"),
    )


def summary_columns(profile: ResponseProfile) -> tuple[Column, ...]:
    cols = [C("分组", width=18), C("警情数", K.INT, 9),
            C("已判定", K.INT, 9, doc="incidents whose timers have all stopped")]
    for t in profile.targets:
        cols += [C(f"{t.label_zh}达标", K.INT, 12), C(f"{t.label_zh}达标率", K.PERCENT, 14),
                 C(f"平均{t.label_zh}用时", K.DURATION, 14)]
    cols.append(C("全部达标率", K.PERCENT, 11))
    return tuple(cols)


COLUMNS = incident_columns(DEFAULT_PROFILE)


def _row(label: str, t: Tally) -> tuple[Any, ...]:
    out: list[Any] = [label, t.incidents, t.decided]
    for tt in t.per_target:
        out += [tt.met, tt.rate, tt.mean_s]
    out.append(t.all_met_rate)
    return tuple(out)


class _Groups:
    """Tallies filled while the per-incident sheet streams, read by the summary sheets after it."""

    def __init__(self, targets: int) -> None:
        self.total = Tally(targets)
        self.by: dict[str, dict[Any, Tally]] = {
            k: defaultdict(lambda: Tally(targets)) for k in ("day", "category", "district", "unit")}


def _first_units(s: Session, scope: Scope, lk: Lookups) -> dict[int, str]:
    """Incident id -> call sign of the first unit dispatched (one query, ids only)."""
    inc = scoped(select(Incident.id), Incident, Incident.received_at, scope, Incident.grid_id)
    first: dict[int, str] = {}
    rows = s.execute(
        select(Dispatch.incident_id, Dispatch.unit_id).where(Dispatch.incident_id.in_(inc))
        .order_by(Dispatch.incident_id, Dispatch.dispatched_at, Dispatch.id)
    )
    for incident_id, unit_id in rows:
        first.setdefault(incident_id, lk.units.get(unit_id, ""))
    return first


def judged_rows(s: Session, scope: Scope) -> Any:
    """The columns judge() needs, for a scope (shared with the statistics)."""
    i = Incident
    return scoped(
        select(i.id, i.number, i.received_at, i.category_code, i.priority, i.grid_id,
               i.place_tier, i.needs_reinforcement, i.dispatched_at, i.signed_at, i.set_off_at,
               i.arrived_at, i.reinforcement_arrived_at, i.handled_at, i.fed_back_at, i.closed_at,
               i.first_handled_at, i.first_fed_back_at, i.first_closed_at),
        i, i.received_at, scope, i.grid_id,
    ).order_by(i.received_at, i.id)


def _rows(s: Session, scope: Scope, lk: Lookups, profile: ResponseProfile,
          g: _Groups) -> Iterator[tuple[Any, ...]]:
    first = _first_units(s, scope, lk)
    for r in stream(s, judged_rows(s, scope)):
        j = judge(profile, r, lk.now)
        l1, l2, _ = lk.category_levels(r.category_code)
        district = lk.district_name(r.grid_id) or "（未定位）"
        unit = first.get(r.id, "")
        g.total.add(j)
        g.by["day"][local_day(r.received_at)].add(j)
        g.by["category"][l1 or r.category_code].add(j)
        g.by["district"][district].add(j)
        g.by["unit"][unit or "（未派警）"].add(j)
        targets: list[Any] = []
        for state, secs in zip(j.states, j.elapsed_s, strict=True):
            targets += [secs, STATE_ZH[state]]
        yield (r.number, r.received_at, l1, l2, PRIORITY_ZH.get(r.priority, r.priority), district,
               unit, "是" if r.needs_reinforcement else "否", *targets, int(j.all_met))


def _summary(g: _Groups, key: str) -> Iterator[tuple[Any, ...]]:
    groups = g.by[key]
    for label in sorted(groups, key=lambda k: k.isoformat() if key == "day" else str(k)):
        yield _row(label.isoformat() if key == "day" else str(label), groups[label])
    yield _row("合计", g.total)


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    profile = profile_for(s, scope.station_ids)
    n = count(s, Incident, Incident.received_at, scope, Incident.grid_id)
    g = _Groups(len(profile.targets))
    sheets = [Sheet("逐警情", f"快速反应达标台账（{profile.name_zh}，逐警情）",
                    incident_columns(profile), _rows(s, scope, lk, profile, g), n,
                    name_en="Per incident",
                    title_en=f"1-3-5 response compliance ({profile.name_en}, per incident)")]
    for key, name, name_en in (("day", "按日", "By day"), ("category", "按类别", "By category"),
                               ("district", "按警务区", "By district"), ("unit", "按处警单位", "By unit")):
        sheets.append(Sheet(name, f"快速反应达标统计（{name}）", summary_columns(profile),
                            _summary(g, key), None, totals=False, total_label="合计", name_en=name_en,
                            title_en=f"1-3-5 response compliance, {name_en.lower()}"))
    return sheets


LEDGER = LedgerDef(
    "response", "1-3-5快速反应达标台账",
    "response targets per incident on the station's profile, with totals by day, category, "
    "district and unit",
    COLUMNS, build, title_en="1-3-5 response compliance ledger",
)
