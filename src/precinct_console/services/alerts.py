"""Response-target alerts: raised once per incident, target and level; acknowledged and audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..domain.clock import CHINA_TZ, local
from ..domain.errors import ValidationError
from ..domain.response import TimerState, evaluate
from ..storage.models import Alert, DutyCheck, Incident, Task, Unit, User
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action
from .incidents.profile import profile_in
from .incidents.views import category_names, facts_of

# Serialises raising alerts per station (UnitOfWork.lock_station): two seats checking at the
# same second must not both raise the same alert (the unique constraint does not hold with NULL
# task ids).
ALERT_LOCK = 0x414C5254  # "ALRT"

LEVEL_OF = {TimerState.NEAR: "near", TimerState.BREACHED: "breach"}
TIMER_COLUMNS = (
    Incident.id, Incident.received_at, Incident.category_code, Incident.priority,
    Incident.place_tier, Incident.needs_reinforcement, Incident.dispatched_at, Incident.signed_at,
    Incident.set_off_at, Incident.arrived_at, Incident.reinforcement_arrived_at,
    Incident.handled_at, Incident.fed_back_at, Incident.closed_at, Incident.first_handled_at,
    Incident.first_fed_back_at, Incident.first_closed_at,
)


@dataclass(frozen=True)
class AlertView:
    id: int
    incident_id: int | None
    incident_number: str
    category_name: str
    address: str
    target: str
    target_label: str
    level: str  # near | breach
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str
    task_id: int | None = None
    # A unit's timed duty (its call sign is the number): due to set out (near), by leave_by, or
    # not there (breach) since due_at.
    unit_id: int | None = None
    leave_by: datetime | None = None
    due_at: datetime | None = None

    @property
    def ordered_late(self) -> bool:
        """See duty_ordered_late."""
        return duty_ordered_late(self)

    @property
    def there_by(self) -> datetime | None:
        """See duty_there_by."""
        return duty_there_by(self)


class _DutyAlert(Protocol):
    """An Alert row or its view: what a timed duty's texts are worked out from."""

    @property
    def level(self) -> str: ...
    @property
    def leave_by(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime | None: ...


def duty_ordered_late(a: _DutyAlert) -> bool:
    """A timed duty's alert for a crew ordered to it once under way (services.duty_alerts): its
    leave_by, after the stretch's start, is the order's time (a reminder: set out at once) or
    when the crew could be there after it (a breach)."""
    return a.leave_by is not None and a.due_at is not None and a.leave_by > a.due_at


def duty_there_by(a: _DutyAlert) -> datetime | None:
    """When a timed duty's crew was to be there: the stretch's start, or for one ordered once
    under way, the order's time plus its drive."""
    return a.leave_by if a.level == "breach" and duty_ordered_late(a) else a.due_at


# How a breach of a duty ordered once under way says what it was judged from: the order's time
# plus the drive, not the window's start.
ORDERED_LATE = "按接令加车程"

TASK_TARGET_LABELS = {
    "task_sign": "派单签收",
    "task_feedback": "派单反馈",
    "task_rework": "退回重办反馈",
    "task_revisit": "回访",
}


def alert_views(session, alerts: list[Alert], station_id: int) -> list[AlertView]:  # type: ignore[no-untyped-def]
    """The alerts as the list shows them: an incident's, a task's or a unit's, each named."""
    if not alerts:
        return []
    names = category_names(session)
    profile = profile_in(session, station_id)
    labels = {t.key: t.label_zh for t in profile.targets}
    incs = {i.id: i for i in session.scalars(
        select(Incident).where(Incident.id.in_({a.incident_id for a in alerts if a.incident_id}))
    )}
    tasks = {t.id: t for t in session.scalars(
        select(Task).where(Task.id.in_({a.task_id for a in alerts if a.task_id}))
    )}
    units = {u.id: u for u in session.scalars(select(Unit).where(
        Unit.id.in_({a.unit_id for a in alerts if a.unit_id})))}
    busy_on = dict(session.execute(select(Incident.id, Incident.number).where(
        Incident.id.in_({u.current_incident_id for u in units.values() if u.current_incident_id}))
    ).all()) if any(u.current_incident_id for u in units.values()) else {}
    # How far off its duty a unit was found (the breach's check): the duty officer's first
    # question before calling the crew.
    breached = [a for a in alerts if a.unit_id is not None and a.level == "breach"]
    off_by = {(c.unit_id, c.due_at): c for c in session.scalars(select(DutyCheck).where(
        DutyCheck.unit_id.in_({a.unit_id for a in breached}),
        DutyCheck.due_at.in_({a.due_at for a in breached if a.due_at}),
        DutyCheck.verdict.in_(("away", "late"))))} if breached else {}
    users = {u.id: u.display_name for u in session.scalars(
        select(User).where(User.id.in_({a.acknowledged_by for a in alerts if a.acknowledged_by}))
    )}
    out = []
    for a in alerts:
        task = tasks.get(a.task_id or 0)
        if task is not None:  # an overdue follow-up task: named by its number and title
            out.append(AlertView(
                a.id, None, task.number, task.title, "", a.target,
                TASK_TARGET_LABELS.get(a.target, a.target), a.level, a.raised_at, a.acknowledged_at,
                users.get(a.acknowledged_by or 0, ""), task_id=task.id,
            ))
            continue
        if a.unit_id is not None:  # a timed duty: "巡逻一组 07:52前出发 08:00-08:30 实验小学"
            unit = units.get(a.unit_id)
            # A crew still on a call cannot leave: the duty officer sees why at once.
            busy = f"正在处置 {busy_on[unit.current_incident_id]}" \
                if unit is not None and unit.current_incident_id in busy_on else ""
            # Ordered once the duty was under way: its leave_by is the order's time (a
            # reminder) or when the crew could be there after it (a breach).
            late_order, there_by = duty_ordered_late(a), duty_there_by(a)
            check = off_by.get((a.unit_id, a.due_at)) if a.level == "breach" else None
            off = "" if check is None else duty_check_text(
                check.distance_m, check.verdict, check.seen_at, there_by, check.source)
            busy = "，".join(t for t in (off, busy) if t)
            if a.level == "breach" and late_order and there_by is not None:
                label = f"{local(there_by):%H:%M}应到岗（{ORDERED_LATE}）"  # 07:46应到岗（按接令加车程）
            elif a.level == "breach":  # not there ARRIVAL_GRACE into the duty: "08:00应到岗"
                label = f"{local(a.due_at):%H:%M}应到岗" if a.due_at else "未到岗"
            elif late_order:  # ordered once under way: "立即出发"
                label = "立即出发"
            else:  # due to set out: "07:52前出发"
                label = f"{local(a.leave_by):%H:%M}前出发" if a.leave_by else "出发"
            out.append(AlertView(
                a.id, None, unit.call_sign if unit else "", a.subject, busy, a.target, label,
                a.level, a.raised_at, a.acknowledged_at, users.get(a.acknowledged_by or 0, ""),
                unit_id=a.unit_id, leave_by=a.leave_by, due_at=a.due_at,
            ))
            continue
        inc = incs.get(a.incident_id or 0)
        out.append(AlertView(
            a.id, a.incident_id, inc.number if inc else "",
            names.get(inc.category_code, ("", ""))[0] if inc else "", inc.address if inc else "",
            a.target, labels.get(a.target, a.target), a.level, a.raised_at, a.acknowledged_at,
            users.get(a.acknowledged_by or 0, ""),
        ))
    return out


def duty_check_text(distance_m: float | None, verdict: str | None, seen_at: datetime | None,
                    due_at: datetime | None, source: str | None = "position") -> str:
    """A breached duty as its check stands: how far off the crew was found (or that a roll call
    found it away), and, once it has turned up after all, when and how late
    ("离岗 1.7 公里，16:57 到岗，迟到 27 分钟")."""
    off = off_duty_text(distance_m) or ("点名核实不在岗" if source == "roll_call" else "")
    if verdict != "late" or seen_at is None or due_at is None:
        return off
    late = max(0, int((seen_at - due_at).total_seconds() // 60))
    return "，".join(t for t in (off, f"{local(seen_at):%H:%M} 到岗，迟到 {late} 分钟") if t)


def off_duty_text(distance_m: float | None) -> str:
    """How far from its duty a unit was found: "离岗 650 米", "离岗 2.1 公里"; "" if unknown."""
    if distance_m is None:
        return ""
    if distance_m < 1000:
        return f"离岗 {round(distance_m, -1):.0f} 米"
    return f"离岗 {distance_m / 1000:.1f} 公里"


def record_raised(uow: UnitOfWork, raised: list[Alert], station_id: int,
                  facts: Callable[[Alert], dict[str, Any]]) -> list[AlertView]:
    """Write newly raised alerts, each audited (with `facts`, what it is about) and announced to
    the other seats, and commit; the alerts as the list shows them."""
    if not raised:
        return []
    stage_raised(uow, raised, facts)
    uow.commit()
    return alert_views(uow.session, raised, station_id)


def stage_raised(uow: UnitOfWork, raised: list[Alert], facts: Callable[[Alert], dict[str, Any]]
                 ) -> None:
    """Add newly raised alerts to the unit of work, audited and announced, for its commit."""
    # One flush for all of them (a seat coming back after a pause may raise hundreds).
    uow.session.add_all(raised)
    uow.flush()
    for a in raised:
        uow.audit("alert.raise", "alert", a.id, None,
                  {**facts(a), "target": a.target, "level": a.level})
        uow.changed("alert", a.id, "created")


@service_action("alert.evaluate")
def evaluate_alerts(ctx: ServiceContext, now: datetime | None = None) -> list[AlertView]:
    """Raise an alert for every open incident's timer that turned near or breached since the last
    check. Idempotent: returns only alerts raised by this call (each seat may run it)."""
    now = now or ctx.clock()
    with ctx.uow() as uow:
        s = uow.session
        uow.lock_station(ALERT_LOCK, ctx.station_id)
        profile = profile_in(s, ctx.station_id)
        # Only the columns the timers read: no ORM objects for a thousand open incidents.
        open_incs = [i for i in s.execute(select(*TIMER_COLUMNS).where(
            Incident.station_id == ctx.station_id, Incident.closed_at.is_(None),
        )) if i.received_at <= now]
        if not open_incs:
            return []
        have = {
            (a.incident_id, a.target, a.level)
            for a in s.execute(select(Alert.incident_id, Alert.target, Alert.level).where(
                Alert.station_id == ctx.station_id,
                Alert.incident_id.in_([i.id for i in open_incs]),
            ))
        }
        raised: list[Alert] = []
        for inc in open_incs:
            for timer in evaluate(profile, facts_of(inc), now):
                level = LEVEL_OF.get(timer.state)
                if level is None or (inc.id, timer.key, level) in have:
                    continue
                # A breach found without a near alert (the seat was off) raises only the breach.
                raised.append(Alert(station_id=ctx.station_id, incident_id=inc.id,
                                    target=timer.key, level=level, raised_at=now))
        return record_raised(uow, raised, ctx.station_id,
                             lambda a: {"incident_id": a.incident_id})


@service_action("read")
def list_alerts(ctx: ServiceContext, *, unacknowledged: bool = True,
                limit: int | None = None) -> list[AlertView]:
    """Alerts newest first (by default those still waiting for acknowledgement: all of them,
    however many a surge raised; of all alerts, the newest 200 unless `limit` says).

    Waiting, a near alert whose timer has since breached is left out: the breach says more,
    and acknowledging it acknowledges the near one too (acknowledge_alert)."""
    if limit is None and not unacknowledged:
        limit = 200
    with ctx.read() as s:
        q = select(Alert).where(Alert.station_id == ctx.station_id)
        if unacknowledged:
            q = q.where(Alert.acknowledged_at.is_(None))
        q = q.order_by(Alert.raised_at.desc(), Alert.id.desc())
        alerts = list(s.scalars(q if limit is None else q.limit(limit)))
        if unacknowledged:
            breached = _breached_timers(s, ctx.station_id, alerts)
            alerts = [a for a in alerts if not (a.level == "near" and timer_of(a) in breached)]
        return alert_views(s, alerts, ctx.station_id)


def timer_of(a: Alert | AlertView) -> tuple[Any, ...]:
    """What an alert is about: its incident, task or unit's duty, the target and the time due."""
    return (a.incident_id, a.task_id, a.unit_id, a.target, a.due_at)


def _breached_timers(s: Session, station_id: int, alerts: list[Alert]) -> set[tuple[Any, ...]]:
    """The timers of these near alerts that have a breach alert waiting too (an acknowledged
    breach hides nothing: a near alert left from before would otherwise never show again)."""
    near = [a for a in alerts if a.level == "near"]
    if not near:
        return set()
    subject = or_(Alert.incident_id.in_({a.incident_id for a in near if a.incident_id is not None}),
                  Alert.task_id.in_({a.task_id for a in near if a.task_id is not None}),
                  Alert.unit_id.in_({a.unit_id for a in near if a.unit_id is not None}))
    return {timer_of(b) for b in s.scalars(select(Alert).where(
        Alert.station_id == station_id, Alert.level == "breach", Alert.acknowledged_at.is_(None),
        Alert.target.in_({a.target for a in near}), subject))}


@service_action("alert.acknowledge")
def acknowledge_alert(ctx: ServiceContext, alert_id: int) -> AlertView:
    """Acknowledge an alert (audited with who, where and when); twice is refused."""
    with ctx.uow() as uow:
        alert = uow.get(Alert, alert_id, lock=True)  # two seats pressing at once: one wins
        if alert.acknowledged_at is not None:
            who = uow.session.get(User, alert.acknowledged_by) if alert.acknowledged_by else None
            raise ValidationError(
                f"already acknowledged by {who.display_name if who else 'someone'} at "
                f"{alert.acknowledged_at.astimezone(CHINA_TZ):%m-%d %H:%M:%S}", field="alert_id",
            )
        uow.update("alert.acknowledge", "alert", alert, acknowledged_at=uow.now,
                   acknowledged_by=ctx.actor.user_id)
        if alert.level == "breach":  # the near alert of the same timer, hidden behind it
            for near in uow.session.scalars(select(Alert).where(
                    Alert.station_id == alert.station_id, Alert.level == "near",
                    Alert.acknowledged_at.is_(None), Alert.target == alert.target)):
                if timer_of(near) == timer_of(alert):
                    uow.update("alert.acknowledge", "alert", near, acknowledged_at=uow.now,
                               acknowledged_by=ctx.actor.user_id)
        uow.commit()
        return alert_views(uow.session, [alert], ctx.station_id)[0]
