"""Life-cycle actions: dispatch, each step, corrections and reopening, all as append-only events.

The incident's step columns (and each dispatch's unit times) are a projection of its events,
recomputed after every new event, so a correction is a new event and nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...domain.clock import shown
from ...domain.errors import ValidationError
from ...domain.lifecycle import (
    UNIT_STEPS,
    EventFact,
    Step,
    check_order,
    check_step,
    check_step_time,
    effective_events,
    project,
)
from ...storage.models import Dispatch, Incident, IncidentEvent, Officer, RosterEntry, Shift, Unit
from ...storage.uow import UnitOfWork
from ..context import ServiceContext, service_action
from .intake import IncidentDraft, PlaceResolver, _event, clean_draft
from .profile import profile_in
from .views import IncidentView, view_of

ROLES = ("first", "reinforcement")
# Unit state after each of its steps on an incident.
UNIT_STATE_AFTER = {"dispatched": "dispatched", "signed": "dispatched", "set_off": "en_route",
                    "arrived": "on_scene", "reinforcement_arrived": "on_scene"}
# Dispatch column each unit step stamps.
DISPATCH_COLUMN = {"signed": "signed_at", "set_off": "set_off_at", "arrived": "arrived_at",
                   "reinforcement_arrived": "arrived_at", "cleared": "cleared_at"}


def _load(uow: UnitOfWork, incident_id: int, expected_version: int | None) -> Incident:
    return uow.get(Incident, incident_id, expected_version=expected_version)


def _facts(uow: UnitOfWork, inc: Incident) -> list[EventFact]:
    return [
        EventFact(e.id, e.kind, e.at, e.unit_id, e.corrects_event_id, dict(e.payload or {}))
        for e in uow.session.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == inc.id).order_by(IncidentEvent.id)
        )
    ]


def _reproject(uow: UnitOfWork, inc: Incident, action: str, **extra: object) -> None:
    """Recompute the incident's columns and its dispatches' unit times from the events."""
    uow.session.flush()
    facts = _facts(uow, inc)
    proj = project(facts)
    check_order(proj)
    uow.update(action, "incident", inc, **proj.columns(), **extra)
    times: dict[int, dict[str, datetime | None]] = {}
    for e in effective_events(facts):
        did = e.payload.get("dispatch_id")
        col = DISPATCH_COLUMN.get(e.kind)
        if did is None or col is None:
            continue
        cur = times.setdefault(int(did), {}).get(col)
        times[int(did)][col] = e.at if cur is None or e.at < cur else cur
    for d in uow.session.scalars(select(Dispatch).where(Dispatch.incident_id == inc.id)):
        want = {c: times.get(d.id, {}).get(c) for c in ("signed_at", "set_off_at", "arrived_at")}
        # Clearing also happens on "handled" (no per-unit event), so it is only ever filled in.
        if times.get(d.id, {}).get("cleared_at") is not None:
            want["cleared_at"] = times[d.id]["cleared_at"]
        if any(getattr(d, k) != v for k, v in want.items()):
            uow.update(action, "dispatch", d, **want)


def _set_unit(uow: UnitOfWork, unit: Unit, status: str, incident_id: int | None, at: datetime,
              action: str) -> None:
    if unit.status == status and unit.current_incident_id == incident_id:
        return
    uow.update_as("status", action, "unit", unit, status=status, status_since=at,
               current_incident_id=incident_id)


@service_action("incident.dispatch")
def dispatch_unit(ctx: ServiceContext, incident_id: int, unit_id: int, *, role: str = "first",
                  expected_version: int | None = None) -> IncidentView:
    """Send a unit: a dispatch row, a 'dispatched' event, and the unit marked dispatched."""
    if role not in ROLES:
        raise ValidationError(f"'{role}' is not a role (first or reinforcement)", field="role")
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, expected_version)
        check_step(inc.status, Step.DISPATCHED)
        unit = uow.session.get(Unit, unit_id)
        if unit is None or unit.station_id != inc.station_id:
            raise ValidationError(f"unit {unit_id} does not exist in this station", field="unit_id")
        if not unit.active:
            raise ValidationError(f"{unit.call_sign} is out of service", field="unit_id")
        open_dispatch = uow.session.scalar(
            select(Dispatch.id).where(Dispatch.incident_id == inc.id, Dispatch.unit_id == unit.id,
                                      Dispatch.cleared_at.is_(None))
        )
        if open_dispatch is not None:
            raise ValidationError(f"{unit.call_sign} is already on this incident", field="unit_id")
        if unit.status not in ("available", "returning"):
            busy = ""
            if unit.current_incident_id:
                other = uow.session.get(Incident, unit.current_incident_id)
                busy = f" on incident {other.number}" if other else ""
            raise ValidationError(f"{unit.call_sign} is {unit.status.replace('_', ' ')}{busy}",
                                  field="unit_id")
        if role == "reinforcement" and uow.session.scalar(
                select(Dispatch.id).where(Dispatch.incident_id == inc.id, Dispatch.role == "first",
                                          (Dispatch.cleared_at.is_(None)) | (Dispatch.arrived_at.isnot(None)))
                .limit(1)) is None:
            # Reinforcement backs up a first unit: sent alone it reached the scene with no first
            # arrival recorded, so the incident could never be handled and the unit stayed there.
            raise ValidationError(f"no first unit is on incident {inc.number}: send one first; "
                                  "reinforcement backs up a unit already sent", field="role")
        now = uow.now
        crew = _crew(uow, unit.id, now)
        d = uow.add("incident.dispatch", "dispatch", Dispatch(
            station_id=inc.station_id, incident_id=inc.id, unit_id=unit.id, role=role,
            dispatched_at=now, dispatched_by=ctx.actor.user_id,
            vehicles=0 if unit.kind in ("foot", "drone") else 1,
            officers="、".join(n for n, k in crew if k == "officer")[:200],
            auxiliaries=sum(1 for _n, k in crew if k == "auxiliary"),
        ))
        _event(uow, inc, "dispatched", now, dispatch_id=d.id, role=role, call_sign=unit.call_sign).unit_id = unit.id
        _set_unit(uow, unit, "dispatched", inc.id, now, "incident.dispatch")
        _reproject(uow, inc, "incident.dispatch")
        change = uow.commit()
        return view_of(uow.session, inc, change)


def _crew(uow: UnitOfWork, unit_id: int, now: datetime) -> list[tuple[str, str]]:
    """(name, officer|auxiliary) rostered in the unit on the shift running now: the ledger's
    officers and auxiliaries sent."""
    return [(r.name, r.kind) for r in uow.session.execute(
        select(Officer.name, Officer.kind)
        .join(RosterEntry, RosterEntry.officer_id == Officer.id)
        .join(Shift, Shift.id == RosterEntry.shift_id)
        .where(RosterEntry.unit_id == unit_id, Shift.starts_at <= now, Shift.ends_at > now)
        .order_by(Officer.name)
    )]


def _pick_dispatch(uow: UnitOfWork, inc: Incident, step: Step, unit_id: int | None,
                   *, include_cleared: bool = False) -> Dispatch:
    """The dispatch a unit step applies to: the named unit's, or the only one waiting for it."""
    q = select(Dispatch).where(Dispatch.incident_id == inc.id).order_by(Dispatch.id.desc())
    if not include_cleared:
        q = q.where(Dispatch.cleared_at.is_(None))
    open_ = list(uow.session.scalars(q))
    if unit_id is not None:
        for d in open_:
            if d.unit_id == unit_id:
                if step is Step.REINFORCEMENT_ARRIVED and d.role != "reinforcement":
                    raise ValidationError("this unit was sent as the first unit, not as reinforcement",
                                          field="unit_id")
                return d
        raise ValidationError(f"unit {unit_id} is not on this incident", field="unit_id")
    column = DISPATCH_COLUMN[step.value]
    waiting = [d for d in open_ if getattr(d, column) is None]
    if step is Step.REINFORCEMENT_ARRIVED:
        waiting = [d for d in waiting if d.role == "reinforcement"]
    if len(waiting) == 1:
        return waiting[0]
    if not waiting:
        raise ValidationError(f"no unit on this incident is waiting for '{step.value}'", field="unit_id")
    raise ValidationError(f"{len(waiting)} units could take '{step.value}'; name the unit",
                          field="unit_id")


@service_action("incident.advance")
def advance_incident(
    ctx: ServiceContext, incident_id: int, step: str, *, at: datetime | None = None,
    unit_id: int | None = None, expected_version: int | None = None,
    summary: str | None = None, result: str | None = None,
) -> IncidentView:
    """Record the next step (signed, set_off, arrived, reinforcement_arrived, cleared, handled,
    fed_back, closed) at `at` (default now), stamped with operator and workstation.

    On a handled incident a unit step missed at the time (补录) can still be entered with its
    past time, up to the handling; it is marked late in the history.
    """
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, expected_version)
        if (inc.handled_at is not None and inc.closed_at is None and step in LATE_STEPS):
            return _late_entry(uow, inc, Step(step), at, unit_id)
        st = check_step(inc.status, step)
        if st is Step.DISPATCHED:
            raise ValidationError("use dispatch_unit to send a unit", field="step")
        now = uow.now
        when = at or now
        extra: dict[str, object] = {}
        if summary is not None:
            if len(summary) > 4000:
                raise ValidationError("is longer than 4000 characters", field="summary")
            extra["handling_summary"] = summary.strip()
        if result is not None:
            if len(result) > 60:
                raise ValidationError("is longer than 60 characters", field="result")
            extra["result"] = result.strip()
        if st in UNIT_STEPS:
            d = _pick_dispatch(uow, inc, st, unit_id)
            kind = st.value
            if st is Step.ARRIVED and d.role == "reinforcement":
                kind = Step.REINFORCEMENT_ARRIVED.value
            previous = max(t for t in (d.dispatched_at, d.signed_at, d.set_off_at) if t is not None)
            check_step_time(when, not_before=previous, now=now, what="the unit's previous step")
            ev = _event(uow, inc, kind, when, dispatch_id=d.id, summary=summary)
            ev.unit_id = d.unit_id
            unit = uow.session.get(Unit, d.unit_id)
            if unit is not None:
                if st is Step.CLEARED:
                    _set_unit(uow, unit, "returning" if d.set_off_at or d.arrived_at else "available",
                              None, when, "incident.advance")
                elif unit.current_incident_id == inc.id:
                    _set_unit(uow, unit, UNIT_STATE_AFTER[kind], inc.id, when, "incident.advance")
        else:
            latest = max(t for t in (inc.received_at, inc.dispatched_at, inc.signed_at, inc.set_off_at,
                                     inc.arrived_at, inc.reinforcement_arrived_at, inc.handled_at,
                                     inc.fed_back_at) if t is not None)
            check_step_time(when, not_before=latest, now=now, what="the incident's previous step")
            _event(uow, inc, st.value, when, summary=summary, result=result)
            if st is Step.HANDLED:
                _clear_all(uow, inc, when)
        _reproject(uow, inc, "incident.advance", **extra)
        change = uow.commit()
        return view_of(uow.session, inc, change)


LATE_STEPS = frozenset({"signed", "set_off", "arrived", "reinforcement_arrived"})


def _late_entry(uow: UnitOfWork, inc: Incident, st: Step, at: datetime | None,
                unit_id: int | None) -> IncidentView:
    if at is None:
        raise ValidationError("a step entered after handling needs the time it happened", field="at")
    assert inc.handled_at is not None
    d = _pick_dispatch(uow, inc, st, unit_id, include_cleared=True)
    kind = Step.REINFORCEMENT_ARRIVED.value if (
        st is Step.ARRIVED and d.role == "reinforcement") else st.value
    previous = max(t for t in (d.dispatched_at, d.signed_at, d.set_off_at) if t is not None)
    check_step_time(at, not_before=previous, now=uow.now, what="the unit's previous step")
    end = min(t for t in (d.cleared_at, inc.handled_at) if t is not None)
    if at > end:
        raise ValidationError(f"{shown(at)} is after the unit was cleared "
                              f"({shown(end)})", field="at")
    ev = _event(uow, inc, kind, at, dispatch_id=d.id, late=True)
    ev.unit_id = d.unit_id
    _reproject(uow, inc, "incident.advance")
    change = uow.commit()
    return view_of(uow.session, inc, change)


def _clear_all(uow: UnitOfWork, inc: Incident, when: datetime) -> None:
    """Handling the incident releases every unit still on it."""
    for d in uow.session.scalars(
        select(Dispatch).where(Dispatch.incident_id == inc.id, Dispatch.cleared_at.is_(None))
    ):
        ev = _event(uow, inc, "cleared", when, dispatch_id=d.id, auto=True)
        ev.unit_id = d.unit_id
        unit = uow.session.get(Unit, d.unit_id)
        if unit is not None and unit.current_incident_id == inc.id:
            _set_unit(uow, unit, "returning" if d.set_off_at or d.arrived_at else "available",
                      None, when, "incident.advance")


@service_action("incident.correct")
def correct_event(
    ctx: ServiceContext, incident_id: int, event_id: int, *, at: datetime | None = None,
    void: bool = False, reason: str, expected_version: int | None = None,
) -> IncidentView:
    """Correct a step's time (or void a step recorded by mistake) with a new correction event;
    the original stays in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the entry is corrected", field="reason")
    if at is None and not void:
        raise ValidationError("give the corrected time, or void the entry", field="at")
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, expected_version)
        ev = uow.session.get(IncidentEvent, event_id)
        if ev is None or ev.incident_id != inc.id:
            raise ValidationError(f"event {event_id} is not part of incident {inc.number}",
                                  field="event_id")
        if ev.kind in ("correction", "note", "reopened", "linked_call", "amended"):
            raise ValidationError(f"a '{ev.kind}' entry has no time to correct", field="event_id")
        if void and ev.kind in ("received", "dispatched"):
            raise ValidationError(
                f"a '{ev.kind}' entry cannot be voided; correct its time instead", field="void"
            )
        now = uow.now
        new_at = ev.at if void else at
        assert new_at is not None
        if new_at.tzinfo is None:
            raise ValidationError("must carry a time zone", field="at")
        if (new_at - now).total_seconds() > 60:
            raise ValidationError(f"{shown(new_at)} is in the future", field="at")
        fix = _event(uow, inc, "correction", new_at, reason=reason, void=void or None,
                     step=ev.kind, old_at=ev.at.isoformat(), dispatch_id=ev.payload.get("dispatch_id"))
        fix.corrects_event_id = ev.id
        fix.unit_id = ev.unit_id
        _reproject(uow, inc, "incident.correct")
        change = uow.commit()
        return view_of(uow.session, inc, change)


@service_action("incident.reopen")
def reopen_incident(ctx: ServiceContext, incident_id: int, reason: str, *,
                    expected_version: int | None = None) -> IncidentView:
    """Reopen a handled or closed incident: its closing steps no longer count, history stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the incident is reopened", field="reason")
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, expected_version)
        if inc.handled_at is None:
            raise ValidationError(f"incident {inc.number} is still open", field="incident_id")
        _event(uow, inc, "reopened", uow.now, reason=reason, was=inc.status)
        _reproject(uow, inc, "incident.reopen")
        change = uow.commit()
        return view_of(uow.session, inc, change)


@service_action("incident.advance")
def add_note(ctx: ServiceContext, incident_id: int, text: str) -> IncidentView:
    """A free-text note in the incident's history (what the caller added, what the unit said)."""
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError("must be 1-2000 characters", field="text")
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, None)
        ev = _event(uow, inc, "note", uow.now, text=text)
        uow.session.flush()
        uow.audit("incident.note", "incident", inc.id, None, {"event_id": ev.id, "text": text})
        uow.changed("incident", inc.id)
        change = uow.commit()
        return view_of(uow.session, inc, change)


# Intake fields a dispatcher may amend later (e.g. reclassified once the unit is on scene).
AMENDABLE = ("category_code", "priority", "address", "lon", "lat", "grid_id", "content",
             "caller_name", "caller_phone", "needs_reinforcement", "channel")


@service_action("incident.correct")
def amend_incident(ctx: ServiceContext, incident_id: int, *, reason: str,
                   expected_version: int | None = None, **changes: Any) -> IncidentView:
    """Change intake data (category, priority, place, caller...). The history keeps an
    'amended' entry with the values before and after and the reason."""
    unknown = [k for k in changes if k not in AMENDABLE]
    if unknown:
        raise ValidationError(f"cannot be amended (only: {', '.join(AMENDABLE)})", field=unknown[0])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the incident is amended", field="reason")
    with ctx.uow() as uow:
        inc = _load(uow, incident_id, expected_version)
        current = IncidentDraft(
            channel=inc.channel, category_code=inc.category_code, address=inc.address,
            caller_name=inc.caller_name, caller_phone=inc.caller_phone, content=inc.content,
            priority=inc.priority, lon=inc.lon, lat=inc.lat, grid_id=inc.grid_id,
            received_at=inc.received_at, needs_reinforcement=inc.needs_reinforcement,
        )
        moved = any(k in changes for k in ("lon", "lat")) and "grid_id" not in changes
        if moved:
            changes = {**changes, "grid_id": None}  # found again from the new coordinates
        draft = replace(current, **changes)
        c = clean_draft(ctx, uow.session, draft, max(uow.now, inc.received_at))
        values = {f.name: getattr(c, f.name) for f in fields(c) if f.name != "received_at"}
        if moved or "grid_id" in changes:
            radius = profile_in(uow.session, ctx.station_id).key_site_radius_m
            values["place_tier"] = PlaceResolver(uow.session, ctx.station_id, radius).tier(c.lon, c.lat)
        before = {k: getattr(inc, k) for k in values if getattr(inc, k) != values[k]}
        if not before:
            raise ValidationError("nothing would change", field=next(iter(changes), "changes"))
        after = {k: values[k] for k in before}
        _event(uow, inc, "amended", uow.now, reason=reason, before=before, after=after)
        uow.update("incident.amend", "incident", inc, **after)
        change = uow.commit()
        return view_of(uow.session, inc, change)
