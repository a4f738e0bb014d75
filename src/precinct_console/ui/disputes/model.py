"""Thin table model of the dispute register: row ids plus cached immutable rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from ...domain.clock import local
from ...domain.deadlines import CountdownState, local_date
from ...domain.figures import due_day
from ...domain.task_rules import GRADES
from ...services.disputes import DisputeInfo
from ..record_selection import ROW_ID_ROLE
from ..theme import STATE_COLOURS, STATE_SYMBOLS
from .words import grade_name, risk_name

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (QT_TRANSLATE_NOOP("DisputeTableModel", "Revisit"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Grade"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Number"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Title"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Kind"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Grid"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Parties"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Risk"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Status"),
           QT_TRANSLATE_NOOP("DisputeTableModel", "Officer"))
COL_REVISIT, COL_GRADE, COL_NUMBER, COL_TITLE = range(4)
STATUS_TEXT = {"open": QT_TRANSLATE_NOOP("DisputeTableModel", "Open"),
               "mediating": QT_TRANSLATE_NOOP("DisputeTableModel", "Mediating"),
               "resolved": QT_TRANSLATE_NOOP("DisputeTableModel", "Resolved")}
# The domain's grade meanings (English source), marked here for the translation.
GRADE_MEANINGS = (
    QT_TRANSLATE_NOOP("DisputeTableModel", "may lead to a mass incident, injury or death"),
    QT_TRANSLATE_NOOP("DisputeTableModel", "escalating, several parties or repeated calls"),
    QT_TRANSLATE_NOOP("DisputeTableModel", "ordinary dispute, parties talking"),
    QT_TRANSLATE_NOOP("DisputeTableModel", "minor, resolved on the spot or nearly"),
)


def tr(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("DisputeTableModel", ...)."""
    return QCoreApplication.translate("DisputeTableModel", str(text))


def revisit_state(d: DisputeInfo, now: datetime) -> CountdownState:
    """Overdue past the due day, near on the day itself, otherwise on time."""
    if d.next_revisit_at is None:
        return CountdownState.NA
    if now >= d.next_revisit_at:
        return CountdownState.BREACHED
    return CountdownState.NEAR if due_day(d.next_revisit_at) <= local_date(now) else CountdownState.PENDING


class DisputeTableModel(QAbstractTableModel):
    def __init__(self, clock: Callable[[], datetime], parent: Any = None):
        super().__init__(parent)
        self._clock = clock
        self._now = clock()
        self._rows: dict[int, DisputeInfo] = {}
        self._ids: list[int] = []
        self._pos: dict[int, int] = {}
        self._text = ""
        self._grade = ""
        self._headers = [tr(c) for c in COLUMNS]
        self._status = {k: tr(v) for k, v in STATUS_TEXT.items()}
        self._brushes = {s: QBrush(STATE_COLOURS[s.value]) for s in CountdownState}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        d = self._rows[self._ids[index.row()]]
        col = index.column()
        if role == ROW_ID_ROLE:
            return d.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(d, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_REVISIT:
                return self._brushes[revisit_state(d, self._now)]
            if col == COL_GRADE and d.grade in ("A", "B"):
                return self._brushes[CountdownState.BREACHED if d.grade == "A" else CountdownState.NEAR]
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_GRADE:
            g = GRADES.get(d.grade)
            return f"{grade_name(g.code)}: {tr(g.meaning)}" if g else None
        return None

    def _display(self, d: DisputeInfo, col: int) -> str:
        if col == COL_REVISIT:
            state = revisit_state(d, self._now)
            if state is CountdownState.NA or d.next_revisit_at is None:
                return STATE_SYMBOLS["na"]
            due = due_day(d.next_revisit_at)
            days = (due - local(self._now).date()).days
            symbol = STATE_SYMBOLS[state.value]
            if state is CountdownState.BREACHED:
                late = max(1, (local(self._now).date() - due).days)
                return QCoreApplication.translate("DisputeTableModel", "{s} overdue {n} d").format(s=symbol, n=late)
            if days == 0:
                return QCoreApplication.translate("DisputeTableModel", "{s} today").format(s=symbol)
            return QCoreApplication.translate("DisputeTableModel", "{s} in {n} d ({date})").format(s=symbol, n=days, date=due.strftime("%m-%d"))
        if col == COL_GRADE:
            g = GRADES.get(d.grade)
            return f"{d.grade} {grade_name(g.code)}" if g else d.grade
        if col == COL_NUMBER:
            return d.number
        if col == COL_TITLE:
            return d.title
        if col == 4:
            return d.kind
        if col == 5:
            return d.grid_name
        if col == 6:
            return "、".join(p.name for p in d.parties[:3]) + (f" 等{len(d.parties)}人" if len(d.parties) > 3 else "")
        if col == 7:
            return risk_name(d.risk)
        if col == 8:
            return self._status.get(d.status, d.status)
        if col == 9:
            return d.responsible_officer_name
        return ""

    def _accepts(self, d: DisputeInfo) -> bool:
        if self._grade and d.grade != self._grade:
            return False
        if not self._text:
            return True
        hay = " ".join((d.number, d.title, d.kind, d.grid_name, d.address,
                        d.responsible_officer_name, *(p.name for p in d.parties))).lower()
        return self._text in hay

    def _order(self) -> None:
        # Most urgent first: grade, then the revisit due soonest.
        far = datetime.max.replace(tzinfo=self._now.tzinfo)
        self._ids.sort(key=lambda i: (self._rows[i].status == "resolved", self._rows[i].grade,
                                      self._rows[i].next_revisit_at or far, i))
        self._pos = {rid: n for n, rid in enumerate(self._ids)}

    def set_filter(self, text: str, grade: str) -> None:
        self._text, self._grade = text.strip().lower(), grade
        self.beginResetModel()
        self._ids = [i for i, d in self._rows.items() if self._accepts(d)]
        self._order()
        self.endResetModel()

    def set_rows(self, rows: Iterable[DisputeInfo]) -> None:
        self._now = self._clock()
        self._rows = {d.id: d for d in rows}
        self.set_filter(self._text, self._grade)

    def replace_row(self, d: DisputeInfo) -> None:
        """One dispute changed in place (a note, a new grade): its row repaints, nothing moves."""
        self._rows[d.id] = d
        n = self._pos.get(d.id)
        if n is not None:
            self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))

    def tick(self) -> None:
        self._now = self._clock()
        if self._ids:
            self.dataChanged.emit(self.index(0, COL_REVISIT), self.index(len(self._ids) - 1, COL_REVISIT),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])

    def row_of(self, dispute_id: int) -> int | None:
        return self._pos.get(dispute_id)

    def dispute(self, dispute_id: int) -> DisputeInfo | None:
        return self._rows.get(dispute_id)

    def counts(self) -> dict[str, int]:
        out = {"open": 0, "A": 0, "B": 0, "overdue": 0, "today": 0}
        for d in self._rows.values():
            if d.status == "resolved":
                continue
            out["open"] += 1
            if d.grade in ("A", "B"):
                out[d.grade] += 1
            state = revisit_state(d, self._now)
            if state is CountdownState.BREACHED:
                out["overdue"] += 1
            elif state is CountdownState.NEAR:
                out["today"] += 1
        return out
