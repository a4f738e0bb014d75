"""The board's table model: open incidents as cached rows, timers evaluated at the board's clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...domain.clock import local
from ...domain.response import (
    DEFAULT_PROFILE,
    ResponseProfile,
    Timer,
    TimerState,
    evaluate,
    next_change,
)
from ...services.incidents.views import IncidentRow
from ..i18n import tr
from ..labels import channel_name, incident_status, priority_label, timer_header
from ..repeat_kinds import flagged_kinds
from ..theme import BREACH, NEAR, ui_font
from .table import Column, ThinTableModel
from .timers import TIMER_ROLE, clock_text, timer_text, timer_tooltip

_ALERT_TINT = {"near": QColor(NEAR.red(), NEAR.green(), NEAR.blue(), 45),
               "breach": QColor(BREACH.red(), BREACH.green(), BREACH.blue(), 55)}


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


@dataclass(frozen=True)
class BoardFilter:
    """What the duty officer narrowed the board to; empty fields match everything."""

    statuses: frozenset[str] = frozenset()
    category: str = ""  # a code prefix: "06" disputes, "0601" family disputes
    grid: str = ""  # grid code or name, or the start of a grid's code
    district: str = ""  # a large grid's (警务区) code: its grids' codes start with it
    unit: str = ""  # call sign
    text: str = ""  # number, address, caller, phone, content, category name
    priorities: frozenset[int] = frozenset()
    repeats_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def is_empty(self) -> bool:
        return self == BoardFilter()

    def accepts(self, r: IncidentRow) -> bool:
        if self.statuses and r.status not in self.statuses:
            return False
        if self.category and not r.category_code.startswith(self.category):
            return False
        if self.priorities and r.priority not in self.priorities:
            return False
        if self.repeats_only and not (r.repeat_caller or r.repeat_place or r.repeat_matter):
            return False
        if self.district and not r.grid_code.startswith(self.district):
            return False
        if self.grid:
            g = self.grid.lower()
            if not (r.grid_code.lower().startswith(g) or g in r.grid_name.lower()):
                return False
        if self.unit:
            u = self.unit.lower()
            if not any(u in s.lower() for s in r.units):
                return False
        if self.text:
            hay = " ".join((r.number, r.address, r.caller_name, r.caller_phone, r.content,
                            r.category_name, r.grid_name, r.grid_code, *r.units)).lower()
            return all(word in hay for word in self.text.lower().split())
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"statuses": sorted(self.statuses), "category": self.category, "grid": self.grid,
                "district": self.district, "unit": self.unit, "text": self.text, "priorities": sorted(self.priorities),
                "repeats_only": self.repeats_only}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BoardFilter:
        return cls(statuses=frozenset(d.get("statuses") or ()), category=str(d.get("category") or ""),
                   grid=str(d.get("grid") or ""), district=str(d.get("district") or ""),
                   unit=str(d.get("unit") or ""), text=str(d.get("text") or ""),
                   priorities=frozenset(int(p) for p in d.get("priorities") or ()),
                   repeats_only=bool(d.get("repeats_only", False)))


class BoardModel(ThinTableModel[IncidentRow]):
    """Open incidents. Timers are computed for shown cells only, once per tick, from cached times."""

    def __init__(self, clock: Callable[[], datetime], profile: ResponseProfile = DEFAULT_PROFILE,
                 parent: Any = None):
        self.profile = profile
        self._clock = clock
        self.now = clock()
        self._timers: dict[int, tuple[Timer, ...]] = {}  # for self.now only
        # Unacknowledged alert level per incident: the row is highlighted until acknowledged.
        self.alerting: dict[int, str] = {}
        super().__init__(self._columns(), key=lambda r: r.id, parent=parent)
        self._timer_cols = {i: c.key[6:] for i, c in enumerate(self.columns) if c.key.startswith("timer:")}
        self._plain_font = ui_font(11)
        self._bold_font = ui_font(11, bold=True)
        self.font_for = self._font

    # -- columns ---------------------------------------------------------------------------
    def _columns(self) -> list[Column[IncidentRow]]:
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        centre = Qt.AlignmentFlag.AlignCenter
        cols: list[Column[IncidentRow]] = [
            Column("number", _tr("Number"), lambda r: r.number, background=self._row_tint,
                   tooltip=lambda r: f"{r.number} · {channel_name(r.channel)}"),
            Column("age", _tr("Age"), self._age, sort=lambda r: r.received_at, align=right,
                   live=True, background=self._row_tint,
                   tooltip=lambda r: local(r.received_at).strftime("%Y-%m-%d %H:%M:%S")),
            Column("priority", _tr("Pri."), lambda r: priority_label(r.priority),
                   sort=lambda r: r.priority, align=centre, background=self._row_tint,
                   foreground=lambda r: QBrush(BREACH) if r.priority == 1 else None),
            Column("category", _tr("Category"), lambda r: r.category_name,
                   sort=lambda r: r.category_code, background=self._row_tint),
            Column("address", _tr("Address"), lambda r: r.address, background=self._row_tint,
                   tooltip=lambda r: r.content),
            Column("grid", _tr("Grid"), lambda r: r.grid_name or r.grid_code,
                   sort=lambda r: r.grid_code, background=self._row_tint),
            Column("status", _tr("Status"), lambda r: incident_status(r.status),
                   sort=lambda r: _STATUS_RANK.get(r.status, 9), background=self._row_tint),
            Column("units", _tr("Units"), lambda r: " ".join(r.units), background=self._row_tint),
            Column("repeats", _tr("Repeat"), self._repeats, align=centre, background=self._row_tint,
                   tooltip=self._repeat_tip, foreground=lambda r: QBrush(NEAR.darker(140))),
        ]
        # The 1-3-5 timers right after the age: the columns a duty officer watches stay in view
        # however narrow the board is docked (address and grid give way first).
        timers = [Column(f"timer:{t.key}", timer_header(t.label_zh, t.label_en, t.milestone, t.seconds,
                                                      bool(t.seconds_by_place)),
                         self._timer_display(t.key),
                         sort=self._timer_sort(t.key), align=centre, live=True,
                         tooltip=self._timer_tip(t.key))
                  for t in self.profile.targets]
        return cols[:2] + timers + cols[2:]

    def _age(self, r: IncidentRow) -> str:
        return clock_text((self.now - r.received_at).total_seconds())

    def _repeats(self, r: IncidentRow) -> str:
        flags = r.repeat_flags
        return f"{flags}{'+' + str(r.linked_calls) if r.linked_calls else ''}"

    def _repeat_tip(self, r: IncidentRow) -> str:
        parts = flagged_kinds(r.repeat_caller, r.repeat_place, r.repeat_matter)
        if r.linked_calls:
            parts.append(tr("%n duplicate call(s) linked", None, r.linked_calls))
        return " · ".join(parts)

    def _row_tint(self, r: IncidentRow) -> QColor | None:
        return _ALERT_TINT.get(self.alerting.get(r.id, ""))

    def _font(self, r: IncidentRow, column: int) -> Any:
        return self._bold_font if column == 0 or r.id in self.alerting else self._plain_font

    def _timer_display(self, key: str) -> Callable[[IncidentRow], str]:
        return lambda r: timer_text(self.timer(r, key))

    def _timer_tip(self, key: str) -> Callable[[IncidentRow], str]:
        return lambda r: timer_tooltip(self.timer(r, key), self.now)

    def _timer_sort(self, key: str) -> Callable[[IncidentRow], Any]:
        # Time-invariant key (state rank, due instant), so a clock tick never reorders rows.
        def sort_key(r: IncidentRow) -> Any:
            t = self.timer(r, key)
            rank = {TimerState.BREACHED: 0, TimerState.NEAR: 1, TimerState.PENDING: 1,
                    TimerState.MET: 2, TimerState.NA: 3}[t.state]
            return (rank, t.due_at.timestamp() if t.due_at else 0.0)
        return sort_key

    # -- timers ----------------------------------------------------------------------------
    def timers(self, r: IncidentRow) -> tuple[Timer, ...]:
        cached = self._timers.get(r.id)
        if cached is None:
            cached = self._timers[r.id] = evaluate(self.profile, r.facts(), self.now)
        return cached

    def timer(self, r: IncidentRow, key: str) -> Timer:
        for t in self.timers(r):
            if t.key == key:
                return t
        raise KeyError(key)

    def next_change(self, r: IncidentRow) -> datetime | None:
        return next_change(self.timers(r), self.profile, self.now)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == TIMER_ROLE:
            return self.timer_at(index.row(), index.column()) if index.isValid() else None
        return super().data(index, role)

    def timer_at(self, position: int, column: int) -> Timer | None:
        """The timer a cell shows (None outside the timer columns); the delegate asks directly."""
        key = self._timer_cols.get(column)
        if key is None:
            return None
        r = self.row(self.id_at(position))
        return None if r is None else self.timer(r, key)

    def set_now(self, now: datetime) -> None:
        """The tick: forget last second's timers (recomputed for shown cells only) and repaint them."""
        self.now = now
        self._timers.clear()
        self.touch_live()

    def upsert(self, rows: Any) -> None:
        rows = list(rows)
        for r in rows:
            self._timers.pop(r.id, None)
        super().upsert(rows)

    def remove(self, row_ids: Any) -> None:
        row_ids = list(row_ids)
        for k in row_ids:
            self._timers.pop(k, None)
            self.alerting.pop(k, None)
        super().remove(row_ids)

    def set_rows(self, rows: Any) -> None:
        self._timers.clear()
        super().set_rows(rows)

    def set_alert(self, incident_id: int, level: str | None) -> None:
        if level is None:
            if self.alerting.pop(incident_id, None) is None:
                return
        elif self.alerting.get(incident_id) == level:
            return
        else:
            self.alerting[incident_id] = level
        self.touch_rows([incident_id])


_STATUS_RANK = {s: i for i, s in enumerate(
    ("received", "dispatched", "signed", "set_off", "arrived", "handled", "fed_back", "closed"))}
