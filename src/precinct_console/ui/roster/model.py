"""The calendar as a thin table: one row per officer, one column per day; cells hold tuples."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ...domain.clock import CHINA_TZ
from ...domain.driving import DRONE_LICENCE
from ...domain.holidays import DayKind
from ...domain.roster_rules import OFF_DUTIES
from ...services.ledgers.roster import (
    DAY_SEPARATOR,
    DUTY_MARKS,
    OFF_MARKS,
    REST,
    duty_mark,
    off_text,
    shift_mark,
)
from ...services.roster import (
    DUTIES,
    OFFICER_KINDS,
    OFFICER_ROLES,
    AbsenceInfo,
    EntryInfo,
    OfficerInfo,
    RosterView,
)
from ..labels import weekday_gap, weekday_short
from ..theme import INFO, MUTED, NEAR, ui_font

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell's entries (tuple of EntryInfo)
HOLIDAY_BG = QColor("#FDE9E0")
WEEKEND_BG = QColor("#F3F3F3")
ADJUSTED_BG = QColor("#E8F1FA")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


def shift_hours(starts_at: datetime, ends_at: datetime) -> str:
    """08:30–16:30; a 24-hour duty with its end date, 08:30–01-01 08:30 (not "08:30–08:30",
    which reads as no time at all)."""
    start, end = starts_at.astimezone(CHINA_TZ), ends_at.astimezone(CHINA_TZ)
    if end - start >= timedelta(hours=24):
        return f"{start:%H:%M}–{end:%m-%d %H:%M}"
    return f"{start:%H:%M}–{end:%H:%M}"


@dataclass(frozen=True)
class CalendarRow:
    officer_id: int
    label: str
    team: str
    cells: tuple[tuple[EntryInfo, ...], ...]  # per day
    texts: tuple[str, ...]
    # The month's cells, a character or two wide: the shift and duty marks without the unit,
    # which the tooltip names ("所备 巡02" elided to "所…" said nothing).
    short_texts: tuple[str, ...]
    problems: tuple[tuple[str, ...], ...]  # violation messages per day
    away: tuple[tuple[str, ...], ...] = ()  # leave and training recorded, per day
    about: str = ""  # the row header's tooltip: rank, role, phone, skills, licences


def officer_about(o: OfficerInfo) -> str:
    """Who the officer is, for the calendar's row header: what a chief crewing a unit asks."""
    lines = [" ".join(x for x in (o.name, OFFICER_KINDS.get(o.kind, o.kind), o.rank) if x),
             " · ".join(x for x in (OFFICER_ROLES.get(o.role, o.role), o.team, o.phone) if x)]
    if o.skills:
        lines.append(_tr("Skills: %1").replace("%1", "、".join(o.skills)))
    licences = [_tr("drone pilot") if x == DRONE_LICENCE else x for x in o.licences]
    lines.append(_tr("Driving licences: %1").replace("%1", "、".join(licences) or _tr("none")))
    return "\n".join(lines)


def absence_days(a: AbsenceInfo) -> tuple[date, date]:
    """The first and last day (China time) leave or training covers: it ends at midnight after its last."""
    return (a.starts_at.astimezone(CHINA_TZ).date(),
            (a.ends_at.astimezone(CHINA_TZ) - timedelta(seconds=1)).date())


def absence_line(a: AbsenceInfo) -> str:
    """休假 12-08 – 12-10 年休假: the kind, its days and its note."""
    first_day, last_day = absence_days(a)
    note = f" {a.note}" if a.note else ""
    return f"{DUTIES.get(a.kind, a.kind)} {first_day:%m-%d} – {last_day:%m-%d}{note}"


class RosterCalendarModel(QAbstractTableModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.days: list[date] = []
        self.day_info: list[Any] = []
        self.day_problems: list[tuple[str, ...]] = []
        self.rows: list[CalendarRow] = []
        self.view: RosterView | None = None

    # Qt model ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.days)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.days):
                return None
            d, info = self.days[section], self.day_info[section]
            if role == Qt.ItemDataRole.DisplayRole:
                label = info.label_zh()
                if len(self.days) > 7:
                    # A month's 30 columns are narrow: day and weekday only, so the ▲ of a day
                    # with a problem is not the part that gets cut off.
                    mark = "▲" if self.day_problems[section] else ""
                    return f"{d.day}{weekday_gap()}{weekday_short(d.weekday())}{mark}" + (f"\n{label}" if label else "\n")
                mark = " ▲" if self.day_problems[section] else ""
                return f"{d:%m-%d} {weekday_short(d.weekday())}{mark}" + (f"\n{label}" if label else "\n")
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(self.day_problems[section]) or None
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(self._day_bg(section) or QColor("white"))
            if role == Qt.ItemDataRole.FontRole:
                return ui_font(9, bold=bool(self.day_problems[section]))
            return None
        if not 0 <= section < len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[section].label
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[section].about or None
        if role == Qt.ItemDataRole.FontRole:
            return ui_font(9)
        return None

    def _day_bg(self, col: int) -> QColor | None:
        kind = self.day_info[col].kind
        if kind is DayKind.HOLIDAY:
            return HOLIDAY_BG
        if kind is DayKind.WEEKEND:
            return WEEKEND_BG
        if kind is DayKind.ADJUSTED_WORKDAY:
            return ADJUSTED_BG
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        problems = row.problems[col]
        if role == Qt.ItemDataRole.DisplayRole:
            text = row.short_texts[col] if len(self.days) > 7 else row.texts[col]
            return f"▲ {text}" if problems else text
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [*row.away[col], *(self._entry_line(e) for e in row.cells[col])]
            if row.texts[col] == REST:
                lines.append(_tr("Rest: no shift this day"))
            return "\n".join(lines + list(problems)) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if problems:
                return QBrush(NEAR.lighter(160))
            bg = self._day_bg(col)
            return QBrush(bg) if bg else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if (row.away[col] and not row.cells[col]) or row.texts[col] == REST or (
                    row.cells[col] and all(e.duty in OFF_DUTIES for e in row.cells[col])):
                return QBrush(MUTED)
            return QBrush(INFO.darker(160)) if row.cells[col] else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.FontRole:
            return ui_font(9, bold=bool(problems))
        if role == ENTRY_ROLE:
            return row.cells[col]
        return None

    def _entry_line(self, e: EntryInfo) -> str:
        v = self.view
        shift = next((s for s in v.shifts if s.id == e.shift_id), None) if v else None
        units = dict(v.units) if v else {}
        when = f"{shift.name} {shift_hours(shift.starts_at, shift.ends_at)}" if shift else ""
        unit = f" · {units.get(e.unit_id, '')}" if e.unit_id else ""
        return f"{when} {DUTIES.get(e.duty, e.duty)}{unit} {e.note}".strip()

    # loading ------------------------------------------------------------------------------------
    def load(self, view: RosterView) -> None:
        """New period or officers: reset; the same layout: only changed rows are announced."""
        days = [view.first + timedelta(days=i) for i in range((view.last - view.first).days + 1)]
        shifts = {s.id: s for s in view.shifts}
        day_of = {s.id: s.starts_at.astimezone(CHINA_TZ).date() for s in view.shifts}
        col = {d: i for i, d in enumerate(days)}
        units = dict(view.units)
        by_cell: dict[tuple[int, int], list[EntryInfo]] = defaultdict(list)
        for e in view.entries:
            if e.shift_id in day_of:
                by_cell[(e.officer_id, col[day_of[e.shift_id]])].append(e)
        probs: dict[tuple[int | None, int], list[str]] = defaultdict(list)
        for v in view.violations:
            d = day_of.get(v.shift_id or -1)
            if d is None or d not in col:
                continue
            probs[(v.officer_id, col[d])].append(v.message)
        # Leave and training recorded for an officer mark every day they touch.
        away: dict[tuple[int, int], list[AbsenceInfo]] = defaultdict(list)
        for absence in view.absences:
            first_day, last_day = absence_days(absence)
            for d in days:
                if first_day <= d <= last_day:
                    away[(absence.officer_id, col[d])].append(absence)
        planned = {col[d] for d in day_of.values() if d in col}  # days with shifts: the rest unplanned
        rows = []
        rostered = {e.officer_id for e in view.entries}
        listed = rostered | {oid for oid, _i in away}  # those the printed 排班表 lists
        for o in view.officers:
            if not o.active and o.id not in rostered:
                continue
            cells = tuple(tuple(sorted(by_cell.get((o.id, i), []),
                                       key=lambda e: shifts[e.shift_id].starts_at))
                          for i in range(len(days)))
            texts, short_texts = (
                tuple(self._day_text(c, away.get((o.id, i), []), shifts, units, month=month,
                                     rest=o.id in listed and i in planned)
                      for i, c in enumerate(cells))
                for month in (False, True))
            kind = "辅" if o.kind == "auxiliary" else ""
            rows.append(CalendarRow(
                o.id, f"{o.team or '—'}  {o.name}{kind}  {o.badge}", o.team, cells, texts, short_texts,
                tuple(tuple(probs.get((o.id, i), [])) for i in range(len(days))),
                tuple(tuple(absence_line(a) for a in away.get((o.id, i), [])) for i in range(len(days))),
                officer_about(o)))
        day_problems = [tuple(probs.get((None, i), [])) for i in range(len(days))]
        same_shape = (days == self.days and [r.officer_id for r in rows] ==
                      [r.officer_id for r in self.rows])
        self.view = view
        if not same_shape:
            self.beginResetModel()
            self.days, self.rows, self.day_problems = days, rows, day_problems
            self.day_info = list(view.days)
            self.endResetModel()
            return
        old = self.rows
        self.rows, self.day_info = rows, list(view.days)
        if day_problems != self.day_problems:
            self.day_problems = day_problems
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(days) - 1)
        for i, (a, b) in enumerate(zip(old, rows, strict=True)):
            if a != b:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(days) - 1))

    @classmethod
    def _day_text(cls, cell: tuple[EntryInfo, ...], away: list[AbsenceInfo], shifts: dict[int, Any],
                  units: dict[int, str], *, month: bool, rest: bool) -> str:
        """An officer's day as the printed 排班表 words leave, training and rest: a week's 年休假,
        培训, 休; a month's 假, 训, 休 (ledgers.roster's own words, so screen and paper agree).
        A week's shifts name the car; a month's are marks only, the tooltip names it."""
        parts = [cls._cell_text(e, shifts, {} if month else units, month=month) for e in cell]
        parts += [OFF_MARKS[a.kind] if month else off_text(a.kind, a.note) for a in away]
        parts = list(dict.fromkeys(parts))  # a leave entry and its recorded leave: said once
        if not parts:
            return REST if rest else ""  # not 休: nobody planned the day, or the officer
        return DAY_SEPARATOR.join(parts)  # 白/夜 as the paper writes two shifts in a day

    @staticmethod
    def _cell_text(e: EntryInfo, shifts: dict[int, Any], units: dict[int, str], *,
                   month: bool = False) -> str:
        if e.duty in OFF_DUTIES:
            return OFF_MARKS[e.duty] if month else off_text(e.duty, e.note)
        # The paper's own marks: 所部备勤（白） is 白备, a 值班 at the desk plain 值.
        mark = duty_mark(shifts[e.shift_id], e.duty)
        unit = units.get(e.unit_id or -1, "")
        return f"{mark}{(' ' + unit) if unit else ''}"

    def month_marks(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """The marks a month's cells show, for its legend, in the paper's order: (mark, what,
        shift names); what is 'shift' (the names say which), a duty (desk, post, standby),
        leave, training or rest. A week writes its cells out and has none."""
        if len(self.days) <= 7 or self.view is None:
            return []
        shifts = {x.id: x for x in self.view.shifts}
        found: dict[str, tuple[str, set[str]]] = {}
        for row in self.rows:
            for cell in row.cells:
                for e in cell:
                    if e.duty in OFF_DUTIES:
                        found.setdefault(OFF_MARKS[e.duty], (e.duty, set()))
                        continue
                    x = shifts.get(e.shift_id)
                    if x is None:
                        continue
                    mark = shift_mark(x.name)
                    found.setdefault(mark, ("shift", set()))[1].add(x.name)
                    extra = duty_mark(x, e.duty)[len(mark):]
                    if extra:
                        found.setdefault(extra, (e.duty, set()))
            for text in row.short_texts:
                for part in text.split(DAY_SEPARATOR):
                    what = next((k for k, m in OFF_MARKS.items() if m == part), "rest" if part == REST else "")
                    if what:
                        found.setdefault(part, (what, set()))
        order = [*"白中夜值", *DUTY_MARKS.values(), *OFF_MARKS.values(), REST]
        marks = sorted(found, key=lambda m: (order.index(m) if m in order else len(order), m))
        return [(m, found[m][0], tuple(sorted(found[m][1]))) for m in marks]

    def officer_at(self, row: int) -> int:
        return self.rows[row].officer_id

    def day_at(self, col: int) -> date:
        return self.days[col]
