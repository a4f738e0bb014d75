"""The alert list: unacknowledged near-breach and breach alerts, newest first; Space acknowledges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local, shown
from ...services.alerts import AlertView
from ..board.table import ROW_ROLE, Column, ThinTableModel
from ..context import AppContext
from ..labels import alert_target, alert_target_widest
from ..theme import BREACH, NEAR, ui_font
from .monitor import alert_monitor

LOOK = {"breach": ("✖", BREACH), "near": ("▲", NEAR)}


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


def _tint(a: AlertView) -> QColor:
    c = QColor(LOOK[a.level][1])
    c.setAlpha(50)
    return c


def urgency(a: AlertView) -> tuple[int, int, float]:
    """The list's order: a live incident's timer, then a unit's timed duty (due to set out, or
    not there: minutes count there too), then a follow-up task's deadline (a car that has not
    arrived beats a late feedback form); breaches before near ones, newest first."""
    kind = 0 if a.incident_id is not None else 1 if a.unit_id is not None else 2
    return (kind, 0 if a.level == "breach" else 1, -a.raised_at.timestamp())


def level_text(a: AlertView) -> str:
    """"✖ BREACH", "▲ near"; for a timed duty, "▲ set out" (a reminder: nothing is late yet)
    or "✖ not there" (the duty is under way without its unit)."""
    if a.unit_id is not None:
        word = _tr("not there") if a.level == "breach" else _tr("set out")
    else:
        word = _tr("BREACH") if a.level == "breach" else _tr("near")
    return LOOK[a.level][0] + " " + word


def from_earlier_day(a: AlertView, now: datetime) -> bool:
    return local(a.raised_at).date() != local(now).date()


def raised_text(a: AlertView, now: datetime) -> str:
    """The time of day for today's alerts; an alert still open from an earlier day (past
    midnight on a night shift) carries its date, so 23:58 is not read as a minute ago."""
    return local(a.raised_at).strftime("%m-%d %H:%M" if from_earlier_day(a, now) else "%H:%M:%S")


def _columns(clock: Callable[[], datetime]) -> list[Column[AlertView]]:
    """Built when the panel opens, so the titles come out in the installed language."""
    return [
        Column("level", _tr("Level"), level_text,
               sort=urgency, background=_tint,
               foreground=lambda a: QBrush(LOOK[a.level][1].darker(120))),
        Column("number", _tr("Incident / task / unit"), lambda a: a.incident_number, background=_tint),
        Column("target", _tr("Target"), lambda a: alert_target(a.target, a.target_label),
               background=_tint),
        Column("raised", _tr("Raised"), lambda a: raised_text(a, clock()),
               sort=lambda a: a.raised_at, background=_tint,
               tooltip=lambda a: shown(a.raised_at)),
        Column("where", _tr("What and where"), what_and_where, background=_tint,
               tooltip=what_and_where),
    ]


def what_and_where(a: AlertView) -> str:
    """An incident's category and address; for a unit, first what stands out (how far off its
    duty, the call it is on), then the duty: the narrow column keeps the start of the text."""
    if a.unit_id is not None and a.address:
        return f"{a.address} · {a.category_name}"
    return f"{a.category_name} {a.address}".strip()


class AlertsPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.monitor = alert_monitor(app)
        self.setFont(ui_font(11))
        self.model: ThinTableModel[AlertView] = ThinTableModel(_columns(app.clock), key=lambda a: a.id, parent=self)
        self.model.font_for = lambda a, c: ui_font(12, bold=a.level == "breach")
        self.model.sort(0)  # by urgency; a header click sorts by any column
        self.table = QTableView()
        self.table.setModel(self.model)
        self.keyboard_home = self.table  # F4: the arrows pick an alert, Space acknowledges it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Tab leaves the list for the other panels (arrows move in it); it went round its cells.
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Widths from the rows' own bold font, so a number, a target or a time is never cut.
        metrics = QFontMetrics(ui_font(12, bold=True))
        level = max(metrics.horizontalAdvance(LOOK[lvl][0] + " " + word)
                    for lvl, word in (("breach", _tr("BREACH")), ("near", _tr("near")),
                                      ("near", _tr("set out")), ("breach", _tr("not there"))))
        for i, width in enumerate((level, metrics.horizontalAdvance("RW202612030000"),
                                   max(metrics.horizontalAdvance(t) for t in ["退回重办反馈", *alert_target_widest()]))):
            self.table.setColumnWidth(i, width + 10)
        # The time column takes the date's width only while an alert from an earlier day is
        # listed: docked at 1366x768 the wider column pushed today's times past the edge.
        self._time_widths = (metrics.horizontalAdvance("00:00:00") + 10,
                             metrics.horizontalAdvance("00-00 00:00") + 10)
        self.table.setColumnWidth(3, self._time_widths[0])
        self.title = QLabel()
        self.title.setFont(ui_font(13, bold=True))
        self.ack = QPushButton(self.tr("Acknowledge (Space)"))
        self.ack.clicked.connect(self.acknowledge_selected)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.ack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        action = QAction(self)
        action.setShortcut(QKeySequence("Space"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(self.acknowledge_selected)
        self.addAction(action)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.monitor.alerts_changed.connect(self.refresh)
        # Past midnight an alert still open from before it takes its date: checked each tick,
        # one date comparison, redrawn only when the day turns.
        self._day = local(app.clock()).date()
        app.tick.connect(self._on_tick)
        self.refresh()

    def _on_tick(self) -> None:
        today = local(self.app.clock()).date()
        if today != self._day:
            self._day = today
            self.refresh()
            self.table.viewport().update()  # the times are read again as they are painted

    def refresh(self) -> None:
        alerts = list(self.monitor.alerts.values())
        fresh = {a.id for a in alerts}
        self.model.remove([k for k in self.model.all_ids() if k not in fresh])
        self.model.upsert(alerts)
        now = self.app.clock()
        dated = any(from_earlier_day(a, now) for a in alerts)
        self.table.setColumnWidth(3, self._time_widths[1 if dated else 0])
        n_breach = sum(1 for a in alerts if a.level == "breach")
        if not alerts:
            self.title.setText("✓ " + self.tr("No alert waiting"))
            self.title.setStyleSheet("")
        else:
            self.title.setText(self.tr("%1 alert(s) to acknowledge, %2 breached")
                               .replace("%1", str(len(alerts))).replace("%2", str(n_breach)))
            self.title.setStyleSheet(f"color: {(BREACH if n_breach else NEAR).name()}")
        self.ack.setEnabled(bool(alerts))

    def _current_changed(self, current: Any, _previous: Any) -> None:
        a: AlertView | None = current.data(ROW_ROLE) if current.isValid() else None
        if a is not None and a.incident_id is not None:
            self.app.select("incident", a.incident_id)
        elif a is not None and a.task_id is not None:
            self.app.select("task", a.task_id)
        elif a is not None and a.unit_id is not None:
            self.app.select("unit", a.unit_id)  # the unit board and the map show it

    def acknowledge_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        ids = [int(r.data(ROW_ROLE).id) for r in rows] or (
            [self.model.id_at(0)] if self.model.rowCount() else [])  # type: ignore[list-item]
        if ids:
            self.monitor.acknowledge(ids)


def make_alerts_panel(app: AppContext) -> QWidget:
    return AlertsPanel(app)
