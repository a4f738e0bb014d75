"""Task board with 10,000 open tasks: open, filter keystroke and 1 Hz tick, against a reset-per-tick model.

Targets (issue 7, the incident board's): opens ≤ 1 s, a filter keystroke ≤ 50 ms, the 1 Hz tick
≤ 5 ms of GUI-thread time. The reference is the same board whose model is reset on every tick,
measured in the same run. Run:
    .venv/bin/python -m pytest tests/bench/bench_tasks.py -s -q
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication

from precinct_console.config import Settings
from precinct_console.demo.task_catalogue import seed_catalogue
from precinct_console.domain.deadlines import feedback_due, sign_due
from precinct_console.domain.permissions import Role
from precinct_console.storage.models import Grid, GridPerson, Officer, Task, TaskEvent, TaskTemplate
from precinct_console.ui.context import AppContext
from precinct_console.ui.tasks.model import TaskTableModel

N_TASKS = 10_000
TICKS = 60
SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1],
                                              [116.0, 39.1], [116.0, 39.0]]]}
TITLES = ("幸福里邻里纠纷回访", "建设路重复报警核查", "火车站电动车违规充电整治", "河西出租屋登记核查",
          "老城菜市场摊位纠纷调解", "新区工地劳资纠纷协调", "城关小学周边安全检查", "独居老人走访")


def _fill(db, station, clock) -> None:
    rnd = random.Random(11)
    with db.sessions() as s:
        officers = [Officer(station_id=station.id, badge=f"B{i:04d}", name=f"民警{i:02d}")
                    for i in range(40)]
        s.add_all(officers)
        s.flush()
        grids = [Grid(station_id=station.id, code=f"G{i:03d}", name=f"第{i}网格", level=2,
                      geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05) for i in range(120)]
        s.add_all(grids)
        s.flush()
        s.add_all(GridPerson(station_id=station.id, grid_id=g.id, role="community_officer",
                             name="x", officer_id=officers[i % 40].id) for i, g in enumerate(grids))
        seed_catalogue(s, station.id, clock())
        templates = s.query(TaskTemplate).all()
        now = clock()
        rows = []
        for i in range(N_TASKS):
            t = templates[i % len(templates)]
            sent = now - timedelta(minutes=rnd.randint(0, 60 * 30))
            status = rnd.choice(("sent", "signed", "signed", "fed_back", "returned"))
            g = grids[i % len(grids)]
            rows.append(Task(
                station_id=station.id, number=f"RW20261120{i:05d}", template_id=t.id,
                title=f"{TITLES[i % len(TITLES)]}（{i}）", grid_id=g.id,
                assignee_officer_id=officers[i % 40].id, status=status, created_at=sent,
                sign_due_at=sign_due(sent), feedback_due_at=feedback_due(sent, t.feedback_hours),
                signed_at=None if status == "sent" else sent + timedelta(minutes=5),
                fed_back_at=sent + timedelta(hours=1) if status in ("fed_back", "returned") else None,
                returned_at=sent + timedelta(hours=2) if status == "returned" else None,
                rule="manual", feedback={}))
        s.add_all(rows)
        s.flush()
        # A history per task (one in ten reassigned): the board looks up each task's last
        # reassignment in it, so the listing query is measured against a realistic event table.
        steps = {"sent": ("sent",), "signed": ("sent", "signed"),
                 "fed_back": ("sent", "signed", "fed_back"),
                 "returned": ("sent", "signed", "fed_back", "returned")}
        s.add_all(TaskEvent(station_id=station.id, task_id=t.id, kind=kind,
                            at=t.created_at + timedelta(minutes=n), payload={})
                  for i, t in enumerate(rows)
                  for n, kind in enumerate(steps[t.status] + (("reassigned",) if i % 10 == 0 else ())))
        s.commit()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_task_board_with_ten_thousand_open_tasks(qtbot, db, station, clock, make_ctx):
    _fill(db, station, clock)
    app = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    from precinct_console.ui.tasks.board import TaskBoard

    # -- open: query on the worker thread, model fill and first paint on the GUI thread
    t0 = time.perf_counter()
    board = TaskBoard(app)
    qtbot.addWidget(board)
    board.resize(1600, 900)
    board.show()
    qtbot.waitUntil(lambda: board.model.rowCount() == N_TASKS, timeout=30_000)
    board.table.viewport().repaint()
    open_s = time.perf_counter() - t0
    app.runner.wait(30_000)

    # Where the opening time goes (measured again, separately).
    from precinct_console.services.tasks import list_open_tasks

    t = time.perf_counter()
    rows = list_open_tasks(app.ctx)
    query_s = time.perf_counter() - t
    t = time.perf_counter()
    board.model.set_rows(rows)
    fill_s = time.perf_counter() - t
    t = time.perf_counter()
    board.table.viewport().repaint()
    paint_s = time.perf_counter() - t

    # -- filter keystrokes: typing "幸福里3" one character at a time (model filter + repaint)
    keystrokes = []
    text = ""
    for ch in "幸福里3":
        text += ch
        t = time.perf_counter()
        board.search.setText(text)
        board.apply_filter()
        board.table.viewport().repaint()
        keystrokes.append(time.perf_counter() - t)
    board.search.setText("")
    board.apply_filter()
    QApplication.processEvents()

    # -- 1 Hz tick: the board's handler plus the repaint it causes (the header's counts are
    # refreshed every tenth tick: included, as the board does it)
    def measure_ticks(model: TaskTableModel, tick) -> list[float]:
        out = []
        for _ in range(TICKS):
            clock.advance(seconds=1)
            t = time.perf_counter()
            tick()
            # Deliver the update the tick asked for: Qt repaints only the dirty region.
            QApplication.processEvents()
            out.append(time.perf_counter() - t)
        return out

    thin = measure_ticks(board.model, board.on_tick)

    def worst_tick() -> None:
        # Worst case: every visible countdown in its last hour, so every visible cell changes.
        board.model._shown.clear()
        board.on_tick()

    worst = measure_ticks(board.model, worst_tick)

    def reset_tick() -> None:
        # The naive reference: rebuild the whole model every tick.
        board.model.beginResetModel()
        board.model._now = clock()
        board.model.endResetModel()

    naive = measure_ticks(board.model, reset_tick)

    tick_p50, tick_max = statistics.median(thin), max(thin)
    naive_p50 = statistics.median(naive)
    print(f"\n[task board, {N_TASKS} open tasks, SQLite]")
    print(f"  open (query + model + first paint): {_ms(open_s)}   target ≤ 1000 ms")
    print(f"    of which: query {_ms(query_s)}, model fill {_ms(fill_s)}, paint {_ms(paint_s)}")
    print(f"  filter keystroke: median {_ms(statistics.median(keystrokes))}, "
          f"max {_ms(max(keystrokes))}   target ≤ 50 ms")
    print(f"  1 Hz tick (changed countdown cells + repaint): median {_ms(tick_p50)}, "
          f"max {_ms(tick_max)}   target ≤ 5 ms")
    print(f"  1 Hz tick, worst case (every visible cell changes): median "
          f"{_ms(statistics.median(worst))}, max {_ms(max(worst))}")
    print(f"  reference tick (model reset + repaint): median {_ms(naive_p50)}")
    print(f"  ratio reference / thin tick: {naive_p50 / tick_p50:.1f}x "
          f"(worst case: {naive_p50 / statistics.median(worst):.1f}x)")
    assert open_s <= 1.0
    assert max(keystrokes) <= 0.050
    assert tick_p50 <= 0.005
    app.runner.wait(10_000)
