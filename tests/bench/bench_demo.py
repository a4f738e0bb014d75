"""Demo benchmarks (issue 2): demo build time, large-history insert rate, simulator surge rate.

- build_demo for 90 days must take "a few seconds" (reference: 5 s).
- bulk_history against the plain ORM bulk insert of the same rows, measured in the same run.
- the surge must feed 50 incidents per second through intake (reference: 50/s).
    .venv/bin/python -m pytest tests/bench/bench_demo.py -s
PRECINCT_BENCH_BULK sets the history size (default 200,000; the board benchmark uses 1,000,000),
PRECINCT_BENCH_SURGE_S the surge length (default 10 s; the board benchmark's surge is 60 s),
PRECINCT_BENCH_SURGE_SEATS how many call-takers take the surge in at once (default 1).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import sqlalchemy as sa

from precinct_console.demo import build_demo, bulk_history
from precinct_console.demo.simulator import Simulator
from precinct_console.storage.models import Incident

BULK = int(os.environ.get("PRECINCT_BENCH_BULK", "200000"))
SURGE_S = float(os.environ.get("PRECINCT_BENCH_SURGE_S", "10"))
SURGE_SEATS = int(os.environ.get("PRECINCT_BENCH_SURGE_SEATS", "1"))
ORM_SAMPLE = 20_000


def _kind(db) -> str:
    return "SQLite" if db.is_sqlite else "PostgreSQL"


def test_demo_build_takes_a_few_seconds(db, clock):
    summary = build_demo(db, seed=1, days=90, now=clock())
    print(f"\n[{_kind(db)}] build_demo 90 days: {summary.seconds:.2f} s for {summary.incidents} "
          f"incidents, {summary.events} events, {summary.dispatches} dispatches, "
          f"{summary.tasks} tasks; reference 5 s, ratio {summary.seconds / 5:.2f}")


def test_bulk_history_against_orm_bulk_insert(db, clock):
    summary = build_demo(db, seed=1, days=2, now=clock())
    result = bulk_history(db, summary.station_id, BULK, 1000, clock(), days=365)
    # Reference: the same kind of rows through the ORM's bulk insert, in one transaction.
    with db.sessions() as s:
        template = s.execute(sa.select(Incident).where(Incident.content == "").limit(1)).scalar_one()
        cols = {c.key: getattr(template, c.key) for c in sa.inspect(Incident).column_attrs
                if c.key not in ("id", "number", "linked_to_id")}
    rows = [{**cols, "number": f"REF-{i:07d}", "received_at": template.received_at - timedelta(seconds=i)}
            for i in range(ORM_SAMPLE)]
    started = time.perf_counter()
    with db.sessions() as s:
        s.execute(sa.insert(Incident), rows)
        s.commit()
    orm_rate = ORM_SAMPLE / (time.perf_counter() - started)
    print(f"\n[{_kind(db)}] bulk_history {result.incidents:,} closed + {result.open_incidents} open: "
          f"{result.seconds:.1f} s, {result.rows_per_second:,.0f} rows/s; ORM bulk insert "
          f"{orm_rate:,.0f} rows/s; ratio {result.rows_per_second / orm_rate:.1f}x")


def test_surge_rate(db, clock):
    build_demo(db, seed=1, days=90)  # up to now: the surge lands on a full 72-hour window
    sim = Simulator(db, per_second=50, seed=1, seats=SURGE_SEATS)
    stats = sim.run(SURGE_S)
    print(f"\n[{_kind(db)}] surge, {SURGE_SEATS} seat(s): {stats.incidents} incidents in {stats.seconds:.1f} s = "
          f"{stats.rate:.1f}/s; reference 50/s, ratio {stats.rate / 50:.2f}; intake median "
          f"{stats.intake_ms_median:.1f} ms, slowest {stats.intake_ms_max:.0f} ms; "
          f"{stats.behind_s:.1f} s behind at the end")
