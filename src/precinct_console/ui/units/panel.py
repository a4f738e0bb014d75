"""Unit status board: state (with symbol and colour), crew, current incident, time in state; set by key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...domain.allocation.visits import CLASH_MARK
from ...domain.changes import Change
from ...domain.clock import local
from ...domain.errors import ConflictError, KnownError
from ...domain.permissions import is_permitted
from ...domain.recommend import stale_position_age
from ...services.duty_alerts import RollCall, roll_call
from ...services.patrols import (
    PatrolRecord,
    patrol_zone_names,
    recent_patrols,
    record_patrol,
    withdraw_patrol,
)
from ...services.units import (
    UNIT_ROW_ENTITIES,
    UnitRow,
    list_units,
    minute_of,
    set_unit_status,
)
from ..board.guard import guarded
from ..board.table import ROW_ROLE, Column, ThinTableModel
from ..board.timers import clock_text
from ..board.view import LiveTableView
from ..context import AppContext
from ..error_text import error_text
from ..forms import Failed, submit_form
from ..theme import BREACH, INFO, MOVE_UP_COLOUR, MUTED, NEAR, OK, ui_font
from .cover import CoverLine
from .patrol_dialog import PatrolDialog, PatrolListDialog
from .words import unit_kind, unit_state

STATE_LOOK: dict[str, tuple[str, QColor]] = {
    "available": ("●", OK), "dispatched": ("➤", INFO), "en_route": ("➤", INFO),
    "on_scene": ("◆", NEAR), "returning": ("↩", QColor("#56B4E9")), "off_duty": ("–", MUTED),
}
ORDER = ("available", "returning", "dispatched", "en_route", "on_scene", "off_duty")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


class UnitsModel(ThinTableModel[UnitRow]):
    def __init__(self, clock: Callable[[], datetime], parent: Any = None):
        self.now = clock()
        cols: list[Column[UnitRow]] = [
            Column("call_sign", _tr("Unit"), lambda u: u.call_sign),
            Column("kind", _tr("Kind"), lambda u: unit_kind(u.kind)),
            Column("state", _tr("State"), lambda u: f"{STATE_LOOK.get(u.status, ('?',))[0]} {unit_state(u.status)}",
                   sort=lambda u: ORDER.index(u.status) if u.status in ORDER else 9,
                   foreground=lambda u: QBrush(STATE_LOOK.get(u.status, ("", MUTED))[1].darker(115))),
            Column("since", _tr("In state"), self._since, sort=lambda u: u.status_since,
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, live=True),
            Column("incident", _tr("Incident"), lambda u: u.incident_number),
            Column("crew", _tr("Crew"), self._crew),
            # The point, then the timed duties still to come: at 10:00 the 08:00-08:30 school
            # gate is done and only crowds the cell (the tooltip lists every one).
            Column("order", _tr("Patrol point"), self._order, live=True, tooltip=self._order_tip,
                   foreground=self._order_colour),
            Column("position", _tr("Position"), self._position, live=True,
                   foreground=lambda u: QBrush(NEAR.darker(125))
                   if stale_position_age(u.position_at, self.now) is not None else None),
        ]
        super().__init__(cols, key=lambda u: u.id, parent=parent)
        self.font_for = lambda u, c: ui_font(12, bold=c in (0, 2))

    def _order(self, u: UnitRow) -> str:
        first = self._leaving_text(u) or self._check_text(u)
        # Where it was sent, marked as such; the plan's own point is in the tooltip.
        point = _tr("%1 (moved up)").replace("%1", u.patrol_point) if u.moved_from else u.patrol_point
        return " · ".join(t for t in (first, point, u.duties_ahead(self.now)) if t)

    def _check_text(self, u: UnitRow) -> str:
        """On a duty under way, what its live position showed: there, or not there."""
        state = u.checked_on_duty(self.now)
        if not state or u.duty_checked_at is None:
            return ""
        when = local(u.duty_checked_at).strftime("%H:%M")
        if u.duty_check_source == "roll_call":  # the duty officer called the crew
            if state == "kept":
                return _tr("✔ at the duty (roll call %1)").replace("%1", when)
            if state == "late":
                return _tr("✔ at the duty since %1 (late, roll call)").replace("%1", when)
            return _tr("✖ not at the duty (roll call %1)").replace("%1", when)
        if state == "kept":
            return _tr("✔ at the duty (checked %1)").replace("%1", when)
        if state == "late":  # there now; the stretch still counts as not kept
            return _tr("✔ at the duty since %1 (late)").replace("%1", when)
        return _tr("✖ not at the duty (%1)").replace("%1", when)

    def _order_colour(self, u: UnitRow) -> QBrush | None:
        if u.leaving_for(self.now) is not None:
            return QBrush(NEAR.darker(125))
        if state := u.checked_on_duty(self.now):
            return QBrush((BREACH if state == "away" else OK).darker(125))
        if u.moved_from:  # moved up: in the map's move-up green, seen at a glance
            return QBrush(MOVE_UP_COLOUR.darker(115))
        return None

    def _leaving_text(self, u: UnitRow) -> str:
        """"Set out by 07:52 for the school gate": the crew must leave now to be there as it
        opens, and the duty officer reminds them (the plan's line on the map already points there)."""
        leaving = u.leaving_for(self.now)
        sets_out, basis = leaving.leave_by(self.now) if leaving is not None else (None, "")
        if leaving is None or sets_out is None:
            return ""
        text = _tr("Set out by %1 for %2").replace("%1", local(sets_out).strftime("%H:%M")) \
            .replace("%2", leaving.name)
        # What the time counts from, or it looks wrong beside the plan or the position column;
        # the set-out alert goes by the same time.
        return text + {"fix": _tr(" (from where it is now)"),
                       "moved": _tr(" (from where it was moved up to)"),
                       "stale": _tr(" (from its patrol point: no live position)"),
                       }.get(basis, _tr(" (from its patrol point)"))

    def _order_tip(self, u: UnitRow) -> str:
        moved = _tr("Moved up at %1 from its plan point %2 (Shift+M sends it back)").replace(
            "%1", local(u.moved_at).strftime("%H:%M")).replace("%2", u.moved_from) \
            if u.moved_from and u.moved_at is not None else ""
        return "\n".join(t for t in (self._leaving_text(u), self._check_text(u), moved,
                                      _duties_tip(u)) if t)

    def _crew(self, u: UnitRow) -> str:
        if u.crew:
            return "、".join(u.crew)
        if u.seats == 0:
            return "—"  # a drone carries nobody
        return _tr("nobody rostered (seats: %1)").replace("%1", str(u.seats))

    def _since(self, u: UnitRow) -> str:
        if u.status_since is None:
            return ""
        return clock_text((self.now - u.status_since).total_seconds())

    def _position(self, u: UnitRow) -> str:
        if u.position_at is None:
            return _tr("at its post")
        return stale_fix_text(u.position_at, self.now) or \
            _tr("live, %1 ago").replace("%1", clock_text((self.now - u.position_at).total_seconds()))


def _duties_tip(u: UnitRow) -> str:
    if not u.patrol_duties:
        return ""
    tip = _tr("Timed duties: %1").replace("%1", u.patrol_duties)
    if CLASH_MARK in u.patrol_duties:  # the plan could give the duty to no free unit
        tip += "\n" + CLASH_MARK + " " + _tr("due elsewhere at that time too")
    return tip


def stale_fix_text(position_at: datetime | None, now: datetime) -> str:
    """'▲ last fix 6:40 ago, not live' for a terminal gone quiet (the unit board, the map's
    hover): where the unit was, not where it is. Empty while the fix is live."""
    age = stale_position_age(position_at, now)
    return "" if age is None else "▲ " + _tr("last fix %1 ago, not live").replace("%1", clock_text(age))


class UnitsPanel(QWidget):
    """A available · R returning · X off duty (others follow the incidents' steps)."""

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self._status_busy: set[int] = set()  # units whose status change is on its way
        self.setFont(ui_font(11))
        self.model = UnitsModel(app.clock, self)
        self.model.sort(2)
        self.table = LiveTableView()
        self.table.setModel(self.model)
        # F3 puts the keyboard in the list, where the arrows pick a unit and its keys act.
        self.keyboard_home = self.table
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        for i, w in enumerate((120, 80, 100, 80, 140, 220, 300)):
            self.table.setColumnWidth(i, w)
        self.counts = QLabel()
        self.counts.setFont(ui_font(12, bold=True))
        self.hint = QLabel(self.tr("Keys: A available · R returning · X off duty · Enter shows its "
                                   "incident · P records a patrol · Shift+P lists them · M moves "
                                   "up as suggested · Ctrl+M to a point you choose · Shift+M "
                                   "sends back · V roll call: at its duty · Shift+V: not there"))
        self.hint.setStyleSheet(f"color: {MUTED.name()}")
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.hint)
        self.cover = CoverLine(app)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.cover)
        layout.addWidget(self.table, 1)
        for key, status in (("A", "available"), ("R", "returning"), ("X", "off_duty")):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False, s=status: self.set_status(s))
            self.addAction(action)
        patrol = QAction(self)
        patrol.setShortcut(QKeySequence("P"))
        patrol.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        patrol.triggered.connect(self.record_patrol)
        self.addAction(patrol)
        patrol_list = QAction(self)
        patrol_list.setShortcut(QKeySequence("Shift+P"))
        patrol_list.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        patrol_list.triggered.connect(self.show_patrols)
        self.addAction(patrol_list)
        for key, act in (("M", self.order_move_up), ("Shift+M", self.send_back),
                         ("Ctrl+M", self.choose_move_up),
                         ("V", lambda: self.call_roll(True)), ("Shift+V", lambda: self.call_roll(False))):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(act)
            self.addAction(action)
        show = QAction(self)
        show.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        show.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        show.triggered.connect(self.show_incident)
        self.addAction(show)
        self.table.doubleClicked.connect(lambda _i: self.show_incident())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._reload_timer = QTimer(self, singleShot=True, interval=150)  # coalesces a burst
        self._reload_timer.timeout.connect(self.reload)
        self._loading = False
        self._loaded = False
        self._minute = minute_of(app.clock())
        app.changed.connect(self._on_change)
        app.tick.connect(self._on_tick)
        app.selected.connect(self._on_selected)
        self.reload()

    def reload(self) -> None:
        if self._loading:
            self._reload_timer.start()
            return
        self._loading = True
        self.app.run(list_units, self.app.ctx, on_done=guarded(self, self._loaded_units),
                     on_error=guarded(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.app.report_error(exc)

    def _loaded_units(self, units: list[UnitRow]) -> None:
        self._loading = False
        self.model.now = self.app.clock()
        if not self._loaded:
            self.model.set_rows(units)
            self._loaded = True
        else:
            fresh = {u.id for u in units}
            self.model.upsert(units)
            self.model.remove([k for k in self.model.all_ids() if k not in fresh])
        self._update_counts()
        self.cover.rows_loaded(list(self.model.rows()))

    def _update_counts(self) -> None:
        counts: dict[str, int] = {}
        for u in self.model.rows():
            counts[u.status] = counts.get(u.status, 0) + 1
        parts = []
        for s in ORDER:
            if counts.get(s):
                sym, colour = STATE_LOOK[s]
                label = unit_state(s)
                parts.append(f"<span style='color:{colour.darker(115).name()}'>{sym} {label} {counts[s]}</span>")
        # A new station's board: where units come from, not only that there are none.
        self.counts.setText("  ".join(parts) or self.tr("No units yet: the station chief adds them "
                                                        "under Roster ▸ Units…"))

    def _on_change(self, change: Change) -> None:
        if change.touches(*UNIT_ROW_ENTITIES):
            self._reload_timer.start()

    def _on_tick(self) -> None:
        self.model.now = self.app.clock()
        self.model.touch_live()
        if minute_of(self.model.now) != self._minute:  # the next shift's crews and orders
            self._minute = minute_of(self.model.now)
            self._reload_timer.start()

    def current_unit(self) -> UnitRow | None:
        i = self.table.currentIndex()
        return i.data(ROW_ROLE) if i.isValid() else None

    def _unit_to_act_on(self) -> UnitRow | None:
        """The selected unit for a key that acts on one; with none selected the key says so in
        the status bar (it did nothing, and the officer took the board for stuck)."""
        u = self.current_unit()
        if u is None:
            self.app.notify(self.tr("Select a unit first"), "warning")
        return u

    def _on_selected(self, entity: str, entity_id: int) -> None:
        """A unit picked elsewhere (its set-out alert, the map) is the board's current row."""
        if entity != "unit":
            return
        index = self.model.index_of(entity_id)
        if index.isValid() and index.row() != self.table.currentIndex().row():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def _current_changed(self, current: Any, _previous: Any) -> None:
        u = self.current_unit()
        if u is not None:
            self.app.select("unit", u.id)

    def show_incident(self) -> None:
        u = self._unit_to_act_on()
        if u is None:
            return
        if u.incident_id is None:
            self.app.notify(self.tr("%1 is on no incident").replace("%1", u.call_sign), "info")
            return
        self.app.select("incident", u.incident_id)

    def order_move_up(self) -> None:
        """M: the move-up the cover line suggests for the selected unit, given as its order."""
        u = self._unit_to_act_on()
        if u is None:
            return
        move = self.cover.move_for(u.id)
        given = self.cover.ordered_move_for(u.id)
        if move is None and given is not None:
            # The line names it ("→ 酒吧街巡逻点（已下达）"): "nothing suggested" would contradict it.
            self.app.notify(self.tr("%1 is ordered to %2 already: the crew needs telling, there is "
                                    "no order to give").replace("%1", u.call_sign)
                            .replace("%2", given.point.name), "info")
            return
        if move is None:
            self.app.notify(self.tr("No move-up is suggested for %1").replace("%1", u.call_sign), "warning")
            return
        self.cover.order(move)

    def choose_move_up(self) -> None:
        """Ctrl+M: the selected unit moved up to a point of the plan the duty officer picks."""
        u = self._unit_to_act_on()
        if u is not None:
            self.cover.choose(u)

    def send_back(self) -> None:
        """Shift+M: the selected unit's move-up ends; it goes back to its plan point."""
        u = self._unit_to_act_on()
        if u is not None:
            self.cover.send_back(u)

    def call_roll(self, there: bool) -> None:
        """V / Shift+V: the selected crew, called by radio or video on its timed duty, is there
        (or not): the duty's check, for a unit that sends no position or to confirm one."""
        u = self._unit_to_act_on()
        if u is None:
            return
        if not is_permitted(self.app.ctx.actor.role, "duty.roll_call"):
            self.app.notify(self.tr("Your role may not call the roll"), "warning")
            return
        if not any(d.in_force(self.app.clock()) for d in u.duty_list):
            self.app.notify(self.tr("%1 has no timed duty under way").replace("%1", u.call_sign),
                            "warning")
            return

        def done(call: RollCall) -> None:
            self.app.announce(call.change)
            text = self.tr("Roll call: %1 at %2") if there else self.tr("Roll call: %1 not at %2")
            self.app.notify(text.replace("%1", call.call_sign).replace("%2", call.duty),
                            "info" if there else "warning")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KnownError):
                self.app.notify(error_text(exc), "warning")
            else:
                self.app.report_error(exc)

        self.app.run(roll_call, self.app.ctx, u.id, there, on_done=guarded(self, done),
                     on_error=guarded(self, failed))

    def _may_record_patrols(self) -> bool:
        """P and Shift+P: said at once to a role that may not, before anything is read."""
        if is_permitted(self.app.ctx.actor.role, "patrol.record"):
            return True
        self.app.notify(self.tr("Your role may not record patrols"), "warning")
        return False

    def record_patrol(self) -> None:
        """The patrol record form for the selected unit (its crew and the last three hours
        filled in); the zones are read first, off the GUI thread."""
        if not self._may_record_patrols():
            return
        current = self.current_unit()
        units = [(u.id, u.call_sign, "、".join(u.crew))
                 for u in sorted(self.model.rows(), key=lambda r: r.call_sign)]

        def open_form(zones: list[tuple[int, str]]) -> None:
            dlg = PatrolDialog(units, zones, self.app.clock(),
                               current.id if current is not None else None, self)

            def send(v: dict[str, Any], failed: Failed) -> None:
                self.app.run(record_patrol, self.app.ctx, v["draft"],
                             on_done=guarded(self, self._patrol_recorded), on_error=failed)

            submit_form(dlg, self, self.app.report_error, send)

        self.app.run(patrol_zone_names, self.app.ctx, on_done=guarded(self, open_form),
                     on_error=guarded(self, self.app.report_error))

    def show_patrols(self) -> None:
        """The latest patrols recorded, to withdraw a mistaken one (Shift+P)."""
        if not self._may_record_patrols():
            return

        def opened(records: list[PatrolRecord]) -> None:
            dialog: PatrolListDialog | None = None

            def withdraw(record: PatrolRecord, reason: str) -> None:
                self.app.run(withdraw_patrol, self.app.ctx, record.id, reason,
                             on_done=guarded(self, withdrawn), on_error=guarded(self, refused))

            def withdrawn(change: Change) -> None:
                self.app.announce(change)
                self.app.run(recent_patrols, self.app.ctx, limit=50, on_done=guarded(self, refreshed))

            def refreshed(records_now: list[PatrolRecord]) -> None:
                if dialog is not None and shiboken6.isValid(dialog):  # not closed meanwhile
                    dialog.show_records(records_now)

            def refused(exc: BaseException) -> None:
                if isinstance(exc, KnownError):
                    self.app.notify(error_text(exc), "error")
                else:
                    self.app.report_error(exc)

            dialog = PatrolListDialog(records, withdraw, self)
            dialog.exec()
            dialog.deleteLater()

        self.app.run(recent_patrols, self.app.ctx, limit=50, on_done=guarded(self, opened),
                     on_error=guarded(self, self.app.report_error))

    def _patrol_recorded(self, record: PatrolRecord) -> None:
        self.app.announce(record.change)
        self.app.notify(self.tr("Patrol recorded: %1 %2–%3").replace("%1", record.unit or record.officers)
                        .replace("%2", local(record.starts_at).strftime("%H:%M"))
                        .replace("%3", local(record.ends_at).strftime("%H:%M")))

    def set_status(self, status: str) -> None:
        u = self._unit_to_act_on()
        # A key pressed again before the first change came back: it would go with the old version
        # and be refused as a conflict with the officer's own change ("your change was not saved").
        if u is None or u.id in self._status_busy:
            return
        self._status_busy.add(u.id)
        unit_id = u.id

        def done(row: UnitRow) -> None:
            self._status_busy.discard(unit_id)
            self.model.upsert([row])
            self._update_counts()
            self.app.announce(row.change)

        def failed(exc: BaseException) -> None:
            self._status_busy.discard(unit_id)
            if isinstance(exc, ConflictError):
                self.app.notify(error_text(exc), "warning")
                self.reload()
            elif isinstance(exc, KnownError):
                self.app.notify(error_text(exc), "error")
            else:
                self.app.report_error(exc)

        self.app.run(set_unit_status, self.app.ctx, u.id, status, expected_version=u.version,
                     on_done=guarded(self, done), on_error=guarded(self, failed))


def make_units_panel(app: AppContext) -> QWidget:
    return UnitsPanel(app)


__all__ = ["UnitsPanel", "make_units_panel"]
