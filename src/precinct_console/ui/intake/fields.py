"""Intake's smart fields: category search (Chinese, pinyin initials or code) and address completion."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QListWidget, QWidget

from ...domain import categories
from ...domain.categories import CategoryDef


def category_label(c: CategoryDef, table: dict[str, CategoryDef] | None = None) -> str:
    """'0601  纠纷/家庭纠纷': the code and the full path, which tell two 其他 apart."""
    return f"{c.code}  {categories.path_name(c.code, table or categories.by_code())}"


class CategoryEdit(QLineEdit):
    """Type 家庭, jtjf, 0601 or a path (纠纷/家庭); matches list below as you type, arrows move,
    leaving takes the highlighted one. Searches the station's tree once set_tree gives it.

    The match list is an ordinary widget in the form, not a popup: it stays in view while the
    officer types, and no window grabs the keyboard.
    """

    picked = Signal(object)  # CategoryDef

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.category: CategoryDef | None = None
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.results.itemClicked.connect(lambda _i: self._settle())
        self._matches: list[CategoryDef] = []
        self.tree: tuple[CategoryDef, ...] = categories.CATEGORIES
        self._table = categories.by_code()
        self.textEdited.connect(self._search)
        self.returnPressed.connect(self._settle)

    def set_tree(self, tree: tuple[CategoryDef, ...]) -> None:
        """The database's category tree (a station's own categories with the shipped ones)."""
        if tree:
            self.tree, self._table = tree, {c.code: c for c in tree}

    def _search(self, text: str) -> None:
        self.category = None
        self._matches = categories.search(text, self.tree)[:30] if text.strip() else []
        self.results.clear()
        self.results.addItems([category_label(c, self._table) for c in self._matches])
        if self._matches:
            self.results.setCurrentRow(0)
        self.results.setVisible(bool(self._matches))

    def _settle(self) -> None:
        if self.category is None and self._matches:
            row = max(0, self.results.currentRow())
            self.set_category(self._matches[min(row, len(self._matches) - 1)])

    def set_category(self, c: CategoryDef) -> None:
        self.category = c
        self.setText(category_label(c, self._table))
        self._matches = []
        self.results.clear()
        self.results.hide()
        self.picked.emit(c)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._matches:
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(len(self._matches) - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        # Leaving the field (Tab) with a query typed takes the highlighted match: no mouse needed.
        self._settle()
        super().focusOutEvent(event)


class AddressEdit(QLineEdit):
    """Completes from past addresses (fetched off the GUI thread, debounced while typing)."""

    chosen = Signal(object)  # services.views.PastAddress

    def __init__(self, fetch: Callable[[str, Callable[[list[Any]], None]], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._fetch = fetch
        self._past: dict[str, Any] = {}
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.activated.connect(self._take)
        self.setCompleter(self._completer)
        self._debounce = QTimer(self, singleShot=True, interval=180)
        self._debounce.timeout.connect(self._ask)
        self.textEdited.connect(lambda _t: self._debounce.start())

    def _ask(self) -> None:
        text = self.text()
        if len(text.strip()) >= 2:
            self._fetch(text, partial(self._show, text))

    def _show(self, asked: str, found: list[Any]) -> None:
        if asked != self.text() or not self.hasFocus():
            return  # the user typed on; a newer answer is coming
        self._past = {p.address: p for p in found}
        self._model.setStringList(list(self._past))
        if found:
            self._completer.complete()

    def _take(self, text: str) -> None:
        past = self._past.get(text)
        if past is not None:
            self.chosen.emit(past)
