"""Posts, key sites and must-patrol points added and changed one at a time (the map's form)."""

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
from precinct_console.services.map_points import PointForm, point_form, save_point, suggested_codes
from precinct_console.storage.models import AuditEntry, KeySite, PatrolPoint, Post


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = geo.unproject_xy(x, y, *syn.ORIGIN)
    return float(lon), float(lat)


@pytest.fixture
def chief(db, make_ctx):
    fc = syn.jurisdiction()
    fc["features"] += syn.key_sites_and_posts()
    geometry.import_geometry(make_ctx(Role.ADMIN), fc)
    return make_ctx(Role.STATION_CHIEF)


def test_a_new_point_of_each_layer_is_stored_in_its_grid_and_audited(db, chief):
    lon, lat = _lonlat(-1150, 650)
    save_point(chief, PointForm("post", "JWZ09", "北站警务站", lon, lat, kind="post",
                                phone="0731-1234567"))
    change = save_point(chief, PointForm("key_site", "ZD99", "加油站", lon, lat, kind="加油站",
                                         address="解放路 1 号", target_minutes=3))
    save_point(chief, PointForm("patrol_point", "BX01", "夜市", lon, lat, window_start="20:00",
                                window_end="2:00", note="周末加密"))
    with db.sessions() as s:
        post = s.scalar(sa.select(Post).where(Post.code == "JWZ09"))
        site = s.scalar(sa.select(KeySite).where(KeySite.code == "ZD99"))
        point = s.scalar(sa.select(PatrolPoint).where(PatrolPoint.code == "BX01"))
        audited = s.scalars(sa.select(AuditEntry.entity).where(AuditEntry.action == "geometry.import")).all()
    assert post.phone == "0731-1234567" and post.grid_id == geometry.locate_grid(chief, lon, lat)
    assert (site.kind, site.target_minutes, site.address) == ("加油站", 3, "解放路 1 号")
    assert change.ids("key_site") == {site.id}
    assert (point.window_start, point.window_end, point.note) == ("20:00", "02:00", "周末加密")
    assert {"post", "key_site", "patrol_point"} <= set(audited)


def test_an_edit_reads_back_what_was_stored_and_changes_only_that_point(db, chief):
    with db.sessions() as s:
        site_id = s.scalar(sa.select(KeySite.id).where(KeySite.code == "K01"))
    form = point_form(chief, "key_site", site_id)
    assert form.code == "K01" and form.kind == "school"
    lon, lat = _lonlat(0, 0)
    save_point(chief, replace(form, name="实验小学（新校区）", lon=lon, lat=lat), site_id)
    with db.sessions() as s:
        site = s.get(KeySite, site_id)
        assert (site.name, site.lon, site.lat) == ("实验小学（新校区）", lon, lat)
        assert site.grid_id == geometry.locate_grid(chief, lon, lat)
        assert s.scalar(sa.select(sa.func.count()).select_from(KeySite)) == 4


def test_a_point_another_seat_saved_since_the_form_opened_is_not_silently_overwritten(
        db, chief, make_ctx):
    """Two chiefs open the same post; the second to save is told who changed what, and only a
    save made knowing it puts theirs over it."""
    with db.sessions() as s:
        post_id = s.scalar(sa.select(Post.id).where(Post.code == "P01"))
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    mine = point_form(chief, "post", post_id)
    theirs = point_form(other, "post", post_id)
    save_point(other, replace(theirs, phone="0731-7654321"), post_id, expected=theirs)
    with pytest.raises(ConflictError) as refused:
        save_point(chief, replace(mine, name="中心警务站（新）"), post_id, expected=mine)
    assert "chief2 at seat-1" in str(refused.value) and "(" in str(refused.value)
    assert "phone" in str(refused.value) and "name" not in str(refused.value).split("(")[1]
    with db.sessions() as s:
        post = s.get(Post, post_id)
        assert (post.name, post.phone) == (theirs.name, "0731-7654321")  # nothing of mine written
    # Told, he saves again knowing what is stored now (the form shows the conflict and
    # learns the stored point): his form goes over theirs, as he chose.
    now = point_form(chief, "post", post_id)
    save_point(chief, replace(mine, name="中心警务站（新）"), post_id, expected=now)
    with db.sessions() as s:
        assert s.get(Post, post_id).name == "中心警务站（新）"
    # A move of a point unchanged since it was read goes through.
    moved = point_form(chief, "post", post_id)
    lon, lat = _lonlat(10, 10)
    save_point(chief, replace(moved, lon=lon, lat=lat), post_id, expected=moved)


def test_a_refusal_names_the_form_fields_and_writes_nothing(db, chief):
    lon, lat = _lonlat(0, 0)
    with pytest.raises(ValidationErrors) as caught:
        save_point(chief, PointForm("patrol_point", "BX01", " ", lon, lat, window_start="25:00",
                                    window_end="08:00"))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"name", "window_start"}
    # A form has fields, not the import file's numbered features.
    assert all("feature" not in str(p) for p in caught.value.problems)
    with pytest.raises(ValidationError, match="already the code of") as taken:
        save_point(chief, PointForm("post", "P01", "重名", lon, lat, kind="post"))
    assert taken.value.field == "code"
    with db.sessions() as s:
        post_id = s.scalar(sa.select(Post.id).where(Post.code == "P01"))
    with pytest.raises(ValidationError, match="keeps its code"):
        save_point(chief, PointForm("post", "P77", "改码", lon, lat, kind="post"), post_id)
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(PatrolPoint)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Post)) == 2
        assert s.get(Post, post_id).code == "P01"


def test_only_a_chief_or_an_admin_places_points(db, chief, make_ctx):
    lon, lat = _lonlat(0, 0)
    with pytest.raises(PermissionDenied):
        save_point(make_ctx(Role.DUTY_OFFICER), PointForm("post", "JWZ01", "x", lon, lat, kind="post"))


def test_codes_are_suggested_from_the_stations_own_numbering(db, chief):
    # The synthetic station numbers its key sites K01..K04, its post P01 and police room P02.
    assert suggested_codes(chief, "key_site") == {"": "K05"}
    assert suggested_codes(chief, "post") == {"post": "P03", "police_room": "P03"}
    # No must-patrol point yet, nothing to number on: the usual prefix.
    assert suggested_codes(chief, "patrol_point") == {"": "BX01"}
    lon, lat = _lonlat(0, 0)
    save_point(chief, PointForm("patrol_point", "BX01", "a", lon, lat))
    save_point(chief, PointForm("patrol_point", "BX09", "b", lon, lat))
    assert suggested_codes(chief, "patrol_point") == {"": "BX10"}


def test_a_point_taken_out_of_use_leaves_the_map_but_is_listed_to_put_back(db, chief):
    lon, lat = _lonlat(300, 300)
    change = save_point(chief, PointForm("patrol_point", "BX01", "夜市", lon, lat))
    point_id = change.ids("patrol_point").pop()
    form = point_form(chief, "patrol_point", point_id)
    assert (form.window_start, form.window_end, form.active) == ("", "", True)
    save_point(chief, replace(form, active=False), point_id)
    data = map_data.map_layers(chief)
    assert [p.code for p in data.patrol_points] == []
    assert [p.code for p in data.patrol_points_off] == ["BX01"]


def _map_record(db, chief, kind: str):
    """(stored id, the module whose check runs, load(ctx), save(ctx, form, expected)) of a post,
    must-patrol point, zone or line as the map's form edits it."""
    from precinct_console.services import map_lines, map_points, map_zones

    lon, lat = _lonlat(300, 300)
    if kind == "zone":
        square = [_lonlat(x, y) for x, y in ((0, 0), (800, 0), (800, 600), (0, 600))]
        made = map_zones.save_zone(chief, map_zones.ZoneForm("XQ01", "一号巡区", geometry=
                                                             map_zones.outline_geometry(square)))
        zone_id = made.ids("patrol_zone").pop()
        return (map_zones, lambda ctx: map_zones.zone_form(ctx, zone_id),
                lambda ctx, f, e: map_zones.save_zone(ctx, f, zone_id, expected=e))
    if kind == "line":
        route = map_lines.route_geometry([_lonlat(0, 0), _lonlat(500, 0)])
        line_id = map_lines.save_line(chief, map_lines.LineForm("XL01", "夜市巡逻线", route)) \
            .ids("patrol_line").pop()
        return (map_lines, lambda ctx: map_lines.line_form(ctx, line_id),
                lambda ctx, f, e: map_lines.save_line(ctx, f, line_id, expected=e))
    if kind == "post":
        with db.sessions() as s:
            point_id = s.scalar(sa.select(Post.id).where(Post.code == "P01"))
    else:
        point_id = save_point(chief, PointForm(kind, "BX01", "夜市", lon, lat)).ids(kind).pop()
    return (map_points, lambda ctx: point_form(ctx, kind, point_id),
            lambda ctx, f, e: save_point(ctx, f, point_id, expected=e))


@pytest.mark.parametrize("kind", ["post", "patrol_point", "zone", "line"])
def test_two_seats_saving_one_map_record_at_once_never_both_pass_the_check(
        db, chief, make_ctx, monkeypatch, kind):
    """Two chiefs open the same record and press OK at the same moment: the other seat's save
    lands after this seat's check that nobody changed it and before its write. Both were saved,
    the second over the first unsaid (the check read the row in a session of its own, the write
    came in a later transaction); one of them must be refused, naming the other's change."""
    import threading

    module, load, save = _map_record(db, chief, kind)
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    mine, theirs = load(chief), load(other)
    check = module._changed_since
    outcome: dict[str, BaseException | None] = {}

    def theirs_saved() -> None:
        try:
            save(other, replace(theirs, name="乙改"), theirs)
            outcome["theirs"] = None
        except BaseException as exc:  # handed to the test, read once the thread is joined
            outcome["theirs"] = exc

    seat = threading.Thread(target=theirs_saved)

    def checked_then_theirs(*args):
        refusal = check(*args)
        if not seat.is_alive() and "theirs" not in outcome and threading.current_thread() is not seat:
            seat.start()  # the other seat's OK, while this one's check has passed
            seat.join(timeout=3)  # it waits for this seat's save, if the check holds the row
        return refusal

    monkeypatch.setattr(module, "_changed_since", checked_then_theirs)
    try:
        save(chief, replace(mine, name="甲改"), mine)
        outcome["mine"] = None
    except ConflictError as exc:
        outcome["mine"] = exc
    seat.join(timeout=30)
    assert not seat.is_alive()
    refused = [exc for exc in outcome.values() if exc is not None]
    assert len(refused) == 1, outcome  # not both saved, the later over the earlier unsaid
    assert isinstance(refused[0], ConflictError) and "name" in str(refused[0]), refused[0]
    saved = "乙改" if outcome["theirs"] is None else "甲改"
    assert load(chief).name == saved
    # The refusal carries the record as it read it: the form told of it saves over that.
    assert refused[0].current == load(chief)


def test_two_seats_adding_a_point_of_one_code_at_once_add_one_and_refuse_the_other(
        db, chief, make_ctx, monkeypatch):
    """Two chiefs place a new must-patrol point, both forms offering BX01, and press OK at the
    same moment. On PostgreSQL both passed the 'code already taken' check, and the later save's
    import found the earlier one's point by its code and changed it into its own, unsaid."""
    import threading

    from precinct_console.services import map_points

    lon, lat = _lonlat(300, 300)
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    outcome: dict[str, BaseException | None] = {}

    def theirs_saved() -> None:
        try:
            save_point(other, PointForm("patrol_point", "BX01", "夜市", lon, lat))
            outcome["theirs"] = None
        except BaseException as exc:  # handed to the test, read once the thread is joined
            outcome["theirs"] = exc

    seat = threading.Thread(target=theirs_saved)
    imported = map_points.import_in

    def theirs_first(*args, **kwargs):
        if threading.current_thread() is not seat and not seat.is_alive() and "theirs" not in outcome:
            seat.start()  # the other seat's OK, once this one found the code free
            seat.join(timeout=3)  # it waits for this seat's save, if the check holds the station
        return imported(*args, **kwargs)

    monkeypatch.setattr(map_points, "import_in", theirs_first)
    try:
        save_point(chief, PointForm("patrol_point", "BX01", "学校门口", lon, lat))
        outcome["mine"] = None
    except ValidationError as exc:
        outcome["mine"] = exc
    seat.join(timeout=30)
    assert not seat.is_alive()
    refused = [exc for exc in outcome.values() if exc is not None]
    assert len(refused) == 1, outcome
    assert isinstance(refused[0], ValidationError) and "already the code of" in str(refused[0])
    with db.sessions() as s:
        names = s.scalars(sa.select(PatrolPoint.name)).all()
    assert names == (["夜市"] if outcome["theirs"] is None else ["学校门口"])
