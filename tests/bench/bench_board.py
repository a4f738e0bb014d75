"""Benchmark: the live board on 1,000,000 historical incidents with 1,000 open, against a naive board.

Figures (GUI thread, offscreen, the same run measures both):
  open       panel created -> rows shown (load off the GUI thread, one reset)
  filter     one keystroke in the filter box -> table updated
  tick       one 1 Hz tick -> timer cells repainted
  surge      50 new incidents per second for 60 s from the simulator (`precinct-console simulate
             --per-second 50`) in another process, through the
             services; the board follows the change feed; max gap of a 10 ms QTimer
The naive reference is the same board rebuilt by a model reset on every tick and on every
change (full reload of the open incidents), filtered by a dynamic QSortFilterProxyModel.

    .venv/bin/python tests/bench/bench_board.py [--rows 1000000] [--open 1000] [--surge 60]
        [--per-second 50] [--keep /tmp/board-bench]   (the database is built once and kept)
Targets: open <= 1 s, filter keystroke <= 50 ms, tick <= 5 ms, surge max stall <= 100 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def _incidents_bench() -> Any:
    """The incident-services benchmark builds the same 1M-row station; reuse its builder."""
    spec = importlib.util.spec_from_file_location("bench_incidents", HERE / "bench_incidents.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def database(rows: int, open_rows: int, keep: Path) -> Path:
    path = keep / f"board-{rows}-{open_rows}.sqlite3"
    if not path.exists():
        keep.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        # The builder takes a URL (it also builds PostgreSQL stations); SQLite is what we time here.
        _incidents_bench().build_database(f"sqlite:///{tmp}", rows, open_rows)
        tmp.rename(path)
        print(f"built {rows:,} + {open_rows:,} incidents in {time.perf_counter() - t:.0f} s: {path}")
    return path


# -- the surge, in another process --------------------------------------------------------
def make_simulator_ready(url: str) -> None:
    """The simulator feeds only a demo station, as its 'sim' user: mark the benchmark's copy so."""
    import sqlalchemy as sa

    from precinct_console.storage.database import Database
    from precinct_console.storage.models import Station, User

    db = Database.open(url)
    with db.sessions() as s:
        s.execute(sa.update(Station).values(is_demo=True))
        duty = s.scalar(sa.select(User).where(User.username == "duty"))
        if duty is not None and s.scalar(sa.select(User).where(User.username == "sim")) is None:
            s.add(User(username="sim", display_name="110模拟接警", role=duty.role,
                       station_id=duty.station_id, password_hash=duty.password_hash,
                       created_at=duty.created_at))
        s.commit()
    db.dispose()


def start_surge(url: str, per_second: float, seconds: float, epoch: float) -> subprocess.Popen[str]:
    """`precinct-console simulate --per-second N` in its own process, its clock on the board's."""
    start = NOW + timedelta(seconds=time.time() - epoch)
    return subprocess.Popen(
        [sys.executable, "-m", "precinct_console", "simulate", "--db", url,
         "--per-second", str(per_second), "--duration", str(seconds), "--seed", "7",
         "--start", start.isoformat()],
        stdout=subprocess.PIPE, text=True,
    )


def surge_result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The simulator's closing JSON line: incidents, seconds, rate reached, intake times."""
    import json

    lines = (proc.stdout.read() if proc.stdout else "").strip().splitlines()
    return dict(json.loads(lines[-1])) if lines else {"incidents": 0, "seconds": 0.0, "rate": 0.0}


# -- the naive reference ------------------------------------------------------------------
def naive_board(app: Any) -> Any:
    """The same columns, every cell recomputed and the model reset on each tick and change."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QTableView

    from precinct_console.services.incidents.queries import list_open_incidents
    from precinct_console.ui.board.model import BoardModel

    template = BoardModel(app.clock)

    class NaiveModel(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[Any] = []
            self.cells: list[list[str]] = []

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(self.cells)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(template.columns)

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole and index.isValid():
                return self.cells[index.row()][index.column()]
            return None

        def rebuild(self) -> None:
            self.beginResetModel()
            template.now = app.clock()
            template._timers.clear()
            self.cells = [[str(c.display(r)) for c in template.columns] for r in self.rows]
            self.endResetModel()

        def reload(self) -> None:
            self.rows = list_open_incidents(app.ctx)  # on the GUI thread, as a naive board does
            self.rebuild()

    model = NaiveModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setDynamicSortFilter(True)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1500, 900)
    view.show()
    return model, proxy, view


class _GcWatch:
    """Durations of the collector's runs, with the thread that triggered them."""

    def __init__(self) -> None:
        import threading

        self.done: list[tuple[float, int, str]] = []
        self._start: dict[int, float] = {}
        self._threading = threading

    def callback(self, phase: str, info: dict[str, Any]) -> None:
        ident = self._threading.get_ident()
        if phase == "start":
            self._start[ident] = time.perf_counter()
        elif ident in self._start:
            ms = (time.perf_counter() - self._start.pop(ident)) * 1000
            self.done.append((ms, int(info.get("generation", -1)),
                              self._threading.current_thread().name))


def watch_gc() -> _GcWatch:
    import gc

    watch = _GcWatch()
    gc.callbacks.append(watch.callback)
    return watch


class _GuiSql:
    """SQL run on the GUI thread (the design keeps database work off it): count and duration."""

    def __init__(self, db: Any) -> None:
        import threading

        from sqlalchemy import event

        self.done: list[tuple[float, str]] = []
        self._t: dict[int, float] = {}
        self._main = threading.main_thread()
        self._threading = threading
        self._event = event
        self._engine = db.engine
        event.listen(db.engine, "before_cursor_execute", self._before)
        event.listen(db.engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self._threading.current_thread() is self._main:
            self._t[id(cursor)] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        t = self._t.pop(id(cursor), None)
        if t is not None:
            self.done.append(((time.perf_counter() - t) * 1000, " ".join(statement.split())))

    def stop(self) -> None:
        self._event.remove(self._engine, "before_cursor_execute", self._before)
        self._event.remove(self._engine, "after_cursor_execute", self._after)


def watch_gui_thread_sql(db: Any) -> _GuiSql:
    return _GuiSql(db)


def instrument() -> list[tuple[float, str]]:
    """Time the board's GUI-thread handlers, to tell our own work from a starved process."""
    import functools

    from precinct_console.ui.alerts.monitor import AlertMonitor
    from precinct_console.ui.board.panel import BoardPanel
    from precinct_console.ui.board.state import BoardState

    slices: list[tuple[float, str]] = []
    for cls, names in ((BoardState, ("apply", "on_change", "on_tick")),
                       (AlertMonitor, ("_persisted", "_alerts_loaded", "check", "_on_rows")),
                       (BoardPanel, ("_update_summary", "_rows_changed"))):
        for name in names:
            orig = getattr(cls, name)

            @functools.wraps(orig)
            def timed(*a: Any, _orig: Any = orig, _name: str = f"{cls.__name__}.{name}", **k: Any) -> Any:
                t = time.perf_counter()
                try:
                    return _orig(*a, **k)
                finally:
                    slices.append(((time.perf_counter() - t) * 1000, _name))

            setattr(cls, name, timed)
    return slices


# -- measuring ----------------------------------------------------------------------------
def run(rows: int, open_rows: int, surge_s: float, per_second: float, keep: Path,
        naive_surge: bool = True, gc_freeze: bool = False) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Actor, Role
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.database import Database
    from precinct_console.ui.board.panel import BoardPanel
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.sync import FeedThread

    slices = instrument()
    path = database(rows, open_rows, keep)
    work = keep / "run.sqlite3"  # the surge writes; keep the built database pristine
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    con = __import__("sqlite3").connect(path)
    con.execute(f"VACUUM INTO '{work}'")
    con.close()
    url = f"sqlite:///{work}"
    make_simulator_ready(url)

    qapp = QApplication.instance() or QApplication([])
    epoch = time.time()
    clock = lambda: NOW + timedelta(seconds=time.time() - epoch)  # noqa: E731
    db = Database.open(url)
    app = AppContext(ServiceContext(db, Actor(1, "duty", Role.DUTY_OFFICER, 1, "bench-seat"), clock),
                     Settings())

    def settle(ms: int = 0) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def until(cond: Any, limit_s: float = 60.0) -> None:
        end = time.perf_counter() + limit_s
        while not cond():
            qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if time.perf_counter() > end:
                raise TimeoutError("timed out")

    out: dict[str, float] = {}
    # Open.
    t = time.perf_counter()
    panel = BoardPanel(app)
    panel.monitor.sound.enabled = False
    panel.resize(1600, 950)
    panel.show()
    until(lambda: panel.state.is_loaded)
    qapp.processEvents()
    out["open_s"] = time.perf_counter() - t
    assert panel.model.rowCount() == open_rows, panel.model.rowCount()
    app.runner.wait(30000)
    settle(200)

    t = time.perf_counter()
    naive_model, naive_proxy, naive_view = naive_board(app)
    naive_model.reload()
    qapp.processEvents()
    out["naive_open_s"] = time.perf_counter() - t

    # Filter keystrokes: type an address fragment one key at a time, then clear it.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    def keystrokes(widget: Any, text: str, apply: Any) -> list[float]:
        times = []
        for ch in text:
            t0 = time.perf_counter()
            QTest.keyClick(widget, ch)
            apply()
            qapp.processEvents()
            times.append(time.perf_counter() - t0)
        for _ in text:
            t0 = time.perf_counter()
            QTest.keyClick(widget, Qt.Key.Key_Backspace)
            apply()
            qapp.processEvents()
            times.append(time.perf_counter() - t0)
        return times

    # Typed keys (ASCII), then pasted Chinese fragments (an input method commits whole words).
    ours = keystrokes(panel.text, "g0123", lambda: None)
    for text in ("东", "东大街", "东大街12"):
        t0 = time.perf_counter()
        panel.text.setText(text)
        qapp.processEvents()
        ours.append(time.perf_counter() - t0)
    panel.text.setText("")
    qapp.processEvents()
    for text in ("139", "1391", "13912"):
        t0 = time.perf_counter()
        panel.text.setText(text)
        qapp.processEvents()
        ours.append(time.perf_counter() - t0)
    panel.text.setText("")
    qapp.processEvents()
    from PySide6.QtWidgets import QLineEdit

    naive_box = QLineEdit()
    naive_box.textChanged.connect(naive_proxy.setFilterFixedString)
    theirs = keystrokes(naive_box, "g0123", lambda: None)
    for text in ("东", "东大街", "东大街12", "139", "1391", "13912"):
        t0 = time.perf_counter()
        naive_box.setText(text)
        qapp.processEvents()
        theirs.append(time.perf_counter() - t0)
    naive_box.setText("")
    out["filter_ms_median"] = statistics.median(ours) * 1000
    out["filter_ms_max"] = max(ours) * 1000
    out["naive_filter_ms_median"] = statistics.median(theirs) * 1000
    out["naive_filter_ms_max"] = max(theirs) * 1000

    # Ticks: GUI-thread time of the tick signal plus the repaint it causes.
    def tick_times(fn: Any, n: int = 30) -> list[float]:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            qapp.processEvents()
            times.append(time.perf_counter() - t0)
        return times

    naive_view.hide()
    ours_t = tick_times(app.tick.emit)
    naive_view.show()
    panel.hide()
    theirs_t = tick_times(naive_model.rebuild)
    panel.show()
    naive_view.hide()
    qapp.processEvents()
    out["tick_ms_median"] = statistics.median(ours_t) * 1000
    out["tick_ms_max"] = max(ours_t) * 1000
    out["naive_tick_ms_median"] = statistics.median(theirs_t) * 1000
    out["naive_tick_ms_max"] = max(theirs_t) * 1000

    # Surge: another process writes; the feed thread delivers; a 10 ms timer measures stalls.
    def surge(board: str) -> tuple[float, float, dict[str, Any]]:
        feed = FeedThread(db)
        if board == "ours":
            feed.events.connect(app.on_feed)
        else:
            feed.events.connect(lambda _batch: naive_model.reload())
        feed.start()
        ticker = QTimer()
        ticker.setInterval(1000)
        ticker.timeout.connect(app.tick.emit if board == "ours" else naive_model.rebuild)
        ticker.start()
        gaps: list[float] = []
        busy: list[float] = []  # GUI-thread CPU time within each gap
        clock10 = QElapsedTimer()
        clock10.start()
        cpu_mark = [time.thread_time()]

        def probe_tick() -> None:
            # A long gap with little GUI-thread CPU in it is the thread not running (the
            # machine's other processes, or another thread holding the GIL), not board work.
            gaps.append(clock10.restart())
            now_cpu = time.thread_time()
            busy.append((now_cpu - cpu_mark[0]) * 1000)
            cpu_mark[0] = now_cpu

        probe = QTimer()
        probe.setInterval(10)
        probe.timeout.connect(probe_tick)
        probe.start()
        proc = start_surge(url, per_second, surge_s, epoch)
        while proc.poll() is None:
            qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        settle(1500)  # the last batch arrives
        probe.stop()
        ticker.stop()
        feed.stop()
        app.runner.wait(30000)
        qapp.processEvents()
        g = sorted(gaps[1:])
        stalls[board] = (g[int(len(g) * 0.99)], sum(1 for x in g if x > 100), len(g))
        longest = sorted(zip(gaps[1:], busy[1:], strict=True), reverse=True)[:3]
        print(f"surge {board}: longest 10 ms timer gaps (ms, of which GUI-thread CPU): "
              + ", ".join(f"{gap:.0f} ({cpu:.0f})" for gap, cpu in longest))
        return g[-1], statistics.mean(g), surge_result(proc)

    stalls: dict[str, tuple[float, int, int]] = {}
    before = panel.model.rowCount()
    slices.clear()
    collections = watch_gc()
    gui_sql = watch_gui_thread_sql(db)
    if gc_freeze:
        import gc

        gc.freeze()  # what is loaded by now lives as long as the window: out of the collector's walk
    out["surge_max_gap_ms"], out["surge_mean_gap_ms"], written = surge("ours")
    import gc as _gc

    _gc.callbacks.remove(collections.callback)
    top = sorted(collections.done, reverse=True)[:3]
    print("surge ours: longest garbage collections (ms, generation, thread): "
          + (", ".join(f"{ms:.0f} (gen {gen}, {thread})" for ms, gen, thread in top) or "none"))
    gui_sql.stop()
    print(f"surge ours: {len(gui_sql.done)} SQL statements on the GUI thread"
          + "".join(f"; {ms:.0f} ms {sql[:70]}" for ms, sql in sorted(gui_sql.done, reverse=True)[:3]))
    until(lambda: not panel.state._pending and not panel.state._fetching, 30)
    out["surge_written"] = float(written["incidents"])
    out["surge_rate"] = float(written["rate"])
    out["surge_board_rows_added"] = panel.model.rowCount() - before
    print(f"surge simulator (ours): {_describe(written)}")
    worst = sorted(slices, reverse=True)[:3]
    out["surge_longest_handler_ms"] = worst[0][0] if worst else 0.0
    print("surge: longest board handlers on the GUI thread (ms): "
          + ", ".join(f"{name} {ms:.0f}" for ms, name in worst))
    if not naive_surge:  # experiments on the board alone
        db.dispose()
        return out
    panel.hide()
    naive_view.show()
    naive_model.reload()
    out["naive_surge_max_gap_ms"], out["naive_surge_mean_gap_ms"], written = surge("naive")
    out["naive_surge_rate"] = float(written["rate"])
    print(f"surge simulator (naive): {_describe(written)}")
    for board, (p99, over, n) in stalls.items():
        out[f"{board}_surge_p99_gap_ms"] = p99
        out[f"{board}_surge_gaps_over_100ms"] = over
        print(f"surge {board}: 99th percentile 10 ms timer gap {p99:.0f} ms; {over} of {n} gaps over 100 ms")
    db.dispose()
    return out


def _describe(r: dict[str, Any]) -> str:
    return (f"{r['incidents']} incidents in {r['seconds']} s = {r['rate']:.1f}/s (asked "
            f"{r.get('target_rate')}/s); intake median {r.get('intake_ms_median', 0):.1f} ms, slowest "
            f"{r.get('intake_ms_max', 0):.0f} ms; {r.get('behind_s', 0):.1f} s behind at the end")


def report(out: dict[str, float], rows: int, open_rows: int, surge_s: float, per_second: float) -> None:
    print(f"\nBoard benchmark: {rows:,} historical incidents, {open_rows:,} open; "
          f"surge {per_second:g}/s for {surge_s:g} s")
    lines = [
        ("open (s)", "open_s", "naive_open_s", 1.0),
        ("filter keystroke, median (ms)", "filter_ms_median", "naive_filter_ms_median", 50),
        ("filter keystroke, worst (ms)", "filter_ms_max", "naive_filter_ms_max", 50),
        ("1 Hz tick, median (ms)", "tick_ms_median", "naive_tick_ms_median", 5),
        ("1 Hz tick, worst (ms)", "tick_ms_max", "naive_tick_ms_max", 5),
        ("surge, longest GUI stall (ms)", "surge_max_gap_ms", "naive_surge_max_gap_ms", 100),
        ("surge, mean 10 ms timer gap (ms)", "surge_mean_gap_ms", "naive_surge_mean_gap_ms", None),
    ]
    print(f"{'figure':34} {'board':>10} {'naive':>10} {'naive/board':>12} {'target':>8}")
    for label, ours, theirs, target in lines:
        if theirs not in out:  # --no-naive-surge
            out[theirs] = float("nan")
        a, b = out[ours], out[theirs]
        verdict = "" if target is None else ("ok" if a <= target else "MISSED")
        print(f"{label:34} {a:10.3f} {b:10.3f} {b / a if a else float('inf'):11.1f}x {target or '':>8} {verdict}")
    print(f"surge: {out['surge_written']:.0f} incidents written by the simulator ({out['surge_rate']:.1f}/s "
          f"reached of {per_second:g}/s asked), {out['surge_board_rows_added']:.0f} rows appeared on the board")
    if "naive_surge_rate" in out:
        print(f"naive board's surge: {out['naive_surge_rate']:.1f}/s reached")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--open", type=int, default=1000)
    p.add_argument("--surge", type=float, default=60.0, help="surge seconds (default 60)")
    p.add_argument("--per-second", type=float, default=50.0)
    p.add_argument("--keep", type=Path, default=Path("/tmp/board-bench"))
    p.add_argument("--no-naive-surge", action="store_true",
                   help="skip the naive board's surge (it stalls for minutes); experiments only")
    p.add_argument("--gc-freeze", action="store_true",
                   help="experiment: gc.freeze() once the board is loaded, before the surge")
    p.add_argument("--switch-interval", type=float, default=None, metavar="S",
                   help="experiment: sys.setswitchinterval(S) in the board's process (default 0.005)")
    a = p.parse_args()
    if a.switch_interval is not None:
        sys.setswitchinterval(a.switch_interval)
    out = run(a.rows, a.open, a.surge, a.per_second, a.keep, naive_surge=not a.no_naive_surge,
              gc_freeze=a.gc_freeze)
    report(out, a.rows, a.open, a.surge, a.per_second)


def test_board_benchmark_small() -> None:
    """A quick pass (pytest tests/bench/bench_board.py): the machinery works on a small station."""
    import tempfile

    keep = Path(tempfile.mkdtemp(prefix="board-bench-"))
    out = run(20_000, 200, 5, 20, keep)
    report(out, 20_000, 200, 5, 20)
    assert out["surge_board_rows_added"] == out["surge_written"]


if __name__ == "__main__":
    main()
