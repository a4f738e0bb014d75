"""Duty alerts: a unit due to leave for a timed duty of its patrol order (定时守点), or not there
once the duty is under way, is an alert.

The unit board shows the reminder in its patrol point cell; the alert puts it where the duty
officer cannot miss it (a sound, the alert list, an acknowledgement on the record), once per
unit and duty: a near alert from SET_OUT_WARNING before the time to set out until the duty
begins, and a breach when, ARRIVAL_GRACE into the duty, the unit's live position is more than
ARRIVAL_RADIUS_M off the point (or the patrol line's route). Each stretch a live position
judged is also kept as a DutyCheck, kept, late or away, for the duty-keeping rate (按时到岗率).
A crew whose unit sends no position is checked by the duty officer's roll call (点名核实, by
radio or video), which is recorded the same way.

A crew ordered to a duty already under way (the plan accepted, or the duty given to it, at 07:40
for a 07:30-08:00 gate) is reminded to set out at once (the reminder's leave_by is the order's
time, after its due_at) and judged from when it could be there: the order's time plus the plan's
drive (its breach's leave_by, which the breach's texts name instead of the window's start).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.allocation.visits import Span, TimedVisit, VisitPoint, stretch_end
from ..domain.changes import Change
from ..domain.clock import local
from ..domain.errors import NotFound, ValidationError
from ..domain.travel import distance_m
from ..storage.models import Alert, DutyCheck, PatrolPlan, Unit
from ..storage.serialize import diff, snapshot
from ..storage.uow import UnitOfWork
from .alerts import ALERT_LOCK, AlertView, alert_views, stage_raised
from .context import ServiceContext, service_action
from .units import (
    duties_by_start,
    duties_by_unit,
    duty_spot,
    fresh_fix,
    orders_in_force,
    set_out_from,
)

SET_OUT_TARGET = "duty_set_out"
ARRIVE_TARGET = "duty_arrive"
# A crew a couple of minutes behind is parking, not missing: the check waits this long.
ARRIVAL_GRACE = timedelta(minutes=3)
# Off the point (or the line's route) by more than this, the duty is not being kept; a school
# gate's street is well inside it, the next block is not.
ARRIVAL_RADIUS_M = 300.0
# No timed duty lasts longer (it is under half its shift, and a shift is a day at most): the
# reminders of duties begun before this are not read back to see whether their duty is over.
LONGEST_DUTY = timedelta(hours=24)


def duties_under_way(session: Session, station_id: int, now: datetime,
                     in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]] | None = None,
                     *, grace: timedelta = ARRIVAL_GRACE,
                     plan_visits: dict[int, list[TimedVisit]] | None = None,
                     ) -> list[tuple[int, TimedVisit, VisitPoint, Span]]:
    """(unit id, duty, its point or line, the stretch) for each stretch of a timed duty begun
    `grace` ago or more and not over, on the plan that is the unit's order now, with the crew
    the unit board shows at it (duties_by_unit: one crew a stretch where two plans send one)."""
    if in_force is None:
        in_force = orders_in_force(session, station_id, now)
    points: dict[int, dict[str, VisitPoint]] = {}
    out: list[tuple[int, TimedVisit, VisitPoint, Span]] = []
    for unit_id, visits in duties_by_unit(in_force, plan_visits).items():
        plan = in_force[unit_id][0]
        if plan.id not in points:
            points[plan.id] = {p.key: p for p in (VisitPoint.from_row(r) for r in
                                                  (plan.figures or {}).get("visit_points") or ())}
        for v in visits:
            point = points[plan.id].get(v.point_key)
            if point is None or v.clash:
                continue
            out.extend((unit_id, v, point, span) for span in v.spans
                       if span[0] + grace <= now < span[1])
    return out


def _withdraw_moved_reminders(uow: UnitOfWork, station_id: int, now: datetime,
                              leaving: list[tuple[int, TimedVisit]],
                              begun: list[tuple[int, TimedVisit, VisitPoint, Span]]) -> bool:
    """Take set-out reminders off the list whose duty is no longer the unit's to go to (the
    chief gave it to another unit, or replaced the plan): they are marked acknowledged by
    nobody and audited as withdrawn. One for a duty under way (立即出发) goes once its crew no
    longer holds it: another crew does (given to another car at 07:40), or a re-plan left it
    with nobody. One whose duty is over stays for the duty officer to acknowledge. True if any
    was."""
    still_due = {(unit_id, v.starts) for unit_id, v in leaving}
    held: dict[tuple[datetime | None, str], int] = {
        (span[0], v.text()[:160]): unit_id for unit_id, v, _p, span in begun}
    stale = [a for a in uow.session.scalars(select(Alert).where(
        Alert.station_id == station_id, Alert.target == SET_OUT_TARGET,
        Alert.acknowledged_at.is_(None), Alert.due_at > now))
        if (a.unit_id, a.due_at) not in still_due]
    stale += [a for a in uow.session.scalars(select(Alert).where(
        Alert.station_id == station_id, Alert.target == SET_OUT_TARGET,
        Alert.acknowledged_at.is_(None), Alert.due_at <= now, Alert.due_at > now - LONGEST_DUTY))
        if held.get((a.due_at, a.subject)) != a.unit_id and _under_way(a, now)]
    for a in stale:
        uow.update("alert.withdraw", "alert", a, acknowledged_at=now)
    return bool(stale)


def resolve_reminder(uow: UnitOfWork, reminder: Alert, now: datetime, why: str) -> None:
    """A set-out reminder that needs nobody's action any more (the crew is recorded at its
    duty) leaves the list: marked acknowledged by nobody, audited with why."""
    before = snapshot(reminder)
    reminder.acknowledged_at = now
    uow.session.flush()
    b, a = diff(before, snapshot(reminder))
    uow.audit("alert.resolve", "alert", reminder.id, b, {**a, "why": why},
              station_id=reminder.station_id)
    uow.changed("alert", reminder.id, station_id=reminder.station_id)


def _resolve_reached(uow: UnitOfWork, station_id: int, now: datetime,
                     leaving: list[tuple[int, TimedVisit]],
                     begun: list[tuple[int, TimedVisit, VisitPoint, Span]]) -> bool:
    """Resolve the set-out reminders (立即出发 too) whose crew is recorded at the duty: its
    stretch's check found it there (a live position or a roll call), or, before the duty begins,
    its live position is at the point. Set out is done; should the crew leave again, the duty's
    own check (a breach) says so. True if any was."""
    s = uow.session
    waiting = list(s.scalars(select(Alert).where(
        Alert.station_id == station_id, Alert.target == SET_OUT_TARGET,
        Alert.acknowledged_at.is_(None), Alert.due_at > now - LONGEST_DUTY)))
    if not waiting:
        return False
    unit_ids = list({a.unit_id for a in waiting})
    there: dict[tuple[int | None, datetime | None], DutyCheck] = {(c.unit_id, c.due_at): c for c in s.scalars(select(DutyCheck).where(
        DutyCheck.unit_id.in_(unit_ids), DutyCheck.due_at.in_(list({a.due_at for a in waiting})),
        DutyCheck.there.is_(True)))}
    spots: dict[tuple[int | None, datetime | None], TimedVisit | VisitPoint] = {
        (uid, v.starts): v for uid, v in leaving}
    spots.update({(uid, span[0]): point for uid, _v, point, span in begun})
    units = {u.id: u for u in s.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    resolved = False
    for a in waiting:
        check = there.get((a.unit_id, a.due_at))
        if check is not None:
            how = "roll call" if check.source == "roll_call" else "live position"
            resolve_reminder(uow, a, now, f"crew at the duty since {_shown(check.seen_at or now)} "
                                          f"({how})")
            resolved = True
            continue
        spot, unit = spots.get((a.unit_id, a.due_at)), units.get(a.unit_id or 0)
        fix = None if spot is None or unit is None else fresh_fix(
            unit.kind, unit.lon, unit.lat, unit.position_at, now)
        if spot is not None and fix is not None:
            off = distance_m(fix.lon, fix.lat, *spot.joined_from(fix.lon, fix.lat))
            if off <= ARRIVAL_RADIUS_M:
                resolve_reminder(uow, a, now, f"crew at the duty point (live position {off:.0f} m off)")
                resolved = True
    return resolved


def _under_way(reminder: Alert, now: datetime) -> bool:
    """Is the stretch a set-out reminder is for still under way (its window read back from the
    reminder's text)? Unknown is taken as over: the reminder stays."""
    if reminder.due_at is None:
        return False
    ends = stretch_end(reminder.due_at, reminder.subject or "")
    return ends is not None and now < ends


def _retime_reminders(uow: UnitOfWork, station_id: int, now: datetime,
                      leaving: list[tuple[int, TimedVisit]], units: dict[int, Unit],
                      in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]]) -> bool:
    """Move a waiting set-out reminder's time to the one the unit board shows now: the crew's
    live fix went stale (its point's time again), or a fix came in from further off. The duty
    officer must not read two times for one duty. True if any moved."""
    waiting = {(a.unit_id, a.due_at): a for a in uow.session.scalars(select(Alert).where(
        Alert.station_id == station_id, Alert.target == SET_OUT_TARGET,
        Alert.acknowledged_at.is_(None), Alert.due_at > now))}
    moved = False
    for unit_id, v in leaving:
        alert, unit = waiting.get((unit_id, v.starts)), units.get(unit_id)
        if alert is None or unit is None:
            continue
        leave_by = duty_spot(v, set_out_from(unit, in_force.get(unit_id), now)).leave_by(now)[0]
        # Only when the minute shown moves (the board and the reminder both read HH:MM): a car
        # driving through its set-out window moved it a few seconds at every check, each one
        # saved, audited and sent to every seat.
        if leave_by is not None and (alert.leave_by is None
                                     or _shown(leave_by) != _shown(alert.leave_by)):
            uow.update("alert.retime", "alert", alert, leave_by=leave_by)
            moved = True
    return moved


def _shown(at: datetime) -> str:
    return local(at).strftime("%H:%M")


def duty_keeping_counts(session: Session, station_ids: Iterable[int], start: datetime,
                        end: datetime) -> tuple[int, int, int]:
    """(kept, late, away): the stretches of timed duties beginning in [start, end) that a live
    position judged, at the given stations."""
    verdicts = Counter(session.scalars(select(DutyCheck.verdict).where(
        DutyCheck.station_id.in_(list(station_ids)), DutyCheck.due_at >= start,
        DutyCheck.due_at < end)))
    return verdicts["kept"], verdicts["late"], verdicts["away"]


@dataclass(frozen=True)
class DutyRound:
    """One round of the timed duties' checks: the alerts it raised, and what it changed (a
    check written or moved on, a reminder withdrawn). The seat that ran it announces the
    change: the feed's echo of its own write never reaches it, and its unit board would go on
    showing a crew that has turned up as not there."""

    alerts: list[AlertView]
    change: Change = field(default_factory=Change, compare=False)


@service_action("alert.evaluate")
def raise_duty_alerts(ctx: ServiceContext, now: datetime | None = None) -> list[AlertView]:
    """The alerts check_timed_duties raised at `now` (see there)."""
    return check_timed_duties(ctx, now).alerts


@service_action("alert.evaluate")
def check_timed_duties(ctx: ServiceContext, now: datetime | None = None) -> DutyRound:
    """Raise the timed duties' alerts due at `now`: a near alert for each unit whose time to set
    out has come (a few minutes ahead; from its live position where that is further off than
    its planned point; none while that position is at the duty already), on the plan that
    will be its order when the duty begins; a breach for each unit whose live position puts it
    away from a duty under way (no live position, no verdict). Also records each stretch's
    check (DutyCheck), withdraws reminders whose duty went to another unit, resolves those whose
    crew is recorded at the duty (_resolve_reached) and moves a waiting reminder to the time the
    unit board gives now (_retime_reminders). Idempotent across seats: returns only the alerts
    this call raised, with the change."""
    now = now or ctx.clock()
    with ctx.uow() as uow:
        s = uow.session
        uow.lock_station(ALERT_LOCK, ctx.station_id)  # the incident alerts' lock
        in_force = orders_in_force(s, ctx.station_id, now)  # read once for both checks
        # Each plan's duties worked out once for both (an assignment solve per duty window),
        # inside the lock, which on SQLite is the database's write lock.
        plan_visits: dict[int, list[TimedVisit]] = {}
        leaving = duties_by_start(s, ctx.station_id, now, in_force, plan_visits)
        begun = duties_under_way(s, ctx.station_id, now, in_force, grace=timedelta(0),
                                 plan_visits=plan_visits)
        arrive_by = ordered_arrivals(s, ctx.station_id, begun, in_force)
        under_way = [d for d in begun if d[3][0] + ARRIVAL_GRACE <= now
                     and now >= arrive_by.get((d[0], d[3][0]), d[3][0]) + ARRIVAL_GRACE]
        # Ordered once under way and not judged yet: the crew is to set out at once.
        at_once = [d for d in begun if (d[0], d[3][0]) in arrive_by and d not in under_way]
        withdrawn = _withdraw_moved_reminders(uow, ctx.station_id, now, leaving, begun)
        if not leaving and not under_way and not at_once:
            resolved = _resolve_reached(uow, ctx.station_id, now, leaving, begun)
            return DutyRound([], uow.commit() if withdrawn or resolved else Change())
        units = {u.id: u for u in s.scalars(select(Unit).where(
            Unit.id.in_({uid for uid, _v in leaving} | {d[0] for d in [*under_way, *at_once]}),
            Unit.active.is_(True)))}
        have = {tuple(r) for r in s.execute(select(Alert.unit_id, Alert.due_at, Alert.target).where(
            Alert.station_id == ctx.station_id, Alert.target.in_((SET_OUT_TARGET, ARRIVE_TARGET)),
            Alert.unit_id.in_(list(units))))}
        breaches, checked = _check_arrivals(uow, ctx.station_id, now, under_way, units, have,
                                            arrive_by)
        resolved = _resolve_reached(uow, ctx.station_id, now, leaving, begun)
        retimed = _retime_reminders(uow, ctx.station_id, now, leaving, units, in_force)
        raised = _set_out_reminders(ctx.station_id, now, leaving, units, have, in_force) \
            + _set_out_at_once(ctx.station_id, now, at_once, units, have, arrive_by) + breaches
        if not raised:
            return DutyRound([], uow.commit() if checked or withdrawn or resolved or retimed
                             else Change())
        stage_raised(uow, raised, lambda a: {
            "unit_id": a.unit_id, "duty": a.subject,
            "due_at": a.due_at.isoformat() if a.due_at else None,
            "leave_by": a.leave_by.isoformat() if a.leave_by else None})
        change = uow.commit()
        return DutyRound(alert_views(s, raised, ctx.station_id), change)


def _set_out_reminders(station_id: int, now: datetime, leaving: list[tuple[int, TimedVisit]],
                       units: dict[int, Unit], have: set[tuple[Any, ...]],
                       in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]]) -> list[Alert]:
    """The near alerts of the units whose time to set out for a duty has come (not yet raised),
    timed from the unit's live fix, or from where a move-up order sent it."""
    raised: list[Alert] = []
    for unit_id, v in leaving:
        unit = units.get(unit_id)
        # A clash (the unit due elsewhere at that time too) is the chief's to settle first.
        if unit is None or v.clash or (unit_id, v.starts, SET_OUT_TARGET) in have:
            continue
        where = set_out_from(unit, in_force.get(unit_id), now)
        spot = duty_spot(v, where)
        if not spot.time_to_leave(now):
            continue
        # A crew already there (its live fix by the gate) has nowhere to set out for; should it
        # leave before the duty begins, the next check reminds it.
        fix = where.fix or where.moved_to
        if fix is not None and distance_m(fix.lon, fix.lat, *v.joined_from(fix.lon, fix.lat)) \
                <= ARRIVAL_RADIUS_M:
            continue
        have.add((unit_id, v.starts, SET_OUT_TARGET))
        raised.append(Alert(station_id=station_id, unit_id=unit_id, due_at=v.starts,
                            leave_by=spot.leave_by(now)[0], subject=v.text()[:160],
                            target=SET_OUT_TARGET, level="near", raised_at=now))
    return raised


def ordered_arrivals(session: Session, station_id: int,
                     begun: list[tuple[int, TimedVisit, VisitPoint, Span]],
                     in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]]
                     ) -> dict[tuple[int, datetime], datetime]:
    """By (unit, stretch start): when a crew ordered to a stretch once it was under way could be
    there, the order's time plus the plan's drive (the morning re-plan of a running shift
    accepted at 09:10, a bank's duty since 08:30). Stretches the crew held from their start are
    not listed: they are judged from the start."""
    out: dict[tuple[int, datetime], datetime] = {}
    for unit_id, v, _point, (began, _ends) in begun:
        ordered = duty_ordered_at(session, station_id, unit_id, v, began, in_force[unit_id][0])
        if ordered is not None:
            out[(unit_id, began)] = ordered + timedelta(seconds=v.seconds)
    return out


def duty_ordered_at(session: Session, station_id: int, unit_id: int, v: TimedVisit,
                    began: datetime, plan: PatrolPlan) -> datetime | None:
    """When the unit was ordered to the stretch of `v` begun at `began`, if that was after it
    began (its plan accepted then, or the duty given to its crew then); None if the unit held
    it from its start. A re-plan that leaves the crew on its duty is no new order: the orders
    as they stood just before each decision are read back until the crew did not hold it."""
    decided = plan.decided_at
    while decided is not None and decided > began:
        just_before = decided - timedelta(microseconds=1)
        before = orders_in_force(session, station_id, just_before, known_at=just_before)
        held = before.get(unit_id)
        if held is None or not any(w.point_key == v.point_key and w.starts == began
                                   for w in duties_by_unit(before).get(unit_id, ())):
            return decided
        decided = held[0].decided_at
    return None


def _check_arrivals(uow: UnitOfWork, station_id: int, now: datetime,
                    under_way: list[tuple[int, TimedVisit, VisitPoint, Span]],
                    units: dict[int, Unit], have: set[tuple[Any, ...]],
                    arrive_by: dict[tuple[int, datetime], datetime]) -> tuple[list[Alert], bool]:
    """Judge each stretch under way by the unit's live position: record its check and where the
    crew is now. Returns a breach for each unit away (once a stretch), and whether a check was
    written. A breach of a stretch ordered once under way carries when the crew could have
    been there (arrive_by) as its leave_by.

    The verdict follows the crew until the stretch ends: "kept" while it has been there since
    the first check; "away" once found off it; "late" once it turned up after being found away
    (and stayed: leaving again makes it "away" once more). Kept is never earned back: a stretch
    found away counts as late at best, and its breach stays."""
    s = uow.session
    raised: list[Alert] = []
    checks = {(c.unit_id, c.due_at): c for c in s.scalars(select(DutyCheck).where(
        DutyCheck.station_id == station_id, DutyCheck.unit_id.in_(list(units)),
        DutyCheck.due_at.in_(list({d[3][0] for d in under_way}))))} if under_way else {}
    checked = False
    for unit_id, v, point, (began, ends) in under_way:
        unit = units.get(unit_id)
        fix = None if unit is None else fresh_fix(unit.kind, unit.lon, unit.lat,
                                                  unit.position_at, now)
        if fix is None:
            continue
        off = distance_m(fix.lon, fix.lat, *point.joined_from(fix.lon, fix.lat))
        there = off <= ARRIVAL_RADIUS_M
        check = checks.get((unit_id, began))
        if check is None:
            checks[(unit_id, began)] = check = DutyCheck(
                station_id=station_id, unit_id=unit_id, due_at=began, ends_at=ends,
                subject=v.text()[:160], verdict="kept" if there else "away", checked_at=now,
                distance_m=off, there=there, seen_at=now)
            s.add(check)
            uow.changed("unit", unit_id, "duty")  # the unit board shows where the crew is
            uow.changed("duty_check", None)  # the statistics' duty-keeping rate counts it
            checked = True
        elif check.there != there:  # arrived (late), or left
            check.there, check.seen_at, check.source = there, now, "position"
            if not there:  # left before the end (kept or late till now): not kept
                check.verdict, check.checked_at, check.distance_m = "away", now, off
            else:  # turned up after being found away; how far off it was found stays
                check.verdict = "late"
            uow.changed("duty_check", None)  # the rate changes
            uow.changed("unit", unit_id, "duty")
            checked = True
        if there or (unit_id, began, ARRIVE_TARGET) in have:
            continue
        have.add((unit_id, began, ARRIVE_TARGET))
        raised.append(Alert(station_id=station_id, unit_id=unit_id, due_at=began,
                            leave_by=arrive_by.get((unit_id, began)), subject=v.text()[:160],
                            target=ARRIVE_TARGET, level="breach", raised_at=now))
    return raised, checked


def _set_out_at_once(station_id: int, now: datetime,
                     at_once: list[tuple[int, TimedVisit, VisitPoint, Span]],
                     units: dict[int, Unit], have: set[tuple[Any, ...]],
                     arrive_by: dict[tuple[int, datetime], datetime]) -> list[Alert]:
    """A set-out reminder for each crew ordered to a stretch already under way and not there
    yet: to set out at once (leave_by, the order's time, is after the stretch's start)."""
    raised: list[Alert] = []
    for unit_id, v, point, (began, _ends) in at_once:
        unit = units.get(unit_id)
        if unit is None or (unit_id, began, SET_OUT_TARGET) in have:
            continue
        fix = fresh_fix(unit.kind, unit.lon, unit.lat, unit.position_at, now)
        if fix is not None and distance_m(fix.lon, fix.lat, *point.joined_from(fix.lon, fix.lat)) \
                <= ARRIVAL_RADIUS_M:
            continue  # already there: nothing to set out for
        have.add((unit_id, began, SET_OUT_TARGET))
        ordered = arrive_by[(unit_id, began)] - timedelta(seconds=v.seconds)
        raised.append(Alert(station_id=station_id, unit_id=unit_id, due_at=began,
                            leave_by=ordered, subject=v.text()[:160],
                            target=SET_OUT_TARGET, level="near", raised_at=now))
    return raised


@dataclass(frozen=True)
class RollCall:
    """A roll call as recorded: the duty's stretch, the verdict it now stands at, and the breach
    it raised (a crew not there), if any."""

    unit_id: int
    call_sign: str
    duty: str
    verdict: str  # kept | late | away
    breach: AlertView | None = None
    change: Change = field(default_factory=Change, compare=False)


@service_action("duty.roll_call")
def roll_call(ctx: ServiceContext, unit_id: int, there: bool, now: datetime | None = None
              ) -> RollCall:
    """The duty officer's roll call (点名核实) of a crew on a timed duty under way, by radio or
    video: there or not. It is the stretch's check where none was made, or moves it on as a
    live position would (found away, then there: late); either way it is audited with who
    called. A crew not there raises the duty's breach, once. Refused for a unit with no timed
    duty under way, and "not there" for a crew ordered to it once under way that cannot be
    there yet (the order's time plus its drive, the time its breach would name)."""
    now = now or ctx.clock()
    with ctx.uow() as uow:
        s = uow.session
        uow.lock_station(ALERT_LOCK, ctx.station_id)  # the position checks' lock
        unit = s.get(Unit, unit_id)
        if unit is None or unit.station_id != ctx.station_id:
            raise NotFound(f"unit {unit_id} does not exist")
        in_force = orders_in_force(s, ctx.station_id, now)
        stretch = next((d for d in duties_under_way(s, ctx.station_id, now, in_force,
                                                    grace=timedelta(0)) if d[0] == unit_id), None)
        if stretch is None:
            raise ValidationError(f"{unit.call_sign} has no timed duty under way to call the "
                                  "roll for", field="unit")
        _uid, v, _point, (began, ends) = stretch
        arrive_by = ordered_arrivals(s, ctx.station_id, [stretch], in_force).get((unit_id, began))
        check = s.scalar(select(DutyCheck).where(DutyCheck.unit_id == unit_id,
                                                 DutyCheck.due_at == began))
        # A crew ordered once the duty was under way is on its way until its drive is done: a
        # call before then cannot find it missing (the position checks wait for it too). One
        # found there since and gone again has left, which a call can say at any time.
        if not there and arrive_by is not None and now < arrive_by \
                and (check is None or not check.there):
            raise ValidationError(
                f"{unit.call_sign} was ordered to {v.text()} at {_shown(arrive_by - timedelta(seconds=v.seconds))} "
                f"and can be there by {_shown(arrive_by)}: call the roll again then to record it "
                "not there", field="there")
        who = {"source": "roll_call", "confirmed_by": ctx.actor.user_id, "checked_at": now}
        if check is None:
            check = uow.add("duty.roll_call", "duty_check", DutyCheck(
                station_id=ctx.station_id, unit_id=unit_id, due_at=began, ends_at=ends,
                subject=v.text()[:160], verdict="kept" if there else "away", distance_m=None,
                there=there, seen_at=now, **who))
        else:
            # As a live position moves it on: away once not there; late once there after that.
            verdict = check.verdict if there == check.there else ("late" if there else "away")
            uow.update("duty.roll_call", "duty_check", check, verdict=verdict, there=there,
                       seen_at=now if there != check.there else check.seen_at,
                       distance_m=None if not there else check.distance_m, **who)
        uow.changed("unit", unit_id, "duty")  # the unit board shows what the call found
        if there:  # its set-out reminder needs nobody's action any more
            for reminder in s.scalars(select(Alert).where(
                    Alert.unit_id == unit_id, Alert.due_at == began, Alert.target == SET_OUT_TARGET,
                    Alert.acknowledged_at.is_(None))):
                resolve_reminder(uow, reminder, now,
                                 f"crew at the duty (roll call by {ctx.actor.username})")
        have = s.scalar(select(Alert.id).where(
            Alert.unit_id == unit_id, Alert.due_at == began, Alert.target == ARRIVE_TARGET))
        breach = Alert(station_id=ctx.station_id, unit_id=unit_id, due_at=began,
                       leave_by=arrive_by, subject=v.text()[:160], target=ARRIVE_TARGET,
                       level="breach", raised_at=now) if not there and have is None else None
        if breach is not None:
            stage_raised(uow, [breach], lambda a: {
                "unit_id": a.unit_id, "duty": a.subject, "roll_call": True,
                "due_at": a.due_at.isoformat() if a.due_at else None})
        change = uow.commit()
        view = alert_views(s, [breach], ctx.station_id)[0] if breach is not None else None
        return RollCall(unit_id, unit.call_sign, v.text(), check.verdict, view, change)
