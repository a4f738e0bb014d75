"""Small reference tables a ledger resolves ids against, loaded once per export (not per row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.categories import CHANNELS
from ...storage.models import Category, Grid, Officer, Post, Station, Unit, User
from .columns import Scope

STATUS_ZH = {
    "received": "已接警", "dispatched": "已派警", "signed": "已签收", "set_off": "已出警",
    "arrived": "已到场", "handled": "处置完毕", "fed_back": "已反馈", "closed": "已归档",
}
PRIORITY_ZH = {1: "紧急", 2: "一般", 3: "普通"}
TASK_STATUS_ZH = {"sent": "待签收", "signed": "已签收", "fed_back": "已反馈", "closed": "已办结",
                  "returned": "已退回"}
DISPUTE_STATUS_ZH = {"open": "未化解", "mediating": "调处中", "resolved": "已化解"}
RISK_ZH = {"low": "低", "medium": "中", "high": "高"}
DUTY_ZH = {"patrol": "巡逻", "desk": "值班", "post": "驻站", "standby": "备勤", "leave": "休假",
           "training": "培训", "command": "指挥", "community": "社区"}
OFFICER_KIND_ZH = {"officer": "民警", "auxiliary": "辅警"}


def channel_zh(code: str) -> str:
    return CHANNELS.get(code, (code, code))[0]


@dataclass
class Lookups:
    now: datetime
    mask: bool = True  # personal numbers inside free-form fields are masked too
    stations: dict[int, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    grids: dict[int, tuple[str, int, int | None]] = field(default_factory=dict)  # name, level, parent
    users: dict[int, str] = field(default_factory=dict)
    officers: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    posts: dict[int, str] = field(default_factory=dict)
    exporter: str = ""  # who exports, by name (not login): a roster names its 制表人

    @classmethod
    def load(cls, s: Session, scope: Scope, now: datetime, mask: bool = True) -> Lookups:
        st = scope.station_ids
        lk = cls(now, mask)
        lk.stations = {k: v for k, v in s.execute(select(Station.id, Station.name).where(Station.id.in_(st)))}
        lk.categories = {k: v for k, v in s.execute(select(Category.code, Category.name_zh))}
        lk.grids = {
            r.id: (r.name, r.level, r.parent_id)
            for r in s.execute(select(Grid.id, Grid.name, Grid.level, Grid.parent_id)
                               .where(Grid.station_id.in_(st)))
        }
        lk.users = {k: v for k, v in s.execute(select(User.id, User.display_name))}
        lk.officers = {k: v for k, v in s.execute(select(Officer.id, Officer.name).where(Officer.station_id.in_(st)))}
        lk.units = {k: v for k, v in s.execute(select(Unit.id, Unit.call_sign).where(Unit.station_id.in_(st)))}
        lk.posts = {k: v for k, v in s.execute(select(Post.id, Post.name).where(Post.station_id.in_(st)))}
        return lk

    def category_levels(self, code: str | None) -> tuple[str, str, str]:
        """(类别, 类型, 细类) names of a category code; missing levels are empty."""
        if not code:
            return "", "", ""
        names = [self.categories.get(code[: i * 2], "") for i in (1, 2, 3)]
        return names[0], names[1] if len(code) >= 4 else "", names[2] if len(code) >= 6 else ""

    def grid_name(self, grid_id: int | None) -> str:
        return self.grids[grid_id][0] if grid_id in self.grids else ""

    def district_of(self, grid_id: int | None) -> int | None:
        """The police district (level-1 grid) a grid lies in."""
        seen = 0
        while grid_id is not None and grid_id in self.grids and seen < 5:
            _name, level, parent = self.grids[grid_id]
            if level <= 1 or parent is None:
                return grid_id
            grid_id = parent
            seen += 1
        return grid_id

    def district_name(self, grid_id: int | None) -> str:
        return self.grid_name(self.district_of(grid_id))


def grids_under(s: Session, district_id: int) -> tuple[int, ...]:
    """A district and every grid below it (small and micro grids)."""
    found = {district_id}
    frontier = {district_id}
    while frontier:
        children = set(s.scalars(select(Grid.id).where(Grid.parent_id.in_(frontier))))
        frontier = children - found
        found |= children
    return tuple(sorted(found))
