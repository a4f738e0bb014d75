"""巡逻台账: the patrol ledger, one row per patrol that started in the period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage.models import PatrolLog, PatrolZone
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import count, scoped, stream
from .lookups import Lookups
from .periods import local_day

C, K = Column, Kind
COLUMNS = (
    C("巡逻日期", K.DATE, 12),
    C("开始时间", K.DATETIME, 20),
    C("结束时间", K.DATETIME, 20),
    C("巡逻时长", K.DURATION, 11, total="sum"),
    C("巡区", width=16),
    C("巡逻路线", width=30, wrap=True),
    C("巡逻单位", width=12),
    C("巡逻人员", width=20, wrap=True),
    C("盘查人员", K.INT, 9, total="sum"),
    C("盘查车辆", K.INT, 9, total="sum"),
    C("定点守候", K.INT, 9, total="sum"),
    C("现场抓获", K.INT, 9, total="sum"),
    C("巡逻成效", width=36, wrap=True, free_text=True),
)


def _rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    p = PatrolLog
    stmt = scoped(
        select(p.starts_at, p.ends_at, PatrolZone.name, p.route, p.unit_id, p.officers,
               p.people_checked, p.vehicles_checked, p.stakeouts, p.arrests, p.result)
        .outerjoin(PatrolZone, PatrolZone.id == p.zone_id),
        p, p.starts_at, scope,
    ).order_by(p.starts_at, p.id)
    for starts, ends, zone, route, unit, officers, people, vehicles, stake, arrests, result in stream(s, stmt):
        yield (
            local_day(starts), starts, ends, (ends - starts).total_seconds(), zone or "", route,
            lk.units.get(unit, "") if unit else "", officers, people, vehicles, stake, arrests,
            result,
        )


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    n = count(s, PatrolLog, PatrolLog.starts_at, scope)
    return [Sheet("巡逻台账", "巡逻台账", COLUMNS, _rows(s, scope, lk), n,
                  name_en="Patrols", title_en="Patrol ledger")]


# Patrol zones are drawn apart from the grids and a patrol crosses district lines: the patrol
# ledger is the whole station's and is never narrowed to one district.
LEDGER = LedgerDef("patrol", "巡逻台账", "every patrol that started in the period and its results",
                   COLUMNS, build, by_district=False, title_en="Patrol ledger")
