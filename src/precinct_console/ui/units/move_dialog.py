"""The duty officer's own choice of move-up (补位): every point of the plan for one unit, with
the 3-minute cover each would give, best first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.allocation.move_up import MoveOption
from ...services.move_up import MoveChoices
from ..forms import error_line, ok_cancel
from ..i18n import tr as _tr
from ..theme import MUTED

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MoveUpDialog(QDialog):
    """Enter (or a double click) orders the selected point. The point the unit is ordered to
    now cannot be chosen; a unit that may not move up (busy, pinned, on a timed duty) may only
    be sent back to its own point."""

    def __init__(self, choices: MoveChoices, parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.setWindowTitle(self.tr("Move up %1 to… (补位)").replace("%1", choices.call_sign))
        head = QLabel(self.tr("3-min cover of the plan's expected calls now: %1. Each point with the "
                              "cover once %2 is there:").replace("%1", _pct(choices.once))
                      .replace("%2", choices.call_sign))
        head.setWordWrap(True)
        self.table = QTableWidget(len(choices.options), 4)
        self.table.setHorizontalHeaderLabels([self.tr("Point"), self.tr("Drive"), self.tr("3-min cover"),
                                              self.tr("Note")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab reaches OK and Cancel, arrows pick the point
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        first = -1
        for row, o in enumerate(choices.options):
            change = o.once_after - choices.once
            cells = (o.point.name, self.tr("%1 min").replace("%1", str(max(1, round(o.minutes)))),
                     f"{_pct(o.once_after)} ({'+' if change >= 0 else '−'}{abs(change):.0%})",
                     self._note(o))
            open_ = self._may_choose(o)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (1, 2):
                    item.setTextAlignment(RIGHT)
                if not open_:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable & ~Qt.ItemFlag.ItemIsEnabled)
                    item.setForeground(MUTED)
                self.table.setItem(row, col, item)
            if open_ and first < 0:
                first = row
        self.table.resizeColumnsToContents()
        if first >= 0:
            self.table.selectRow(first)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        self.error = error_line()
        if not choices.movable:
            self.error.setText(self.tr("%1 cannot be moved up now (%2): it can only be sent back "
                                       "to its own point").replace("%1", choices.call_sign)
                               .replace("%2", held_reason(choices)))
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        self.resize(640, 460)

    def _note(self, o: MoveOption) -> str:
        if o.ordered:
            return self.tr("ordered there now")
        return self.tr("its own point in the plan") if o.back else ""

    def _may_choose(self, o: MoveOption) -> bool:
        return not o.ordered and (self.choices.movable or o.back)

    def chosen(self) -> MoveOption | None:
        row = self.table.currentRow()
        options = self.choices.options
        if 0 <= row < len(options) and self._may_choose(options[row]):
            return options[row]
        return None

    def accept(self) -> None:
        if self.chosen() is None:
            self.error.setText(self.tr("Choose a point to send %1 to").replace("%1", self.choices.call_sign))
            return
        super().accept()


def held_reason(choices: MoveChoices) -> str:
    """Why this unit may not be moved up, the one reason that holds (on a call, pinned by the
    plan, on its timed duty): the officer radios a crew on the strength of it."""
    if choices.held == "busy":
        return _tr("it is %1").replace("%1", choices.state or _tr("not free"))
    if choices.held == "pinned":
        return _tr("the plan pins it to its point")
    if choices.held == "duty":
        return _tr("it is on its timed duty")
    return _tr("on a call, pinned or on a timed duty")  # a choice read before the reason was kept


def _pct(share: float) -> str:
    return f"{share:.0%}"
