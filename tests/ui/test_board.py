"""The live board: life cycle by keystrokes, two seats in conflict, timers on a simulated clock, alerts."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel

from precinct_console.config import Settings
from precinct_console.domain.changes import Change, ChangeItem
from precinct_console.services.context import ServiceContext
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.services.incidents.steps import advance_incident, dispatch_unit
from precinct_console.storage.models import Alert, AuditEntry, Unit
from precinct_console.ui.board.panel import BoardPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.error_text import message_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def units(db, station, clock):
    with db.sessions() as s:
        made = [Unit(station_id=station.id, call_sign=cs, kind=kind, seats=2,
                     home_lon=116.40 + dx, home_lat=39.90, status="available", status_since=clock())
                for cs, kind, dx in (("城关1号车", "car", 0.002), ("城关2号车", "car", 0.02),
                                     ("步巡A", "foot", 0.001))]
        s.add_all(made)
        s.commit()
        return [u.id for u in made]


def seat(make_ctx, username: str, workstation: str) -> AppContext:
    ctx: ServiceContext = make_ctx("duty_officer", username)
    ctx = dataclasses.replace(ctx, actor=dataclasses.replace(ctx.actor, workstation=workstation))
    return AppContext(ctx, Settings())


@pytest.fixture
def app(make_ctx):
    ctx = seat(make_ctx, "duty1", "seat-1")
    yield ctx
    ctx.runner.wait(10000)


def take(app: AppContext, address="城关镇解放路12号", category="0601", **kw):
    return intake_incident(app.ctx, IncidentDraft(channel="110", category_code=category,
                                                  address=address, lon=116.401, lat=39.901, **kw))


def open_board(qtbot, app) -> BoardPanel:
    panel = BoardPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1500, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.state.is_loaded, timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(10)
    return panel


def press(qtbot, panel, key, modifier=Qt.KeyboardModifier.NoModifier):
    panel.table.setFocus()
    qtbot.keyClick(panel.table, key, modifier)


def wait_status(qtbot, panel, incident_id, status):
    def ok():
        r = panel.model.row(incident_id)
        return r is not None and r.status == status and not panel.board_actions.busy
    qtbot.waitUntil(ok, timeout=10000)


def test_board_shows_open_incidents_and_passes_the_model_tester(qtbot, qtmodeltester, app):
    a = take(app)
    b = take(app, "人民路8号", "0401")
    panel = open_board(qtbot, app)
    assert set(panel.model.ids()) == {a.id, b.id}
    qtmodeltester.check(panel.model, force_py=True)
    assert panel.model.index(0, 0).data() in (a.number, b.number)


def test_whole_life_cycle_one_keystroke_each(qtbot, app, units, db):
    inc = take(app)
    panel = open_board(qtbot, app)
    panel.activateWindow()
    assert panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.recommendation is not None, timeout=10000)
    # D dispatches the top suggestion: the nearest car.
    assert panel.detail.recommendation.best.call_sign == "城关1号车"
    qtbot.waitUntil(lambda: "1 waiting for dispatch" in panel.summary.text(), timeout=2000)
    press(qtbot, panel, Qt.Key.Key_D)
    wait_status(qtbot, panel, inc.id, "dispatched")
    assert panel.model.row(inc.id).units == ("城关1号车",)
    qtbot.waitUntil(lambda: "0 waiting for dispatch" in panel.summary.text(), timeout=2000)
    for key, status in ((Qt.Key.Key_S, "signed"), (Qt.Key.Key_O, "set_off"),
                        (Qt.Key.Key_A, "arrived"), (Qt.Key.Key_H, "handled"),
                        (Qt.Key.Key_F, "fed_back")):
        press(qtbot, panel, key)
        wait_status(qtbot, panel, inc.id, status)
    press(qtbot, panel, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: panel.model.row(inc.id) is None, timeout=10000)  # closed: off the board
    with db.sessions() as s:
        steps = s.execute(sa.select(AuditEntry.action, AuditEntry.username, AuditEntry.workstation)
                          .where(AuditEntry.entity == "incident", AuditEntry.entity_id == inc.id)).all()
    assert {a for a, _u, _w in steps} >= {"incident.create", "incident.dispatch", "incident.advance"}
    assert {(u, w) for _a, u, w in steps} == {("duty1", "seat-1")}


def test_history_shows_every_step_with_operator_and_workstation(qtbot, app, units):
    inc = take(app)
    dispatch_unit(app.ctx, inc.id, units[0])
    advance_incident(app.ctx, inc.id, "set_off")
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.history.rowCount() == 3, timeout=10000)
    steps = [panel.detail.history.item(i, 1).text() for i in range(3)]
    assert steps == ["Received", "Dispatched", "Set off"]
    assert panel.detail.history.item(1, 2).text() == "城关1号车"
    assert panel.detail.history.item(2, 3).text() == "duty1"
    assert panel.detail.history.item(2, 4).text() == "seat-1"


def test_units_that_have_cleared_still_show_on_the_incident(qtbot, app, units):
    inc = take(app)
    dispatch_unit(app.ctx, inc.id, units[0])
    for step in ("set_off", "arrived", "handled"):  # handled: the unit clears and is free again
        advance_incident(app.ctx, inc.id, step)
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.history.rowCount() == 6, timeout=10000)  # ... 撤离
    # Waiting for feedback, nobody is on it any more; the pane still says who went, and when
    # they cleared, instead of a dash that reads as if no unit had been sent.
    assert re.search(r"cleared: 城关1号车 \d\d:\d\d", panel.detail.facts.text())
    # The whole history sits within one day: times without the date keep the column narrow.
    assert re.fullmatch(r"\d\d:\d\d:\d\d", panel.detail.history.item(0, 0).text())


def test_the_incident_pane_names_the_kind_of_repeat(qtbot, app, clock):
    take(app, caller_phone="13912345678")
    clock.advance(minutes=10)
    again = take(app, "人民路8号", "0401", caller_phone="13912345678")
    panel = open_board(qtbot, app)
    panel.select_incident(again.id)
    qtbot.waitUntil(lambda: panel.detail.detail is not None, timeout=10000)
    assert "Repeat</b> Repeat caller" in panel.detail.facts.text()


def test_a_stale_write_names_the_other_seat_and_reloads_the_row(qtbot, app, make_ctx, units):
    inc = take(app)
    dispatch_unit(app.ctx, inc.id, units[0])
    panel = open_board(qtbot, app)
    other = seat(make_ctx, "duty2", "seat-2")
    advance_incident(other.ctx, inc.id, "signed")  # seat 2 signs; seat 1's row is now stale
    messages = []
    app.notified.connect(lambda text, level: messages.append((text, level)))
    panel.select_incident(inc.id)
    press(qtbot, panel, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    text, level = messages[0]
    assert level == "warning" and "duty2" in text and "seat-2" in text
    wait_status(qtbot, panel, inc.id, "signed")  # the row now shows what seat 2 did
    press(qtbot, panel, Qt.Key.Key_O)  # and the step goes through on the fresh row
    wait_status(qtbot, panel, inc.id, "set_off")


def test_another_seats_incident_appears_without_reload(qtbot, app, make_ctx):
    panel = open_board(qtbot, app)
    other = seat(make_ctx, "duty2", "seat-2")
    inc = take(other)
    resets = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    app.changed.emit(inc.change)  # what the sync thread delivers from the change feed
    qtbot.waitUntil(lambda: panel.model.row(inc.id) is not None, timeout=10000)
    assert not resets


def test_timers_turn_near_then_breached_and_alerts_are_acknowledged(qtbot, app, clock, db):
    inc = take(app, category="0202")  # a fight: priority 1
    panel = open_board(qtbot, app)
    panel.monitor.sound.enabled = False
    panel.monitor._throttle.setInterval(50)  # the clock jumps here; real timers turn seconds apart
    col = next(i for i, c in enumerate(panel.model.columns) if c.key == "timer:on_way")
    cell = lambda: panel.model.index(panel.model.position(inc.id), col).data()  # noqa: E731
    changed = []
    panel.model.dataChanged.connect(lambda tl, br, roles: changed.append((tl.column(), br.column())))
    clock.advance(seconds=30)
    app.tick.emit()
    assert cell() == "◷ 0:30"
    assert all(panel.model.columns[c].live for lo, hi in changed for c in range(lo, hi + 1))
    assert "1 waiting for dispatch" in panel.summary.text() and "near" not in panel.summary.text()
    messages = []
    app.notified.connect(lambda text, level: messages.append((text, level)))
    clock.advance(seconds=20)  # 50 s of 60: near
    app.tick.emit()
    assert cell() == "▲ 0:10"
    assert panel.monitor.sound.played == ["near"]
    assert "1 near" in panel.summary.text()  # the tick updates the counts under the filter
    assert panel.model.alerting[inc.id] == "near"
    assert inc.number in messages[-1][0] and messages[-1][1] == "warning"
    qtbot.waitUntil(lambda: len(panel.monitor.alerts) == 1, timeout=10000)  # the near is recorded
    clock.advance(seconds=15)
    app.tick.emit()
    assert cell() == "✖ +0:05"
    assert panel.monitor.sound.played == ["near", "breach"]
    assert panel.model.alerting[inc.id] == "breach"
    assert "1 breached" in panel.summary.text() and "1 waiting for dispatch" in panel.summary.text()
    # The breach is recorded and stands for the near alert of the same timer (one row, not two).
    qtbot.waitUntil(lambda: [a.level for a in panel.monitor.alerts.values()] == ["breach"],
                    timeout=10000)
    app.runner.wait(5000)
    qtbot.wait(20)
    # Space on the row acknowledges its alerts; the acknowledgement is audited.
    panel.select_incident(inc.id)
    press(qtbot, panel, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: inc.id not in panel.model.alerting, timeout=10000)
    with db.sessions() as s:
        acked = s.scalars(sa.select(Alert).where(Alert.incident_id == inc.id)).all()
        assert sorted(a.level for a in acked) == ["breach", "near"]  # the near one with its breach
        assert all(a.acknowledged_at is not None for a in acked)
        audits = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "alert.acknowledge")).all()
        assert len(audits) == len(acked) and audits[0].username == "duty1"
    # Ticking on raises nothing new for the same timer.
    clock.advance(seconds=5)
    app.tick.emit()
    assert panel.monitor.sound.played == ["near", "breach"]


def test_filter_keystrokes_and_saved_views(qtbot, app):
    a = take(app, "城关镇解放路12号", "0601", caller_phone="13800138000")
    b = take(app, "人民路8号", "0401")
    panel = open_board(qtbot, app)
    qtbot.keyClicks(panel.text, "1380013")
    qtbot.waitUntil(lambda: panel.model.ids() == [a.id], timeout=2000)
    panel.text.clear()
    panel.category.setCurrentIndex(panel.category.findData("04"))
    qtbot.waitUntil(lambda: panel.model.ids() == [b.id], timeout=2000)
    panel.save_current_view("交通")
    qtbot.waitUntil(lambda: panel.views.findText("交通") >= 0, timeout=10000)
    panel.set_filter(panel.current_filter().__class__())
    assert set(panel.model.ids()) == {a.id, b.id}
    panel.views.setCurrentIndex(panel.views.findText("交通"))
    panel.views.activated.emit(panel.views.currentIndex())
    assert panel.model.ids() == [b.id]
    assert panel.category.currentData() == "04"


def test_change_announced_for_an_alert_is_harmless(qtbot, app):
    panel = open_board(qtbot, app)
    app.changed.emit(Change((ChangeItem("alert", 99, "created"),)))
    app.runner.wait(5000)
    assert panel.model.rowCount() == 0


def test_selection_survives_a_broad_filter_change(qtbot, app):
    rows = [take(app, f"东大街{i}号" if i % 2 else f"西大街{i}号", caller_phone=f"1390000{i:04d}")
            for i in range(60)]
    panel = open_board(qtbot, app)
    keep = rows[7]  # an east-street one
    panel.select_incident(keep.id)
    panel.text.setText("东大街")  # 30 interleaved rows leave: the model resets
    qtbot.waitUntil(lambda: len(panel.model.ids()) == 30, timeout=2000)
    assert panel.current_row().id == keep.id
    panel.text.setText("")
    qtbot.waitUntil(lambda: len(panel.model.ids()) == 60, timeout=2000)
    assert panel.current_row().id == keep.id


def test_district_filter_matches_the_grids_of_the_district(qtbot, app):
    from precinct_console.ui.board.model import BoardFilter

    a = take(app)
    panel = open_board(qtbot, app)
    row = dataclasses.replace(panel.model.row(a.id), grid_code="JWQ01-05-09", grid_name="东润花园微网格")
    assert BoardFilter(district="JWQ01").accepts(row)
    assert not BoardFilter(district="JWQ02").accepts(row)
    assert BoardFilter(grid="东润").accepts(row)
    saved = BoardFilter(district="JWQ01", text="解放路", statuses=frozenset({"received"}))
    assert BoardFilter.from_dict(saved.to_dict()) == saved


def test_with_two_units_on_scene_the_key_asks_which_one_arrived(qtbot, app, units, monkeypatch):
    inc = take(app, category="0202")
    dispatch_unit(app.ctx, inc.id, units[0])
    dispatch_unit(app.ctx, inc.id, units[1], role="reinforcement")
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.detail is not None and len(panel.detail.detail.dispatches) == 2,
                    timeout=10000)
    asked = []
    monkeypatch.setattr(panel, "choose_unit", lambda step, us: asked.append(us) or us[1][0])
    press(qtbot, panel, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: panel.model.row(inc.id).reinforcement_arrived_at is not None, timeout=10000)
    assert [sign for _u, sign in asked[0]] == ["城关1号车", "城关2号车"]
    assert panel.model.row(inc.id).arrived_at is None  # only the reinforcement is there yet


def test_closed_incidents_are_found_with_their_history_and_reopened(qtbot, app, units):
    from precinct_console.services.incidents.queries import get_incident
    from precinct_console.services.incidents.steps import correct_event
    from precinct_console.ui.board.history import HistoryDialog

    inc = take(app, "幸福小区3栋", caller_phone="13912345678")
    dispatch_unit(app.ctx, inc.id, units[0])
    for step in ("set_off", "arrived", "handled", "fed_back"):
        advance_incident(app.ctx, inc.id, step)
    set_off = next(e for e in get_incident(app.ctx, inc.id).events if e.kind == "set_off")
    correct_event(app.ctx, inc.id, set_off.id, at=set_off.at, reason="按GPS记录更正")
    advance_incident(app.ctx, inc.id, "closed")
    panel = open_board(qtbot, app)
    assert panel.model.row(inc.id) is None
    dialog = HistoryDialog(app, panel.board_actions, panel)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.query.setText("幸福小区")
    dialog.search()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    dialog.table.selectRow(0)
    qtbot.waitUntil(lambda: dialog.detail.detail is not None, timeout=10000)
    history = dialog.detail.history
    steps = [history.item(i, 1).text() for i in range(history.rowCount())]
    assert steps[0] == "Received" and steps[-1] == "Closed" and "Correction" in steps
    fix = steps.index("Correction")
    assert "按GPS记录更正" in history.item(fix, 5).text()
    assert dialog.reopen.isEnabled()
    panel.board_actions.reopen("群众再次来电，纠纷未解决", row=dialog.current_row())
    qtbot.waitUntil(lambda: panel.model.row(inc.id) is not None, timeout=10000)  # back on the board


def test_keyboard_reaches_filter_and_intake_without_the_mouse(qtbot, app):
    panel = open_board(qtbot, app)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    press(qtbot, panel, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.text.hasFocus()
    press(qtbot, panel, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: panel.findChild(QDialog) is not None, timeout=5000)
    dialog = panel.findChild(QDialog)
    assert dialog.isVisible()
    qtbot.waitUntil(dialog.category.hasFocus, timeout=5000)  # the officer types the category first
    dialog.reject()


def test_once_on_scene_d_sends_the_next_unit_as_reinforcement(qtbot, app, units):
    inc = take(app, category="0202")
    dispatch_unit(app.ctx, inc.id, units[0])
    advance_incident(app.ctx, inc.id, "arrived")
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.recommendation is not None, timeout=10000)
    assert not panel.detail.shortfall.isVisible()  # the on-scene target is decided already
    press(qtbot, panel, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: len(panel.model.row(inc.id).units) == 2, timeout=10000)
    qtbot.waitUntil(lambda: panel.detail.detail is not None and len(panel.detail.detail.dispatches) == 2,
                    timeout=10000)
    assert [d.role for d in panel.detail.detail.dispatches] == ["first", "reinforcement"]


def test_after_closing_the_detail_pane_shows_the_row_the_keys_act_on(qtbot, app, units):
    """C takes the row off the board and the highlight moves on: the pane must follow it, or the
    next key acts on an incident the officer is not looking at."""
    done = take(app)
    other = take(app, "人民路8号", "0401")
    dispatch_unit(app.ctx, done.id, units[0])
    for step in ("set_off", "arrived", "handled", "fed_back"):
        advance_incident(app.ctx, done.id, step)
    panel = open_board(qtbot, app)
    assert panel.select_incident(done.id)
    qtbot.waitUntil(lambda: panel.detail.detail is not None and panel.detail.detail.row.id == done.id,
                    timeout=10000)
    press(qtbot, panel, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: panel.model.row(done.id) is None, timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(50)
    app.runner.wait(10000)
    assert panel.current_row() is not None and panel.current_row().id == other.id
    assert panel.detail.detail.row.id == other.id


def test_enter_in_the_search_box_searches_and_reopens_nothing(qtbot, app, units, monkeypatch):
    from precinct_console.ui.board.history import HistoryDialog

    inc = take(app, "幸福小区3栋")
    dispatch_unit(app.ctx, inc.id, units[0])
    for step in ("set_off", "arrived", "handled", "fed_back", "closed"):
        advance_incident(app.ctx, inc.id, step)
    panel = open_board(qtbot, app)
    asked: list[bool] = []
    monkeypatch.setattr(HistoryDialog, "ask_reopen", lambda self: asked.append(True))
    dialog = HistoryDialog(app, panel.board_actions, panel)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1, timeout=10000)
    dialog.table.selectRow(0)  # a closed incident selected, as before a new search
    dialog.query.setFocus()
    qtbot.keyClicks(dialog.query, "3")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.wait(100)
    assert asked == []


def _server_gone(*_args, **_kwargs):
    # What psycopg raises through SQLAlchemy when the server goes away mid-shift.
    raise sa.exc.OperationalError("SELECT incidents", {}, Exception(
        "consuming input failed: server closed the connection unexpectedly"))


def test_after_an_outage_the_board_catches_up_and_the_message_goes(qtbot, app, make_ctx, units,
                                                                   monkeypatch):
    from precinct_console.ui.board import panel as panel_mod
    from precinct_console.ui.board import state as state_mod
    from precinct_console.ui.main_window import MainWindow

    inc = take(app)
    window = MainWindow(app, [])
    qtbot.addWidget(window)
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.detail is not None, timeout=10000)
    messages = []
    app.notified.connect(lambda text, level: messages.append((text, level)))
    # The server goes away; another seat's dispatch was written just before and its echo
    # arrives now: fetching the row (and the pane) fails.
    dispatch_unit(seat(make_ctx, "duty2", "seat-2").ctx, inc.id, units[0])
    monkeypatch.setattr(state_mod, "get_incident_rows", _server_gone)
    monkeypatch.setattr(panel_mod, "get_incident", _server_gone)
    app.connection_state.emit("reconnecting")
    app.changed.emit(Change((ChangeItem("incident", inc.id, "updated"),)))
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    text, level = messages[-1]
    # Told as an outage, in words an officer can act on: no crash dialog, no driver text.
    assert level == "outage" and "connection to the database server was lost" in text
    assert "consuming input" not in text
    assert window.statusBar().currentMessage() == text
    assert panel.model.row(inc.id).status == "received"
    # The server is back: the missed change is fetched, the pane shows it, the message goes.
    monkeypatch.undo()
    app.connection_state.emit("connected")
    wait_status(qtbot, panel, inc.id, "dispatched")
    qtbot.waitUntil(lambda: panel.detail.detail is not None
                    and panel.detail.detail.row.status == "dispatched", timeout=10000)
    assert window.statusBar().currentMessage() != text
    assert "back" in window.statusBar().currentMessage()


def test_space_ticks_the_repeats_box_and_presses_save_view_instead_of_acknowledging(
        qtbot, app, monkeypatch):
    panel = open_board(qtbot, app)
    # Space used to be the panel-wide acknowledge shortcut, which swallowed both key presses.
    panel.repeats.setFocus()
    qtbot.keyClick(panel.repeats, Qt.Key.Key_Space)
    assert panel.repeats.isChecked()
    asked = []
    monkeypatch.setattr(panel, "ask_save_view", lambda: asked.append(1))
    panel.save_view.clicked.disconnect()
    panel.save_view.clicked.connect(panel.ask_save_view)
    panel.save_view.setFocus()
    qtbot.keyClick(panel.save_view, Qt.Key.Key_Space)
    assert asked == [1]


def test_the_time_left_in_the_recommendation_counts_down_with_the_board(qtbot, app, units, clock):
    inc = take(app)
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.recommendation is not None, timeout=10000)
    assert "3:00" in panel.detail.advice_box.title()
    clock.advance(seconds=60)
    app.tick.emit()
    assert "2:00" in panel.detail.advice_box.title()  # as the board's ◷ cell shows it


def read_without_hovering(panel: BoardPanel) -> str:
    """The text of the detail pane's labels that shows whole, in view of its scroll area."""
    pane = panel.detail
    viewport = pane.parentWidget()
    shown = []
    for label in pane.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        whole = (label.height() >= label.heightForWidth(label.width()) if label.wordWrap()
                 else label.sizeHint().width() <= label.width())
        top = label.mapTo(viewport, QPoint(0, 0)).y()
        if whole and top >= 0 and top + label.height() <= viewport.height():
            shown.append(label.text())
    return "\n".join(shown)


def test_the_reason_of_the_selected_suggestion_is_shown_in_full(qtbot, app, units):
    """The Why column is cut off in the narrow pane: the selected unit's reason is read below it."""
    inc = take(app)
    panel = open_board(qtbot, app)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.recommendation is not None, timeout=10000)
    rec = panel.detail.recommendation
    assert len(rec.options) == 3
    reasons = [[message_text(r) for r in o.reasons] for o in rec.options]
    assert all(len(r) >= 2 for r in reasons)  # a reason of several parts, longer than the column

    def shows(i: int) -> bool:
        text = read_without_hovering(panel)
        return rec.options[i].call_sign in text and all(r in text for r in reasons[i])

    qtbot.waitUntil(lambda: shows(0), timeout=2000)  # the top suggestion, selected at first
    table = panel.detail.options
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the arrow keys move the selection: the reason follows
    qtbot.waitUntil(lambda: shows(1), timeout=2000)
    assert reasons[0][0] not in read_without_hovering(panel)
    rect = table.visualRect(table.model().index(2, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: shows(2), timeout=2000)
    assert reasons[1][0] not in read_without_hovering(panel)
    # A re-fetch re-ranks the units (another seat's change): the officer's choice stays selected.
    chosen = rec.options[2].unit_id
    reranked = (rec.options[1], rec.options[2], rec.options[0])  # the chosen one is now second
    panel.detail.show_recommendation(dataclasses.replace(rec, options=reranked))
    assert panel.detail.selected_option_unit() == chosen and shows(2)
    # No suggestion (every unit busy, or no place to measure from): no reason left from before.
    panel.detail.show_recommendation(dataclasses.replace(rec, options=()))
    text = read_without_hovering(panel)
    assert not any(r in text for parts in reasons for r in parts)


def test_opening_an_incident_on_a_short_screen_brings_the_dispatch_button_into_view(
        qtbot, app, units):
    """1366x768 beside the alert dock: a long call pushed the button below the pane's fold."""
    content = "报警人称其邻居家中传出激烈争吵和摔打物品的声音，持续二十分钟，担心有人受伤。" * 3
    inc = take(app, content=content)
    panel = open_board(qtbot, app)
    panel.resize(1000, 430)
    qtbot.wait(20)
    panel.select_incident(inc.id)
    qtbot.waitUntil(lambda: panel.detail.recommendation is not None, timeout=10000)
    button = panel.detail.dispatch_top
    viewport = panel.detail.parentWidget()
    bar = viewport.parentWidget().verticalScrollBar()

    def in_view() -> bool:
        top = button.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + button.height() <= viewport.height()

    qtbot.wait(100)  # the pane laid out and scrolled
    assert in_view() and bar.value() > 0
    bar.setValue(0)  # he scrolls up to read the call
    panel.refresh_detail(inc.id)  # a re-fetch (another seat's change) leaves it there
    app.runner.wait(10000)
    qtbot.wait(100)
    assert bar.value() == 0
