"""Units on the roll: a chief edits a unit, takes it out of service and puts it back."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import ConflictError, PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, roster, unit_roll
from precinct_console.services import incidents as inc
from precinct_console.services import units as units_svc
from precinct_console.storage.models import PatrolPlan, Post, Unit

from .incident_fixtures import LAT, LON, add_grid, add_units


def _draft(**kw) -> inc.IncidentDraft:
    return inc.IncidentDraft(**{"channel": "110", "category_code": "0601", "address": "城关路12号",
                                "lon": LON, "lat": LAT, **kw})


def _posts(db, station_id: int) -> tuple[int, int]:
    with db.sessions() as s:
        a = Post(station_id=station_id, code="P1", name="火车站警务站", lon=116.386, lat=39.896)
        b = Post(station_id=station_id, code="P2", name="学府警务室", kind="police_room",
                 lon=116.405, lat=39.915)
        s.add_all([a, b])
        s.commit()
        return a.id, b.id


def test_chief_edits_a_unit_and_a_new_post_moves_its_home(db, make_ctx, station):
    chief = make_ctx(Role.STATION_CHIEF)
    p1, p2 = _posts(db, station.id)
    a = unit_roll.add_unit(chief, "巡01", "car", post_id=p1)
    unit_roll.add_unit(chief, "巡02", "car", post_id=p1)
    info = next(u for u in unit_roll.list_unit_roll(chief) if u.id == a)
    with pytest.raises(ValidationError, match="call sign 巡02 is taken"):
        unit_roll.update_unit(chief, a, info.version, call_sign="巡02", kind="car", seats=2, post_id=p1)
    saved = unit_roll.update_unit(chief, a, info.version, call_sign="摩01", kind="motorbike",
                                  seats=1, post_id=p2)
    assert (saved.call_sign, saved.kind, saved.seats, saved.post_name) == ("摩01", "motorbike", 1, "学府警务室")
    with db.sessions() as s:
        row = s.get(Unit, a)
        assert (row.home_lon, row.home_lat) == (116.405, 39.915)
    # A second seat holding the old version cannot overwrite the chief's edit.
    with pytest.raises(ConflictError):
        unit_roll.update_unit(chief, a, info.version, call_sign="巡09", kind="car", seats=2, post_id=p1)
    with pytest.raises(ValidationError, match="1-12"):
        unit_roll.update_unit(chief, a, saved.version, call_sign="摩01", kind="motorbike", seats=0,
                              post_id=p2)
    # A unit based at a position (the station yard) keeps it when edited without a post.
    yard = unit_roll.add_unit(chief, "巡03", "car", 116.41, 39.91)
    v = next(u.version for u in unit_roll.list_unit_roll(chief) if u.id == yard)
    assert unit_roll.update_unit(chief, yard, v, call_sign="巡03", kind="car", seats=5,
                                 post_id=None).seats == 5
    with db.sessions() as s:
        assert (s.get(Unit, yard).home_lon, s.get(Unit, yard).home_lat) == (116.41, 39.91)
    # A drone carries nobody.
    drone = unit_roll.add_unit(chief, "无人机01", "drone", post_id=p1)
    v = next(u for u in unit_roll.list_unit_roll(chief) if u.id == drone)
    assert v.seats == 0
    with pytest.raises(ValidationError, match="a drone carries nobody"):
        unit_roll.update_unit(chief, drone, v.version, call_sign="无人机01", kind="drone", seats=2,
                              post_id=p1)
    with pytest.raises(PermissionDenied):
        unit_roll.update_unit(make_ctx(Role.DUTY_OFFICER, "duty.li"), a, saved.version,
                              call_sign="x", kind="car", seats=2, post_id=p1)


def test_chief_marks_a_unit_as_the_standby_car_audited_and_checked_against_another_seat(
        db, make_ctx, station):
    from precinct_console.storage.models import AuditEntry

    chief = make_ctx(Role.STATION_CHIEF)
    p1, _p2 = _posts(db, station.id)
    a = unit_roll.add_unit(chief, "巡01", "car", post_id=p1)
    b = unit_roll.add_unit(chief, "巡02", "car", post_id=p1, standby=True)
    roll = {u.call_sign: u for u in unit_roll.list_unit_roll(chief)}
    assert (roll["巡01"].standby, roll["巡02"].standby) == (False, True)
    # Edited with the flag left out (None), it stays as it is.
    assert unit_roll.update_unit(chief, b, None, call_sign="巡02", kind="car", seats=4,
                                 post_id=p1).standby
    opened = roll["巡01"]
    saved = unit_roll.update_unit(chief, a, None, opened=opened, call_sign="巡01", kind="car",
                                  seats=2, post_id=p1, standby=True)
    assert saved.standby
    with db.sessions() as s:
        entry = s.query(AuditEntry).filter_by(entity="unit", entity_id=a,
                                              action="roster.unit_update").one()
        assert entry.before == {"standby": False} and entry.after == {"standby": True}
    # Another seat's form, opened before the flag was set, is refused and names the field.
    with pytest.raises(ConflictError, match="standby"):
        unit_roll.update_unit(chief, a, None, opened=opened, call_sign="巡01", kind="car",
                              seats=2, post_id=p1, standby=False)
    assert next(u for u in unit_roll.list_unit_roll(chief) if u.id == a).standby


def test_a_unit_out_of_service_leaves_the_board_dispatch_and_plan_but_keeps_its_history(
        db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003), ("巡2", "car", 0.006)])
    add_grid(db, station.id)
    _posts(db, station.id)
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    chief = make_ctx(Role.STATION_CHIEF)
    v = inc.intake_incident(duty, _draft())
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    version = next(u.version for u in unit_roll.list_unit_roll(chief) if u.id == ids["巡1"])
    with pytest.raises(ValidationError, match=f"巡1 is dispatched on incident {v.number}"):
        unit_roll.retire_unit(chief, ids["巡1"], version)
    clock.advance(seconds=30)
    inc.advance_incident(duty, v.id, "cleared", unit_id=ids["巡1"])
    version = next(u.version for u in unit_roll.list_unit_roll(chief) if u.id == ids["巡1"])
    done = unit_roll.retire_unit(chief, ids["巡1"], version)
    assert not done.unit.active and done.unit.status == "off_duty"

    assert [u.call_sign for u in units_svc.list_units(duty)] == ["巡2"]
    other = inc.intake_incident(duty, _draft(address="城关路30号"))
    assert [o.call_sign for o in inc.recommend_units(duty, other.id).options] == ["巡2"]
    with pytest.raises(ValidationError, match="巡1 is out of service"):
        inc.dispatch_unit(duty, other.id, ids["巡1"])
    with pytest.raises(ValidationError, match="out of service"):
        units_svc.set_unit_status(duty, ids["巡1"], "available", expected_version=done.unit.version)
    problem = allocation.build_problem(chief)[0]
    assert [u.call_sign for u in problem.units] == ["巡2"]
    # The incident it attended still names it.
    assert inc.get_incident(duty, v.id).dispatches[0].call_sign == "巡1"
    # Listed on the roll, greyed, after the units in service.
    assert [(u.call_sign, u.active) for u in unit_roll.list_unit_roll(chief)] == [("巡2", True), ("巡1", False)]

    back = unit_roll.reinstate_unit(chief, ids["巡1"], done.unit.version)
    assert back.active and back.status == "off_duty"
    assert [u.call_sign for u in units_svc.list_units(duty)] == ["巡1", "巡2"]
    with pytest.raises(ValidationError, match="in service"):
        unit_roll.reinstate_unit(chief, ids["巡1"], back.version)


def test_retiring_a_unit_takes_it_off_the_crews_of_shifts_not_yet_over(db, make_ctx, station, clock):
    chief = make_ctx(Role.STATION_CHIEF)
    (u,) = add_units(db, station.id, [("巡1", "car", 0.003)]).values()
    now = clock.now.astimezone(CHINA_TZ)  # 09:00 on Friday 2026-11-20
    past = roster.add_shift(chief, "白班", now - timedelta(days=1, hours=1), now - timedelta(hours=13))
    running = roster.add_shift(chief, "白班", now - timedelta(hours=1), now + timedelta(hours=11))
    coming = roster.add_shift(chief, "白班", now + timedelta(days=1), now + timedelta(days=1, hours=12))
    zhang = roster.add_officer(chief, "031001", "张伟")
    entries = {s.id: roster.assign(chief, s.id, zhang.id, unit_id=u) for s in (past, running, coming)}
    with db.sessions() as s:  # tonight's accepted patrol plan gives it a post
        s.add(PatrolPlan(station_id=station.id, starts_at=now + timedelta(hours=7),
                         ends_at=now + timedelta(hours=15), status="accepted", created_at=clock.now,
                         assignments=[{"unit_id": u, "point_key": "post:1"}]))
        s.add(PatrolPlan(station_id=station.id, starts_at=now - timedelta(days=2),
                         ends_at=now - timedelta(days=1), status="accepted", created_at=clock.now,
                         assignments=[{"unit_id": u, "point_key": "post:1"}]))  # over: not named
        s.commit()
    version = unit_roll.list_unit_roll(chief)[0].version
    done = unit_roll.retire_unit(chief, u, version)
    assert done.entries_cleared == 2
    assert done.plans == (now + timedelta(hours=7),)  # the chief is told to re-plan tonight
    view = roster.roster_view(chief, date(2026, 11, 16), date(2026, 11, 22))
    assert {e.shift_id: e.unit_id for e in view.entries} == {past.id: u, running.id: None, coming.id: None}
    assert view.retired_units == frozenset({u}) and (u, "巡1") in view.units  # the past keeps its name
    # Not offered for a new entry; an entry that already had it may keep it (a note on a past shift).
    li = roster.add_officer(chief, "031002", "李强")
    with pytest.raises(ValidationError, match="unit 巡1 is out of service"):
        roster.assign(chief, coming.id, li.id, unit_id=u)
    old = next(e for e in view.entries if e.shift_id == past.id)
    assert roster.update_entry(chief, old.id, old.version, note="补记").unit_id == u
    assert entries[past.id].unit_id == u


def test_copy_week_leaves_off_retired_units_and_officers_off_the_roll(db, make_ctx, station):
    chief = make_ctx(Role.STATION_CHIEF)
    ids = add_units(db, station.id, [("巡1", "car", 0.003), ("巡2", "car", 0.006)])
    mon = datetime(2026, 11, 16, 8, 30, tzinfo=CHINA_TZ)
    shift = roster.add_shift(chief, "值班", mon, mon + timedelta(hours=24))
    zhang = roster.add_officer(chief, "031001", "张伟")
    li = roster.add_officer(chief, "031002", "李强")
    wang = roster.add_officer(chief, "031003", "王刚")
    roster.assign(chief, shift.id, zhang.id, unit_id=ids["巡1"])
    roster.assign(chief, shift.id, li.id, unit_id=ids["巡2"])
    roster.assign(chief, shift.id, wang.id, unit_id=ids["巡2"])
    roll = {u.call_sign: u for u in unit_roll.list_unit_roll(chief)}
    unit_roll.retire_unit(chief, ids["巡1"], roll["巡1"].version)  # the shift is over: kept there
    roster.update_officer(chief, wang.id, wang.version, active=False)
    roster.add_absence(chief, li.id, "leave", mon + timedelta(days=7, hours=12),
                       mon + timedelta(days=9))  # over next week's shift, from its middle
    roster.assign(chief, shift.id, zhou := roster.add_officer(chief, "031004", "周敏").id)
    roster.add_absence(chief, zhou, "training", mon + timedelta(days=8, hours=9),
                       mon + timedelta(days=9))  # after next week's shift: no matter
    copied = roster.copy_week(chief, date(2026, 11, 16), date(2026, 11, 23))
    assert {(e.officer_name, e.unit_id) for e in copied.made} == {("张伟", None), ("周敏", None)}
    # Every gap is named for the chief: who, which shift, and why.
    new_start = mon + timedelta(days=7)
    assert set(copied.left_off) == {
        roster.LeftOff("张伟", "值班", new_start, "unit_retired", "巡1"),
        roster.LeftOff("李强", "值班", new_start, "leave"),
        roster.LeftOff("王刚", "值班", new_start, "off_roll"),
    }
