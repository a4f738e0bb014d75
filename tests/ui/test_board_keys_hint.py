"""The board's key hint line names every key the board takes, and shows whole on a 1366x768 seat."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.ui import panels as panels_mod
from precinct_console.ui.board.panel import BoardPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.main_window import MainWindow

pytestmark = [pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
              pytest.mark.qt_log_ignore("This plugin does not support")]


def _read(text: str) -> str:
    """As read: the no-break spaces and word joiners that keep a key with its word are spaces and nothing."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def _keys(panel: BoardPanel) -> set[str]:
    """Every key sequence the board's actions answer to, as the hint writes keys."""
    native = QKeySequence.SequenceFormat.NativeText
    return {k.toString(native) for owner in (panel, panel.table) for action in owner.actions()
            for k in action.shortcuts()}


def test_the_hint_names_every_key_the_board_takes(qtbot, make_ctx):
    app = AppContext(make_ctx(Role.DUTY_OFFICER, "duty1"), Settings())
    panel = BoardPanel(app)
    qtbot.addWidget(panel)
    hint = _read(panel.detail.facts.text())
    keys = _keys(panel)
    assert {"N", "Shift+D", "Space", "D", "Ctrl+R", "Ctrl+F"} <= keys
    missing = sorted(k for k in keys if f"{k} " not in hint and f"{k}/" not in hint)
    assert missing == [], hint
    assert "N note" in hint and "Shift+D reinforcement" in hint and "Space acknowledge" in hint
    app.runner.wait(10000)


def test_the_hint_shows_whole_beside_the_alerts_at_1366_in_chinese(zh_cn, qtbot, make_ctx, monkeypatch):
    app = AppContext(make_ctx(Role.DUTY_OFFICER, "duty1"), Settings())
    specs = [p for p in panels_mod.PANELS if p.key in ("board", "alerts", "units")]
    monkeypatch.setattr(panels_mod, "PANELS", specs)
    window = MainWindow(app, specs)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    board = window.panel_widgets["board"]
    qtbot.waitUntil(lambda: board.state.is_loaded, timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(100)
    facts, viewport = board.detail.facts, board.detail_scroll.viewport()
    assert "空格" in _read(facts.text())  # the keys in Chinese too
    # Wrapped in full (not cut off at the label's height) and inside the pane without scrolling.
    assert facts.height() >= facts.heightForWidth(facts.width())
    top = facts.mapTo(viewport, QPoint(0, 0))
    assert top.y() >= 0 and top.y() + facts.height() <= viewport.height()
    assert top.x() >= 0 and top.x() + facts.width() <= viewport.width()
    assert board.detail_scroll.verticalScrollBar().value() == 0
    window.close()
    app.runner.wait(10000)


def test_a_key_for_an_incident_with_none_highlighted_says_to_select_one(qtbot, make_ctx):
    app = AppContext(make_ctx(Role.DUTY_OFFICER, "duty1"), Settings())
    panel = BoardPanel(app)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.state.is_loaded, timeout=10000)
    panel.table.setFocus()
    said = []
    app.notified.connect(lambda text, level: said.append((text, level)))
    for key, modifier in ((Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier),
                          *((k, Qt.KeyboardModifier.NoModifier) for k in (
                              Qt.Key.Key_S, Qt.Key.Key_O, Qt.Key.Key_A, Qt.Key.Key_H, Qt.Key.Key_F,
                              Qt.Key.Key_C, Qt.Key.Key_E, Qt.Key.Key_N, Qt.Key.Key_Space))):
        said.clear()
        qtbot.keyClick(panel.table, key, modifier)
        assert said == [("Select an incident first", "warning")], (key, modifier)
    app.runner.wait(10000)
