"""The patrol record (巡逻登记) a unit reports when its patrol ends, and the list of the latest to withdraw a mistaken one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...services.patrols import MAX_COUNT, PatrolDraft, PatrolRecord
from ..forms import china_datetime, error_line, form_with_buttons, qdatetime

DIALOG_WIDTH = 460


def _count() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_COUNT)
    return box


class PatrolDialog(QDialog):
    """Prefilled from the unit board: the unit, its crew now, the last three hours to the minute."""

    def __init__(self, units: list[tuple[int, str, str]], zones: list[tuple[int, str]],
                 now: datetime, unit_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record a patrol (巡逻登记)"))
        self.setMinimumWidth(DIALOG_WIDTH)
        self.crews = {uid: crew for uid, _sign, crew in units}
        self.unit = QComboBox()
        self.unit.addItem(self.tr("(on foot, no unit)"), None)
        for uid, sign, _crew in units:
            self.unit.addItem(sign, uid)
        self.zone = QComboBox()
        self.zone.addItem(self.tr("(no patrol zone)"), None)
        for zid, name in zones:
            self.zone.addItem(name, zid)
        end = now.replace(second=0, microsecond=0)
        self.start = QDateTimeEdit(qdatetime(end - timedelta(hours=3)))
        self.end = QDateTimeEdit(qdatetime(end))
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd HH:mm")
            w.setCalendarPopup(True)
        self.route = QLineEdit()
        self.route.setMaxLength(200)
        self.route.setPlaceholderText(self.tr("e.g. 解放路—火车站—夜市美食街"))
        self.officers = QLineEdit()
        self.officers.setMaxLength(200)
        self.people, self.vehicles, self.stakeouts, self.arrests = (_count() for _ in range(4))
        self.outcome = QPlainTextEdit()
        self.outcome.setTabChangesFocus(True)
        self.outcome.setFixedHeight(70)
        self.outcome.setPlaceholderText(self.tr("What the patrol found and did (巡逻成效)"))
        self.error = error_line()
        self.unit.currentIndexChanged.connect(self._unit_changed)
        if unit_id is not None and self.unit.findData(unit_id) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(unit_id))
        counts = QHBoxLayout()
        for label, box in ((self.tr("People checked"), self.people),
                           (self.tr("Vehicles checked"), self.vehicles),
                           (self.tr("Stake-outs"), self.stakeouts),
                           (self.tr("Arrests"), self.arrests)):
            form_row = QFormLayout()
            form_row.addRow(label, box)
            counts.addLayout(form_row)
        form = QFormLayout()
        form.addRow(self.tr("Unit"), self.unit)
        form.addRow(self.tr("Officers"), self.officers)
        form.addRow(self.tr("Patrol zone"), self.zone)
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("To"), self.end)
        form.addRow(self.tr("Route"), self.route)
        form.addRow(counts)
        form.addRow(self.tr("Result"), self.outcome)
        form_with_buttons(self, form, self.error)

    def _unit_changed(self) -> None:
        # The crew on the shift now, unless the officer already typed who went.
        crew = self.crews.get(self.unit.currentData(), "")
        if crew and not self.officers.isModified():
            self.officers.setText(crew)

    def accept(self) -> None:
        # Said here with the input kept; the service says the rest (future end, 24 hours).
        if china_datetime(self.end.dateTime()) <= china_datetime(self.start.dateTime()):
            self.error.setText(self.tr("To: the patrol ends before it starts"))
            return
        if not self.officers.text().strip():
            self.error.setText(self.tr("Officers: name who went on the patrol"))
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        return {"draft": PatrolDraft(
            starts_at=china_datetime(self.start.dateTime()),
            ends_at=china_datetime(self.end.dateTime()),
            unit_id=self.unit.currentData(), zone_id=self.zone.currentData(),
            route=self.route.text(), officers=self.officers.text(),
            people_checked=self.people.value(), vehicles_checked=self.vehicles.value(),
            stakeouts=self.stakeouts.value(), arrests=self.arrests.value(),
            result=self.outcome.toPlainText(),
        )}


class PatrolListDialog(QDialog):
    """The latest patrols recorded at the station, newest first; a mistaken one is withdrawn
    with a reason (the audit log keeps it)."""

    def __init__(self, records: list[PatrolRecord], withdraw: Callable[[PatrolRecord, str], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Patrols recorded (巡逻记录)"))
        self.withdraw = withdraw
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Unit"), self.tr("Patrol zone"),
                                              self.tr("Officers"), self.tr("Arrests"), self.tr("Result")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab reaches Withdraw… and Close
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.withdraw_button = QPushButton(self.tr("Withdraw…"))
        self.withdraw_button.clicked.connect(self._withdraw_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(860, 420)
        self.show_records(records)

    def show_records(self, records: list[PatrolRecord]) -> None:
        self.records = records
        self.table.setRowCount(len(records))
        for row, r in enumerate(records):
            when = f"{local(r.starts_at):%m-%d %H:%M}–{local(r.ends_at):%H:%M}"
            for col, text in enumerate((when, r.unit, r.zone, r.officers, str(r.arrests), r.result)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.withdraw_button.setEnabled(bool(records))

    def _withdraw_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.records):
            return
        record = self.records[row]
        reason, ok = QInputDialog.getText(
            self, self.tr("Withdraw a patrol record"),
            self.tr("Why is %1 withdrawn? (kept in the audit log)").replace(
                "%1", f"{record.unit or record.officers} {local(record.starts_at):%m-%d %H:%M}"))
        if ok and reason.strip():
            self.withdraw(record, reason.strip())
