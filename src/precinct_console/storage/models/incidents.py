"""Incidents (警情) with their life-cycle history, dispatches of units, alerts and handovers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, IdMixin, StationScoped, Versioned


class Incident(IdMixin, StationScoped, Versioned, Base):
    """An incident; the life-cycle columns are a projection of its append-only events."""

    __tablename__ = "incidents"
    number: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)  # 1 urgent .. 3 routine
    status: Mapped[str] = mapped_column(String(16), index=True)
    caller_name: Mapped[str] = mapped_column(String(60), default="")
    # Looked up by (station, phone, time) and (station, address, time): see __table_args__.
    caller_phone: Mapped[str] = mapped_column(String(40), default="")
    caller_id_number: Mapped[str] = mapped_column(String(24), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    needs_reinforcement: Mapped[bool] = mapped_column(default=False)
    # key_site | key_zone | other: fixed at intake, read by the tiers-of-place response profile.
    place_tier: Mapped[str] = mapped_column(String(12), default="other")
    received_at: Mapped[datetime] = mapped_column(index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column()
    signed_at: Mapped[datetime | None] = mapped_column()
    set_off_at: Mapped[datetime | None] = mapped_column()
    arrived_at: Mapped[datetime | None] = mapped_column()
    reinforcement_arrived_at: Mapped[datetime | None] = mapped_column()
    handled_at: Mapped[datetime | None] = mapped_column()
    fed_back_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Kept through a reopening (handled_at is not): the live timers of a reopened incident end
    # where its response ended, not a day later (domain.lifecycle.first_handled_at).
    first_handled_at: Mapped[datetime | None] = mapped_column()
    # The same for the feedback and closing, which decide the feedback target (migration 0004).
    first_fed_back_at: Mapped[datetime | None] = mapped_column()
    first_closed_at: Mapped[datetime | None] = mapped_column()
    # Repeat flags (一人多警 / 一地多警 / 一事多警) set at intake.
    repeat_caller: Mapped[bool] = mapped_column(default=False)
    repeat_place: Mapped[bool] = mapped_column(default=False)
    repeat_matter: Mapped[bool] = mapped_column(default=False)
    linked_to_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    call_taker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handling_summary: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(60), default="")
    people_rescued: Mapped[int] = mapped_column(Integer, default=0)
    people_injured: Mapped[int] = mapped_column(Integer, default=0)
    people_arrested: Mapped[int] = mapped_column(Integer, default=0)
    transferred_to: Mapped[str] = mapped_column(String(120), default="")
    needs_revisit: Mapped[bool] = mapped_column(default=False)
    __table_args__ = (
        UniqueConstraint("station_id", "number"),
        Index("ix_incidents_station_open", "station_id", "closed_at"),
        # Every per-station time window (repeat checks at intake, history, ledgers) uses it;
        # with the station index alone SQLite scans the station's whole history. The position
        # rides along so intake's same-place look-up reads the window from the index alone.
        Index("ix_incidents_station_received", "station_id", "received_at", "lat", "lon"),
        # Intake's repeat look-ups (same caller, same matter, same address): one short range
        # each, however long the history and however busy the window.
        Index("ix_incidents_station_phone_received", "station_id", "caller_phone", "received_at"),
        Index("ix_incidents_station_category_received", "station_id", "category_code", "received_at"),
        Index("ix_incidents_station_address_received", "station_id", "address", "received_at"),
    )


class IncidentEvent(IdMixin, StationScoped, Base):
    """One step of an incident's life: never updated, corrections are new events."""

    __tablename__ = "incident_events"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # received|dispatched|signed|set_off|arrived|reinforcement_arrived|handled|fed_back|closed|
    # reopened|correction|note|linked_call
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(60), default="")
    workstation: Mapped[str] = mapped_column(String(80), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    corrects_event_id: Mapped[int | None] = mapped_column(ForeignKey("incident_events.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Dispatch(IdMixin, StationScoped, Versioned, Base):
    """A unit sent to an incident, with the unit's own step times."""

    __tablename__ = "dispatches"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="first")  # first | reinforcement
    dispatched_at: Mapped[datetime] = mapped_column()
    signed_at: Mapped[datetime | None] = mapped_column()
    set_off_at: Mapped[datetime | None] = mapped_column()
    arrived_at: Mapped[datetime | None] = mapped_column()
    cleared_at: Mapped[datetime | None] = mapped_column()
    dispatched_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    officers: Mapped[str] = mapped_column(String(200), default="")
    auxiliaries: Mapped[int] = mapped_column(Integer, default=0)
    vehicles: Mapped[int] = mapped_column(Integer, default=1)


class Alert(IdMixin, StationScoped, Base):
    """A near-breach or breach of a response target, an overdue task, or a unit due to set out
    for a timed duty of its patrol order, and its acknowledgement."""

    __tablename__ = "alerts"
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    # A timed duty's reminder: the unit, when the duty begins (which, with the unit, names the
    # duty), when the unit had to leave as the alert was raised, and the duty as the plan lists
    # it ("08:00-08:30 实验小学护学岗（早）"), kept as written so the record reads the same if
    # the plan changes later.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column()
    leave_by: Mapped[datetime | None] = mapped_column()
    subject: Mapped[str] = mapped_column(String(160), default="")
    target: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(8))  # near | breach
    raised_at: Mapped[datetime] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (UniqueConstraint("incident_id", "task_id", "target", "level"),
                      UniqueConstraint("unit_id", "due_at", "target", "level"))


class HandoverReport(IdMixin, StationScoped, Versioned, Base):
    """Shift handover (交接班) report, signed by the outgoing and incoming duty officers."""

    __tablename__ = "handover_reports"
    shift_start: Mapped[datetime] = mapped_column()
    shift_end: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    outgoing_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outgoing_signed_at: Mapped[datetime | None] = mapped_column()
    incoming_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    incoming_signed_at: Mapped[datetime | None] = mapped_column()


class IncidentCounter(Base):
    """Per-station, per-day sequence for incident numbers (row-locked while numbering)."""

    __tablename__ = "incident_counters"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(BigId, default=0)
