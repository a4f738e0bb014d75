"""The roster's 花名册 button as a chief uses it: preview, import, problems, another seat, template."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services import roster
from precinct_console.services.roster_file import TEMPLATE_HEADERS
from precinct_console.ui.context import AppContext
from precinct_console.ui.roster.panel import RosterPanel
from precinct_console.ui.roster.roll_import import RollImportDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

HEADER = ["序号", "警号", "姓名", "人员类别", "班组", "联系电话", "驾照", "性别"]


@pytest.fixture
def chief_app(make_ctx):
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _roll(path, rows):
    wb = Workbook()
    wb.active.append(HEADER)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _panel(qtbot, app) -> RosterPanel:
    panel = RosterPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1366, 700)
    panel.show()
    _settle(qtbot, app)
    return panel


def _preview(qtbot, app, panel, path) -> RollImportDialog:
    panel.staff_list_btn.preview_file(path)
    _settle(qtbot, app)
    dlg = panel.staff_list_btn.dialog
    assert dlg is not None and dlg.isVisible()
    return dlg


def test_the_preview_names_new_changed_and_kept_officers_then_import_saves_them(
        qtbot, chief_app, tmp_path):
    roster.add_officer(chief_app.ctx, "010001", "张伟", phone="13800138000")
    roster.add_officer(chief_app.ctx, "010009", "孙九")
    panel = _panel(qtbot, chief_app)
    path = _roll(tmp_path / "花名册.xlsx", [[1, "010001", "张伟", "民警", "一组", "13900000000", "C1", "男"],
                                          [2, "FJ0001", "王强", "辅警", "一组", "", "", "男"]])
    dlg = _preview(qtbot, chief_app, panel, path)
    assert dlg.summary.text() == "1 new, 1 changed, 0 unchanged"
    text = dlg.body.toPlainText()
    assert "Phone: 13800138000 → 13900000000" in text and "Team: (empty) → 一组" in text
    assert "FJ0001" in text and "王强" in text
    # The chief is told who the file leaves out, and that they stay on the roll.
    assert "1 officer(s) on the roll are not in the file: they are not removed" in text
    assert "孙九（010009）" in text
    assert "Columns not imported (the console keeps nothing of them): 序号、性别" in text
    assert dlg.import_btn.isEnabled() and dlg.import_btn.isDefault()
    dlg.import_btn.click()
    _settle(qtbot, chief_app)
    officers = {o.badge: o for o in roster.list_officers(chief_app.ctx)}
    assert sorted(officers) == ["010001", "010009", "FJ0001"]
    assert officers["010001"].phone == "13900000000" and officers["FJ0001"].kind == "auxiliary"
    # The calendar reads the roll again at once: the new auxiliary has a row.
    assert any("王强" in r.label for r in panel.model.rows)


def test_a_file_with_problems_lists_each_by_row_and_column_and_cannot_be_imported(
        qtbot, chief_app, tmp_path):
    panel = _panel(qtbot, chief_app)
    path = _roll(tmp_path / "bad.xlsx", [[1, "010001", "张伟", "民警", "", "139abc", "", ""],
                                         [2, "010002", "", "军人", "", "", "Q", ""]])
    dlg = _preview(qtbot, chief_app, panel, path)
    assert not dlg.import_btn.isEnabled() and not dlg.import_btn.isDefault()
    assert "4 problem(s)" in dlg.summary.text()
    text = dlg.body.toPlainText()
    for line in ("row 2, field '联系电话': '139abc' is not a phone number",
                 "row 3, field '姓名': must not be empty",
                 "row 3, field '人员类别': '军人' is not 民警 or 辅警",
                 "row 3, field '驾照': 'Q' is not a licence class"):
        assert line in text
    dlg.reject()
    assert roster.list_officers(chief_app.ctx) == []


def test_a_badge_added_at_another_seat_meanwhile_shows_the_preview_again_saying_so(
        qtbot, chief_app, make_ctx, tmp_path):
    panel = _panel(qtbot, chief_app)
    path = _roll(tmp_path / "a.xlsx", [[1, "010001", "张伟", "民警", "一组", "", "", ""]])
    dlg = _preview(qtbot, chief_app, panel, path)
    roster.add_officer(make_ctx(Role.STATION_CHIEF, "chief2"), "010001", "张伟")
    dlg.import_btn.click()
    _settle(qtbot, chief_app)
    again = panel.staff_list_btn.dialog
    assert again is not dlg and again.isVisible()
    assert "another seat since the preview; nothing was imported" in again.error.text()
    assert again.summary.text() == "0 new, 1 changed, 0 unchanged"  # its team, from the file
    assert len(roster.list_officers(chief_app.ctx)) == 1


def test_the_blank_template_is_saved_as_xlsx_and_the_button_is_the_chiefs_alone(
        qtbot, chief_app, make_ctx, tmp_path):
    panel = _panel(qtbot, chief_app)
    button = panel.staff_list_btn
    assert [a.text() for a in button.menu().actions()] == ["Import from Excel or CSV…",
                                                           "Save a blank template…"]
    button.save_template(tmp_path / "模板")
    _settle(qtbot, chief_app)
    ws = load_workbook(tmp_path / "模板.xlsx").active
    assert tuple(c.value for c in ws[1]) == TEMPLATE_HEADERS
    duty = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    try:
        assert not _panel(qtbot, duty).staff_list_btn.isVisibleTo(panel)
    finally:
        duty.runner.wait(20000)


def test_tab_reaches_the_staff_list_button_and_space_opens_its_menu(qtbot, chief_app):
    panel = _panel(qtbot, chief_app)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    panel.officer_btn.setFocus()
    qtbot.keyClick(panel.officer_btn, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.staff_list_btn
    shown = []
    panel.staff_list_btn.menu().aboutToShow.connect(lambda: shown.append(True))
    qtbot.keyClick(panel.staff_list_btn, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: shown == [True], timeout=3000)
    panel.staff_list_btn.menu().close()
