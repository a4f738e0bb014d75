"""Follow-up tasks (派单) from a catalogue, their history, and the dispute register (矛盾纠纷)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, StationScoped, Versioned


class TaskTemplate(IdMixin, StationScoped, Versioned, Base):
    """A standard task of the catalogue: fields to fill, deadlines and default recipient."""

    __tablename__ = "task_templates"
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    sign_minutes: Mapped[int] = mapped_column(Integer, default=30)
    feedback_hours: Mapped[int] = mapped_column(Integer, default=24)
    fields: Mapped[list[Any]] = mapped_column(default=list)
    recipient_role: Mapped[str] = mapped_column(String(24), default="community_officer")
    active: Mapped[bool] = mapped_column(default=True)
    section: Mapped[str] = mapped_column(String(40), default="")  # catalogue heading
    description: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class Task(IdMixin, StationScoped, Versioned, Base):
    """A follow-up task sent to a community officer, with sign-off and feedback deadlines."""

    __tablename__ = "tasks"
    number: Mapped[str] = mapped_column(String(32))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("task_templates.id"))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    assignee_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    # sent | signed | fed_back | closed | returned
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sign_due_at: Mapped[datetime] = mapped_column()
    feedback_due_at: Mapped[datetime] = mapped_column()
    signed_at: Mapped[datetime | None] = mapped_column()
    fed_back_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    rule: Mapped[str] = mapped_column(String(60), default="")
    rule_reason: Mapped[str] = mapped_column(Text, default="")
    # Idempotency key of the automatic rule that created the task (one task per key and window).
    rule_key: Mapped[str] = mapped_column(String(160), default="", index=True)
    returned_at: Mapped[datetime | None] = mapped_column()
    feedback: Mapped[dict[str, Any]] = mapped_column(default=dict)
    __table_args__ = (UniqueConstraint("station_id", "number"),)


class TaskEvent(IdMixin, StationScoped, Base):
    """One step of a task: sent, signed, fed back, returned, verified, escalated."""

    __tablename__ = "task_events"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(60), default="")
    workstation: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Dispute(IdMixin, StationScoped, Versioned, Base):
    """A dispute (矛盾纠纷) followed until resolved."""

    __tablename__ = "disputes"
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    parties: Mapped[list[Any]] = mapped_column(default=list)
    kind: Mapped[str] = mapped_column(String(40), default="")
    grade: Mapped[str] = mapped_column(String(1), default="D")  # A (most serious) .. D
    risk: Mapped[str] = mapped_column(String(16), default="low")
    source: Mapped[str] = mapped_column(String(40), default="")
    responsible_unit: Mapped[str] = mapped_column(String(120), default="")
    responsible_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    mediation_method: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|mediating|resolved
    next_revisit_at: Mapped[datetime | None] = mapped_column()
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    incident_ids: Mapped[list[Any]] = mapped_column(default=list)  # every linked incident
    resolved_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("station_id", "number"),)


class DisputeNote(IdMixin, StationScoped, Base):
    """A progress note on a dispute (mediation, revisit, feedback)."""

    __tablename__ = "dispute_notes"
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    at: Mapped[datetime] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24), default="progress")
    text: Mapped[str] = mapped_column(Text, default="")
