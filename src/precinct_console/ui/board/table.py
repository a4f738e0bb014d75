"""Thin table model: row ids plus a cache of immutable rows, filtered and sorted in Python, never reset on a tick.

Why not QSortFilterProxyModel: with dynamic filtering on, every dataChanged of the 1 Hz tick
re-runs filterAcceptsRow for all rows (1,000 Python calls, ~10 ms), and sorting calls back into
Python for each comparison. Here the cache is filtered and sorted with plain Python (a 1,000-row
sort is well under a millisecond); a changed row moves, appears or disappears with one
move/insert/remove, and the tick repaints the live (timer) columns only.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")  # an immutable row object (frozen dataclass or tuple)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a plain, comparable key per cell
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the cached row object itself
ID_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's id
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

Index = QModelIndex | QPersistentModelIndex
LIVE_ROLES = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: how a cached row shows in it. `live` columns change with the clock alone."""

    key: str
    title: str
    display: Callable[[R], Any]
    sort: Callable[[R], Any] | None = None
    foreground: Callable[[R], Any] | None = None
    background: Callable[[R], Any] | None = None
    tooltip: Callable[[R], Any] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    live: bool = False


@total_ordering
class _Desc:
    """Reverses the order of any comparable key, so one ascending list serves both directions."""

    __slots__ = ("k",)

    def __init__(self, k: Any):
        self.k = k

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.k < self.k)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.k == other.k


def _none_last(value: Any) -> tuple[bool, Any]:
    # Empty cells sort after filled ones, and never compare None with a number.
    return (value is None or value == "", value if value is not None else 0)


class ThinTableModel(QAbstractTableModel, Generic[R]):
    """Rows keyed by id; changes emit the smallest signals; `touch_live` repaints live columns only."""

    def __init__(self, columns: Sequence[Column[R]], key: Callable[[R], Hashable], parent: Any = None):
        super().__init__(parent)
        self.columns = list(columns)
        self._key = key
        self._all: dict[Hashable, R] = {}  # every cached row, shown or not
        self._ids: list[Hashable] = []  # shown rows, in display order
        self._keys: list[Any] = []  # their sort keys, ascending (parallel to _ids)
        self._pos: dict[Hashable, int] = {}
        self._seq: dict[Hashable, int] = {}  # arrival order: the tie-break and the unsorted order
        self._next_seq = 0
        self._live_cols = [i for i, c in enumerate(self.columns) if c.live]
        self._accept: Callable[[R], bool] | None = None
        self._sort_col: int | None = None
        self._descending = False
        self.font_for: Callable[[R, int], Any] | None = None

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns)
                and role == Qt.ItemDataRole.DisplayRole):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._all[self._ids[index.row()]]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.display(row)
            return None if value is None else str(value)
        if role == SORT_ROLE:
            return (col.sort or col.display)(row)
        if role == Qt.ItemDataRole.ForegroundRole and col.foreground is not None:
            return col.foreground(row)
        if role == Qt.ItemDataRole.BackgroundRole and col.background is not None:
            return col.background(row)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return col.align
        if role == Qt.ItemDataRole.FontRole and self.font_for is not None:
            return self.font_for(row, index.column())
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return self._ids[index.row()]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Asked for every painted cell, every second on a live board: no enum arithmetic here.
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks land here; the view keeps its selection through the layout change."""
        self._sort_col = column if 0 <= column < len(self.columns) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._relayout()

    # -- the cache -------------------------------------------------------------------------
    def ids(self) -> list[Hashable]:
        """Shown rows in display order."""
        return list(self._ids)

    def all_ids(self) -> list[Hashable]:
        return list(self._all)

    def row(self, row_id: Hashable) -> R | None:
        return self._all.get(row_id)

    def rows(self) -> Iterable[R]:
        return self._all.values()

    def position(self, row_id: Hashable) -> int | None:
        return self._pos.get(row_id)

    def index_of(self, row_id: Hashable, column: int = 0) -> QModelIndex:
        pos = self._pos.get(row_id)
        return QModelIndex() if pos is None else self.index(pos, column)

    def id_at(self, position: int) -> Hashable:
        return self._ids[position]

    def text_at(self, position: int, column: int) -> str:
        """The display text of a cell, for a delegate painting it every second: a direct call
        costs a fraction of QModelIndex.data(), which wraps the answer in a QVariant and back."""
        value = self.columns[column].display(self._all[self._ids[position]])
        return "" if value is None else str(value)

    def set_rows(self, rows: Iterable[R]) -> None:
        """The first load (or a station switch): the only place the model resets."""
        self.beginResetModel()
        self._all = {self._key(r): r for r in rows}
        self._seq = {k: i for i, k in enumerate(self._all)}
        self._next_seq = len(self._seq)
        self._rebuild()
        self.endResetModel()

    # Past this many separate blocks a filter change resets instead: one reset costs the view
    # less than hundreds of interleaved inserts (a user's keystroke, never the tick).
    MAX_FILTER_BLOCKS = 24

    def set_filter(self, accept: Callable[[R], bool] | None) -> None:
        """A new filter (a keystroke in the filter box): rows leave and enter in blocks."""
        self._accept = accept
        wanted = self._ordered([k for k, r in self._all.items() if accept is None or accept(r)])
        if self._blocks(wanted) > self.MAX_FILTER_BLOCKS:
            self.beginResetModel()
            self._ids = wanted
            self._keys = [self._full_key(k) for k in wanted]
            self._pos = {k: i for i, k in enumerate(wanted)}
            self.endResetModel()
            return
        self._apply_order(wanted)

    def _blocks(self, wanted: list[Hashable]) -> int:
        """How many remove and insert blocks moving from the shown rows to `wanted` takes."""
        keep, shown = set(wanted), set(self._ids)
        blocks, prev_gone, prev_new = 0, False, False
        for k in self._ids:
            gone = k not in keep
            blocks += gone and not prev_gone
            prev_gone = gone
        for k in wanted:
            new = k not in shown
            blocks += new and not prev_new
            prev_new = new
        return blocks

    # -- internals -------------------------------------------------------------------------
    def _sort_key(self, k: Hashable) -> Any:
        if self._sort_col is None:
            return (0, 0)  # insertion order: ties keep their arrival order below
        col = self.columns[self._sort_col]
        value = _none_last((col.sort or col.display)(self._all[k]))
        return _Desc(value) if self._descending else value

    def _full_key(self, k: Hashable) -> tuple[Any, int]:
        return (self._sort_key(k), self._seq[k])

    def _ordered(self, ids: list[Hashable]) -> list[Hashable]:
        return sorted(ids, key=self._full_key)

    def _rebuild(self) -> None:
        accept = self._accept
        self._ids = self._ordered([k for k, r in self._all.items() if accept is None or accept(r)])
        self._keys = [self._full_key(k) for k in self._ids]
        self._pos = {k: i for i, k in enumerate(self._ids)}

    def _relayout(self) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self._ids[i.row()], i.column()) for i in old]
        self._rebuild()
        self.changePersistentIndexList(
            old, [self.index(self._pos[k], c) for k, c in old_ids]
        )
        self.layoutChanged.emit()

    def _apply_order(self, wanted: list[Hashable]) -> None:
        """Move from the shown rows to `wanted` (already ordered) with removes then inserts."""
        keep = set(wanted)
        gone = [k for k in self._ids if k not in keep]
        self._remove_shown(gone)
        shown = set(self._ids)
        # Insert the new ones in blocks of consecutive positions of the wanted order.
        i = 0
        while i < len(wanted):
            if wanted[i] in shown:
                i += 1
                continue
            j = i
            while j < len(wanted) and wanted[j] not in shown:
                j += 1
            block = wanted[i:j]
            at = i  # everything before i in `wanted` is shown already, in the same order
            self.beginInsertRows(QModelIndex(), at, at + len(block) - 1)
            self._ids[at:at] = block
            self._keys[at:at] = [self._full_key(k) for k in block]
            self.endInsertRows()
            shown.update(block)
            i = j
        self._pos = {k: i for i, k in enumerate(self._ids)}

    def _remove_shown(self, row_ids: Iterable[Hashable]) -> None:
        positions = sorted({self._pos[k] for k in row_ids if k in self._pos}, reverse=True)
        blocks: list[tuple[int, int]] = []
        for p in positions:  # descending: extend a block downwards
            if blocks and blocks[-1][0] == p + 1:
                blocks[-1] = (p, blocks[-1][1])
            else:
                blocks.append((p, p))
        for start, end in blocks:  # bottom first, so earlier positions stay valid
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._ids[start : end + 1]
            del self._keys[start : end + 1]
            self.endRemoveRows()
        if blocks:
            self._pos = {k: i for i, k in enumerate(self._ids)}

    # -- changes ---------------------------------------------------------------------------
    def upsert(self, rows: Iterable[R]) -> None:
        """Changed rows repaint in place or move to their sorted place; new rows are inserted."""
        last = len(self.columns) - 1
        for r in rows:
            k = self._key(r)
            if k in self._all and self._all[k] == r:
                continue
            self._all[k] = r
            if k not in self._seq:
                self._seq[k] = self._next_seq
                self._next_seq += 1
            full = self._full_key(k)
            visible = self._accept is None or self._accept(r)
            pos = self._pos.get(k)
            if pos is not None and not visible:
                self._remove_shown([k])
            elif pos is None and visible:
                at = bisect_left(self._keys, full)
                self.beginInsertRows(QModelIndex(), at, at)
                self._ids.insert(at, k)
                self._keys.insert(at, full)
                self.endInsertRows()
                self._pos = {kk: i for i, kk in enumerate(self._ids)}
            elif pos is not None:
                if self._keys[pos] == full:
                    self.dataChanged.emit(self.index(pos, 0), self.index(pos, last))
                    continue
                # Where would it go among the others? Look without it, then put it back.
                del self._keys[pos]
                del self._ids[pos]
                at = bisect_left(self._keys, full)
                self._keys.insert(pos, full)
                self._ids.insert(pos, k)
                if at == pos:
                    self.dataChanged.emit(self.index(pos, 0), self.index(pos, last))
                    continue
                # Qt's destination counts positions before the move.
                dest = at if at < pos else at + 1
                self.beginMoveRows(QModelIndex(), pos, pos, QModelIndex(), dest)
                del self._keys[pos]
                del self._ids[pos]
                self._keys.insert(at, full)
                self._ids.insert(at, k)
                self.endMoveRows()
                lo, hi = min(pos, at), max(pos, at)
                for i in range(lo, hi + 1):
                    self._pos[self._ids[i]] = i
                self.dataChanged.emit(self.index(at, 0), self.index(at, last))

    def remove(self, row_ids: Iterable[Hashable]) -> None:
        """Rows that left the cache (an incident closed): removed in contiguous blocks."""
        row_ids = [k for k in row_ids if k in self._all]
        self._remove_shown(row_ids)
        for k in row_ids:
            del self._all[k]
            del self._seq[k]

    def touch_live(self, roles: Sequence[int] = LIVE_ROLES) -> None:
        """The clock moved: repaint the live columns only, one signal per contiguous column block."""
        if not self._ids or not self._live_cols:
            return
        bottom = len(self._ids) - 1
        start = prev = self._live_cols[0]
        for c in [*self._live_cols[1:], None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            self.dataChanged.emit(self.index(0, start), self.index(bottom, prev), list(roles))
            if c is not None:
                start = prev = c

    def touch_rows(self, row_ids: Iterable[Hashable]) -> None:
        """Repaint whole rows whose looks depend on state kept outside the row (e.g. an alert)."""
        last = len(self.columns) - 1
        for k in row_ids:
            pos = self._pos.get(k)
            if pos is not None:
                self.dataChanged.emit(self.index(pos, 0), self.index(pos, last))
