"""The chief's planning dialog: shifts from a pattern for a period, its rules checked as he plans."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.crews import DEFAULT_CREW_SIZE
from ...domain.errors import ValidationError
from ...domain.roster_rules import PatternLoad, RuleSet, pattern_load
from ...domain.shifts import (
    DEFAULT_TEAMS,
    MIN_TEAMS,
    PatternDef,
    PatternKind,
    default_duty,
    slots_a_day,
)
from ...services.roster import CREWED_DUTIES, PatternInfo
from ..error_text import error_text
from ..forms import error_line, form_with_buttons, scroll_area
from ..theme import BREACH
from .dialog_kit import DIALOG_WIDTH, date_edit, picked_date
from .shift_times import ShiftTimesError, parse_shift_times, shift_times_text

MAX_PLAN_DAYS = 400  # the service's own limit, checked here so the chief hears it before any write
POSTS_SHOWN = 5  # posts' rows in view at once; more scroll
MAX_CREW_SIZE = 6  # the most a patrol car seats


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


def _hours(h: float) -> str:
    """63.5, 56: hours to a tenth, without a trailing .0."""
    return f"{h:.1f}".removesuffix(".0")


def pattern_kind_label(kind: str) -> str:
    labels = {
        PatternKind.DUTY_24H.value: _tr("24-hour duty with handover"),
        PatternKind.FOUR_THREE.value: _tr("four teams on three shifts (四班三运转)"),
        PatternKind.THREE_TWO.value: _tr("three teams on two shifts (三班二运转)"),
        PatternKind.STANDBY.value: _tr("standby team (备勤)"),
    }
    return labels.get(kind, kind)


def _scrolling_posts(form: QFormLayout, count: int) -> QScrollArea:
    """The posts' rows in a frameless scroll area showing POSTS_SHOWN of them at most: a station
    with a dozen community police rooms made the dialog 913 px high, its OK button below a
    1366x768 screen (728 px above the taskbar)."""
    form.setContentsMargins(0, 0, 0, 0)
    rows = QWidget()
    rows.setLayout(form)
    area = scroll_area(rows)
    area.setMinimumHeight(rows.sizeHint().height() * min(count, POSTS_SHOWN) // max(count, 1))
    return area


class PlanShiftsDialog(QDialog):
    """Make the shifts of a period from one of the station's patterns, or from a new one; before
    that, say whether the pattern keeps the station's rest and weekly-hours limits."""

    def __init__(self, patterns: list[PatternInfo], first: date, last: date,
                 parent: QWidget | None = None, posts: tuple[tuple[int, str], ...] = (),
                 rules: RuleSet | None = None, roll_teams: tuple[str, ...] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Plan shifts"))
        # The teams the officers on the roll are in (None: not known here). A new station's
        # 花名册 names its own (一组…四组): a pattern's teams the roll does not have put nobody on.
        self.roll_teams = roll_teams
        self.setMinimumWidth(DIALOG_WIDTH)
        self.patterns = {p.id: p for p in patterns}
        if rules is None:
            # Opened from the roster panel: its calendar was read with the station's limits
            # (roster_view), the ones its Rules… dialog shows. On its own: the defaults.
            rules = getattr(getattr(parent, "view", None), "rules", None)
        self.rules = rules if isinstance(rules, RuleSet) else RuleSet()
        self.pattern = QComboBox()
        for p in patterns:
            self.pattern.addItem(f"{p.name}（{pattern_kind_label(p.kind)}）", f"pattern:{p.id}")
        for kind in PatternKind:
            self.pattern.addItem(self.tr("New pattern: %1").replace("%1", pattern_kind_label(kind.value)),
                                 f"new:{kind.value}")
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. 2027年四班三运转"))
        self.handover = QTimeEdit(QTime(8, 30))
        self.handover.setDisplayFormat("HH:mm")
        # The station's own shift names and times (白班 08:00, 小夜班 16:00, 大夜班 00:00); left
        # empty, the kind's usual ones from the handover, shown greyed as the placeholder.
        self.shift_times = QLineEdit()
        self.shift_times.setToolTip(self.tr("Each shift of the day in order: its name, start and hours "
                                            "(白班 08:00 8) or its end (白班 08:00-16:00), separated by "
                                            "commas. Empty: the usual shifts from the handover time. "
                                            "The first shift starts at the handover."))
        # 四班三运转 is worked two ways (domain/shifts.py BLOCK_DAYS).
        self.rotation = QComboBox()
        self.rotation.addItem(self.tr("two days on each shift (白白中中夜夜休休, 8 days a cycle)"), 2)
        self.rotation.addItem(self.tr("one day on each shift (白中夜休, 4 days a cycle)"), 1)
        self.min_staff = QSpinBox()
        self.min_staff.setRange(0, 200)
        self.holiday_extra = QSpinBox()
        self.holiday_extra.setRange(0, 200)
        self.teams = QLineEdit()
        self.teams.setToolTip(self.tr("The teams in rotation order, as the officers' team field names "
                                      "them, separated by commas"))
        # What the teams put on work: the command room's 24-hour duty is at the desk, not on patrol.
        self.team_duty = QComboBox()
        for code, label in (("patrol", self.tr("patrol (巡逻)")), ("desk", self.tr("duty desk (值班台)")),
                            ("post", self.tr("at a post (驻站)")), ("standby", self.tr("standby (备勤)"))):
            self.team_duty.addItem(label, code)
        self.with_teams = QCheckBox(self.tr("Put each team's officers on its shifts as"))
        self.with_teams.setToolTip(self.tr("Officers on leave or training over a shift are left off it"))
        self.with_teams.setChecked(True)
        # On a patrol duty, each officer in a unit as well: the allocation plans the crewed units
        # only, and a 四班三运转 month crewed by hand is some 300 edits.
        self.crew_units = QCheckBox(self.tr("crew the units"))
        self.crew_units.setToolTip(self.tr(
            "Each officer rides the unit he rode on his team's last shift; the others are spread "
            "over the units in service, every vehicle with someone whose driving licence allows it "
            "and every crew with a police officer (民警): no auxiliary goes out alone"))
        self.crew_units.setChecked(True)
        # 双人巡逻: a unit goes out with two at least, one of them a 民警; a car the team cannot
        # give a whole crew stays in, and the message after planning names it.
        self.crew_size = QSpinBox()
        self.crew_size.setRange(1, MAX_CREW_SIZE)
        self.crew_size.setValue(DEFAULT_CREW_SIZE)
        self.crew_size.setToolTip(self.tr(
            "A unit goes out with at least this many, one of them a police officer (民警): two is "
            "patrol in pairs (双人巡逻). A unit with fewer seats takes what it seats; a car the "
            "team cannot crew is left in and named"))
        self.first = date_edit(first)
        self.last = date_edit(last)
        # The pattern's weekly hours and shortest rest against the limits, shown while the chief
        # chooses: a pattern over them breaks them every cycle (a warning, not a refusal).
        self.load = QLabel()
        self.load.setWordWrap(True)
        self.load.setTextFormat(Qt.TextFormat.RichText)
        self.load_lines: list[str] = []
        self.load_warnings: list[str] = []
        self.load.setToolTip(self.tr("Worked out from the pattern before any shift is made. You may "
                                     "still plan: the calendar then names every officer over a limit."))
        self.error = error_line()
        # Officers each post needs on every shift (火车站警务站 at least 2); 0 is no minimum.
        self.post_min: dict[int, QSpinBox] = {}
        post_form = QFormLayout()
        for pid, post_name in posts:
            spin = QSpinBox()
            spin.setRange(0, 50)
            spin.setSpecialValueText(self.tr("none"))
            self.post_min[pid] = spin
            post_form.addRow(post_name, spin)
        self.posts_box = QGroupBox(self.tr("Officers needed at each post, every shift"))
        QVBoxLayout(self.posts_box).addWidget(_scrolling_posts(post_form, len(posts)))
        self.posts_box.setVisible(bool(posts))
        form = QFormLayout()
        form.addRow(self.tr("Pattern"), self.pattern)
        form.addRow(self.tr("New pattern's name"), self.name)
        form.addRow(self.tr("Handover time"), self.handover)
        form.addRow(self.tr("Shifts"), self.shift_times)
        form.addRow(self.tr("Minimum staff per shift"), self.min_staff)
        form.addRow(self.tr("Extra staff on public holidays"), self.holiday_extra)
        form.addRow(self.tr("Teams"), self.teams)
        form.addRow(self.tr("Rotation"), self.rotation)
        self.form = form
        form.addRow(self.tr("From"), self.first)
        form.addRow(self.tr("To (inclusive)"), self.last)
        # One row across the dialog: "put each team's officers on its shifts as [值班台]" (a row
        # of its own for the duty made the dialog taller than a 1366x768 screen in Chinese).
        teams_on = QHBoxLayout()
        teams_on.addWidget(self.with_teams)
        teams_on.addWidget(self.team_duty)
        teams_on.addWidget(self.crew_units)
        # The crew size on the same row, "编入警组 [每组至少 2 人]": a row of its own made the
        # dialog 748 px high in Chinese, past a 1366x768 screen's free room.
        self.crew_size.setPrefix(self.tr("at least "))
        self.crew_size.setSuffix(self.tr(" in each"))
        teams_on.addWidget(self.crew_size)
        teams_on.addStretch(1)
        form.addRow(teams_on)
        form.addRow(self.posts_box)
        form_with_buttons(self, form, self.load, self.error)
        self.pattern.currentIndexChanged.connect(self._pattern_changed)
        self.teams.textChanged.connect(self._show_load)
        self.with_teams.toggled.connect(self._show_load)
        self.with_teams.toggled.connect(self._crewing_offered)
        self.team_duty.currentIndexChanged.connect(self._crewing_offered)
        self.crew_units.toggled.connect(self._crewing_offered)
        self.rotation.currentIndexChanged.connect(self._show_load)
        self.handover.timeChanged.connect(self._show_load)
        self.shift_times.textChanged.connect(self._show_load)
        self._keep_room_for_load()
        self._pattern_changed()
        self._crewing_offered()
        # Tab through the row as it reads (the widgets were made in another order).
        for before, after in ((self.last, self.with_teams), (self.with_teams, self.team_duty),
                              (self.team_duty, self.crew_units), (self.crew_units, self.crew_size)):
            self.setTabOrder(before, after)

    def _crewing_offered(self, *_: Any) -> None:
        """Units are crewed for patrol and standby (its standby cars): the desk and a post have
        none to ride."""
        self.crew_units.setEnabled(self.with_teams.isChecked()
                                   and self.team_duty.currentData() in CREWED_DUTIES)
        self.crew_size.setEnabled(self.crew_units.isEnabled() and self.crew_units.isChecked())

    def is_new(self) -> bool:
        return str(self.pattern.currentData()).startswith("new:")

    def _pattern_changed(self, *_: Any) -> None:
        for w in (self.name, self.handover, self.shift_times, self.min_staff, self.holiday_extra,
                  self.teams, self.posts_box, self.rotation, self.team_duty):
            w.setEnabled(self.is_new())
        what, key = str(self.pattern.currentData()).split(":")
        kind = PatternKind(key) if what == "new" else self.patterns[int(key)].pattern.kind
        self.form.setRowVisible(self.rotation, kind is PatternKind.FOUR_THREE)
        shown_duty = default_duty(kind) if what == "new" else self.patterns[int(key)].pattern.duty
        self.team_duty.setCurrentIndex(max(0, self.team_duty.findData(shown_duty)))
        if what == "new":
            self.teams.setText("，".join(self._default_teams(PatternKind(key))))
            self.shift_times.clear()  # another kind has another number of shifts a day
        else:  # shown, not editable: the pattern the figures below are for
            info = self.patterns[int(key)]
            self.handover.setTime(QTime(info.pattern.handover.hour, info.pattern.handover.minute))
            self.min_staff.setValue(info.min_staff)
            self.holiday_extra.setValue(info.holiday_extra_staff)
            self.teams.setText("，".join(info.pattern.teams))
            self.rotation.setCurrentIndex(max(0, self.rotation.findData(info.pattern.block_days)))
            self.shift_times.setText(shift_times_text(info.pattern))
            # Its posts' minimums, not the spin boxes' "none": the chief reads what it asks for.
            need = dict(info.pattern.post_min)
            for pid, spin in self.post_min.items():
                spin.setValue(need.get(pid, 0))
        self._show_load()

    def chosen_pattern(self) -> PatternDef | str:
        """The pattern the form describes, or why there is none yet (too few teams)."""
        what, key = str(self.pattern.currentData()).split(":")
        if what == "pattern":
            return self.patterns[int(key)].pattern
        kind = PatternKind(key)
        teams = self.team_names()
        if not teams:
            return self.tr("Teams: name at least one")
        if len(teams) < MIN_TEAMS.get(kind, 1):
            return (self.tr("Teams: %1 needs at least %2 teams")
                    .replace("%1", pattern_kind_label(kind.value))
                    .replace("%2", str(MIN_TEAMS[kind])))
        t = self.handover.time()
        handover = f"{t.hour():02d}:{t.minute():02d}"
        # The usual shifts from this handover, greyed in the empty field: what planning would make.
        self.shift_times.setPlaceholderText(shift_times_text(
            PatternDef.from_dict(kind.value, {"teams": teams, "handover": handover})))
        shifts = self.typed_shifts()
        if isinstance(shifts, str):
            return shifts
        if shifts:
            low, high = slots_a_day(kind)
            if not low <= len(shifts) <= high:
                text = (self.tr("Shifts: %1 has %2 shifts a day, %3 given") if low == high else
                        self.tr("Shifts: %1 has 1 to %2 shifts a day, %3 given"))
                return (text.replace("%1", pattern_kind_label(kind.value))
                        .replace("%2", str(high)).replace("%3", str(len(shifts))))
        try:
            return PatternDef.from_dict(kind.value, {"teams": teams, "handover": handover,
                                                     "shifts": shifts, **self._rotation(kind)})
        except ValidationError as exc:  # a shift overlapping the next, a day past 24 hours
            return error_text(exc)

    def typed_shifts(self) -> list[dict[str, Any]] | str:
        """The shifts typed for a new pattern ([] for the usual ones), or what is wrong with them."""
        try:
            return parse_shift_times(self.shift_times.text())
        except ShiftTimesError as exc:
            return (self.tr("Shifts: '%1' is not a name, a start time and hours (e.g. 白班 08:00 8, "
                            "or 白班 08:00-16:00)").replace("%1", exc.item))

    def _show_load(self, *_: Any) -> None:
        # Shifts typed set their own times: the first one's start is the handover.
        self.handover.setEnabled(self.is_new() and not self.shift_times.text().strip())
        p = self.chosen_pattern()
        lines, warns = ([p], 1) if isinstance(p, str) else self._load_lines(p)
        self.load_lines = lines
        self.load_warnings = lines[:warns]
        # Only the warnings in the warning colour: beside teams left off, the line saying the
        # limits hold is good news and read as such.
        self.load.setText("<br>".join(
            f'<span style="color: {BREACH.name()}">{html.escape(line)}</span>' if i < warns
            else html.escape(line) for i, line in enumerate(lines)))

    def load_text(self) -> str:
        """What the line under the form says, as plain text."""
        return "\n".join(self.load_lines)

    def _load_lines(self, p: PatternDef) -> tuple[list[str], int]:
        """The teams the pattern leaves off every shift, then a warning for each limit it breaks
        (rule, figure, limit), or its figures when it breaks none; and how many lines, from the
        first, are warnings."""
        load = pattern_load(p)
        broken = load.broken(self.rules)
        least = load.least_rested
        idle = [*self._unknown_team_lines(p), *self._idle_lines(p.kind, load)]
        lines = list(idle)
        if "rest" in broken and least is not None:
            lines.append(self.tr("At least %1 h of rest between shifts: a team on this pattern rests "
                                 "only %2 h after %3")
                         .replace("%1", _hours(self.rules.min_rest_hours))
                         .replace("%2", _hours(least.shortest_rest_hours or 0.0))
                         .replace("%3", least.rest_between[0]))
        if "max_hours" in broken:
            # Lead with the figure over the limit: the average when a team is over it on average
            # (two teams on 24-hour duty), else its busiest week (three: 63.5 h one week in three).
            if load.average_week_hours > self.rules.max_hours_per_week:
                text = self.tr("At most %1 h a week: a team on this pattern works %2 h a week on "
                               "average, %3 h in its busiest week (Mon–Sun)")
                first, second = load.average_week_hours, load.busiest_week_hours
            else:
                text = self.tr("At most %1 h a week: a team on this pattern works %2 h in its busiest "
                               "week (Mon–Sun), %3 h a week on average")
                first, second = load.busiest_week_hours, load.average_week_hours
            lines.append(text.replace("%1", _hours(self.rules.max_hours_per_week))
                         .replace("%2", _hours(first)).replace("%3", _hours(second)))
        if len(lines) > len(idle):
            return lines, len(lines)
        rest = least.shortest_rest_hours if least is not None else None
        within = (self.tr("Within the station's limits: a team works %1 h a week on average, at most "
                          "%2 h in a week (Mon–Sun), and rests at least %3 h between shifts")
                  .replace("%1", _hours(load.average_week_hours))
                  .replace("%2", _hours(load.busiest_week_hours))
                  .replace("%3", "–" if rest is None else _hours(rest)))
        return [*idle, within], len(idle)  # teams left off every shift are a warning of their own

    def _default_teams(self, kind: PatternKind) -> tuple[str, ...]:
        """The kind's usual team names (甲, 乙…), or the roll's own when it names none of those."""
        usual = DEFAULT_TEAMS[kind]
        if self.roll_teams and not set(usual) & set(self.roll_teams):
            return self.roll_teams
        return usual

    def _unknown_team_lines(self, p: PatternDef) -> list[str]:
        """Teams of the pattern nobody on the roll is in: putting the teams on would leave their
        shifts empty, and the calendar would only say later that every shift is short."""
        if self.roll_teams is None or not self.with_teams.isChecked():
            return []
        missing = [t for t in p.teams if t not in self.roll_teams]
        if not missing:
            return []
        roll = ("、".join(self.roll_teams) if self.roll_teams
                else self.tr("no officer on the roll has a team yet"))
        return [self.tr("Nobody on the roll is in %1: their shifts would be planned with no one on "
                        "them (the roll's teams: %2)")
                .replace("%1", "、".join(missing)).replace("%2", roll)]

    def _idle_lines(self, kind: PatternKind, load: PatternLoad) -> list[str]:
        """A 5th team on 四班三运转 (a 4th on 三班二运转) is on no shift at all: the rotation has a
        turn for only so many, so its officers would be left off the calendar without a word."""
        if not load.idle_teams:
            return []
        return [self.tr("%1 get no shifts: %2 rotates only %3 teams")
                .replace("%1", "、".join(load.idle_teams))
                .replace("%2", pattern_kind_label(kind.value))
                .replace("%3", str(load.rotation))]

    def _keep_room_for_load(self) -> None:
        """The line under the form as tall as the most it can say (two teams past a rotation's
        turns, and both limits broken, as by one team on 24-hour duty) at the dialog's narrowest:
        the dialog keeps its size, nothing cut off, while the chief tries patterns and teams."""
        idle = pattern_load(PatternDef(PatternKind.FOUR_THREE, ("一组", "二组", "三组", "四组", "五组",
                                                                "六组")))
        # Teams nobody on the roll is in come with at most one limit's line: they fit in this room.
        most = [*self._idle_lines(PatternKind.FOUR_THREE, idle),
                *self._load_lines(PatternDef(PatternKind.DUTY_24H, ("一组",)))[0]]
        layout = self.layout()
        assert layout is not None  # form_with_buttons laid the dialog out
        margins = layout.contentsMargins()
        width = max(self.minimumSizeHint().width(), self.minimumWidth()) - margins.left() - margins.right()
        box = self.load.fontMetrics().boundingRect(QRect(0, 0, width, 10_000),
                                                   Qt.TextFlag.TextWordWrap, "\n".join(most))
        self.load.setMinimumHeight(box.height())

    def team_names(self) -> list[str]:
        return [t for t in re.split(r"[,，、\s]+", self.teams.text()) if t]

    def accept(self) -> None:
        first, last = picked_date(self.first.date()), picked_date(self.last.date())
        if last < first:
            self.error.setText(self.tr("To: the period ends before it starts"))
            return
        if (last - first).days > MAX_PLAN_DAYS:
            self.error.setText(self.tr("To: plan at most %1 days at a time").replace("%1", str(MAX_PLAN_DAYS)))
            return
        if self.is_new() and not self.name.text().strip():
            self.error.setText(self.tr("New pattern's name: required"))
            return
        if self.is_new() and not self.team_names():
            self.error.setText(self.tr("Teams: name at least one"))
            return
        problem = self.chosen_pattern() if self.is_new() else None
        if isinstance(problem, str):  # too few teams, shifts that do not read or do not fit a day
            self.error.setText(problem)
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        what, key = str(self.pattern.currentData()).split(":")
        out: dict[str, Any] = {"first": picked_date(self.first.date()), "last": picked_date(self.last.date()),
                               "with_teams": self.with_teams.isChecked(),
                               "crew_units": self.crew_units.isEnabled() and self.crew_units.isChecked(),
                               "crew_size": self.crew_size.value()}
        if what == "pattern":
            out["pattern_id"] = int(key)
        else:
            t = self.handover.time()
            out["new"] = {"name": self.name.text().strip(), "kind": key, "definition": {
                "handover": f"{t.hour():02d}:{t.minute():02d}", "min_staff": self.min_staff.value(),
                "holiday_extra_staff": self.holiday_extra.value(), "teams": self.team_names(),
                "posts": {str(pid): spin.value() for pid, spin in self.post_min.items()
                          if spin.value() > 0}}}
            shifts = self.typed_shifts()
            if isinstance(shifts, list) and shifts:
                out["new"]["definition"]["shifts"] = shifts
            out["new"]["definition"].update(self._rotation(PatternKind(key)))
            if self.team_duty.currentData() != default_duty(PatternKind(key)):
                out["new"]["definition"]["duty"] = self.team_duty.currentData()
        return out

    def _rotation(self, kind: PatternKind) -> dict[str, int]:
        """{"block_days": 1} for a 白中夜休 四班三运转; nothing for the usual two days or another kind."""
        block = int(self.rotation.currentData())
        return {"block_days": block} if kind is PatternKind.FOUR_THREE and block != 2 else {}
