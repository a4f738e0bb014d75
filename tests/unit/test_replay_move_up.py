"""The replay with move-ups: a free unit of the plan is moved up as the cover line says when
another goes out, and takes the next call from where it was sent."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from precinct_console.domain.allocation.move_up import Point
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.replay import ReplayIncident, ReplayUnit, replay
from precinct_console.domain.replay_move_up import MoveUpChooser, ReplayMoveUps, Seen
from precinct_console.domain.travel import distance_m, travel_seconds

DAY = datetime(2026, 11, 2, 0, 0, tzinfo=CHINA_TZ)
MARKET = Point("post:market", "市场警务站", 116.400, 39.900)  # the busy part of town
SCHOOL = Point("post:school", "学校警务室", 116.470, 39.900)  # six kilometres east, quiet
SHIFT = (DAY + timedelta(hours=8), DAY + timedelta(hours=16))
# Four in five expected calls are round the market.
DEMAND = np.array([[116.400 + dx, 39.900 + dy, 0.8] for dx, dy in ((0, 0), (0.003, 0), (0, 0.003))]
                  + [[116.470 + dx, 39.900 + dy, 0.2] for dx, dy in ((0, 0), (0.003, 0), (0, 0.003))])


def _units() -> list[ReplayUnit]:
    return [ReplayUnit(1, "巡01", "car", ((*SHIFT, MARKET.lon, MARKET.lat),)),
            ReplayUnit(2, "巡02", "car", ((*SHIFT, SCHOOL.lon, SCHOOL.lat),))]


def _policy(**kw) -> ReplayMoveUps:
    return ReplayMoveUps(DEMAND, (MARKET, SCHOOL), {1: MARKET.key, 2: SCHOOL.key}, **kw)


def _market_calls() -> list[ReplayIncident]:
    """Two calls at the market, 25 minutes apart: 巡01 is still on the first (an hour on scene)."""
    at = DAY + timedelta(hours=10)
    return [ReplayIncident(1, at, MARKET.lon, MARKET.lat, "01"),
            ReplayIncident(2, at + timedelta(minutes=25), MARKET.lon + 0.002, MARKET.lat, "06")]


def test_a_free_unit_moved_up_to_the_busy_point_reaches_the_next_call_within_3_minutes():
    without = replay(_market_calls(), _units())
    with_moves = replay(_market_calls(), _units(), move_ups=_policy())
    # Without: 巡02 drives the six kilometres from the school, far over 3 minutes.
    second = without.outcomes[1]
    assert second.unit_id == 2 and second.response_s - second.dispatch_s > 300
    assert without.share("on_scene") == 0.5 and without.move_ups is None
    # With: as 巡01 goes out, 巡02 is moved up to the market and takes the call from there.
    second = with_moves.outcomes[1]
    assert second.unit_id == 2
    assert second.response_s - second.dispatch_s == pytest.approx(
        travel_seconds(distance_m(MARKET.lon, MARKET.lat, MARKET.lon + 0.002, MARKET.lat), "car", 10))
    assert with_moves.share("on_scene") == 1.0
    assert with_moves.move_ups >= 1 and with_moves.as_json()["move_ups"] == with_moves.move_ups
    # The first call is the same either way: the move-up comes after it.
    assert with_moves.outcomes[0] == without.outcomes[0]


def test_a_pinned_unit_is_not_moved_up():
    r = replay(_market_calls(), _units(), move_ups=_policy(pinned=frozenset({2})))
    assert r.move_ups == 0 and r.share("on_scene") == 0.5


def test_a_unit_at_a_timed_duty_is_not_moved_up():
    """巡02 is at the school gate from 10:00 to 11:00 (a timed duty): it stays there."""
    ten, eleven = DAY + timedelta(hours=10), DAY + timedelta(hours=11)
    gate = (SCHOOL.lon + 0.001, SCHOOL.lat)
    school = ReplayUnit(2, "巡02", "car", ((SHIFT[0], ten, SCHOOL.lon, SCHOOL.lat), (ten, eleven, *gate),
                                           (eleven, SHIFT[1], SCHOOL.lon, SCHOOL.lat)),
                        frozenset({ten}))
    r = replay(_market_calls(), [_units()[0], school], move_ups=_policy())
    assert r.move_ups == 0 and r.share("on_scene") == 0.5


def test_a_move_that_brings_too_little_back_is_not_made():
    """With the demand split evenly, 巡02 leaving the school for the market gains nothing."""
    even = DEMAND.copy()
    even[:, 2] = 0.5
    r = replay(_market_calls(), _units(),
               move_ups=ReplayMoveUps(even, (MARKET, SCHOOL), {1: MARKET.key, 2: SCHOOL.key}))
    assert r.move_ups == 0


def test_the_replay_with_move_ups_is_deterministic():
    calls = [ReplayIncident(i, DAY + timedelta(hours=8, minutes=7 * i), MARKET.lon + 0.001 * (i % 5),
                            MARKET.lat, "06") for i in range(60)]
    a = replay(calls, _units(), move_ups=_policy())
    b = replay(calls, _units(), move_ups=_policy())
    assert (a.outcomes, a.compliance, a.move_ups) == (b.outcomes, b.compliance, b.move_ups)
    assert a.move_ups > 0


def test_the_chooser_moves_the_free_unit_to_the_uncovered_busy_point():
    chooser = MoveUpChooser(_policy())
    # 巡01 out: only 巡02 seen, at the school.
    [(unit_id, point)] = chooser.choose([Seen(2, "car", SCHOOL.lon, SCHOOL.lat, True)], 10)
    assert (unit_id, point) == (2, MARKET)
    # Not movable: nothing to do.
    assert chooser.choose([Seen(2, "car", SCHOOL.lon, SCHOOL.lat, False)], 10) == ()
    # Both at their points: the plan stands.
    assert chooser.choose([Seen(1, "car", MARKET.lon, MARKET.lat, True),
                           Seen(2, "car", SCHOOL.lon, SCHOOL.lat, True)], 10) == ()
