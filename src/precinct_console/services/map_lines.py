"""Patrol lines (巡逻线路) drawn, edited and redrawn one at a time on the map.

As with the map's points and zones, a save goes through the GeoJSON import's checks and upsert,
and a refusal names the form's fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from sqlalchemy import select

from ..domain import geo
from ..domain.changes import Change
from ..domain.daily_window import ALL_DAY
from ..domain.errors import ConflictError, NotFound, ValidationError
from ..storage.models import PatrolLine
from .context import ServiceContext, service_action
from .map_points import changed_by_another_seat, next_code, save_from_form

FIRST_PREFIX = "XL"  # 巡逻线路


@dataclass(frozen=True)
class LineForm:
    """What the line form shows and sends."""

    code: str
    name: str
    geometry: dict[str, Any] | None = None  # GeoJSON LineString: the stored route or one just drawn
    window_start: str = ""  # both empty: patrolled all day
    window_end: str = ""
    note: str = ""
    active: bool = True

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {"layer": "patrol_line", "code": self.code.strip(),
                                 "name": self.name.strip(), "note": self.note.strip(),
                                 "active": self.active}
        if self.window_start or self.window_end:
            props.update(window_start=self.window_start.strip(), window_end=self.window_end.strip())
        return props


def route_geometry(corners: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """A LineString from the corners clicked on the map (lon, lat), in order."""
    return {"type": "LineString", "coordinates": [[float(lon), float(lat)] for lon, lat in corners]}


def _line(s: Any, ctx: ServiceContext, line_id: int) -> PatrolLine:
    row = s.get(PatrolLine, line_id)
    if row is None or row.station_id != ctx.station_id:
        raise NotFound(f"patrol line {line_id} does not exist")
    return row


def _form_of(row: PatrolLine) -> LineForm:
    all_day = (row.window_start, row.window_end) == ALL_DAY
    return LineForm(row.code, row.name, row.geometry, "" if all_day else row.window_start,
                    "" if all_day else row.window_end, row.note, row.active)


@service_action("read")
def line_form(ctx: ServiceContext, line_id: int) -> LineForm:
    """The stored line as the form edits it."""
    with ctx.read() as s:
        return _form_of(_line(s, ctx, line_id))


@service_action("read")
def suggested_line_code(ctx: ServiceContext) -> str:
    """The next free code of the station's own numbering of its lines (XL01 for the first)."""
    with ctx.read() as s:
        codes = sorted(s.scalars(select(PatrolLine.code).where(PatrolLine.station_id == ctx.station_id)))
    return next_code(codes, set(codes), FIRST_PREFIX)


def _changed_since(s: Any, row: PatrolLine, expected: LineForm | None) -> ConflictError | None:
    if expected is None:
        return None
    stored = _form_of(row)
    if stored == expected:
        return None
    return changed_by_another_seat(s, "patrol_line", row, [f.name for f in dataclass_fields(LineForm)
                                                           if getattr(stored, f.name) != getattr(expected, f.name)],
                                   stored)


@service_action("geometry.import")
def save_line(ctx: ServiceContext, form: LineForm, line_id: int | None = None, *,
              expected: LineForm | None = None) -> Change:
    """Add a line (line_id None) or change a stored one, checked as the GeoJSON import checks
    it; `expected` is the line as the form was opened on it (another seat's save since: refused)."""
    if form.geometry is None:
        raise ValidationError("draw the line's route on the map", field="geometry")
    feature = geo.feature(form.geometry, form.properties())
    return save_from_form(ctx, feature, "patrol_line", PatrolLine, form.code.strip(), line_id,
                          stale=lambda s, row: _changed_since(s, row, expected))


__all__ = ["LineForm", "line_form", "route_geometry", "save_line", "suggested_line_code"]
