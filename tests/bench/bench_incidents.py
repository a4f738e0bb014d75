"""Benchmark: incident services on a large history (default 1,000,000 closed incidents, 1,000 open).

Figures: loading the open board (list_open_incidents) against a naive reference measured in the
same run (the same rows built one incident at a time: grid, units, linked calls and category
looked up per row, as an ORM-lazy implementation does); refreshing the rows a change names;
intake latency with numbering and repeat checks; full-history text search; alert evaluation.

    .venv/bin/python tests/bench/bench_incidents.py [--rows 1000000] [--open 1000] [--keep DIR]
    .venv/bin/python -m pytest tests/bench/bench_incidents.py -s
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
LON, LAT = 116.40, 39.90
SURGE_TEXT = ["有人打架", "邻居吵闹", "电动车被盗", "老人走失", "车辆剐蹭", "有人醉酒闹事"]
CATEGORIES = ["0601", "0602", "0705", "010102", "0207", "0401", "0202", "0701", "0902", "1002"]


def build_database(url: str, rows: int, open_rows: int) -> str:
    """A station with `rows` closed incidents over the past years and `open_rows` open ones."""
    import sqlalchemy as sa

    from precinct_console.services.accounts import hash_password
    from precinct_console.services.reference import ensure_reference_data
    from precinct_console.storage.database import Database
    from precinct_console.storage.migrate import upgrade_to_head
    from precinct_console.storage.models import (
        Dispatch,
        Grid,
        Incident,
        IncidentEvent,
        Station,
        Unit,
        User,
    )

    db = Database.open(url)
    upgrade_to_head(db)
    ensure_reference_data(db)
    rnd = random.Random(11)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Station), [{"id": 1, "code": "S01", "name": "城关派出所"}])
        conn.execute(sa.insert(User), [{
            "id": 1, "username": "duty", "display_name": "值班", "role": "duty_officer",
            "station_id": 1, "password_hash": hash_password("bench-pass"), "version": 1,
            "created_at": NOW, "active": True, "failed_attempts": 0, "may_see_personal_data": False,
        }])
        grids = []
        for g in range(1, 401):
            x, y = (g - 1) % 20, (g - 1) // 20
            lon0, lat0 = LON - 0.05 + x * 0.005, LAT - 0.05 + y * 0.005
            ring = [[lon0, lat0], [lon0 + 0.005, lat0], [lon0 + 0.005, lat0 + 0.005],
                    [lon0, lat0 + 0.005], [lon0, lat0]]
            grids.append({"id": g, "station_id": 1, "code": f"G{g:03d}", "name": f"第{g}网格",
                          "level": 2, "geometry": {"type": "Polygon", "coordinates": [ring]},
                          "area_m2": 0.0, "centroid_lon": lon0 + 0.0025,
                          "centroid_lat": lat0 + 0.0025, "version": 1})
        conn.execute(sa.insert(Grid), grids)
        conn.execute(sa.insert(Unit), [{
            "id": u, "station_id": 1, "call_sign": f"巡{u}", "kind": "car", "seats": 2,
            "home_lon": LON + rnd.uniform(-0.04, 0.04), "home_lat": LAT + rnd.uniform(-0.04, 0.04),
            "status": "available", "version": 1} for u in range(1, 31)])
        span = 3 * 365 * 86400
        batch: list[dict] = []
        dispatches: list[dict] = []
        events: list[dict] = []
        total = rows + open_rows
        for i in range(1, total + 1):
            is_open = i > rows
            received = NOW - timedelta(seconds=rnd.uniform(60, 6 * 3600) if is_open
                                       else rnd.uniform(86400, span))
            day = received.strftime("%Y%m%d")
            closed = None if is_open else received + timedelta(minutes=40)
            batch.append({
                "id": i, "station_id": 1, "number": f"{day}-{i:07d}", "channel": "110",
                "category_code": rnd.choice(CATEGORIES), "priority": 2,
                "status": "arrived" if is_open else "closed", "caller_name": "王某",
                "caller_phone": f"139{rnd.randrange(10**8):08d}", "caller_id_number": "",
                "address": f"东大街{rnd.randrange(1, 2000)}号", "lon": LON + rnd.uniform(-0.05, 0.05),
                "lat": LAT + rnd.uniform(-0.05, 0.05), "grid_id": rnd.randrange(1, 401),
                "content": "报警人称与邻居发生纠纷", "needs_reinforcement": False, "place_tier": "other",
                "received_at": received, "dispatched_at": received + timedelta(seconds=30),
                "set_off_at": received + timedelta(seconds=50),
                "arrived_at": received + timedelta(minutes=4),
                "handled_at": None if is_open else received + timedelta(minutes=30),
                "closed_at": closed, "repeat_caller": False, "repeat_place": False,
                "repeat_matter": False, "handling_summary": "", "result": "", "people_rescued": 0,
                "people_injured": 0, "people_arrested": 0, "transferred_to": "",
                "needs_revisit": False, "version": 1,
            })
            dispatches.append({
                "station_id": 1, "incident_id": i, "unit_id": rnd.randrange(1, 31), "role": "first",
                "dispatched_at": received + timedelta(seconds=30),
                "cleared_at": closed, "officers": "", "auxiliaries": 0, "vehicles": 1, "version": 1,
            })
            if is_open:
                for k, kind in enumerate(("received", "dispatched", "set_off", "arrived")):
                    events.append({"station_id": 1, "incident_id": i, "kind": kind,
                                   "at": received + timedelta(seconds=20 * k), "recorded_at": received,
                                   "username": "duty", "workstation": "seat", "payload": {}})
            if len(batch) >= 20000:
                conn.execute(sa.insert(Incident), batch)
                conn.execute(sa.insert(Dispatch), dispatches)
                batch, dispatches = [], []
        if batch:
            conn.execute(sa.insert(Incident), batch)
            conn.execute(sa.insert(Dispatch), dispatches)
        conn.execute(sa.insert(IncidentEvent), events)
    if not db.is_sqlite:  # continue the id sequences after the explicit ids
        with db.engine.begin() as conn:
            for table in ("incidents", "dispatches", "incident_events"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()
    return url


def naive_open_rows(ctx):  # type: ignore[no-untyped-def]
    """The reference: the same board rows, looked up one incident at a time."""
    import sqlalchemy as sa

    from precinct_console.services.incidents.views import IncidentRow, row_of
    from precinct_console.storage.models import (
        Category,
        Dispatch,
        Grid,
        Incident,
        IncidentEvent,
        Unit,
    )

    out: list[IncidentRow] = []
    with ctx.read() as s:
        for inc in s.scalars(sa.select(Incident).where(
                Incident.station_id == ctx.station_id, Incident.closed_at.is_(None))
                .order_by(Incident.received_at.desc())):
            grid = s.get(Grid, inc.grid_id) if inc.grid_id else None
            cat = s.get(Category, inc.category_code)
            top = s.get(Category, inc.category_code[:2])
            units = [(u.call_sign, u.id) for u in s.scalars(
                sa.select(Unit).join(Dispatch, Dispatch.unit_id == Unit.id)
                .where(Dispatch.incident_id == inc.id, Dispatch.cleared_at.is_(None)))]
            linked = s.scalar(sa.select(sa.func.count(IncidentEvent.id)).where(
                IncidentEvent.incident_id == inc.id, IncidentEvent.kind == "linked_call")) or 0
            names = {inc.category_code: (cat.name_zh if cat else "", top.name_zh if top else "")}
            out.append(row_of(inc, grid.code if grid else None, grid.name if grid else None,
                              names, units, linked))
    return out


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _pg_database(server_url: str, name: str, rows: int, open_rows: int) -> str:
    """A fresh PostgreSQL database for the run (dropped and rebuilt each time)."""
    import sqlalchemy as sa

    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    t = time.perf_counter()
    build_database(url, rows, open_rows)
    print(f"built {rows:,} closed + {open_rows:,} open incidents in {time.perf_counter() - t:.0f} s")
    return url


def run(rows: int, open_rows: int, keep: Path | None, pg: str | None = None) -> dict[str, float]:
    from precinct_console.domain.clock import FixedClock
    from precinct_console.domain.permissions import Actor, Role
    from precinct_console.services import alerts
    from precinct_console.services import incidents as inc
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.database import Database

    if pg:
        db = Database.open(_pg_database(pg, "precinct_bench_incidents", rows, open_rows))
    else:
        folder = keep or Path(tempfile.mkdtemp(prefix="bench-incidents-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"incidents-{rows}.sqlite3"
        t = time.perf_counter()
        if not path.exists():
            build_database(f"sqlite:///{path}", rows, open_rows)
            print(f"built {rows:,} closed + {open_rows:,} open incidents in "
                  f"{time.perf_counter() - t:.0f} s")
        # Measured on a copy, so a kept database stays as built and runs compare like with like.
        work = folder / "work.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copy(path, work)
        db = Database.open(f"sqlite:///{work}")
    clock = FixedClock(NOW)
    ctx = ServiceContext(db, Actor(1, "duty", Role.DUTY_OFFICER, 1, "bench"), clock)

    board = _timed(lambda: inc.list_open_incidents(ctx), 5)
    assert len(inc.list_open_incidents(ctx)) == open_rows
    naive = _timed(lambda: naive_open_rows(ctx), 3)
    assert [r.id for r in naive_open_rows(ctx)] == [r.id for r in inc.list_open_incidents(ctx)]
    ids = [r.id for r in inc.list_open_incidents(ctx)[:10]]
    refresh = _timed(lambda: inc.get_incident_rows(ctx, ids), 20)
    search = _timed(lambda: inc.search_incidents(ctx, "东大街1234号", limit=500), 3)  # rare: whole history
    common = _timed(lambda: inc.search_incidents(ctx, "纠纷", limit=500), 3)  # found in the last month
    rnd = random.Random(5)
    intake: list[float] = []
    for _ in range(100):
        clock.advance(seconds=2)
        d = inc.IncidentDraft("110", rnd.choice(CATEGORIES), f"东大街{rnd.randrange(1, 2000)}号",
                              caller_phone=f"139{rnd.randrange(10**8):08d}", content="报警称有人吵架",
                              lon=LON + rnd.uniform(-0.05, 0.05), lat=LAT + rnd.uniform(-0.05, 0.05))
        t = time.perf_counter()
        inc.intake_incident(ctx, d)
        intake.append((time.perf_counter() - t) * 1000)
    # A surge: 1,500 calls 20 ms apart (50 a second of call time) on top of the history.
    surge_start = time.perf_counter()
    tail_start = surge_start
    for i in range(1500):
        clock.advance(seconds=0.02)
        inc.intake_incident(ctx, inc.IncidentDraft(
            "110", rnd.choice(CATEGORIES), f"幸福小区{rnd.randrange(1, 40)}号楼",
            caller_phone=f"138{rnd.randrange(10**8):08d}", content=f"报警称{rnd.choice(SURGE_TEXT)}",
            lon=LON + rnd.uniform(-0.02, 0.02), lat=LAT + rnd.uniform(-0.02, 0.02)))
        if i == 999:
            tail_start = time.perf_counter()
    surge_rate = 1500 / (time.perf_counter() - surge_start)
    surge_tail = 500 / (time.perf_counter() - tail_start)
    clock.advance(minutes=10)
    evaluate = _timed(lambda: alerts.evaluate_alerts(ctx), 3)
    db.dispose()
    if pg:
        import sqlalchemy as sa

        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "precinct_bench_incidents" WITH (FORCE)'))
        admin.dispose()

    figures = {
        "open board load ms (median)": statistics.median(board),
        "naive reference ms (median)": statistics.median(naive),
        "refresh 10 rows ms (median)": statistics.median(refresh),
        "search, rare text (whole history) ms": statistics.median(search),
        "search, common text ms": statistics.median(common),
        "intake ms (median)": statistics.median(intake),
        "intake ms (p95)": sorted(intake)[int(len(intake) * 0.95) - 1],
        "surge intakes per second (1,500 calls)": surge_rate,
        "surge intakes per second (last 500)": surge_tail,
        "evaluate alerts ms (first, then median)": evaluate[0],
        "evaluate alerts ms (no new alerts)": statistics.median(evaluate[1:]),
    }
    kind = "PostgreSQL" if pg else "SQLite"
    print(f"\nincident services on {rows:,} closed + {open_rows:,} open incidents ({kind})")
    for name, value in figures.items():
        print(f"  {name:<42} {value:10.1f}")
    ratio = figures["naive reference ms (median)"] / figures["open board load ms (median)"]
    print(f"  board load is {ratio:.1f}x faster than the naive per-row reference")
    figures["ratio"] = ratio
    return figures


def test_bench_incident_services(tmp_path):
    figures = run(100_000, 1_000, tmp_path)
    assert figures["open board load ms (median)"] < 1000
    assert figures["ratio"] > 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the database here")
    parser.add_argument("--pg", metavar="SERVER_URL", default=None,
                        help="run on PostgreSQL: a server URL, e.g. postgresql+psycopg://postgres@127.0.0.1/test")
    args = parser.parse_args()
    run(args.rows, args.open, args.keep, args.pg)


if __name__ == "__main__":
    main()
