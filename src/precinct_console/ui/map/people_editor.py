"""Edit the people of a grid (its notice board): role, name and phone per row, in board order."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ConflictError, KnownError, ValidationErrors
from ...domain.geo import PEOPLE_ROLES, PEOPLE_ROLES_ZH
from ...services.geometry import set_grid_people
from ...services.map_data import GridCard
from ..context import AppContext
from ..error_text import error_text
from ..theme import BREACH, ui_font


class PeopleEditor(QDialog):
    """Saves off the GUI thread; a refusal (bad row, another seat first) keeps the dialog open."""

    def __init__(self, app: AppContext, card: GridCard, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.card = card
        self.saved = False
        self.setWindowTitle(self.tr("People of %1").replace("%1", f"{card.code} {card.name}"))
        self.setFont(ui_font(10))
        # A parent's community officer shown on the card is not this grid's to edit.
        own = [p for p in card.people if not p.inherited_from]
        self.started_from = [{"role": p.role, "name": p.name, "phone": p.phone} for p in own]
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Role"), self.tr("Name"), self.tr("Phone")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for p in own:
            self.add_row(p.role, p.name, p.phone)
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(lambda: self.add_row("grid_worker", "", ""))
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove)
        up = QPushButton(self.tr("Move up"))
        up.clicked.connect(self._up)
        row_buttons = QHBoxLayout()
        for b in (add, remove, up):
            row_buttons.addWidget(b)
        row_buttons.addStretch(1)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {BREACH.name()}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Printed on the grid's public notice board in this order.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def add_row(self, role: str, name: str, phone: str) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        combo = QComboBox()
        for key in PEOPLE_ROLES:
            combo.addItem(PEOPLE_ROLES_ZH[key], key)
        combo.setCurrentIndex(max(0, combo.findData(role)))
        self.table.setCellWidget(r, 0, combo)
        self.table.setItem(r, 1, QTableWidgetItem(name))
        self.table.setItem(r, 2, QTableWidgetItem(phone))

    def rows(self) -> list[dict[str, str]]:
        out = []
        for r in range(self.table.rowCount()):
            combo = self.table.cellWidget(r, 0)
            name, phone = self.table.item(r, 1), self.table.item(r, 2)
            out.append({"role": combo.currentData() if isinstance(combo, QComboBox) else "",
                        "name": name.text().strip() if name else "",
                        "phone": phone.text().strip() if phone else ""})
        return out

    def _remove(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)

    def _up(self) -> None:
        r = self.table.currentRow()
        if r <= 0:
            return
        rows = self.rows()
        rows[r - 1], rows[r] = rows[r], rows[r - 1]
        self.table.setRowCount(0)
        for row in rows:
            self.add_row(row["role"], row["name"], row["phone"])
        self.table.selectRow(r - 1)

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.problems.clear()
        self.app.run(set_grid_people, self.app.ctx, self.card.id, self.rows(), expected=self.started_from,
                     on_done=self._saved, on_error=self._refused)

    def _saved(self, change: Any) -> None:
        self.saved = True
        self.app.announce(change)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ConflictError) and isinstance(exc.current, list):
            self.started_from = exc.current  # OK again, told of the change, saves over it
        if isinstance(exc, ValidationErrors):
            self.problems.setText("\n".join(error_text(p) for p in exc.problems))
        elif isinstance(exc, KnownError):
            self.problems.setText(error_text(exc))
        else:
            self.app.report_error(exc)
