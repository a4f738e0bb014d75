"""勤务台账: the duty (roster) ledger, one row per officer on a shift that starts in the period,
and beside it the move-up orders (补位记录) the duty officers gave in the period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage.models import MoveUpOrder, Officer, PatrolPlan, RosterEntry, Shift, User
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import scoped, stream
from .lookups import DUTY_ZH, OFFICER_KIND_ZH, Lookups
from .periods import local_day

C, K = Column, Kind
COLUMNS = (
    C("日期", K.DATE, 12),
    C("班次", width=14),
    C("班组", width=8),
    C("开始时间", K.DATETIME, 20),
    C("结束时间", K.DATETIME, 20),
    C("时长", K.DURATION, 10, total="sum"),
    C("警号", width=10),
    C("姓名", width=10),
    C("人员类别", width=9),
    C("勤务", width=8),
    C("所在单位", width=12),
    C("警务站", width=16),
    C("联系电话", K.PHONE, 14),
    C("备注", width=24, wrap=True, free_text=True),
)


def _stmt(scope: Scope) -> Any:
    return scoped(
        select(Shift.starts_at, Shift.name, Shift.team, Shift.ends_at, Officer.badge, Officer.name,
               Officer.kind, RosterEntry.duty, RosterEntry.unit_id, RosterEntry.post_id,
               Officer.phone, RosterEntry.note)
        .select_from(RosterEntry)
        .join(Shift, Shift.id == RosterEntry.shift_id)
        .join(Officer, Officer.id == RosterEntry.officer_id),
        RosterEntry, Shift.starts_at, scope,
    ).order_by(Shift.starts_at, Shift.id, Officer.badge)


def _rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    for (starts, shift, team, ends, badge, name, kind, duty, unit, post, phone,
         note) in stream(s, _stmt(scope)):
        yield (
            local_day(starts), shift, team, starts, ends, (ends - starts).total_seconds(), badge,
            name, OFFICER_KIND_ZH.get(kind, kind), DUTY_ZH.get(duty, duty),
            lk.units.get(unit, "") if unit else "", lk.posts.get(post, "") if post else "",
            phone, note,
        )


MOVE_UP_COLUMNS = (
    C("日期", K.DATE, 12),
    C("下达时间", K.DATETIME, 20),
    C("警组", width=10),
    C("指令", width=8),
    C("点位", width=24, wrap=True),
    C("方案点位", width=24, wrap=True),
    C("方案编号", K.INT, 9),
    C("下达人", width=12),
    C("下达时3分钟覆盖", K.PERCENT, 15),
    C("补位后3分钟覆盖", K.PERCENT, 15),
)


def _move_up_rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    """One row per order; the plan's own point of the unit read from its plan, once per plan."""
    own: dict[int, dict[int, str]] = {}
    names: dict[str, str] = {u: d for u, d in s.execute(select(User.username, User.display_name))}
    stmt = scoped(select(MoveUpOrder), MoveUpOrder, MoveUpOrder.ordered_at, scope).order_by(
        MoveUpOrder.ordered_at, MoveUpOrder.id)
    for m in s.scalars(stmt):
        if m.plan_id not in own:
            assignments = s.scalar(select(PatrolPlan.assignments).where(PatrolPlan.id == m.plan_id)) or []
            own[m.plan_id] = {int(a["unit_id"]): str(a["point_name"]) for a in assignments}
        yield (
            local_day(m.ordered_at), m.ordered_at, lk.units.get(m.unit_id, ""),
            "归位" if m.back else "补位", m.point_name, own[m.plan_id].get(m.unit_id, ""), m.plan_id,
            names.get(m.ordered_by) or m.ordered_by, m.cover_before, m.cover_after,
        )


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    return [Sheet("勤务台账", "勤务台账", COLUMNS, _rows(s, scope, lk), None,
                  name_en="Duty roster", title_en="Duty roster ledger"),
            Sheet("补位记录", "补位调度记录", MOVE_UP_COLUMNS, _move_up_rows(s, scope, lk), None,
                  totals=False, name_en="Move-ups", title_en="Move-up orders")]


# Desk, standby, leave and most crews belong to no district: the roster is the whole station's.
# The description says what the second sheet holds: `export --list` lists the first sheet's columns only.
LEDGER = LedgerDef("duty", "勤务台账",
                   "who was on which shift, unit or post, day by day; on a sheet of its own (补位记录), "
                   "each move-up order (补位) and sending back (归位): when, which unit, to which point "
                   "from the plan's own, by whom, the 3-minute cover before and after",
                   COLUMNS, build, by_district=False, title_en="Duty roster ledger")
