"""Table-and-detail selection shared by the task board and the dispute register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QTableView

from .context import AppContext

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

    def load_detail(self, record_id: int) -> None:
        def done(detail: Any) -> None:
            if self.current_id() == self.detail_id(detail):
                self.show_detail(detail)
        self.app.run(self.detail_service(), self.app.ctx, record_id, on_done=done)
