"""Searching all incidents, closed ones too, and reading their full history (reopen from here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...services.incidents.queries import get_incident, search_incidents
from ...services.incidents.steps import reopen_incident
from ...services.incidents.views import IncidentRow
from ..context import AppContext
from ..forms import Failed, TextDialog, open_within_screen, submit_form, try_again_over
from ..labels import incident_status
from .detail import DetailPane
from .guard import guarded
from .panel import NOTE_LIMIT
from .table import ROW_ROLE, Column, ThinTableModel

if TYPE_CHECKING:
    from .actions import BoardActions

def _columns() -> list[Column[IncidentRow]]:
    """Built when the dialog opens, so the titles come out in the installed language."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""

    return [
        Column("number", tr("Number"), lambda r: r.number),
        Column("received", tr("Received"), lambda r: local(r.received_at).strftime("%Y-%m-%d %H:%M"),
               sort=lambda r: r.received_at),
        Column("category", tr("Category"), lambda r: r.category_name),
        Column("address", tr("Address"), lambda r: r.address),
        Column("status", tr("Status"), lambda r: incident_status(r.status)),
        Column("units", tr("Units"), lambda r: " ".join(r.units)),
    ]


class HistoryDialog(QDialog):
    """Type words (number, address, caller, phone, content); Enter searches the whole history."""

    def __init__(self, app: AppContext, actions: BoardActions | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.board_actions = actions
        self.setWindowTitle(self.tr("Search incidents"))
        open_within_screen(self, 1200, 700)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Words to find; Enter searches open and closed incidents"))
        self.count = QLabel()
        self.model: ThinTableModel[IncidentRow] = ThinTableModel(_columns(), key=lambda r: r.id)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = DetailPane()
        self.reopen = QPushButton(self.tr("Reopen with reason… (Ctrl+R)"))
        self.reopen.setShortcut("Ctrl+R")
        # Not the dialog's default button: Enter in the search box searches, and used to also
        # open "reopen" for whichever incident was selected before the search.
        self.reopen.setAutoDefault(False)
        self.reopen.setDefault(False)
        self.reopen.clicked.connect(self.ask_reopen)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([700, 500])
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.count)
        top.addWidget(self.reopen)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.query.returnPressed.connect(self.search)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        self._seq = 0
        self._refresh_pending = False  # a reopen sent: search again once its change comes back
        QTimer.singleShot(0, self.search)

    def search(self) -> None:
        self.count.setText(self.tr("searching…"))
        self.app.run(search_incidents, self.app.ctx, self.query.text(), limit=500,
                     on_done=guarded(self, self._found))

    def _found(self, rows: list[IncidentRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(self.tr("%1 found").replace("%1", str(len(rows))))
        if rows:
            self.table.selectRow(0)

    def current_row(self) -> IncidentRow | None:
        i = self.table.currentIndex()
        return i.data(ROW_ROLE) if i.isValid() else None

    def _show(self, current: Any, _previous: Any) -> None:
        row = self.current_row()
        if row is None:
            return
        self._seq += 1
        seq = self._seq
        self.app.run(get_incident, self.app.ctx, row.id,
                     on_done=guarded(self, lambda d: self.detail.show_detail(d) if seq == self._seq else None))
        self.reopen.setEnabled(not row.is_open)

    def ask_reopen(self) -> None:
        row = self.current_row()
        if row is None or row.is_open or self.board_actions is None:
            return
        panel = self.board_actions.panel
        dlg = TextDialog(self.tr("Reopen %1").replace("%1", row.number), self.tr("Why is it reopened?"),
                         NOTE_LIMIT, self)

        version = [row.version]  # as on the board: OK again after a refusal goes over what it named

        def send(v: dict[str, Any], failed: Failed) -> None:
            # As on the board: a refused reason comes back in the form, the text kept.
            if not self._refresh_pending:
                self._refresh_pending = True
                self.app.changed.connect(self._refresh_after_change)
            panel.write_from_form(dlg, row, try_again_over(failed, version, int), reopen_incident,
                                  row.id, v["text"], expected_version=version[0],
                                  done_text=QCoreApplication.translate("", "%1 reopened"))

        submit_form(dlg, self, self.app.report_error, send)

    def _refresh_after_change(self, _change: Any) -> None:
        self.app.changed.disconnect(self._refresh_after_change)
        self._refresh_pending = False
        self.search()
