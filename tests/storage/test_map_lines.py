"""Patrol lines drawn, edited and redrawn one at a time (the map's line form)."""

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
from precinct_console.services import geometry, map_data
from precinct_console.services.map_lines import (
    LineForm,
    line_form,
    route_geometry,
    save_line,
    suggested_line_code,
)
from precinct_console.storage.models import PatrolLine


def _route(*corners: tuple[float, float]) -> dict:
    return route_geometry([tuple(float(v) for v in geo.unproject_xy(x, y, *syn.ORIGIN)) for x, y in corners])


@pytest.fixture
def chief(db, make_ctx):
    geometry.import_geometry(make_ctx(Role.ADMIN), syn.jurisdiction())
    return make_ctx(Role.STATION_CHIEF)


def _line(db, code: str) -> PatrolLine:
    with db.sessions() as s:
        row = s.scalar(sa.select(PatrolLine).where(PatrolLine.code == code))
        s.expunge_all()
        return row


def test_a_drawn_line_is_stored_with_its_window_and_shown_and_codes_run_on(db, chief):
    assert suggested_line_code(chief) == "XL01"
    save_line(chief, LineForm("XL01", "夜市收市巡逻线", _route((0, 0), (500, 0), (500, 300)),
                              "22:00", "1:00", "收市清场"))
    line = _line(db, "XL01")
    assert (line.window_start, line.window_end, line.note) == ("22:00", "01:00", "收市清场")
    assert line.length_m == pytest.approx(800, rel=0.01)
    shown = {ln.code: ln for ln in map_data.map_layers(chief).patrol_lines}
    assert shown["XL01"].window == "22:00-01:00"
    assert suggested_line_code(chief) == "XL02"


def test_a_bad_line_is_refused_by_field_and_nothing_is_written(db, chief):
    with pytest.raises(ValidationErrors) as refused:
        save_line(chief, LineForm("XL01", "", _route((0, 0), (0, 0)), "22:00", ""))
    fields = {p.field for p in refused.value.problems}
    assert fields == {"name", "geometry", "window_end"}
    with pytest.raises(ValidationError) as no_route:
        save_line(chief, LineForm("XL01", "无走向"))
    assert no_route.value.field == "geometry"
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(PatrolLine)) == 0


def test_an_edit_keeps_the_route_a_redraw_changes_it_and_another_seats_save_is_not_undone(
        db, chief, make_ctx):
    save_line(chief, LineForm("XL01", "夜市巡逻线", _route((0, 0), (500, 0))))
    line_id = _line(db, "XL01").id
    form = line_form(chief, line_id)
    assert (form.window_start, form.window_end) == ("", "")  # all day
    save_line(chief, replace(form, name="夜市收市巡逻线", window_start="22:00", window_end="02:00"),
              line_id, expected=form)
    assert _line(db, "XL01").geometry == form.geometry
    form = line_form(chief, line_id)
    save_line(chief, replace(form, geometry=_route((0, 0), (500, 0), (500, 500))), line_id, expected=form)
    assert _line(db, "XL01").length_m == pytest.approx(1000, rel=0.01)
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    mine, theirs = line_form(chief, line_id), line_form(other, line_id)
    save_line(other, replace(theirs, active=False), line_id, expected=theirs)
    with pytest.raises(ConflictError) as refused:
        save_line(chief, replace(mine, note="加强"), line_id, expected=mine)
    assert "chief2 at seat-1" in str(refused.value) and "active)" in str(refused.value)
    assert _line(db, "XL01").note == ""
    with pytest.raises(PermissionDenied):
        save_line(make_ctx(Role.DUTY_OFFICER), replace(mine, note="x"), line_id)
