"""The roster panel writes the week or month on screen as the 排班表 to print (button or Ctrl+E)."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.services import roster
from precinct_console.ui.context import AppContext
from precinct_console.ui.roster import export as roster_export
from precinct_console.ui.roster.panel import RosterPanel


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


@pytest.fixture
def rostered(make_ctx):
    ctx = make_ctx(Role.STATION_CHIEF)
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8), min_staff=2)
    zhang = roster.add_officer(ctx, "031001", "张伟", team="一组", rank="三级警司")
    roster.assign(ctx, day.id, zhang.id)
    return ctx


def _panel(qtbot, ctx, tmp_path):
    app = AppContext(ctx, Settings(export_folder=str(tmp_path / "exports")))
    panel = RosterPanel(app)
    qtbot.addWidget(panel)
    _settle(qtbot, app)
    told: list[str] = []
    app.notified.connect(lambda text, _level: told.append(text))
    return app, panel, told


def test_the_chief_exports_the_week_on_screen_from_the_panel(qtbot, rostered, tmp_path, monkeypatch):
    app, panel, told = _panel(qtbot, rostered, tmp_path)
    asked: list[str] = []

    def save_as(_parent, _title, default, _filter):
        asked.append(default)
        return str(tmp_path / "本周排班"), ""  # typed without .xlsx

    monkeypatch.setattr(roster_export.QFileDialog, "getSaveFileName", save_as)
    assert panel.export_btn.isVisibleTo(panel)
    panel.export_btn.click()
    qtbot.waitUntil(lambda: (tmp_path / "本周排班.xlsx").exists(), timeout=20_000)
    _settle(qtbot, app)
    assert asked == [str(tmp_path / "exports" / "S01_排班表_2026-W47.xlsx")]
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "本周排班.xlsx").active.iter_rows()]
    assert rows[0][0] == "城关派出所 2026年第47周（11月16日至11月22日）排班表"
    assert rows[3][:3] == ["一组", "张伟", "三级警司"] and rows[3][7] == "白班巡逻"
    assert any(str(tmp_path / "本周排班.xlsx") in t and "2026年第47周" in t for t in told)


def test_ctrl_e_exports_the_month_when_the_month_is_shown(qtbot, rostered, tmp_path, monkeypatch):
    app, panel, _told = _panel(qtbot, rostered, tmp_path)
    panel.set_mode("month")
    _settle(qtbot, app)
    monkeypatch.setattr(roster_export.QFileDialog, "getSaveFileName",
                        lambda _p, _t, default, _f: (default, ""))
    panel.show()
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus, timeout=5000)
    qtbot.keyClick(panel.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    written = tmp_path / "exports" / "S01_排班表_2026-11.xlsx"
    qtbot.waitUntil(written.exists, timeout=20_000)
    _settle(qtbot, app)
    assert openpyxl.load_workbook(written).active.cell(1, 1).value == "城关派出所 2026年11月排班表"


def test_cancelling_the_file_choice_writes_nothing(qtbot, rostered, tmp_path, monkeypatch):
    app, panel, told = _panel(qtbot, rostered, tmp_path)
    monkeypatch.setattr(roster_export.QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    panel.export_btn.click()
    _settle(qtbot, app)
    assert not (tmp_path / "exports").exists() and told == []


def test_a_duty_officer_who_only_reads_the_roster_has_no_export(qtbot, rostered, make_ctx, tmp_path):
    _app, panel, _told = _panel(qtbot, make_ctx(Role.DUTY_OFFICER), tmp_path)
    assert not panel.export_btn.isVisibleTo(panel)
    assert not any(a.shortcut().toString() == "Ctrl+E" for a in panel.actions())
