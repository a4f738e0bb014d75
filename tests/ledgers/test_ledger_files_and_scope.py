"""Export file names and scope: a district's ledger has its own name, nothing is overwritten
unasked, and the station-wide ledgers (duty, patrol) are never titled as one district."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from precinct_console.config import Settings
from precinct_console.domain.errors import ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services.exports import default_filename, export_ledger
from precinct_console.services.ledgers.periods import week_of
from precinct_console.ui.context import AppContext
from precinct_console.ui.ledgers.panel import LedgerExportPanel

from .test_ledgers import WEEK, sheet_rows


def make_panel(qtbot, ctx, tmp_path) -> LedgerExportPanel:
    app = AppContext(ctx, Settings(export_folder=str(tmp_path / "exports")))
    panel = LedgerExportPanel(app)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10_000)
    panel.first.setDate(date(2026, 11, 18))
    return panel


def export_and_wait(qtbot, panel: LedgerExportPanel) -> None:
    panel.start_export()
    qtbot.waitUntil(lambda: panel._cancel is None, timeout=20_000)


def recent_paths(panel: LedgerExportPanel) -> list[str]:
    return [panel.recent.item(i).data(0x0100) for i in range(panel.recent.count())]


def test_default_file_name_names_the_district():
    week = week_of(date(2026, 11, 18))
    assert default_filename("incidents", week, "S01") == "S01_警情台账_2026-W47.xlsx"
    assert default_filename("incidents", week, "S01", "南湖警务区") == "S01_警情台账_南湖警务区_2026-W47.xlsx"
    assert default_filename("incidents", week, "", 'a/b:c') == "警情台账_a_b_c_2026-W47.xlsx"


def test_the_file_name_follows_the_district(qtbot, seeded, make_ctx, tmp_path):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    whole = panel.path.text()
    assert whole.endswith("S01_警情台账_2026-W47.xlsx")
    panel.district.setCurrentIndex(panel.district.findText("第二警务区"))
    assert panel.path.text().endswith("S01_警情台账_第二警务区_2026-W47.xlsx")
    panel.district.setCurrentIndex(0)
    assert panel.path.text() == whole


def test_a_district_export_does_not_overwrite_the_stations(qtbot, seeded, make_ctx, tmp_path):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    asked: list[Path] = []
    panel._ask_overwrite = lambda path: asked.append(path) or "cancel"  # type: ignore[method-assign]
    export_and_wait(qtbot, panel)
    whole = Path(panel.path.text())
    panel.district.setCurrentIndex(panel.district.findText("第二警务区"))
    export_and_wait(qtbot, panel)
    district = Path(panel.path.text())
    assert whole != district and not asked
    assert "第二警务区" not in sheet_rows(whole)[0][0] and len(sheet_rows(whole)) - 4 == 7  # all 7 of the week
    assert "第二警务区" in sheet_rows(district)[0][0]
    assert recent_paths(panel) == [str(district), str(whole)]


def test_an_existing_file_is_replaced_or_kept_only_when_the_user_says(qtbot, seeded, make_ctx, tmp_path):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    answers = ["cancel", "keep", "replace"]
    asked: list[Path] = []

    def ask(path: Path) -> str:
        asked.append(path)
        return answers.pop(0)

    panel._ask_overwrite = ask  # type: ignore[method-assign]
    export_and_wait(qtbot, panel)
    target = Path(panel.path.text())
    first = target.stat().st_mtime_ns
    export_and_wait(qtbot, panel)  # cancelled (once the check answers): nothing runs, nothing written
    assert asked == [target] and panel._cancel is None and "already there" in panel.status.text()
    export_and_wait(qtbot, panel)  # keep both
    kept = target.with_name(target.stem + " (2).xlsx")
    assert kept.exists() and target.stat().st_mtime_ns == first
    assert str(kept) in panel.status.text()
    export_and_wait(qtbot, panel)  # replace
    assert len(asked) == 3 and not target.with_name(target.stem + " (3).xlsx").exists()
    # One entry per file, however often it was written.
    assert recent_paths(panel) == [str(target), str(kept)]


@pytest.mark.parametrize("ledger", ["duty", "patrol"])
def test_station_wide_ledgers_offer_no_district(qtbot, seeded, make_ctx, tmp_path, ledger):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    panel.district.setCurrentIndex(panel.district.findText("第二警务区"))
    panel.ledger.setCurrentIndex(panel.ledger.findData(ledger))
    assert not panel.district.isEnabled() and panel.district.currentData() is None
    assert "第二警务区" not in panel.path.text()
    export_and_wait(qtbot, panel)
    assert "第二警务区" not in sheet_rows(Path(panel.path.text()))[0][0]
    panel.ledger.setCurrentIndex(panel.ledger.findData("incidents"))
    assert panel.district.isEnabled()


@pytest.mark.parametrize("ledger", ["duty", "patrol"])
def test_the_service_refuses_a_district_for_station_wide_ledgers(seeded, make_ctx, tmp_path, ledger):
    out = tmp_path / f"{ledger}.xlsx"
    with pytest.raises(ValidationError, match="covers the whole station"):
        export_ledger(make_ctx(Role.CLERK), ledger, *WEEK, out, district_id=seeded.districts["D2"])
    assert not out.exists()
