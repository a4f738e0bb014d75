"""The roster, patrol allocation and unit board worked from the keyboard alone: Tab, Enter, keys."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QVBoxLayout, QWidget

from precinct_console.config import Settings
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, roster, unit_roll
from precinct_console.ui.allocation.panel import AllocationPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.main_window import MainWindow
from precinct_console.ui.panels import PanelSpec
from precinct_console.ui.roster.panel import RosterPanel
from precinct_console.ui.units.panel import UnitsPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def chief_app(make_ctx, allocation_town):
    allocation_town(zones=False)
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _shown(qtbot, app, widget):
    """The widget as a window of its own, active, its loads done: the keyboard is there."""
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)
    _settle(qtbot, app)
    return widget


def _tab(qtbot, back: bool = False) -> QWidget:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def _crewed_shift(ctx, start):
    """A day shift starting at `start` with two cars, each crewed by one officer."""
    sh = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8), min_staff=3)
    for badge, name, call_sign, lon in (("031001", "张伟", "巡逻一车", 116.39),
                                        ("031002", "李强", "巡逻二车", 116.40)):
        officer = roster.add_officer(ctx, badge, name, licences=["C1"])
        unit = unit_roll.add_unit(ctx, call_sign, "car", lon, 39.90)
        roster.assign(ctx, sh.id, officer.id, unit_id=unit)
    return sh


def test_tab_leaves_the_roster_calendar_for_the_violation_list(qtbot, chief_app, clock):
    """Tab in the calendar went round its 7 x officers cells for ever: the violations under it
    were out of the keyboard's reach. Tab leaves it now; arrows still move from day to day."""
    _crewed_shift(chief_app.ctx, datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ))  # 2 of 3 on
    panel = _shown(qtbot, chief_app, RosterPanel(chief_app))
    assert panel.problems.count() == 1
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Right)
    assert panel.table.currentIndex().column() == 1
    assert _tab(qtbot) is panel.problems
    assert _tab(qtbot, back=True) is panel.table


def test_tab_reaches_the_constraints_the_plans_points_the_note_and_accept(qtbot, chief_app, clock):
    """From the list of plans Tab went round its cells for ever, and from the plan's table too:
    pins, zones, a unit's point, the note and Accept could only be reached with the mouse."""
    ctx = chief_app.ctx
    sh = _crewed_shift(ctx, clock() + timedelta(hours=1))
    allocation.propose_plan(ctx, shift_id=sh.id, method="greedy")
    panel = _shown(qtbot, chief_app, AllocationPanel(chief_app))
    qtbot.waitUntil(lambda: panel.plan is not None and panel.assign.rowCount() == 2, timeout=10000)
    panel.plans.setFocus()
    assert _tab(qtbot) is panel.constraints.unit_combo
    panel.assign.setFocus()
    points = [panel.assign.cellWidget(r, 1) for r in range(2)]
    assert all(isinstance(c, QComboBox) and c.isEnabled() for c in points)
    assert [_tab(qtbot) for _ in range(4)] == [*points, panel.note, panel.accept_btn]
    # A point chosen by the keyboard is an edit Accept counts.
    qtbot.keyClick(points[0], Qt.Key.Key_Down)
    assert len(panel.edits()) == 1 and panel.accept_btn.text() == "Accept with 1 edit(s)"
    _settle(qtbot, chief_app)


def test_tab_leaves_the_unit_board(qtbot, make_ctx):
    unit_roll.add_unit(make_ctx(Role.STATION_CHIEF), "巡逻一车", "car", 116.39, 39.90)
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    seat = QWidget()
    board = UnitsPanel(app)
    after = QLineEdit()
    layout = QVBoxLayout(seat)
    layout.addWidget(board)
    layout.addWidget(after)
    _shown(qtbot, app, seat)
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=10000)
    board.table.setFocus()
    assert _tab(qtbot) is after
    app.runner.wait(10000)


def test_tab_reaches_ok_in_the_move_up_dialog(qtbot, make_ctx):
    from precinct_console.domain.allocation.move_up import MoveOption, Point
    from precinct_console.services.move_up import MoveChoices
    from precinct_console.ui.units.move_dialog import MoveUpDialog

    gates = [MoveOption(Point(f"point:{i}", f"学校门{i}", 116.39, 39.90), 3.0 + i, 0.6, 0.1,
                        False, False) for i in range(3)]
    dialog = MoveUpDialog(MoveChoices(11, "电01", 1, "point:20", True, 0.44, tuple(gates)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.chosen() is gates[1]
    focused = _tab(qtbot)
    assert focused is not dialog.table and focused.text() == "OK"


def test_tab_reaches_the_buttons_of_the_units_dialog(qtbot, chief_app):
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    for i in range(3):
        unit_roll.add_unit(chief_app.ctx, f"巡逻{i}车", "car", 116.39, 39.90)
    dialog = _shown(qtbot, chief_app, UnitsDialog(chief_app, []))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10000)
    dialog.table.setFocus()
    assert _tab(qtbot) is dialog.add_btn


def test_enter_on_a_calendar_cell_assigns_and_two_cells_are_picked_for_a_swap_by_keys(
        qtbot, chief_app, clock, monkeypatch):
    """A double click put the officer on a shift; Enter did nothing, so the keyboard could not
    assign from the calendar. The keys are on the panel's hint line, as the unit board's are."""
    friday = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    _crewed_shift(chief_app.ctx, friday)
    panel = _shown(qtbot, chief_app, RosterPanel(chief_app))
    assert panel.keys_hint.isVisible() and "Enter" in panel.keys_hint.text()
    opened = []
    monkeypatch.setattr(panel, "_open", lambda dlg, _send: opened.append(dlg))
    day = panel.model.days.index(friday.date())
    rows = {r.label.split()[1]: i for i, r in enumerate(panel.model.rows)}
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(rows["李强"], day))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert [d.windowTitle() for d in opened] == ["Assign 李强"]
    assert opened[0].shift.currentText().startswith("白班")
    # Swap: the first cell, Ctrl+Down to the second without selecting between, Ctrl+Space adds it.
    panel.table.setCurrentIndex(panel.model.index(rows["张伟"], day))
    step = Qt.Key.Key_Down if rows["李强"] > rows["张伟"] else Qt.Key.Key_Up
    for _ in range(abs(rows["李强"] - rows["张伟"])):
        qtbot.keyClick(panel.table, step, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.table, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert sorted(e.officer_name for e in panel.selected_entries()) == ["张伟", "李强"]


def make_typing_panel(app: AppContext) -> QWidget:
    panel = QWidget()
    QVBoxLayout(panel).addWidget(QLineEdit())
    return panel


TABBED = [PanelSpec(key, key, f"{__name__}:make_typing_panel", area)
          for key, area in (("board", "center"), ("roster", "center"), ("allocation", "center"),
                            ("units", "bottom"))]


def test_tab_skips_the_panels_behind_another_tab(qtbot, make_ctx):
    """Qt keeps a tabbed panel behind another 'visible', moved off the window: Tab walked into
    the hidden board and allocation panels, the focus vanished from sight, and a board key then
    acted on an incident the officer could not see. Tab goes round the panels on screen only."""
    window = MainWindow(AppContext(make_ctx(Role.STATION_CHIEF), Settings()), TABBED)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.show_panel("roster")
    edit = {k: w.findChild(QLineEdit) for k, w in window.panel_widgets.items()}
    edit["roster"].setFocus()

    def round_trip(back: bool = False) -> list[QWidget]:
        """Tab (or Shift+Tab) until the focus is back where it started."""
        start, seen = QApplication.focusWidget(), []
        while len(seen) < 20 and (not seen or seen[-1] is not start):
            seen.append(_tab(qtbot, back))
        return seen

    for back in (False, True):
        seen = round_trip(back)
        assert edit["units"] in seen and edit["roster"] in seen
        assert edit["board"] not in seen and edit["allocation"] not in seen
    window.show_panel("allocation")  # brought forward, it is in the round again
    seen = round_trip()
    assert edit["allocation"] in seen and edit["roster"] not in seen


def test_tab_leaves_the_alert_list(qtbot, make_ctx, clock):
    """The alert list is beside every panel: Tab went round its cells and never came back out."""
    from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
    from precinct_console.ui.alerts.panel import AlertsPanel

    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0202", address="夜市路口",
                                           lon=116.401, lat=39.901))
    clock.advance(minutes=6)
    seat = QWidget()
    alerts = AlertsPanel(app)
    alerts.monitor.sound.enabled = False
    after = QLineEdit()
    layout = QVBoxLayout(seat)
    layout.addWidget(alerts)
    layout.addWidget(after)
    _shown(qtbot, app, seat)
    qtbot.waitUntil(lambda: alerts.model.rowCount() == 3, timeout=10000)
    alerts.table.setFocus()
    alerts.table.setCurrentIndex(alerts.model.index(0, 0))
    assert _tab(qtbot) is after
    app.runner.wait(10000)


def test_a_panels_shortcut_puts_the_keyboard_in_its_list(qtbot, chief_app, clock):
    """F2, F3, F4, Ctrl+Shift+R and Ctrl+Shift+P brought the panel forward with the focus on the
    panel itself, where the arrows did nothing: the officer had to Tab into the list first."""
    from precinct_console.ui.panels import PANELS

    _crewed_shift(chief_app.ctx, datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ))
    specs = [s for s in PANELS if s.key in ("board", "units", "alerts", "roster", "allocation")]
    window = MainWindow(chief_app, specs)
    _shown(qtbot, chief_app, window)
    board, units, alerts, roster_panel, plans = (
        window.panel_widgets[k] for k in ("board", "units", "alerts", "roster", "allocation"))
    qtbot.waitUntil(lambda: units.model.rowCount() == 2, timeout=10000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    none = Qt.KeyboardModifier.NoModifier
    for key, modifiers, table in ((Qt.Key.Key_F3, none, units.table),
                                  (Qt.Key.Key_F2, none, board.table),
                                  (Qt.Key.Key_F4, none, alerts.table),
                                  (Qt.Key.Key_R, ctrl_shift, roster_panel.table),
                                  (Qt.Key.Key_P, ctrl_shift, plans.plans)):
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)
        assert QApplication.focusWidget() is table
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F3)
    qtbot.keyClick(units.table, Qt.Key.Key_Down)
    assert units.current_unit() is not None
    _settle(qtbot, chief_app)


def test_enter_on_a_unit_in_the_units_dialog_edits_it(qtbot, chief_app, monkeypatch):
    """Enter on a unit pressed the dialog's first button, Add…: the chief got an empty form for
    a new unit where he meant to change the one he had picked. Enter edits it, as a double
    click does."""
    from precinct_console.ui.roster import units_dialog
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    for i in range(3):
        unit_roll.add_unit(chief_app.ctx, f"巡逻{i}车", "car", 116.39, 39.90)
    forms = []
    monkeypatch.setattr(units_dialog, "submit_form", lambda dlg, *_a, **_k: forms.append(dlg))
    dialog = _shown(qtbot, chief_app, UnitsDialog(chief_app, []))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10000)
    dialog.table.setFocus()
    dialog.table.selectRow(1)
    picked = dialog.table.item(1, 0).text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert [f.windowTitle() for f in forms] == [f"Edit unit {picked}"]


def test_enter_on_a_violation_takes_the_keyboard_to_its_cell(qtbot, chief_app, clock, monkeypatch):
    """Enter on a violation showed its cell but left the keyboard in the list: Enter again did
    nothing to the cell. The calendar takes the keyboard there, and Enter assigns."""
    friday = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    roster.add_shift(chief_app.ctx, "白班", friday, friday + timedelta(hours=8), min_staff=1)
    officer = roster.add_officer(chief_app.ctx, "031009", "王芳")
    roster.add_absence(chief_app.ctx, officer.id, "leave", friday - timedelta(days=1),
                       friday + timedelta(days=1))
    shift = roster.roster_view(chief_app.ctx, friday.date(), friday.date()).shifts[0]
    roster.assign(chief_app.ctx, shift.id, officer.id)  # on leave that day: a violation
    panel = _shown(qtbot, chief_app, RosterPanel(chief_app))
    opened = []
    monkeypatch.setattr(panel, "_open", lambda dlg, _send: opened.append(dlg))
    assert panel.problems.count() >= 1
    panel.problems.setFocus()
    panel.problems.setCurrentRow(0)
    qtbot.keyClick(panel.problems, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is panel.table
    assert panel.model.day_at(panel.table.currentIndex().column()) == friday.date()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert [d.windowTitle() for d in opened] == ["Assign 王芳"]


def test_tab_does_not_stop_on_the_replays_charts(qtbot, chief_app):
    """Tab went from Replay onto its two charts, where nothing answers a key and nothing showed
    where the focus was: the keyboard seemed lost for two presses."""
    from precinct_console.ui.allocation.replay_view import ReplayCompare

    replay = _shown(qtbot, chief_app, ReplayCompare(chief_app))
    replay.run_btn.setFocus()
    assert _tab(qtbot) is replay.plan_a  # round again to the first control, past the charts


def test_the_calendars_cell_stays_when_another_seat_adds_an_officer(qtbot, chief_app, clock):
    """An officer added at another seat rebuilt the calendar, and the chief's cell was gone: the
    next arrow started again from the top-left corner and Enter assigned nobody."""
    from precinct_console.domain.changes import Change, ChangeItem

    friday = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    _crewed_shift(chief_app.ctx, friday)
    panel = _shown(qtbot, chief_app, RosterPanel(chief_app))
    rows = {r.label.split()[1]: i for i, r in enumerate(panel.model.rows)}
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(rows["李强"], panel.model.days.index(friday.date())))
    added = roster.add_officer(chief_app.ctx, "031000", "陈静")  # sorts first, moving the rows
    chief_app.announce(Change((ChangeItem("officer", added.id, "created"),)))
    qtbot.waitUntil(lambda: len(panel.model.rows) == 3, timeout=10000)
    here = panel.table.currentIndex()
    assert here.isValid() and panel.model.rows[here.row()].officer_id != added.id
    assert "李强" in panel.model.rows[here.row()].label
    assert panel.model.day_at(here.column()) == friday.date()
    assert QApplication.focusWidget() is panel.table


def test_the_leave_button_opens_on_the_officer_and_day_of_the_calendars_cell(qtbot, chief_app, monkeypatch):
    """Leave / training… opened on the first officer of the list and the week's Monday whatever
    cell the chief was on; a keyboard without a menu key had no way to the cell's own form."""
    friday = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    _crewed_shift(chief_app.ctx, friday)
    panel = _shown(qtbot, chief_app, RosterPanel(chief_app))
    forms = []
    monkeypatch.setattr(panel, "_open", lambda dlg, _send: forms.append(dlg))
    rows = {r.label.split()[1]: i for i, r in enumerate(panel.model.rows)}
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(rows["李强"], panel.model.days.index(friday.date())))
    panel.absence_btn.setFocus()
    qtbot.keyClick(panel.absence_btn, Qt.Key.Key_Space)
    assert len(forms) == 1
    assert forms[0].officer.currentText().startswith("李强")
    assert forms[0].first.date().toPython() == friday.date() == forms[0].last.date().toPython()


def test_tab_leaves_the_incidents_step_list(qtbot, make_ctx):
    """The board is the window's front panel: Tab from the incident list into the detail's list
    of steps stayed there, going round its cells, and never reached the next panel."""
    from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
    from precinct_console.ui.board.panel import BoardPanel

    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="解放路12号", lon=116.401, lat=39.901))
    seat = QWidget()
    board = BoardPanel(app)
    after = QLineEdit()
    layout = QVBoxLayout(seat)
    layout.addWidget(board)
    layout.addWidget(after)
    seat.resize(1500, 800)
    _shown(qtbot, app, seat)
    qtbot.waitUntil(lambda: board.state.is_loaded, timeout=10000)
    board.select_incident(inc.id)
    steps = board.detail.history
    qtbot.waitUntil(lambda: steps.rowCount() >= 1, timeout=10000)
    steps.setFocus()
    steps.setCurrentCell(0, 0)
    assert _tab(qtbot) is not steps
    app.runner.wait(10000)


def test_the_windows_tab_round_stops_on_every_control_of_the_panels_on_screen(qtbot, chief_app):
    """With each panel's list as its focus proxy (for F2, F3, F4), Tab jumped from the tab bar
    past the board's filter straight to its list, and from the unit board past Acknowledge: every
    control of the panels on screen is on the round, once."""
    from precinct_console.ui.panels import PANELS

    window = MainWindow(chief_app, [s for s in PANELS if s.key in ("board", "units", "alerts")])
    _shown(qtbot, chief_app, window)
    board, alerts = window.panel_widgets["board"], window.panel_widgets["alerts"]
    qtbot.keyClick(window, Qt.Key.Key_F2)
    start, seen = QApplication.focusWidget(), []
    while len(seen) < 60 and (not seen or seen[-1] is not start):
        seen.append(_tab(qtbot))
    assert seen[-1] is start
    assert board.text in seen and alerts.ack in seen and alerts.table in seen
    assert all(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in seen)


def test_tab_reaches_withdraw_in_the_list_of_patrols(qtbot, clock):
    """Shift+P's list of patrols: Tab went round the records' cells and never reached Withdraw…"""
    from precinct_console.services.patrols import PatrolRecord
    from precinct_console.ui.units.patrol_dialog import PatrolListDialog

    records = [PatrolRecord(i, clock() - timedelta(hours=3), clock(), "巡逻一车", "东片巡区",
                            "张伟", "", 3, 1, 0, 0, "正常") for i in (1, 2)]
    dialog = PatrolListDialog(records, lambda _r, _why: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.table.setFocus()
    dialog.table.setCurrentCell(0, 0)
    assert _tab(qtbot) is dialog.withdraw_button


def test_tab_leaves_the_forecast_accuracy_table(qtbot, chief_app):
    from PySide6.QtWidgets import QTableWidgetItem

    from precinct_console.ui.allocation.forecast_view import ForecastAccuracy

    view = _shown(qtbot, chief_app, ForecastAccuracy(chief_app))
    view.table.setRowCount(2)  # as a check fills it: a week a row
    for r in range(2):
        for c in range(6):
            view.table.setItem(r, c, QTableWidgetItem("1"))
    view.table.setFocus()
    view.table.setCurrentCell(0, 0)
    assert _tab(qtbot) is not view.table


def test_f11_leaves_the_keyboard_on_the_calendars_cell_both_ways(qtbot, chief_app, clock):
    """F11 moved the keyboard from the calendar's cell onto the roster panel itself, where the
    arrows and Enter did nothing, and F11 again left no focus anywhere in the window."""
    from precinct_console.ui.panels import PANELS

    friday = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    _crewed_shift(chief_app.ctx, friday)
    window = MainWindow(chief_app, [s for s in PANELS if s.key in ("units", "roster", "allocation")])
    _shown(qtbot, chief_app, window)
    qtbot.keyClick(window, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    calendar = window.panel_widgets["roster"].table
    calendar.setCurrentIndex(calendar.model().index(1, 4))
    for filled in (True, False):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
        assert window.fill_action.isChecked() is filled
        assert QApplication.focusWidget() is calendar
        assert (calendar.currentIndex().row(), calendar.currentIndex().column()) == (1, 4)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)  # the unit board's list keeps it
    assert QApplication.focusWidget() is window.panel_widgets["units"].table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
    _settle(qtbot, chief_app)
