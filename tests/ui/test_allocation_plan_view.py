"""The allocation panel as the chief reads a plan: the list's columns fit the plans it gains,
an edited point's kind and figures follow the edit before he accepts, shifts are named cleanly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services import roster, unit_roll
from precinct_console.ui.allocation.panel import AllocationPanel
from precinct_console.ui.context import AppContext


@pytest.fixture
def chief_app(make_ctx, allocation_town):
    allocation_town()
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _shift(ctx, clock, name: str, team: str = "", n: int = 2, first: int = 1) -> int:
    """A shift starting in an hour with n crewed cars (巡0<first>…)."""
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(ctx, name, start, start + timedelta(hours=8), team=team)
    for i in range(first, first + n):
        uid = unit_roll.add_unit(ctx, f"巡0{i}", "car", 116.39 + 0.003 * i, 39.90)
        o = roster.add_officer(ctx, f"03100{i}", f"民警{i}")
        roster.assign(ctx, sh.id, o.id, unit_id=uid)
    return sh.id


def _panel(qtbot, app) -> AllocationPanel:
    panel = AllocationPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1600, 1000)
    panel.show()
    _settle(qtbot, app)
    panel.limit.setValue(5)
    return panel


def _propose(qtbot, panel, app, shift_id):
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(shift_id))
    _settle(qtbot, app)
    qtbot.mouseClick(panel.propose_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.propose_btn.isEnabled, timeout=60000)
    _settle(qtbot, app)


def test_the_plan_lists_columns_widen_for_a_new_plans_longer_words(qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班")
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    standby = _shift(chief_app.ctx, clock, "所部备勤（白班加强）", first=3)
    _settle(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, standby)
    assert panel.model.rowCount() == 2
    for c in range(panel.model.columnCount() - 1):  # the last column stretches
        assert panel.plans.columnWidth(c) >= panel.plans.sizeHintForColumn(c), c
