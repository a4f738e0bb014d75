"""Roster and allocation services: rule checks, copy week, swap, proposals, decisions, orders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import CHINA_TZ, local
from precinct_console.domain.errors import ConflictError, PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.domain.replay import CALL_HANDLING_S, PATROL_KMH
from precinct_console.domain.travel import distance_m, travel_seconds
from precinct_console.i18n.catalogue import message_text
from precinct_console.services import allocation, handover, plan_replay, roster, unit_roll, units
from precinct_console.services.patrol_sheet import patrol_sheet
from precinct_console.storage.models import (
    ChangeRecord,
    Grid,
    Incident,
    KeySite,
    MoveUpOrder,
    Officer,
    PatrolZone,
    Post,
)


def _square(lon: float, lat: float, d: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                [lon, lat + d], [lon, lat]]]}


def _town(db, station, clock, n: int = 8):
    """An n x n block of micro grids, two posts, one patrol zone, incidents on two hot spots."""
    d = 0.004
    with db.sessions() as s:
        grids = []
        for i in range(n * n):
            lon, lat = 116.38 + (i % n) * d, 39.89 + (i // n) * d
            g = Grid(station_id=station.id, code=f"MG{i:03d}", name=f"微网格{i}", level=3,
                     geometry=_square(lon, lat, d), area_m2=150_000.0,
                     centroid_lon=lon + d / 2, centroid_lat=lat + d / 2)
            s.add(g)
            grids.append(g)
        s.add_all([
            Post(station_id=station.id, code="P1", name="火车站警务站", lon=116.386, lat=39.896),
            Post(station_id=station.id, code="P2", name="学府警务室", kind="police_room",
                 lon=116.405, lat=39.915),
            PatrolZone(station_id=station.id, code="Z1", name="夜市巡区", geometry=_square(116.38, 39.89, 0.016),
                       centroid_lon=116.388, centroid_lat=39.898),
        ])
        s.flush()
        hot = [grids[9], grids[50]]
        k = 0
        for day in range(1, 40):
            for g in hot:
                for h in (10, 15, 21):
                    k += 1
                    at = clock() - timedelta(days=day, hours=h)
                    s.add(Incident(station_id=station.id, number=f"T{k:05d}", channel="110",
                                   category_code="06", status="closed", received_at=at,
                                   lon=g.centroid_lon, lat=g.centroid_lat, grid_id=g.id,
                                   arrived_at=at + timedelta(minutes=6)))
        s.commit()


@pytest.fixture
def chief(make_ctx):
    return make_ctx(Role.STATION_CHIEF)


def _crew(chief, shift_id):
    a = roster.add_officer(chief, "031001", "张伟")
    b = roster.add_officer(chief, "F0301", "王芳", kind="auxiliary")
    c = roster.add_officer(chief, "031002", "李强")
    u1 = unit_roll.add_unit(chief, "巡逻一车", "car", 116.39, 39.90)
    u2 = unit_roll.add_unit(chief, "巡逻二车", "car", 116.40, 39.91)
    roster.assign(chief, shift_id, a.id, unit_id=u1)
    roster.assign(chief, shift_id, b.id, unit_id=u1)
    roster.assign(chief, shift_id, c.id, unit_id=u2)
    return (a, b, c), (u1, u2)


def test_roster_view_names_violations_as_the_chief_plans(db, chief, clock):
    start = datetime(2026, 11, 23, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(chief, "白班", start, start + timedelta(hours=8), min_staff=3)
    mid = roster.add_shift(chief, "中班", start + timedelta(hours=8), start + timedelta(hours=16))
    zhang = roster.add_officer(chief, "031001", "张伟")
    roster.assign(chief, day.id, zhang.id)
    roster.assign(chief, mid.id, zhang.id)
    roster.add_absence(chief, zhang.id, "training", start + timedelta(hours=10),
                       start + timedelta(hours=12), "防爆培训")
    view = roster.roster_view(chief, date(2026, 11, 23), date(2026, 11, 29))
    rules = sorted({v.rule for v in view.violations})
    assert rules == ["absence", "min_staff", "rest"]
    msgs = " | ".join(v.message for v in view.violations)
    assert "白班 11-23 08:30–16:30: 1 officer(s) on duty, the shift needs at least 3" in msgs
    assert "张伟（031001） is on training (防爆培训)" in msgs
    assert len(view.days) == 7 and len(view.shifts) == 2


def test_a_duplicate_entry_and_bad_duty_are_refused_and_nothing_written(db, chief):
    start = datetime(2026, 11, 23, 8, 30, tzinfo=CHINA_TZ)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    o = roster.add_officer(chief, "031001", "张伟")
    roster.assign(chief, sh.id, o.id)
    with pytest.raises(ValidationError, match="张伟 is already on this shift"):
        roster.assign(chief, sh.id, o.id)
    with pytest.raises(ValidationError, match="field 'duty'"):
        roster.assign(chief, sh.id, o.id, duty="napping")
    view = roster.roster_view(chief, date(2026, 11, 23), date(2026, 11, 23))
    assert len(view.entries) == 1


def test_copy_week_and_swap_shifts(db, chief):
    mon = datetime(2026, 11, 16, 8, 30, tzinfo=CHINA_TZ)
    s1 = roster.add_shift(chief, "值班", mon, mon + timedelta(hours=24))
    s2 = roster.add_shift(chief, "值班", mon + timedelta(days=2), mon + timedelta(days=3))
    a = roster.add_officer(chief, "031001", "张伟")
    b = roster.add_officer(chief, "031002", "李强")
    ea = roster.assign(chief, s1.id, a.id)
    eb = roster.assign(chief, s2.id, b.id)
    roster.swap_entries(chief, ea.id, ea.version, eb.id, eb.version)
    view = roster.roster_view(chief, date(2026, 11, 16), date(2026, 11, 22))
    assert {(e.shift_id, e.officer_name) for e in view.entries} == {(s1.id, "李强"), (s2.id, "张伟")}
    with pytest.raises(ConflictError) as stale:  # a seat holding the old version cannot overwrite
        roster.swap_entries(chief, ea.id, ea.version, eb.id, eb.version)
    # The message names who changed the roster entry (by officer, day and shift: 李强 has it now),
    # and when in station time.
    assert f"roster_entry 李强·11-16·值班 was changed by {chief.actor.username}" in str(stale.value)
    copied = roster.copy_week(chief, date(2026, 11, 16), date(2026, 11, 23))
    assert len(copied.made) == 2 and copied.left_off == ()
    nxt = roster.roster_view(chief, date(2026, 11, 23), date(2026, 11, 29))
    assert sorted(s.starts_at for s in nxt.shifts) == [mon + timedelta(days=7), mon + timedelta(days=9)]
    again = roster.copy_week(chief, date(2026, 11, 16), date(2026, 11, 23))
    assert again.made == () and again.left_off == ()  # idempotent: nothing doubled, nothing lost


def test_officers_role_skills_and_licences_are_checked_and_kept(db, chief):
    zhang = roster.add_officer(chief, "031001", "张伟", role="community", skills=[" 急救", "调解", "急救"],
                               licences=["c1", "无人机驾驶员执照", "D"])
    assert (zhang.role, zhang.skills, zhang.licences) == (
        "community", ("急救", "调解"), ("C1", "D", "无人机驾驶员执照"))  # in the table's order
    with pytest.raises(ValidationError, match="'C9' is not a licence class") as bad:
        roster.update_officer(chief, zhang.id, zhang.version, licences=["C1", "C9"])
    assert bad.value.field == "licences"
    with pytest.raises(ValidationError, match="'janitor' is not a role"):
        roster.add_officer(chief, "031002", "李强", role="janitor")
    assert [o.name for o in roster.list_officers(chief)] == ["张伟"]  # the refused one is not on the roll
    saved = roster.update_officer(chief, zhang.id, zhang.version, licences=["B2"], skills=[])
    assert (saved.licences, saved.skills) == (("B2",), ())
    # A role written before the list existed is kept when the form sends it back unchanged.
    with db.sessions() as s:
        s.execute(sa.update(Officer).where(Officer.id == zhang.id).values(role="duty"))
        s.commit()
    kept = roster.update_officer(chief, zhang.id, saved.version, role="duty", rank="一级警长")
    assert (kept.role, kept.rank) == ("duty", "一级警长")


def test_only_the_chief_edits_the_roster(make_ctx):
    with pytest.raises(PermissionDenied):
        roster.add_officer(make_ctx(Role.DUTY_OFFICER), "1", "x")


def test_pattern_makes_holiday_aware_shifts(db, chief):
    pid = roster.add_pattern(chief, "四班三运转", "four_three", {"min_staff": 4, "holiday_extra_staff": 2})
    made = roster.make_shifts(chief, pid, date(2026, 9, 30), date(2026, 10, 1))
    assert len(made) == 6
    # The night shift of 30 September starts at 00:30 on 1 October, on the holiday.
    assert [s.min_staff for s in made] == [4, 4, 6, 6, 6, 6]
    assert made[3].day.holiday_zh == "国庆节"
    assert roster.make_shifts(chief, pid, date(2026, 9, 30), date(2026, 10, 1)) == []


def test_proposed_plan_accepted_becomes_orders_on_board_and_feed(db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    (_a, _b, _c), (u1, u2) = _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    assert plan.status == "proposed" and plan.figures["status"] == "optimal"
    assert {a["unit_id"] for a in plan.assignments} == {u1, u2}
    assert 0 < plan.once_share <= 1
    assert allocation.patrol_orders(chief, start + timedelta(hours=2)) == []
    with db.sessions() as s:
        last_feed = s.scalar(sa.select(sa.func.max(ChangeRecord.id)))
    accepted = allocation.decide_plan(chief, plan.id, plan.version, "accept", note="按计划执行")
    assert accepted.status == "accepted" and accepted.decided_by == chief.actor.username
    assert accepted.change.ids("unit") == {u1, u2}
    with db.sessions() as s:
        feed = s.execute(sa.select(ChangeRecord.entity, ChangeRecord.entity_id)
                         .where(ChangeRecord.id > last_feed)).all()
    assert ("patrol_plan", plan.id) in feed and ("unit", u1) in feed and ("unit", u2) in feed
    orders = allocation.patrol_orders(chief, start + timedelta(hours=2))
    assert {o.unit_id for o in orders} == {u1, u2}
    assert all(o.point_name for o in orders)
    # The unit board shows the crews rostered on the running shift.
    clock.advance(hours=2)
    board = {r.id: r for r in units.list_units(chief)}
    assert board[u1].crew == ("张伟", "王芳")


def test_chief_edits_a_plan_and_figures_are_rescored(db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _, (u1, _u2) = _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    with pytest.raises(ValidationError, match="'post:999' is not a candidate point"):
        allocation.decide_plan(chief, plan.id, plan.version, "accept", assignments={u1: "post:999"})
    assert allocation.get_plan(chief, plan.id).status == "proposed"  # nothing written
    keys = [c[0] for c in allocation.plan_drawing(chief, plan.id).candidates]
    taken = {a["point_key"] for a in plan.assignments}
    other = next(k for k in keys if k not in taken)  # a free point: a post holds one car
    edited = allocation.decide_plan(chief, plan.id, plan.version, "accept", assignments={u1: other})
    assert edited.figures["edited"] is True
    assert edited.figures["objective"] <= plan.figures["objective"] + 1e-4  # the proposal was optimal
    assert next(a for a in edited.assignments if a["unit_id"] == u1)["point_key"] == other


def test_a_plans_drawing_carries_the_police_districts_and_patrol_zones_under_it(db, station, chief, clock):
    """The plan's small map shows the jurisdiction: the police district (level 1) and the patrol
    zone, each with its outline and name; not the micro grids, a zone's sections or key zones."""
    _town(db, station, clock)
    with db.sessions() as s:
        district = Grid(station_id=station.id, code="JWQ1", name="城关警务区", level=1,
                        geometry=_square(116.38, 39.89, 0.032), area_m2=9e6,
                        centroid_lon=116.396, centroid_lat=39.906)
        s.add(district)
        s.flush()
        zone = s.scalars(sa.select(PatrolZone).where(PatrolZone.code == "Z1")).one()
        s.add_all([
            PatrolZone(station_id=station.id, code="Z1-1", name="夜市巡区1段", parent_id=zone.id,
                       geometry=_square(116.38, 39.89, 0.008), centroid_lon=116.384, centroid_lat=39.894),
            PatrolZone(station_id=station.id, code="K1", name="广场重点区", kind="key_zone",
                       geometry=_square(116.40, 39.91, 0.004), centroid_lon=116.402, centroid_lat=39.912),
        ])
        s.commit()
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    outlines = allocation.plan_drawing(chief, plan.id).outlines
    assert [(o.kind, o.name) for o in outlines] == [("district", "城关警务区"), ("zone", "夜市巡区")]
    [ring] = outlines[0].rings
    assert ring[0] == ring[-1] == (116.38, 39.89) and len(ring) == 5
    assert outlines[0].label == (116.396, 39.906)


def test_an_edit_stacking_cars_beyond_what_a_point_holds_is_refused_and_nothing_written(
        db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _, (u1, u2) = _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    cands = allocation.plan_drawing(chief, plan.id).candidates
    corner = next(c for c in cands if c[2] not in ("post", "police_room"))  # holds one car
    with pytest.raises(ValidationError, match=r"2 units \(巡逻一车, 巡逻二车\) are placed at .*"
                                              r"which holds at most 1"):
        allocation.decide_plan(chief, plan.id, plan.version, "accept",
                               assignments={u1: corner[0], u2: corner[0]})
    kept = allocation.get_plan(chief, plan.id)
    assert kept.status == "proposed" and kept.assignments == plan.assignments
    # A post holds two: the chief may put both cars there.
    post = next(c for c in cands if c[2] == "post")
    both = allocation.decide_plan(chief, plan.id, plan.version, "accept",
                                  assignments={u1: post[0], u2: post[0]})
    assert both.status == "accepted"
    assert {a["point_key"] for a in both.assignments} == {post[0]}


def test_a_unit_whose_crew_is_on_leave_is_left_out_and_a_shift_without_crews_is_refused(
        db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    (_a, _b, c), (u1, _u2) = _crew(chief, sh.id)
    roster.add_absence(chief, c.id, "leave", start - timedelta(days=1), start + timedelta(days=2))
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    assert {a["unit_id"] for a in plan.assignments} == {u1}  # 巡逻二车 has nobody in it
    assert any("巡逻二车 is left out" in n and "李强" in n for n in plan.notes)
    # A desk shift with people but no crewed unit: no plan that sends out every car.
    desk = roster.add_shift(chief, "指挥室值班", start, start + timedelta(hours=24))
    roster.assign(chief, desk.id, c.id)
    with pytest.raises(ValidationError, match=r"no unit is crewed on shift 指挥室值班 "
                                              r"\(\d\d-\d\d \d\d:\d\d–\d\d-\d\d \d\d:\d\d\)"):
        allocation.propose_plan(chief, shift_id=desk.id, time_limit=5)


def test_a_second_accepted_plan_supersedes_the_first_and_replay_compares(db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _crew(chief, sh.id)
    p1 = allocation.propose_plan(chief, shift_id=sh.id, method="greedy")
    p2 = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    allocation.decide_plan(chief, p1.id, p1.version, "accept")
    allocation.decide_plan(chief, p2.id, p2.version, "accept")
    assert allocation.get_plan(chief, p1.id).status == "superseded"
    first, last = clock() - timedelta(days=30), clock()
    cmp = plan_replay.compare_plans(chief, p1.id, p2.id, first, last)
    assert cmp.replay_a.incidents == cmp.replay_b.incidents > 0
    assert cmp.replay_b.actual_within[2] == 0.0  # every real arrival took 6 minutes
    assert cmp.replay_b == plan_replay.replay_plan(chief, p2.id, first, last)  # deterministic


def test_the_replay_counts_the_units_on_standby_in_the_plans_hours(db, station, chief, clock):
    """The 所部备勤 car took calls too while the patrol car was out: the replay sends it from its
    home base in its own hours (from the plan's second hour), so the plan is not judged against
    more units than the replay gives it; the comparison names it."""
    _town(db, station, clock)  # calls on its two hot spots at once, two hours into the plan's
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    zhang = roster.add_officer(chief, "031001", "张伟")
    roster.assign(chief, sh.id, zhang.id, unit_id=unit_roll.add_unit(chief, "巡逻一车", "car", 116.39, 39.90))
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    first, last = clock() - timedelta(days=30), clock()
    alone = plan_replay.replay_plan(chief, plan.id, first, last)
    standby = roster.add_shift(chief, "所部备勤", start + timedelta(hours=1), start + timedelta(hours=13))
    zhao = roster.add_officer(chief, "031003", "赵磊")
    spare = unit_roll.add_unit(chief, "备勤一车", "car", 116.386, 39.896)
    roster.assign(chief, standby.id, zhao.id, duty="standby", unit_id=spare)
    helped = plan_replay.replay_plan(chief, plan.id, first, last)
    assert helped.incidents == alone.incidents > 0
    assert all(o.unit_id != spare for o in alone.outcomes)
    served = [o.incident_id for o in helped.outcomes if o.unit_id == spare]
    assert served and helped.median_response_s <= alone.median_response_s
    with db.sessions() as s:
        received = s.scalars(sa.select(Incident.received_at).where(Incident.id.in_(served))).all()
    since_start = [(t - start) % timedelta(days=1) for t in received]
    assert all(timedelta(hours=1) <= d < timedelta(hours=8) for d in since_start)
    assert helped.queued < alone.queued
    cmp = plan_replay.compare_plans(chief, plan.id, plan.id, first, last)
    assert cmp.standby_a == cmp.standby_b == ("备勤一车",)
    # Given a plan of its own shift, the standby car waits where that plan puts it.
    own = allocation.propose_plan(chief, shift_id=standby.id, time_limit=5)
    allocation.decide_plan(chief, own.id, own.version, "accept",
                           assignments={spare: next(c[0] for c in allocation.plan_drawing(chief, own.id).candidates
                                                    if c[1] == "学府警务室")})
    moved = plan_replay.replay_plan(chief, plan.id, first, last)
    assert any(o.unit_id == spare for o in moved.outcomes)
    assert [(o.unit_id, o.response_s) for o in moved.outcomes] != \
        [(o.unit_id, o.response_s) for o in helped.outcomes]


def _day_plan_accepted(db, station, chief, clock):
    """The town, a day shift starting in an hour with its two crewed cars, and its plan accepted."""
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _, cars = _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    return sh, cars, plan


def test_the_cover_now_counts_each_free_unit_where_its_live_position_puts_it(db, station, chief, clock):
    """Both cars at their points: the cover is as planned. One goes off duty and is named; the
    other drives 5 km off after a call and reports its position: the cover is gone, and the move
    sends it back to where the plan's cover is."""
    from precinct_console.services.move_up import plan_cover_now

    sh, (u1, u2), plan = _day_plan_accepted(db, station, chief, clock)
    point_of_u1 = next(a["point_key"] for a in plan.assignments if a["unit_id"] == u1)
    assert plan_cover_now(chief) is None  # before the shift: no plan in force
    clock.advance(hours=2)
    for u in (u1, u2):
        units.set_unit_status(chief, u, "available")
    at_points = plan_cover_now(chief)
    assert at_points is not None and at_points.out == () and at_points.moves == ()
    assert at_points.once == pytest.approx(at_points.planned_once) and at_points.planned_once > 0.3
    units.set_unit_status(chief, u2, "off_duty")
    units.update_unit_position(chief, u1, 116.38, 39.95, at=clock())  # 5 km north of the town
    away = plan_cover_now(chief)
    assert away.out == ("巡逻二车",) and away.once == 0.0
    [move] = away.moves
    assert move.unit_id == u1 and move.point.key in {a["point_key"] for a in plan.assignments}
    assert away.once_after == pytest.approx(at_points.once, abs=1e-3) and move.minutes > 5
    # Pinned by the chief to its point, the car is counted where it is but never moved.
    pinned = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5,
                                     constraints={"pins": {str(u1): point_of_u1}})
    allocation.decide_plan(chief, pinned.id, pinned.version, "accept")
    held = plan_cover_now(chief)
    assert (held.out, held.once, held.moves) == (("巡逻二车",), 0.0, ())


def test_a_move_up_order_moves_the_unit_on_every_view_until_it_is_sent_back(
        db, station, chief, clock, make_ctx):
    """The duty officer sends car one up to car two's point while car two is off: the board,
    the map's orders, the handover and the cover line all show it there, with its own point
    named; a second seat that saw the old order is refused; sent back, it is at its own point
    again. A new plan for the shift starts from its own points."""
    from precinct_console.services.move_up import order_move_up, plan_cover_now

    sh, (u1, u2), plan = _day_plan_accepted(db, station, chief, clock)
    own = {a["unit_id"]: a for a in plan.assignments}
    duty = make_ctx(Role.DUTY_OFFICER)
    with pytest.raises(ValidationError, match="巡逻一车 has no patrol order now"):
        order_move_up(duty, u1, own[u2]["point_key"])  # the shift has not begun
    clock.advance(hours=2)
    units.set_unit_status(chief, u1, "available")
    units.set_unit_status(chief, u2, "off_duty")
    with pytest.raises(ValidationError, match="巡逻二车 is 下勤: only a free unit") as off:
        order_move_up(duty, u2, own[u1]["point_key"])
    assert off.value.field == "unit"
    with pytest.raises(ValidationError, match="'post:999' is not one of the points of plan"):
        order_move_up(duty, u1, "post:999")
    with pytest.raises(ValidationError, match="巡逻一车 is already ordered to"):
        order_move_up(duty, u1, own[u1]["point_key"])

    before = plan_cover_now(duty)
    moved = order_move_up(duty, u1, own[u2]["point_key"], seen_point_key=own[u1]["point_key"],
                          seen_plan_id=plan.id)
    assert (moved.point_name, moved.back) == (own[u2]["point_name"], False)
    assert moved.change.touches("unit")
    row = next(r for r in units.list_units(duty) if r.id == u1)
    assert (row.patrol_point, row.moved_from) == (own[u2]["point_name"], own[u1]["point_name"])
    assert row.moved_at == clock()
    order = next(o for o in allocation.patrol_orders(duty) if o.unit_id == u1)
    assert (order.point_key, order.moved_from) == (own[u2]["point_key"], own[u1]["point_name"])
    cover = plan_cover_now(duty)
    assert cover is not None and before is not None and cover.out == ("巡逻二车",)
    # "As planned" is still the plan's (tests/unit/test_move_up.py has a case where the two differ).
    assert cover.planned_once == pytest.approx(before.planned_once)
    report = handover.build_handover(duty, clock() - timedelta(hours=1), clock())
    assert {d["unit"]: d["point"] for d in report.content["deployment"]}["巡逻一车"] == \
        f"{own[u2]['point_name']}（补位，原{own[u1]['point_name']}）"
    # A second seat still showing car one at its own point is told who moved it, and when.
    with pytest.raises(ConflictError, match="巡逻一车 was meanwhile ordered to .* by duty_officer1"):
        order_move_up(chief, u1, own[u1]["point_key"], seen_point_key=own[u1]["point_key"])

    clock.advance(minutes=20)
    units.set_unit_status(chief, u1, "off_duty")  # busy: no move up, but it may be sent back
    with pytest.raises(ValidationError, match="巡逻一车 is 下勤"):
        order_move_up(duty, u1, next(c[0] for c in allocation.plan_drawing(chief, plan.id).candidates
                                     if c[0] not in (own[u1]["point_key"], own[u2]["point_key"])))
    back = order_move_up(chief, u1, own[u1]["point_key"], seen_point_key=own[u2]["point_key"])
    assert back.back
    row = next(r for r in units.list_units(duty) if r.id == u1)
    assert (row.patrol_point, row.moved_from, row.moved_at) == (own[u1]["point_name"], "", None)
    # A seat that still shows the move is told who sent it back, and when.
    with pytest.raises(ConflictError, match=f"meanwhile ordered to {own[u1]['point_name']} by "
                                            f"station_chief1 at {local(clock()):%H:%M}"):
        order_move_up(duty, u1, own[u1]["point_key"], seen_point_key=own[u2]["point_key"])
    with db.sessions() as s:
        orders = s.execute(sa.select(MoveUpOrder.point_key, MoveUpOrder.back, MoveUpOrder.ordered_by,
                                     MoveUpOrder.cover_before, MoveUpOrder.cover_after)
                           .order_by(MoveUpOrder.id)).all()
    assert [tuple(o)[:3] for o in orders] == [(own[u2]["point_key"], False, "duty_officer1"),
                                              (own[u1]["point_key"], True, "station_chief1")]
    # The cover as it was when each was given: car one at its point before the move-up.
    assert orders[0].cover_before == pytest.approx(before.once)
    assert all(0.0 <= o.cover_after <= 1.0 for o in orders)

    # Moved again, then the chief accepts a new plan for the shift: its points stand, and an
    # order chosen on the old plan is refused.
    units.set_unit_status(chief, u1, "available")
    order_move_up(duty, u1, own[u2]["point_key"])
    again = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    allocation.decide_plan(chief, again.id, again.version, "accept")
    row = next(r for r in units.list_units(duty) if r.id == u1)
    assert row.moved_from == "" and row.patrol_point == next(
        a["point_name"] for a in again.assignments if a["unit_id"] == u1)
    assert row.patrol_plan_id == again.id
    # The plan list counts the move-ups each plan needed (sending back is not one).
    counts = {p.id: p.move_ups for p in allocation.list_plans(chief)}
    assert (counts[plan.id], counts[again.id]) == (2, 0)
    with pytest.raises(ConflictError, match=f"巡逻一车's patrol plan changed meanwhile: plan {again.id}"):
        order_move_up(duty, u1, own[u2]["point_key"], seen_plan_id=plan.id)


def test_a_move_up_lapses_once_a_plan_decided_later_has_had_the_unit(db, station, chief, clock, make_ctx):
    """Car one is moved up on the day plan; an event plan decided later takes it for two hours;
    back on the day plan after the event, it starts from its own point again."""
    from precinct_console.services.move_up import order_move_up

    _town(db, station, clock)
    start = clock() - timedelta(hours=1)
    day = roster.add_shift(chief, "白班", start, start + timedelta(hours=12))
    (a, _b, _c), (u1, u2) = _crew(chief, day.id)
    plan = allocation.propose_plan(chief, shift_id=day.id, time_limit=5)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    own = {x["unit_id"]: x for x in plan.assignments}
    units.set_unit_status(chief, u1, "available")
    order_move_up(make_ctx(Role.DUTY_OFFICER), u1, own[u2]["point_key"])
    event = roster.add_shift(chief, "活动勤务", clock() + timedelta(hours=2), clock() + timedelta(hours=4))
    roster.assign(chief, event.id, a.id, unit_id=u1)
    at_event = allocation.propose_plan(chief, shift_id=event.id, time_limit=5)
    allocation.decide_plan(chief, at_event.id, at_event.version, "accept")

    def car_one() -> units.UnitRow:
        return next(r for r in units.list_units(chief) if r.id == u1)

    assert (car_one().patrol_point, car_one().patrol_plan_id) == (own[u2]["point_name"], plan.id)
    clock.advance(hours=3)
    assert (car_one().patrol_plan_id, car_one().moved_from) == (at_event.id, "")
    clock.advance(hours=2)
    assert (car_one().patrol_plan_id, car_one().patrol_point, car_one().moved_from) == (
        plan.id, own[u1]["point_name"], "")


def test_a_moved_up_unit_without_a_live_fix_sets_out_for_its_duties_from_where_it_was_sent(clock):
    from precinct_console.storage.models import PatrolPlan, Unit

    car = Unit(call_sign="巡01", kind="car", lon=116.39, lat=39.90, position_at=clock() - timedelta(hours=1))
    plan = PatrolPlan(id=1, assignments=[])
    at_own = {"point_key": "post:1", "point_name": "火车站警务站", "lon": 116.386, "lat": 39.896}
    moved = {**at_own, "point_key": "site:3", "point_name": "北关支行", "lon": 116.41, "lat": 39.93,
             "moved_from": "火车站警务站", "moved_from_key": "post:1"}
    # Its plan point: the plan's timing (its last fix an hour old, which the board says).
    assert units.set_out_from(car, (plan, at_own), clock()) == units.SetOutFrom(stale=True)
    assert units.set_out_from(car, (plan, moved), clock()).moved_to == units.Fix("car", 116.41, 39.93)
    car.position_at = clock()  # a live fix wins: it is where the crew really is
    assert units.set_out_from(car, (plan, moved), clock()).fix == units.Fix(
        "car", 116.39, 39.90, clock() + timedelta(minutes=5))


def test_the_duty_officers_own_move_up_choice_lists_the_plans_points_by_cover(
        db, station, chief, clock, make_ctx):
    from precinct_console.services.move_up import move_up_choices

    _sh, (u1, u2), plan = _day_plan_accepted(db, station, chief, clock)
    duty = make_ctx(Role.DUTY_OFFICER)
    with pytest.raises(ValidationError, match="no point in a patrol plan in force now"):
        move_up_choices(duty, u1)  # the shift has not begun
    clock.advance(hours=2)
    for u in (u1, u2):
        units.set_unit_status(chief, u, "available")
    choices = move_up_choices(duty, u1)
    own = next(a for a in plan.assignments if a["unit_id"] == u1)
    keys = [c[0] for c in allocation.plan_drawing(chief, plan.id).candidates]
    assert sorted(o.point.key for o in choices.options) == sorted(keys)
    assert [o.once_after for o in choices.options] == sorted((o.once_after for o in choices.options),
                                                              reverse=True)
    [current] = [o for o in choices.options if o.ordered]
    assert current.point.key == own["point_key"] == choices.order_key and current.back
    assert choices.movable and current.once_after == pytest.approx(choices.once)
    units.set_unit_status(chief, u1, "off_duty")
    assert not move_up_choices(duty, u1).movable


def test_a_unit_pinned_by_the_chief_is_not_moved_up(db, station, chief, clock, make_ctx):
    from precinct_console.services.move_up import order_move_up

    _town(db, station, clock)
    start = clock() - timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _, (u1, u2) = _crew(chief, sh.id)
    first = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    point_of_u1 = next(a["point_key"] for a in first.assignments if a["unit_id"] == u1)
    pinned = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5,
                                     constraints={"pins": {str(u1): point_of_u1}})
    allocation.decide_plan(chief, pinned.id, pinned.version, "accept")
    units.set_unit_status(chief, u1, "available")
    other = next(a for a in pinned.assignments if a["unit_id"] == u2)
    with pytest.raises(ValidationError, match="巡逻一车 is pinned to .* by the plan"):
        order_move_up(make_ctx(Role.DUTY_OFFICER), u1, other["point_key"])


def test_duty_officer_may_propose_but_not_decide(db, station, make_ctx, clock):
    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    unit_roll.add_unit(chief, "巡逻一车", "car", 116.39, 39.90)
    duty = make_ctx(Role.DUTY_OFFICER)
    plan = allocation.propose_plan(duty, method="greedy")
    assert any("no crews are rostered" in n for n in plan.notes)
    with pytest.raises(PermissionDenied):
        allocation.decide_plan(duty, plan.id, plan.version, "accept")


def test_demand_accuracy_report(db, station, chief, clock):
    _town(db, station, clock)
    report = allocation.demand_accuracy(chief, weeks=3)
    assert len(report.rows) == 3
    assert report.hit_rate == pytest.approx(1.0)  # two hot cells hold every incident
    assert report.pai > 5


def test_an_edit_cannot_give_an_officer_a_name_the_roll_refuses(db, chief):
    zhang = roster.add_officer(chief, "031001", "张伟")
    with pytest.raises(ValidationError, match="at most 60 characters") as long:
        roster.update_officer(chief, zhang.id, zhang.version, name="张" * 80)
    assert long.value.field == "officer_name"
    with pytest.raises(ValidationError, match="must not be empty"):
        roster.update_officer(chief, zhang.id, zhang.version, name="  ")
    assert [o.name for o in roster.list_officers(chief)] == ["张伟"]
    assert roster.update_officer(chief, zhang.id, zhang.version, name=" 张卫 ").name == "张卫"


def test_must_patrol_points_are_places_to_stand_or_timed_duties_by_their_window(
        db, station, chief, clock, make_ctx):
    """Open for most of a shift, a must-patrol point is a place to stand; open for a part of it,
    a timed duty of the nearest planned unit (a school gate is no place to stand all day)."""
    from precinct_console.services import geometry, units

    _town(db, station, clock)
    geometry.import_geometry(chief, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.392, 39.902]},
         "properties": {"layer": "patrol_point", "code": "PP1", "name": "学府路护学岗",
                        "window_start": "16:30", "window_end": "17:30"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.396, 39.906]},
         "properties": {"layer": "patrol_point", "code": "PP2", "name": "夜市",
                        "window_start": "20:00", "window_end": "02:00"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.398, 39.900]},
         "properties": {"layer": "patrol_point", "code": "PP3", "name": "旧市场", "active": False}},
    ]})
    day = clock().astimezone(CHINA_TZ).date() + timedelta(days=1)

    def plan_on(hour: int) -> allocation.PlanInfo:
        start = datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ)
        sh = roster.add_shift(chief, f"班次{hour}", start, start + timedelta(hours=8))
        for n, lon in enumerate((116.391, 116.399)):
            officer = roster.add_officer(chief, f"0399{hour:02d}{n}", f"民警{hour}-{n}")
            unit = unit_roll.add_unit(chief, f"巡{hour:02d}{n}", "car", lon, 39.90)
            roster.assign(chief, sh.id, officer.id, unit_id=unit)
        return allocation.propose_plan(chief, shift_id=sh.id, method="greedy")

    def standing(plan: allocation.PlanInfo) -> set[str]:
        return {c[1] for c in allocation.plan_drawing(chief, plan.id).candidates}

    day_plan = plan_on(8)                                          # 08:00-16:00
    assert {"学府路护学岗", "夜市"} & standing(day_plan) == set() and day_plan.visits == ()
    evening = plan_on(16)                                          # 16:00-24:00
    assert "夜市" in standing(evening)                             # 4 of its 8 hours
    assert "学府路护学岗" not in standing(evening)                 # 1 of 8: a timed duty
    [duty] = evening.visits
    assert (duty.window, duty.point_name) == ("16:30-17:30", "学府路护学岗")
    # The planned unit that reaches the gate soonest from where the plan puts it takes it.
    placed = {int(a["unit_id"]): a for a in evening.assignments}
    assert duty.unit_id == min(placed, key=lambda u: distance_m(placed[u]["lon"], placed[u]["lat"],
                                                                116.392, 39.902))
    # A school at the gate cannot be required in its 1-minute ring (no unit stands there all
    # shift), and the chief is told why: its gate is a timed duty on this shift, on no other.
    with db.sessions() as s:
        site = KeySite(station_id=station.id, code="KS9", name="学府路小学", kind="school",
                       lon=116.3921, lat=39.9021, target_minutes=1)
        s.add(site)
        s.commit()
        school = site.id
    evening_options = allocation.constraint_options(chief, shift_id=evening.shift_id)
    assert school in evening_options.unreachable_sites and school in evening_options.timed_sites
    day_options = allocation.constraint_options(chief, shift_id=day_plan.shift_id)
    assert school in day_options.unreachable_sites and school not in day_options.timed_sites
    night = plan_on(0)                                             # 00:00-08:00
    assert {"夜市", "学府路护学岗", "旧市场"} & standing(night) == set()
    assert [(v.window, v.point_name) for v in night.visits] == [("00:00-02:00", "夜市")]
    # Accepted, the duty is on the unit board beside the unit's patrol point while in force.
    allocation.decide_plan(chief, evening.id, evening.version, "accept")
    clock.now = datetime(day.year, day.month, day.day, 17, tzinfo=CHINA_TZ)
    rows = {r.id: r for r in units.list_units(chief)}
    assert rows[duty.unit_id].patrol_duties == "16:30-17:30 学府路护学岗"
    assert rows[duty.unit_id].duties_ahead(clock.now) == "16:30-17:30 学府路护学岗"
    assert rows[duty.unit_id].duties_ahead(clock.now + timedelta(minutes=30)) == ""  # 17:30: done
    # Where the plan wants the unit: at the gate while the duty lasts, at its point after.
    assert rows[duty.unit_id].due_at(clock.now) == ("学府路护学岗", 116.392, 39.902)
    assert rows[duty.unit_id].due_at(clock.now + timedelta(minutes=30))[0] == rows[duty.unit_id].patrol_point
    # It must leave its point the drive's time before the gate opens (the plan's own figure).
    [spot] = rows[duty.unit_id].duty_list
    assert spot.sets_out == spot.starts - timedelta(seconds=duty.seconds)
    assert rows[duty.unit_id].due_at(spot.sets_out)[0] == "学府路护学岗"
    assert rows[duty.unit_id].due_at(spot.sets_out - timedelta(seconds=1))[0] == rows[duty.unit_id].patrol_point
    others = [r for uid, r in rows.items() if uid != duty.unit_id]
    assert all(r.patrol_duties == "" for r in others)
    orders = {o.unit_id: o for o in allocation.patrol_orders(chief)}
    assert orders[duty.unit_id].duties == "16:30-17:30 学府路护学岗"
    # The duty officer handing over at 16:00 hands over the evening's deployment with the duty.
    changeover = datetime(day.year, day.month, day.day, 16, tzinfo=CHINA_TZ)
    report = handover.build_handover(make_ctx(Role.DUTY_OFFICER), changeover - timedelta(hours=8), changeover)
    deployment = {d["unit"]: d for d in report.content["deployment"]}
    assert deployment[duty.call_sign]["duties"] == "16:30-17:30 学府路护学岗"
    assert set(deployment) == {a["call_sign"] for a in evening.assignments}
    assert f"{duty.call_sign} → " in handover.handover_text(report) and "定时守点：16:30-17:30" in \
        handover.handover_text(report)
    # Replayed, the plan has its unit at the gate while the duty lasts: a call there at 16:45
    # is answered by it from the gate; the same call at 19:00 has it come from its point.
    past = day - timedelta(days=7)
    with db.sessions() as s:
        for n, hour, minute in ((1, 16, 45), (2, 19, 0)):
            s.add(Incident(station_id=station.id, number=f"R{n:05d}", channel="110", category_code="06",
                           status="closed", lon=116.392, lat=39.902,
                           received_at=datetime(past.year, past.month, past.day, hour, minute, tzinfo=CHINA_TZ)))
        s.commit()
    report = plan_replay.replay_plan(chief, evening.id,
                                    datetime(past.year, past.month, past.day, tzinfo=CHINA_TZ),
                                    datetime(past.year, past.month, past.day, 23, tzinfo=CHINA_TZ))
    at_gate, later = sorted((o for o in report.outcomes), key=lambda o: o.incident_id)[-2:]
    assert at_gate.unit_id == duty.unit_id
    assert at_gate.response_s < later.response_s
    # The sheet read out at the briefing: each unit with its crew, point and timed duty.
    sheet = patrol_sheet(chief, evening.id)
    assert sheet.status == "accepted" and sheet.shift_name == "班次16"
    by_unit = {r.call_sign: r for r in sheet.rows}
    assert set(by_unit) == {a["call_sign"] for a in evening.assignments}
    assert by_unit[duty.call_sign].duties == "16:30-17:30 学府路护学岗"
    assert sorted(r.crew for r in sheet.rows) == ["民警16-0", "民警16-1"]
    assert all(r.kind == "巡逻车" and r.point_kind for r in sheet.rows)


def test_a_patrol_line_is_a_timed_duty_for_the_part_of_its_window_in_the_shift(db, station, chief, clock):
    """Walked or driven, not stood at: a line is a duty even when open all shift, and a unit
    joins it where its route passes nearest."""
    from precinct_console.services import geometry

    _town(db, station, clock)
    geometry.import_geometry(chief, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString",
                                         "coordinates": [[116.393, 39.903], [116.399, 39.903], [116.399, 39.909]]},
         "properties": {"code": "XL1", "name": "夜市收市巡逻线", "window_start": "22:00",
                        "window_end": "01:00"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[116.38, 39.89], [116.39, 39.89]]},
         "properties": {"code": "XL2", "name": "停用线路", "active": False}},
    ]})
    day = clock().astimezone(CHINA_TZ).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 16, tzinfo=CHINA_TZ)
    sh = roster.add_shift(chief, "中班", start, start + timedelta(hours=8))
    for n, lon in enumerate((116.391, 116.399)):
        officer = roster.add_officer(chief, f"03990{n}", f"民警{n}")
        roster.assign(chief, sh.id, officer.id, unit_id=unit_roll.add_unit(chief, f"巡0{n}", "car", lon, 39.90))
    plan = allocation.propose_plan(chief, shift_id=sh.id, method="greedy")
    [duty] = plan.visits
    assert (duty.window, duty.point_name, duty.point_key.split(":")[0]) == ("22:00-24:00", "夜市收市巡逻线", "line")
    # Met where the route passes nearest the unit that takes it: on the route, not at its start
    # unless that is nearest.
    assert duty.lat == pytest.approx(39.903, abs=1e-6) or duty.lon == pytest.approx(116.399, abs=1e-6)
    # Replayed, the unit drives the route from where it joins it rather than standing there:
    # a call at the route's far end, when the unit gets there, is answered on the spot.
    corner, far_end = (116.399, 39.903), (116.399, 39.909)
    ahead_m = distance_m(duty.lon, duty.lat, *far_end)
    if duty.lat == pytest.approx(39.903, abs=1e-6) and duty.lon < 116.399 - 1e-6:  # on the first leg
        ahead_m = distance_m(duty.lon, duty.lat, *corner) + distance_m(*corner, *far_end)
    there = datetime(day.year, day.month, day.day, 22, tzinfo=CHINA_TZ) - timedelta(days=7) + \
        timedelta(seconds=ahead_m / (PATROL_KMH["car"] / 3.6))
    with db.sessions() as s:
        far_call = Incident(station_id=station.id, number="L00001", channel="110", category_code="06",
                            status="closed", lon=far_end[0], lat=far_end[1],
                            received_at=there - timedelta(seconds=CALL_HANDLING_S))
        s.add(far_call)
        s.commit()
        far_id = far_call.id
    report = plan_replay.replay_plan(chief, plan.id, there - timedelta(hours=1), there + timedelta(hours=1))
    [call] = [o for o in report.outcomes if o.incident_id == far_id]
    assert call.unit_id == duty.unit_id
    assert call.response_s - call.dispatch_s == pytest.approx(travel_seconds(0.0, "car", 22), abs=2)


def test_the_replay_with_move_ups_follows_the_cover_line_on_the_plans_own_points(db, station, chief, clock):
    """The same plan side by side, B with move-ups. Most calls come from the night market: when
    its car is out, B moves the other car up from the quiet side of town to the plan's point
    by the market and sends it from there. A is replayed as before, without."""
    _town(db, station, clock)
    with db.sessions() as s:  # the night market (the first hot spot) gets a third more calls
        market = s.scalars(sa.select(Incident).order_by(Incident.id)).first()
        other = s.scalars(sa.select(Incident).where(Incident.grid_id != market.grid_id)).first()
        # A police room by the other hot spot, where the plan puts the second car.
        s.add(Post(station_id=station.id, code="P3", name="北苑警务室", kind="police_room",
                   lon=other.lon, lat=other.lat))
        for day in range(1, 40):
            for h in (9,):
                at = clock() - timedelta(days=day, hours=h)
                s.add(Incident(station_id=station.id, number=f"M{day:02d}{h:02d}", channel="110",
                               category_code="06", status="closed", received_at=at,
                               lon=market.lon, lat=market.lat, grid_id=market.grid_id,
                               arrived_at=at + timedelta(minutes=6)))
        s.commit()
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "24小时值班", start, start + timedelta(hours=24))
    _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5)
    first, last = clock() - timedelta(days=30), clock()
    cmp = plan_replay.compare_plans(chief, plan.id, plan.id, first, last, move_ups_b=True)
    assert cmp.replay_a == plan_replay.replay_plan(chief, plan.id, first, last)
    assert cmp.replay_a.move_ups is None
    moved = cmp.replay_b
    assert moved == plan_replay.replay_plan(chief, plan.id, first, last, move_ups=True)
    assert moved.move_ups > 0
    # The second car waits at the market while the market's car is out: more calls reached in
    # the first minute, none later than without.
    assert moved.within[0] > cmp.replay_a.within[0]
    assert all(b >= a for a, b in zip(cmp.replay_a.within, moved.within, strict=True))
    # The chief pinned the second car to its police room: the replay leaves it there too.
    (_u1, u2) = sorted(a["unit_id"] for a in plan.assignments)
    pinned = allocation.propose_plan(chief, shift_id=sh.id, time_limit=5,
                                     constraints={"pins": {str(u2): "post:3"}})
    assert plan_replay.replay_plan(chief, pinned.id, first, last, move_ups=True).move_ups == 0


def test_a_past_shift_is_forecast_from_what_was_known_as_it_began(db, station, chief, clock):
    """Planning a day already over (allocate --at a past time) expects what a forecast made
    then would have: not the calls that came after it, weighed as if they were still to come."""
    _town(db, station, clock)
    _crew(chief, roster.add_shift(chief, "白班", clock() + timedelta(hours=1),
                                  clock() + timedelta(hours=9)).id)
    start = clock() - timedelta(days=20)
    later = allocation.preview_plan(chief, starts_at=start, method="greedy")
    total = later.result.figures.total_demand
    clock.now = start - timedelta(seconds=1)  # the same day's plan, made as it began
    then = allocation.preview_plan(chief, starts_at=start, method="greedy")
    assert total == pytest.approx(then.result.figures.total_demand, rel=1e-3)
    assert not [n for n in then.notes if "no incidents" in n]
    # A shift before any incident was recorded: nothing to forecast from, and the plan says so.
    empty = allocation.preview_plan(chief, starts_at=start - timedelta(days=60), method="greedy")
    assert empty.result.figures.total_demand == 0
    note = "no incidents in the 56 days before this shift to forecast from"
    assert [n for n in empty.notes if n.startswith(note)]
    assert message_text(next(n for n in empty.notes if n.startswith(note)), "zh_CN").startswith(
        "本班次之前 56 天内没有警情可供预测")


def test_a_station_without_units_is_told_so_not_that_the_shift_has_none(db, station, chief, clock):
    """A new station with its grid map but no units yet: the chief is sent to add units."""
    _town(db, station, clock)
    with pytest.raises(ValidationError, match=r"the station has no units in service; add them "
                                              r"under Roster › Units… first"):
        allocation.propose_plan(chief, time_limit=5)
    assert allocation.list_plans(chief) == []


def test_the_order_sheet_does_not_name_an_officer_on_leave_as_in_the_car(db, station, chief, clock):
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    (_a, b, _c), (_u1, _u2) = _crew(chief, sh.id)
    roster.add_absence(chief, b.id, "leave", start - timedelta(days=1), start + timedelta(days=1))
    plan = allocation.propose_plan(chief, shift_id=sh.id, method="greedy")
    crews = {r.call_sign: r.crew for r in patrol_sheet(chief, plan.id).rows}
    assert crews["巡逻一车"] == "张伟（王芳 休假）" and crews["巡逻二车"] == "李强"


def test_the_order_sheet_names_the_chief_who_accepted_it_not_his_login(db, station, make_ctx, clock):
    """The printed sheet is signed off by a person: "叶芳 于 … 采纳", as the handover names its signers."""
    from precinct_console.storage.models import User

    chief = make_ctx(Role.STATION_CHIEF, "yefang")
    with db.sessions() as s:
        s.scalar(sa.select(User).where(User.username == "yefang")).display_name = "叶芳"
        s.commit()
    _town(db, station, clock)
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    _crew(chief, sh.id)
    plan = allocation.propose_plan(chief, shift_id=sh.id, method="greedy")
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    sheet = patrol_sheet(chief, plan.id)
    assert sheet.decided_by == "叶芳"
    # And the allocation panel's "由 叶芳 于 … 决定", from the plan opened and the plan list.
    assert allocation.get_plan(chief, plan.id).decided_by_name == "叶芳"
    assert [p.decided_by_name for p in allocation.list_plans(chief)] == ["叶芳"]
    assert allocation.get_plan(chief, plan.id).decided_by == "yefang"  # the audit keeps the login


def test_an_officers_phone_rank_and_team_are_checked_on_the_way_in_and_on_edit(db, chief):
    with pytest.raises(ValidationError, match="'138abc00000' is not a phone number") as bad:
        roster.add_officer(chief, "031001", "张伟", phone="138abc00000")
    assert bad.value.field == "phone"
    with pytest.raises(ValidationError, match="at most 16 characters") as long:
        roster.add_officer(chief, "031001", "张伟", team="巡逻" * 10)
    assert long.value.field == "team"
    assert roster.list_officers(chief) == []  # nothing was put on the roll
    zhang = roster.add_officer(chief, "031001", "张伟", phone=" 0371-6262 1234 转 8001 ", rank="一级警司")
    assert zhang.phone == "0371-6262 1234 转 8001"
    with pytest.raises(ValidationError, match="is not a phone number"):
        roster.update_officer(chief, zhang.id, zhang.version, phone="call me")
    with pytest.raises(ValidationError, match="at most 40 characters") as rank:
        roster.update_officer(chief, zhang.id, zhang.version, rank="警" * 41)
    assert rank.value.field == "rank"
    kept = roster.list_officers(chief)[0]
    assert (kept.phone, kept.rank, kept.version) == ("0371-6262 1234 转 8001", "一级警司", zhang.version)
    assert roster.update_officer(chief, zhang.id, zhang.version, phone="").phone == ""


def test_leave_over_days_already_recorded_is_refused_naming_the_record(db, chief):
    zhang = roster.add_officer(chief, "031001", "张伟")
    day = datetime(2026, 12, 8, tzinfo=CHINA_TZ)
    roster.add_absence(chief, zhang.id, "leave", day, day + timedelta(days=3), "年休假")  # 12-08..12-10
    with pytest.raises(ValidationError, match="张伟 is already on leave 12-08–12-10: these days overlap it") as e:
        roster.add_absence(chief, zhang.id, "training", day + timedelta(days=2), day + timedelta(days=5))
    assert e.value.field == "starts_at"
    from precinct_console.i18n.catalogue import error_text
    assert "张伟 已于 12-08–12-10 休假，所选日期与之重叠" in error_text(e.value, "zh_CN")
    # The day after the leave is free: training may start there.
    roster.add_absence(chief, zhang.id, "training", day + timedelta(days=3), day + timedelta(days=4))
    with pytest.raises(ValidationError, match="already in training 12-11–12-11"):
        roster.add_absence(chief, zhang.id, "leave", day + timedelta(days=3), day + timedelta(days=4))
    view = roster.roster_view(chief, date(2026, 12, 7), date(2026, 12, 13))
    assert sorted(a.kind for a in view.absences) == ["leave", "training"]  # nothing more was saved


def test_cancelled_leave_is_taken_back_once_and_audited(db, chief):
    zhang = roster.add_officer(chief, "031001", "张伟")
    day = datetime(2026, 12, 8, tzinfo=CHINA_TZ)
    leave = roster.add_absence(chief, zhang.id, "leave", day, day + timedelta(days=3), "年休假")
    change = roster.remove_absence(chief, leave.id, leave.version)
    assert change.touches("officer_absence")  # every seat's calendar reloads
    with pytest.raises(Exception, match="张伟·12-08–12-10 was removed by"):  # a second seat's stale click
        roster.remove_absence(chief, leave.id, leave.version)
    # The days are free again: the corrected leave goes in.
    roster.add_absence(chief, zhang.id, "leave", day + timedelta(days=1), day + timedelta(days=3))
    with db.sessions() as s:
        audit = s.execute(sa.text("SELECT action FROM audit_log WHERE entity = 'officer_absence' "
                                  "ORDER BY id")).scalars().all()
    assert audit == ["roster.absence_add", "roster.absence_remove", "roster.absence_add"]


def test_swapping_two_shifts_of_one_officer_says_so(db, chief):
    mon = datetime(2026, 11, 16, 8, 30, tzinfo=CHINA_TZ)
    s1 = roster.add_shift(chief, "值班", mon, mon + timedelta(hours=24))
    s2 = roster.add_shift(chief, "值班", mon + timedelta(days=2), mon + timedelta(days=3))
    zhang = roster.add_officer(chief, "031001", "张伟")
    e1, e2 = roster.assign(chief, s1.id, zhang.id), roster.assign(chief, s2.id, zhang.id)
    with pytest.raises(ValidationError, match="both shifts are 张伟's; select one shift each of two "
                                             "officers") as same:
        roster.swap_entries(chief, e1.id, e1.version, e2.id, e2.version)
    from precinct_console.i18n.catalogue import error_text
    assert "两个班次都是 张伟 的" in error_text(same.value, "zh_CN")


def test_a_plan_for_a_day_past_the_holiday_tables_says_its_forecast_takes_it_as_an_ordinary_day(
        db, station, chief, clock):
    """New Year's Day 2027 is a Friday the holiday tables do not know yet: its forecast is a
    workday's, and the chief planning it is told so, as the roster tells him."""
    _town(db, station, clock)
    _crew(chief, roster.add_shift(chief, "白班", clock() + timedelta(hours=1),
                                  clock() + timedelta(hours=9)).id)
    new_year = datetime(2027, 1, 1, 10, 0, tzinfo=CHINA_TZ)
    notes = allocation.preview_plan(chief, starts_at=new_year, method="greedy").notes
    [note] = [n for n in notes if "2027" in n]
    assert note.startswith("the public holidays and adjusted working days of 2027 are not in the "
                           "calendar tables yet")
    assert message_text(note, "zh_CN").startswith("日历表尚未收录 2027 年的法定节假日和调休安排")
    # The 24-hour day from 08:30 on New Year's Eve runs into 2027 too.
    eve = allocation.preview_plan(chief, starts_at=new_year - timedelta(hours=14), method="greedy")
    assert [n for n in eve.notes if "2027" in n]
    known = allocation.preview_plan(chief, starts_at=new_year - timedelta(days=2), method="greedy")
    assert not [n for n in known.notes if "calendar tables" in n]
