"""The board at the default window size: the columns a duty officer reads are in view."""

from __future__ import annotations

import pytest

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.ui import panels as panels_mod
from precinct_console.ui.context import AppContext
from precinct_console.ui.main_window import ALERT_DOCK_WIDTH, MainWindow

pytestmark = [pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
              pytest.mark.qt_log_ignore("This plugin does not support")]

NEEDED = ("number", "age", "timer:", "priority", "category", "status", "address")


def test_at_1600x1000_the_board_shows_number_to_address_without_scrolling(qtbot, make_ctx, monkeypatch):
    app = AppContext(make_ctx(Role.DUTY_OFFICER, "duty1"), Settings())
    for n in range(40):  # a busy night: enough rows for the vertical scroll bar to take its width
        intake_incident(app.ctx, IncidentDraft(
            channel="110", category_code="0601", address=f"北关街{n}号新城宿舍三期4号楼1单元",
            lon=116.401, lat=39.901))
    # The board, the alert list beside it and the unit board below, where the first start puts them.
    specs = [p for p in panels_mod.PANELS if p.key in ("board", "alerts", "units")]
    monkeypatch.setattr(panels_mod, "PANELS", specs)
    window = MainWindow(app, specs)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    alerts = window.docks["alerts"]
    qtbot.waitUntil(lambda: abs(alerts.width() - ALERT_DOCK_WIDTH) <= 12, timeout=5000)
    board = window.panel_widgets["board"]
    qtbot.waitUntil(lambda: board.state.is_loaded and board.model.rowCount() == 40, timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(50)
    table = board.table
    assert table.verticalScrollBar().isVisible()
    viewport = table.viewport().width()
    assert table.horizontalScrollBar().value() == 0
    for i, column in enumerate(board.model.columns):
        if column.key.startswith(NEEDED):
            left = table.columnViewportPosition(i)
            assert left >= 0 and left + table.columnWidth(i) <= viewport, (column.key, left, viewport)
    status = next(i for i, c in enumerate(board.model.columns) if c.key == "status")
    header = table.horizontalHeader()
    assert header.sectionViewportPosition(status) + header.sectionSize(status) <= viewport
    # The address is read, not guessed at: it keeps a useful width in what is left.
    address = next(i for i, c in enumerate(board.model.columns) if c.key == "address")
    assert table.columnWidth(address) >= 120
    window.close()
    app.runner.wait(10000)
