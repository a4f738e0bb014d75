"""A unit due to set out for a timed duty: every duty seat hears it once, the list names the unit,
picking it shows the unit on the board, and Space acknowledges it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QItemSelectionModel, Qt

from precinct_console.config import Settings
from precinct_console.domain.clock import CHINA_TZ, local
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, units
from precinct_console.storage.models import Incident
from precinct_console.ui.alerts.monitor import alert_monitor
from precinct_console.ui.alerts.panel import AlertsPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.units.panel import UnitsPanel

from ..storage.test_duty_alerts import _gate_plan
from ..storage.test_roster_allocation import _town

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _seat(qtbot, ctx) -> tuple[AppContext, list[tuple[str, str]], list[str]]:
    app = AppContext(ctx, Settings())
    notes: list[tuple[str, str]] = []
    sounds: list[str] = []
    app.notified.connect(lambda text, level: notes.append((level, text)))
    monitor = alert_monitor(app)
    monitor.sound.play = sounds.append  # what the seat would play, without a sound device
    qtbot.waitUntil(lambda: monitor.state.is_loaded, timeout=10_000)
    app.runner.wait(10_000)
    qtbot.wait(50)
    return app, notes, sounds


def test_every_duty_seat_hears_a_crew_due_to_set_out_and_one_acknowledgement_clears_it(
        qtbot, db, station, clock, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF)
    _town(db, station, clock)
    with db.sessions() as s:  # the town's history, closed: only the duty can raise an alert
        s.execute(sa.update(Incident).values(closed_at=clock() - timedelta(hours=1)))
        s.commit()
    plan, duty = _gate_plan(chief, clock, ("16:30", "17:30"))
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    day = plan.starts_at.astimezone(CHINA_TZ).date()
    opens = datetime(day.year, day.month, day.day, 16, 30, tzinfo=CHINA_TZ)
    clock.now = opens
    [spot] = {r.id: r for r in units.list_units(chief)}[duty.unit_id].duty_list
    clock.now = spot.sets_out - units.SET_OUT_WARNING - timedelta(seconds=20)

    first, first_notes, first_sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    second, second_notes, second_sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER, username="seat2"))
    one, two = alert_monitor(first), alert_monitor(second)
    assert one.alerts == {} and first_sounds == [] and first_notes == []  # too early: nothing yet

    clock.advance(seconds=30)  # the next check: the reminder is due
    one.remind()
    qtbot.waitUntil(lambda: len(one.alerts) == 1, timeout=10_000)
    [alert] = one.alerts.values()
    assert alert.unit_id == duty.unit_id and alert.level == "near"
    leave = local(spot.sets_out).strftime("%H:%M")
    assert first_sounds == ["near"]
    assert ("warning", f"{duty.call_sign} must set out by {leave} for 16:30-17:30 学府路护学岗") in first_notes
    # The other seat's own check finds it raised already; the alert coming in sounds there too.
    two.remind()
    second.runner.wait(10_000)
    two.reload_alerts()
    qtbot.waitUntil(lambda: len(two.alerts) == 1, timeout=10_000)
    assert second_sounds == ["near"] and any(duty.call_sign in text for _l, text in second_notes)
    # Checked again, and the list read again: no second sound on either seat.
    one.remind()
    one.reload_alerts()
    first.runner.wait(10_000)
    qtbot.wait(50)
    assert first_sounds == ["near"]

    board = UnitsPanel(first)
    panel = AlertsPanel(first)
    qtbot.addWidget(board)
    qtbot.addWidget(panel)
    board.show()
    panel.show()
    qtbot.waitUntil(lambda: board.model.rowCount() == 2 and panel.model.rowCount() == 1, timeout=10_000)
    row = panel.model.index(0, 0)
    texts = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert texts[0] == "▲ set out" and texts[1] == duty.call_sign and texts[2] == f"{leave}前出发"
    assert texts[4] == "16:30-17:30 学府路护学岗"
    # Picking the alert makes the unit the board's current row (and centres it on the map).
    panel.table.selectionModel().setCurrentIndex(
        row, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert board.current_unit() is not None and board.current_unit().id == duty.unit_id
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: one.alerts == {} and panel.model.rowCount() == 0, timeout=10_000)
    first.runner.wait(10_000)
    second.runner.wait(10_000)
    # Three minutes into the duty its car reports from two kilometres off: a breach, heard and
    # named on the seat, at the head of the list.
    clock.now = opens + timedelta(minutes=3)
    units.update_unit_position(make_ctx(Role.DUTY_OFFICER), duty.unit_id, 116.43, 39.95, at=clock.now)
    one.remind()
    qtbot.waitUntil(lambda: len(one.alerts) == 1, timeout=10_000)
    assert first_sounds == ["near", "breach"]
    assert ("error", f"{duty.call_sign} is not at 16:30-17:30 学府路护学岗 (due there at 16:30) · 离岗 1.7 公里") in first_notes
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    assert panel.model.index(0, 0).data() == "✖ not there"
    assert panel.model.index(0, 2).data() == "16:30应到岗"
    # How far off comes first: the narrow column keeps the start of its text.
    assert panel.model.index(0, 4).data() == "离岗 1.7 公里 · 16:30-17:30 学府路护学岗"
    first.runner.wait(10_000)


def test_many_duty_alerts_at_once_are_summed_up_in_one_notice(qtbot, db, station, clock, make_ctx):
    """A seat signing in mid-morning may find six gates without their cars: one sound, one line."""
    from precinct_console.services.alerts import AlertView

    app, notes, sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    fresh = [AlertView(100 + n, None, f"巡0{n}", "07:00-08:00 实验小学护学岗", "", "duty_arrive",
                       "07:00应到岗", "breach", clock(), None, "", unit_id=n, due_at=clock())
             for n in range(1, 6)]
    alert_monitor(app)._sound_duties(fresh)
    assert sounds == ["breach"]
    assert notes == [("error", "5 units' timed duties need attention (巡01, 巡02, 巡03…); see the alert list")]
    alert_monitor(app)._sound_duties(fresh)  # heard once
    assert sounds == ["breach"] and len(notes) == 1
    app.runner.wait(10_000)


def test_the_board_shows_each_window_of_a_duty_with_the_crew_that_keeps_it(qtbot, db, station, clock, make_ctx):
    """Two plans in force send crews to the same gate: at 10:00 the standby car's row still names
    its window the next morning, which the day shift's plan (decided later, over by then) does
    not cover; the day car's row names the window it kept this morning while it lasted."""
    from ..storage.test_duty_alerts import _standby_over_the_day_shift

    patrol, patrol_duty, spare = _standby_over_the_day_shift(db, station, clock, make_ctx)
    clock.now = patrol.starts_at + timedelta(minutes=10)
    app = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1400, 300)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)

    def cell(unit_id: int) -> str:
        return panel.model.index(panel.model.position(unit_id), 6).data()

    assert cell(spare).endswith(" · 07:30-08:00 学府路护学岗")
    assert cell(patrol_duty.unit_id).endswith(" · 08:00-09:00 学府路护学岗")
    clock.advance(hours=2)
    app.tick.emit()
    assert cell(spare).endswith(" · 07:30-08:00 学府路护学岗")
    assert "学府路护学岗" not in cell(patrol_duty.unit_id)
    app.runner.wait(10_000)


def test_the_board_and_the_reminder_give_one_time_to_set_out_once_the_fix_goes_stale(
        qtbot, db, station, clock, make_ctx):
    """The car reported from further off than its point: the board says to set out by then, from
    where it is now, and the reminder agrees. Its terminal falls silent: five minutes on, with no
    new row read, the board times the duty from the car's point and says its position is not
    live, and the reminder in the list is moved to the same time."""
    from precinct_console.services import alerts
    from precinct_console.services.duty_alerts import raise_duty_alerts

    from ..storage.test_duty_alerts import _far_fix_going_stale, _gate_on_the_town

    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("17:00", "18:00"))
    live, planned, stale_from = _far_fix_going_stale(chief, duty_officer, clock, duty, opens)
    app = AppContext(duty_officer, Settings())
    panel = UnitsPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1500, 260)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)

    def cell(column: int) -> str:
        return panel.model.index(panel.model.position(duty.unit_id), column).data()

    [alert] = raise_duty_alerts(duty_officer, clock.now)
    leave = local(live.sets_out).strftime("%H:%M")
    assert alert.target_label == f"{leave}前出发"
    assert cell(6).startswith(f"Set out by {leave} for 学府路护学岗 (from where it is now) · ")
    clock.now = stale_from + timedelta(seconds=30)
    app.tick.emit()
    leave = local(planned).strftime("%H:%M")
    assert cell(6).startswith(f"Set out by {leave} for 学府路护学岗 (from its patrol point: no live position) · ")
    assert cell(7).startswith("▲ last fix")
    raise_duty_alerts(duty_officer, clock.now)
    [waiting] = alerts.list_alerts(duty_officer)
    assert waiting.target_label == f"{leave}前出发"
    app.runner.wait(10_000)


def test_a_roll_call_finding_the_crew_there_takes_its_set_out_at_once_reminder_off_the_list(
        qtbot, db, station, clock, make_ctx):
    """A crew ordered at 16:40 to the gate's 16:30 duty is told 立即出发; V on its row when the
    radio says it is there takes the reminder off the duty officer's list, with no Space."""
    chief = make_ctx(Role.STATION_CHIEF)
    _town(db, station, clock)
    with db.sessions() as s:  # the town's history, closed: only the duty can raise an alert
        s.execute(sa.update(Incident).values(closed_at=clock() - timedelta(hours=1)))
        s.commit()
    plan, duty = _gate_plan(chief, clock, ("16:30", "17:30"))
    day = plan.starts_at.astimezone(CHINA_TZ).date()
    clock.now = datetime(day.year, day.month, day.day, 16, 40, tzinfo=CHINA_TZ)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    clock.advance(seconds=20)
    app, notes, _sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    monitor = alert_monitor(app)
    monitor.remind()
    qtbot.waitUntil(lambda: len(monitor.alerts) == 1, timeout=10_000)
    board, panel = UnitsPanel(app), AlertsPanel(app)
    qtbot.addWidget(board)
    qtbot.addWidget(panel)
    board.show()
    panel.show()
    qtbot.waitUntil(lambda: board.model.rowCount() == 2 and panel.model.rowCount() == 1, timeout=10_000)
    assert panel.model.index(0, 2).data() == "立即出发"
    clock.advance(minutes=5)
    board.table.selectRow(board.model.position(duty.unit_id))
    board.call_roll(True)  # V on the crew's row (two windows here: the key goes to the active one)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0 and monitor.alerts == {}, timeout=10_000)
    assert ("info", f"Roll call: {duty.call_sign} at 16:30-17:30 学府路护学岗") in notes
    app.runner.wait(10_000)
