"""The roster panel's export: the week or month on screen as the 排班表 workbook to print and post
(the `roster` ledger: audited, named as the export panel names it, into the export folder)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from ...services.exports import (
    ExportChoices,
    ExportResult,
    default_filename,
    export_choices,
    export_ledger,
)
from ...services.ledgers.periods import period_from
from ..board.guard import guarded
from ..context import AppContext

LEDGER = "roster"


class RosterExport(QObject):
    """Asks where to write the period's roster (the export folder's name for it offered), then
    writes it off the GUI thread and says where it went."""

    def __init__(self, app: AppContext, parent: QWidget):
        super().__init__(parent)
        self.app = app
        self.widget = parent

    def start(self, first: date, last: date) -> None:
        # The station's code names the file as the export panel and the schedule name theirs.
        self.app.run(export_choices, self.app.ctx,
                     on_done=guarded(self.widget, lambda choices: self._ask(choices, first, last)))

    def _ask(self, choices: ExportChoices, first: date, last: date) -> None:
        name = default_filename(LEDGER, period_from(first, last), choices.station_code)
        default = self.app.settings.resolved_export_folder / name
        path, _ = QFileDialog.getSaveFileName(self.widget, self.tr("Export the roster to"), str(default),
                                              self.tr("Excel workbook (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self.app.notify(self.tr("Writing the roster to %1…").replace("%1", path))
        self.app.run(export_ledger, self.app.ctx, LEDGER, first, last, Path(path),
                     on_done=guarded(self.widget, self._written))

    def _written(self, result: ExportResult) -> None:
        self.app.notify(self.tr("Roster %1 written to %2: open it in Excel, WPS or LibreOffice to print")
                        .replace("%1", result.period).replace("%2", str(result.path)))
