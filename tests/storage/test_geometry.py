"""Geometry import (atomic, upsert by code, audited), point-to-grid lookup, export, grid card, hot spots."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain import geo, geo_validation
from precinct_console.domain import geo_synthetic as syn
from precinct_console.domain.errors import PermissionDenied, ValidationErrors
from precinct_console.domain.permissions import Role
from precinct_console.services import geometry, hotspots, map_data
from precinct_console.storage.models import (
    AuditEntry,
    ChangeRecord,
    Grid,
    GridPerson,
    Incident,
    KeySite,
    Officer,
    PatrolLine,
    PatrolPoint,
    Post,
    Task,
)


def _full() -> dict:
    fc = syn.jurisdiction()
    fc["features"] += syn.key_sites_and_posts()
    return fc


def _count(db, model) -> int:
    with db.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def _xy(x: float, y: float) -> tuple[float, float]:
    lon, lat = geo.unproject_xy(x, y, *syn.ORIGIN)
    return float(lon), float(lat)


def test_import_writes_every_layer_with_people_and_locates_points(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    summary = geometry.import_geometry(ctx, _full())
    assert summary.created == {"grid": 84, "key_site": 4, "post": 2}
    assert "grid: 84 new, 0 updated" in summary.describe()
    with db.sessions() as s:
        micro = s.scalar(sa.select(Grid).where(Grid.code == "D01-S01-M01"))
        parent = s.get(Grid, micro.parent_id)
        assert parent.code == "D01-S01" and micro.level == 3
        assert micro.area_m2 == pytest.approx(200_000, rel=1e-3)
        people = s.scalars(sa.select(GridPerson).where(GridPerson.grid_id == micro.id)).all()
        assert {p.role for p in people} == {"community_officer", "auxiliary", "grid_leader"}
        # Key sites and posts land in the micro grid they stand in.
        school = s.scalar(sa.select(KeySite).where(KeySite.code == "K01"))
        assert school.grid_id == geometry.locate_grid(ctx, school.lon, school.lat)
        assert s.get(Grid, school.grid_id).level == 3
        assert s.scalar(sa.select(Post.kind).where(Post.code == "P02")) == "police_room"
        audits = s.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "geometry.import", AuditEntry.entity == "grid"))
        assert audits >= 84
        assert s.scalar(sa.select(sa.func.count(ChangeRecord.id)).where(ChangeRecord.entity == "grid")) >= 84


def test_a_broken_file_writes_nothing_and_lists_every_problem(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    fc = _full()
    fc["features"][3]["geometry"]["coordinates"][0].pop()  # unclosed
    fc["features"][-1]["properties"]["kind"] = "kiosk"
    with pytest.raises(ValidationErrors) as err:
        geometry.import_geometry(ctx, fc)
    assert len(err.value.problems) == 2
    assert "nothing was imported" in str(err.value)
    assert _count(db, Grid) == 0 and _count(db, KeySite) == 0 and _count(db, AuditEntry) == 0


def test_reimport_updates_by_code_and_only_audits_what_changed(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    geometry.import_geometry(ctx, _full())
    with db.sessions() as s:
        before_ids = dict(s.execute(sa.select(Grid.code, Grid.id)).all())
        audits_before = s.scalar(sa.select(sa.func.count(AuditEntry.id)))
    fc = _full()
    next(f for f in fc["features"] if f["properties"]["code"] == "D02")["properties"]["name"] = "东城警务区"
    summary = geometry.import_geometry(ctx, fc)
    assert summary.updated == {"grid": 1} and not summary.created
    assert summary.unchanged == {"grid": 83, "key_site": 4, "post": 2}
    assert "grid: 0 new, 1 updated, 83 unchanged" in summary.describe()
    with db.sessions() as s:
        assert dict(s.execute(sa.select(Grid.code, Grid.id)).all()) == before_ids
        new = s.scalars(sa.select(AuditEntry).where(AuditEntry.id > 0).order_by(AuditEntry.id)
                        .offset(audits_before)).all()
        assert [(a.entity, a.after) for a in new] == [("grid", {"name": "东城警务区"})]


def test_micro_grids_alone_import_against_stored_parents(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    fc = syn.jurisdiction()
    upper = dict(fc, features=[f for f in fc["features"] if f["properties"]["level"] < 3])
    micro = dict(fc, features=[f for f in fc["features"] if f["properties"]["level"] == 3])
    geometry.import_geometry(ctx, upper)
    assert geometry.import_geometry(ctx, micro).created == {"grid": 64}


def test_only_chief_and_admin_import_geometry(make_ctx):
    with pytest.raises(PermissionDenied):
        geometry.import_geometry(make_ctx(Role.DUTY_OFFICER), _full())
    assert geometry.import_geometry(make_ctx(Role.STATION_CHIEF), _full()).created["grid"] == 84


def test_import_from_a_file_with_a_bom_and_a_bad_file(db, make_ctx, tmp_path):
    ctx = make_ctx(Role.ADMIN)
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(_full(), ensure_ascii=False), encoding="utf-8-sig")
    assert geometry.import_geometry(ctx, path).created["grid"] == 84
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(Exception, match="is not JSON: line 1"):
        geometry.import_geometry(ctx, bad)


def test_lookup_is_exact_at_borders_and_corners(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    geometry.import_geometry(ctx, syn.jurisdiction())
    with db.sessions() as s:
        ids = dict(s.execute(sa.select(Grid.code, Grid.id)).all())
    # Micro grids are 500 x 400 m from (-2000, -1600); D01-S01-M01 spans x -2000..-1500.
    assert geometry.locate_grid(ctx, *_xy(-1500.01, -1500)) == ids["D01-S01-M01"]
    assert geometry.locate_grid(ctx, *_xy(-1499.99, -1500)) == ids["D01-S01-M02"]
    # Exactly on the shared border (and on a corner shared by four cells): always the same
    # answer, and one of the grids that meet there.
    on_edge = geometry.locate_grid(ctx, *_xy(-1500.0, -1500))
    assert on_edge in {ids["D01-S01-M01"], ids["D01-S01-M02"]}
    assert all(geometry.locate_grid(ctx, *_xy(-1500.0, -1500)) == on_edge for _ in range(3))
    corner = geometry.locate_grid(ctx, *_xy(-1500.0, -1200.0))
    assert corner in {ids[c] for c in ("D01-S01-M01", "D01-S01-M02", "D01-S01-M03", "D01-S01-M04")}
    # Outside the jurisdiction: no grid.
    assert geometry.locate_grid(ctx, *_xy(-2000.5, 0)) is None
    # Many at once agree with one at a time.
    pts = [_xy(x, y) for x in (-1999, -1000, 0.0, 1999) for y in (-1599, 0.0, 1599)]
    many = geometry.locate_grids(ctx, [p[0] for p in pts], [p[1] for p in pts])
    assert many == [geometry.locate_grid(ctx, *p) for p in pts]
    assert all(m is not None for m in many)


def test_lookup_sees_an_edit_at_once(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    geometry.import_geometry(ctx, syn.jurisdiction(micro=(1, 1)))
    with db.sessions() as s:
        before = geometry.locate_grid(ctx, *_xy(10, 10))
        assert s.get(Grid, before).code == "D04-S01-M01"
    geometry.import_geometry(ctx, syn.jurisdiction(micro=(2, 2)))
    with db.sessions() as s:
        assert s.get(Grid, geometry.locate_grid(ctx, *_xy(10, 10))).code == "D04-S01-M01"
        assert s.get(Grid, geometry.locate_grid(ctx, *_xy(600, 10))).code == "D04-S01-M02"


def test_export_round_trips(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    geometry.import_geometry(ctx, _full())
    out = geometry.export_geometry(make_ctx(Role.CLERK))
    assert len(out["features"]) == 90
    again = geo_validation.parse_features(out)
    assert len(again.grids) == 84 and len(again.sites) == 4 and len(again.posts) == 2
    summary = geometry.import_geometry(ctx, out)
    assert not summary.created and not summary.updated  # an export reads back as no change


def _incident(s, station_id, n, at, x, y, grid_id, category="0601", address="", status="received"):
    lon, lat = _xy(x, y)
    inc = Incident(station_id=station_id, number=f"T{n:05d}", channel="110", category_code=category,
                   status=status, address=address, lon=lon, lat=lat, grid_id=grid_id, received_at=at)
    s.add(inc)
    return inc


def test_grid_card_names_people_sites_incidents_and_open_tasks(db, make_ctx, clock, station):
    ctx = make_ctx(Role.DUTY_OFFICER)
    geometry.import_geometry(make_ctx(Role.ADMIN), _full())
    school_grid = geometry.locate_grid(ctx, *_xy(-1200, 700))
    with db.sessions() as s:
        g = s.get(Grid, school_grid)
        officer = Officer(station_id=station.id, badge="001234", name="周建国", phone="13900001111")
        s.add(officer)
        s.flush()
        for i in range(12):
            _incident(s, station.id, i, clock() - timedelta(days=i * 2), -1200, 690, g.id,
                      address="城关路120号")
        _incident(s, station.id, 99, clock() - timedelta(days=40), -1200, 690, g.id)
        s.add(Task(station_id=station.id, number="R1", title="回访纠纷当事人", grid_id=g.id,
                   assignee_officer_id=officer.id, status="sent", created_at=clock(),
                   sign_due_at=clock() + timedelta(minutes=30),
                   feedback_due_at=clock() - timedelta(hours=1)))
        s.add(Task(station_id=station.id, number="R2", title="已办结", grid_id=g.id, status="closed",
                   created_at=clock(), sign_due_at=clock(), feedback_due_at=clock()))
        s.commit()
        code, parent_id = g.code, g.parent_id
    card = map_data.grid_card(ctx, school_grid)
    assert card.code == code and card.level_name_zh == "微网格"
    assert card.parent_code == code.rsplit("-", 1)[0]
    assert card.area_m2 == pytest.approx(200_000, rel=1e-3)
    assert [p.role_zh for p in card.people] == ["社区民警", "辅警", "网格长"]
    assert all(p.phone for p in card.people)
    assert card.key_sites == (("K01", "实验小学", "school"),)
    assert len(card.recent_incidents) == 10 and card.incidents_30d == 12
    assert card.recent_incidents[0].number == "T00000"
    assert card.recent_incidents[0].status_label == "接警"
    assert [(t.number, t.assignee, t.overdue) for t in card.open_tasks] == [("R1", "周建国", True)]
    # A small grid counts its micro grids' incidents.
    assert map_data.grid_card(ctx, parent_id).incidents_30d == 12


def test_map_layers_are_in_local_metres_around_the_station(db, make_ctx):
    ctx = make_ctx(Role.DUTY_OFFICER)
    geometry.import_geometry(make_ctx(Role.ADMIN), _full())
    data = map_data.map_layers(ctx)
    assert [len(data.grids[lv]) for lv in (1, 2, 3)] == [4, 16, 64]
    assert data.bounds == pytest.approx((-2000, -1600, 2000, 1600), abs=1.0)
    first = data.grids[3][0]
    assert first.rings[0].shape == (5, 2)
    assert first.extent_m == pytest.approx(400, abs=1)
    assert {p.code for p in data.sites} == {"K01", "K02", "K03", "K04"}
    school = next(p for p in data.sites if p.code == "K01")
    assert (school.x, school.y) == pytest.approx((-1200, 700), abs=0.5)
    assert data.to_xy(school.lon, school.lat) == pytest.approx((school.x, school.y))


def test_search_finds_grids_sites_and_addresses(db, make_ctx, clock, station):
    ctx = make_ctx(Role.DUTY_OFFICER)
    geometry.import_geometry(make_ctx(Role.ADMIN), _full())
    with db.sessions() as s:
        _incident(s, station.id, 1, clock(), 100, 100, None, address="幸福小区3号楼")
        s.commit()
    assert [h.kind for h in map_data.search_places(ctx, "D01-S02")][:1] == ["grid"]
    assert [h.label for h in map_data.search_places(ctx, "医院")] == ["人民医院"]
    hits = map_data.search_places(ctx, "幸福小区")
    assert [(h.kind, h.label) for h in hits] == [("address", "幸福小区3号楼")]


def test_hotspots_count_grids_find_repeat_places_and_filter_hours(db, make_ctx, clock, station):
    ctx = make_ctx(Role.STATION_CHIEF)
    geometry.import_geometry(make_ctx(Role.ADMIN), _full())
    hot = geometry.locate_grid(ctx, *_xy(900, -500))
    with db.sessions() as s:
        # Five night-time disputes at one bar, one daytime theft across town.
        for d in range(5):
            at = (clock() - timedelta(days=d + 1)).replace(hour=14)  # 22:00 China time
            _incident(s, station.id, d, at, 900 + d, -500, hot, address="夜色酒吧")
        _incident(s, station.id, 50, clock() - timedelta(days=1), -1500, 1200,
                  geometry.locate_grid(ctx, *_xy(-1500, 1200)), category="0101")
        s.commit()
        district = s.get(Grid, s.get(Grid, s.get(Grid, hot).parent_id).parent_id).id
    since, until = clock() - timedelta(days=7), clock() + timedelta(hours=1)
    data = hotspots.hotspots(ctx, since, until)
    assert data.incidents == 6 and data.grid_counts[hot] == 5 and data.grid_counts[district] == 5
    assert [(p.label, p.count) for p in data.repeat_places] == [("夜色酒吧", 5)]
    # The density peaks at the bar.
    d = data.density
    iy, ix = divmod(int(d.values.argmax()), d.values.shape[1])
    assert (d.x0 + (ix + 0.5) * d.cell_m, d.y0 + (iy + 0.5) * d.cell_m) == pytest.approx((900, -500), abs=60)
    night = hotspots.hotspots(ctx, since, until, hours=(20, 6))
    assert night.incidents == 5
    thefts = hotspots.hotspots(ctx, since, until, category_prefix="01")
    assert thefts.incidents == 1 and not thefts.repeat_places


def test_grid_people_are_edited_audited_and_guarded_against_a_second_seat(db, make_ctx):
    from precinct_console.domain.errors import ConflictError

    chief = make_ctx(Role.STATION_CHIEF)
    geometry.import_geometry(make_ctx(Role.ADMIN), syn.jurisdiction())
    gid = geometry.find_grid(chief, "D01-S01-M01")
    shown = [{"role": p.role, "name": p.name, "phone": p.phone}
             for p in map_data.grid_card(chief, gid).people]
    new = [{"role": "community_officer", "name": "周建国", "phone": "139 0000 1111"},
           {"role": "grid_worker", "name": "孙丽", "phone": "0571-8888转12"}]
    change = geometry.set_grid_people(chief, gid, new, expected=shown)
    assert change.ids("grid") == {gid}
    card = map_data.grid_card(chief, gid)
    assert [(p.role_zh, p.name, p.phone) for p in card.people] == [
        ("社区民警", "周建国", "139 0000 1111"), ("网格员", "孙丽", "0571-8888转12")]
    with db.sessions() as s:
        entry = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "grid.people")).one()
        assert entry.before["people"] == shown and entry.after["people"] == new
    # A second seat still holding the old list is refused, not silently overwritten.
    with pytest.raises(ConflictError, match="changed by another seat") as refused:
        geometry.set_grid_people(chief, gid, shown, expected=shown)
    # Told of it, the editor's OK again saves over it: the refusal holds the list as it is now.
    assert refused.value.current == new
    geometry.set_grid_people(chief, gid, shown, expected=refused.value.current)
    assert [p.name for p in map_data.grid_card(chief, gid).people] == [p["name"] for p in shown]
    geometry.set_grid_people(chief, gid, new, expected=shown)
    # Bad rows are all named; nothing is written.
    with pytest.raises(ValidationErrors) as err:
        geometry.set_grid_people(chief, gid, [{"role": "boss", "name": "", "phone": "abc"}])
    assert [str(p) for p in err.value.problems] == [
        "row 1, field 'role': 'boss' is not one of community_officer, auxiliary, grid_leader, grid_worker",
        "row 1, field 'name': must be 1-60 characters",
        "row 1, field 'phone': 'abc' is not a phone number"]
    assert len(map_data.grid_card(chief, gid).people) == 2
    with pytest.raises(PermissionDenied):
        geometry.set_grid_people(make_ctx(Role.DUTY_OFFICER), gid, new)


def test_a_micro_grid_without_its_own_officer_shows_its_parents(db, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF)
    geometry.import_geometry(make_ctx(Role.ADMIN), syn.jurisdiction())
    micro, small = geometry.find_grid(chief, "D01-S01-M02"), geometry.find_grid(chief, "D01-S01")
    geometry.set_grid_people(chief, small, [{"role": "community_officer", "name": "钱警官", "phone": "13911112222"}])
    geometry.set_grid_people(chief, micro, [{"role": "grid_leader", "name": "赵大妈", "phone": "13700001234"}])
    card = map_data.grid_card(chief, micro)
    assert [(p.name, p.inherited_from) for p in card.people] == [("钱警官", "D01-S01"), ("赵大妈", "")]
    # Saving the micro grid's own people (what the editor starts from) is no conflict.
    own = [{"role": p.role, "name": p.name, "phone": p.phone} for p in card.people if not p.inherited_from]
    geometry.set_grid_people(chief, micro, [*own, {"role": "grid_worker", "name": "钱多", "phone": ""}],
                             expected=own)
    assert len(map_data.grid_card(chief, micro).people) == 3


def _patrol_point(code: str, x: float, y: float, **props) -> dict:
    lon, lat = _xy(x, y)
    return geo.feature(geo.point_geometry(lon, lat), {"layer": "patrol_point", "code": code, **props})


def test_must_patrol_points_import_export_and_show_on_the_map(db, make_ctx):
    admin = make_ctx(Role.ADMIN)
    fc = _full()
    fc["features"] += [
        _patrol_point("PP01", -1150, 650, name="实验小学护学岗", window_start="7:00",
                      window_end="08:30", note="上学高峰"),
        _patrol_point("PP02", 300, 300, name="解放路夜市", window_start="20:00", window_end="02:00"),
        _patrol_point("PP03", -300, -1000, name="汽车站广场"),
        _patrol_point("PP04", 500, 500, name="旧货市场", active=False),
    ]
    summary = geometry.import_geometry(admin, fc)
    assert summary.created["patrol_point"] == 4
    with db.sessions() as s:
        rows = {p.code: p for p in s.scalars(sa.select(PatrolPoint))}
    assert (rows["PP01"].window_start, rows["PP01"].window_end, rows["PP01"].note) == ("07:00", "08:30", "上学高峰")
    assert (rows["PP03"].window_start, rows["PP03"].window_end) == ("00:00", "24:00")
    assert rows["PP04"].active is False
    out = geometry.export_geometry(make_ctx(Role.CLERK), ["patrol_point"])
    assert [f["properties"]["code"] for f in out["features"]] == ["PP01", "PP02", "PP03", "PP04"]
    again = geometry.import_geometry(admin, out)
    assert not again.created and not again.updated  # an export reads back as no change
    # The map shows the points in use, with their windows.
    data = map_data.map_layers(make_ctx(Role.DUTY_OFFICER))
    shown = {p.code: p for p in data.patrol_points}
    assert set(shown) == {"PP01", "PP02", "PP03"}
    assert (shown["PP01"].window, shown["PP02"].window, shown["PP03"].window) == ("07:00-08:30", "20:00-02:00", "")
    assert (shown["PP01"].x, shown["PP01"].y) == pytest.approx((-1150, 650), abs=0.5)
    # A re-import that moves a window updates the point in place.
    out["features"][1]["properties"]["window_end"] = "03:00"
    moved = geometry.import_geometry(admin, out)
    assert moved.updated == {"patrol_point": 1}
    with db.sessions() as s:
        assert s.scalar(sa.select(PatrolPoint.window_end).where(PatrolPoint.code == "PP02")) == "03:00"


def test_a_bad_must_patrol_window_is_named_and_nothing_is_written(db, make_ctx):
    fc = _full()
    fc["features"] += [
        _patrol_point("PP01", 0, 0, name="护学岗", window_start="7.30", window_end="08:30"),
        _patrol_point("PP02", 10, 10, name="夜市", window_start="20:00"),
        _patrol_point("PP03", 20, 20, name="广场", window_start="08:00", window_end="08:00"),
        _patrol_point("PP04", 30, 30, name="车站", active="yes", window_start="25:00",
                      window_end="02:00"),
    ]
    with pytest.raises(ValidationErrors) as err:
        geometry.import_geometry(make_ctx(Role.ADMIN), fc)
    text = str(err.value)
    n = len(fc["features"])
    assert f"feature {n - 3} (PP01), property 'window_start': '7.30' is not a time of day" in text
    assert f"feature {n - 2} (PP02), property 'window_end': is required with the other end" in text
    assert f"feature {n - 1} (PP03), property 'window_end': the window 08:00-08:00 is empty" in text
    assert f"feature {n} (PP04), property 'active': 'yes' is not true or false" in text
    assert f"feature {n} (PP04), property 'window_start': '25:00' is not a time of day" in text
    assert _count(db, PatrolPoint) == 0 and _count(db, Grid) == 0


def _patrol_line(code: str, corners: list[tuple[float, float]], **props) -> dict:
    return geo.feature({"type": "LineString", "coordinates": [list(_xy(x, y)) for x, y in corners]},
                       {"code": code, **props})  # a LineString needs no layer: no other layer is a line


def test_patrol_lines_import_export_and_show_on_the_map(db, make_ctx):
    admin = make_ctx(Role.ADMIN)
    fc = _full()
    fc["features"] += [
        _patrol_line("XL01", [(0, 0), (600, 0), (600, 800)], name="夜市收市巡逻线",
                     window_start="22:00", window_end="01:00", note="收市清场"),
        _patrol_line("XL02", [(-500, -500), (500, -500)], name="解放路巡逻线"),
        _patrol_line("XL03", [(100, 100), (200, 100)], name="停用线路", active=False),
    ]
    summary = geometry.import_geometry(admin, fc)
    assert summary.created["patrol_line"] == 3
    with db.sessions() as s:
        rows = {ln.code: ln for ln in s.scalars(sa.select(PatrolLine))}
    assert rows["XL01"].length_m == pytest.approx(1400, rel=0.01)
    assert (rows["XL01"].window_start, rows["XL01"].window_end, rows["XL01"].note) == ("22:00", "01:00", "收市清场")
    assert (rows["XL02"].window_start, rows["XL02"].window_end) == ("00:00", "24:00")
    out = geometry.export_geometry(make_ctx(Role.CLERK), ["patrol_line"])
    assert [f["properties"]["code"] for f in out["features"]] == ["XL01", "XL02", "XL03"]
    again = geometry.import_geometry(admin, out)
    assert not again.created and not again.updated  # an export reads back as no change
    data = map_data.map_layers(make_ctx(Role.DUTY_OFFICER))
    shown = {ln.code: ln for ln in data.patrol_lines}
    assert set(shown) == {"XL01", "XL02"} and shown["XL01"].window == "22:00-01:00"
    assert shown["XL01"].xy[-1] == pytest.approx((600, 800), abs=0.5)


def test_a_bad_patrol_line_is_named_by_feature_and_nothing_is_written(db, make_ctx):
    fc = _full()
    fc["features"] += [
        _patrol_line("XL01", [(0, 0)], name="一个点"),
        _patrol_line("XL02", [(0, 0), (0, 0)], name="原地"),
        _patrol_line("XL03", [(0, 0), (100, 0)], name="半截窗口", window_start="22:00"),
        geo.feature({"type": "LineString", "coordinates": [[116.4, 39.9], [190.0, 39.9]]},
                    {"code": "XL04", "name": "越界"}),
    ]
    with pytest.raises(ValidationErrors) as err:
        geometry.import_geometry(make_ctx(Role.ADMIN), fc)
    text = str(err.value)
    assert "(XL01), property 'geometry': a line needs at least two positions" in text
    assert "(XL02), property 'geometry': a line needs at least two distinct positions" in text
    assert "(XL03), property 'window_end'" in text
    assert "(XL04), property 'geometry'" in text
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(PatrolLine)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Grid)) == 0  # the file's grids neither
