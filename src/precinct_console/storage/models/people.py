"""Officers and auxiliaries, units and their crews, shift patterns, shifts and roster entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, StationScoped, Versioned


class Officer(IdMixin, StationScoped, Versioned, Base):
    """A police officer (民警) or an auxiliary (辅警)."""

    __tablename__ = "officers"
    badge: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(16), default="officer")  # officer | auxiliary
    rank: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[str] = mapped_column(String(40), default="patrol")
    team: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    id_number: Mapped[str] = mapped_column(String(24), default="")
    skills: Mapped[list[Any]] = mapped_column(default=list)
    licences: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (UniqueConstraint("station_id", "badge"),)


class Unit(IdMixin, StationScoped, Versioned, Base):
    """A dispatchable unit (patrol car, foot patrol, motorbike, drone) with its live state."""

    __tablename__ = "units"
    call_sign: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="car")  # car | foot | motorbike | ebike | drone
    seats: Mapped[int] = mapped_column(Integer, default=2)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    home_lon: Mapped[float] = mapped_column(Float)
    home_lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column()
    # available | dispatched | en_route | on_scene | returning | off_duty
    status: Mapped[str] = mapped_column(String(16), default="off_duty", index=True)
    status_since: Mapped[datetime | None] = mapped_column()
    current_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    # A retired unit (sold car, disbanded foot patrol) keeps its row for the history that names
    # it, but leaves the board, the dispatch suggestions, the allocation and new roster entries.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The station's standby car (备勤车): crewed only by standby shifts, never given to a patrol
    # team, even before any standby shift has ridden it (team_crews.standby_units).
    standby: Mapped[bool] = mapped_column(default=False, server_default=false())
    __table_args__ = (UniqueConstraint("station_id", "call_sign"),)


class ShiftPattern(IdMixin, StationScoped, Base):
    """How a station rotates: 24-hour duty, four teams on three shifts, three on two, standby."""

    __tablename__ = "shift_patterns"
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(24))  # duty_24h | four_three | three_two | standby
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Shift(IdMixin, StationScoped, Base):
    """One concrete shift with its start and end."""

    __tablename__ = "shifts"
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey("shift_patterns.id"))
    name: Mapped[str] = mapped_column(String(60))
    team: Mapped[str] = mapped_column(String(16), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    min_staff: Mapped[int] = mapped_column(Integer, default=0)
    # {"posts": {"<post id>": officers needed}}: per-post minimum staffing for this shift.
    requirements: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RosterEntry(IdMixin, StationScoped, Versioned, Base):
    """An officer on a shift: in a unit, at a post, on the desk, on standby, on leave or training."""

    __tablename__ = "roster_entries"
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    duty: Mapped[str] = mapped_column(String(16), default="patrol")
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("shift_id", "officer_id"),)


class PatrolPlan(IdMixin, StationScoped, Versioned, Base):
    """A proposed or accepted deployment of units for a shift (patrol allocation)."""

    __tablename__ = "patrol_plans"
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed|accepted|rejected
    created_at: Mapped[datetime] = mapped_column()
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignments: Mapped[list[Any]] = mapped_column(default=list)
    # The chief's constraints the plan was solved under (pins, zones, key sites).
    constraints: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by: Mapped[str] = mapped_column(String(60), default="")
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")


class MoveUpOrder(IdMixin, StationScoped, Base):
    """A duty officer's move-up (补位) order: between two plans, a free unit of the accepted plan
    sent to another of its points while others are out on calls.

    Rows are never changed: the latest order of a unit on a plan stands until the plan ends, and
    sending it back to its own point is one more order (back=True)."""

    __tablename__ = "move_up_orders"
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    point_key: Mapped[str] = mapped_column(String(80))
    point_name: Mapped[str] = mapped_column(String(160))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    back: Mapped[bool] = mapped_column(default=False)  # back to its own point in the plan
    ordered_at: Mapped[datetime] = mapped_column()
    ordered_by: Mapped[str] = mapped_column(String(60), default="")
    # The plan's 3-minute cover of its expected calls when ordered, and as the move would leave it.
    cover_before: Mapped[float | None] = mapped_column(Float)
    cover_after: Mapped[float | None] = mapped_column(Float)


class OfficerAbsence(IdMixin, StationScoped, Versioned, Base):
    """Leave (休假) or training (培训) that keeps an officer off the roster for a while."""

    __tablename__ = "officer_absences"
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # leave | training
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")


class PatrolPoint(IdMixin, StationScoped, Versioned, Base):
    """A must-patrol point (必巡点) with its daily time window (school dismissal, night market)."""

    __tablename__ = "patrol_points"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    window_start: Mapped[str] = mapped_column(String(5), default="00:00")  # local HH:MM
    window_end: Mapped[str] = mapped_column(String(5), default="24:00")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class PatrolLine(IdMixin, StationScoped, Versioned, Base):
    """A patrol line (巡逻线路) with its daily window: a route a unit patrols while it is open
    (the night market's streets at closing), given to a planned unit as a timed duty."""

    __tablename__ = "patrol_lines"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    geometry: Mapped[dict[str, Any]] = mapped_column()  # GeoJSON LineString, WGS84
    length_m: Mapped[float] = mapped_column(Float, default=0.0)
    window_start: Mapped[str] = mapped_column(String(5), default="00:00")  # local HH:MM
    window_end: Mapped[str] = mapped_column(String(5), default="24:00")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class PatrolLog(IdMixin, StationScoped, Base):
    """One patrol as the patrol ledger records it."""

    __tablename__ = "patrol_logs"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_zones.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    route: Mapped[str] = mapped_column(String(200), default="")
    officers: Mapped[str] = mapped_column(String(200), default="")
    people_checked: Mapped[int] = mapped_column(Integer, default=0)
    vehicles_checked: Mapped[int] = mapped_column(Integer, default=0)
    stakeouts: Mapped[int] = mapped_column(Integer, default=0)
    arrests: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text, default="")


class DutyCheck(IdMixin, StationScoped, Base):
    """Whether a unit was at a stretch of its timed duty (定时守点), as its live position showed
    once the duty was under way: the record the duty-keeping rate (到岗率) counts.

    One per unit and stretch. "kept" turns into "away" when the crew leaves before the end;
    "away" into "late" when it turns up after all (and back, should it leave again); a breach
    alert, once raised, stays. A crew whose unit sends no live position may be checked by the
    duty officer instead, by radio or video roll call (点名核实: source "roll_call", and by
    whom). Apart from the verdict, where the crew is now (there or not, since when) follows its
    position, or the last roll call, for the unit board. A stretch whose unit sent no live
    position and was not called has no check."""

    __tablename__ = "duty_checks"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)  # the stretch's start
    ends_at: Mapped[datetime] = mapped_column()  # and its end
    subject: Mapped[str] = mapped_column(String(160), default="")  # the duty as the plan lists it
    verdict: Mapped[str] = mapped_column(String(8))  # kept | late | away
    checked_at: Mapped[datetime] = mapped_column()
    # Off the point or the line when judged by position; none where a roll call judged it.
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(12), default="position")  # position | roll_call
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    there: Mapped[bool] = mapped_column()  # at the duty as last seen
    seen_at: Mapped[datetime] = mapped_column()  # since when it has been seen so
    __table_args__ = (UniqueConstraint("unit_id", "due_at"),)
