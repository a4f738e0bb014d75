"""Table-and-detail registers (the task board, the dispute register): layout and selection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .context import AppContext
from .theme import ui_font

ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record id behind a table row


class RecordSelection:
    """A panel with a table of records and a detail pane: which record is selected, selecting
    one by id, following what the rest of the console selects, and loading the detail on a
    worker. A detail that arrives after the officer moved on to another row is dropped."""

    record_entity: str  # what the panel announces with app.select(): "task", "dispute"
    app: AppContext
    table: QTableView
    model: Any  # the table model: row_of(record id) -> row | None
    last_incident_id: int | None  # the incident selected elsewhere last: a default for new records

    def detail_service(self) -> Callable[..., Any]:
        """The service call that reads one record's detail: fn(ctx, record_id)."""
        raise NotImplementedError

    def detail_id(self, detail: Any) -> int:
        raise NotImplementedError

    def show_detail(self, detail: Any) -> None:
        raise NotImplementedError

    def current_id(self) -> int | None:
        sm = self.table.selectionModel()
        rows = sm.selectedRows() if sm else []
        return rows[0].data(ROW_ID_ROLE) if rows else None

    def select_record(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def on_selected(self, entity: str, entity_id: int) -> None:
        if entity == "incident":
            self.last_incident_id = entity_id
        elif entity == self.record_entity and entity_id != self.current_id():
            self.select_record(entity_id)

    def on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        record_id = self.current_id()
        if record_id is None:
            self.show_detail(None)
            return
        self.app.select(self.record_entity, record_id)
        self.load_detail(record_id)

    def keeping_selection(self, change: Callable[[], None]) -> None:
        """Reload or re-filter the table, then select the same record again where it is still shown."""
        current = self.current_id()
        change()
        if current is not None:
            self.select_record(current)

    def load_detail(self, record_id: int) -> None:
        def done(detail: Any) -> None:
            if self.current_id() == self.detail_id(detail):
                self.show_detail(detail)
        self.app.run(self.detail_service(), self.app.ctx, record_id, on_done=done)


def record_table(model: QAbstractItemModel, widths: tuple[int, ...]) -> QTableView:
    """A register's table: whole rows, one at a time, fixed 26 px rows (so the view never
    measures 10,000 rows to lay them out) and the given column widths."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setFont(ui_font(10))
    vh = table.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(26)
    table.horizontalHeader().setStretchLastSection(True)
    for col, width in enumerate(widths):
        table.setColumnWidth(col, width)
    return table


def lay_out_register(panel: QWidget, rows: tuple[QBoxLayout, ...], table: QTableView,
                     info: QTextBrowser, buttons: tuple[QPushButton, ...],
                     sizes: tuple[int, int]) -> None:
    """The given rows (summary, filters) above the table, the detail and its action buttons
    beside it; the table takes most of the width."""
    info.setFont(ui_font(10))
    actions = QHBoxLayout()
    for b in buttons:
        actions.addWidget(b)
    right = QWidget()
    rl = QVBoxLayout(right)
    rl.setContentsMargins(0, 0, 0, 0)
    rl.addWidget(info, 1)
    rl.addLayout(actions)
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(table)
    split.addWidget(right)
    split.setStretchFactor(0, 5)
    split.setStretchFactor(1, 2)
    split.setSizes(list(sizes))
    layout = QVBoxLayout(panel)
    for row in rows:
        layout.addLayout(row)
    layout.addWidget(split, 1)
