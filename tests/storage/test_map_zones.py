"""Patrol zones and key zones drawn, renamed and redrawn one at a time (the map's zone form)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from precinct_console.domain import geo
from precinct_console.domain import geo_synthetic as syn
from precinct_console.domain.errors import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from precinct_console.domain.permissions import Role
from precinct_console.domain.travel import local_xy
from precinct_console.services import geometry, map_data
from precinct_console.services.map_zones import (
    ZoneForm,
    outline_geometry,
    save_zone,
    zone_choices,
    zone_form,
)
from precinct_console.storage.models import AuditEntry, PatrolZone


def _outline(*corners: tuple[float, float]) -> dict:
    """A drawn outline from corners in metres east and north of the synthetic district's origin."""
    return outline_geometry([tuple(float(v) for v in geo.unproject_xy(x, y, *syn.ORIGIN)) for x, y in corners])


SQUARE = ((0, 0), (800, 0), (800, 600), (0, 600))


@pytest.fixture
def chief(db, make_ctx):
    geometry.import_geometry(make_ctx(Role.ADMIN), syn.jurisdiction())
    return make_ctx(Role.STATION_CHIEF)


def _zone(db, code: str) -> PatrolZone:
    with db.sessions() as s:
        zone = s.scalar(sa.select(PatrolZone).where(PatrolZone.code == code))
        s.expunge_all()
        return zone


def test_a_drawn_zone_is_stored_with_its_centre_and_audited_and_codes_run_on(db, chief):
    codes, parents = zone_choices(chief)
    assert codes == {"patrol": "XQ01", "key_zone": "ZDQY01"} and parents == []
    change = save_zone(chief, ZoneForm("XQ01", "一号巡区", "patrol", "", _outline(*SQUARE)))
    zone = _zone(db, "XQ01")
    assert change.items[0].entity == "patrol_zone" and change.items[0].entity_id == zone.id
    # The allocation stands a unit at the centre of a patrol zone: it is the drawn square's.
    cx, cy = local_xy(zone.centroid_lon, zone.centroid_lat, *syn.ORIGIN)
    assert abs(cx - 400) < 1 and abs(cy - 300) < 1
    shown = {z.code: z for z in map_data.map_layers(chief).zones}
    assert abs(shown["XQ01"].area_m2 - 480_000) < 1_000
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                        .where(AuditEntry.entity == "patrol_zone", AuditEntry.action == "geometry.import")) == 1
    # A section of it, then the next codes of each kind.
    save_zone(chief, ZoneForm("XQ01-1", "一号巡区1段", "patrol", "XQ01",
                              _outline((0, 0), (400, 0), (400, 600), (0, 600))))
    assert _zone(db, "XQ01-1").parent_id == zone.id
    codes, parents = zone_choices(chief)
    assert codes["patrol"] == "XQ02" and ("XQ01", "一号巡区") in parents


def test_an_outline_that_crosses_itself_or_overlaps_a_sibling_is_refused_by_field(db, chief):
    save_zone(chief, ZoneForm("XQ01", "一号巡区", "patrol", "", _outline(*SQUARE)))
    bow_tie = _outline((1000, 0), (1800, 600), (1800, 0), (1000, 600))
    with pytest.raises(ValidationErrors) as refused:
        save_zone(chief, ZoneForm("XQ02", "二号巡区", "patrol", "", bow_tie))
    [problem] = refused.value.problems
    assert problem.field == "geometry" and "crosses itself" in str(problem)
    overlapping = _outline((700, 0), (1500, 0), (1500, 600), (700, 600))
    with pytest.raises(ValidationErrors) as refused:
        save_zone(chief, ZoneForm("XQ02", "", "patrol", "", overlapping))
    assert [p.field for p in refused.value.problems] == ["name"]
    with pytest.raises(ValidationErrors) as refused:
        save_zone(chief, ZoneForm("XQ02", "二号巡区", "patrol", "", overlapping))
    [problem] = refused.value.problems
    assert problem.field == "geometry" and "overlaps patrol zone 'XQ01' by 59,9" in str(problem)
    # A key zone may lie over a patrol zone (a school's surroundings inside a patrol zone).
    save_zone(chief, ZoneForm("ZDQY01", "学校周边", "key_zone", "", _outline((100, 100), (300, 100), (300, 300))))
    with pytest.raises(ValidationError) as refused_code:
        save_zone(chief, ZoneForm("XQ01", "重复", "patrol", "", _outline((3000, 0), (3500, 0), (3500, 500))))
    assert refused_code.value.field == "code" and "一号巡区" in str(refused_code.value)
    with pytest.raises(ValidationError) as no_outline:
        save_zone(chief, ZoneForm("XQ03", "三号巡区"))
    assert no_outline.value.field == "geometry"
    with db.sessions() as s:
        assert sorted(s.scalars(sa.select(PatrolZone.code))) == ["XQ01", "ZDQY01"]


def test_renamed_keeps_its_outline_redrawn_moves_its_centre(db, chief):
    save_zone(chief, ZoneForm("XQ01", "一号巡区", "patrol", "", _outline(*SQUARE)))
    zone_id = _zone(db, "XQ01").id
    form = zone_form(chief, zone_id)
    assert (form.code, form.name, form.kind, form.parent_code) == ("XQ01", "一号巡区", "patrol", "")
    save_zone(chief, replace(form, name="城关一号巡区"), zone_id, expected=form)
    renamed = _zone(db, "XQ01")
    assert renamed.name == "城关一号巡区" and renamed.geometry == form.geometry
    with pytest.raises(ValidationError) as refused:
        save_zone(chief, replace(zone_form(chief, zone_id), code="XQ09"), zone_id)
    assert refused.value.field == "code"
    form = zone_form(chief, zone_id)
    save_zone(chief, replace(form, geometry=_outline((0, 0), (1600, 0), (1600, 600), (0, 600))), zone_id,
              expected=form)
    cx, _cy = local_xy(_zone(db, "XQ01").centroid_lon, _zone(db, "XQ01").centroid_lat, *syn.ORIGIN)
    assert abs(cx - 800) < 1


def test_a_zone_another_seat_saved_since_the_form_opened_is_not_silently_overwritten(db, chief, make_ctx):
    save_zone(chief, ZoneForm("XQ01", "一号巡区", "patrol", "", _outline(*SQUARE)))
    zone_id = _zone(db, "XQ01").id
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    mine, theirs = zone_form(chief, zone_id), zone_form(other, zone_id)
    save_zone(other, replace(theirs, geometry=_outline((0, 0), (900, 0), (900, 600), (0, 600))), zone_id,
              expected=theirs)
    with pytest.raises(ConflictError) as refused:
        save_zone(chief, replace(mine, name="城关一号巡区"), zone_id, expected=mine)
    assert "chief2 at seat-1" in str(refused.value) and "geometry)" in str(refused.value)
    assert _zone(db, "XQ01").name == "一号巡区"


def test_only_a_chief_or_an_admin_draws_zones(db, chief, make_ctx):
    with pytest.raises(PermissionDenied):
        save_zone(make_ctx(Role.DUTY_OFFICER), ZoneForm("XQ01", "一号巡区", "patrol", "", _outline(*SQUARE)))
