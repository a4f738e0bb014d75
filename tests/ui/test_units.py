"""Unit status board and alert list: states with time in state, keys set states, alerts acknowledged."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.domain.clock import local
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.services.incidents.steps import dispatch_unit
from precinct_console.services.units import DutySpot
from precinct_console.storage.models import Unit
from precinct_console.ui.alerts.panel import AlertsPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.units.panel import UnitsPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def app(make_ctx):
    ctx = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    yield ctx
    ctx.runner.wait(10000)


@pytest.fixture
def units(db, station, clock):
    with db.sessions() as s:
        made = [Unit(station_id=station.id, call_sign=cs, kind=kind, seats=2, home_lon=116.40,
                     home_lat=39.90, status=st, status_since=clock())
                for cs, kind, st in (("城关1号车", "car", "available"), ("步巡A", "foot", "off_duty"))]
        s.add_all(made)
        s.commit()
        return [u.id for u in made]


def test_unit_board_follows_dispatch_and_sets_states_by_key(qtbot, qtmodeltester, app, units, clock):
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    qtmodeltester.check(panel.model, force_py=True)
    car = units[0]
    row = lambda uid: panel.model.row(uid)  # noqa: E731
    assert row(car).status == "available"
    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="解放路12号", lon=116.401, lat=39.901))
    view = dispatch_unit(app.ctx, inc.id, car)
    app.announce(view.change)
    qtbot.waitUntil(lambda: row(car).status == "dispatched", timeout=10000)
    assert row(car).incident_number == inc.number
    clock.advance(minutes=2, seconds=5)
    app.tick.emit()
    pos = panel.model.position(car)
    assert panel.model.index(pos, 3).data() == "2:05"
    # The foot patrol comes on duty: select it and press A.
    foot = units[1]
    panel.table.selectRow(panel.model.position(foot))
    panel.table.setFocus()
    messages = []
    app.notified.connect(lambda t, lvl: messages.append(t))
    qtbot.keyClick(panel.table, Qt.Key.Key_A)
    qtbot.keyClick(panel.table, Qt.Key.Key_A)  # again, before the first came back
    qtbot.waitUntil(lambda: row(foot).status == "available", timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(20)
    assert messages == []  # not "changed by you at this seat; your change was not saved"
    # A unit on an incident cannot be set by hand: the message says why.
    panel.table.selectRow(panel.model.position(car))
    qtbot.keyClick(panel.table, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    assert inc.number in messages[0]


def test_a_position_fix_gone_quiet_is_flagged_not_shown_as_live(qtbot, app, units, db, clock):
    from precinct_console.services.units import update_unit_position

    car = units[0]
    update_unit_position(app.ctx, car, 116.401, 39.901)
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.row(car) is not None
                    and panel.model.row(car).position_at is not None, timeout=10000)
    column = [c.key for c in panel.model.columns].index("position")
    cell = lambda: panel.model.index(panel.model.position(car), column)  # noqa: E731
    clock.advance(seconds=40)
    app.tick.emit()
    assert cell().data() == "live, 0:40 ago" and cell().data(Qt.ItemDataRole.ForegroundRole) is None
    clock.advance(minutes=6)  # the patrol terminal has gone quiet
    app.tick.emit()
    assert cell().data() == "▲ last fix 6:40 ago, not live"
    assert cell().data(Qt.ItemDataRole.ForegroundRole) is not None


def test_alert_list_shows_breaches_and_acknowledges_with_space(qtbot, qtmodeltester, app, clock):
    intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0202", address="夜市路口",
                                           lon=116.401, lat=39.901))
    clock.advance(minutes=6)  # a fight: all three targets breached before the seat opened
    panel = AlertsPanel(app)
    qtbot.addWidget(panel)
    panel.monitor.sound.enabled = False
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10000)
    assert panel.monitor.sound.played == ["breach"]  # raised now: one sound for the batch
    assert "3 alert(s) to acknowledge, 3 breached" in panel.title.text()
    assert all(panel.model.index(i, 0).data().startswith("✖") for i in range(3))
    # The panel's model dies with the panel, before the tester's teardown: check a twin.
    from precinct_console.ui.alerts.panel import _columns
    from precinct_console.ui.board.table import ThinTableModel

    twin = ThinTableModel(_columns(clock), key=lambda a: a.id)
    twin.set_rows(panel.monitor.alerts.values())
    qtmodeltester.check(twin, force_py=True)
    # Still open the next day: on the clock's tick, with no alert changing, the time column
    # widens for the date it now shows.
    narrow = panel.table.columnWidth(3)
    clock.advance(days=1)
    app.tick.emit()
    assert panel.table.columnWidth(3) > narrow
    assert panel.model.index(0, 3).data().count("-") == 1  # "MM-DD HH:MM"
    panel.table.selectAll()
    panel.table.setFocus()
    errors: list[BaseException] = []
    app.report_error = errors.append  # type: ignore[method-assign]
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)  # again, before the first came back
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=10000)
    app.runner.wait(10000)
    assert panel.title.text().startswith("✓")
    assert errors == []  # no "already acknowledged" refusal of the officer's own second press


def test_live_incident_breaches_head_the_alert_list_before_task_deadlines(qtbot, app):
    from datetime import UTC, datetime, timedelta

    from precinct_console.services.alerts import AlertView
    from precinct_console.ui.alerts.panel import _columns
    from precinct_console.ui.board.table import ThinTableModel

    t0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

    def alert(aid, level, minutes, incident=True):
        return AlertView(aid, 7 if incident else None, f"N{aid}", "", "", "arrive", "3分钟到场", level,
                         t0 + timedelta(minutes=minutes), None, "", task_id=None if incident else 9)

    model = ThinTableModel(_columns(app.clock), key=lambda a: a.id)
    model.set_rows([alert(1, "breach", 9, incident=False), alert(2, "near", 8), alert(3, "breach", 1),
                    alert(4, "breach", 5), alert(5, "near", 9, incident=False)])
    model.sort(0)  # what the panel opens on
    # Overdue follow-up tasks were listed first only because they were raised last.
    assert model.ids() == [4, 3, 2, 1, 5]


def test_p_records_a_patrol_for_the_selected_unit_and_a_refusal_keeps_the_form(
        qtbot, app, units, clock, monkeypatch, db):
    """P opens the patrol record for the selected unit; the service's refusal (an end in the
    future) shows the form again with everything typed, and the corrected record is saved."""
    from datetime import timedelta

    from precinct_console.storage.models import PatrolLog
    from precinct_console.ui.forms import qdatetime
    from precinct_console.ui.units.patrol_dialog import PatrolDialog

    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    panel.table.selectRow(panel.model.position(units[0]))
    panel.table.setFocus()
    shown: list[tuple[str, str, str]] = []

    def exec_(dialog):
        shown.append((dialog.unit.currentText(), dialog.route.text(), dialog.error.text()))
        if len(shown) == 1:
            dialog.officers.setText("张伟、王芳")
            dialog.route.setText("解放路—火车站")
            dialog.arrests.setValue(1)
            dialog.end.setDateTime(qdatetime(clock() + timedelta(hours=2)))
        else:
            dialog.end.setDateTime(qdatetime(clock()))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PatrolDialog, "exec", exec_)
    notes = []
    app.notified.connect(lambda text, level: notes.append(text))
    qtbot.keyClick(panel.table, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: any("城关1号车" in n for n in notes), timeout=10000)
    assert shown[0] == ("城关1号车", "", "")
    assert shown[1][:2] == ("城关1号车", "解放路—火车站")
    assert "future" in shown[1][2] or "将来" in shown[1][2]
    with db.sessions() as s:
        logs = s.query(PatrolLog).all()
    assert len(logs) == 1 and logs[0].unit_id == units[0] and logs[0].arrests == 1
    assert logs[0].officers == "张伟、王芳" and logs[0].route == "解放路—火车站"


def test_shift_p_lists_the_patrols_and_withdraws_a_mistaken_one_with_its_reason(
        qtbot, app, units, clock, monkeypatch, db):
    from datetime import timedelta

    from PySide6.QtWidgets import QInputDialog

    from precinct_console.services.patrols import PatrolDraft, record_patrol
    from precinct_console.storage.models import AuditEntry, PatrolLog
    from precinct_console.ui.units.patrol_dialog import PatrolListDialog

    record = record_patrol(app.ctx, PatrolDraft(starts_at=clock() - timedelta(hours=2),
                                                ends_at=clock() - timedelta(minutes=5),
                                                unit_id=units[0], officers="张伟"))
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    panel.table.setFocus()
    seen: list[list[str]] = []

    def exec_(dialog):
        seen.append([dialog.table.item(0, c).text() for c in (1, 3)])
        dialog.table.selectRow(0)
        dialog.withdraw_button.click()
        return 0

    monkeypatch.setattr(PatrolListDialog, "exec", exec_)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("录错了警组", True)))
    qtbot.keyClick(panel.table, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)

    def gone() -> bool:
        with db.sessions() as s:
            return s.get(PatrolLog, record.id) is None

    qtbot.waitUntil(gone, timeout=10000)
    app.runner.wait(10000)
    assert seen == [["城关1号车", "张伟"]]
    with db.sessions() as s:
        entry = s.query(AuditEntry).filter_by(action="patrol.withdraw").one()
    assert entry.before["reason"] == "录错了警组"


def test_the_patrol_point_lists_only_the_timed_duties_still_to_come(qtbot, app, units, clock):
    """At 08:40 the 08:00-08:30 school gate is done: the cell names the afternoon's only; the
    tooltip keeps both."""
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    car = units[0]
    now = clock()
    row = dataclasses.replace(
        panel.model.row(car), patrol_point="火车站警务站",
        duty_list=(DutySpot("08:00-08:30 实验小学护学岗（早）", "实验小学护学岗（早）", now - timedelta(minutes=20),
                            now + timedelta(minutes=10), 116.401, 39.901),
                   DutySpot("16:00-18:00 实验小学护学岗（晚）", "实验小学护学岗（晚）", now + timedelta(hours=7, minutes=30),
                            now + timedelta(hours=8), 116.401, 39.901)))
    panel.model.set_rows([row, panel.model.row(units[1])])
    cell = panel.model.index(panel.model.position(car), 6)
    assert cell.data() == "火车站警务站 · 08:00-08:30 实验小学护学岗（早）；16:00-18:00 实验小学护学岗（晚）"
    clock.advance(minutes=11)
    app.tick.emit()
    cell = panel.model.index(panel.model.position(car), 6)
    assert cell.data() == "火车站警务站 · 16:00-18:00 实验小学护学岗（晚）"
    assert "（早）" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "due elsewhere" not in cell.data(Qt.ItemDataRole.ToolTipRole)
    clock.advance(hours=8)
    app.tick.emit()
    assert panel.model.index(panel.model.position(car), 6).data() == "火车站警务站"


def test_a_clashing_timed_duty_is_marked_and_the_tooltip_says_why(qtbot, app, units, clock):
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    car = units[0]
    both = "08:00-08:30 实验小学护学岗（早）；08:00-08:30 育才小学护学岗（早）▲"
    row = dataclasses.replace(panel.model.row(car), patrol_point="火车站警务站",
                              duty_list=tuple(DutySpot(t, t, clock(), clock() + timedelta(minutes=30), 116.4, 39.9)
                                              for t in both.split("；")))
    panel.model.set_rows([row, panel.model.row(units[1])])
    cell = panel.model.index(panel.model.position(car), 6)
    assert cell.data().endswith("育才小学护学岗（早）▲")
    assert "▲ due elsewhere at that time too" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_the_unit_board_says_when_a_crew_must_set_out_for_its_timed_duty(qtbot, app, units, clock):
    """The gate opens at 08:00 and the car needs 8 minutes from its post: from 07:47 (five
    minutes before it must leave) to 08:00 the cell says so, in the warning colour."""
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    car = units[0]
    opens = clock() + timedelta(minutes=20)
    row = dataclasses.replace(
        panel.model.row(car), patrol_point="火车站警务站",
        duty_list=(DutySpot("08:00-08:30 实验小学护学岗（早）", "实验小学护学岗（早）", opens,
                            opens + timedelta(minutes=30), 116.401, 39.901, opens - timedelta(minutes=8)),))
    panel.model.set_rows([row, panel.model.row(units[1])])

    def cell():
        return panel.model.index(panel.model.position(car), 6)

    assert cell().data() == "火车站警务站 · 08:00-08:30 实验小学护学岗（早）"  # 20 minutes ahead
    clock.advance(minutes=8)  # 12 minutes before it opens: 4 before the car must leave
    app.tick.emit()
    leave_at = local(opens - timedelta(minutes=8)).strftime("%H:%M")
    assert cell().data().startswith(
        f"Set out by {leave_at} for 实验小学护学岗（早） (from its patrol point) · 火车站警务站")
    assert cell().data(Qt.ItemDataRole.ForegroundRole) is not None
    assert cell().data(Qt.ItemDataRole.ToolTipRole).startswith(f"Set out by {leave_at}")
    assert cell().data(Qt.ItemDataRole.ToolTipRole).startswith(f"Set out by {leave_at}")
    # Timed from its live fix (on a call further off), the cell says so.
    live = dataclasses.replace(row.duty_list[0], sets_out=opens - timedelta(minutes=11), basis="fix")
    panel.model.set_rows([dataclasses.replace(row, duty_list=(live,)), panel.model.row(units[1])])
    leave_live = local(opens - timedelta(minutes=11)).strftime("%H:%M")
    assert cell().data().startswith(
        f"Set out by {leave_live} for 实验小学护学岗（早） (from where it is now) · 火车站警务站")
    clock.advance(minutes=13)  # the duty has begun: the reminder is over
    app.tick.emit()
    assert not cell().data().startswith("Set out")
    assert cell().data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_unit_board_says_whether_a_crew_on_a_timed_duty_was_found_there(qtbot, app, units, clock):
    """Checked at the gate at 08:03: the cell says so in green; found away at 08:20, in red; back
    at 08:24, there again but late; once the stretch is over, nothing."""
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    car = units[0]
    opens = clock() - timedelta(minutes=5)
    duty = DutySpot("08:00-08:30 实验小学护学岗（早）", "实验小学护学岗（早）", opens,
                    opens + timedelta(minutes=30), 116.401, 39.901, opens - timedelta(minutes=8))
    row = dataclasses.replace(panel.model.row(car), patrol_point="火车站警务站", duty_list=(duty,),
                              duty_check="kept", duty_there=True,
                              duty_checked_at=opens + timedelta(minutes=3),
                              duty_check_until=opens + timedelta(minutes=30))
    panel.model.set_rows([row, panel.model.row(units[1])])

    def cell():
        return panel.model.index(panel.model.position(car), 6)

    at = local(opens + timedelta(minutes=3)).strftime("%H:%M")
    assert cell().data() == f"✔ at the duty (checked {at}) · 火车站警务站 · 08:00-08:30 实验小学护学岗（早）"
    kept_colour = cell().data(Qt.ItemDataRole.ForegroundRole).color()
    away = dataclasses.replace(row, duty_check="away", duty_there=False,
                               duty_checked_at=opens + timedelta(minutes=20))
    panel.model.set_rows([away, panel.model.row(units[1])])
    assert cell().data().startswith(
        f"✖ not at the duty ({local(opens + timedelta(minutes=20)):%H:%M}) · 火车站警务站")
    assert cell().data(Qt.ItemDataRole.ForegroundRole).color() != kept_colour
    assert "✖ not at the duty" in cell().data(Qt.ItemDataRole.ToolTipRole)
    # Back at the gate at 08:24: there again, late (the stretch still counts as not kept).
    late = dataclasses.replace(away, duty_there=True, duty_checked_at=opens + timedelta(minutes=24))
    panel.model.set_rows([late, panel.model.row(units[1])])
    assert cell().data().startswith(
        f"✔ at the duty since {local(opens + timedelta(minutes=24)):%H:%M} (late) · 火车站警务站")
    assert cell().data(Qt.ItemDataRole.ForegroundRole).color() == kept_colour
    clock.advance(minutes=26)  # 08:31: the stretch is over
    app.tick.emit()
    assert cell().data() == "火车站警务站"
    assert cell().data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_cover_lines_unit_to_move_is_a_link_that_selects_it_and_names_are_escaped(qtbot, make_ctx):
    from precinct_console.domain.allocation.move_up import CoverNow, Move, Point
    from precinct_console.ui.units.cover import CoverLine

    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    line = CoverLine(app)
    qtbot.addWidget(line)
    assert line.isHidden()
    gate = Point("point:3", "学府路<东>门", 116.39, 39.90)
    line.show_cover(CoverNow(0.69, 0.48, ("巡03",), (Move(7, "巡01", gate, 3.3, False),), 0.70))
    assert not line.isHidden()
    assert "<a href='unit:7'" in line.text() and ">巡01</a>" in line.text()
    assert "学府路&lt;东&gt;门" in line.text()  # a name from the roll is text, never markup
    with qtbot.waitSignal(app.selected, timeout=1000) as picked:  # on the board and the map
        line.linkActivated.emit("unit:7")
    assert picked.args == ["unit", 7]
    line.show_cover(None)
    assert line.isHidden()


def test_the_move_up_dialog_is_not_painted_in_the_cover_lines_warning_colour(qtbot, make_ctx):
    """Ctrl+M's dialog opens from the cover line: a wide gap paints the line red, never the
    dialog's table and heading (a whole list in alarm red reads as every point refused)."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QLabel

    from precinct_console.domain.allocation.move_up import CoverNow, MoveOption, Point
    from precinct_console.services.move_up import MoveChoices
    from precinct_console.ui.theme import BREACH
    from precinct_console.ui.units.cover import CoverLine
    from precinct_console.ui.units.move_dialog import MoveUpDialog

    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    line = CoverLine(app)
    qtbot.addWidget(line)
    line.show_cover(CoverNow(0.98, 0.44, ("巡01", "巡04"), (), 0.44))  # a drop of 54 points
    red = BREACH.darker(110).name()
    line.ensurePolished()
    assert line.palette().color(QPalette.ColorRole.WindowText).name() == red
    gate = Point("post:5", "南湖社区警务室", 116.39, 39.90)
    choices = MoveChoices(11, "电01", 1, "point:20", True, 0.44,
                          (MoveOption(gate, 9.0, 0.50, 0.06, False, False),))
    dialog = MoveUpDialog(choices, line)  # as CoverLine.choose opens it
    qtbot.addWidget(dialog)
    dialog.show()
    heading = dialog.findChildren(QLabel)[0]
    assert heading.palette().color(QPalette.ColorRole.WindowText).name() != red
    assert dialog.table.palette().color(QPalette.ColorRole.Text).name() != red


def test_m_on_a_unit_whose_move_is_ordered_already_says_so(qtbot, app, units):
    """The line reads "巡01 → 学府路门（约3分钟，已下达）": M on 巡01 says it is ordered there
    already, not that no move-up is suggested."""
    from precinct_console.domain.allocation.move_up import CoverNow, Move, Point

    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    car = units[0]
    gate = Point("point:3", "学府路门", 116.39, 39.90)
    panel.cover.show_cover(CoverNow(0.69, 0.48, (), (Move(car, "城关1号车", gate, 3.3, False, True),), 0.70))
    said: list[tuple[str, str]] = []
    app.notified.connect(lambda text, level: said.append((text, level)))
    panel.table.selectRow(panel.model.position(car))
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_M)
    assert said == [("城关1号车 is ordered to 学府路门 already: the crew needs telling, there is no "
                     "order to give", "info")]


def test_a_key_for_a_unit_with_none_selected_says_to_select_one(qtbot, app, units):
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    panel.table.setCurrentIndex(panel.model.index(-1, 0))  # nothing selected
    panel.table.setFocus()
    said = []
    app.notified.connect(lambda text, level: said.append((text, level)))
    keys = [(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_M, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_V, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)]
    for key, modifier in keys:
        said.clear()
        qtbot.keyClick(panel.table, key, modifier)
        assert said == [("Select a unit first", "warning")], (key, modifier)
    # Enter on a unit that is on no incident says so, rather than nothing.
    panel.table.selectRow(panel.model.position(units[0]))
    said.clear()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert said == [("城关1号车 is on no incident", "info")]
    app.runner.wait(10000)


def test_a_new_stations_empty_unit_board_says_where_units_come_from(qtbot, app):
    """A station just set up had a board reading only 'No units', and no word of where to add one."""
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    app.runner.wait(10000)
    qtbot.waitUntil(lambda: "Roster ▸ Units…" in panel.counts.text(), timeout=10000)
