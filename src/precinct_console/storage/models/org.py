"""Stations, posts, the three grid levels with their people, patrol zones, key sites, categories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, StationScoped, Versioned


class Station(IdMixin, Base):
    """A police station (派出所) or a post (警务站) of a branch; the root of every scoped row."""

    __tablename__ = "stations"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="station")  # station | post
    branch: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(default=False)


class Post(IdMixin, StationScoped, Base):
    """A fixed point with standing forces: a post (警务站) or a police room (警务室)."""

    __tablename__ = "posts"
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="post")  # post | police_room
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    phone: Mapped[str] = mapped_column(String(40), default="")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class Grid(IdMixin, StationScoped, Versioned, Base):
    """One cell of the three grid levels: 1 district (警务区/大网格), 2 small grid, 3 micro grid."""

    __tablename__ = "grids"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS84 lon/lat.
    geometry: Mapped[dict[str, Any]] = mapped_column()
    area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class GridPerson(IdMixin, StationScoped, Base):
    """Someone responsible for a grid, as printed on its public notice board (公示牌)."""

    __tablename__ = "grid_people"
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    # community_officer | auxiliary | grid_leader | grid_worker
    role: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))


class PatrolZone(IdMixin, StationScoped, Base):
    """A patrol zone (巡区) or a key zone (重点区域) used by the tiers-of-place profile."""

    __tablename__ = "patrol_zones"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="patrol")  # patrol | key_zone
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_zones.id"))
    geometry: Mapped[dict[str, Any]] = mapped_column()
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class KeySite(IdMixin, StationScoped, Base):
    """A key site (重点部位): school, hospital, bank, market, transport station..."""

    __tablename__ = "key_sites"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    address: Mapped[str] = mapped_column(String(200), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    target_minutes: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("station_id", "code"),)


class Category(Base):
    """Incident category code tree (类别/类型/细类); shared by every station of a database."""

    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    level: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    pinyin_initials: Mapped[str] = mapped_column(String(40), default="")
    default_priority: Mapped[int] = mapped_column(Integer, default=2)
    needs_reinforcement: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
