"""The unit board's cover line: the plan's 3-minute cover now against as planned, and the
move-up (补位) that brings it back when units are out on calls."""

from __future__ import annotations

import time
from collections.abc import Sequence
from html import escape as html_escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ...domain.allocation.move_up import CoverNow, Move
from ...domain.errors import ConflictError, KnownError
from ...domain.permissions import is_permitted
from ...services.move_up import (
    MoveChoices,
    MoveUpInfo,
    move_up_choices,
    order_move_up,
    plan_cover_now,
)
from ...services.units import UnitRow
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import error_text
from ..theme import BREACH, MUTED, NEAR, ui_font
from .move_dialog import MoveUpDialog, held_reason

# A drop of this much of the expected demand reads as a gap to fill, not a dip.
WIDE_GAP = 0.15
# At most this often: positions come in all the time, and on a big station the cover takes
# 0.1 s of a core (5,000 cells x 300 points x 30 units).
COVER_EVERY_S = 5.0


class CoverLine(QLabel):
    """Hidden while no plan is in force. Worked out off the GUI thread from the board's rows as
    they load, one at a time, and handed to the map (AppContext.cover_changed). A unit to move
    is a link: clicked, it is selected on the board and the map. Where the role may, each move
    has a link that gives it as an order once the crew has been radioed (order_move_up)."""

    unit_picked = Signal(int)

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setFont(ui_font(10))
        # Its colour rule names it alone: a style sheet cascades to children, and Ctrl+M's
        # dialog is one (its whole table came out in the line's warning red).
        self.setObjectName("coverLine")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)  # names are escaped: they come from the roll
        self.linkActivated.connect(self._picked)
        self.unit_picked.connect(lambda unit_id: app.selected.emit("unit", unit_id))
        self.cover: CoverNow | None = None
        self._rows: list[UnitRow] = []
        self._working = False
        self._again = False
        self._worked_at = -COVER_EVERY_S
        self._ordering: set[int] = set()  # units whose order is on its way
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._work_out)
        self.hide()

    def rows_loaded(self, rows: Sequence[UnitRow]) -> None:
        """The board read its units: the cover follows, within COVER_EVERY_S."""
        self._rows = list(rows)
        if not self._timer.isActive():
            wait = COVER_EVERY_S - (time.monotonic() - self._worked_at)
            self._timer.start(max(0, int(wait * 1000)))

    def _work_out(self) -> None:
        if self._working:
            self._again = True
            return
        self._working, self._again = True, False
        self._worked_at = time.monotonic()
        self.app.run(plan_cover_now, self.app.ctx, self._rows,
                     on_done=guarded(self, self._worked_out), on_error=guarded(self, self._failed))

    def _worked_out(self, cover: CoverNow | None) -> None:
        self._working = False
        self.show_cover(cover)
        self.app.cover_changed.emit(cover)
        if self._again:
            self._work_out()

    def _failed(self, exc: BaseException) -> None:
        self._working = False
        self.show_cover(None)
        self.app.report_error(exc)

    def _picked(self, link: str) -> None:
        kind, _sep, value = link.partition(":")
        if kind == "unit" and value.isdigit():
            self.unit_picked.emit(int(value))
        elif kind == "order" and self.cover is not None and value.isdigit() \
                and int(value) < len(self.cover.moves):
            self.order(self.cover.moves[int(value)])

    def may_order(self) -> bool:
        return is_permitted(self.app.ctx.actor.role, "unit.move_up")

    def move_for(self, unit_id: int) -> Move | None:
        """The move suggested now for this unit that is an order to give, if any."""
        moves = self.cover.moves if self.cover is not None else ()
        return next((m for m in moves if m.unit_id == unit_id and not m.already_ordered), None)

    def ordered_move_for(self, unit_id: int) -> Move | None:
        """The move the line names for this unit that is its order already, if any."""
        moves = self.cover.moves if self.cover is not None else ()
        return next((m for m in moves if m.unit_id == unit_id and m.already_ordered), None)

    def order(self, move: Move) -> None:
        """Give a suggested move as the unit's order: the board, the map and the other seats
        follow it, and the cover line works out the cover again."""
        self._send(move.unit_id, move.point.key, move.order_key or None,
                   self.cover.plan_id or None if self.cover is not None else None)

    def send_back(self, row: UnitRow) -> None:
        """End a unit's move-up: back to its own point in the plan."""
        if not row.moved_from_key:
            self.app.notify(self.tr("%1 is not moved up: its order is its plan point")
                            .replace("%1", row.call_sign), "warning")
            return
        self._send(row.id, row.moved_from_key, row.patrol_key or None, row.patrol_plan_id)

    def choose(self, row: UnitRow) -> None:
        """The unit's move-up to a point the duty officer picks from the plan's, each shown with
        the cover it would give (worked out off the GUI thread first)."""
        if not self.may_order():
            self.app.notify(self.tr("Your role may not give move-up orders"), "warning")
            return

        def pick(choices: MoveChoices) -> None:
            if not choices.options:
                self.app.notify(self.tr("The plan in force lists no points to move %1 to")
                                .replace("%1", choices.call_sign), "warning")
                return
            if not any(not o.ordered and (choices.movable or o.back) for o in choices.options):
                self.app.notify(self.tr("%1 cannot be moved up now (%2), and is ordered to its own "
                                        "point").replace("%1", choices.call_sign)
                                .replace("%2", held_reason(choices)), "warning")
                return
            dialog = MoveUpDialog(choices, self)
            if dialog.exec() and (o := dialog.chosen()) is not None:
                self._send(choices.unit_id, o.point.key, choices.order_key, choices.plan_id)
            dialog.deleteLater()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KnownError):
                self.app.notify(error_text(exc), "warning")
            else:
                self.app.report_error(exc)

        self.app.run(move_up_choices, self.app.ctx, row.id, self._rows or None,
                     on_done=guarded(self, pick), on_error=guarded(self, failed))

    def _send(self, unit_id: int, point_key: str, seen_point: str | None, seen_plan: int | None) -> None:
        if not self.may_order():
            self.app.notify(self.tr("Your role may not give move-up orders"), "warning")
            return
        if unit_id in self._ordering:
            return  # the first press is on its way: a second would be refused as a conflict
        self._ordering.add(unit_id)

        def done(info: MoveUpInfo) -> None:
            self._ordering.discard(unit_id)
            self.app.announce(info.change)
            text = self.tr("%1 sent back to its point %2") if info.back else \
                self.tr("Move-up ordered: %1 → %2")
            self.app.notify(text.replace("%1", info.call_sign).replace("%2", info.point_name))

        def failed(exc: BaseException) -> None:
            self._ordering.discard(unit_id)
            if isinstance(exc, KnownError):
                self.app.notify(error_text(exc), "warning" if isinstance(exc, ConflictError) else "error")
            else:
                self.app.report_error(exc)

        self.app.run(order_move_up, self.app.ctx, unit_id, point_key, seen_point_key=seen_point,
                     seen_plan_id=seen_plan,
                     on_done=guarded(self, done), on_error=guarded(self, failed))

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
                "%1", escape(self.tr(", ").join(cover.out)))
        if cover.moves:
            order = escape(self.tr("order it"))
            may_order = self.may_order()
            moves = escape(self.tr("; ")).join(
                escape(self.tr("%1 back to %2 (%3 min)") if m.back else
                       self.tr("%1 → %2 (%3 min, as ordered)") if m.already_ordered else
                       self.tr("%1 → %2 (%3 min)"))
                .replace("%1", f"<a href='unit:{m.unit_id}' style='color:{colour}'>{escape(m.call_sign)}</a>")
                .replace("%2", escape(m.point.name)).replace("%3", str(max(1, round(m.minutes))))
                + (f" <a href='order:{i}' style='color:{colour}'>[{order}]</a>"
                   if may_order and not m.already_ordered else "")
                for i, m in enumerate(cover.moves))
            text += escape(self.tr(" · move up: %1, cover back to %2")).replace("%1", moves).replace(
                "%2", _pct(cover.once_after))
        self.setStyleSheet(f"QLabel#coverLine {{ color: {colour} }}")
        self.setText(text)
        self.show()


def escape(text: str) -> str:
    """Text shown as is in the rich-text line: <, > and & only (quotes are fine there)."""
    return html_escape(text, quote=False)


def _pct(share: float) -> str:
    return f"{share:.0%}"
