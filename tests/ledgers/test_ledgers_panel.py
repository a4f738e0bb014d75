"""Export panel: exports through the worker with progress, offers unmasking only to allowed users."""

from __future__ import annotations

from datetime import date

from python_calamine import CalamineWorkbook

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.ui.context import AppContext
from precinct_console.ui.ledgers.panel import LedgerExportPanel


def make_panel(qtbot, ctx, tmp_path) -> LedgerExportPanel:
    app = AppContext(ctx, Settings(export_folder=str(tmp_path / "exports")))
    panel = LedgerExportPanel(app)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10_000)
    return panel


def test_panel_exports_the_chosen_week_off_the_gui_thread(qtbot, seeded, make_ctx, tmp_path):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    assert not panel.unmask.isVisibleTo(panel)  # this clerk may not see personal data
    panel.first.setDate(date(2026, 11, 18))  # any day of the week picks Monday..Sunday
    assert panel.path.text().endswith("S01_警情台账_2026-W47.xlsx")
    assert panel.period_label.text().startswith("week 47 of 2026 (2026-11-16 to 2026-11-22)")
    panel.district.setCurrentIndex(panel.district.findText("第二警务区"))
    panel.start_export()
    assert not panel.export_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.recent.count() == 1, timeout=20_000)
    assert panel.progress.value() == 100 and "Wrote 2 rows" in panel.status.text()
    rows = CalamineWorkbook.from_path(panel.path.text()).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[3:5]] == ["J20261117001", "J20261118001"]
    assert panel.export_button.isEnabled()


def test_unmask_is_offered_only_to_users_allowed_to_see_personal_data(qtbot, seeded, make_ctx, tmp_path):
    chief = make_panel(qtbot, make_ctx(Role.STATION_CHIEF), tmp_path)
    assert chief.unmask.isVisibleTo(chief)
    chief.ledger.setCurrentIndex(chief.ledger.findData("duty"))
    chief.period_kind.setCurrentIndex(chief.period_kind.findData("custom"))
    chief.first.setDate(date(2026, 11, 16))
    chief.last.setDate(date(2026, 11, 17))
    assert chief.path.text().endswith("S01_勤务台账_2026-11-16_2026-11-17.xlsx")
    chief.unmask.setChecked(True)
    chief.start_export()
    qtbot.waitUntil(lambda: chief.recent.count() == 1, timeout=20_000)
    assert "in full" in chief.status.text()
    rows = CalamineWorkbook.from_path(chief.path.text()).get_sheet_by_index(0).to_python()
    assert rows[3][12] == "13500001111"


def test_a_custom_range_ending_before_it_starts_cannot_be_exported(qtbot, seeded, make_ctx, tmp_path):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    panel.period_kind.setCurrentIndex(panel.period_kind.findData("custom"))
    panel.first.setDate(date(2026, 11, 20))
    panel.last.setDate(date(2026, 11, 10))
    assert not panel.export_button.isEnabled() and "before it starts" in panel.period_label.text()


def test_a_role_without_exports_gets_a_plain_explanation_not_an_error(qtbot, seeded, make_ctx, tmp_path):
    app = AppContext(make_ctx(Role.DUTY_OFFICER), Settings(export_folder=str(tmp_path)))
    errors: list[str] = []
    app.notified.connect(lambda text, level: errors.append(text) if level == "error" else None)
    panel = LedgerExportPanel(app)
    qtbot.addWidget(panel)
    qtbot.wait(200)
    assert not errors and "does not export ledgers" in panel.status.text()
    assert not panel.export_button.isEnabled() or not panel.export_button.parentWidget().isEnabled()


def test_files_already_in_the_export_folder_are_listed_newest_first(qtbot, seeded, make_ctx, tmp_path):
    """Scheduled runs write into station and period folders overnight; the clerk sees them on opening."""
    import os

    folder = tmp_path / "exports"
    older = folder / "S01" / "2026-W47" / "S01_警情台账_2026-W47.xlsx"
    newer = folder / "S01" / "2026-11-20" / "S01_警情台账_2026-11-20.xlsx"
    bulletin = folder / "S01" / "2026-W47" / "S01_警情周通报_2026-W47.html"
    for i, path in enumerate((older, bulletin, newer)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (1_790_000_000 + i * 60, 1_790_000_000 + i * 60))
    (folder / "S01" / "~$S01_警情台账_2026-W47.xlsx").write_bytes(b"lock")  # Excel's lock file
    (folder / "notes.txt").write_text("not an export")
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    qtbot.waitUntil(lambda: panel.recent.count() == 3, timeout=10_000)
    listed = [panel.recent.item(i).data(0x0100) for i in range(3)]
    assert listed == [str(newer), str(bulletin), str(older)]
    assert panel.recent.item(0).text().startswith("S01_警情台账_2026-11-20.xlsx  ·  ")
