"""Users and roles, the append-only audit log, the change-feed outbox, settings and leases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, IdMixin, Versioned


class User(IdMixin, Versioned, Base):
    """An account; station_id is empty only for a branch-wide viewer or administrator."""

    __tablename__ = "users"
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(24))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    may_see_personal_data: Mapped[bool] = mapped_column(default=False)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()


class AuditEntry(Base):
    """Who did what, where and when, with before/after: written in the write's transaction."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(60))
    workstation: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None] = mapped_column(BigId, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()


class ChangeRecord(Base):
    """Outbox of the change feed: one row per changed entity, read by every listening seat."""

    __tablename__ = "change_feed"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    at: Mapped[datetime] = mapped_column()
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(24))
    username: Mapped[str] = mapped_column(String(60), default="")
    workstation: Mapped[str] = mapped_column(String(80), default="")


class Setting(Base):
    """A station's (or, with station 0, the database's) configurable value, e.g. the response profile."""

    __tablename__ = "settings"
    station_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column()


class Lease(Base):
    """A named lease so that only one workstation runs shared jobs (scheduled exports)."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column()


class SavedView(IdMixin, Base):
    """A saved board filter of one user."""

    __tablename__ = "saved_views"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    panel: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    definition: Mapped[dict[str, Any]] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("user_id", "panel", "name"),)
