"""The selected incident: its facts, its whole history (operator and workstation per step) and unit advice."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...domain.recommend import Option
from ...services.incidents.views import IncidentDetail, Recommendation
from ..error_text import message_text, ui_language
from ..labels import channel_name, incident_status, step_name
from ..repeat_kinds import flagged_kinds
from ..theme import BREACH, MUTED, OK, ui_font
from .timers import clock_text

KIND_LABELS = {"car": "警车", "foot": "步巡", "motorbike": "摩托", "ebike": "电动车", "drone": "无人机"}


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setTabKeyNavigation(False)  # Tab goes on past it; it went round its cells for ever
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    return t


def _keep_rows_visible(table: QTableWidget, rows: int) -> None:
    """A minimum height that shows the header and this many rows, with a horizontal scroll bar."""
    height = (table.horizontalHeader().sizeHint().height()
              + rows * table.verticalHeader().defaultSectionSize()
              + table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth())
    table.setMinimumHeight(height)


def _why(option: Option) -> str:
    """A suggestion's reasons in the UI's language, as one line."""
    separator = "; " if ui_language() == "en" else "；"
    return separator.join(message_text(r) for r in option.reasons)


def _item(text: str, colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


class DetailPane(QWidget):
    """Shows one incident; Enter on a recommended unit (or the button) dispatches it."""

    dispatch_requested = Signal(int)  # unit id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.detail: IncidentDetail | None = None
        self.recommendation: Recommendation | None = None
        self._due_at: datetime | None = None
        self._keys_hint = ""  # every key the board takes, shown while no incident is (set_keys_hint)
        self.title = QLabel(self.tr("Select an incident"))
        self.title.setFont(ui_font(14, bold=True))
        self.title.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setFont(ui_font(11))

        self.advice_box = QGroupBox(self.tr("Recommended units"))
        self.shortfall = QLabel()
        self.shortfall.setWordWrap(True)
        self.shortfall.setStyleSheet(f"color: {BREACH.name()}; font-weight: bold")
        self.shortfall.hide()
        self.options = _table([self.tr("Unit"), self.tr("Kind"), self.tr("ETA"),
                               self.tr("Distance"), self.tr("Why")])
        # The dispatch choice must stay in view: at least three suggestions show, however short
        # the board is (squeezed by the unit board below, the table kept only its header).
        _keep_rows_visible(self.options, 3)
        # And no more: the reason below takes the room of the half row that showed under the
        # third, so the dispatch button stays where it was.
        self.options.setMaximumHeight(self.options.minimumHeight())
        self.options.doubleClicked.connect(lambda i: self._dispatch_row(i.row()))
        self.options.itemSelectionChanged.connect(self._show_reason)
        # The Why column is cut off in the narrow pane, and in a hurry nobody hovers for its
        # tooltip: the selected suggestion's reason is written out here, wrapped (wrapping
        # the table's cells made its rows too tall).
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setFont(ui_font(10))
        self.reason.hide()
        self.dispatch_top = QPushButton(self.tr("Dispatch top suggestion (D)"))
        self.dispatch_top.clicked.connect(lambda: self._dispatch_row(0))
        ab = QVBoxLayout(self.advice_box)
        ab.addWidget(self.options)
        ab.addWidget(self.reason)
        ab.addWidget(self.dispatch_top)

        self.history_box = QGroupBox(self.tr("History"))
        self.history = _table([self.tr("Time"), self.tr("Step"), self.tr("Unit"),
                               self.tr("Operator"), self.tr("Workstation"), self.tr("Note")])
        # Compact rows: a whole night's history should show without scrolling the pane.
        self.history.setFont(ui_font(10))
        self.history.verticalHeader().setDefaultSectionSize(22)
        _keep_rows_visible(self.history, 2)
        hb = QVBoxLayout(self.history_box)
        hb.setContentsMargins(4, 4, 4, 4)
        hb.addWidget(self.history)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        # The shortfall sits above the box, not in it: a wrapped label inside a group box is
        # given one line's height and the lines below it overlapped the suggestions.
        layout.addWidget(self.shortfall)
        layout.addWidget(self.advice_box)
        layout.addWidget(self.history_box, 1)
        self.clear()

    def clear(self) -> None:
        self.detail = None
        self.recommendation = None
        self._due_at = None
        self.title.setText(self.tr("Select an incident"))
        self.facts.setText(self._keys_hint)
        self.history.setRowCount(0)
        self.options.setRowCount(0)
        self._show_reason()
        self.advice_box.hide()
        self.shortfall.hide()

    def set_keys_hint(self, text: str) -> None:
        self._keys_hint = text
        if self.detail is None:
            self.facts.setText(text)

    # -- the incident ----------------------------------------------------------------------
    def show_detail(self, d: IncidentDetail) -> None:
        self.detail = d
        r = d.row
        self.title.setText(f"{r.number}  {r.category_name}  ·  {incident_status(r.status)}")
        channel = channel_name(r.channel)
        # The words are looked up outside the f-strings: lupdate does not look inside them.
        address, no_grid, caller = self.tr("Address"), self.tr("no grid"), self.tr("Caller")
        priority, content, units = self.tr("priority"), self.tr("Content"), self.tr("Units")
        lines = [
            f"<b>{address}</b> {r.address}  ({r.grid_name or r.grid_code or no_grid})",
            f"<b>{caller}</b> {r.caller_name} {r.caller_phone}  ·  {channel}  ·  {priority} {r.priority}",
            f"<b>{content}</b> {r.content}",
            f"<b>{units}</b> {self._units_text(d)}",
        ]
        if r.repeat_flags or r.linked_calls:
            # Named as the trade names them (一地多警), not by the board column's one-letter flags.
            kinds = flagged_kinds(r.repeat_caller, r.repeat_place, r.repeat_matter)
            if r.linked_calls:
                kinds.append(self.tr("%n duplicate call(s) linked", "", r.linked_calls))
            repeat = self.tr("Repeat")  # outside the f-string, where lupdate sees it
            lines.append(f"<b>{repeat}</b> {' · '.join(kinds)}")
        if d.linked_to_number:
            lines.append("<b>" + self.tr("Linked to") + f"</b> {d.linked_to_number}")
        self.facts.setText("<br>".join(lines))
        self._fill_history(d)

    def _units_text(self, d: IncidentDetail) -> str:
        """The units on the incident now, then those that were sent and have cleared (an incident
        waiting for feedback has none left on it, which read as if nobody had gone)."""
        now = " ".join(d.row.units)
        cleared = [f"{x.call_sign} {local(x.cleared_at):%H:%M}" for x in d.dispatches
                   if x.cleared_at is not None and x.call_sign not in d.row.units]
        if not cleared:
            return now or "—"
        return (now + "  ·  " if now else "") + self.tr("cleared: %1").replace("%1", ", ".join(cleared))

    def _fill_history(self, d: IncidentDetail) -> None:
        by_id = {e.id: e for e in d.events}
        corrected = {e.corrects_event_id for e in d.events if e.kind == "correction"}
        received_day = local(d.row.received_at).date()
        self.history.setRowCount(len(d.events))
        for i, e in enumerate(d.events):
            note = ""
            colour: QColor | None = None
            if e.kind == "correction":
                target = by_id.get(e.corrects_event_id or 0)
                what = step_name(target.kind, target.label) if target else f"#{e.corrects_event_id}"
                if e.payload.get("void"):
                    note = self.tr("voids %1").replace("%1", what)
                else:
                    note = self.tr("%1 corrected to %2").replace("%1", what).replace(
                        "%2", local(e.at).strftime("%H:%M:%S"))
                note += f" — {e.payload.get('reason', '')}"
                colour = QColor(BREACH)
            elif e.id in corrected:
                colour = QColor(MUTED)
                note = self.tr("corrected below")
            else:
                note = str(e.payload.get("reason") or e.payload.get("summary") or
                           e.payload.get("text") or "")
            recorded = local(e.at if e.kind != "correction" else e.recorded_at)
            # The day only where it is not the day of the call: the column stays narrow.
            stamp = recorded.strftime("%H:%M:%S" if recorded.date() == received_day else "%m-%d %H:%M:%S")
            values = [stamp, step_name(e.kind, e.label), e.unit_call_sign,
                      e.username, e.workstation, note]
            for j, v in enumerate(values):
                self.history.setItem(i, j, _item(v, colour))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.history.scrollToBottom()

    # -- unit advice -----------------------------------------------------------------------
    def show_recommendation(self, rec: Recommendation | None) -> None:
        previous = self.recommendation
        kept = self.selected_option_unit() if previous is not None and rec is not None \
            and previous.incident_id == rec.incident_id else None
        self.recommendation = rec
        self._due_at = None
        if rec is None:
            self._show_reason()
            self.advice_box.hide()
            self.shortfall.hide()
            return
        self.advice_box.show()
        on_scene = self.detail is not None and self.detail.row.id == rec.incident_id and \
            self.detail.row.arrived_at is not None
        if on_scene:
            # Someone is there: the advice is for reinforcement, the on-scene target is decided.
            self.advice_box.setTitle(self.tr("Units for reinforcement"))
            self.dispatch_top.setText(self.tr("Send top suggestion as reinforcement (D)"))
            shortfall = None
        else:
            self._due_at = rec.due_at
            self._show_left(rec.target_s)
            self.dispatch_top.setText(self.tr("Dispatch top suggestion (D)"))
            shortfall = rec.shortfall
        self.shortfall.setVisible(bool(shortfall))
        self.shortfall.setText(f"✖ {message_text(shortfall)}" if shortfall else "")
        self.options.setRowCount(len(rec.options))
        for i, o in enumerate(rec.options):
            colour = QColor(OK) if o.meets_target and o.capable else (None if o.capable else QColor(MUTED))
            mark = "✓ " if o.meets_target and o.capable else ""
            why = _why(o)
            values = [mark + o.call_sign, KIND_LABELS.get(o.kind, o.kind), clock_text(o.eta_s),
                      f"{o.distance_m / 1000:.1f} km", why]
            for j, v in enumerate(values):
                item = _item(v, colour)
                item.setToolTip(why)
                self.options.setItem(i, j, item)
        self.options.resizeColumnsToContents()
        if rec.options:
            # A re-fetch (any seat's change re-ranks the units) keeps the officer's choice: the
            # row under Enter must not jump back to the top suggestion while he reads it.
            units = [o.unit_id for o in rec.options]
            self.options.selectRow(units.index(kept) if kept in units else 0)
        self._show_reason()
        self.dispatch_top.setEnabled(bool(rec.options))

    def _show_reason(self) -> None:
        """The reason of the selected suggestion (the top one when none is), or none at all."""
        o = self._selected_option()
        if o is None:
            self.reason.clear()
            self.reason.hide()
            return
        colon = ": " if ui_language() == "en" else "："
        self.reason.setText(o.call_sign + colon + _why(o))
        self.reason.show()

    def _show_left(self, seconds: float) -> None:
        self.advice_box.setTitle(self.tr("Recommended units — %1 left of the on-scene target")
                                 .replace("%1", clock_text(seconds)))

    def tick(self, now: datetime) -> None:
        """Count the time left down with the board's timers (it was fixed at the fetch)."""
        if self._due_at is not None and self.advice_box.isVisible():
            self._show_left(max(0.0, (self._due_at - now).total_seconds()))

    def _dispatch_row(self, row: int) -> None:
        rec = self.recommendation
        if rec is not None and 0 <= row < len(rec.options):
            self.dispatch_requested.emit(rec.options[row].unit_id)

    def _selected_option(self) -> Option | None:
        """The suggestion the officer has selected, the top one when none is, None without any."""
        rec = self.recommendation
        if rec is None or not rec.options:
            return None
        rows = self.options.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        return rec.options[row] if row < len(rec.options) else rec.options[0]

    def selected_option_unit(self) -> int | None:
        o = self._selected_option()
        return o.unit_id if o is not None else None
