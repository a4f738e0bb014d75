"""Task board: thin model (qtmodeltester, tick touches one column), countdowns on a simulated clock,
actions through the real services, and the printable work list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.demo.task_catalogue import seed_catalogue
from precinct_console.domain.clock import FixedClock
from precinct_console.domain.permissions import Role
from precinct_console.services import tasks
from precinct_console.services.task_views import TaskRow
from precinct_console.storage.models import Grid, GridPerson, Officer
from precinct_console.ui.context import AppContext
from precinct_console.ui.tasks.model import (
    COL_COUNTDOWN,
    COL_STATUS,
    STATE_ROLE,
    TaskFilter,
    TaskTableModel,
)
from precinct_console.ui.theme import BREACH

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def row(i: int, status: str = "sent", minutes_ago: float = 0, hours: int = 24, **kw) -> TaskRow:
    sent = T0 - timedelta(minutes=minutes_ago)
    base = TaskRow(i, f"RW20261120{i:04d}", f"纠纷回访 {i}", status, "JF-01", "纠纷回访", 1,
                   "幸福里", 7 if i % 2 else None, "王建国" if i % 2 else "", sent,
                   sent + timedelta(minutes=30), sent + timedelta(hours=hours),
                   sent if status != "sent" else None, None, None, None, None, "manual", None, "",
                   None, 1)
    return replace(base, **kw)


@pytest.fixture
def model(qtbot):
    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    m.set_rows([row(i, minutes_ago=i) for i in range(1, 41)] + [row(99, "signed", 60.5, hours=3)])
    m.clock = clock
    return m


def test_model_passes_qtmodeltester_through_filter_sort_upsert_and_tick(qtmodeltester, model):
    qtmodeltester.check(model)
    model.sort(COL_STATUS, Qt.SortOrder.DescendingOrder)
    model.set_filter(TaskFilter(text="纠纷回访 1"))
    assert model.rowCount() == 11  # titles 纠纷回访 1 and 纠纷回访 10-19
    model.set_filter(TaskFilter())
    model.upsert([row(200, minutes_ago=5), replace(row(3), status="closed")])
    model.clock.advance(minutes=31)
    model.tick()
    qtmodeltester.check(model)
    assert model.row_of(200) is not None and model.row_of(3) is None


def test_tick_announces_only_countdown_cells_whose_text_changed(qtbot, model):
    seen: list[tuple[int, int, int, int]] = []
    resets: list[int] = []
    model.dataChanged.connect(lambda a, b, roles: seen.append((a.row(), a.column(), b.row(), b.column())))
    model.modelReset.connect(lambda: resets.append(1))
    model.layoutChanged.connect(lambda: resets.append(2))
    model.tick()  # first tick: every row is announced once, as contiguous runs
    assert {c for _, c, _, c2 in seen for c in (c, c2)} == {COL_COUNTDOWN}
    assert sum(b - a + 1 for a, _, b, _ in seen) == model.rowCount()
    seen.clear()
    model.clock.advance(seconds=1)
    model.tick()
    # The 40 sign-off countdowns run in seconds; the 3-hour feedback one shows minutes only.
    signed = model.row_of(99)
    rows = {r for a, _, b, _ in seen for r in range(a, b + 1)}
    assert len(rows) == 40 and signed not in rows
    assert all(c == COL_COUNTDOWN for _, c, _, _ in seen)
    assert resets == []


def test_countdown_cell_goes_on_time_near_overdue_with_symbol_text_and_colour(qtbot):
    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    m.set_rows([row(1)])
    cell = m.index(0, COL_COUNTDOWN)
    assert m.data(cell) == "◷ Sign 30:00" and m.data(cell, STATE_ROLE) == "pending"
    clock.advance(minutes=25)
    m.tick()
    assert m.data(cell) == "▲ Sign 5:00" and m.data(cell, STATE_ROLE) == "near"
    clock.advance(minutes=6)
    m.tick()
    assert m.data(cell) == "✖ Sign overdue 1:00"
    assert m.data(cell, Qt.ItemDataRole.ForegroundRole).color() == BREACH
    # Once signed, the row counts down to feedback instead.
    m.upsert([replace(row(1), status="signed", signed_at=clock())])
    assert m.data(cell) == "◷ Feedback 23h 29m"


def test_overdue_filter_and_counts(qtbot):
    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    m.set_rows([row(1, minutes_ago=40), row(2, minutes_ago=26), row(3), row(4, "fed_back")])
    assert m.counts() == {"open": 4, "overdue": 1, "near": 1, "unassigned": 2, "fed_back": 1}
    m.set_filter(TaskFilter(status="overdue"))
    assert [m.task_at(i).id for i in range(m.rowCount())] == [1]
    m.upsert([replace(row(3), escalated_at=T0)])
    m.set_filter(TaskFilter(status="escalated"))
    assert [m.task_at(i).id for i in range(m.rowCount())] == [3]


def test_a_reassigned_task_counts_down_to_near_from_the_handover(qtbot):
    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    # Sent eleven hours ago, reassigned now: the new officer has a fresh 30-minute sign-off.
    moved = replace(row(1, minutes_ago=11 * 60), reassigned_at=T0, sign_due_at=T0 + timedelta(minutes=30))
    m.set_rows([moved])
    cell = m.index(0, COL_COUNTDOWN)
    assert m.data(cell) == "◷ Sign 30:00" and m.data(cell, STATE_ROLE) == "pending"
    assert m.counts()["near"] == 0
    clock.advance(minutes=23)
    m.tick()
    assert m.crossed() == [] and m.data(cell, STATE_ROLE) == "pending"
    clock.advance(minutes=1)  # 80 % of the new window: cell, header count and announcement agree
    m.tick()
    assert m.data(cell) == "▲ Sign 6:00" and m.data(cell, STATE_ROLE) == "near"
    assert m.counts()["near"] == 1
    assert [(r.id, level) for r, level in m.crossed()] == [(1, "near")]


SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1],
                                              [116.0, 39.1], [116.0, 39.0]]]}


def community_grid(db, station, clock) -> int:
    """城关一警务区 with its community officer 王建国, and the task catalogue; returns the grid id."""
    with db.sessions() as s:
        officer = Officer(station_id=station.id, badge="012345", name="王建国")
        grid = Grid(station_id=station.id, code="D1", name="城关一警务区", level=1,
                    geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05)
        s.add_all([officer, grid])
        s.flush()
        s.add(GridPerson(station_id=station.id, grid_id=grid.id, role="community_officer",
                         name="王建国", officer_id=officer.id))
        seed_catalogue(s, station.id, clock())
        s.commit()
        return grid.id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_board_signs_a_task_through_the_service_and_other_seats_see_it(
        qtbot, db, station, clock, make_ctx):
    grid_id = community_grid(db, station, clock)
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "JF-01", "幸福里3栋邻里纠纷回访", grid_id=grid_id)
    from precinct_console.ui.tasks.board import TaskBoard

    app = AppContext(duty, Settings())
    board = TaskBoard(app)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=5000)
    board.select_record(ref.id)
    qtbot.waitUntil(lambda: board.detail is not None and board.sign_button.isEnabled(), timeout=5000)
    assert "纠纷回访" in board.info.toPlainText()
    qtbot.mouseClick(board.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: board.model.task(ref.id).status == "signed", timeout=5000)
    qtbot.waitUntil(lambda: board.feedback_button.isEnabled(), timeout=5000)
    # Another seat verifies nothing yet; a stale sign from this seat's old version conflicts.
    errors: list[str] = []
    app.notified.connect(lambda text, level: errors.append(text) if level == "error" else None)
    board._write(tasks.sign_task, ref.id, ref.version, message="x")
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "changed by duty_officer1" in errors[0]
    # The board's counts and the tick keep working with a moving clock.
    board.sound.enabled = False
    clock.advance(hours=25)
    board.on_tick()
    cell = board.model.index(0, COL_COUNTDOWN)
    assert board.model.data(cell, STATE_ROLE) == "breached"
    # Crossing the deadline sounds, names the task, and escalates it (written off the GUI thread).
    assert board.sound.played == ["breach"]
    assert any("RW202611200001" in e and "overdue" in e for e in errors[1:])
    qtbot.waitUntil(lambda: board.model.task(ref.id).escalated_at is not None, timeout=5000)
    assert board.model.data(board.model.index(0, 0)).endswith("⇑")
    app.runner.wait(5000)


def test_work_list_prints_to_pdf(qtbot, tmp_path):
    from precinct_console.services.task_views import RevisitItem, WorkList
    from precinct_console.ui.printing import save_pdf
    from precinct_console.ui.tasks.worklist import worklist_html

    work = WorkList(7, "王建国", "012345", date(2026, 11, 20), T0,
                    overdue=(row(1, minutes_ago=50),), due_today=(row(2, "signed", hours=3),),
                    revisits=(RevisitItem(3, "JF20261118001", "幸福里邻里漏水纠纷", "B",
                                          "幸福里3栋", T0 + timedelta(hours=5)),),
                    to_verify=(), later=4)
    html = worklist_html(work, "城关派出所")
    for text in ("王建国", "RW202611200001", "幸福里邻里漏水纠纷", "Overdue", "Due today"):
        assert text in html
    out = save_pdf(html, tmp_path / "work.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    # A folder that is gone: the system's reason, and no file (QPrinter alone fails silently).
    with pytest.raises(FileNotFoundError):
        save_pdf(html, tmp_path / "gone" / "work.pdf")
    assert not (tmp_path / "gone").exists()


def test_countdowns_crossing_near_and_overdue_are_announced_once(qtbot):
    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    m.set_rows([row(1), row(2, "signed", hours=3), row(3, minutes_ago=40)])  # 3 is late already
    assert m.crossed() == []
    clock.advance(minutes=24)
    m.tick()
    assert [(r.id, level) for r, level in m.crossed()] == [(1, "near")]
    clock.advance(minutes=7)
    m.tick()
    assert [(r.id, level) for r, level in m.crossed()] == [(1, "breach")]
    # Signed in the meantime: its old sign-off events are stale, the feedback ones count.
    m.upsert([replace(row(2, "signed", hours=3), status="fed_back", fed_back_at=clock())])
    clock.advance(hours=3)
    m.tick()
    assert m.crossed() == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_administrator_edits_a_catalogue_entry_and_the_rules(qtbot, db, station, clock, make_ctx):
    from precinct_console.ui.tasks.catalogue import CatalogueDialog, RulesDialog

    with db.sessions() as s:
        seed_catalogue(s, station.id, clock())
        s.commit()
    admin = make_ctx(Role.ADMIN)
    app = AppContext(admin, Settings())
    dialog = CatalogueDialog(app, tasks.list_templates(admin, include_inactive=True))
    qtbot.addWidget(dialog)
    code = dialog.code.text()
    dialog.hours.setCurrentIndex(dialog.hours.findData(6))
    dialog._add_field_row({"key": "door_no", "label": "门牌号", "kind": "text"})
    dialog.save()
    qtbot.waitUntil(lambda: any(t.code == code and t.feedback_hours == 6
                                for t in dialog.templates.values()), timeout=5000)
    saved = next(t for t in tasks.list_templates(admin) if t.code == code)
    assert saved.fields[-1].label == "门牌号" and saved.feedback_hours == 6
    # A broken field is named and nothing is saved.
    dialog._add_field_row({"key": "", "label": "", "kind": "choice"})
    dialog.save()
    qtbot.waitUntil(lambda: "field 'fields'" in dialog.error.text(), timeout=5000)

    rules = RulesDialog(app, tasks.get_rule_config(admin), tasks.list_templates(admin))
    qtbot.addWidget(rules)
    rules.threshold.setValue(4)
    rules.caller.setChecked(False)
    rules.save()
    qtbot.waitUntil(lambda: tasks.get_rule_config(admin).repeat_threshold == 4, timeout=5000)
    assert tasks.get_rule_config(admin).repeat_caller_enabled is False
    app.runner.wait(5000)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_board_follows_another_seats_new_task_and_a_station_reload(qtbot, db, station, clock, make_ctx):
    from precinct_console.domain.changes import Change, ChangeItem
    from precinct_console.ui.tasks.board import TaskBoard

    with db.sessions() as s:
        seed_catalogue(s, station.id, clock())
        s.commit()
    duty = make_ctx(Role.DUTY_OFFICER)
    app = AppContext(duty, Settings())
    board = TaskBoard(app)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.loaded, timeout=5000)
    other = make_ctx(Role.STATION_CHIEF, "chief.b")
    ref = tasks.create_task(other, "HC-04", "所长交办：核查群众来信")
    resets: list[int] = []
    board.model.modelReset.connect(lambda: resets.append(1))
    # What the sync thread delivers for the other seat's write: a row appears, no reset.
    app.changed.emit(Change((ChangeItem("task", ref.id, "created"),)))
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=5000)
    assert resets == [] and board.model.task(ref.id).assignee_id is None
    assert "1 unassigned" in board.summary.text()
    tasks.create_task(other, "HC-04", "第二件")
    app.changed.emit(Change((ChangeItem("station", None, "reloaded"),)))
    qtbot.waitUntil(lambda: board.model.rowCount() == 2, timeout=5000)
    app.runner.wait(5000)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_community_officer_opens_the_board_on_own_tasks(qtbot, db, station, clock, make_ctx):
    from precinct_console.storage.models import User
    from precinct_console.ui.tasks.board import TaskBoard

    with db.sessions() as s:
        mine, theirs = (Officer(station_id=station.id, badge=b, name=n)
                        for b, n in (("012345", "王建国"), ("012346", "李明")))
        s.add_all([mine, theirs])
        seed_catalogue(s, station.id, clock())
        s.commit()
        mine_id, theirs_id = mine.id, theirs.id
    officer = make_ctx(Role.COMMUNITY_OFFICER, "wang.sq")
    with db.sessions() as s:
        s.execute(sa.update(User).where(User.username == "wang.sq").values(officer_id=mine_id))
        s.commit()
    duty = make_ctx(Role.DUTY_OFFICER)
    tasks.create_task(duty, "HC-04", "我的", assignee_officer_id=mine_id)
    tasks.create_task(duty, "HC-04", "别人的", assignee_officer_id=theirs_id)
    app = AppContext(officer, Settings())
    board = TaskBoard(app)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.loaded and board.model.rowCount() == 1, timeout=5000)
    assert board.model.task_at(0).title == "我的"
    assert not board.new_button.isEnabled() and not board.verify_button.isEnabled()
    app.runner.wait(5000)


def test_painted_colours_stay_in_their_cells(qtbot):
    """multiData answers all roles of a cell at once; nothing may leak into the next cell."""
    from PySide6.QtWidgets import QTableView

    from precinct_console.ui.tasks.model import COL_TITLE

    clock = FixedClock(T0)
    m = TaskTableModel(clock)
    m.set_rows([row(1, minutes_ago=40), row(2)])  # overdue (tinted), then on time
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()

    def pixel(r: int, c: int) -> tuple[int, int, int]:
        rect = view.visualRect(m.index(r, c))
        colour = image.pixelColor(rect.left() + 2, rect.top() + 2)
        return colour.red(), colour.green(), colour.blue()

    base = view.palette().base().color()
    assert pixel(0, COL_COUNTDOWN) != (base.red(), base.green(), base.blue())  # tinted
    assert pixel(0, COL_TITLE) == (base.red(), base.green(), base.blue())
    assert pixel(1, COL_COUNTDOWN) == (base.red(), base.green(), base.blue())


def test_task_dialogs_stop_typing_at_the_services_limits(qtbot):
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QTextCursor

    from precinct_console.domain.task_fields import parse_fields
    from precinct_console.ui.tasks.dialogs import FeedbackDialog, NewTaskDialog, ReasonDialog

    new = NewTaskDialog([], [], [])
    qtbot.addWidget(new)
    new.title_edit.setText("题" * 195)
    qtbot.keyClicks(new.title_edit, "t" * 10)  # keyClicks types ASCII only
    assert new.title_edit.text() == "题" * 195 + "t" * 5
    new.detail.insertPlainText("详" * 1_000_000)  # a paste
    assert new.detail.toPlainText() == "详" * 4000

    reason = ReasonDialog("退回重办", "需要重办什么？")
    qtbot.addWidget(reason)
    reason.text.setPlainText("缺少照片" + "x" * 490)
    reason.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(reason.text, "y" * 20)
    # Typing stops at 500; what was written before is kept.
    assert reason.value() == "缺少照片" + "x" * 490 + "y" * 6

    fields = parse_fields([{"key": "visited_on", "label": "走访日期", "kind": "date"},
                           {"key": "deadline", "label": "整改期限", "kind": "date", "required": False},
                           {"key": "situation", "label": "情况说明", "kind": "longtext"},
                           {"key": "place", "label": "地点", "kind": "text"}])
    dialog = FeedbackDialog("回访", fields, date(2026, 11, 20), {"situation": "情" * 5000},
                            sent_on=date(2026, 11, 18))
    qtbot.addWidget(dialog)
    visited, deadline = dialog.inputs["visited_on"], dialog.inputs["deadline"]
    visited.setDate(QDate(2026, 12, 20))
    assert visited.date() == QDate(2026, 11, 20)  # not after today
    visited.setDate(QDate(1990, 1, 1))
    assert visited.date() == QDate(2026, 11, 18)  # not before the task was sent
    deadline.setDate(QDate(2026, 12, 31))
    assert deadline.date() == QDate(2026, 12, 31)  # a deadline may lie ahead
    assert len(dialog.inputs["situation"].toPlainText()) == 4000
    assert dialog.inputs["place"].maxLength() == 200
    dialog.summary.insertPlainText("备" * 5000)
    assert len(dialog.summary.toPlainText()) == 4000
    dialog.inputs["place"].setText("幸福里3栋")
    dialog.accept()
    assert dialog.result_values["visited_on"] == "2026-11-18"
