"""Planning shifts with teams crews the units: the allocation runs on them with no hand edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, roster, unit_roll

from .test_roster_allocation import _town

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


@pytest.fixture
def chief(make_ctx):
    return make_ctx(Role.STATION_CHIEF)


def _station(chief):
    """Four teams of three (one 民警 with a car licence, one with none, a 辅警), two cars and a
    foot patrol of three; a 四班三运转 pattern."""
    team_of = {}
    for t, team in enumerate("甲乙丙丁"):
        for i, (kind, licences) in enumerate((("officer", ["C1"]), ("officer", []),
                                             ("auxiliary", []))):
            o = roster.add_officer(chief, f"0{t}{i}", f"{team}{i}", kind=kind, team=team,
                                   licences=licences)
            team_of[o.id] = team
    units = {cs: unit_roll.add_unit(chief, cs, kind, 116.39, 39.90, seats=seats)
             for cs, kind, seats in (("巡01", "car", 4), ("巡02", "car", 4), ("步01", "foot", 3))}
    pid = roster.add_pattern(chief, "四班三运转", "four_three", {"anchor": "2026-11-23"})
    return pid, units, team_of


def _crews(chief, first, last):
    view = roster.roster_view(chief, first, last + timedelta(days=1))  # the last night's too
    return view, {s.id: {e.officer_id: e.unit_id for e in view.entries_of(s.id)} for s in view.shifts}


def test_a_week_planned_with_teams_is_crewed_and_the_allocation_runs_on_it(db, station, chief, clock):
    _town(db, station, clock)
    pid, units, _team_of = _station(chief)
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True,
                               crew_size=1)  # singles: the spread as it was
    assert made.crewing is not None and made.crewing.crews == 2 * len(made)
    # Each team has one driver: 巡02 waits for a second on every shift, and is said to.
    assert made.crewing.no_driver == (("巡02", len(made)),)
    view, crews = _crews(chief, *WEEK)
    licensed = {o.id for o in view.officers if o.licences}
    for sh in made:
        by_unit: dict[int | None, set[int]] = {}
        for officer, unit in crews[sh.id].items():
            by_unit.setdefault(unit, set()).add(officer)
        # The driver in the first car with the 辅警, the other 民警 on foot; nobody in no unit.
        assert set(by_unit) == {units["巡01"], units["步01"]}
        assert by_unit[units["巡01"]] & licensed
    # The same officers in the same units shift after shift.
    per_officer: dict[int, set[int | None]] = {}
    for crew in crews.values():
        for officer, unit in crew.items():
            per_officer.setdefault(officer, set()).add(unit)
    assert all(len(u) == 1 for u in per_officer.values())
    # The allocation takes the crewed units with no hand edits (it stopped at "no unit is crewed").
    plan = allocation.propose_plan(chief, shift_id=made[0].id, time_limit=5)
    assert {a["unit_id"] for a in plan.assignments} <= {units["巡01"], units["步01"]}
    assert plan.assignments


def test_without_the_choice_nobody_is_put_in_a_unit(db, chief):
    pid, _units, _team_of = _station(chief)
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True)
    assert made.crewing is None
    _view, crews = _crews(chief, *WEEK)
    assert {u for crew in crews.values() for u in crew.values()} == {None}


def test_each_officer_rides_the_unit_he_rode_on_his_teams_last_shift(db, chief):
    pid, units, team_of = _station(chief)
    # Last week, crewed by hand: 甲's driver in 巡02 with the 辅警, the unlicensed 民警 on foot.
    before = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    old = roster.add_shift(chief, "白班", before, before + timedelta(hours=8), team="甲")
    jia = sorted(o for o, t in team_of.items() if t == "甲")
    for officer, unit in zip(jia, ("巡02", "步01", "巡02"), strict=True):
        roster.assign(chief, old.id, officer, unit_id=units[unit])
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True,
                               crew_size=1)  # singles: the spread as it was
    _view, crews = _crews(chief, *WEEK)
    jia_shifts = [s for s in made if s.team == "甲"]
    assert jia_shifts
    for sh in jia_shifts:
        assert crews[sh.id] == dict(zip(jia, (units["巡02"], units["步01"], units["巡02"]),
                                        strict=True))


def test_an_officer_on_leave_is_left_off_and_his_car_gets_another_driver(db, chief):
    pid, units, team_of = _station(chief)
    jia = sorted(o for o, t in team_of.items() if t == "甲")
    driver = jia[0]
    second = next(o for o in roster.list_officers(chief) if o.id == jia[1])
    roster.update_officer(chief, second.id, second.version, licences=["C2"])
    # The driver on leave over the whole week: his crewmate with a C2 drives 巡01 instead.
    roster.add_absence(chief, driver, "leave", datetime(2026, 11, 23, tzinfo=CHINA_TZ),
                       datetime(2026, 11, 30, tzinfo=CHINA_TZ), "年休假")
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True,
                               crew_size=1)  # singles: the spread as it was
    assert made.crewing is not None
    assert made.crewing.no_driver == (("巡02", len(made)),)  # 巡01 is never left without one
    _view, crews = _crews(chief, *WEEK)
    for sh in (s for s in made if s.team == "甲"):
        assert driver not in crews[sh.id]
        assert crews[sh.id][jia[1]] == units["巡01"]


def test_a_car_with_no_licensed_driver_in_the_team_is_named(db, chief):
    pid, units, _team_of = _station(chief)
    for o in roster.list_officers(chief):
        if o.team == "甲" and o.licences:
            roster.update_officer(chief, o.id, o.version, licences=[])
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None
    jia = len([s for s in made if s.team == "甲"])
    # 巡01 and 巡02 wait for a driver on every shift of 甲; its three patrol on foot.
    assert made.crewing.no_driver == (("巡01", jia), ("巡02", len(made)))
    _view, crews = _crews(chief, *WEEK)
    for sh in (s for s in made if s.team == "甲"):
        assert set(crews[sh.id].values()) == {units["步01"]}


def test_an_officer_away_on_his_teams_last_shift_rides_the_unit_of_the_shift_before(db, chief):
    pid, units, team_of = _station(chief)
    jia = sorted(o for o, t in team_of.items() if t == "甲")
    older = datetime(2026, 11, 18, 8, 30, tzinfo=CHINA_TZ)
    newer = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    a = roster.add_shift(chief, "白班", older, older + timedelta(hours=8), team="甲")
    b = roster.add_shift(chief, "白班", newer, newer + timedelta(hours=8), team="甲")
    for officer, unit in zip(jia, ("巡02", "步01", "巡02"), strict=True):
        roster.assign(chief, a.id, officer, unit_id=units[unit])
    # On the 20th the 辅警 was on leave: the two 民警 rode 巡02 together.
    roster.assign(chief, b.id, jia[0], unit_id=units["巡02"])
    roster.assign(chief, b.id, jia[1], unit_id=units["巡02"])
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
    _view, crews = _crews(chief, *WEEK)
    for sh in (s for s in made if s.team == "甲"):
        assert crews[sh.id] == {jia[0]: units["巡02"], jia[1]: units["巡02"], jia[2]: units["巡02"]}


def test_by_default_a_unit_goes_out_with_two_and_a_car_the_team_cannot_pair_is_named(db, chief):
    """双人巡逻: each team's licensed 民警 and its 辅警 in 巡01, the other 民警 with them (the foot
    patrol needs two and only one is left); never a car or a foot patrol with one aboard."""
    pid, units, _team_of = _station(chief)
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None and made.crewing.crews == len(made)
    assert made.crewing.no_driver == (("巡02", len(made)),)
    _view, crews = _crews(chief, *WEEK)
    for sh in made:
        assert set(crews[sh.id].values()) == {units["巡01"]}
    # A second driver in every team: 巡02 is no longer wanting a driver but hands, and says so.
    for o in roster.list_officers(chief):
        if o.kind == "officer" and not o.licences:
            roster.update_officer(chief, o.id, o.version, licences=["C1"])
    nxt = (WEEK[0] + timedelta(days=7), WEEK[1] + timedelta(days=7))
    made = roster.make_shifts(chief, pid, *nxt, with_teams=True, crew_units=True)
    assert made.crewing is not None
    assert made.crewing.no_driver == () and made.crewing.short == (("巡02", len(made)),)
    _view, crews = _crews(chief, *nxt)
    for sh in made:
        assert sorted(crews[sh.id].values()) == [units["巡01"]] * 3


def _standby_station(chief):
    """Four patrol teams of two 民警 who drive and two 辅警; a standby team (备勤) of two 民警; three
    cars, 巡02 the standby car: last week's standby shift rode it."""
    for t, team in enumerate("甲乙丙丁"):
        for i, kind in enumerate(("officer", "officer", "auxiliary", "auxiliary")):
            roster.add_officer(chief, f"0{t}{i}", f"{team}{i}", kind=kind, team=team,
                               licences=["C1"] if kind == "officer" else [])
    standby = [roster.add_officer(chief, f"09{i}", f"备勤{i}", team="备勤", licences=["C1"]).id
               for i in range(2)]
    units = {cs: unit_roll.add_unit(chief, cs, "car", 116.39, 39.90, seats=4)
             for cs in ("巡01", "巡02", "巡03")}
    last_week = datetime(2026, 11, 18, 8, 30, tzinfo=CHINA_TZ)
    old = roster.add_shift(chief, "备勤", last_week, last_week + timedelta(hours=12), team="备勤")
    for officer in standby:
        roster.assign(chief, old.id, officer, duty="standby", unit_id=units["巡02"])
    patrol = roster.add_pattern(chief, "四班三运转", "four_three", {"anchor": "2026-11-23"})
    on_standby = roster.add_pattern(chief, "备勤", "standby", {"teams": ["备勤"]})
    return patrol, on_standby, units, standby


@pytest.mark.parametrize("standby_first", [True, False], ids=["standby_first", "patrol_first"])
def test_patrol_teams_are_never_given_the_standby_car_whatever_is_planned_first(
        db, chief, standby_first):
    patrol, on_standby, units, standby = _standby_station(chief)
    order = [on_standby, patrol] if standby_first else [patrol, on_standby]
    made = {pid: roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
            for pid in order}
    view, crews = _crews(chief, *WEEK)
    patrol_ids = {s.id for s in made[patrol]}
    standby_ids = {s.id for s in made[on_standby]}
    patrol_units = {u for sid in patrol_ids for u in crews[sid].values()}
    # Each patrol team in 巡01 and 巡03, two to a car; 巡02 never.
    assert patrol_units == {units["巡01"], units["巡03"]}
    crewing = made[patrol].crewing
    assert crewing is not None and crewing.standby == ("巡02",) and crewing.short == ()
    # The standby team rides its car, and no unit is on two shifts at once.
    assert all(crews[sid] == dict.fromkeys(standby, units["巡02"]) for sid in standby_ids)
    assert not [v for v in view.violations if v.rule in ("unit_crew", "double_booked")]


def test_a_patrol_car_lent_to_standby_once_goes_back_to_patrol(db, chief):
    patrol, _on_standby, units, _standby = _standby_station(chief)
    # After last week's standby shift, 巡02 went out on patrol: it is a patrol car again.
    day = datetime(2026, 11, 20, 8, 0, tzinfo=CHINA_TZ)
    shift = roster.add_shift(chief, "白班", day, day + timedelta(hours=8), team="甲")
    jia = next(o for o in roster.list_officers(chief) if o.team == "甲" and o.kind == "officer")
    roster.assign(chief, shift.id, jia.id, unit_id=units["巡02"])
    made = roster.make_shifts(chief, patrol, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None and made.crewing.standby == ()
    _view, crews = _crews(chief, *WEEK)
    assert units["巡02"] in {u for sh in made for u in crews[sh.id].values()}


def _new_station(chief, *marked):
    """_standby_station with no history at all (a station setting up), the cars `marked` as
    standby cars in the units dialog."""
    for t, team in enumerate("甲乙丙丁"):
        for i, kind in enumerate(("officer", "officer", "auxiliary", "auxiliary")):
            roster.add_officer(chief, f"0{t}{i}", f"{team}{i}", kind=kind, team=team,
                               licences=["C1"] if kind == "officer" else [])
    standby = [roster.add_officer(chief, f"09{i}", f"备勤{i}", team="备勤", licences=["C1"]).id
               for i in range(2)]
    units = {cs: unit_roll.add_unit(chief, cs, "car", 116.39, 39.90, seats=4, standby=cs in marked)
             for cs in ("巡01", "巡02", "巡03", "巡04")}
    patrol = roster.add_pattern(chief, "四班三运转", "four_three", {"anchor": "2026-11-23"})
    on_standby = roster.add_pattern(chief, "备勤", "standby", {"teams": ["备勤"]})
    return patrol, on_standby, units, standby


@pytest.mark.parametrize("standby_first", [True, False], ids=["standby_first", "patrol_first"])
def test_a_car_marked_for_standby_is_kept_for_it_at_a_new_station_whatever_is_planned_first(
        db, chief, standby_first):
    """No standby shift has ever ridden 巡02 or 巡04: the mark alone keeps them from patrol, and
    the standby team of two takes the first of them."""
    patrol, on_standby, units, standby = _new_station(chief, "巡02", "巡04")
    order = [on_standby, patrol] if standby_first else [patrol, on_standby]
    made = {pid: roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
            for pid in order}
    view, crews = _crews(chief, *WEEK)
    patrol_units = {u for sh in made[patrol] for u in crews[sh.id].values()}
    assert patrol_units == {units["巡01"], units["巡03"]}
    crewing = made[patrol].crewing
    assert crewing is not None and crewing.standby == ("巡02", "巡04") and crewing.short == ()
    assert all(crews[sh.id] == dict.fromkeys(standby, units["巡02"]) for sh in made[on_standby])
    assert not [v for v in view.violations if v.rule in ("unit_crew", "double_booked")]


def test_a_night_standby_team_of_two_takes_one_standby_car_and_names_no_other_as_short(db, chief):
    """Two standby cars, for the day's standby of four; the night's two take one of them, the
    other is not theirs to crew (it was named, on every night, as a car the team was too small
    for)."""
    _patrol, on_standby, units, standby = _new_station(chief, "巡02", "巡04")
    made = roster.make_shifts(chief, on_standby, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None
    assert made.crewing.short == () and made.crewing.no_driver == ()
    assert made.crewing.crews == len(made)
    _view, crews = _crews(chief, *WEEK)
    assert all(crews[sh.id] == dict.fromkeys(standby, units["巡02"]) for sh in made)


def test_a_marked_standby_car_stays_one_after_a_patrol_crew_rode_it(db, chief):
    """The history rule lets a car lent to patrol go back to patrol; a marked car does not."""
    patrol, _on_standby, units, _standby = _new_station(chief, "巡02")
    day = datetime(2026, 11, 20, 8, 0, tzinfo=CHINA_TZ)
    shift = roster.add_shift(chief, "白班", day, day + timedelta(hours=8), team="甲")
    jia = next(o for o in roster.list_officers(chief) if o.team == "甲" and o.kind == "officer")
    roster.assign(chief, shift.id, jia.id, unit_id=units["巡02"])
    # Put there by hand, the patrol crew in the marked car is a roster rule broken.
    view = roster.roster_view(chief, day.date(), day.date())
    assert [v.message for v in view.violations if v.rule == "unit_crew"] == [
        "白班 11-20 08:00–16:00: unit 巡02 is a standby car (备勤车): kept for standby, not patrol"]
    made = roster.make_shifts(chief, patrol, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None and made.crewing.standby == ("巡02",)
    _view, crews = _crews(chief, *WEEK)
    assert units["巡02"] not in {u for sh in made for u in crews[sh.id].values()}
    # Unmarked, it is a patrol car again (its last crew was a patrol one): the patrol teams, who
    # keep their cars, leave it in for want of hands, as they do 巡04.
    info = next(u for u in unit_roll.list_unit_roll(chief) if u.id == units["巡02"])
    unit_roll.update_unit(chief, info.id, info.version, call_sign="巡02", kind="car", seats=4,
                          post_id=None, standby=False)
    nxt = (WEEK[0] + timedelta(days=7), WEEK[1] + timedelta(days=7))
    made = roster.make_shifts(chief, patrol, *nxt, with_teams=True, crew_units=True)
    assert made.crewing is not None and made.crewing.standby == ()
    assert [cs for cs, _n in made.crewing.short] == ["巡02", "巡04"]


def test_a_drone_no_one_on_the_team_may_fly_is_named_once_and_nobody_is_kept_at_it(db, chief):
    """甲's 民警 flew 无人机01 last week; his pilot's licence has lapsed since. He is not put at the
    drone on every shift (a roster rule broken on each): he joins a crew, and the drone is named
    once, with the shifts it stays in."""
    pid, _units, team_of = _station(chief)
    drone = unit_roll.add_unit(chief, "无人机01", "drone", 116.39, 39.90)
    jia = sorted(o for o, t in team_of.items() if t == "甲")
    flier = next(o for o in roster.list_officers(chief) if o.id == jia[1])
    before = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    old = roster.add_shift(chief, "白班", before, before + timedelta(hours=8), team="甲")
    roster.update_officer(chief, flier.id, flier.version, licences=["无人机驾驶员执照"])
    roster.assign(chief, old.id, flier.id, unit_id=drone)
    flier = next(o for o in roster.list_officers(chief) if o.id == jia[1])
    roster.update_officer(chief, flier.id, flier.version, licences=[])
    made = roster.make_shifts(chief, pid, *WEEK, with_teams=True, crew_units=True)
    assert made.crewing is not None
    # No team has a pilot now: the drone stays in on every shift, said once.
    assert made.crewing.no_pilot == (("无人机01", len(made)),)
    assert all(cs != "无人机01" for cs, _n in made.crewing.no_driver)
    view, crews = _crews(chief, *WEEK)
    assert all(drone not in crews[sh.id].values() for sh in made)
    assert not [v for v in view.violations if "无人机01" in v.message]
