"""Demand forecast beats the plain last-28-days count on held-back weeks; replay reports real 1-3-5."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.demand import (
    Cell,
    PastIncident,
    evaluate_forecast,
    expected_incidents,
    last_days_count,
)
from precinct_console.domain.replay import PATROL_KMH, ReplayIncident, ReplayUnit, replay
from precinct_console.domain.response import TIERS_OF_FORCE, profile_from_dict, profile_to_dict
from precinct_console.domain.travel import distance_m, travel_seconds

START = datetime(2026, 8, 3, 0, 0, tzinfo=UTC)  # a Monday


def _town(seed: int = 3, days: int = 112):
    """A grid of 400 cells; steady hot spots plus short flare-ups (near repeats)."""
    rng = np.random.default_rng(seed)
    cells = [Cell(i + 1, 116.40 + (i % 20) * 0.002, 39.90 + (i // 20) * 0.0018, 40_000.0)
             for i in range(400)]
    base = rng.gamma(0.4, 1.0, 400) * 0.06
    history = []
    hot = -1
    for d in range(days):
        if d % 9 == 0:  # a flare-up: one cell gets busy for a week
            hot = int(rng.integers(0, 400))
        for i in np.nonzero(rng.poisson(base))[0]:
            hour = int(rng.choice(24, p=_HOURS))
            history.append(PastIncident(START + timedelta(days=d, hours=hour - 8), int(i) + 1, "06"))
        if d % 9 < 7:
            for _ in range(rng.poisson(1.5)):
                history.append(PastIncident(START + timedelta(days=d, hours=12), hot + 1, "01"))
    return cells, history


_H = np.array([0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.0, 1.4, 1.5, 1.5, 1.5, 1.4, 1.3, 1.4, 1.5,
               1.6, 1.7, 1.8, 1.9, 1.8, 1.5, 1.1, 0.8])
_HOURS = _H / _H.sum()


def test_expected_incidents_follow_the_hour_profile_and_history():
    cells, history = _town()
    now = START + timedelta(days=100)
    day = expected_incidents(history, cells, now + timedelta(hours=10), now + timedelta(hours=18), now)
    night = expected_incidents(history, cells, now + timedelta(hours=18), now + timedelta(hours=26), now)
    assert sum(night.values()) < sum(day.values())  # 02:00-10:00 China time is quieter
    busiest = max(day, key=day.get)
    counts = last_days_count(history, cells, now, 56)
    assert counts[busiest] >= np.percentile(list(counts.values()), 90)
    whole_day = expected_incidents(history, cells, now, now + timedelta(days=1), now)
    recent_per_day = sum(last_days_count(history, cells, now, 14).values()) / 14
    assert sum(whole_day.values()) == pytest.approx(recent_per_day, rel=0.35)


def test_recent_incidents_weigh_more_than_old_ones():
    cells = [Cell(1, 116.40, 39.90), Cell(2, 116.45, 39.95)]
    now = START + timedelta(days=60)
    old = [PastIncident(now - timedelta(days=50, hours=h), 1, "02") for h in range(6)]
    new = [PastIncident(now - timedelta(days=2, hours=h), 2, "02") for h in range(6)]
    e = expected_incidents(old + new, cells, now, now + timedelta(hours=24), now)
    assert e[2] > 2 * e[1]


def test_accuracy_report_on_held_back_weeks_against_last_28_days():
    cells, history = _town()
    weeks = [START + timedelta(days=d) for d in (70, 77, 84, 91, 98, 105)]
    report = evaluate_forecast(history, cells, weeks, area_share=0.1)
    assert len(report.rows) == 6 and all(r.incidents > 0 for r in report.rows)
    assert report.area_share == pytest.approx(0.1, abs=0.01)
    # Both rank far better than chance (PAI 1); the decayed, near-repeat model is not worse.
    assert report.baseline_pai > 2.0
    assert report.pai >= report.baseline_pai * 0.98
    assert 0 < report.hit_rate <= 1


def _incidents(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    t0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    return [
        ReplayIncident(i, t0 + timedelta(minutes=float(m)), 116.40 + rng.normal(0, 0.01),
                       39.90 + rng.normal(0, 0.008), rng.choice(["06", "07", "02"]),
                       needs_reinforcement=bool(rng.random() < 0.1),
                       actual_arrival_s=float(rng.uniform(120, 600)))
        for i, m in enumerate(sorted(rng.uniform(0, 60 * 24 * 3, n)))
    ]


def _units(points, t0=datetime(2026, 11, 1, tzinfo=UTC), days=3):
    return [ReplayUnit(i + 1, f"巡{i + 1}", "car", ((t0, t0 + timedelta(days=days), lon, lat),))
            for i, (lon, lat) in enumerate(points)]


def test_replay_is_deterministic_and_reports_against_what_happened():
    inc = _incidents(300)
    units = _units([(116.40, 39.90), (116.41, 39.905), (116.39, 39.895)])
    a, b = replay(inc, units), replay(list(reversed(inc)), list(reversed(units)))
    assert a == b
    assert a.incidents == 300 and a.actual_known == 300
    assert a.within[0] <= a.within[1] <= a.within[2]
    assert 0 < a.actual_within[2] < 1
    assert [t.key for t in a.compliance] == ["on_way", "on_scene", "reinforcement"]
    assert a.compliance[2].decided == sum(i.needs_reinforcement for i in inc)
    # Cars ordered 20 s after the call plus 30 s to set off: exactly the calls served at once
    # (not queued for a free unit) are on their way within the minute.
    at_once = sum(1 for o in a.outcomes if o.dispatch_s == 20.0)
    assert a.compliance[0].met == at_once > 0 and a.compliance[0].decided == 300
    assert all(0 <= u <= 1 for u in a.utilisation.values())


def test_more_units_placed_well_respond_faster():
    inc = _incidents(200, seed=2)
    one = replay(inc, _units([(116.40, 39.90)]))
    four = replay(inc, _units([(116.40, 39.90), (116.41, 39.905), (116.39, 39.895), (116.40, 39.91)]))
    assert four.within[1] > one.within[1]
    assert four.share("on_scene") > one.share("on_scene")
    assert four.all_met > one.all_met
    assert four.median_response_s < one.median_response_s


def test_nobody_on_duty_leaves_incidents_unserved():
    inc = _incidents(20)
    late = datetime(2026, 12, 1, tzinfo=UTC)
    units = [ReplayUnit(1, "巡1", "car", ((late, late + timedelta(hours=1), 116.4, 39.9),))]
    r = replay(inc, units)
    assert r.unserved == 20 and r.within == (0.0, 0.0, 0.0)
    assert r.share("on_way") == r.share("on_scene") == r.all_met == 0.0  # unserved calls miss
    assert math.isnan(r.median_response_s)


T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _call(i: int, minutes: float = 0.0, **kw):
    return ReplayIncident(i, T0 + timedelta(minutes=minutes), 116.40, 39.90, kw.pop("category", "06"),
                          **kw)


@pytest.mark.parametrize(("handling_s", "set_off_s", "on_way"), [(20.0, 50.0, True), (40.0, 70.0, False)])
def test_a_unit_on_its_way_within_60_s_meets_the_one_minute_target(handling_s, set_off_s, on_way):
    # A car waiting at the scene: the order after call handling, 30 s to set off, no travel.
    r = replay([_call(1)], _units([(116.40, 39.90)], t0=T0), call_handling_s=handling_s)
    out = r.outcomes[0]
    assert out.dispatch_s == handling_s and out.set_off_s == pytest.approx(set_off_s)
    assert r.share("on_way") == (1.0 if on_way else 0.0)
    assert r.share("on_scene") == 1.0  # on scene at the same moment, well within 3 minutes
    assert r.all_met == (1.0 if on_way else 0.0)


def test_reinforcement_counts_only_for_calls_that_need_it():
    calls = [_call(1, needs_reinforcement=True), _call(2, 90)]
    two = replay(calls, _units([(116.40, 39.90), (116.401, 39.90)], t0=T0))
    assert two.compliance[2].decided == 1 and two.share("reinforcement") == 1.0
    assert two.outcomes[0].reinforcement_s is not None and two.outcomes[0].reinforcement_s <= 300
    # A lone unit cannot be its own reinforcement: the 5-minute target is missed.
    one = replay(calls, _units([(116.40, 39.90)], t0=T0))
    assert one.share("reinforcement") == 0.0 and one.share("on_way") == 1.0
    assert one.all_met == 0.5


def test_what_happened_is_judged_by_the_same_targets():
    calls = [
        _call(1, 0, actual_set_off_s=50, actual_arrival_s=170, needs_reinforcement=True,
              actual_reinforcement_s=290),
        _call(2, 30, actual_set_off_s=70, actual_arrival_s=200, needs_reinforcement=True,
              actual_reinforcement_s=310),
        # An invalid call has no targets at all: left out of every share.
        _call(3, 60, category="10", actual_handled_s=40),
    ]
    r = replay(calls, _units([(116.40, 39.90)], t0=T0))
    assert [(t.met, t.decided) for t in r.actual_compliance] == [(1, 2), (1, 2), (1, 2)]
    assert r.actual_all_met == 0.5 and r.actual_known == 2
    assert r.actual_median_response_s == pytest.approx(185)
    hour = T0.astimezone(CHINA_TZ).hour
    assert r.actual_hourly_on_scene[hour] == 0.5 and r.actual_hourly_on_scene[(hour + 1) % 24] is None
    # A station whose profile allows 90 s to set off is judged by its own limit.
    d = profile_to_dict(TIERS_OF_FORCE)
    d["targets"][0]["seconds"] = 90
    lenient = replay(calls, _units([(116.40, 39.90)], t0=T0), response_profile=profile_from_dict(d))
    assert lenient.share("on_way", actual=True) == 1.0


def test_a_real_call_still_running_is_left_out_until_it_is_decided():
    calls = [_call(1, 0, actual_set_off_s=40, actual_arrival_s=150), _call(2, 10)]
    running = replay(calls, _units([(116.40, 39.90)], t0=T0), now=T0 + timedelta(minutes=11))
    assert running.compliance[1].decided == 2  # the simulation always runs to the end
    assert running.actual_compliance[1].decided == 1 and running.share("on_scene", actual=True) == 1.0
    later = replay(calls, _units([(116.40, 39.90)], t0=T0), now=T0 + timedelta(hours=2))
    assert later.share("on_scene", actual=True) == 0.5  # nobody ever came to the second call


def test_a_drone_watches_but_is_never_sent_as_the_unit_on_scene():
    drone = ReplayUnit(9, "无人机01", "drone", ((T0, T0 + timedelta(days=1), 116.40, 39.90),))
    r = replay([_call(1)], [drone])
    assert r.unserved == 1 and r.share("on_scene") == 0.0
    r = replay([_call(1)], [drone, *_units([(116.41, 39.90)], t0=T0)])
    assert r.outcomes[0].unit_id == 1


def test_a_call_really_settled_on_the_phone_sends_nobody_in_the_replay_either():
    calls = [_call(1, actual_handled_s=240), _call(2, 30, actual_dispatch_s=15, actual_set_off_s=40,
                                                     actual_arrival_s=150, actual_handled_s=2000)]
    r = replay(calls, _units([(116.40, 39.90)], t0=T0))
    assert r.outcomes[0].unit_id is None and r.outcomes[0].settled_without_unit
    assert r.unserved == 0 and r.within[1] == 1.0  # the one call a unit went to, on scene at once
    # Left four minutes without a unit: a miss on both sides alike, as the ledger counts it.
    assert [(t.met, t.decided) for t in r.compliance][:2] == [(1, 2), (1, 2)]
    assert [(t.met, t.decided) for t in r.actual_compliance][:2] == [(1, 2), (1, 2)]


# A unit at its post (A) with a timed duty at a school gate (B) 08:00-09:00 China time.
POST, GATE = (116.40, 39.90), (116.43, 39.90)  # about 2.6 km apart
DAY = datetime(2026, 11, 2, 0, 0, tzinfo=CHINA_TZ)


def _on_duty_at_gate(*, on_time: bool = True) -> list[ReplayUnit]:
    eight, nine = DAY + timedelta(hours=8), DAY + timedelta(hours=9)
    windows = ((DAY + timedelta(hours=6), eight, *POST), (eight, nine, *GATE),
               (nine, DAY + timedelta(hours=12), *POST))
    return [ReplayUnit(1, "巡1", "car", windows, frozenset({eight}) if on_time else frozenset())]


def _response(at: tuple[float, float], dispatched: datetime, units: list[ReplayUnit]) -> float:
    call = ReplayIncident(1, dispatched - timedelta(seconds=20), *at, "06")
    out = replay([call], units).outcomes[0]
    return out.response_s - out.dispatch_s


def _leg_s(hour: int) -> float:
    return travel_seconds(distance_m(*POST, *GATE), "car", hour, include_set_off=False)


def test_a_unit_sets_out_for_its_timed_duty_in_time_to_be_there_when_it_begins():
    units = _on_duty_at_gate()
    set_off = travel_seconds(0.0, "car", 8)  # the set-off delay alone
    leg = _leg_s(8)
    # At the start of the duty it is at the gate already: a call there is answered at once.
    assert _response(GATE, DAY + timedelta(hours=8), units) == pytest.approx(set_off, abs=1)
    # Halfway through its drive it is halfway between the post and the gate.
    halfway = DAY + timedelta(hours=8) - timedelta(seconds=leg / 2)
    from_post = _response(POST, halfway, units)
    from_gate = _response(GATE, halfway, units)
    half_way_back = 0.5 * _leg_s(7)  # the call is dispatched at 07:5x, at that hour's speed
    assert from_post == pytest.approx(set_off + half_way_back, rel=0.02)
    assert from_gate == pytest.approx(from_post, rel=0.02)
    # Before it sets out it waits at its post.
    early = DAY + timedelta(hours=8) - timedelta(seconds=leg + 60)
    assert _response(POST, early, units) == pytest.approx(set_off, abs=1)


def test_a_unit_drives_back_to_its_post_after_the_duty():
    units = _on_duty_at_gate()
    set_off = travel_seconds(0.0, "car", 9)
    leg = _leg_s(9)
    # Just after the duty ends it has only just left the gate: from the post, a call is far.
    just_after = DAY + timedelta(hours=9, seconds=10)
    assert _response(POST, just_after, units) > set_off + 0.8 * leg
    # Once the drive back is over it is at its post.
    back = DAY + timedelta(hours=9, seconds=leg + 60)
    assert _response(POST, back, units) == pytest.approx(set_off, abs=1)


def test_without_a_timed_duty_the_unit_moves_when_the_next_window_starts():
    # Not due anywhere on time (on_time empty): it sets out at 08:00 and is not at the gate yet.
    units = _on_duty_at_gate(on_time=False)
    set_off = travel_seconds(0.0, "car", 8)
    assert _response(GATE, DAY + timedelta(hours=8, seconds=10), units) > set_off + 0.8 * _leg_s(8)


def test_a_unit_on_a_patrol_line_drives_it_end_to_end_and_back():
    west, east = (116.40, 39.90), (116.41, 39.90)
    length = distance_m(*west, *east)
    start = DAY + timedelta(hours=20)
    units = [ReplayUnit(1, "巡1", "car", ((start, start + timedelta(hours=2), *west),),
                        routes=((start, (west, east)),))]
    speed = PATROL_KMH["car"] / 3.6
    set_off = travel_seconds(0.0, "car", 20)
    at_east = start + timedelta(seconds=length / speed)
    assert _response(east, at_east, units) == pytest.approx(set_off, abs=1)
    # A lap later it is back at the west end, having turned at the east end.
    assert _response(west, at_east + timedelta(seconds=length / speed), units) == pytest.approx(set_off, abs=1)
    assert _response(east, at_east + timedelta(seconds=length / speed), units) == pytest.approx(
        travel_seconds(length, "car", 20), rel=0.01)


def test_a_timed_duty_that_begins_with_the_shift_is_reached_late_by_the_drive():
    # The shift starts at 08:00 with the gate duty: the unit comes from its post (a window of no
    # length says so) and cannot have set out before the shift.
    eight, nine = DAY + timedelta(hours=8), DAY + timedelta(hours=9)
    units = [ReplayUnit(1, "巡1", "car", ((eight, eight, *POST), (eight, nine, *GATE),
                                          (nine, DAY + timedelta(hours=12), *POST)),
                        frozenset({eight}))]
    set_off, leg = travel_seconds(0.0, "car", 8), _leg_s(8)
    assert _response(GATE, eight, units) == pytest.approx(set_off + leg, rel=0.01)  # still at its post
    assert _response(GATE, eight + timedelta(seconds=leg / 2), units) == pytest.approx(
        set_off + leg / 2, rel=0.02)
    assert _response(GATE, eight + timedelta(seconds=leg + 60), units) == pytest.approx(set_off, abs=1)


def test_a_shift_planned_long_after_it_began_gets_no_runaway_forecast():
    """A shift planned after it began (the running shift, or one looked back at) counts the
    incidents since its start as fresh: ten calls came out as thousands expected."""
    cells = [Cell(1, 116.40, 39.90), Cell(2, 116.45, 39.95)]
    start = START + timedelta(days=60)
    later = [PastIncident(start + timedelta(days=40, minutes=m), 1, "02") for m in range(10)]
    e = expected_incidents(later, cells, start, start + timedelta(hours=8), start + timedelta(days=41))
    assert math.isfinite(sum(e.values())) and sum(e.values()) < len(later)
