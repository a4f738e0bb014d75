"""警情台账: the incident ledger, one row per incident received in the period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...storage.models import Dispatch, Incident, Unit
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import count, scoped, stream
from .lookups import PRIORITY_ZH, STATUS_ZH, Lookups, channel_zh

C, K = Column, Kind
COLUMNS = (
    C("警情编号", width=20, doc="incident number"),
    C("接警时间", K.DATETIME, 20, doc="when the call was received (China time)"),
    C("报警方式", width=10, doc="channel: 110, 122, 119, walk-in, phone, video alert, patrol"),
    C("报警人", width=10, doc="caller name"),
    C("联系电话", K.PHONE, 14, doc="caller phone, masked 138****5678 unless unmasked"),
    C("身份证号", K.ID_NUMBER, 21, doc="caller ID number, masked unless unmasked"),
    C("发生地址", width=30, wrap=True, free_text=True, doc="address"),
    C("经度", K.COORD, 12, doc="longitude (WGS84)"),
    C("纬度", K.COORD, 11, doc="latitude (WGS84)"),
    C("警务区", width=14, doc="police district (level-1 grid)"),
    C("所属网格", width=16, doc="finest grid containing the place"),
    C("警情类别", width=10, doc="category, level 1"),
    C("警情类型", width=12, doc="category, level 2"),
    C("警情细类", width=14, doc="category, level 3"),
    C("优先级", width=8, doc="紧急 / 一般 / 普通"),
    C("简要警情", width=40, wrap=True, free_text=True, doc="what the caller reported"),
    C("接警人", width=10, doc="call-taker"),
    C("处警单位", width=16, doc="units dispatched"),
    C("处警民警", width=18, wrap=True, doc="officers of the dispatched units"),
    C("派警时间", K.DATETIME, 20),
    C("签收时间", K.DATETIME, 20),
    C("出警时间", K.DATETIME, 20),
    C("到场时间", K.DATETIME, 20),
    C("增援到场时间", K.DATETIME, 20),
    C("处置完毕时间", K.DATETIME, 20),
    C("反馈时间", K.DATETIME, 20),
    C("归档时间", K.DATETIME, 20),
    C("到场用时", K.DURATION, 11, total="mean", doc="arrival minus call; the totals row shows the mean"),
    C("出动车辆", K.INT, 9, total="sum"),
    C("出动辅警", K.INT, 9, total="sum"),
    C("处置情况", width=30, wrap=True, free_text=True, doc="handling summary"),
    C("处置结果", width=12),
    C("救助人数", K.INT, 9, total="sum"),
    C("受伤人数", K.INT, 9, total="sum"),
    C("抓获人数", K.INT, 9, total="sum"),
    C("移交单位", width=14, doc="transferred to"),
    C("重复警情", width=14, doc="一人多警 / 一地多警 / 一事多警 flags"),
    C("状态", width=10, doc="life-cycle state"),
)


def _per_incident(expr: Any) -> Any:
    """One figure of the incident's dispatches, looked up per row through the incident_id index.

    A correlated lookup rather than a join on a grouped subquery: on a freshly loaded database
    (statistics not yet gathered) PostgreSQL plans that join as a nested loop that regroups every
    dispatch for every incident, which turns a one-minute export into hours.
    """
    return (
        select(expr).select_from(Dispatch).join(Unit, Unit.id == Dispatch.unit_id)
        .where(Dispatch.incident_id == Incident.id).correlate(Incident).scalar_subquery()
    )


def _rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    i = Incident
    stmt = scoped(
        select(
            i.number, i.received_at, i.channel, i.caller_name, i.caller_phone, i.caller_id_number,
            i.address, i.lon, i.lat, i.grid_id, i.category_code, i.priority, i.content,
            i.call_taker_id,
            _per_incident(func.aggregate_strings(Unit.call_sign, "、")),
            _per_incident(func.aggregate_strings(func.nullif(Dispatch.officers, ""), "、")),
            i.dispatched_at, i.signed_at, i.set_off_at,
            i.arrived_at, i.reinforcement_arrived_at, i.handled_at, i.fed_back_at, i.closed_at,
            _per_incident(func.sum(Dispatch.vehicles)), _per_incident(func.sum(Dispatch.auxiliaries)),
            i.handling_summary, i.result, i.people_rescued,
            i.people_injured, i.people_arrested, i.transferred_to, i.repeat_caller,
            i.repeat_place, i.repeat_matter, i.status,
        ),
        i, i.received_at, scope, i.grid_id,
    ).order_by(i.received_at, i.id)
    grids, users = lk.grids, lk.users
    for r in stream(s, stmt):
        (number, received, channel, name, phone, idno, address, lon, lat, grid_id, code, prio,
         content, taker, units, officers, dispatched, signed, set_off, arrived, reinf, handled,
         fed_back, closed, vehicles, aux, summary, result, rescued, injured, arrested,
         transferred, rep_caller, rep_place, rep_matter, status) = r
        l1, l2, l3 = lk.category_levels(code)
        repeats = "、".join(
            label for flag, label in ((rep_caller, "一人多警"), (rep_place, "一地多警"),
                                      (rep_matter, "一事多警")) if flag
        )
        yield (
            number, received, channel_zh(channel), name, phone, idno, address, lon, lat,
            lk.district_name(grid_id), grids[grid_id][0] if grid_id in grids else "",
            l1, l2, l3, PRIORITY_ZH.get(prio, prio), content, users.get(taker, "") if taker else "",
            units, officers, dispatched, signed, set_off, arrived, reinf, handled, fed_back,
            closed, (arrived - received).total_seconds() if arrived else None,
            vehicles, aux, summary, result, rescued, injured, arrested, transferred, repeats,
            STATUS_ZH.get(status, status),
        )


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    n = count(s, Incident, Incident.received_at, scope, Incident.grid_id)
    return [Sheet("警情台账", "警情台账", COLUMNS, _rows(s, scope, lk), n,
                  name_en="Incidents", title_en="Incident ledger")]


LEDGER = LedgerDef(
    "incidents", "警情台账", "every incident received in the period, with its life-cycle times",
    COLUMNS, build, title_en="Incident ledger",
)
