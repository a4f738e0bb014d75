"""Posts, key sites and must-patrol points placed and edited one at a time from the map.

A point saved here goes through the GeoJSON import's checks and upsert, so a form and a file
can never disagree on what a valid point is; only the wording of a refusal differs (a form has
fields, not numbered features).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from sqlalchemy import desc, select

from ..domain import geo
from ..domain.changes import Change, ChangeItem
from ..domain.clock import local
from ..domain.daily_window import ALL_DAY
from ..domain.errors import ConflictError, NotFound, ValidationError, ValidationErrors
from ..storage.models import AuditEntry, KeySite, PatrolPoint, Post
from .context import ServiceContext, service_action
from .geometry import MAP_LOCK, import_in

POINT_LAYERS = ("post", "key_site", "patrol_point")
_MODELS: dict[str, Any] = {"post": Post, "key_site": KeySite, "patrol_point": PatrolPoint}
# A station's first point of a kind gets the code the public-security standard forms use.
_FIRST_PREFIX = {("post", "post"): "JWZ", ("post", "police_room"): "JWS", ("key_site", ""): "ZD",
                 ("patrol_point", ""): "BX"}
_CODE = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class PointForm:
    """What the map's point form shows and sends: one post, key site or must-patrol point."""

    layer: str  # post | key_site | patrol_point
    code: str
    name: str
    lon: float
    lat: float
    kind: str = ""  # post | police_room; a key site's kind (school, hospital...)
    address: str = ""  # key sites
    phone: str = ""  # posts
    target_minutes: int = 1  # key sites: the ring a unit must be within
    window_start: str = ""  # must-patrol points; both empty: all day
    window_end: str = ""
    note: str = ""
    active: bool = True  # must-patrol points: unticked, it leaves the map and the plans

    def properties(self) -> dict[str, Any]:
        """The GeoJSON properties the import reads for this layer."""
        props: dict[str, Any] = {"layer": self.layer, "code": self.code.strip(),
                                 "name": self.name.strip()}
        if self.layer == "post":
            props.update(kind=self.kind, phone=self.phone.strip())
        elif self.layer == "key_site":
            props.update(kind=self.kind.strip(), address=self.address.strip(),
                         target_minutes=self.target_minutes)
        else:
            if self.window_start or self.window_end:
                props.update(window_start=self.window_start.strip(),
                             window_end=self.window_end.strip())
            props.update(note=self.note.strip(), active=self.active)
        return props


def _layer(layer: str) -> Any:
    if layer not in _MODELS:
        raise ValidationError(f"{layer!r} is not one of {', '.join(POINT_LAYERS)}", field="layer")
    return _MODELS[layer]


@service_action("read")
def point_form(ctx: ServiceContext, layer: str, point_id: int) -> PointForm:
    """The stored point as the form edits it."""
    model = _layer(layer)
    with ctx.read() as s:
        row = s.get(model, point_id)
        if row is None or row.station_id != ctx.station_id:
            raise NotFound(f"{layer} {point_id} does not exist")
        return _form_of(layer, row)


def _form_of(layer: str, row: Any) -> PointForm:
    common = dict(layer=layer, code=row.code, name=row.name, lon=row.lon, lat=row.lat)
    if layer == "post":
        return PointForm(**common, kind=row.kind, phone=row.phone)
    if layer == "key_site":
        return PointForm(**common, kind=row.kind, address=row.address,
                         target_minutes=row.target_minutes)
    all_day = (row.window_start, row.window_end) == ALL_DAY
    return PointForm(**common, window_start="" if all_day else row.window_start,
                     window_end="" if all_day else row.window_end, note=row.note,
                     active=row.active)


def _changed_since(s: Any, layer: str, row: Any, expected: PointForm | None) -> ConflictError | None:
    """The refusal when another seat saved the point after this form was opened (the last
    save would otherwise silently undo theirs), naming who changed what from the audit log."""
    if expected is None:  # no form to compare (a file, the command line)
        return None
    stored = _form_of(layer, row)
    if stored == expected:
        return None
    return changed_by_another_seat(s, layer, row, [f.name for f in dataclass_fields(PointForm)
                                                   if getattr(stored, f.name) != getattr(expected, f.name)],
                                   stored)


def changed_by_another_seat(s: Any, entity: str, row: Any, changed: list[str],
                            current: object) -> ConflictError:
    """A form's save refused because another seat saved the row since the form was opened:
    who, when and which fields, from the audit log (the zones' form says it the same way).
    current: the row's form as the check read it, what OK again, told of it, saves over."""
    last = s.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == row.id)
                     .order_by(desc(AuditEntry.id)).limit(1)).first()
    fields = ", ".join(changed)
    if last is None:
        return ConflictError(f"{row.code} {row.name} was changed by another seat since you opened it "
                             f"({fields}); your change was not saved: save again to put yours over it",
                             current=current)
    when = local(last.at).strftime("%H:%M:%S")  # station time, as every conflict says it
    return ConflictError(f"{row.code} {row.name} was changed by {last.username} at {last.workstation} "
                         f"({when}: {fields}) since you opened it; your change was not saved: "
                         "save again to put yours over it", current=current)


def next_code(codes: list[str], taken: set[str], first_prefix: str) -> str:
    numbered = [(m.group(1), m.group(2)) for m in map(_CODE.match, codes) if m]
    if numbered:
        prefix = Counter(p for p, _n in numbered).most_common(1)[0][0]
        width = max(len(n) for p, n in numbered if p == prefix)
        number = max(int(n) for p, n in numbered if p == prefix) + 1
    else:
        prefix, width, number = first_prefix, 2, 1
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


@service_action("read")
def suggested_codes(ctx: ServiceContext, layer: str) -> dict[str, str]:
    """A free code for a new point, by kind ("" for key sites and must-patrol points): the
    prefix most used by the station's points of that kind numbered on from the highest
    (JWS03 -> JWS04), or the usual prefix for the first one."""
    model = _layer(layer)
    with ctx.read() as s:
        rows = s.execute(select(model.code, model.kind if layer == "post" else model.code)
                         .where(model.station_id == ctx.station_id)).all()
    taken = {code for code, _kind in rows}
    if layer != "post":
        return {"": next_code(sorted(taken), taken, _FIRST_PREFIX[(layer, "")])}
    return {kind: next_code([c for c, k in rows if k == kind], taken, _FIRST_PREFIX[("post", kind)])
            for kind in ("post", "police_room")}


@service_action("geometry.import")
def save_point(ctx: ServiceContext, form: PointForm, point_id: int | None = None, *,
               expected: PointForm | None = None) -> Change:
    """Add a point (point_id None) or change a stored one, checked as the GeoJSON import checks
    it; a refusal names the form's fields and writes nothing. `expected` is the point as the
    form was opened on it: changed by another seat since, the save is refused (a conflict)."""
    model = _layer(form.layer)
    feature = geo.feature(geo.point_geometry(form.lon, form.lat), form.properties())
    return save_from_form(ctx, feature, form.layer, model, form.code.strip(), point_id,
                          stale=lambda s, row: _changed_since(s, form.layer, row, expected))


def save_from_form(ctx: ServiceContext, feature: dict[str, Any], layer: str, model: Any, code: str,
                   target_id: int | None, stale: Callable[[Any, Any], ConflictError | None]) -> Change:
    """A map form's save (a point, zone or line): a stored row keeps its code (the import
    matches by code, so a new one would add a second), a new one takes a free code, another
    seat's save since the form opened (`stale`) is refused; then the feature goes through the
    import, in the transaction that checked it. The stored row is held from the check to the
    commit (FOR UPDATE on PostgreSQL; a SQLite writer holds the database already): checked in a
    session of its own, two seats saving at once both passed and the later undid the earlier."""
    with ctx.uow() as uow:
        uow.lock_station(MAP_LOCK, ctx.station_id)  # a code found free stays free until commit
        s = uow.session
        if target_id is not None:
            row = s.get(model, target_id, with_for_update=True)
            if row is None or row.station_id != ctx.station_id:
                raise NotFound(f"{layer} {target_id} does not exist")
            if code != row.code:
                raise ValidationError("a stored point, zone or line keeps its code", field="code")
            conflict = stale(s, row)
            if conflict is not None:
                raise conflict
        else:
            same_code = s.scalar(select(model).where(model.station_id == ctx.station_id,
                                                     model.code == code))
            if same_code is not None:
                raise ValidationError(f"{code} is already the code of {same_code.name}", field="code")
        try:
            import_in(uow, ctx.station_id, geo.feature_collection([feature]), layer=layer)
        except ValidationErrors as exc:
            # "feature 1 (JWZ09), property 'name': is required" is the file's wording.
            raise ValidationErrors([ValidationError(p.bare_message, field=p.field)
                                    for p in exc.problems]) from None
        uow.commit()
        saved = s.scalar(select(model.id).where(model.station_id == ctx.station_id, model.code == code))
    return Change((ChangeItem(layer, saved, "created" if target_id is None else "updated"),))


__all__ = ["POINT_LAYERS", "PointForm", "point_form", "save_point", "suggested_codes"]
