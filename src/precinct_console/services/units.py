"""Units: the status board (state, crew, current incident, time in state) and live positions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain.allocation.visits import TimedVisit, stored_visits
from ..domain.changes import Change
from ..domain.clock import CHINA_TZ
from ..domain.errors import ValidationError
from ..domain.recommend import STALE_POSITION_S
from ..domain.travel import distance_m, travel_seconds
from ..storage.models import (
    AuditEntry,
    DutyCheck,
    Incident,
    MoveUpOrder,
    Officer,
    OfficerAbsence,
    PatrolPlan,
    RosterEntry,
    Shift,
    Unit,
)
from .context import ServiceContext, service_action

UNIT_STATES: dict[str, str] = {
    "available": "空闲", "dispatched": "已派", "en_route": "途中", "on_scene": "到场",
    "returning": "返回", "off_duty": "下勤",
}
HOME_RADIUS_M = 100.0  # a returning unit this close to its post counts as back
# States a dispatcher may set by hand; the others follow the incident's steps.
MANUAL_STATES = frozenset({"available", "returning", "off_duty"})
UNIT_KINDS: dict[str, str] = {"car": "巡逻车", "foot": "步巡", "motorbike": "摩托", "ebike": "电动车",
                              "drone": "无人机"}


# A duty a short walk away needs no reminder to set out; one further off is flagged on the unit
# board from a few minutes before the time to leave.
SET_OUT_NOTICE_MIN = timedelta(minutes=2)
SET_OUT_WARNING = timedelta(minutes=5)
# Plans starting this soon are read for duties to set out for: see duties_by_start.
DUTY_LOOK_AHEAD = timedelta(hours=2)
# A live fix moves the time to set out only when it is this much earlier than the plan's: a
# few metres of GPS jitter around the point must not make the board's time flicker.
FIX_MATTERS = timedelta(seconds=30)


@dataclass(frozen=True)
class DutySpot:
    """One timed duty of a unit: "07:00-08:30 城关实验小学护学岗（早）" and when and where it is."""

    text: str
    name: str
    starts: datetime | None
    until: datetime | None
    lon: float
    lat: float
    # When the unit must leave to be there as the duty begins, and what that is timed from
    # (basis): "point", the plan's drive from its point; "moved", from where a move-up order
    # sent it; "fix", from its live position fix, further off; "stale", from its point, its
    # last fix being too old to say where it is.
    sets_out: datetime | None = None
    basis: str = "point"
    # Timed while a live fix was at hand: when that fix stops being live, and the time and
    # basis that hold from then (a silent terminal is no longer where the crew is "now"; the
    # board row is not read again for it, and the reminder goes by the same rule).
    fix_until: datetime | None = None
    then: tuple[datetime | None, str] = (None, "stale")

    def leave_by(self, now: datetime) -> tuple[datetime | None, str]:
        """When to set out, as known at `now`, and what it is timed from (see basis)."""
        if self.fix_until is not None and now > self.fix_until:
            return self.then
        return self.sets_out, self.basis

    def in_force(self, now: datetime) -> bool:
        """Is the plan sending the unit here at `now`: from when it must set out to the end?"""
        begins = self.leave_by(now)[0] or self.starts
        return begins is not None and self.until is not None and begins <= now < self.until

    def time_to_leave(self, now: datetime) -> bool:
        """Is it time to leave for it (the duty itself not begun yet)? From a few minutes before
        the time to set out, so the duty officer can remind the crew."""
        sets_out = self.leave_by(now)[0]
        if sets_out is None or self.starts is None or self.starts - sets_out < SET_OUT_NOTICE_MIN:
            return False
        return sets_out - SET_OUT_WARNING <= now < self.starts


@dataclass(frozen=True)
class UnitRow:
    id: int
    call_sign: str
    kind: str
    kind_label: str
    seats: int
    status: str
    status_label: str
    status_since: datetime | None
    crew: tuple[str, ...]  # officers rostered in the unit on the shift running now
    incident_id: int | None
    incident_number: str
    lon: float | None
    lat: float | None
    position_at: datetime | None
    home_lon: float
    home_lat: float
    version: int
    change: Change = field(default_factory=Change, compare=False)
    # The accepted patrol plan's order for this unit now (the chief's deployment), if any.
    patrol_point: str = ""
    patrol_lon: float | None = None
    patrol_lat: float | None = None
    patrol_key: str = ""
    patrol_plan_id: int | None = None
    # Sent there by a move-up order (补位): the plan's own point for it, and when ordered.
    moved_from: str = ""
    moved_from_key: str = ""
    moved_at: datetime | None = None
    # Its timed duties on that plan, with when and where (the board shows those still to come,
    # the map sends the unit to the one in progress).
    duty_list: tuple[DutySpot, ...] = ()
    # The stretch of a timed duty under way as its checks found it: the verdict ("kept", "away"
    # once found off it, "late" once there after that), whether the crew is there now and since when; empty before its
    # first check, or with no live position to judge by.
    duty_check: str = ""
    duty_there: bool = False
    duty_checked_at: datetime | None = None  # since when the crew has been there (or away)
    duty_check_until: datetime | None = None  # the stretch's end: the check is over then
    duty_check_source: str = ""  # position, or roll_call: the duty officer called it last

    def checked_on_duty(self, now: datetime) -> str:
        """While the checked stretch is under way: "kept" (there all along), "late" (there now,
        after being found away) or "away" (not there now); else ""."""
        if not self.duty_check or self.duty_check_until is None or now >= self.duty_check_until:
            return ""
        if not self.duty_there:
            return "away"
        return "kept" if self.duty_check == "kept" else "late"

    @property
    def patrol_duties(self) -> str:
        """All its timed duties: "16:00-18:00 城关实验小学护学岗（晚）", several by "；"."""
        return "；".join(d.text for d in self.duty_list)

    def duties_ahead(self, now: datetime) -> str:
        """The timed duties not over at `now`, as the board's patrol point column lists them."""
        return "；".join(d.text for d in self.duty_list if d.until is None or d.until > now)

    def due_at(self, now: datetime) -> tuple[str, float | None, float | None]:
        """Where the plan wants the unit at `now`: the must-patrol point of a timed duty in
        progress (the school gate 07:00-08:30) or due so soon it must be on its way there, else
        its patrol point."""
        for d in self.duty_list:
            if d.in_force(now):
                return d.name, d.lon, d.lat
        return self.patrol_point, self.patrol_lon, self.patrol_lat

    def leaving_for(self, now: datetime) -> DutySpot | None:
        """The timed duty the unit should be leaving for about now, if any."""
        return next((d for d in self.duty_list if d.time_to_leave(now)), None)

    def seconds_in_state(self, now: datetime) -> float | None:
        return None if self.status_since is None else max(0.0, (now - self.status_since).total_seconds())


# What a unit's row (its crew, on the board and the map) is read from: a seat showing units reads
# them again when another seat changes any of these, e.g. leave taking an officer out of a crew.
UNIT_ROW_ENTITIES = ("unit", "dispatch", "roster_entry", "officer_absence", "officer", "shift")


def minute_of(now: datetime) -> datetime:
    """The minute a seat last read its units in: a shift changing over, or a plan decided earlier
    coming into force, changes crews and orders with no write anywhere to announce it, so a seat
    showing units reads them again when the minute turns."""
    return now.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class CrewMember:
    name: str
    licences: tuple[str, ...]  # driving-licence classes: who may drive the unit


def crews_now(session: Session, station_id: int, now: datetime) -> dict[int, list[CrewMember]]:
    """Who rides in each unit on the shift running now, officers before auxiliaries.

    An officer rostered in the unit but on leave or in training now, or taken off the roll, is
    not in it: the board, the recommendation's licence check and the briefing sheet name the
    crew that is really there (the roster rules name the gap to the chief)."""
    crews: dict[int, list[CrewMember]] = {}
    away_now = select(OfficerAbsence.officer_id).where(
        OfficerAbsence.station_id == station_id, OfficerAbsence.starts_at <= now,
        OfficerAbsence.ends_at > now)
    for uid, name, licences in session.execute(
        select(RosterEntry.unit_id, Officer.name, Officer.licences)
        .join(Shift, Shift.id == RosterEntry.shift_id)
        .join(Officer, Officer.id == RosterEntry.officer_id)
        .where(RosterEntry.station_id == station_id, RosterEntry.unit_id.is_not(None),
               Shift.starts_at <= now, Shift.ends_at > now, Officer.active.is_(True),
               Officer.id.not_in(away_now))
        .order_by(Officer.kind.desc(), Officer.name)  # officers before auxiliaries
    ):
        crews.setdefault(int(uid), []).append(CrewMember(name, tuple(licences or ())))
    return crews


def orders_in_force(session: Session, station_id: int, at: datetime, *,
                    known_at: datetime | None = None
                    ) -> dict[int, tuple[PatrolPlan, dict[str, Any]]]:
    """Each unit's patrol order at `at` (its plan and assignment), by unit id: every accepted
    plan whose hours hold `at` counts (the patrol shift's and a standby shift's side by side);
    where two place the same unit, the later decision wins. The unit board and
    allocation.patrol_orders both read it.

    A duty officer's move-up order on that plan (补位, the latest by then) replaces the unit's
    point; the assignment then names the plan's own point as "moved_from", and who gave the
    latest order and when ("order_by", "order_at", a send-back included). A move stops counting
    once another plan has taken the unit over since (back on this plan, the unit starts from
    its point again). Timed duties still come from the plan's assignments (duties_by_unit), so
    a move-up does not hand them round.

    known_at: the orders as they stood then, not as they stand now (a handover report compiled
    at 09:10 for the 08:30 handover hands over what was in force at 08:30): plans accepted by
    then, including one superseded since, and moves ordered by then."""
    orders: dict[int, tuple[PatrolPlan, dict[str, Any]]] = {}
    for plan in _plans_in_force(session, station_id, at, known_at):
        for a in plan.assignments:
            orders.setdefault(int(a["unit_id"]), (plan, a))
    if not orders:
        return orders
    plan_ids = {plan.id for plan, _a in orders.values()}
    ordered_by = at if known_at is None else min(at, known_at)
    # Orders on one unit are taken in turn (order_move_up locks the unit), so ids are their order.
    moves = list(session.scalars(select(MoveUpOrder).where(
        MoveUpOrder.plan_id.in_(plan_ids), MoveUpOrder.ordered_at <= ordered_by)
        .order_by(MoveUpOrder.id)))
    if not moves:
        return orders
    taken_over = _taken_over_since(session, station_id, min(m.ordered_at for m in moves), at,
                                   known_at)
    for move in moves:
        held = orders.get(move.unit_id)
        if held is None or held[0].id != move.plan_id:
            continue  # a later plan placing the unit took over from this plan's move
        plan, _a = held
        # "Decided later" as the plans in force are ranked above: by decision, then by id.
        if any(move.ordered_at < starts and move.unit_id in units and other != plan.id
               and decided is not None and plan.decided_at is not None
               and (decided, other) > (plan.decided_at, plan.id)
               for other, starts, decided, units in taken_over):
            continue  # a plan decided later had the unit since: back on this one, it starts afresh
        own = next(x for x in plan.assignments if int(x["unit_id"]) == move.unit_id)
        latest = {"order_at": move.ordered_at, "order_by": move.ordered_by}
        moved = {"point_key": move.point_key, "point_name": move.point_name, "lon": move.lon,
                 "lat": move.lat, "moved_at": move.ordered_at, "moved_by": move.ordered_by,
                 "moved_from": own["point_name"], "moved_from_key": own["point_key"]}
        orders[move.unit_id] = (plan, {**own, **latest} if move.back else {**own, **latest, **moved})
    return orders


def _plans_in_force(session: Session, station_id: int, at: datetime, known_at: datetime | None
                    ) -> list[PatrolPlan]:
    """The accepted plans whose hours hold `at`, the latest decision first; with known_at, as
    they stood then: decided by then, and not superseded by then (the audit log says when a
    plan was; one superseded with no record of when is taken as gone, as it is now)."""
    where = [PatrolPlan.station_id == station_id, PatrolPlan.starts_at <= at, PatrolPlan.ends_at > at]
    if known_at is None:
        return list(session.scalars(select(PatrolPlan).where(*where, PatrolPlan.status == "accepted")
                                    .order_by(PatrolPlan.decided_at.desc(), PatrolPlan.id.desc())))
    plans = list(session.scalars(select(PatrolPlan).where(
        *where, PatrolPlan.status.in_(("accepted", "superseded")), PatrolPlan.decided_at <= known_at)))
    gone = [p.id for p in plans if p.status == "superseded"]
    superseded_at = dict(session.execute(
        select(AuditEntry.entity_id, func.min(AuditEntry.at)).where(
            AuditEntry.entity == "patrol_plan", AuditEntry.action == "plan.supersede",
            AuditEntry.entity_id.in_(gone)).group_by(AuditEntry.entity_id)).all()) if gone else {}
    kept = [p for p in plans if p.status == "accepted"
            or (p.id in superseded_at and superseded_at[p.id] > known_at)]
    return sorted(kept, key=lambda p: (p.decided_at or _NEVER, p.id), reverse=True)


def _taken_over_since(session: Session, station_id: int, since: datetime, at: datetime,
                      known_at: datetime | None = None
                      ) -> list[tuple[int, datetime, datetime | None, set[int]]]:
    """(plan id, start, decided, unit ids) of the accepted plans (or accepted, then superseded)
    that began between a move and `at` (decided by known_at, if given): those decided later
    than the move's plan took its units over while they ran."""
    decided = [] if known_at is None else [PatrolPlan.decided_at <= known_at]
    return [(p.id, p.starts_at, p.decided_at, {int(a["unit_id"]) for a in p.assignments})
            for p in session.scalars(select(PatrolPlan).where(
                PatrolPlan.station_id == station_id, PatrolPlan.status.in_(("accepted", "superseded")),
                PatrolPlan.starts_at > since, PatrolPlan.starts_at <= at, *decided))]


def _rows(ctx: ServiceContext, session: Session, units: list[Unit], change: Change | None = None
          ) -> list[UnitRow]:
    now = ctx.clock()
    in_force = orders_in_force(session, ctx.station_id, now)
    plan_visits: dict[int, list[TimedVisit]] = {}  # each plan's duties worked out once
    current = duties_by_unit(in_force, plan_visits)
    duties = {uid: [v for v in visits if v.starts is None or v.starts <= now]
              for uid, visits in current.items()}
    # A window still to come shows with the crew that holds it as it begins, as the reminder
    # goes (the next shift's plan, decided later, may send its own); one of the next shift's
    # plan shows from when the crew must think of leaving for it.
    fixes = {u.id: set_out_from(u, in_force.get(u.id), now) for u in units}
    for unit_id, v in duties_by_start(session, ctx.station_id, now, in_force, plan_visits):
        spot = duty_spot(v, fixes.get(unit_id))
        if v in current.get(unit_id, ()) or spot.time_to_leave(now) or spot.in_force(now):
            duties.setdefault(unit_id, []).append(v)
    for visits in duties.values():
        visits.sort(key=lambda v: v.starts or _NEVER)
    checks = _checks_under_way(session, now, duties)
    crews = crews_now(session, ctx.station_id, now)
    inc_ids = {u.current_incident_id for u in units if u.current_incident_id}
    numbers = dict(session.execute(
        select(Incident.id, Incident.number).where(Incident.id.in_(inc_ids))
    ).all()) if inc_ids else {}
    return [
        UnitRow(u.id, u.call_sign, u.kind, UNIT_KINDS.get(u.kind, u.kind), u.seats, u.status,
                UNIT_STATES.get(u.status, u.status), u.status_since, tuple(m.name for m in crews.get(u.id, ())),
                u.current_incident_id, numbers.get(u.current_incident_id or 0, ""), u.lon, u.lat,
                u.position_at, u.home_lon, u.home_lat, u.version, change or Change(),
                *_order_fields(in_force.get(u.id)),
                tuple(duty_spot(v, fixes[u.id]) for v in duties.get(u.id, ())),
                *checks.get(u.id, ("", False, None, None, "")))
        for u in units
    ]


def _checks_under_way(session: Session, now: datetime, duties: dict[int, list[TimedVisit]]
                      ) -> dict[int, tuple[str, bool, datetime, datetime, str]]:
    """By unit on a timed duty now: the check of the stretch under way (verdict, there now,
    since when, when the stretch ends, what judged it last), if there is one yet."""
    on_duty = [uid for uid, visits in duties.items() if any(
        v.starts is not None and v.until is not None and v.starts <= now < v.until for v in visits)]
    if not on_duty:
        return {}
    return {c.unit_id: (c.verdict, c.there, c.seen_at, c.ends_at, c.source) for c in session.scalars(
        select(DutyCheck).where(DutyCheck.unit_id.in_(on_duty), DutyCheck.due_at <= now,
                                DutyCheck.ends_at > now))}


def duties_by_start(session: Session, station_id: int, now: datetime,
                    in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]] | None = None,
                    plan_visits: dict[int, list[TimedVisit]] | None = None
                    ) -> list[tuple[int, TimedVisit]]:
    """The timed duties (unit id, duty) still to begin: those of the plans in force at `now`
    and of plans starting within DUTY_LOOK_AHEAD (a duty at a shift's first minute is set out
    for while the shift before is on), each only where its plan is still the unit's order when
    the duty begins (a later plan may have moved the unit) and no plan decided later sends
    its own crew then. `plan_visits` keeps each plan's duties by id (duties_by_unit)."""
    if in_force is None:
        in_force = orders_in_force(session, station_id, now)
    upcoming = sorted(set(session.scalars(select(PatrolPlan.starts_at).where(
        PatrolPlan.station_id == station_id, PatrolPlan.status == "accepted",
        PatrolPlan.starts_at > now, PatrolPlan.starts_at <= now + DUTY_LOOK_AHEAD))))
    orders_at = {now: in_force}
    visits_of = {} if plan_visits is None else plan_visits

    def order_at(at: datetime) -> dict[int, tuple[PatrolPlan, dict[str, Any]]]:
        if at not in orders_at:
            orders_at[at] = orders_in_force(session, station_id, at)
        return orders_at[at]

    kept_at: dict[datetime, dict[int, list[TimedVisit]]] = {}

    def still_theirs(unit_id: int, v: TimedVisit, at: datetime) -> bool:
        """Is the window the unit's as it begins: a plan starting before then and decided
        later may send its own crew to the gate (reminders follow the board)."""
        if at not in kept_at:
            kept_at[at] = duties_by_unit(order_at(at), visits_of)
        return any(w.point_key == v.point_key and w.starts == v.starts
                   for w in kept_at[at].get(unit_id, ()))

    out: list[tuple[int, TimedVisit]] = []
    seen: set[tuple[int, int]] = set()  # (unit, plan): each plan's duties read once
    for at in (now, *upcoming):
        plans = order_at(at)
        for unit_id, visits in duties_by_unit(plans, visits_of).items():
            plan = plans[unit_id][0]
            if (unit_id, plan.id) in seen:
                continue
            seen.add((unit_id, plan.id))
            for v in visits:
                if v.starts is None or v.starts <= now:
                    continue
                if v.starts >= at and not any(at < s <= v.starts for s in upcoming):
                    out.append((unit_id, v))  # no plan begins before it: as it stands at `at`
                    continue
                later = order_at(v.starts).get(unit_id)
                if later is not None and later[0] is plan and still_theirs(unit_id, v, v.starts):
                    out.append((unit_id, v))
    return out


class Fix(NamedTuple):
    """A unit's live position (a fix fresh enough to drive from) and what it drives."""

    kind: str
    lon: float
    lat: float
    # A live fix: when it stops counting as live (STALE_POSITION_S after it); None for a place
    # the unit was sent to, which holds until it is sent elsewhere.
    live_until: datetime | None = None


def fresh_fix(kind: str, lon: float | None, lat: float | None, position_at: datetime | None,
              now: datetime) -> Fix | None:
    """The unit's position if its last fix is live (STALE_POSITION_S), else None."""
    if lon is None or lat is None or position_at is None \
            or (now - position_at).total_seconds() > STALE_POSITION_S:
        return None
    return Fix(kind, lon, lat, position_at + timedelta(seconds=STALE_POSITION_S))


class SetOutFrom(NamedTuple):
    """What a unit's time to set out for its timed duties counts from (duty_spot)."""

    fix: Fix | None = None  # its live position
    moved_to: Fix | None = None  # where a move-up order sent it
    stale: bool = False  # it reported a position, too long ago to drive from


def set_out_from(unit: Unit, held: tuple[PatrolPlan, dict[str, Any]] | None, now: datetime
                 ) -> SetOutFrom:
    """Where a unit sets out for its timed duties from: its live fix, else the point a move-up
    order sent it to (the plan's drive counts from its own point, which may be kilometres off).
    The unit board and the set-out reminder both time the duty from this."""
    fix = fresh_fix(unit.kind, unit.lon, unit.lat, unit.position_at, now)
    moved = Fix(unit.kind, float(held[1]["lon"]), float(held[1]["lat"])) \
        if held is not None and held[1].get("moved_from") else None
    return SetOutFrom(fix, moved, fix is None and unit.position_at is not None)


def duty_spot(v: TimedVisit, where: SetOutFrom | None = None) -> DutySpot:
    """A stored timed duty as the board, the map and the duty alerts read it. The time to set
    out is the plan's (from the unit's point), or the drive from where a move-up sent it, or
    from its live fix, whichever is earlier: a unit away on a call or out on its beat must
    leave sooner, and one nearer than its point is still reminded at the plan's time. A live
    fix counts only while it is live (DutySpot.leave_by)."""
    where = where or SetOutFrom()
    spot = DutySpot(v.text(), v.point_name, v.starts, v.until, v.lon, v.lat)
    if v.starts is None:
        return spot
    starts = v.starts

    def leave_from(f: Fix) -> datetime:
        drive = travel_seconds(distance_m(f.lon, f.lat, *v.joined_from(f.lon, f.lat)), f.kind,
                               starts.astimezone(CHINA_TZ).hour)
        return starts - timedelta(seconds=drive)

    planned = starts - timedelta(seconds=v.seconds)
    # Without a live fix (or once it is no longer live): from its point, or where it was sent.
    base = (planned, "stale" if where.stale else "point")
    if where.moved_to is not None and (moved := leave_from(where.moved_to)) < planned - FIX_MATTERS:
        base = (moved, "moved")
    if where.fix is None:
        return replace(spot, sets_out=base[0], basis=base[1])
    then = base if base[1] == "moved" else (planned, "stale")
    live = leave_from(where.fix)
    if live < planned - FIX_MATTERS:
        return replace(spot, sets_out=live, basis="fix", fix_until=where.fix.live_until, then=then)
    return replace(spot, sets_out=planned, basis="point", fix_until=where.fix.live_until, then=then)


_NEVER = datetime.min.replace(tzinfo=UTC)  # ranks below every decision (all are aware)


def duties_by_unit(in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]],
                   cache: dict[int, list[TimedVisit]] | None = None) -> dict[int, list[TimedVisit]]:
    """Each unit's timed duties (定时守点) on the plans in force, by unit id, one per stretch
    (TimedVisit.by_window).

    Two plans in force side by side (a patrol shift's and a standby shift's) each hand out the
    station's timed duties among their own units, so both may send a unit to the same school
    gate at 08:00. One crew keeps each stretch: the one of the plan decided later, as for a unit
    placed by both (orders_in_force); the other plan's crew keeps its stretches the later plan
    does not cover (the gate's next opening after the patrol shift ends). `cache` keeps each
    plan's duties by plan id for a caller asking at several times."""
    plans = sorted({plan.id: plan for plan, _a in in_force.values()}.values(),
                   key=lambda p: (p.decided_at or _NEVER, p.id), reverse=True)
    cache = {} if cache is None else cache
    out: dict[int, list[TimedVisit]] = {}
    held: list[TimedVisit] = []
    for plan in plans:
        if plan.id not in cache:
            cache[plan.id] = [w for v in stored_visits(plan.figures or {}, plan.assignments or ())
                              for w in v.by_window()]
        for v in cache[plan.id]:
            if in_force.get(v.unit_id, (None,))[0] is not plan:
                continue  # a later plan took the unit over
            if any(_same_duty(v, other) for other in held):
                continue  # a plan decided later sends its own crew
            held.append(v)
            out.setdefault(v.unit_id, []).append(v)
    for visits in out.values():
        visits.sort(key=lambda v: v.starts or _NEVER)
    return out


def _same_duty(a: TimedVisit, b: TimedVisit) -> bool:
    """The same point in overlapping hours (a stretch the two plans both cover)."""
    if a.point_key != b.point_key:
        return False
    if a.starts is None or a.until is None or b.starts is None or b.until is None:
        return a.window == b.window
    return a.starts < b.until and b.starts < a.until


def timed_duties(in_force: dict[int, tuple[PatrolPlan, dict[str, Any]]]) -> dict[int, str]:
    """Each unit's timed duties on the plans in force, as one line by unit id."""
    return {uid: "；".join(v.text() for v in visits) for uid, visits in duties_by_unit(in_force).items()}


def _order_fields(held: tuple[PatrolPlan, dict[str, Any]] | None
                  ) -> tuple[str, float | None, float | None, str, int | None, str, str, datetime | None]:
    if held is None:
        return "", None, None, "", None, "", "", None
    plan, order = held
    return (str(order.get("point_name") or order.get("point_key", "")), order.get("lon"),
            order.get("lat"), str(order.get("point_key", "")), plan.id, str(order.get("moved_from", "")),
            str(order.get("moved_from_key", "")), order.get("moved_at"))


@service_action("read")
def list_units(ctx: ServiceContext) -> list[UnitRow]:
    with ctx.read() as s:
        units = list(s.scalars(select(Unit).where(Unit.station_id == ctx.station_id,
                                                  Unit.active.is_(True))
                               .order_by(Unit.call_sign)))
        return _rows(ctx, s, units)


@service_action("unit.update")
def set_unit_status(ctx: ServiceContext, unit_id: int, status: str, *,
                    expected_version: int | None = None) -> UnitRow:
    """Put a unit on or off duty, or back to available after returning.

    A unit on an incident changes state through the incident's steps instead, so that its
    state and the incident's history never disagree.
    """
    if status not in UNIT_STATES:
        raise ValidationError(f"'{status}' is not a unit state (one of: {', '.join(UNIT_STATES)})",
                              field="status")
    if status not in MANUAL_STATES:
        raise ValidationError(f"'{status}' follows the incident's steps; dispatch or advance instead",
                              field="status")
    with ctx.uow() as uow:
        unit = uow.get(Unit, unit_id, expected_version=expected_version)
        if not unit.active:
            raise ValidationError(f"{unit.call_sign} is out of service; the chief reinstates it "
                                  "on the roster (Units…)", field="status")
        if unit.current_incident_id is not None and status != unit.status:
            inc = uow.session.get(Incident, unit.current_incident_id)
            raise ValidationError(
                f"{unit.call_sign} is on incident {inc.number if inc else unit.current_incident_id}; "
                "clear it from the incident first", field="status",
            )
        if unit.status != status:
            uow.update_as("status", "unit.status", "unit", unit, status=status,
                       status_since=uow.now)
        change = uow.commit()
        return _rows(ctx, uow.session, [unit], change)[0]


@service_action("unit.update")
def update_unit_position(ctx: ServiceContext, unit_id: int, lon: float, lat: float,
                         *, at: datetime | None = None) -> UnitRow:
    """A position report (GPS or radio). Not versioned: the newest report simply wins, and a
    report older than the stored one is ignored, so out-of-order reports do no harm."""
    for name, value, low, high in (("lon", lon, -180, 180), ("lat", lat, -90, 90)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise ValidationError(f"'{value}' is not within {low}..{high}", field=name)
    with ctx.uow() as uow:
        unit = uow.get(Unit, unit_id)
        when = at or uow.now
        # A retired unit's terminal may still report: it is off the map, so its fixes are dropped.
        if unit.active and (unit.position_at is None or when >= unit.position_at):
            # Positions stream in every few seconds: announced, not audited, and written without
            # bumping the version, so a report never makes a dispatcher's edit of the unit stale.
            uow.session.execute(
                update(Unit).where(Unit.id == unit.id)
                .values(lon=float(lon), lat=float(lat), position_at=when)
                .execution_options(synchronize_session=False)
            )
            uow.session.refresh(unit)
            uow.changed("unit", unit.id, "moved")
            if unit.status == "returning" and distance_m(lon, lat, unit.home_lon, unit.home_lat) <= HOME_RADIUS_M:
                # Back at its post: ready again without anyone having to click.
                uow.update_as("status", "unit.back_at_post", "unit", unit, status="available",
                           status_since=when)
        change = uow.commit()
        return _rows(ctx, uow.session, [unit], change)[0]
