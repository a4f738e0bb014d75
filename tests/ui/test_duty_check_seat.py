"""The seat whose own check judges a timed duty shows what it found: the unit board and the
breach in the alert list follow the check as the crew turns up late, with no other change."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import local
from precinct_console.domain.permissions import Role
from precinct_console.services import units
from precinct_console.storage.models import Incident
from precinct_console.ui.alerts.monitor import alert_monitor
from precinct_console.ui.alerts.panel import AlertsPanel
from precinct_console.ui.units.panel import UnitsPanel

from ..storage.test_duty_alerts import _gate_on_the_town
from .test_duty_alert_seats import _seat

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_the_checking_seat_shows_a_late_crew_on_its_board_and_in_its_alert(qtbot, db, station, clock,
                                                                            make_ctx):
    _chief, officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    with db.sessions() as s:  # the town's history, closed: only the duty can raise an alert
        s.execute(sa.update(Incident).values(closed_at=clock() - timedelta(hours=1)))
        s.commit()
    clock.now = opens + timedelta(minutes=3)
    # The car reports from two kilometres off as the check comes round: a breach.
    units.update_unit_position(officer, duty.unit_id, 116.43, 39.95, at=clock.now)
    seat, _notes, _sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    monitor = alert_monitor(seat)
    monitor.sound.enabled = False
    monitor.remind()
    qtbot.waitUntil(lambda: len(monitor.alerts) == 1, timeout=10_000)
    board, panel = UnitsPanel(seat), AlertsPanel(seat)  # opened on the breach
    for w in (board, panel):
        qtbot.addWidget(w)
        w.show()
    qtbot.waitUntil(lambda: board.model.rowCount() == 2 and panel.model.rowCount() == 1,
                    timeout=10_000)
    order = [c.key for c in board.model.columns].index("order")

    def order_cell() -> str:
        return str(board.model.index(board.model.position(duty.unit_id), order).data())

    qtbot.waitUntil(lambda: order_cell().startswith("✖"), timeout=10_000)
    # Seven minutes in, the crew is at the gate; the position comes from its terminal (no
    # change this seat announces), then this seat's check finds it there.
    clock.now = opens + timedelta(minutes=7)
    units.update_unit_position(officer, duty.unit_id, 116.45, 39.95, at=clock.now)
    clock.advance(seconds=30)
    monitor.remind()
    arrived = local(clock.now).strftime("%H:%M")
    qtbot.waitUntil(lambda: order_cell().startswith(f"✔ at the duty since {arrived} (late)"),
                    timeout=10_000)
    qtbot.waitUntil(lambda: f"{arrived} 到岗，迟到 7 分钟" in str(panel.model.index(0, 4).data()),
                    timeout=10_000)
    seat.runner.wait(10_000)


def test_a_round_asked_for_while_one_is_out_runs_after_it(qtbot, db, station, clock, make_ctx,
                                                           monkeypatch):
    """The tick's round may have read the positions just before the one asked for (a plan
    accepted, a crew reporting in): the second request is kept, not dropped."""
    import precinct_console.ui.alerts.monitor as monitor_module

    rounds = []
    real = monitor_module.check_timed_duties

    def counted(ctx, now=None):
        rounds.append(now)
        return real(ctx, now)

    monkeypatch.setattr(monitor_module, "check_timed_duties", counted)
    seat, _notes, _sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    monitor = alert_monitor(seat)
    qtbot.waitUntil(lambda: not monitor._reminding, timeout=10_000)
    before = len(rounds)
    monitor.remind()
    monitor.remind()  # while the first is out
    monitor.remind()  # asked again: still one more round, not two
    qtbot.waitUntil(lambda: len(rounds) == before + 2 and not monitor._reminding, timeout=10_000)
    seat.runner.wait(10_000)
    qtbot.wait(50)
    assert len(rounds) == before + 2


def test_a_seat_acknowledging_a_breach_and_its_near_alert_together_is_not_refused(
        qtbot, db, station, clock, make_ctx):
    """Both rows picked (or every alert of a call): the near one goes first, so the breach,
    which acknowledges its timer's near alert, does not meet it as 'already acknowledged'."""
    from precinct_console.services import alerts
    from precinct_console.services import incidents as inc

    officer = make_ctx(Role.DUTY_OFFICER)
    inc.intake_incident(officer, inc.IncidentDraft(channel="110", category_code="0202",
                                                   address="城关路12号"))
    clock.advance(seconds=50)
    [near] = alerts.evaluate_alerts(officer)
    clock.advance(seconds=11)
    [breach] = alerts.evaluate_alerts(officer)
    seat, notes, _sounds = _seat(qtbot, make_ctx(Role.DUTY_OFFICER))
    monitor = alert_monitor(seat)
    monitor.reload_alerts()
    qtbot.waitUntil(lambda: list(monitor.alerts) == [breach.id], timeout=10_000)  # near hidden
    acknowledged = []
    monitor.acknowledge([breach.id, near.id], on_done=acknowledged.extend)
    qtbot.waitUntil(lambda: len(acknowledged) == 2, timeout=10_000)
    seat.runner.wait(10_000)
    assert [level for level, _text in notes if level == "error"] == []
    assert alerts.list_alerts(officer) == []
