"""The incident board's columns: widths from the fonts, the order a duty officer reads, and 地址
taking the room the others leave so that 状态 stays in view beside the detail pane and alerts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

from ..labels import incident_statuses, priority_labels
from .model import BoardModel
from .timers import LiveTextDelegate, TimerDelegate

ADDRESS_WIDTH = 160  # px: about ten characters of an address, more where the board has room
# Left to right, what a duty officer reads first: which incident, how old, the 1-3-5 clocks, how
# urgent, what, where it stands, where. Units, grid and repeats may scroll beside a docked board.
COLUMN_ORDER = ("number", "age", "timer:", "priority", "category", "status", "address", "units",
                "grid", "repeats")


class BoardColumns(QObject):
    """Sizes and orders the board table's columns, again whenever the model's columns change
    (a new response profile) and as the table or a column is resized."""

    def __init__(self, table: QTableView, model: BoardModel, delegate: TimerDelegate,
                 age_delegate: LiveTextDelegate, parent: QObject | None = None):
        super().__init__(parent)
        self.table, self.model = table, model
        self._viewport = table.viewport()
        self.delegate, self.age_delegate = delegate, age_delegate
        self._address_fits = True  # until the officer sets the address column's width by hand
        self._sizing = False  # our own resizing of sections, not the officer's
        self._apply_columns()
        model.modelReset.connect(self._apply_columns)
        table.horizontalHeader().sectionResized.connect(self._section_resized)
        table.viewport().installEventFilter(self)

    def _apply_columns(self) -> None:
        """Each column as wide as its content needs, 地址 taking what is left (so 状态 stays in
        view beside the detail pane and the alert dock at 1600x1000); run again when the
        response profile rebuilds the columns."""
        self._sizing = True
        try:
            self._set_columns()
        finally:
            self._sizing = False
        self._fit_address()

    def _set_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        widths = self._column_widths()
        for i, c in enumerate(self.model.columns):
            if c.key.startswith("timer:"):
                self.table.setItemDelegateForColumn(i, self.delegate)
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
            elif c.key == "age":
                self.table.setItemDelegateForColumn(i, self.age_delegate)
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            if c.key in widths:
                self.table.setColumnWidth(i, widths[c.key])
        # The model's order stays (sorting, exports); only where the header shows them moves.
        rank = {key: n for n, key in enumerate(COLUMN_ORDER)}

        def place(i: int) -> tuple[int, int]:
            key = self.model.columns[i].key
            return rank.get("timer:" if key.startswith("timer:") else key, len(rank)), i

        for visual, logical in enumerate(sorted(range(len(self.model.columns)), key=place)):
            if header.visualIndex(logical) != visual:
                header.moveSection(header.visualIndex(logical), visual)

    def _fit_address(self) -> None:
        """地址 takes the room the other columns leave, as a stretched column would; but where
        they leave too little it ends at the view's right edge and 出警警力, 网格 and 重复 go
        past it (a stretched column before them shrank to 40 px, still pushing 状态 out)."""
        header = self.table.horizontalHeader()
        address = next((i for i, c in enumerate(self.model.columns) if c.key == "address"), None)
        if not self._address_fits or address is None:
            return
        place = header.visualIndex(address)
        before = after = 0
        for i in range(header.count()):
            if not header.isSectionHidden(i) and i != address:
                if header.visualIndex(i) < place:
                    before += header.sectionSize(i)
                else:
                    after += header.sectionSize(i)
        room = self.table.viewport().width()
        width = max(room - before - after, min(ADDRESS_WIDTH, room - before), header.minimumSectionSize())
        if width != header.sectionSize(address):
            self._sizing = True
            try:
                header.resizeSection(address, width)
            finally:
                self._sizing = False

    def _section_resized(self, logical: int, _old: int, _new: int) -> None:
        if self._sizing or logical >= len(self.model.columns):
            return
        if self.model.columns[logical].key == "address":
            self._address_fits = False  # the officer's own width wins from now on
        else:
            self._fit_address()  # another column widened or narrowed by hand: 地址 follows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The type first: while the board is torn down its table may already be gone.
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self._fit_address()  # the board resized, or the vertical scroll bar came or went
        return super().eventFilter(watched, event)

    def _column_widths(self) -> dict[str, int]:
        """From the fonts, not fixed pixels: the content the officer reads plus the cell margins."""
        text = QFontMetrics(self.table.font())
        bold = QFontMetrics(self.table.horizontalHeader().font())  # the number column is bold too
        timer = QFontMetrics(self.delegate.font)
        pad = 12

        def title(key: str) -> int:
            i = next((i for i, c in enumerate(self.model.columns) if c.key == key), -1)
            name = str(self.model.headerData(i, Qt.Orientation.Horizontal) or "") if i >= 0 else ""
            return bold.horizontalAdvance(name) + pad

        widths = {
            "number": bold.horizontalAdvance("20261204-0000") + pad,
            "age": max(title("age"), text.horizontalAdvance("0:00:00") + pad),
            "priority": max(title("priority"),
                            *(text.horizontalAdvance(p) + pad for p in priority_labels())),
            # A typical 大类/小类 whole; a longer one is elided (the detail pane has it whole).
            "category": text.horizontalAdvance("纠纷/家庭纠纷") + pad,
            "status": max(title("status"),
                          *(text.horizontalAdvance(s) + pad for s in incident_statuses())),
            "grid": 96, "units": 100, "repeats": 56,
        }
        for c in self.model.columns:
            if c.key.startswith("timer:"):
                # An overrun up to +59:59 whole in the delegate's big type.
                widths[c.key] = max(title(c.key), timer.horizontalAdvance("✖ +00:00") + 4)
        return widths
