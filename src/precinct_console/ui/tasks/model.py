"""Thin table model of the task board: row ids plus a cache of immutable rows; the tick touches one column."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ...domain.clock import local
from ...domain.deadlines import (
    NEAR_FRACTION,
    Countdown,
    CountdownState,
    active_countdown,
    feedback_window_start,
    format_countdown,
    sign_window_start,
)
from ...services.task_views import TaskRow
from ..record_selection import ROW_ID_ROLE
from ..theme import STATE_COLOURS, STATE_SYMBOLS

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (QT_TRANSLATE_NOOP("TaskTableModel", "Number"), QT_TRANSLATE_NOOP("TaskTableModel", "Countdown"),
           QT_TRANSLATE_NOOP("TaskTableModel", "Status"), QT_TRANSLATE_NOOP("TaskTableModel", "Title"),
           QT_TRANSLATE_NOOP("TaskTableModel", "Task"), QT_TRANSLATE_NOOP("TaskTableModel", "Grid"),
           QT_TRANSLATE_NOOP("TaskTableModel", "Assignee"), QT_TRANSLATE_NOOP("TaskTableModel", "Origin"),
           QT_TRANSLATE_NOOP("TaskTableModel", "Sent"))
COL_NUMBER, COL_COUNTDOWN, COL_STATUS, COL_TITLE, COL_TEMPLATE, COL_GRID, COL_ASSIGNEE, \
    COL_ORIGIN, COL_SENT = range(len(COLUMNS))
STATE_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_TEXT = {"sent": QT_TRANSLATE_NOOP("TaskTableModel", "Sent"),
               "signed": QT_TRANSLATE_NOOP("TaskTableModel", "Signed"),
               "fed_back": QT_TRANSLATE_NOOP("TaskTableModel", "Fed back"),
               "returned": QT_TRANSLATE_NOOP("TaskTableModel", "Returned"),
               "closed": QT_TRANSLATE_NOOP("TaskTableModel", "Closed")}
ORIGIN_TEXT = {"manual": QT_TRANSLATE_NOOP("TaskTableModel", "By hand"),
               "from_incident": QT_TRANSLATE_NOOP("TaskTableModel", "From incident"),
               "dispute_incident": QT_TRANSLATE_NOOP("TaskTableModel", "Rule: dispute"),
               "repeat_caller": QT_TRANSLATE_NOOP("TaskTableModel", "Rule: repeat caller"),
               "repeat_place": QT_TRANSLATE_NOOP("TaskTableModel", "Rule: repeat place"),
               "repeat_matter": QT_TRANSLATE_NOOP("TaskTableModel", "Rule: repeat matter"),
               "needs_revisit": QT_TRANSLATE_NOOP("TaskTableModel", "Rule: revisit")}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROW_ID = int(ROW_ID_ROLE)
_STATE = int(STATE_ROLE)
_ROLES = frozenset({_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _ROW_ID, _STATE})
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_TICK_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
               Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]
_TINT = {CountdownState.BREACHED: QColor(213, 94, 0, 40), CountdownState.NEAR: QColor(230, 159, 0, 40)}


def tr(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("TaskTableModel", ...)."""
    return QCoreApplication.translate("TaskTableModel", str(text))


def countdown_units() -> tuple[str, str, str]:
    """Day, hour and minute suffixes of a countdown in the installed language ('天', '小时', '分')."""
    parts = QCoreApplication.translate("TaskTableModel", "d |h |m").split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("d ", "h ", "m")


@dataclass(frozen=True)
class TaskFilter:
    text: str = ""
    status: str = ""  # "" all open, one status, "overdue" or "escalated"
    assignee_id: int | None = None
    grid_id: int | None = None
    unassigned_only: bool = False


def _haystack(r: TaskRow) -> str:
    return " ".join((r.number, r.title, r.template_name, r.grid_name, r.assignee_name,
                     r.incident_number, r.template_code)).lower()


class TaskTableModel(QAbstractTableModel):
    """Open tasks; filtering and sorting are done here on the cached rows (no proxy model)."""

    def __init__(self, clock: Callable[[], datetime], parent: Any = None):
        super().__init__(parent)
        self._clock = clock
        self._now = clock()
        self._rows: dict[int, TaskRow] = {}
        self._hay: dict[int, str] = {}
        self._ids: list[int] = []  # visible rows, in display order
        self._order: list[int] = []  # every row, in display order: filtering never sorts
        self._pos: dict[int, int] = {}
        self._filter = TaskFilter()
        self._sort: tuple[int, Qt.SortOrder] = (COL_COUNTDOWN, Qt.SortOrder.AscendingOrder)
        self._headers = [tr(c) for c in COLUMNS]
        self._status_text = {k: tr(v) for k, v in STATUS_TEXT.items()}
        self._origin_text = {k: tr(v) for k, v in ORIGIN_TEXT.items()}
        self._kind_text = {"sign": QCoreApplication.translate("TaskTableModel", "Sign"),
                           "feedback": QCoreApplication.translate("TaskTableModel", "Feedback"),
                           "revisit": QCoreApplication.translate("TaskTableModel", "Revisit")}
        self._overdue_text = QCoreApplication.translate("TaskTableModel", "overdue")
        self._units = countdown_units()
        self._brushes = {s: QBrush(STATE_COLOURS[s.value]) for s in CountdownState}
        self._tints = {s: QBrush(c) for s, c in _TINT.items()}
        self._marks: dict[int, tuple[float, float]] = {}
        self._events: list[tuple[float, int, str, tuple[float, float]]] = []
        self._cd_cache: dict[int, Countdown] = {}
        self._shown: dict[int, str] = {}  # countdown text last announced, by task id
        self._cd_rows: dict[int, TaskRow] = {}

    # -- Qt model interface ----------------------------------------------------------------
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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every painted cell: roles we never answer leave first, and
        # roles are compared as plain ints (enum attribute lookups cost more than the work).
        role = int(role)
        if role not in _ROLES:
            return None
        n = index.row()
        if n < 0 or n >= len(self._ids):
            return None
        row = self._rows[self._ids[n]]
        col = index.column()
        if role == _DISPLAY:
            return self._display(row, col)
        if role == _ROW_ID:
            return row.id
        if col == COL_COUNTDOWN:
            cd = self.countdown(row)
            if role == _FOREGROUND:
                return self._brushes[cd.state]
            if role == _STATE:
                return cd.state.value
            if role == _TOOLTIP:
                return QCoreApplication.translate("TaskTableModel", "{kind} due {due}").format(
                    kind=self._kind_text[cd.kind.value],
                    due=local(cd.due_at).strftime("%Y-%m-%d %H:%M"))
        if role == _BACKGROUND and col <= COL_COUNTDOWN:
            return self._tints.get(self.countdown(row).state)
        if role == _TOOLTIP and col == COL_TITLE:
            return row.title
        return None

    def multiData(self, index: Index, span: QModelRoleDataSpan) -> None:  # type: ignore[override]
        # Qt 6 delegates ask for all of a cell's roles in one call: one Python call per painted
        # cell instead of seven (measured: 234 calls instead of 1,638 for a full repaint).
        # Every role must be written or cleared: the delegate reuses the same role array for
        # the next cell, so a value left in place would paint there too.
        valid = index.isValid() and index.row() < len(self._ids)
        for rd in span:  # type: ignore[attr-defined]  # the stubs miss QModelRoleDataSpan.__iter__
            role = rd.role()
            value = self.data(index, role) if valid and role in _ROLES else None
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else _NO_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self._ids[i.row()], i.column()) if i.row() < len(self._ids) else None
                   for i in old]
        self._sort_all()
        self._apply_filter()
        self.changePersistentIndexList(old, [
            self.index(self._pos[k[0]], k[1]) if k is not None else QModelIndex() for k in old_ids])
        self.layoutChanged.emit()

    # -- cells -----------------------------------------------------------------------------
    def countdown(self, row: TaskRow) -> Countdown:
        # A painted cell asks for several roles; compute each row's countdown once per tick.
        cd = self._cd_cache.get(row.id)
        if cd is None or self._cd_rows.get(row.id) is not row:
            cd = active_countdown(row.times, self._now)
            self._cd_cache[row.id] = cd
            self._cd_rows[row.id] = row
        return cd

    def _display(self, r: TaskRow, col: int) -> str:
        if col == COL_COUNTDOWN:
            cd = self.countdown(r)
            if cd.state is CountdownState.NA:
                return STATE_SYMBOLS["na"]
            symbol = STATE_SYMBOLS[cd.state.value]
            kind = self._kind_text[cd.kind.value]
            # Words as well as colour and symbol, for colour-blind users and for print.
            if cd.state is CountdownState.BREACHED:
                return f"{symbol} {kind} {self._overdue_text} {format_countdown(cd.remaining_s, self._units)}"
            return f"{symbol} {kind} {format_countdown(cd.remaining_s, self._units)}"
        if col == COL_NUMBER:
            return r.number + (" ⇑" if r.escalated_at else "")
        if col == COL_STATUS:
            return self._status_text.get(r.status, r.status)
        if col == COL_TITLE:
            return r.title
        if col == COL_TEMPLATE:
            return r.template_name
        if col == COL_GRID:
            return r.grid_name
        if col == COL_ASSIGNEE:
            return r.assignee_name or QCoreApplication.translate("TaskTableModel", "(unassigned)")
        if col == COL_ORIGIN:
            return self._origin_text.get(r.rule, r.rule)
        if col == COL_SENT:
            return local(r.created_at).strftime("%m-%d %H:%M")
        return ""

    # -- sorting and filtering -------------------------------------------------------------
    def _key(self, col: int) -> Callable[[int], Any]:
        rows = self._rows
        if col == COL_COUNTDOWN:
            def key(i: int) -> Any:
                r = rows[i]
                # Waiting on the officer first, by the deadline that runs; then fed back ones.
                # Independent of `now`, so the order is stable between ticks.
                if r.status == "fed_back":
                    return (1, r.fed_back_at or r.created_at, i)
                return (0, r.sign_due_at if r.status == "sent" else r.feedback_due_at, i)
            return key
        attr = {COL_NUMBER: "number", COL_STATUS: "status", COL_TITLE: "title",
                COL_TEMPLATE: "template_name", COL_GRID: "grid_name",
                COL_ASSIGNEE: "assignee_name", COL_ORIGIN: "rule", COL_SENT: "created_at"}[col]
        return lambda i: (getattr(rows[i], attr), i)

    def _sort_all(self) -> None:
        col, order = self._sort
        self._order.sort(key=self._key(col), reverse=order == Qt.SortOrder.DescendingOrder)

    def _apply_filter(self) -> None:
        f = self._filter
        if not f.status and f.assignee_id is None and f.grid_id is None and not f.unassigned_only:
            # The keystroke path: a substring test per row over the pre-sorted order.
            hay, text = self._hay, f.text
            self._ids = [i for i in self._order if text in hay[i]] if text else list(self._order)
        else:
            rows = self._rows
            self._ids = [i for i in self._order if self.accepts(rows[i])]
        self._pos = {rid: n for n, rid in enumerate(self._ids)}

    def accepts(self, r: TaskRow) -> bool:
        f = self._filter
        if r.status == "closed":
            return False
        if f.status == "overdue":
            if self.countdown(r).state is not CountdownState.BREACHED:
                return False
        elif f.status == "escalated":
            if r.escalated_at is None:
                return False
        elif f.status and r.status != f.status:
            return False
        if f.assignee_id is not None and r.assignee_id != f.assignee_id:
            return False
        if f.unassigned_only and r.assignee_id is not None:
            return False
        if f.grid_id is not None and r.grid_id != f.grid_id:
            return False
        return not f.text or f.text in self._hay[r.id]

    def set_filter(self, f: TaskFilter) -> None:
        """A new filter is a new row set: one reset (cheap: a scan of cached tuples)."""
        self._filter = TaskFilter(f.text.strip().lower(), f.status, f.assignee_id, f.grid_id,
                                  f.unassigned_only)
        self.beginResetModel()
        self._apply_filter()
        self.endResetModel()

    @property
    def current_filter(self) -> TaskFilter:
        return self._filter

    # -- data in ---------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[TaskRow]) -> None:
        """The first load (or a full reload after reconnecting)."""
        self._now = self._clock()
        self._cd_cache.clear()
        self._cd_rows.clear()
        self._rows = {r.id: r for r in rows if r.status != "closed"}
        self._hay = {i: _haystack(r) for i, r in self._rows.items()}
        self._marks = {}
        self._events = []
        self._shown = {}
        for r in self._rows.values():
            self._mark(r)
        self._order = list(self._rows)
        self._sort_all()
        self.set_filter(self._filter)

    def upsert(self, rows: Iterable[TaskRow]) -> None:
        """Changed tasks from a write or the change feed: rows change, appear or leave in place."""
        for r in rows:
            old_visible = r.id in self._pos
            if r.id in self._rows:
                self._order.remove(r.id)
            self._rows[r.id] = r
            self._hay[r.id] = _haystack(r)
            self._mark(r)
            if r.status != "closed":
                self._order.insert(self._bisect(self._order, r.id), r.id)
            keep = self.accepts(r)
            if old_visible and keep:
                n = self._pos[r.id]
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))
            elif old_visible:
                n = self._pos[r.id]
                self.beginRemoveRows(QModelIndex(), n, n)
                del self._ids[n]
                self._pos = {rid: k for k, rid in enumerate(self._ids)}
                self.endRemoveRows()
            elif keep:
                n = self._bisect(self._ids, r.id)
                self.beginInsertRows(QModelIndex(), n, n)
                self._ids.insert(n, r.id)
                self._pos = {rid: k for k, rid in enumerate(self._ids)}
                self.endInsertRows()
            if r.status == "closed":
                self._rows.pop(r.id, None)
                self._hay.pop(r.id, None)
                self._marks.pop(r.id, None)
                self._shown.pop(r.id, None)

    def _bisect(self, seq: list[int], rid: int) -> int:
        """Where a row goes in a sequence sorted by the current sort key."""
        col, order = self._sort
        key = self._key(col)
        k = key(rid)
        lo, hi = 0, len(seq)
        desc = order == Qt.SortOrder.DescendingOrder
        while lo < hi:
            mid = (lo + hi) // 2
            km = key(seq[mid])
            if (km > k) if desc else (km < k):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def tick(self, now: datetime | None = None, rows: tuple[int, int] | None = None) -> None:
        """1 Hz: only countdown cells whose text changed are announced, in contiguous runs.

        `rows` limits the work to the rows a view shows: Qt repaints the whole viewport for a
        range reaching far off screen (measured: 1,638 data() calls instead of 182), and rows
        scrolled into view later are computed fresh anyway. Beyond its last hour a countdown
        changes once a minute, so most seconds repaint only the few cells that run in seconds.
        """
        self._now = now or self._clock()
        self._cd_cache.clear()
        self._cd_rows.clear()
        if not self._ids:
            return
        first, last = rows if rows is not None else (0, len(self._ids) - 1)
        first, last = max(0, first), min(last, len(self._ids) - 1)
        run_start: int | None = None
        for n in range(first, last + 2):
            changed = False
            if n <= last:
                rid = self._ids[n]
                text = self._display(self._rows[rid], COL_COUNTDOWN)
                changed = self._shown.get(rid) != text
                self._shown[rid] = text
            if changed and run_start is None:
                run_start = n
            elif not changed and run_start is not None:
                self.dataChanged.emit(self.index(run_start, COL_COUNTDOWN),
                                      self.index(n - 1, COL_COUNTDOWN), _TICK_ROLES)
                run_start = None

    # -- lookups ---------------------------------------------------------------------------
    def row_of(self, task_id: int) -> int | None:
        return self._pos.get(task_id)

    def task_at(self, row: int) -> TaskRow | None:
        return self._rows[self._ids[row]] if 0 <= row < len(self._ids) else None

    def task(self, task_id: int) -> TaskRow | None:
        return self._rows.get(task_id)

    def counts(self) -> dict[str, int]:
        """Figures for the board's header: open, overdue, near, unassigned (all open tasks).

        Compares precomputed (near, due) instants instead of building 10,000 countdowns.
        """
        now = self._now.timestamp()
        overdue = near = unassigned = fed = 0
        for rid, r in self._rows.items():
            marks = self._marks.get(rid)
            if marks is not None:
                if now > marks[1]:
                    overdue += 1
                elif now >= marks[0]:
                    near += 1
            if r.assignee_id is None:
                unassigned += 1
            if r.status == "fed_back":
                fed += 1
        return {"open": len(self._rows), "overdue": overdue, "near": near,
                "unassigned": unassigned, "fed_back": fed}

    def _mark(self, r: TaskRow) -> None:
        """(near from, due) of the countdown the row shows, as timestamps; none once fed back."""
        # Spans start where the domain's countdowns start them (a reassignment or a return
        # restarts a window), so the counts and announcements agree with the cells and alerts.
        if r.status == "sent" and r.feedback_due_at > r.sign_due_at:
            start, due = sign_window_start(r.created_at, r.reassigned_at), r.sign_due_at
        elif r.status in ("sent", "signed", "returned"):  # sent: degenerate template, feedback first
            start = feedback_window_start(r.created_at, r.reassigned_at, r.returned_at)
            due = r.feedback_due_at
        else:
            self._marks.pop(r.id, None)
            return
        s, d = start.timestamp(), due.timestamp()
        marks = (s + (d - s) * NEAR_FRACTION, d)
        self._marks[r.id] = marks
        now = self._now.timestamp()
        # Only changes still to come are announced; what is already late shows in the counts.
        if marks[0] > now:
            heapq.heappush(self._events, (marks[0], r.id, "near", marks))
        if marks[1] > now:
            heapq.heappush(self._events, (marks[1], r.id, "breach", marks))

    def crossed(self) -> list[tuple[TaskRow, str]]:
        """Rows whose countdown turned near or overdue since the last call (heap: O(changes))."""
        now = self._now.timestamp()
        out: list[tuple[TaskRow, str]] = []
        while self._events and self._events[0][0] <= now:
            _, rid, level, marks = heapq.heappop(self._events)
            # Stale entries (the task was signed, fed back or closed since) are skipped.
            if self._marks.get(rid) == marks and rid in self._rows:
                out.append((self._rows[rid], level))
        return out
