"""Unit recommendation: ranked by travel time, capability and load; shortfalls said plainly."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.recommend import DutyHold, UnitFacts, rank_units

LON, LAT = 116.40, 39.90
NOW = datetime(2026, 3, 2, 7, 18, tzinfo=CHINA_TZ)


def unit(uid: int, dlon: float, *, kind="car", status="available", seats=2, load=0, live=True):
    lon = LON + dlon
    return UnitFacts(uid, f"巡{uid}", kind, seats, status, lon if live else None,
                     LAT if live else None, lon + 0.02, LAT, load=load)


def test_nearest_capable_unit_comes_first_and_busy_ones_are_left_out():
    r = rank_units(LON, LAT, [unit(1, 0.02), unit(2, 0.005), unit(3, 0.001, status="on_scene")],
                   local_hour=10)
    assert [o.call_sign for o in r.options] == ["巡2", "巡1"]
    assert r.unavailable == ("巡3",)
    assert r.best.meets_target and r.shortfall is None


def test_rush_hour_slows_cars_so_a_motorbike_can_win():
    units = [unit(1, 0.012), unit(2, 0.013, kind="motorbike")]
    assert rank_units(LON, LAT, units, local_hour=10).best.call_sign == "巡1"
    assert rank_units(LON, LAT, units, local_hour=8).best.call_sign == "巡2"


def test_a_unit_without_enough_officers_ranks_after_capable_ones():
    r = rank_units(LON, LAT, [unit(1, 0.001, kind="drone", seats=0), unit(2, 0.01)], local_hour=10,
                   required_officers=2)
    assert [o.call_sign for o in r.options] == ["巡2", "巡1"]
    assert "observes only" in " ".join(r.options[1].reasons)


def test_recent_load_spreads_the_work():
    r = rank_units(LON, LAT, [unit(1, 0.004, load=3), unit(2, 0.005)], local_hour=10)
    assert r.best.call_sign == "巡2"


def test_a_unit_that_makes_the_target_goes_first_whatever_its_load():
    # 巡1 is there in about 2:52 but took two calls lately; 巡2, idle, needs about 3:18.
    r = rank_units(LON, LAT, [unit(1, 0.011, load=2), unit(2, 0.013)], local_hour=10)
    assert [(o.call_sign, o.meets_target) for o in r.options] == [("巡1", True), ("巡2", False)]


def test_load_only_breaks_near_ties_a_much_nearer_busy_unit_still_comes_first():
    # Reinforcement after the target has run out: nobody makes it, the nearer unit goes first
    # even after five calls (a demo night ranked a unit 2 minutes further away above it).
    r = rank_units(LON, LAT, [unit(1, 0.01, load=5), unit(2, 0.02)], local_hour=10, target_s=0)
    assert r.best.call_sign == "巡1"
    assert "5 recent incident(s)" in r.best.reasons


def test_a_unit_without_live_position_is_estimated_from_its_post():
    r = rank_units(LON, LAT, [unit(1, 0.0, live=False)], local_hour=10)
    assert r.best.from_home and r.best.distance_m > 1500


def test_shortfall_is_said_plainly_when_nobody_makes_three_minutes():
    r = rank_units(LON, LAT, [unit(1, 0.05)], local_hour=10, place="城关路12号")
    assert r.shortfall.startswith("No unit can reach 城关路12号 within 3 min 00 s")
    assert "巡1" in r.shortfall
    none = rank_units(LON, LAT, [unit(1, 0.0, status="off_duty")], local_hour=10)
    assert none.options == () and "every unit is busy or off duty" in none.shortfall


def test_a_partly_used_target_is_stated_with_what_is_left():
    r = rank_units(LON, LAT, [unit(1, 0.01)], local_hour=10, place="东街", target_s=60,
                   target_limit_s=180)
    assert "within the 3 min 00 s target (1 min 00 s left)" in r.shortfall


def test_an_old_position_fix_is_said_beside_the_unit():
    fresh = UnitFacts(1, "巡1", "car", 2, "available", LON + 0.004, LAT, LON, LAT, position_age_s=20)
    old = UnitFacts(2, "巡2", "car", 2, "available", LON + 0.005, LAT, LON, LAT, position_age_s=1260)
    r = rank_units(LON, LAT, [fresh, old], local_hour=10)
    reasons = {o.call_sign: " ".join(o.reasons) for o in r.options}
    assert "last position 21 min 00 s old" in reasons["巡2"]
    assert "last position" not in reasons["巡1"]


def test_a_vehicle_nobody_in_its_crew_may_drive_ranks_after_one_that_can_go():
    near = UnitFacts(1, "巡1", "car", 2, "available", LON + 0.001, LAT, LON, LAT, crew=2,
                     no_driver="C2")
    r = rank_units(LON, LAT, [near, unit(2, 0.01)], local_hour=10)
    assert [(o.call_sign, o.capable) for o in r.options] == [("巡2", True), ("巡1", False)]
    assert "nobody in the crew holds a licence for it (C2 needed)" in r.options[1].reasons
    # With only that car free, the shortfall says no unit can go.
    alone = rank_units(LON, LAT, [near], local_hour=10)
    assert alone.shortfall == ("No available unit has the 2 officers and a driver licensed for it; "
                               "send several or call reinforcement.")


def _gate(minutes: int, *, under_way: bool = False, line: bool = False) -> DutyHold:
    """A timed duty beginning `minutes` from NOW (under way: begun, ending then)."""
    at = NOW + timedelta(minutes=minutes)
    return DutyHold("城关实验小学护学岗", line, NOW - timedelta(minutes=10) if under_way else at,
                    at if under_way else at + timedelta(minutes=30), under_way)


def test_a_car_due_at_a_timed_duty_goes_after_an_equally_good_free_car_with_the_reason():
    """Both cars make the 3-minute target; the nearer one must be at the school gate at 07:30.
    The free car is suggested first, and the duty is written out beside the other, not hidden."""
    held = replace(unit(1, 0.002), duty=_gate(12))
    r = rank_units(LON, LAT, [held, unit(2, 0.005)], local_hour=7)
    assert [(o.call_sign, o.meets_target) for o in r.options] == [("巡2", True), ("巡1", True)]
    assert "due at the must-patrol point 城关实验小学护学岗 at 07:30" in r.options[1].reasons
    assert not any("due at" in x for x in r.options[0].reasons)
    # On the duty now (a patrol line under way till 07:30): the same, said as such.
    on_it = replace(unit(1, 0.002), duty=_gate(12, under_way=True, line=True))
    r = rank_units(LON, LAT, [on_it, unit(2, 0.005)], local_hour=7)
    assert [o.call_sign for o in r.options] == ["巡2", "巡1"]
    assert "on its timed duty on the patrol line 城关实验小学护学岗 until 07:30" in r.options[1].reasons


def test_a_car_on_a_timed_duty_still_goes_first_when_it_alone_makes_the_target():
    """The 1-3-5 target comes first: the free car would be late on scene, the gate's car not."""
    held = replace(unit(1, 0.004), duty=_gate(12))
    r = rank_units(LON, LAT, [held, unit(2, 0.03)], local_hour=7)
    assert [(o.call_sign, o.meets_target) for o in r.options] == [("巡1", True), ("巡2", False)]
    assert "due at the must-patrol point 城关实验小学护学岗 at 07:30" in r.best.reasons


def test_past_the_target_a_car_on_a_duty_goes_after_a_free_car_up_to_two_minutes_slower():
    """Nobody makes the target: a free car up to DUTY_PENALTY_S slower goes first, a much slower
    one does not (every minute past the target counts)."""
    held = replace(unit(1, 0.02), duty=_gate(12))
    near_tie = rank_units(LON, LAT, [held, unit(2, 0.024)], local_hour=7, target_s=0)
    assert near_tie.best.call_sign == "巡2"
    far = rank_units(LON, LAT, [held, unit(2, 0.06)], local_hour=7, target_s=0)
    assert far.best.call_sign == "巡1"
