"""The patrol order sheet (巡逻勤务派班单) of a plan: who goes where, with whom and at what times,
read out at the shift's briefing and handed to each team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain.errors import NotFound
from ..storage.models import (
    Officer,
    OfficerAbsence,
    PatrolPlan,
    RosterEntry,
    Shift,
    Station,
    Unit,
    User,
)
from .allocation import POINT_KIND_ZH, get_plan
from .allocation_problem import ON_DUTY
from .context import ServiceContext, service_action
from .units import UNIT_KINDS, crews_now

# Why a rostered crew member is not in the car, as the sheet says it beside the crew.
AWAY_ZH = {"leave": "休假", "training": "培训", "off_roll": "不在册"}


@dataclass(frozen=True)
class SheetRow:
    call_sign: str
    kind: str  # 巡逻车, 摩托…
    crew: str  # "张伟、李强"; empty when nobody is rostered in it
    point: str
    point_kind: str  # 警务站, 必巡点…
    duties: str  # its timed duties, "07:00-08:30 城关实验小学护学岗（早）" (▲ a clash)


@dataclass(frozen=True)
class PatrolSheet:
    station_name: str
    plan_id: int
    shift_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    decided_by: str
    decided_at: datetime | None
    note: str
    once_share: float
    twice_share: float
    expected_incidents: float
    rows: tuple[SheetRow, ...]


@service_action("read")
def patrol_sheet(ctx: ServiceContext, plan_id: int) -> PatrolSheet:
    """A plan as the sheet prints it; the crews are the roster's for the plan's shift (for a plan
    without a shift, those on duty as it starts)."""
    plan = get_plan(ctx, plan_id)
    duties: dict[int, list[str]] = {}
    for v in plan.visits:
        duties.setdefault(v.unit_id, []).append(v.text())
    with ctx.read() as s:
        stored = s.get(PatrolPlan, plan_id)
        if stored is None or stored.station_id != ctx.station_id:
            raise NotFound(f"plan {plan_id} does not exist")
        station = s.get(Station, ctx.station_id)
        kinds = dict(s.execute(select(Unit.id, Unit.kind).where(Unit.station_id == ctx.station_id)).all())
        crews: dict[int, list[str]] = {}
        away: dict[int, list[str]] = {}
        if plan.shift_id is not None and s.get(Shift, plan.shift_id) is not None:
            # The plan left out a unit whose whole crew is away; the sheet read at the briefing
            # must not name an officer on leave as in the car either, but says who is missing.
            absent = dict(s.execute(select(OfficerAbsence.officer_id, OfficerAbsence.kind).where(
                OfficerAbsence.station_id == ctx.station_id,
                OfficerAbsence.starts_at < plan.ends_at,
                OfficerAbsence.ends_at > plan.starts_at)).all())
            for uid, oid, name, active in s.execute(
                    select(RosterEntry.unit_id, Officer.id, Officer.name, Officer.active)
                    .join(Officer, Officer.id == RosterEntry.officer_id)
                    .where(RosterEntry.shift_id == plan.shift_id, RosterEntry.unit_id.is_not(None),
                           RosterEntry.duty.in_(ON_DUTY))
                    .order_by(Officer.kind.desc(), Officer.name)):  # officers before auxiliaries
                if uid is None:
                    continue
                why = "off_roll" if not active else absent.get(oid)
                if why is None:
                    crews.setdefault(uid, []).append(name)
                else:
                    away.setdefault(uid, []).append(f"{name} {AWAY_ZH.get(why, why)}")
        else:
            crews = {uid: [m.name for m in members] for uid, members in
                     crews_now(s, ctx.station_id, plan.starts_at + timedelta(minutes=1)).items()}
        point_kinds = {str(c[0]): str(c[2]) for c in (stored.figures or {}).get("candidates", [])}
        # The plan keeps the login; the printed sheet is signed off by a person, as the handover is.
        decided_by = s.scalar(select(User.display_name).where(User.username == plan.decided_by)) \
            if plan.decided_by else None
    rows = tuple(SheetRow(
        a["call_sign"], UNIT_KINDS.get(kinds.get(int(a["unit_id"]), ""), ""),
        _crew_text(crews.get(int(a["unit_id"]), []), away.get(int(a["unit_id"]), [])), a["point_name"],
        POINT_KIND_ZH.get(point_kinds.get(a["point_key"], ""), ""),
        "；".join(duties.get(int(a["unit_id"]), [])))
        for a in sorted(plan.assignments, key=lambda a: a["call_sign"]))
    return PatrolSheet(station.name if station else "", plan.id, plan.shift_name, plan.starts_at,
                       plan.ends_at, plan.status, decided_by or plan.decided_by, plan.decided_at, plan.note,
                       plan.once_share, plan.twice_share, float(plan.figures.get("total_demand", 0.0)),
                       rows)


def _crew_text(present: list[str], away: list[str]) -> str:
    """"朱龙、马辉（张鹏雪 休假）": who is in the car, then who is rostered but not there."""
    return "、".join(present) + (f"（{'、'.join(away)}）" if away else "")


__all__ = ["PatrolSheet", "SheetRow", "patrol_sheet"]
