"""Benchmark: a night shift's soak on the signed-in main window, time compressed by the injected clock.

The whole window (every panel, the change feed, the 1 Hz tick) signed in as the duty officer on the
demo station, while a second seat in another process (the demo's live simulator, user `sim`)
takes in calls at a busy night's rate and works them through their life cycle: dispatches, set
off, arrival, hand back, closing, units reporting their positions. Both seats run on one
*fast clock* (real time × SPEED from a shared origin), so the console's timers, near-breach and
breach alerts, duty checks and map pulses see a night's real durations, a night passing in
minutes. SQLite, and PostgreSQL (NOTIFY) when PRECINCT_TEST_PG_URL names a server.

Measured every few seconds: resident memory (VmRSS), incidents in the database, the window's live
QObjects, graphics items in the map's scene, rows of every item model; throughout, the 1 Hz
tick's cost (every slot on AppContext.tick, timed from a first to a last connected slot) and
the lateness of a 10 ms QTimer on the GUI thread. At two quiet checkpoints (after warm-up and
at the end, the feed listener stopped and background work drained, so no thread is building
objects) Python objects are counted by type with gc.
References in the same run: a bare event loop's lateness (before the window exists), and the
signed-in window idle (no feed) for its tick cost, lateness and drift.

    PYTHONPATH=src .venv/bin/python tests/bench/bench_soak.py [--hours 24] [--per-hour 12]
        [--speed 480] [--pg]
    PYTHONPATH=src .venv/bin/python -m pytest -p no:xdist -s -o addopts="" tests/bench/bench_soak.py
Targets: after warm-up memory grows under 2 MB per 100 incidents and no Python type grows by
more than 500 objects per 100 incidents; QObjects and map items do not grow with incidents;
p99 lateness of the 10 ms timer under 50 ms; the tick's cost does not grow with the shift.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")


class FastClock:
    """Real time sped up from a shared origin: both seats compute the same instant."""

    def __init__(self, origin: float, speed: float):
        self.origin = origin
        self.speed = speed

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.origin + (time.time() - self.origin) * self.speed, UTC)


class Sampler(threading.Thread):
    """--profile: where the GUI thread spends its time, by sampling its stack (the project's
    frames only, each counted once per sample: a cumulative profile of the feed)."""

    def __init__(self, interval: float = 0.005):
        super().__init__(name="soak-sampler", daemon=True)
        self.interval = interval
        self.samples = 0
        self.counts: Counter[str] = Counter()
        self.halt = threading.Event()

    def run(self) -> None:
        main = threading.main_thread().ident
        while not self.halt.wait(self.interval):
            f = sys._current_frames().get(main or 0)
            seen: set[str] = set()
            while f is not None:
                name = f.f_code.co_filename
                if "precinct_console" in name:
                    seen.add(f"{name.split('precinct_console/')[-1]}:{f.f_code.co_name}")
                f = f.f_back
            self.samples += 1
            self.counts.update(seen)

    def stop(self) -> None:
        self.halt.set()
        self.join()

    def report(self) -> None:
        print(f"GUI thread's time in the feed ({self.samples} samples, share of all):")
        for name, n in self.counts.most_common(25):
            print(f"  {100 * n / max(1, self.samples):5.1f}%  {name}")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(len(s) * p))]


# -- the second seat (its own process) ------------------------------------------------------
def feed_main(url: str, origin: float, speed: float, per_hour: float, sim_seconds: float, seed: int) -> None:
    from precinct_console.demo.simulator import Simulator
    from precinct_console.storage.database import Database

    db = Database.open(url)
    # A patrol terminal reports about every half minute (simulated); the simulator's 3 s default
    # is meant for real-time demos and would be 240 reports a real second here.
    sim = Simulator(db, per_hour=per_hour, speed=1.0, seed=seed, clock=FastClock(origin, speed),
                    position_every_s=30.0)
    stats = sim.run(sim_seconds, sleep=lambda s: time.sleep(max(0.0, s) / speed))
    print(json.dumps(stats.summary()), flush=True)
    db.dispose()


# -- the database -------------------------------------------------------------------------
def build(work: Path, pg: bool) -> str:
    if pg:
        base = os.environ.get("PRECINCT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pc_soak")
        server, _, _name = base.rpartition("/")
        name = "pc_soak_bench"
        host = server.split("@")[-1].split(":")[0]
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{work / 'soak.sqlite3'}"
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "precinct_console", "demo", "--db", url, "--json"],
                   check=True, capture_output=True, text=True)
    print(f"demo station built in {time.perf_counter() - t:.0f} s: {url}")
    return url


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        host = url.rpartition("/")[0].split("@")[-1].split(":")[0]
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", url.rpartition("/")[2]],
                       check=False)


# -- the console --------------------------------------------------------------------------
def run(hours: float, per_hour: float, speed: float, pg: bool, idle_s: float = 20.0,
        profile: bool = False) -> dict[str, Any]:
    import sqlalchemy as sa
    from PySide6.QtCore import (
        SIGNAL,
        QAbstractItemModel,
        QElapsedTimer,
        QEventLoop,
        QObject,
        QTimer,
        Signal,
    )

    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Actor, Role
    from precinct_console.services.context import ServiceContext
    from precinct_console.services.stations import list_stations
    from precinct_console.storage.changefeed import latest_feed_id
    from precinct_console.storage.database import Database
    from precinct_console.storage.models import Incident, User
    from precinct_console.ui.alerts.monitor import alert_monitor
    from precinct_console.ui.app import make_application
    from precinct_console.ui.board.panel import BoardPanel
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.main_window import MainWindow
    from precinct_console.ui.map.canvas import MapCanvas
    from precinct_console.ui.sync import FeedThread

    work = Path(tempfile.mkdtemp(prefix="precinct-soak-"))
    os.environ["PRECINCT_QSETTINGS_DIR"] = str(work / "qsettings")
    url = build(work, pg)
    settings = Settings(database_url=url)
    qapp = make_application(settings)

    # The probe: a 10 ms timer's lateness on the GUI thread.
    late: list[float] = []
    et = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(lambda: late.append(max(0.0, et.restart() - 10.0)))

    def spin(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    et.start()
    probe.start()
    spin(5.0)
    bare_late = late[1:]
    probe.stop()

    origin = time.time()
    clock = FastClock(origin, speed)
    db = Database.open(url)
    station = list_stations(db)[0]
    with db.sessions() as s:
        duty_id = s.scalar(sa.select(User.id).where(User.username == "duty"))
    ctx = AppContext(ServiceContext(db, Actor(duty_id, "duty", Role.DUTY_OFFICER, station.id,
                                              "soak-seat"), clock), settings)
    # The tick's cost: from a slot connected before any panel's to one connected after them all.
    tick_ms: list[float] = []
    tick_t = [0.0]
    ctx.tick.connect(lambda: tick_t.__setitem__(0, time.perf_counter()))
    window = MainWindow(ctx, station_name=station.name)
    ctx.tick.connect(lambda: tick_ms.append((time.perf_counter() - tick_t[0]) * 1000))
    window.resize(1366, 768)
    feed = FeedThread(db, after_id=latest_feed_id(db))
    feed.events.connect(ctx.on_feed)
    feed.start()
    ctx.start_ticking()
    window.show()

    def count_incidents() -> tuple[int, int]:
        with db.sessions() as s:
            total = s.scalar(sa.select(sa.func.count(Incident.id)).where(Incident.station_id == station.id))
            open_ = s.scalar(sa.select(sa.func.count(Incident.id)).where(
                Incident.station_id == station.id, Incident.closed_at.is_(None)))
        return int(total or 0), int(open_ or 0)

    def map_items() -> int:
        return sum(len(c.scene().items()) for c in window.findChildren(MapCanvas))

    boards = window.findChildren(BoardPanel)

    def model_rows() -> dict[str, int]:
        rows: Counter[str] = Counter()
        for m in window.findChildren(QAbstractItemModel) + ctx.findChildren(QAbstractItemModel):
            rows[type(m).__name__] += m.rowCount()
        # The board's model is the window's shared state's, held by Python, not a Qt child.
        rows["BoardModel"] = sum(b.model.rowCount() for b in boards)
        return dict(rows)

    def connections() -> int:
        """Slots connected to the signals every panel listens to (the context's, the shared
        board state's, the alert monitor's): a panel connecting again on each refresh shows here."""
        total = 0
        for obj in (ctx, getattr(ctx, "_board_state", None), getattr(ctx, "_alert_monitor", None)):
            if obj is None:
                continue
            for name, attr in vars(type(obj)).items():
                if isinstance(attr, Signal):
                    # "<PySide6.QtCore.SignalInstance tick() at 0x…>": the signature Qt knows it by
                    # (the class's metaObject lists its Python signals only once connected to).
                    signature = repr(getattr(obj, name)).split()[1]
                    total += obj.receivers(SIGNAL(signature))
        return total

    samples: list[dict[str, Any]] = []
    incidents0 = count_incidents()[0]

    def sample(phase: str, t0: float) -> None:
        total, open_ = count_incidents()
        samples.append({
            "phase": phase, "t": time.perf_counter() - t0, "sim_h": (clock() .timestamp() - origin) / 3600,
            "incidents": total - incidents0, "open": open_, "rss": rss_mb(),
            "qobjects": len(window.findChildren(QObject)) + len(ctx.findChildren(QObject)),
            "map_items": map_items(), "rows": model_rows(), "connections": connections(),
            "tick_p50": statistics.median(tick_ms) if tick_ms else float("nan"),
            "tick_max": max(tick_ms, default=float("nan")),
            "late_p99": pct(late, 0.99), "late_max": max(late, default=float("nan")), "ticks": len(tick_ms),
        })
        tick_ms.clear()
        late.clear()

    monitor = alert_monitor(ctx)
    acknowledged = [0]

    def acknowledge() -> None:
        """The duty officer acknowledges what the alert list shows (every few real seconds, some
        half hour of the shift), as a night's officer does; left alone, the list would hold every
        alert of the shift by design (a breach is never dropped unseen)."""
        ids = [i for i in monitor.alerts if i not in monitor._acknowledging]
        if ids:
            acknowledged[0] += len(ids)
            monitor.acknowledge(ids)

    def run_for(seconds: float, phase: str, proc: subprocess.Popen[str] | None = None,
                every: float = 5.0) -> None:
        t0 = time.perf_counter()
        while True:
            spin(every)
            sample(phase, t0)
            acknowledge()
            if proc is not None and proc.poll() is not None:
                break
            if proc is None and time.perf_counter() - t0 >= seconds:
                break

    def quiet_counts(the_feed: FeedThread) -> tuple[Counter[str], float, int]:
        """Python objects by type, with no other thread building any (feed listener stopped)."""
        the_feed.stop()
        ctx.runner.wait(60000)
        qapp.processEvents()
        gc.collect()
        counts = Counter(type(o).__name__ for o in gc.get_objects())
        return counts, rss_mb(), the_feed.listener.last_id

    run_for(10, "load")  # first loads and paints
    ctx.runner.wait(60000)
    et.restart()
    late.clear()
    tick_ms.clear()
    probe.start()
    run_for(idle_s, "idle")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--feed", url, str(origin), str(speed), str(per_hour),
         str(hours * 3600), "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    warm_s = min(60.0, hours * 3600 / speed / 4)
    run_for(warm_s, "warm", every=5.0)
    probe.stop()
    gc_a, rss_a, last = quiet_counts(feed)
    inc_a = count_incidents()[0] - incidents0
    feed = FeedThread(db, after_id=last)
    feed.events.connect(ctx.on_feed)
    feed.start()
    et.restart()
    late.clear()
    probe.start()
    sampler = Sampler() if profile else None
    if sampler is not None:
        sampler.start()
    run_for(0, "feed", proc)
    if sampler is not None:  # stopped before the gc count: it builds tuples as it samples
        sampler.stop()
        sampler.report()
    out, err = proc.communicate()
    sim = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"error": err[-2000:]}
    run_for(20, "after")  # the last writes arrive; timers settle
    probe.stop()
    gc_b, rss_b, _ = quiet_counts(feed)
    inc_b = count_incidents()[0] - incidents0
    window.close()
    ctx.close()
    qapp.processEvents()
    db.dispose()
    os.environ.pop("PRECINCT_QSETTINGS_DIR", None)
    shutil.rmtree(work, ignore_errors=True)
    drop(url)
    return {"samples": samples, "bare_late": bare_late, "sim": sim, "gc": (gc_a, gc_b),
            "rss_ab": (rss_a, rss_b), "inc_ab": (inc_a, inc_b), "acknowledged": acknowledged[0], "hours": hours, "speed": speed,
            "db": "postgresql" if pg else "sqlite"}


def report(r: dict[str, Any]) -> dict[str, Any]:
    s = r["samples"]
    print(f"\n== soak on {r['db']}: {r['hours']:g} simulated hours at {r['speed']:g}x ==")
    print(f"{'phase':<6} {'s':>5} {'sim h':>6} {'inc':>5} {'open':>5} {'RSS MB':>7} {'QObj':>6} "
          f"{'map':>5} {'board':>6} {'tick50':>7} {'tickmx':>7} {'late99':>7} {'latemx':>7}")
    for x in s:
        print(f"{x['phase']:<6} {x['t']:5.0f} {x['sim_h']:6.2f} {x['incidents']:5d} {x['open']:5d} "
              f"{x['rss']:7.1f} {x['qobjects']:6d} {x['map_items']:5d} {x['rows'].get('BoardModel', -1):6d} "
              f"{x['tick_p50']:7.2f} {x['tick_max']:7.1f} {x['late_p99']:7.1f} {x['late_max']:7.1f}")
    sim = r["sim"]
    print(f"second seat: {sim}; this seat acknowledged {r.get('acknowledged', 0)} alerts")
    idle = [x for x in s if x["phase"] == "idle"]
    feed = [x for x in s if x["phase"] in ("feed", "after")]
    inc_a, inc_b = r["inc_ab"]
    rss_a, rss_b = r["rss_ab"]
    per100 = 100.0 / max(1, inc_b - inc_a)
    rss_rate = (rss_b - rss_a) * per100
    gc_a, gc_b = r["gc"]
    growth = sorted(((gc_b[k] - gc_a[k]) * per100, k) for k in set(gc_a) | set(gc_b))
    growth = [g for g in growth if g[0] > 0][::-1][:12]
    bare99 = pct(r["bare_late"], 0.99)
    idle_late99 = statistics.median([x["late_p99"] for x in idle]) if idle else float("nan")
    feed_late99 = max((x["late_p99"] for x in feed), default=float("nan"))
    feed_latemax = max((x["late_max"] for x in feed), default=float("nan"))
    idle_tick = statistics.median([x["tick_p50"] for x in idle]) if idle else float("nan")
    thirds = max(1, len(feed) // 3)
    tick_first = statistics.median([x["tick_p50"] for x in feed[:thirds]])
    tick_last = statistics.median([x["tick_p50"] for x in feed[-thirds:]])
    print(f"memory after warm-up: {rss_a:.1f} -> {rss_b:.1f} MB over {inc_b - inc_a} incidents: "
          f"{rss_rate:+.2f} MB per 100 incidents")
    print("python objects grown per 100 incidents (gc, quiet checkpoints): "
          + (", ".join(f"{k} {g:+.0f}" for g, k in growth) or "none"))
    q = [x["qobjects"] for x in s]
    m = [x["map_items"] for x in s]
    print(f"QObjects: {idle[0]['qobjects'] if idle else q[0]} at rest, {max(q)} at most, {q[-1]} at the end; "
          f"map items: {idle[0]['map_items'] if idle else m[0]} at rest, {max(m)} at most, {m[-1]} at the end")
    c = [x["connections"] for x in s]
    print(f"connections on the shared signals: {c[0]} at first, {max(c)} at most, {c[-1]} at the end")
    print(f"board rows at the end {s[-1]['rows'].get('BoardModel', -1)}, open incidents {s[-1]['open']}; "
          f"models {s[-1]['rows']}")
    print(f"1 Hz tick, median cost: idle {idle_tick:.2f} ms, first third of feed {tick_first:.2f} ms, "
          f"last third {tick_last:.2f} ms (ratio last/idle {tick_last / max(idle_tick, 1e-3):.1f}x); "
          f"worst tick {max(x['tick_max'] for x in feed):.0f} ms")
    print(f"10 ms timer lateness p99: bare loop {bare99:.1f} ms, idle window {idle_late99:.1f} ms, "
          f"feed worst 5 s window {feed_late99:.1f} ms (ratio feed/idle "
          f"{feed_late99 / max(idle_late99, 1.0):.1f}x); worst single stall {feed_latemax:.0f} ms")
    return {"rss_per_100": rss_rate, "growth": growth, "tick_first": tick_first, "tick_last": tick_last,
            "late99": feed_late99, "qobjects": q, "map_items": m, "incidents": inc_b, "connections": c}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--feed":
        url, origin, speed, per_hour, secs, seed = sys.argv[2:8]
        feed_main(url, float(origin), float(speed), float(per_hour), float(secs), int(seed))
        return
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--hours", type=float, default=24.0,
                    help="simulated hours of feed (default 24: a 24-hour duty shift)")
    ap.add_argument("--per-hour", type=float, default=12.0,
                    help="calls per simulated hour, before the hour-of-day profile (default 12: about "
                         "290 a day, a busy city station's; the demo's 13 units keep up)")
    ap.add_argument("--speed", type=float, default=480.0, help="simulated seconds per real second")
    ap.add_argument("--pg", action="store_true", help="on PostgreSQL (PRECINCT_TEST_PG_URL's server)")
    ap.add_argument("--profile", action="store_true", help="sample the GUI thread's stack in the feed")
    a = ap.parse_args()
    report(run(a.hours, a.per_hour, a.speed, a.pg, profile=a.profile))


def _check(f: dict[str, Any]) -> None:
    assert f["incidents"] >= 100
    assert f["map_items"][-1] <= f["map_items"][0] + 20
    assert f["qobjects"][-1] <= f["qobjects"][0] + 20
    assert f["connections"][-1] <= f["connections"][0] + 5
    assert f["rss_per_100"] < 5.0


@pytest.mark.timeout(900)  # about 4.5 minutes here; the suite's 300 s is for unit tests
def test_soak_sqlite() -> None:
    """A busy 24-hour duty shift on SQLite."""
    _check(report(run(24.0, 12.0, 480.0, pg=False)))


@pytest.mark.timeout(900)
def test_soak_postgresql() -> None:
    """The same on PostgreSQL, the second seat's writes arriving by NOTIFY."""
    if not os.environ.get("PRECINCT_TEST_PG_URL"):
        pytest.skip("PRECINCT_TEST_PG_URL is not set")
    _check(report(run(24.0, 12.0, 480.0, pg=True)))


if __name__ == "__main__":
    main()
