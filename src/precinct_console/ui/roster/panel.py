"""Roster panel: week or month calendar, rule violations as the chief plans; plan shifts, record
leave and training, add officers, assign, copy a week, swap."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.changes import Change, ChangeItem, is_unit_activity
from ...domain.clock import CHINA_TZ
from ...domain.errors import KnownError
from ...domain.permissions import is_permitted
from ...domain.roster_rules import RuleSet
from ...domain.shifts import team_sort_key
from ...services import roster
from ...services.roster import DUTIES, AbsenceInfo, EntryInfo, RosterView
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import error_text, message_text, ui_language
from ..forms import Failed, error_line, ok_cancel, submit_form, try_again_over
from ..theme import BREACH, MUTED, NEAR, OK, ui_font
from .export import RosterExport
from .model import ENTRY_ROLE, RosterCalendarModel, absence_line, shift_hours
from .planning import PlanShiftsDialog
from .record_dialogs import AbsenceDialog, OfficerDialog
from .roll_import import StaffListButton
from .rules_dialog import RosterRulesDialog
from .units_dialog import UnitsDialog

# "setting": the rest and weekly-hours limits, changed at another seat, change the violations.
WATCHED = ("roster_entry", "shift", "officer", "officer_absence", "unit", "setting")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


def _tool(text: str, *, checkable: bool = False) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setCheckable(checkable)
    return b


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


class AssignDialog(QDialog):
    """Put an officer on one of the day's shifts, with a duty and (optionally) a unit."""

    def __init__(self, view: RosterView, officer_id: int, day: date, parent: QWidget | None = None,
                 entry: EntryInfo | None = None):
        super().__init__(parent)
        officer = next(o for o in view.officers if o.id == officer_id)
        self.setWindowTitle(self.tr("Assign %1").replace("%1", officer.name) if entry is None else
                            self.tr("Change %1's shift").replace("%1", officer.name))
        form = QFormLayout(self)
        self.shift = QComboBox()
        for s in view.shifts:
            if s.starts_at.astimezone(CHINA_TZ).date() == day:
                self.shift.addItem(f"{s.name} {s.team} {shift_hours(s.starts_at, s.ends_at)}", s.id)
        self.duty = QComboBox()
        for key, label in DUTIES.items():
            self.duty.addItem(label, key)
        self.unit = QComboBox()
        self.unit.addItem(self.tr("(no unit)"), None)
        for uid, call_sign in view.units:
            # A unit out of service is not offered, except as the entry's own (a past shift).
            if uid not in view.retired_units or (entry is not None and entry.unit_id == uid):
                # A standby car is for standby crews: said here, where a patrol crew is put by hand.
                label = (self.tr("%1 (standby car)").replace("%1", call_sign)
                         if uid in view.standby_units else call_sign)
                self.unit.addItem(label, uid)
        # The post the officer stands at: a shift's post minimum (火车站警务站 at least 2) counts it.
        self.post = QComboBox()
        self.post.addItem(self.tr("(no post)"), None)
        for pid, post_name in view.posts:
            self.post.addItem(post_name, pid)
        self.note = QLineEdit()
        form.addRow(self.tr("Shift"), self.shift)
        form.addRow(self.tr("Duty"), self.duty)
        form.addRow(self.tr("Unit"), self.unit)
        form.addRow(self.tr("Post"), self.post)
        form.addRow(self.tr("Note"), self.note)
        if entry is not None:
            # Changing an entry keeps its shift (moving to another shift is remove and assign).
            self.shift.setCurrentIndex(max(0, self.shift.findData(entry.shift_id)))
            self.shift.setEnabled(False)
            self.duty.setCurrentIndex(max(0, self.duty.findData(entry.duty)))
            self.unit.setCurrentIndex(max(0, self.unit.findData(entry.unit_id)))
            self.post.setCurrentIndex(max(0, self.post.findData(entry.post_id)))
            self.note.setText(entry.note)
        # Where submit_form says why the service refused (already on the shift, changed at another
        # seat), with the form shown again as it was.
        self.error = error_line()
        form.addRow(self.error)
        buttons = ok_cancel(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.shift.count() > 0)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {"shift_id": self.shift.currentData(), "duty": self.duty.currentData(),
                "unit_id": self.unit.currentData(), "post_id": self.post.currentData(),
                "note": self.note.text().strip()}


class RosterPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.mode = "week"
        self.first = monday_of(app.clock().astimezone(CHINA_TZ).date())
        self.view: RosterView | None = None
        self.model = RosterCalendarModel(self)
        self._build()
        app.changed.connect(self._on_change)
        self.reload()

    # layout -----------------------------------------------------------------------------------
    def _build(self) -> None:
        bar = QHBoxLayout()
        self.prev_btn = _tool("◀")
        self.next_btn = _tool("▶")
        self.today_btn = QPushButton(self.tr("This week"))
        self.period = QLabel()
        self.period.setFont(ui_font(11, bold=True))
        self.week_btn = _tool(self.tr("Week"), checkable=True)
        self.week_btn.setChecked(True)
        self.month_btn = _tool(self.tr("Month"), checkable=True)
        group = QButtonGroup(self)
        group.addButton(self.week_btn)
        group.addButton(self.month_btn)
        self.copy_btn = QPushButton(self.tr("Copy week to next week"))
        self.swap_btn = QPushButton(self.tr("Swap shifts"))
        self.swap_btn.setToolTip(self.tr("Select two rostered cells (Ctrl+click), then swap"))
        self.plan_btn = QPushButton(self.tr("Plan shifts…"))
        self.plan_btn.setToolTip(self.tr("Make the shifts of a period from a shift pattern"))
        self.absence_btn = QPushButton(self.tr("Leave / training…"))
        self.officer_btn = QPushButton(self.tr("Add officer…"))
        self.staff_list_btn = StaffListButton(self.app)  # 花名册: import, blank template
        self.unit_btn = QPushButton(self.tr("Units…"))
        self.unit_btn.setToolTip(self.tr("Add a unit, edit one, take one out of service"))
        self.rules_btn = QPushButton(self.tr("Rules…"))
        # The period on screen as the 排班表 to print, post and send to the branch (ui/roster/export).
        self.export_btn = QPushButton(self.tr("Export…"))
        self.export_btn.setToolTip(self.tr("Write the week or month shown as the roster to print and "
                                           "post (Excel; Ctrl+E)"))
        self.export_btn.clicked.connect(self.export_period)
        self.exporter = RosterExport(self.app, self)
        if is_permitted(self.app.ctx.actor.role, "ledger.export"):
            export = QAction(self)
            export.setShortcut(QKeySequence("Ctrl+E"))
            export.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            export.triggered.connect(self.export_period)
            self.addAction(export)
        else:
            self.export_btn.setVisible(False)
        for w in (self.prev_btn, self.today_btn, self.next_btn, self.period):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.week_btn, self.month_btn, self.plan_btn, self.absence_btn, self.officer_btn,
                  self.staff_list_btn, self.unit_btn, self.rules_btn, self.copy_btn, self.swap_btn,
                  self.export_btn):
            bar.addWidget(w)
        # Those who may only read the roster (a duty officer checking who is on) see no edit buttons.
        can_edit = is_permitted(self.app.ctx.actor.role, "roster.edit")
        self.can_edit = can_edit
        for w in (self.plan_btn, self.absence_btn, self.officer_btn, self.staff_list_btn,
                  self.unit_btn, self.rules_btn, self.copy_btn, self.swap_btn):
            w.setVisible(can_edit)
        self.rules_btn.clicked.connect(self.edit_rules)
        self.unit_btn.clicked.connect(self.manage_units)
        self.plan_btn.clicked.connect(self.plan_shifts)
        self.absence_btn.clicked.connect(self._absence_at_cell)
        self.officer_btn.clicked.connect(self.add_officer)
        self.prev_btn.clicked.connect(lambda: self.step(-1))
        self.next_btn.clicked.connect(lambda: self.step(1))
        self.today_btn.clicked.connect(self.go_today)
        self.week_btn.toggled.connect(self._week_toggled)
        self.month_btn.toggled.connect(self._month_toggled)
        self.copy_btn.clicked.connect(self.copy_week)
        self.swap_btn.clicked.connect(self.swap_selected)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.keyboard_home = self.table  # Ctrl+Shift+R: the arrows move in the calendar at once
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the calendar (arrows move in it): Qt's Tab went round its cells for ever,
        # and the violation list under it was out of the keyboard's reach.
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumHeight(40)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setFont(ui_font(9))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.doubleClicked.connect(self._assign_at)
        # Enter does what a double click does: the keyboard's way to put the officer on a shift.
        assign = QAction(self.table)
        assign.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        assign.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        assign.triggered.connect(lambda: self._assign_at(self.table.currentIndex()))
        self.table.addAction(assign)

        self.summary = QLabel()
        self.summary.setFont(ui_font(10, bold=True))
        # The calendar's keys, as the unit board shows its own: a chief at the keyboard learns them.
        self.keys_hint = QLabel(self.tr("Keys: Enter assigns a shift that day · Menu key: leave, "
                                        "change or remove · Ctrl+arrows, Ctrl+Space: pick two "
                                        "cells to swap"))
        self.keys_hint.setStyleSheet(f"color: {MUTED.name()}")
        self.keys_hint.setVisible(self.can_edit)
        # Days past the published holiday tables are planned as plain weekdays and weekends:
        # the chief must know, or a New Year's Day gets an ordinary day's staff.
        self.calendar_note = QLabel()
        self.calendar_note.setWordWrap(True)
        self.calendar_note.setStyleSheet(f"color: {NEAR.darker(130).name()}")
        self.calendar_note.hide()
        # A month's cells are one or two characters: the legend says what each one means, as the
        # printed 排班表's 图例 line does (a week writes its cells out and needs none).
        self.legend = QLabel()
        self.legend.setFont(ui_font(9))
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(f"color: {MUTED.darker(130).name()}")
        self.legend.hide()
        self.problems = QListWidget()
        self.problems.setFont(ui_font(9))
        self.problems.itemActivated.connect(self._open_problem)
        self.problems.itemClicked.connect(self._go_to_problem)
        # The summary line stays; the list of violations shares the height with the calendar and
        # is hidden when there are none, giving the calendar all of it.
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.problems)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.keys_hint)
        layout.addLayout(head)
        layout.addWidget(self.calendar_note)
        layout.addWidget(self.legend)
        layout.addWidget(split, 1)

    # period -----------------------------------------------------------------------------------
    def period_bounds(self) -> tuple[date, date]:
        if self.mode == "week":
            return self.first, self.first + timedelta(days=6)
        start = self.first.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)

    def export_period(self) -> None:
        self.exporter.start(*self.period_bounds())

    def _week_toggled(self, on: bool) -> None:
        if on:
            self.set_mode("week")

    def _month_toggled(self, on: bool) -> None:
        if on:
            self.set_mode("month")

    def _show_legend(self) -> None:
        marks = self.model.month_marks()
        self.legend.setVisible(bool(marks))
        if not marks:
            return
        if not ui_language().startswith("en"):
            # The printed 排班表's own 图例 line, word for word: screen and paper read alike.
            zh = {**DUTIES, "rest": "休息"}
            self.legend.setText("图例：" + "　".join(
                f"{mark}＝{'、'.join(names) if what == 'shift' else zh.get(what, what)}"
                for mark, what, names in marks))
            return
        meanings = {
            "desk": self.tr("desk duty"), "post": self.tr("at a post"), "standby": self.tr("standby"),
            "leave": self.tr("leave"), "training": self.tr("training"), "rest": self.tr("rest day"),
        }
        # Shift marks name the shifts as the station calls them (白班, 所部备勤（白）).
        items = [f"{mark} = {'、'.join(names) if what == 'shift' else meanings.get(what, what)}"
                 for mark, what, names in marks]
        self.legend.setText(self.tr("Marks: %1").replace("%1", " · ".join(items)))

    def set_mode(self, mode: str) -> None:
        toggle = self.week_btn if mode == "week" else self.month_btn
        if not toggle.isChecked():
            # Set from code (the snapshot, a test): checking the toggle comes back here once.
            toggle.setChecked(True)
            return
        self.mode = mode
        self.copy_btn.setEnabled(mode == "week")
        if mode == "week":
            self.first = monday_of(self.first)
        else:
            # The month the shown week belongs to: today's if the week holds today, else the
            # month of its Thursday (most of its days), not always the month of its Monday.
            today = self._today()
            week = monday_of(self.first)
            self.first = today if week <= today <= week + timedelta(days=6) else week + timedelta(days=3)
        self.reload()

    def step(self, direction: int) -> None:
        if self.mode == "week":
            self.first += timedelta(days=7 * direction)
        else:
            start = self.first.replace(day=1)
            self.first = (start + timedelta(days=32)).replace(day=1) if direction > 0 else \
                (start - timedelta(days=1)).replace(day=1)
        self.reload()

    def _today(self) -> date:
        return self.app.clock().astimezone(CHINA_TZ).date()

    def go_today(self) -> None:
        self.first = monday_of(self._today()) if self.mode == "week" else self._today()
        self.reload()

    def reload(self) -> None:
        first, last = self.period_bounds()
        self.period.setText(f"{first:%Y-%m-%d} – {last:%m-%d}")
        self.app.run(roster.roster_view, self.app.ctx, first, last,
                     on_done=guarded(self, self.show_view))

    def show_view(self, view: RosterView) -> None:
        if (view.first, view.last) != self.period_bounds():
            return  # an older request for a period no longer shown
        self.view = view
        here = self.table.currentIndex()
        cell = (self.model.officer_at(here.row()), self.model.day_at(here.column())) \
            if here.isValid() else None
        self.model.load(view)
        if cell is not None and not self.table.currentIndex().isValid():
            self._back_to(*cell)
        self.problems.clear()
        n = len(view.violations)
        if not any(o.active for o in view.officers):
            # A new station's empty calendar said "no rule violations", and nothing of where to
            # begin: the roll comes first, everything else is planned on it.
            self.summary.setText(
                self.tr("Nobody is on the roll yet: import the station's 花名册 (Staff list ▸ "
                        "Import from Excel or CSV…) or add officers one by one (Add officer…)")
                if self.can_edit else self.tr("Nobody is on the roll yet"))
            self.summary.setStyleSheet("")
        elif n:
            self.summary.setText(self.tr("▲ %n rule violation(s) in this period", "", n))
            self.summary.setStyleSheet(f"color: {BREACH.name()}")
        else:
            self.summary.setText(self.tr("✓ No rule violations in this period"))
            self.summary.setStyleSheet(f"color: {OK.darker(120).name()}")
        self.rules_btn.setToolTip(self.tr("Rest and weekly hours limits (now: at least %1 h of rest, "
                                          "at most %2 h a week)")
                                  .replace("%1", f"{view.rules.min_rest_hours:g}")
                                  .replace("%2", f"{view.rules.max_hours_per_week:g}"))
        # A clean period needs no empty list under the calendar: the summary says it is clean.
        self.problems.setVisible(bool(n))
        unknown = sorted({d.day.year for d in view.days if not d.known})
        self.calendar_note.setVisible(bool(unknown))
        if unknown:
            years = "、".join(str(y) for y in unknown)
            self.calendar_note.setText(self.tr(
                "▲ The public holidays and adjusted working days of %1 are not in this installation's "
                "calendar tables yet: those days are planned as ordinary weekdays and weekends, with no "
                "holiday staffing. Update the console once the State Council's arrangement is published."
            ).replace("%1", years))
        self._show_legend()
        for v in view.violations:
            item = QListWidgetItem(f"▲ [{self._rule_label(v.rule)}] {message_text(v.message)}")
            item.setData(Qt.ItemDataRole.UserRole, (v.officer_id, v.shift_id))
            self.problems.addItem(item)

    def _back_to(self, officer_id: int, day: date) -> None:
        """The keyboard's cell again after the calendar was rebuilt (an officer added or taken
        off the roll, here or at another seat): it went back to no cell at all."""
        row = next((i for i, r in enumerate(self.model.rows) if r.officer_id == officer_id), None)
        if row is not None and day in self.model.days:
            self.table.setCurrentIndex(self.model.index(row, self.model.days.index(day)))

    def rule_labels(self) -> dict[str, str]:
        """A label for each of domain.roster_rules.RULE_CODES (a test checks they match)."""
        return {
            "min_staff": self.tr("staffing"), "post_min": self.tr("post staffing"),
            "rest": self.tr("rest"), "max_hours": self.tr("weekly hours"),
            "double_booked": self.tr("two places"), "absence": self.tr("leave/training"),
            "off_roll": self.tr("off the roll"), "unit_crew": self.tr("unit crew"),
        }

    def _rule_label(self, rule: str) -> str:
        return self.rule_labels().get(rule, rule)

    def _on_change(self, change: Change) -> None:
        # Position reports come every few seconds from each unit on the move, and its state,
        # duty checks and orders change as often: the roster shows none of them, but read the
        # whole roster again for each (and reset the chief's violation list), all shift long.
        if any(i.entity in WATCHED and not is_unit_activity(i) for i in change.items):
            self.reload()

    def _open_problem(self, item: QListWidgetItem) -> None:
        """Enter on a violation: its cell, with the keyboard there to fix it (Enter assigns)."""
        self._go_to_problem(item)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        officer_id, shift_id = item.data(Qt.ItemDataRole.UserRole)
        if self.view is None:
            return
        shift = next((s for s in self.view.shifts if s.id == shift_id), None)
        if shift is None:
            return
        day = shift.starts_at.astimezone(CHINA_TZ).date()
        col = self.model.days.index(day) if day in self.model.days else 0
        row = next((i for i, r in enumerate(self.model.rows) if r.officer_id == officer_id), 0)
        self.table.setCurrentIndex(self.model.index(row, col))

    # actions ----------------------------------------------------------------------------------
    def _after_write(self, result: Any) -> None:
        """Announce this seat's write: this panel, the unit board and the map refresh at once."""
        if isinstance(result, EntryInfo):
            items = [ChangeItem("roster_entry", result.id, "updated")]
            if result.unit_id is not None:
                items.append(ChangeItem("unit", result.unit_id, "updated"))
            result = Change(tuple(items))
        if isinstance(result, Change) and result:
            self.app.announce(result)
        else:
            self.reload()

    def _assign_at(self, index: QModelIndex) -> None:
        if self.view is None or not index.isValid() or not self.can_edit:
            return
        officer = self.model.officer_at(index.row())

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(roster.assign, self.app.ctx, v["shift_id"], officer, duty=v["duty"],
                         unit_id=v["unit_id"], post_id=v["post_id"], note=v["note"],
                         on_done=guarded(self, self._after_write), on_error=failed)

        # Through submit_form: a refusal keeps the form open with the chief's choices and says why.
        self._open(AssignDialog(self.view, officer, self.model.day_at(index.column()), self), send)

    def plan_shifts(self) -> None:
        first, last = self.period_bounds()
        self.app.run(roster.list_patterns, self.app.ctx,
                     on_done=guarded(self, lambda patterns: self._plan_with(patterns, first, last)))

    def _plan_with(self, patterns: list[Any], first: date, last: date) -> None:
        def send(v: dict[str, Any], failed: Failed) -> None:
            if "pattern_id" in v:
                self.app.run(roster.make_shifts, self.app.ctx, v["pattern_id"], v["first"], v["last"],
                             with_teams=v["with_teams"], crew_units=v["crew_units"],
                             crew_size=v["crew_size"],
                             on_done=guarded(self, self._shifts_made), on_error=failed)
            else:
                new = v["new"]
                self.app.run(roster.add_pattern_with_shifts, self.app.ctx, new["name"], new["kind"],
                             new["definition"], v["first"], v["last"], with_teams=v["with_teams"],
                             crew_units=v["crew_units"], crew_size=v["crew_size"],
                             on_done=guarded(self, lambda made: self._shifts_made(made[1])),
                             on_error=failed)

        roll_teams = None if self.view is None else tuple(dict.fromkeys(
            o.team for o in self.view.officers if o.active and o.team))
        self._open(PlanShiftsDialog(patterns, first, last, self,
                                    posts=self.view.posts if self.view is not None else (),
                                    roll_teams=roll_teams), send)

    def _open(self, dlg: Any, send: Callable[[dict[str, Any], Failed], None]) -> None:
        submit_form(dlg, self, self.app.report_error, send)

    def _crewing_text(self, made: list[Any]) -> tuple[str, bool]:
        """What crewing the units did, to follow "n shift(s) planned", and whether it warns: a
        vehicle nobody on the team may drive, an officer left with no seat."""
        crewing = getattr(made, "crewing", None)
        if crewing is None:
            return "", False
        parts = [self.tr("%n crew(s) formed", "", crewing.crews)]
        if crewing.no_driver:
            parts.append(self.tr("no licensed driver for %1").replace("%1", "、".join(
                self.tr("%1 (%n shift(s))", "", n).replace("%1", cs) for cs, n in crewing.no_driver)))
        if crewing.no_pilot:
            parts.append(self.tr("no licensed pilot for %1").replace("%1", "、".join(
                self.tr("%1 (%n shift(s))", "", n).replace("%1", cs) for cs, n in crewing.no_pilot)))
        if crewing.standby:
            parts.append(self.tr("%1 kept for standby").replace("%1", "、".join(crewing.standby)))
        if crewing.short:
            parts.append(self.tr("too few hands to crew %1").replace("%1", "、".join(
                self.tr("%1 (%n shift(s))", "", n).replace("%1", cs) for cs, n in crewing.short)))
        if crewing.seatless:
            parts.append(self.tr("%n time(s) an officer found no free seat and is in no unit", "",
                                 crewing.seatless))
        if crewing.alone:
            parts.append(self.tr("%n time(s) an officer is in no unit: too few on the shift to make "
                                 "a crew", "", crewing.alone))
        return (self.tr("; ") + self.tr("; ").join(parts),
                bool(crewing.no_driver or crewing.no_pilot or crewing.short or crewing.seatless
                     or crewing.alone))

    def _shifts_made(self, made: list[Any]) -> None:
        unknown = sorted({s.day.day.year for s in made if not s.day.known})
        crews, warn = self._crewing_text(made)
        if unknown:
            # Said now, not only when the chief later browses there: holiday extra staff and the
            # 调休 working days of those years are not in the shifts just made.
            self.app.notify(self.tr("%n shift(s) planned; the holiday tables do not cover %1 yet: "
                                    "public holidays and adjusted working days there are treated "
                                    "as ordinary days", "", len(made))
                            .replace("%1", "、".join(str(y) for y in unknown)) + crews, "warning")
        elif made:
            self.app.notify(self.tr("%n shift(s) planned", "", len(made)) + crews,
                            "warning" if warn else "info")
        else:
            self.app.notify(self.tr("Every shift of that period was already planned"), "warning")
        # The roster entries a team fill made come with the shifts: the whole calendar reloads.
        self.app.announce(Change(tuple(ChangeItem("shift", s.id, "created") for s in made)))
        self.reload()

    def record_absence(self, officer_id: int | None = None, day: date | None = None) -> None:
        if self.view is None:
            return

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(roster.add_absence, self.app.ctx, v["officer_id"], v["kind"],
                         v["starts_at"], v["ends_at"], v["note"],
                         on_done=guarded(self, self._absence_added), on_error=failed)

        self._open(AbsenceDialog(list(self.view.officers), day or self.first, officer_id, self), send)

    def _absence_at_cell(self) -> None:
        """The button's form opens on the calendar's cell: the officer and day the chief is on
        (a keyboard without a menu key has no other way there), else the first officer."""
        here = self.table.currentIndex()
        if here.isValid():
            self.record_absence(self.model.officer_at(here.row()), self.model.day_at(here.column()))
        else:
            self.record_absence()

    def _absence_added(self, absence: Any) -> None:
        self.app.announce(Change((ChangeItem("officer_absence", absence.id, "created"),)))
        self.reload()

    def add_officer(self) -> None:
        teams = sorted({o.team for o in self.view.officers if o.team}, key=team_sort_key) if self.view else []

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(roster.add_officer, self.app.ctx, v["badge"], v["name"], kind=v["kind"],
                         rank=v["rank"], team=v["team"], phone=v["phone"], role=v["role"],
                         skills=v["skills"], licences=v["licences"],
                         on_done=guarded(self, self._officer_added), on_error=failed)

        self._open(OfficerDialog(teams, self), send)

    def edit_officer(self, officer_id: int) -> None:
        if self.view is None:
            return
        officer = next(o for o in self.view.officers if o.id == officer_id)
        teams = sorted({o.team for o in self.view.officers if o.team}, key=team_sort_key)

        version = [officer.version]

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(roster.update_officer, self.app.ctx, officer.id, version[0],
                         name=v["name"], kind=v["kind"], rank=v["rank"], team=v["team"],
                         phone=v["phone"], role=v["role"], skills=v["skills"],
                         licences=v["licences"], active=v["active"],
                         on_done=guarded(self, self._officer_saved),
                         on_error=try_again_over(failed, version, int))

        self._open(OfficerDialog(teams, self, officer), send)

    def edit_rules(self) -> None:
        """The station's rest and weekly-hours limits; every seat's calendar re-checks with them."""
        if self.view is None:
            return
        opened: list[RuleSet] = [self.view.rules]

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.app.run(roster.set_roster_rules, self.app.ctx, v["min_rest_hours"],
                         v["max_hours_per_week"], expected=opened[0],
                         on_done=guarded(self, self._rules_saved),
                         on_error=try_again_over(failed, opened, RuleSet))

        self._open(RosterRulesDialog(self.view.rules, self), send)

    def _rules_saved(self, _rules: Any) -> None:
        self.app.announce(Change((ChangeItem("setting", None, "updated"),)))  # reloads via WATCHED

    def manage_units(self) -> None:
        """The station's units: add, edit, take out of service, reinstate; then the calendar
        reloads (retiring a unit takes it off the crews of shifts not yet over)."""
        dlg = UnitsDialog(self.app, list(self.view.posts) if self.view else [], self)
        dlg.exec()
        dlg.deleteLater()  # a child of the panel: it would live, and reload on changes, till the panel goes
        self.reload()

    def _officer_saved(self, officer: Any) -> None:
        if officer.active:
            self.app.notify(self.tr("%1 saved").replace("%1", officer.name))
        else:
            self.app.notify(self.tr("%1 is off the roll; past shifts keep the name").replace("%1", officer.name))
        self.app.announce(Change((ChangeItem("officer", officer.id, "updated"),)))
        self.reload()

    def _officer_added(self, officer: Any) -> None:
        self.app.notify(self.tr("%1 is on the roll").replace("%1", officer.name))
        self.app.announce(Change((ChangeItem("officer", officer.id, "created"),)))
        self.reload()

    def _menu(self, pos: QPoint) -> None:
        menu = self.context_menu(self.table.indexAt(pos))
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def context_menu(self, index: QModelIndex) -> QMenu | None:
        """What a right-click on a cell offers: assign, leave, the officer, each entry and absence."""
        if not index.isValid() or not self.can_edit:
            return None
        entries = index.data(ENTRY_ROLE) or ()
        menu = QMenu(self)
        menu.addAction(self.tr("Assign to a shift…"), lambda: self._assign_at(index))
        officer, day = self.model.officer_at(index.row()), self.model.day_at(index.column())
        menu.addAction(self.tr("Leave or training…"), lambda: self.record_absence(officer, day))
        menu.addAction(self.tr("Edit officer…"), lambda: self.edit_officer(officer))
        for e in entries:
            label = self.model._entry_line(e)
            menu.addAction(self.tr("Change: %1…").replace("%1", label), self._changer(e))
            menu.addAction(self.tr("Remove: %1").replace("%1", label), self._remover(e))
        # Leave typed for the wrong officer or days, or cancelled (销假), is taken back here.
        for a in self.absences_at(officer, day):
            menu.addAction(self.tr("Cancel: %1").replace("%1", absence_line(a)),
                           self._absence_remover(a))
        return menu

    def absences_at(self, officer_id: int, day: date) -> list[AbsenceInfo]:
        """The officer's leave and training recorded over that day."""
        if self.view is None:
            return []
        start = datetime.combine(day, time(0, 0), CHINA_TZ)
        return [a for a in self.view.absences if a.officer_id == officer_id
                and a.starts_at < start + timedelta(days=1) and a.ends_at > start]

    def _absence_remover(self, a: AbsenceInfo) -> Callable[[], None]:
        def remove() -> None:
            self.app.run(roster.remove_absence, self.app.ctx, a.id, a.version,
                         on_done=guarded(self, self._after_write))

        return remove

    def change_entry(self, e: EntryInfo) -> None:
        """Give an officer on a shift a unit, another duty or a note (a team fill leaves units open)."""
        if self.view is None:
            return
        shift = next((x for x in self.view.shifts if x.id == e.shift_id), None)
        if shift is None:
            return

        version = [e.version]

        def send(v: dict[str, Any], failed: Failed) -> None:
            # A version conflict (changed at another seat) comes back to the form, input kept.
            self.app.run(roster.update_entry, self.app.ctx, e.id, version[0], duty=v["duty"],
                         unit_id=v["unit_id"], post_id=v["post_id"], note=v["note"],
                         on_done=guarded(self, self._after_write),
                         on_error=try_again_over(failed, version, int))

        self._open(AssignDialog(self.view, e.officer_id, shift.starts_at.astimezone(CHINA_TZ).date(),
                                self, e), send)


    def _changer(self, e: EntryInfo) -> Callable[[], None]:
        return lambda: self.change_entry(e)

    def _remover(self, e: EntryInfo) -> Callable[[], None]:
        def remove() -> None:
            self.app.run(roster.remove_entry, self.app.ctx, e.id, e.version,
                         on_done=guarded(self, self._after_write))

        return remove

    def selected_entries(self) -> list[EntryInfo]:
        out: list[EntryInfo] = []
        for idx in self.table.selectionModel().selectedIndexes():
            out.extend(idx.data(ENTRY_ROLE) or ())
        return out

    def swap_selected(self) -> None:
        entries = self.selected_entries()
        if len(entries) != 2:
            self.app.notify(self.tr("Select exactly two rostered cells to swap"), "warning")
            return
        a, b = entries
        self.app.run(roster.swap_entries, self.app.ctx, a.id, a.version, b.id, b.version,
                     on_done=guarded(self, self._after_write))

    def copy_week(self) -> None:
        src = self.first
        dst = src + timedelta(days=7)
        answer = QMessageBox.question(
            self, self.tr("Copy week"),
            self.tr("Copy the roster of the week of %1 onto the week of %2? Entries already "
                    "there are kept.").replace("%1", f"{src:%m-%d}").replace("%2", f"{dst:%m-%d}"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.app.run(roster.copy_week, self.app.ctx, src, dst,
                     on_done=guarded(self, lambda made: self._copied(made, dst)),
                     on_error=guarded(self, self._copy_refused))

    def _copy_refused(self, exc: BaseException) -> None:
        """A refused copy (a rotation that does not repeat by whole weeks) says why and what to do
        instead in a box the chief reads, not a status line that passes."""
        if not isinstance(exc, KnownError):
            self.app.report_error(exc)
            return
        QMessageBox.warning(self, self.tr("Copy week"), error_text(exc))

    def _copied(self, copied: roster.WeekCopy, dst: date) -> None:
        self.app.notify(self.tr("%n entry(ies) copied", "", len(copied.made)))
        self.first = dst
        self.app.announce(Change(tuple(ChangeItem("roster_entry", e.id, "created")
                                       for e in copied.made)))
        self.reload()
        if copied.left_off:
            # The gaps are the chief's to fill before the week starts: say each one, not a count.
            # One line each, unwrapped (pre): a wrapped line read as two gaps.
            head = self.tr("Not copied as it was (%n):", "", len(copied.left_off))
            lines = "<br>".join(html.escape(self._left_off_line(x)) for x in copied.left_off)
            QMessageBox.information(self, self.tr("Copy week"),
                                    f"<p>{html.escape(head)}</p><p style='white-space:pre'>{lines}</p>")

    def _left_off_line(self, x: roster.LeftOff) -> str:
        reason = {
            "off_roll": self.tr("no longer on the roll, left off"),
            "leave": self.tr("on leave, left off"),
            "training": self.tr("in training, left off"),
            "unit_retired": self.tr("copied without %1, which is out of service"),
        }[x.reason].replace("%1", x.unit_call_sign)
        when = x.starts_at.astimezone(CHINA_TZ)
        return f"{when:%m-%d} {x.shift_name}  {x.officer_name}：{reason}"


def create_panel(app: AppContext) -> QWidget:
    return RosterPanel(app)
