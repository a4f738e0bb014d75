"""Accepting a patrol plan replaces only what it should: the same shift's plan, or the units both
plans place; the chief's constraints are checked with clear messages (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, roster, unit_roll, units

DAY = datetime(2026, 11, 20, 8, 0, tzinfo=CHINA_TZ)  # the fixture clock is 2026-11-20 08:00 or so


@pytest.fixture
def chief(make_ctx):
    return make_ctx(Role.STATION_CHIEF)


def _shift(chief, name: str, start: datetime, hours: float, crews: dict[str, int]) -> int:
    """A shift with each named unit crewed by one new officer; returns the shift id."""
    sh = roster.add_shift(chief, name, start, start + timedelta(hours=hours))
    for call_sign, uid in crews.items():
        o = roster.add_officer(chief, f"B{sh.id:02d}{uid:03d}", f"民警{call_sign}{sh.id}")
        roster.assign(chief, sh.id, o.id, unit_id=uid)
    return sh.id


def _units(chief, *signs: str) -> dict[str, int]:
    return {c: unit_roll.add_unit(chief, c, "car", 116.39 + i * 0.002, 39.90)
            for i, c in enumerate(signs)}


def _accepted(chief, shift_id: int) -> allocation.PlanInfo:
    p = allocation.propose_plan(chief, shift_id=shift_id, method="greedy")
    return allocation.decide_plan(chief, p.id, p.version, "accept")


def _orders(chief, at: datetime) -> dict[str, int]:
    return {o.call_sign: o.plan_id for o in allocation.patrol_orders(chief, at)}


def test_a_standby_plan_over_the_day_shift_leaves_the_day_plan_in_force(allocation_town, db, station, chief, clock):
    """The tester's case: 白班 08:00-16:00 accepted, then 所部备勤（白） 08:30-20:30 with other units."""
    allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02", "巡03", "巡05")
    day = _shift(chief, "白班", DAY, 8, {"巡01": u["巡01"], "巡03": u["巡03"]})
    standby = _shift(chief, "所部备勤（白）", DAY + timedelta(minutes=30), 12,
                     {"巡02": u["巡02"], "巡05": u["巡05"]})
    day_plan = _accepted(chief, day)
    standby_plan = _accepted(chief, standby)
    assert standby_plan.status == "accepted" and standby_plan.notes == ()
    assert allocation.get_plan(chief, day_plan.id).status == "accepted"
    nine = DAY + timedelta(hours=1)
    assert _orders(chief, nine) == {"巡01": day_plan.id, "巡03": day_plan.id,
                                    "巡02": standby_plan.id, "巡05": standby_plan.id}
    # After the day shift only the standby plan's units have orders.
    assert _orders(chief, DAY + timedelta(hours=10)) == {"巡02": standby_plan.id, "巡05": standby_plan.id}
    # The unit board (the clock is 09:00) shows both plans' orders, not only the latest plan's.
    board = {r.call_sign: r.patrol_point for r in units.list_units(chief)}
    placed = {a["call_sign"]: a["point_name"]
              for p in (day_plan, standby_plan) for a in allocation.get_plan(chief, p.id).assignments}
    assert board == placed and all(board.values())


def test_a_plan_of_another_shift_takes_over_only_the_units_both_place(allocation_town, db, station, chief, clock):
    allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02", "巡03")
    day = _shift(chief, "白班", DAY, 8, {"巡01": u["巡01"], "巡02": u["巡02"]})
    standby = _shift(chief, "所部备勤（白）", DAY + timedelta(minutes=30), 12,
                     {"巡02": u["巡02"], "巡03": u["巡03"]})
    day_plan = _accepted(chief, day)
    standby_plan = _accepted(chief, standby)
    assert standby_plan.notes == (
        f"plan {day_plan.id} (白班 11-20 08:00–16:00) stays in force; 巡02 follow this plan where "
        "the two overlap",)
    old = allocation.get_plan(chief, day_plan.id)
    assert old.status == "accepted" and old.taken_over == {u["巡02"]: standby_plan.id}
    assert _orders(chief, DAY + timedelta(hours=1)) == {
        "巡01": day_plan.id, "巡02": standby_plan.id, "巡03": standby_plan.id}
    # Before the standby shift starts, 巡02 still follows the day plan.
    assert _orders(chief, DAY + timedelta(minutes=10)) == {"巡01": day_plan.id, "巡02": day_plan.id}
    assert standby_plan.change.ids("unit") == {u["巡02"], u["巡03"]}


def test_a_plan_placing_every_unit_of_another_shifts_plan_supersedes_it_and_says_so(
        allocation_town, db, station, chief, clock):
    allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02")
    day = _shift(chief, "白班", DAY, 8, {"巡01": u["巡01"]})
    standby = _shift(chief, "所部备勤（白）", DAY + timedelta(minutes=30), 12,
                     {"巡01": u["巡01"], "巡02": u["巡02"]})
    day_plan = _accepted(chief, day)
    standby_plan = _accepted(chief, standby)
    assert allocation.get_plan(chief, day_plan.id).status == "superseded"
    assert standby_plan.notes == (
        f"plan {day_plan.id} (白班 11-20 08:00–16:00) was superseded: this plan places all of its "
        "units (巡01)",)
    assert set(_orders(chief, DAY + timedelta(hours=1)).values()) == {standby_plan.id}


def test_the_same_shift_planned_again_replaces_the_earlier_plan_whole(allocation_town, db, station, chief, clock):
    allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02", "巡03")
    day = _shift(chief, "白班", DAY, 8, {"巡01": u["巡01"], "巡02": u["巡02"]})
    first = _accepted(chief, day)
    roster.assign(chief, day, roster.add_officer(chief, "B9999", "赵六").id, unit_id=u["巡03"])
    second = _accepted(chief, day)
    assert allocation.get_plan(chief, first.id).status == "superseded"
    assert second.notes == (f"plan {first.id} (白班 11-20 08:00–16:00) for the same shift was superseded",)
    assert set(_orders(chief, DAY + timedelta(hours=1)).values()) == {second.id}
    assert second.change.ids("unit") == set(u.values())


def test_plans_without_a_shift_replace_each_other_only_for_the_same_window(allocation_town, db, station, chief, clock):
    allocation_town(key_zone=True)
    _units(chief, "巡01")
    at = clock() + timedelta(hours=2)
    a = allocation.propose_plan(chief, starts_at=at, method="greedy")
    b = allocation.propose_plan(chief, starts_at=at, method="greedy")
    assert a.shift_id is None and (a.starts_at, a.ends_at) == (b.starts_at, b.ends_at)
    allocation.decide_plan(chief, a.id, a.version, "accept")
    allocation.decide_plan(chief, b.id, b.version, "accept")
    assert allocation.get_plan(chief, a.id).status == "superseded"


def test_the_proposer_is_known_to_the_list_and_the_plan(allocation_town, db, station, chief, make_ctx, clock):
    allocation_town(key_zone=True)
    _units(chief, "巡01")
    duty = make_ctx(Role.DUTY_OFFICER)
    p = allocation.propose_plan(duty, method="greedy")
    assert (p.proposed_by, p.proposed_on) == (duty.actor.username, duty.actor.workstation)
    listed = {x.id: x for x in allocation.list_plans(chief)}
    assert listed[p.id].proposed_by == duty.actor.username
    assert allocation.get_plan(chief, p.id).proposed_on == duty.actor.workstation


def test_constraints_are_checked_with_messages_that_name_what_is_wrong(allocation_town, db, station, chief, clock):
    ids = allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02", "巡03")
    day = _shift(chief, "白班", DAY, 8, u)
    post = f"post:{ids['p1']}"
    with pytest.raises(ValidationError) as err:
        allocation.propose_plan(chief, shift_id=day, constraints={"pins": {v: post for v in u.values()}})
    assert str(err.value).endswith("3 units (巡01, 巡02, 巡03) are pinned to 火车站警务站, "
                                   "which holds at most 2")
    assert err.value.field == "pins"
    with pytest.raises(ValidationError) as err:
        allocation.propose_plan(chief, shift_id=day, constraints={"zones": [ids["square"]]})
    assert f"zone {ids['square']} (站前广场) is a key zone, not a patrol zone" in str(err.value)
    with pytest.raises(ValidationError) as err:
        allocation.propose_plan(chief, shift_id=day, constraints={"key_sites": [ids["square"] + 900]})
    assert str(err.value).endswith(f"key site {ids['square'] + 900} does not exist")
    assert "patrol zone" not in str(err.value) and err.value.field == "key_sites"
    with pytest.raises(ValidationError, match="must be a whole number, not 'x'"):
        allocation.propose_plan(chief, shift_id=day, constraints={"zones": ["x"]})
    # Two at a post that holds two is fine, and they really stand there; the third unit keeps
    # the school within its 1-minute ring.
    plan = allocation.propose_plan(chief, shift_id=day, time_limit=5, constraints={
        "pins": {u["巡01"]: post, u["巡02"]: post}, "key_sites": [ids["school"]]})
    where = {a["call_sign"]: a["point_key"] for a in plan.assignments}
    assert where["巡01"] == where["巡02"] == post
    assert plan.figures["key_sites_met"] == 1
    assert plan.constraints == {"pins": {str(u["巡01"]): post, str(u["巡02"]): post},
                                "zones": [], "key_sites": [ids["school"]]}
    # A unit pinned in the east and the west zone required leaves nobody for the school.
    with pytest.raises(ValidationError, match="the chief's constraints cannot all be met"):
        allocation.propose_plan(chief, shift_id=day, time_limit=5, constraints={
            "pins": {u["巡01"]: post, u["巡02"]: post}, "zones": [ids["west"]],
            "key_sites": [ids["school"]]})


def test_constraint_options_list_the_shifts_units_points_zones_and_sites(allocation_town, db, station, chief, clock):
    ids = allocation_town(key_zone=True)
    u = _units(chief, "巡01", "巡02")
    with db.sessions() as s:
        from precinct_console.storage.models import Unit
        s.get(Unit, u["巡02"]).post_id = ids["p2"]
        s.commit()
    day = _shift(chief, "白班", DAY, 8, {"巡02": u["巡02"]})
    opts = allocation.constraint_options(chief, shift_id=day)
    assert opts.shift_name == "白班"
    assert opts.units == ((u["巡02"], "巡02", "car", f"post:{ids['p2']}"),)
    keys = [c[0] for c in opts.candidates]
    assert f"post:{ids['p1']}" in keys and f"zone:{ids['west']}" in keys
    assert dict(opts.zones) == {ids["east"]: "东片巡区", ids["west"]: "西片巡区"}
    assert opts.key_sites == ((ids["school"], "第一中学", 1),)
    assert opts.key_zones == ((ids["square"], "站前广场"),)


def test_two_proposals_for_one_shift_accepted_at_two_seats_at_once_leave_one_in_force(
        allocation_town, db, station, make_ctx, monkeypatch):
    from .test_concurrency import _at_once, _two_seats

    allocation_town(key_zone=True)
    first, second = _two_seats(make_ctx)
    u = _units(first, "巡01", "巡02")
    day = _shift(first, "白班", DAY, 8, {"巡01": u["巡01"], "巡02": u["巡02"]})
    mine = allocation.propose_plan(first, shift_id=day, method="greedy")
    theirs = allocation.propose_plan(second, shift_id=day, method="greedy")
    run = _at_once(db, monkeypatch, allocation, "_accepted_overlapping")
    decided = run(lambda: allocation.decide_plan(first, mine.id, mine.version, "accept"),
                  lambda: allocation.decide_plan(second, theirs.id, theirs.version, "accept"))
    assert all(isinstance(d, allocation.PlanInfo) for d in decided)
    status = {p.id: p.status for p in allocation.list_plans(first)}
    assert sorted(status.values()) == ["accepted", "superseded"]  # not two plans in force
    later = next(d for d in decided if d.notes)  # the one decided second says what it replaced
    assert later.notes[0].endswith("for the same shift was superseded")
