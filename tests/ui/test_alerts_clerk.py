"""A clerk's seat shows the alerts the duty seats write, and never tries to write them itself."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services.alerts import evaluate_alerts
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.storage.models import Alert
from precinct_console.ui.alerts.monitor import alert_monitor
from precinct_console.ui.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def signed_in(qtbot, make_ctx, role: Role) -> tuple[AppContext, list[tuple[str, str]]]:
    app = AppContext(make_ctx(role), Settings())
    notes: list[tuple[str, str]] = []
    app.notified.connect(lambda text, level: notes.append((level, text)))
    monitor = alert_monitor(app)
    monitor.sound.enabled = False
    qtbot.waitUntil(lambda: monitor.state.is_loaded, timeout=10_000)
    app.runner.wait(10_000)
    qtbot.wait(50)
    return app, notes


def test_a_clerk_signing_in_gets_no_permission_error_and_writes_no_alerts(qtbot, make_ctx, clock, db):
    duty = make_ctx(Role.DUTY_OFFICER)
    intake_incident(duty, IncidentDraft(channel="110", category_code="0202", address="城关镇解放路12号",
                                        lon=116.401, lat=39.901))
    clock.advance(minutes=10)  # every timer of the incident has breached; no seat recorded it yet
    app, notes = signed_in(qtbot, make_ctx, Role.CLERK)
    monitor = alert_monitor(app)
    assert [n for n in notes if n[0] == "error"] == []
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0
    # What a duty seat records, the clerk's seat shows.
    raised = evaluate_alerts(duty, clock())
    assert raised
    monitor.reload_alerts()
    qtbot.waitUntil(lambda: len(monitor.alerts) == len(raised), timeout=10_000)
    app.runner.wait(10_000)


def test_a_duty_officers_seat_still_records_the_alerts(qtbot, make_ctx, clock, db):
    duty = make_ctx(Role.DUTY_OFFICER)
    intake_incident(duty, IncidentDraft(channel="110", category_code="0202", address="城关镇解放路12号",
                                        lon=116.401, lat=39.901))
    clock.advance(minutes=10)
    app, notes = signed_in(qtbot, make_ctx, Role.DUTY_OFFICER)
    assert [n for n in notes if n[0] == "error" and "may not" in n[1]] == []
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Alert)) > 0
    app.runner.wait(10_000)
