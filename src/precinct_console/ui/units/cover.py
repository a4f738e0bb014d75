"""The unit board's cover line: the plan's 3-minute cover now against as planned, and the
move-up (补位) that brings it back when units are out on calls."""

from __future__ import annotations

from html import escape as html_escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ...domain.allocation.move_up import CoverNow
from ..theme import BREACH, MUTED, NEAR, ui_font

# A drop of this much of the expected demand reads as a gap to fill, not a dip.
WIDE_GAP = 0.15


class CoverLine(QLabel):
    """Hidden while no plan is in force. A unit to move is a link: clicked, it is selected on
    the board and the map."""

    unit_picked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(ui_font(10))
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)  # names are escaped: they come from the roll
        self.linkActivated.connect(self._picked)
        self.cover: CoverNow | None = None
        self.hide()

    def _picked(self, link: str) -> None:
        kind, _sep, unit_id = link.partition(":")
        if kind == "unit" and unit_id.isdigit():
            self.unit_picked.emit(int(unit_id))

    def show_cover(self, cover: CoverNow | None) -> None:
        self.cover = cover
        if cover is None:
            self.hide()
            return
        drop = cover.planned_once - cover.once
        colour = (BREACH if drop >= WIDE_GAP else NEAR if cover.short else MUTED).darker(110).name()
        text = escape(self.tr("3-min cover of the plan's expected calls: %1 now (as planned %2)")).replace(
            "%1", _pct(cover.once)).replace("%2", _pct(cover.planned_once))
        if cover.out:
            text += escape(self.tr(" · not at their points: %1")).replace(
                "%1", escape("、".join(cover.out)))
        if cover.moves:
            moves = escape("；").join(
                escape(self.tr("%1 back to %2 (%3 min)") if m.back else self.tr("%1 → %2 (%3 min)"))
                .replace("%1", f"<a href='unit:{m.unit_id}' style='color:{colour}'>{escape(m.call_sign)}</a>")
                .replace("%2", escape(m.point.name)).replace("%3", str(max(1, round(m.minutes))))
                for m in cover.moves)
            text += escape(self.tr(" · move up: %1, cover back to %2")).replace("%1", moves).replace(
                "%2", _pct(cover.once_after))
        self.setStyleSheet(f"color: {colour}")
        self.setText(text)
        self.show()


def escape(text: str) -> str:
    """Text shown as is in the rich-text line: <, > and & only (quotes are fine there)."""
    return html_escape(text, quote=False)


def _pct(share: float) -> str:
    return f"{share:.0%}"
