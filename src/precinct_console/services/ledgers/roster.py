"""排班表: a week's or a month's roster laid out as a station posts it (a row per officer, a column
per day), each shift's staffing against its minimum under it, and the period's rule violations
on a sheet of their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ...domain.clock import CHINA_TZ, local
from ...domain.errors import ValidationError
from ...domain.holidays import CalendarDay, DayKind
from ...domain.roster_rules import OFF_DUTIES
from ...i18n.catalogue import message_text
from ..roster import DUTIES, AbsenceInfo, EntryInfo, OfficerInfo, RosterView, ShiftInfo, read_roster
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .lookups import Lookups
from .periods import local_day, period_from

C, K = Column, Kind
# Longer is no longer one sheet a wall takes: a month is the most a station posts at once.
MAX_DAYS = 31
WEEKDAYS = "一二三四五六日"
# The calendar's own colours (ui/roster/model.py), so the paper reads as the screen does.
FILLS = {DayKind.HOLIDAY: "FDE9E0", DayKind.WEEKEND: "F3F3F3", DayKind.ADJUSTED_WORKDAY: "E8F1FA"}
STAFFING = "在岗人数"  # first cell of each staffing row: the sheet's own totals
REST = "休"  # a day with no shift, no leave and no training
DAY_STARTS = timedelta(hours=6)  # staffing rows run from the morning shifts to the night's
# The month's one-character marks of a duty (a week writes the duty out).
DUTY_MARKS = {"desk": "台", "post": "站", "standby": "备"}
OFF_MARKS = {"leave": "假", "training": "训"}
DAY_SEPARATOR = "/"  # between a day's entries in a month's cell (白/夜); the roster panel's too
RULE_NAMES = {  # the roster panel's names of domain.roster_rules.RULE_CODES, in Chinese
    "min_staff": "在岗人数", "post_min": "岗位人数", "rest": "休息时间", "max_hours": "周工时",
    "double_booked": "同时两处", "absence": "休假/培训", "off_roll": "已不在册", "unit_crew": "警组编成",
}

COLUMNS = (
    C("班组", width=8, doc="the officer's team; the rows go team by team"),
    C("姓名", width=14),  # under the officers, a staffing row's shift: 所部备勤（白）
    C("职级", width=10, doc="rank, or 辅警 for an auxiliary"),
)
# After a column per day: the officer's shifts in the period (leave and training not counted), hours.
TOTAL_COLUMNS = (C("班次", K.INT, 6, center=True), C("工时", K.FLOAT, 8, center=True))
VIOLATION_COLUMNS = (
    C("日期", K.DATE, 12),
    C("班次", width=26),
    C("人员", width=16),
    C("规则", width=10),
    C("说明", width=70, wrap=True),
)


def _day_header(info: CalendarDay, month: bool) -> str:
    d = info.day
    if month:  # 31 narrow columns: the day, its weekday, 休 or 班 as a wall calendar marks them
        mark = {DayKind.HOLIDAY: "\n休", DayKind.ADJUSTED_WORKDAY: "\n班"}.get(info.kind, "")
        return f"{d.day}\n{WEEKDAYS[d.weekday()]}{mark}"
    label = info.label_zh()
    return f"{d:%m-%d}\n周{WEEKDAYS[d.weekday()]}" + (f"\n{label}" if label else "")


def _hours(x: ShiftInfo) -> float:
    return (x.ends_at - x.starts_at).total_seconds() / 3600


def duty_text(x: ShiftInfo, duty: str) -> str:
    """A week's cell: the shift's short name and the duty, 白班巡逻, 24h值班台, 所部备勤（白）."""
    label = DUTIES.get(duty, duty)
    if _hours(x) >= 24:
        return f"24h{label}"
    if label in x.name:
        return x.name
    if x.name in label:
        return label
    return x.name + label


def shift_mark(name: str) -> str:
    """A shift's one-character mark in a month: 白, 中, 夜; 值 for a duty; 所部备勤（白） is 白."""
    if name.endswith("）") and "（" in name:
        inner = name[name.rindex("（") + 1:-1]
        if inner:
            return inner[0]
    if "值班" in name:
        return "值"
    if name.startswith("大夜"):
        return "夜"
    if name.startswith("小夜"):
        return "中"
    return name[:1] or "?"


def duty_mark(x: ShiftInfo, duty: str) -> str:
    """A month's cell: the shift's mark and the duty's unless patrol (白, 白备, 值)."""
    mark = shift_mark(x.name)
    extra = DUTY_MARKS.get(duty, "")
    if mark == "值" and duty == "desk":
        extra = ""
    return mark + extra


def off_text(kind: str, note: str) -> str:
    """Leave or training as a week writes it: the kind of leave when its note names it
    (年休假, 病假, 事假), else 休假 or 培训. A longer note stays off the wall."""
    note = (note or "").strip()
    if kind == "leave":
        return note if 0 < len(note) <= 4 and note.endswith("假") else "休假"
    return note if 0 < len(note) <= 4 and note.endswith("训") else "培训"


def _covers(a: AbsenceInfo, day: date) -> bool:
    start = datetime.combine(day, datetime.min.time(), CHINA_TZ)
    return a.starts_at < start + timedelta(days=1) and a.ends_at > start


def _away(e: EntryInfo, x: ShiftInfo, absences: Sequence[AbsenceInfo]) -> bool:
    """The officer has leave or training recorded over the shift (the rule checker's count)."""
    return any(a.officer_id == e.officer_id and a.starts_at < x.ends_at and x.starts_at < a.ends_at
               for a in absences)


class _Grid:
    """The roster of one period worked out into cells, staffing and marks."""

    def __init__(self, view: RosterView, month: bool):
        self.view, self.month = view, month
        self.days = [d.day for d in view.days]
        self.shifts = {x.id: x for x in view.shifts}
        self.day_of = {x.id: local_day(x.starts_at) for x in view.shifts}
        self.planned = set(self.day_of.values())  # days with shifts: the others are not planned yet
        self.marks: dict[str, set[str]] = defaultdict(set)  # the month's legend: mark -> meanings
        self.by_cell: dict[tuple[int, date], list[EntryInfo]] = defaultdict(list)
        for e in view.entries:
            self.by_cell[(e.officer_id, self.day_of[e.shift_id])].append(e)
        for cell in self.by_cell.values():
            cell.sort(key=lambda e: (self.shifts[e.shift_id].starts_at, e.shift_id))

    def officers(self) -> list[OfficerInfo]:
        """Those the period rosters or records leave or training for, in the calendar's order.
        Officers never rostered (the chief, community officers) would read 休 every day."""
        rostered = {oid for oid, _d in self.by_cell}
        away = {a.officer_id for a in self.view.absences if any(_covers(a, d) for d in self.days)}
        return [o for o in self.view.officers if o.id in rostered or o.id in away]

    def cell(self, officer_id: int, day: date) -> str:
        parts: list[str] = []
        for e in self.by_cell.get((officer_id, day), ()):
            x = self.shifts[e.shift_id]
            if e.duty in OFF_DUTIES:
                parts.append(self._off(e.duty, e.note))
            elif self.month:
                mark = duty_mark(x, e.duty)
                self.marks[shift_mark(x.name)].add(x.name)
                if mark[1:]:
                    self.marks[mark[1:]].add(DUTIES.get(e.duty, e.duty))
                parts.append(mark)
            else:
                parts.append(duty_text(x, e.duty))
        for a in self.view.absences:
            if a.officer_id == officer_id and _covers(a, day):
                parts.append(self._off(a.kind, a.note))
        parts = list(dict.fromkeys(parts))  # a leave entry and its recorded leave: said once
        if not parts and day not in self.planned:
            return ""  # not 休: the chief has not planned the day
        if not parts:
            if self.month:
                self.marks[REST].add("休息")
            return REST
        return (DAY_SEPARATOR if self.month else "\n").join(parts)

    def _off(self, kind: str, note: str) -> str:
        if self.month:
            self.marks[OFF_MARKS[kind]].add(DUTIES[kind])
            return OFF_MARKS[kind]
        return off_text(kind, note)

    def totals(self, officer_id: int) -> tuple[int, float]:
        worked = [self.shifts[e.shift_id] for d in self.days for e in self.by_cell.get((officer_id, d), ())
                  if e.duty not in OFF_DUTIES]
        return len(worked), round(sum(_hours(x) for x in worked), 2)

    def staffing(self) -> Iterator[tuple[Any, ...]]:
        """One row per shift name, in the order of the duty day: who will be there (not on leave,
        in training or off the roll, as the rule checker counts) against the minimum."""
        active = {o.id for o in self.view.officers if o.active}
        present: dict[int, int] = defaultdict(int)
        for e in self.view.entries:
            x = self.shifts[e.shift_id]
            if e.duty not in OFF_DUTIES and e.officer_id in active and not _away(e, x, self.view.absences):
                present[x.id] += 1
        # The duty day as stations count it, from the morning: the 大夜班 at midnight comes last.
        def in_day(x: ShiftInfo) -> tuple[datetime, int]:
            return (local(x.starts_at - DAY_STARTS).replace(year=2000, month=1, day=1), x.id)

        names = dict.fromkeys(x.name for x in sorted(self.view.shifts, key=in_day))
        for name in names:
            cells: list[str] = []
            for d in self.days:
                on = [x for x in self.view.shifts if x.name == name and self.day_of[x.id] == d]
                if not on:
                    cells.append("")
                    continue
                have, need = sum(present[x.id] for x in on), sum(x.min_staff for x in on)
                text = f"{have}/{need}" if need else str(have)
                if have < need:
                    text += "缺" if self.month else f" 缺{need - have}"
                cells.append(text)
            yield (STAFFING, name, "在岗/最少", *cells, None, None)

    def legend(self) -> str:
        order = [*"白中夜值", *DUTY_MARKS.values(), *OFF_MARKS.values(), REST]
        marks = sorted(self.marks, key=lambda m: (order.index(m) if m in order else len(order), m))
        text = "图例：" + "　".join(f"{m}＝{'、'.join(sorted(self.marks[m]))}" for m in marks)
        kinds = {d.kind for d in self.view.days}
        if DayKind.HOLIDAY in kinds or DayKind.ADJUSTED_WORKDAY in kinds:
            text += "；表头“休”为法定节假日，“班”为调休上班"
        return text


def _sheets(view: RosterView, lk: Lookups) -> list[Sheet]:
    period = period_from(view.first, view.last)
    month = len(view.days) > 7
    grid = _Grid(view, month)
    day_cols = [C(_day_header(d, month), width=6 if month else 15, wrap=True, center=True,
                  fill=FILLS.get(d.kind, "")) for d in view.days]
    officers = grid.officers()
    rows: list[tuple[Any, ...]] = []
    for o in officers:
        grade = "辅警" if o.kind == "auxiliary" else (o.rank or "民警")
        rows.append((o.team, o.name, grade, *(grid.cell(o.id, d) for d in grid.days), *grid.totals(o.id)))
    if rows:  # an empty period is the writer's 无记录 line, not a staffing table of blanks
        rows.extend(grid.staffing())
    subtitle = (f"排班期间：{period.label}    制表人：{lk.exporter}    "
                f"制表时间：{local(lk.now):%Y-%m-%d %H:%M}    审核：")
    unknown = sorted({d.day.year for d in view.days if not d.known})
    footer: list[str] = []
    if month:
        footer.append(grid.legend())
    footer.append(f"注：在岗人数只计到岗人员（休假、培训和不在册的不计）；本期违反排班规则 {len(view.violations)} 条，"
                  "见“违规提示”表。")
    if unknown:
        years = "、".join(str(y) for y in unknown)
        footer.append(f"注：{years}年的法定节假日和调休尚未收录，这些日子按普通工作日和周末标注。")
    sheets = [
        Sheet("排班表", f"{period.label}排班表", (*COLUMNS, *day_cols, *TOTAL_COLUMNS), iter(rows),
              len(rows), totals=False, total_label=STAFFING, subtitle=subtitle, frozen_columns=3,
              footer=footer, name_en="Roster", title_en="Roster"),
        Sheet("违规提示", f"{period.label}排班违规提示", VIOLATION_COLUMNS,
              iter(_violations(view)), len(view.violations), subtitle=subtitle,
              name_en="Rule violations", title_en="Roster rule violations"),
    ]
    return sheets


def _violations(view: RosterView) -> list[tuple[Any, ...]]:
    """The roster panel's list, in Chinese: the rule checker's own words, through the catalogue."""
    shifts = {x.id: x for x in view.shifts}
    names = {o.id: o.name for o in view.officers}
    out = []
    for v in view.violations:
        x = shifts.get(v.shift_id) if v.shift_id is not None else None
        when = ""
        if x is not None:
            start, end = local(x.starts_at), local(x.ends_at)
            when = f"{x.name} {start:%H:%M}–{end:%H:%M}" if end - start < timedelta(hours=24) else \
                f"{x.name} {start:%H:%M}–{end:%m-%d %H:%M}"
        out.append((local_day(x.starts_at) if x else None, when,
                    names.get(v.officer_id, "") if v.officer_id is not None else "",
                    RULE_NAMES.get(v.rule, v.rule), message_text(v.message, "zh_CN")))
    out.sort(key=lambda r: (r[0] or date.min, r[1]))
    return out


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    first = local_day(scope.start)
    last = local_day(scope.end - timedelta(seconds=1))
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise ValidationError(f"a roster is at most {MAX_DAYS} days (a week or a month), not {days}",
                              field="to")
    if len(scope.station_ids) != 1:
        raise ValidationError("the roster (排班表) is each station's own: choose one station",
                              field="station")
    return _sheets(read_roster(s, scope.station_ids[0], first, last), lk)


# The roster is the whole station's: shifts are not kept by police district.
LEDGER = LedgerDef("roster", "排班表",
                   "the roster as a station posts it, a week or a month on one sheet: a row per "
                   "officer, a column per day (date, weekday, public holidays and adjusted working "
                   "days marked and shaded) holding the shift and duty, the officer's shifts and "
                   "hours, a staffing row per shift against its minimum; on a sheet of its own "
                   "(违规提示), the period's roster rule violations",
                   COLUMNS, build, by_district=False, title_en="Roster")
