"""Patrol zones (巡区) and key zones (重点区域) drawn, renamed and redrawn one at a time on the map.

As with the map's points (map_points.py), a save goes through the GeoJSON import's checks and
upsert: an outline that crosses itself or overlaps a sibling zone is refused here as it is in
a file, by the form's field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..domain import geo
from ..domain.changes import Change
from ..domain.errors import ConflictError, NotFound, ValidationError
from ..storage.models import PatrolZone
from .context import ServiceContext, service_action
from .map_points import changed_by_another_seat, next_code, save_from_form

ZONE_FIRST_PREFIX = {"patrol": "XQ", "key_zone": "ZDQY"}  # 巡区, 重点区域


@dataclass(frozen=True)
class ZoneForm:
    """What the zone form shows and sends."""

    code: str
    name: str
    kind: str = "patrol"  # patrol | key_zone
    parent_code: str = ""  # a patrol zone this one is a part of (四号巡区 for 四号巡区1段)
    # The boundary as GeoJSON: the stored one, or the outline just drawn (outline_geometry).
    geometry: dict[str, Any] | None = None

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {"layer": "patrol_zone", "code": self.code.strip(),
                                 "name": self.name.strip(), "kind": self.kind}
        if self.parent_code:
            props["parent"] = self.parent_code
        return props


def outline_geometry(outline: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """A Polygon from the corners clicked on the map (lon, lat), closed here."""
    ring = [[float(lon), float(lat)] for lon, lat in outline]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def _zone(s: Any, ctx: ServiceContext, zone_id: int) -> PatrolZone:
    row = s.get(PatrolZone, zone_id)
    if row is None or row.station_id != ctx.station_id:
        raise NotFound(f"patrol zone {zone_id} does not exist")
    return row


def _form_of(s: Any, row: PatrolZone) -> ZoneForm:
    parent = s.get(PatrolZone, row.parent_id) if row.parent_id else None
    return ZoneForm(row.code, row.name, row.kind, parent.code if parent is not None else "",
                    row.geometry)


@service_action("read")
def zone_form(ctx: ServiceContext, zone_id: int) -> ZoneForm:
    """The stored zone as the form edits it."""
    with ctx.read() as s:
        return _form_of(s, _zone(s, ctx, zone_id))


@service_action("read")
def zone_choices(ctx: ServiceContext) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A free code for a new zone of each kind, and the patrol zones one may be a part of
    (code, name)."""
    with ctx.read() as s:
        rows = s.execute(select(PatrolZone.code, PatrolZone.name, PatrolZone.kind)
                         .where(PatrolZone.station_id == ctx.station_id)
                         .order_by(PatrolZone.code)).all()
    taken = {code for code, _name, _kind in rows}
    codes = {kind: next_code([c for c, _n, k in rows if k == kind], taken, prefix)
             for kind, prefix in ZONE_FIRST_PREFIX.items()}
    return codes, [(code, name) for code, name, kind in rows if kind == "patrol"]


def _changed_since(s: Any, row: PatrolZone, expected: ZoneForm | None) -> ConflictError | None:
    if expected is None:
        return None
    stored = _form_of(s, row)
    if stored == expected:
        return None
    changed = {"name": stored.name != expected.name, "kind": stored.kind != expected.kind,
               "parent": stored.parent_code != expected.parent_code,
               "geometry": stored.geometry != expected.geometry}
    return changed_by_another_seat(s, "patrol_zone", row, [k for k, c in changed.items() if c],
                                   stored)


@service_action("geometry.import")
def save_zone(ctx: ServiceContext, form: ZoneForm, zone_id: int | None = None, *,
              expected: ZoneForm | None = None) -> Change:
    """Add a zone (zone_id None) or change a stored one, checked as the GeoJSON import checks
    it; a refusal names the form's fields and writes nothing. `expected` is the zone as the
    form was opened on it: changed by another seat since, the save is refused (a conflict)."""
    if form.geometry is None:
        raise ValidationError("draw the zone's outline on the map", field="geometry")
    feature = geo.feature(form.geometry, form.properties())
    return save_from_form(ctx, feature, "patrol_zone", PatrolZone, form.code.strip(), zone_id,
                          stale=lambda s, row: _changed_since(s, row, expected))


__all__ = ["ZoneForm", "outline_geometry", "save_zone", "zone_choices", "zone_form"]
