"""The station's units on the roll: the chief adds, edits, takes out of service and reinstates them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.changes import Change, ChangeItem, is_position_report
from ...domain.clock import CHINA_TZ
from ...services import unit_roll
from ...services.unit_roll import Retirement, UnitInfo
from ..board.guard import guarded
from ..context import AppContext
from ..forms import Failed, submit_form, try_again_over
from ..theme import MUTED, ui_font
from ..units.words import unit_kind, unit_state
from .record_dialogs import UnitDialog


class UnitsDialog(QDialog):
    """One row per unit, those in service first; a retired unit stays listed, greyed, to reinstate."""

    def __init__(self, app: AppContext, posts: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.posts = posts
        self.units: list[UnitInfo] = []
        self._select_next: int | None = None  # the unit this seat just saved
        self.setWindowTitle(self.tr("Units"))
        self.resize(640, 420)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Call sign"), self.tr("Kind"), self.tr("Seats"),
                                              self.tr("Home post"), self.tr("Use"), self.tr("State")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons, not round the cells
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setFont(ui_font(10))
        self.table.doubleClicked.connect(lambda _i: self.edit_unit())
        # Enter on a unit edits it, as a double click does (it pressed Add…, the default button).
        edit = QAction(self.table)
        edit.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(self.edit_unit)
        self.table.addAction(edit)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_btn = QPushButton(self.tr("Add…"))
        self.edit_btn = QPushButton(self.tr("Edit…"))
        self.retire_btn = QPushButton(self.tr("Take out of service"))
        self.reinstate_btn = QPushButton(self.tr("Back in service"))
        self.add_btn.clicked.connect(self.add_unit)
        self.edit_btn.clicked.connect(self.edit_unit)
        self.retire_btn.clicked.connect(self.retire_unit)
        self.reinstate_btn.clicked.connect(self.reinstate_unit)
        self.note = QLabel(self.tr("A unit out of service leaves the unit board, the dispatch "
                                   "suggestions and the patrol plan; incidents it attended keep its "
                                   "call sign."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED.name()}")
        side = QVBoxLayout()
        for b in (self.add_btn, self.edit_btn, self.retire_btn, self.reinstate_btn):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.note)
        layout.addWidget(close)
        self._update_buttons()
        # Another seat may edit or retire a unit while this list is open.
        app.changed.connect(self._on_change)
        self.reload()

    def _on_change(self, change: Change) -> None:
        if any(i.entity == "unit" and not is_position_report(i) for i in change.items):
            self.reload(self._select_next)
            self._select_next = None

    # data -------------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self.app.run(unit_roll.list_unit_roll, self.app.ctx,
                     on_done=guarded(self, lambda units: self._show(units, select_id)))

    def _show(self, units: list[UnitInfo], select_id: int | None) -> None:
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.units = units
        self.table.setRowCount(len(units))
        for r, u in enumerate(units):
            state = (unit_state(u.status) if u.active else self.tr("out of service"))
            use = self.tr("standby car") if u.standby else self.tr("patrol")
            cells = (u.call_sign, unit_kind(u.kind), str(u.seats), u.post_name or "—", use, state)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not u.active:
                    item.setForeground(QBrush(MUTED))
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()  # the home post column keeps stretching (set once)
        row = next((i for i, u in enumerate(units) if u.id == keep), None)
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    @property
    def current(self) -> UnitInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.units[rows[0].row()] if rows and rows[0].row() < len(self.units) else None

    def _update_buttons(self) -> None:
        u = self.current
        self.edit_btn.setEnabled(u is not None)
        self.retire_btn.setEnabled(u is not None and u.active)
        self.reinstate_btn.setEnabled(u is not None and not u.active)

    # actions ----------------------------------------------------------------------------------
    def _saved(self, unit_id: int, action: str, message: str) -> None:
        self.app.notify(message)
        self._select_next = unit_id
        # The announcement reaches _on_change too, which reloads the list once, selecting this unit.
        self.app.announce(Change((ChangeItem("unit", unit_id, action),)))

    def add_unit(self) -> None:
        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(unit_roll.add_unit, self.app.ctx, v["call_sign"], v["kind"],
                         seats=v["seats"], post_id=v["post_id"], standby=v["standby"],
                         on_error=failed,
                         on_done=guarded(self, lambda unit_id: self._saved(
                             unit_id, "created",
                             self.tr("Unit %1 added; crew it from a shift (Assign)")
                             .replace("%1", v["call_sign"]))))

        submit_form(UnitDialog(self.posts, self), self, self.app.report_error, send)

    def edit_unit(self) -> None:
        u = self.current
        if u is None:
            return

        opened: list[UnitInfo] = [u]

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(unit_roll.update_unit, self.app.ctx, u.id, None, opened=opened[0],
                         call_sign=v["call_sign"], kind=v["kind"], seats=v["seats"],
                         post_id=v["post_id"], standby=v["standby"],
                         on_error=try_again_over(failed, opened, UnitInfo),
                         on_done=guarded(self, lambda saved: self._saved(
                             saved.id, "updated", self.tr("%1 saved").replace("%1", saved.call_sign))))

        submit_form(UnitDialog(self.posts, self, u), self, self.app.report_error, send)

    def retire_unit(self) -> None:
        u = self.current
        if u is None or not u.active:
            return
        answer = QMessageBox.question(
            self, self.tr("Take out of service"),
            self.tr("Take %1 out of service? Crews rostered in it on shifts not yet over stay on "
                    "their shifts without a unit.").replace("%1", u.call_sign))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.app.run(unit_roll.retire_unit, self.app.ctx, u.id, u.version,
                     on_done=guarded(self, self._retired))

    def _retired(self, r: Retirement) -> None:
        text = self.tr("%1 is out of service").replace("%1", r.unit.call_sign)
        if r.entries_cleared:
            text += self.tr("; %n crew entry(ies) now without a unit", "", r.entries_cleared)
        if r.plans:
            starts = "、".join(f"{t.astimezone(CHINA_TZ):%m-%d %H:%M}" for t in r.plans)
            text += self.tr("; it has a post in the accepted patrol plan of %1: make a new plan "
                            "(Patrol allocation)").replace("%1", starts)
        self._saved(r.unit.id, "updated", text)

    def reinstate_unit(self) -> None:
        u = self.current
        if u is None or u.active:
            return
        self.app.run(unit_roll.reinstate_unit, self.app.ctx, u.id, u.version,
                     on_done=guarded(self, lambda back: self._saved(
                         back.id, "updated",
                         self.tr("%1 is back in service, off duty at its post").replace("%1", back.call_sign))))
