"""Form dialog plumbing: OK and Cancel wired to accept and reject, the error line under a form,
a form shown again, input kept, when the service refuses what was typed, and a multi-line text
form that shows its length limit while the officer types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import CHINA_TZ, local
from ..domain.errors import ConflictError, KnownError, ValidationErrors
from .board.guard import guarded
from .context import saving
from .error_text import error_text
from .theme import BREACH

Failed = Callable[[BaseException], None]
T = TypeVar("T")


def qdatetime(dt: datetime) -> QDateTime:
    """A time for a date-time editor, as the officer reads the board's clock (China time)."""
    d = local(dt)
    return QDateTime(d.year, d.month, d.day, d.hour, d.minute, d.second)


def china_datetime(q: QDateTime) -> datetime:
    """What a date-time editor shows, to the minute, as an aware China time."""
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=CHINA_TZ)


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK accepts the dialog (its accept() checks the input first), Cancel rejects it."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_line() -> QLabel:
    """Where a dialog says what is wrong with the input (and where), in the breach colour."""
    label = QLabel()
    label.setStyleSheet(f"color: {BREACH.name()}")
    label.setWordWrap(True)
    return label


TITLE_BAR = 40  # px a window's title bar and frame may take above a dialog, generously


def open_within_screen(window: QWidget, width: int, height: int) -> None:
    """Open at width x height, or smaller to fit the screen's free room less a title bar: a
    window bigger than the screen (1600x1000 on a 1366x768 one) puts its buttons and status bar
    under the taskbar or off the screen, and Windows does not pull it back."""
    room = window.screen().availableGeometry()
    window.resize(min(width, room.width()), min(height, room.height() - TITLE_BAR))


def grow_within_screen(dialog: QWidget) -> None:
    """Grow a dialog to its content's height, as far as its screen's free room allows, and keep it
    on the screen. Qt opens a dialog at most 2/3 of the screen high and never grows it for
    content shown later (a warning, an error): that content was squeezed instead."""
    room = dialog.screen().availableGeometry()
    height = min(dialog.sizeHint().height(), room.height() - TITLE_BAR)
    if height <= dialog.height():
        return
    dialog.resize(dialog.width(), height)
    frame = dialog.frameGeometry()
    if frame.bottom() > room.bottom():
        dialog.move(frame.x(), max(room.top(), room.bottom() - frame.height()))


def scroll_area(content: QWidget) -> QScrollArea:
    """content in a frameless scroll area that sizes it to the room: with room enough no scroll
    bar shows and it looks as it would without one; with less, it scrolls instead of pushing the
    window or dialog past the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


def form_with_buttons(dialog: QDialog, form: QFormLayout, *below: QWidget) -> QDialogButtonBox:
    """The form, then the given widgets (the error line), then OK and Cancel."""
    buttons = ok_cancel(dialog)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    for widget in below:
        layout.addWidget(widget)
    layout.addWidget(buttons)
    return buttons


def code_and_name(code: str, name: str, *, new: bool) -> tuple[QLineEdit, QLineEdit]:
    """A map form's code and name boxes. A stored point or zone keeps its code, read-only: the
    import matches them by code, and a changed one would add a second."""
    code_box = QLineEdit(code)
    code_box.setMaxLength(40)
    code_box.setReadOnly(not new)
    code_box.setStyleSheet("QLineEdit:read-only { background: palette(window); }")
    name_box = QLineEdit(name)
    name_box.setMaxLength(120)
    return code_box, name_box


def each_problem_on_a_line(exc: BaseException) -> str:
    """A form's refusal: every problem on its own line, by field (an import's wording numbers
    features, which a form has none of)."""
    if isinstance(exc, ValidationErrors):
        return "\n".join(error_text(p) for p in exc.problems)
    return error_text(exc)


def submit_form(dlg: Any, owner: QWidget, report_error: Failed,
                send: Callable[[dict[str, Any], Failed], None],
                on_cancel: Callable[[], None] | None = None) -> None:
    """Show the form (exec, values() and an error line), then send() what was typed, off the GUI
    thread. A refusal the service explains shows the form again with the reason and the input
    kept; anything else goes to report_error. on_cancel runs when the form is cancelled."""
    if dlg.exec() != QDialog.DialogCode.Accepted:
        # Cancelled: nothing will show it again, so it goes now rather than when its panel
        # closes (a chief opening and cancelling forms all shift kept every one alive). Unless
        # its panel went while it was open, taking it along.
        if shiboken6.isValid(dlg):
            dlg.deleteLater()
        if on_cancel is not None:
            on_cancel()
        return

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            report_error(exc)
            return
        # A form may word a refusal its own way (several problems at once, by its fields).
        own = getattr(dlg, "refusal_text", None)
        dlg.error.setText(own(exc) if own is not None else error_text(exc))
        submit_form(dlg, owner, report_error, send, on_cancel)

    with saving(dlg.windowTitle()):  # named if the seat is signed out before this is saved
        send(dlg.values(), guarded(owner, refused))


def try_again_over(failed: Failed, known: list[T], kind: type[T]) -> Failed:
    """A form's refusal because another seat changed the record, for a form that comes back with
    it: known[0] (what the form sends as the record it knows: a version, the record's fields)
    becomes the record as the refusal read it (ConflictError.current), so OK again, told of that
    change, saves over it, and is refused in turn if another seat changes the record while the
    form is back. Read again once the refusal came in, a change made in between was overwritten
    unsaid."""
    def refused(exc: BaseException) -> None:
        if isinstance(exc, ConflictError) and isinstance(exc.current, kind):
            known[0] = exc.current
        failed(exc)

    return refused


class TextDialog(QDialog):
    """A note or a reason of several lines, for submit_form: the limit is on screen from the
    start and counts what the officer types, and OK refuses a text over it with the text
    kept (a one-line box took 2,500 characters, then the service refused and they were gone)."""

    def __init__(self, title: str, label: str, limit: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.limit = limit
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab reaches OK; Enter is a new line
        self.count = QLabel()
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = error_line()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        # Enter starts a new line here, so the keyboard needs another way to OK.
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.accept)
        self.text.textChanged.connect(self._counted)
        self._counted()
        self.resize(560, 320)
        self.text.setFocus()

    def _length(self) -> int:
        return len(self.text.toPlainText().strip())  # as the services count it

    def _counted(self) -> None:
        n = self._length()
        self.count.setText(self.tr("%1 / %2 characters").replace("%1", str(n)).replace("%2", str(self.limit)))
        self.count.setStyleSheet(f"color: {BREACH.name()}" if n > self.limit else "")

    def accept(self) -> None:
        n = self._length()
        if n > self.limit:
            self.error.setText(self.tr("Too long: %1 characters, at most %2")
                               .replace("%1", str(n)).replace("%2", str(self.limit)))
            self.text.setFocus()
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        return {"text": self.text.toPlainText().strip()}
