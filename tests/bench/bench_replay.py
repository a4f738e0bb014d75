"""What-if replay benchmark (issue 5): 90 days of a station's incidents replayed in <= 10 s.

Two measurements: the demo station's 90 days through the service (database read included),
and a busy city station's 90 days (100 calls a day, 16 units on three shifts) in the simulator;
each also with move-ups (the cover line followed at every dispatch and every unit freed), whose
reference is the same replay without them.
    .venv/bin/python -m pytest tests/bench/bench_replay.py -s -o addopts=""
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np

from precinct_console.demo import build_demo
from precinct_console.domain.allocation.move_up import Point
from precinct_console.domain.clock import FixedClock
from precinct_console.domain.permissions import Actor, Role
from precinct_console.domain.replay import ReplayIncident, ReplayReport, ReplayUnit, replay
from precinct_console.domain.replay_move_up import ReplayMoveUps
from precinct_console.services import allocation, plan_replay
from precinct_console.services.context import ServiceContext
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import upgrade_to_head

TARGET_S = 10.0
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def _figures(report: ReplayReport, *, actual: bool = False) -> str:
    """Set off in 1 / on scene in 3 / reinforcement in 5 minutes / all met."""
    shares = [report.share(k, actual=actual) for k in ("on_way", "on_scene", "reinforcement")]
    shares.append(report.actual_all_met if actual else report.all_met)
    return " / ".join("—" if v is None else f"{v:.1%}" for v in shares) + " (1 min / 3 / 5 / all)"


def _bands(values: tuple[float, ...]) -> str:
    return " / ".join(f"{v:.1%}" for v in values)


def test_replay_90_days_of_the_demo_station_through_the_service(tmp_path):
    db = Database.open(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    upgrade_to_head(db)
    summary = build_demo(db, seed=3, days=90, now=NOW)
    chief = Actor(None, "bench", Role.STATION_CHIEF, summary.station_id, "bench")
    ctx = ServiceContext(db, chief, FixedClock(NOW))
    # A day-long plan (a day past the roster's end: no shift, every unit) so every call counts,
    # forecast from the latest history as a plan made today is. Not a day before the history
    # began: a past day is forecast from what was known then (nothing), and its move-ups had
    # no expected calls to follow.
    plan = allocation.propose_plan(ctx, starts_at=NOW + timedelta(days=30), method="greedy")
    assert plan.figures["total_demand"] > 50
    t0 = time.perf_counter()
    report = plan_replay.replay_plan(ctx, plan.id, NOW - timedelta(days=90), NOW)
    seconds = time.perf_counter() - t0
    print(f"\ndemo station, 90 days: {report.incidents} calls, {len(plan.assignments)} units, "
          f"replayed in {seconds:.2f} s (target {TARGET_S:g} s, {seconds / TARGET_S:.0%} of it)")
    print(f"  1-3-5 simulated {_figures(report)}\n  1-3-5 what happened {_figures(report, actual=True)}")
    print(f"  arrival within 1/3/5 min simulated {_bands(report.within)}, "
          f"what happened {_bands(report.actual_within)}; median arrival "
          f"{report.median_response_s:.0f} s vs {report.actual_median_response_s:.0f} s")
    t0 = time.perf_counter()
    moved = plan_replay.replay_plan(ctx, plan.id, NOW - timedelta(days=90), NOW, move_ups=True)
    moved_s = time.perf_counter() - t0
    print(f"  with move-ups: {moved_s:.2f} s ({moved_s / seconds:.1f}x the replay without), "
          f"{moved.move_ups} moves ({moved.sent_back} back); 1-3-5 simulated {_figures(moved)}; "
          f"arrival within 1/3/5 min {_bands(moved.within)}")
    assert report.incidents > 5000
    assert seconds <= TARGET_S and moved_s <= TARGET_S
    db.dispose()


def test_replay_90_days_of_a_busy_city_station():
    rng = np.random.default_rng(5)
    t0 = datetime(2026, 8, 1, tzinfo=UTC)
    n = 90 * 100
    minutes = np.sort(rng.uniform(0, 90 * 24 * 60, n))
    cats = ["06", "07", "02", "04", "01", "08"]
    incidents = [
        ReplayIncident(i, t0 + timedelta(minutes=float(m)), 116.40 + rng.normal(0, 0.02),
                       39.90 + rng.normal(0, 0.015), cats[i % len(cats)],
                       needs_reinforcement=bool(rng.random() < 0.08),
                       actual_arrival_s=float(rng.uniform(120, 900)))
        for i, m in enumerate(minutes)
    ]
    units = []
    for u in range(16):
        lon, lat = 116.40 + rng.normal(0, 0.015), 39.90 + rng.normal(0, 0.012)
        shift = u % 3  # three 8-hour shifts: each unit works one a day
        windows = tuple((t0 + timedelta(days=d, hours=8 * shift),
                         t0 + timedelta(days=d, hours=8 * shift + 8), lon, lat) for d in range(90))
        units.append(ReplayUnit(u + 1, f"巡{u + 1:02d}", "car" if u % 4 else "motorbike", windows))
    start = time.perf_counter()
    report = replay(incidents, units)
    seconds = time.perf_counter() - start
    again = replay(incidents, units)
    print(f"\ncity station, 90 days: {n} calls, 16 units on three shifts: {seconds:.2f} s "
          f"(target {TARGET_S:g} s, {seconds / TARGET_S:.0%} of it); "
          f"1-3-5 {_figures(report)}; median arrival {report.median_response_s:.0f} s, "
          f"queued {report.queued}")
    assert again == report
    assert seconds <= TARGET_S
    # With move-ups: 2,000 demand cells shaped like the calls, the 16 units' points and 60 more.
    xs, ys = np.meshgrid(np.linspace(116.34, 116.46, 50), np.linspace(39.855, 39.945, 40))
    weight = np.exp(-((xs - 116.40) / 0.02) ** 2 / 2 - ((ys - 39.90) / 0.015) ** 2 / 2)
    demand = np.c_[xs.ravel(), ys.ravel(), (weight / weight.sum() * 100 / 3).ravel()]
    points = [Point(f"u{u.id}", u.call_sign, u.windows[0][2], u.windows[0][3]) for u in units]
    points += [Point(f"p{k}", f"点位{k}", 116.40 + rng.normal(0, 0.02), 39.90 + rng.normal(0, 0.015))
               for k in range(60)]
    policy = ReplayMoveUps(demand, tuple(points), {u.id: f"u{u.id}" for u in units})
    start = time.perf_counter()
    moved = replay(incidents, units, move_ups=policy)
    moved_s = time.perf_counter() - start
    print(f"  with move-ups (2,000 cells, 76 points): {moved_s:.2f} s ({moved_s / seconds:.1f}x the "
          f"replay without), {moved.move_ups} moves ({moved.sent_back} back); 1-3-5 {_figures(moved)}; "
          f"median arrival {moved.median_response_s:.0f} s")
    assert moved_s <= TARGET_S
