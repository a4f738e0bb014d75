"""Move-up (补位): which free unit to send where when units of the plan are out on calls."""

from __future__ import annotations

import numpy as np
import pytest

from precinct_console.domain.allocation.move_up import PlanUnit, Point, cover_now

# Three hot spots on an east-west line, 3 km apart (a car reaches about 1 km in 3 minutes at
# 10:00): the market (weight 6), the station square (3) and the school (1).
LAT = 39.90
KM_LON = 1 / 85.2  # degrees of longitude per km at 39.9° N
MARKET, SQUARE, SCHOOL = 116.40, 116.40 + 3 * KM_LON, 116.40 + 6 * KM_LON
DEMAND = np.array([[MARKET, LAT, 6.0], [SQUARE, LAT, 3.0], [SCHOOL, LAT, 1.0]])
POINTS = [Point("post:1", "市场警务站", MARKET, LAT), Point("post:2", "广场警务站", SQUARE, LAT),
          Point("post:3", "学校警务室", SCHOOL, LAT)]


def _unit(uid: int, home: Point, at: tuple[float, float] | None, *, movable: bool = True) -> PlanUnit:
    lon, lat = at if at is not None else (None, None)
    return PlanUnit(uid, f"巡0{uid}", "car", lon, lat, movable and at is not None, home.key,
                    home.lon, home.lat)


def test_with_the_market_car_out_the_school_car_moves_up_to_the_market():
    market_car = _unit(1, POINTS[0], None)  # out on a call
    square_car = _unit(2, POINTS[1], (SQUARE, LAT))
    school_car = _unit(3, POINTS[2], (SCHOOL, LAT))
    cover = cover_now(DEMAND, POINTS, [market_car, square_car, school_car], 10)
    assert cover.planned_once == pytest.approx(1.0) and cover.once == pytest.approx(0.4)
    assert cover.out == ("巡01",) and cover.short
    # The school is worth 1 and the market 6: the school car goes, the square car stays.
    [move] = cover.moves
    assert (move.call_sign, move.point.name, move.back) == ("巡03", "市场警务站", False)
    assert 12 < move.minutes < 20  # 6 km across town
    assert cover.once_after == pytest.approx(0.9)


def test_nothing_to_move_while_every_unit_stands_at_its_point():
    units = [_unit(i + 1, p, (p.lon, p.lat)) for i, p in enumerate(POINTS)]
    cover = cover_now(DEMAND, POINTS, units, 10)
    assert cover.once == cover.planned_once == pytest.approx(1.0)
    assert cover.moves == () and cover.out == () and not cover.short


def test_a_unit_held_by_a_timed_duty_is_counted_where_it_is_but_not_moved():
    market_car = _unit(1, POINTS[0], None)
    square_car = _unit(2, POINTS[1], (SQUARE, LAT))
    school_car = _unit(3, POINTS[2], (SCHOOL, LAT), movable=False)  # at the school gate
    cover = cover_now(DEMAND, POINTS, [market_car, square_car, school_car], 10)
    assert cover.once == pytest.approx(0.4)
    [move] = cover.moves
    assert (move.call_sign, move.point.name) == ("巡02", "市场警务站")  # 6 to gain, 3 to lose


def test_a_free_car_far_from_its_point_is_sent_back_to_it():
    """Back from a call across town, the market car is nowhere near any hot spot: the move
    sends it back to its own point, and says so."""
    market_car = _unit(1, POINTS[0], (MARKET, LAT + 0.05))  # 5.5 km north
    units = [market_car, _unit(2, POINTS[1], (SQUARE, LAT)), _unit(3, POINTS[2], (SCHOOL, LAT))]
    cover = cover_now(DEMAND, POINTS, units, 10)
    assert cover.out == () and cover.once == pytest.approx(0.4)
    [move] = cover.moves
    assert (move.call_sign, move.point.key, move.back) == ("巡01", "post:1", True)
    assert cover.once_after == pytest.approx(1.0)


def test_a_move_that_brings_back_too_little_is_not_suggested():
    """Only the school (a tenth of the demand) is short, and a spare car stands where no call is
    expected: a radio call for it is worth making at a 3% threshold, not at a 20% one."""
    units = [_unit(1, POINTS[0], (MARKET, LAT)), _unit(2, POINTS[1], (SQUARE, LAT)),
             _unit(3, POINTS[2], None), _unit(4, POINTS[1], (SQUARE, LAT + 0.05))]
    assert [m.point.name for m in cover_now(DEMAND, POINTS, units, 10).moves] == ["学校警务室"]
    assert cover_now(DEMAND, POINTS, units, 10, min_gain_share=0.2).moves == ()


def test_two_units_out_two_moves_and_no_point_taken_twice():
    demand = np.vstack([DEMAND, [[MARKET, LAT + 3 / 111.0, 4.0]]])  # and a hot spot north of the market
    points = [*POINTS, Point("post:4", "北区警务室", MARKET, LAT + 3 / 111.0)]
    units = [_unit(1, points[0], None), _unit(2, points[3], None),
             _unit(3, points[1], (SQUARE, LAT)), _unit(4, points[2], (SCHOOL, LAT))]
    cover = cover_now(demand, points, units, 10)
    assert cover.out == ("巡01", "巡02")
    assert len(cover.moves) == 2
    assert len({m.point.key for m in cover.moves}) == 2 and len({m.unit_id for m in cover.moves}) == 2
    assert cover.moves[0].point.name == "市场警务站"  # the biggest gap first
    assert cover.once_after > cover.once


def test_no_expected_demand_no_figures_and_no_moves():
    empty = np.zeros((0, 3))
    cover = cover_now(empty, POINTS, [_unit(1, POINTS[0], None)], 10)
    assert (cover.once, cover.planned_once, cover.moves, cover.short) == (0.0, 0.0, (), False)


def test_a_unit_moved_up_is_sent_back_to_its_own_point_once_its_neighbour_is_back():
    """The school car was ordered up to the market while the market car was out; the market
    car is back at its point now, so the school car's own point is the gap (here worth more
    than the market's backup): the move says "back" and is an order to give (the school car's
    order is still the market)."""
    demand = np.array([[MARKET, LAT, 6.0], [SQUARE, LAT, 3.0], [SCHOOL, LAT, 4.0]])
    market_car = _unit(1, POINTS[0], (MARKET, LAT))
    square_car = _unit(2, POINTS[1], (SQUARE, LAT))
    moved = PlanUnit(3, "巡03", "car", MARKET + 0.002, LAT, True, POINTS[0].key, MARKET, LAT,
                     plan_key=POINTS[2].key, plan_lon=SCHOOL, plan_lat=LAT)
    cover = cover_now(demand, POINTS, [market_car, square_car, moved], 10)
    [move] = cover.moves
    assert (move.call_sign, move.point.key, move.back, move.already_ordered) == (
        "巡03", "post:3", True, False)
    assert cover.planned_once == pytest.approx(1.0)  # the plan has a car at the school


def test_a_unit_moved_up_on_its_way_to_its_new_point_needs_telling_not_an_order():
    """Ordered up from the school to the market (the market car is out), the school car is
    still at the school: the move to the market is its order already, and not "back"."""
    moved = PlanUnit(3, "巡03", "car", SCHOOL, LAT, True, POINTS[0].key, MARKET, LAT,
                     plan_key=POINTS[2].key, plan_lon=SCHOOL, plan_lat=LAT)
    cover = cover_now(DEMAND, POINTS, [_unit(1, POINTS[0], None), _unit(2, POINTS[1], (SQUARE, LAT)),
                                       moved], 10)
    [move] = cover.moves
    assert (move.point.key, move.back, move.already_ordered) == ("post:1", False, True)


def test_a_free_unit_far_from_the_point_it_is_ordered_to_needs_telling_not_an_order():
    market_car = _unit(1, POINTS[0], (MARKET, LAT + 0.05))  # still 5.5 km north
    units = [market_car, _unit(2, POINTS[1], (SQUARE, LAT)), _unit(3, POINTS[2], (SCHOOL, LAT))]
    [move] = cover_now(DEMAND, POINTS, units, 10).moves
    assert (move.point.key, move.back, move.already_ordered) == ("post:1", True, True)


def test_the_duty_officers_own_choice_lists_every_point_best_cover_first():
    """The market car is out; for the school car every point is listed with the cover it would
    give: the market first (0.9 of the demand), its own school point last but one, and the
    square, where a car stands already, adds the least."""
    from precinct_console.domain.allocation.move_up import move_options

    units = [_unit(1, POINTS[0], None), _unit(2, POINTS[1], (SQUARE, LAT)),
             _unit(3, POINTS[2], (SCHOOL, LAT))]
    options = move_options(DEMAND, POINTS, units, 3, 10)
    assert [o.point.name for o in options] == ["市场警务站", "学校警务室", "广场警务站"]
    market, school, square = options
    assert market.once_after == pytest.approx(0.9) and school.once_after == pytest.approx(0.4)
    assert square.once_after == pytest.approx(0.3)
    assert (school.back, school.ordered, market.back) == (True, True, False)
    assert school.minutes < 1 < market.minutes  # the drive from where it stands
    # Out on a call itself, the market car is listed from its own point.
    assert move_options(DEMAND, POINTS, units, 1, 10)[0].point.name == "市场警务站"
    assert move_options(DEMAND, POINTS, units, 1, 10)[0].minutes < 1
