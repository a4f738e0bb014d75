"""Saved views: a user's named filters of a panel (the board's "my night view"), kept in the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ..domain.errors import NotFound, ValidationError
from ..storage.models import SavedView
from .context import ServiceContext, service_action

MAX_NAME = 60
RECENT_DAYS = 365


@dataclass(frozen=True)
class SavedViewInfo:
    id: int
    panel: str
    name: str
    definition: dict[str, Any]
    note: str


def _info(v: SavedView) -> SavedViewInfo:
    return SavedViewInfo(v.id, v.panel, v.name, dict(v.definition or {}), v.note)


def _user_id(ctx: ServiceContext) -> int:
    if ctx.actor.user_id is None:
        raise ValidationError("only a signed-in user can keep saved views", field="user")
    return ctx.actor.user_id


@service_action("read")
def list_views(ctx: ServiceContext, panel: str) -> list[SavedViewInfo]:
    """The signed-in user's saved views of one panel, by name."""
    if ctx.actor.user_id is None:
        return []
    with ctx.read() as s:
        rows = s.scalars(
            select(SavedView)
            .where(SavedView.user_id == ctx.actor.user_id, SavedView.panel == panel)
            .order_by(SavedView.name)
        )
        return [_info(v) for v in rows]


@service_action("view.save")
def save_view(ctx: ServiceContext, panel: str, name: str, definition: Mapping[str, Any],
              note: str = "") -> SavedViewInfo:
    """Create the view, or replace the definition of the user's view of the same name."""
    user_id = _user_id(ctx)
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(f"must be 1-{MAX_NAME} characters", field="name")
    if not panel.strip():
        raise ValidationError("must name the panel", field="panel")
    if not isinstance(definition, Mapping):
        raise ValidationError("must be an object", field="definition")
    with ctx.uow() as uow:
        existing = uow.session.scalar(
            select(SavedView).where(SavedView.user_id == user_id, SavedView.panel == panel,
                                    SavedView.name == name)
        )
        if existing is None:
            view = uow.add("view.save", "saved_view", SavedView(
                user_id=user_id, panel=panel, name=name, definition=dict(definition), note=note))
        else:
            view = uow.update("view.save", "saved_view", existing, definition=dict(definition),
                              note=note)
        info = _info(view)
        uow.commit()
    return info


@service_action("view.save")
def delete_view(ctx: ServiceContext, view_id: int) -> None:
    user_id = _user_id(ctx)
    with ctx.uow() as uow:
        view = uow.session.get(SavedView, view_id)
        if view is None or view.user_id != user_id:
            raise NotFound(f"saved view {view_id} does not exist")
        uow.audit("view.delete", "saved_view", view.id, {"name": view.name, "panel": view.panel}, None)
        uow.changed("saved_view", view.id, "deleted")
        uow.session.delete(view)
        uow.commit()


# -- address completion ---------------------------------------------------------------------
@dataclass(frozen=True)
class PastAddress:
    """An address taken before, with where it was last located (intake completes from these)."""

    address: str
    lon: float | None
    lat: float | None
    grid_id: int | None
    times: int


@service_action("read")
def address_suggestions(ctx: ServiceContext, text: str, limit: int = 12) -> list[PastAddress]:
    """Past incident addresses of the station containing `text`, most used first."""
    from sqlalchemy import func

    from ..storage.models import Incident

    needle = text.strip()
    if len(needle) < 2:
        return []
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # The last year is what a dispatcher remembers; it also bounds the scan on a big history.
    since = ctx.clock() - timedelta(days=RECENT_DAYS)
    with ctx.read() as s:
        found = s.execute(
            select(Incident.address, func.count(Incident.id), func.max(Incident.id))
            .where(Incident.station_id == ctx.station_id, Incident.received_at >= since,
                   Incident.address.like(pattern, escape="\\"))
            .group_by(Incident.address)
            .order_by(func.count(Incident.id).desc(), Incident.address)
            .limit(max(1, min(limit, 50)))
        ).all()
        latest = {r[2] for r in found}
        where = {
            i.id: i for i in s.execute(
                select(Incident.id, Incident.lon, Incident.lat, Incident.grid_id)
                .where(Incident.id.in_(latest))
            )
        }
    out = []
    for address, times, last_id in found:
        w = where.get(last_id)
        out.append(PastAddress(address, w.lon if w else None, w.lat if w else None,
                               w.grid_id if w else None, int(times)))
    return out
