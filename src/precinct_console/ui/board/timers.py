"""Timer cells: evaluated from cached step times at the board's clock, drawn large, coloured and marked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...domain.response import Timer, TimerState
from ..i18n import QT_TRANSLATE_NOOP
from ..labels import english_window, pick
from ..theme import STATE_COLOURS, STATE_SYMBOLS, ui_font

TIMER_ROLE = Qt.ItemDataRole.UserRole + 10  # the domain Timer of a cell


def clock_text(seconds: float) -> str:
    """'4:05', '1:02:03': minutes and seconds, hours only when needed."""
    s = int(abs(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def timer_text(t: Timer) -> str:
    """Symbol plus time: remaining while running, overrun once breached, taken when met."""
    sym = STATE_SYMBOLS[t.state.value]
    if t.state is TimerState.NA:
        return sym
    if t.state in (TimerState.PENDING, TimerState.NEAR):
        return f"{sym} {clock_text(t.remaining_s or 0)}"
    if t.state is TimerState.BREACHED:
        return f"{sym} +{clock_text(-(t.remaining_s or 0))}"
    return f"{sym} {clock_text(t.elapsed_s)}"


_STATE_WORDS = {
    TimerState.PENDING: QT_TRANSLATE_NOOP("TimerTooltip", "running"),
    TimerState.NEAR: QT_TRANSLATE_NOOP("TimerTooltip", "near the limit"),
    TimerState.BREACHED: QT_TRANSLATE_NOOP("TimerTooltip", "BREACHED"),
    TimerState.MET: QT_TRANSLATE_NOOP("TimerTooltip", "met"),
    TimerState.NA: QT_TRANSLATE_NOOP("TimerTooltip", "not applicable"),
}


def timer_tooltip(t: Timer, now: datetime) -> str:
    def tr(text: str) -> str:
        return QCoreApplication.translate("TimerTooltip", text)

    if t.limit_s is None:
        return QCoreApplication.translate("TimerTooltip", "%1: not applicable to this incident").replace(
            "%1", pick(t.label_zh, t.label_en))
    text = QCoreApplication.translate("TimerTooltip", "%1 (%2), limit %3: %4; %5 since receipt")
    # The window's own word first, the other as a gloss: officers know the targets by both.
    first, gloss = (t.label_en, t.label_zh) if english_window() else (t.label_zh, t.label_en)
    for key, value in (("%1", first), ("%2", gloss), ("%3", clock_text(t.limit_s)),
                       ("%4", tr(_STATE_WORDS[t.state])), ("%5", clock_text(t.elapsed_s))):
        text = text.replace(key, value)
    return text


def _tint(state: TimerState) -> QColor:
    c = QColor(STATE_COLOURS[state.value])
    c.setAlpha(70 if state in (TimerState.NEAR, TimerState.BREACHED) else 28)
    return c


# Painted ~100 times a second on a full board: colours are made once.
_TINTS = {s: _tint(s) for s in TimerState}
_PENS = {s: (QColor(STATE_COLOURS[s.value]).darker(125) if s is not TimerState.NA
             else QColor(STATE_COLOURS[s.value])) for s in TimerState}
_BARS = {s: QColor(STATE_COLOURS[s.value]) for s in TimerState}


def tint(state: TimerState) -> QColor:
    return _TINTS[state]


class StaticTexts:
    """Laid-out texts for cells that repaint every second. drawText shapes its string on every
    call; a QStaticText is shaped once and drawn at about half the cost (measured: 90 timer
    cells, 1.2 ms by drawText, 0.5-0.6 ms from the cache). A board shows a few hundred distinct
    times at once; the cache is emptied when it grows past what a day of them could need."""

    LIMIT = 4000

    def __init__(self, font: QFont):
        self.font = font
        self._texts: dict[str, QStaticText] = {}

    def draw(self, painter: QPainter, rect: QRect, text: str, *, right: bool = False) -> None:
        """Centred in rect, or right-aligned; vertically centred either way."""
        st = self._texts.get(text)
        if st is None:
            if len(self._texts) >= self.LIMIT:
                self._texts.clear()
            st = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self.font)
            self._texts[text] = st
        # drawStaticText lays the text out again unless the painter's font is the prepared one.
        painter.setFont(self.font)
        size = st.size()
        x = rect.right() + 1 - size.width() if right else rect.left() + (rect.width() - size.width()) / 2
        painter.drawStaticText(QPointF(x, rect.top() + (rect.height() - size.height()) / 2), st)


class TimerDelegate(QStyledItemDelegate):
    """Big bold time with its state symbol, a state-coloured cell and a progress bar along the bottom.

    Colour is never the only cue: the symbol (✓ ◷ ▲ ✖) and the sign of the time say the same.
    """

    def __init__(self, parent: Any = None, point_size: float = 15.0,
                 timer_at: Callable[[int, int], Timer | None] | None = None):
        super().__init__(parent)
        self.font = ui_font(point_size, bold=True)
        self.texts = StaticTexts(self.font)
        # The model's own lookup by row and column, when given: index.data() costs more.
        self.timer_at = timer_at

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        timer: Timer | None = (index.data(TIMER_ROLE) if self.timer_at is None
                               else self.timer_at(index.row(), index.column()))
        if timer is None:
            super().paint(painter, option, index)
            return
        painter.save()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        if option.state & QStyle.StateFlag.State_Selected:  # type: ignore[attr-defined]
            painter.fillRect(rect, option.palette.highlight())  # type: ignore[attr-defined]
        state = timer.state
        painter.fillRect(rect.adjusted(1, 1, -1, -1), _TINTS[state])
        if timer.limit_s and state in (TimerState.PENDING, TimerState.NEAR, TimerState.BREACHED):
            frac = min(1.0, timer.elapsed_s / timer.limit_s)
            bar = QRect(rect.left() + 2, rect.bottom() - 4, int((rect.width() - 4) * frac), 3)
            painter.fillRect(bar, _BARS[state])
        painter.setPen(_PENS[state])
        self.texts.draw(painter, rect.adjusted(4, 0, -4, -3), timer_text(timer))
        painter.restore()


class LiveTextDelegate(QStyledItemDelegate):
    """Plain text for a live column (the age): one data() call a cell instead of the ~7 roles the
    default delegate asks for, since every visible cell of the column repaints each second."""

    def __init__(self, parent: Any = None, text_at: Callable[[int, int], str] | None = None):
        super().__init__(parent)
        self._texts: dict[str, StaticTexts] = {}  # by font: an alerting row's cells are bold
        self.text_at = text_at  # the model's direct lookup, when given

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        text = (index.data(Qt.ItemDataRole.DisplayRole) if self.text_at is None
                else self.text_at(index.row(), index.column()))
        painter.save()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        if selected:
            painter.fillRect(rect, palette.highlight())
            painter.setPen(palette.highlightedText().color())
        font: QFont = option.font  # type: ignore[attr-defined]
        texts = self._texts.get(font.key())
        if texts is None:
            texts = self._texts[font.key()] = StaticTexts(QFont(font))
        texts.draw(painter, rect.adjusted(4, 0, -6, 0), text or "", right=True)
        painter.restore()
