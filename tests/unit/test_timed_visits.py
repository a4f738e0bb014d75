"""Timed duties go to the planned unit that reaches the point soonest, by its travel profile."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime

import pytest

from precinct_console.domain.allocation.visits import (
    VisitPoint,
    assign_visits,
    stored_visits,
    stretch_end,
)
from precinct_console.domain.clock import CHINA_TZ


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=CHINA_TZ)


GATE = VisitPoint("point:1", "实验小学护学岗", 116.4000, 39.9000, ((at(8), at(8, 30)),))


def placed(uid: int, sign: str, lon: float) -> dict:
    return {"unit_id": uid, "call_sign": sign, "lon": lon, "lat": 39.9000}


def test_the_nearest_unit_by_travel_time_takes_the_duty_not_the_nearest_by_distance():
    # A foot patrol 300 m away against a car 700 m away: the car gets there first.
    plan = [placed(1, "步巡A", 116.4035), placed(2, "城关1号车", 116.4082)]
    [visit] = assign_visits([GATE], plan, {1: "foot", 2: "car"}, local_hour=10)
    assert (visit.call_sign, visit.text()) == ("城关1号车", "08:00-08:30 实验小学护学岗")
    [visit] = assign_visits([GATE], plan, {1: "car", 2: "car"}, local_hour=10)
    assert visit.call_sign == "步巡A"


def test_no_planned_unit_no_duty_and_old_plans_have_none():
    assert assign_visits([GATE], [], {}, local_hour=10) == []
    assert stored_visits({"units": [[1, "A", "car"]]}, [placed(1, "A", 116.4)]) == []
    rows = {"visit_points": [GATE.as_row()], "units": [[1, "A", "car"]], "local_hour": 7}
    assert [v.call_sign for v in stored_visits(rows, [placed(1, "A", 116.4)])] == ["A"]


def test_one_unit_is_not_sent_to_two_gates_at_once():
    other = VisitPoint("point:2", "育才小学护学岗", 116.4010, 39.9000, ((at(8), at(8, 30)),))
    later = VisitPoint("point:3", "第一中学护学岗", 116.4010, 39.9000, ((at(11), at(11, 30)),))
    plan = [placed(1, "城关1号车", 116.4005), placed(2, "城关2号车", 116.4300)]
    visits = assign_visits([later, other, GATE], plan, {1: "car", 2: "car"}, local_hour=8)
    by_point = {v.point_name: v.call_sign for v in visits}
    # The near car takes one 08:00 gate, the far car the other; at 11:00 the near car is free.
    assert sorted([by_point["实验小学护学岗"], by_point["育才小学护学岗"]]) == ["城关1号车", "城关2号车"]
    assert by_point["第一中学护学岗"] == "城关1号车"
    assert not any(v.clash for v in visits)
    # One car for two gates at once: it takes both, the second marked as a clash.
    visits = assign_visits([other, GATE], plan[:1], {1: "car"}, local_hour=8)
    assert [v.clash for v in visits] == [False, True]
    # The board and the handover read the clash off the duty's text.
    assert [v.text().endswith("▲") for v in visits] == [False, True]


def test_a_window_past_midnight_reads_as_24_00():
    market = VisitPoint("point:4", "夜市", 116.4, 39.9, ((at(20), datetime(2026, 12, 8, tzinfo=CHINA_TZ)),))
    assert market.window == "20:00-24:00"
    assert VisitPoint.from_row(market.as_row()) == market


def test_a_plan_is_still_solved_after_the_board_has_assigned_timed_duties():
    """HiGHS keeps the thread count of its first run for the whole process: the unit board's
    duty LP ran first and every proposal after it found no plan. A fresh process, as a seat is."""
    script = (
        "from datetime import datetime\n"
        "from precinct_console.domain.allocation import allocate\n"
        "from precinct_console.domain.allocation.synthetic import synthetic_problem\n"
        "from precinct_console.domain.allocation.visits import VisitPoint, assign_visits\n"
        "from precinct_console.domain.clock import CHINA_TZ\n"
        "t = lambda h, m=0: datetime(2026, 12, 7, h, m, tzinfo=CHINA_TZ)\n"
        "gate = VisitPoint('point:1', 'gate', 116.4, 39.9, ((t(8), t(8, 30)),))\n"
        "assign_visits([gate], [{'unit_id': 1, 'call_sign': 'A', 'lon': 116.41, 'lat': 39.9}], {1: 'car'}, 8)\n"
        "result = allocate(synthetic_problem(200, 30, 4, seed=1, side_km=4.0), time_limit=10)\n"
        "print(result.status)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "optimal"


def test_a_unit_joins_a_patrol_line_where_its_route_passes_nearest():
    """A night market's route runs 1.4 km east-west; a car 300 m north of its middle joins it
    there, not 700 m away at its start."""
    route = ((116.4000, 39.9000), (116.4164, 39.9000))  # about 1.4 km
    line = VisitPoint("line:1", "夜市收市巡逻线", *route[0], ((at(22), at(23, 59)),), route)
    join_lon, join_lat = line.joined_from(116.4082, 39.9027)
    assert join_lon == pytest.approx(116.4082, abs=1e-5) and join_lat == pytest.approx(39.9000, abs=1e-6)
    # Past the route's end it joins at the end.
    assert line.joined_from(116.4300, 39.9000) == pytest.approx(route[1])
    [visit] = assign_visits([line], [placed(1, "城关1号车", 116.4082)], {1: "car"}, local_hour=22)
    [at_start] = assign_visits([replace(line, route=())], [placed(1, "城关1号车", 116.4082)], {1: "car"},
                               local_hour=22)
    assert visit.seconds < at_start.seconds
    assert (visit.lon, visit.lat) == pytest.approx((116.4082, 39.9000), abs=1e-5)
    assert VisitPoint.from_row(line.as_row()) == line  # stored with its route


def test_a_duty_open_twice_in_a_plan_keeps_each_window_as_a_duty_of_its_own():
    """A standby plan meets the school gate at 07:00-08:30 and again at 16:00-17:30: each
    window is its own duty (its own start to be reminded of, its own end), as stored plans made
    before windows were kept still read."""
    gate = VisitPoint("point:1", "实验小学护学岗", 116.4, 39.9,
                      ((at(7), at(8, 30)), (at(16), at(17, 30))))
    # A row as plans have been stored since timed duties came in (no route, spans as text).
    row = ["point:1", "实验小学护学岗", 116.4, 39.9,
           [[at(7).isoformat(), at(8, 30).isoformat()], [at(16).isoformat(), at(17, 30).isoformat()]]]
    assert VisitPoint.from_row(row) == gate and gate.as_row() == row
    [visit] = stored_visits({"visit_points": [row], "units": [[1, "A", "car"]], "local_hour": 7},
                            [placed(1, "备勤一车", 116.41)])
    assert visit.text() == "07:00-08:30、16:00-17:30 实验小学护学岗"
    assert visit.spans == gate.spans
    morning, afternoon = visit.by_window()
    assert (morning.text(), morning.starts, morning.until) == ("07:00-08:30 实验小学护学岗", at(7), at(8, 30))
    assert (afternoon.text(), afternoon.starts, afternoon.until) == ("16:00-17:30 实验小学护学岗", at(16), at(17, 30))
    assert afternoon.call_sign == "备勤一车" and afternoon.seconds == visit.seconds
    assert GATE.window == "08:00-08:30"
    [one] = assign_visits([GATE], [placed(1, "A", 116.41)], {1: "car"}, local_hour=8)
    assert one.by_window() == [one]


def test_a_stretchs_end_is_read_back_from_how_its_duty_is_listed():
    """A reminder keeps the stretch's start and its text: the end is read back, past midnight too."""
    starts = datetime(2026, 12, 8, 16, 30, tzinfo=CHINA_TZ)
    assert stretch_end(starts, "16:30-17:30 学府路护学岗") == datetime(2026, 12, 8, 17, 30, tzinfo=CHINA_TZ)
    night = datetime(2026, 12, 8, 22, 0, tzinfo=CHINA_TZ)
    assert stretch_end(night, "22:00-02:00 夜市巡线▲") == datetime(2026, 12, 9, 2, 0, tzinfo=CHINA_TZ)
    assert stretch_end(starts.replace(hour=16, minute=0), "16:00-24:00 夜市") == \
        datetime(2026, 12, 9, 0, 0, tzinfo=CHINA_TZ)
    assert stretch_end(starts, "学府路护学岗") is None
